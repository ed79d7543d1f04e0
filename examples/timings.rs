//! Prints the content script's per-feature timings (medians of `ROUNDS`
//! loads, 9 by default) on a generated 3,000-comment thread, or on the
//! front page with `front` as argument (a development aid; the figures that
//! count come from `cargo run --release -- bench`).
use std::collections::BTreeMap;

use hacker_new::{Harness, Options};

fn main() {
    let extra_args =
        std::env::var("CHROMIUM_ARGS").map(|a| a.split_whitespace().map(String::from).collect()).unwrap_or_default();
    let h = Harness::start(Options { extra_args, ..Options::default() }).unwrap();
    let target = if std::env::args().any(|a| a == "front") {
        "/news?fixture=ews-news-2026-03".to_string()
    } else {
        let template = h.replica.fixtures().by_rel("item/easyhn-item-48350598.html").unwrap().body.clone();
        let html = hn_replica::synth::thread(&String::from_utf8_lossy(&template), 3000, 90_000_000, 7).unwrap();
        h.replica.mount(hn_replica::HN_HOST, "/item?id=83000", "text/html; charset=utf-8", html.into_bytes());
        "/item?id=83000".to_string()
    };
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(9);
    let mut all: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for _ in 0..rounds {
        let page = h.open(&target).unwrap();
        page.expect(
            "document.documentElement.dataset.hnewState === 'applied' && document.documentElement.dataset.hnewTimings",
            "timings",
        );
        let timings = page.value("document.documentElement.dataset.hnewTimings");
        let mut pairs: Vec<(String, f64)> = timings
            .as_str()
            .unwrap_or("")
            .split(' ')
            .filter_map(|kv| kv.split_once('='))
            .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
            .collect();
        for key in ["hnewCompileMs", "hnewInstantiateMs", "hnewRunMs"] {
            let v = page.value(&format!("document.documentElement.dataset.{key}"));
            pairs.push((key.to_string(), v.as_str().and_then(|s| s.parse().ok()).unwrap_or(0.0)));
        }
        for (k, v) in pairs {
            if !all.contains_key(&k) {
                order.push(k.clone());
            }
            all.entry(k).or_default().push(v);
        }
        page.session.close().ok();
    }
    for k in order {
        let mut v = all[&k].clone();
        v.sort_by(|a, b| a.total_cmp(b));
        println!("{k:<22} {:>6.1}", v[v.len() / 2]);
    }
}
