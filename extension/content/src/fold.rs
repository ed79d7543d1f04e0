//! Folding a subthread the way the site's own toggle does (HN's `coll` and
//! `noshow`, its `[N more]`), shared by the collapse feature (the reader's
//! fold control) and unread (old subthreads folded on a revisit).

use hn_core::text;
use std::cell::RefCell;

use hn_core::thread::{descendants, root_of};

use crate::{dom, Shared};

thread_local! {
    static DEPTHS: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// The comments' depths are read again (rows were appended).
pub(crate) fn forget_depths() {
    DEPTHS.with(|d| d.borrow_mut().clear());
}

/// The top-level comment of comment `i`'s subthread.
pub(crate) fn root(ctx: &Shared, i: usize) -> usize {
    ensure_depths(ctx);
    DEPTHS.with(|d| root_of(&d.borrow(), i))
}

pub(crate) fn is_folded(ctx: &Shared, i: usize) -> bool {
    ctx.index.borrow().comments.get(i).is_some_and(|c| c.row.class_list().contains(ctx.site.layout.folded))
}

/// Reads every comment's depth, once, when folding is first used.
fn ensure_depths(ctx: &Shared) {
    let n = ctx.index.borrow().comments.len();
    if DEPTHS.with(|d| d.borrow().len()) != n {
        let depths = ctx.index.borrow().depths(ctx.site);
        DEPTHS.with(|d| *d.borrow_mut() = depths);
    }
}

/// Folds or unfolds comment `i`'s subthread the way HN's toggle does.
pub(crate) fn set_folded(ctx: &Shared, i: usize, fold: bool) {
    ensure_depths(ctx);
    let index = ctx.index.borrow();
    let Some(c) = index.comments.get(i) else { return };
    let range = DEPTHS.with(|d| descendants(&d.borrow(), i));
    let layout = ctx.site.layout;
    dom::toggle_class(&c.row, layout.folded, fold);
    if fold {
        for r in &index.comments[range.clone()] {
            dom::toggle_class(&r.row, layout.hidden, true);
        }
    } else {
        // Show the descendants, except those inside a still-folded reply.
        let mut j = range.start;
        while j < range.end {
            let r = &index.comments[j];
            dom::toggle_class(&r.row, layout.hidden, false);
            if r.row.class_list().contains(layout.folded) {
                j = DEPTHS.with(|d| descendants(&d.borrow(), j)).end;
            } else {
                j += 1;
            }
        }
    }
    if layout.toggle_counts {
        if let Ok(Some(t)) = c.row.query_selector(ctx.site.selectors.toggle) {
            t.set_text_content(Some(&if fold {
                text::page_fold_more(range.len() + 1)
            } else {
                text::PAGE_FOLD_OPEN.to_string()
            }));
        }
    }
    dom::set_data(&c.row, "hnew-hidden-replies", &if fold { range.len().to_string() } else { String::new() });
    if let Ok(Some(b)) = c.row.query_selector("button.hnew-fold") {
        b.set_text_content(Some(&label(ctx, &c.row)));
    }
}

/// The fold control's text: where the site's own toggle shows no count,
/// a folded comment's control says how many replies it hides.
pub(crate) fn label(ctx: &Shared, row: &web_sys::Element) -> String {
    match row.get_attribute("data-hnew-hidden-replies").filter(|n| !n.is_empty()) {
        Some(n) if !ctx.site.layout.toggle_counts => text::page_unfold_hidden(n),
        _ => text::PAGE_FOLD_THREAD.to_string(),
    }
}
