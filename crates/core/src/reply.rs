//! Inline replies: HN's own flow, as data. The reply form (`/reply?id=`)
//! carries a `parent`, a `goto` and an `hmac`; posting them with the text to
//! `/comment` answers with a redirect to `goto` on success, or a page that
//! says what went wrong.

use crate::text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyForm {
    pub parent: String,
    pub goto: String,
    pub hmac: String,
}

/// Why a reply was not posted. Every one keeps the typed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum ReplyError {
    LoggedOut,
    TooFast,
    /// The form's hmac was stale or missing.
    StaleForm,
    /// The thread is locked or the parent is dead or deleted.
    Closed,
    RateLimited,
    Unavailable,
    Network(String),
    Rejected(String),
}

impl std::fmt::Display for ReplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplyError::LoggedOut => f.write_str(text::REPLY_LOGGED_OUT),
            ReplyError::TooFast => f.write_str(text::REPLY_TOO_FAST),
            ReplyError::StaleForm => f.write_str(text::REPLY_STALE_FORM),
            ReplyError::Closed => f.write_str(text::REPLY_CLOSED),
            ReplyError::RateLimited => f.write_str(text::REPLY_RATE_LIMITED),
            ReplyError::Unavailable => f.write_str(text::REPLY_UNAVAILABLE),
            ReplyError::Network(e) => f.write_str(&text::reply_network(e)),
            ReplyError::Rejected(e) => f.write_str(&text::reply_rejected(e)),
        }
    }
}

const TOO_FAST: &str = "posting too fast";
const EXPIRED: &str = "Unknown or expired link";
const CLOSED: [&str; 3] = ["can't reply", "thread is locked", "can't comment"];

/// Reads the reply form out of a `/reply?id=` page (or an item page's
/// add-comment form).
pub fn parse_form(status: u16, html: &str) -> Result<ReplyForm, ReplyError> {
    common_errors(status, html)?;
    let Some(start) = html.find("action=\"comment\"").or_else(|| html.find("action='comment'")) else {
        if html.contains("action=\"login\"") || html.contains("action='login'") {
            return Err(ReplyError::LoggedOut);
        }
        if CLOSED.iter().any(|c| html.contains(c)) {
            return Err(ReplyError::Closed);
        }
        return Err(ReplyError::Rejected("no reply form on the page".into()));
    };
    let form = &html[start..html[start..].find("</form>").map_or(html.len(), |e| start + e)];
    let field = |name: &str| hidden_value(form, name);
    match (field("parent"), field("goto"), field("hmac")) {
        (Some(parent), Some(goto), Some(hmac)) if !hmac.is_empty() => Ok(ReplyForm { parent, goto, hmac }),
        (_, _, None) | (_, _, Some(_)) => Err(ReplyError::StaleForm),
    }
}

/// What HN's answer to the post means. `redirected` is whether the answer
/// came through a redirect (HN redirects to `goto` on success).
pub fn outcome(status: u16, redirected: bool, html: &str) -> Result<(), ReplyError> {
    common_errors(status, html)?;
    if html.contains(TOO_FAST) {
        return Err(ReplyError::TooFast);
    }
    if html.contains(EXPIRED) {
        return Err(ReplyError::StaleForm);
    }
    if CLOSED.iter().any(|c| html.contains(c)) {
        return Err(ReplyError::Closed);
    }
    if html.contains("action=\"login\"") || html.contains("action='login'") {
        return Err(ReplyError::LoggedOut);
    }
    if redirected {
        Ok(())
    } else {
        let text: String = html.chars().filter(|c| !c.is_control()).take(120).collect();
        Err(ReplyError::Rejected(text))
    }
}

pub(crate) fn common_errors(status: u16, html: &str) -> Result<(), ReplyError> {
    if html.contains(crate::message::RATE_LIMITED) || status == 429 {
        return Err(ReplyError::RateLimited);
    }
    if status >= 500 {
        return Err(ReplyError::Unavailable);
    }
    Ok(())
}

pub(crate) fn hidden_value(form: &str, name: &str) -> Option<String> {
    for quote in ['"', '\''] {
        let needle = format!("name={quote}{name}{quote}");
        if let Some(at) = form.find(&needle) {
            let tag_start = form[..at].rfind('<')?;
            let tag_end = at + form[at..].find('>')?;
            let tag = &form[tag_start..tag_end];
            for q in ['"', '\''] {
                let v = format!("value={q}");
                if let Some(vs) = tag.find(&v) {
                    let rest = &tag[vs + v.len()..];
                    return rest.find(q).map(|e| crate::sanitize::decode_entities(&rest[..e]));
                }
            }
            return Some(String::new());
        }
    }
    None
}

/// The body of the post to `/comment`.
pub fn encode(form: &ReplyForm, text: &str) -> String {
    format!(
        "parent={}&goto={}&hmac={}&text={}",
        crate::url::encode(&form.parent),
        crate::url::encode(&form.goto),
        crate::url::encode(&form.hmac),
        crate::url::encode(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = r#"<form action="comment" method="post"><input type="hidden" name="parent" value="47538487"><input type="hidden" name="goto" value="item?id=47536761#47538487"><input type="hidden" name="hmac" value="fixturehmac"><textarea name="text"></textarea><input type="submit" value="reply"></form>"#;

    #[test]
    fn hidden_values_are_decoded_once() {
        let form = r#"<input type="hidden" name="goto" value="item?id=1&amp;x=&amp;quot;&#x2F;&#39;">"#;
        assert_eq!(hidden_value(form, "goto").as_deref(), Some("item?id=1&x=&quot;/'"));
    }

    #[test]
    fn the_form_is_read() {
        assert_eq!(
            parse_form(200, REPLY),
            Ok(ReplyForm {
                parent: "47538487".into(),
                goto: "item?id=47536761#47538487".into(),
                hmac: "fixturehmac".into()
            })
        );
    }

    #[test]
    fn failures_are_named() {
        assert_eq!(parse_form(200, r#"<form action="login" method="post">"#), Err(ReplyError::LoggedOut));
        assert_eq!(parse_form(503, "Sorry."), Err(ReplyError::Unavailable));
        assert_eq!(parse_form(200, crate::message::RATE_LIMITED), Err(ReplyError::RateLimited));
        assert_eq!(
            parse_form(200, r#"<form action="comment"><input name="parent" value="1"></form>"#),
            Err(ReplyError::StaleForm)
        );
        assert_eq!(outcome(200, false, "You're posting too fast. Please slow down. Thanks."), Err(ReplyError::TooFast));
        assert_eq!(outcome(200, false, "Unknown or expired link."), Err(ReplyError::StaleForm));
        assert_eq!(outcome(200, true, "<html>thread</html>"), Ok(()));
        assert!(matches!(outcome(200, false, "odd"), Err(ReplyError::Rejected(_))));
    }

    #[test]
    fn the_post_body_encodes_every_value() {
        let body = encode(&ReplyForm { parent: "1".into(), goto: "item?id=1#2".into(), hmac: "h".into() }, "hi there");
        assert_eq!(body, "parent=1&goto=item%3Fid%3D1%232&hmac=h&text=hi%20there");
        assert_eq!(crate::url::decode("hi%20there"), "hi there");
    }
}
