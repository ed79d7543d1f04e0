//! Fuzzing the sync crate's decoders: whatever `chrome.storage.sync` or
//! `chrome.storage.local` hold (another version, a damaged write, another
//! program's keys), reading it never panics, and a damaged item never takes
//! the replica's own entries with it.
//!
//! Longer run: `HNEW_FUZZ_CASES=100000 cargo test --release -p hn-sync --test fuzz`.

use std::collections::BTreeMap;

use hn_sync::{Replica, KEY_PREFIX};
use proptest::prelude::*;
use serde_json::{json, Value};

fn cases() -> u32 {
    std::env::var("HNEW_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
}

/// Arbitrary JSON, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[ -~]{0,40}".prop_map(Value::from),
        "[A-Za-z0-9+/=]{0,200}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Keys as other devices (or other programs) might write them.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..5, 0u32..4).prop_map(|(d, b)| format!("{KEY_PREFIX}{d:x}.{b}")),
        (1u32..5).prop_map(|d| format!("{KEY_PREFIX}{d:x}.m")),
        "[ -~]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn local_state_decodes_or_is_refused(v in any_json()) {
        let _ = Replica::from_local(&v);
    }

    #[test]
    fn damaged_sync_items_never_cost_own_entries(items in prop::collection::btree_map(key(), any_json(), 0..8)) {
        let mut r = Replica::new(9);
        r.set(1_000, "follows", "hn:pg", json!({}));
        let items: BTreeMap<String, Value> = items;
        r.merge_items(&items, 2_000);
        prop_assert!(r.doc().get("follows", "hn:pg").is_some());
        // What it writes next still carries the entry to another device.
        if let Ok(plan) = r.plan_write(&items, 3_000) {
            let mut store = items.clone();
            for (k, v) in plan.set { store.insert(k, v); }
            for k in plan.remove { store.remove(&k); }
            let mut other = Replica::new(10);
            other.merge_items(&store, 4_000);
            prop_assert!(other.doc().get("follows", "hn:pg").is_some());
        }
    }
}
