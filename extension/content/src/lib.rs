//! The content script. `run` is called by the loader once the wasm is
//! instantiated: it reads which site and page kind this is, then hands the
//! page to the feature manager, which runs every feature that applies, each
//! isolated from the others.

mod dom;
mod features;
mod manager;

use hn_core::site::{self, PageKind, SiteSpec};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// What every feature gets: where it runs, and the page.
pub struct Ctx {
    pub site: &'static SiteSpec,
    pub kind: PageKind,
    pub document: web_sys::Document,
    pub root: web_sys::Element,
}

#[wasm_bindgen]
pub fn run() {
    let Some(window) = web_sys::window() else { return };
    let Some(document) = window.document() else { return };
    let Some(root) = document.document_element() else { return };
    let location = window.location();
    let host = location.host().unwrap_or_default();
    let Some(site) = site::for_host(&host) else { return };
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    let kind = (site.page_kind)(&path, query.trim_start_matches('?'));
    let ctx = Ctx { site, kind, document, root };
    manager::run_all(&ctx);
}

/// Bytes of linear memory the module holds, for the benchmarks.
#[wasm_bindgen]
pub fn memory_bytes() -> u32 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map(|b| b.byte_length()).unwrap_or(0))
        .unwrap_or(0)
}
