//! Faults the extension meets in use, each shown to lose no user data and to
//! recover on its own: the service worker stopped between and during
//! operations, `chrome.storage.sync` full, the saved state corrupted, and
//! HN's API failing while the activity feed refreshes.

use std::time::Duration;

use hacker_new::{page_answer, Harness, Options, EXTENSION_ID};

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
    page.ready();
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
    page.ready();
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

/// `chrome.storage.local` full (other data filled it): an edit is still
/// accepted, reaches sync and open pages, survives the worker's restart,
/// and the popup's health lines say why this device did not save it.
#[test]
fn a_full_local_storage_keeps_the_edit_and_says_so() {
    let h = harness();
    let worker = h.worker().unwrap();
    worker.eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'tosh', follow: true })").unwrap();
    let filled = worker
        .eval(
            "(async () => { let n = 0; for (const size of [1048576, 65536, 4096, 256, 16]) { for (let i = 0; i < 40; i++) { \
               try { await chrome.storage.local.set({ ['junk' + size + '_' + i]: 'x'.repeat(size) }); n++; } catch (e) { break; } } } \
             return [n, chrome.storage.local.QUOTA_BYTES - await chrome.storage.local.getBytesInUse(null)]; })()",
        )
        .unwrap();
    assert!(filled[1].as_i64().unwrap() < 64, "the local quota filled up: {filled}");
    let r = worker
        .eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'ignoramous', follow: true })")
        .unwrap();
    assert_eq!(r["kind"], "done", "the edit is accepted: {r}");
    let health = worker
        .eval("self.hnewHandle({ v: 1, kind: 'get_health' }).then(r => r.lines.map(l => l.what).join(' | '))")
        .unwrap();
    assert!(health.as_str().unwrap().contains("storage refused to save"), "{health}");
    // A page opened now shows it (it asks the worker, which has it).
    let page = h.open("/item?id=30883015").unwrap();
    page.ready();
    let marked = page.value(
        "[...document.querySelectorAll('a.hnuser.hnew-followed')].filter(a => a.textContent === 'ignoramous').length",
    );
    let by_user =
        page.value("[...document.querySelectorAll('a.hnuser')].filter(a => a.textContent === 'ignoramous').length");
    assert!(by_user.as_u64().unwrap() > 0, "the thread has ignoramous's comments");
    assert_eq!(marked, by_user, "ignoramous's comments are marked");
    // The worker restarts: the edit comes back from sync.
    stop_worker(&h);
    let page = h.open("/news").unwrap();
    page.ready();
    let worker = h.worker().unwrap();
    let follows = worker
        .eval("self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => Object.keys(r.state.follows).sort())")
        .unwrap();
    assert_eq!(follows, serde_json::json!(["hn:ignoramous", "hn:tosh"]), "nothing lost");
}

#[test]
fn a_corrupt_saved_state_is_rebuilt_from_sync() {
    let h = harness();
    let worker = h.worker().unwrap();
    worker.eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'tosh', follow: true })").unwrap();
    worker
        .eval("self.hnewHandle({ v: 1, kind: 'save_filter', rule: { kind: 'domain', pattern: 'google.com', target: 'stories' } })")
        .unwrap();
    let device = worker.eval("self.hnewHandle({ v: 1, kind: 'sync_status' }).then(r => r.status.device)").unwrap();
    assert!(device.as_u64().unwrap() > 0);
    // The device's copy is damaged (a bad write, a bug, a disk) where its
    // document is; the worker restarts.
    worker
        .eval("chrome.storage.local.get(null).then(all => { const bad = {}; for (const k of Object.keys(all)) if (k.startsWith('replica.')) bad[k] = 'garbage'; return chrome.storage.local.set(bad).then(() => Object.keys(bad).length > 0); })")
        .unwrap();
    stop_worker(&h);
    // A page wakes the worker, which finds its saved state unreadable.
    let page = h.open("/news").unwrap();
    page.ready();
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
    // The damaged copy is kept aside, and the device kept its id (it goes
    // on writing its own area, not a second one).
    let kept = worker
        .eval("chrome.storage.local.get('replica_damaged').then(r => r.replica_damaged.value['replica.0'])")
        .unwrap();
    assert_eq!(kept, "garbage", "the damaged copy is kept");
    let now = worker.eval("self.hnewHandle({ v: 1, kind: 'sync_status' }).then(r => r.status.device)").unwrap();
    assert_eq!(now, device, "the device keeps its id");
    let areas = worker
        .eval("chrome.storage.sync.get(null).then(all => [...new Set(Object.keys(all).filter(k => k.startsWith('s1.')).map(k => k.split('.')[1]))])")
        .unwrap();
    assert_eq!(areas.as_array().unwrap().len(), 1, "one device area: {areas}");
}

#[test]
fn pages_may_read_and_act_but_not_manage_the_data() {
    let h = harness();
    let worker = h.worker().unwrap();
    let page = "{ url: 'https://news.ycombinator.com/news', tab: { id: 7 } }";
    let options = format!("{{ url: 'chrome-extension://{EXTENSION_ID}/popup/options.html' }}");
    // Pages get their answers as text (kind, then fields); the options
    // page as JSON.
    let raw =
        |msg: &str, sender: &str| worker.eval(&format!("self.hnewHandleAs({{ v: 1, {msg} }}, {sender})")).unwrap();
    let ask = |msg: &str, sender: &str| page_answer(&raw(msg, sender));
    let kind = |msg: &str, sender: &str| ask(msg, sender).0;
    assert_eq!(kind("kind: 'get_state'", page), "state");
    let (refused, why) = ask("kind: 'export_state'", page);
    assert_eq!(refused, "error");
    assert!(why[0].contains("pages cannot ask"), "{why:?}");
    assert_eq!(kind("kind: 'import_state', json: '{}'", page), "error");
    assert_eq!(kind("kind: 'announce_here'", page), "error");
    assert_eq!(kind("kind: 'export_state'", &options), "exported");
    assert!(raw("kind: 'export_state'", &options).is_object(), "the options page reads JSON");

    // What acts on a site comes from a page of that site: the sender's
    // address decides, not the message.
    let lobsters = "{ url: 'https://lobste.rs/', tab: { id: 8 } }";
    let lookalike = "{ url: 'https://news.ycombinator.com.evil.example/', tab: { id: 9 } }";
    for (msg, from) in [
        ("kind: 'act', path: 'vote?id=1&how=up&auth=x'", lobsters),
        ("kind: 'post_reply', parent: 1, text: 'hi'", lobsters),
        ("kind: 'edit_text', id: 1", lobsters),
        ("kind: 'save_edit', id: 1, text: 'hi'", lobsters),
        ("kind: 'delete_comment', id: 1", lookalike),
        ("kind: 'page_seen', site: 'hn', page: 'news', me: 'somebody', signed_out: false, problems: []", lobsters),
        ("kind: 'set_follow', site: 'hn', user: 'pg', follow: true", lobsters),
        ("kind: 'set_follow', site: 'lobsters', user: 'pushcx', follow: true", page),
        ("kind: 'act', path: 'vote?id=1&how=up&auth=x'", lookalike),
        ("kind: 'csp_blocked', url: 'https://news.ycombinator.com/news'", lobsters),
        ("kind: 'csp_blocked', url: 'https://lobste.rs/'", page),
        ("kind: 'csp_blocked', url: 'https://example.com/'", page),
    ] {
        let (answer, why) = ask(msg, from);
        assert_eq!(answer, "error", "{msg} from {from}: {why:?}");
        assert!(why[0].contains("cannot ask that for"), "{why:?}");
    }
    assert_eq!(kind("kind: 'set_follow', site: 'hn', user: 'pg', follow: true", page), "done");
    assert_eq!(kind("kind: 'set_follow', site: 'hn', user: 'pg', follow: false", page), "done");

    // A page sets the Mastodon instance, and no other share preference.
    let prefs_now = || raw("kind: 'get_state'", &options)["state"]["share_prefs"].clone();
    let before = prefs_now();
    let prefs =
        serde_json::json!({ "slots": [[], [], [], [], [], [], []], "paused": true, "cursor": 0, "destination": "x" });
    assert_eq!(kind(&format!("kind: 'save_share_prefs', prefs: {prefs}"), page), "error");
    assert_eq!(kind("kind: 'set_mastodon_instance', instance: 'javascript:alert(1)'", page), "error");
    assert_eq!(kind("kind: 'set_mastodon_instance', instance: 'Hachyderm.io'", page), "done");
    let mut after = prefs_now();
    assert_eq!(after["mastodon"], "hachyderm.io");
    after.as_object_mut().unwrap().remove("mastodon");
    assert_eq!(after, before, "only the instance changed");
    // What a page reads of the state: the instance and the queue's keys.
    assert_eq!(ask("kind: 'get_state'", page), ("state".to_string(), vec!["hachyderm.io".to_string()]));

    // Another extension's id is refused whatever it asks.
    let other = worker
        .eval("self.hnewHandleAs({ v: 1, kind: 'get_state' }, { id: 'abcdefghijklmnopabcdefghijklmnop' })")
        .unwrap();
    assert_eq!(other["kind"], "error");
}

/// An area written by a newer version is named in the popup's health
/// section, and stays named after this device's own writes (it used to be
/// cleared by the next one).
#[test]
fn an_unreadable_sync_area_stays_named_until_it_is_gone() {
    let h = harness();
    let worker = h.worker().unwrap();
    worker.eval("chrome.storage.sync.set({ 's1.abc.m': { v: 99, n: 1 }, 's1.abc.0': 'x' }).then(() => true)").unwrap();
    let health = "self.hnewHandle({ v: 1, kind: 'get_health' }).then(r => r.lines.map(l => l.what).join(' | '))";
    worker.wait_until(&format!("{health}.then(t => t.includes('format 99'))"), Duration::from_secs(10)).expect("named");
    worker.eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'tosh', follow: true })").unwrap();
    worker.eval("self.hnewHandle({ v: 1, kind: 'set_follow', site: 'hn', user: 'pg', follow: true })").unwrap();
    let after = worker.eval(health).unwrap();
    assert!(after.as_str().unwrap().contains("format 99"), "still named after this device wrote: {after}");
    let status = worker.eval("self.hnewHandle({ v: 1, kind: 'sync_status' }).then(r => r.status.problem)").unwrap();
    assert!(status.as_str().unwrap_or("").contains("format 99"), "the popup's sync section names it: {status}");
    worker.eval("chrome.storage.sync.remove(['s1.abc.m', 's1.abc.0']).then(() => true)").unwrap();
    worker
        .wait_until(&format!("{health}.then(t => !t.includes('format 99'))"), Duration::from_secs(10))
        .expect("gone once the area is");
}

/// Sync storage nearly full (another program's data): what fits still
/// syncs, and the popup names what stays on this browser.
#[test]
fn over_quota_what_fits_still_syncs_and_the_rest_is_named() {
    let h = harness();
    let worker = h.worker().unwrap();
    worker
        .eval(
            "(async () => { for (let i = 0; i < 12; i++) { await chrome.storage.sync.set({ ['junk' + i]: 'x'.repeat(8000) }); } \
             return chrome.storage.sync.QUOTA_BYTES - await chrome.storage.sync.getBytesInUse(null); })()",
        )
        .unwrap();
    let users: Vec<String> = (0..800).map(|i| format!("\"reader{i}\"")).collect();
    let r = worker
        .eval(&format!("self.hnewHandle({{ v: 1, kind: 'follow_many', site: 'hn', users: [{}] }})", users.join(",")))
        .unwrap();
    assert_eq!(r["kind"], "done", "{r}");
    worker
        .wait_until(
            "self.hnewHandle({ v: 1, kind: 'sync_status' }).then(r => (r.status.problem || '').includes('follows stay on this browser only'))",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|e| panic!("the follows left out are named: {e:?} {}", worker.eval("Promise.all([self.hnewHandle({ v: 1, kind: 'sync_status' }), chrome.storage.sync.getBytesInUse(null)])").unwrap()));
    let written = worker
        .eval("chrome.storage.sync.get(null).then(all => Object.keys(all).filter(k => k.startsWith('s1.')).length)")
        .unwrap();
    assert!(written.as_u64().unwrap() >= 2, "the meta and what fits were written: {written}");
    let follows = worker
        .eval("self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => Object.keys(r.state.follows).length)")
        .unwrap();
    assert_eq!(follows, 800, "all kept on this browser");
}

/// Each value the worker keeps under a key of its own in local storage,
/// found damaged (a wrong shape: a bad write, a bug, an older version), is
/// read as empty: every request that reads one still answers, and the
/// damage is logged by name, not dropped in silence.
#[test]
fn a_damaged_stored_value_is_read_as_empty_and_said() {
    let h = harness();
    let worker = h.worker().unwrap();
    let damaged = [
        ("activity", "the activity cache"),
        ("csp_status", "the policy rule's status"),
        ("page_health", "the pages' health record"),
        ("hn_refused", "the record of HN's refusals"),
        ("filter_hits", "the filters' counts per tab"),
        ("notes", "the notifications' click record"),
        ("replies_watch", "the reply watch"),
    ];
    let plant: serde_json::Map<String, serde_json::Value> =
        damaged.iter().map(|(k, _)| (k.to_string(), serde_json::json!([1, "garbage", { "x": null }]))).collect();
    worker.eval(&format!("chrome.storage.local.set({}).then(() => true)", serde_json::Value::Object(plant))).unwrap();
    // Each is read from storage when needed (nothing is kept in memory).
    let answer = |msg: &str| -> String {
        let v = worker.eval(&format!("self.hnewHandle({{ v: 1, {msg} }})")).unwrap();
        v["kind"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(answer("kind: 'get_activity', refresh: false"), "activity");
    assert_eq!(answer("kind: 'csp_status'"), "csp");
    assert_eq!(answer("kind: 'get_health'"), "health");
    assert_eq!(answer("kind: 'get_filter_hits'"), "filter_hits");
    assert_eq!(answer("kind: 'get_inbox'"), "inbox");
    assert_eq!(worker.eval("self.hnewNotificationClicked('reply:1')").unwrap(), false, "no click was kept");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let log = worker.console().join("\n");
        let unsaid: Vec<&str> = damaged
            .iter()
            .filter(|(_, what)| !log.contains(&format!("Hacker New: {what} was unreadable")))
            .map(|(_, what)| *what)
            .collect();
        if unsaid.is_empty() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not said: {unsaid:?}\nthe worker's log:\n{log}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // A page still starts and is enhanced.
    let page = h.open("/news").unwrap();
    page.ready();
}

/// Every kind of request gets an answer — its own, or an error saying why —
/// and none is left without one, asked as the extension's pages ask
/// (`tests/firefox_pages.rs` asks the same in Firefox).
#[test]
fn every_request_kind_is_answered() {
    let all = hacker_new::every_request();
    let listed: std::collections::BTreeSet<String> =
        all.iter().map(|r| r["kind"].as_str().unwrap().to_string()).collect();
    let kinds: std::collections::BTreeSet<String> = hacker_new::request_kinds().into_iter().collect();
    assert!(kinds.len() > 40, "{kinds:?}");
    assert_eq!(listed, kinds, "every kind, and only those, is asked");
    let h = harness();
    let worker = h.worker().unwrap();
    let options = format!("{{ url: 'chrome-extension://{EXTENSION_ID}/popup/options.html' }}");
    for request in all {
        let mut msg = serde_json::json!({ "v": 1 });
        msg.as_object_mut().unwrap().extend(request.as_object().unwrap().clone());
        let answer = worker
            .eval(&format!(
                "Promise.race([self.hnewHandleAs({msg}, {options}), new Promise(r => setTimeout(() => r('no answer'), 20000))])"
            ))
            .unwrap();
        hacker_new::check_answer(&request, &answer);
    }
}
