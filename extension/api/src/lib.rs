//! The extension's only bindings to `chrome.*`, written by hand for the few
//! calls we make (a binding crate would bring hundreds we do not), and the
//! typed request/response helper every part uses to reach the background.
// No unsafe code but the allocator's (`heap`).
#![deny(unsafe_code)]

pub mod chrome;
pub mod de;
// The one place that may: the content script's allocator.
#[allow(unsafe_code)]
pub mod heap;

mod stored;
pub use stored::Stored;

use hn_core::message::{Envelope, Request, Response};
use js_sys::{Object, Promise};
use serde::Serialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = contains)]
    fn permissions_contains(permissions: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = request)]
    fn permissions_request(permissions: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "permissions"], js_name = remove)]
    fn permissions_remove(permissions: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage)]
    fn runtime_send_message(message: &JsValue) -> Promise;
    /// Listens for messages sent to this extension page.
    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = addListener)]
    pub fn on_message(listener: &Closure<dyn FnMut(JsValue)>);
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getURL)]
    pub fn runtime_get_url(path: &str) -> String;
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getManifest)]
    fn runtime_get_manifest() -> Object;

    /// `chrome.tabs.query`: tabs by address pattern need only the host
    /// permission, the active tab's address `activeTab`.
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = query)]
    pub fn tabs_query(query: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = getCurrent)]
    fn tabs_get_current() -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = create)]
    fn tabs_create(properties: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "tabs"], js_name = sendMessage)]
    fn tabs_send_message(tab: i32, message: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create)]
    fn alarms_create(name: &str, info: &JsValue);
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = clear)]
    fn alarms_clear(name: &str) -> Promise;

    #[wasm_bindgen(js_namespace = ["chrome", "storage", "sync"], js_name = get)]
    fn sync_get(keys: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "sync"], js_name = set)]
    fn sync_set(items: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = get)]
    fn local_get(keys: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = set)]
    fn local_set(items: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "local"], js_name = remove)]
    fn local_remove(keys: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "sync"], js_name = remove)]
    fn sync_remove(keys: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = get)]
    fn session_get(keys: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = set)]
    fn session_set(items: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "storage", "session"], js_name = remove)]
    fn session_remove(keys: &JsValue) -> Promise;
}

/// When an alarm fires.
#[derive(Clone, Copy, Debug)]
pub enum When {
    /// Every so many minutes.
    Every(f64),
    /// Once, so many minutes from now.
    After(f64),
    /// Once, at this time (ms since the epoch).
    At(f64),
}

/// Sets (or replaces) the alarm `name` (`chrome.alarms.create`).
pub fn alarm(name: &str, when: When) {
    let info = Object::new();
    let (field, value) = match when {
        When::Every(minutes) => ("periodInMinutes", minutes),
        When::After(minutes) => ("delayInMinutes", minutes),
        When::At(ms) => ("when", ms),
    };
    let _ = js_sys::Reflect::set(&info, &field.into(), &JsValue::from_f64(value));
    alarms_create(name, &info);
}

/// Clears the alarm `name`, if set.
pub async fn clear_alarm(name: &str) {
    let _ = JsFuture::from(alarms_clear(name)).await;
}

/// Opens `url` in a new tab.
pub async fn open_tab(url: &str) -> Result<(), String> {
    let props = Object::new();
    let _ = js_sys::Reflect::set(&props, &"url".into(), &url.into());
    JsFuture::from(tabs_create(&props)).await.map(|_| ()).map_err(|e| describe(&e))
}

/// Sends a message (a push's text) to the content script of tab `id`; an
/// error when it has none listening.
pub async fn send_to_tab(id: i32, message: &str) -> Result<JsValue, String> {
    JsFuture::from(tabs_send_message(id, &JsValue::from_str(message))).await.map_err(|e| describe(&e))
}

/// This extension's id (`chrome.runtime.id`).
pub fn runtime_id() -> String {
    let get =
        |obj: &JsValue, key: &str| js_sys::Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
    let runtime = get(&get(&js_sys::global(), "chrome"), "runtime");
    get(&runtime, "id").as_string().unwrap_or_default()
}

/// Which `chrome.storage` area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Synced across the user's browsers; small and rate-limited.
    Sync,
    /// This device only.
    Local,
    /// This browser session only, in memory: what pages read before they
    /// are parsed (the look, the page state), the one area open to them.
    Session,
}

/// The extension's version from its manifest.
pub fn version() -> String {
    js_sys::Reflect::get(&runtime_get_manifest(), &"version".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// A readable message from a rejected promise or thrown value.
pub fn describe(err: &JsValue) -> String {
    if let Some(s) = err.as_string() {
        return s;
    }
    js_sys::Reflect::get(err, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{err:?}"))
}

/// Sends a request to the background and decodes its answer.
pub async fn ask(request: Request) -> Result<Response, String> {
    ask_for(request).await
}

/// [`ask`], reading the answer as `R`.
pub async fn ask_for<Q: serde::Serialize, R: serde::de::DeserializeOwned>(request: Q) -> Result<R, String> {
    let reply = ask_raw(request).await?;
    de::from_value(reply).map_err(|e| format!("{} ({e})", hn_core::text::ERROR_ANSWER_UNREADABLE))
}

/// [`ask`], the answer left as the background sent it.
pub async fn ask_raw<Q: serde::Serialize>(request: Q) -> Result<JsValue, String> {
    let message = Envelope::new(request)
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| e.to_string())?;
    send(&message).await
}

/// Sends a request already written as text (a page's: see
/// `hn_core::message::PageRequest::text`); the answer as the background
/// sent it.
pub async fn ask_text(text: &str) -> Result<JsValue, String> {
    send(&JsValue::from_str(text)).await
}

/// Sends a message to the background; its answer, or why there is none.
async fn send(message: &JsValue) -> Result<JsValue, String> {
    let reply = JsFuture::from(runtime_send_message(message)).await.map_err(|e| describe(&e))?;
    if reply.is_undefined() || reply.is_null() {
        return Err(hn_core::text::ERROR_BACKGROUND_SILENT.into());
    }
    Ok(reply)
}

/// `chrome.storage.<area>.get(keys)`: a key, a list of keys, or null for all.
fn area_get(area: Area, keys: &JsValue) -> Promise {
    match area {
        Area::Sync => sync_get(keys),
        Area::Local => local_get(keys),
        Area::Session => session_get(keys),
    }
}

/// `chrome.storage.<area>.set(items)`.
fn area_set(area: Area, items: &JsValue) -> Promise {
    match area {
        Area::Sync => sync_set(items),
        Area::Local => local_set(items),
        Area::Session => session_set(items),
    }
}

/// `chrome.storage.<area>.remove(keys)`: a key or a list of keys.
fn area_remove(area: Area, keys: &JsValue) -> Promise {
    match area {
        Area::Sync => sync_remove(keys),
        Area::Local => local_remove(keys),
        Area::Session => session_remove(keys),
    }
}

/// Reads one key; `None` when absent.
pub async fn get(area: Area, key: &str) -> Result<Option<JsValue>, String> {
    let items = JsFuture::from(area_get(area, &JsValue::from_str(key))).await.map_err(|e| describe(&e))?;
    let value = js_sys::Reflect::get(&items, &JsValue::from_str(key)).map_err(|e| describe(&e))?;
    Ok((!value.is_undefined()).then_some(value))
}

/// Reads several keys at once: an object of those present.
pub async fn get_keys(area: Area, keys: &[String]) -> Result<Object, String> {
    let list: js_sys::Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
    Ok(JsFuture::from(area_get(area, &list)).await.map_err(|e| describe(&e))?.unchecked_into())
}

/// Writes one key. Chrome refuses writes over its quotas: the error says so.
pub async fn set(area: Area, key: &str, value: &JsValue) -> Result<(), String> {
    let items = Object::new();
    js_sys::Reflect::set(&items, &JsValue::from_str(key), value).map_err(|e| describe(&e))?;
    set_items(area, &items).await
}

/// Writes several keys in one operation (all or none).
pub async fn set_items(area: Area, items: &Object) -> Result<(), String> {
    JsFuture::from(area_set(area, items)).await.map_err(|e| describe(&e))?;
    Ok(())
}

/// Removes one key.
pub async fn remove(area: Area, key: &str) -> Result<(), String> {
    JsFuture::from(area_remove(area, &JsValue::from_str(key))).await.map_err(|e| describe(&e))?;
    Ok(())
}

/// Removes several keys in one operation.
pub async fn remove_keys(area: Area, keys: &[String]) -> Result<(), String> {
    let list: js_sys::Array = keys.iter().map(|k| JsValue::from_str(k)).collect();
    JsFuture::from(area_remove(area, &list)).await.map_err(|e| describe(&e))?;
    Ok(())
}

/// Tells the extension's own pages (an open popup) something, as text; no
/// listener is not an error.
pub async fn tell_pages(text: &str) {
    let _ = JsFuture::from(runtime_send_message(&JsValue::from_str(text))).await;
}

/// Reads a serde value; a missing or unreadable value gives `None` and the
/// reason, never an error that would stop the caller.
pub async fn get_typed<T: serde::de::DeserializeOwned>(area: Area, key: &str) -> (Option<T>, Option<String>) {
    match get(area, key).await {
        Ok(Some(v)) => match de::from_value(v) {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(format!("stored {key} is unreadable: {e}"))),
        },
        Ok(None) => (None, None),
        Err(e) => (None, Some(e)),
    }
}

pub async fn set_typed<T: serde::Serialize>(area: Area, key: &str, value: &T) -> Result<(), String> {
    let v = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| e.to_string())?;
    set(area, key, &v).await
}

/// The active tab of this window: its address and title as the browser
/// shows them to the extension (after a click on the toolbar button, which
/// grants `activeTab`); `None` when there is none.
pub async fn active_tab() -> Option<(String, String)> {
    // This page in a tab of its own (the options page) is not the toolbar's
    // popup: there is no other page it was opened for.
    let current = JsFuture::from(tabs_get_current()).await.unwrap_or(JsValue::UNDEFINED);
    if !current.is_undefined() && !current.is_null() {
        return None;
    }
    let query = Object::new();
    let _ = js_sys::Reflect::set(&query, &"active".into(), &JsValue::TRUE);
    let _ = js_sys::Reflect::set(&query, &"currentWindow".into(), &JsValue::TRUE);
    let tabs = JsFuture::from(tabs_query(&query)).await.ok()?;
    let tab = js_sys::Array::from(&tabs).get(0);
    let field = |name: &str| js_sys::Reflect::get(&tab, &name.into()).ok().and_then(|v| v.as_string());
    Some((field("url").or_else(|| field("pendingUrl")).unwrap_or_default(), field("title").unwrap_or_default()))
}

/// Why a page's record could not be read.
pub struct Unread {
    pub why: String,
    /// What is stored could not be read here but may be kept (the worker
    /// did not answer, or it holds what it cannot convert): leave it as it
    /// is rather than write over it.
    pub keep: bool,
}

/// A page's record as stored, undecoded (for a reader that needs one line
/// of it). Pages cannot open local storage: the worker reads it for them.
pub async fn get_record_text(key: &str) -> Result<Option<String>, Unread> {
    let ask = hn_core::message::LoadRequest::RecordGet { key: key.to_string() };
    let answer = ask_text(&ask.text()).await.map_err(|why| Unread { why, keep: true })?;
    let text = answer
        .as_string()
        .ok_or_else(|| Unread { why: "the background answered in a form pages do not read".into(), keep: true })?;
    hn_core::message::read_record_answer(&text).map_err(|why| Unread { why, keep: true })
}

/// Reads a page's record (`hn_core::records`), through the worker.
pub async fn get_record<T: hn_core::records::Record>(key: &str) -> Result<Option<T>, Unread> {
    let Some(text) = get_record_text(key).await? else { return Ok(None) };
    T::from_text(&text).map(Some).map_err(|e| Unread { why: format!("stored {key} is unreadable ({e})"), keep: false })
}

/// Writes a page's record, through the worker.
pub async fn set_record<T: hn_core::records::Record>(key: &str, value: &T) -> Result<(), String> {
    let ask = hn_core::message::LoadRequest::RecordSet { key: key.to_string(), text: value.to_text() };
    done(ask_text(&ask.text()).await?)
}

/// Removes a page's record, through the worker.
pub async fn remove_record(key: &str) -> Result<(), String> {
    done(ask_text(&hn_core::message::LoadRequest::RecordRemove { key: key.to_string() }.text()).await?)
}

/// A page's answer `done`, or its refusal.
fn done(answer: JsValue) -> Result<(), String> {
    match answer.as_string().as_deref() {
        Some("done") => Ok(()),
        Some(other) => Err(other.strip_prefix("error\t").unwrap_or(other).to_string()),
        None => Err("the background answered in a form pages do not read".into()),
    }
}

/// Every key of an area and its value.
pub async fn get_all(area: Area) -> Result<Object, String> {
    Ok(JsFuture::from(area_get(area, &JsValue::NULL)).await.map_err(|e| describe(&e))?.unchecked_into())
}

/// The browser's time zone, for the share buffer's schedule.
pub struct BrowserZone;

impl hn_core::schedule::Zone for BrowserZone {
    fn offset_minutes(&self, utc_ms: i64) -> i32 {
        -(js_sys::Date::new(&JsValue::from_f64(utc_ms as f64)).get_timezone_offset() as i32)
    }
}

/// A local date and time in the browser's locale.
pub fn local_time(utc_ms: i64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(utc_ms as f64));
    let opts = js_sys::Object::new();
    for (k, v) in
        [("weekday", "short"), ("day", "numeric"), ("month", "short"), ("hour", "2-digit"), ("minute", "2-digit")]
    {
        let _ = js_sys::Reflect::set(&opts, &k.into(), &v.into());
    }
    d.to_locale_string("default", &opts).into()
}

/// What to do about access to a site (an optional host permission).
pub enum Access {
    /// Whether the extension has it.
    Has,
    /// Ask the reader (Chrome shows its prompt only during a click).
    Request,
    /// Give it back.
    Remove,
}

/// Asks Chrome about, for, or to give back access to `host`. The call is
/// made at once — a request must be made in the click that asks for it —
/// and its answer (whether it is held, granted, or given back) awaited
/// after.
pub fn site_access(what: Access, host: &str) -> impl std::future::Future<Output = Result<bool, String>> {
    let query = Object::new();
    let _ = js_sys::Reflect::set(&query, &"origins".into(), &js_sys::Array::of1(&format!("https://{host}/*").into()));
    let promise = match what {
        Access::Has => permissions_contains(&query),
        Access::Request => permissions_request(&query),
        Access::Remove => permissions_remove(&query),
    };
    async move { JsFuture::from(promise).await.map(|v| v.as_bool().unwrap_or(false)).map_err(|e| describe(&e)) }
}
