//! Pages' own records (read marks, folds, drafts, list orders), kept here
//! in local storage for them: pages cannot open local storage themselves,
//! they ask (`Request::RecordGet` and its kin, keys checked on arrival).
//! Records stored by earlier versions as JSON objects are converted to the
//! text pages now read (`hn_core::records`) when the extension is updated,
//! and any left when a page asks for one. A value that is not the record
//! its key names is left as it is and logged.

use hn_core::records::{from_stored, is_record_key};

/// A record's text for a page; an earlier version's object is converted
/// (and stored so) first.
pub async fn get(key: &str) -> Result<Option<String>, String> {
    let Some(value) = hn_ext::get(hn_ext::Area::Local, key).await? else { return Ok(None) };
    if let Some(text) = value.as_string() {
        return Ok(Some(text));
    }
    match from_stored(key, serde_wasm_bindgen::Deserializer::from(value)) {
        Some(Ok(text)) => {
            hn_ext::set(hn_ext::Area::Local, key, &text.as_str().into()).await?;
            Ok(Some(text))
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
        match from_stored(&key, serde_wasm_bindgen::Deserializer::from(value)) {
            Some(Ok(text)) => match hn_ext::set(hn_ext::Area::Local, &key, &text.into()).await {
                Ok(()) => converted += 1,
                Err(e) => crate::log(&format!("{key} not converted: {e}")),
            },
            Some(Err(e)) => crate::log(&format!("{key} kept as it is: it is not a record of its kind ({e})")),
            None => {}
        }
    }
    if converted > 0 {
        crate::log(&format!("{converted} pages' records converted to text"));
    }
}
