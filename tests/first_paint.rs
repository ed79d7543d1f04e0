//! What a page shows from its first frame: a story a filter hides is never
//! painted, not even for a frame, whether the service worker is running or
//! stopped (Chrome stops it when idle, so most page loads find it stopped);
//! and the page needs no answer of the worker's to apply the reader's state.

use std::time::Duration;

use hacker_new::{Harness, Options};
use serde_json::json;

/// Runs in the page before it is parsed, every animation frame from the
/// first: records each frame in which a story whose site matches the
/// regular expression `hidden` would be painted (it is laid out and not
/// hidden), each in which the story of site `shown` would be (so the watch
/// is seen to work), and how many frames there were.
fn watcher(hidden: &str, shown: &str) -> String {
    format!(
        "(() => {{ const w = {{ frames: 0, painted: [], control: 0 }}; window.__watch = w; \
          const visible = row => row && row.getClientRects().length && getComputedStyle(row).visibility !== 'hidden'; \
          const check = () => {{ w.frames++; \
            for (const s of document.querySelectorAll('span.sitestr')) {{ \
              const row = s.closest('tr'); \
              if (new RegExp({hidden:?}).test(s.textContent) && visible(row)) w.painted.push(w.frames); \
              if (s.textContent === {shown:?} && visible(row)) w.control++; }} \
            requestAnimationFrame(check); }}; \
          requestAnimationFrame(check); }})()"
    )
}

fn front_page_never_paints_a_filtered_story(stop_worker: bool) {
    let h = Harness::start(Options::default()).expect("start the replica and Chromium with the extension");
    let worker = h.worker().unwrap();
    let answer = hacker_new::ask(
        &worker,
        json!({"kind": "save_filter", "rule": {"kind": "domain", "pattern": "google.com", "target": "stories"}}),
    );
    assert_eq!(answer["kind"], "done", "{answer}");
    // The background keeps what pages read at load in local storage.
    worker
        .wait_until(
            "chrome.storage.session.get('page_state').then(i => i.page_state?.filters_on === true && i.page_state.text.split('\\n').filter(l => l.startsWith('r\\t')).length === 1)",
            Duration::from_secs(10),
        )
        .expect("the page state was saved");
    // The rows' hold is a stylesheet the browser injects before the first
    // frame, registered while a filter is on.
    let held = "chrome.scripting.getRegisteredContentScripts({ids: ['hn-hold-rows']}).then(s => s.length)";
    assert_eq!(worker.eval(held).unwrap(), 1, "the hold is registered");
    drop(worker);
    if stop_worker {
        h.stop_worker().expect("the worker stops");
    }
    let target = h.browser.call(None, "Target.createTarget", json!({"url": "about:blank"})).unwrap();
    let tab = h.browser.attach(target["targetId"].as_str().unwrap()).unwrap();
    tab.call("Page.enable", json!({})).unwrap();
    tab.call(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": watcher("(^|\\.)google\\.com(/|$)", "tylercipriani.com") }),
    )
    .unwrap();
    tab.navigate(&format!("{}/news", hacker_new::HN)).unwrap();
    tab.wait_until("document.documentElement.dataset.hnewHidden === '1'", Duration::from_secs(20))
        .expect("the google.com story was hidden");
    // Frames after the state was applied, for a fair count.
    let at = tab.eval("window.__watch.frames").unwrap().as_u64().unwrap_or(0);
    tab.wait_until(&format!("window.__watch.frames > {}", at + 3), Duration::from_secs(10))
        .expect("frames drawn after the state was applied");
    let watch = tab.eval("window.__watch").unwrap();
    assert!(watch["frames"].as_u64().unwrap_or(0) > 3, "frames were watched: {watch}");
    assert!(watch["control"].as_u64().unwrap_or(0) > 0, "the watch sees a story that is shown: {watch}");
    assert_eq!(watch["painted"], json!([]), "the filtered story was painted in these frames: {watch}");
    assert_eq!(tab.eval("document.documentElement.dataset.hnewState").unwrap(), "applied", "the hold is over");
    // The rest of the list is shown.
    let shown = tab
        .eval("[...document.querySelectorAll('tr.athing.submission')].filter(r => getComputedStyle(r).visibility === 'visible' && r.getClientRects().length).length")
        .unwrap();
    assert_eq!(shown, json!(29), "every other story is shown");
    eprintln!("stopped worker: {stop_worker}; frames watched: {}", watch["frames"]);
}

#[test]
fn a_filtered_story_is_never_painted_with_the_worker_running() {
    front_page_never_paints_a_filtered_story(false);
}

#[test]
fn a_filtered_story_is_never_painted_with_the_worker_stopped() {
    front_page_never_paints_a_filtered_story(true);
}

#[test]
fn a_page_load_needs_no_answer_of_the_workers() {
    let h = Harness::start(Options::default()).expect("start the replica and Chromium with the extension");
    let first = h.open("/news").unwrap();
    first.ready();
    let user = first.value("document.querySelector('a.hnuser').textContent");
    let user = user.as_str().unwrap().to_string();
    let worker = h.worker().unwrap();
    let answer = hacker_new::ask(&worker, json!({"kind": "set_follow", "site": "hn", "user": user, "follow": true}));
    assert_eq!(answer["kind"], "done", "{answer}");
    worker
        .wait_until(
            &format!("chrome.storage.session.get('page_state').then(i => !!i.page_state?.text.includes('\\nu\\thn:{user}\\t'))"),
            Duration::from_secs(10),
        )
        .expect("the page state was saved");
    let held = "chrome.scripting.getRegisteredContentScripts({ids: ['hn-hold-rows']}).then(s => s.length)";
    assert_eq!(worker.eval(held).unwrap(), 0, "no filter: rows are never held");
    drop(worker);
    h.stop_worker().expect("the worker stops");
    // The follow is applied from what early.js read from local storage, not
    // from an answer of the stopped worker's.
    let page = h.open("/news").unwrap();
    page.ready();
    assert_eq!(page.value("document.documentElement.dataset.hnewStateFrom"), "local");
    let followed = page.value("document.querySelectorAll('a.hnuser.hnew-followed').length");
    let named = page
        .value(&format!("[...document.querySelectorAll('a.hnuser')].filter(a => a.textContent === {user:?}).length"));
    assert!(named.as_u64().unwrap() > 0);
    assert_eq!(followed, named, "every link to {user} is marked");
    // The worker still hears of the page (who is signed in, what it read).
    page.expect("document.documentElement.dataset.hnewBackground === 'ok'", "the worker woke for the report");
}
