//! Inline replies: "reply" opens an editor under the comment instead of a new
//! page. The draft is saved to `chrome.storage.local` as it is typed (within
//! half a second), keyed by the parent, and comes back whenever that reply is
//! opened again — after a closed tab, a browser restart or a failed post. It
//! is removed only once HN accepted the comment, which then appears in place
//! in HN's markup. Ctrl/Cmd+Enter sends, Escape closes (keeping the draft).
//! The story's own "add comment" box gets the same care: drafts saved as
//! typed and restored, posting in place without leaving the page.

use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use hn_core::page::parse_item_id;
use hn_core::records::Draft;
use hn_core::site::Selectors;
use hn_core::text;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement};

use super::Feature;
use crate::editor::{editor, save_now, schedule_save, show_text, Editor};
use crate::{dom, Shared};

/// At load: a saved draft of the story's own comment box comes back.
pub const FEATURE: Feature = Feature { id: "inline-reply", applies, init: restore, apply: None, added: None };

/// On first use: the editor, drafts saved as typed, posting in place.
pub const MORE: Feature = Feature { id: "inline-reply", applies, init, apply: None, added: None };

fn applies(ctx: &Shared) -> bool {
    ctx.site.capabilities.inline_reply && ctx.kind.has_comments()
}

fn restore(ctx: &Shared) -> Result<(), String> {
    restore_top(ctx);
    Ok(())
}

fn draft_key(parent: u64) -> String {
    format!("draft:{parent}")
}

fn init(ctx: &Shared) -> Result<(), String> {
    let doc: web_sys::EventTarget = ctx.document.clone().into();
    {
        let ctx = ctx.clone();
        dom::listen(&doc, "click", move |e| {
            if let Some(link) = dom::closest(e.target(), ctx.site.selectors.reply_link) {
                let Some(parent) = link.get_attribute("href").and_then(|h| parse_item_id(&h)) else { return };
                e.prevent_default();
                open(&ctx, &link, parent);
            } else if let Some(b) = dom::closest(e.target(), ".hnew-reply-send") {
                e.prevent_default();
                if let Some(editor) = b.closest(".hnew-reply").ok().flatten() {
                    send(&ctx, &editor);
                }
            } else if let Some(b) = dom::closest(e.target(), ".hnew-reply-cancel") {
                e.prevent_default();
                if let Some(editor) = b.closest(".hnew-reply").ok().flatten() {
                    close(&editor);
                }
            }
        });
    }
    {
        let ctx = ctx.clone();
        dom::listen(&doc, "submit", move |e| {
            let Some(form) = dom::closest(e.target(), ctx.site.selectors.reply_form) else { return };
            e.prevent_default();
            send_top(&ctx, &form);
        });
    }
    let s = &ctx.site.selectors;
    dom::listen(&doc, "input", move |e| {
        if let Some(area) = dom::closest(e.target(), s.reply_text) {
            if let Some(parent) = top_parent(s, &area) {
                schedule_save(draft_key(parent), area);
            }
            return;
        }
        let Some(area) = dom::closest(e.target(), ".hnew-reply textarea") else { return };
        let Some(parent) = area.get_attribute("data-parent").and_then(|p| p.parse::<u64>().ok()) else { return };
        schedule_save(draft_key(parent), area);
    });
    {
        let ctx = ctx.clone();
        dom::listen(&doc, "keydown", move |e| {
            let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
            let Some(editor) = dom::closest(e.target(), ".hnew-reply") else { return };
            if k.key() == "Enter" && (k.ctrl_key() || k.meta_key()) {
                e.prevent_default();
                send(&ctx, &editor);
            } else if k.key() == "Escape" {
                e.prevent_default();
                close(&editor);
            }
        });
    }
    Ok(())
}

/// The parent item of the page's own add-comment form.
fn top_parent(s: &Selectors, inside: &Element) -> Option<u64> {
    let form = inside.closest(s.reply_form).ok().flatten()?;
    form.query_selector(s.reply_parent).ok().flatten()?.get_attribute("value")?.parse().ok()
}

fn restore_top(ctx: &Shared) {
    let Ok(Some(area)) = ctx.root.query_selector(ctx.site.selectors.reply_text) else { return };
    let Some(parent) = top_parent(&ctx.site.selectors, &area) else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let draft = hn_ext::get_record::<Draft>(&draft_key(parent)).await.ok().flatten();
        if let (Some(d), Ok(area)) = (draft, area.dyn_into::<HtmlTextAreaElement>()) {
            if area.value().is_empty() {
                area.set_value(&d.text);
                let _ = area.set_attribute("data-hnew-restored", "");
            }
        }
    });
}

/// Posts the add-comment form in place.
fn send_top(ctx: &Shared, form: &Element) {
    let Some(area) = form.query_selector("textarea").ok().flatten() else { return };
    let Some(parent) = top_parent(&ctx.site.selectors, &area) else { return };
    let Some(text) = area.dyn_ref::<HtmlTextAreaElement>().map(|a| a.value()) else { return };
    let status = match form.query_selector(".hnew-reply-status").ok().flatten() {
        Some(s) => s,
        None => {
            let Some(s) = dom::make(&ctx.document, "p", "hnew-reply-status", "") else { return };
            let _ = s.set_attribute("role", "status");
            let _ = form.append_child(&s);
            s
        }
    };
    if text.trim().is_empty() {
        status.set_text_content(Some(text::PAGE_WRITE_FIRST));
        return;
    }
    save_now(draft_key(parent), &area);
    status.set_text_content(Some(text::PAGE_SENDING));
    let ctx = ctx.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match crate::ask(Request::PostReply { parent, text: text.clone() }).await {
            Ok(Response::Posted { .. }) => {
                let _ = hn_ext::remove_record(&draft_key(parent)).await;
                if let Some(a) = area.dyn_ref::<HtmlTextAreaElement>() {
                    a.set_value("");
                }
                status.set_text_content(Some(text::PAGE_POSTED_TOP));
                show_top_level(&ctx, &text);
            }
            Ok(Response::ReplyFailed { message, .. }) => status.set_text_content(Some(&message)),
            Ok(Response::Error { message }) | Err(message) => {
                status.set_text_content(Some(&text::page_comment_not_sent(message)))
            }
            Ok(_) => status.set_text_content(Some(&text::page_comment_not_sent(text::PAGE_UNEXPECTED_ANSWER))),
        }
    });
}

/// Shows a new top-level comment first in the thread, from the first
/// comment's markup.
fn show_top_level(ctx: &Shared, text: &str) {
    let Some(first) = ctx.index.borrow().comments.first().map(|c| c.row.clone()) else { return };
    let Some(editor) = dom::make(&ctx.document, "div", "hnew-reply", "") else { return };
    // Build as a reply to the first comment, then lift it to depth 0.
    let _ = first.append_child(&editor);
    show_posted(ctx, &editor, 0, None, text);
    editor.remove();
    if let Ok(Some(row)) = ctx.root.query_selector(".hnew-posted") {
        set_depth(ctx, &row, 0);
        let _ = first.before_with_node_1(&row);
    }
}

/// Sets a comment row's depth, where the site writes it in the markup
/// (HN: the indent cell's attribute and its spacer's width).
fn set_depth(ctx: &Shared, row: &Element, depth: u32) {
    let (Some(attr), Ok(Some(ind))) = (ctx.site.layout.depth_attr, row.query_selector(ctx.site.selectors.indent))
    else {
        return;
    };
    let _ = ind.set_attribute(attr, &depth.to_string());
    if let Ok(Some(img)) = ind.query_selector(ctx.site.selectors.indent_spacer) {
        let _ = img.set_attribute("width", &(depth * ctx.site.layout.indent_step).to_string());
    }
}

fn open(ctx: &Shared, link: &Element, parent: u64) {
    let Some(row) = link.closest(ctx.site.selectors.comment).ok().flatten() else { return };
    if let Ok(Some(existing)) = row.query_selector(".hnew-reply") {
        if let Ok(Some(area)) = existing.query_selector("textarea") {
            let _ = area.dyn_into::<web_sys::HtmlElement>().map(|a| a.focus());
        }
        return;
    }
    let user = row.query_selector(ctx.site.selectors.user_link).ok().flatten().and_then(|a| a.text_content());
    let label = text::page_reply_to(user.as_deref().unwrap_or(text::PAGE_THIS_COMMENT));
    let send = ("hnew-reply-send", text::PAGE_REPLY, text::PAGE_REPLY_TITLE);
    let cancel = ("hnew-reply-cancel", text::PAGE_CANCEL, text::PAGE_CLOSE_DRAFT_TITLE);
    let Some(Editor { root: editor, area, status }) = editor(&ctx.document, "hnew-reply", &label, send, cancel) else {
        return;
    };
    dom::set_data(&area, "parent", &parent.to_string());
    dom::set_data(&editor, "parent", &parent.to_string());
    let place = link.closest(ctx.site.selectors.reply_line).ok().flatten().unwrap_or_else(|| link.clone());
    let _ = place.after_with_node_1(&editor);
    let _ = area.focus();
    // Bring back a saved draft.
    wasm_bindgen_futures::spawn_local(async move {
        let draft = hn_ext::get_record::<Draft>(&draft_key(parent)).await.ok().flatten();
        if let Some(d) = draft {
            if area.value().is_empty() {
                area.set_value(&d.text);
                status.set_text_content(Some(text::PAGE_DRAFT_BACK));
            }
        }
    });
}

fn close(editor: &Element) {
    if let (Ok(Some(area)), Some(parent)) =
        (editor.query_selector("textarea"), editor.get_attribute("data-parent").and_then(|p| p.parse::<u64>().ok()))
    {
        save_now(draft_key(parent), &area);
    }
    editor.remove();
}

fn say(editor: &Element, text: &str) {
    if let Ok(Some(s)) = editor.query_selector(".hnew-reply-status") {
        s.set_text_content(Some(text));
    }
}

fn send(ctx: &Shared, editor: &Element) {
    let Some(parent) = editor.get_attribute("data-parent").and_then(|p| p.parse::<u64>().ok()) else { return };
    let Some(area) = editor.query_selector("textarea").ok().flatten() else { return };
    let Some(text) = area.dyn_ref::<HtmlTextAreaElement>().map(|a| a.value()) else { return };
    if text.trim().is_empty() {
        say(editor, text::PAGE_WRITE_FIRST);
        return;
    }
    if editor.has_attribute("data-sending") {
        return;
    }
    // Save first: whatever happens next, the text is on disk.
    save_now(draft_key(parent), &area);
    let _ = editor.set_attribute("data-sending", "");
    say(editor, text::PAGE_SENDING);
    let ctx = ctx.clone();
    let editor = editor.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = crate::ask(Request::PostReply { parent, text: text.clone() }).await;
        let _ = editor.remove_attribute("data-sending");
        match answer {
            Ok(Response::Posted { id }) => {
                let _ = hn_ext::remove_record(&draft_key(parent)).await;
                show_posted(&ctx, &editor, parent, id, &text);
                editor.remove();
            }
            Ok(Response::ReplyFailed { message, .. }) => {
                say(&editor, &message);
                dom::set_data(&editor, "failed", &message);
            }
            Ok(Response::Error { message }) | Err(message) => {
                say(&editor, &text::page_reply_not_sent(&message));
                dom::set_data(&editor, "failed", &message);
            }
            Ok(_) => say(&editor, &text::page_reply_not_sent(text::PAGE_UNEXPECTED_ANSWER)),
        }
    });
}

/// Shows the accepted comment under its parent, in HN's markup: a copy of
/// the parent's row, one level deeper, with the reader's name and text.
fn show_posted(ctx: &Shared, editor: &Element, parent: u64, id: Option<u64>, text: &str) {
    let Some(parent_row) = editor.closest(ctx.site.selectors.comment).ok().flatten() else { return };
    let Ok(copy) = parent_row.clone_node_with_deep(true) else { return };
    let Ok(row) = copy.dyn_into::<Element>() else { return };
    let new_id = id.filter(|&i| i != parent).map_or_else(|| format!("hnew-posted-{parent}"), |i| i.to_string());
    row.set_id(&new_id);
    let _ = row.class_list().remove_2(ctx.site.layout.folded, "hnew-followed-item");
    dom::toggle_class(&row, "hnew-posted", true);
    let s = &ctx.site.selectors;
    for stale in dom::all(&row, &format!(".hnew-reply, .hnew-card, button.hnew-fold, {}", s.vote_links)) {
        stale.remove();
    }
    set_depth(ctx, &row, crate::index::depth_of(&row, ctx.site) + 1);
    let me = ctx
        .root
        .query_selector(s.me)
        .ok()
        .flatten()
        .and_then(|m| m.text_content())
        .unwrap_or_else(|| text::PAGE_YOU.into());
    if let Ok(Some(user)) = row.query_selector(s.user_link) {
        user.set_text_content(Some(&me));
        let _ = user.set_attribute("href", &hn_core::site::hn::user_path(&me));
    }
    if let Ok(Some(age)) = row.query_selector(s.age) {
        age.set_text_content(Some(text::PAGE_JUST_NOW));
    }
    if let Ok(Some(body)) = row.query_selector(s.comment_text) {
        show_text(&ctx.document, &body, text);
    }
    let _ = parent_row.after_with_node_1(&row);
    dom::report("hnew-posted", &new_id);
}
