//! Notifications: which signals interrupt (a system notification) and which
//! wait in the popup and the badge, quiet hours and the daily digest, and
//! the watch on replies to the reader's own comments and stories.
//!
//! The watch is polite by construction: a check reads the reader's user
//! document, then only those of their newest items that are due (an item is
//! read again sooner while it is young: see [`refresh_after`]), then only
//! the replies not seen before. Every request is counted against a cap per
//! check and a cap per hour; a failure backs off, doubling up to an hour.

use crate::text;
use serde::{Deserialize, Serialize};

use crate::activity::{ApiItem, Budget};
use crate::page::ItemId;
use crate::schedule::Zone;

/// Interrupt, wait quietly, or ignore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// A system notification (and the badge and the popup).
    Active,
    /// The badge and the popup only.
    Passive,
    Off,
}

/// A daily span, in minutes after local midnight; may cross midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiet {
    pub start: u16,
    pub end: u16,
}

impl Quiet {
    pub fn contains(&self, minute: u16) -> bool {
        if self.start <= self.end {
            (self.start..self.end).contains(&minute)
        } else {
            minute >= self.start || minute < self.end
        }
    }
}

/// The reader's choices, synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyPrefs {
    /// Direct replies to the reader's comments and stories.
    #[serde(default = "active")]
    pub replies: Mode,
    /// New posts by followed users (each user can be made active on their
    /// record).
    #[serde(default = "passive")]
    pub followed: Mode,
    /// Minutes between reply checks.
    #[serde(default = "default_interval")]
    pub interval_min: u16,
    /// No system notification in this span: what arrives waits and is
    /// announced, grouped, when it ends.
    #[serde(default)]
    pub quiet: Option<Quiet>,
    /// Minute of the day of the daily digest of passive items, if wanted.
    #[serde(default)]
    pub digest_at: Option<u16>,
}

fn active() -> Mode {
    Mode::Active
}
fn passive() -> Mode {
    Mode::Passive
}
fn default_interval() -> u16 {
    DEFAULT_INTERVAL_MIN
}

impl Default for NotifyPrefs {
    fn default() -> Self {
        NotifyPrefs {
            replies: Mode::Active,
            followed: Mode::Passive,
            interval_min: DEFAULT_INTERVAL_MIN,
            quiet: None,
            digest_at: None,
        }
    }
}

pub const DEFAULT_INTERVAL_MIN: u16 = 5;
pub const MIN_INTERVAL_MIN: u16 = 1;
pub const MAX_INTERVAL_MIN: u16 = 24 * 60;
const DAY_MIN: u16 = 24 * 60;

impl NotifyPrefs {
    pub fn validated(self) -> Result<NotifyPrefs, String> {
        if !(MIN_INTERVAL_MIN..=MAX_INTERVAL_MIN).contains(&self.interval_min) {
            return Err(text::notify_interval(MIN_INTERVAL_MIN, MAX_INTERVAL_MIN));
        }
        if let Some(q) = self.quiet {
            if q.start >= DAY_MIN || q.end >= DAY_MIN || q.start == q.end {
                return Err(text::NOTIFY_QUIET.into());
            }
        }
        if self.digest_at.is_some_and(|m| m >= DAY_MIN) {
            return Err(text::NOTIFY_DIGEST_TIME.into());
        }
        Ok(self)
    }

    /// Whether a system notification may be raised at `now` (ms).
    pub fn may_interrupt(&self, zone: &dyn Zone, now: i64) -> bool {
        self.quiet.is_none_or(|q| !q.contains(local_minute(zone, now)))
    }

    /// Whether the digest is due at `now`, given the local day of the last
    /// one: once a day, at or after its time.
    pub fn digest_due(&self, zone: &dyn Zone, now: i64, last_day: Option<i64>) -> bool {
        let Some(at) = self.digest_at else { return false };
        let today = crate::schedule::local_day(zone, now);
        local_minute(zone, now) >= at && last_day.is_none_or(|d| d < today)
    }
}

/// Minutes after local midnight at `now`.
pub fn local_minute(zone: &dyn Zone, now: i64) -> u16 {
    let local = now + i64::from(zone.offset_minutes(now)) * 60_000;
    (local.rem_euclid(86_400_000) / 60_000) as u16
}

/// `"22:30"` → minutes after midnight.
pub fn parse_clock(text: &str) -> Option<u16> {
    let (h, m) = text.trim().split_once(':')?;
    let (h, m): (u16, u16) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

pub fn format_clock(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// The synced mark of a reply the reader was told about: when, and whether
/// they have read it. Kept per reply id in [`crate::state::REPLIES`], so no
/// device announces a reply another one already did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReplyMark {
    /// Ms since the epoch when a device first saw it.
    pub at: i64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read: bool,
}

/// Reply marks kept in sync (the newest by id); older ones are dropped.
pub const MARKS_KEPT: usize = 100;

/// A reply in the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub id: ItemId,
    /// The reader's comment or story it answers.
    pub parent: ItemId,
    pub by: String,
    /// Seconds since the epoch, as HN gives it.
    pub time: i64,
    /// The first words, plain text.
    pub summary: String,
}

impl Reply {
    /// A reply from an API item: `None` for deleted or dead items, for items
    /// without a parent, and for the reader's own answers to themselves.
    pub fn from_api(item: ApiItem, me: &str) -> Option<Reply> {
        if item.deleted || item.dead {
            return None;
        }
        let by = item.by.clone().filter(|b| b != me)?;
        let parent = item.parent?;
        let id = item.id;
        let time = item.time;
        let summary = crate::activity::summary(item.title.as_deref(), item.text.as_deref());
        Some(Reply { id, parent, by, time, summary })
    }

    /// Where the reply is read: the reader's item, scrolled to the reply.
    pub fn url(&self) -> String {
        format!("https://news.ycombinator.com/item?id={}#{}", self.parent, self.id)
    }
}

/// The popup's inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Inbox {
    /// What interrupts and what waits (synced; kept out of the state pages
    /// read, which have no use for it).
    #[serde(default)]
    pub prefs: NotifyPrefs,
    /// Who is signed in to HN, as the last page showed.
    pub me: Option<String>,
    /// Newest first.
    pub replies: Vec<InboxEntry>,
    /// Ms since the epoch of the last finished check.
    pub checked_at: Option<f64>,
    /// Why the last check did not finish, in words.
    pub problem: Option<String>,
    /// No check runs before this (ms since the epoch), after failures.
    pub waiting_until: Option<f64>,
    /// Requests made in the last check, and in the current hour's window.
    pub last_check_requests: u32,
    pub hour_requests: u32,
    /// Requests made since the watch began (for the tests and the popup).
    pub requests: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    pub reply: Reply,
    pub read: bool,
}

impl Inbox {
    pub fn unread(&self) -> usize {
        self.replies.iter().filter(|e| !e.read).count()
    }
}

/// One of the reader's items as last read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Watched {
    /// Seconds since the epoch of the item.
    pub time: i64,
    pub kids: Vec<ItemId>,
    /// Ms since the epoch when it was read.
    pub fetched_at: i64,
}

/// The reader's newest items watched for replies.
pub const WATCH_ITEMS: usize = 10;
/// Items older than this get no replies looked for (HN closes old threads).
pub const WATCH_DAYS: i64 = 14;
/// Requests at most per check and per hour.
pub const PER_CHECK: u32 = 20;
pub const PER_HOUR: u32 = 120;
/// Replies kept in the inbox.
pub const INBOX_MAX: usize = 50;

/// How long an item's replies stay fresh: young items are read every check,
/// a day-old item every half hour, a three-day-old one every two hours.
pub fn refresh_after(age_ms: i64) -> i64 {
    const HOUR: i64 = 3_600_000;
    match age_ms {
        a if a < 24 * HOUR => 0,
        a if a < 72 * HOUR => HOUR / 2,
        _ => 2 * HOUR,
    }
}

/// Which of the reader's items to read now: among the newest
/// [`WATCH_ITEMS`] of `submitted` (newest first, as HN lists them), those
/// never read, and those younger than [`WATCH_DAYS`] whose replies are
/// stale.
pub fn due_items(submitted: &[ItemId], known: &std::collections::BTreeMap<ItemId, Watched>, now: i64) -> Vec<ItemId> {
    submitted
        .iter()
        .take(WATCH_ITEMS)
        .filter(|id| match known.get(id) {
            None => true,
            Some(w) => {
                let age = now - w.time * 1000;
                age < WATCH_DAYS * 86_400_000 && now - w.fetched_at >= refresh_after(age)
            }
        })
        .copied()
        .collect()
}

/// A cap per hour, kept in storage (the same fixed window as [`Budget`]).
pub fn take_hourly(budget: &mut Budget, now: i64) -> bool {
    if now - budget.window_start >= 3_600_000 || now < budget.window_start {
        budget.window_start = now;
        budget.used = 0;
    }
    if budget.used >= PER_HOUR {
        return false;
    }
    budget.used += 1;
    true
}

/// Waiting after failures: the check interval doubled per failure in a row,
/// at most an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Backoff {
    pub failures: u32,
    /// Ms since the epoch before which no check runs.
    pub until: i64,
}

impl Backoff {
    pub fn fail(&mut self, now: i64, interval_min: u16) {
        self.failures = self.failures.saturating_add(1);
        let wait = (i64::from(interval_min) * 60_000).saturating_mul(1 << self.failures.min(10)).min(3_600_000);
        self.until = now + wait;
    }

    pub fn succeed(&mut self) {
        *self = Backoff::default();
    }

    pub fn waiting(&self, now: i64) -> bool {
        now < self.until
    }
}

/// A system notification, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub title: String,
    pub message: String,
}

/// One notification for new replies: one reply names its author and its
/// first words; several are counted.
pub fn replies_note(new: &[Reply]) -> Option<Note> {
    match new {
        [] => None,
        [r] => Some(Note { title: text::notify_replied(&r.by), message: r.summary.clone() }),
        _ => {
            let mut by: Vec<&str> = new.iter().map(|r| r.by.as_str()).collect();
            by.sort_unstable();
            by.dedup();
            let names = match by.len() {
                1 => by[0].to_string(),
                2 => text::notify_two_names(by[0], by[1]),
                3 => text::notify_more_names(by[0], by[1], 1),
                n => text::notify_many_names(by[0], by[1], n - 2),
            };
            Some(Note { title: text::notify_new_replies(new.len()), message: text::notify_from(names) })
        }
    }
}

/// The daily digest of passive items.
pub fn digest_note(posts: usize, replies: usize) -> Option<Note> {
    let plural = |n: usize, one: &str, many: fn(usize) -> String| if n == 1 { one.to_string() } else { many(n) };
    let parts: Vec<String> = [
        (posts > 0).then(|| plural(posts, text::NOTIFY_DIGEST_POST, text::notify_digest_posts)),
        (replies > 0).then(|| plural(replies, text::NOTIFY_DIGEST_REPLY, text::notify_digest_replies)),
    ]
    .into_iter()
    .flatten()
    .collect();
    let said = match parts.as_slice() {
        [] => return None,
        [one] => one.clone(),
        [first, second, ..] => text::notify_digest_and(first, second),
    };
    Some(Note { title: text::NOTIFY_DIGEST_TITLE.into(), message: text::notify_digest_end(said) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Fixed;
    use std::collections::BTreeMap;

    const H: i64 = 3_600_000;

    #[test]
    fn quiet_hours_cross_midnight() {
        let q = Quiet { start: 22 * 60, end: 7 * 60 };
        assert!(q.contains(23 * 60));
        assert!(q.contains(0));
        assert!(q.contains(6 * 60 + 59));
        assert!(!q.contains(7 * 60));
        assert!(!q.contains(12 * 60));
        let day = Quiet { start: 9 * 60, end: 17 * 60 };
        assert!(day.contains(9 * 60) && !day.contains(17 * 60) && !day.contains(8 * 60));
        // In a zone two hours ahead, 21:00 UTC is 23:00 local: quiet.
        let prefs = NotifyPrefs { quiet: Some(q), ..NotifyPrefs::default() };
        assert!(!prefs.may_interrupt(&Fixed(120), 21 * H));
        assert!(prefs.may_interrupt(&Fixed(0), 21 * H));
    }

    #[test]
    fn prefs_are_checked() {
        assert!(NotifyPrefs::default().validated().is_ok());
        assert!(NotifyPrefs { interval_min: 0, ..NotifyPrefs::default() }.validated().is_err());
        let q = |start, end| NotifyPrefs { quiet: Some(Quiet { start, end }), ..NotifyPrefs::default() };
        assert!(q(60, 60).validated().is_err());
        assert!(q(60, 1440).validated().is_err());
        assert!(NotifyPrefs { digest_at: Some(1440), ..NotifyPrefs::default() }.validated().is_err());
        assert_eq!(parse_clock("22:30"), Some(1350));
        assert_eq!(parse_clock(" 7:05 "), Some(425));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("noon"), None);
        assert_eq!(format_clock(425), "07:05");
        // Old stored prefs without the newer fields read as the defaults.
        let p: NotifyPrefs = serde_json::from_str("{}").unwrap();
        assert_eq!(p, NotifyPrefs::default());
    }

    #[test]
    fn the_digest_comes_once_a_day_after_its_time() {
        let prefs = NotifyPrefs { digest_at: Some(18 * 60), ..NotifyPrefs::default() };
        let zone = Fixed(0);
        let day = 20_000 * 24 * H;
        assert!(!prefs.digest_due(&zone, day + 17 * H, None));
        assert!(prefs.digest_due(&zone, day + 18 * H, None));
        assert!(!prefs.digest_due(&zone, day + 19 * H, Some(20_000)), "already today");
        assert!(prefs.digest_due(&zone, day + 24 * H + 18 * H, Some(20_000)), "the next day");
        assert!(!NotifyPrefs::default().digest_due(&zone, day + 18 * H, None), "off");
        assert_eq!(digest_note(0, 0), None);
        assert_eq!(digest_note(1, 0).unwrap().message, "1 post by people you follow.");
        assert_eq!(digest_note(3, 2).unwrap().message, "3 posts by people you follow and 2 replies to you.");
    }

    #[test]
    fn young_items_are_read_often_and_old_ones_not_at_all() {
        let now = 1_000 * 24 * H;
        let w = |age_h: i64, fetched_ago_min: i64| Watched {
            time: (now - age_h * H) / 1000,
            kids: vec![],
            fetched_at: now - fetched_ago_min * 60_000,
        };
        let known: BTreeMap<ItemId, Watched> =
            [(1, w(1, 1)), (2, w(30, 10)), (3, w(30, 40)), (4, w(100, 100)), (5, w(100, 200)), (6, w(24 * 20, 500))]
                .into_iter()
                .collect();
        let submitted = [9, 1, 2, 3, 4, 5, 6];
        assert_eq!(due_items(&submitted, &known, now), vec![9, 1, 3, 5]);
        // Only the newest few are watched.
        let many: Vec<ItemId> = (100..130).rev().collect();
        assert_eq!(due_items(&many, &BTreeMap::new(), now).len(), WATCH_ITEMS);
    }

    #[test]
    fn caps_and_backoff() {
        let mut b = Budget::default();
        let t = 10 * H;
        assert_eq!((0..200).filter(|_| take_hourly(&mut b, t)).count(), PER_HOUR as usize);
        assert!(!take_hourly(&mut b, t + H - 1));
        assert!(take_hourly(&mut b, t + H));
        let mut off = Backoff::default();
        off.fail(0, 5);
        assert_eq!(off.until, 10 * 60_000);
        off.fail(0, 5);
        assert_eq!(off.until, 20 * 60_000);
        for _ in 0..10 {
            off.fail(0, 5);
        }
        assert_eq!(off.until, H, "at most an hour");
        assert!(off.waiting(H - 1) && !off.waiting(H));
        off.succeed();
        assert!(!off.waiting(0));
    }

    #[test]
    fn replies_and_their_notifications() {
        let item = |json: &str| serde_json::from_str::<ApiItem>(json).unwrap();
        let r = Reply::from_api(
            item(r#"{"id":12,"by":"alice","parent":10,"time":5,"type":"comment","text":"Good <i>point</i>"}"#),
            "me",
        )
        .unwrap();
        assert_eq!((r.summary.as_str(), r.url()), ("Good point", "https://news.ycombinator.com/item?id=10#12".into()));
        assert!(Reply::from_api(item(r#"{"id":13,"by":"me","parent":10,"text":"x"}"#), "me").is_none());
        assert!(Reply::from_api(item(r#"{"id":14,"deleted":true,"parent":10}"#), "me").is_none());
        assert!(Reply::from_api(item(r#"{"id":15,"by":"bob","dead":true,"parent":10}"#), "me").is_none());
        assert_eq!(replies_note(&[]), None);
        let one = replies_note(std::slice::from_ref(&r)).unwrap();
        assert_eq!((one.title.as_str(), one.message.as_str()), ("alice replied to you", "Good point"));
        let mut more = vec![r.clone(), Reply { id: 16, by: "bob".into(), ..r.clone() }];
        assert_eq!(replies_note(&more).unwrap().title, "2 new replies");
        assert_eq!(replies_note(&more).unwrap().message, "From alice and bob.");
        more.push(Reply { id: 17, by: "carol".into(), ..r.clone() });
        more.push(Reply { id: 18, by: "alice".into(), ..r });
        assert_eq!(replies_note(&more).unwrap().message, "From alice, bob and 1 other.");
    }
}
