//! A newly installed extension says, once, what it adds: one line above
//! the list or thread ("hover a name for its card · ? for keys · share
//! under each story · the toolbar button holds Following, Filters and the
//! share buffer") with *Got it*, shown on HN pages until the reader
//! dismisses it. The flag is the background's (set on install, kept on
//! this device) and comes with the page state.

use hn_core::text;
use std::cell::Cell;

use hn_core::message::LoadRequest;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature { id: "welcome", applies, init: |_| Ok(()), apply: Some(apply), added: None };

thread_local! {
    static WANTED: Cell<bool> = const { Cell::new(false) };
}

/// Set from each page state, before the features apply it.
pub fn wanted(on: bool) {
    WANTED.with(|w| w.set(on));
}

fn applies(ctx: &Shared) -> bool {
    hn_core::site::is_hn(ctx.site.id) && (ctx.kind.has_stories() || ctx.kind.has_comments())
}

const WORDS: [&str; 4] =
    [text::PAGE_WELCOME_CARD, text::PAGE_WELCOME_KEYS, text::PAGE_WELCOME_SHARE, text::PAGE_WELCOME_TOOLBAR];

fn apply(ctx: &Shared) -> Result<(), String> {
    let shown = ctx.root.query_selector(".hnew-welcome").ok().flatten();
    match (WANTED.with(Cell::get), shown) {
        (true, None) => show(ctx),
        (false, Some(line)) => line.remove(),
        _ => {}
    }
    Ok(())
}

fn show(ctx: &Shared) {
    let s = ctx.site.selectors;
    let Some(place) = ctx.root.query_selector(&format!("{}, {}", s.story_list, s.comment_tree)).ok().flatten() else {
        return;
    };
    let doc = &ctx.document;
    let (Some(line), Some(lead), Some(button)) = (
        dom::make(doc, "div", "hnew-welcome", ""),
        dom::make(doc, "b", "", text::PAGE_WELCOME_LEAD),
        dom::make(doc, "button", "hnew-welcome-ok", text::PAGE_WELCOME_OK),
    ) else {
        return;
    };
    let _ = line.set_attribute("role", "note");
    let _ = button.set_attribute("type", "button");
    let _ = line.append_child(&lead);
    let _ = line.append_with_str_1(&format!("{}. ", WORDS.join(" · ")));
    let _ = line.append_child(&button);
    let _ = place.before_with_node_1(&line);
    let gone = line.clone();
    dom::listen(&button.into(), "click", move |_| {
        gone.remove();
        wanted(false);
        wasm_bindgen_futures::spawn_local(async {
            if let Err(e) = crate::tell(LoadRequest::Welcomed).await {
                dom::log(&format!("welcome dismissal not saved: {e}"));
            }
        });
    });
}
