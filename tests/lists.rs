//! Story lists sorted in place, the choice kept per list page.

use hacker_new::{Harness, Options, Page};

fn ready(page: &Page) {
    page.expect("document.documentElement.dataset.hnewState === 'applied'", "the page is enhanced");
}

const SCORES: &str = "[...document.querySelectorAll('tr.athing.submission')].map(r => parseInt(r.nextElementSibling.querySelector('span.score')?.textContent ?? '-1'))";

#[test]
fn lists_sort_by_points_comments_and_age_and_remember_it() {
    let h = Harness::start(Options::default()).unwrap();
    let page = h.open("/best").unwrap();
    ready(&page);
    let before = page.value("[...document.querySelectorAll('tr.athing.submission')].map(r => r.id)");
    page.value("document.querySelector(\".hnew-sort button[data-by='points']\").click(), true");
    page.expect("document.documentElement.dataset.hnewSort === 'points'", "sorted");
    let scores: Vec<i64> = page.value(SCORES).as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert!(scores.len() > 5);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "points descending: {scores:?}");
    // Every story keeps its own subtext row right under it.
    assert_eq!(
        page.value("[...document.querySelectorAll('tr.athing.submission')].every(r => r.nextElementSibling.querySelector('td.subtext') && r.nextElementSibling.querySelector(\"a[href^='item?id=']\").getAttribute('href').includes(r.id))"),
        true
    );
    // The More link is still last.
    assert_eq!(page.value("!document.querySelector('a.morelink') || !document.querySelector('a.morelink').closest('tr').nextElementSibling?.classList.contains('athing')"), true);
    // Newest first, then back to HN's order.
    page.value("document.querySelector(\".hnew-sort button[data-by='newest']\").click(), true");
    let times: Vec<i64> = page
        .value("[...document.querySelectorAll('tr.athing.submission')].map(r => +r.nextElementSibling.querySelector('span.age').title.split(' ')[1])")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
    page.value("document.querySelector(\".hnew-sort button[data-by='points']\").click(), true");
    // Kept for this list page on the next visit.
    page.navigate("/best").unwrap();
    ready(&page);
    page.expect("document.documentElement.dataset.hnewSort === 'points'", "the choice was kept");
    page.value("document.querySelector(\".hnew-sort button[data-by='rank']\").click(), true");
    let after = page.value("[...document.querySelectorAll('tr.athing.submission')].map(r => r.id)");
    assert_eq!(after.as_array().unwrap()[..5], before.as_array().unwrap()[..5], "rank restores HN's order");
    assert!(page.exceptions().is_empty());
}
