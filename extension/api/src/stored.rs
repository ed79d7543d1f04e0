//! One typed value kept under one key of a storage area. Read as its
//! default when absent, and as its default when damaged or unreadable too —
//! with what was wrong logged, never dropped in silence (a damaged cache
//! must not stop the extension, and must not hide either). Written whole.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::Area;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = info)]
    fn console_info(text: &str);
}

pub struct Stored<T> {
    area: Area,
    key: std::borrow::Cow<'static, str>,
    /// What the value is, in words, for the log ("the reply watch").
    what: &'static str,
    _value: PhantomData<fn() -> T>,
}

impl<T> Stored<T> {
    /// A value under a fixed key.
    pub const fn new(area: Area, key: &'static str, what: &'static str) -> Self {
        Stored { area, key: std::borrow::Cow::Borrowed(key), what, _value: PhantomData }
    }

    /// A value under a key made at run time (one per site, per user…).
    pub fn at(area: Area, key: String, what: &'static str) -> Self {
        Stored { area, key: std::borrow::Cow::Owned(key), what, _value: PhantomData }
    }
}

impl<T: DeserializeOwned + Serialize + Default> Stored<T> {
    /// The value, or its default when there is none or it cannot be read
    /// (then logged).
    pub async fn load(&self) -> T {
        self.get().await.unwrap_or_default()
    }
}

impl<T: DeserializeOwned + Serialize> Stored<T> {
    /// The value if one is kept and readable (a damaged one is logged).
    pub async fn get(&self) -> Option<T> {
        let (value, problem) = crate::get_typed::<T>(self.area, &self.key).await;
        if let Some(p) = problem {
            console_info(&format!("Hacker New: {} was unreadable ({p}); starting afresh", self.what));
        }
        value
    }

    pub async fn save(&self, value: &T) -> Result<(), String> {
        crate::set_typed(self.area, &self.key, value).await
    }
}
