//! The worker's one binding to `fetch`, shared by every module that talks
//! to Hacker News.

use js_sys::{Object, Promise, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    pub fn fetch(url: &str, init: &JsValue) -> Promise;
}

/// A JSON document (HN's API, HN's search), without the session's cookies
/// and never from the HTTP cache (new replies and posts are the point; the
/// callers keep their own caches). `None` for JSON `null`, which Firebase
/// answers for what does not exist. `who` names the service in errors.
pub async fn get_json<T: DeserializeOwned>(url: &str, who: &str) -> Result<Option<T>, String> {
    let init = Object::new();
    let _ = Reflect::set(&init, &"credentials".into(), &"omit".into());
    let _ = Reflect::set(&init, &"cache".into(), &"no-store".into());
    let response = JsFuture::from(fetch(url, &init))
        .await
        .map_err(|e| format!("{who} did not answer ({})", hn_ext::describe(&e)))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("{who} answered {}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|e| hn_ext::describe(&e))?)
        .await
        .map_err(|e| hn_ext::describe(&e))?
        .as_string()
        .unwrap_or_default();
    let value = js_sys::JSON::parse(&text).map_err(|_| format!("{who} sent something that is not JSON"))?;
    if value.is_null() {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value(value).map(Some).map_err(|e| format!("{who} sent something unexpected ({e})"))
}
