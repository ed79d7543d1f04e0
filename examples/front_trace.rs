//! Where a front page's main-thread time goes, with and without the
//! extension: traces `ROUNDS` loads (5 by default) of each, and prints the
//! median self time of each kind of main-thread work (scripts by file), the
//! differences first. A development aid behind the README's "where the time
//! goes"; the figures that count come from `cargo run --release -- bench`.
//!
//! `cargo run --release --example front_trace [-- /item?id=30883015 | synth:3000]`;
//! `BASE=OTHER/dist` compares against that build instead of no extension;
//! `HNEW_DIST=OTHER/dist` traces that build as ours (one built with
//! `WASM_OPT=none` keeps its functions' names); `PROFILE=1` adds V8's
//! sampling profiler and prints our scripts' and wasm's functions by self
//! time; `LAZY=1` counts the wasm functions V8 compiled on their first
//! call and lists each (index, ms) on standard error.
use std::collections::BTreeMap;
use std::time::Duration;

use hacker_new::{Harness, Options};
use serde_json::{json, Value};

fn main() {
    let target = std::env::args().nth(1).unwrap_or_else(|| "/news".into());
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut runs: Vec<(&str, Vec<BTreeMap<String, f64>>)> = vec![("off", Vec::new()), ("ours", Vec::new())];
    for _ in 0..rounds {
        for (name, samples) in runs.iter_mut() {
            // BASE=DIR: the baseline is that build (say, one with its
            // loader emptied) instead of no extension.
            let base: Vec<std::path::PathBuf> =
                std::env::var_os("BASE").filter(|_| *name == "off").map(Into::into).into_iter().collect();
            let h = Harness::start(Options {
                extension: *name == "ours",
                wait_for_rule: *name == "ours" || std::env::var_os("BASE").is_some(),
                others: base,
                ..Options::default()
            })
            .unwrap();
            let target = h.mount_target(&target);
            std::thread::sleep(Duration::from_secs(3));
            samples.push(trace(&h, &target));
        }
    }
    let median = |samples: &[BTreeMap<String, f64>], key: &str| {
        let mut v: Vec<f64> = samples.iter().map(|s| s.get(key).copied().unwrap_or(0.0)).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let keys: std::collections::BTreeSet<String> =
        runs.iter().flat_map(|(_, s)| s.iter().flat_map(|m| m.keys().cloned())).collect();
    let mut rows: Vec<(String, f64, f64)> =
        keys.iter().map(|k| (k.clone(), median(&runs[0].1, k), median(&runs[1].1, k))).collect();
    rows.sort_by(|a, b| (b.2 - b.1).total_cmp(&(a.2 - a.1)));
    println!("{:<60} {:>8} {:>8} {:>8}", "main-thread self time (ms, median)", "off", "ours", "diff");
    for (k, off, ours) in rows.iter().filter(|r| (r.2 - r.1).abs() >= 0.2 || r.2 >= 1.0) {
        println!("{k:<60} {off:>8.1} {ours:>8.1} {:>8.1}", ours - off);
    }
    let total = |i: usize| median(&runs[i].1, "total");
    println!("{:<60} {:>8.1} {:>8.1} {:>8.1}", "total (top-level tasks)", total(0), total(1), total(1) - total(0));
}

/// Loads `target` in a fresh tab under a trace and returns the page's
/// main-thread self time by kind of work.
fn trace(h: &Harness, target: &str) -> BTreeMap<String, f64> {
    let b = &h.browser;
    let mut categories =
        "devtools.timeline,v8,v8.wasm,blink,loading,disabled-by-default-devtools.timeline,toplevel".to_string();
    let profile = std::env::var_os("PROFILE").is_some();
    let lazy = std::env::var_os("LAZY").is_some();
    if lazy {
        categories.push_str(",disabled-by-default-v8.wasm.detailed");
    }
    if profile {
        categories.push_str(",disabled-by-default-v8.cpu_profiler");
    }
    let t = b.call(None, "Target.createTarget", json!({"url": "about:blank"})).unwrap();
    let tab = b.attach(t["targetId"].as_str().unwrap()).unwrap();
    tab.call("Page.enable", json!({})).unwrap();
    let before = b.events().len();
    b.call(None, "Tracing.start", json!({ "categories": categories, "transferMode": "ReportEvents" })).unwrap();
    tab.navigate(&format!("{}{target}", hacker_new::HN)).unwrap();
    let _ = tab.wait_until(
        "document.documentElement.dataset.hnewState === 'applied' || document.documentElement.dataset.floorMs !== undefined || !document.documentElement.classList.contains('hnew') && document.readyState === 'complete'",
        Duration::from_secs(20),
    );
    std::thread::sleep(Duration::from_millis(500));
    b.call(None, "Tracing.end", json!({})).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !b.events()[before..].iter().any(|e| e["method"] == "Tracing.tracingComplete") {
        assert!(std::time::Instant::now() < deadline, "the trace did not complete");
        std::thread::sleep(Duration::from_millis(50));
    }
    let events: Vec<Value> = b.events()[before..]
        .iter()
        .filter(|e| e["method"] == "Tracing.dataCollected")
        .flat_map(|e| e["params"]["value"].as_array().cloned().unwrap_or_default())
        .collect();
    // The page's main thread: the renderer thread that parsed HN's page.
    let main = events
        .iter()
        .find(|e| {
            e["name"] == "ParseHTML" && e["args"]["beginData"]["url"].as_str().is_some_and(|u| u.contains(target))
        })
        .map(|e| (e["pid"].clone(), e["tid"].clone()));
    let Some((pid, tid)) = main else { return BTreeMap::new() };
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    if profile {
        profile_self_times(&events, &pid, &mut out);
    }
    let lazily = std::cell::Cell::new(0.0);
    let mut spans: Vec<(f64, f64, String)> = events
        .iter()
        .filter(|e| e["pid"] == pid && e["tid"] == tid && e["ph"] == "X")
        .filter_map(|e| {
            let ts = e["ts"].as_f64()?;
            let dur = e["dur"].as_f64()?;
            let name = e["name"].as_str()?.to_string();
            // LAZY=1: each function V8 compiled on its first call, by its
            // index in the module (names: a build whose wasm-opt ran with
            // `-g`), with its whole time; and how many, as a row.
            if let Some(index) = e["args"]["func_index"].as_u64().filter(|_| lazy) {
                eprintln!("lazy #{index} {:.3}", dur / 1000.0);
                lazily.set(lazily.get() + 1.0);
            }
            let url =
                e["args"]["data"]["url"].as_str().or_else(|| e["args"]["data"]["scriptName"].as_str()).unwrap_or("");
            let file = url.rsplit('/').next().unwrap_or("");
            let label = if file.is_empty() || url.starts_with("https://news.ycombinator.com") && !file.ends_with(".js")
            {
                name
            } else {
                format!("{name} {file}")
            };
            Some((ts, ts + dur, label))
        })
        .collect();
    if lazy {
        out.insert("(count, not ms) wasm functions compiled on first call".into(), lazily.get());
    }
    spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
    // Self time: each span's duration less that of the spans directly in it.
    let mut stack: Vec<(f64, f64, String, f64)> = Vec::new();
    let close = |stack: &mut Vec<(f64, f64, String, f64)>, out: &mut BTreeMap<String, f64>| {
        let (s, e, label, children) = stack.pop().unwrap();
        *out.entry(label).or_default() += (e - s - children).max(0.0) / 1000.0;
        if let Some(parent) = stack.last_mut() {
            parent.3 += e - s;
        } else {
            *out.entry("total".into()).or_default() += (e - s) / 1000.0;
        }
    };
    for (s, e, label) in spans {
        while stack.last().is_some_and(|top| top.1 <= s) {
            close(&mut stack, &mut out);
        }
        stack.push((s, e, label, 0.0));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut out);
    }
    let _ = tab.close();
    out
}

/// The sampling profiler's self time per function of our scripts and wasm
/// (keys `fn NAME`), from the trace's profile chunks of the page's process.
fn profile_self_times(events: &[Value], pid: &Value, out: &mut BTreeMap<String, f64>) {
    let mut names: BTreeMap<(String, u64), String> = BTreeMap::new();
    let mut samples: Vec<(String, u64, f64)> = Vec::new();
    for e in events.iter().filter(|e| &e["pid"] == pid && e["name"] == "ProfileChunk") {
        let id = e["id"].as_str().unwrap_or("").to_string();
        let data = &e["args"]["data"];
        for node in data["cpuProfile"]["nodes"].as_array().into_iter().flatten() {
            let frame = &node["callFrame"];
            let url = frame["url"].as_str().unwrap_or("");
            let file = url.rsplit('/').next().unwrap_or("");
            let name = frame["functionName"].as_str().unwrap_or("");
            let label = if file.is_empty() { name.to_string() } else { format!("{name} ({file})") };
            names.insert((id.clone(), node["id"].as_u64().unwrap_or(0)), label);
        }
        let ids = data["cpuProfile"]["samples"].as_array().cloned().unwrap_or_default();
        let deltas = data["timeDeltas"].as_array().cloned().unwrap_or_default();
        for (i, s) in ids.iter().enumerate() {
            let delta = deltas.get(i + 1).and_then(Value::as_f64).unwrap_or(0.0).max(0.0);
            samples.push((id.clone(), s.as_u64().unwrap_or(0), delta / 1000.0));
        }
    }
    for (id, node, ms) in samples {
        let label = names.get(&(id, node)).cloned().unwrap_or_default();
        let ours = label.contains("hn_content")
            || label.contains("loader.js")
            || label.contains("early.js")
            || label.starts_with("$")
            || label.contains("wasm");
        if ours {
            *out.entry(format!("fn {label}")).or_default() += ms;
        }
    }
}
