//! The background's raw `chrome.*` calls that have no typed wrapper here
//! (their options are built where they are used): the toolbar badge, the
//! policy rule, context menus, notifications and scripting. Declared once,
//! so no other crate binds `chrome.*` itself.

use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeText)]
    pub fn set_badge_text(details: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "action"], js_name = setBadgeBackgroundColor)]
    pub fn set_badge_color(details: &JsValue) -> Promise;

    // `catch`: a browser checks the rules before it returns a promise and
    // throws at once for one it cannot take (Firefox: a response-header
    // condition).
    #[wasm_bindgen(catch, js_namespace = ["chrome", "declarativeNetRequest"], js_name = updateDynamicRules)]
    pub fn update_dynamic_rules(options: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = create)]
    pub fn menus_create(props: &JsValue);
    #[wasm_bindgen(js_namespace = ["chrome", "contextMenus"], js_name = removeAll)]
    pub fn menus_remove_all() -> Promise;

    // `catch`: Firefox checks the options before it returns a promise and
    // throws at once for one it does not know.
    #[wasm_bindgen(catch, js_namespace = ["chrome", "notifications"], js_name = create)]
    pub fn notifications_create(id: &str, options: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "notifications"], js_name = clear)]
    pub fn notifications_clear(id: &str) -> Promise;

    #[wasm_bindgen(catch, js_namespace = ["chrome", "scripting"], js_name = executeScript)]
    pub fn execute_script(injection: &JsValue) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_namespace = ["chrome", "scripting"], js_name = getRegisteredContentScripts)]
    pub fn registered_scripts(filter: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "scripting"], js_name = registerContentScripts)]
    pub fn register_scripts(scripts: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "scripting"], js_name = unregisterContentScripts)]
    pub fn unregister_scripts(filter: &JsValue) -> Promise;
}

/// Whether the browser lets the extension raise notifications (`true`
/// where it cannot say: Firefox has no `getPermissionLevel`, so it is
/// looked up rather than bound).
pub async fn notifications_allowed() -> bool {
    use js_sys::Reflect;
    let level = Reflect::get(&js_sys::global(), &"chrome".into())
        .and_then(|c| Reflect::get(&c, &"notifications".into()))
        .and_then(|n| Reflect::get(&n, &"getPermissionLevel".into()).map(|f| (n, f)));
    let Ok((notifications, f)) = level else { return true };
    let Some(f) = f.dyn_ref::<js_sys::Function>() else { return true };
    let Ok(level) = f.call0(&notifications) else { return true };
    match wasm_bindgen_futures::JsFuture::from(Promise::from(level)).await {
        Ok(level) => level.as_string().as_deref() != Some("denied"),
        Err(_) => true,
    }
}
