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

use std::cell::RefCell;
use std::collections::BTreeSet;

use hn_core::records::Folds;
use hn_core::thread::{descendants, root_of};

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature {
    id: "collapse",
    applies: |ctx| ctx.kind.has_comments() && !ctx.index.borrow().comments.is_empty(),
    init,
    apply: None,
    added: Some(added),
};

thread_local! {
    static DEPTHS: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

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
    let Some(button) = dom::make(&ctx.document, "button", "hnew-fold", &label(ctx, row)) else { return };
    let _ = button.set_attribute("type", "button");
    // Its name is what it shows (fold thread, unfold); what it folds is
    // its description.
    let _ = button.set_attribute("title", "Fold the whole thread this comment is in");
    dom::set_data(&button, "i", &i.to_string());
    let _ = h.append_child(&button);
}

fn added(_ctx: &Shared, _stories: std::ops::Range<usize>, _comments: std::ops::Range<usize>) -> Result<(), String> {
    DEPTHS.with(|d| d.borrow_mut().clear());
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
                ensure_depths(&ctx);
                let root = DEPTHS.with(|d| root_of(&d.borrow(), i));
                let folded = is_folded(&ctx, root);
                set_folded(&ctx, root, !folded);
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

fn is_folded(ctx: &Shared, i: usize) -> bool {
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
            t.set_text_content(Some(&if fold { format!("[{} more]", range.len() + 1) } else { "[–]".to_string() }));
        }
    }
    dom::set_data(&c.row, "hnew-hidden-replies", &if fold { range.len().to_string() } else { String::new() });
    if let Ok(Some(b)) = c.row.query_selector("button.hnew-fold") {
        b.set_text_content(Some(&label(ctx, &c.row)));
    }
}

/// The fold control's text: where the site's own toggle shows no count,
/// a folded comment's control says how many replies it hides.
fn label(ctx: &Shared, row: &web_sys::Element) -> String {
    match row.get_attribute("data-hnew-hidden-replies").filter(|n| !n.is_empty()) {
        Some(n) if !ctx.site.layout.toggle_counts => format!("unfold ({n} hidden)"),
        _ => "fold thread".to_string(),
    }
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
            set_folded(&ctx, i, true);
        }
        dom::report("hnew-folds-restored", &saved.folded.len().to_string());
    });
}
