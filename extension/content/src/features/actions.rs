//! Votes, favorites, flags and hides in place. HN's own links (with the auth token
//! they carry) are followed by the background with the reader's session;
//! the page shows the new state at once (the arrow goes, an "unvote" link
//! comes; "favorite" becomes "un-favorite"; a hidden story leaves the list)
//! and goes back, with the reason beside the link, if HN refuses (logged
//! out, rate limit, 503, network).

use hn_core::act::{flip, is_action_path, Flip, USED_ARROW};
use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use hn_core::text;
use web_sys::Element;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature {
    id: "actions",
    applies: |ctx| ctx.site.capabilities.votes && (ctx.kind.has_stories() || ctx.kind.has_comments()),
    init,
    apply: None,
    added: None,
};

fn init(ctx: &Shared) -> Result<(), String> {
    let c = ctx.clone();
    // Capture phase: before HN's own handlers on the link.
    dom::listen_capture(&ctx.document.clone().into(), "click", move |e| {
        let Some(link) = dom::closest(e.target(), c.site.selectors.action_links) else { return };
        let Some(path) = link.get_attribute("href").filter(|h| is_action_path(h)) else { return };
        // Ours, not HN's page script's: it would do the same without
        // telling the reader when it fails.
        e.prevent_default();
        e.stop_propagation();
        act(&c, &link, path);
    });
    Ok(())
}

/// The change shown at once, and how to undo it.
enum Shown {
    Vote { arrow: Element, unvote: Option<Element> },
    Unvote { arrow: Option<Element>, link: Element },
    Fave { link: Element, old_text: String, old_href: String },
    Hide { rows: Vec<Element> },
}

fn act(ctx: &Shared, link: &Element, path: String) {
    let doc = &ctx.document;
    let shown = match flip(&path) {
        Flip::Unvote { arrow } => {
            let arrow = doc.get_element_by_id(&arrow);
            if let Some(a) = &arrow {
                dom::toggle_class(a, USED_ARROW, false);
            }
            dom::toggle_class(link, "hnew-gone", true);
            Shown::Unvote { arrow, link: link.clone() }
        }
        Flip::Vote { unvote, unvote_in, unvote_id, .. } => {
            dom::toggle_class(link, USED_ARROW, true);
            // HN shows "unvote" in a span of the row.
            let unvote = doc.get_element_by_id(&unvote_in).and_then(|span| {
                let a = dom::make(doc, "a", "hnew-unvote", text::PAGE_UNVOTE)?;
                let _ = a.set_attribute("href", &unvote);
                let _ = a.set_attribute("id", &unvote_id);
                let _ = span.append_with_str_1(" | ");
                let _ = span.append_child(&a);
                Some(span)
            });
            Shown::Vote { arrow: link.clone(), unvote }
        }
        Flip::Mark { fave, undo, next } => {
            let old_text = link.text_content().unwrap_or_default();
            let name =
                if fave { (text::PAGE_FAVORITE, text::PAGE_UNFAVORITE) } else { (text::PAGE_FLAG, text::PAGE_UNFLAG) };
            link.set_text_content(Some(if undo { name.0 } else { name.1 }));
            let _ = link.set_attribute("href", &next);
            Shown::Fave { link: link.clone(), old_text, old_href: path.clone() }
        }
        Flip::Hide { id } => {
            // The story's rows leave the list.
            let rows =
                doc.get_element_by_id(&id).map(|row| crate::index::story_parts_of(&row, ctx.site)).unwrap_or_default();
            for r in &rows {
                dom::toggle_class(r, "hnew-hid", true);
            }
            Shown::Hide { rows }
        }
    };
    let link = link.clone();
    let line = ctx.site.selectors.action_line;
    wasm_bindgen_futures::spawn_local(async move {
        let error = match crate::ask(Request::Act { path }).await {
            Ok(Response::Done) => None,
            Ok(Response::Error { message }) => Some(message),
            Ok(_) => Some(text::PAGE_UNEXPECTED_ANSWER.into()),
            Err(e) => Some(e),
        };
        if let Some(message) = error {
            undo(shown);
            say(&link, line, &message);
        }
    });
}

fn undo(shown: Shown) {
    match shown {
        Shown::Vote { arrow, unvote } => {
            dom::toggle_class(&arrow, USED_ARROW, false);
            if let Some(span) = unvote {
                span.set_text_content(None);
            }
        }
        Shown::Unvote { arrow, link } => {
            if let Some(a) = arrow {
                dom::toggle_class(&a, USED_ARROW, true);
            }
            dom::toggle_class(&link, "hnew-gone", false);
        }
        Shown::Fave { link, old_text, old_href } => {
            link.set_text_content(Some(&old_text));
            let _ = link.set_attribute("href", &old_href);
        }
        Shown::Hide { rows } => {
            for r in rows {
                dom::toggle_class(&r, "hnew-hid", false);
            }
        }
    }
}

/// The reason, beside the link, for a few seconds.
fn say(link: &Element, line: &str, message: &str) {
    let Some(doc) = link.owner_document() else { return };
    let Some(note) = dom::make(&doc, "span", "hnew-act-error", message) else { return };
    let _ = note.set_attribute("role", "alert");
    // Next to the link, or for a vote arrow in its cell.
    let anchor = link.closest(line).ok().flatten().unwrap_or_else(|| link.clone());
    let _ = anchor.append_child(&note);
    let n = note.clone();
    dom::after(8000, move || n.remove());
}
