//! HN's reply flow: `/reply?id=` gives a form with a fresh `hmac` to a
//! logged-in reader (a `user` cookie), and `POST /comment` checks it and
//! answers as HN does — a redirect to `goto` on success, or a page saying
//! what is wrong (logged out, posting too fast, expired form, locked).

use std::collections::HashSet;
use std::sync::Arc;

use hn_core::reply::url_decode;

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

pub(crate) fn reply_page(state: &State, request: &Request) -> Response {
    let Some(parent) = query_param(&request.target, "id").filter(|p| p.chars().all(|c| c.is_ascii_digit())) else {
        return page(state, "Unknown.".into());
    };
    if user(request).is_none() {
        return page(state, LOGIN.into());
    }
    let hmac = {
        let mut forms = state.forms();
        forms.counter += 1;
        let h = format!("h{:08x}{}", forms.counter.wrapping_mul(2654435761), parent);
        forms.issued.insert(h.clone());
        h
    };
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
    let body = String::from_utf8_lossy(&request.body).to_string();
    let field = |name: &str| {
        body.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| url_decode(v))
        })
    };
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
