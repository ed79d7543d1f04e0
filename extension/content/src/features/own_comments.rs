//! The reader's own comments, edited and deleted in place. HN puts `edit`
//! and `delete` links in the header of a signed-in reader's own comments
//! for a while after posting; those links are the only signal used
//! (nothing is guessed from the name). **edit** opens the reply editor's
//! twin in place of the comment's text, filled with the text as HN's edit
//! form gives it (its source, not the rendered HTML), saved as a draft as
//! it is typed; saving posts HN's own form through the background and
//! shows the new text in place. Escape or *cancel* shows the comment as it
//! was (a changed text stays a draft, back at the next edit). **delete**
//! asks on one line ("Delete this comment? Delete · Keep") and posts HN's
//! own confirmation. Every refusal is named beside the comment and loses
//! no text.

use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use hn_core::text;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlTextAreaElement};

use super::Feature;
use crate::editor::{editor, own_target, save_now, schedule_save, show_text, Editor};
use crate::{dom, Shared};
use hn_core::records::Draft;

pub const FEATURE: Feature = Feature { id: "own-comments", applies, init, apply: None, added: None };

fn applies(ctx: &Shared) -> bool {
    ctx.site.capabilities.inline_reply && ctx.kind.has_comments()
}

fn edit_key(id: u64) -> String {
    format!("edit-draft:{id}")
}

fn init(ctx: &Shared) -> Result<(), String> {
    let doc: web_sys::EventTarget = ctx.document.clone().into();
    {
        let ctx = ctx.clone();
        dom::listen(&doc, "click", move |e| {
            let t = e.target();
            if let Some((edit, row, id)) =
                dom::closest(t.clone(), ctx.site.selectors.own_links).and_then(|l| own_target(&ctx, &l))
            {
                e.prevent_default();
                if edit {
                    open(&ctx, &row, id);
                } else {
                    ask_delete(&ctx, &row, id);
                }
            } else if let Some(editor) = dom::closest(t.clone(), ".hnew-edit-save").and_then(|b| editor_of(&b)) {
                e.prevent_default();
                save(&ctx, &editor);
            } else if let Some(editor) = dom::closest(t.clone(), ".hnew-edit-cancel").and_then(|b| editor_of(&b)) {
                e.prevent_default();
                close(&editor);
            } else if let Some(line) = dom::closest(t.clone(), ".hnew-delete-yes").and_then(|b| line_of(&b)) {
                e.prevent_default();
                delete(&ctx, &line);
            } else if let Some(line) = dom::closest(t, ".hnew-delete-keep").and_then(|b| line_of(&b)) {
                e.prevent_default();
                line.remove();
            }
        });
    }
    dom::listen(&doc, "input", move |e| {
        let Some(area) = dom::closest(e.target(), ".hnew-edit textarea") else { return };
        let Some(id) = editor_of(&area).and_then(|ed| id_of(&ed)) else { return };
        schedule_save(edit_key(id), area);
    });
    let ctx = ctx.clone();
    dom::listen(&doc, "keydown", move |e| {
        let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
        if let Some(editor) = dom::closest(e.target(), ".hnew-edit") {
            if k.key() == "Enter" && (k.ctrl_key() || k.meta_key()) {
                e.prevent_default();
                save(&ctx, &editor);
            } else if k.key() == "Escape" {
                e.prevent_default();
                close(&editor);
            }
        } else if let Some(line) = dom::closest(e.target(), ".hnew-delete").filter(|_| k.key() == "Escape") {
            e.prevent_default();
            line.remove();
        }
    });
    Ok(())
}

fn editor_of(inside: &Element) -> Option<Element> {
    inside.closest(".hnew-edit").ok().flatten()
}

fn line_of(inside: &Element) -> Option<Element> {
    inside.closest(".hnew-delete").ok().flatten()
}

fn id_of(el: &Element) -> Option<u64> {
    el.get_attribute("data-id")?.parse().ok()
}

fn area_of(editor: &Element) -> Option<HtmlTextAreaElement> {
    editor.query_selector("textarea").ok().flatten()?.dyn_into().ok()
}

fn say(el: &Element, text: &str, failed: bool) {
    if let Ok(Some(s)) = el.query_selector(".hnew-reply-status") {
        s.set_text_content(Some(text));
    }
    if failed {
        dom::set_data(el, "failed", text);
    } else {
        let _ = el.remove_attribute("data-failed");
    }
}

fn focus(el: &Element) {
    if let Some(h) = el.dyn_ref::<web_sys::HtmlElement>() {
        let _ = h.focus();
    }
}

/// Makes `tag.class` with `text`, a button's type set.
fn make(ctx: &Shared, tag: &str, class: &str, text: &str) -> Option<Element> {
    let el = dom::make(&ctx.document, tag, class, text)?;
    if tag == "button" {
        let _ = el.set_attribute("type", "button");
    }
    Some(el)
}

/// Where the editor or the question goes: after the comment's text.
fn place(ctx: &Shared, row: &Element, el: &Element) {
    match row.query_selector(ctx.site.selectors.comment_text).ok().flatten() {
        Some(text) => {
            let _ = text.after_with_node_1(el);
        }
        None => {
            if let Ok(Some(head)) = row.query_selector(ctx.site.selectors.comment_head) {
                let _ = head.after_with_node_1(el);
            }
        }
    }
}

/// Opens the editor in place of the comment's text: a draft if one is
/// kept, else the text from HN's edit form.
fn open(ctx: &Shared, row: &Element, id: u64) {
    if let Ok(Some(existing)) = row.query_selector(".hnew-edit") {
        if let Some(area) = area_of(&existing) {
            let _ = area.focus();
        }
        return;
    }
    let save = ("hnew-edit-save", text::PAGE_EDIT_SAVE, text::PAGE_EDIT_SAVE_TITLE);
    let cancel = ("hnew-edit-cancel", text::PAGE_CANCEL, text::PAGE_EDIT_KEEP_TITLE);
    let Some(Editor { root: editor, area, status }) =
        editor(&ctx.document, "hnew-edit", text::PAGE_EDIT_LABEL, save, cancel)
    else {
        return;
    };
    status.set_text_content(Some(text::PAGE_EDIT_READING));
    dom::set_data(&editor, "id", &id.to_string());
    area.set_read_only(true);
    place(ctx, row, &editor);
    dom::toggle_class(row, "hnew-editing", true);
    let _ = area.focus();
    wasm_bindgen_futures::spawn_local(async move {
        let draft = hn_ext::get_record::<Draft>(&edit_key(id)).await.ok().flatten();
        let answer = crate::ask(Request::EditText { id }).await;
        let original = match answer {
            Ok(Response::EditText { text }) => Some(text),
            Ok(Response::ChangeFailed { message }) | Ok(Response::Error { message }) | Err(message) => {
                say(&editor, &message, true);
                None
            }
            Ok(_) => {
                say(&editor, text::PAGE_EDIT_UNREADABLE, true);
                None
            }
        };
        if let Some(text) = &original {
            dom::set_data(&editor, "original", text);
        }
        match (draft, &original) {
            (Some(d), Some(o)) if d.text != *o => {
                area.set_value(&d.text);
                say(&editor, text::PAGE_EDIT_BACK, false);
            }
            (Some(d), None) => area.set_value(&d.text),
            (_, Some(o)) => {
                area.set_value(o);
                say(&editor, "", false);
            }
            (None, None) => {}
        }
        area.set_read_only(false);
        dom::set_data(&editor, "ready", "");
    });
}

/// Closes the editor and shows the comment as it was. A changed text is
/// kept as a draft; one back to HN's text is no draft.
fn close(editor: &Element) {
    if let (Some(area), Some(id)) = (area_of(editor), id_of(editor)) {
        let original = editor.get_attribute("data-original");
        if editor.has_attribute("data-ready") && original.as_deref() != Some(area.value().as_str()) {
            save_now(edit_key(id), &area);
        } else if original.as_deref() == Some(area.value().as_str()) {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = hn_ext::remove_record(&edit_key(id)).await;
            });
        }
    }
    if let Ok(Some(row)) = editor.closest(".hnew-editing") {
        dom::toggle_class(&row, "hnew-editing", false);
    }
    editor.remove();
}

fn save(ctx: &Shared, editor: &Element) {
    let (Some(area), Some(id)) = (area_of(editor), id_of(editor)) else { return };
    if !editor.has_attribute("data-ready") || editor.has_attribute("data-sending") {
        return;
    }
    let text = area.value();
    if text.trim().is_empty() {
        say(editor, text::PAGE_EDIT_EMPTY, true);
        return;
    }
    // Saved first: whatever happens next, the text is on disk.
    save_now(edit_key(id), &area);
    let _ = editor.set_attribute("data-sending", "");
    say(editor, text::PAGE_SAVING, false);
    let (ctx, editor) = (ctx.clone(), editor.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let answer = crate::ask(Request::SaveEdit { id, text: text.clone() }).await;
        let _ = editor.remove_attribute("data-sending");
        match answer {
            Ok(Response::Done) => {
                let _ = hn_ext::remove_record(&edit_key(id)).await;
                if let Ok(Some(row)) = editor.closest(ctx.site.selectors.comment) {
                    if let Ok(Some(body)) = row.query_selector(ctx.site.selectors.comment_text) {
                        show_text(&ctx.document, &body, &text);
                    }
                    dom::toggle_class(&row, "hnew-editing", false);
                    dom::toggle_class(&row, "hnew-edited", true);
                }
                editor.remove();
                dom::report("hnew-edited", &id.to_string());
            }
            Ok(Response::ChangeFailed { message }) => say(&editor, &message, true),
            Ok(Response::Error { message }) | Err(message) => say(&editor, &text::page_edit_not_saved(message), true),
            Ok(_) => say(&editor, &text::page_edit_not_saved(text::PAGE_UNEXPECTED_ANSWER), true),
        }
    });
}

/// Asks on one line under the comment before deleting it.
fn ask_delete(ctx: &Shared, row: &Element, id: u64) {
    if let Ok(Some(existing)) = row.query_selector(".hnew-delete .hnew-delete-keep") {
        return focus(&existing);
    }
    let line = make(ctx, "p", "hnew-delete", &format!("{} ", text::PAGE_DELETE_QUESTION));
    let yes = make(ctx, "button", "hnew-delete-yes", text::PAGE_DELETE);
    let keep = make(ctx, "button", "hnew-delete-keep", text::PAGE_KEEP);
    let status = make(ctx, "span", "hnew-reply-status", "");
    let (Some(line), Some(yes), Some(keep), Some(status)) = (line, yes, keep, status) else { return };
    let _ = line.set_attribute("role", "group");
    let _ = line.set_attribute("aria-label", text::PAGE_DELETE_QUESTION);
    let _ = status.set_attribute("role", "status");
    let _ = status.set_attribute("aria-live", "polite");
    let _ = line.append_child(&yes);
    let _ = line.append_with_str_1(" · ");
    let _ = line.append_child(&keep);
    let _ = line.append_with_str_1(" ");
    let _ = line.append_child(&status);
    dom::set_data(&line, "id", &id.to_string());
    place(ctx, row, &line);
    focus(&keep);
}

fn delete(ctx: &Shared, line: &Element) {
    let Some(id) = id_of(line) else { return };
    if line.has_attribute("data-sending") {
        return;
    }
    let _ = line.set_attribute("data-sending", "");
    say(line, text::PAGE_DELETING, false);
    let (ctx, line) = (ctx.clone(), line.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let answer = crate::ask(Request::DeleteComment { id }).await;
        let _ = line.remove_attribute("data-sending");
        match answer {
            Ok(Response::Done) => {
                let _ = hn_ext::remove_record(&edit_key(id)).await;
                if let Ok(Some(row)) = line.closest(ctx.site.selectors.comment) {
                    mark_deleted(&ctx, &row);
                }
                line.remove();
                dom::report("hnew-deleted", &id.to_string());
            }
            Ok(Response::ChangeFailed { message }) => say(&line, &message, true),
            Ok(Response::Error { message }) | Err(message) => say(&line, &text::page_not_deleted(message), true),
            Ok(_) => say(&line, &text::page_not_deleted(text::PAGE_UNEXPECTED_ANSWER), true),
        }
    });
}

/// A deleted comment, as HN shows one: "[deleted]", with nothing left to
/// act on.
fn mark_deleted(ctx: &Shared, row: &Element) {
    let s = ctx.site.selectors;
    if let Ok(Some(body)) = row.query_selector(s.comment_text) {
        body.set_text_content(Some(text::PAGE_DELETED));
    }
    for gone in
        dom::all(row, &format!("{}, {}, .hnew-edit", ctx.site.selectors.own_links, ctx.site.selectors.reply_link))
    {
        gone.remove();
    }
    dom::toggle_class(row, "hnew-editing", false);
    dom::toggle_class(row, "hnew-deleted", true);
}
