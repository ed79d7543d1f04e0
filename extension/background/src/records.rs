//! Pages' own records (read marks, folds, drafts, list orders) stored by
//! earlier versions as JSON objects are converted to the text pages now
//! read (`hn_core::records`), once, when the extension is updated. A value
//! that is not the record its key names is left as it is and logged.

use hn_core::records::{from_stored, is_record_key};

pub async fn convert() {
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
