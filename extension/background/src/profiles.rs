//! Quick profiles: fetched from HN's API (falling back to the profile page),
//! or from Lobsters' `/~name.json`, cached in `chrome.storage.local` for an
//! hour, and asked of the site once however many tabs hover the same name
//! at the same moment.

use hn_core::text;
use std::cell::RefCell;
use std::collections::HashMap;

use hn_core::profile::{self, Profile};
use js_sys::{Object, Promise, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

const TTL_MS: f64 = 60.0 * 60.0 * 1000.0;
/// Profiles kept: the most recently fetched; older ones, and any older
/// than `KEEP_MS`, are removed.
const KEEP: usize = 300;
const KEEP_MS: f64 = 7.0 * 24.0 * 60.0 * 60.0 * 1000.0;
/// Where the cached profiles are listed (key → when fetched).
const INDEX_KEY: &str = "profile_index";
/// Profiles are fetched at most this many at once, then one per
/// [`REFILL_MS`], whatever pages ask (a token bucket: a reader moving from
/// card to card is never held back, a script asking for every name on a
/// page is).
const FETCH_BURST: f64 = 20.0;
const REFILL_MS: f64 = 2_000.0;
/// Fetches beyond the burst that wait for their turn (a card that shows a
/// moment later) rather than being refused.
const QUEUED: f64 = 2.0;
const API: &str = "https://hacker-news.firebaseio.com/v0/user/";
const PAGE: &str = "https://news.ycombinator.com/user?id=";

thread_local! {
    static IN_FLIGHT: RefCell<HashMap<String, Promise>> = RefCell::new(HashMap::new());
    /// Fetches that may start (this worker's life).
    static FETCHES: crate::bucket::Bucket = const { crate::bucket::Bucket::new(FETCH_BURST, REFILL_MS) };
}

#[derive(Serialize, Deserialize)]
struct Cached {
    profile: Profile,
    fetched_at: f64,
}

#[derive(Deserialize)]
struct ApiUser {
    id: String,
    karma: Option<i64>,
    created: Option<i64>,
    about: Option<String>,
    #[serde(default)]
    submitted: Vec<u64>,
}

#[derive(Deserialize)]
struct LobstersUser {
    username: String,
    karma: Option<i64>,
    created_at: Option<String>,
    about: Option<String>,
}

/// The cache key and in-flight key of a user: `profile:name` on HN (as
/// before a second site), `profile:site:name` elsewhere.
fn cache_key(site: &str, user: &str) -> String {
    format!("{}:{user}", hn_core::site::scoped(site, "profile"))
}

/// The profile, from the cache when fresh, else from the site.
pub async fn get(site: &str, user: &str) -> Result<(Profile, f64), String> {
    let key = cache_key(site, user);
    let cached = hn_ext::Stored::<Cached>::at(hn_ext::Area::Local, key.clone(), "a cached profile").get().await;
    if let Some(c) = cached.as_ref().filter(|c| js_sys::Date::now() - c.fetched_at < TTL_MS) {
        return Ok((c.profile.clone(), c.fetched_at));
    }
    if !IN_FLIGHT.with(|m| m.borrow().contains_key(&key)) {
        match take_fetch() {
            None => {
                return cached
                    .map(|c| (c.profile, c.fetched_at))
                    .ok_or_else(|| text::ERROR_PROFILES_TOO_FAST.to_string())
            }
            Some(wait) if wait > 0.0 => crate::pages::sleep(wait).await,
            Some(_) => {}
        }
    }
    match fetch_coalesced(site, user).await {
        Ok(p) => Ok((p, js_sys::Date::now())),
        // An old copy beats an error card.
        Err(e) => cached.map(|c| (c.profile, c.fetched_at)).ok_or(e),
    }
}

/// Whether a fetch may start ([`FETCH_BURST`], refilled one per
/// [`REFILL_MS`], up to [`QUEUED`] waiting for their turn): how long it
/// waits (ms), counted if so; `None` when refused.
fn take_fetch() -> Option<f64> {
    FETCHES.with(|b| b.take(1.0, QUEUED).ok())
}

/// Lists a newly cached profile and removes those past the bounds.
async fn keep(key: &str, fetched_at: f64) {
    let mut index = hn_ext::Stored::<std::collections::BTreeMap<String, f64>>::new(
        hn_ext::Area::Local,
        INDEX_KEY,
        "the profile cache's index",
    )
    .load()
    .await;
    index.insert(key.to_string(), fetched_at);
    let mut by_age: Vec<(String, f64)> = index.iter().map(|(k, t)| (k.clone(), *t)).collect();
    by_age.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (i, (k, t)) in by_age.into_iter().enumerate() {
        if i >= KEEP || fetched_at - t > KEEP_MS {
            index.remove(&k);
            let _ = hn_ext::remove(hn_ext::Area::Local, &k).await;
        }
    }
    let _ = hn_ext::set_typed(hn_ext::Area::Local, INDEX_KEY, &index).await;
}

async fn fetch_coalesced(site: &str, user: &str) -> Result<Profile, String> {
    let key = cache_key(site, user);
    let promise = IN_FLIGHT.with(|m| {
        m.borrow_mut()
            .entry(key.clone())
            .or_insert_with(|| {
                let (site, user) = (site.to_string(), user.to_string());
                future_to_promise(async move {
                    let result =
                        if hn_core::site::is_hn(&site) { fetch(&user).await } else { fetch_lobsters(&user).await };
                    IN_FLIGHT.with(|m| m.borrow_mut().remove(&key));
                    match result {
                        Ok(p) => {
                            let cached = Cached { profile: p, fetched_at: js_sys::Date::now() };
                            let _ = hn_ext::set_typed(hn_ext::Area::Local, &key, &cached).await;
                            keep(&key, cached.fetched_at).await;
                            cached
                                .profile
                                .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
                                .map_err(|e| JsValue::from_str(&e.to_string()))
                        }
                        Err(e) => Err(JsValue::from_str(&e)),
                    }
                })
            })
            .clone()
    });
    let value = JsFuture::from(promise).await.map_err(|e| hn_ext::describe(&e))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| e.to_string())
}

async fn fetch(user: &str) -> Result<Profile, String> {
    let api_error = match fetch_text(&format!("{API}{user}.json")).await {
        Ok(text) => match serde_json::from_str::<Option<ApiUser>>(&text) {
            Ok(Some(u)) => {
                return Ok(profile::from_api_json_fields(
                    &u.id,
                    u.karma,
                    u.created,
                    u.about.as_deref(),
                    u.submitted.len(),
                ))
            }
            Ok(None) => return Err(text::error_no_such_user(user)),
            Err(e) => format!("unreadable answer from the API: {e}"),
        },
        Err(e) => e,
    };
    let html = fetch_text(&format!("{PAGE}{user}")).await.map_err(|e| format!("{api_error}; {e}"))?;
    if html.contains(hn_core::message::RATE_LIMITED) {
        return Err(text::ERROR_RATE_LIMITED.into());
    }
    profile::from_user_page(&html).ok_or_else(|| text::error_no_profile(user))
}

/// Lobsters' own JSON for a user (its `about` is HTML, shown only through
/// the sanitizer like HN's).
async fn fetch_lobsters(user: &str) -> Result<Profile, String> {
    let text = fetch_text(&format!("https://lobste.rs/~{user}.json")).await?;
    let u: LobstersUser = serde_json::from_str(&text).map_err(|e| format!("unreadable answer from Lobsters: {e}"))?;
    let created = u.created_at.as_deref().and_then(profile::iso_seconds);
    Ok(profile::from_api_json_fields(&u.username, u.karma, created, u.about.as_deref(), 0))
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let init = Object::new();
    let _ = Reflect::set(&init, &"credentials".into(), &"omit".into());
    let response = JsFuture::from(crate::net::fetch(url, &init)).await.map_err(|e| hn_ext::describe(&e))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {} from {url}", response.status()));
    }
    let text =
        JsFuture::from(response.text().map_err(|e| hn_ext::describe(&e))?).await.map_err(|e| hn_ext::describe(&e))?;
    text.as_string().ok_or_else(|| "not text".into())
}
