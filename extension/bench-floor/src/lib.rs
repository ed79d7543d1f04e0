//! The benchmark's WebAssembly floor (`cargo run --release -- bench`): what
//! the plain-JavaScript floor does — visit every story and comment row once,
//! adding a class and a span — written in Rust and loaded the way Hacker
//! New's content script is (compiled while the page is parsed, instantiated
//! at its end). What it costs a page beyond the JavaScript floor is the
//! least any content script whose logic is WebAssembly pays. Not shipped:
//! the build puts it under `target/bench-floor/`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn now() -> f64;
}

/// Walks the rows, then records the time it took as `data-floor-ms` on the
/// root (what the benchmark waits for and reads).
#[wasm_bindgen]
pub fn run() {
    let started = now();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(rows) = document.query_selector_all("tr.athing") else { return };
    for i in 0..rows.length() {
        let Some(row) = rows.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        let _ = row.class_list().add_1("floor-mark");
        let Ok(span) = document.create_element("span") else { continue };
        span.set_class_name("floor-span");
        if let Some(cell) = row.last_element_child() {
            let _ = cell.append_child(&span);
        }
    }
    if let Some(root) = document.document_element() {
        // Whole microseconds, as integers: a float's formatting would be
        // most of this module.
        let us = ((now() - started) * 1000.0) as u64;
        let _ = root.set_attribute("data-floor-ms", &format!("{}.{:03}", us / 1000, us % 1000));
    }
}
