//! Follow users: followed users' names, stories and comments are highlighted
//! on every page. (Following and unfollowing happen from the user card.)

use std::collections::HashSet;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature =
    Feature { id: "follow", applies: |_| true, init: |_| Ok(()), apply: Some(apply), added: None };

const NAME: &str = "hnew-followed";
const ITEM: &str = "hnew-followed-item";

thread_local! {
    /// Whether anything is highlighted now: with no follows and nothing to
    /// undo, a page is not walked at all.
    static SHOWN: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn apply(ctx: &Shared) -> Result<(), String> {
    let state = ctx.state.borrow();
    let followed: HashSet<&str> = state.followed_on(ctx.site.id).collect();
    if followed.is_empty() && !SHOWN.with(|s| s.get()) {
        return Ok(());
    }
    SHOWN.with(|s| s.set(!followed.is_empty()));
    // One pass over the user links: each marks its name and its item's row
    // (a comment's own row, or the story row above a story's subtext).
    for a in dom::all(&ctx.root, ctx.site.selectors.user_link) {
        let on = a.text_content().is_some_and(|n| followed.contains(n.as_str()));
        dom::toggle_class(&a, NAME, on);
        let item = match a.closest("tr.athing").ok().flatten() {
            Some(row) => Some(row),
            None => a
                .closest("tr")
                .ok()
                .flatten()
                .and_then(|r| r.previous_element_sibling())
                .filter(|r| r.class_list().contains("athing")),
        };
        if let Some(item) = item {
            dom::toggle_class(&item, ITEM, on);
        }
    }
    Ok(())
}
