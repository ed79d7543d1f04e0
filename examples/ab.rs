//! Two builds of the extension side by side on one page: the main-thread
//! task and script time each adds to the page (CDP `Performance.getMetrics`,
//! against no extension), in the same run, browsers alternating. A
//! development aid for deciding whether a change made a page cheaper, when
//! this machine's speed varies more between runs than the change does.
//!
//! `cargo run --release --example ab -- DIST_B [DIST_C ...] [target]`
//! compares `dist/` with other builds' `dist` (say, a worktree of an
//! earlier commit);
//! `ROUNDS` (3) browsers per variant, `LOADS` (8) page loads in each;
//! `synth:N` as target is a generated thread of N comments; `STOP_WORKER=1`
//! stops the extension's service worker before every load (as Chrome stops
//! an idle one; every build here has the same extension id).
use std::path::PathBuf;
use std::time::Duration;

use hacker_new::{Harness, Options};
use serde_json::json;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let target = args
        .iter()
        .find(|a| (a.starts_with('/') || a.starts_with("synth:")) && !std::path::Path::new(a.as_str()).exists())
        .cloned();
    let target = target.unwrap_or_else(|| "/news?fixture=ews-news-2026-03".into());
    let others: Vec<PathBuf> =
        args.iter().filter(|a| std::path::Path::new(a.as_str()).is_dir()).map(PathBuf::from).collect();
    assert!(!others.is_empty(), "usage: ab DIST_B [DIST_C ...] [target]");
    let env = |k: &str, d: usize| std::env::var(k).ok().and_then(|v| v.parse().ok()).unwrap_or(d);
    let (rounds, loads) = (env("ROUNDS", 3), env("LOADS", 8));
    let mut variants: Vec<(String, Option<PathBuf>)> =
        vec![("off".into(), None), ("dist".into(), Some(hacker_new::dist()))];
    variants.extend(others.into_iter().map(|o| (o.display().to_string(), Some(o))));
    let mut samples: Vec<Vec<(f64, f64)>> = vec![Vec::new(); variants.len()];
    for round in 0..rounds {
        let mut order: Vec<usize> = (0..variants.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for v in order {
            let (_, dist) = &variants[v];
            let h = Harness::start(Options {
                extension: false,
                others: dist.iter().cloned().collect(),
                wait_for_rule: false,
                ..Options::default()
            })
            .unwrap();
            // Another extension (the benchmark's floor) has no worker.
            if dist.as_ref().is_some_and(|d| d.join("background").is_dir()) {
                h.wait_for_rule().unwrap();
                let _ = h.worker().unwrap().eval("self.hnewHandle({ v: 1, kind: 'welcomed' })");
            }
            std::thread::sleep(Duration::from_secs(3));
            let path = h.mount_target(&target);
            for _ in 0..loads {
                if std::env::var_os("STOP_WORKER").is_some() {
                    hacker_new::stop_worker(&h.browser).unwrap();
                }
                // A build whose loader was emptied (to weigh what the page
                // pays before the module runs) never marks the page applied.
                let runs = dist
                    .as_ref()
                    .is_some_and(|d| std::fs::metadata(d.join("content/loader.js")).is_ok_and(|m| m.len() > 0));
                samples[v].push(load(&h, &path, runs));
            }
        }
        eprintln!("round {}/{rounds}", round + 1);
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let off_task = median(samples[0].iter().map(|s| s.0).collect());
    let off_script = median(samples[0].iter().map(|s| s.1).collect());
    println!("{target}: {} loads each, medians, ms", rounds * loads);
    for (i, (name, _)) in variants.iter().enumerate() {
        let task = median(samples[i].iter().map(|s| s.0).collect());
        let script = median(samples[i].iter().map(|s| s.1).collect());
        println!(
            "{name:<24} task {task:>7.1} (Δ {:>6.1})  script {script:>6.1} (Δ {:>6.1})",
            task - off_task,
            script - off_script
        );
    }
}

/// One load in a fresh tab: (task, script) ms.
fn load(h: &Harness, target: &str, ours: bool) -> (f64, f64) {
    let b = &h.browser;
    let t = b.call(None, "Target.createTarget", json!({"url": "about:blank"})).unwrap();
    let tab = b.attach(t["targetId"].as_str().unwrap()).unwrap();
    tab.call("Performance.enable", json!({})).unwrap();
    tab.navigate(&format!("{}{target}", hacker_new::HN)).unwrap();
    // (The benchmark's wasm floor marks its walk done as `floorMs`.)
    let done = if ours {
        "document.documentElement.dataset.hnewState === 'applied' || document.documentElement.dataset.floorMs !== undefined"
    } else {
        "true"
    };
    tab.wait_until(done, Duration::from_secs(20)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let metrics = tab.call("Performance.getMetrics", json!({})).unwrap();
    let metric = |name: &str| {
        metrics["metrics"]
            .as_array()
            .and_then(|m| m.iter().find(|x| x["name"] == name))
            .and_then(|x| x["value"].as_f64())
            .unwrap_or(0.0)
            * 1000.0
    };
    let out = (metric("TaskDuration"), metric("ScriptDuration"));
    let _ = tab.close();
    out
}
