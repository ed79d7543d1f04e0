//! The share buffer across devices: a due post is announced on exactly one
//! device, once, whatever order the devices write, read and wake in. The
//! simulation runs the background's announce step (the core's planner on
//! each replica's view, then the statuses and cursor written back) over a
//! simulated `chrome.storage.sync`.

use std::collections::BTreeMap;

use hn_core::schedule::{Fixed, DAY};
use hn_core::share::{BufferItem, Destination, ItemStatus, SharePrefs, ShareTarget};
use hn_core::state::{UserState, SETTINGS, SHARE, SHARE_PREFS, SHARE_STATUS};
use hn_sync::Replica;
use proptest::prelude::*;
use serde_json::Value;

fn view(r: &Replica) -> UserState {
    let doc = r.doc();
    let mut s = UserState::default();
    for (k, v) in doc.entries(SHARE) {
        s.share.insert(k.into(), serde_json::from_value(v.clone()).unwrap());
    }
    for (k, v) in doc.entries(SHARE_STATUS) {
        s.share_status.insert(k.into(), serde_json::from_value(v.clone()).unwrap());
    }
    if let Some(p) = doc.get(SETTINGS, SHARE_PREFS) {
        s.share_prefs = serde_json::from_value(p.clone()).unwrap();
    }
    s
}

/// What the background does when the user queues a post.
fn add(r: &mut Replica, now: u64, id: u64) {
    let s = view(r);
    let key = id.to_string();
    if s.share.contains_key(&key) {
        return;
    }
    let position = s.share.values().map(|i| i.position).fold(0.0, f64::max) + 1.0;
    let target = ShareTarget::hn(id, false, format!("story {id}"), None);
    let item =
        BufferItem { text: target.title.clone(), target, destination: Destination::X, position, added: now as i64 };
    r.set(now, SHARE, &key, serde_json::to_value(&item).unwrap());
    if s.share_prefs.announcer.is_none() {
        let prefs = SharePrefs { announcer: Some(r.device()), ..s.share_prefs };
        r.set(now, SETTINGS, SHARE_PREFS, serde_json::to_value(&prefs).unwrap());
    }
}

/// What the background does when its alarm fires: returns the announced keys.
fn tick(r: &mut Replica, now: u64) -> Vec<String> {
    let s = view(r);
    let Some(t) = s.announce(r.device(), &Fixed(0), now as i64) else { return Vec::new() };
    let due: Vec<(String, i64)> = t.due.iter().map(|&(k, slot)| (k.to_string(), slot)).collect();
    if due.is_empty() {
        return Vec::new();
    }
    for (k, slot) in &due {
        let status = ItemStatus { announced: Some(*slot), shared: None };
        r.set(now, SHARE_STATUS, k, serde_json::to_value(status).unwrap());
    }
    let prefs = SharePrefs { cursor: t.cursor, ..s.share_prefs.clone() };
    r.set(now, SETTINGS, SHARE_PREFS, serde_json::to_value(&prefs).unwrap());
    due.into_iter().map(|(k, _)| k).collect()
}

fn publish(r: &Replica, store: &mut BTreeMap<String, Value>, now: u64) {
    if let Ok(plan) = r.plan_write(store, now) {
        for (k, v) in plan.set {
            store.insert(k, v);
        }
        for k in plan.remove {
            store.remove(&k);
        }
    }
}

#[derive(Debug, Clone)]
enum Step {
    Add {
        device: usize,
        id: u64,
    },
    Publish {
        device: usize,
    },
    Read {
        device: usize,
    },
    /// The device's alarm fires.
    Tick {
        device: usize,
    },
    /// Time passes (up to two days: slots are missed while "closed").
    Wait {
        ms: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..4usize, 1..8u64).prop_map(|(device, id)| Step::Add { device, id }),
        (0..4usize).prop_map(|device| Step::Publish { device }),
        (0..4usize).prop_map(|device| Step::Read { device }),
        (0..4usize).prop_map(|device| Step::Tick { device }),
        (1..2 * DAY as u64).prop_map(|ms| Step::Wait { ms }),
    ]
}

/// Runs the steps; returns every announcement as (device, key).
fn simulate(devices: usize, setup_announcer: bool, steps: &[Step]) -> (Vec<(usize, String)>, Vec<Replica>) {
    let mut replicas: Vec<Replica> = (0..devices).map(|d| Replica::new(d as u32 + 1)).collect();
    let mut store = BTreeMap::new();
    let mut now = 1_780_000_000_000u64;
    let mut announced = Vec::new();
    if setup_announcer {
        // The usual start: the first post is queued on device 0, which
        // becomes the announcer, and every device has synced once since.
        add(&mut replicas[0], now, 100);
        publish(&replicas[0], &mut store, now);
        for r in &mut replicas {
            r.merge_items(&store, now);
        }
    }
    for s in steps {
        match *s {
            Step::Add { device, id } => add(&mut replicas[device % devices], now, id),
            Step::Publish { device } => publish(&replicas[device % devices], &mut store, now),
            Step::Read { device } => {
                replicas[device % devices].merge_items(&store, now);
            }
            Step::Tick { device } => {
                let d = device % devices;
                announced.extend(tick(&mut replicas[d], now).into_iter().map(|k| (d, k)));
            }
            Step::Wait { ms } => now += ms,
        }
    }
    // Everything syncs, then a week passes and every device wakes.
    for _ in 0..2 {
        for r in replicas.iter_mut() {
            publish(r, &mut store, now);
            let snapshot = store.clone();
            r.merge_items(&snapshot, now);
        }
    }
    now += 7 * DAY as u64;
    for (d, r) in replicas.iter_mut().enumerate() {
        announced.extend(tick(r, now).into_iter().map(|k| (d, k)));
        publish(r, &mut store, now);
    }
    (announced, replicas)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    /// With an announcer chosen and known to all, every queued post is
    /// announced exactly once, by that device only.
    #[test]
    fn each_post_is_announced_exactly_once(devices in 2..5usize, steps in prop::collection::vec(step(), 0..40)) {
        let (announced, replicas) = simulate(devices, true, &steps);
        let mut keys: Vec<&String> = announced.iter().map(|(_, k)| k).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        prop_assert_eq!(keys.len(), n, "a post was announced twice: {:?}", announced);
        prop_assert!(announced.iter().all(|(d, _)| *d == 0), "only the announcer announces: {:?}", announced);
        let queued = view(&replicas[0]).share.len();
        prop_assert_eq!(n, queued, "every queued post was announced: {:?}", announced);
    }
}

/// Two devices that queue their first posts while apart both claim the
/// announcer role; once they have synced, one claim wins everywhere and the
/// other device stops announcing.
#[test]
fn concurrent_announcer_claims_settle_on_one_device() {
    let steps = vec![
        Step::Add { device: 0, id: 1 },
        Step::Add { device: 1, id: 2 },
        Step::Publish { device: 0 },
        Step::Publish { device: 1 },
        Step::Read { device: 0 },
        Step::Read { device: 1 },
        Step::Wait { ms: 2 * DAY as u64 },
        Step::Tick { device: 0 },
        Step::Tick { device: 1 },
    ];
    let (announced, replicas) = simulate(2, false, &steps);
    let a = view(&replicas[0]).share_prefs.announcer;
    assert_eq!(a, view(&replicas[1]).share_prefs.announcer);
    let winner = a.unwrap() as usize - 1;
    assert!(announced.iter().all(|(d, _)| *d == winner), "{announced:?}");
    let mut keys: Vec<_> = announced.iter().map(|(_, k)| k.clone()).collect();
    keys.sort();
    assert_eq!(keys, vec!["1", "2"]);
}
