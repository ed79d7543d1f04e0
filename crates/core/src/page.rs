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
    fn ranks() {
        assert_eq!(parse_rank(" 30."), Some(30));
        assert_eq!(parse_rank("x"), None);
    }
}
