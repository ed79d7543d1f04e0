//! What each filter rule hid, per open HN tab: pages report their counts,
//! the popup asks for the current tab's. Kept in `chrome.storage.local`,
//! since the worker may stop between the report and the question, and
//! forgotten when the browser starts or the extension is updated (tab ids
//! start again). Not in session storage: that area is open to pages, and
//! these name other tabs' addresses.

use std::collections::BTreeMap;

use hn_core::message::Response;
use js_sys::{Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const KEY: &str = "filter_hits";
/// Tabs remembered at once.
const MAX_TABS: usize = 50;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct TabHits {
    url: String,
    at: f64,
    hits: BTreeMap<String, u32>,
}

async fn load() -> BTreeMap<String, TabHits> {
    hn_ext::Stored::new(hn_ext::Area::Local, KEY, "the filters' counts per tab").load().await
}

async fn save(all: &BTreeMap<String, TabHits>) {
    let _ = hn_ext::set_typed(hn_ext::Area::Local, KEY, all).await;
}

/// Forgets every tab's counts (their tabs are gone).
pub async fn forget() {
    let _ = hn_ext::remove(hn_ext::Area::Local, KEY).await;
}

/// A page's counts, from the tab the message came from (its `sender`).
pub async fn report(sender: &wasm_bindgen::JsValue, hits: BTreeMap<String, u32>) -> Response {
    let tab = js_sys::Reflect::get(sender, &"tab".into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    let id = js_sys::Reflect::get(&tab, &"id".into()).ok().and_then(|v| v.as_f64()).map(|v| v as i32);
    let url = js_sys::Reflect::get(&tab, &"url".into()).ok().and_then(|v| v.as_string());
    let Some(tab) = id else { return Response::Error { message: "only pages report filter counts".into() } };
    let mut all = load().await;
    all.insert(tab.to_string(), TabHits { url: url.unwrap_or_default(), at: js_sys::Date::now(), hits });
    while all.len() > MAX_TABS {
        let oldest = all.iter().min_by(|a, b| a.1.at.total_cmp(&b.1.at)).map(|(k, _)| k.clone());
        match oldest {
            Some(k) => all.remove(&k),
            None => break,
        };
    }
    save(&all).await;
    // An open popup shows the counts live; with none open, nobody listens.
    hn_ext::tell_pages(&hn_core::message::Push::HitsChanged.text()).await;
    Response::Done
}

/// The active tab's counts if it is an HN page that reported; else the most
/// recent report (the options page, open in its own tab, shows the HN tab
/// last used).
pub async fn current() -> Response {
    let all = load().await;
    let query = Object::new();
    let _ = Reflect::set(&query, &"active".into(), &JsValue::TRUE);
    let _ = Reflect::set(&query, &"lastFocusedWindow".into(), &JsValue::TRUE);
    let active = JsFuture::from(hn_ext::tabs_query(&query))
        .await
        .ok()
        .and_then(|tabs| js_sys::Array::from(&tabs).get(0).into())
        .and_then(|t: JsValue| Reflect::get(&t, &"id".into()).ok())
        .and_then(|id| id.as_f64())
        .map(|id| (id as i32).to_string());
    let chosen = active.and_then(|id| all.get(&id)).or_else(|| all.values().max_by(|a, b| a.at.total_cmp(&b.at)));
    match chosen {
        Some(t) => Response::FilterHits { url: Some(t.url.clone()), hits: t.hits.clone() },
        None => Response::FilterHits { url: None, hits: BTreeMap::new() },
    }
}
