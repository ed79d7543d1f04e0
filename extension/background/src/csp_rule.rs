//! Keeps the declarativeNetRequest rule, one per site the extension runs
//! on, that lets the content script's WebAssembly compile there: it sets
//! the page's Content-Security-Policy to the policy the site itself sends,
//! plus `'wasm-unsafe-eval'` in `script-src`, and nothing else. (Lobsters'
//! rule exists only while the reader has given the extension that site.)
//!
//! Whether a browser needs the rule at all is learned by trying: no rule
//! until a page's wasm is refused under the site's own policy (Chromium;
//! that page then loads once more, under the rule), and none ever where
//! pages start without it (Firefox). Where it is needed, the policy is read
//! from the site's own response (a fetch from the worker, which the rule
//! does not touch because it applies to documents only) on install, on
//! browser start, daily and when a page reports a refusal. When the site
//! cannot be reached the last derived rule stays for a day; when its policy
//! needs no change (or there is none), the rule is removed and the header
//! passes untouched.
//!
//! The rule applies only to a response whose policy is exactly the one it
//! was made from (a response-header condition): when the site changes its
//! policy, its pages arrive with the new one untouched, the content
//! script's wasm is refused, and that page's report has the rule made
//! again from the new policy before the page loads once more. So the
//! worker need not see each document arrive, and a page load does not wake
//! a stopped worker (which would compete with the page for the processor).

use hn_core::csp::{after_refusal, allow_wasm, CspPatch, Refusal, READS_AT_ONCE_PER_MINUTE};
use hn_core::message::CspRuleStatus;
use hn_core::site::SiteSpec;
use hn_ext::chrome::update_dynamic_rules;
use hn_ext::Area;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const ALARM: &str = "csp-refresh";
const RULE_ID: i32 = 1;
const STATUS_KEY: &str = "csp_status";
/// At most one refresh of a site's rule a minute.
const THROTTLE_MS: f64 = 60_000.0;
/// How long a rule is kept while the site's policy cannot be read.
const RULE_KEPT_MS: f64 = 24.0 * 3_600_000.0;

pub fn schedule() {
    hn_ext::alarm(ALARM, hn_ext::When::Every(24.0 * 60.0));
}

/// HN's status (the one the popup's diagnostics show).
pub async fn status() -> CspRuleStatus {
    status_of(&hn_core::site::hn::SITE).await
}

fn stored(site: &SiteSpec) -> hn_ext::Stored<CspRuleStatus> {
    hn_ext::Stored::at(Area::Local, status_key(site), "the policy rule's status")
}

async fn status_of(site: &SiteSpec) -> CspRuleStatus {
    stored(site).load().await
}

fn status_key(site: &SiteSpec) -> String {
    hn_core::site::scoped(site.id, STATUS_KEY)
}

/// Each site's rule has its own id (HN's is 1, as before a second site).
fn rule_id(site: &SiteSpec) -> i32 {
    hn_core::site::SITES.iter().position(|s| s.id == site.id).map_or(RULE_ID, |i| RULE_ID + i as i32)
}

/// Refreshes the rule of every site the extension runs on, but for a site
/// checked within the last minute: install and start-up, the daily alarm
/// and a page refused at once ask HN for its policy once, not twice.
/// Nor while another such refresh of the site is under way: many at once
/// (pages refused together, or a script's made-up refusals) read the site
/// once.
pub async fn refresh() {
    for site in hn_core::site::SITES {
        if !crate::sites::enabled(site).await {
            continue;
        }
        // Marked with no wait between the look and the mark, so that no
        // other message's refresh comes in between; the last check is read
        // once marked, so a refresh that ended meanwhile counts.
        if !IN_FLIGHT.with(|f| f.borrow_mut().insert(site.id)) {
            continue;
        }
        let checked_at = status_of(site).await.checked_at;
        if !checked_at.is_some_and(|at| js_sys::Date::now() - at < THROTTLE_MS) {
            refresh_site(site).await;
        }
        IN_FLIGHT.with(|f| f.borrow_mut().remove(site.id));
    }
}

thread_local! {
    /// Sites whose throttled refresh is under way.
    static IN_FLIGHT: std::cell::RefCell<std::collections::HashSet<&'static str>> = Default::default();
    /// Per site, when its policy was read at once for refused pages (the
    /// last minute's): kept here, not in storage, so that messages handled
    /// together cannot each find the count below its limit.
    static READ_AT_ONCE: std::cell::RefCell<std::collections::HashMap<&'static str, Vec<f64>>> = Default::default();
}

/// Whether the rule is needed on this site in this browser, as learned by
/// trying rather than by the browser's name: a page whose wasm the site's
/// own policy refused says yes ([`refused`]; Chromium), a page that started
/// with no rule in force says no ([`started`]; Firefox). Until either, no
/// rule — except one an earlier version left, which counts as needed —
/// unless another site has taught it.
/// What one site teaches holds for another that has taught nothing yet
/// (it is the browser that refuses; a site whose policy allows wasm gets
/// no rule anyway).
async fn needed(site: &SiteSpec, status: &CspRuleStatus) -> bool {
    if let Some(known) = status.needed {
        return known;
    }
    for other in hn_core::site::SITES.into_iter().filter(|o| o.id != site.id) {
        if let Some(known) = status_of(other).await.needed {
            return known;
        }
    }
    status.rule.is_some()
}

async fn save(site: &SiteSpec, status: &CspRuleStatus) {
    if let Err(e) = stored(site).save(status).await {
        crate::log(&format!("policy status not saved: {e}"));
    }
}

/// A page of the site could not compile its wasm under the page's policy:
/// the rule is needed here; it is set (or refreshed) now. `Ok` once a rule
/// is in force, so the page may load again and start. `loaded_at`: when
/// the page began to load. The policy checked before then (a rule made from
/// it, or none) did not let this page start: the site's policy is no longer
/// the one read, so it is read again at once rather than after the
/// minute's throttle — the page's word taken only when plausible, and at
/// most three times a minute ([`hn_core::csp::after_refusal`]), so no page
/// can have the worker read the site more often. Should the policy be
/// unchanged, or read too often already, the rule cannot help this page,
/// and the answer says so (the page is not loaded again).
pub async fn refused(url: &str, loaded_at: Option<f64>) -> Result<(), String> {
    crate::log(&format!("wasm was refused by the page policy on {url}; setting the rule"));
    let site = hn_core::site::of_url(url).ok_or("not a page of a site the extension runs on")?;
    let mut status = status_of(site).await;
    let now = js_sys::Date::now();
    if status.needed != Some(true) {
        status.needed = Some(true);
        save(site, &status).await;
        refresh_site(site).await;
    } else {
        // Decided and counted with no wait between (see `READ_AT_ONCE`).
        let decision = READ_AT_ONCE
            .with(|r| after_refusal(status.checked_at, loaded_at, now, r.borrow_mut().entry(site.id).or_default()));
        match decision {
            Refusal::Throttled => refresh().await,
            Refusal::ReadTooOften => {
                return Err(format!(
                    "{}'s policy was read {READS_AT_ONCE_PER_MINUTE} times in the last minute, yet its rule did not apply to the page",
                    site.name
                ))
            }
            Refusal::ReadAgain => {
                refresh_site(site).await;
                let read = status_of(site).await;
                if let Some(e) = read.last_error {
                    return Err(e);
                }
                if read.rule.is_some() && read.observed == status.observed {
                    return Err(format!("{}'s policy is unchanged, yet its rule did not apply to the page", site.name));
                }
            }
        }
    }
    let status = status_of(site).await;
    match status.rule {
        Some(_) => Ok(()),
        None => Err(status.last_error.unwrap_or_else(|| "no rule could be set".into())),
    }
}

/// A page of the site started (its wasm compiled): with no rule in force
/// and nothing learned yet, this browser needs none there.
pub async fn started(site_id: &str) {
    let Some(site) = hn_core::site::by_id(site_id) else { return };
    let mut status = status_of(site).await;
    if status.needed.is_none() && status.rule.is_none() {
        status.needed = Some(false);
        save(site, &status).await;
    }
}

thread_local! {
    /// Per site, how many refreshes began: a refresh whose reading of the
    /// site's policy was overtaken by a later one (say, install's and a
    /// refused page's at once) leaves the rule to that later one, rather
    /// than setting the older policy after it.
    static STARTED: std::cell::RefCell<std::collections::HashMap<&'static str, u64>> = Default::default();
}

fn begin(site: &SiteSpec) -> u64 {
    STARTED.with(|s| {
        let mut s = s.borrow_mut();
        let n = s.entry(site.id).or_insert(0);
        *n += 1;
        *n
    })
}

fn overtaken(site: &SiteSpec, ticket: u64) -> bool {
    STARTED.with(|s| s.borrow().get(site.id).copied().unwrap_or(0) != ticket)
}

pub async fn refresh_site(site: &SiteSpec) {
    let ticket = begin(site);
    let mut status = status_of(site).await;
    let observed = if needed(site, &status).await {
        let observed = observed_policy(site).await;
        if overtaken(site, ticket) {
            return;
        }
        observed
    } else {
        // No rule (not needed, or not known to be yet): any left goes —
        // unless a later refresh began meanwhile (a refused page's, which
        // knows the rule is needed).
        if overtaken(site, ticket) {
            return;
        }
        status.rule = None;
        status.checked_at = Some(js_sys::Date::now());
        status.last_error = set_rule(site, None).await.err().map(|e| format!("rule not removed: {e}"));
        save(site, &status).await;
        return;
    };
    match observed {
        Ok(observed) => apply(site, &mut status, observed).await,
        // Keep the last derived rule through an outage (a site's policy
        // rarely changes, and an outage must not switch the extension off),
        // but not for more than a day: a rule nobody could check since is
        // removed, and the site's own policy applies.
        Err(e) => {
            status.last_error = Some(format!("could not read {}'s policy: {e}", site.name));
            let stale = status.checked_at.is_none_or(|at| js_sys::Date::now() - at > RULE_KEPT_MS);
            if stale && status.rule.is_some() {
                match set_rule(site, None).await {
                    Ok(()) => status.rule = None,
                    Err(e) => crate::log(&format!("{}'s stale rule not removed: {e}", site.name)),
                }
            }
        }
    }
    if let Some(e) = &status.last_error {
        crate::log(e);
    }
    save(site, &status).await;
}

/// Sets the rule (or none) from the policy the site sent, and notes it.
async fn apply(site: &SiteSpec, status: &mut CspRuleStatus, observed: Option<String>) {
    // The rule pages get, with the policy it replaces (none without one).
    let rule = match (allow_wasm(observed.as_deref().unwrap_or("")), &observed) {
        (CspPatch::Replace(policy), Some(_)) => Some(policy),
        _ => None,
    };
    match set_rule(site, rule.as_deref().zip(observed.as_deref())).await {
        Ok(()) => {
            status.rule = rule;
            status.observed = observed;
            status.checked_at = Some(js_sys::Date::now());
            status.last_error = None;
        }
        Err(e) => status.last_error = Some(format!("rule not updated: {e}")),
    }
}

/// Removes a site's rule (its permission was taken back).
pub async fn remove(site: &SiteSpec) {
    if let Err(e) = set_rule(site, None).await {
        crate::log(&format!("{}'s rule not removed: {e}", site.name));
    }
    let _ = hn_ext::remove(Area::Local, &status_key(site)).await;
}

async fn observed_policy(site: &SiteSpec) -> Result<Option<String>, String> {
    let init = Object::new();
    let _ = Reflect::set(&init, &"credentials".into(), &"omit".into());
    let _ = Reflect::set(&init, &"cache".into(), &"no-store".into());
    let url = format!("https://{}/", site.host);
    let response = JsFuture::from(crate::net::fetch(&url, &init)).await.map_err(|e| hn_ext::describe(&e))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    response.headers().get("content-security-policy").map_err(|e| hn_ext::describe(&e))
}

/// Sets the site's rule to `(policy, observed)` — the policy pages get,
/// and the one the site sent that it replaces — or removes it.
async fn set_rule(site: &SiteSpec, policy: Option<(&str, &str)>) -> Result<(), String> {
    let id = rule_id(site);
    let options = Object::new();
    let remove = Array::of1(&JsValue::from(id));
    Reflect::set(&options, &"removeRuleIds".into(), &remove).map_err(|e| hn_ext::describe(&e))?;
    if let Some((policy, observed)) = policy {
        let rule =
            js_sys::JSON::parse(&rule_json(id, site.host, policy, observed)).map_err(|e| hn_ext::describe(&e))?;
        Reflect::set(&options, &"addRules".into(), &Array::of1(&rule)).map_err(|e| hn_ext::describe(&e))?;
    }
    let updated = update_dynamic_rules(&options).map_err(|e| hn_ext::describe(&e))?;
    JsFuture::from(updated).await.map_err(|e| hn_ext::describe(&e))?;
    Ok(())
}

fn rule_json(id: i32, host: &str, policy: &str, observed: &str) -> String {
    let sent = hn_core::csp::header_pattern(observed);
    serde_json::json!({
        "id": id,
        "priority": 1,
        "action": {
            "type": "modifyHeaders",
            "responseHeaders": [{ "header": "content-security-policy", "operation": "set", "value": policy }],
        },
        "condition": {
            "requestDomains": [host],
            "resourceTypes": ["main_frame", "sub_frame"],
            "responseHeaders": [{ "header": "content-security-policy", "values": [sent] }],
        },
    })
    .to_string()
}
