//! The merge algebra as properties: commutative, associative, idempotent;
//! and replicas converge through a simulated `chrome.storage.sync` (last
//! write per key wins) under random delivery, duplication and clock skew.

use std::collections::BTreeMap;

use hn_sync::{Doc, Entry, Hlc, Replica};
use proptest::prelude::*;
use serde_json::{json, Value};

const KEYS: [&str; 4] = ["hn:a", "hn:b", "hn:c", "hn:d"];
const COLLECTIONS: [&str; 2] = ["follows", "filters"];

/// A small op: (collection, key, live?, wall, count, device, value).
fn entry_op() -> impl Strategy<Value = (usize, usize, bool, u64, u32, u32, u8)> {
    (0..2usize, 0..4usize, any::<bool>(), 0..20u64, 0..3u32, 1..4u32, 0..3u8)
}

fn doc_from(ops: &[(usize, usize, bool, u64, u32, u32, u8)]) -> Doc {
    let mut d = Doc::default();
    for &(c, k, live, wall, count, device, v) in ops {
        let value = live.then(|| json!(v));
        d.put(COLLECTIONS[c], KEYS[k], Entry { value, stamp: Hlc { wall, count, device } });
    }
    d
}

fn merged(a: &Doc, b: &Doc) -> Doc {
    let mut x = a.clone();
    x.merge(b);
    x
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(600), ..ProptestConfig::default() })]

    #[test]
    fn merge_is_commutative(a in prop::collection::vec(entry_op(), 0..12), b in prop::collection::vec(entry_op(), 0..12)) {
        let (a, b) = (doc_from(&a), doc_from(&b));
        prop_assert_eq!(merged(&a, &b), merged(&b, &a));
    }

    #[test]
    fn merge_is_associative(
        a in prop::collection::vec(entry_op(), 0..10),
        b in prop::collection::vec(entry_op(), 0..10),
        c in prop::collection::vec(entry_op(), 0..10),
    ) {
        let (a, b, c) = (doc_from(&a), doc_from(&b), doc_from(&c));
        prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
    }

    #[test]
    fn merge_is_idempotent(a in prop::collection::vec(entry_op(), 0..12)) {
        let a = doc_from(&a);
        prop_assert_eq!(merged(&a, &a), a);
    }
}

/// One step of the simulation: a device edits, or publishes its plan to the
/// store, or reads the store and merges.
#[derive(Debug, Clone)]
enum Step {
    Set { device: usize, key: usize, value: u8 },
    Remove { device: usize, key: usize },
    Publish { device: usize },
    Read { device: usize },
    Tick { ms: u64 },
}

fn step(devices: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..devices, 0..4usize, 0..3u8).prop_map(|(device, key, value)| Step::Set { device, key, value }),
        (0..devices, 0..4usize).prop_map(|(device, key)| Step::Remove { device, key }),
        (0..devices).prop_map(|device| Step::Publish { device }),
        (0..devices).prop_map(|device| Step::Read { device }),
        (1..5_000u64).prop_map(|ms| Step::Tick { ms }),
    ]
}

fn publish(r: &Replica, store: &mut BTreeMap<String, Value>, now: u64, order_seed: u64) {
    let Ok(plan) = r.plan_write(store, now) else { return };
    let mut writes: Vec<(String, Option<Value>)> =
        plan.set.into_iter().map(|(k, v)| (k, Some(v))).chain(plan.remove.into_iter().map(|k| (k, None))).collect();
    // Chrome applies a device's writes in some order; shuffle them.
    let mut seed = order_seed | 1;
    for i in (1..writes.len()).rev() {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        writes.swap(i, (seed >> 33) as usize % (i + 1));
    }
    for (k, v) in writes {
        match v {
            Some(v) => store.insert(k, v),
            None => store.remove(&k),
        };
    }
}

fn simulate(devices: usize, skews: &[u64], steps: &[Step]) -> Vec<Replica> {
    let mut replicas: Vec<Replica> = (0..devices).map(|d| Replica::new(d as u32 + 1)).collect();
    let mut store = BTreeMap::new();
    let mut now = 1_000_000u64;
    for (i, s) in steps.iter().enumerate() {
        match *s {
            Step::Set { device, key, value } => {
                replicas[device].set(now + skews[device], "follows", KEYS[key], json!(value));
            }
            Step::Remove { device, key } => {
                replicas[device].remove(now + skews[device], "follows", KEYS[key]);
            }
            Step::Publish { device } => publish(&replicas[device], &mut store, now + skews[device], i as u64),
            Step::Read { device } => {
                replicas[device].merge_items(&store, now + skews[device]);
            }
            Step::Tick { ms } => now += ms,
        }
    }
    // Everyone eventually publishes and reads, twice (delivery completes).
    for round in 0..3 {
        for d in 0..devices {
            publish(&replicas[d], &mut store, now + skews[d], round);
            let snapshot = store.clone();
            replicas[d].merge_items(&snapshot, now + skews[d]);
        }
    }
    replicas
}

fn live(r: &Replica) -> Vec<(String, Value)> {
    r.doc().entries("follows").map(|(k, v)| (k.to_string(), v.clone())).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400), ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge_under_random_delivery(
        devices in 2..6usize,
        skews in prop::collection::vec(0..50_000u64, 5),
        steps in prop::collection::vec(step(5), 0..40),
    ) {
        let steps: Vec<Step> = steps.into_iter().map(|s| match s {
            Step::Set { device, key, value } => Step::Set { device: device % devices, key, value },
            Step::Remove { device, key } => Step::Remove { device: device % devices, key },
            Step::Publish { device } => Step::Publish { device: device % devices },
            Step::Read { device } => Step::Read { device: device % devices },
            t => t,
        }).collect();
        let replicas = simulate(devices, &skews, &steps);
        let first = live(&replicas[0]);
        for r in &replicas[1..] {
            prop_assert_eq!(&live(r), &first);
        }
    }
}

/// The last edit wins even when it was made on a device whose clock is
/// behind, as long as it happened after it saw the earlier edit.
#[test]
fn regression_edit_after_seeing_wins_despite_slow_clock() {
    let steps = vec![
        Step::Set { device: 0, key: 0, value: 1 },
        Step::Publish { device: 0 },
        Step::Read { device: 1 },
        Step::Remove { device: 1, key: 0 },
    ];
    let replicas = simulate(2, &[40_000, 0, 0, 0, 0], &steps);
    assert!(live(&replicas[0]).is_empty());
    assert_eq!(live(&replicas[0]), live(&replicas[1]));
}

#[test]
fn regression_two_devices_each_one_edit() {
    let steps = vec![
        Step::Set { device: 0, key: 2, value: 0 },
        Step::Set { device: 1, key: 0, value: 0 },
        Step::Read { device: 1 },
    ];
    let replicas = simulate(2, &[0, 1, 0, 0, 0], &steps);
    assert_eq!(live(&replicas[0]), live(&replicas[1]));
}
