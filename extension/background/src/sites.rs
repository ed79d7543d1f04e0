//! The sites beyond Hacker News. Each is an optional host permission: the
//! reader turns a site on in the options page (Chrome asks them then), and
//! only while the permission is held does the content script run there
//! (registered here, not in the manifest) and its policy rule exist.
//! Taking the permission back (options page, or Chrome's own site access
//! menu) unregisters both.

use hn_core::site::SiteSpec;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = contains)]
    fn permissions_contains(permissions: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "scripting"], js_name = getRegisteredContentScripts)]
    fn registered(filter: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "scripting"], js_name = registerContentScripts)]
    fn register(scripts: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "scripting"], js_name = unregisterContentScripts)]
    fn unregister(filter: &JsValue) -> Promise;
}

/// The pattern a site's permission and content script match.
pub fn origin(site: &SiteSpec) -> String {
    format!("https://{}/*", site.host)
}

fn script_id(site: &SiteSpec) -> String {
    format!("site-{}", site.id)
}

/// Whether the extension runs on `site`: always on HN (the manifest's
/// content script), on the others while their permission is held.
pub async fn enabled(site: &SiteSpec) -> bool {
    if site.id == "hn" {
        return true;
    }
    let query = Object::new();
    let _ = Reflect::set(&query, &"origins".into(), &Array::of1(&origin(site).into()));
    JsFuture::from(permissions_contains(&query)).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

/// Brings every optional site in line with its permission: the content
/// script registered and the policy rule in force, or neither. Called on
/// install, on start, and whenever permissions change.
pub async fn sync() {
    for site in hn_core::site::SITES.iter().filter(|s| s.id != "hn") {
        let on = enabled(site).await;
        let filter = Object::new();
        let _ = Reflect::set(&filter, &"ids".into(), &Array::of1(&script_id(site).into()));
        let present = JsFuture::from(registered(&filter))
            .await
            .ok()
            .and_then(|v| v.dyn_into::<Array>().ok())
            .is_some_and(|a| a.length() > 0);
        let result = match (on, present) {
            (true, false) => {
                let result = JsFuture::from(register(&Array::of1(&script(site)))).await;
                if result.is_ok() {
                    crate::log(&format!("{}: on", site.name));
                }
                crate::csp_rule::refresh_site(site).await;
                result
            }
            (false, true) => {
                crate::csp_rule::remove(site).await;
                crate::log(&format!("{}: off", site.name));
                JsFuture::from(unregister(&filter)).await
            }
            // Already in line (the daily alarm refreshes the rule).
            _ => Ok(JsValue::UNDEFINED),
        };
        if let Err(e) = result {
            crate::log(&format!("{}: content script not (un)registered: {}", site.name, hn_ext::describe(&e)));
        }
    }
}

/// The same content script as the manifest's for HN, plus the site's own
/// styles for its markup.
fn script(site: &SiteSpec) -> JsValue {
    let s = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&s, &k.into(), v);
    };
    set("id", &script_id(site).into());
    set("matches", &Array::of1(&origin(site).into()).into());
    set("js", &Array::of2(&"content/hn_content.js".into(), &"content/loader.js".into()).into());
    set("css", &Array::of2(&"content/content.css".into(), &format!("content/{}.css", site.id).into()).into());
    set("runAt", &"document_end".into());
    s.into()
}
