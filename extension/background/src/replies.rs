//! Replies to the reader's own comments and stories, from HN's API, while
//! they are signed in to HN (pages tell us who they are). A check reads
//! their user document, the newest of their items that are due, and each
//! reply not seen before: at most `PER_CHECK` requests a check and
//! `PER_HOUR` an hour, backing off after a failure (see `hn_core::notify`).
//!
//! No reply is announced twice: each one announced is marked in the synced
//! state (so another device that finds it later stays quiet), and the watch
//! itself lives in `chrome.storage.local` (so a restarted worker or browser
//! remembers what it saw). The first check only notes what exists.

use hn_core::text;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use hn_core::activity::{ApiItem, ApiUser, Budget};
use hn_core::notify::{self, Backoff, Inbox, InboxEntry, Mode, Reply, ReplyMark, Watched};
use hn_core::state as keys;
use hn_ext::BrowserZone;
use serde::{Deserialize, Serialize};

use crate::notes::{self, Click};
use crate::state::{self, Edit};

pub const ALARM: &str = "replies";
const KEY: &str = "replies_watch";
const API: &str = "https://hacker-news.firebaseio.com/v0";
/// Ids of replies looked at and left out of the inbox, kept at most.
const SKIPPED_KEPT: usize = 500;

thread_local! {
    static CHECKING: Cell<bool> = const { Cell::new(false) };
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Watch {
    me: Option<String>,
    /// The newest item id at the first check: replies up to it are history.
    baseline: Option<u64>,
    /// By item id (a list: stored objects' keys are strings).
    items: Vec<(u64, Watched)>,
    /// Newest first, at most `INBOX_MAX`.
    inbox: Vec<Reply>,
    /// Deleted, dead, or the reader's own answers.
    skipped: BTreeSet<u64>,
    /// Announcements held back by quiet hours.
    held: Vec<u64>,
    budget: Budget,
    backoff: Backoff,
    checked_at: Option<f64>,
    problem: Option<String>,
    last_check_requests: u32,
    requests: u64,
    /// Local day of the last digest.
    last_digest_day: Option<i64>,
}

async fn load() -> Watch {
    hn_ext::Stored::new(hn_ext::Area::Local, KEY, "the reply watch").load().await
}

async fn save(w: &Watch) {
    if let Err(e) = hn_ext::set_typed(hn_ext::Area::Local, KEY, w).await {
        crate::log(&format!("saving the reply watch failed: {e}"));
    }
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Sets the check alarm to the reader's interval.
pub async fn schedule() {
    let minutes = state::notify_prefs().await.interval_min;
    hn_ext::alarm(ALARM, hn_ext::When::Every(f64::from(minutes)));
}

/// A page showed who is signed in (or that no one is). A different reader
/// starts a new watch; the same one changes nothing.
pub async fn signed_in(me: Option<String>) {
    let w = load().await;
    if w.me == me {
        return;
    }
    crate::log(&match &me {
        Some(m) => format!("watching replies to {m}"),
        None => "signed out of HN: replies are not watched".to_string(),
    });
    save(&Watch { me, ..Watch::default() }).await;
    crate::activity::update_badge().await;
}

/// Marks from every device, by reply id.
async fn marks() -> BTreeMap<u64, ReplyMark> {
    state::entries(keys::REPLIES)
        .await
        .into_iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, serde_json::from_value(v).ok()?)))
        .collect()
}

enum Stop {
    /// A cap was reached: the rest waits for the next check.
    Cap(String),
    /// HN failed: back off.
    Failed(String),
}

struct Fetcher<'a> {
    w: &'a mut Watch,
    used: u32,
}

impl Fetcher<'_> {
    async fn json<T: for<'de> Deserialize<'de>>(&mut self, path: &str) -> Result<Option<T>, Stop> {
        if self.used >= notify::PER_CHECK {
            return Err(Stop::Cap(text::error_check_cap(self.used)));
        }
        if !notify::take_hourly(&mut self.w.budget, now()) {
            return Err(Stop::Cap(text::error_replies_paused(notify::PER_HOUR)));
        }
        self.used += 1;
        self.w.requests += 1;
        crate::net::get_json(&format!("{API}{path}"), "HN's API").await.map_err(Stop::Failed)
    }
}

/// Looks for new replies now. `forced` (the popup's "Check now") runs even
/// while backing off; the caps hold either way.
pub async fn check(forced: bool) -> Inbox {
    if CHECKING.with(|c| c.replace(true)) {
        return inbox().await;
    }
    let prefs = state::notify_prefs().await;
    let mut w = load().await;
    if w.me.is_some() && prefs.replies != Mode::Off && (forced || !w.backoff.waiting(now())) {
        // What other devices announced counts before deciding what is new.
        state::merge_from_sync().await;
        let mut f = Fetcher { w: &mut w, used: 0 };
        let result = run(&mut f).await;
        let used = f.used;
        w.last_check_requests = used;
        match result {
            Ok(new) => {
                w.backoff.succeed();
                w.problem = None;
                w.checked_at = Some(js_sys::Date::now());
                announce(&mut w, &prefs, new).await;
            }
            Err((Stop::Cap(why), new)) => {
                w.problem = Some(why);
                w.checked_at = Some(js_sys::Date::now());
                announce(&mut w, &prefs, new).await;
            }
            Err((Stop::Failed(why), new)) => {
                w.backoff.fail(now(), prefs.interval_min);
                w.problem = Some(text::error_replies_retry(why, hn_ext::local_time(w.backoff.until)));
                announce(&mut w, &prefs, new).await;
            }
        }
    }
    release_held(&mut w, &prefs).await;
    digest(&mut w, &prefs).await;
    save(&w).await;
    CHECKING.with(|c| c.set(false));
    crate::activity::update_badge().await;
    view(&w).await
}

/// One check: returns the new replies, with what stopped it early.
async fn run(f: &mut Fetcher<'_>) -> Result<Vec<Reply>, (Stop, Vec<Reply>)> {
    let me = f.w.me.clone().unwrap_or_default();
    let doc: Option<ApiUser> = f.json(&format!("/user/{me}.json")).await.map_err(|s| (s, vec![]))?;
    let Some(doc) = doc else {
        return Err((Stop::Failed(format!("HN's API knows no user {me}")), vec![]));
    };
    let first = f.w.baseline.is_none();
    let mut newest = doc.submitted.first().copied().unwrap_or(0);
    let marks = marks().await;
    let mut items: BTreeMap<u64, Watched> = f.w.items.drain(..).collect();
    let result = read_items(f, &doc.submitted, &mut items, &me, first, &marks, &mut newest).await;
    // Items no longer among the newest are forgotten.
    let watched: BTreeSet<u64> = doc.submitted.iter().take(notify::WATCH_ITEMS).copied().collect();
    items.retain(|id, _| watched.contains(id));
    if result.is_ok() && first {
        // Replies read by an earlier, unfinished first check count as history too.
        let kids = items.values().flat_map(|w| w.kids.iter().copied()).max().unwrap_or(0);
        f.w.baseline = Some(newest.max(kids));
    }
    f.w.items = items.into_iter().collect();
    result
}

#[allow(clippy::too_many_arguments)]
async fn read_items(
    f: &mut Fetcher<'_>,
    submitted: &[u64],
    items: &mut BTreeMap<u64, Watched>,
    me: &str,
    first: bool,
    marks: &BTreeMap<u64, ReplyMark>,
    newest: &mut u64,
) -> Result<Vec<Reply>, (Stop, Vec<Reply>)> {
    let mut new = Vec::new();
    for id in notify::due_items(submitted, items, now()) {
        let item: Option<ApiItem> = match f.json(&format!("/item/{id}.json")).await {
            Ok(i) => i,
            Err(s) => return Err((s, new)),
        };
        let Some(item) = item else { continue };
        *newest = (*newest).max(item.kids.iter().copied().max().unwrap_or(0));
        items.insert(id, Watched { time: item.time, kids: item.kids.clone(), fetched_at: now() });
        if first {
            continue;
        }
        let baseline = f.w.baseline.unwrap_or(0);
        for kid in item.kids.into_iter().filter(|k| *k > baseline) {
            let known = f.w.inbox.iter().any(|r| r.id == kid) || f.w.skipped.contains(&kid);
            if known {
                continue;
            }
            let reply: Option<ApiItem> = match f.json(&format!("/item/{kid}.json")).await {
                Ok(r) => r,
                Err(s) => return Err((s, new)),
            };
            match reply.and_then(|r| Reply::from_api(r, me)) {
                Some(r) => {
                    f.w.inbox.push(r.clone());
                    // Announced by another device already: in the inbox, quietly.
                    if !marks.contains_key(&kid) {
                        new.push(r);
                    }
                }
                None => {
                    f.w.skipped.insert(kid);
                }
            }
        }
    }
    Ok(new)
}

/// Records new replies in sync, then raises one notification for them (or
/// holds it through quiet hours).
async fn announce(w: &mut Watch, prefs: &notify::NotifyPrefs, new: Vec<Reply>) {
    w.inbox.sort_by_key(|r| std::cmp::Reverse(r.id));
    w.inbox.dedup_by_key(|r| r.id);
    w.inbox.truncate(notify::INBOX_MAX);
    while w.skipped.len() > SKIPPED_KEPT {
        w.skipped.pop_first();
    }
    if new.is_empty() {
        return;
    }
    let at = now();
    let mut edits: Vec<Edit> = new
        .iter()
        .map(|r| Edit::Put {
            collection: keys::REPLIES,
            key: r.id.to_string(),
            value: state::to_json(&ReplyMark { at, read: false }),
        })
        .collect();
    let mut all: Vec<u64> = marks().await.into_keys().chain(new.iter().map(|r| r.id)).collect();
    all.sort_unstable_by(|a, b| b.cmp(a));
    all.dedup();
    for old in all.iter().skip(notify::MARKS_KEPT) {
        edits.push(Edit::Remove { collection: keys::REPLIES, key: old.to_string() });
    }
    if let Err(e) = state::edit_quietly(edits).await {
        // Not recorded, so not announced: the reply stays new for the next check.
        crate::log(&format!("could not record new replies: {e}"));
        w.inbox.retain(|r| !new.iter().any(|n| n.id == r.id));
        return;
    }
    if prefs.replies != Mode::Active {
        return;
    }
    if prefs.may_interrupt(&BrowserZone, at) {
        raise(&new).await;
    } else {
        w.held.extend(new.iter().map(|r| r.id));
    }
}

async fn raise(new: &[Reply]) {
    let Some(note) = notify::replies_note(new) else { return };
    let (id, click) = match new {
        [r] => (format!("reply:{}", r.id), Click::Open { url: r.url(), replies: vec![r.id] }),
        _ => (format!("replies:{}", now()), Click::Options { tab: "inbox".into() }),
    };
    notes::raise(&id, &note.title, &note.message, click).await;
}

/// Quiet hours are over: what waited is announced, once, together.
async fn release_held(w: &mut Watch, prefs: &notify::NotifyPrefs) {
    if w.held.is_empty() || !prefs.may_interrupt(&BrowserZone, now()) {
        return;
    }
    let held: Vec<Reply> = w.inbox.iter().filter(|r| w.held.contains(&r.id)).cloned().collect();
    w.held.clear();
    raise(&held).await;
}

/// The daily digest of what waited quietly.
async fn digest(w: &mut Watch, prefs: &notify::NotifyPrefs) {
    let at = now();
    if !prefs.digest_due(&BrowserZone, at, w.last_digest_day) || !prefs.may_interrupt(&BrowserZone, at) {
        return;
    }
    w.last_digest_day = Some(hn_core::schedule::local_day(&BrowserZone, at));
    let posts = if prefs.followed == Mode::Passive { crate::activity::get(false).await.unread() } else { 0 };
    let marks = marks().await;
    let replies = if prefs.replies == Mode::Passive {
        w.inbox.iter().filter(|r| !marks.get(&r.id).is_some_and(|m| m.read)).count()
    } else {
        0
    };
    if let Some(note) = notify::digest_note(posts, replies) {
        notes::raise(&format!("digest:{at}"), &note.title, &note.message, Click::Options { tab: "activity".into() })
            .await;
    }
}

async fn view(w: &Watch) -> Inbox {
    let marks = marks().await;
    Inbox {
        prefs: state::notify_prefs().await,
        me: w.me.clone(),
        replies: w
            .inbox
            .iter()
            .map(|r| InboxEntry { reply: r.clone(), read: marks.get(&r.id).is_some_and(|m| m.read) })
            .collect(),
        checked_at: w.checked_at,
        problem: w.problem.clone(),
        waiting_until: w.backoff.waiting(now()).then_some(w.backoff.until as f64),
        last_check_requests: w.last_check_requests,
        hour_requests: if now() - w.budget.window_start < 3_600_000 { w.budget.used } else { 0 },
        requests: w.requests,
    }
}

pub async fn inbox() -> Inbox {
    view(&load().await).await
}

/// Unread replies, for the badge.
pub async fn unread() -> usize {
    inbox().await.unread()
}

/// [`mark_read`], then the inbox as it is now (the popup's list).
pub async fn mark_read_then_inbox(ids: Option<Vec<u64>>) -> Inbox {
    mark_read(ids).await;
    inbox().await
}

/// Marks replies read (these, or every one in the inbox), on every device.
pub async fn mark_read(ids: Option<Vec<u64>>) {
    let w = load().await;
    let marks = marks().await;
    let ids: Vec<u64> = ids.unwrap_or_else(|| w.inbox.iter().map(|r| r.id).collect());
    let edits: Vec<Edit> = ids
        .into_iter()
        .filter(|id| w.inbox.iter().any(|r| r.id == *id))
        .filter(|id| !marks.get(id).is_some_and(|m| m.read))
        .map(|id| Edit::Put {
            collection: keys::REPLIES,
            key: id.to_string(),
            value: state::to_json(&ReplyMark { at: marks.get(&id).map_or(now(), |m| m.at), read: true }),
        })
        .collect();
    if let Err(e) = state::edit_quietly(edits).await {
        crate::log(&format!("could not mark replies read: {e}"));
    }
    crate::activity::update_badge().await;
}

/// A page of `site` said who is signed in (`me`), or that nobody is:
/// replies are watched on HN (through its API) only.
pub async fn page_seen(site: &str, me: Option<String>, signed_out: bool) {
    if hn_core::site::is_hn(site) && (me.is_some() || signed_out) {
        signed_in(me).await;
    }
}

/// The reader's notification choices (synced with the rest of the
/// settings); the reply check follows the new interval.
pub async fn save_prefs(prefs: notify::NotifyPrefs) -> hn_core::message::Response {
    let key = hn_core::state::NOTIFY_PREFS.to_string();
    let value = state::to_json(&prefs);
    let saved = state::edit(state::Edit::Put { collection: hn_core::state::SETTINGS, key, value }).await;
    schedule().await;
    crate::done(saved)
}
