//! The extension's own health, in plain words: what pages reported they
//! could not read, kept until pages of the same kind read normally again.
//! The background adds its own lines (sync, HN's rate limit, notification
//! permission); all of it stays in the browser.

use crate::text;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::site::PageKind;

/// One line of the popup's health list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthLine {
    /// What is wrong, in a sentence.
    pub what: String,
    /// What it means for the reader and what happens next.
    pub detail: String,
}

/// A page's problems: story rows not recognised where a page of its kind
/// has links to items, and features that switched themselves off.
pub fn page_problems(kind: PageKind, stories: usize, item_links: usize, failed: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    if kind.has_stories() && stories == 0 && item_links > 0 {
        out.push("stories".to_string());
    }
    out.extend(failed.iter().map(|f| format!("feature:{f}")));
    out
}

/// A problem seen on pages of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Seen {
    pub count: u32,
    /// Ms since the epoch.
    pub first: f64,
    pub last: f64,
}

/// Problems by `kind|problem`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct PageHealth {
    pub seen: BTreeMap<String, Seen>,
}

/// Problems remembered at most.
const MAX_PROBLEMS: usize = 64;

impl PageHealth {
    /// A page of `kind` loaded with `problems` (maybe none): they are
    /// counted, and what pages of this kind no longer show is cleared.
    /// Returns whether anything changed.
    pub fn report(&mut self, kind: &str, problems: &[String], now: f64) -> bool {
        let prefix = format!("{kind}|");
        let before = self.seen.len();
        self.seen.retain(|k, _| !k.starts_with(&prefix) || problems.iter().any(|p| k[prefix.len()..] == **p));
        let mut changed = self.seen.len() != before;
        for p in problems {
            let s = self.seen.entry(format!("{prefix}{p}")).or_insert(Seen { count: 0, first: now, last: now });
            s.count = s.count.saturating_add(1);
            s.last = now;
            changed = true;
        }
        while self.seen.len() > MAX_PROBLEMS {
            let oldest = self.seen.iter().min_by(|a, b| a.1.last.total_cmp(&b.1.last)).map(|(k, _)| k.clone());
            self.seen.remove(&oldest.unwrap_or_default());
        }
        changed
    }

    pub fn lines(&self) -> Vec<HealthLine> {
        self.seen
            .iter()
            .filter_map(|(k, s)| {
                let (kind, problem) = k.split_once('|')?;
                let kind = kind.replace('-', " ");
                let times = if s.count == 1 { text::HEALTH_ONCE.to_string() } else { text::health_times(s.count) };
                let what = match problem.strip_prefix("feature:") {
                    Some(f) => text::health_feature_off(feature_name(f), &kind, &times),
                    None => text::health_not_recognised(&kind, &times),
                };
                Some(HealthLine { what, detail: text::HEALTH_MARKUP_DETAIL.into() })
            })
            .collect()
    }
}

/// A feature's id in words.
pub fn feature_name(id: &str) -> &str {
    match id {
        "follow" => text::FEATURE_FOLLOW,
        "tags" => text::FEATURE_TAGS,
        "user-card" => text::FEATURE_USER_CARD,
        "item-card" => text::FEATURE_ITEM_CARD,
        "past" => text::FEATURE_PAST,
        "page-mark" => text::FEATURE_PAGE_MARK,
        "filters" => text::FEATURE_FILTERS,
        "collapse" => text::FEATURE_COLLAPSE,
        "endless" => text::FEATURE_ENDLESS,
        "inline-reply" => text::FEATURE_INLINE_REPLY,
        "actions" => text::FEATURE_ACTIONS,
        "share" => text::FEATURE_SHARE,
        "unread" => text::FEATURE_UNREAD,
        "sort" => text::FEATURE_SORT,
        "keys" => text::FEATURE_KEYS,
        "readability" => text::FEATURE_READABILITY,
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_counted_and_clear_when_pages_read_again() {
        assert_eq!(page_problems(PageKind::StoryList, 0, 30, &[]), vec!["stories"]);
        assert!(page_problems(PageKind::StoryList, 0, 0, &[]).is_empty(), "an empty list is not broken");
        assert!(page_problems(PageKind::User, 0, 3, &[]).is_empty());
        assert_eq!(page_problems(PageKind::Item, 1, 9, &["collapse"]), vec!["feature:collapse"]);
        let mut h = PageHealth::default();
        let broken = page_problems(PageKind::StoryList, 0, 30, &[]);
        assert!(h.report("story list", &broken, 1.0));
        h.report("story list", &broken, 2.0);
        h.report("item", &[], 3.0);
        let lines = h.lines();
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].what, "Stories were not recognised on story list pages (2 times)");
        // A thread page reading normally does not clear the list pages' line.
        assert!(!h.report("item", &[], 4.0));
        assert_eq!(h.lines().len(), 1);
        assert!(h.report("story list", &[], 5.0), "a list read normally clears it");
        assert!(h.lines().is_empty());
        for i in 0..100 {
            h.report(&format!("k{i}"), &["stories".into()], f64::from(i));
        }
        assert_eq!(h.seen.len(), MAX_PROBLEMS);
        assert!(h.seen.contains_key("k99|stories"), "the newest are kept");
    }
}
