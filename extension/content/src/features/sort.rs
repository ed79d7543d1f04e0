//! Story lists sorted in place by rank, points, comments or age, chosen per
//! list page (`/news`, `/show`, …) and remembered on this device. Pages
//! appended by endless scroll join the sort.

use hn_core::text;
use std::cell::Cell;

use hn_core::records::SortChoices;
use hn_core::site::PageKind;
use hn_core::unread::{parse_age_title, parse_points, sort_order, SortBy, SortKeys};

use super::Feature;
use crate::{dom, Shared};

/// At load: the bar; a list the reader sorted before wakes the module
/// that sorts.
pub const FEATURE: Feature = Feature { id: "sort", applies, init, apply: None, added: None };

/// On first use (or at load when this list has a saved order): sorting.
pub const MORE: Feature = Feature { id: "sort", applies, init: init_sorting, apply: None, added: Some(added) };

fn applies(ctx: &Shared) -> bool {
    if !ctx.site.capabilities.sort {
        return false;
    }
    let index = ctx.index.borrow();
    // Markup it does not know (stories outside a table): off, quietly.
    ctx.kind == PageKind::StoryList
        && index.stories.len() > 1
        && index.stories[0].row.closest(ctx.site.selectors.story_list).ok().flatten().is_some()
}

/// A sort button (the wake listener knows it too).
const BUTTON: &str = crate::marks::SORT_BUTTON;

const KEY: &str = "list_sort";

thread_local! {
    static CURRENT: Cell<SortBy> = const { Cell::new(SortBy::Rank) };
}

fn list_path() -> String {
    web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default()
}

fn init(ctx: &Shared) -> Result<(), String> {
    let first = ctx.index.borrow().stories.first().map(|s| s.row.clone()).ok_or("no stories")?;
    let table = first.closest(ctx.site.selectors.story_list).ok().flatten().ok_or("the stories are not in a list")?;
    let bar = dom::make(&ctx.document, "div", "hnew-sort", text::PAGE_SORT_LEAD).ok_or("no document")?;
    let _ = bar.set_attribute("role", "group");
    let _ = bar.set_attribute("aria-label", text::PAGE_SORT_LABEL);
    for by in SortBy::ALL {
        let Some(b) = dom::make(&ctx.document, "button", "hnew-sort-by", by.label()) else { continue };
        let _ = b.set_attribute("type", "button");
        let _ = b.set_attribute("aria-pressed", if by == SortBy::Rank { "true" } else { "false" });
        dom::set_data(&b, "by", by.id());
        let _ = bar.append_child(&b);
    }
    let _ = table.before_with_node_1(&bar);
    // Only a list sorted before needs the module that sorts, now.
    wasm_bindgen_futures::spawn_local(async move {
        let saved = hn_ext::get_record_text(KEY).await.ok().flatten();
        if saved.and_then(|text| SortChoices::chosen(&text, &list_path())).is_some_and(|by| by != SortBy::Rank) {
            crate::wake::now();
        }
    });
    Ok(())
}

fn init_sorting(ctx: &Shared) -> Result<(), String> {
    let c = ctx.clone();
    dom::listen(&ctx.document.clone().into(), "click", move |e| {
        let Some(b) = dom::closest(e.target(), BUTTON) else { return };
        let Some(by) = SortBy::ALL.into_iter().find(|by| b.get_attribute("data-by").as_deref() == Some(by.id())) else {
            return;
        };
        choose(&c, by);
        save(by);
    });
    let c = ctx.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let saved = hn_ext::get_record::<SortChoices>(KEY).await.ok().flatten().unwrap_or_default();
        if let Some(&by) = saved.0.get(&list_path()) {
            if by != SortBy::Rank {
                choose(&c, by);
            }
        }
    });
    Ok(())
}

fn save(by: SortBy) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut saved = match hn_ext::get_record::<SortChoices>(KEY).await {
            Ok(saved) => saved.unwrap_or_default(),
            Err(u) if u.keep => return dom::log(&format!("the list order was not saved: {}", u.why)),
            Err(_) => SortChoices::default(),
        };
        saved.0.insert(list_path(), by);
        if let Err(e) = hn_ext::set_record(KEY, &saved).await {
            dom::log(&format!("the list order was not saved: {e}"));
        }
    });
}

fn added(ctx: &Shared, _: std::ops::Range<usize>, _: std::ops::Range<usize>) -> Result<(), String> {
    let by = CURRENT.with(|c| c.get());
    if by != SortBy::Rank {
        choose(ctx, by);
    }
    Ok(())
}

fn choose(ctx: &Shared, by: SortBy) {
    CURRENT.with(|c| c.set(by));
    dom::report("hnew-sort", by.id());
    for b in dom::all(&ctx.root, ".hnew-sort button") {
        let on = b.get_attribute("data-by").as_deref() == Some(by.id());
        let _ = b.set_attribute("aria-pressed", if on { "true" } else { "false" });
    }
    let index = ctx.index.borrow();
    let s = ctx.site.selectors;
    let keys: Vec<SortKeys> = index
        .stories
        .iter()
        .enumerate()
        .map(|(position, story)| {
            let sub = story.sub.as_ref();
            let text =
                |sel: &str| sub.and_then(|r| r.query_selector(sel).ok().flatten()).and_then(|e| e.text_content());
            SortKeys {
                position,
                points: text(s.score).and_then(|t| parse_points(&t)),
                comments: story.comments_link(ctx.site).map(|(_, n)| n),
                time: sub
                    .and_then(|r| r.query_selector(s.age).ok().flatten())
                    .and_then(|a| a.get_attribute("title"))
                    .and_then(|t| parse_age_title(&t)),
            }
        })
        .collect();
    let Some(first) = index.stories.first() else { return };
    let Some(parent) = first.row.parent_element() else { return };
    // HN's "More" rows stay last.
    let tail = ctx
        .root
        .query_selector(s.more_space)
        .ok()
        .flatten()
        .or_else(|| {
            ctx.root.query_selector(s.more_link).ok().flatten().and_then(|a| a.closest(s.more_holder).ok().flatten())
        })
        .filter(|t| t.parent_element().as_ref() == Some(&parent));
    for i in sort_order(&keys, by) {
        let story = &index.stories[i];
        for r in crate::index::story_parts(&story.row, story.sub.as_ref(), ctx.site) {
            let _ = parent.insert_before(&r, tail.as_ref().map(|t| t.as_ref()));
        }
    }
}
