//! The popup's one door to the background.

use hn_core::message::{Request, Response};
use hn_core::settings::Settings;

pub async fn load() -> Result<(Settings, String), String> {
    let version = hn_ext::version();
    match hn_ext::ask(Request::GetSettings).await? {
        Response::Settings { settings } => Ok((settings, version)),
        Response::Error { message } => Err(message),
        other => Err(format!("unexpected answer {other:?}")),
    }
}

pub async fn save(settings: Settings) -> Result<Settings, String> {
    match hn_ext::ask(Request::SaveSettings { settings }).await? {
        Response::Settings { settings } => Ok(settings),
        Response::Error { message } => Err(message),
        other => Err(format!("unexpected answer {other:?}")),
    }
}
