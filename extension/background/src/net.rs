//! The worker's one binding to `fetch`, shared by every module that talks
//! to Hacker News.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    pub fn fetch(url: &str, init: &JsValue) -> Promise;
}
