//! HN's reply flow: `/reply?id=` gives a form with a fresh `hmac` to a
//! logged-in reader (a `user` cookie), and `POST /comment` checks it and
//! answers as HN does — a redirect to `goto` on success, or a page saying
//! what is wrong (logged out, posting too fast, expired form, locked).
//!
//! The reader's own comments: `/edit?id=` gives a form with the comment's
//! source text (registered with [`crate::Replica::own_comment`]) and an
//! `hmac`, posted to `/xedit`; `/delete-confirm?id=&goto=` gives HN's
//! confirmation (the saved 2026 page, its hmac fresh), posted to
//! `/xdelete`. Refusals as HN's: logged out, the window closed, a comment
//! with replies (not deleted), posting too fast, an expired form.

use std::collections::HashSet;
use std::sync::Arc;

use hn_core::url::decode as url_decode;

use crate::http::{Request, Response};
use crate::routes::{html, query_param};
use crate::State;

#[derive(Debug, Clone, Default)]
pub struct Forms {
    pub issued: HashSet<String>,
    pub posted: Vec<Posted>,
    pub locked: HashSet<String>,
    pub too_fast: bool,
    /// Votes, hides and favorites accepted: `(user, path and query)`.
    pub acted: Vec<(String, String)>,
    /// The reader's own comments: id → source text (edits change it).
    pub own: std::collections::HashMap<String, String>,
    /// Own comments whose edit and delete window has closed.
    pub closed: HashSet<String>,
    /// Own comments that have replies (HN does not delete them).
    pub answered: HashSet<String>,
    /// Edits accepted: `(user, id, text)`.
    pub edited: Vec<(String, String, String)>,
    /// Deletions accepted: `(user, id)`.
    pub deleted: Vec<(String, String)>,
    counter: u64,
}

/// A comment `/comment` accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub user: String,
    pub parent: String,
    pub text: String,
}

const LOGIN: &str = r#"<html lang="en" op="login"><head><title>Login | Hacker News</title></head><body>You have to be logged in to reply.<br><br><b>Login</b><br><br><form action="login" method="post"><input type="hidden" name="goto" value="news"><table border="0"><tr><td>username:</td><td><input type="text" name="acct"></td></tr><tr><td>password:</td><td><input type="password" name="pw"></td></tr></table><br><input type="submit" value="login"></form></body></html>"#;

fn user(request: &Request) -> Option<String> {
    let cookie = request.header("cookie")?;
    cookie.split(';').find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == "user").then(|| v.split('&').next().unwrap_or("").to_string()).filter(|u| !u.is_empty())
    })
}

fn page(state: &State, body: String) -> Response {
    html(state, 200, Arc::new(body.into_bytes()))
}

impl Forms {
    /// HN's checks of a post changing own comment `id`: a form it issued
    /// (spent now), and a comment still open to that change.
    fn spend_own(&mut self, hmac: &str, id: &str, change: &str) -> Result<(), String> {
        if !self.issued.remove(hmac) {
            return Err("Unknown or expired link.".into());
        }
        if !self.own.contains_key(id) || self.closed.contains(id) {
            return Err(format!("You can't {change} that anymore."));
        }
        Ok(())
    }

    fn issue(&mut self, id: &str) -> String {
        self.counter += 1;
        let h = format!("h{:08x}{}", self.counter.wrapping_mul(2654435761), id);
        self.issued.insert(h.clone());
        h
    }
}

/// The fields of a form post.
fn fields(request: &Request) -> impl Fn(&str) -> Option<String> {
    let body = String::from_utf8_lossy(&request.body).to_string();
    move |name: &str| {
        body.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| url_decode(v))
        })
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// HN's page frame (the saved 2026 delete confirmation) around `form`.
fn frame(state: &State, op: &str, form: &str) -> String {
    let template = state
        .fixtures
        .by_rel("reply/ews-delete-confirm-2026-04.html")
        .map(|f| String::from_utf8_lossy(&f.body).to_string())
        .unwrap_or_default();
    let (Some(start), Some(end)) = (template.find("<form action=\"/xdelete\""), template.find("</form>")) else {
        return format!("<html op=\"{op}\"><body>{form}</body></html>");
    };
    format!("{}{form}{}", &template[..start], &template[end + "</form>".len()..]).replacen(
        "op=\"delete-confirm\"",
        &format!("op=\"{op}\""),
        1,
    )
}

/// An own comment's id from the query, when the reader may change it:
/// the page to show otherwise.
fn own_id(state: &State, request: &Request, change: &str) -> Result<(String, String), Response> {
    let Some(user) = user(request) else { return Err(page(state, LOGIN.replace("to reply", &format!("to {change}")))) };
    let id = query_param(&request.target, "id").filter(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    let Some(id) = id else { return Err(page(state, "Unknown.".into())) };
    let forms = state.forms();
    if !forms.own.contains_key(id) {
        return Err(page(state, "You can't do that.".into()));
    }
    if forms.closed.contains(id) {
        return Err(page(state, format!("You can't {change} that anymore.")));
    }
    Ok((user, id.to_string()))
}

/// `GET /edit?id=`: HN's edit form, with the comment's source text.
pub(crate) fn edit_page(state: &State, request: &Request) -> Response {
    let (_, id) = match own_id(state, request, "edit") {
        Ok(x) => x,
        Err(answer) => return answer,
    };
    let (hmac, text) = {
        let mut forms = state.forms();
        let text = forms.own.get(&id).cloned().unwrap_or_default();
        (forms.issue(&id), text)
    };
    let form = format!(
        "<form action=\"/xedit\" method=\"post\"><input type=\"hidden\" name=\"id\" value=\"{id}\"><input type=\"hidden\" name=\"hmac\" value=\"{hmac}\"><textarea name=\"text\" rows=\"8\" cols=\"80\" wrap=\"virtual\">\n{}</textarea><br><br><input type=\"submit\" value=\"update\"></form>",
        escape(&text)
    );
    page(state, frame(state, "edit", &form))
}

/// `POST /xedit`: checks the form and keeps the new text.
pub(crate) fn post_edit(state: &State, request: &Request) -> Response {
    let Some(user) = user(request) else { return page(state, LOGIN.into()) };
    let field = fields(request);
    let (Some(id), Some(hmac), Some(text)) = (field("id"), field("hmac"), field("text")) else {
        return page(state, "Unknown or expired link.".into());
    };
    let mut forms = state.forms();
    if let Err(refusal) = forms.spend_own(&hmac, &id, "edit") {
        return page(state, refusal);
    }
    if forms.too_fast {
        forms.issued.insert(hmac);
        return page(state, "You're posting too fast. Please slow down. Thanks.".into());
    }
    forms.own.insert(id.clone(), text.clone());
    forms.edited.push((user, id.clone(), text));
    Response::new(302, "text/html", "").with("Location", &format!("/item?id={id}"))
}

/// `GET /delete-confirm?id=&goto=`: HN's confirmation.
pub(crate) fn delete_page(state: &State, request: &Request) -> Response {
    let (_, id) = match own_id(state, request, "delete") {
        Ok(x) => x,
        Err(answer) => return answer,
    };
    let goto = query_param(&request.target, "goto").map(url_decode).unwrap_or_else(|| "news".into());
    let hmac = state.forms().issue(&id);
    let form = format!(
        "<form action=\"/xdelete\" method=\"post\"><input type=\"hidden\" name=\"id\" value=\"{id}\"><input type=\"hidden\" name=\"goto\" value=\"{}\"><input type=\"hidden\" name=\"hmac\" value=\"{hmac}\">Do you want this to be deleted?<br><br><input type=\"submit\" name=\"d\" value=\"Yes\">&nbsp;<input type=\"submit\" name=\"d\" value=\"No\"></form>",
        escape(&goto)
    );
    page(state, frame(state, "delete-confirm", &form))
}

/// `POST /xdelete`: deletes on "Yes", unless the comment has replies.
pub(crate) fn post_delete(state: &State, request: &Request) -> Response {
    let Some(user) = user(request) else { return page(state, LOGIN.into()) };
    let field = fields(request);
    let (Some(id), Some(goto), Some(hmac)) = (field("id"), field("goto"), field("hmac")) else {
        return page(state, "Unknown or expired link.".into());
    };
    let mut forms = state.forms();
    if let Err(refusal) = forms.spend_own(&hmac, &id, "delete") {
        return page(state, refusal);
    }
    if forms.answered.contains(&id) {
        return page(state, "You can't delete a comment that has replies.".into());
    }
    if field("d").as_deref() == Some("Yes") {
        forms.own.remove(&id);
        forms.deleted.push((user, id));
    }
    Response::new(302, "text/html", "").with("Location", &format!("/{}", goto.trim_start_matches('/')))
}

pub(crate) fn reply_page(state: &State, request: &Request) -> Response {
    let Some(parent) = query_param(&request.target, "id").filter(|p| p.chars().all(|c| c.is_ascii_digit())) else {
        return page(state, "Unknown.".into());
    };
    if user(request).is_none() {
        return page(state, LOGIN.into());
    }
    let hmac = state.forms().issue(parent);
    let template = state
        .fixtures
        .by_rel("reply/ews-reply-47538487-2026-03.html")
        .map(|f| String::from_utf8_lossy(&f.body).to_string())
        .unwrap_or_default();
    let body = template
        .replace("name=\"parent\" value=\"47538487\"", &format!("name=\"parent\" value=\"{parent}\""))
        .replace("value=\"item?id=47536761#47538487\"", &format!("value=\"item?id={parent}\""))
        .replace("fixturehmac", &hmac);
    page(state, body)
}

pub(crate) fn post_comment(state: &State, request: &Request) -> Response {
    let field = fields(request);
    let Some(user) = user(request) else { return page(state, LOGIN.into()) };
    let (parent, goto, hmac, text) = (field("parent"), field("goto"), field("hmac"), field("text"));
    let mut forms = state.forms();
    let (Some(parent), Some(goto), Some(hmac), Some(text)) = (parent, goto, hmac, text) else {
        return page(state, "Unknown or expired link.".into());
    };
    if !forms.issued.remove(&hmac) {
        return page(state, "Unknown or expired link.".into());
    }
    if forms.locked.contains(&parent) {
        return page(state, "You can't reply to this comment.".into());
    }
    if forms.too_fast {
        forms.issued.insert(hmac);
        return page(state, "You're posting too fast. Please slow down. Thanks.".into());
    }
    forms.posted.push(Posted { user, parent, text });
    Response::new(302, "text/html", "").with("Location", &format!("/{}", goto.trim_start_matches('/')))
}

/// `GET /vote`, `/hide`, `/fave`, `/flag` with an `auth` token: recorded for
/// a logged-in reader, then a redirect to `goto` (HN answers a vote on its
/// own page the same way); logged out, HN's login page.
pub(crate) fn act(state: &State, request: &Request) -> Response {
    let Some(user) = user(request) else {
        return page(state, LOGIN.replace("to reply", "to vote"));
    };
    if query_param(&request.target, "auth").is_none_or(|a| a.is_empty()) {
        return page(state, "Bad request.".into());
    }
    state.forms().acted.push((user, request.target.clone()));
    let goto = query_param(&request.target, "goto").unwrap_or("news");
    Response::new(302, "text/html", "").with("Location", &format!("/{}", goto.trim_start_matches('/')))
}
