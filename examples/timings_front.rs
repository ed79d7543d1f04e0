//! Per-feature timings on the front page (a development aid).
use hacker_new::{Harness, Options};
fn main() {
    let h = Harness::start(Options::default()).unwrap();
    for _ in 0..4 {
        let page = h.open("/news?fixture=ews-news-2026-03").unwrap();
        page.expect(
            "document.documentElement.dataset.hnewState === 'applied' && document.documentElement.dataset.hnewTimings",
            "timings",
        );
        println!(
            "{} | run {}",
            page.value("document.documentElement.dataset.hnewTimings"),
            page.value("document.documentElement.dataset.hnewRunMs")
        );
        page.session.close().ok();
    }
}
