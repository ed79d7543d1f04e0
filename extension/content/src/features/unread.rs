//! New comments since the last visit. On a thread, comments new since the
//! reader was last there are marked and counted at the top ("12 new of
//! 340"); the `n` key walks them. On story lists, stories whose discussion
//! the reader opened before show how many comments are new. Visits are kept
//! on this device (`chrome.storage.local`, bounded: see `hn_core::unread`).

use hn_core::page::parse_item_id;
use hn_core::site::PageKind;
use hn_core::unread::{new_since, Visits};
use wasm_bindgen_futures::spawn_local;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature {
    id: "unread",
    applies: |ctx| matches!(ctx.kind, PageKind::Item | PageKind::StoryList) && !ctx.index.borrow().stories.is_empty(),
    init,
    apply: None,
    added: Some(added),
};

const KEY: &str = "visits";
pub const NEW: &str = "hnew-new";

fn init(ctx: &Shared) -> Result<(), String> {
    let ctx = ctx.clone();
    spawn_local(async move {
        let (visits, problem) = hn_ext::get_typed::<Visits>(hn_ext::Area::Local, KEY).await;
        if let Some(p) = problem {
            dom::log(&format!("the record of visited threads was unreadable ({p}); starting afresh"));
        }
        let mut visits = visits.unwrap_or_default();
        let len = ctx.index.borrow().stories.len();
        if ctx.kind == PageKind::Item {
            thread(&ctx, &mut visits).await;
        } else {
            mark_lists(&ctx, &visits, 0..len);
        }
    });
    Ok(())
}

fn added(ctx: &Shared, stories: std::ops::Range<usize>, _: std::ops::Range<usize>) -> Result<(), String> {
    if ctx.kind != PageKind::StoryList {
        return Ok(());
    }
    let ctx = ctx.clone();
    spawn_local(async move {
        let visits = hn_ext::get_typed::<Visits>(hn_ext::Area::Local, KEY).await.0.unwrap_or_default();
        mark_lists(&ctx, &visits, stories);
    });
    Ok(())
}

async fn thread(ctx: &Shared, visits: &mut Visits) {
    let (story, ids, rows) = {
        let index = ctx.index.borrow();
        let Some(story) = index.stories.first().map(|s| s.id) else { return };
        let ids: Vec<u64> = index.comments.iter().map(|c| c.id).collect();
        let rows: Vec<web_sys::Element> = index.comments.iter().map(|c| c.row.clone()).collect();
        (story, ids, rows)
    };
    let fresh = new_since(visits.get(story), &ids);
    for &i in &fresh {
        dom::toggle_class(&rows[i], NEW, true);
    }
    dom::set_data(&ctx.root, "hnew-new", &fresh.len().to_string());
    if visits.get(story).is_some() {
        show_count(ctx, fresh.len(), ids.len());
    }
    let max = ids.iter().copied().max().unwrap_or(0);
    let count = comment_count(ctx, 0).unwrap_or(ids.len() as u32);
    visits.record(story, max, count, js_sys::Date::now());
    if let Err(e) = hn_ext::set_typed(hn_ext::Area::Local, KEY, &*visits).await {
        dom::log(&format!("this visit was not recorded: {e}"));
    }
}

/// "12 new of 340", above the comments.
fn show_count(ctx: &Shared, new: usize, total: usize) {
    let Some(line) = dom::make(&ctx.document, "div", "hnew-new-count", &format!("{new} new of {total}")) else {
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
    ctx.index.borrow().stories.get(i)?.comments_link().map(|(_, n)| n)
}

fn mark_lists(ctx: &Shared, visits: &Visits, range: std::ops::Range<usize>) {
    if visits.0.is_empty() {
        return;
    }
    let index = ctx.index.borrow();
    for story in &index.stories[range] {
        let Some(visit) = visits.get(story.id) else { continue };
        let Some((link, now)) = story.comments_link() else { continue };
        let new = now.saturating_sub(visit.count);
        if new > 0 && parse_item_id(&story.row.id()).is_some() {
            if let Some(span) = dom::make(&ctx.document, "span", "hnew-new-comments", &format!(" ({new} new)")) {
                let _ = link.after_with_node_1(&span);
            }
        }
    }
}
