//! The popup and options page: one Yew app. State lives in a pure reducer
//! (`state.rs`); the root turns actions into callbacks and is the only place
//! that talks to the background (through `service.rs`).
#![forbid(unsafe_code)]

mod app;
mod service;
mod state;
mod views;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(start)]
pub fn start() {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app")) else {
        return;
    };
    yew::Renderer::<app::App>::with_root(root).render();
}
