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
    // One pass over the user links: each marks its name and its item (the
    // comment or story around it, or on a site with a separate line under
    // stories, the story row above that line).
    let s = ctx.site.selectors;
    for a in dom::all(&ctx.root, s.user_link) {
        let on = a.text_content().is_some_and(|n| followed.contains(n.as_str()));
        dom::toggle_class(&a, NAME, on);
        let item = a.closest(s.comment).ok().flatten().or_else(|| a.closest(s.story).ok().flatten()).or_else(|| {
            let line = a.closest(s.subtext).ok().flatten()?;
            let row = if ctx.site.layout.sub_row { line.parent_element()?.previous_element_sibling()? } else { line };
            row.matches(s.story).unwrap_or(false).then_some(row)
        });
        if let Some(item) = item {
            dom::toggle_class(&item, ITEM, on);
        }
    }
    Ok(())
}
