//! Other HN items seen from a page: the hover card of an item link inside a
//! comment (HN's API, cached), and a story's past discussions (HN's search
//! API, asked only on click), on the saved 2026 thread.

use hacker_new::{Harness, Options};
use hn_replica::{API_HOST, SEARCH_HOST};
use serde_json::json;

const LINK: &str = "a[href='https://news.ycombinator.com/item?id=47651659']";

#[test]
fn an_item_link_in_a_comment_shows_its_card() {
    let h = Harness::start(Options::default()).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let story = json!({ "id": 47651659, "type": "story", "by": "alice", "title": "A <b>linked</b> story", "score": 42,
                        "descendants": 7, "time": now - 3 * 3600 });
    h.replica.mount(API_HOST, "/v0/item/47651659.json", "application/json", story.to_string().into_bytes());
    let page = h.open("/item?id=47649721").unwrap();
    page.ready();
    assert_eq!(page.value(&format!("!!document.querySelector(\"{LINK}\").closest('.commtext')")), true);
    page.hover_on(&format!("document.querySelector(\"{LINK}\")"));
    page.expect(
        "(() => { const c = document.querySelector('.hnew-item-card'); return c && !c.hidden && c.querySelector('strong'); })()",
        "the card opened with the item",
    );
    // The title is text: HN's markup in it is not parsed.
    assert_eq!(page.value("document.querySelector('.hnew-item-card strong').textContent"), "A <b>linked</b> story");
    assert_eq!(page.value("document.querySelectorAll('.hnew-item-card b').length"), 0);
    assert_eq!(
        page.value("document.querySelector('.hnew-item-card .hnew-card-facts').textContent"),
        "42 points · by alice · 3 hours ago · 7 comments"
    );
    page.move_away();
    page.expect("document.querySelector('.hnew-item-card').hidden", "leaving hides it");
    // A second look comes from the cache.
    page.hover_on(&format!("document.querySelector(\"{LINK}\")"));
    page.expect(
        "!document.querySelector('.hnew-item-card').hidden && !!document.querySelector('.hnew-item-card strong')",
        "shown again",
    );
    assert_eq!(h.replica.count("/v0/item/47651659.json"), 1, "asked once");
}

#[test]
fn past_discussions_come_on_click_from_the_search_api() {
    let h = Harness::start(Options::default()).unwrap();
    let page = h.open("/item?id=47649721").unwrap();
    page.ready();
    let url = page.value("document.querySelector('span.titleline > a').href").as_str().unwrap().to_string();
    let target = hn_core::items::algolia_url(&url).trim_start_matches("https://hn.algolia.com").to_string();
    let answer = json!({ "hits": [
        { "objectID": "47649721", "title": "This one", "url": url, "points": 300, "num_comments": 200, "created_at_i": 1775383200 },
        { "objectID": "39000000", "title": "The same link in 2024", "url": url, "points": 120, "num_comments": 45, "created_at_i": 1705000000 },
        { "objectID": "39000001", "title": "Another page of the site", "url": format!("{url}/other"), "points": 1, "num_comments": 0, "created_at_i": 1705000001 },
        // A hit the product cannot read costs that hit, not the answer.
        { "objectID": "39000002", "title": ["not", "text"], "url": url, "points": 1, "num_comments": 0, "created_at_i": 1705000002 }
    ]});
    h.replica.mount(SEARCH_HOST, &target, "application/json", answer.to_string().into_bytes());
    assert_eq!(h.replica.count("/api/v1/search"), 0, "nothing is asked before the click");
    page.click("button.hnew-past");
    page.expect("document.querySelectorAll('.hnew-past-list li').length === 1", "one earlier discussion");
    assert_eq!(page.value("document.querySelector('.hnew-past-list li a').getAttribute('href')"), "item?id=39000000");
    assert_eq!(
        page.value("document.querySelector('.hnew-past-list li').textContent"),
        "The same link in 2024 2024 · 120 points · 45 comments"
    );
    // A title is isolated from the text around it (a right-to-left one
    // cannot reorder its line).
    assert_eq!(page.value("getComputedStyle(document.querySelector('.hnew-past-list li > a')).unicodeBidi"), "isolate");
    // Folded away and shown again: from the cache.
    page.click("button.hnew-past");
    page.expect("!document.querySelector('.hnew-past-list')", "folded");
    page.click("button.hnew-past");
    page.expect("document.querySelectorAll('.hnew-past-list li').length === 1", "shown again");
    assert_eq!(h.replica.count("/api/v1/search"), 1);

    // Another story, answered by the replica's own search over its saved
    // pages: only the story itself has that link.
    let other = h.open("/item?id=47536761").unwrap();
    other.ready();
    other.click("button.hnew-past");
    other.expect(
        "document.querySelector('.hnew-past-list').textContent === 'No earlier discussions of this link.'",
        "none earlier",
    );
}
