//! HN's search API (hn.algolia.com) as the replica answers it: stories of
//! the saved pages whose link matches the query, in the API's shape.

use serde_json::{json, Value};

use crate::routes::Fixtures;

/// A story row read from a saved page.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    pub id: u64,
    pub title: String,
    pub url: String,
    pub points: i64,
    pub time: i64,
}

/// Stories of one page: each `tr.athing` row with a `span.titleline` link.
pub fn stories_of(html: &str) -> Vec<Story> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = html[at..].find("<span class=\"titleline\"><a href=\"") {
        let start = at + found;
        at = start + 1;
        let href_start = start + "<span class=\"titleline\"><a href=\"".len();
        let Some(href_len) = html[href_start..].find('"') else { break };
        let url = html[href_start..href_start + href_len].replace("&amp;", "&");
        let Some(text_start) = html[href_start..].find('>').map(|i| href_start + i + 1) else { break };
        let Some(text_len) = html[text_start..].find("</a>") else { break };
        let title = html[text_start..text_start + text_len].replace("&amp;", "&").replace("&#x27;", "'");
        let Some(row) = html[..start].rfind("<tr class=\"athing") else { continue };
        let Some(id) = html[row..start].split("id=\"").nth(1).and_then(|r| r.split('"').next()?.parse().ok()) else {
            continue;
        };
        let after = &html[start..(start + 4000).min(html.len())];
        let points = after
            .split(&format!("id=\"score_{id}\">"))
            .nth(1)
            .and_then(|r| r.split(' ').next()?.parse().ok())
            .unwrap_or(0);
        // The age's title holds the ISO time and, in newer markup, the epoch.
        let time = after
            .split("class=\"age\" title=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|t| t.split(' ').nth(1)?.parse().ok())
            .unwrap_or(0);
        if url.starts_with("http") {
            out.push(Story { id, title, url, points, time });
        }
    }
    out
}

fn decode(q: &str) -> String {
    hn_core::url::decode(q)
}

/// The answer to `/api/v1/search?query=…`: stories whose link is the query.
pub fn answer(fixtures: &Fixtures, target: &str) -> Value {
    let query = crate::routes::query_param(target, "query").map(decode).unwrap_or_default();
    let mut hits = Vec::new();
    for page in fixtures.hn_pages() {
        for s in stories_of(&String::from_utf8_lossy(&page.body)) {
            // The search API's ids are text.
            let id = s.id.to_string();
            if hn_core::items::same_link(&s.url, &query) && !hits.iter().any(|h: &Value| h["objectID"] == id.as_str()) {
                hits.push(json!({
                    "objectID": s.id.to_string(), "title": s.title, "url": s.url, "points": s.points,
                    "num_comments": 0, "created_at_i": s.time,
                }));
            }
        }
    }
    json!({ "hits": hits, "nbHits": hits.len(), "query": query })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_rows_are_read_from_current_markup() {
        let html = r#"<tr class="athing submission" id="47649721"><td class="title"><span class="titleline"><a href="https://example.com/a?b=1&amp;c=2">Artemis &amp; co</a><span class="sitebit"></span></span></td></tr>
<tr><td class="subtext"><span class="score" id="score_47649721">321 points</span> by <a class="hnuser">x</a> <span class="age" title="2026-04-05T10:00:00 1775383200"><a>1 hour ago</a></span></td></tr>"#;
        let s = stories_of(html);
        assert_eq!(
            s,
            vec![Story {
                id: 47649721,
                title: "Artemis & co".into(),
                url: "https://example.com/a?b=1&c=2".into(),
                points: 321,
                time: 1775383200
            }]
        );
        assert_eq!(decode("https%3A%2F%2Fexample.com%2Fa+b"), "https://example.com/a b");
        assert_eq!(decode("100%"), "100%");
    }
}
