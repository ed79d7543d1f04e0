//! The service worker's logic. A small JS shim (`static/background/worker.js`)
//! registers every `chrome.*` listener synchronously at start, as MV3 requires
//! of a worker that may have been woken by the event, and forwards each event
//! here once the wasm is ready. Nothing is kept only in memory: the worker may
//! be stopped between any two events.

mod csp_rule;

use hn_core::message::{self, Envelope, Request, Response, MAX_MESSAGE_BYTES};
use hn_core::settings::Settings;
use hn_ext::Area;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

const SETTINGS_KEY: &str = "settings";

/// Handles one message from a content script or the popup.
#[wasm_bindgen]
pub fn handle_message(raw: JsValue, sender: JsValue) -> Promise {
    future_to_promise(async move {
        let response = match accept(&raw, &sender) {
            Ok(request) => dispatch(request).await,
            Err(e) => Response::Error { message: e },
        };
        to_js(&response)
    })
}

#[wasm_bindgen]
pub fn on_installed(reason: String) -> Promise {
    future_to_promise(async move {
        log(&format!("installed ({reason})"));
        csp_rule::schedule();
        csp_rule::refresh().await;
        Ok(JsValue::UNDEFINED)
    })
}

#[wasm_bindgen]
pub fn on_startup() -> Promise {
    future_to_promise(async move {
        csp_rule::schedule();
        csp_rule::refresh().await;
        Ok(JsValue::UNDEFINED)
    })
}

#[wasm_bindgen]
pub fn on_alarm(name: String) -> Promise {
    future_to_promise(async move {
        if name == csp_rule::ALARM {
            csp_rule::refresh().await;
        }
        Ok(JsValue::UNDEFINED)
    })
}

/// Checks who sent the message, its size and its shape.
fn accept(raw: &JsValue, sender: &JsValue) -> Result<Request, String> {
    let sender_id = js_sys::Reflect::get(sender, &"id".into()).ok().and_then(|v| v.as_string());
    if sender_id.as_deref() != Some(hn_ext::runtime_id().as_str()) {
        return Err("messages are accepted from this extension only".into());
    }
    let size = js_sys::JSON::stringify(raw)
        .ok()
        .and_then(|s| s.as_string())
        .map_or(usize::MAX, |s| s.len());
    if size > MAX_MESSAGE_BYTES {
        return Err(message::MessageError::TooLarge(size).to_string());
    }
    let envelope: Envelope<Request> = serde_wasm_bindgen::from_value(raw.clone())
        .map_err(|e| message::MessageError::Malformed(e.to_string()).to_string())?;
    message::accept(envelope).map_err(|e| e.to_string())
}

async fn dispatch(request: Request) -> Response {
    match request {
        Request::Ping { nonce } => Response::Pong { nonce, version: hn_ext::version() },
        Request::CspBlocked { url } => {
            log(&format!("wasm was refused by the page policy on {url}; refreshing the rule"));
            csp_rule::refresh_throttled().await;
            Response::Done
        }
        Request::CspStatus => Response::Csp { status: csp_rule::status().await },
        Request::GetSettings => {
            let (stored, problem) = hn_ext::get_typed::<Settings>(Area::Sync, SETTINGS_KEY).await;
            if let Some(p) = problem {
                log(&p);
            }
            Response::Settings { settings: stored.unwrap_or_default().clamped() }
        }
        Request::SaveSettings { settings } => {
            match hn_ext::set_typed(Area::Sync, SETTINGS_KEY, &settings).await {
                Ok(()) => Response::Settings { settings },
                Err(e) => Response::Error { message: format!("settings not saved: {e}") },
            }
        }
    }
}

fn to_js(response: &Response) -> Result<JsValue, JsValue> {
    response
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsValue::from_str(&e.to_string()))
}

use serde::Serialize;

pub(crate) fn log(text: &str) {
    web_sys::console::info_1(&JsValue::from_str(&format!("Hacker New: {text}")));
}
