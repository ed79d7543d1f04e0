//! The activity of followed users, from HN's API: each user's document,
//! then their newest submissions. Polite by construction: at most
//! [`PER_MINUTE`] requests a minute from the whole extension (a budget kept
//! in storage, so a restarted worker keeps counting), a user is fetched
//! again only after [`TTL_MS`], items already known are never fetched
//! again, and refreshes run one at a time. The feed lives in
//! `chrome.storage.local`; the badge counts what the reader has not seen.

use hn_core::text;
use hn_ext::chrome::{set_badge_color, set_badge_text};
use std::cell::Cell;
use std::collections::BTreeMap;

use hn_core::activity::{merge_feed, ActivityItem, ApiItem, ApiUser, Budget, Feed};
use js_sys::{Object, Reflect};
use serde::{Deserialize, Serialize};
use wasm_bindgen_futures::JsFuture;

use crate::notes::Click;
use hn_core::notify::Mode;

pub const ALARM: &str = "activity";
const KEY: &str = "activity";
const API: &str = "https://hacker-news.firebaseio.com/v0";
/// Requests a minute, for the whole extension's activity polling.
pub const PER_MINUTE: u32 = 30;
/// A user is fetched again after this long.
pub const TTL_MS: f64 = 10.0 * 60.0 * 1000.0;
/// Newest submissions read per user.
pub const PER_USER: usize = 5;
/// Items kept in the feed.
pub const FEED_MAX: usize = 100;
/// Minutes between refreshes by alarm.
pub const PERIOD_MIN: f64 = 15.0;

thread_local! {
    static REFRESHING: Cell<bool> = const { Cell::new(false) };
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct UserCache {
    fetched_at: f64,
    items: Vec<ActivityItem>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Cache {
    users: BTreeMap<String, UserCache>,
    seen_at: Option<f64>,
    updated_at: Option<f64>,
    problem: Option<String>,
    budget: Budget,
    /// Requests made, for the popup's health line and the tests.
    requests: u64,
}

async fn load() -> Cache {
    hn_ext::Stored::new(hn_ext::Area::Local, KEY, "the activity cache").load().await
}

async fn save(cache: &Cache) {
    if let Err(e) = hn_ext::set_typed(hn_ext::Area::Local, KEY, cache).await {
        crate::log(&format!("saving the activity cache failed: {e}"));
    }
}

pub fn schedule() {
    hn_ext::alarm(ALARM, hn_ext::When::Every(PERIOD_MIN));
}

fn feed(cache: &Cache, followed: &[String]) -> Feed {
    let items =
        merge_feed(cache.users.iter().filter(|(u, _)| followed.contains(u)).map(|(_, c)| c.items.as_slice()), FEED_MAX);
    Feed {
        items,
        seen_at: cache.seen_at.unwrap_or(0.0),
        updated_at: cache.updated_at,
        problem: cache.problem.clone(),
        pending: followed.iter().filter(|u| !cache.users.contains_key(*u)).count(),
    }
}

async fn followed() -> Vec<String> {
    crate::state::user_state().await.followed_on("hn").map(str::to_string).collect()
}

async fn get_json<T: for<'de> Deserialize<'de>>(url: &str, cache: &mut Cache) -> Result<Option<T>, String> {
    if !cache.budget.take(js_sys::Date::now() as i64, PER_MINUTE) {
        return Err(text::error_activity_paused(PER_MINUTE));
    }
    cache.requests += 1;
    crate::net::get_json(url, "HN's API").await
}

/// Fetches what is stale, within the budget; returns the feed.
pub async fn refresh() -> Feed {
    let users = followed().await;
    if REFRESHING.with(|r| r.replace(true)) {
        return feed(&load().await, &users);
    }
    let mut cache = load().await;
    let now = js_sys::Date::now();
    // The first refresh marks everything before it as seen: following
    // someone does not flood the badge with their history.
    cache.seen_at.get_or_insert(now);
    cache.users.retain(|u, _| users.contains(u));
    let mut stale: Vec<String> =
        users.iter().filter(|u| cache.users.get(*u).is_none_or(|c| now - c.fetched_at > TTL_MS)).cloned().collect();
    stale.sort_by(|a, b| {
        let at = |u: &String| cache.users.get(u).map_or(0.0, |c| c.fetched_at);
        at(a).total_cmp(&at(b))
    });
    let mut problem = None;
    let state = crate::state::user_state().await;
    let prefs = crate::state::notify_prefs().await;
    let active: Vec<&str> = state.notifying_on("hn").collect();
    let mut fresh: Vec<ActivityItem> = Vec::new();
    'users: for user in stale {
        // A user fetched for the first time brings history, not news.
        // An item that only moved into the newest few (another was deleted)
        // is not news either: it must be newer than the last look, give or
        // take an hour of HN's clock.
        let last_look = cache.users.get(&user).map(|c| c.fetched_at);
        let tell = last_look.is_some() && (prefs.followed == Mode::Active || active.contains(&user.as_str()));
        let since = last_look.unwrap_or(0.0) - 3_600_000.0;
        let doc: Option<ApiUser> = match get_json(&format!("{API}/user/{user}.json"), &mut cache).await {
            Ok(d) => d,
            Err(e) => {
                problem = Some(e);
                break;
            }
        };
        let known: BTreeMap<u64, ActivityItem> =
            cache.users.get(&user).map(|c| c.items.iter().map(|i| (i.id, i.clone())).collect()).unwrap_or_default();
        let mut items = Vec::new();
        for id in doc.map(|d| d.submitted).unwrap_or_default().into_iter().take(PER_USER) {
            if let Some(i) = known.get(&id) {
                items.push(i.clone());
                continue;
            }
            match get_json::<ApiItem>(&format!("{API}/item/{id}.json"), &mut cache).await {
                Ok(Some(item)) => {
                    if let Some(item) = ActivityItem::from_api(item, &user) {
                        if tell && (item.time as f64) * 1000.0 > since {
                            fresh.push(item.clone());
                        }
                        items.push(item);
                    }
                }
                Ok(None) => {}
                Err(e) => {
                    problem = Some(e);
                    break 'users;
                }
            }
        }
        cache.users.insert(user, UserCache { fetched_at: js_sys::Date::now(), items });
    }
    cache.problem = problem;
    cache.updated_at = Some(js_sys::Date::now());
    save(&cache).await;
    if !fresh.is_empty() && prefs.followed != Mode::Off {
        announce(&fresh, &prefs).await;
    }
    REFRESHING.with(|r| r.set(false));
    let f = feed(&cache, &users);
    badge(&f).await;
    f
}

/// One notification for new posts by users who notify (held back in quiet
/// hours: they stay in the feed and the badge).
async fn announce(fresh: &[ActivityItem], prefs: &hn_core::notify::NotifyPrefs) {
    if !prefs.may_interrupt(&hn_ext::BrowserZone, js_sys::Date::now() as i64) {
        return;
    }
    let (id, title, message, click) = match fresh {
        [i] => (
            format!("post:{}", i.id),
            text::note_user_posted(&i.by),
            i.summary.clone(),
            Click::Open { url: format!("https://news.ycombinator.com/item?id={}", i.id), replies: vec![] },
        ),
        _ => (
            format!("posts:{}", js_sys::Date::now()),
            text::note_users_posted(fresh.len()),
            text::NOTE_CLICK_TO_SEE.to_string(),
            Click::Options { tab: "activity".into() },
        ),
    };
    crate::notes::raise(&id, &title, &message, click).await;
}

pub async fn get(refresh_first: bool) -> Feed {
    if refresh_first {
        return refresh().await;
    }
    let users = followed().await;
    feed(&load().await, &users)
}

pub async fn mark_seen() {
    let mut cache = load().await;
    cache.seen_at = Some(js_sys::Date::now());
    save(&cache).await;
    let users = followed().await;
    badge(&feed(&cache, &users)).await;
}

/// Sets the badge from the cached feed (after a settings change).
pub async fn update_badge() {
    let users = followed().await;
    badge(&feed(&load().await, &users)).await;
}

/// The badge counts unread posts by followed users and unread replies.
async fn badge(feed: &Feed) {
    let on = crate::state::user_state().await.settings.badge;
    let n = if on { feed.unread() + crate::replies::unread().await } else { 0 };
    let details = Object::new();
    let text = match n {
        0 => String::new(),
        1..=99 => n.to_string(),
        _ => "99+".into(),
    };
    let _ = Reflect::set(&details, &"text".into(), &text.into());
    let _ = JsFuture::from(set_badge_text(&details)).await;
    let color = Object::new();
    let _ = Reflect::set(&color, &"color".into(), &"#ff6600".into());
    let _ = JsFuture::from(set_badge_color(&color)).await;
}
