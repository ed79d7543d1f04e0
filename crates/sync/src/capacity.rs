//! The capacity measurement: a state shaped like a heavy reader's (follows
//! with HN-like names, filters, notes, share items, tombstones), how much of
//! `chrome.storage.sync` it takes, the largest that fits, and how long
//! encoding and merging take at that size. Shared by
//! `examples/capacity.rs` and the product's benchmark command.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::json;

use crate::Replica;

/// Usernames shaped like HN's: syllables, sometimes digits or an
/// underscore, 3–15 characters.
fn name(i: usize, seed: &mut u64) -> String {
    const ONSETS: [&str; 20] =
        ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "th", "ch"];
    const VOWELS: [&str; 6] = ["a", "e", "i", "o", "u", "y"];
    let mut next = || {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (*seed >> 33) as usize
    };
    let syllables = 1 + next() % 4;
    let mut s = String::new();
    for _ in 0..syllables {
        s.push_str(ONSETS[next() % ONSETS.len()]);
        s.push_str(VOWELS[next() % VOWELS.len()]);
    }
    match next() % 4 {
        0 => s.push_str(&(next() % 100).to_string()),
        1 => s.push('_'),
        _ => {}
    }
    s.push_str(&format!("{}", i % 97));
    s.truncate(15);
    s
}

pub fn build(device: u32, follows: usize, filters: usize, notes: usize, share: usize) -> Replica {
    let mut r = Replica::new(device);
    let mut seed = u64::from(device);
    let mut t = 1_700_000_000_000u64;
    for i in 0..follows {
        t += 37_000;
        // The shape the product writes (`UserRecord`: when it was followed).
        r.set(t, "follows", &format!("hn:{}", name(i, &mut seed)), json!({ "since": t }));
    }
    for i in 0..filters {
        t += 41_000;
        r.set(
            t,
            "filters",
            &format!("k:word{i}"),
            json!({"kind": "keyword", "pattern": format!("word{i}"), "target": "stories", "enabled": true}),
        );
    }
    for i in 0..notes {
        t += 43_000;
        r.set(
            t,
            "notes",
            &format!("hn:{}", name(i, &mut seed)),
            json!(format!("Met at a conference in {i}; writes about compilers and databases, very thoughtful.")),
        );
    }
    for i in 0..share {
        t += 47_000;
        r.set(t, "share", &format!("{i:05}"), json!({"title": format!("Story number {i} about something interesting today"), "url": format!("https://example.com/articles/{i}/a-long-slug"), "at": t, "to": ["x", "bluesky"]}));
    }
    // 20% tombstones.
    for i in 0..follows / 5 {
        t += 1_000;
        r.set(t, "follows", &format!("hn:gone{i}"), json!({}));
        r.remove(t + 1, "follows", &format!("hn:gone{i}"));
    }
    r
}

/// What [`measure`] found.
pub struct Capacity {
    pub follows: usize,
    pub filters: usize,
    pub notes: usize,
    pub share: usize,
    /// Bytes and items of the encoded state (`None`: it does not fit).
    pub encoded: Option<(usize, usize)>,
    pub encode_ms: f64,
    /// The largest follow count that fits with the same rest.
    pub largest_follows: usize,
    pub merge_ms: f64,
    /// Decoding every bucket of another device and merging them.
    pub merge_items_ms: f64,
}

pub fn measure() -> Capacity {
    let (f, fi, n, s) = (5_000, 1_000, 100, 200);
    let now = 1_800_000_000_000;
    let r = build(1, f, fi, n, s);
    let t = Instant::now();
    let plan = r.plan_write(&BTreeMap::new(), now);
    let encode_ms = t.elapsed().as_secs_f64() * 1000.0;
    let (mut lo, mut hi): (usize, usize) = (0, 40_000);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if build(1, mid, fi, n, s).plan_write(&BTreeMap::new(), now).is_ok_and(|p| p.left_out.is_empty()) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let a = build(1, f, fi, n, s);
    let b = build(2, f, fi, n, s);
    let mut x = a.doc().clone();
    let t = Instant::now();
    x.merge(b.doc());
    let merge_ms = t.elapsed().as_secs_f64() * 1000.0;
    let items: BTreeMap<String, serde_json::Value> =
        b.plan_write(&BTreeMap::new(), now).map(|p| p.set.into_iter().collect()).unwrap_or_default();
    let mut c = a.clone();
    let t = Instant::now();
    c.merge_items(&items, now);
    let merge_items_ms = t.elapsed().as_secs_f64() * 1000.0;
    Capacity {
        follows: f,
        filters: fi,
        notes: n,
        share: s,
        encoded: plan.ok().filter(|p| p.left_out.is_empty()).map(|p| (p.bytes, p.set.len())),
        encode_ms,
        largest_follows: lo,
        merge_ms,
        merge_items_ms,
    }
}
