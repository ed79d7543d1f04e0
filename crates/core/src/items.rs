//! Other HN items seen from where the reader is: the hover card of a link to
//! an item inside a comment (from HN's API), and the past discussions of a
//! story's link (from HN's search API at hn.algolia.com, asked on click).

use serde::{Deserialize, Serialize};

use crate::activity::ApiItem;
use crate::page::ItemId;

/// What the hover card of an item link shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCard {
    pub id: ItemId,
    /// `story`, `comment`, `job`, `poll`.
    pub kind: String,
    /// A story's title; empty for a comment.
    pub title: String,
    /// A comment's first words (plain text); empty for a story.
    pub summary: String,
    pub by: Option<String>,
    pub score: Option<i64>,
    pub comments: Option<i64>,
    /// Seconds since the epoch.
    pub time: i64,
    /// Deleted or dead: nothing else is shown.
    pub gone: bool,
}

impl ItemCard {
    pub fn from_api(item: ApiItem) -> ItemCard {
        let gone = item.deleted || item.dead;
        let kind = item.kind.clone().unwrap_or_else(|| "story".into());
        let title = if gone { String::new() } else { item.title.clone().unwrap_or_default().trim().to_string() };
        let summary = if gone || !title.is_empty() {
            String::new()
        } else {
            crate::activity::summary(None, item.text.as_deref())
        };
        ItemCard {
            id: item.id,
            kind,
            title,
            summary,
            by: if gone { None } else { item.by },
            score: item.score,
            comments: item.descendants,
            time: item.time,
            gone,
        }
    }
}

/// The item a link in a page of `host` points to: `item?id=N` (relative) or
/// `https://<host>/item?id=N`, with any further parameters or fragment.
pub fn linked_item(href: &str, host: &str) -> Option<ItemId> {
    let rest = href
        .strip_prefix(&format!("https://{host}/"))
        .or_else(|| href.strip_prefix(&format!("http://{host}/")))
        .or_else(|| href.strip_prefix('/'))
        .unwrap_or(href);
    let query = rest.strip_prefix("item?")?;
    let query = query.split('#').next()?;
    query.split('&').find_map(|p| p.strip_prefix("id=")).and_then(|id| id.parse().ok()).filter(|&id| id > 0)
}

/// One earlier discussion of the same link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastStory {
    pub id: ItemId,
    pub title: String,
    pub points: i64,
    pub comments: i64,
    /// Seconds since the epoch.
    pub time: i64,
}

/// Discussions shown at most.
pub const PAST_MAX: usize = 20;

/// HN's search API, asked for stories with this link.
pub fn algolia_url(story_url: &str) -> String {
    format!(
        "https://hn.algolia.com/api/v1/search?query={}&restrictSearchableAttributes=url&tags=story&hitsPerPage=50",
        crate::share::encode(story_url)
    )
}

/// A link compared loosely: without scheme, `www.`, trailing slash or
/// fragment, host in lower case.
pub fn same_link(a: &str, b: &str) -> bool {
    fn norm(u: &str) -> String {
        let u = u.trim();
        let u = match u.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http") => rest,
            _ => u,
        };
        let u = u.split('#').next().unwrap_or(u);
        let (host, path) = u.split_once('/').unwrap_or((u, ""));
        let host = host.to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
        format!("{host}/{}", path.trim_end_matches('/'))
    }
    norm(a) == norm(b)
}

/// The search API's answer, the fields we read. A hit that cannot be read
/// (a field of the wrong type) is left out, not the whole answer.
#[derive(Debug, Deserialize)]
pub struct Hits {
    #[serde(default)]
    pub hits: Vec<MaybeHit>,
}

/// A hit, or one that could not be read.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum MaybeHit {
    Hit(Hit),
    Unreadable(serde::de::IgnoredAny),
}

#[derive(Debug, Deserialize)]
pub struct Hit {
    #[serde(rename = "objectID")]
    object_id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    url: Option<String>,
    // Numbers as JavaScript has them (any size, as floats): one above
    // 2^53 is clamped, not an error.
    #[serde(default)]
    points: Option<f64>,
    #[serde(default)]
    num_comments: Option<f64>,
    #[serde(default)]
    created_at_i: Option<f64>,
}

/// The longest past-discussion title kept (HN's are at most 80).
pub const PAST_TITLE_MAX: usize = 200;

/// A number from the search API as a whole number (saturating; NaN is 0).
fn whole(n: Option<f64>) -> i64 {
    n.map_or(0, |n| n as i64)
}

/// The search API's answer, kept to other stories of exactly this link,
/// newest first.
pub fn past_from_algolia(hits: Hits, story_url: &str, this: ItemId) -> Vec<PastStory> {
    let mut out: Vec<PastStory> = hits
        .hits
        .into_iter()
        .filter_map(|h| match h {
            MaybeHit::Hit(h) => Some(h),
            MaybeHit::Unreadable(_) => None,
        })
        .filter(|h| h.url.as_deref().is_some_and(|u| same_link(u, story_url)))
        .filter_map(|h| {
            let id: ItemId = h.object_id.trim().parse().ok()?;
            (id != this).then(|| PastStory {
                id,
                title: h.title.unwrap_or_default().chars().take(PAST_TITLE_MAX).collect(),
                points: whole(h.points),
                comments: whole(h.num_comments),
                time: whole(h.created_at_i),
            })
        })
        .collect();
    out.sort_by(|a, b| b.time.cmp(&a.time).then(b.id.cmp(&a.id)));
    out.dedup_by_key(|p| p.id);
    out.truncate(PAST_MAX);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_links_are_recognised() {
        let host = "news.ycombinator.com";
        assert_eq!(linked_item("item?id=8863", host), Some(8863));
        assert_eq!(linked_item("https://news.ycombinator.com/item?id=8863&p=2#9000", host), Some(8863));
        assert_eq!(linked_item("http://news.ycombinator.com/item?goto=x&id=12", host), Some(12));
        assert_eq!(linked_item("/item?id=5", host), Some(5));
        assert_eq!(linked_item("https://example.com/item?id=5", host), None);
        assert_eq!(linked_item("user?id=pg", host), None);
        assert_eq!(linked_item("item?id=abc", host), None);
        assert_eq!(linked_item("item?id=0", host), None);
    }

    #[test]
    fn cards_from_api_items() {
        let item = |json: &str| serde_json::from_str::<ApiItem>(json).unwrap();
        let s = ItemCard::from_api(item(
            r#"{"by":"dhouston","descendants":71,"id":8863,"score":104,"time":1175714200,"title":"My YC app: Dropbox","type":"story"}"#,
        ));
        assert_eq!(
            (s.title.as_str(), s.score, s.comments, s.by.as_deref()),
            ("My YC app: Dropbox", Some(104), Some(71), Some("dhouston"))
        );
        let c =
            ItemCard::from_api(item(r#"{"by":"norvig","id":2,"text":"Aw <i>shucks</i>","time":1,"type":"comment"}"#));
        assert_eq!((c.title.as_str(), c.summary.as_str()), ("", "Aw shucks"));
        let d = ItemCard::from_api(item(r#"{"id":3,"deleted":true,"type":"comment"}"#));
        assert!(d.gone && d.by.is_none() && d.summary.is_empty());
    }

    #[test]
    fn past_discussions_keep_the_same_link_only() {
        let json = r#"{"hits":[
            {"objectID":"100","title":"Old","url":"https://www.example.com/a/","points":50,"num_comments":10,"created_at_i":1000},
            {"objectID":"200","title":"This one","url":"https://example.com/a","points":5,"num_comments":1,"created_at_i":3000},
            {"objectID":"150","title":"Newer","url":"http://example.com/a#top","points":7,"num_comments":2,"created_at_i":2000},
            {"objectID":"160","title":"Other page","url":"https://example.com/a/b","points":7,"num_comments":2,"created_at_i":2500},
            {"objectID":"x","title":"Bad id","url":"https://example.com/a"}
        ]}"#;
        let hits = |j: &str| serde_json::from_str::<Hits>(j).unwrap();
        let past = past_from_algolia(hits(json), "https://example.com/a", 200);
        assert_eq!(past.iter().map(|p| p.id).collect::<Vec<_>>(), vec![150, 100]);
        assert_eq!(past_from_algolia(hits(r#"{"hits":[]}"#), "x", 1), vec![]);
        // One odd hit costs that hit, not the answer; huge numbers are
        // clamped; long titles cut.
        let long = "t".repeat(5000);
        let odd = format!(
            r#"{{"hits":[
            {{"objectID":"100","title":"{long}","url":"https://example.com/a","points":1e300,"num_comments":9007199254740993,"created_at_i":1000}},
            {{"objectID":"101","title":["not","text"],"url":"https://example.com/a"}},
            {{"objectID":"102","title":"Fine","url":"https://example.com/a","points":"many"}},
            {{"objectID":"103","title":"Kept","url":"https://example.com/a","points":3,"created_at_i":900}}
        ]}}"#
        );
        let past = past_from_algolia(hits(&odd), "https://example.com/a", 1);
        assert_eq!(past.iter().map(|p| p.id).collect::<Vec<_>>(), vec![100, 103]);
        assert_eq!((past[0].points, past[0].comments), (i64::MAX, 9_007_199_254_740_992));
        assert_eq!(past[0].title.chars().count(), PAST_TITLE_MAX);
        // The story itself is never its own past discussion.
        assert!(past_from_algolia(hits(&odd), "https://example.com/a", 103).iter().all(|p| p.id != 103));
        assert!(algolia_url("https://example.com/a?b=c&d").contains("query=https%3A%2F%2Fexample.com%2Fa%3Fb%3Dc%26d&"));
        assert!(same_link("HTTPS://Example.COM/x/", "example.com/x"));
        assert!(!same_link("example.com/X", "example.com/x"), "paths keep their case");
    }
}
