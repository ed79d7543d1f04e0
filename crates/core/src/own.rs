//! The reader's own comments: editing and deleting them in place, through
//! HN's own forms. `edit?id=` answers a form posted to `/xedit` (the
//! comment's `id`, an `hmac` and the comment's source text in a textarea);
//! `delete-confirm?id=&goto=` answers one posted to `/xdelete` (`id`,
//! `goto`, `hmac`, and `d=Yes`). HN offers both for a while after posting
//! (its own `edit` and `delete` links are the signal), and refuses to
//! delete a comment that already has replies. Each answer is a redirect
//! when HN accepted, or a page saying why not.

use crate::text;
use serde::{Deserialize, Serialize};

use crate::reply::{common_errors, hidden_value, ReplyError};
use crate::url::encode as url_encode;

/// What the reader asked of their comment, for the words of a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Edit,
    Delete,
}

/// HN's edit form: where to post and the comment's text as HN keeps it
/// (its source, not the rendered HTML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditForm {
    pub id: String,
    pub hmac: String,
    pub text: String,
}

/// HN's delete confirmation form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteForm {
    pub id: String,
    pub goto: String,
    pub hmac: String,
}

/// Why an edit or a deletion did not happen. Every one keeps the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum ChangeError {
    LoggedOut,
    /// HN no longer offers the form: the edit (or delete) window closed.
    TooLate,
    /// HN does not delete a comment that has replies.
    HasReplies,
    TooFast,
    /// The form's hmac was stale or missing.
    StaleForm,
    RateLimited,
    Unavailable,
    Network(String),
    Rejected(String),
}

impl ChangeError {
    /// The refusal in words, for the line beside the comment.
    pub fn message(&self, change: Change) -> String {
        let edit = change == Change::Edit;
        let kept = if edit { text::CHANGE_EDIT_KEPT } else { text::CHANGE_DELETE_KEPT };
        match self {
            ChangeError::LoggedOut => text::change_logged_out(kept),
            ChangeError::TooLate if edit => text::change_edit_too_late(kept),
            ChangeError::TooLate => text::change_delete_too_late(kept),
            ChangeError::HasReplies => text::change_has_replies(kept),
            ChangeError::TooFast => text::change_too_fast(kept),
            ChangeError::StaleForm if edit => text::change_edit_stale(kept),
            ChangeError::StaleForm => text::change_delete_stale(kept),
            ChangeError::RateLimited => text::change_rate_limited(kept),
            ChangeError::Unavailable => text::change_unavailable(kept),
            ChangeError::Network(e) => text::change_network(e, kept),
            ChangeError::Rejected(e) if edit => text::change_edit_rejected(e, kept),
            ChangeError::Rejected(e) => text::change_delete_rejected(e, kept),
        }
    }
}

impl From<ReplyError> for ChangeError {
    fn from(e: ReplyError) -> ChangeError {
        match e {
            ReplyError::LoggedOut => ChangeError::LoggedOut,
            ReplyError::TooFast => ChangeError::TooFast,
            ReplyError::StaleForm => ChangeError::StaleForm,
            ReplyError::Closed => ChangeError::TooLate,
            ReplyError::RateLimited => ChangeError::RateLimited,
            ReplyError::Unavailable => ChangeError::Unavailable,
            ReplyError::Network(e) => ChangeError::Network(e),
            ReplyError::Rejected(e) => ChangeError::Rejected(e),
        }
    }
}

const HAS_REPLIES: [&str; 2] = ["has replies", "have replies"];

/// The form posted to `action` (`xedit`, `xdelete`), written with or
/// without a leading slash and either quote.
fn form<'a>(html: &'a str, action: &str) -> Option<&'a str> {
    let start = [
        format!("action=\"/{action}\""),
        format!("action=\"{action}\""),
        format!("action='/{action}'"),
        format!("action='{action}'"),
    ]
    .iter()
    .find_map(|a| html.find(a.as_str()))?;
    let end = html[start..].find("</form>").map_or(html.len(), |e| start + e);
    Some(&html[start..end])
}

/// Why a page has no form: logged out, refused (replies), or the window
/// closed.
fn missing(html: &str, change: Change) -> ChangeError {
    if html.contains("action=\"login\"") || html.contains("action='login'") {
        ChangeError::LoggedOut
    } else if change == Change::Delete && HAS_REPLIES.iter().any(|r| html.contains(r)) {
        ChangeError::HasReplies
    } else {
        ChangeError::TooLate
    }
}

/// Reads HN's edit form out of an `edit?id=` page.
pub fn parse_edit(status: u16, html: &str) -> Result<EditForm, ChangeError> {
    common_errors(status, html)?;
    let Some(form) = form(html, "xedit") else { return Err(missing(html, Change::Edit)) };
    let text = textarea(form).ok_or_else(|| ChangeError::Rejected("the edit form has no text".into()))?;
    match (hidden_value(form, "id"), hidden_value(form, "hmac")) {
        (Some(id), Some(hmac)) if !hmac.is_empty() && !id.is_empty() => Ok(EditForm { id, hmac, text }),
        _ => Err(ChangeError::StaleForm),
    }
}

/// Reads HN's confirmation form out of a `delete-confirm?id=` page.
pub fn parse_delete(status: u16, html: &str) -> Result<DeleteForm, ChangeError> {
    common_errors(status, html)?;
    let Some(form) = form(html, "xdelete") else { return Err(missing(html, Change::Delete)) };
    match (hidden_value(form, "id"), hidden_value(form, "goto"), hidden_value(form, "hmac")) {
        (Some(id), Some(goto), Some(hmac)) if !hmac.is_empty() && !id.is_empty() => Ok(DeleteForm { id, goto, hmac }),
        _ => Err(ChangeError::StaleForm),
    }
}

/// The text of the form's `text` textarea, its character references
/// decoded (HTML drops one newline straight after the opening tag).
fn textarea(form: &str) -> Option<String> {
    let open = form.find("<textarea")?;
    let body = open + form[open..].find('>')? + 1;
    let end = body + form[body..].find("</textarea>")?;
    let raw = &form[body..end];
    let raw = raw.strip_prefix("\r\n").or_else(|| raw.strip_prefix('\n')).unwrap_or(raw);
    Some(crate::sanitize::decode_entities(raw))
}

/// The body of the post to `/xedit`.
pub fn encode_edit(form: &EditForm, text: &str) -> String {
    format!("id={}&hmac={}&text={}", url_encode(&form.id), url_encode(&form.hmac), url_encode(text))
}

/// The body of the post to `/xdelete`: the confirmation's "Yes".
pub fn encode_delete(form: &DeleteForm) -> String {
    format!("id={}&goto={}&hmac={}&d=Yes", url_encode(&form.id), url_encode(&form.goto), url_encode(&form.hmac))
}

/// What HN's answer to the post means (a redirect when it accepted): the
/// reply's reading of it (which checks rate limits and outages too), with
/// the refusals only an edit or a deletion gets.
pub fn outcome(status: u16, redirected: bool, html: &str, change: Change) -> Result<(), ChangeError> {
    match crate::reply::outcome(status, redirected, html) {
        Ok(()) => Ok(()),
        Err(ReplyError::Rejected(_)) if change == Change::Delete && HAS_REPLIES.iter().any(|r| html.contains(r)) => {
            Err(ChangeError::HasReplies)
        }
        Err(ReplyError::Rejected(_)) if html.contains("can't edit") || html.contains("can't delete") => {
            Err(ChangeError::TooLate)
        }
        Err(e) => Err(e.into()),
    }
}

/// What one of HN's links under the reader's own comment asks, and of which
/// comment (its id as written): `edit?id=N` or `delete-confirm?id=N&…`.
pub fn own_link(href: &str) -> Option<(Change, &str)> {
    let (change, rest) = match href.strip_prefix("edit?id=") {
        Some(rest) => (Change::Edit, rest),
        None => (Change::Delete, href.strip_prefix("delete-confirm?id=")?),
    };
    let digits = &rest[..rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len())];
    (!digits.is_empty()).then_some((change, digits))
}

/// The path of HN's delete confirmation for comment `id`, returning to it.
pub fn delete_path(id: u64) -> String {
    format!("delete-confirm?id={id}&goto={}", url_encode(&format!("item?id={id}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_links_name_the_change_and_the_comment() {
        assert_eq!(own_link("edit?id=47634661"), Some((Change::Edit, "47634661")));
        assert_eq!(own_link("delete-confirm?id=47634661&goto=item%3Fid%3D1"), Some((Change::Delete, "47634661")));
        assert_eq!(own_link("edit?id="), None);
        assert_eq!(own_link("item?id=47634661"), None);
    }

    const EDIT: &str = "<table><tr><td><form action=\"/xedit\" method=\"post\"><input type=\"hidden\" name=\"id\" value=\"47634661\"><input type=\"hidden\" name=\"hmac\" value=\"abc\"><textarea name=\"text\" rows=\"8\" cols=\"80\" wrap=\"virtual\">\nTwo  spaces &amp; &lt;b&gt;tags&lt;/b&gt; stay *text*\n\n  code line</textarea><br><input type=\"submit\" value=\"update\"></form></td></tr></table>";

    #[test]
    fn the_edit_form_gives_the_source_text() {
        let form = parse_edit(200, EDIT).unwrap();
        assert_eq!(form.id, "47634661");
        assert_eq!(form.hmac, "abc");
        assert_eq!(form.text, "Two  spaces & <b>tags</b> stay *text*\n\n  code line");
        assert_eq!(encode_edit(&form, "a b&c"), "id=47634661&hmac=abc&text=a%20b%26c");
    }

    #[test]
    fn the_real_delete_confirmation_is_read() {
        let dir = std::env::var("HN_FIXTURES")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures").to_string());
        let path = format!("{dir}/reply/ews-delete-confirm-2026-04.html");
        let html = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let form = parse_delete(200, &html).unwrap();
        assert_eq!(
            form,
            DeleteForm { id: "47634661".into(), goto: "item?id=47633396".into(), hmac: "fixturehmac".into() }
        );
        assert_eq!(encode_delete(&form), "id=47634661&goto=item%3Fid%3D47633396&hmac=fixturehmac&d=Yes");
    }

    #[test]
    fn refusals_are_named() {
        let login = "<form action=\"login\" method=\"post\"><input name=\"acct\"></form>";
        assert_eq!(parse_edit(200, login), Err(ChangeError::LoggedOut));
        assert_eq!(parse_delete(200, login), Err(ChangeError::LoggedOut));
        assert_eq!(parse_edit(200, "<html>You can't edit that.</html>"), Err(ChangeError::TooLate));
        assert_eq!(parse_delete(200, "<html>That comment has replies.</html>"), Err(ChangeError::HasReplies));
        assert_eq!(parse_delete(200, "<html>Can't do that.</html>"), Err(ChangeError::TooLate));
        assert_eq!(parse_edit(503, "Sorry."), Err(ChangeError::Unavailable));
        assert_eq!(parse_edit(200, crate::message::RATE_LIMITED), Err(ChangeError::RateLimited));
        assert_eq!(
            parse_edit(
                200,
                "<form action=\"xedit\"><input name=\"id\" value=\"1\"><textarea name=\"text\">x</textarea></form>"
            ),
            Err(ChangeError::StaleForm)
        );
        assert_eq!(outcome(200, true, "<html>thread</html>", Change::Edit), Ok(()));
        assert_eq!(outcome(200, false, "Unknown or expired link.", Change::Edit), Err(ChangeError::StaleForm));
        assert_eq!(
            outcome(200, false, "You're posting too fast. Please slow down.", Change::Edit),
            Err(ChangeError::TooFast)
        );
        assert_eq!(outcome(200, false, "That comment has replies.", Change::Delete), Err(ChangeError::HasReplies));
        assert_eq!(outcome(200, false, "You can't edit that anymore.", Change::Edit), Err(ChangeError::TooLate));
        assert!(matches!(outcome(200, false, "odd", Change::Delete), Err(ChangeError::Rejected(_))));
        for e in [ChangeError::TooLate, ChangeError::HasReplies, ChangeError::Network("x".into())] {
            assert!(e.message(Change::Edit).ends_with("Your edit is kept."));
            assert!(e.message(Change::Delete).ends_with("The comment is still there."));
        }
    }

    #[test]
    fn the_delete_path_returns_to_the_comment() {
        assert_eq!(delete_path(5), "delete-confirm?id=5&goto=item%3Fid%3D5");
    }
}
