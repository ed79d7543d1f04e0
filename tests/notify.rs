//! Notifications against the replica's HN API: replies to the signed-in
//! reader raise exactly one notification (grouped when several arrive),
//! never again after the worker or the browser restarts or on another
//! device; a click opens the reply in its thread; the request caps hold
//! with HN answering 503; a followed user set to notify raises one
//! notification for a new comment; a broken page shows a health line that
//! clears when pages read normally again.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hacker_new::{ask, Browser, Fault, Harness, Launch, Options, Session, EXTENSION_ID};
use hn_replica::API_HOST;
use serde_json::{json, Value};

/// The reader the saved 2026 pages are signed in as.
const ME: &str = "ewsbr";

fn now_s() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// HN's API as the replica serves it: documents by path, mounted again on a
/// new replica after a browser restart.
#[derive(Default)]
struct Api {
    docs: BTreeMap<String, Value>,
}

impl Api {
    fn put(&mut self, h: &Harness, path: &str, doc: Value) {
        self.docs.insert(path.to_string(), doc);
        self.mount(h);
    }

    fn mount(&self, h: &Harness) {
        for (path, doc) in &self.docs {
            let target = format!("/v0/{path}.json");
            h.replica.mount(API_HOST, &target, "application/json; charset=utf-8", doc.to_string().into_bytes());
        }
    }

    /// A reply by `by` to the reader's item `parent`.
    fn reply(&mut self, h: &Harness, parent: u64, id: u64, by: &str, text: &str) {
        let key = format!("item/{parent}");
        let mut item = self.docs[&key].clone();
        item["kids"].as_array_mut().unwrap().push(json!(id));
        self.docs.insert(key, item);
        let reply = json!({ "id": id, "by": by, "type": "comment", "parent": parent, "time": now_s(), "text": text });
        self.put(h, &format!("item/{id}"), reply);
    }
}

fn inbox(worker: &Session) -> Value {
    ask(worker, json!({ "kind": "get_inbox" }))["inbox"].clone()
}

/// Runs the reply check as its alarm does; returns the API requests it made.
fn alarm(h: &Harness, worker: &Session) -> usize {
    let before = h.replica.count("/v0/");
    worker.eval("self.hnewAlarm('replies').then(() => true)").unwrap();
    h.replica.count("/v0/") - before
}

/// Ids of the notifications on screen.
fn shown(worker: &Session) -> Vec<String> {
    let all = worker.eval("chrome.notifications.getAll()").unwrap();
    all.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

fn clear_shown(worker: &Session) {
    worker
        .eval("chrome.notifications.getAll().then(all => Promise.all(Object.keys(all).map(id => chrome.notifications.clear(id)))).then(() => true)")
        .unwrap();
}

/// Opens a signed-in page, so the background learns who the reader is.
fn sign_in(h: &Harness, worker: &Session) {
    // The saved page of the 2026 front page's second page is signed in.
    let page = h.open("/news?p=2").unwrap();
    page.ready();
    assert_eq!(page.value("document.querySelector('#me').textContent"), ME);
    worker
        .wait_until(
            "self.hnewHandle({ v: 1, kind: 'get_inbox' }).then(r => r.inbox.me === 'ewsbr')",
            Duration::from_secs(10),
        )
        .expect("the page told the background who is signed in");
}

/// Ten minutes pass for the activity feed's cache: every followed user's
/// posts are read again on the next refresh.
fn age_activity(worker: &Session) {
    worker
        .eval("chrome.storage.local.get('activity').then(r => { for (const u of Object.values(r.activity.users)) u.fetched_at -= 11 * 60 * 1000; return chrome.storage.local.set(r); }).then(() => true)")
        .unwrap();
}

/// `user` on HN's API with one comment (`id`), two hours old.
fn user_with_an_old_comment(h: &Harness, api: &mut Api, user: &str, id: u64) {
    api.put(h, &format!("user/{user}"), json!({ "id": user, "created": 1, "karma": 1, "submitted": [id] }));
    let old = json!({ "id": id, "by": user, "type": "comment", "parent": 1, "time": now_s() - 7200, "text": "Old" });
    api.put(h, &format!("item/{id}"), old);
}

fn the_readers_items(h: &Harness, api: &mut Api) {
    let t = now_s();
    api.put(
        h,
        &format!("user/{ME}"),
        json!({ "id": ME, "created": 1_600_000_000, "karma": 10, "submitted": [9001, 9000] }),
    );
    api.put(h, "item/9001", json!({ "id": 9001, "by": ME, "type": "comment", "parent": 1, "time": t - 600, "text": "My comment", "kids": [9002] }));
    api.put(
        h,
        "item/9000",
        json!({ "id": 9000, "by": ME, "type": "story", "title": "My story", "time": t - 900, "kids": [] }),
    );
    api.put(
        h,
        "item/9002",
        json!({ "id": 9002, "by": "old", "type": "comment", "parent": 9001, "time": t - 500, "text": "Earlier" }),
    );
}

#[test]
fn a_reply_notifies_once_grouped_when_several_and_never_again() {
    let profile = hn_browser::temp_dir("notify-profile").unwrap();
    let opts = Options { profile: Some(profile.clone()), ..Options::default() };
    let mut api = Api::default();
    let h = Harness::start(opts.clone()).unwrap();
    let worker = h.worker().unwrap();
    the_readers_items(&h, &mut api);
    sign_in(&h, &worker);

    // The first check notes what exists: no notification for history.
    assert_eq!(alarm(&h, &worker), 3, "the user and two items; the old reply is not fetched");
    assert!(shown(&worker).is_empty());
    assert_eq!(inbox(&worker)["replies"], json!([]));

    // A reply arrives: one notification, one unread entry, the badge.
    api.reply(&h, 9001, 9010, "alice", "Good <i>point</i>");
    assert_eq!(alarm(&h, &worker), 4, "the user, both young items, the new reply");
    assert_eq!(shown(&worker), vec!["reply:9010"]);
    let i = inbox(&worker);
    assert_eq!(i["replies"][0]["reply"]["by"], "alice");
    assert_eq!(i["replies"][0]["reply"]["summary"], "Good point");
    assert_eq!(i["replies"][0]["read"], false);
    assert_eq!(worker.eval("chrome.action.getBadgeText({})").unwrap(), "1");

    // Not again: on the next check, nor after the worker stops.
    clear_shown(&worker);
    alarm(&h, &worker);
    assert!(shown(&worker).is_empty(), "no second notification");
    h.stop_worker().unwrap();
    let page = h.open("/news?p=2").unwrap();
    page.ready();
    let worker = h.worker().unwrap();
    alarm(&h, &worker);
    assert!(shown(&worker).is_empty(), "none after the worker restarted");

    // Two at once: one notification for both, opening the inbox.
    api.reply(&h, 9001, 9011, "bob", "Disagree");
    api.reply(&h, 9000, 9012, "carol", "Nice story");
    alarm(&h, &worker);
    let ids = shown(&worker);
    assert_eq!(ids.len(), 1, "grouped: {ids:?}");
    assert!(ids[0].starts_with("replies:"));
    assert_eq!(inbox(&worker)["replies"].as_array().unwrap().len(), 3);

    // Clicking the single one opens the reply in its thread and marks it read.
    let opened = |url: &str| h.browser.targets().unwrap().iter().any(|t| t["url"] == url);
    worker.eval("self.hnewNotificationClicked('reply:9010')").unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !opened("https://news.ycombinator.com/item?id=9001#9010") {
        assert!(std::time::Instant::now() < deadline, "the reply's thread did not open");
        std::thread::sleep(Duration::from_millis(50));
    }
    let i = inbox(&worker);
    let read: Vec<(u64, bool)> = i["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["reply"]["id"].as_u64().unwrap(), e["read"].as_bool().unwrap()))
        .collect();
    assert_eq!(read, vec![(9012, false), (9011, false), (9010, true)], "newest first; the clicked one read");
    // The group's click opens the inbox in the options page.
    worker.eval(&format!("self.hnewNotificationClicked({:?})", ids[0])).unwrap();
    let inbox_url = format!("chrome-extension://{EXTENSION_ID}/popup/options.html#inbox");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !opened(&inbox_url) {
        assert!(std::time::Instant::now() < deadline, "the inbox did not open");
        std::thread::sleep(Duration::from_millis(50));
    }
    let page = h
        .browser
        .targets()
        .unwrap()
        .into_iter()
        .find(|t| t["url"] == inbox_url.as_str())
        .map(|t| h.browser.attach(t["targetId"].as_str().unwrap()).unwrap())
        .unwrap();
    page.wait_until("document.querySelectorAll('#inbox li.unread').length === 2", Duration::from_secs(10)).unwrap();
    page.eval("document.querySelector('#inbox-read').click(), true").unwrap();
    page.wait_until("document.querySelectorAll('#inbox li.unread').length === 0", Duration::from_secs(10)).unwrap();
    worker.wait_until("chrome.action.getBadgeText({}).then(t => t === '')", Duration::from_secs(10)).unwrap();
    drop(page);
    drop(worker);

    // The browser restarts on the same profile: still nothing twice.
    drop(h);
    let h = Harness::start(opts).unwrap();
    api.mount(&h);
    let worker = h.worker().unwrap();
    alarm(&h, &worker);
    assert!(shown(&worker).is_empty(), "none after the browser restarted");
    assert_eq!(inbox(&worker)["replies"].as_array().unwrap().len(), 3, "the inbox survived");

    // HN's API answers 503: the check stops at the first failure, says so,
    // and backs off; the next alarm asks nothing.
    h.replica.fault_on(Some(API_HOST), "/v0/", Fault::Unavailable, None);
    assert_eq!(alarm(&h, &worker), 1, "one failed request, then the check stops");
    let i = inbox(&worker);
    assert!(i["problem"].as_str().unwrap().contains("503"), "{i}");
    assert!(i["waiting_until"].as_f64().is_some());
    assert_eq!(alarm(&h, &worker), 0, "backing off");
    let health = ask(&worker, json!({ "kind": "get_health" }));
    assert!(health["lines"].to_string().contains("Checking for replies is paused"), "{health}");
    // HN is back: "Check now" runs at once and the line goes.
    h.replica.clear_faults();
    let i = ask(&worker, json!({ "kind": "check_replies" }))["inbox"].clone();
    assert_eq!(i["problem"], Value::Null);
    assert!(i["last_check_requests"].as_u64().unwrap() <= 20, "within the cap per check");
    let health = ask(&worker, json!({ "kind": "get_health" }));
    assert!(!health["lines"].to_string().contains("replies"), "{health}");
    let _ = std::fs::remove_dir_all(profile);
}

#[test]
fn another_device_does_not_announce_a_reply_again() {
    let mut api = Api::default();
    let h = Harness::start(Options::default()).unwrap();
    let w1 = h.worker().unwrap();
    the_readers_items(&h, &mut api);
    let b2 = Browser::launch(Launch {
        extensions: vec![hacker_new::dist()],
        args: h.replica.chromium_args(),
        profile: None,
        headed: false,
    })
    .unwrap();
    let w2 = b2.extension_worker(EXTENSION_ID, Duration::from_secs(20)).unwrap();
    hacker_new::expect_rule(&w2).unwrap();
    // Both devices are signed in and have looked once.
    sign_in(&h, &w1);
    let p2 = b2.open("https://news.ycombinator.com/news?p=2").unwrap();
    p2.wait_until("document.documentElement.dataset.hnewState === 'applied'", Duration::from_secs(20)).unwrap();
    w2.wait_until(
        "self.hnewHandle({ v: 1, kind: 'get_inbox' }).then(r => r.inbox.me === 'ewsbr')",
        Duration::from_secs(10),
    )
    .unwrap();
    alarm(&h, &w1);
    w2.eval("self.hnewAlarm('replies').then(() => true)").unwrap();

    // Device 1 finds the reply first and announces it; sync carries the mark.
    api.reply(&h, 9001, 9010, "alice", "Hello");
    alarm(&h, &w1);
    assert_eq!(shown(&w1), vec!["reply:9010"]);
    let items = w1.eval("chrome.storage.sync.get(null)").unwrap();
    w2.eval(&format!("chrome.storage.sync.set({items}).then(() => true)")).unwrap();
    w2.eval("self.hnewAlarm('replies').then(() => true)").unwrap();
    assert!(shown(&w2).is_empty(), "device 2 stays quiet");
    let i = inbox(&w2);
    assert_eq!(i["replies"][0]["reply"]["id"], 9010, "but lists the reply: {i}");
}

#[test]
fn a_followed_user_set_to_notify_raises_one_notification() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let mut api = Api::default();
    let t = now_s();
    user_with_an_old_comment(&h, &mut api, "alice", 9100);
    user_with_an_old_comment(&h, &mut api, "bob", 9200);
    for u in ["alice", "bob"] {
        assert_eq!(
            ask(&worker, json!({ "kind": "set_follow", "site": "hn", "user": u, "follow": true }))["kind"],
            "done"
        );
    }
    // Only a followed user can be set to notify.
    let refused = ask(&worker, json!({ "kind": "set_notify", "site": "hn", "user": "carol", "notify": true }));
    assert_eq!(refused["kind"], "error");
    assert_eq!(
        ask(&worker, json!({ "kind": "set_notify", "site": "hn", "user": "alice", "notify": true }))["kind"],
        "done"
    );
    // The first look at a user brings history, not news.
    ask(&worker, json!({ "kind": "get_activity", "refresh": true }));
    assert!(shown(&worker).is_empty());

    // Both post; only alice notifies (bob's post waits quietly in the feed).
    api.put(&h, "user/alice", json!({ "id": "alice", "created": 1, "karma": 1, "submitted": [9101, 9100] }));
    api.put(
        &h,
        "item/9101",
        json!({ "id": 9101, "by": "alice", "type": "comment", "parent": 1, "time": t, "text": "Fresh <b>take</b>" }),
    );
    api.put(&h, "user/bob", json!({ "id": "bob", "created": 1, "karma": 1, "submitted": [9201, 9200] }));
    api.put(
        &h,
        "item/9201",
        json!({ "id": 9201, "by": "bob", "type": "comment", "parent": 1, "time": t, "text": "Also new" }),
    );
    // Ten minutes pass for the feed's cache.
    age_activity(&worker);
    let feed = ask(&worker, json!({ "kind": "get_activity", "refresh": true }));
    assert_eq!(feed["feed"]["items"].as_array().unwrap().len(), 4, "{feed}");
    assert_eq!(shown(&worker), vec!["post:9101"]);
    // Not again on the next refresh.
    clear_shown(&worker);
    age_activity(&worker);
    ask(&worker, json!({ "kind": "get_activity", "refresh": true }));
    assert!(shown(&worker).is_empty());

    // The popup's bell shows who notifies and turns it off.
    let popup = h.open_extension("popup/options.html#following").unwrap();
    popup.expect("document.querySelectorAll('button.bell[aria-pressed=true]').length === 1", "alice's bell is on");
    popup.value("document.querySelector('button.bell[aria-pressed=true]').click(), true");
    popup.expect("document.querySelectorAll('button.bell[aria-pressed=true]').length === 0", "turned off");
    let s = ask(&worker, json!({ "kind": "get_state" }));
    assert_eq!(s["state"]["follows"]["hn:alice"].get("notify"), None, "{s}");
}

#[test]
fn a_markup_break_shows_a_health_line_until_pages_read_again() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let front = h.replica.fixtures().by_rel("news/easyhn-news-2026-06.html").expect("the 2026 front page").body.clone();
    let original = String::from_utf8_lossy(&front).to_string();
    // HN renames its story rows.
    let broken = original.replace("class=\"athing submission\"", "class=\"entry\"");
    assert_ne!(broken, original);
    h.replica.mount(hn_replica::HN_HOST, "/news", "text/html; charset=utf-8", broken.into_bytes());
    let page = h.open("/news").unwrap();
    page.ready();
    assert!(page.exceptions().is_empty(), "fails soft");
    worker
        .wait_until(
            "self.hnewHandle({ v: 1, kind: 'get_health' }).then(r => r.lines.some(l => l.what.startsWith('Stories were not recognised on story list pages')))",
            Duration::from_secs(10),
        )
        .expect("a health line for the list pages");
    let popup = h.open_extension("popup/popup.html").unwrap();
    popup.expect("document.querySelector('#health') && document.querySelector('#health').textContent.includes('Stories were not recognised')", "the popup shows it");

    // The markup is back: the next list page clears the line.
    h.replica.mount(hn_replica::HN_HOST, "/news", "text/html; charset=utf-8", front.to_vec());
    page.reload().unwrap();
    page.ready();
    worker
        .wait_until(
            "self.hnewHandle({ v: 1, kind: 'get_health' }).then(r => !r.lines.some(l => l.what.startsWith('Stories')))",
            Duration::from_secs(10),
        )
        .expect("the line cleared");
    popup.reload().unwrap();
    popup.expect(
        "document.querySelector('main').dataset.ready === 'true' && !document.querySelector('#health')",
        "the popup is clear",
    );
}

/// Records what each notification says (`self.hnewSaid`), as the worker
/// raises it.
fn record_said(worker: &Session) {
    worker
        .eval(
            "(self.hnewSaid = [], self.hnewCreate = self.hnewCreate || chrome.notifications.create.bind(chrome.notifications), \
             chrome.notifications.create = (id, o) => (self.hnewSaid.push([id, o.title, o.message]), self.hnewCreate(id, o)), true)",
        )
        .unwrap();
}

#[test]
fn the_daily_digest_sums_up_what_waited_once_a_day() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let mut api = Api::default();
    the_readers_items(&h, &mut api);
    // Someone the reader follows, whose posts wait quietly (the default).
    user_with_an_old_comment(&h, &mut api, "alice", 9100);
    assert_eq!(
        ask(&worker, json!({ "kind": "set_follow", "site": "hn", "user": "alice", "follow": true }))["kind"],
        "done"
    );
    ask(&worker, json!({ "kind": "get_activity", "refresh": true }));
    sign_in(&h, &worker);
    alarm(&h, &worker);
    assert!(shown(&worker).is_empty(), "history, and no digest asked for");

    // Replies wait quietly too, and a digest is wanted at midnight: due at
    // any time of the day, once.
    let prefs = json!({ "replies": "passive", "followed": "passive", "interval_min": 5, "digest_at": 0 });
    assert_eq!(ask(&worker, json!({ "kind": "save_notify_prefs", "prefs": prefs }))["kind"], "done");
    api.reply(&h, 9001, 9010, "bob", "Good point");
    api.put(&h, "user/alice", json!({ "id": "alice", "created": 1, "karma": 1, "submitted": [9101, 9100] }));
    api.put(
        &h,
        "item/9101",
        // Posted after the reader's first look (HN's times are whole seconds).
        json!({ "id": 9101, "by": "alice", "type": "story", "title": "New", "time": now_s() + 1, "kids": [] }),
    );
    age_activity(&worker);
    ask(&worker, json!({ "kind": "get_activity", "refresh": true }));
    assert!(shown(&worker).is_empty(), "the post waits quietly");
    record_said(&worker);
    alarm(&h, &worker);
    let said = worker.eval("self.hnewSaid").unwrap();
    let said = said.as_array().unwrap();
    assert_eq!(said.len(), 1, "one digest, not the reply itself: {said:?}");
    assert!(said[0][0].as_str().unwrap().starts_with("digest:"), "{said:?}");
    assert_eq!(said[0][2], "1 post by people you follow and 1 reply to you.", "{said:?}");
    assert_eq!(inbox(&worker)["replies"][0]["reply"]["id"], 9010, "the reply is in the inbox");

    // Its click opens the options page at Activity.
    let id = said[0][0].as_str().unwrap().to_string();
    worker.eval(&format!("self.hnewNotificationClicked({id:?})")).unwrap();
    let url = format!("chrome-extension://{EXTENSION_ID}/popup/options.html#activity");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !h.browser.targets().unwrap().iter().any(|t| t["url"] == url.as_str()) {
        assert!(std::time::Instant::now() < deadline, "Activity did not open");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Once a day: another reply waits for tomorrow's.
    api.reply(&h, 9001, 9011, "carol", "Agreed");
    record_said(&worker);
    alarm(&h, &worker);
    assert_eq!(worker.eval("self.hnewSaid").unwrap(), json!([]), "no second digest today");
    assert_eq!(inbox(&worker)["replies"].as_array().unwrap().len(), 2);
}
