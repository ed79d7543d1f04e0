//! The text editor replies and edits of one's own comments share (they look
//! and work alike), the saving of its drafts, and how a comment's text is
//! shown: used by the inline-reply and own-comments features, which stay
//! leaves of their own.

use std::cell::RefCell;
use std::collections::HashMap;

use hn_core::records::Draft;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement};

use crate::{dom, Shared};

const SAVE_DELAY_MS: i32 = 400;

thread_local! {
    static SAVE_TIMERS: RefCell<HashMap<String, i32>> = RefCell::new(HashMap::new());
}

/// An editor's parts: its box, its text area and its status line.
pub(crate) struct Editor {
    pub root: Element,
    pub area: HtmlTextAreaElement,
    pub status: Element,
}

/// Builds an editor (a reply, or the edit of one's own comment: they look
/// and work alike): a text area labelled `label`, a send and a cancel
/// button (each its class, word and title) and a status line read out as
/// it changes.
pub(crate) fn editor(
    doc: &web_sys::Document,
    class: &str,
    label: &str,
    send: (&str, &str, &str),
    cancel: (&str, &str, &str),
) -> Option<Editor> {
    let root = dom::make(doc, "div", class, "")?;
    let area: HtmlTextAreaElement = dom::make(doc, "textarea", "", "")?.dyn_into().ok()?;
    let _ = area.set_attribute("rows", "6");
    let _ = area.set_attribute("aria-label", label);
    let buttons = dom::make(doc, "div", "hnew-reply-buttons", "")?;
    for (class, word, title) in [send, cancel] {
        let button = dom::make(doc, "button", class, word)?;
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("title", title);
        let _ = buttons.append_child(&button);
    }
    let status = dom::make(doc, "p", "hnew-reply-status", "")?;
    let _ = status.set_attribute("role", "status");
    let _ = status.set_attribute("aria-live", "polite");
    let _ = root.append_child(&area);
    let _ = root.append_child(&buttons);
    let _ = root.append_child(&status);
    Some(Editor { root, area, status })
}

/// Saves the text of `area` under `key` once typing pauses.
pub(crate) fn schedule_save(key: String, area: Element) {
    if let Some(t) = SAVE_TIMERS.with(|t| t.borrow_mut().remove(&key)) {
        dom::cancel(Some(t));
    }
    let k = key.clone();
    let timer = dom::after(SAVE_DELAY_MS, move || {
        SAVE_TIMERS.with(|t| t.borrow_mut().remove(&k));
        save_now(k, &area);
    });
    if let Some(t) = timer {
        SAVE_TIMERS.with(|m| m.borrow_mut().insert(key, t));
    }
}

/// Saves the text of `area` under `key` now (a pending save is dropped).
pub(crate) fn save_now(key: String, area: &Element) {
    if let Some(t) = SAVE_TIMERS.with(|t| t.borrow_mut().remove(&key)) {
        dom::cancel(Some(t));
    }
    let Some(text) = area.dyn_ref::<HtmlTextAreaElement>().map(|a| a.value()) else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let result = if text.is_empty() {
            // An emptied editor is not a draft: but never delete here, a
            // draft is removed only once HN accepted the comment.
            Ok(())
        } else {
            hn_ext::set_record(&key, &Draft { text, at: js_sys::Date::now() }).await
        };
        match result {
            // Which draft was last kept (tests wait for it).
            Ok(()) => dom::report("hnew-draft-saved", &key),
            Err(e) => dom::log(&format!("draft not saved: {e}")),
        }
    });
}

/// Puts a comment's text in `body` as HN shows it: paragraphs separated by
/// blank lines; the text stays text.
pub(crate) fn show_text(doc: &web_sys::Document, body: &Element, text: &str) {
    body.set_text_content(None);
    for (i, para) in text.split("\n\n").enumerate() {
        if i > 0 {
            if let Ok(p) = doc.create_element("p") {
                p.set_text_content(Some(para));
                let _ = body.append_child(&p);
            }
        } else {
            let _ = body.append_child(&doc.create_text_node(para));
        }
    }
}

/// What an edit or delete link of the reader's own comments (the site's
/// `own_links`) asks of which comment: only links in a
/// comment's own header count (a story's own edit link goes to HN).
pub(crate) fn own_target(ctx: &Shared, link: &Element) -> Option<(bool, Element, u64)> {
    let href = link.get_attribute("href")?;
    let (change, digits) = hn_core::own::own_link(&href)?;
    let edit = change == hn_core::own::Change::Edit;
    let id: u64 = digits.parse().ok().filter(|&i| i > 0)?;
    let s = ctx.site.selectors;
    let head = link.closest(s.comment_head).ok().flatten()?;
    let row = head.closest(s.comment).ok().flatten()?;
    (row.id() == digits).then_some((edit, row, id))
}
