//! What the people you follow posted: HN API documents read into feed
//! items, the feed with its unread count, and the request budget that keeps
//! the background polite.

use serde::{Deserialize, Serialize};

use crate::page::ItemId;

/// `GET /v0/user/<id>.json`, the fields we read.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiUser {
    pub id: String,
    #[serde(default)]
    pub submitted: Vec<ItemId>,
}

/// `GET /v0/item/<id>.json`, the fields we read.
#[derive(Debug, Clone, Deserialize)]
pub struct ApiItem {
    pub id: ItemId,
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub time: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub parent: Option<ItemId>,
    /// Direct replies, oldest first as HN ranks them.
    #[serde(default)]
    pub kids: Vec<ItemId>,
    #[serde(default)]
    pub score: Option<i64>,
    /// A story's comment count.
    #[serde(default)]
    pub descendants: Option<i64>,
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub dead: bool,
}

/// One entry of the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityItem {
    pub id: ItemId,
    pub by: String,
    /// `story`, `comment`, `job`, `poll`.
    pub kind: String,
    /// Seconds since the epoch, as HN gives it.
    pub time: i64,
    /// A story's title, or the first words of a comment (plain text).
    pub summary: String,
}

/// Longest summary, in characters.
pub const SUMMARY: usize = 160;

impl ActivityItem {
    /// A feed item from an API item; `None` for deleted or dead items and
    /// for items of someone else (a reused id, a changed account).
    pub fn from_api(item: ApiItem, user: &str) -> Option<ActivityItem> {
        if item.deleted || item.dead || item.by.as_deref() != Some(user) {
            return None;
        }
        let kind = item.kind.unwrap_or_else(|| "story".into());
        let summary = summary(item.title.as_deref(), item.text.as_deref());
        Some(ActivityItem { id: item.id, by: user.to_string(), kind, time: item.time, summary })
    }
}

/// A story's title, or the first words of a comment as plain text, at most
/// [`SUMMARY`] characters.
pub fn summary(title: Option<&str>, text: Option<&str>) -> String {
    let summary = match (title, text) {
        (Some(t), _) if !t.trim().is_empty() => t.trim().to_string(),
        (_, Some(html)) => {
            crate::sanitize::text(&crate::sanitize::sanitize(html)).split_whitespace().collect::<Vec<_>>().join(" ")
        }
        _ => String::new(),
    };
    if summary.chars().count() > SUMMARY {
        let cut: String = summary.chars().take(SUMMARY - 1).collect();
        format!("{}…", cut.trim_end())
    } else {
        summary
    }
}

/// The feed as the popup shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Feed {
    /// Newest first.
    pub items: Vec<ActivityItem>,
    /// Milliseconds since the epoch when the reader last saw the feed.
    pub seen_at: f64,
    pub updated_at: Option<f64>,
    /// Why the last refresh did not finish, in words.
    pub problem: Option<String>,
    /// Followed users whose activity is not fetched yet.
    pub pending: usize,
}

impl Feed {
    pub fn is_unread(&self, item: &ActivityItem) -> bool {
        (item.time as f64) * 1000.0 > self.seen_at
    }

    pub fn unread(&self) -> usize {
        self.items.iter().filter(|i| self.is_unread(i)).count()
    }
}

/// Newest items of every user, merged, newest first, at most `max`.
pub fn merge_feed<'a>(per_user: impl Iterator<Item = &'a [ActivityItem]>, max: usize) -> Vec<ActivityItem> {
    let mut all: Vec<ActivityItem> = per_user.flat_map(|items| items.iter().cloned()).collect();
    all.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
    all.dedup_by_key(|i| i.id);
    all.truncate(max);
    all
}

/// A cap on requests per minute: a fixed window, kept in storage so a
/// restarted worker keeps counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Budget {
    pub window_start: i64,
    pub used: u32,
}

impl Budget {
    pub const WINDOW_MS: i64 = 60_000;

    /// Takes one request if the cap allows it at `now`.
    pub fn take(&mut self, now: i64, per_minute: u32) -> bool {
        if now - self.window_start >= Self::WINDOW_MS || now < self.window_start {
            self.window_start = now;
            self.used = 0;
        }
        if self.used >= per_minute {
            return false;
        }
        self.used += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> ApiItem {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn api_items_become_feed_items() {
        let story = item(
            r#"{"by":"dhouston","id":8863,"time":1175714200,"title":"My YC app: Dropbox","type":"story","url":"http://x"}"#,
        );
        let s = ActivityItem::from_api(story, "dhouston").unwrap();
        assert_eq!((s.kind.as_str(), s.summary.as_str()), ("story", "My YC app: Dropbox"));
        let comment = item(
            r#"{"by":"norvig","id":2921983,"parent":2921506,"text":"Aw <i>shucks</i>, guys<p>I&#x27;ll <script>x</script>write","time":1314211127,"type":"comment"}"#,
        );
        let c = ActivityItem::from_api(comment, "norvig").unwrap();
        assert_eq!(c.summary, "Aw shucks, guys I'll write");
        assert!(ActivityItem::from_api(item(r#"{"id":1,"deleted":true,"by":"x"}"#), "x").is_none());
        assert!(ActivityItem::from_api(item(r#"{"id":1,"dead":true,"by":"x","text":"t"}"#), "x").is_none());
        assert!(ActivityItem::from_api(item(r#"{"id":1,"by":"other","text":"t"}"#), "x").is_none());
        let long = format!(r#"{{"id":2,"by":"x","text":"{}","type":"comment"}}"#, "word ".repeat(100));
        let l = ActivityItem::from_api(item(&long), "x").unwrap();
        assert_eq!(l.summary.chars().count(), SUMMARY);
        assert!(l.summary.ends_with('…'));
    }

    #[test]
    fn the_feed_is_merged_newest_first_and_counts_unread() {
        let a = |id, time| ActivityItem { id, by: "a".into(), kind: "comment".into(), time, summary: String::new() };
        let one = vec![a(1, 100), a(3, 300)];
        let two = vec![a(2, 200), a(3, 300)];
        let items = merge_feed([one.as_slice(), two.as_slice()].into_iter(), 10);
        assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), vec![3, 2, 1]);
        let feed = Feed { items, seen_at: 150_000.0, ..Feed::default() };
        assert_eq!(feed.unread(), 2);
        assert_eq!(merge_feed([one.as_slice()].into_iter(), 1).len(), 1);
    }

    #[test]
    fn the_budget_caps_requests_per_minute() {
        let mut b = Budget::default();
        let t = 1_000_000;
        assert_eq!((0..40).filter(|_| b.take(t, 30)).count(), 30);
        assert!(!b.take(t + 59_999, 30));
        assert!(b.take(t + 60_000, 30), "a new minute");
        // A clock that went backwards starts a new window rather than locking up.
        assert!(b.take(t - 5_000_000, 30));
    }
}
