//! System notifications: raised with what their click does, remembered in
//! `chrome.storage.local` so a worker started by the click still knows.

use hn_ext::chrome::{notifications_clear, notifications_create};
use std::collections::BTreeMap;

use js_sys::{Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const KEY: &str = "notes";
/// Clicks remembered at most (the oldest are forgotten).
const KEPT: usize = 50;

/// What a click does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Click {
    /// Open a page; the replies named are marked read.
    Open {
        url: String,
        #[serde(default)]
        replies: Vec<u64>,
    },
    /// Open a tab of the options page.
    Options { tab: String },
}

/// Raises a notification; `false` when the browser refused it.
pub async fn raise(id: &str, title: &str, message: &str, click: Click) -> bool {
    let mut clicks = clicks().load().await;
    clicks.insert(id.to_string(), (js_sys::Date::now(), click));
    while clicks.len() > KEPT {
        let oldest = clicks.iter().min_by(|a, b| a.1 .0.total_cmp(&b.1 .0)).map(|(k, _)| k.clone());
        clicks.remove(&oldest.unwrap_or_default());
    }
    let _ = hn_ext::set_typed(hn_ext::Area::Local, KEY, &clicks).await;
    show(id, title, message).await
}

/// Shows a notification whose click the caller handles itself.
pub async fn show(id: &str, title: &str, message: &str) -> bool {
    let options = Object::new();
    let _ = Reflect::set(&options, &"type".into(), &"basic".into());
    let _ = Reflect::set(&options, &"iconUrl".into(), &hn_ext::runtime_get_url("icons/128.png").into());
    let _ = Reflect::set(&options, &"title".into(), &title.into());
    let _ = Reflect::set(&options, &"message".into(), &message.into());
    let _ = Reflect::set(&options, &"requireInteraction".into(), &JsValue::TRUE);
    let mut created = create(id, &options).await;
    if created.is_err() {
        // Firefox refuses `requireInteraction` (it throws "Unexpected
        // property"): the notification goes without it.
        let _ = Reflect::delete_property(&options, &"requireInteraction".into());
        created = create(id, &options).await;
    }
    match created {
        Ok(_) => true,
        Err(e) => {
            crate::log(&format!("notification refused: {}", hn_ext::describe(&e)));
            false
        }
    }
}

/// `notifications.create`, its refusal an error whether the browser throws
/// or rejects.
async fn create(id: &str, options: &Object) -> Result<JsValue, JsValue> {
    JsFuture::from(notifications_create(id, options)?).await
}

pub async fn clear(id: &str) {
    let _ = JsFuture::from(notifications_clear(id)).await;
}

/// A notification raised by [`raise`] was clicked: does what it says and
/// returns `true`; `false` for one this module did not raise.
pub async fn clicked(id: &str) -> bool {
    let mut clicks = clicks().load().await;
    let Some((_, click)) = clicks.remove(id) else { return false };
    let _ = hn_ext::set_typed(hn_ext::Area::Local, KEY, &clicks).await;
    clear(id).await;
    let url = match click {
        Click::Open { url, replies } => {
            // Only a page of the sites: a record planted in storage (it is
            // closed to pages, but not in every browser) opens nothing else.
            if hn_core::site::of_url(&url).is_none() {
                crate::log(&format!("a notification's click would have opened {url}: not a page of the sites, left"));
                return true;
            }
            if !replies.is_empty() {
                crate::replies::mark_read(Some(replies)).await;
            }
            url
        }
        Click::Options { tab } => hn_ext::runtime_get_url(&format!("popup/options.html#{tab}")),
    };
    open_tab(&url).await;
    true
}

pub async fn open_tab(url: &str) {
    if let Err(e) = hn_ext::open_tab(url).await {
        crate::log(&format!("could not open {url}: {e}"));
    }
}

/// Whether the browser lets the extension raise notifications.
pub async fn allowed() -> bool {
    hn_ext::chrome::notifications_allowed().await
}

/// What each open notification opens when clicked.
fn clicks() -> hn_ext::Stored<BTreeMap<String, (f64, Click)>> {
    hn_ext::Stored::new(hn_ext::Area::Local, KEY, "the notifications' click record")
}
