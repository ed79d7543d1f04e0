//! `cargo run -p hn-sync --release --example capacity`: the largest state
//! that fits `chrome.storage.sync`, and the time to merge and encode it.

use std::collections::BTreeMap;
use std::time::Instant;

use hn_sync::{Replica, QUOTA_BYTES};
use serde_json::json;

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

fn build(device: u32, follows: usize, filters: usize, notes: usize, share: usize) -> Replica {
    let mut r = Replica::new(device);
    let mut seed = u64::from(device);
    let mut t = 1_700_000_000_000u64;
    for i in 0..follows {
        t += 37_000;
        r.set(t, "follows", &format!("hn:{}", name(i, &mut seed)), json!({}));
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

fn main() {
    let (f, fi, n, s) = (5_000, 1_000, 100, 200);
    let r = build(1, f, fi, n, s);
    let t = Instant::now();
    let plan = r.plan_write(&BTreeMap::new(), 1_800_000_000_000);
    let encode_ms = t.elapsed().as_secs_f64() * 1000.0;
    match &plan {
        Ok(p) => println!(
            "{f} follows + {fi} filters + {n} notes + {s} share items + {} tombstones: {} bytes in {} items ({}% of {QUOTA_BYTES}); encoded in {encode_ms:.2} ms",
            f / 5,
            p.bytes,
            p.set.len(),
            p.bytes * 100 / QUOTA_BYTES
        ),
        Err(e) => println!("does not fit: {e}"),
    }
    // The largest follow count that fits with the rest.
    let (mut lo, mut hi): (usize, usize) = (0, 40_000);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if build(1, mid, fi, n, s).plan_write(&BTreeMap::new(), 1_800_000_000_000).is_ok() {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    println!("largest that fits: {lo} follows with the same filters, notes and share items");
    // Merge two full states from different devices.
    let a = build(1, f, fi, n, s);
    let b = build(2, f, fi, n, s);
    let mut x = a.doc().clone();
    let t = Instant::now();
    x.merge(b.doc());
    println!("merge two full states: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
    let items: BTreeMap<String, serde_json::Value> =
        b.plan_write(&BTreeMap::new(), 1_800_000_000_000).map(|p| p.set.into_iter().collect()).unwrap_or_default();
    let mut c = a.clone();
    let t = Instant::now();
    // Includes decoding every bucket of the other device.
    c.merge_items(&items, 1_800_000_000_000);
    println!("decode and merge another device's items: {:.2} ms", t.elapsed().as_secs_f64() * 1000.0);
}
