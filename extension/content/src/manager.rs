//! The feature manager: runs each registered feature that applies to the
//! page, catches its failure, logs it by id, and switches it off for this
//! page without touching the others.

use std::cell::RefCell;

use crate::features::{Feature, REGISTRY};
use crate::{dom, Shared};

thread_local! {
    /// Ids of the features running on this page.
    static RUNNING: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    static FAILED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// The page's clock, for the per-feature timings the benchmark reads.
pub fn now() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

#[cfg(not(feature = "more"))]
thread_local! {
    static APPLIED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

thread_local! {
    static TIMINGS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Records how long a step took, in tenths of a millisecond (no float
/// formatting in the content script).
pub fn timed(name: &str, since: f64) {
    let tenths = ((now() - since) * 10.0) as u32;
    TIMINGS.with(|t| t.borrow_mut().push(format!("{name}={}.{}", tenths / 10, tenths % 10)));
}

pub fn init_all(ctx: &Shared) {
    for feature in REGISTRY {
        if !(feature.applies)(ctx) {
            continue;
        }
        let start = now();
        let result = (feature.init)(ctx);
        timed(feature.id, start);
        match result {
            Ok(()) => RUNNING.with(|r| r.borrow_mut().push(feature.id)),
            Err(e) => fail(ctx, feature, &e),
        }
    }
    publish();
}

/// Hands the (new) user state to every running feature.
pub fn apply_state_all(ctx: &Shared) {
    let running: Vec<&'static str> = RUNNING.with(|r| r.borrow().clone());
    for feature in REGISTRY.iter().filter(|f| running.contains(&f.id)) {
        if let Some(apply) = feature.apply {
            let start = now();
            let result = apply(ctx);
            timed(&format!("{}.apply", feature.id), start);
            if let Err(e) = result {
                RUNNING.with(|r| r.borrow_mut().retain(|id| *id != feature.id));
                fail(ctx, feature, &e);
            }
        }
    }
    publish();
    dom::set_data(&ctx.root, "hnew-state", "applied");
    // How many times a state was applied here (the start-up module's
    // count): tests wait for it to grow after a change, rather than sleep.
    #[cfg(not(feature = "more"))]
    {
        let n = APPLIED.with(|a| {
            a.set(a.get() + 1);
            a.get()
        });
        dom::report("hnew-applied", &n.to_string());
    }
    // When the state was first applied, ms since navigation (the benchmark
    // compares it with the end of parsing).
    dom::report_first("hnew-state-ms", &(now() as u32).to_string());
}

/// Tells running features that rows were appended, then re-applies the
/// state so filters, follows and settings cover the new rows.
pub fn rows_added(ctx: &Shared, stories: std::ops::Range<usize>, comments: std::ops::Range<usize>) {
    let running: Vec<&'static str> = RUNNING.with(|r| r.borrow().clone());
    for feature in REGISTRY.iter().filter(|f| running.contains(&f.id)) {
        if let Some(added) = feature.added {
            if let Err(e) = added(ctx, stories.clone(), comments.clone()) {
                RUNNING.with(|r| r.borrow_mut().retain(|id| *id != feature.id));
                fail(ctx, feature, &e);
            }
        }
    }
    apply_state_all(ctx);
    #[cfg(not(feature = "more"))]
    crate::wake::rows_added();
}

fn fail(_ctx: &Shared, feature: &Feature, e: &str) {
    // A panic would abort the whole module (panic = "abort" keeps it small),
    // so features return errors instead; this is where an error becomes
    // "off on this page".
    dom::log(&format!("feature {} switched off on this page: {e}", feature.id));
    FAILED.with(|f| f.borrow_mut().push(feature.id));
}

/// Features switched off on this page so far.
pub fn failed() -> Vec<&'static str> {
    FAILED.with(|f| f.borrow().clone())
}

/// Reports what runs and what failed, for the tests and the benchmark
/// (diagnostics mode): both modules' features in one list (the second module adds
/// its own to the first's), timings per module.
fn publish() {
    let timings = TIMINGS.with(|t| t.borrow().join(" "));
    let timings_name = if cfg!(feature = "more") { "hnew-more-timings" } else { "hnew-timings" };
    dom::report(timings_name, &timings);
    let running = RUNNING.with(|r| r.borrow().clone());
    merge("hnew-features", &running);
    let failed = FAILED.with(|f| f.borrow().clone());
    if !failed.is_empty() {
        merge("hnew-failed", &failed);
    }
}

/// Adds `ids` to a space-separated list report, each once.
fn merge(name: &str, ids: &[&'static str]) {
    dom::report_words(name, &ids.join(" "));
}
