//! Wakes the module loaded on first use. The start-up module carries no
//! code for what a reader does by hand; this feature listens (one listener
//! per event type, on the document, capture phase) for the first gesture
//! that needs that code — a name or a link in a comment hovered or
//! focused, a share, reply, vote, sort or past-discussions control or
//! an own comment's edit or delete link clicked, a key bound to an action, the comment box typed in, the
//! context menu — and asks the loader to fetch, instantiate and run the
//! second module, which then gets the gesture replayed. Until it runs, a
//! click it will handle is held back (its default prevented); once it
//! runs, these listeners only step aside. The first movement of the
//! pointer or a key starts fetching and compiling the module (off the
//! main thread), so it is usually ready before the gesture that needs it.

use std::cell::Cell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Event;

use crate::features::Feature;
use crate::{dom, marks, Shared};

pub const FEATURE: Feature = Feature { id: "wake", applies: |_| true, init, apply: None, added: None };

#[wasm_bindgen]
extern "C" {
    /// Queues the event (or message) for the second module, loading it;
    /// false when it already runs (its own listeners have the event).
    #[wasm_bindgen(catch, js_name = hnewWake)]
    fn js_wake(event: &JsValue, message: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(catch, js_name = hnewPrefetch)]
    fn js_prefetch() -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = hnewMoreNotify)]
    fn js_notify(what: &str) -> Result<(), JsValue>;
}

thread_local! {
    static PREFETCHED: Cell<bool> = const { Cell::new(false) };
}

fn forward(event: &Event) -> bool {
    js_wake(event.as_ref(), &JsValue::UNDEFINED).unwrap_or(false)
}

/// Wakes the second module with no gesture (a list sorted before).
pub fn now() {
    let _ = js_wake(&JsValue::UNDEFINED, &JsValue::UNDEFINED);
}

/// A message of the background's for the second module.
pub fn message(message: &JsValue) {
    let _ = js_wake(&JsValue::UNDEFINED, message);
}

/// The state changed: the second module, if it runs, applies it too.
pub fn state_changed() {
    let _ = js_notify("state");
}

/// Endless scroll appended rows: the second module, if it runs, reads them.
pub fn rows_added() {
    let _ = js_notify("rows");
}

fn init(ctx: &Shared) -> Result<(), String> {
    let doc: web_sys::EventTarget = ctx.document.clone().into();
    for kind in ["pointermove", "touchstart", "keydown"] {
        dom::listen(&doc, kind, |_| {
            if !PREFETCHED.with(|p| p.replace(true)) {
                let _ = js_prefetch();
            }
        });
    }
    let c = ctx.clone();
    let hover = move |e: Event| {
        let s = c.site.selectors;
        let target = e.target();
        let wanted = dom::closest(target.clone(), s.user_link).is_some()
            || dom::closest(target, "a[href]").and_then(|a| a.closest(s.comment_text).ok().flatten()).is_some();
        if wanted {
            forward(&e);
        }
    };
    let hover = std::rc::Rc::new(hover);
    for kind in ["mouseover", "focusin"] {
        let hover = hover.clone();
        dom::listen_capture(&doc, kind, move |e| hover(e));
    }
    let c = ctx.clone();
    dom::listen_capture(&doc, "click", move |e| {
        let Some(claim) = click_claim(&c, &e) else { return };
        if forward(&e) {
            e.prevent_default();
            if claim == Claim::Action {
                // HN's own handler on the link would act without telling
                // the reader when it fails.
                e.stop_propagation();
            }
        }
    });
    let c = ctx.clone();
    dom::listen_capture(&doc, "submit", move |e| {
        if replies(&c) && dom::closest(e.target(), c.site.selectors.reply_form).is_some() && forward(&e) {
            e.prevent_default();
        }
    });
    let c = ctx.clone();
    dom::listen_capture(&doc, "input", move |e| {
        if replies(&c) && dom::closest(e.target(), c.site.selectors.reply_text).is_some() {
            forward(&e);
        }
    });
    let c = ctx.clone();
    dom::listen_capture(&doc, "keydown", move |e| {
        let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
        if k.default_prevented() || dom::typing(e.target()) {
            return;
        }
        let bound = c.state.borrow().settings.keys.action(&k.key(), k.ctrl_key(), k.alt_key(), k.meta_key()).is_some();
        if bound {
            forward(&e);
        }
    });
    dom::listen_capture(&doc, "contextmenu", |e| {
        forward(&e);
    });
    Ok(())
}

#[derive(PartialEq)]
enum Claim {
    Action,
    Control,
}

/// A click the second module acts on.
fn click_claim(ctx: &Shared, e: &Event) -> Option<Claim> {
    let target = e.target();
    if ctx.site.capabilities.votes {
        let href = dom::closest(target.clone(), ctx.site.selectors.action_links).and_then(|a| a.get_attribute("href"));
        if href.is_some_and(|h| hn_core::act::is_action_path(&h)) {
            return Some(Claim::Action);
        }
    }
    if replies(ctx) && dom::closest(target.clone(), ctx.site.selectors.reply_link).is_some() {
        return Some(Claim::Control);
    }
    if replies(ctx)
        && dom::closest(target.clone(), ctx.site.selectors.own_links)
            .is_some_and(|l| crate::editor::own_target(ctx, &l).is_some())
    {
        return Some(Claim::Control);
    }
    let controls = [marks::SHARE_BUTTON, marks::SORT_BUTTON, marks::PAST_BUTTON];
    controls.iter().any(|sel| dom::closest(target.clone(), sel).is_some()).then_some(Claim::Control)
}

fn replies(ctx: &Shared) -> bool {
    ctx.site.capabilities.inline_reply && ctx.kind.has_comments()
}
