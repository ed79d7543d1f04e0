//! Pages of the site fetched for endless scroll, with the user's HN session
//! (so vote links carry their tokens). At most one request every
//! `MIN_INTERVAL_MS` from the whole extension: many tabs scrolling at once
//! still never send HN a burst.

use std::cell::Cell;

use hn_core::message::Response;
use hn_core::page::{classify_rows, Unserved};
use hn_core::text;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const MIN_INTERVAL_MS: f64 = 1_000.0;

thread_local! {
    /// When the next request may leave.
    static NEXT_SLOT: Cell<f64> = const { Cell::new(0.0) };
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &js_sys::Function, ms: f64);
}

pub(crate) async fn sleep(ms: f64) {
    let promise = Promise::new(&mut |resolve, _| set_timeout(&resolve, ms));
    let _ = JsFuture::from(promise).await;
}

/// Waits for this request's turn.
async fn take_slot() {
    let now = js_sys::Date::now();
    let slot = NEXT_SLOT.with(|s| {
        let at = s.get().max(now);
        s.set(at + MIN_INTERVAL_MS);
        at
    });
    if slot > now {
        sleep(slot - now).await;
    }
}

/// A page of the site whose id is `site`, for endless scroll.
pub async fn fetch_page(site: &str, path: &str) -> Response {
    let Some(site) = hn_core::site::by_id(site) else {
        return Response::Error { message: format!("{site:?} is not a site") };
    };
    take_slot().await;
    let init = Object::new();
    let _ = Reflect::set(&init, &"credentials".into(), &"include".into());
    let url = format!("https://{}{path}", site.host);
    let hn = hn_core::site::is_hn(site.id);
    let name = site.name;
    let response = match JsFuture::from(crate::net::fetch(&url, &init)).await {
        Ok(r) => r,
        Err(e) => return unserved(Unserved::Network, hn_ext::describe(&e)),
    };
    let Ok(response) = response.dyn_into::<web_sys::Response>() else {
        return unserved(Unserved::Network, "not a response".into());
    };
    let status = response.status();
    let text = match response.text() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()).unwrap_or_default(),
        Err(e) => return unserved(Unserved::Network, hn_ext::describe(&e)),
    };
    match classify_rows(status, &text, Some(site.row_marker)) {
        Ok(()) => {
            if hn {
                crate::health::hn_served().await;
            }
            Response::Page { html: text }
        }
        Err(kind) => {
            let message = match kind {
                Unserved::RateLimited => text::unserved_rate_limited(name),
                Unserved::Unavailable => text::unserved_unavailable(name, status),
                Unserved::Empty => text::unserved_empty(name),
                _ => format!("HTTP {status}"),
            };
            // The health lines are about Hacker News.
            if hn && matches!(kind, Unserved::RateLimited | Unserved::Unavailable) {
                crate::health::hn_refused(&message).await;
            }
            unserved(kind, message)
        }
    }
}

fn unserved(kind: Unserved, message: String) -> Response {
    Response::Unserved { reason: kind, message }
}
