//! User tags: a short tag beside a user's name everywhere, in a colour of
//! its own, and the submitter's name marked OP on a thread. Tags are set
//! from the user card and sync with the rest of the user's state.
//!
//! Cheap on any page size: one `querySelectorAll` per tagged user (by the
//! profile link the site puts on every name), not a walk of every name.

use hn_core::text;
use std::cell::RefCell;

use hn_core::site::PageKind;
use hn_core::state::tag_color;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature { id: "tags", applies: |_| true, init, apply: Some(apply), added: Some(added) };

thread_local! {
    /// The tag spans on the page now, removed before the next apply.
    static SHOWN: RefCell<Vec<web_sys::Element>> = const { RefCell::new(Vec::new()) };
}

fn links(ctx: &Shared, user: &str) -> Vec<web_sys::Element> {
    if !(ctx.site.valid_user)(user) {
        return Vec::new();
    }
    dom::all(&ctx.root, &ctx.site.selectors.user_named.replace("{}", user))
}

fn init(ctx: &Shared) -> Result<(), String> {
    mark_op(ctx);
    Ok(())
}

fn added(ctx: &Shared, _: std::ops::Range<usize>, _: std::ops::Range<usize>) -> Result<(), String> {
    mark_op(ctx);
    Ok(())
}

/// The submitter's comments on a thread carry an OP badge.
fn mark_op(ctx: &Shared) {
    if ctx.kind != PageKind::Item {
        return;
    }
    let op = ctx.index.borrow().stories.first().and_then(|s| s.user.clone());
    let Some(op) = op else { return };
    for a in links(ctx, &op) {
        if a.closest(ctx.site.selectors.comment).ok().flatten().is_some() {
            dom::toggle_class(&a, "hnew-op", true);
            let _ = a.set_attribute("title", text::PAGE_OP_TITLE);
        }
    }
}

fn apply(ctx: &Shared) -> Result<(), String> {
    for old in SHOWN.with(|s| std::mem::take(&mut *s.borrow_mut())) {
        old.remove();
    }
    let state = ctx.state.borrow();
    let mut shown = Vec::new();
    for (user, tag) in state.tags_on(ctx.site.id) {
        for a in links(ctx, user) {
            let Some(span) = dom::make(&ctx.document, "span", &format!("hnew-tag hnew-tag-{}", tag_color(tag)), tag)
            else {
                continue;
            };
            let _ = span.set_attribute("title", &text::page_your_tag_for(user));
            let _ = a.after_with_node_1(&span);
            shown.push(span);
        }
    }
    SHOWN.with(|s| *s.borrow_mut() = shown);
    Ok(())
}
