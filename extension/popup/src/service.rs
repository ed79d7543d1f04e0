//! The popup's one door to the background.

use hn_core::message::{Answer, Ask, Response};
use hn_core::text;

/// Asks the background; the answer read as the request's own answer type
/// (`hn_core::message::ask`), an error or another kind as the reason.
pub async fn ask<Q: Ask>(request: Q) -> Result<Q::Answer, String> {
    match hn_ext::ask(request.into()).await? {
        Response::Error { message } => Err(message),
        other => Q::Answer::take(other).map_err(unexpected),
    }
}

fn unexpected(r: Box<Response>) -> String {
    web_sys::console::warn_1(&format!("Hacker New: an unexpected answer: {r:?}").into());
    text::POPUP_UNEXPECTED_ANSWER.into()
}
