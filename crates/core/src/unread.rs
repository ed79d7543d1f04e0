//! New comments since the last visit. HN's item ids only grow, so a thread
//! visit is remembered as the largest comment id seen then (and the comment
//! count, for story lists): a comment with a larger id is new. Per device,
//! in `chrome.storage.local`; bounded to [`MAX_THREADS`] threads, each
//! forgotten after [`TTL_DAYS`] days without a visit.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::page::ItemId;

pub const MAX_THREADS: usize = 1000;
pub const TTL_DAYS: f64 = 60.0;
const DAY_MS: f64 = 86_400_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub max_id: ItemId,
    pub count: u32,
    /// Milliseconds since the epoch.
    pub at: f64,
    /// Only the story's link was opened, not its discussion: the story is
    /// read, but no comment count was seen.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub link_only: bool,
}

/// Visits by story id (as a string key, for JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Visits(pub BTreeMap<String, Visit>);

impl Visits {
    pub fn get(&self, story: ItemId) -> Option<&Visit> {
        self.0.get(&story.to_string())
    }

    /// Records a visit: the larger max id wins (a later visit of a page
    /// split by "More" never forgets what an earlier one saw).
    pub fn record(&mut self, story: ItemId, max_id: ItemId, count: u32, now: f64) {
        let e = self.0.entry(story.to_string()).or_insert(Visit { max_id, count, at: now, link_only: false });
        e.max_id = e.max_id.max(max_id);
        e.count = e.count.max(count);
        e.at = now;
        e.link_only = false;
        self.prune(now);
    }

    /// Records that the story's link was opened from a list.
    pub fn record_link(&mut self, story: ItemId, now: f64) {
        let e = self.0.entry(story.to_string()).or_insert(Visit { max_id: 0, count: 0, at: now, link_only: true });
        e.at = now;
        self.prune(now);
    }

    /// Whether the reader opened the story's link or its discussion.
    pub fn read(&self, story: ItemId) -> bool {
        self.get(story).is_some()
    }

    /// New comments on a story list: the count now minus the count seen,
    /// for stories whose discussion was opened.
    pub fn new_comments(&self, story: ItemId, count_now: u32) -> Option<u32> {
        let v = self.get(story).filter(|v| !v.link_only)?;
        Some(count_now.saturating_sub(v.count))
    }

    /// Drops expired visits, then the oldest beyond the bound.
    pub fn prune(&mut self, now: f64) {
        self.0.retain(|_, v| now - v.at <= TTL_DAYS * DAY_MS);
        // Visits are pruned as each is recorded, so at most one is over the
        // bound: the oldest is looked for, not sorted (a sort's code would
        // be the largest part of the page's read marks).
        while self.0.len() > MAX_THREADS {
            let Some(oldest) = self.0.iter().min_by(|a, b| a.1.at.total_cmp(&b.1.at)).map(|(k, _)| k.clone()) else {
                break;
            };
            self.0.remove(&oldest);
        }
    }
}

/// Indexes of the comments new since `visit` (none on a first visit).
pub fn new_since(visit: Option<&Visit>, ids: &[ItemId]) -> Vec<usize> {
    let Some(v) = visit else { return Vec::new() };
    ids.iter().enumerate().filter(|(_, &id)| id > v.max_id).map(|(i, _)| i).collect()
}

/// "12 comments" / "1 comment" / "discuss" → the count.
pub fn parse_comment_count(text: &str) -> Option<u32> {
    let t = text.trim().replace('\u{a0}', " ");
    if t == "discuss" {
        return Some(0);
    }
    let (n, word) = t.split_once(' ')?;
    (word.starts_with("comment")).then(|| n.parse().ok()).flatten()
}

/// Top-level comments whose whole subthread holds none of the `fresh`
/// comment indexes (in page order), for folding what holds nothing new.
pub fn quiet_subthreads(depths: &[u32], fresh: &[usize]) -> Vec<usize> {
    let top = depths.iter().copied().min().unwrap_or(0);
    let mut out = Vec::new();
    let mut i = 0;
    while i < depths.len() {
        let end = crate::thread::descendants(depths, i).end;
        if depths[i] == top && !fresh.iter().any(|&f| (i..end).contains(&f)) {
            out.push(i);
        }
        i = if depths[i] == top { end } else { i + 1 };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opened_links_count_as_read_without_a_comment_count() {
        let mut v = Visits::default();
        v.record_link(7, 1.0);
        assert!(v.read(7) && !v.read(8));
        assert_eq!(v.new_comments(7, 40), None, "the discussion was never seen");
        v.record(7, 100, 30, 2.0);
        assert_eq!(v.new_comments(7, 40), Some(10));
        v.record_link(7, 3.0);
        assert_eq!(v.new_comments(7, 40), Some(10), "a later link open keeps the count");
        // Stored visits from before the field read as discussions.
        let old: Visit = serde_json::from_str(r#"{"max_id":5,"count":2,"at":1.0}"#).unwrap();
        assert!(!old.link_only);
    }

    #[test]
    fn subthreads_with_nothing_new_are_found() {
        // 0 ─ 1 ─ 2 │ 3 │ 4 ─ 5 │ 6
        let depths = [0, 1, 2, 0, 0, 1, 0];
        assert_eq!(quiet_subthreads(&depths, &[2]), vec![3, 4, 6]);
        assert_eq!(quiet_subthreads(&depths, &[5, 6]), vec![0, 3]);
        assert_eq!(quiet_subthreads(&depths, &[]), vec![0, 3, 4, 6]);
        assert!(quiet_subthreads(&[], &[]).is_empty());
        // A page that starts deeper (a comment's permalink) uses its own top.
        assert_eq!(quiet_subthreads(&[2, 3, 2], &[1]), vec![2]);
    }

    #[test]
    fn new_comments_are_those_after_the_last_visit() {
        let mut v = Visits::default();
        assert!(new_since(v.get(1), &[5, 6]).is_empty(), "a first visit marks nothing");
        v.record(1, 10, 2, 0.0);
        assert_eq!(new_since(v.get(1), &[3, 12, 10, 11]), vec![1, 3]);
        v.record(1, 8, 1, 5.0);
        assert_eq!(v.get(1).unwrap().max_id, 10, "never goes back");
    }

    #[test]
    fn visits_are_bounded_and_expire() {
        let mut v = Visits::default();
        for i in 0..(MAX_THREADS as u64 + 10) {
            v.record(i, i, 0, i as f64);
        }
        assert_eq!(v.0.len(), MAX_THREADS);
        assert!(v.get(0).is_none() && v.get(MAX_THREADS as u64 + 9).is_some());
        v.prune(TTL_DAYS * DAY_MS + 2_000.0);
        assert!(v.0.len() < MAX_THREADS);
    }

    #[test]
    fn comment_counts() {
        assert_eq!(parse_comment_count("340\u{a0}comments"), Some(340));
        assert_eq!(parse_comment_count("1 comment"), Some(1));
        assert_eq!(parse_comment_count("discuss"), Some(0));
        assert_eq!(parse_comment_count("hide"), None);
        assert_eq!(parse_comment_count("3 points"), None);
    }
}

/// How a list sorts its stories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    #[default]
    Rank,
    Points,
    Comments,
    Newest,
}

impl SortBy {
    pub const ALL: [SortBy; 4] = [SortBy::Rank, SortBy::Points, SortBy::Comments, SortBy::Newest];
    /// Its name in records and the page's `data-by`.
    pub fn id(self) -> &'static str {
        match self {
            SortBy::Rank => "rank",
            SortBy::Points => "points",
            SortBy::Comments => "comments",
            SortBy::Newest => "newest",
        }
    }

    /// Its name on the sort button.
    pub fn label(self) -> &'static str {
        match self {
            SortBy::Rank => crate::text::SORT_RANK,
            SortBy::Points => crate::text::SORT_POINTS,
            SortBy::Comments => crate::text::SORT_COMMENTS,
            SortBy::Newest => crate::text::SORT_NEWEST,
        }
    }
}

/// What a story is sorted on, read from its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SortKeys {
    /// Position on the page as HN served it.
    pub position: usize,
    pub points: Option<u32>,
    pub comments: Option<u32>,
    /// Seconds since the epoch.
    pub time: Option<i64>,
}

/// The page order for `by`: indexes into `stories`. Stable: ties keep HN's
/// order; stories without the value (jobs have no points) go last.
pub fn sort_order(stories: &[SortKeys], by: SortBy) -> Vec<usize> {
    // One key per story, HN's position breaking ties: keys are unique, so
    // an unstable sort gives the stable order (and one sort's code, not four).
    let missing_last = |v: Option<i64>| std::cmp::Reverse(v.unwrap_or(i64::MIN));
    let mut keyed: Vec<(std::cmp::Reverse<i64>, usize, usize)> = stories
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let value = match by {
                SortBy::Rank => std::cmp::Reverse(0),
                SortBy::Points => missing_last(s.points.map(i64::from)),
                SortBy::Comments => missing_last(s.comments.map(i64::from)),
                SortBy::Newest => missing_last(s.time),
            };
            (value, s.position, i)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

/// "86 points" → 86.
pub fn parse_points(text: &str) -> Option<u32> {
    let (n, word) = text.trim().split_once(' ')?;
    word.starts_with("point").then(|| n.parse().ok()).flatten()
}

/// HN's age title, `2026-03-26T22:41:25 1774564885` → the epoch seconds.
pub fn parse_age_title(title: &str) -> Option<i64> {
    title.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod sort_tests {
    use super::*;

    #[test]
    fn lists_sort_stably_with_missing_values_last() {
        let k = |position, points, comments, time| SortKeys { position, points, comments, time };
        let s = [
            k(0, Some(10), Some(5), Some(100)),
            k(1, None, None, Some(300)),
            k(2, Some(50), Some(5), Some(200)),
            k(3, Some(10), Some(9), None),
        ];
        assert_eq!(sort_order(&s, SortBy::Rank), vec![0, 1, 2, 3]);
        assert_eq!(sort_order(&s, SortBy::Points), vec![2, 0, 3, 1]);
        assert_eq!(sort_order(&s, SortBy::Comments), vec![3, 0, 2, 1]);
        assert_eq!(sort_order(&s, SortBy::Newest), vec![1, 2, 0, 3]);
        assert_eq!(parse_points("86 points"), Some(86));
        assert_eq!(parse_points("1 point"), Some(1));
        assert_eq!(parse_age_title("2026-03-26T22:41:25 1774564885"), Some(1_774_564_885));
        assert_eq!(parse_age_title("2026-03-26T22:41:25"), None);
    }
}
