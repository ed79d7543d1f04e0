//! In-page questions with one text field (a user's tag, the reader's
//! Mastodon instance), instead of the browser's blocking `prompt()`: a
//! modal `<dialog>` built like the card, text only. Keyboard complete by
//! the browser's own modal behaviour: focus moves to the field, Tab stays
//! inside, Escape or *Cancel* closes it and focus goes back where it was;
//! Enter or the first button answers. An answer the caller refuses keeps
//! the dialog open with the reason under the field.

use hn_core::text;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlDialogElement, HtmlInputElement};

use crate::dom;

/// A question: the dialog's heading, the field's label, what is in the
/// field at first, a hint under it, and the answer button's word.
pub struct Question<'a> {
    pub title: &'a str,
    pub label: &'a str,
    pub value: &'a str,
    pub hint: &'a str,
    pub answer: &'a str,
}

/// Asks `question`; `on_answer` gets the field's text and either accepts
/// it (the dialog closes) or says why not (it stays open).
pub fn ask(doc: &web_sys::Document, question: Question, on_answer: impl Fn(&str) -> Result<(), String> + 'static) {
    // One question at a time.
    if let Some(root) = doc.document_element() {
        for open in dom::all(&root, "dialog.hnew-dialog") {
            open.remove();
        }
    }
    let Some(built) = build(doc, &question) else { return };
    let (dialog, form, input, error) = built;
    let Some(body) = doc.body() else { return };
    let _ = body.append_child(&dialog);
    let Ok(modal) = dialog.clone().dyn_into::<HtmlDialogElement>() else { return };
    if modal.show_modal().is_err() {
        dialog.remove();
        return;
    }
    input.select();
    {
        let (modal, input, error) = (modal.clone(), input.clone(), error.clone());
        dom::listen(&form.into(), "submit", move |e| {
            e.prevent_default();
            match on_answer(&input.value()) {
                Ok(()) => modal.close(),
                Err(why) => {
                    error.set_text_content(Some(&why));
                    let _ = input.set_attribute("aria-invalid", "true");
                    input.select();
                }
            }
        });
    }
    if let Ok(Some(cancel)) = dialog.query_selector(".hnew-dialog-cancel") {
        let modal = modal.clone();
        dom::listen(&cancel.into(), "click", move |_| modal.close());
    }
    // Closed by an answer, Cancel or Escape: gone from the page.
    let gone = dialog.clone();
    dom::listen(&dialog.into(), "close", move |_| gone.remove());
}

type Built = (Element, Element, HtmlInputElement, Element);

fn build(doc: &web_sys::Document, q: &Question) -> Option<Built> {
    let dialog = dom::make(doc, "dialog", "hnew-dialog", "")?;
    let form = dom::make(doc, "form", "hnew-dialog-form", "")?;
    let heading = dom::make(doc, "p", "hnew-dialog-title", q.title)?;
    let label = dom::make(doc, "label", "hnew-dialog-label", q.label)?;
    let input: HtmlInputElement = dom::make(doc, "input", "hnew-dialog-field", "")?.dyn_into().ok()?;
    let hint = dom::make(doc, "p", "hnew-dialog-hint", q.hint)?;
    let error = dom::make(doc, "p", "hnew-dialog-error", "")?;
    let buttons = dom::make(doc, "div", "hnew-dialog-buttons", "")?;
    let answer = dom::make(doc, "button", "hnew-dialog-answer", q.answer)?;
    let cancel = dom::make(doc, "button", "hnew-dialog-cancel", text::PAGE_DIALOG_CANCEL)?;
    let id = "hnew-dialog-title";
    heading.set_id(id);
    let _ = dialog.set_attribute("aria-labelledby", id);
    input.set_type("text");
    input.set_value(q.value);
    let _ = input.set_attribute("autocomplete", "off");
    let _ = input.set_attribute("spellcheck", "false");
    let _ = input.set_attribute("aria-describedby", "hnew-dialog-hint hnew-dialog-error");
    hint.set_id("hnew-dialog-hint");
    error.set_id("hnew-dialog-error");
    let _ = error.set_attribute("role", "alert");
    let _ = answer.set_attribute("type", "submit");
    let _ = cancel.set_attribute("type", "button");
    let _ = label.append_child(&input);
    let _ = buttons.append_child(&answer);
    let _ = buttons.append_child(&cancel);
    for part in [&heading, &label, &hint, &error, &buttons] {
        let _ = form.append_child(part);
    }
    let _ = dialog.append_child(&form);
    Some((dialog, form, input, error))
}
