//! The sites beyond Hacker News. Each is an optional host permission: the
//! reader turns a site on in the options page (Chrome asks them then), and
//! only while the permission is held does the content script run there
//! (registered here, not in the manifest) and its policy rule exist.
//! Taking the permission back (options page, or Chrome's own site access
//! menu) unregisters both.

use hn_core::site::SiteSpec;
use hn_ext::chrome::{register_scripts, registered_scripts, unregister_scripts};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The pattern a site's permission and content script match.
pub fn origin(site: &SiteSpec) -> String {
    format!("https://{}/*", site.host)
}

fn script_id(site: &SiteSpec) -> String {
    format!("site-{}", site.id)
}

/// The script that puts the look in place before the page is parsed.
fn early_id(site: &SiteSpec) -> String {
    format!("site-{}-early", site.id)
}

/// Whether the extension runs on `site`: always on HN (the manifest's
/// content script), on the others while their permission is held.
pub async fn enabled(site: &SiteSpec) -> bool {
    if hn_core::site::is_hn(site.id) {
        return true;
    }
    hn_ext::site_access(hn_ext::Access::Has, site.host).await.unwrap_or(false)
}

/// Brings every optional site in line with its permission: the content
/// script registered and the policy rule in force, or neither. Called on
/// install, on start, and whenever permissions change.
pub async fn sync() {
    for site in hn_core::site::SITES.iter().filter(|s| !hn_core::site::is_hn(s.id)) {
        let on = enabled(site).await;
        let filter = Object::new();
        let ids = Array::of2(&early_id(site).into(), &script_id(site).into());
        let _ = Reflect::set(&filter, &"ids".into(), &ids);
        // Both scripts, or (registered by an older version) only the main
        // one: what is there is unregistered by its own ids (naming one that
        // is not there fails the whole call).
        let found = JsFuture::from(registered_scripts(&filter))
            .await
            .ok()
            .and_then(|v| v.dyn_into::<Array>().ok())
            .map(|a| a.iter().filter_map(|s| Reflect::get(&s, &"id".into()).ok()).collect::<Array>())
            .unwrap_or_default();
        let present = Object::new();
        let _ = Reflect::set(&present, &"ids".into(), &found);
        let result = match (on, found.length()) {
            // Already in line (the daily alarm refreshes the rule).
            (true, 2) | (false, 0) => Ok(JsValue::UNDEFINED),
            (true, count) => {
                if count > 0 {
                    let _ = JsFuture::from(unregister_scripts(&present)).await;
                }
                let result = JsFuture::from(register_scripts(&scripts(site))).await;
                if result.is_ok() {
                    crate::log(&format!("{}: on", site.name));
                }
                crate::csp_rule::refresh_site(site).await;
                result
            }
            (false, _) => {
                crate::csp_rule::remove(site).await;
                crate::log(&format!("{}: off", site.name));
                JsFuture::from(unregister_scripts(&present)).await
            }
        };
        if let Err(e) = result {
            crate::log(&format!("{}: content script not (un)registered: {}", site.name, hn_ext::describe(&e)));
        }
    }
}

/// The same content scripts as the manifest's for HN, plus the site's own
/// styles for its markup.
fn scripts(site: &SiteSpec) -> Array {
    let make = |id: String, js: Array, run_at: &str| {
        let s = Object::new();
        let set = |k: &str, v: &JsValue| {
            let _ = Reflect::set(&s, &k.into(), v);
        };
        set("id", &id.into());
        set("matches", &Array::of1(&origin(site).into()).into());
        set("js", &js.into());
        set("runAt", &run_at.into());
        s
    };
    let early = make(early_id(site), Array::of1(&"content/early.js".into()), "document_start");
    let css = Array::of2(&"content/content.css".into(), &format!("content/{}.css", site.id).into());
    let _ = Reflect::set(&early, &"css".into(), &css);
    let main =
        make(script_id(site), Array::of2(&"content/hn_content.js".into(), &"content/loader.js".into()), "document_end");
    Array::of2(&early, &main)
}

/// The stylesheet that keeps HN's story and comment rows unpainted from
/// the first frame until the content script has applied the reader's
/// filters (`content/pending.css`), registered only while a filter is on.
/// A stylesheet registered by the browser is in place before the page's
/// first style pass, where a class set by `early.js` after reading storage
/// could come a frame late.
const HOLD_ID: &str = "hn-hold-rows";

thread_local! {
    static HOLDING: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
}

/// Registers or unregisters the rows' hold as filters turn on or off.
pub async fn hold_rows(on: bool) {
    if HOLDING.with(|h| h.get()) == Some(on) {
        return;
    }
    let filter = Object::new();
    let _ = Reflect::set(&filter, &"ids".into(), &Array::of1(&HOLD_ID.into()));
    let present = JsFuture::from(registered_scripts(&filter))
        .await
        .ok()
        .and_then(|v| v.dyn_into::<Array>().ok())
        .is_some_and(|a| a.length() > 0);
    let result = match (on, present) {
        (true, false) => {
            let s = Object::new();
            let set = |k: &str, v: &JsValue| {
                let _ = Reflect::set(&s, &k.into(), v);
            };
            set("id", &HOLD_ID.into());
            set("matches", &Array::of1(&origin(&hn_core::site::hn::SITE).into()).into());
            set("css", &Array::of1(&"content/pending.css".into()).into());
            set("runAt", &"document_start".into());
            JsFuture::from(register_scripts(&Array::of1(&s))).await
        }
        (false, true) => JsFuture::from(unregister_scripts(&filter)).await,
        _ => Ok(JsValue::UNDEFINED),
    };
    match result {
        Ok(_) => HOLDING.with(|h| h.set(Some(on))),
        Err(e) => crate::log(&format!("the rows' hold not (un)registered: {}", hn_ext::describe(&e))),
    }
}
