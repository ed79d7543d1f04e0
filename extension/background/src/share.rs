//! The share buffer: queue edits, the schedule's alarm, and the
//! notifications that announce due items.
//!
//! One alarm (`share-due`) is set for the next planned slot; `chrome.alarms`
//! survives the worker stopping and the browser restarting, and an alarm
//! whose time passed while the browser was closed fires once at start. Each
//! tick announces everything due in one notification. Only the announcer
//! device (in the synced preferences) announces; announcing writes the slot
//! into each item's synced status, so no device announces it again.

use hn_core::message::Response;
use hn_core::schedule::DAY;
use hn_core::share::{self, BufferItem, ItemStatus, SharePrefs, ShareTarget};
use hn_core::state::{self as keys, UserState};
use hn_core::text;
use hn_ext::chrome::execute_script;
use hn_ext::BrowserZone;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::state::{self, Edit};

pub const ALARM: &str = "share-due";
/// Notification id → buffer keys it announced (`chrome.storage.local`, so a
/// click after the worker restarted still knows what it was about).
const NOTES_KEY: &str = "share_notifications";

fn now() -> i64 {
    js_sys::Date::now() as i64
}

fn done(r: Result<(), String>) -> Response {
    match r {
        Ok(()) => Response::Done,
        Err(message) => Response::Error { message },
    }
}

fn put<T: serde::Serialize>(collection: &'static str, key: &str, value: &T) -> Edit {
    Edit::Put { collection, key: key.to_string(), value: state::to_json(value) }
}

pub async fn add(target: ShareTarget, text: Option<String>, destination: Option<share::Destination>) -> Response {
    let s = state::user_state().await;
    let key = target.key();
    let shared_before = s.share_status.get(&key).is_some_and(|st| st.shared.is_some());
    if s.share.contains_key(&key) && !shared_before {
        return Response::Error { message: text::ERROR_ALREADY_QUEUED.into() };
    }
    if s.queued().len() >= share::MAX_QUEUED {
        return Response::Error { message: text::error_buffer_full(share::MAX_QUEUED) };
    }
    let position = s.share.values().map(|i| i.position).fold(0.0, f64::max) + 1.0;
    let text = text.filter(|t| !t.trim().is_empty()).unwrap_or_else(|| target.default_text());
    let destination = destination.unwrap_or(s.share_prefs.destination);
    let item = BufferItem { target, text, destination, position, added: now() };
    let item = match item.validated() {
        Ok(i) => i,
        Err(message) => return Response::Error { message },
    };
    let mut edits =
        vec![put(keys::SHARE, &key, &item), Edit::Remove { collection: keys::SHARE_STATUS, key: key.clone() }];
    if s.share_prefs.announcer.is_none() {
        // The first device to queue something announces, until the user
        // picks another in the popup.
        let prefs = SharePrefs { announcer: Some(state::device().await), ..s.share_prefs.clone() };
        edits.push(put(keys::SETTINGS, keys::SHARE_PREFS, &prefs));
    }
    match state::edit_many(edits).await {
        Ok(_) => {
            reschedule().await;
            Response::Queued { key }
        }
        Err(message) => Response::Error { message },
    }
}

/// The HN story whose link is `url`: first among the stories of the
/// reader's open HN tabs (read there on this request only), then, when
/// `search`, with HN's search API (the most discussed story of that link).
pub async fn find_discussion(url: &str, search: bool) -> Response {
    if let Some(story) = in_open_tabs(url).await {
        return Response::Discussion { story: Some(story) };
    }
    if !search {
        return Response::Discussion { story: None };
    }
    match crate::items::past(0, url).await {
        Ok(stories) => Response::Discussion { story: stories.into_iter().max_by_key(|s| s.comments) },
        Err(message) => Response::Error { message },
    }
}

/// The story of an open HN tab whose link is `url`. Each tab's stories are
/// read by the worker's `hnewStoryLinks` (worker.js), run in the tab with
/// the site's own selectors.
async fn in_open_tabs(url: &str) -> Option<hn_core::items::PastStory> {
    let site = &hn_core::site::hn::SITE;
    let query = Object::new();
    let _ = Reflect::set(&query, &"url".into(), &format!("https://{}/*", site.host).into());
    let tabs = JsFuture::from(hn_ext::tabs_query(&query)).await.ok()?;
    let func = Reflect::get(&js_sys::global(), &"hnewStoryLinks".into()).ok().filter(|f| f.is_function())?;
    for tab in js_sys::Array::from(&tabs).iter() {
        let Some(id) = Reflect::get(&tab, &"id".into()).ok().and_then(|v| v.as_f64()) else { continue };
        let target = Object::new();
        let _ = Reflect::set(&target, &"tabId".into(), &id.into());
        let injection = Object::new();
        let _ = Reflect::set(&injection, &"target".into(), &target);
        let _ = Reflect::set(&injection, &"func".into(), &func);
        let args = js_sys::Array::of2(&site.selectors.story.into(), &site.selectors.title_link.into());
        let _ = Reflect::set(&injection, &"args".into(), &args);
        let Ok(promise) = execute_script(&injection) else { continue };
        // A tab still loading or showing an error page answers nothing.
        let Ok(results) = JsFuture::from(promise).await else { continue };
        for result in js_sys::Array::from(&results).iter() {
            let rows = Reflect::get(&result, &"result".into()).unwrap_or(JsValue::UNDEFINED);
            for row in js_sys::Array::from(&rows).iter() {
                let row = js_sys::Array::from(&row);
                let (Some(story), Some(href)) = (row.get(0).as_string(), row.get(1).as_string()) else { continue };
                let Some(story) = (site.row_id)(&story) else { continue };
                if hn_core::items::same_link(&href, url) {
                    let title = row.get(2).as_string().unwrap_or_default();
                    return Some(hn_core::items::PastStory { id: story, title, points: 0, comments: 0, time: 0 });
                }
            }
        }
    }
    None
}

/// Adds a page of the web (the context menu's items and the command away
/// from the sites): its HN story when an open HN tab lists its link, else
/// the page itself; the result is told in a notification.
pub async fn add_web(page_url: &str, page_title: &str, what: share::WebShare) -> bool {
    let link = match &what {
        share::WebShare::Link { url, .. } => Some(url.clone()),
        share::WebShare::Page => Some(page_url.to_string()),
        _ => None,
    };
    let discussion = match link {
        Some(l) if l.starts_with("http") => in_open_tabs(&l).await.map(|s| s.id),
        _ => None,
    };
    let outcome: Result<String, String> = match share::web_share(page_url, page_title, what, discussion) {
        Ok((target, text)) => {
            let name = target.title.clone();
            match add(target, Some(text), None).await {
                Response::Queued { key } => {
                    let s = state::user_state().await;
                    let queue = s.queued();
                    let slot = hn_core::schedule::plan(&s.share_prefs, &BrowserZone, &queue)
                        .into_iter()
                        .find(|&(k, _)| k == key)
                        .map(|(_, slot)| slot);
                    let when = match slot {
                        Some(t) => text::note_added_for(hn_ext::local_time(t)),
                        None if s.share_prefs.paused => text::NOTE_BUFFER_PAUSED.into(),
                        None => String::new(),
                    };
                    Ok(format!("{name}{when}"))
                }
                Response::Error { message } => Err(message),
                _ => Err(text::NOTE_UNEXPECTED_ANSWER.to_string()),
            }
        }
        Err(message) => Err(message),
    };
    let (title, message) = match &outcome {
        Ok(what) => (text::NOTE_BUFFER_ADDED, what),
        Err(why) => (text::NOTE_BUFFER_NOT_ADDED, why),
    };
    crate::notes::show(&format!("web-share-{}", now()), title, message).await;
    outcome.is_ok()
}

pub async fn save_item(key: String, item: BufferItem) -> Response {
    let s = state::user_state().await;
    if !s.share.contains_key(&key) {
        return Response::Error { message: text::ERROR_NOT_IN_BUFFER.into() };
    }
    let r = state::edit(put(keys::SHARE, &key, &item)).await;
    reschedule().await;
    done(r)
}

pub async fn remove(key: String) -> Response {
    let r = state::edit_many(vec![
        Edit::Remove { collection: keys::SHARE, key: key.clone() },
        Edit::Remove { collection: keys::SHARE_STATUS, key },
    ])
    .await
    .map(|_| ());
    reschedule().await;
    done(r)
}

pub async fn shuffle() -> Response {
    let s = state::user_state().await;
    let edits = s
        .queued()
        .iter()
        .filter_map(|q| {
            let mut item = s.share.get(q.key)?.clone();
            item.position = js_sys::Math::random() * 1000.0;
            Some(put(keys::SHARE, q.key, &item))
        })
        .collect();
    let r = state::edit_many(edits).await.map(|_| ());
    reschedule().await;
    done(r)
}

pub async fn save_prefs(mut prefs: SharePrefs) -> Response {
    let s = state::user_state().await;
    let current = &s.share_prefs;
    // The cursor and the announcer are the background's; a popup's copy may
    // be stale. Resuming starts the schedule afresh: slots passed while
    // paused are not announced.
    prefs.announcer = current.announcer;
    prefs.cursor = if current.paused && !prefs.paused { now() } else { current.cursor };
    let r = state::edit(put(keys::SETTINGS, keys::SHARE_PREFS, &prefs)).await;
    reschedule().await;
    done(r)
}

/// The reader's Mastodon instance, set from a page's share menu; the other
/// preferences stay as they are.
pub async fn set_mastodon(instance: String) -> Response {
    let s = state::user_state().await;
    let prefs = SharePrefs { mastodon: Some(instance), ..s.share_prefs.clone() };
    done(state::edit(put(keys::SETTINGS, keys::SHARE_PREFS, &prefs)).await)
}

pub async fn announce_here() -> Response {
    let s = state::user_state().await;
    let prefs = SharePrefs { announcer: Some(state::device().await), ..s.share_prefs.clone() };
    let r = state::edit(put(keys::SETTINGS, keys::SHARE_PREFS, &prefs)).await;
    reschedule().await;
    done(r)
}

/// Opens the item's composer in a new tab and marks it shared. History
/// beyond [`share::HISTORY`] items is dropped, oldest first.
pub async fn share_now(key: &str) -> Response {
    let s = state::user_state().await;
    let Some(item) = s.share.get(key) else {
        return Response::Error { message: text::ERROR_NOT_IN_BUFFER.into() };
    };
    let url = match share::composer_url(item.destination, &item.target, &item.text, s.share_prefs.mastodon.as_deref()) {
        Ok(u) => u,
        Err(message) => return Response::Error { message },
    };
    if let Err(e) = hn_ext::open_tab(&url).await {
        return Response::Error { message: text::error_composer_failed(e) };
    }
    let status = ItemStatus { shared: Some(now()), ..s.share_status.get(key).copied().unwrap_or_default() };
    let mut edits = vec![put(keys::SHARE_STATUS, key, &status)];
    for (old, _, _) in s.history().iter().skip(share::HISTORY - 1) {
        edits.push(Edit::Remove { collection: keys::SHARE, key: old.to_string() });
        edits.push(Edit::Remove { collection: keys::SHARE_STATUS, key: old.to_string() });
    }
    let r = state::edit_many(edits).await.map(|_| ());
    reschedule().await;
    done(r)
}

/// Announces what is due at `now` (the alarm's time, or a test's), then
/// sets the alarm for the next slot. Returns how many items it announced.
pub async fn tick(at: i64) -> usize {
    let s = state::user_state().await;
    let device = state::device().await;
    let Some(t) = s.announce(device, &BrowserZone, at) else {
        return 0;
    };
    let due: Vec<(String, i64)> = t.due.iter().map(|&(k, slot)| (k.to_string(), slot)).collect();
    let cursor = t.cursor;
    if due.is_empty() {
        set_alarm(t.next).await;
        return 0;
    }
    let mut edits: Vec<Edit> = due
        .iter()
        .map(|(k, slot)| put(keys::SHARE_STATUS, k, &ItemStatus { announced: Some(*slot), shared: None }))
        .collect();
    edits.push(put(keys::SETTINGS, keys::SHARE_PREFS, &SharePrefs { cursor, ..s.share_prefs.clone() }));
    if let Err(e) = state::edit_many(edits).await {
        // Not recorded, so not announced: the next tick tries again.
        crate::log(&format!("share buffer: could not record the announcement: {e}"));
        return 0;
    }
    notify(&s, &due).await;
    reschedule().await;
    due.len()
}

async fn notify(s: &UserState, due: &[(String, i64)]) {
    let (id, title, message) = match due {
        [(key, _)] => {
            let item = &s.share[key];
            (
                format!("share:{key}"),
                text::note_share_due(item.destination.label()),
                text::note_share_due_body(&item.text),
            )
        }
        _ => {
            (format!("share:group:{}", now()), text::note_shares_due(due.len()), text::NOTE_SHARES_DUE_BODY.to_string())
        }
    };
    let mut notes = share_notes().load().await;
    notes.insert(id.clone(), due.iter().map(|(k, _)| serde_json::Value::from(k.as_str())).collect());
    while notes.len() > 50 {
        let Some(first) = notes.keys().next().cloned() else { break };
        notes.remove(&first);
    }
    let _ = hn_ext::set_typed(hn_ext::Area::Local, NOTES_KEY, &notes).await;
    crate::notes::show(&id, &title, &message).await;
}

/// A share notification was clicked: one item opens its composer (and is
/// marked shared); several open the share buffer.
pub async fn clicked(id: &str) -> bool {
    let notes = share_notes().load().await;
    let Some(keys) = notes.get(id).and_then(|v| v.as_array()).cloned() else { return false };
    crate::notes::clear(id).await;
    match keys.as_slice() {
        [key] => {
            let key = key.as_str().unwrap_or_default();
            if let Response::Error { message } = share_now(key).await {
                crate::log(&format!("share buffer: {message}"));
            }
        }
        _ => {
            crate::notes::open_tab(&hn_ext::runtime_get_url("popup/options.html#share")).await;
        }
    }
    true
}

/// Sets the alarm for the next planned slot (this device announcing only).
pub async fn reschedule() {
    let s = state::user_state().await;
    let device = state::device().await;
    let next =
        s.announce(device, &BrowserZone, now())
            .and_then(|t| if t.due.is_empty() { t.next } else { Some(now() + 1000) });
    set_alarm(next).await;
}

async fn set_alarm(when: Option<i64>) {
    match when {
        // A slot more than a week away is re-checked daily (the schedule
        // may change meanwhile).
        Some(t) => hn_ext::alarm(ALARM, hn_ext::When::At(t.min(now() + 7 * DAY) as f64)),
        None => hn_ext::clear_alarm(ALARM).await,
    }
}

/// Which queued posts each open notification announced.
fn share_notes() -> hn_ext::Stored<serde_json::Map<String, serde_json::Value>> {
    hn_ext::Stored::new(hn_ext::Area::Local, NOTES_KEY, "the share notifications' record")
}
