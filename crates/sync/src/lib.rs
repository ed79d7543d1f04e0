//! The user's replicated state, and its home in `chrome.storage.sync`.
//!
//! # Model
//! A [`Doc`] is a set of named collections (`follows`, `filters`,
//! `settings`, …) of last-writer-wins entries whose values are JSON. Every
//! entry carries a hybrid-logical-clock stamp ([`Hlc`]: wall time, a counter,
//! the device). Merging keeps, per key, the entry with the greater stamp, so
//! merge is commutative, associative and idempotent (`tests/laws.rs`).
//!
//! **Conflict rule: the last thing you did wins, on any device.** A follow
//! and an unfollow of the same user on two devices resolve to whichever
//! happened later by the clock; that is what a person expects when they
//! changed their mind. The clock is hybrid: a device never issues a stamp
//! below one it has seen, and a remote wall time more than
//! [`MAX_DRIFT_MS`] ahead of the local clock is not adopted past that bound,
//! so a device whose clock runs fast cannot make its edits win forever.
//!
//! # Layout in `chrome.storage.sync`
//! `chrome.storage.sync` keeps the last write per key, so two devices must
//! never write the same key. Each device writes only its own keys:
//! - `s1.<device>.m` — meta: format version, bucket count, the greatest stamp
//!   it has received from each device, when it was last active;
//! - `s1.<device>.<n>` — bucket `n` of the entries this device authored and
//!   that are still current (an entry superseded by another device's newer
//!   one lives in that device's area instead), in time order, each bucket
//!   as full as an item allows (see `codec`): a new edit rewrites the newest
//!   bucket (plus the meta).
//!
//! Every device merges every device's area, its own included (so a device
//! whose local copy was restored from an older backup catches up with what
//! it had published).
//!
//! # Silent devices
//! A device is *live* while its meta says it was active within
//! [`DEAD_AFTER_MS`] (60 days; an online device refreshes it daily). The
//! current entries of devices that are not live are kept by one device only,
//! the *heir*: the live device with the smallest id. It copies them into its
//! own area and, once it has kept them for a week ([`ADOPT_GRACE_MS`]),
//! removes the silent device's keys; the others do nothing, so adoption
//! costs one copy, not one per device. The week covers the keys of one
//! write reaching another browser apart: no device sees a silent area gone
//! before it has the heir's copy. When the silent device
//! speaks again it is live: its entries are its own again, the heir drops
//! its copies, and nothing is written after that while nothing changes.
//!
//! A device that was itself silent for longer than the horizon (less a
//! margin for clock skew, [`RETURN_MARGIN_MS`]) must not publish what it
//! held from before: the others may have forgotten a removal of it
//! meanwhile. On its first read back it *rebuilds* its document from what
//! the devices' areas hold now, keeping of its own only the edits it never
//! published, and only then writes ([`Replica::plan_write`] refuses until it
//! has). This is the rule Cassandra applies to a replica down longer than
//! `gc_grace_seconds`.
//!
//! # Removals and compaction
//! A removal is a tombstone entry. A tombstone is dropped once every live
//! device that writes to sync storage says, in its meta, that it has
//! received it (each has then dropped the entries it superseded from its own
//! area, so nothing in storage can bring the removed item back), and it is
//! older than [`DEAD_AFTER_MS`] (a device not yet known may hold an older
//! edit of the item; one silent that long is adopted anyway), and both have
//! held for [`ADOPT_GRACE_MS`] (so every browser's copy of the store has
//! each area as written after its device received the removal).
//!
//! # Quota
//! Writes that would pass Chrome's limits (102,400 bytes, 8,192 per item,
//! 512 items) are refused by [`Replica::plan_write`] with a [`WriteError`];
//! the caller keeps the whole replica in `chrome.storage.local` (see
//! [`Replica::to_local`]) and tries again later. Nothing is lost.
#![forbid(unsafe_code)]

pub mod capacity;
mod codec;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Format of the items this crate writes.
pub const FORMAT_VERSION: u32 = 1;
/// Format of a device's area in `chrome.storage.sync` (its meta's `v`):
/// 3 writes buckets in time order as text of 91 characters (see `codec`);
/// 2 (columns, base64) and 1 (records) are still read.
pub const AREA_FORMAT: u32 = 3;
/// Every key this crate writes starts with this.
pub const KEY_PREFIX: &str = "s1.";
/// Chrome's limits for `chrome.storage.sync`.
pub const QUOTA_BYTES: usize = 102_400;
pub const QUOTA_BYTES_PER_ITEM: usize = 8_192;
pub const MAX_ITEMS: usize = 512;
/// How far ahead of the local clock a remote wall time may pull it.
pub const MAX_DRIFT_MS: u64 = 24 * 60 * 60 * 1000;
/// A device silent this long is adopted by the others.
pub const DEAD_AFTER_MS: u64 = 60 * 24 * 60 * 60 * 1000;
/// The heir removes a silent device's keys only once it has kept that
/// device's entries this long (counted on the heir's own reads, not from
/// the silent device's last activity): longer than Chrome Sync takes to
/// hand one key of a write to another browser while both are online, so
/// every device has the heir's copy before the keys it replaces disappear,
/// and devices that each took the others for silent (all back at once from
/// a long silence) hear from each other before any removes anything.
pub const ADOPT_GRACE_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// A device silent for [`DEAD_AFTER_MS`] less this rebuilds before it
/// writes: covers clocks two days apart either way and the daily refresh
/// of "last active".
pub const RETURN_MARGIN_MS: u64 = 5 * 24 * 60 * 60 * 1000;
/// How often an unchanged device refreshes "last active" in its meta.
pub const ACTIVE_REFRESH_MS: u64 = 24 * 60 * 60 * 1000;

/// A hybrid logical clock stamp. Ordered by wall time, counter, device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Hlc {
    pub wall: u64,
    pub count: u32,
    pub device: u32,
}

/// A device's clock.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    device: u32,
    last: Hlc,
}

impl Clock {
    pub fn new(device: u32) -> Clock {
        Clock { device, last: Hlc { wall: 0, count: 0, device } }
    }

    /// A new stamp for a local edit, greater than every stamp issued or
    /// observed.
    pub fn tick(&mut self, now_ms: u64) -> Hlc {
        let next = if now_ms > self.last.wall {
            Hlc { wall: now_ms, count: 0, device: self.device }
        } else {
            Hlc { wall: self.last.wall, count: self.last.count.saturating_add(1), device: self.device }
        };
        self.last = next;
        next
    }

    /// Takes a remote stamp into account: later local stamps exceed it,
    /// except that a wall time more than [`MAX_DRIFT_MS`] ahead of `now_ms`
    /// only pulls the clock to `now_ms + MAX_DRIFT_MS`.
    pub fn observe(&mut self, remote: Hlc, now_ms: u64) {
        let bound = now_ms.saturating_add(MAX_DRIFT_MS);
        let seen = if remote.wall > bound {
            Hlc { wall: bound, count: 0, device: self.device }
        } else {
            Hlc { device: self.device, ..remote }
        };
        if seen > self.last {
            self.last = seen;
        }
    }

    pub fn last(&self) -> Hlc {
        self.last
    }
}

/// One entry: a value, or a tombstone (`None`), and its stamp.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub value: Option<Value>,
    pub stamp: Hlc,
}

impl Entry {
    /// Whether `self` replaces `other` in a merge.
    // JSON values have no order: their texts are compared.
    #[allow(clippy::cmp_owned)]
    fn beats(&self, other: &Entry) -> bool {
        match self.stamp.cmp(&other.stamp) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            // Equal stamps come from one device's one edit, so they are the
            // same entry; prefer a value over a tombstone, then the greater
            // JSON text, so the choice is the same everywhere.
            std::cmp::Ordering::Equal => match (&self.value, &other.value) {
                (Some(_), None) => true,
                (None, _) => false,
                (Some(a), Some(b)) => a.to_string() > b.to_string(),
            },
        }
    }
}

/// The replicated document.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Doc {
    collections: BTreeMap<String, BTreeMap<String, Entry>>,
}

impl Doc {
    pub fn get(&self, collection: &str, key: &str) -> Option<&Value> {
        self.entry(collection, key)?.value.as_ref()
    }

    /// The entry held for a key, tombstone included.
    pub fn entry(&self, collection: &str, key: &str) -> Option<&Entry> {
        self.collections.get(collection)?.get(key)
    }

    /// Live entries of a collection, in key order.
    pub fn entries<'a>(&'a self, collection: &str) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.collections
            .get(collection)
            .into_iter()
            .flat_map(|c| c.iter().filter_map(|(k, e)| e.value.as_ref().map(|v| (k.as_str(), v))))
    }

    pub fn len(&self, collection: &str) -> usize {
        self.entries(collection).count()
    }

    pub fn is_empty(&self) -> bool {
        self.collections.values().all(|c| c.values().all(|e| e.value.is_none()))
    }

    /// Every entry, tombstones included.
    pub fn all(&self) -> impl Iterator<Item = (&str, &str, &Entry)> {
        self.collections.iter().flat_map(|(c, m)| m.iter().map(move |(k, e)| (c.as_str(), k.as_str(), e)))
    }

    /// Keeps the greater of `entry` and what is there; returns whether it
    /// changed anything.
    pub fn put(&mut self, collection: &str, key: &str, entry: Entry) -> bool {
        let held = self.collections.get(collection).and_then(|c| c.get(key));
        match held {
            Some(current) if !entry.beats(current) => false,
            _ => {
                self.collections.entry(collection.to_string()).or_default().insert(key.to_string(), entry);
                true
            }
        }
    }

    /// Joins `other` into `self`; returns whether `self` changed.
    pub fn merge(&mut self, other: &Doc) -> bool {
        let mut changed = false;
        for (c, k, e) in other.all() {
            changed |= self.put(c, k, e.clone());
        }
        changed
    }

    /// Keeps the entries `keep` accepts; returns how many were dropped.
    pub fn retain(&mut self, keep: impl Fn(&str, &str, &Entry) -> bool) -> usize {
        let mut dropped = 0;
        for (name, c) in &mut self.collections {
            let before = c.len();
            c.retain(|k, e| keep(name, k, e));
            dropped += before - c.len();
        }
        self.collections.retain(|_, c| !c.is_empty());
        dropped
    }
}

/// What merging other devices' items did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MergeReport {
    pub changed: bool,
    /// Items set aside, in words (unknown format, damaged data).
    pub problems: Vec<String>,
    /// Devices seen, this one included.
    pub devices: usize,
    /// This device had been silent past the horizon and rebuilt its
    /// document from the others' areas.
    pub rebuilt: bool,
}

/// The writes that bring this device's area up to date.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WritePlan {
    pub set: Vec<(String, Value)>,
    pub remove: Vec<String>,
    /// Bytes this device's area uses after the plan.
    pub bytes: usize,
    /// "Last active" as the plan writes it, and the greatest stamp this
    /// device had issued when it was made: see [`Replica::wrote`].
    pub active: u64,
    pub published: Hlc,
    /// Over quota: how many live entries of each collection the plan leaves
    /// out (they stay on this device).
    pub left_out: BTreeMap<String, usize>,
    /// Bytes in use in `chrome.storage.sync` after the plan, every item
    /// counted as Chrome counts it.
    pub total: usize,
}

impl WritePlan {
    /// What an over-quota plan left out, in words.
    pub fn left_out_words(&self) -> Option<String> {
        if self.left_out.is_empty() {
            return None;
        }
        let parts: Vec<String> = self.left_out.iter().map(|(c, n)| format!("{n} {c}")).collect();
        Some(format!(
            "Chrome's sync storage is full: {} stay on this browser only (settings and filters sync first); \
             remove some follows or notes to sync them",
            parts.join(", ")
        ))
    }
}

/// The order in which collections are kept when not everything fits.
fn priority(collection: &str) -> u8 {
    match collection {
        "settings" => 0,
        "filters" | "filter_on" => 1,
        "follows" => 2,
        "tags" => 3,
        "notes" => 4,
        "share_status" => 5,
        "share" => 6,
        _ => 7,
    }
}

impl WritePlan {
    /// Nothing to write.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.remove.is_empty()
    }
}

/// Why a write plan cannot be made: Chrome's limits, or a device back from
/// a long silence that has not read the others yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteError {
    TooLarge {
        needed: usize,
        limit: usize,
    },
    TooManyItems {
        needed: usize,
        limit: usize,
    },
    /// Silent past the horizon and not yet rebuilt from the others' areas
    /// (merge them first).
    NotCaughtUp,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::TooLarge { needed, limit } => write!(
                f,
                "Chrome's sync storage is full ({needed} bytes needed of {limit}); everything is kept on this device — remove some follows or filters to sync again"
            ),
            WriteError::TooManyItems { needed, limit } => {
                write!(f, "Chrome's sync storage allows {limit} items and {needed} are needed; everything is kept on this device")
            }
            WriteError::NotCaughtUp => write!(
                f,
                "this browser was away from sync for about two months; it reads your other browsers' state before it writes"
            ),
        }
    }
}

impl std::error::Error for WriteError {}

/// What a device's meta item says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Meta {
    v: u32,
    n: usize,
    /// The greatest stamp it has received from each device (hex id).
    seen: BTreeMap<String, Hlc>,
    active: u64,
}

/// One device's replica: the merged document, its clock, and what it knows
/// of the other devices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Replica {
    device: u32,
    clock: Clock,
    doc: Doc,
    /// The greatest stamp received from each device, this one included.
    received: BTreeMap<u32, Hlc>,
    /// Other devices' last `seen` and activity, for compaction and adoption.
    peers: BTreeMap<u32, (BTreeMap<u32, Hlc>, u64)>,
    /// The greatest stamp of this device's own entries read back from its
    /// area: what it has certainly published.
    #[serde(default)]
    published: Hlc,
    /// When this device last read the store (or wrote to it); 0 before it
    /// ever did. Silent longer than the horizon, it may hold entries whose
    /// removal the others have since forgotten.
    #[serde(default)]
    caught_up: u64,
    /// The device whose stamps run furthest past this clock's drift bound,
    /// and by how much (ms), at the last merge.
    #[serde(default)]
    clock_behind: Option<(u32, u64)>,
    /// Silent devices whose entries this device keeps as heir: since when
    /// (its own clock, at the read that found them silent), and the last
    /// activity their meta showed then (a device that spoke and fell
    /// silent again starts a new grace).
    #[serde(default)]
    adopting: BTreeMap<u32, (u64, u64)>,
    /// Tombstones every device has received, and since when (this
    /// device's clock): dropped once that has held for [`ADOPT_GRACE_MS`].
    #[serde(default, with = "settling_serde")]
    settling: BTreeMap<(String, String, Hlc), u64>,
}

/// `settling` as a list (JSON object keys must be strings).
mod settling_serde {
    use super::Hlc;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    type Map = BTreeMap<(String, String, Hlc), u64>;

    pub fn serialize<S: Serializer>(map: &Map, s: S) -> Result<S::Ok, S::Error> {
        map.iter().collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        Ok(Vec::<((String, String, Hlc), u64)>::deserialize(d)?.into_iter().collect())
    }
}

impl Replica {
    pub fn new(device: u32) -> Replica {
        Replica {
            device,
            clock: Clock::new(device),
            doc: Doc::default(),
            received: BTreeMap::new(),
            peers: BTreeMap::new(),
            published: Hlc::default(),
            caught_up: 0,
            clock_behind: None,
            adopting: BTreeMap::new(),
            settling: BTreeMap::new(),
        }
    }

    pub fn device(&self) -> u32 {
        self.device
    }

    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    pub fn set(&mut self, now_ms: u64, collection: &str, key: &str, value: Value) -> bool {
        if self.doc.get(collection, key) == Some(&value) {
            return false;
        }
        let stamp = self.stamp_over(now_ms, collection, key);
        self.doc.put(collection, key, Entry { value: Some(value), stamp })
    }

    pub fn remove(&mut self, now_ms: u64, collection: &str, key: &str) -> bool {
        if self.doc.get(collection, key).is_none() {
            return false;
        }
        let stamp = self.stamp_over(now_ms, collection, key);
        self.doc.put(collection, key, Entry { value: None, stamp })
    }

    /// A stamp for a local edit of a key: the clock's next, or, when the
    /// entry held was stamped later still (by a device whose clock runs
    /// more than [`MAX_DRIFT_MS`] ahead of this one, which the clock does
    /// not follow), just above that entry's. The reader's edit is made
    /// after the one they saw, so it wins either way; the clock itself stays
    /// bounded, so other keys are not pulled ahead.
    fn stamp_over(&mut self, now_ms: u64, collection: &str, key: &str) -> Hlc {
        let mut stamp = self.clock.tick(now_ms);
        if let Some(held) = self.doc.entry(collection, key) {
            if held.stamp >= stamp {
                stamp = Hlc { wall: held.stamp.wall, count: held.stamp.count.saturating_add(1), device: self.device };
            }
        }
        let r = self.received.entry(self.device).or_default();
        if stamp > *r {
            *r = stamp;
        }
        stamp
    }

    /// Whether this device has been away from the store long enough that
    /// the others may have forgotten removals it has not seen.
    pub fn returning(&self, now_ms: u64) -> bool {
        self.caught_up != 0 && now_ms.saturating_sub(self.caught_up) > DEAD_AFTER_MS - RETURN_MARGIN_MS
    }

    /// Devices live as far as this one knows: itself, and those whose meta
    /// says they were active within the horizon.
    fn live(&self, now_ms: u64) -> BTreeSet<u32> {
        self.peers
            .iter()
            .filter(|(_, (_, active))| now_ms.saturating_sub(*active) <= DEAD_AFTER_MS)
            .map(|(d, _)| *d)
            .chain(std::iter::once(self.device))
            .collect()
    }

    /// Whether this device keeps silent devices' entries (the live device
    /// with the smallest id).
    fn heir(&self, live: &BTreeSet<u32>) -> bool {
        live.first() == Some(&self.device)
    }

    /// In words, a clock far enough behind another device's that its
    /// stamps were bounded (edits still win: see `stamp_over`).
    pub fn clock_note(&self) -> Option<String> {
        self.clock_behind.map(|(device, ms)| {
            let hours = ms.div_ceil(3_600_000);
            format!(
                "this browser's clock is about {hours} hours behind device {device:x}'s (or that one is ahead); \
                 edits still apply, but check the date and time settings"
            )
        })
    }

    /// Merges every device's items read from `chrome.storage.sync`, this
    /// device's own included; rebuilds first when back from a long silence.
    pub fn merge_items(&mut self, items: &BTreeMap<String, Value>, now_ms: u64) -> MergeReport {
        let mut report = MergeReport { devices: 1, ..MergeReport::default() };
        let bound = now_ms.saturating_add(MAX_DRIFT_MS);
        let mut behind: Option<(u32, u64)> = None;
        let mut docs = Vec::new();
        let mut present = BTreeSet::new();
        for (device, area) in areas(items) {
            if device != self.device {
                report.devices += 1;
            }
            match decode_area(device, &area) {
                Ok((meta, doc)) => {
                    for (_, _, e) in doc.all() {
                        self.clock.observe(e.stamp, now_ms);
                        let other = e.stamp.device != self.device;
                        if other && e.stamp.wall > bound && behind.is_none_or(|(_, ms)| e.stamp.wall - bound > ms) {
                            behind = Some((e.stamp.device, e.stamp.wall - bound));
                        }
                        let r = self.received.entry(e.stamp.device).or_default();
                        if e.stamp > *r {
                            *r = e.stamp;
                        }
                    }
                    // An entry of this device's read from any area (an heir's
                    // copy included) was published: a restored older copy
                    // must not take it for an edit of its own never sent.
                    if let Some(mine) = doc.all().map(|(_, _, e)| e.stamp).filter(|s| s.device == self.device).max() {
                        self.published = self.published.max(mine);
                    }
                    if device != self.device {
                        let seen = meta
                            .seen
                            .iter()
                            .filter_map(|(d, h)| u32::from_str_radix(d, 16).ok().map(|d| (d, *h)))
                            .collect();
                        self.peers.insert(device, (seen, meta.active));
                    }
                    docs.push(doc);
                    present.insert(device);
                }
                Err(problem) => report.problems.push(problem),
            }
        }
        self.clock_behind = behind;
        if self.returning(now_ms) {
            // Back from a long silence: what the areas hold now, plus this
            // device's edits it never published.
            let mut fresh = Doc::default();
            for d in &docs {
                fresh.merge(d);
            }
            // Kept too: its own entries too recent for a removal of them to
            // have been forgotten anywhere yet (a removal is stamped after
            // what it removes, and forgotten only past the horizon), though
            // no area holds them now (another device, its copy of the store
            // a moment behind, took this one for silent and removed its keys).
            let recent = now_ms.saturating_sub(DEAD_AFTER_MS - RETURN_MARGIN_MS);
            for (c, k, e) in self.doc.all() {
                if e.stamp.device == self.device && (e.stamp > self.published || e.stamp.wall > recent) {
                    fresh.put(c, k, e.clone());
                }
            }
            report.changed |= fresh != self.doc;
            self.doc = fresh;
            report.rebuilt = true;
        } else {
            for d in &docs {
                report.changed |= self.doc.merge(d);
            }
        }
        self.caught_up = self.caught_up.max(now_ms);
        let live = self.live(now_ms);
        if self.heir(&live) {
            let silent: BTreeMap<u32, u64> =
                self.peers.iter().filter(|(d, _)| !live.contains(d)).map(|(d, (_, active))| (*d, *active)).collect();
            self.adopting.retain(|d, (_, active)| silent.get(d) == Some(active));
            for (d, active) in silent {
                self.adopting.entry(d).or_insert((now_ms, active));
            }
        } else {
            self.adopting.clear();
        }
        report.changed |= self.compact(now_ms, &present) > 0;
        report
    }

    /// Drops a tombstone once every live device that has written to sync
    /// storage says (in its meta) that it received it. Each such device has
    /// then dropped the entries the tombstone superseded from its own area,
    /// so no removed item can come back from storage after the tombstone is
    /// gone.
    ///
    /// A device that has never written to sync storage is not known yet, and
    /// it may hold an older edit of a removed item that it publishes later;
    /// had the tombstone been dropped meanwhile, devices reading that edit
    /// would bring the item back while the device itself, having read the
    /// tombstone, drops it. So a tombstone is also kept until it is older
    /// than [`DEAD_AFTER_MS`]: a device silent that long is adopted anyway.
    ///
    /// A silent device's area still in storage counts as live here: it may
    /// hold an entry the tombstone superseded, until its heir removes it.
    ///
    /// And all that must have held for [`ADOPT_GRACE_MS`] on this device's
    /// reads, so every browser has each device's area as it was written
    /// after receiving the tombstone.
    fn compact(&mut self, now_ms: u64, present: &BTreeSet<u32>) -> usize {
        let alive = self.live(now_ms);
        let live: Vec<&BTreeMap<u32, Hlc>> = self
            .peers
            .iter()
            .filter(|(d, _)| alive.contains(d) || present.contains(d))
            .map(|(_, (seen, _))| seen)
            .chain(std::iter::once(&self.received))
            .collect();
        if live.len() < 2 {
            // Alone, a device cannot know who else has yet to hear of a removal.
            return 0;
        }
        // A tombstone every device has received is dropped only once that
        // has been so for [`ADOPT_GRACE_MS`] (on this device's reads): a
        // browser whose copy of the store is a moment behind may still
        // hold an area from before its device received the removal, and
        // must see that area's next version before the tombstone goes.
        let ready: BTreeSet<(String, String, Hlc)> = self
            .doc
            .all()
            .filter(|(_, _, e)| {
                e.value.is_none()
                    && now_ms.saturating_sub(e.stamp.wall) > DEAD_AFTER_MS
                    && live.iter().all(|v| v.get(&e.stamp.device).is_some_and(|s| *s >= e.stamp))
            })
            .map(|(c, k, e)| (c.to_string(), k.to_string(), e.stamp))
            .collect();
        // Remembered a while after it is dropped, so a copy read back from
        // an area not yet rewritten is dropped again at once.
        let doc = &self.doc;
        self.settling.retain(|t, since| {
            let held = doc.entry(&t.0, &t.1).is_some_and(|e| e.stamp == t.2);
            if held {
                ready.contains(t)
            } else {
                now_ms.saturating_sub(*since) <= 3 * ADOPT_GRACE_MS
            }
        });
        for t in &ready {
            self.settling.entry(t.clone()).or_insert(now_ms);
        }
        let settling = &self.settling;
        self.doc.retain(|c, k, e| {
            e.value.is_some()
                || settling
                    .get(&(c.to_string(), k.to_string(), e.stamp))
                    .is_none_or(|since| now_ms.saturating_sub(*since) <= ADOPT_GRACE_MS)
        })
    }

    /// The writes that make this device's area hold what it should, given
    /// the items there now: its own current entries and, as heir, those of
    /// devices not live. Only its keys, and as heir the silent devices'
    /// keys, are touched.
    pub fn plan_write(&self, current: &BTreeMap<String, Value>, now_ms: u64) -> Result<WritePlan, WriteError> {
        if self.returning(now_ms) {
            return Err(WriteError::NotCaughtUp);
        }
        let live = self.live(now_ms);
        let heir = self.heir(&live);
        // What the areas hold now: a copy this device keeps of another
        // device's entry is dropped only once another area holds it (two
        // devices may disagree for a while on who is live, near the horizon).
        let mut held_here = BTreeSet::new();
        let mut held_elsewhere = BTreeSet::new();
        for (device, area) in areas(current) {
            if let Ok((_, doc)) = decode_area(device, &area) {
                let into = if device == self.device { &mut held_here } else { &mut held_elsewhere };
                into.extend(doc.all().map(|(c, k, e)| (c.to_string(), k.to_string(), e.stamp)));
            }
        }
        let owns = |c: &str, k: &str, stamp: Hlc| {
            stamp.device == self.device
                || (heir && !live.contains(&stamp.device))
                || (held_here.contains(&(c.to_string(), k.to_string(), stamp))
                    && !held_elsewhere.contains(&(c.to_string(), k.to_string(), stamp)))
        };
        let own: Vec<(&str, &str, &Entry)> = self.doc.all().filter(|(c, k, e)| owns(c, k, e.stamp)).collect();
        let error = match self.attempt(&own, current, now_ms, heir, &live) {
            Ok(plan) => return Ok(plan),
            Err(e @ (WriteError::TooLarge { .. } | WriteError::TooManyItems { .. })) => e,
            Err(e) => return Err(e),
        };
        // Over Chrome's limits: what fits still syncs, in order of
        // [`priority`] (settings and filters first), oldest first within a
        // collection; the rest stays on this device and is named.
        let mut ranked = own;
        ranked.sort_by_key(|a| (priority(a.0), a.2.stamp));
        if self.attempt(&[], current, now_ms, heir, &live).is_err() {
            return Err(error);
        }
        let (mut lo, mut hi) = (0, ranked.len());
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if self.attempt(&ranked[..mid], current, now_ms, heir, &live).is_ok() {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let mut plan = self.attempt(&ranked[..lo], current, now_ms, heir, &live)?;
        // Not everything is written: what was published does not move.
        plan.published = self.published;
        for (c, _, e) in &ranked[lo..] {
            if e.value.is_some() {
                *plan.left_out.entry(c.to_string()).or_default() += 1;
            }
        }
        Ok(plan)
    }

    /// The plan that writes `own` as this device's area, or why it cannot.
    fn attempt(
        &self,
        own: &[(&str, &str, &Entry)],
        current: &BTreeMap<String, Value>,
        now_ms: u64,
        heir: bool,
        live: &BTreeSet<u32>,
    ) -> Result<WritePlan, WriteError> {
        let mine = prefix(self.device);
        let buckets = codec::encode_buckets(own, self.device);
        let previous_active = current
            .get(&format!("{mine}m"))
            .and_then(|m| serde_json::from_value::<Meta>(m.clone()).ok())
            .map(|m| m.active)
            .unwrap_or(0);
        // Refresh "last active" at most daily, so an unchanged area is not rewritten.
        let active = if now_ms.saturating_sub(previous_active) > ACTIVE_REFRESH_MS { now_ms } else { previous_active };
        let seen = self.received.iter().map(|(d, h)| (format!("{d:x}"), *h)).collect();
        // Every edit of this device so far is in the plan or superseded.
        let published = self.received.get(&self.device).copied().unwrap_or_default();
        let meta = Meta { v: AREA_FORMAT, n: buckets.len(), seen, active };
        let mut desired: BTreeMap<String, Value> =
            buckets.into_iter().enumerate().map(|(i, b)| (format!("{mine}{i}"), Value::String(b))).collect();
        desired.insert(format!("{mine}m"), serde_json::to_value(&meta).unwrap_or(Value::Null));
        let mut plan = WritePlan { active, published, ..WritePlan::default() };
        for (k, v) in &desired {
            let size = item_size(k, v);
            if size > QUOTA_BYTES_PER_ITEM {
                return Err(WriteError::TooLarge { needed: size, limit: QUOTA_BYTES_PER_ITEM });
            }
            plan.bytes += size;
            if current.get(k) != Some(v) {
                plan.set.push((k.clone(), v.clone()));
            }
        }
        let adopted: Vec<String> = if heir {
            self.peers
                .iter()
                .filter(|(d, _)| {
                    !live.contains(d)
                        && self.adopting.get(d).is_some_and(|(since, _)| now_ms.saturating_sub(*since) > ADOPT_GRACE_MS)
                })
                .map(|(d, _)| prefix(*d))
                .collect()
        } else {
            Vec::new()
        };
        for k in current.keys() {
            let ours = k.starts_with(&mine) && !desired.contains_key(k);
            let orphan = adopted.iter().any(|p| k.starts_with(p.as_str()));
            if ours || orphan {
                plan.remove.push(k.clone());
            }
        }
        let others: usize = current
            .iter()
            .filter(|(k, _)| !k.starts_with(&mine) && !plan.remove.contains(k))
            .map(|(k, v)| item_size(k, v))
            .sum();
        let other_items = current.keys().filter(|k| !k.starts_with(&mine) && !plan.remove.contains(k)).count();
        plan.total = others + plan.bytes;
        if others + plan.bytes > QUOTA_BYTES {
            return Err(WriteError::TooLarge { needed: others + plan.bytes, limit: QUOTA_BYTES });
        }
        if other_items + desired.len() > MAX_ITEMS {
            return Err(WriteError::TooManyItems { needed: other_items + desired.len(), limit: MAX_ITEMS });
        }
        Ok(plan)
    }

    /// The bytes, as Chrome counts them, that every entry this replica holds
    /// takes written as one device's buckets (the meta aside): what a
    /// device alone would need.
    pub fn area_bytes(&self) -> usize {
        let all: Vec<(&str, &str, &Entry)> = self.doc.all().collect();
        let mine = prefix(self.device);
        codec::encode_buckets(&all, self.device)
            .into_iter()
            .enumerate()
            .map(|(i, b)| item_size(&format!("{mine}{i}"), &Value::String(b)))
            .sum()
    }

    /// Whether this device holds edits of its own stamped after what its
    /// area is known to hold.
    pub fn has_unpublished(&self) -> bool {
        self.received.get(&self.device).is_some_and(|mine| *mine > self.published)
    }

    /// Records that `plan` was written: this device's area now says it was
    /// active then and holds its own entries up to `plan.published`.
    pub fn wrote(&mut self, plan: &WritePlan) {
        self.caught_up = self.caught_up.max(plan.active);
        self.published = self.published.max(plan.published);
    }

    /// The whole replica, for `chrome.storage.local`.
    pub fn to_local(&self) -> Value {
        serde_json::json!({ "v": FORMAT_VERSION, "replica": self })
    }

    /// The replica for `chrome.storage.local` in parts, each JSON text: the
    /// replica without its document, and the document in [`LOCAL_SHARDS`]
    /// shards by a hash of each entry's key. A caller that keeps what it
    /// wrote last rewrites, per edit, the meta and the shards that changed,
    /// not the whole state.
    pub fn to_local_parts(&self) -> (String, Vec<String>) {
        let meta = Replica {
            device: self.device,
            clock: self.clock.clone(),
            doc: Doc::default(),
            received: self.received.clone(),
            peers: self.peers.clone(),
            published: self.published,
            caught_up: self.caught_up,
            clock_behind: self.clock_behind,
            adopting: self.adopting.clone(),
            settling: self.settling.clone(),
        };
        let mut shards: Vec<BTreeMap<&str, BTreeMap<&str, &Entry>>> = vec![BTreeMap::new(); LOCAL_SHARDS];
        for (c, k, e) in self.doc.all() {
            shards[local_shard(c, k)].entry(c).or_default().insert(k, e);
        }
        // Plain data with string keys: serializing cannot fail.
        let meta = serde_json::to_string(&meta).unwrap_or_default();
        (meta, shards.iter().map(|s| serde_json::to_string(s).unwrap_or_default()).collect())
    }

    /// The replica from [`Replica::to_local_parts`]' texts.
    pub fn from_local_parts(meta: &str, shards: &[String]) -> Result<Replica, String> {
        let mut r: Replica = serde_json::from_str(meta).map_err(|e| format!("the saved state is unreadable: {e}"))?;
        for (i, shard) in shards.iter().enumerate() {
            let part: BTreeMap<String, BTreeMap<String, Entry>> =
                serde_json::from_str(shard).map_err(|e| format!("part {i} of the saved state is unreadable: {e}"))?;
            for (c, entries) in part {
                r.doc.collections.entry(c).or_default().extend(entries);
            }
        }
        Ok(r)
    }

    pub fn from_local(v: &Value) -> Result<Replica, String> {
        let version = v.get("v").and_then(Value::as_u64).unwrap_or(0);
        let v = migrate(version, v.clone())?;
        serde_json::from_value(v["replica"].clone()).map_err(|e| format!("the saved state is unreadable: {e}"))
    }
}

/// Migrations of the locally saved replica, oldest first: each step takes
/// version `n` to `n + 1`.
type Migration = fn(Value) -> Result<Value, String>;

const MIGRATIONS: &[Migration] = &[
    // 0 → 1: version 0 stored the replica without the envelope.
    |v| Ok(serde_json::json!({ "v": 1, "replica": v })),
];

fn migrate(mut version: u64, mut v: Value) -> Result<Value, String> {
    if version > u64::from(FORMAT_VERSION) {
        return Err(format!("the saved state is from a newer version ({version}) of Hacker New"));
    }
    while version < u64::from(FORMAT_VERSION) {
        let step = MIGRATIONS.get(version as usize).ok_or("no migration")?;
        v = step(v)?;
        version += 1;
    }
    Ok(v)
}

/// How many parts the document is saved in on this device.
pub const LOCAL_SHARDS: usize = 32;

fn local_shard(collection: &str, key: &str) -> usize {
    (fnv1a(collection.bytes().chain([0]).chain(key.bytes())) % LOCAL_SHARDS as u64) as usize
}

/// FNV-1a (64 bits) of `bytes`: stable across versions and platforms.
pub fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    bytes.into_iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn prefix(device: u32) -> String {
    format!("{KEY_PREFIX}{device:x}.")
}

/// The size Chrome counts for an item: key length plus its JSON as Chrome
/// writes it. Chrome keeps an integer outside the 32-bit range as a double
/// and writes it as one: `3000000000.0`, and from 10^12 in exponent form
/// (`1.796421206854e+12`), measured in Chromium 156 with `getBytesInUse`.
pub fn item_size(key: &str, value: &Value) -> usize {
    fn number(n: &serde_json::Number) -> usize {
        let text = n.to_string();
        let Some(i) = n.as_i64().or_else(|| n.as_u64().map(|u| u as i64)) else { return text.len() };
        if i32::try_from(i).is_ok() {
            return text.len();
        }
        let digits = i.unsigned_abs().to_string();
        let sign = usize::from(i < 0);
        if i.unsigned_abs() < 1_000_000_000_000 {
            return sign + digits.len() + 2;
        }
        let significant = digits.trim_end_matches('0').len();
        let exponent = (digits.len() - 1).to_string().len();
        sign + significant + usize::from(significant > 1) + 2 + exponent
    }
    fn len(v: &Value) -> usize {
        match v {
            Value::Number(n) => number(n),
            Value::Array(a) => 2 + a.iter().map(len).sum::<usize>() + a.len().saturating_sub(1),
            Value::Object(o) => {
                2 + o.iter().map(|(k, v)| Value::String(k.clone()).to_string().len() + 1 + len(v)).sum::<usize>()
                    + o.len().saturating_sub(1)
            }
            other => other.to_string().len(),
        }
    }
    key.len() + len(value)
}

/// Items grouped by device.
fn areas(items: &BTreeMap<String, Value>) -> BTreeMap<u32, BTreeMap<String, Value>> {
    let mut out: BTreeMap<u32, BTreeMap<String, Value>> = BTreeMap::new();
    for (k, v) in items {
        let Some(rest) = k.strip_prefix(KEY_PREFIX) else { continue };
        let Some((device, part)) = rest.split_once('.') else { continue };
        let Ok(device) = u32::from_str_radix(device, 16) else { continue };
        out.entry(device).or_default().insert(part.to_string(), v.clone());
    }
    out
}

fn decode_area(device: u32, area: &BTreeMap<String, Value>) -> Result<(Meta, Doc), String> {
    let meta = area.get("m").ok_or_else(|| format!("device {device:x}: no meta yet (a write in flight)"))?;
    let version = meta.get("v").and_then(Value::as_u64).unwrap_or(0);
    if !(1..=u64::from(AREA_FORMAT)).contains(&version) {
        return Err(format!(
            "device {device:x} writes format {version}, which this version cannot read; its items are set aside"
        ));
    }
    let meta: Meta =
        serde_json::from_value(meta.clone()).map_err(|e| format!("device {device:x}: damaged meta ({e})"))?;
    let mut doc = Doc::default();
    for i in 0..meta.n {
        let bucket = area
            .get(&i.to_string())
            .and_then(Value::as_str)
            .ok_or_else(|| format!("device {device:x}: bucket {i} missing (a write in flight)"))?;
        for (c, k, e) in codec::decode_bucket(bucket, device, version)
            .map_err(|e| format!("device {device:x}: bucket {i} damaged ({e})"))?
        {
            doc.put(&c, &k, e);
        }
    }
    Ok((meta, doc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn items(plans: &[&WritePlan]) -> BTreeMap<String, Value> {
        let mut store = BTreeMap::new();
        for p in plans {
            for (k, v) in &p.set {
                store.insert(k.clone(), v.clone());
            }
            for k in &p.remove {
                store.remove(k);
            }
        }
        store
    }

    #[test]
    fn the_later_action_wins() {
        let mut a = Replica::new(1);
        let mut b = Replica::new(2);
        a.set(1000, "follows", "hn:bob", json!({}));
        b.set(1000, "follows", "hn:bob", json!({}));
        b.remove(2000, "follows", "hn:bob");
        let store =
            items(&[&a.plan_write(&BTreeMap::new(), 3000).unwrap(), &b.plan_write(&BTreeMap::new(), 3000).unwrap()]);
        a.merge_items(&store, 3000);
        b.merge_items(&store, 3000);
        assert_eq!(a.doc().get("follows", "hn:bob"), None);
        assert_eq!(a.doc().entries("follows").count(), b.doc().entries("follows").count());
    }

    #[test]
    fn a_fast_clock_cannot_win_forever() {
        let mut c = Clock::new(1);
        c.observe(Hlc { wall: u64::MAX / 2, count: 0, device: 9 }, 1_000);
        let next = c.tick(2_000);
        assert_eq!(next.wall, 1_000 + MAX_DRIFT_MS);
        let mut honest = Clock::new(2);
        let later = honest.tick(1_000 + MAX_DRIFT_MS + 10);
        assert!(later > next, "a correct clock soon overtakes");
    }

    fn exchange(replicas: &mut [Replica], store: &mut BTreeMap<String, Value>, now: u64) {
        for _ in 0..3 {
            for r in replicas.iter_mut() {
                if let Ok(p) = r.plan_write(store, now) {
                    for (k, v) in p.set {
                        store.insert(k, v);
                    }
                    for k in p.remove {
                        store.remove(&k);
                    }
                }
                let snapshot = store.clone();
                r.merge_items(&snapshot, now);
            }
        }
    }

    #[test]
    fn removed_stays_removed_after_compaction() {
        let mut rs = vec![Replica::new(1), Replica::new(2), Replica::new(3)];
        let mut store = BTreeMap::new();
        rs[0].set(1_000, "follows", "hn:x", json!({}));
        exchange(&mut rs, &mut store, 2_000);
        rs[1].remove(3_000, "follows", "hn:x");
        exchange(&mut rs, &mut store, 4_000);
        // Everyone has heard of the removal, but the tombstone is young: kept.
        for r in &rs {
            assert_eq!(r.doc().all().count(), 1, "kept on {}", r.device());
        }
        // Every device active since, and the tombstone older than the
        // horizon: kept a week more (every browser's copy of the store
        // catches up meanwhile), then gone.
        exchange(&mut rs, &mut store, 3_000 + DEAD_AFTER_MS / 2);
        let ripe = 3_000 + DEAD_AFTER_MS + 1;
        exchange(&mut rs, &mut store, ripe);
        assert!(rs.iter().all(|r| r.doc().all().count() == 1), "kept while every copy catches up");
        exchange(&mut rs, &mut store, ripe + ADOPT_GRACE_MS / 2);
        let later = ripe + ADOPT_GRACE_MS + 1;
        exchange(&mut rs, &mut store, later);
        for r in &rs {
            assert_eq!(r.doc().all().count(), 0, "compacted on {}", r.device());
        }
        // A fourth device that joins later sees nothing to bring back.
        let mut late = Replica::new(4);
        late.merge_items(&store, later + 1_000);
        assert_eq!(late.doc().get("follows", "hn:x"), None);
        exchange(&mut rs, &mut store, later + 2_000);
        assert!(rs.iter().all(|r| r.doc().get("follows", "hn:x").is_none()));
    }

    #[test]
    fn each_device_writes_only_its_keys_and_unchanged_areas_are_not_rewritten() {
        let mut a = Replica::new(0xa);
        a.set(1, "follows", "hn:x", json!({}));
        let plan = a.plan_write(&BTreeMap::new(), 10).unwrap();
        assert!(plan.set.iter().all(|(k, _)| k.starts_with("s1.a.")));
        let store = items(&[&plan]);
        assert!(a.plan_write(&store, 20).unwrap().is_empty());
    }

    #[test]
    fn unknown_formats_and_damage_are_reported_not_fatal() {
        let mut a = Replica::new(1);
        a.set(1, "follows", "hn:x", json!({}));
        let mut store = BTreeMap::new();
        store.insert("s1.2.m".to_string(), json!({"v": 99, "n": 1}));
        store.insert("s1.3.m".to_string(), json!({"v": 1, "n": 1, "seen": {}, "active": 1}));
        store.insert("s1.3.0".to_string(), json!("not base64 at all!"));
        store.insert("unrelated".to_string(), json!(1));
        let report = a.merge_items(&store, 10);
        assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
        assert_eq!(a.doc().get("follows", "hn:x"), Some(&json!({})), "local data is untouched");
    }

    #[test]
    fn over_quota_what_fits_syncs_first_and_the_state_stays() {
        let mut a = Replica::new(1);
        // Incompressible values past 100 KB.
        let mut x: u64 = 1;
        for i in 0..3000 {
            let noise: String = (0..60)
                .map(|_| {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    char::from(b'a' + ((x >> 33) % 26) as u8)
                })
                .collect();
            a.set(i, "notes", &format!("hn:{i}"), json!(noise));
        }
        a.set(6000, "settings", "reading", json!({"font": 130}));
        a.set(6001, "filters", "k:x", json!({"pattern": "x"}));
        let plan = a.plan_write(&BTreeMap::new(), 7000).unwrap();
        assert!(plan.bytes <= QUOTA_BYTES, "{}", plan.bytes);
        let left = plan.left_out["notes"];
        assert!(left > 100 && left < 3000, "{left} notes left out");
        assert!(plan.left_out_words().unwrap().contains(&format!("{left} notes")));
        assert_eq!(plan.published, Hlc::default(), "what was left out is not taken as published");
        // Another device gets the settings, the filter and the notes that fit.
        let mut b = Replica::new(2);
        b.merge_items(&items(&[&plan]), 7000);
        assert_eq!(b.doc().get("settings", "reading"), Some(&json!({"font": 130})));
        assert!(b.doc().get("filters", "k:x").is_some());
        assert_eq!(b.doc().len("notes"), 3000 - left, "the oldest notes that fit");
        assert_eq!(a.doc().len("notes"), 3000);
        let back = Replica::from_local(&a.to_local()).unwrap();
        assert_eq!(&back, &a);
    }

    #[test]
    fn the_local_copy_saves_in_parts_and_an_edit_changes_one() {
        let mut a = Replica::new(3);
        for i in 0..500 {
            a.set(1_000 + i, "follows", &format!("hn:user{i}"), json!({ "since": 1_000 + i }));
        }
        a.remove(2_000, "follows", "hn:user7");
        let (meta, shards) = a.to_local_parts();
        assert_eq!(shards.len(), LOCAL_SHARDS);
        assert_eq!(Replica::from_local_parts(&meta, &shards).unwrap(), a);
        a.set(3_000, "follows", "hn:newcomer", json!({ "since": 3_000 }));
        let (_, after) = a.to_local_parts();
        let changed = shards.iter().zip(&after).filter(|(x, y)| x != y).count();
        assert_eq!(changed, 1, "one part changed");
        let whole: usize = after.iter().map(String::len).sum();
        assert!(after.iter().all(|s| s.len() * 8 < whole), "no part holds an eighth of the state");
        assert!(Replica::from_local_parts(&meta, &["garbage".to_string()]).is_err());
        assert!(Replica::from_local_parts("{", &[]).is_err());
    }

    #[test]
    fn item_sizes_are_counted_as_chrome_counts_them() {
        // Measured in Chromium 156: getBytesInUse of each item.
        assert_eq!(item_size("zzb", &json!(1796421206854u64)), 21);
        assert_eq!(item_size("zzd", &json!(3000000000u64)), 15);
        assert_eq!(item_size("zzj", &json!(-3000000000i64)), 16);
        assert_eq!(item_size("zzh", &json!(2147483647)), 13);
        assert_eq!(item_size("zzk", &json!({"wall": 1796421206854u64, "count": 0})), 40);
        assert_eq!(
            item_size(
                "zza",
                &json!({"active": 1796421206854u64, "n": 3, "seen": {"1e2a": {"count": 0, "device": 505880850, "wall": 1796421206854u64}}, "v": 2})
            ),
            117
        );
        assert_eq!(item_size("zze", &json!("abc/+=")), 11);
        assert_eq!(item_size("zzf", &json!({"x": [1, 2]})), 14);
    }

    #[test]
    fn local_state_migrates_from_version_zero() {
        let a = Replica::new(5);
        let v0 = serde_json::to_value(&a).unwrap();
        assert_eq!(Replica::from_local(&v0).unwrap(), a);
        assert!(Replica::from_local(&json!({"v": 99})).is_err());
    }

    #[test]
    fn silent_devices_are_adopted_and_their_keys_removed() {
        let mut dead = Replica::new(0xd);
        dead.set(1_000, "follows", "hn:old", json!({}));
        let store = items(&[&dead.plan_write(&BTreeMap::new(), 1_000).unwrap()]);
        let mut a = Replica::new(0xa);
        let mut b = Replica::new(0xb);
        // Past the horizon the heir copies; it removes the keys once it has
        // kept the copy a week.
        let first = 1_000 + DEAD_AFTER_MS + 1;
        a.merge_items(&store, first);
        let copied = a.plan_write(&store, first).unwrap();
        assert!(copied.remove.is_empty(), "{:?}", copied.remove);
        let store = items(&[&dead.plan_write(&BTreeMap::new(), 1_000).unwrap(), &copied]);
        let mut fresh = Replica::new(0xe);
        fresh.merge_items(
            &store.iter().filter(|(k, _)| k.starts_with("s1.a.")).map(|(k, v)| (k.clone(), v.clone())).collect(),
            first,
        );
        assert_eq!(fresh.doc().get("follows", "hn:old"), Some(&json!({})), "the heir's copy is written first");
        let now = first + ADOPT_GRACE_MS + 1;
        b.merge_items(&store, now);
        a.merge_items(&store, now);
        let pa = a.plan_write(&store, now).unwrap();
        assert!(pa.remove.iter().any(|k| k.starts_with("s1.d.")), "the heir (smallest id) takes over");
        let store = items(&[&dead.plan_write(&BTreeMap::new(), 1_000).unwrap(), &copied, &pa]);
        assert!(store.keys().all(|k| !k.starts_with("s1.d.")));
        b.merge_items(&store, now);
        let pb = b.plan_write(&store, now).unwrap();
        let after = items(&[&dead.plan_write(&BTreeMap::new(), 1_000).unwrap(), &copied, &pa, &pb]);
        let held_by = |device: u32| {
            let area = areas(&after).remove(&device).unwrap_or_default();
            decode_area(device, &area).map(|(_, d)| d.get("follows", "hn:old").is_some()).unwrap_or(false)
        };
        assert!(held_by(0xa), "the heir holds the silent device's entries");
        assert!(!held_by(0xb), "one copy only");
        let mut c = Replica::new(0xc);
        c.merge_items(&after, now);
        assert_eq!(c.doc().get("follows", "hn:old"), Some(&json!({})), "nothing was lost");
    }
}
