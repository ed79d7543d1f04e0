//! The popup's one door to the background.

use hn_core::filters::FilterRule;
use hn_core::message::{Request, Response, SyncInfo};
use hn_core::settings::Settings;
use hn_core::state::UserState;
use hn_core::text;

async fn ask(request: Request) -> Result<Response, String> {
    match hn_ext::ask(request).await? {
        Response::Error { message } => Err(message),
        other => Ok(other),
    }
}

fn unexpected(r: Response) -> String {
    web_sys::console::warn_1(&format!("Hacker New: an unexpected answer: {r:?}").into());
    text::POPUP_UNEXPECTED_ANSWER.into()
}

pub async fn load() -> Result<UserState, String> {
    match ask(Request::GetState).await? {
        Response::State { state } => Ok(state),
        other => Err(unexpected(other)),
    }
}

pub async fn sync_status() -> Result<SyncInfo, String> {
    match ask(Request::SyncStatus).await? {
        Response::Sync { status } => Ok(status),
        other => Err(unexpected(other)),
    }
}

pub async fn save_settings(settings: Settings) -> Result<(), String> {
    ask(Request::SaveSettings { settings }).await.map(|_| ())
}

pub async fn follow(user: String, follow: bool) -> Result<(), String> {
    ask(Request::SetFollow { site: "hn".into(), user, follow }).await.map(|_| ())
}

pub async fn save_filter(rule: FilterRule) -> Result<(), String> {
    ask(Request::SaveFilter { rule }).await.map(|_| ())
}

pub async fn edit_filter(key: String, rule: FilterRule) -> Result<(), String> {
    ask(Request::EditFilter { key, rule }).await.map(|_| ())
}

pub async fn remove_filter(key: String) -> Result<(), String> {
    ask(Request::RemoveFilter { key }).await.map(|_| ())
}

pub async fn export() -> Result<String, String> {
    match ask(Request::ExportState).await? {
        Response::Exported { json } => Ok(json),
        other => Err(unexpected(other)),
    }
}

pub async fn import(json: String) -> Result<(u32, u32, u32), String> {
    match ask(Request::ImportState { json }).await? {
        Response::Imported { follows, filters, skipped } => Ok((follows, filters, skipped)),
        other => Err(unexpected(other)),
    }
}

/// Any request answered by `Done` (or `Queued`).
pub async fn send(request: Request) -> Result<(), String> {
    ask(request).await.map(|_| ())
}

pub async fn activity(refresh: bool) -> Result<hn_core::activity::Feed, String> {
    match ask(Request::GetActivity { refresh }).await? {
        Response::Activity { feed } => Ok(feed),
        other => Err(unexpected(other)),
    }
}

pub async fn filter_hits() -> Result<std::collections::BTreeMap<String, u32>, String> {
    match ask(Request::GetFilterHits).await? {
        Response::FilterHits { hits, .. } => Ok(hits),
        other => Err(unexpected(other)),
    }
}

/// The inbox, after `request` (get, check, mark read).
pub async fn inbox(request: Request) -> Result<hn_core::notify::Inbox, String> {
    match ask(request).await? {
        Response::Inbox { inbox } => Ok(inbox),
        other => Err(unexpected(other)),
    }
}

pub async fn health() -> Result<Vec<hn_core::health::HealthLine>, String> {
    match ask(Request::GetHealth).await? {
        Response::Health { lines } => Ok(lines),
        other => Err(unexpected(other)),
    }
}
