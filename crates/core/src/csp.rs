//! Content-Security-Policy handling for the one change the extension makes to
//! Hacker News' policy: adding `'wasm-unsafe-eval'` to the directive that
//! governs scripts, so the content script's WebAssembly may compile.
//!
//! The policy is always derived from the header the site actually sends, so a
//! stricter future policy is kept stricter; every other directive and source is
//! left exactly as sent.

/// The keyword Chromium requires before a content script may compile wasm
/// under a page's policy.
pub const WASM_KEYWORD: &str = "'wasm-unsafe-eval'";

/// What to do with a page's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CspPatch {
    /// The policy already allows wasm (or sets no script restriction): leave
    /// the header untouched.
    Untouched,
    /// Replace the header with this policy: the original plus the keyword.
    Replace(String),
    /// Nothing usable was sent: leave the header untouched.
    Empty,
    /// The policy names scripts of one response: a `'nonce-…'` (new on
    /// every response), a hash (`'sha256-…'`: the inline scripts of the page
    /// it was read from), or `'strict-dynamic'` (trust passed on from those).
    /// A fixed rule would carry them to every page: block the site's own
    /// scripts there and let a script carrying the frozen nonce run. No
    /// rule; where the browser needs one (Chromium) the content script stays
    /// off there.
    PerResponse,
}

/// Whether a policy names sources that belong to one response (nonces,
/// hashes, `'strict-dynamic'`).
pub fn per_response(header: &str) -> bool {
    let h = header.to_ascii_lowercase();
    ["'nonce-", "'sha256-", "'sha384-", "'sha512-", "'strict-dynamic'"].iter().any(|s| h.contains(s))
}

/// Derives the patched policy from the header value the site sent.
///
/// A header may hold several policies separated by commas; each policy that
/// restricts scripts (by `script-src`, or by `default-src` when there is no
/// `script-src`) gets the keyword. A policy whose script sources are `'none'`
/// is left as it is: the site forbids all script and the extension respects
/// that (its content script then stays off on that page).
pub fn allow_wasm(header: &str) -> CspPatch {
    let header = header.trim();
    if header.is_empty() {
        return CspPatch::Empty;
    }
    if per_response(header) {
        return CspPatch::PerResponse;
    }
    let mut changed = false;
    let policies: Vec<String> = header
        .split(',')
        .map(|policy| {
            let (patched, did) = patch_policy(policy.trim());
            changed |= did;
            patched
        })
        .collect();
    if changed {
        CspPatch::Replace(policies.join(", "))
    } else {
        CspPatch::Untouched
    }
}

/// The header value as a declarativeNetRequest header pattern that matches
/// it and nothing else: its `*` and `?` (wildcards there) and `\\` (their
/// escape) escaped. The policy rule applies only to responses whose policy
/// is exactly the one it was made from, so a site that changes its policy
/// is never served the old one with the keyword: its new policy arrives
/// untouched until the rule is made again from it.
pub fn header_pattern(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for c in header.trim().chars() {
        if matches!(c, '\\' | '*' | '?') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How far ahead of the worker's clock a page's load time may be (the two
/// clocks are read apart), and how long before now a page may have begun
/// to load and still report: a page reports its refusal as soon as it is
/// parsed.
const LOAD_CLOCK_SLACK_MS: f64 = 2_000.0;
const LOAD_MAX_AGE_MS: f64 = 60_000.0;
/// At most this many readings of a site's policy in a minute are made at
/// once for refused pages.
pub const READS_AT_ONCE_PER_MINUTE: usize = 3;

/// What a page's refusal of its wasm asks of the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing shows the policy last read is out of date: the usual
    /// throttled refresh.
    Throttled,
    /// The page began to load after that reading, so the rule made from it
    /// did not apply: read the site's policy again at once.
    ReadAgain,
    /// As `ReadAgain`, but [`READS_AT_ONCE_PER_MINUTE`] such readings were
    /// made in the last minute: none now.
    ReadTooOften,
}

/// What a refusal asks, from the last reading of the site's policy
/// (`checked_at`), when the page began to load (`loaded_at`, the page's
/// word) and the readings made at once in the last minute (`recent`, to
/// which a `ReadAgain` adds `now`: decided and counted in one step). The
/// page's word is taken only when plausible — no later than `now` beyond
/// the clocks' slack, and within the last minute — so that, whatever
/// times pages send, the site is read at once at most
/// [`READS_AT_ONCE_PER_MINUTE`] times a minute.
pub fn after_refusal(checked_at: Option<f64>, loaded_at: Option<f64>, now: f64, recent: &mut Vec<f64>) -> Refusal {
    let (Some(checked), Some(page)) = (checked_at, loaded_at) else { return Refusal::Throttled };
    let plausible = page.is_finite() && page <= now + LOAD_CLOCK_SLACK_MS && page >= now - LOAD_MAX_AGE_MS;
    if !plausible || checked >= page {
        return Refusal::Throttled;
    }
    recent.retain(|at| now - at < MINUTE_MS);
    if recent.len() >= READS_AT_ONCE_PER_MINUTE {
        return Refusal::ReadTooOften;
    }
    recent.push(now);
    Refusal::ReadAgain
}

const MINUTE_MS: f64 = 60_000.0;

fn patch_policy(policy: &str) -> (String, bool) {
    let directives: Vec<&str> = policy.split(';').map(str::trim).filter(|d| !d.is_empty()).collect();
    let name_of = |d: &str| d.split_ascii_whitespace().next().unwrap_or("").to_ascii_lowercase();
    let has_script_src = directives.iter().any(|d| name_of(d) == "script-src");
    let target = if has_script_src { "script-src" } else { "default-src" };
    let mut changed = false;
    let mut out: Vec<String> = Vec::with_capacity(directives.len() + 1);
    for d in &directives {
        if !changed && name_of(d) == target && needs_keyword(d) {
            out.push(format!("{d} {WASM_KEYWORD}"));
            changed = true;
        } else {
            out.push((*d).to_string());
        }
    }
    (out.join("; "), changed)
}

fn needs_keyword(directive: &str) -> bool {
    let sources: Vec<String> = directive.split_ascii_whitespace().skip(1).map(str::to_ascii_lowercase).collect();
    let allows_all_eval = sources.iter().any(|s| s == "'unsafe-eval'" || s == WASM_KEYWORD);
    let forbids_all = sources.len() == 1 && sources[0] == "'none'";
    !allows_all_eval && !forbids_all
}

#[cfg(test)]
mod tests {
    use super::*;

    const HN: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' https://www.google.com/recaptcha/ https://www.gstatic.com/recaptcha/ https://cdnjs.cloudflare.com/; frame-src 'self' https://www.google.com/recaptcha/; style-src 'self' 'unsafe-inline'; img-src 'self' https://account.ycombinator.com; frame-ancestors 'self'";

    #[test]
    fn a_header_pattern_matches_only_the_policy_itself() {
        assert_eq!(header_pattern(HN), HN, "HN's policy has no wildcard of a pattern");
        assert_eq!(
            header_pattern(" img-src https://*.example.com data:; script-src 'self' a?b \\x "),
            "img-src https://\\*.example.com data:; script-src 'self' a\\?b \\\\x"
        );
    }

    #[test]
    fn only_a_plausible_load_time_has_the_policy_read_again_at_once() {
        let now = 1_000_000_000.0;
        let hour_ago = Some(now - 3_600_000.0);
        let after = |checked, page| after_refusal(checked, page, now, &mut Vec::new());
        // A page loaded after the policy was read: read it again.
        assert_eq!(after(hour_ago, Some(now - 1_500.0)), Refusal::ReadAgain);
        assert_eq!(after(hour_ago, Some(now + 1_000.0)), Refusal::ReadAgain, "within the clocks' slack");
        // Loaded before the reading, or nothing said: the usual throttle.
        assert_eq!(after(Some(now - 1_000.0), Some(now - 2_000.0)), Refusal::Throttled);
        assert_eq!(after(hour_ago, None), Refusal::Throttled);
        assert_eq!(after(None, Some(now)), Refusal::Throttled);
        // Not a time a page could have loaded at.
        for page in [now + 3_600_000.0, now - 120_000.0, f64::NAN, f64::INFINITY] {
            assert_eq!(after(hour_ago, Some(page)), Refusal::Throttled, "{page}");
        }
        // Three readings at once in the last minute: no fourth, and none
        // counted.
        let mut three = vec![now - 59_000.0, now - 30_000.0, now - 1_000.0];
        assert_eq!(after_refusal(hour_ago, Some(now), now, &mut three), Refusal::ReadTooOften);
        assert_eq!(three, [now - 59_000.0, now - 30_000.0, now - 1_000.0]);
        // One of them older than a minute: read, and what is remembered is
        // the last minute's readings only.
        let mut recent = vec![now - 61_000.0, now - 30_000.0, now - 1_000.0];
        assert_eq!(after_refusal(hour_ago, Some(now), now, &mut recent), Refusal::ReadAgain);
        assert_eq!(recent, [now - 30_000.0, now - 1_000.0, now]);
        assert_eq!(after_refusal(hour_ago, Some(now), now, &mut recent), Refusal::ReadTooOften);
        // A refusal the throttle answers counts nothing.
        let mut none = Vec::new();
        assert_eq!(after_refusal(hour_ago, None, now, &mut none), Refusal::Throttled);
        assert!(none.is_empty());
    }

    fn check(input: &str, expected: CspPatch) {
        assert_eq!(allow_wasm(input), expected, "input: {input}");
    }

    #[test]
    fn hn_policy_gains_only_the_keyword_in_script_src() {
        let CspPatch::Replace(out) = allow_wasm(HN) else { panic!("expected a patch") };
        assert_eq!(out.len(), HN.len() + 1 + WASM_KEYWORD.len());
        assert!(out.contains("https://cdnjs.cloudflare.com/ 'wasm-unsafe-eval'; frame-src"));
        // Every other directive is byte for byte the same.
        for (a, b) in HN.split("; ").zip(out.split("; ")) {
            if !a.starts_with("script-src") {
                assert_eq!(a, b);
            }
        }
        assert!(!out.contains("'unsafe-eval'"));
    }

    #[test]
    fn patching_is_idempotent() {
        let CspPatch::Replace(once) = allow_wasm(HN) else { panic!() };
        check(&once, CspPatch::Untouched);
    }

    #[test]
    fn default_src_is_patched_when_no_script_src() {
        check(
            "default-src 'self'; img-src *",
            CspPatch::Replace("default-src 'self' 'wasm-unsafe-eval'; img-src *".into()),
        );
    }

    #[test]
    fn policies_without_script_rules_are_untouched() {
        check("img-src 'self'; frame-ancestors 'none'", CspPatch::Untouched);
        check("script-src 'self' 'unsafe-eval'", CspPatch::Untouched);
        check("script-src 'none'", CspPatch::Untouched);
    }

    #[test]
    fn empty_header_is_left_alone() {
        check("", CspPatch::Empty);
        check("   ", CspPatch::Empty);
    }

    #[test]
    fn every_policy_of_a_multi_policy_header_is_patched() {
        check(
            "script-src 'self', default-src 'none'; script-src https:",
            CspPatch::Replace(
                "script-src 'self' 'wasm-unsafe-eval', default-src 'none'; script-src https: 'wasm-unsafe-eval'".into(),
            ),
        );
    }

    #[test]
    fn a_per_response_nonce_is_never_frozen_into_a_rule() {
        check("script-src 'self' 'nonce-r4nd0m'; object-src 'none'", CspPatch::PerResponse);
        check("default-src 'self' 'NONCE-abc'", CspPatch::PerResponse);
        assert!(!per_response(HN));
        // A hash names the inline scripts of the page it was read from, and
        // 'strict-dynamic' passes trust on from them: neither is carried to
        // other pages either.
        check("script-src 'self' 'sha256-abc='", CspPatch::PerResponse);
        check("script-src 'strict-dynamic' https:", CspPatch::PerResponse);
    }

    #[test]
    fn directive_names_are_case_insensitive() {
        check("Script-Src 'self'", CspPatch::Replace("Script-Src 'self' 'wasm-unsafe-eval'".into()));
    }
}
