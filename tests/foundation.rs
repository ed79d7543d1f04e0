//! The foundation, end to end: the built extension in headless Chromium on
//! the local Hacker News, which sends HN's real Content-Security-Policy.

use std::time::{Duration, Instant};

use hacker_new::{Fault, Harness, Options};
use serde_json::Value;

fn harness() -> Harness {
    Harness::start(Options::default()).expect("start the replica and Chromium with the extension")
}

#[test]
fn front_page_is_enhanced_under_hns_policy() {
    let h = harness();
    let page = h.open("/").unwrap();
    // The wasm's own mark (early.js's class on the root is there before
    // the wasm runs, and would be even where it was refused).
    page.ready();
    assert_eq!(page.value("document.documentElement.dataset.hnewKind"), "story-list");
    assert_eq!(page.value("document.documentElement.dataset.hnewStories"), "30");
    let answer = page.expect("document.documentElement.dataset.hnewBackground", "the background answered");
    assert_eq!(answer, "ok", "the background answered");
    assert_eq!(page.value("document.documentElement.dataset.hnewError || ''"), "");
    let errors = page.exceptions();
    assert!(errors.is_empty(), "page errors: {errors:?}");
}

#[test]
fn a_real_thread_is_enhanced() {
    let h = harness();
    let page = h.open("/item?id=30883015").unwrap();
    page.ready();
    assert_eq!(page.value("document.documentElement.dataset.hnewKind"), "item");
    assert_eq!(page.value("document.documentElement.dataset.hnewComments"), "273");
    // Styled by HN's own rules (the local HN serves its stylesheet): long
    // comments wrap within the window instead of widening the page.
    let widths = page.value("[document.documentElement.scrollWidth, innerWidth]");
    assert!(widths[0].as_f64().unwrap() <= widths[1].as_f64().unwrap(), "the thread overflows sideways: {widths}");
}

/// A page whose own inline script tries everything HN's policy governs, at
/// parse time, exactly as HN's own scripts would run, and writes what
/// happened into `data-` attributes.
const CSP_PROBE: &str = r#"<html><head><title>probe</title></head><body><script>
(function () {
  var d = document.documentElement.dataset, pending = 5;
  function settle(key, value) { if (d[key] === undefined) { d[key] = value; if (--pending === 0) d.done = '1'; } }
  try { eval('1 + 1'); d.eval = 'allowed'; } catch (e) { d.eval = e.name; }
  try { new Function('return 1')(); d.fn = 'allowed'; } catch (e) { d.fn = e.name; }
  document.addEventListener('securitypolicyviolation', function (e) {
    if (e.effectiveDirective === 'script-src-elem') settle('script', 'blocked');
    if (e.effectiveDirective === 'frame-src') settle('frame', 'blocked');
    if (e.effectiveDirective === 'img-src') settle('img', 'blocked');
  });
  var s = document.createElement('script'); s.src = 'https://scripts.example/x.js';
  s.onload = function () { settle('script', 'allowed'); }; document.head.appendChild(s);
  var f = document.createElement('iframe'); f.src = 'https://frames.example/'; document.body.appendChild(f);
  var i = new Image(); i.src = 'https://images.example/x.png'; document.body.appendChild(i);
  fetch('https://hacker-news.firebaseio.com/v0/item/8863.json').then(function () { settle('connect', 'allowed'); }, function (e) { settle('connect', e.name); });
  WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(function () { settle('wasm', 'compiled'); }, function (e) { settle('wasm', e.name); });
})();
</script></body></html>"#;

fn run_csp_probe(opts: Options) -> Value {
    let h = Harness::start(opts).unwrap();
    h.replica.mount(hn_replica::HN_HOST, "/csp-probe", "text/html; charset=utf-8", CSP_PROBE.as_bytes().to_vec());
    let page = h.open("/csp-probe").unwrap();
    page.expect("document.documentElement.dataset.done", "the probe finished");
    page.value("({ ...document.documentElement.dataset })")
}

/// The rule adds `'wasm-unsafe-eval'` and nothing else: everything HN's
/// policy blocked for the page's own scripts stays blocked, compared in the
/// same run with a browser that has no extension.
#[test]
fn the_page_policy_still_blocks_what_it_blocked() {
    {
        let h = harness();
        let worker = h.worker().unwrap();
        let status = worker.eval("chrome.storage.local.get('csp_status').then(r => r.csp_status)").unwrap();
        let observed = status["observed"].as_str().expect("the background read HN's policy");
        assert_eq!(observed, h.replica.csp(), "the policy was read from what the site sent");
        assert_eq!(
            status["rule"].as_str().unwrap(),
            observed.replacen("https://cdnjs.cloudflare.com/;", "https://cdnjs.cloudflare.com/ 'wasm-unsafe-eval';", 1),
            "the rule is HN's policy plus the one keyword"
        );
    }
    let without = run_csp_probe(Options { extension: false, ..Options::default() });
    let with = run_csp_probe(Options::default());
    for key in ["eval", "fn", "script", "frame", "img", "connect"] {
        assert_ne!(without[key], "allowed", "HN's policy blocks {key}: {without}");
        assert_eq!(with[key], without[key], "{key} is treated the same with the extension");
    }
    // The trade-off, stated as a fact: the page's own scripts may now
    // compile wasm too.
    assert_eq!(without["wasm"], "CompileError");
    assert_eq!(with["wasm"], "compiled");
}

/// The rule is HN's policy as HN sends it when checked (install, start,
/// daily, and when a page reports its wasm refused): a stricter policy is
/// followed, and a per-response nonce is never frozen into it.
#[test]
fn the_rule_follows_a_stricter_policy_and_never_freezes_a_nonce() {
    let h = harness();
    let worker = h.worker().unwrap();
    let recheck = || {
        worker
            .eval(
                "chrome.storage.local.remove('csp_status').then(() => self.hnewHandle({ v: 1, kind: 'csp_blocked', url: 'https://news.ycombinator.com/' })).then(r => r.kind)",
            )
            .unwrap()
    };
    let rule =
        "chrome.declarativeNetRequest.getDynamicRules().then(r => r[0] ? r[0].action.responseHeaders[0].value : null)";
    let original = h.replica.csp();
    let inline =
        "<!doctype html><html><body><p>page</p><script>document.documentElement.dataset.inline = 'ran'</script>\
                  <script nonce='n00000001'>document.documentElement.dataset.stale = 'ran'</script></body></html>";
    h.replica.mount(hn_replica::HN_HOST, "/scripts", "text/html; charset=utf-8", inline.as_bytes().to_vec());

    // Stricter: no inline scripts. The rule follows, with only the keyword added.
    h.replica.set_csp("default-src 'self'; script-src 'self'");
    assert_eq!(recheck(), "done");
    assert_eq!(worker.eval(rule).unwrap(), "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'");
    let page = h.open("/scripts").unwrap();
    page.expect(
        "document.documentElement.dataset.hnewState === 'applied'",
        "the extension runs under the stricter policy",
    );
    assert_eq!(page.value("document.documentElement.dataset.inline || 'blocked'"), "blocked");

    // A nonce on every response: no rule at all, so every page keeps the
    // policy HN sent it, and a script carrying an old nonce does not run.
    h.replica.set_csp("default-src 'self'; script-src 'self' 'nonce-{nonce}'");
    // (The answer to the refused page: no rule could be set, so it is
    // not loaded again.)
    assert_eq!(recheck(), "error");
    assert_eq!(worker.eval(rule).unwrap(), serde_json::Value::Null, "no rule");
    let status = worker.eval("chrome.storage.local.get('csp_status').then(r => r.csp_status)").unwrap();
    assert!(status["observed"].as_str().unwrap().contains("'nonce-n"), "{status}");
    assert_eq!(status["rule"], serde_json::Value::Null);
    page.reload().unwrap();
    page.expect("document.readyState === 'complete'", "loaded");
    assert_eq!(page.value("document.documentElement.dataset.stale || 'blocked'"), "blocked");
    assert_eq!(page.value("document.documentElement.dataset.inline || 'blocked'"), "blocked");
    // Chromium then refuses the content script's wasm: the page is left as
    // sent, and the popup's health section says why.
    page.expect("document.documentElement.dataset.hnewError", "the loader reported the refusal");
    let health = worker
        .eval("self.hnewHandle({ v: 1, kind: 'get_health' }).then(r => r.lines.map(l => l.what).join(' | '))")
        .unwrap();
    assert!(health.as_str().unwrap().contains("names each page's own scripts"), "{health}");

    // HN's policy back as it was: the rule is back.
    h.replica.set_csp(&original);
    assert_eq!(recheck(), "done");
    assert!(worker.eval(rule).unwrap().as_str().unwrap().contains("'wasm-unsafe-eval'"));

    // HN's front page failing: the rule is kept through the outage, but not
    // once it was last checked more than a day ago.
    let check_failing = |checked_hours_ago: u32| {
        h.replica.fault("/", hn_replica::Fault::Unavailable, Some(1));
        worker
            .eval(&format!(
                "chrome.storage.local.get('csp_status').then(r => chrome.storage.local.set({{ csp_status: {{ ...r.csp_status, checked_at: Date.now() - {checked_hours_ago} * 3600000 }} }})) \
                 .then(() => self.hnewHandle({{ v: 1, kind: 'csp_blocked', url: 'https://news.ycombinator.com/' }})).then(r => r.kind)"
            ))
            .unwrap()
    };
    assert_eq!(check_failing(2), "done");
    assert!(worker.eval(rule).unwrap().is_string(), "kept through a short outage");
    // (No rule left: the refused page is told so, and is not loaded again.)
    assert_eq!(check_failing(30), "error");
    assert_eq!(worker.eval(rule).unwrap(), serde_json::Value::Null, "removed once older than a day");
    let status = worker.eval("chrome.storage.local.get('csp_status').then(r => r.csp_status)").unwrap();
    assert!(status["last_error"].as_str().unwrap().contains("could not read"), "{status}");
}

/// The rule applies only to a page that arrives with the very policy it was
/// made from. When HN changes its policy, the next page gets HN's new
/// policy untouched — never the old one with the keyword (an inline script
/// HN has just forbidden does not run even once) — its refused wasm has
/// the rule made again from the new policy, and the page loads once more
/// and starts. A nonce policy removes the rule the same way, and HN's
/// policy back brings it back, each within a page.
#[test]
fn a_changed_policy_reaches_pages_untouched_and_the_rule_follows_it() {
    let h = harness();
    let worker = h.worker().unwrap();
    let rule =
        "chrome.declarativeNetRequest.getDynamicRules().then(r => r[0] ? r[0].action.responseHeaders[0].value : null)";
    let original = h.replica.csp();
    let condition = worker
        .eval("chrome.declarativeNetRequest.getDynamicRules().then(r => r[0].condition.responseHeaders[0].values)")
        .unwrap();
    assert_eq!(condition, serde_json::json!([original.trim()]), "the rule applies to HN's policy as HN sent it");
    let first = worker.eval(rule).unwrap();
    assert!(first.as_str().is_some_and(|r| r.contains("'wasm-unsafe-eval'")), "{first}");
    // An ordinary load leaves the rule as it is.
    let page = h.open("/").unwrap();
    page.expect("document.documentElement.dataset.hnewState === 'applied'", "enhanced");
    assert_eq!(worker.eval(rule).unwrap(), first);

    // HN turns stricter: no inline scripts. The page that brings the new
    // policy runs under it (its inline script never runs, on either load),
    // its wasm is refused, the rule is made from the new policy, and the
    // page loads once more and starts.
    let inline = "<!doctype html><html><body><p>page</p><script>\
                  sessionStorage.inlineRuns = (+sessionStorage.inlineRuns || 0) + 1</script></body></html>";
    h.replica.mount(hn_replica::HN_HOST, "/inline", "text/html; charset=utf-8", inline.as_bytes().to_vec());
    let asked = h.replica.seen().len();
    h.replica.set_csp("default-src 'self'; script-src 'self'");
    page.navigate("/inline").unwrap();
    worker
        .wait_until(
            &format!("{rule}.then(r => r === \"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'\")"),
            Duration::from_secs(10),
        )
        .unwrap();
    page.expect("document.documentElement.dataset.hnewState === 'applied'", "the page loaded again and started");
    assert_eq!(page.value("String(sessionStorage.inlineRuns)"), "undefined", "HN's new policy was never replaced");
    let loads = h.replica.seen()[asked..].iter().filter(|r| r.target == "/inline").count();
    assert_eq!(loads, 2, "the refused page loaded once more");
    let fronts = h.replica.seen()[asked..].iter().filter(|r| r.target == "/").count();
    assert_eq!(fronts, 1, "the new policy was read once");

    // A nonce on every response: the first page that brings it is refused,
    // and the rule goes (no rule may copy a nonce); the page stays as sent.
    h.replica.set_csp("default-src 'self'; script-src 'self' 'nonce-{nonce}'");
    page.navigate("/").unwrap();
    worker.wait_until(&format!("{rule}.then(r => r === null)"), Duration::from_secs(10)).unwrap();
    page.expect("document.documentElement.dataset.hnewError", "the page left as sent");

    // HN's own policy again: the next page brings the rule back, and starts.
    h.replica.set_csp(&original);
    page.navigate("/news").unwrap();
    worker
        .wait_until(
            &format!("{rule}.then(r => r !== null && r.includes(\"'wasm-unsafe-eval'\"))"),
            Duration::from_secs(10),
        )
        .unwrap();
    page.expect("document.documentElement.dataset.hnewState === 'applied'", "enhanced again");
}

/// Whether the browser needs the policy rule is learned by trying, not by
/// its name: a new install sets no rule; the first page's wasm is refused
/// under HN's own policy (Chromium), the page is left exactly as sent, the
/// background learns the rule is needed and sets it, and the page loads
/// once more and starts. Here HN first sends a policy no rule may copy (a
/// nonce), so the first refused page stays as it is.
#[test]
fn the_rule_is_set_once_a_page_shows_it_is_needed() {
    let h = Harness::start(Options { wait_for_rule: false, ..Options::default() }).unwrap();
    let worker = h.worker().unwrap();
    let status = "chrome.storage.local.get('csp_status').then(r => r.csp_status ?? null)";
    worker.wait_until(&format!("{status}.then(s => s && s.checked_at > 0)"), Duration::from_secs(20)).unwrap();
    let rules = "chrome.declarativeNetRequest.getDynamicRules().then(r => r.length)";
    assert_eq!(worker.eval(rules).unwrap(), 0, "no rule before a page needed one");
    assert_eq!(worker.eval(status).unwrap()["needed"], serde_json::Value::Null);

    // The first page: refused, left as sent; no rule can be set for it.
    let original = h.replica.csp();
    h.replica.set_csp("default-src 'self'; script-src 'self' 'nonce-{nonce}'");
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewError", "the loader reported the refusal");
    worker.wait_until(&format!("{status}.then(s => s.needed === true)"), Duration::from_secs(10)).unwrap();
    // The loader had the background's answer, and stays.
    page.expect("document.documentElement.dataset.hnewRuleAnswer === 'stay'", "the loader decided");
    // Not even the look put in place before parsing is left behind, and
    // with no rule the page does not load again.
    assert_eq!(page.value("[...document.documentElement.classList].filter(c => c.startsWith('hnew')).length"), 0);
    assert_eq!(page.value("document.documentElement.style.cssText"), "");
    assert_eq!(page.value("document.documentElement.dataset.hnewLook || ''"), "");
    assert_eq!(page.value("performance.getEntriesByType('navigation')[0].type"), "navigate");
    assert_eq!(worker.eval(rules).unwrap(), 0);

    // HN's own policy: the next page is refused too, the rule is set, and
    // the page loads once more under it and starts.
    h.replica.set_csp(&original);
    let next = h.open("/news").unwrap();
    next.expect(
        "document.documentElement.dataset.hnewState === 'applied' && performance.getEntriesByType('navigation')[0].type === 'reload'",
        "the page loaded again under the rule and started",
    );
    assert_eq!(worker.eval(rules).unwrap(), 1);
    // From then on pages start at their first load.
    let third = h.open("/item?id=30883015").unwrap();
    third.ready();
    assert_eq!(third.value("performance.getEntriesByType('navigation')[0].type"), "navigate");
}

#[test]
fn the_popup_renders_and_keeps_a_setting_in_sync_storage() {
    let h = harness();
    let popup = h.open_extension("popup/popup.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true] #tab-appearance')", "the Yew app rendered");
    // The manifest's words come from `_locales`: every one it names is
    // there, and the browser resolves them.
    let manifest = std::fs::read_to_string(hacker_new::dist().join("manifest.json")).unwrap();
    let messages: Value =
        serde_json::from_str(&std::fs::read_to_string(hacker_new::dist().join("_locales/en/messages.json")).unwrap())
            .unwrap();
    let named: Vec<&str> = manifest.split("__MSG_").skip(1).filter_map(|rest| rest.split("__").next()).collect();
    assert!(named.len() >= 4, "{named:?}");
    for name in named {
        assert!(messages[name]["message"].is_string(), "{name} is not in _locales/en/messages.json");
    }
    assert_eq!(popup.value("chrome.i18n.getMessage('extName')"), "Hacker New");
    popup.value("document.querySelector('#tab-appearance').click(), true");
    popup.expect("document.querySelector('#font-scale')", "the appearance tab opened");
    popup.value(
        r#"(() => {
            const input = document.querySelector('#font-scale');
            input.value = '130';
            input.dispatchEvent(new InputEvent('input', { bubbles: true }));
            return true;
        })()"#,
    );
    popup.expect("!document.querySelector('#save').disabled", "the form noticed the edit");
    popup.value("document.querySelector('#save').click(), true");
    popup.expect("document.querySelector('.status').textContent === 'Saved'", "the save was confirmed");

    let worker = h.worker().unwrap();
    let synced = worker
        .eval(&format!(
            "chrome.storage.sync.get(null).then(items => Object.keys(items).filter(k => k.startsWith('{}')).length)",
            hn_sync::KEY_PREFIX
        ))
        .unwrap();
    assert!(synced.as_u64().unwrap_or(0) > 0, "the state was written to chrome.storage.sync");

    popup.reload().unwrap();
    popup.expect("document.querySelector('main[data-ready=true] #tab-appearance')", "the app rendered again");
    popup.value("document.querySelector('#tab-appearance').click(), true");
    popup.expect("document.querySelector('#font-scale')", "the appearance tab opened again");
    assert_eq!(popup.value("document.querySelector('#font-scale').value"), "130");
}

#[test]
fn the_background_refuses_malformed_messages() {
    let h = harness();
    let popup = h.open_extension("popup/popup.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "the popup rendered");
    let wrong_version = popup.value("chrome.runtime.sendMessage({ v: 99, kind: 'ping', nonce: 1 })");
    assert_eq!(wrong_version["kind"], "error");
    assert!(wrong_version["message"].as_str().unwrap().contains("protocol 99"));
    let unknown = popup.value("chrome.runtime.sendMessage({ v: 1, kind: 'erase_everything' })");
    assert_eq!(unknown["kind"], "error");
    let huge = popup.value("chrome.runtime.sendMessage({ v: 1, kind: 'csp_blocked', url: 'x'.repeat(400000) })");
    assert_eq!(huge["kind"], "error");
    let ping = popup.value("chrome.runtime.sendMessage({ v: 1, kind: 'ping', nonce: 42 })");
    assert_eq!(ping["kind"], "pong");
    assert_eq!(ping["nonce"], 42);
}

/// The replica plays HN's failures on demand, and unknown paths get HN's
/// own answer.
#[test]
fn the_replica_serves_hns_answers_and_failures() {
    let h = Harness::start(Options { extension: false, ..Options::default() }).unwrap();
    let page = h.open("/news").unwrap();
    let fetch = |target: &str| -> Value {
        page.value(&format!(
            "fetch('{target}').then(async r => ({{ status: r.status, body: (await r.text()).slice(0, 200), csp: r.headers.get('content-security-policy') }}), e => ({{ error: e.name }}))"
        ))
    };
    let unknown = fetch("/no-such-page");
    assert_eq!(unknown["status"], 404);
    assert_eq!(unknown["body"], "Unknown.");
    assert_eq!(fetch("/item?id=1")["body"], "No such item.");
    assert_eq!(fetch("/news")["csp"], h.replica.csp());

    h.replica.fault("/news?p=2", Fault::Unavailable, Some(1));
    assert_eq!(fetch("/news?p=2")["status"], 503);
    assert_eq!(fetch("/news?p=2")["status"], 200, "the fault was for one request");

    h.replica.fault("/best", Fault::RateLimited, Some(1));
    let limited = fetch("/best");
    assert_eq!(limited["status"], 200, "HN rate-limits with a 200");
    assert_eq!(limited["body"], hn_replica::RATE_LIMITED_BODY);

    h.replica.fault("/active", Fault::TooManyRequests, Some(1));
    assert_eq!(fetch("/active")["status"], 429);

    h.replica.fault("/jobs", Fault::EmptyPage, Some(1));
    let empty = fetch("/jobs");
    assert!(!empty["body"].as_str().unwrap().contains("athing"));

    // The browser retries a dropped request once by itself: drop them all.
    h.replica.fault("/shownew", Fault::Drop, None);
    assert_eq!(fetch("/shownew")["error"], "TypeError");
    h.replica.clear_faults();

    h.replica.fault("/asknew", Fault::Latency(Duration::from_millis(400)), Some(1));
    let start = Instant::now();
    assert_eq!(fetch("/asknew")["status"], 200);
    assert!(start.elapsed() >= Duration::from_millis(400));

    assert!(h.replica.count("/news?p=2") >= 2, "requests are counted");
}
