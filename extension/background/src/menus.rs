//! The browser's context menu ("Add to the share buffer" for the page, a
//! selection, a link or an image, on every web page) and the keyboard
//! commands: one opens the focused item's share menu on HN and Lobsters,
//! one adds the current page anywhere. On the sites' pages the choice is
//! passed to the content script, which alone knows which story or comment
//! is meant; elsewhere the background adds the page itself, from what the
//! browser tells it with the gesture (`activeTab`): no script runs there.

use hn_core::message::Push;
use hn_core::share::WebShare;
use hn_core::text;
use hn_ext::chrome::{menus_create, menus_remove_all};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const COMMAND_SHARE: &str = "share-focused";
pub const COMMAND_ADD_PAGE: &str = "add-page";

/// Creates the menu items (on install and update; Chrome keeps them).
pub async fn install() {
    let _ = JsFuture::from(menus_remove_all()).await;
    let web = Array::of2(&"https://*/*".into(), &"http://*/*".into());
    for (id, context, title) in [
        ("share-page", "page", text::MENU_QUEUE_PAGE),
        ("share-link", "link", text::MENU_QUEUE_LINK),
        ("share-selection", "selection", text::MENU_QUEUE_SELECTION),
        ("share-image", "image", text::MENU_QUEUE_IMAGE),
    ] {
        let props = Object::new();
        let _ = Reflect::set(&props, &"id".into(), &id.into());
        let _ = Reflect::set(&props, &"title".into(), &title.into());
        let _ = Reflect::set(&props, &"contexts".into(), &Array::of1(&context.into()));
        let _ = Reflect::set(&props, &"documentUrlPatterns".into(), &web);
        menus_create(&props);
    }
}

/// Whether a tab shows a page of one of the sites (its content script
/// knows the stories and comments there).
fn on_a_site(tab: &JsValue) -> bool {
    field(tab, "url").is_some_and(|url| hn_core::site::of_url(&url).is_some())
}

fn field(from: &JsValue, name: &str) -> Option<String> {
    Reflect::get(from, &name.into()).ok().and_then(|v| v.as_string())
}

fn tab_id(tab: &JsValue) -> Option<i32> {
    Reflect::get(tab, &"id".into()).ok().and_then(|v| v.as_f64()).map(|v| v as i32)
}

async fn tell(tab: &JsValue, push: Push) -> bool {
    let Some(id) = tab_id(tab) else { return false };
    match hn_ext::send_to_tab(id, &push.text()).await {
        Ok(_) => true,
        Err(e) => {
            // A tab whose content script is not running (an old page, the
            // extension just updated) cannot answer.
            crate::log(&format!("the page did not answer: {e}"));
            false
        }
    }
}

/// A context menu item was chosen.
pub async fn clicked(info: JsValue, tab: JsValue) -> bool {
    let Some(what) = field(&info, "menuItemId") else { return false };
    if on_a_site(&tab) && what != "share-image" {
        return tell(&tab, Push::ContextShare { what, selection: field(&info, "selectionText") }).await;
    }
    let page_url = field(&tab, "url").or_else(|| field(&info, "pageUrl")).unwrap_or_default();
    let title = field(&tab, "title").unwrap_or_default();
    let share = match what.as_str() {
        "share-selection" => WebShare::Quote(field(&info, "selectionText").unwrap_or_default()),
        "share-link" => WebShare::Link {
            url: field(&info, "linkUrl").unwrap_or_default(),
            // Firefox names the link's text; Chrome does not.
            text: field(&info, "linkText"),
        },
        "share-image" => WebShare::Image { url: field(&info, "srcUrl").unwrap_or_default() },
        _ => WebShare::Page,
    };
    crate::share::add_web(&page_url, &title, share).await
}

/// A keyboard command (`chrome.commands`) was pressed.
pub async fn command(name: String, tab: JsValue) -> bool {
    match name.as_str() {
        COMMAND_SHARE => tell(&tab, Push::OpenShare).await,
        COMMAND_ADD_PAGE if on_a_site(&tab) => {
            tell(&tab, Push::ContextShare { what: "share-page".into(), selection: None }).await
        }
        COMMAND_ADD_PAGE => {
            let page_url = field(&tab, "url").unwrap_or_default();
            crate::share::add_web(&page_url, &field(&tab, "title").unwrap_or_default(), WebShare::Page).await
        }
        _ => false,
    }
}
