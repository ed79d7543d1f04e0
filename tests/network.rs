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

/// What the browser asked of HN since `from` (an index into the request
/// log), leaving out the page's own static files.
fn asked_of_hn(h: &Harness, from: usize) -> Vec<String> {
    let is_static = |t: &str| {
        let path = t.split('?').next().unwrap_or(t);
        [".css", ".js", ".svg", ".gif", ".png", ".ico"].iter().any(|x| path.ends_with(x))
    };
    h.replica.seen()[from..]
        .iter()
        .filter(|s| s.host == hn_replica::HN_HOST && !is_static(&s.target))
        .map(|s| s.target.clone())
        .collect()
}

/// Opens the front page in a window of `height` px and leaves it alone:
/// HN is asked for that page and nothing else.
fn opened_and_left(height: u32) -> (Harness, usize) {
    let h = Harness::start(Options { extra_args: vec![format!("--window-size=1280,{height}")], ..Options::default() })
        .expect("start the replica and Chromium with the extension");
    let from = h.replica.seen().len();
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewScroll", "endless scroll is on");
    page.ready();
    let inner = page.value("innerHeight").as_f64().unwrap();
    assert!((inner - f64::from(height)).abs() < 150.0, "window of {height} px, page sees {inner}");
    // What a first layout or the state could set off has happened: the
    // scroll watch saw the page laid out, and frames were drawn.
    page.expect("document.documentElement.dataset.hnewScrollObserved === 'yes'", "the scroll watch observed");
    page.frames(3);
    assert_eq!(asked_of_hn(&h, from), vec!["/news".to_string()], "one request: the page itself");
    assert_eq!(page.value("document.documentElement.dataset.hnewPages"), "0");
    drop(page);
    (h, from)
}

#[test]
fn a_tall_window_sends_no_request_until_the_reader_scrolls_towards_the_end() {
    let (h, from) = opened_and_left(2000);
    let page = h.open("/news").unwrap();
    page.ready();
    // The whole list fits: the window cannot scroll, but the wheel (a real
    // input event, from the browser) says the reader wants more.
    let fits = page.value("document.documentElement.scrollHeight <= innerHeight + 5");
    page.expect("document.documentElement.dataset.hnewScrollObserved === 'yes'", "the scroll watch observed");
    page.frames(3);
    assert_eq!(h.replica.count("/news?p="), 0);
    page.session
        .call(
            "Input.dispatchMouseEvent",
            serde_json::json!({ "type": "mouseWheel", "x": 400, "y": 400, "deltaX": 0, "deltaY": 400 }),
        )
        .unwrap();
    page.expect("+document.documentElement.dataset.hnewPages >= 1", "page 2 came after the wheel");
    assert_eq!(h.replica.count("/news?p="), 1, "one page, asked once");
    eprintln!("tall window (page fits: {fits}): {:?}", asked_of_hn(&h, from));
}

#[test]
fn a_short_window_sends_no_request_until_the_reader_scrolls() {
    let (h, _) = opened_and_left(500);
    let page = h.open("/news").unwrap();
    page.ready();
    page.expect("document.documentElement.dataset.hnewScrollObserved === 'yes'", "the scroll watch observed");
    page.frames(3);
    assert_eq!(h.replica.count("/news?p="), 0, "nothing before the reader scrolls");
    scroll_to_bottom(&page);
    page.expect("+document.documentElement.dataset.hnewPages >= 1", "page 2 came after the scroll");
}

#[test]
fn scrolling_a_front_page_loads_pages_two_and_three_with_continuing_ranks() {
    let h = harness();
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewScroll", "endless scroll is on");
    // Nothing comes unasked; each page once the reader scrolls to the end.
    page.ready();
    page.expect("document.documentElement.dataset.hnewScrollObserved === 'yes'", "the scroll watch observed");
    page.frames(3);
    assert_eq!(h.replica.count("/news?p="), 0, "page 2 waits for the reader");
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

    // The address follows the reader: the page at the top of the window.
    scroll_to_bottom(&page);
    page.expect("location.search === '?p=3'", "at the end, the address is the last page's");
    page.value("window.scrollTo(0, 0), true");
    page.expect("location.pathname + location.search === '/news'", "back at the top, the address is page 1's");
    // So a reload shows the top stories again, not the last page loaded.
    page.reload().unwrap();
    page.ready();
    assert_eq!(page.value("document.querySelector('tr.athing.submission .rank').textContent"), "1.");
    page.value("window.scrollTo(0, document.documentElement.scrollHeight), true");
    page.expect("+document.documentElement.dataset.hnewPages >= 1", "page 2 again");
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
    // The status row spans the list as a story's row does.
    let span =
        |row: &str| format!("[...document.querySelector('{row}').children].reduce((n, c) => n + (c.colSpan || 1), 0)");
    assert_eq!(page.value(&span("tr.hnew-more-status")), page.value(&span("tr.athing.submission")));
    // Retry now, without waiting: the empty page is the next answer.
    page.click(".hnew-more-retry");
    page.expect(
        "document.querySelector('.hnew-more-text').textContent.includes('without stories')",
        "an empty page is a failure, not the end",
    );
    page.click(".hnew-more-retry");
    page.expect("+document.documentElement.dataset.hnewPages >= 1", "then page 2 arrives");
    assert_eq!(h.replica.count("/news?p=2"), 3);
}

#[test]
fn the_footer_shows_at_the_end_or_on_focus_never_over_a_row_and_not_at_load() {
    let h = Harness::start(Options { extra_args: vec!["--window-size=1280,600".into()], ..Options::default() })
        .expect("start the replica and Chromium with the extension");
    // From the first frame: whether the footer ever moved while the page
    // loaded (a transition started) and where it was.
    let page = h.open("/news").unwrap();
    page.expect("document.documentElement.dataset.hnewScroll", "endless scroll is on");
    let footer = "document.querySelector('.hnew-footer')";
    page.expect(footer, "the footer is managed");
    // Loaded again with a watch from the first frame: nothing slides.
    page.session
        .call(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({ "source": "window.__slid = 0; document.addEventListener('transitionrun', () => window.__slid++, true);" }),
        )
        .unwrap();
    page.reload().unwrap();
    page.ready();
    page.frames(3);
    assert_eq!(page.value("window.__slid"), 0, "nothing slides at load");
    let hidden = format!("{footer}.getBoundingClientRect().top >= innerHeight - 1");
    assert_eq!(page.value(&hidden), true, "held below the window at the top of the list");
    // The pointer at the bottom of the window, over a row: the footer stays
    // away (it used to slide over what the pointer was on).
    page.value("window.scrollTo(0, 200), true");
    let below = page.value("(() => { const r = [...document.querySelectorAll('tr.athing.submission')].find(r => r.getBoundingClientRect().bottom > innerHeight - 30 && r.getBoundingClientRect().top < innerHeight - 10); return r ? r.id : null; })()");
    if let Some(id) = below.as_str() {
        page.hover_on(&format!("document.getElementById('{id}')"));
        // A slide would have begun within these frames (it takes 150 ms).
        page.frames(3);
        assert_eq!(page.value(&hidden), true, "the footer stays away from the row under the pointer");
    }
    // Keyboard: Tab into the search field shows it.
    page.value("document.querySelector('.hnew-footer input[name=q]').focus(), true");
    page.expect(&format!("{footer}.getBoundingClientRect().bottom <= innerHeight + 1 && {footer}.getBoundingClientRect().top < innerHeight - 20"), "focus shows it");
    page.value("document.activeElement.blur(), true");
    // At the end of what is loaded (HN's last page here): it shows over its
    // own room after the list, covering no row.
    h.replica.fault("/news?p=", Fault::Latency(Duration::from_millis(10)), None);
    // Page after page, each asked once the one before was appended.
    for _ in 0..6 {
        let pages = page.value("+document.documentElement.dataset.hnewPages || 0");
        scroll_to_bottom(&page);
        page.expect(
            &format!(
                "document.documentElement.dataset.hnewScroll === 'end' || +document.documentElement.dataset.hnewPages > {pages}"
            ),
            "the next page came, or the list ended",
        );
        if page.value("document.documentElement.dataset.hnewScroll") == "end" {
            break;
        }
    }
    page.expect("document.documentElement.dataset.hnewScroll === 'end'", "the list ended");
    scroll_to_bottom(&page);
    page.expect(
        &format!("{footer}.getBoundingClientRect().bottom <= innerHeight + 1 && {footer}.getBoundingClientRect().top < innerHeight - 20"),
        "at the end, the footer shows",
    );
    let covered = page.value(&format!(
        "(() => {{ const top = {footer}.getBoundingClientRect().top; return [...document.querySelectorAll('tr.athing.submission, tr.athing.submission + tr, tr.hnew-more-status')].filter(r => {{ const b = r.getBoundingClientRect(); return b.height > 0 && b.bottom > top + 1; }}).length; }})()"
    ));
    assert_eq!(covered, 0, "no row is under the footer");
}
