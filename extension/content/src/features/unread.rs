//! New comments since the last visit. On a thread, comments new since the
//! reader was last there are marked and counted at the top ("12 new of
//! 340"); the `n` key walks them. On story lists, stories whose discussion
//! the reader opened before show how many comments are new. Visits are kept
//! on this device (`chrome.storage.local`, bounded: see `hn_core::unread`).
//!
//! Options: stories already read (link or discussion opened, as recorded
//! here) are dimmed or hidden on lists; on a thread visited before, the
//! top-level subthreads holding nothing new are folded.

use hn_core::text;
use std::cell::{Cell, RefCell};

use hn_core::settings::ReadStories;
use hn_core::site::PageKind;
use hn_core::unread::{new_since, quiet_subthreads, Visits};
use wasm_bindgen_futures::spawn_local;

use super::Feature;
use crate::marks::NEW;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature {
    id: "unread",
    applies: |ctx| matches!(ctx.kind, PageKind::Item | PageKind::StoryList) && !ctx.index.borrow().stories.is_empty(),
    init,
    apply: Some(apply),
    added: Some(added),
};

thread_local! {
    /// The new comments found on this thread (indexes), once known.
    static FRESH: RefCell<Option<Vec<usize>>> = const { RefCell::new(None) };
    /// Whether this thread was visited before.
    static REVISIT: Cell<bool> = const { Cell::new(false) };
    static STATE_SEEN: Cell<bool> = const { Cell::new(false) };
    static FOLDED_OLD: Cell<bool> = const { Cell::new(false) };
    /// Read stories marked on this list.
    static READ: Cell<usize> = const { Cell::new(0) };
}

pub const READ_CLASS: &str = "hnew-was-read";

fn apply(ctx: &Shared) -> Result<(), String> {
    STATE_SEEN.with(|s| s.set(true));
    let mode = ctx.state.borrow().settings.read_stories;
    let value = match mode {
        ReadStories::Show => "",
        ReadStories::Dim => "dim",
        ReadStories::Hide => "hide",
    };
    // Only lists show read stories; a root attribute set again restyles
    // every row of a long thread, so it is set only when it changes.
    if ctx.kind == PageKind::StoryList {
        if ctx.root.get_attribute("data-hnew-read").as_deref().unwrap_or("") != value {
            dom::set_data(&ctx.root, "hnew-read", value);
        }
        read_line(ctx);
    }
    fold_old(ctx);
    Ok(())
}

/// On a revisited thread, with the option on: folds each top-level
/// subthread without a new comment, once.
fn fold_old(ctx: &Shared) {
    if !STATE_SEEN.with(|s| s.get()) || !REVISIT.with(|r| r.get()) || !ctx.state.borrow().settings.fold_old {
        return;
    }
    let Some(fresh) = FRESH.with(|f| f.borrow().clone()) else { return };
    if FOLDED_OLD.with(|f| f.replace(true)) {
        return;
    }
    let depths = ctx.index.borrow().depths(ctx.site);
    let quiet = quiet_subthreads(&depths, &fresh);
    for &i in &quiet {
        crate::fold::set_folded(ctx, i, true);
    }
    dom::report("hnew-folded-old", &quiet.len().to_string());
}

/// "N stories you read are hidden · Show" above a list, in hide mode.
fn read_line(ctx: &Shared) {
    let n = READ.with(|r| r.get());
    let hide = ctx.state.borrow().settings.read_stories == ReadStories::Hide;
    let existing = ctx.root.query_selector(".hnew-read-line").ok().flatten();
    if !hide || n == 0 {
        if let Some(e) = existing {
            e.remove();
        }
        return;
    }
    let text = if n == 1 { text::PAGE_READ_HIDDEN_ONE.to_string() } else { text::page_read_hidden(n) };
    if let Some(e) = existing {
        if let Ok(Some(t)) = e.query_selector("span") {
            t.set_text_content(Some(&text));
        }
        return;
    }
    let Some(line) = dom::make(&ctx.document, "div", "hnew-read-line", "") else { return };
    let _ = line.set_attribute("role", "status");
    if let Some(t) = dom::make(&ctx.document, "span", "", &text) {
        let _ = line.append_child(&t);
    }
    if let Some(b) = dom::make(&ctx.document, "button", "hnew-read-show", text::PAGE_SHOW) {
        let _ = b.set_attribute("type", "button");
        let c = ctx.clone();
        dom::listen(&b.clone().into(), "click", move |_| {
            // Shown dimmed on this page; the setting stays.
            dom::set_data(&c.root, "hnew-read", "dim");
            if let Ok(Some(l)) = c.root.query_selector(".hnew-read-line") {
                l.remove();
            }
        });
        let _ = line.append_child(&b);
    }
    let list = ctx.root.query_selector(ctx.site.selectors.story_list).ok().flatten();
    if let Some(list) = list {
        let _ = list.before_with_node_1(&line);
    }
}

/// Where this site's visits are kept (`visits` for HN, as before a second
/// site; `visits:<site>` for the others).
fn key(ctx: &Shared) -> String {
    hn_core::site::scoped(ctx.site.id, "visits")
}
fn init(ctx: &Shared) -> Result<(), String> {
    let c = ctx.clone();
    spawn_local(async move {
        let ctx = c;
        let (mut visits, writable) = match hn_ext::get_record::<Visits>(&key(&ctx)).await {
            Ok(v) => (v.unwrap_or_default(), true),
            Err(u) => {
                dom::log(&format!("the record of visited threads: {}", u.why));
                (Visits::default(), !u.keep)
            }
        };
        let len = ctx.index.borrow().stories.len();
        if ctx.kind == PageKind::Item {
            thread(&ctx, &mut visits, writable).await;
        } else {
            mark_lists(&ctx, &visits, 0..len);
            read_line(&ctx);
        }
    });
    if ctx.kind == PageKind::StoryList {
        // Opening a story's link from a list makes it read.
        let c = ctx.clone();
        dom::listen(&ctx.document.clone().into(), "click", move |e| {
            let Some(link) = dom::closest(e.target(), c.site.selectors.title_link) else { return };
            let Some(row) = link.closest(c.site.selectors.story).ok().flatten() else { return };
            let Some(id) = (c.site.row_id)(&row.id()) else { return };
            let key = key(&c);
            spawn_local(async move {
                let mut visits = match hn_ext::get_record::<Visits>(&key).await {
                    Ok(v) => v.unwrap_or_default(),
                    Err(u) if u.keep => return,
                    Err(_) => Visits::default(),
                };
                visits.record_link(id, js_sys::Date::now());
                if let Err(e) = hn_ext::set_record(&key, &visits).await {
                    dom::log(&format!("this story was not recorded as read: {e}"));
                }
            });
            mark_read(&c, &row);
        });
    }
    Ok(())
}

/// Marks a story's rows (its row and the lines under it) read.
fn mark_read(ctx: &Shared, row: &web_sys::Element) {
    for part in crate::index::story_parts_of(row, ctx.site) {
        dom::toggle_class(&part, READ_CLASS, true);
    }
}

fn added(ctx: &Shared, stories: std::ops::Range<usize>, _: std::ops::Range<usize>) -> Result<(), String> {
    if ctx.kind != PageKind::StoryList {
        return Ok(());
    }
    let ctx = ctx.clone();
    spawn_local(async move {
        let visits = hn_ext::get_record::<Visits>(&key(&ctx)).await.ok().flatten().unwrap_or_default();
        mark_lists(&ctx, &visits, stories);
    });
    Ok(())
}

async fn thread(ctx: &Shared, visits: &mut Visits, writable: bool) {
    let (story, ids, rows) = {
        let index = ctx.index.borrow();
        let Some(story) = index.stories.first().map(|s| s.id) else { return };
        let ids: Vec<u64> = index.comments.iter().map(|c| c.id).collect();
        let rows: Vec<web_sys::Element> = index.comments.iter().map(|c| c.row.clone()).collect();
        (story, ids, rows)
    };
    // New comments are told by their ids only where ids grow with time.
    let fresh = if ctx.site.capabilities.ordered_ids { new_since(visits.get(story), &ids) } else { Vec::new() };
    for &i in &fresh {
        dom::toggle_class(&rows[i], NEW, true);
    }
    REVISIT.with(|r| r.set(visits.get(story).is_some_and(|v| !v.link_only)));
    FRESH.with(|f| *f.borrow_mut() = Some(fresh.clone()));
    fold_old(ctx);
    dom::report("hnew-new", &fresh.len().to_string());
    // Nothing to say when nothing is new.
    if visits.get(story).is_some() && !fresh.is_empty() {
        show_count(ctx, fresh.len(), ids.len());
    }
    let max = ids.iter().copied().max().unwrap_or(0);
    let count = comment_count(ctx, 0).unwrap_or(ids.len() as u32);
    if !writable {
        return;
    }
    visits.record(story, max, count, js_sys::Date::now());
    if let Err(e) = hn_ext::set_record(&key(ctx), &*visits).await {
        dom::log(&format!("this visit was not recorded: {e}"));
    }
}

/// "12 new of 340", above the comments.
fn show_count(ctx: &Shared, new: usize, total: usize) {
    let Some(line) = dom::make(&ctx.document, "div", "hnew-new-count", &text::page_new_of(new, total)) else {
        return;
    };
    let _ = line.set_attribute("role", "status");
    let tree = ctx.root.query_selector(ctx.site.selectors.comment_tree).ok().flatten();
    if let Some(tree) = tree {
        let _ = tree.before_with_node_1(&line);
    }
}

/// The comment count in story `i`'s subtext ("340 comments").
fn comment_count(ctx: &Shared, i: usize) -> Option<u32> {
    ctx.index.borrow().stories.get(i)?.comments_link(ctx.site).map(|(_, n)| n)
}

fn mark_lists(ctx: &Shared, visits: &Visits, range: std::ops::Range<usize>) {
    if visits.0.is_empty() {
        return;
    }
    let index = ctx.index.borrow();
    for story in &index.stories[range] {
        if !visits.read(story.id) {
            continue;
        }
        mark_read(ctx, &story.row);
        READ.with(|r| r.set(r.get() + 1));
        let Some((link, now)) = story.comments_link(ctx.site) else { continue };
        let Some(new) = visits.new_comments(story.id, now) else { continue };
        if new > 0 && (ctx.site.row_id)(&story.row.id()).is_some() {
            if let Some(span) = dom::make(&ctx.document, "span", "hnew-new-comments", &text::page_new_comments(new)) {
                let _ = link.after_with_node_1(&span);
            }
        }
    }
}
