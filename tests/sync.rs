//! Two browser profiles with the extension, and this test playing Chrome
//! Sync's part: it copies `chrome.storage.sync` items between them one key
//! at a time, in shuffled order, last write per key winning. After
//! concurrent edits on both, both show the same follows and filters.

use std::time::Duration;

use hacker_new::{ask, Browser, Harness, Options, Session, EXTENSION_ID};
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

fn second_profile(h: &Harness) -> Browser {
    h.second_profile().unwrap()
}

fn state(worker: &Session) -> Value {
    let s = ask(worker, json!({"kind": "get_state"}));
    json!({ "follows": s["state"]["follows"], "filters": s["state"]["filters"] })
}

#[test]
fn two_profiles_converge_after_concurrent_edits() {
    let h = Harness::start(Options::default()).unwrap();
    let b2 = second_profile(&h);
    let w2 = b2.extension_worker(EXTENSION_ID, Duration::from_secs(20)).unwrap();
    let w1 = h.worker().unwrap();
    hacker_new::expect_rule(&w2).unwrap();

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
    page1.ready();
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

/// A list of 500 names pasted into the options page's Following tab is one
/// request and at most three `chrome.storage.sync` writes (Chrome refuses
/// more than 120 a minute), and all 500 are followed on a second profile
/// once sync delivers them.
#[test]
fn five_hundred_pasted_names_are_a_few_writes_and_reach_another_profile() {
    let h = Harness::start(Options::default()).unwrap();
    let b2 = second_profile(&h);
    let w2 = b2.extension_worker(EXTENSION_ID, Duration::from_secs(20)).unwrap();
    let w1 = h.worker().unwrap();
    // Every call that changes chrome.storage.sync fires one change event.
    w1.eval("self.syncLog = []; chrome.storage.sync.onChanged.addListener(c => { self.syncLog.push(Object.keys(c)); }); true")
        .unwrap();
    let names: Vec<String> = (0..500).map(|i| format!("reader{i}")).collect();
    let popup = h.open_extension("popup/options.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "the options page rendered");
    popup.value(&format!(
        "(() => {{ const t = document.querySelector('#follow-import'); t.value = {:?}; t.dispatchEvent(new InputEvent('input', {{ bubbles: true }})); document.querySelector('#follow-import-go').click(); return true; }})()",
        names.join(", ")
    ));
    popup.expect("document.querySelector('.status')?.textContent === 'Following 500 more'", "the list was followed");
    w1.wait_until(
        "self.hnewHandle({ v: 1, kind: 'sync_status' }).then(r => r.status.last_push !== null && r.status.bytes > 0)",
        Duration::from_secs(10),
    )
    .expect("written to sync");
    // A push now writes whatever is still pending (a write held back by
    // the rate limit); then the test's own write, whose change comes after
    // every change before it.
    w1.eval("self.hnewAlarm('sync-retry').then(() => true)").unwrap();
    w1.eval("chrome.storage.sync.set({ 'test-marker': 1 }).then(() => true)").unwrap();
    w1.wait_until("self.syncLog.some(keys => keys.includes('test-marker'))", Duration::from_secs(10)).unwrap();
    let writes = w1.eval("self.syncLog.findIndex(keys => keys.includes('test-marker'))").unwrap().as_u64().unwrap();
    w1.eval("chrome.storage.sync.remove('test-marker').then(() => true)").unwrap();
    assert!((1..=3).contains(&writes), "{writes} sync writes for 500 names");
    let mut seed = 11;
    deliver(&w1, &w2, &mut seed);
    w2.wait_until(
        "self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => Object.keys(r.state.follows).length === 500)",
        Duration::from_secs(15),
    )
    .expect("all 500 followed on the second profile");
    let follows = state(&w2)["follows"].as_object().unwrap().keys().cloned().collect::<std::collections::BTreeSet<_>>();
    assert!(names.iter().all(|n| follows.contains(&format!("hn:{n}"))), "the same names");
    b2.close();
}

/// A tag set on one profile while the other follows the same user (and
/// writes a note), before either has seen the other: all three survive on
/// both, where a whole-record last writer used to keep only one.
#[test]
fn a_tag_and_a_follow_made_apart_both_survive() {
    let h = Harness::start(Options::default()).unwrap();
    let b2 = second_profile(&h);
    let w2 = b2.extension_worker(EXTENSION_ID, Duration::from_secs(20)).unwrap();
    let w1 = h.worker().unwrap();
    assert_eq!(ask(&w1, json!({"kind": "set_tag", "site": "hn", "user": "tosh", "tag": "kind"}))["kind"], "done");
    assert_eq!(ask(&w2, json!({"kind": "set_follow", "site": "hn", "user": "tosh", "follow": true}))["kind"], "done");
    assert_eq!(
        ask(&w2, json!({"kind": "set_note", "site": "hn", "user": "tosh", "note": "met in Lisbon"}))["kind"],
        "done"
    );
    let mut seed = 3;
    for _ in 0..2 {
        deliver(&w1, &w2, &mut seed);
        deliver(&w2, &w1, &mut seed);
        std::thread::sleep(Duration::from_millis(300));
    }
    for w in [&w1, &w2] {
        w.wait_until(
            "self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => { const u = r.state.follows['hn:tosh']; \
             return u && !u.unfollowed && u.tag === 'kind' && u.note === 'met in Lisbon'; })",
            Duration::from_secs(10),
        )
        .expect("followed, tagged and noted on both");
    }
    b2.close();
}

/// A browser still on an earlier version wrote a tag inside the follow's
/// record: it shows, and clearing it here clears it for good (the tag moves
/// to an entry of its own and the follow is rewritten without it).
#[test]
fn a_tag_written_inside_a_follow_by_an_earlier_version_shows_and_clears() {
    let h = Harness::start(Options::default()).unwrap();
    let w1 = h.worker().unwrap();
    let mut old = hn_sync::Replica::new(0xabc);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    old.set(now - 60_000, "follows", "hn:pg", json!({ "since": now - 60_000, "tag": "founder", "note": "essays" }));
    let plan = old.plan_write(&Default::default(), now).unwrap();
    let items: serde_json::Map<String, Value> = plan.set.into_iter().collect();
    w1.eval(&format!("chrome.storage.sync.set({}).then(() => true)", Value::Object(items))).unwrap();
    w1.wait_until(
        "self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => r.state.follows['hn:pg']?.tag === 'founder' && r.state.follows['hn:pg']?.note === 'essays')",
        Duration::from_secs(10),
    )
    .expect("the earlier version's tag and note show");
    assert_eq!(ask(&w1, json!({"kind": "set_tag", "site": "hn", "user": "pg", "tag": null}))["kind"], "done");
    let pg = state(&w1)["follows"]["hn:pg"].clone();
    assert!(pg.get("tag").is_none_or(Value::is_null), "the tag is gone: {pg}");
    assert_eq!(pg["note"], "essays", "the note stays");
    assert!(pg.get("unfollowed").is_none_or(|u| u == false), "still followed: {pg}");
}

/// The state on this browser is saved in parts: with 3,000 follows, one
/// more rewrites a small part of it (not the whole copy, as before), and a
/// worker started afresh reads every part back.
#[test]
fn one_edit_rewrites_a_part_of_the_saved_state_and_a_new_worker_reads_it_whole() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let users: Vec<String> = (0..3000).map(|i| format!("reader{i}")).collect();
    let answer = ask(&worker, json!({"kind": "follow_many", "site": "hn", "users": users}));
    assert_eq!(answer["kind"], "done", "{answer}");
    let saved = "chrome.storage.local.get(null).then(all => Object.entries(all).filter(([k]) => k === 'replica' || k.startsWith('replica.')).reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0))";
    let whole = worker.eval(saved).unwrap().as_u64().unwrap();
    assert!(whole > 100_000, "3,000 follows saved: {whole} bytes");
    // Count what the next saves write of the state.
    worker
        .eval("self.stateWrites = []; const set = chrome.storage.local.set.bind(chrome.storage.local); chrome.storage.local.set = items => { self.stateWrites.push(Object.entries(items).filter(([k]) => k === 'replica' || k.startsWith('replica.')).reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0)); return set(items); }; true")
        .unwrap();
    let answer = ask(&worker, json!({"kind": "set_follow", "site": "hn", "user": "tosh", "follow": true}));
    assert_eq!(answer["kind"], "done", "{answer}");
    let writes: Vec<u64> =
        serde_json::from_value(worker.eval("self.stateWrites").unwrap()).expect("a list of write sizes");
    let written: u64 = writes.iter().sum();
    assert!(written > 0, "the follow was saved: {writes:?}");
    assert!(written * 10 < whole, "one follow wrote {written} of the state's {whole} bytes: {writes:?}");
    h.stop_worker().unwrap();
    // A page wakes a new worker, which loads the state from the parts.
    let _page = h.open("/news").unwrap();
    let worker = h.worker().unwrap();
    let follows = ask(&worker, json!({"kind": "get_state"}))["state"]["follows"].as_object().map_or(0, |f| f.len());
    assert_eq!(follows, 3001, "every part read back");
}

/// A filter's pattern edited on one profile while the other switches the
/// same filter off, before either has seen the other: both edits survive
/// (one rule, the new pattern, off), where a whole-record last writer kept
/// one of them, and an edit used to replace the rule by another key.
#[test]
fn a_filter_edited_here_and_switched_off_there_keeps_both() {
    let h = Harness::start(Options::default()).unwrap();
    let b2 = second_profile(&h);
    let w2 = b2.extension_worker(EXTENSION_ID, Duration::from_secs(20)).unwrap();
    let w1 = h.worker().unwrap();
    let rule = |pattern: &str, enabled: bool| json!({"kind": "keyword", "pattern": pattern, "target": "stories", "enabled": enabled});
    assert_eq!(ask(&w1, json!({"kind": "save_filter", "rule": rule("crypto", true)}))["kind"], "done");
    let mut seed = 3;
    deliver(&w1, &w2, &mut seed);
    w2.wait_until(
        "self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => 'ks:crypto' in r.state.filters)",
        Duration::from_secs(15),
    )
    .expect("the rule reached profile 2");
    // Profile 1 edits the pattern; profile 2, a moment later, switches the
    // rule off (as the popup's checkbox does: the rule under its key).
    let edited = ask(&w1, json!({"kind": "edit_filter", "key": "ks:crypto", "rule": rule("bitcoin", true)}));
    assert_eq!(edited["kind"], "done", "{edited}");
    std::thread::sleep(Duration::from_millis(20));
    let off = ask(&w2, json!({"kind": "edit_filter", "key": "ks:crypto", "rule": rule("crypto", false)}));
    assert_eq!(off["kind"], "done", "{off}");
    for _ in 0..3 {
        deliver(&w1, &w2, &mut seed);
        deliver(&w2, &w1, &mut seed);
        std::thread::sleep(Duration::from_millis(300));
    }
    for (name, w) in [("profile 1", &w1), ("profile 2", &w2)] {
        let filters = state(w)["filters"].clone();
        let rules = filters.as_object().unwrap();
        assert_eq!(rules.len(), 1, "{name}: one rule: {filters}");
        let r = &rules["ks:crypto"];
        assert_eq!(
            (r["pattern"].as_str(), r["enabled"].as_bool()),
            (Some("bitcoin"), Some(false)),
            "{name}: {filters}"
        );
    }
    b2.close();
}
