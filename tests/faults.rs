//! Faults the extension meets in use, each shown to lose no user data and to
//! recover on its own: the service worker stopped between and during
//! operations, `chrome.storage.sync` full, the saved state corrupted, and
//! HN's API failing while the activity feed refreshes.

use std::time::Duration;

use hacker_new::{Harness, Options, EXTENSION_ID};
use serde_json::Value;

fn harness() -> Harness {
    Harness::start(Options::default()).expect("start the replica and Chromium with the extension")
}

fn stop_worker(h: &Harness) {
    h.stop_worker().expect("the worker stops");
}

#[test]
fn a_stopped_worker_loses_nothing_and_wakes_for_the_next_message() {
    let h = harness();
    let worker = h.worker().unwrap();
    worker.eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'tosh', follow: true })").unwrap();
    // Stopped right after a write, and again in the middle of a burst.
    stop_worker(&h);
    let page = h.open("/news").unwrap();
    page.expect(
        "document.querySelector('a.hnuser.hnew-followed')?.textContent === 'tosh'",
        "the follow survived the stop",
    );
    let worker = h.worker().unwrap();
    worker
        .eval("Promise.all(['pg', 'dang', 'jl'].map(u => self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: u, follow: true }))).then(() => true)")
        .unwrap();
    stop_worker(&h);
    page.reload().unwrap();
    page.expect("document.documentElement.dataset.hnewState === 'applied'", "the page asked the woken worker");
    let worker = h.worker().unwrap();
    let follows = worker
        .eval("self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => Object.keys(r.state.follows).sort())")
        .unwrap();
    assert_eq!(follows, serde_json::json!(["hn:dang", "hn:jl", "hn:pg", "hn:tosh"]));
}

#[test]
fn a_full_sync_quota_keeps_every_edit_and_recovers() {
    let h = harness();
    let worker = h.worker().unwrap();
    worker.eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'tosh', follow: true })").unwrap();
    // Another program fills the sync area to the last byte.
    let filled = worker
        .eval(
            "(async () => { let n = 0; for (const size of [7000, 1000, 100, 10]) { for (let i = 0; i < 40; i++) { \
               try { await chrome.storage.sync.set({ ['junk' + size + '_' + i]: 'x'.repeat(size) }); n++; } catch (e) { break; } } } \
             const free = chrome.storage.sync.QUOTA_BYTES - await chrome.storage.sync.getBytesInUse(null); \
             if (free > 8) { await chrome.storage.sync.set({ junkz: 'x'.repeat(free - 5 - 2) }); } \
             return [n, chrome.storage.sync.QUOTA_BYTES - await chrome.storage.sync.getBytesInUse(null)]; })()",
        )
        .unwrap();
    assert!(filled[0].as_u64().unwrap() > 5, "the quota filled up: {filled}");
    assert!(filled[1].as_u64().unwrap() <= 8, "at most a few bytes free: {filled}");
    // Edits keep coming; the state written to sync grows and is refused.
    let users = ["pg", "patio11", "tptacek", "dang_", "jacquesm", "animats"];
    for u in users {
        let r = worker
            .eval(&format!("self.hnewHandle({{ v: 1, kind: 'set_follow', site: 'hn', user: '{u}', follow: true }})"))
            .unwrap();
        assert_eq!(r["kind"], "done", "the edit is accepted: it is kept on this device");
    }
    let status = worker.eval("self.hnewHandle({ v: 1, kind: 'sync_status' }).then(r => r.status)").unwrap();
    assert!(status["problem"].as_str().is_some_and(|p| !p.is_empty()), "the refusal is reported: {status}");
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewState === 'applied'", "the page works");
    let follows = worker
        .eval("self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => Object.keys(r.state.follows).length)")
        .unwrap();
    assert_eq!(follows, 1 + users.len(), "nothing lost while sync refused");
    // Room again: the next write (here another edit) goes through, and the problem clears.
    worker.eval("chrome.storage.sync.get(null).then(all => chrome.storage.sync.remove(Object.keys(all).filter(k => k.startsWith('junk')))).then(() => true)").unwrap();
    worker.eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'dang', follow: true })").unwrap();
    worker
        .wait_until(
            "self.hnewHandle({ v: 1, kind: 'sync_status' }).then(r => r.status.problem === null)",
            std::time::Duration::from_secs(10),
        )
        .expect("the problem cleared");
    let synced = worker
        .eval("chrome.storage.sync.get(null).then(all => Object.keys(all).filter(k => k.startsWith('s1.')).length)")
        .unwrap();
    assert!(synced.as_u64().unwrap() > 0);
}

#[test]
fn a_corrupt_saved_state_is_rebuilt_from_sync() {
    let h = harness();
    let worker = h.worker().unwrap();
    worker.eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'tosh', follow: true })").unwrap();
    worker
        .eval("self.hnewHandle({ v: 1, kind: 'save_filter', rule: { kind: 'domain', pattern: 'google.com', target: 'stories' } })")
        .unwrap();
    // The device's copy is damaged (a bad write, a bug, a disk); the worker restarts.
    worker.eval("chrome.storage.local.set({ replica: { junk: [1, 2, 3] } }).then(() => true)").unwrap();
    stop_worker(&h);
    // A page wakes the worker, which finds its saved state unreadable.
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewState === 'applied'", "the page got an answer");
    let worker = h.worker().unwrap();
    // On the next sync change (or browser start) it merges what it had sent to sync.
    worker.eval("chrome.storage.sync.get(null).then(all => chrome.storage.sync.set({ nudge: Date.now() })).then(() => true)").unwrap();
    worker
        .wait_until(
            "self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => 'hn:tosh' in r.state.follows && Object.keys(r.state.filters).length === 1)",
            Duration::from_secs(10),
        )
        .expect("follows and filters came back from sync");
    page.navigate("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewHidden === '1'", "the filter applies again");
}

#[test]
fn pages_may_read_and_act_but_not_manage_the_data() {
    let h = harness();
    let worker = h.worker().unwrap();
    let page = "{ url: 'https://news.ycombinator.com/news', tab: { id: 7 } }";
    let options = format!("{{ url: 'chrome-extension://{EXTENSION_ID}/popup/options.html' }}");
    let ask =
        |msg: &str, sender: &str| worker.eval(&format!("self.hnewHandleAs({{ v: 1, {msg} }}, {sender})")).unwrap();
    assert_eq!(ask("kind: 'get_state'", page)["kind"], "state");
    let refused = ask("kind: 'export_state'", page);
    assert_eq!(refused["kind"], "error");
    assert!(refused["message"].as_str().unwrap().contains("pages cannot ask"), "{refused}");
    assert_eq!(ask("kind: 'import_state', json: '{}'", page)["kind"], "error");
    assert_eq!(ask("kind: 'announce_here'", page)["kind"], "error");
    assert_eq!(ask("kind: 'export_state'", &options)["kind"], "exported");

    // What acts on a site comes from a page of that site: the sender's
    // address decides, not the message.
    let lobsters = "{ url: 'https://lobste.rs/', tab: { id: 8 } }";
    let lookalike = "{ url: 'https://news.ycombinator.com.evil.example/', tab: { id: 9 } }";
    for (msg, from) in [
        ("kind: 'act', path: 'vote?id=1&how=up&auth=x'", lobsters),
        ("kind: 'post_reply', parent: 1, text: 'hi'", lobsters),
        ("kind: 'page_seen', site: 'hn', page: 'news', me: 'somebody', signed_out: false, problems: []", lobsters),
        ("kind: 'set_follow', site: 'hn', user: 'pg', follow: true", lobsters),
        ("kind: 'set_follow', site: 'lobsters', user: 'pushcx', follow: true", page),
        ("kind: 'act', path: 'vote?id=1&how=up&auth=x'", lookalike),
    ] {
        let answer = ask(msg, from);
        assert_eq!(answer["kind"], "error", "{msg} from {from}: {answer}");
        assert!(answer["message"].as_str().unwrap().contains("cannot ask that for"), "{answer}");
    }
    assert_eq!(ask("kind: 'set_follow', site: 'hn', user: 'pg', follow: true", page)["kind"], "done");
    assert_eq!(ask("kind: 'set_follow', site: 'hn', user: 'pg', follow: false", page)["kind"], "done");

    // A page sets the Mastodon instance, and no other share preference.
    let before = ask("kind: 'get_state'", page)["state"]["share_prefs"].clone();
    let prefs = serde_json::json!({ "slots": [[], [], [], [], [], [], []], "paused": true, "cursor": 0, "destination": "x" });
    let refused = ask(&format!("kind: 'save_share_prefs', prefs: {prefs}"), page);
    assert_eq!(refused["kind"], "error", "{refused}");
    assert_eq!(ask("kind: 'set_mastodon_instance', instance: 'javascript:alert(1)'", page)["kind"], "error");
    assert_eq!(ask("kind: 'set_mastodon_instance', instance: 'Hachyderm.io'", page)["kind"], "done");
    let mut after = ask("kind: 'get_state'", page)["state"]["share_prefs"].clone();
    assert_eq!(after["mastodon"], "hachyderm.io");
    after.as_object_mut().unwrap().remove("mastodon");
    assert_eq!(after, before, "only the instance changed");

    // Another extension's id is refused whatever it asks.
    let other = worker
        .eval("self.hnewHandleAs({ v: 1, kind: 'get_state' }, { id: 'abcdefghijklmnopabcdefghijklmnop' })")
        .unwrap();
    assert_eq!(other["kind"], "error");
}
