//! Two browser profiles with the extension, and this test playing Chrome
//! Sync's part: it copies `chrome.storage.sync` items between them one key
//! at a time, in shuffled order, last write per key winning. After
//! concurrent edits on both, both show the same follows and filters.

use std::time::Duration;

use hacker_new::{ask, Browser, Harness, Launch, Options, Session, EXTENSION_ID};
use serde_json::{json, Value};

fn items(worker: &Session) -> Vec<(String, Value)> {
    let v = worker.eval("chrome.storage.sync.get(null)").unwrap();
    v.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

/// Copies every item of `from` into `to`, one key per write, in an order
/// shuffled by `seed`.
fn deliver(from: &Session, to: &Session, seed: &mut u64) {
    let mut all = items(from);
    for i in (1..all.len()).rev() {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        all.swap(i, (*seed >> 33) as usize % (i + 1));
    }
    for (k, v) in all {
        to.eval(&format!("chrome.storage.sync.set({}).then(() => true)", json!({ k: v }))).unwrap();
    }
}

fn state(worker: &Session) -> Value {
    let s = ask(worker, json!({"kind": "get_state"}));
    json!({ "follows": s["state"]["follows"], "filters": s["state"]["filters"] })
}

#[test]
fn two_profiles_converge_after_concurrent_edits() {
    let h = Harness::start(Options::default()).unwrap();
    let args = h.replica.chromium_args();
    let b2 =
        Browser::launch(Launch { extensions: vec![hacker_new::dist()], args, profile: None, headed: false }).unwrap();
    let w1 = h.worker().unwrap();
    let w2 = b2.extension_worker(EXTENSION_ID, Duration::from_secs(20)).unwrap();
    w2.wait_until("chrome.declarativeNetRequest.getDynamicRules().then(r => r.length > 0)", Duration::from_secs(20))
        .unwrap();

    // Concurrent edits, before either has seen the other.
    assert_eq!(ask(&w1, json!({"kind": "set_follow", "site": "hn", "user": "alice", "follow": true}))["kind"], "done");
    assert_eq!(ask(&w1, json!({"kind": "set_follow", "site": "hn", "user": "bob", "follow": true}))["kind"], "done");
    assert_eq!(
        ask(&w1, json!({"kind": "save_filter", "rule": {"kind": "keyword", "pattern": "crypto", "target": "both"}}))
            ["kind"],
        "done"
    );
    assert_eq!(ask(&w2, json!({"kind": "set_follow", "site": "hn", "user": "carol", "follow": true}))["kind"], "done");
    assert_eq!(ask(&w2, json!({"kind": "set_follow", "site": "hn", "user": "bob", "follow": true}))["kind"], "done");
    std::thread::sleep(Duration::from_millis(20));
    // The later action wins: profile 2 unfollows bob after profile 1 followed.
    assert_eq!(ask(&w2, json!({"kind": "set_follow", "site": "hn", "user": "bob", "follow": false}))["kind"], "done");
    assert_eq!(
        ask(
            &w2,
            json!({"kind": "save_filter", "rule": {"kind": "domain", "pattern": "example.com", "target": "stories"}})
        )["kind"],
        "done"
    );

    let mut seed = 7;
    for _ in 0..3 {
        deliver(&w1, &w2, &mut seed);
        deliver(&w2, &w1, &mut seed);
        std::thread::sleep(Duration::from_millis(300));
    }
    let (s1, s2) = (state(&w1), state(&w2));
    assert_eq!(s1, s2, "both profiles show the same state");
    let follows: Vec<&String> = s1["follows"].as_object().unwrap().keys().collect();
    assert_eq!(follows, vec!["hn:alice", "hn:carol"]);
    let filters: Vec<&String> = s1["filters"].as_object().unwrap().keys().collect();
    assert_eq!(filters.len(), 2, "{filters:?}");

    // A user tag set on a page of profile 1 shows beside the name on
    // profile 2's pages once sync delivers it.
    let page1 = h.open("/news").unwrap();
    page1.expect("document.documentElement.dataset.hnewState === 'applied'", "ready");
    let user = page1.value("document.querySelector('a.hnuser').textContent").as_str().unwrap().to_string();
    let tagged = ask(&w1, json!({"kind": "set_tag", "site": "hn", "user": user, "tag": "met at RustConf"}));
    assert_eq!(tagged["kind"], "done");
    page1.expect(&format!("document.querySelector(\"a.hnuser[href='user?id={user}'] + .hnew-tag\")?.textContent === 'met at RustConf'"), "tagged on profile 1");
    deliver(&w1, &w2, &mut seed);
    let page = b2.open("https://news.ycombinator.com/news").unwrap();
    page.wait_until(
        &format!("document.documentElement.dataset.hnewState === 'applied' && document.querySelector(\"a.hnuser[href='user?id={user}'] + .hnew-tag\")?.textContent === 'met at RustConf'"),
        Duration::from_secs(15),
    )
    .expect("the tag shows on profile 2");
    b2.close();
}
