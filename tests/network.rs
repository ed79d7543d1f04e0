//! Endless scroll against the replica, including HN's failures.

use std::time::{Duration, Instant};

use hacker_new::{Fault, Harness, Options, Page};
use serde_json::Value;

fn harness() -> Harness {
    Harness::start(Options::default()).expect("start the replica and Chromium with the extension")
}

fn scroll_to_bottom(page: &Page) {
    page.value("window.scrollTo(0, document.documentElement.scrollHeight), true");
}

fn ranks_and_ids(page: &Page) -> Value {
    page.value(
        "[...document.querySelectorAll('tr.athing.submission')].map(r => [r.querySelector('.rank').textContent, r.id])",
    )
}

#[test]
fn scrolling_a_front_page_loads_pages_two_and_three_with_continuing_ranks() {
    let h = harness();
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewScroll", "endless scroll is on");
    // The window reaches the end of page 1: page 2 comes unasked, page 3
    // only once the reader scrolls.
    page.expect("+document.documentElement.dataset.hnewPages === 1", "page 2 came without scrolling");
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(h.replica.count("/news?p="), 1, "page 3 waits for the reader");
    for expected_pages in [1, 2] {
        scroll_to_bottom(&page);
        page.expect(
            &format!("+document.documentElement.dataset.hnewPages >= {expected_pages} && document.documentElement.dataset.hnewScroll !== 'loading'"),
            "the next page arrived",
        );
    }
    // Page 3 is the replica's last: fetching stops there.
    scroll_to_bottom(&page);
    page.expect("document.documentElement.dataset.hnewScroll === 'end'", "the list ended");
    assert_eq!(h.replica.count("/news?p="), 2, "pages 2 and 3, once each");
    let rows = ranks_and_ids(&page);
    let rows = rows.as_array().unwrap();
    assert!(rows.len() >= 60, "got {} stories", rows.len());
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row[0].as_str().unwrap(), format!("{}.", i + 1), "ranks continue");
    }
    let mut ids: Vec<&str> = rows.iter().map(|r| r[1].as_str().unwrap()).collect();
    ids.sort();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "no story appears twice");

    // The address follows the reader.
    assert!(page.value("location.search").as_str().unwrap().starts_with("?p="));
    // Appended stories get the features too.
    assert_eq!(
        page.value("document.querySelectorAll('tr.athing.submission').length"),
        page.value("+document.documentElement.dataset.hnewStories")
    );
}

#[test]
fn stories_already_shown_are_skipped_when_the_list_shifted() {
    let h = harness();
    // Page 2 repeats ten stories of page 1 (the list moved between loads).
    let front = h.replica.fixtures().by_rel("news/easyhn-news-2026-06.html").unwrap().body.clone();
    let front = String::from_utf8_lossy(&front).to_string();
    h.replica.mount(hn_replica::HN_HOST, "/news?p=2", "text/html; charset=utf-8", front.into_bytes());
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewScroll", "endless scroll is on");
    scroll_to_bottom(&page);
    page.expect("+document.documentElement.dataset.hnewPages >= 1", "page 2 arrived");
    let ids = page.value("[...document.querySelectorAll('tr.athing.submission')].map(r => r.id)");
    let ids: Vec<&str> = ids.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicates were skipped");
}

#[test]
fn a_503_is_retried_with_backoff_and_counted() {
    let h = harness();
    h.replica.fault("/news?p=2", Fault::Unavailable, Some(1));
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewScroll", "endless scroll is on");
    let start = Instant::now();
    scroll_to_bottom(&page);
    page.expect("document.documentElement.dataset.hnewScroll === 'retrying'", "the failure is shown");
    let line = page.value("document.querySelector('.hnew-more-text').textContent");
    assert!(line.as_str().unwrap().contains("Retrying in 2 s"), "{line}");
    assert_eq!(page.value("document.querySelector('.hnew-more-retry').hidden"), false);
    page.expect("+document.documentElement.dataset.hnewPages >= 1", "the retry succeeded");
    let seen: Vec<Instant> = h.replica.seen().iter().filter(|s| s.target == "/news?p=2").map(|s| s.at).collect();
    assert_eq!(seen.len(), 2, "one failure, one retry: no burst");
    let gap = seen[1] - seen[0];
    assert!(gap >= Duration::from_millis(1900), "the retry waited ({gap:?})");
    assert!(start.elapsed() < Duration::from_secs(15));
    eprintln!("503 then success: {} requests, retry after {gap:?}", seen.len());
}

#[test]
fn rate_limiting_and_empty_pages_back_off_and_retry_now_works() {
    let h = harness();
    h.replica.fault("/news?p=2", Fault::RateLimited, Some(1));
    h.replica.fault("/news?p=2", Fault::EmptyPage, Some(1));
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewScroll", "endless scroll is on");
    scroll_to_bottom(&page);
    page.expect("document.documentElement.dataset.hnewScroll === 'retrying'", "rate limit noticed");
    assert!(page
        .value("document.querySelector('.hnew-more-text').textContent")
        .as_str()
        .unwrap()
        .contains("slow down"));
    // Retry now, without waiting: the empty page is the next answer.
    page.value("document.querySelector('.hnew-more-retry').click(), true");
    page.expect(
        "document.querySelector('.hnew-more-text').textContent.includes('without stories')",
        "an empty page is a failure, not the end",
    );
    page.value("document.querySelector('.hnew-more-retry').click(), true");
    page.expect("+document.documentElement.dataset.hnewPages >= 1", "then page 2 arrives");
    assert_eq!(h.replica.count("/news?p=2"), 3);
}
