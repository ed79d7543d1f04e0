//! Pages' own records (read marks, folds, drafts, list orders), kept here
//! in local storage for them: pages cannot open local storage themselves,
//! they ask (`Request::RecordGet` and its kin, keys checked on arrival).
//! Records stored by earlier versions as JSON objects are converted to the
//! text pages now read (`hn_core::records`) when the extension is updated,
//! and any left when a page asks for one. A value that is not the record
//! its key names is left as it is and logged.

use hn_core::records::{from_stored, is_record_key, Folds, Record};

/// Folded subthreads are kept this long after they were last saved…
const FOLDS_TTL_MS: f64 = hn_core::unread::TTL_DAYS * 86_400_000.0;
/// …for this many threads at most (the most recently saved).
const FOLDS_KEPT: usize = 1000;

/// A record's text for a page; an earlier version's object is converted
/// (and stored so) first.
pub async fn get(key: &str) -> Result<Option<String>, String> {
    let Some(value) = hn_ext::get(hn_ext::Area::Local, key).await? else { return Ok(None) };
    match value.as_string() {
        Some(text) => Ok(Some(text)),
        None => to_text(key, value).await.map(Some),
    }
}

/// Keeps a page's record (its key checked on arrival).
pub async fn set(key: &str, text: &str) -> Result<(), String> {
    hn_ext::set(hn_ext::Area::Local, key, &text.into()).await
}

pub async fn remove(key: &str) -> Result<(), String> {
    hn_ext::remove(hn_ext::Area::Local, key).await
}

/// Converts an earlier version's record object under `key` and stores the
/// text in its place.
async fn to_text(key: &str, value: wasm_bindgen::JsValue) -> Result<String, String> {
    match from_stored(key, serde_wasm_bindgen::Deserializer::from(value)) {
        Some(Ok(text)) => {
            hn_ext::set(hn_ext::Area::Local, key, &text.as_str().into())
                .await
                .map_err(|e| format!("{key} not converted: {e}"))?;
            Ok(text)
        }
        Some(Err(e)) => Err(format!("{key} is kept as it is: it is not a record of its kind ({e})")),
        None => Err(format!("{key} is not a page's record")),
    }
}

pub async fn convert() {
    // Kept in session storage now (the one area pages may read).
    for key in [hn_core::state::PAGE_STATE_KEY, hn_core::settings::LOOK_KEY] {
        let _ = hn_ext::remove(hn_ext::Area::Local, key).await;
    }
    let all = match hn_ext::get_all(hn_ext::Area::Local).await {
        Ok(all) => all,
        Err(e) => return crate::log(&format!("pages' records not converted: {e}")),
    };
    let mut converted = 0;
    for key in js_sys::Object::keys(&all).iter().filter_map(|k| k.as_string()) {
        if !is_record_key(&key) {
            continue;
        }
        let Ok(value) = js_sys::Reflect::get(&all, &key.as_str().into()) else { continue };
        if value.is_string() {
            continue;
        }
        match to_text(&key, value).await {
            Ok(_) => converted += 1,
            Err(e) => crate::log(&e),
        }
    }
    if converted > 0 {
        crate::log(&format!("{converted} pages' records converted to text"));
    }
}

/// Bounds the folds pages keep (one record per thread folded in): those
/// not saved for [`FOLDS_TTL_MS`] go, then the oldest beyond
/// [`FOLDS_KEPT`]. Run at install, update and browser start.
pub async fn prune(now: f64) {
    let Ok(all) = hn_ext::get_all(hn_ext::Area::Local).await else { return };
    let mut folds: Vec<(String, f64)> = Vec::new();
    for key in js_sys::Object::keys(&all).iter().filter_map(|k| k.as_string()) {
        if !key.starts_with("folds:") {
            continue;
        }
        let value = js_sys::Reflect::get(&all, &key.as_str().into()).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
        // Unreadable ones are kept: nothing says they are old.
        if let Some(at) = value.as_string().and_then(|t| Folds::from_text(&t).ok()).map(|f| f.at) {
            folds.push((key, at));
        }
    }
    folds.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut removed = 0;
    for (i, (key, at)) in folds.iter().enumerate() {
        if (i >= FOLDS_KEPT || now - at > FOLDS_TTL_MS) && hn_ext::remove(hn_ext::Area::Local, key).await.is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        crate::log(&format!(
            "{removed} threads' folds forgotten (not opened for {} days, or beyond {FOLDS_KEPT})",
            hn_core::unread::TTL_DAYS
        ));
    }
}
