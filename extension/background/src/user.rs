//! What the reader asks of their own synced state — follows, tags, notes,
//! who notifies, filters, settings, the export and import — with the rules
//! of each: what may be changed, and what a change also does.

use hn_core::filters::FilterRule;
use hn_core::message::{self, Response};
use hn_core::settings::Settings;
use hn_core::state::user_key;
use hn_core::text;

use crate::{done, state};

pub async fn save_settings(settings: Settings) -> Response {
    match state::edit(state::Edit::Settings(settings.clone())).await {
        Ok(()) => {
            // The badge may have been switched on or off.
            crate::activity::update_badge().await;
            Response::Settings { settings }
        }
        Err(e) => Response::Error { message: text::error_settings_not_saved(e) },
    }
}

pub async fn set_follow(site: &str, user: &str, follow: bool) -> Response {
    done(state::edit(state::Edit::Follow { key: user_key(site, user), follow }).await)
}

/// Follows every one of `users` in as few writes as the edits allow.
pub async fn follow_many(site: &str, users: &[String]) -> Response {
    let edits = users.iter().map(|u| state::Edit::Follow { key: user_key(site, u), follow: true }).collect();
    done(state::edit_many(edits).await.map(|_| ()))
}

pub async fn set_tag(site: &str, user: &str, tag: Option<String>) -> Response {
    done(state::edit(state::Edit::Tag { key: user_key(site, user), tag }).await)
}

/// A note is kept on someone followed only.
pub async fn set_note(site: &str, user: &str, note: &str) -> Response {
    if !state::user_state().await.follows(site, user) {
        return Response::Error { message: text::error_note_needs_follow(user) };
    }
    done(state::edit(state::Edit::Note { key: user_key(site, user), note: note.trim().to_string() }).await)
}

/// Only someone followed can be made to notify.
pub async fn set_notify(site: &str, user: &str, notify: bool) -> Response {
    if !state::user_state().await.follows(site, user) {
        return Response::Error { message: text::error_notify_needs_follow(user) };
    }
    done(state::edit(state::Edit::Notify { key: user_key(site, user), notify }).await.map(|_| ()))
}

pub async fn save_filter(rule: FilterRule) -> Response {
    done(state::edit(state::Edit::SaveFilter(rule)).await)
}

pub async fn edit_filter(key: String, rule: FilterRule) -> Response {
    done(state::edit(state::Edit::ChangeFilter(key, rule)).await)
}

pub async fn remove_filter(key: String) -> Response {
    done(state::edit(state::Edit::RemoveFilter(key)).await)
}

/// How sync stands, for the popup.
pub async fn sync_status() -> Response {
    let s = state::status().await;
    Response::Sync {
        status: message::SyncInfo {
            last_push: s.last_push,
            last_merge: s.last_merge,
            bytes: s.bytes,
            quota: hn_sync::QUOTA_BYTES,
            devices: s.devices,
            device: state::device().await,
            problem: s.problems(),
        },
    }
}

/// The reader's state as a file (`format`, `version`, `state`).
pub async fn export() -> Response {
    let doc = serde_json::json!({ "format": "hacker-new", "version": 1, "state": state::user_state().await });
    match serde_json::to_string_pretty(&doc) {
        Ok(json) => Response::Exported { json },
        Err(e) => Response::Error { message: e.to_string() },
    }
}

/// Merges an exported file: adds its follows and valid filters.
pub async fn import(json: &str) -> Response {
    let doc: serde_json::Value = match serde_json::from_str(json) {
        Ok(v) => v,
        Err(e) => return Response::Error { message: text::error_not_export(e) },
    };
    if doc["format"] != "hacker-new" {
        return Response::Error { message: text::ERROR_NOT_EXPORT_FORMAT.into() };
    }
    let imported: hn_core::state::UserState = match serde_json::from_value(doc["state"].clone()) {
        Ok(s) => s,
        Err(e) => return Response::Error { message: text::error_export_damaged(e) },
    };
    let mut edits = Vec::new();
    let (mut follows, mut skipped) = (0, 0);
    let current = state::user_state().await;
    for (key, rec) in &imported.follows {
        let valid = key.split_once(':').is_some_and(|(site, u)| hn_core::site::valid_user(site, u));
        if valid {
            if let Some(tag) = rec.tag.as_deref().and_then(hn_core::state::valid_tag) {
                if current.follows.get(key).is_none_or(|r| r.tag.is_none()) {
                    edits.push(state::Edit::Tag { key: key.clone(), tag: Some(tag) });
                }
            }
            if rec.unfollowed {
                continue;
            }
            follows += 1;
            edits.push(state::Edit::Follow { key: key.clone(), follow: true });
            // A note comes with the follow, unless this device has its own.
            let note: String = rec.note.trim().chars().take(hn_core::state::MAX_NOTE).collect();
            let has_own = current.follows.get(key).is_some_and(|r| !r.note.is_empty());
            if !note.is_empty() && !has_own {
                edits.push(state::Edit::Note { key: key.clone(), note });
            }
        } else {
            skipped += 1;
        }
    }
    let mut filters = 0;
    for rule in imported.filters.into_values() {
        if let Ok(rule) = rule.validated() {
            filters += 1;
            edits.push(state::Edit::SaveFilter(rule));
        } else {
            skipped += 1;
        }
    }
    match state::edit_many(edits).await {
        Ok(_) => Response::Imported { follows, filters, skipped },
        Err(message) => Response::Error { message },
    }
}
