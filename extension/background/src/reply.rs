//! Posting a reply the way HN's own page does: load the reply form for its
//! `hmac`, post it with the text, and read HN's answer.

use hn_core::message::Response;
use hn_core::own::{self, Change, ChangeError};
use hn_core::reply::{self, ReplyError};
use hn_core::text;
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

const ORIGIN: &str = "https://news.ycombinator.com";

pub(crate) struct Answer {
    pub status: u16,
    pub redirected: bool,
    pub url: String,
    pub body: String,
}

pub(crate) async fn request(url: &str, body: Option<&str>) -> Result<Answer, ReplyError> {
    let init = Object::new();
    let _ = Reflect::set(&init, &"credentials".into(), &"include".into());
    if let Some(body) = body {
        let _ = Reflect::set(&init, &"method".into(), &"POST".into());
        let headers = Object::new();
        let _ = Reflect::set(&headers, &"Content-Type".into(), &"application/x-www-form-urlencoded".into());
        let _ = Reflect::set(&init, &"headers".into(), &headers);
        let _ = Reflect::set(&init, &"body".into(), &body.into());
    }
    let r =
        JsFuture::from(crate::net::fetch(url, &init)).await.map_err(|e| ReplyError::Network(hn_ext::describe(&e)))?;
    let r: web_sys::Response = r.dyn_into().map_err(|_| ReplyError::Network("not a response".into()))?;
    let text = JsFuture::from(r.text().map_err(|e| ReplyError::Network(hn_ext::describe(&e)))?)
        .await
        .map_err(|e| ReplyError::Network(hn_ext::describe(&e)))?
        .as_string()
        .unwrap_or_default();
    Ok(Answer { status: r.status(), redirected: r.redirected(), url: r.url(), body: text })
}

pub async fn post(parent: u64, text: &str) -> Response {
    match post_inner(parent, text).await {
        Ok(id) => Response::Posted { id },
        Err(error) => Response::ReplyFailed { message: error.to_string(), error },
    }
}

async fn post_inner(parent: u64, text: &str) -> Result<Option<u64>, ReplyError> {
    let page = request(&format!("{ORIGIN}/reply?id={parent}"), None).await?;
    let form = reply::parse_form(page.status, &page.body)?;
    let answer = request(&format!("{ORIGIN}/comment"), Some(&reply::encode(&form, text))).await?;
    reply::outcome(answer.status, answer.redirected, &answer.body)?;
    // HN's redirect ends in `#<new comment id>`.
    Ok(answer.url.rsplit_once('#').and_then(|(_, id)| id.parse().ok()))
}

/// The source text of the reader's comment `id`, from HN's edit form.
pub async fn edit_text(id: u64) -> Response {
    match edit_form(id).await {
        Ok(form) => Response::EditText { text: form.text },
        Err(error) => changed(Err(error), Change::Edit),
    }
}

async fn edit_form(id: u64) -> Result<own::EditForm, ChangeError> {
    let page = request(&format!("{ORIGIN}/edit?id={id}"), None).await?;
    own::parse_edit(page.status, &page.body)
}

/// Edits the reader's comment `id` as HN's own edit page does: a fresh
/// form for its `hmac`, posted with the new text.
pub async fn save_edit(id: u64, text: &str) -> Response {
    let result = async {
        let form = edit_form(id).await?;
        let answer = request(&format!("{ORIGIN}/xedit"), Some(&own::encode_edit(&form, text))).await?;
        own::outcome(answer.status, answer.redirected, &answer.body, Change::Edit)
    };
    changed(result.await, Change::Edit)
}

/// Deletes the reader's comment `id` as HN's confirmation page does.
pub async fn delete(id: u64) -> Response {
    let result = async {
        let page = request(&format!("{ORIGIN}/{}", own::delete_path(id)), None).await?;
        let form = own::parse_delete(page.status, &page.body)?;
        let answer = request(&format!("{ORIGIN}/xdelete"), Some(&own::encode_delete(&form))).await?;
        own::outcome(answer.status, answer.redirected, &answer.body, Change::Delete)
    };
    changed(result.await, Change::Delete)
}

fn changed(result: Result<(), ChangeError>, change: Change) -> Response {
    match result {
        Ok(()) => Response::Done,
        Err(error) => Response::ChangeFailed { message: error.message(change), error },
    }
}

/// Follows one of HN's action links (vote, favorite, hide, flag) with the
/// reader's session.
pub async fn act(path: &str) -> Response {
    let url = format!("{ORIGIN}/{}", path.trim_start_matches('/'));
    let result = match request(&url, None).await {
        Ok(a) => hn_core::act::outcome(a.status, a.redirected, &a.body),
        Err(e) => Err(match e {
            ReplyError::Network(e) => text::error_network(e),
            other => other.to_string(),
        }),
    };
    match result {
        Ok(()) => Response::Done,
        Err(message) => Response::Error { message },
    }
}
