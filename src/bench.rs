//! `cargo run --release -- bench`: the benchmarks that print figures.
//!
//! Page enhancement: each page is loaded in a fresh tab of a fresh profile per
//! variant, variants alternating round by round, all on the same replica:
//! - `off`: no extension (the page's own cost);
//! - `floor`: a plain JavaScript content script that visits every story and
//!   comment row once, adding a class and a span (the least any extension
//!   that marks rows can do);
//! - `wasm floor`: the same walk in Rust (`extension/bench-floor`), loaded
//!   as ours is — this extension with its content script's module swapped
//!   for the walk's: compiled while the page is parsed, instantiated at its
//!   end (the least any extension whose page logic is WebAssembly can do);
//! - `ours`: Hacker New;
//! - `ours, worker stopped`: Hacker New with its service worker stopped just
//!   before the page loads (as Chrome stops an idle worker after ~30 s, so
//!   most page loads wake it);
//! - the peers from `../shared/anchors` when present.
//!
//! Each sample also counts the requests the variant added (to HN, its API
//! and its search, beyond the page and its own static files), and for ours
//! how long after the end of parsing the reader's state was applied.
//! Then: the first hover card and the first share menu on a front page,
//! from the gesture, as the module holding them loads on first use.
//!
//! For `ours` and `floor` the page itself records the time from the content
//! script's start to its last effect; for every variant CDP's
//! `Performance.getMetrics` gives the main-thread script and task time of the
//! whole load, so peers are compared on the same footing.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use hn_browser::{Browser, Launch};
use hn_replica::{Replica, HN_HOST};
use serde_json::{json, Value};

use crate::Result;

struct Variant {
    name: &'static str,
    extension: Option<PathBuf>,
    /// Expression that is truthy once the variant has done its work.
    done: &'static str,
    mv2: bool,
    /// Stop the extension's service worker before each page.
    stop_worker: bool,
}

/// Ours is done once the reader's state is applied (filters, follows).
const OURS_DONE: &str = "document.documentElement.dataset.hnewState === 'applied'";

struct PageCase {
    name: String,
    target: String,
    rows: usize,
}

#[derive(Default, Clone)]
struct Sample {
    script_ms: f64,
    task_ms: f64,
    style_ms: f64,
    layout_ms: f64,
    /// In-page: content script start to last effect (ours, floor).
    effect_ms: Option<f64>,
    /// Fetch and compile, started before the page is parsed (in parallel).
    compile_ms: Option<f64>,
    instantiate_ms: Option<f64>,
    run_ms: Option<f64>,
    memory: Option<f64>,
    errors: usize,
    /// Requests the variant sent beyond the page and its static files.
    requests: usize,
    /// Ours: the state applied, ms after the end of parsing.
    state_ms: Option<f64>,
}

pub fn bench(args: &[String]) -> Result {
    if args.iter().any(|a| a == "--sizes") {
        let mut report = String::new();
        sizes_table(&mut report)?;
        println!("{report}");
        return Ok(());
    }
    crate::setup::ensure_chromium()?;
    let quick = args.iter().any(|a| a == "--quick");
    let rounds = if quick { 3 } else { 7 };
    let replica = Replica::start_default()?;
    let pages = mount_pages(&replica)?;
    let variants = variants()?;

    let mut samples: Vec<Vec<Vec<Sample>>> = vec![vec![Vec::new(); pages.len()]; variants.len()];
    let mut version = String::new();
    for round in 0..rounds {
        // Alternate the order of variants each round.
        let order: Vec<usize> =
            if round % 2 == 0 { (0..variants.len()).collect() } else { (0..variants.len()).rev().collect() };
        for &v in &order {
            let variant = &variants[v];
            let browser = launch(&replica, variant)?;
            if version.is_empty() {
                version = browser.version().unwrap_or_default();
            }
            if variant.name.starts_with("ours") || variant.name == "wasm floor" {
                wait_for_rule(&browser)?;
            }
            // Every variant starts from a browser at rest: a fresh profile's
            // start (and an extension's install work) competes with the
            // first page for the two cores otherwise.
            std::thread::sleep(Duration::from_secs(SETTLE_S));
            for (p, page) in pages.iter().enumerate() {
                // A peer that cannot finish a page in time (Comments Owl on
                // the 3,000-comment thread) loses that sample, not the run.
                match measure(&replica, &browser, variant, page) {
                    Ok(s) => samples[v][p].push(s),
                    Err(e) => eprintln!("note: {} on {}: {e} (sample left out)", variant.name, page.name),
                }
            }
            browser.close();
        }
        eprintln!("round {}/{rounds} done", round + 1);
    }

    let scroll = endless_scroll(&replica, rounds)?;
    let (paint, ready) = popup_open(&replica, rounds)?;
    let (card, menu) = first_use(&replica, rounds)?;
    let mut report = String::new();
    header(&mut report, &version, rounds);
    enhancement_table(&mut report, &variants, &pages, &samples);
    let [card_cold, card_moved] = card;
    let [menu_cold, menu_moved] = menu;
    let _ = writeln!(
        report,
        "\n## First use\n\nOn a front page just loaded, the module for what readers do by hand not loaded yet, \
         from the gesture to what it asked for (median of {rounds}; target 50 ms). The first share menu: \
         {} ms after the click with nothing before it, {} ms when the pointer had moved over the page first \
         (which starts fetching the module). The first hover card, after its {} ms hover delay: {} ms, and {} ms.\n",
        fmt(median(menu_cold)),
        fmt(median(menu_moved)),
        CARD_DELAY_MS,
        fmt(median(card_cold)),
        fmt(median(card_moved)),
    );
    let _ = writeln!(
        report,
        "\n## Endless scroll\n\nTrigger to page 2 appended and enhanced, HN answering after {} ms (median of {rounds}): {} ms\n",
        SCROLL_LATENCY_MS,
        fmt(median(scroll))
    );
    let _ = writeln!(
        report,
        "## Popup\n\nOpening `popup/popup.html` (a fresh page each time, median of {rounds}): first paint {} ms, \
         the app rendered with the user's state {} ms after navigation start.\n",
        fmt(median(paint)),
        fmt(median(ready))
    );
    let real = hn_sync::capacity::usernames(replica.fixtures().hn_pages().map(|f| f.body.as_slice()));
    core_table(&mut report, &real);
    sizes_table(&mut report)?;
    println!("{report}");
    let out = hacker_new::artifacts().join("bench.md");
    std::fs::create_dir_all(out.parent().unwrap_or(Path::new(".")))?;
    std::fs::write(&out, &report)?;
    eprintln!("report written to {}", out.display());
    Ok(())
}

fn mount_pages(replica: &Replica) -> Result<Vec<PageCase>> {
    let f = replica.fixtures();
    let template = f.by_rel("item/easyhn-item-48350598.html").ok_or("the 2026 thread fixture is missing")?;
    let template = String::from_utf8_lossy(&template.body).to_string();
    let thread_2026 = f
        .address_of("item/ews-story-artemis-withdead-2026-04.html")
        .ok_or("the 161-comment 2026 thread fixture is missing")?;
    let mut pages = vec![
        PageCase { name: "front page (30 stories)".into(), target: "/news".into(), rows: 30 },
        PageCase { name: "thread, 161 comments (2026)".into(), target: thread_2026, rows: 162 },
        PageCase { name: "largest real thread (273)".into(), target: "/item?id=30883015".into(), rows: 274 },
    ];
    for n in [1000usize, 3000] {
        let html = hn_replica::synth::thread(&template, n, 90_000_000, 7).ok_or("cannot generate a thread")?;
        let target = format!("/item?id={}", 80_000_000 + n);
        replica.mount(HN_HOST, &target, "text/html; charset=utf-8", html.into_bytes());
        pages.push(PageCase { name: format!("synthetic thread ({n})"), target, rows: n + 1 });
    }
    // The front page is the first page each fresh browser loads (cold: the
    // glue's JavaScript compiled the first time, every wasm function on its
    // first call); loaded again at the end, as most page loads are.
    pages.push(PageCase { name: "front page, loaded again".into(), target: "/news".into(), rows: 30 });
    Ok(pages)
}

fn variants() -> Result<Vec<Variant>> {
    let floor = floor_extension()?;
    let plain = |name, extension, done| Variant { name, extension, done, mv2: false, stop_worker: false };
    let mut v = vec![
        plain("off", None, "true"),
        plain("floor", Some(floor), "document.documentElement.dataset.floorMs"),
        plain("wasm floor", Some(wasm_floor_extension()?), "document.documentElement.dataset.floorMs"),
        plain("ours", Some(hacker_new::dist()), OURS_DONE),
        Variant { stop_worker: true, ..plain("ours, worker stopped", Some(hacker_new::dist()), OURS_DONE) },
    ];
    let anchors = std::env::var_os("HN_ANCHORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| hacker_new::root().join("../shared/anchors"));
    let rhn = anchors.join("refined-hacker-news/extension");
    if rhn.join("manifest.json").exists() {
        v.push(Variant {
            name: "refined-hn",
            extension: Some(rhn),
            done: "document.querySelector('[class^=__rhn__]') || true",
            mv2: true,
            stop_worker: false,
        });
    } else {
        eprintln!("note: Refined Hacker News not found in {}", anchors.display());
    }
    let owl = anchors.join("comments-owl/extension");
    if owl.join("manifest.json").exists() {
        v.push(plain("comments-owl", Some(owl), "true"));
    }
    let companion = anchors.join("hn-companion/extension");
    if companion.join("manifest.json").exists() {
        v.push(plain("hn-companion", Some(companion), "true"));
    } else {
        eprintln!("note: HN Companion not found in {}", anchors.display());
    }
    Ok(v)
}

/// The WebAssembly floor: a copy of `dist` (its policy rule, its early
/// compile) whose content script's module is the walk of
/// `extension/bench-floor` (built by `build.rs` into `target/bench-floor`),
/// run as soon as it is instantiated.
fn wasm_floor_extension() -> Result<PathBuf> {
    let root = hacker_new::root();
    let walk = root.join("target").join("bench-floor");
    let dir = root.join("target").join("bench-wasm-floor");
    let _ = std::fs::remove_dir_all(&dir);
    hacker_new::copy_tree(&hacker_new::dist(), &dir)?;
    // What Chromium wrote into the unpacked extension it loaded.
    let _ = std::fs::remove_dir_all(dir.join("_metadata"));
    for (from, to) in [("hn_bench_floor.js", "hn_content.js"), ("hn_bench_floor_bg.wasm", "hn_content_bg.wasm")] {
        std::fs::copy(walk.join(from), dir.join("content").join(to))
            .map_err(|e| format!("{}: {e} (built by `cargo build`)", walk.join(from).display()))?;
    }
    std::fs::write(
        dir.join("content").join("loader.js"),
        "(function(){var m=self.hnewCompiled||Promise.resolve(chrome.runtime.getURL('content/hn_content_bg.wasm'));\
         m.then(function(x){return wasm_bindgen({module_or_path:x});}).then(function(){wasm_bindgen.run();})\
         .catch(function(e){console.warn('wasm floor:',e);});})();",
    )?;
    Ok(dir)
}

/// The floor: an unpacked MV3 extension whose content script is a plain
/// JavaScript walk over every row.
fn floor_extension() -> Result<PathBuf> {
    let dir = hacker_new::root().join("target").join("bench-floor");
    std::fs::create_dir_all(&dir)?;
    let manifest = json!({
        "manifest_version": 3, "name": "floor", "version": "1",
        "content_scripts": [{ "matches": ["https://news.ycombinator.com/*"], "js": ["floor.js"], "run_at": "document_end" }]
    });
    std::fs::write(dir.join("manifest.json"), serde_json::to_string(&manifest)?)?;
    std::fs::write(
        dir.join("floor.js"),
        "(function(){var t0=performance.now();var rows=document.querySelectorAll('tr.athing');\
         for(var i=0;i<rows.length;i++){var r=rows[i];r.classList.add('floor-mark');var s=document.createElement('span');\
         s.className='floor-span';var c=r.lastElementChild;if(c)c.appendChild(s);}\
         document.documentElement.dataset.floorMs=(performance.now()-t0).toFixed(3);})();",
    )?;
    Ok(dir)
}

fn launch(replica: &Replica, variant: &Variant) -> Result<Browser> {
    let mut args = replica.chromium_args();
    if variant.mv2 {
        args.push("--disable-features=ExtensionManifestV2Unsupported,ExtensionManifestV2Disabled".into());
    }
    Ok(Browser::launch(Launch {
        extensions: variant.extension.iter().cloned().collect(),
        args,
        profile: None,
        headed: false,
    })?)
}

fn wait_for_rule(browser: &Browser) -> Result {
    let worker = browser.extension_worker(hacker_new::EXTENSION_ID, Duration::from_secs(20))?;
    hacker_new::expect_rule(&worker)?;
    // A daily reader dismissed the line a new install shows long ago.
    worker.eval("self.hnewHandle({ v: 1, kind: 'welcomed' })")?;
    // The run's timings and counts on the root, where the benchmark reads them.
    worker.eval("chrome.storage.session.set({ diagnostics: true }).then(() => true)")?;
    Ok(())
}

/// Requests seen since `from` that are not the page itself or a static file
/// of the page: what the variant asked of HN, its API and its search.
fn added_requests(replica: &Replica, from: usize, page: &str) -> usize {
    let is_static = |t: &str| {
        let path = t.split('?').next().unwrap_or(t);
        [".css", ".js", ".svg", ".gif", ".png", ".ico"].iter().any(|x| path.ends_with(x))
    };
    replica.seen()[from..].iter().filter(|s| s.target != page && !is_static(&s.target)).count()
}

fn measure(replica: &Replica, browser: &Browser, variant: &Variant, page: &PageCase) -> Result<Sample> {
    if variant.stop_worker {
        hacker_new::stop_worker(browser)?;
    }
    let from = replica.seen().len();
    let t = browser.call(None, "Target.createTarget", json!({"url": "about:blank"}))?;
    let id = t["targetId"].as_str().ok_or("no target")?.to_string();
    let s = browser.attach(&id)?;
    s.call("Page.enable", json!({}))?;
    s.call("Performance.enable", json!({}))?;
    s.navigate(&format!("{}{}", hacker_new::HN, page.target))?;
    s.wait_until(variant.done, Duration::from_secs(30))?;
    // Let late work (peers' fetches and timers) land in the metrics.
    let peer = variant.mv2 || matches!(variant.name, "comments-owl" | "hn-companion");
    std::thread::sleep(Duration::from_millis(if peer { 1500 } else { 300 }));
    let metrics = s.call("Performance.getMetrics", json!({}))?;
    let metric = |name: &str| -> f64 {
        metrics["metrics"]
            .as_array()
            .and_then(|m| m.iter().find(|x| x["name"] == name))
            .and_then(|x| x["value"].as_f64())
            .unwrap_or(0.0)
    };
    let data = s.eval("({ ...document.documentElement.dataset })")?;
    let num = |v: &Value, k: &str| v[k].as_str().and_then(|s| s.parse::<f64>().ok());
    let mut sample = Sample {
        script_ms: metric("ScriptDuration") * 1000.0,
        task_ms: metric("TaskDuration") * 1000.0,
        style_ms: metric("RecalcStyleDuration") * 1000.0,
        layout_ms: metric("LayoutDuration") * 1000.0,
        errors: s.exceptions().len(),
        ..Sample::default()
    };
    sample.requests = added_requests(replica, from, &page.target);
    match variant.name {
        "ours" | "ours, worker stopped" => {
            sample.state_ms = s
                .eval(
                    "+document.documentElement.dataset.hnewStateMs - \
                     performance.getEntriesByType('navigation')[0].domInteractive",
                )?
                .as_f64();
            sample.compile_ms = num(&data, "hnewCompileMs");
            sample.instantiate_ms = num(&data, "hnewInstantiateMs");
            sample.run_ms = num(&data, "hnewRunMs");
            sample.effect_ms = sample.instantiate_ms.zip(sample.run_ms).map(|(a, b)| a + b);
            sample.memory = num(&data, "hnewMemory");
        }
        "floor" | "wasm floor" => sample.effect_ms = num(&data, "floorMs"),
        _ => {}
    }
    let _ = page.rows;
    s.close()?;
    Ok(sample)
}

const SCROLL_LATENCY_MS: u64 = 200;

/// Seconds a freshly started browser is left alone before the pages load.
const SETTLE_S: u64 = 3;

/// Opens the front page with HN answering page 2 after a fixed delay, and
/// reads how long the append took, as the page measured it.
fn endless_scroll(replica: &Replica, rounds: usize) -> Result<Vec<f64>> {
    let ours =
        Variant { name: "ours", extension: Some(hacker_new::dist()), done: "true", mv2: false, stop_worker: false };
    let mut out = Vec::new();
    for _ in 0..rounds {
        replica.clear_faults();
        replica.fault("/news?p=2", hn_replica::Fault::Latency(Duration::from_millis(SCROLL_LATENCY_MS)), None);
        let browser = launch(replica, &ours)?;
        wait_for_rule(&browser)?;
        let s = browser.open(&format!("{}/news", hacker_new::HN))?;
        s.eval("window.scrollTo(0, document.documentElement.scrollHeight), true")?;
        let v = s.wait_until("document.documentElement.dataset.hnewAppendMs", Duration::from_secs(30))?;
        if let Some(ms) = v.as_str().and_then(|x| x.parse::<f64>().ok()) {
            out.push(ms);
        }
        browser.close();
    }
    replica.clear_faults();
    Ok(out)
}

/// Time from navigation start to the popup's first paint, and to the app
/// rendered with the user's state (`main[data-ready=true]`).
fn popup_open(replica: &Replica, rounds: usize) -> Result<(Vec<f64>, Vec<f64>)> {
    let ours =
        Variant { name: "ours", extension: Some(hacker_new::dist()), done: "true", mv2: false, stop_worker: false };
    let browser = launch(replica, &ours)?;
    // The worker is up (as it is when a user clicks the icon after browsing).
    browser.extension_worker(hacker_new::EXTENSION_ID, Duration::from_secs(20))?;
    let (mut paint, mut ready) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let s = browser.open(&format!("chrome-extension://{}/popup/popup.html", hacker_new::EXTENSION_ID))?;
        let v = s.wait_until(
            "document.querySelector('main[data-ready=true]') && \
             [+document.querySelector('main').dataset.readyMs, (performance.getEntriesByType('paint')[0] || {}).startTime || 0]",
            Duration::from_secs(20),
        )?;
        if let (Some(r), Some(p)) = (v[0].as_f64(), v[1].as_f64()) {
            ready.push(r);
            paint.push(p);
        }
        let _ = s.close();
    }
    browser.close();
    Ok((paint, ready))
}

/// The user card's hover delay (`user_card::SHOW_DELAY_MS`).
const CARD_DELAY_MS: f64 = 350.0;

/// On a fresh front page: the pointer moves to the first share control and
/// clicks it; then to the first username and rests. Returns, per round, the
/// time from the hover to the card (less its delay) and from the click to
/// the menu, as the page measured them.
/// Per kind of first use, a sample per round.
type FirstUse = [Vec<f64>; 2];

fn first_use(replica: &Replica, rounds: usize) -> Result<(FirstUse, FirstUse)> {
    let ours =
        Variant { name: "ours", extension: Some(hacker_new::dist()), done: "true", mv2: false, stop_worker: false };
    let (mut cards, mut menus) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
    for _ in 0..rounds {
        let browser = launch(replica, &ours)?;
        wait_for_rule(&browser)?;
        std::thread::sleep(Duration::from_secs(SETTLE_S));
        // Each on a page of its own, so each is a first use: once straight
        // from the page's load, once after the pointer moved over the page
        // (as a reader's does on the way to a control), which starts
        // fetching and compiling the module.
        for (i, moved) in [false, true].into_iter().enumerate() {
            menus[i].extend(gesture(&browser, "button.hnew-share", true, moved, "benchMenu", "benchClick")?);
            cards[i].extend(
                gesture(&browser, "a.hnuser", false, moved, "benchCard", "benchHover")?.map(|c| c - CARD_DELAY_MS),
            );
        }
        browser.close();
    }
    Ok((cards, menus))
}

/// Opens a front page, moves the pointer to the first `target` (and clicks
/// it), and returns the page's own time from the gesture to what it asked
/// for (`shown` set by the observer below, `at` by the gesture).
fn gesture(browser: &Browser, target: &str, click: bool, moved: bool, shown: &str, at: &str) -> Result<Option<f64>> {
    let s = browser.open(&format!("{}/news", hacker_new::HN))?;
    s.wait_until(OURS_DONE, Duration::from_secs(30))?;
    if moved {
        s.call("Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": 5, "y": 5 }))?;
        std::thread::sleep(Duration::from_millis(300));
    }
    s.eval(
        "(() => { const d = document.documentElement.dataset; \
          addEventListener('click', () => { d.benchClick ??= performance.now(); }, true); \
          addEventListener('mouseover', e => { if (e.target.closest('a.hnuser')) d.benchHover ??= performance.now(); }, true); \
          new MutationObserver(() => { \
            if (document.querySelector('.hnew-share-menu:not([hidden])')) d.benchMenu ??= performance.now(); \
            if (document.querySelector('.hnew-card:not([hidden])')) d.benchCard ??= performance.now(); \
          }).observe(document.body, { childList: true, subtree: true, attributes: true }); return true; })()",
    )?;
    let r = s.eval(&format!(
        "(() => {{ const r = document.querySelector({target:?}).getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
    ))?;
    let (x, y) = (r[0].as_f64().unwrap_or(0.0), r[1].as_f64().unwrap_or(0.0));
    let mut kinds = vec!["mouseMoved"];
    if click {
        kinds.extend(["mousePressed", "mouseReleased"]);
    }
    for kind in kinds {
        s.call("Input.dispatchMouseEvent", json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }))?;
    }
    let d = "document.documentElement.dataset";
    let v = s.wait_until(&format!("{d}.{shown} && ({d}.{shown} - {d}.{at})"), Duration::from_secs(10))?;
    let _ = s.close();
    Ok(v.as_f64())
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    Some(xs[xs.len() / 2])
}

fn fmt(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.1}"))
}

fn header(out: &mut String, browser: &str, rounds: usize) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(hacker_new::root())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let _ = writeln!(out, "# Hacker New benchmarks\n");
    let _ =
        writeln!(out, "machine: {cpu}, {cores} cores; browser: {browser}; commit: {commit}; median of {rounds} runs\n");
}

fn enhancement_table(out: &mut String, variants: &[Variant], pages: &[PageCase], samples: &[Vec<Vec<Sample>>]) {
    let _ = writeln!(out, "## Page enhancement (ms, median)\n");
    let _ = writeln!(
        out,
        "Content-script start (the end of parsing) to last effect, in the page. Ours compiles its wasm \
         while the page is parsed (the first column, in parallel, not in the total); after parsing it \
         instantiates the compiled module and runs the features:\n"
    );
    let _ = writeln!(out, "| page | floor (plain JS walk) | wasm floor (the walk in Rust) | ours: compile (during parse) | ours: instantiate | ours: features | ours: total | ours / floor (features) | wasm memory |");
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    let idx = |name: &str| variants.iter().position(|v| v.name == name);
    for (p, page) in pages.iter().enumerate() {
        let col = |v: Option<usize>, f: fn(&Sample) -> Option<f64>| {
            v.and_then(|v| median(samples[v][p].iter().filter_map(f).collect()))
        };
        let floor = col(idx("floor"), |s| s.effect_ms);
        let wasm_floor = col(idx("wasm floor"), |s| s.effect_ms);
        let compile = col(idx("ours"), |s| s.compile_ms);
        let inst = col(idx("ours"), |s| s.instantiate_ms);
        let run = col(idx("ours"), |s| s.run_ms);
        let total = col(idx("ours"), |s| s.effect_ms);
        let mem = col(idx("ours"), |s| s.memory);
        let ratio = run.zip(floor).map(|(r, f)| r / f.max(0.001));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            page.name,
            fmt(floor),
            fmt(wasm_floor),
            fmt(compile),
            fmt(inst),
            fmt(run),
            fmt(total),
            ratio.map_or("–".into(), |r| format!("{r:.2}x")),
            mem.map_or("–".into(), |m| format!("{:.0} KiB", m / 1024.0)),
        );
    }
    let _ = writeln!(
        out,
        "\nWhole load, main thread (CDP `Performance.getMetrics`: script / task ms; page errors; \
         then style recalculation / layout ms):\n"
    );
    let mut head = "| page |".to_string();
    let mut rule = "|---|".to_string();
    for v in variants {
        head.push_str(&format!(" {} |", v.name));
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{head}\n{rule}");
    for (p, page) in pages.iter().enumerate() {
        let mut row = format!("| {} |", page.name);
        for (v, _) in variants.iter().enumerate() {
            let s = &samples[v][p];
            let script = median(s.iter().map(|x| x.script_ms).collect());
            let task = median(s.iter().map(|x| x.task_ms).collect());
            let errors: usize = s.iter().map(|x| x.errors).max().unwrap_or(0);
            let style = median(s.iter().map(|x| x.style_ms).collect());
            let layout = median(s.iter().map(|x| x.layout_ms).collect());
            row.push_str(&format!(
                " {} / {}{}; {} / {} |",
                fmt(script),
                fmt(task),
                if errors > 0 { format!(" ({errors} err)") } else { String::new() },
                fmt(style),
                fmt(layout)
            ));
        }
        let _ = writeln!(out, "{row}");
    }
    let _ = writeln!(
        out,
        "\nAgainst no extension: Δ main-thread task ms (Δ script ms) of each variant; ours against the floor \
         (target: at most 1.5x the floor's Δtask and below both peers') and against the wasm floor (the \
         least a WebAssembly content script pays); the requests each added per page \
         (median); and when ours applied the reader's state (filters, follows, tags), ms after the end of \
         parsing (target: within 100 ms), warm and with its worker stopped:\n"
    );
    let mut head = "| page |".to_string();
    let mut rule = "|---|".to_string();
    for v in variants.iter().filter(|v| v.name != "off") {
        head.push_str(&format!(" {} |", v.name));
        rule.push_str("---|");
    }
    head.push_str(
        " ours / floor | ours / wasm floor | requests added (per variant) | state applied (warm / worker stopped) |",
    );
    rule.push_str("---|---|---|---|");
    let _ = writeln!(out, "{head}\n{rule}");
    let off = idx("off");
    for (p, page) in pages.iter().enumerate() {
        let med = |v: usize, f: fn(&Sample) -> f64| median(samples[v][p].iter().map(f).collect());
        let delta = |v: usize, f: fn(&Sample) -> f64| off.and_then(|o| Some(med(v, f)? - med(o, f)?));
        let mut row = format!("| {} |", page.name);
        let mut requests = Vec::new();
        for (v, variant) in variants.iter().enumerate().filter(|(_, v)| v.name != "off") {
            row.push_str(&format!(" {} ({}) |", fmt(delta(v, |s| s.task_ms)), fmt(delta(v, |s| s.script_ms))));
            requests.push(format!("{} {}", variant.name, fmt(med(v, |s| s.requests as f64))));
        }
        let ratio = |floor: &str| {
            idx("ours").zip(idx(floor)).and_then(|(o, f)| {
                let (o, f) = (delta(o, |s| s.task_ms)?, delta(f, |s| s.task_ms)?);
                Some(o / f.max(1.0))
            })
        };
        let ratio = |floor: &str| ratio(floor).map_or("–".into(), |r| format!("{r:.2}x"));
        let state =
            |name: &str| idx(name).and_then(|v| median(samples[v][p].iter().filter_map(|s| s.state_ms).collect()));
        row.push_str(&format!(
            " {} | {} | {} | {} / {} |",
            ratio("floor"),
            ratio("wasm floor"),
            requests.join(", "),
            fmt(state("ours")),
            fmt(state("ours, worker stopped"))
        ));
        let _ = writeln!(out, "{row}");
    }
}

/// Native timings of the pure core: filter matching and thread operations.
fn core_table(out: &mut String, real_names: &[String]) {
    use hn_core::filters::{CommentFacts, FilterRule, FilterSet, RuleKind, StoryFacts, Target};
    use std::time::Instant;
    let rules: Vec<FilterRule> = (0..1000)
        .map(|i| {
            let kind = match i % 3 {
                0 => RuleKind::Keyword,
                1 => RuleKind::User,
                _ => RuleKind::Domain,
            };
            let pattern = match kind {
                RuleKind::Domain => format!("site{i}.example.com"),
                _ => format!("word{i}"),
            };
            FilterRule::new(kind, &pattern, Target::Both)
        })
        .collect();
    let texts: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                "comment {i} says the quick brown fox jumps over the lazy dog and talks about word{} at length",
                i * 7
            )
        })
        .collect();
    let users: Vec<String> = (0..3000).map(|i| format!("user{i}")).collect();
    let time = |f: &mut dyn FnMut() -> usize| -> (f64, usize) {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..15 {
            let t = Instant::now();
            n = f();
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        }
        (best, n)
    };
    let (compile_ms, _) = time(&mut || FilterSet::compile(&rules).is_empty() as usize);
    let set = FilterSet::compile(&rules);
    let (users_ms, hid_users) =
        time(&mut || users.iter().filter(|u| set.hides_comment(&CommentFacts { user: Some(u), text: None })).count());
    let (texts_ms, hid_texts) = time(&mut || {
        texts
            .iter()
            .zip(&users)
            .filter(|(t, u)| set.hides_comment(&CommentFacts { user: Some(u), text: Some(t) }))
            .count()
    });
    let (stories_ms, _) = time(&mut || {
        (0..30)
            .filter(|i| {
                let title = format!("Story {i}: word{} considered harmful", i * 11);
                let domain = format!("blog.site{}.example.com", i * 3 + 2);
                set.hides_story(&StoryFacts { title: &title, domain: Some(&domain), user: Some("someone"), tags: &[] })
            })
            .count()
    });
    let depths: Vec<u32> = {
        let mut d = Vec::with_capacity(3000);
        let mut x: u32 = 0;
        for i in 0..3000u32 {
            x = if i == 0 { 0 } else { (i.wrapping_mul(2654435761) >> 28) % (x + 2) };
            d.push(x.min(12));
        }
        d
    };
    let (thread_ms, _) = time(&mut || (0..depths.len()).map(|i| hn_core::thread::descendants(&depths, i).len()).sum());
    let _ = writeln!(out, "\n## Core and sync (native; core: best of 15)\n");
    let _ = writeln!(out, "| operation | ms |\n|---|---|");
    let _ = writeln!(out, "| compile 1,000 filter rules | {compile_ms:.3} |");
    let _ = writeln!(out, "| match 30 stories against 1,000 rules | {stories_ms:.4} |");
    let _ = writeln!(out, "| match 3,000 comment authors against 1,000 rules ({hid_users} hidden) | {users_ms:.3} |");
    let _ = writeln!(
        out,
        "| match 3,000 comments (author and text) against 1,000 rules ({hid_texts} hidden) | {texts_ms:.3} |"
    );
    let _ = writeln!(out, "| subthread ranges of all 3,000 comments | {thread_ms:.3} |");
    // Sync at the capacity size (one run each: these take milliseconds).
    let c = hn_sync::capacity::measure(real_names);
    let s = c.shape;
    let what = format!(
        "{} follows ({} real usernames), {} filters, {} notes, {} share items, {} tombstones",
        s.follows, c.real_names, s.filters, s.notes, s.share, s.tombstones
    );
    match c.encoded {
        Some((bytes, items)) => {
            let _ = writeln!(
                out,
                "| sync: encode {what} ({bytes} bytes in {items} items, {} % of the quota) | {:.2} |",
                bytes * 100 / hn_sync::QUOTA_BYTES,
                c.encode_ms
            );
        }
        None => {
            let _ = writeln!(out, "| sync: {what} does not fit the quota | – |");
        }
    }
    let _ = writeln!(out, "| sync: merge two such states | {:.2} |", c.merge_ms);
    let _ = writeln!(out, "| sync: decode and merge another device's items | {:.2} |", c.merge_items_ms);
    let _ = writeln!(
        out,
        "\nThe largest follow count that fits with the rest: {} (follows made 37 s apart), {} (at random times, 3 h apart on average).",
        c.largest_follows, c.largest_follows_random
    );
}

fn sizes_table(out: &mut String) -> Result {
    let _ = writeln!(out, "\n## Sizes (bytes)\n\n| file | raw | gzip -9 | budget (gzip) |\n|---|---|---|---|");
    let dist = hacker_new::dist();
    let mut files = Vec::new();
    for dir in ["content", "background", "popup"] {
        for e in std::fs::read_dir(dist.join(dir))? {
            let p = e?.path();
            if matches!(p.extension().and_then(|x| x.to_str()), Some("wasm" | "js")) {
                files.push(p);
            }
        }
    }
    files.sort();
    for p in files {
        let raw = std::fs::metadata(&p)?.len();
        let gz = Command::new("gzip").arg("-9c").arg(&p).output().map(|o| o.stdout.len()).ok();
        let rel = p.strip_prefix(&dist).unwrap_or(&p).display().to_string();
        let budget = hacker_new::BUDGETS
            .iter()
            .find(|b| b.files == [rel.as_str()])
            .map_or(String::new(), |b| format!("{} KB", b.bytes / 1000));
        let _ = writeln!(out, "| {rel} | {raw} | {} | {budget} |", gz.map_or("–".into(), |g| g.to_string()));
    }
    let _ = writeln!(out, "\nBudgets (gzip -9, checked by `tests/budgets.rs`):\n");
    for b in hacker_new::BUDGETS {
        let total: u64 = b.files.iter().filter_map(|f| hacker_new::gzipped(f).ok()).sum();
        let verdict = if total <= b.bytes {
            "within"
        } else if b.enforced {
            "OVER"
        } else {
            "over (target not met yet)"
        };
        let _ = writeln!(out, "- {}: {total} bytes, budget {} KB: {verdict}", b.what, b.bytes / 1000);
    }
    let _ = writeln!(
        out,
        "\nWhat the code is made of, by crate (function bodies before wasm-bindgen and wasm-opt, from the name section):\n"
    );
    let built = hacker_new::root().join("target/wasm/wasm32-unknown-unknown/wasm");
    for module in ["hn_content", "hn_content_more", "hn_popup", "hn_background"] {
        let Ok(bytes) = std::fs::read(built.join(format!("{module}.wasm"))) else { continue };
        let groups = code_by_crate(&bytes);
        let total: usize = groups.iter().map(|g| g.1).sum();
        let top: Vec<String> = groups
            .iter()
            .take(7)
            .map(|(c, n)| format!("{c} {:.0}%", *n as f64 * 100.0 / total.max(1) as f64))
            .collect();
        let _ = writeln!(out, "- `{module}` ({} KB of code): {}", total / 1024, top.join(", "));
    }
    Ok(())
}

fn leb(b: &[u8], i: &mut usize) -> Option<usize> {
    let (mut r, mut shift) = (0usize, 0);
    loop {
        let x = *b.get(*i)?;
        *i += 1;
        r |= usize::from(x & 0x7f) << shift;
        shift += 7;
        if x < 0x80 || shift > 63 {
            return Some(r);
        }
    }
}

/// Code bytes per crate: function body sizes from the code section, named
/// by the name section (legacy-mangled `_ZN<len><crate>…`), largest first.
fn code_by_crate(b: &[u8]) -> Vec<(String, usize)> {
    let (mut imported, mut bodies, mut names) = (0usize, Vec::new(), std::collections::HashMap::new());
    let mut i = 8;
    while i < b.len() {
        let id = b[i];
        i += 1;
        let Some(size) = leb(b, &mut i) else { break };
        let end = (i + size).min(b.len());
        let mut j = i;
        match id {
            2 => {
                // Imports: count the functions, which come first in the index space.
                let n = leb(b, &mut j).unwrap_or(0);
                for _ in 0..n {
                    for _ in 0..2 {
                        let l = leb(b, &mut j).unwrap_or(0);
                        j += l;
                    }
                    let kind = b.get(j).copied().unwrap_or(0);
                    j += 1;
                    match kind {
                        0 => {
                            imported += 1;
                            leb(b, &mut j);
                        }
                        1 => {
                            j += 1;
                            let flags = leb(b, &mut j).unwrap_or(0);
                            leb(b, &mut j);
                            if flags & 1 == 1 {
                                leb(b, &mut j);
                            }
                        }
                        2 => {
                            let flags = leb(b, &mut j).unwrap_or(0);
                            leb(b, &mut j);
                            if flags & 1 == 1 {
                                leb(b, &mut j);
                            }
                        }
                        _ => j += 2,
                    }
                }
            }
            10 => {
                let n = leb(b, &mut j).unwrap_or(0);
                for _ in 0..n {
                    let l = leb(b, &mut j).unwrap_or(0);
                    bodies.push(l);
                    j += l;
                }
            }
            0 => {
                let l = leb(b, &mut j).unwrap_or(0);
                if b.get(j..j + l) == Some(b"name") {
                    j += l;
                    while j < end {
                        let sub = b[j];
                        j += 1;
                        let ss = leb(b, &mut j).unwrap_or(0);
                        let next = j + ss;
                        if sub == 1 {
                            let n = leb(b, &mut j).unwrap_or(0);
                            for _ in 0..n {
                                let idx = leb(b, &mut j).unwrap_or(0);
                                let l = leb(b, &mut j).unwrap_or(0);
                                names.insert(idx, String::from_utf8_lossy(&b[j..(j + l).min(b.len())]).to_string());
                                j += l;
                            }
                        }
                        j = next;
                    }
                }
            }
            _ => {}
        }
        i = end;
    }
    let mut groups: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (k, size) in bodies.iter().enumerate() {
        let name = names.get(&(imported + k)).map_or("?", String::as_str);
        *groups.entry(crate_of(name)).or_default() += size;
    }
    let mut v: Vec<(String, usize)> = groups.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.1));
    v
}

fn crate_of(name: &str) -> String {
    let Some(rest) = name.strip_prefix("_ZN") else {
        return name.split("::").next().unwrap_or("?").trim_start_matches('<').to_string();
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let len: usize = digits.parse().unwrap_or(0);
    let ident = rest.get(digits.len()..digits.len() + len).unwrap_or("?");
    // `<Type as Trait>::f`: the type's crate.
    match ident.strip_prefix("_$LT$") {
        Some(t) => t.split("..").next().unwrap_or("?").trim_start_matches("$RF$").to_string(),
        None => ident.to_string(),
    }
}
