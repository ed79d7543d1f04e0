//! The capacity measurement: a heavy reader's state in the shapes the
//! product writes (follows of real usernames, keyword filters, notes,
//! queued posts, tombstones of unfollowed users), how much of
//! `chrome.storage.sync` it takes, the largest that fits, and how long
//! encoding and merging take at that size. Shared by `examples/capacity.rs`
//! and the product's benchmark command; `tests/capacity_shapes.rs` checks
//! the shapes against the core crate's types.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use serde_json::{json, Value};

use crate::Replica;

/// The usernames linked from saved pages (`user?id=…`), each once, sorted.
pub fn usernames<'a>(pages: impl IntoIterator<Item = &'a [u8]>) -> Vec<String> {
    const LINK: &[u8] = b"user?id=";
    let mut out = BTreeSet::new();
    for page in pages {
        let mut rest = page;
        while let Some(at) = rest.windows(LINK.len()).position(|w| w == LINK) {
            rest = &rest[at + LINK.len()..];
            let len = rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_' || **b == b'-').count();
            if (2..=15).contains(&len) {
                out.insert(String::from_utf8_lossy(&rest[..len]).into_owned());
            }
        }
    }
    out.into_iter().collect()
}

/// A deterministic pseudo-random sequence (a linear congruential generator).
struct Seq(u64);

impl Seq {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

/// `count` distinct usernames: the real ones first (in a fixed shuffled
/// order), then names drawn from a character model of them (each letter
/// from the three before it, as in the real names), so a list longer than
/// the pages hold still compresses as real names do.
pub fn names(real: &[String], count: usize) -> Vec<String> {
    const ORDER: usize = 3;
    let mut seq = Seq(0x5eed);
    let mut out: Vec<String> = real.to_vec();
    for i in (1..out.len()).rev() {
        out.swap(i, seq.next() as usize % (i + 1));
    }
    out.truncate(count);
    let mut model: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
    for name in real {
        let padded: Vec<u8> = [vec![b'^'; ORDER], name.as_bytes().to_vec(), vec![b'$']].concat();
        for w in padded.windows(ORDER + 1) {
            model.entry(w[..ORDER].to_vec()).or_default().push(w[ORDER]);
        }
    }
    let mut seen: BTreeSet<String> = real.iter().cloned().collect();
    let mut tries = 0;
    while out.len() < count && !model.is_empty() && tries < count * 100 {
        tries += 1;
        let mut name = vec![b'^'; ORDER];
        while let Some(next) = model.get(&name[name.len() - ORDER..]) {
            let c = next[seq.next() as usize % next.len()];
            if c == b'$' || name.len() - ORDER >= 15 {
                break;
            }
            name.push(c);
        }
        let name = String::from_utf8_lossy(&name[ORDER..]).into_owned();
        if name.len() >= 2 && seen.insert(name.clone()) {
            out.push(name);
        }
    }
    // Without real names (no pages at hand): numbered ones.
    let mut i = 0;
    while out.len() < count {
        i += 1;
        let name = format!("reader{i}");
        if seen.insert(name.clone()) {
            out.push(name);
        }
    }
    out
}

/// How far apart the reader's edits were made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Spacing {
    /// Every `ms` (37 s: a list followed in one sitting, a name at a time).
    Steady(u64),
    /// At random, `mean` ms apart on average (a reader following someone
    /// now and then over months).
    Random { mean: u64 },
}

/// The counts of what the state holds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Shape {
    pub follows: usize,
    pub filters: usize,
    pub notes: usize,
    pub share: usize,
    pub tombstones: usize,
}

/// The heavy reader: 10,000 follows beside 1,000 filters, 100
/// notes, 200 queued posts and 1,000 tombstones.
pub const HEAVY: Shape = Shape { follows: 10_000, filters: 1_000, notes: 100, share: 200, tombstones: 1_000 };

/// A replica holding `shape`, with values as the product writes them
/// (`UserRecord`, `FilterRule`, notes, `BufferItem`).
pub fn build(device: u32, names: &[String], shape: Shape, spacing: Spacing) -> Replica {
    let mut r = Replica::new(device);
    let mut seq = Seq(u64::from(device) ^ 0x0ddba11);
    let mut t = 1_700_000_000_000u64;
    let mut step = |t: &mut u64| {
        *t += match spacing {
            Spacing::Steady(ms) => ms,
            // Exponential gaps, from a uniform draw in (0, 1].
            Spacing::Random { mean } => {
                let u = (seq.next() as f64 + 1.0) / (1u64 << 31) as f64;
                (-(u.ln()) * mean as f64) as u64 + 1
            }
        };
    };
    let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("reader{i}"));
    for i in 0..shape.follows {
        step(&mut t);
        r.set(t, "follows", &format!("hn:{}", name(i)), json!({ "since": t }));
    }
    for i in 0..shape.filters {
        step(&mut t);
        let rule = json!({"kind": "keyword", "pattern": format!("word{i}"), "target": "stories", "substring": false, "enabled": true});
        r.set(t, "filters", &format!("ks:word{i}"), rule);
    }
    for i in 0..shape.notes {
        step(&mut t);
        let note = format!("Met at a conference in {i}; writes about compilers and databases, very thoughtful.");
        r.set(t, "notes", &format!("hn:{}", name(i * 7)), json!(note));
    }
    for i in 0..shape.share {
        step(&mut t);
        let id = 40_000_000 + i as u64 * 97;
        let item = json!({
            "target": {"id": id, "comment": false, "title": format!("Story number {i} about something interesting today"), "url": format!("https://example.com/articles/{i}/a-long-slug")},
            "text": format!("Story number {i} about something interesting today https://news.ycombinator.com/item?id={id}"),
            "destination": "bluesky",
            "position": i as f64,
            "added": t,
        });
        r.set(t, "share", &id.to_string(), item);
    }
    // Users followed, then unfollowed.
    for i in 0..shape.tombstones {
        step(&mut t);
        let key = format!("hn:{}", name(shape.follows + i));
        r.set(t, "follows", &key, json!({ "since": t }));
        r.remove(t + 1, "follows", &key);
    }
    r
}

/// What [`measure`] found.
pub struct Capacity {
    pub shape: Shape,
    /// Real usernames among the follows (the rest drawn from their model).
    pub real_names: usize,
    /// Bytes and items of the encoded state (`None`: it does not fit).
    pub encoded: Option<(usize, usize)>,
    pub encode_ms: f64,
    /// The largest follow count that fits with the same rest, follows made
    /// 37 s apart (as `shape` is built) and at random times 3 h apart.
    pub largest_follows: usize,
    pub largest_follows_random: usize,
    pub merge_ms: f64,
    /// Decoding every bucket of another device and merging them.
    pub merge_items_ms: f64,
}

/// Room for the meta item beside the buckets.
const META_ROOM: usize = 400;

fn fits(names: &[String], shape: Shape, spacing: Spacing) -> bool {
    build(1, names, shape, spacing).area_bytes() + META_ROOM <= crate::QUOTA_BYTES
}

fn largest(names: &[String], shape: Shape, spacing: Spacing) -> usize {
    let (mut lo, mut hi): (usize, usize) = (0, 40_000);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fits(names, Shape { follows: mid, ..shape }, spacing) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// Measures [`HEAVY`] with usernames `real` (from saved pages; see
/// [`usernames`]) and names drawn like them.
pub fn measure(real: &[String]) -> Capacity {
    let shape = HEAVY;
    let now = 1_800_000_000_000;
    let steady = Spacing::Steady(37_000);
    let all = names(real, 40_000 + shape.tombstones);
    let r = build(1, &all, shape, steady);
    let t = Instant::now();
    let plan = r.plan_write(&BTreeMap::new(), now);
    let encode_ms = t.elapsed().as_secs_f64() * 1000.0;
    let largest_follows = largest(&all, shape, steady);
    let largest_follows_random = largest(&all, shape, Spacing::Random { mean: 3 * 3_600_000 });
    let a = build(1, &all, shape, steady);
    let b = build(2, &all, shape, steady);
    let mut x = a.doc().clone();
    let t = Instant::now();
    x.merge(b.doc());
    let merge_ms = t.elapsed().as_secs_f64() * 1000.0;
    let items: BTreeMap<String, Value> =
        b.plan_write(&BTreeMap::new(), now).map(|p| p.set.into_iter().collect()).unwrap_or_default();
    let mut c = a.clone();
    let t = Instant::now();
    c.merge_items(&items, now);
    let merge_items_ms = t.elapsed().as_secs_f64() * 1000.0;
    Capacity {
        shape,
        real_names: real.len().min(shape.follows),
        encoded: plan.ok().filter(|p| p.left_out.is_empty()).map(|p| (p.bytes, p.set.len())),
        encode_ms,
        largest_follows,
        largest_follows_random,
        merge_ms,
        merge_items_ms,
    }
}
