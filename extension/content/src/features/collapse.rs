//! Collapsible threads: every comment gets a "fold thread" control that folds
//! the whole top-level subthread it is in, from any depth; the site's own
//! toggle still folds a comment's own replies. On HN folding uses HN's own
//! classes (`coll`, `noshow`) and its `[N more]` label, so HN's toggle and
//! ours never disagree; where a site has no such classes (its layout says)
//! ours are used and the fold control shows the count. Folds are
//! remembered per thread on this device.
//!
//! The control is built for a comment only when the reader reaches it (the
//! pointer enters the comment, or focus moves into it), so a 3,000-comment
//! thread costs nothing up front.

use hn_core::text;
use std::cell::RefCell;
use std::collections::BTreeSet;

use hn_core::records::Folds;

use super::Feature;
use crate::{dom, fold, Shared};

pub const FEATURE: Feature = Feature {
    id: "collapse",
    applies: |ctx| ctx.kind.has_comments() && !ctx.index.borrow().comments.is_empty(),
    init,
    apply: None,
    added: Some(added),
};

thread_local! {
    /// Comment id → index in the page's comments, filled as rows are reached.
    static POSITIONS: RefCell<std::collections::HashMap<u64, usize>> = RefCell::new(std::collections::HashMap::new());
}

/// Gives the comment in `row` its fold control, if it has none yet.
fn ensure_control(ctx: &Shared, row: &web_sys::Element) {
    if row.get_attribute("data-hnew-fold").is_some() {
        return;
    }
    let index = ctx.index.borrow();
    let i = POSITIONS.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() != index.comments.len() {
            *p = index.comments.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        }
        (ctx.site.row_id)(&row.id()).and_then(|id| p.get(&id).copied())
    });
    let Some(i) = i else { return };
    let _ = row.set_attribute("data-hnew-fold", "");
    let Ok(Some(h)) = row.query_selector(ctx.site.selectors.comment_head) else { return };
    let Some(button) = dom::make(&ctx.document, "button", "hnew-fold", &fold::label(ctx, row)) else { return };
    let _ = button.set_attribute("type", "button");
    // Its name is what it shows (fold thread, unfold); what it folds is
    // its description.
    let _ = button.set_attribute("title", text::PAGE_FOLD_THREAD_TITLE);
    dom::set_data(&button, "i", &i.to_string());
    let _ = h.append_child(&button);
}

fn added(_ctx: &Shared, _stories: std::ops::Range<usize>, _comments: std::ops::Range<usize>) -> Result<(), String> {
    fold::forget_depths();
    Ok(())
}

fn init(ctx: &Shared) -> Result<(), String> {
    let c = ctx.clone();
    dom::on_reach(&ctx.document, ctx.site.selectors.comment, move |row| ensure_control(&c, row));
    {
        let ctx = ctx.clone();
        dom::listen(&ctx.document.clone().into(), "click", move |e| {
            if let Some(button) = dom::closest(e.target(), "button.hnew-fold") {
                e.prevent_default();
                let Some(i) = button.get_attribute("data-i").and_then(|v| v.parse::<usize>().ok()) else { return };
                let root = fold::root(&ctx, i);
                let folded = fold::is_folded(&ctx, root);
                fold::set_folded(&ctx, root, !folded);
                save(&ctx);
                if !folded {
                    // Keep the reader where the thread was.
                    if let Some(c) = ctx.index.borrow().comments.get(root) {
                        c.row.scroll_into_view();
                    }
                }
            } else if dom::closest(e.target(), ctx.site.selectors.toggle).is_some() {
                // HN's own toggle: record its result once its script ran.
                let ctx = ctx.clone();
                dom::after(0, move || save(&ctx));
            }
        });
    }
    restore(ctx.clone());
    Ok(())
}

fn storage_key(ctx: &Shared) -> Option<String> {
    crate::thread_key(ctx, "folds")
}

fn save(ctx: &Shared) {
    let Some(key) = storage_key(ctx) else { return };
    // Comments are in page order, ids mostly growing: inserted one by one
    // (collecting into a set would carry a sort's code for nothing).
    let mut folded = BTreeSet::new();
    for c in ctx.index.borrow().comments.iter().filter(|c| c.row.class_list().contains(ctx.site.layout.folded)) {
        folded.insert(c.id);
    }
    wasm_bindgen_futures::spawn_local(async move {
        let saved = Folds { folded, at: js_sys::Date::now() };
        if let Err(e) = hn_ext::set_record(&key, &saved).await {
            dom::log(&format!("folds not saved: {e}"));
        }
    });
}

fn restore(ctx: Shared) {
    let Some(key) = storage_key(&ctx) else { return };
    wasm_bindgen_futures::spawn_local(async move {
        let saved = match hn_ext::get_record::<Folds>(&key).await {
            Ok(saved) => saved,
            Err(u) => {
                dom::log(&u.why);
                None
            }
        };
        let Some(saved) = saved else { return };
        let ids: Vec<usize> = ctx
            .index
            .borrow()
            .comments
            .iter()
            .enumerate()
            .filter(|(_, c)| saved.folded.contains(&c.id))
            .map(|(i, _)| i)
            .collect();
        for i in ids {
            fold::set_folded(&ctx, i, true);
        }
        dom::report("hnew-folds-restored", &saved.folded.len().to_string());
    });
}
