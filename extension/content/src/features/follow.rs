//! Follow users: followed users' names, stories and comments are highlighted
//! on every page. (Following and unfollowing happen from the user card.)

use std::collections::HashSet;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature { id: "follow", applies: |_| true, init: |_| Ok(()), apply: Some(apply), added: None };

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
    // Names: every user link on the page (lists, threads, profiles).
    for a in dom::all(&ctx.root, ctx.site.selectors.user_link) {
        let on = a.text_content().is_some_and(|n| followed.contains(n.as_str()));
        dom::toggle_class(&a, NAME, on);
    }
    let index = ctx.index.borrow();
    for s in &index.stories {
        let on = s.user.as_deref().is_some_and(|u| followed.contains(u));
        dom::toggle_class(&s.row, ITEM, on);
    }
    for c in &index.comments {
        let on = c.user.as_deref().is_some_and(|u| followed.contains(u));
        dom::toggle_class(&c.row, ITEM, on);
    }
    Ok(())
}
