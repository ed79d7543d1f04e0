//! Prints the content script's per-feature timings on a generated
//! 3,000-comment thread (a development aid; the figures that count come
//! from `cargo run --release -- bench`).
use hacker_new::{Harness, Options};
fn main() {
    let h = Harness::start(Options::default()).unwrap();
    let template = h.replica.fixtures().by_rel("item/easyhn-item-48350598.html").unwrap().body.clone();
    let html = hn_replica::synth::thread(&String::from_utf8_lossy(&template), 3000, 90_000_000, 7).unwrap();
    h.replica.mount(hn_replica::HN_HOST, "/item?id=83000", "text/html; charset=utf-8", html.into_bytes());
    for _ in 0..3 {
        let page = h.open("/item?id=83000").unwrap();
        let t = page.expect(
            "document.documentElement.dataset.hnewState === 'applied' && document.documentElement.dataset.hnewTimings",
            "timings",
        );
        let _ = t;
        println!(
            "{} | run {}",
            page.value("document.documentElement.dataset.hnewTimings"),
            page.value("document.documentElement.dataset.hnewRunMs")
        );
        page.session.close().ok();
    }
}
