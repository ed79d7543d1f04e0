//! The service worker's logic. A small JS shim (`static/background/worker.js`)
//! registers every `chrome.*` listener synchronously at start, as MV3 requires
//! of a worker that may have been woken by the event, and forwards each event
//! here once the wasm is ready. Nothing is kept only in memory: the worker may
//! be stopped between any two events.
#![forbid(unsafe_code)]

mod activity;
mod bucket;
mod csp_rule;
mod health;
mod hits;
mod items;
mod menus;
mod net;
mod notes;
mod pages;
mod profiles;
mod records;
mod replies;
mod reply;
mod share;
mod sites;
mod state;
mod user;

use hn_core::message::{self, Envelope, Request, Response, MAX_MESSAGE_BYTES};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// Handles one message from a content script or the popup.
#[wasm_bindgen]
pub fn handle_message(raw: JsValue, sender: JsValue) -> Promise {
    future_to_promise(async move {
        let response = match accept(&raw, &sender) {
            Ok(request) => dispatch(request, &sender).await,
            Err(e) => Response::Error { message: e },
        };
        // A page's script reads its answers as text (`PageAnswer`).
        match response.page_text().filter(|_| from_page(&sender)) {
            Some(text) => Ok(JsValue::from_str(&text)),
            None => to_js(&response),
        }
    })
}

/// A content script runs in a site's page (its sender has a web URL); the
/// popup, options page and this worker do not.
fn from_page(sender: &JsValue) -> bool {
    let url = js_sys::Reflect::get(sender, &"url".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    url.starts_with("https://") || url.starts_with("http://")
}

#[wasm_bindgen]
pub fn on_installed(reason: String) -> Promise {
    future_to_promise(async move {
        log(&format!("installed ({reason})"));
        if reason == "install" {
            state::set_welcome(true).await;
        }
        state::save_look().await;
        state::save_page_state().await;
        records::convert().await;
        records::prune(js_sys::Date::now()).await;
        hits::forget().await;
        menus::install().await;
        csp_rule::schedule();
        activity::schedule();
        state::schedule_heartbeat();
        csp_rule::refresh().await;
        sites::sync().await;
        state::merge_from_sync().await;
        replies::schedule().await;
        share::reschedule().await;
        Ok(JsValue::UNDEFINED)
    })
}

/// `chrome.storage.sync` changed (another device, or this one).
#[wasm_bindgen]
pub fn on_sync_changed() -> Promise {
    future_to_promise(async move {
        state::merge_from_sync().await;
        share::reschedule().await;
        Ok(JsValue::UNDEFINED)
    })
}

#[wasm_bindgen]
pub fn on_startup() -> Promise {
    future_to_promise(async move {
        state::save_look().await;
        state::save_page_state().await;
        records::prune(js_sys::Date::now()).await;
        hits::forget().await;
        csp_rule::schedule();
        activity::schedule();
        state::schedule_heartbeat();
        replies::schedule().await;
        csp_rule::refresh().await;
        sites::sync().await;
        // Slots missed while the browser was closed: announced once, together.
        state::merge_from_sync().await;
        share::tick(js_sys::Date::now() as i64).await;
        Ok(JsValue::UNDEFINED)
    })
}

/// The extension's permissions changed (a site turned on or off).
#[wasm_bindgen]
pub fn on_permissions_changed() -> Promise {
    future_to_promise(async move {
        sites::sync().await;
        Ok(JsValue::UNDEFINED)
    })
}

/// A notification (or one of its buttons) was clicked.
#[wasm_bindgen]
pub fn on_notification_clicked(id: String) -> Promise {
    future_to_promise(async move {
        let handled = notes::clicked(&id).await || share::clicked(&id).await;
        Ok(JsValue::from_bool(handled))
    })
}

/// A context menu item was chosen on an HN page.
#[wasm_bindgen]
pub fn on_context_menu(info: JsValue, tab: JsValue) -> Promise {
    future_to_promise(async move { Ok(JsValue::from_bool(menus::clicked(info, tab).await)) })
}

/// A keyboard command of the extension was pressed.
#[wasm_bindgen]
pub fn on_command(name: String, tab: JsValue) -> Promise {
    future_to_promise(async move { Ok(JsValue::from_bool(menus::command(name, tab).await)) })
}

/// Runs the share buffer's schedule as if the clock read `at` (ms since the
/// epoch): the alarm's handler, and the tests' way to move time.
#[wasm_bindgen]
pub fn share_tick(at: f64) -> Promise {
    future_to_promise(async move { Ok(JsValue::from_f64(share::tick(at as i64).await as f64)) })
}

#[wasm_bindgen]
pub fn on_alarm(name: String) -> Promise {
    future_to_promise(async move {
        if name == csp_rule::ALARM {
            csp_rule::refresh().await;
        } else if name == activity::ALARM {
            activity::refresh().await;
        } else if name == replies::ALARM {
            replies::check(false).await;
        } else if name == share::ALARM {
            share::tick(js_sys::Date::now() as i64).await;
        } else if name == state::RETRY_ALARM {
            state::push().await;
        } else if name == state::LOCAL_RETRY_ALARM {
            state::retry_local().await;
        } else if name == state::HEARTBEAT_ALARM {
            state::push().await;
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
    let size = js_sys::JSON::stringify(raw).ok().and_then(|s| s.as_string()).map_or(usize::MAX, |s| s.len());
    if size > MAX_MESSAGE_BYTES {
        return Err(message::MessageError::TooLarge(size).to_string());
    }
    // Pages' scripts send text (`PageRequest::text`), extension pages JSON.
    let envelope: Envelope<Request> = match raw.as_string() {
        Some(text) => message::read_page_text(&text).map_err(|e| e.to_string())?,
        None => serde_wasm_bindgen::from_value(raw.clone())
            .map_err(|e| message::MessageError::Malformed(e.to_string()).to_string())?,
    };
    let request = message::accept(envelope).map_err(|e| e.to_string())?;
    let url = js_sys::Reflect::get(sender, &"url".into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
    let from_page = from_page(sender);
    if from_page && !request.allowed_from_page() {
        return Err("pages cannot ask for that: use the extension's popup or options".into());
    }
    // A page acts on its own site only (votes and replies on HN's pages,
    // a Lobsters follow from Lobsters): the site is the sender's address,
    // as the browser gives it, not what the message says.
    if from_page {
        if let Some(site) = request.site_acted_on() {
            let sender_site = sender_site(&url);
            if sender_site != Some(site) {
                return Err(format!(
                    "a page of {} cannot ask that for {site:?}",
                    sender_site.map_or_else(|| "another site".to_string(), |s| format!("{s:?}"))
                ));
            }
        }
    }
    Ok(request)
}

/// The site (its id) of a sender's `https` address, if it is one of ours.
fn sender_site(url: &str) -> Option<&'static str> {
    hn_core::site::of_url(url).map(|s| s.id)
}

/// Routes a request to the module that owns what it asks about; the rules
/// (who may change what, what a change also does) live there.
async fn dispatch(request: Request, sender: &JsValue) -> Response {
    match request {
        Request::Ping { nonce } => Response::Pong { nonce, version: hn_ext::version() },
        Request::CspBlocked { url, loaded_at } => done(csp_rule::refused(&url, loaded_at).await),
        Request::CspStatus => Response::Csp { status: csp_rule::status().await },
        Request::PageSeen { site, page, me, signed_out, problems } => {
            page_seen(&site, &page, me, signed_out, &problems).await
        }
        Request::FilterHits { hits } => hits::report(sender, hits).await,
        Request::GetFilterHits => hits::current().await,
        Request::GetActivity { refresh } => Response::Activity { feed: activity::get(refresh).await },
        Request::MarkActivitySeen => {
            activity::mark_seen().await;
            Response::Done
        }
        Request::GetInbox => Response::Inbox { inbox: replies::inbox().await },
        Request::CheckReplies => Response::Inbox { inbox: replies::check(true).await },
        Request::MarkRepliesRead { ids } => Response::Inbox { inbox: replies::mark_read_then_inbox(ids).await },
        Request::SaveNotifyPrefs { prefs } => replies::save_prefs(prefs).await,
        Request::GetHealth => Response::Health { lines: health::lines().await },
        Request::GetItem { id } => answer(items::card(id).await, |item| Response::Item { item }),
        Request::PastDiscussions { id, url } => {
            answer(items::past(id, &url).await, |stories| Response::Past { stories })
        }
        Request::GetState => Response::State { state: state::user_state().await },
        Request::GetPageState => state::page_state_answer().await,
        Request::Welcomed => {
            state::set_welcome(false).await;
            Response::Done
        }
        Request::RecordGet { key } => answer(records::get(&key).await, |text| Response::Record { text }),
        Request::RecordSet { key, text } => done(records::set(&key, &text).await),
        Request::RecordRemove { key } => done(records::remove(&key).await),
        Request::GetSettings => Response::Settings { settings: state::current_settings().await },
        Request::SaveSettings { settings } => user::save_settings(settings).await,
        Request::SetFollow { site, user, follow } => user::set_follow(&site, &user, follow).await,
        Request::FollowMany { site, users } => user::follow_many(&site, &users).await,
        Request::SetTag { site, user, tag } => user::set_tag(&site, &user, tag).await,
        Request::SetNote { site, user, note } => user::set_note(&site, &user, &note).await,
        Request::SetNotify { site, user, notify } => user::set_notify(&site, &user, notify).await,
        Request::SaveFilter { rule } => user::save_filter(rule).await,
        Request::EditFilter { key, rule } => user::edit_filter(key, rule).await,
        Request::RemoveFilter { key } => user::remove_filter(key).await,
        Request::SyncStatus => user::sync_status().await,
        Request::ExportState => user::export().await,
        Request::ImportState { json } => user::import(&json).await,
        Request::AddToBuffer { target, text, destination } => share::add(target, text, destination).await,
        Request::FindDiscussion { url, search } => share::find_discussion(&url, search).await,
        Request::SaveBufferItem { key, item } => share::save_item(key, item).await,
        Request::RemoveBufferItem { key } => share::remove(key).await,
        Request::ShuffleBuffer => share::shuffle().await,
        Request::ShareNow { key } => share::share_now(&key).await,
        Request::SaveSharePrefs { prefs } => share::save_prefs(prefs).await,
        Request::SetMastodonInstance { instance } => share::set_mastodon(instance).await,
        Request::AnnounceHere => share::announce_here().await,
        Request::PostReply { parent, text } => reply::post(parent, &text).await,
        Request::EditText { id } => reply::edit_text(id).await,
        Request::SaveEdit { id, text } => reply::save_edit(id, &text).await,
        Request::DeleteComment { id } => reply::delete(id).await,
        Request::Act { path } => reply::act(&path).await,
        Request::FetchPage { site, path } => pages::fetch_page(&site, &path).await,
        Request::GetProfile { site, user } => {
            answer(profiles::get(&site, &user).await, |(profile, fetched_at)| Response::Profile { profile, fetched_at })
        }
    }
}

/// A page loaded: what it could not read (health), that it started (the
/// policy rule), who is signed in (the reply watch).
async fn page_seen(site: &str, page: &str, me: Option<String>, signed_out: bool, problems: &[String]) -> Response {
    health::page_seen(page, problems).await;
    csp_rule::started(site).await;
    replies::page_seen(site, me, signed_out).await;
    Response::Done
}

/// The answer `ok` makes of a result, or the error's message.
fn answer<T>(result: Result<T, String>, ok: impl FnOnce(T) -> Response) -> Response {
    match result {
        Ok(value) => ok(value),
        Err(message) => Response::Error { message },
    }
}

/// `Done`, or the error's message.
pub(crate) fn done(result: Result<(), String>) -> Response {
    match result {
        Ok(()) => Response::Done,
        Err(message) => Response::Error { message },
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
