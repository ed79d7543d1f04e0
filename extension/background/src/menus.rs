//! The browser's context menu on HN pages ("Add to share buffer" for the
//! page, a link, or the selected text) and the keyboard command that opens
//! the focused item's share menu. Both are passed to the page's content
//! script, which alone knows which story or comment is meant.

use hn_core::message::Push;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const COMMAND_SHARE: &str = "share-focused";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = create)]
    fn menus_create(props: &JsValue);
    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = removeAll)]
    fn menus_remove_all() -> js_sys::Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = sendMessage)]
    fn tabs_send_message(tab: i32, message: &JsValue) -> js_sys::Promise;
}

/// Creates the menu items (on install and update; Chrome keeps them).
pub async fn install() {
    let _ = JsFuture::from(menus_remove_all()).await;
    // Every site's pages; its threads (HN's `item`, Lobsters' `s/`).
    let everywhere: Array =
        hn_core::site::SITES.iter().map(|s| JsValue::from(format!("https://{}/*", s.host))).collect();
    let threads = Array::of2(&"https://news.ycombinator.com/item*".into(), &"https://lobste.rs/s/*".into());
    for (id, context, title, patterns) in [
        ("share-page", "page", "Add this story to the share buffer", &threads),
        ("share-link", "link", "Add this link's story to the share buffer", &everywhere),
        ("share-selection", "selection", "Add \u{201c}%s\u{201d} to the share buffer", &everywhere),
    ] {
        let props = Object::new();
        let _ = Reflect::set(&props, &"id".into(), &id.into());
        let _ = Reflect::set(&props, &"title".into(), &title.into());
        let _ = Reflect::set(&props, &"contexts".into(), &Array::of1(&context.into()));
        let _ = Reflect::set(&props, &"documentUrlPatterns".into(), patterns);
        menus_create(&props);
    }
}

fn tab_id(tab: &JsValue) -> Option<i32> {
    Reflect::get(tab, &"id".into()).ok().and_then(|v| v.as_f64()).map(|v| v as i32)
}

async fn tell(tab: &JsValue, push: Push) -> bool {
    let Some(id) = tab_id(tab) else { return false };
    match JsFuture::from(tabs_send_message(id, &JsValue::from_str(&push.text()))).await {
        Ok(_) => true,
        Err(e) => {
            // A tab whose content script is not running (an old page, the
            // extension just updated) cannot answer.
            crate::log(&format!("the page did not answer: {}", hn_ext::describe(&e)));
            false
        }
    }
}

/// A context menu item was chosen.
pub async fn clicked(info: JsValue, tab: JsValue) -> bool {
    let text = |name: &str| Reflect::get(&info, &name.into()).ok().and_then(|v| v.as_string());
    let Some(what) = text("menuItemId") else { return false };
    tell(&tab, Push::ContextShare { what, selection: text("selectionText") }).await
}

/// A keyboard command (`chrome.commands`) was pressed.
pub async fn command(name: String, tab: JsValue) -> bool {
    if name != COMMAND_SHARE {
        return false;
    }
    tell(&tab, Push::OpenShare).await
}
