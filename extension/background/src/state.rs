//! The user's state: the sync crate's replica, kept in
//! `chrome.storage.local` (where nothing is ever lost to a quota) in parts,
//! of which an edit rewrites those it changed, pushed to
//! `chrome.storage.sync` in this device's own keys, merged from every other
//! device's keys when they change.
//!
//! While the worker lives, the replica is held in memory and edited
//! synchronously (no await between reading and changing it), so concurrent
//! messages cannot lose each other's edits; every change is saved at once.

use std::cell::RefCell;
use std::collections::BTreeMap;

use hn_core::filters::FilterRule;
use hn_core::settings::Settings;
use hn_core::state::{self as keys, UserRecord, UserState};
use hn_sync::Replica;
use js_sys::{Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// The replica on this device: `{v: 2, meta}` (the replica but its
/// document, as JSON text), its document in [`hn_sync::LOCAL_SHARDS`] parts
/// under `replica.<n>` (JSON text each). Version 1 kept it whole under this
/// key, as an object; it is read, and replaced at the next save.
const LOCAL_KEY: &str = "replica";

fn part_key(i: usize) -> String {
    format!("{LOCAL_KEY}.{i}")
}

/// A part's text, hashed, to know which changed since written.
fn text_hash(text: &str) -> u64 {
    hn_sync::fnv1a(text.bytes())
}
const STATUS_KEY: &str = "sync_status";
pub const RETRY_ALARM: &str = "sync-retry";
/// Saving the state on this device again, after `storage.local` refused it.
pub const LOCAL_RETRY_ALARM: &str = "local-retry";
/// Twice a day an idle browser reads the synced state and refreshes its
/// "last active" (daily at most), so the others do not take it for gone.
pub const HEARTBEAT_ALARM: &str = "sync-heartbeat";

/// Chrome refuses more than 120 sync write operations a minute and 1,800
/// an hour: writes are spent from a bucket of [`WRITE_BURST`] refilled one
/// per [`WRITE_REFILL_MS`] (at most 48 the first minute, 1,734 an hour);
/// a write with none left waits for its turn, and everything edited
/// meanwhile goes in it.
const WRITE_BURST: f64 = 20.0;
const WRITE_REFILL_MS: f64 = 2_100.0;

thread_local! {
    /// The hash of each part as last written (or read): empty when none is
    /// known, and every part is written.
    static SAVED_PARTS: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    static WRITES: crate::bucket::Bucket = const { crate::bucket::Bucket::new(WRITE_BURST, WRITE_REFILL_MS) };
    /// A push is waiting for its turn.
    static PUSH_WAITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Pushes after `ms` (once, however many ask meanwhile).
fn push_later(ms: f64) {
    if PUSH_WAITING.with(|w| w.replace(true)) {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        crate::pages::sleep(ms).await;
        PUSH_WAITING.with(|w| w.set(false));
        push().await;
    });
}

/// Schedules [`HEARTBEAT_ALARM`].
pub fn schedule_heartbeat() {
    hn_ext::alarm(HEARTBEAT_ALARM, hn_ext::When::Every(12.0 * 60.0));
}

thread_local! {
    static REPLICA: RefCell<Option<Replica>> = const { RefCell::new(None) };
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
    /// Pushes started, and the newest one whose result was recorded.
    static PUSHES: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static RECORDED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static MERGE_RECORDED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static STATUS: RefCell<Option<SyncStatus>> = const { RefCell::new(None) };
    static LOOK_SAVED: RefCell<Option<hn_core::settings::Look>> = const { RefCell::new(None) };
    static PAGE_STATE_SAVED: RefCell<Option<serde_json::Value>> = const { RefCell::new(None) };
    /// Why this device's storage refused the last save, until one succeeds
    /// (kept here: that storage is where it could not be written).
    static LOCAL_PROBLEM: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// What the popup shows about syncing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SyncStatus {
    pub last_push: Option<f64>,
    pub last_merge: Option<f64>,
    pub bytes: usize,
    pub devices: usize,
    /// A refused write, in words; cleared on success.
    pub problem: Option<String>,
    /// What the last read of the synced state set aside (an unknown
    /// format, a damaged item) or noticed (a clock far behind another
    /// device's), in words: replaced by each read, so it stays shown until
    /// its cause is gone.
    #[serde(default)]
    pub merge_problem: Option<String>,
}

impl SyncStatus {
    /// Everything wrong with syncing, in words.
    pub fn problems(&self) -> Option<String> {
        let all: Vec<&str> = self.problem.iter().chain(&self.merge_problem).map(String::as_str).collect();
        (!all.is_empty()).then(|| all.join("; "))
    }
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// Makes sure the replica is in memory, loading it once.
async fn ensure_loaded() {
    if REPLICA.with(|r| r.borrow().is_some()) {
        return;
    }
    let promise = LOADING.with(|l| {
        l.borrow_mut()
            .get_or_insert_with(|| {
                future_to_promise(async {
                    let loaded = load().await;
                    // What this device published may be newer than its
                    // local copy (a refused local save, a restored backup):
                    // read the synced state before answering anything.
                    let mut loaded = loaded;
                    match sync_items().await {
                        Ok(items) => {
                            let report = loaded.merge_items(&items, now());
                            if report.changed || report.rebuilt {
                                crate::log("the synced state had changes this device had not saved; merged");
                            }
                            // Tags and notes an earlier version wrote inside
                            // follows get entries of their own.
                            if lift_all_legacy(&mut loaded, now()) {
                                crate::log("tags and notes moved to entries of their own");
                            }
                            // Edits the last worker kept but never sent
                            // (stopped while a write waited its turn).
                            if loaded.has_unpublished() {
                                push_later(0.0);
                            }
                        }
                        Err(e) => crate::log(&format!("reading synced state failed: {e}")),
                    }
                    REPLICA.with(|r| {
                        let mut r = r.borrow_mut();
                        if r.is_none() {
                            *r = Some(loaded);
                        }
                    });
                    Ok(JsValue::UNDEFINED)
                })
            })
            .clone()
    });
    let _ = JsFuture::from(promise).await;
}

async fn load() -> Replica {
    let mut device = None;
    match hn_ext::get(hn_ext::Area::Local, LOCAL_KEY).await {
        Ok(Some(v)) => {
            let (read, kept) = read_saved(&v).await;
            match read {
                Ok(r) => return r,
                Err(e) => crate::log(&format!("the saved state is unreadable ({e}); it is kept aside")),
            }
            // The device keeps its id when the damage spared it, so it goes
            // on writing its own area.
            let json = serde_wasm_bindgen::from_value::<serde_json::Value>(v).ok();
            let meta = json
                .as_ref()
                .and_then(|j| j.get("meta"))
                .and_then(serde_json::Value::as_str)
                .and_then(|m| serde_json::from_str::<serde_json::Value>(m).ok());
            device = meta
                .as_ref()
                .and_then(|m| m.get("device"))
                .or_else(|| json.as_ref().and_then(|j| j.pointer("/replica/device").or_else(|| j.get("device"))))
                .and_then(serde_json::Value::as_u64)
                .and_then(|d| u32::try_from(d).ok())
                .filter(|d| *d > 0);
            keep_aside(&kept).await;
        }
        Ok(None) => {}
        Err(e) => crate::log(&format!("reading the saved state failed: {e}")),
    }
    let device = device.unwrap_or_else(|| ((js_sys::Math::random() * f64::from(u32::MAX)) as u32).max(1));
    Replica::new(device)
}

/// The replica saved under [`LOCAL_KEY`] (`saved`, its value), and what to
/// keep aside should it be unreadable (the value, and its parts).
async fn read_saved(saved: &JsValue) -> (Result<Replica, String>, JsValue) {
    let json = match serde_wasm_bindgen::from_value::<serde_json::Value>(saved.clone()) {
        Ok(j) => j,
        Err(e) => return (Err(e.to_string()), saved.clone()),
    };
    let Some(meta) = json.get("meta").and_then(serde_json::Value::as_str) else {
        // Version 1: the whole replica under one key.
        SAVED_PARTS.with(|p| p.borrow_mut().clear());
        return (Replica::from_local(&json), saved.clone());
    };
    let keys: Vec<String> = (0..hn_sync::LOCAL_SHARDS).map(part_key).collect();
    let parts = match hn_ext::get_keys(hn_ext::Area::Local, &keys).await {
        Ok(p) => p,
        Err(e) => return (Err(e), saved.clone()),
    };
    let kept = parts.clone();
    let _ = Reflect::set(&kept, &LOCAL_KEY.into(), saved);
    let texts: Result<Vec<String>, String> = keys
        .iter()
        .map(|k| {
            Reflect::get(&parts, &k.into()).ok().and_then(|v| v.as_string()).ok_or_else(|| format!("{k} is missing"))
        })
        .collect();
    let read = texts.and_then(|texts| {
        let r = Replica::from_local_parts(meta, &texts)?;
        SAVED_PARTS.with(|p| *p.borrow_mut() = texts.iter().map(|t| text_hash(t)).collect());
        Ok(r)
    });
    (read, kept.into())
}

/// Where an unreadable saved state is kept, for export.
pub const DAMAGED_KEY: &str = "replica_damaged";

/// Keeps an unreadable saved state under its own key (the first one kept
/// stays: a later failure is likely the same damage).
async fn keep_aside(value: &JsValue) {
    if let Ok(Some(_)) = hn_ext::get(hn_ext::Area::Local, DAMAGED_KEY).await {
        return;
    }
    let kept = Object::new();
    let _ = Reflect::set(&kept, &"at".into(), &JsValue::from_f64(js_sys::Date::now()));
    let _ = Reflect::set(&kept, &"value".into(), value);
    if let Err(e) = hn_ext::set(hn_ext::Area::Local, DAMAGED_KEY, &kept).await {
        crate::log(&format!("the unreadable state could not be kept aside: {e}"));
    }
}

/// This device's id in the synced state.
pub async fn device() -> u32 {
    ensure_loaded().await;
    with(|r| r.device()).unwrap_or(0)
}

/// Runs `f` on the in-memory replica.
fn with<T>(f: impl FnOnce(&mut Replica) -> T) -> Option<T> {
    REPLICA.with(|r| r.borrow_mut().as_mut().map(f))
}

/// The notification preferences (synced with the settings).
pub async fn notify_prefs() -> hn_core::notify::NotifyPrefs {
    ensure_loaded().await;
    with(|r| r.doc().get(keys::SETTINGS, keys::NOTIFY_PREFS).and_then(|p| serde_json::from_value(p.clone()).ok()))
        .flatten()
        .unwrap_or_default()
}

/// The features' view of the state.
pub async fn user_state() -> UserState {
    ensure_loaded().await;
    with(|r| view(r)).unwrap_or_default()
}

fn view(r: &Replica) -> UserState {
    let doc = r.doc();
    let mut state = UserState::default();
    let users: std::collections::BTreeSet<&str> = doc
        .entries(keys::FOLLOWS)
        .chain(doc.entries(keys::TAGS))
        .chain(doc.entries(keys::NOTES))
        .map(|(k, _)| k)
        .collect();
    for k in users {
        if let Some(rec) = record(r, k) {
            state.follows.insert(k.to_string(), rec);
        }
    }
    for (k, _) in doc.entries(keys::FILTERS) {
        if let Some(rule) = filter_rule(r, k) {
            state.filters.insert(k.to_string(), rule);
        }
    }
    for (k, v) in doc.entries(keys::SHARE) {
        if let Ok(item) = serde_json::from_value(v.clone()) {
            state.share.insert(k.to_string(), item);
        }
    }
    for (k, v) in doc.entries(keys::SHARE_STATUS) {
        if let Ok(status) = serde_json::from_value(v.clone()) {
            state.share_status.insert(k.to_string(), status);
        }
    }
    if let Some(p) = doc.get(keys::SETTINGS, keys::SHARE_PREFS) {
        state.share_prefs = serde_json::from_value(p.clone()).unwrap_or_default();
    }
    state.settings = settings(r);
    state
}

fn settings(r: &Replica) -> Settings {
    r.doc()
        .get(keys::SETTINGS, keys::READING)
        .map(|s| serde_json::from_value::<Settings>(s.clone()).unwrap_or_default().clamped())
        .unwrap_or_default()
}

/// One edit of the user's state.
#[derive(Clone)]
pub enum Edit {
    Follow {
        key: String,
        follow: bool,
    },
    /// The note on a followed user (a user not followed has none).
    Note {
        key: String,
        note: String,
    },
    /// The tag on any user.
    Tag {
        key: String,
        tag: Option<String>,
    },
    SaveFilter(FilterRule),
    /// The rule kept under a key, changed (the key stays).
    ChangeFilter(String, FilterRule),
    RemoveFilter(String),
    Settings(Settings),
    /// Whether a followed user's posts notify (a user not followed has no
    /// such choice).
    Notify {
        key: String,
        notify: bool,
    },
    /// Any value of a collection (the share buffer's items, statuses, prefs).
    Put {
        collection: &'static str,
        key: String,
        value: serde_json::Value,
    },
    Remove {
        collection: &'static str,
        key: String,
    },
}

/// Applies an edit, saves it, pushes it to sync and tells open pages.
pub async fn edit(edit: Edit) -> Result<(), String> {
    edit_many(vec![edit]).await.map(|_| ())
}

/// Applies several edits as one change (one save, one push, one re-render
/// per open page). Returns how many changed anything.
pub async fn edit_many(edits: Vec<Edit>) -> Result<usize, String> {
    apply(edits, true).await
}

/// Edits that pages do not show (reply marks): saved and pushed, without
/// telling open tabs.
pub async fn edit_quietly(edits: Vec<Edit>) -> Result<usize, String> {
    apply(edits, false).await
}

/// The values of one collection of the synced document, for what the
/// features' view leaves out.
pub async fn entries(collection: &str) -> Vec<(String, serde_json::Value)> {
    ensure_loaded().await;
    with(|r| r.doc().entries(collection).map(|(k, v)| (k.to_string(), v.clone())).collect()).unwrap_or_default()
}

async fn apply(edits: Vec<Edit>, tell_tabs: bool) -> Result<usize, String> {
    ensure_loaded().await;
    let t = now();
    let changed =
        with(|r| edits.into_iter().filter(|e| apply_edit(r, t, e.clone())).count()).ok_or("the state is not loaded")?;
    if changed > 0 {
        // A refused save on this device loses nothing: the edit stays in
        // memory, goes to sync (so it survives a restart through the
        // other copy), open pages get it, and saving is tried again.
        let saved = save_local().await;
        push().await;
        if tell_tabs {
            notify_tabs().await;
        }
        note_local(saved).await;
    }
    Ok(changed)
}

/// Records whether this device's last save went through; a refusal is a
/// health line and a retry a minute later, and the copy pages read at load
/// is taken away (a removal always goes through): pages then ask this
/// worker, which has the edit, instead of showing the state before it.
async fn note_local(saved: Result<(), String>) {
    match saved {
        Ok(()) => LOCAL_PROBLEM.with(|p| *p.borrow_mut() = None),
        Err(e) => {
            crate::log(&format!("this device's storage refused the state: {e}"));
            LOCAL_PROBLEM.with(|p| *p.borrow_mut() = Some(e));
            let _ = hn_ext::remove(hn_ext::Area::Session, keys::PAGE_STATE_KEY).await;
            PAGE_STATE_SAVED.with(|p| *p.borrow_mut() = None);
            hn_ext::alarm(LOCAL_RETRY_ALARM, hn_ext::When::After(1.0));
        }
    }
}

/// Saves the state on this device again (the retry alarm).
pub async fn retry_local() {
    ensure_loaded().await;
    note_local(save_local().await).await;
}

/// Why this device's storage refused the last save, if it did.
pub fn local_problem() -> Option<String> {
    LOCAL_PROBLEM.with(|p| p.borrow().clone())
}

fn apply_edit(r: &mut Replica, t: u64, edit: Edit) -> bool {
    let lifted = match &edit {
        Edit::Follow { key, .. } | Edit::Tag { key, .. } | Edit::Note { key, .. } | Edit::Notify { key, .. } => {
            lift_legacy(r, t, key)
        }
        _ => false,
    };
    lifted | apply_plain(r, t, edit)
}

fn apply_plain(r: &mut Replica, t: u64, edit: Edit) -> bool {
    match edit {
        Edit::Follow { key, follow: true } => match followed(r, &key) {
            Some(rec) if !rec.unfollowed => false,
            Some(rec) => r.set(
                t,
                keys::FOLLOWS,
                &key,
                to_json(&plain(UserRecord { unfollowed: false, since: Some(t as i64), ..rec })),
            ),
            None => {
                r.set(t, keys::FOLLOWS, &key, to_json(&UserRecord { since: Some(t as i64), ..UserRecord::default() }))
            }
        },
        // The tag and the note are entries of their own: they outlive the follow.
        Edit::Follow { key, follow: false } => match followed(r, &key) {
            Some(rec) if !rec.unfollowed => r.remove(t, keys::FOLLOWS, &key),
            _ => false,
        },
        Edit::Tag { key, tag } => match tag {
            Some(tag) => r.set(t, keys::TAGS, &key, serde_json::Value::String(tag)),
            None => r.remove(t, keys::TAGS, &key),
        },
        Edit::Note { key, note } => {
            if record(r, &key).is_none() {
                return false;
            }
            if note.is_empty() {
                r.remove(t, keys::NOTES, &key)
            } else {
                r.set(t, keys::NOTES, &key, serde_json::Value::String(note))
            }
        }
        Edit::Notify { key, notify } => match followed(r, &key) {
            Some(rec) if !rec.unfollowed && rec.notify != notify => {
                r.set(t, keys::FOLLOWS, &key, to_json(&plain(UserRecord { notify, ..rec })))
            }
            _ => false,
        },
        Edit::SaveFilter(rule) => save_filter(r, t, &rule.key(), &rule),
        Edit::ChangeFilter(key, rule) => save_filter(r, t, &key, &rule),
        Edit::RemoveFilter(key) => {
            let on = r.remove(t, keys::FILTER_ON, &key);
            r.remove(t, keys::FILTERS, &key) | on
        }
        Edit::Settings(s) => r.set(t, keys::SETTINGS, keys::READING, to_json(&s)),
        Edit::Put { collection, key, value } => {
            r.doc().get(collection, &key) != Some(&value) && r.set(t, collection, &key, value)
        }
        Edit::Remove { collection, key } => r.remove(t, collection, &key),
    }
}

/// A user as the features see it: the follow's entry, with the tag and the
/// note from theirs (or, written by an earlier version, from inside the
/// follow's entry); `None` when there is none of the three.
fn record(r: &Replica, key: &str) -> Option<UserRecord> {
    let doc = r.doc();
    let follow = followed(r, key);
    let tag = doc.get(keys::TAGS, key).and_then(|v| v.as_str()).map(str::to_string);
    let note = doc.get(keys::NOTES, key).and_then(|v| v.as_str()).map(str::to_string);
    if follow.is_none() && tag.is_none() && note.is_none() {
        return None;
    }
    let mut rec = follow.unwrap_or(UserRecord { unfollowed: true, ..UserRecord::default() });
    if tag.is_some() || doc.entry(keys::TAGS, key).is_some() {
        rec.tag = tag;
    }
    if note.is_some() || doc.entry(keys::NOTES, key).is_some() {
        rec.note = note.unwrap_or_default();
    }
    Some(rec)
}

/// The rule kept under `key`, as pages and the popup see it: whether it
/// is on comes from its own entry when there is one.
fn filter_rule(r: &Replica, key: &str) -> Option<FilterRule> {
    let mut rule: FilterRule = serde_json::from_value(r.doc().get(keys::FILTERS, key)?.clone()).ok()?;
    if let Some(on) = r.doc().get(keys::FILTER_ON, key).and_then(serde_json::Value::as_bool) {
        rule.enabled = on;
    }
    Some(rule)
}

/// Saves a rule under `key`, writing only what changed: its fields (the
/// rule's entry) and whether it is on (its own entry; a new rule says it
/// inside), so an edit of the pattern here and a switch on another device
/// at once both survive.
fn save_filter(r: &mut Replica, t: u64, key: &str, rule: &FilterRule) -> bool {
    let held = filter_rule(r, key);
    let mut changed = false;
    if held.as_ref().is_none_or(|h| FilterRule { enabled: rule.enabled, ..h.clone() } != *rule) {
        changed |= r.set(t, keys::FILTERS, key, to_json(rule));
    }
    if held.is_some_and(|h| h.enabled != rule.enabled) {
        changed |= r.set(t, keys::FILTER_ON, key, serde_json::Value::Bool(rule.enabled));
    }
    changed
}

/// The follow's entry of a user, as written.
fn followed(r: &Replica, key: &str) -> Option<UserRecord> {
    r.doc().get(keys::FOLLOWS, key).and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// A follow's entry without the fields that have entries of their own.
fn plain(rec: UserRecord) -> UserRecord {
    UserRecord { tag: None, note: String::new(), ..rec }
}

/// Moves a tag or note written inside the follow's entry (by an earlier
/// version) into entries of their own; returns whether it changed anything.
fn lift_legacy(r: &mut Replica, t: u64, key: &str) -> bool {
    let Some(rec) = followed(r, key) else { return false };
    if rec.tag.is_none() && rec.note.is_empty() {
        return false;
    }
    if let Some(tag) = &rec.tag {
        if r.doc().entry(keys::TAGS, key).is_none() {
            r.set(t, keys::TAGS, key, serde_json::Value::String(tag.clone()));
        }
    }
    if !rec.note.is_empty() && r.doc().entry(keys::NOTES, key).is_none() {
        r.set(t, keys::NOTES, key, serde_json::Value::String(rec.note.clone()));
    }
    if rec.unfollowed {
        r.remove(t, keys::FOLLOWS, key);
    } else {
        r.set(t, keys::FOLLOWS, key, to_json(&plain(rec)));
    }
    true
}

/// Lifts every tag and note written inside follows by an earlier version.
fn lift_all_legacy(r: &mut Replica, t: u64) -> bool {
    let legacy: Vec<String> = r
        .doc()
        .entries(keys::FOLLOWS)
        .filter(|(_, v)| v.get("tag").is_some() || v.get("note").is_some())
        .map(|(k, _)| k.to_string())
        .collect();
    let mut changed = false;
    for key in legacy {
        changed |= lift_legacy(r, t, &key);
    }
    changed
}

pub fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// Saves the replica on this device: its meta, and the parts of its
/// document that changed since last written (all of them the first time),
/// in one write.
async fn save_local() -> Result<(), String> {
    let Some((meta, parts)) = with(|r| r.to_local_parts()) else { return Ok(()) };
    let hashes: Vec<u64> = parts.iter().map(|p| text_hash(p)).collect();
    let saved = SAVED_PARTS.with(|p| p.borrow().clone());
    let items = Object::new();
    let head = Object::new();
    let _ = Reflect::set(&head, &"v".into(), &JsValue::from_f64(2.0));
    let _ = Reflect::set(&head, &"meta".into(), &JsValue::from_str(&meta));
    let _ = Reflect::set(&items, &LOCAL_KEY.into(), &head);
    for (i, part) in parts.iter().enumerate() {
        if saved.get(i) != Some(&hashes[i]) {
            let _ = Reflect::set(&items, &part_key(i).into(), &JsValue::from_str(part));
        }
    }
    hn_ext::set_items(hn_ext::Area::Local, &items).await?;
    SAVED_PARTS.with(|p| *p.borrow_mut() = hashes);
    save_look().await;
    save_page_state().await;
    Ok(())
}

/// Keeps what pages read at load where `early.js` reads it before a page is
/// parsed ([`keys::PAGE_STATE_KEY`]): written when it changes, and once per
/// worker start.
pub async fn save_page_state() {
    let Some(load) = page_state().await else { return };
    // The start-up module reads `text`; `early.js` reads `filters_on`.
    // Before the record: a page that reads it with filters on finds its
    // rows held already.
    crate::sites::hold_rows(load.filters_on()).await;
    let page = serde_json::json!({ "filters_on": load.filters_on(), "text": load.encode() });
    if PAGE_STATE_SAVED.with(|p| p.borrow().as_ref() == Some(&page)) {
        return;
    }
    let value = match page.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
        Ok(v) => v,
        Err(e) => return crate::log(&format!("the page state could not be encoded: {e}")),
    };
    match hn_ext::set(hn_ext::Area::Session, keys::PAGE_STATE_KEY, &value).await {
        Ok(()) => PAGE_STATE_SAVED.with(|p| *p.borrow_mut() = Some(page)),
        Err(e) => crate::log(&format!("the page state could not be saved: {e}")),
    }
}

/// The reader's settings.
pub async fn current_settings() -> Settings {
    user_state().await.settings
}

/// The answer to a page asking for its state (none yet: the empty one).
pub async fn page_state_answer() -> hn_core::message::Response {
    let page = page_state().await.unwrap_or_default();
    hn_core::message::Response::PageState { filters_on: page.filters_on(), text: page.encode() }
}

/// What pages apply at load: follows, filters, settings, and whether to
/// say what the extension adds; `None` while the state cannot be loaded.
pub async fn page_state() -> Option<hn_core::state::LoadState> {
    ensure_loaded().await;
    let mut load = hn_core::state::LoadState::of(&with(|r| view(r))?);
    load.welcome =
        hn_ext::Stored::<bool>::new(hn_ext::Area::Local, WELCOME_KEY, "the welcome's dismissal").load().await;
    Some(load)
}

/// Set on install, until the reader dismisses the line pages show.
const WELCOME_KEY: &str = "welcome_pending";

/// Shows (on install) or ends (dismissed) the line that says what the
/// extension adds, and rewrites what pages read.
pub async fn set_welcome(on: bool) {
    let result = if on {
        hn_ext::set_typed(hn_ext::Area::Local, WELCOME_KEY, &true).await
    } else {
        hn_ext::remove(hn_ext::Area::Local, WELCOME_KEY).await
    };
    if let Err(e) = result {
        crate::log(&format!("the welcome line's flag not saved: {e}"));
    }
    save_page_state().await;
}

/// Keeps the settings' look where `early.js` reads it before a page is
/// parsed (written when it changes, and once per worker start).
pub async fn save_look() {
    ensure_loaded().await;
    let Some(look) = with(|r| settings(r).look()) else { return };
    if LOOK_SAVED.with(|l| l.borrow().as_ref() == Some(&look)) {
        return;
    }
    let value = match look.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
        Ok(v) => v,
        Err(e) => return crate::log(&format!("the look could not be encoded: {e}")),
    };
    match hn_ext::set(hn_ext::Area::Session, hn_core::settings::LOOK_KEY, &value).await {
        Ok(()) => LOOK_SAVED.with(|l| *l.borrow_mut() = Some(look)),
        Err(e) => crate::log(&format!("the look could not be saved: {e}")),
    }
}

async fn sync_items() -> Result<BTreeMap<String, serde_json::Value>, String> {
    let all: JsValue = hn_ext::get_all(hn_ext::Area::Sync).await?.into();
    let items: BTreeMap<String, serde_json::Value> = serde_wasm_bindgen::from_value(all).map_err(|e| e.to_string())?;
    // Every item: the areas are found by their prefix, and the quota
    // counts whatever else is stored too.
    Ok(items)
}

/// Writes this device's changed items to `chrome.storage.sync`. A refusal
/// (quota, rate) is recorded for the popup and retried by alarm; the full
/// state stays in `chrome.storage.local` meanwhile.
pub async fn push() {
    let seq = PUSHES.with(|p| {
        p.set(p.get() + 1);
        p.get()
    });
    let result = match push_inner(seq).await {
        // Waiting for its turn: the push that takes it reports.
        Ok(None) => return,
        Ok(Some(written)) => Ok(written),
        Err(e) => Err(e),
    };
    // Pushes overlap (an edit, a sync change, the retry alarm): a slower,
    // older one must not report over a newer one's result.
    if RECORDED.with(|r| r.get()) > seq {
        return;
    }
    RECORDED.with(|r| r.set(seq));
    update_status(|status| match result {
        Ok((bytes, left_out)) => {
            status.last_push = Some(js_sys::Date::now());
            status.bytes = bytes;
            // Over quota, what fits was written; the rest is named.
            status.problem = left_out;
        }
        Err(e) => {
            crate::log(&format!("sync write refused: {e}"));
            status.problem = Some(e);
            hn_ext::alarm(RETRY_ALARM, hn_ext::When::After(1.0));
        }
    })
    .await;
}

async fn push_inner(seq: u64) -> Result<Option<(usize, Option<String>)>, String> {
    ensure_loaded().await;
    let current = sync_items().await?;
    // Read before writing: a device back from a long silence rebuilds
    // first, and what others changed meanwhile is taken in.
    let t = now();
    let (report, plan) =
        with(|r| (r.merge_items(&current, t), r.plan_write(&current, t))).ok_or("the state is not loaded")?;
    after_merge(report, seq).await;
    let plan = plan.map_err(|e| e.to_string())?;
    let ops = f64::from(u8::from(!plan.set.is_empty()) + u8::from(!plan.remove.is_empty()));
    if ops > 0.0 {
        if let Err(wait) = WRITES.with(|b| b.take(ops, 0.0)) {
            push_later(wait);
            return Ok(None);
        }
    }
    if !plan.set.is_empty() {
        let items = Object::new();
        for (k, v) in &plan.set {
            let v = v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
            Reflect::set(&items, &JsValue::from_str(k), &v).map_err(|e| hn_ext::describe(&e))?;
        }
        hn_ext::set_items(hn_ext::Area::Sync, &items)
            .await
            .map_err(|e| format!("{e} ({} of {} bytes counted here)", plan.total, hn_sync::QUOTA_BYTES))?;
    }
    if !plan.remove.is_empty() {
        hn_ext::remove_keys(hn_ext::Area::Sync, &plan.remove).await?;
    }
    with(|r| r.wrote(&plan));
    Ok(Some((plan.bytes, plan.left_out_words())))
}

/// Another device (or this one) changed `chrome.storage.sync`: merge, and
/// tell the others what this device has received (for compaction), taking
/// over the areas of devices gone for good.
pub async fn merge_from_sync() {
    push().await;
}

/// Records what a read of the synced state found, and passes changes on.
async fn after_merge(report: hn_sync::MergeReport, seq: u64) {
    if report.rebuilt {
        crate::log("this browser was away from sync past the horizon; rebuilt from the other browsers' state");
    }
    // Reads overlap too: an older one does not report over a newer one.
    if MERGE_RECORDED.with(|r| r.replace(r.get().max(seq))) <= seq {
        let clock = with(|r| r.clock_note()).flatten();
        let problems: Vec<String> = report.problems.into_iter().chain(clock).collect();
        update_status(|status| {
            status.last_merge = Some(js_sys::Date::now());
            status.devices = report.devices;
            status.merge_problem = (!problems.is_empty()).then(|| problems.join("; "));
        })
        .await;
    }
    if report.changed {
        note_local(save_local().await).await;
        notify_tabs().await;
    }
}

/// The sync status: kept in memory, where every change is made at once (so
/// overlapping pushes and reads do not undo each other's), and saved for
/// the next worker.
pub async fn status() -> SyncStatus {
    if let Some(s) = STATUS.with(|s| s.borrow().clone()) {
        return s;
    }
    let saved = hn_ext::Stored::<SyncStatus>::new(hn_ext::Area::Local, STATUS_KEY, "the sync status").load().await;
    STATUS.with(|s| s.borrow_mut().get_or_insert(saved).clone())
}

async fn update_status(change: impl FnOnce(&mut SyncStatus)) {
    let mut current = status().await;
    current = STATUS.with(|s| {
        let mut s = s.borrow_mut();
        let status = s.get_or_insert(current);
        change(status);
        status.clone()
    });
    let _ = hn_ext::set_typed(hn_ext::Area::Local, STATUS_KEY, &current).await;
}

/// Tells every open Hacker News tab that the state changed; each asks for
/// it once and re-applies.
async fn notify_tabs() {
    let message = hn_core::message::Push::StateChanged.text();
    // Each site's pages, asked one site at a time: a query naming a site
    // the reader has not allowed fails as a whole.
    for site in hn_core::site::SITES {
        let query = Object::new();
        let _ = Reflect::set(&query, &"url".into(), &format!("https://{}/*", site.host).into());
        let Ok(tabs) = JsFuture::from(hn_ext::tabs_query(&query)).await else { continue };
        for tab in js_sys::Array::from(&tabs).iter() {
            if let Some(id) = Reflect::get(&tab, &"id".into()).ok().and_then(|v| v.as_f64()) {
                // A tab without the content script (still loading) answers
                // with an error; it reads the state when it starts anyway.
                let _ = hn_ext::send_to_tab(id as i32, &message).await;
            }
        }
    }
}
