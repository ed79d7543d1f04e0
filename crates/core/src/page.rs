//! The page model: what the content script read from the page, in the
//! product's words. Built by the edge from the DOM; never holds DOM nodes.

use serde::{Deserialize, Serialize};

/// An item id on the site (story or comment).
pub type ItemId = u64;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Story {
    pub id: ItemId,
    pub rank: Option<u32>,
    pub title: String,
    pub url: Option<String>,
    pub domain: Option<String>,
    pub user: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Comment {
    pub id: ItemId,
    /// Depth in the thread, 0 for top-level comments.
    pub depth: u32,
    pub user: Option<String>,
}

/// How HN failed to serve a page. Its rate limiting usually comes as a 200
/// with an apology, sometimes as 429 or 503, and sometimes as a page with no
/// rows at all: each is a reason to back off, never "nothing new".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unserved {
    RateLimited,
    Unavailable,
    Empty,
    Network,
    LoggedOut,
    /// The page does not exist (HN's "Unknown." 404): the list ended.
    Missing,
    Other,
}

/// Classifies HN's answer for a page that should hold rows.
pub fn classify(status: u16, body: &str, rows_expected: bool) -> Result<(), Unserved> {
    classify_rows(status, body, rows_expected.then_some("athing"))
}

/// [`classify`], with the text that marks a page holding rows on its site
/// (`rows`: none when rows are not expected).
pub fn classify_rows(status: u16, body: &str, rows: Option<&str>) -> Result<(), Unserved> {
    if body.contains(crate::message::RATE_LIMITED) || status == 429 {
        return Err(Unserved::RateLimited);
    }
    if status == 503 || status == 502 || status == 504 {
        return Err(Unserved::Unavailable);
    }
    if status == 404 {
        return Err(Unserved::Missing);
    }
    if !(200..300).contains(&status) {
        return Err(Unserved::Other);
    }
    if rows.is_some_and(|marker| !body.contains(marker)) {
        return Err(Unserved::Empty);
    }
    Ok(())
}

/// A relative path on the site, safe to fetch: starts with one `/`, no
/// scheme or host, bounded.
pub fn is_site_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.len() <= 512
        && !path.contains(['\\', '\n', '\r', ' '])
        && !path.contains("://")
}

/// The delay before retry `attempt` (0-based): doubling from 2 s, capped at
/// 64 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    2_000u32.saturating_mul(1 << attempt.min(5)).min(64_000)
}

/// Resolves an HN link (`?p=2`, `news?p=2`, `/item?id=1&p=2`) against the
/// current page's path into a site path.
pub fn resolve_link(current_path: &str, href: &str) -> Option<String> {
    let href = href.trim();
    if href.contains("://") || href.starts_with("//") {
        let rest = href.split_once("://").map_or(href.trim_start_matches('/'), |(_, r)| r);
        let (host, path) = rest.split_once('/')?;
        return (host == "news.ycombinator.com").then(|| format!("/{path}"));
    }
    let resolved = if href.starts_with('/') {
        href.to_string()
    } else if href.starts_with('?') {
        format!("{}{href}", current_path.split('?').next().unwrap_or("/"))
    } else {
        format!("/{href}")
    };
    is_site_path(&resolved).then_some(resolved)
}

/// Parses an item id from an element id or an `item?id=` link.
pub fn parse_item_id(text: &str) -> Option<ItemId> {
    let digits = text.rsplit_once("id=").map_or(text, |(_, rest)| rest);
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    digits[..end].parse().ok().filter(|&id| id > 0)
}

/// Parses "12." into 12.
pub fn parse_rank(text: &str) -> Option<u32> {
    text.trim().trim_end_matches('.').parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_ids() {
        assert_eq!(parse_item_id("48350598"), Some(48350598));
        assert_eq!(parse_item_id("item?id=123&goto=news"), Some(123));
        assert_eq!(parse_item_id("up_"), None);
        assert_eq!(parse_item_id("0"), None);
        assert_eq!(parse_item_id(""), None);
    }

    #[test]
    fn unserved_pages_are_recognised() {
        assert_eq!(classify(200, crate::message::RATE_LIMITED, true), Err(Unserved::RateLimited));
        assert_eq!(classify(503, "Sorry.", true), Err(Unserved::Unavailable));
        assert_eq!(classify(429, "", true), Err(Unserved::RateLimited));
        assert_eq!(classify(404, "Unknown.", true), Err(Unserved::Missing));
        assert_eq!(classify(200, "<html><table></table></html>", true), Err(Unserved::Empty));
        assert_eq!(classify(200, "<tr class=\"athing\">", true), Ok(()));
        assert_eq!(classify(200, "<p>faq</p>", false), Ok(()));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let d: Vec<u32> = (0..8).map(backoff_ms).collect();
        assert_eq!(d, vec![2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 64_000, 64_000]);
    }

    #[test]
    fn links_resolve_to_site_paths() {
        assert_eq!(resolve_link("/news", "?p=2").as_deref(), Some("/news?p=2"));
        assert_eq!(resolve_link("/news?p=2", "?p=3").as_deref(), Some("/news?p=3"));
        assert_eq!(resolve_link("/", "news?p=2").as_deref(), Some("/news?p=2"));
        assert_eq!(resolve_link("/item", "item?id=1&p=2").as_deref(), Some("/item?id=1&p=2"));
        assert_eq!(resolve_link("/", "https://news.ycombinator.com/news?p=2").as_deref(), Some("/news?p=2"));
        assert_eq!(resolve_link("/", "https://evil.example/news"), None);
        assert_eq!(resolve_link("/", "//evil.example/x"), None);
        assert!(!is_site_path("/a b"));
    }

    #[test]
    fn ranks() {
        assert_eq!(parse_rank(" 30."), Some(30));
        assert_eq!(parse_rank("x"), None);
    }
}
