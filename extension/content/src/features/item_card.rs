//! Hover cards for links to other HN items inside comments: after a moment
//! on the link (or focus), a card shows the story's title, points, author,
//! age and comment count, or a comment's author, age and first words, from
//! HN's API through the background (cached there). Text only.

use hn_core::text;
use std::cell::{Cell, RefCell};

use hn_core::items::{linked_item, ItemCard};
use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use web_sys::Element;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature {
    id: "item-card",
    applies: |ctx| {
        ctx.site.capabilities.items_api && ctx.kind.has_comments() && !ctx.index.borrow().comments.is_empty()
    },
    init,
    apply: None,
    added: None,
};

const SHOW_DELAY_MS: i32 = 350;
const HIDE_DELAY_MS: i32 = 300;

thread_local! {
    static CARD: RefCell<Option<Element>> = const { RefCell::new(None) };
    static SHOWN: Cell<u64> = const { Cell::new(0) };
    static SHOW_TIMER: Cell<Option<i32>> = const { Cell::new(None) };
    static HIDE_TIMER: Cell<Option<i32>> = const { Cell::new(None) };
}

/// The item a link inside a comment's text points to.
fn item_link(ctx: &Shared, target: Option<web_sys::EventTarget>) -> Option<(Element, u64)> {
    let link = dom::closest(target, "a[href]")?;
    link.closest(ctx.site.selectors.comment_text).ok().flatten()?;
    let id = linked_item(&link.get_attribute("href")?, ctx.site.host)?;
    Some((link, id))
}

fn init(ctx: &Shared) -> Result<(), String> {
    let doc: web_sys::EventTarget = ctx.document.clone().into();
    let c = ctx.clone();
    dom::listen(&doc, "mouseover", move |e| {
        if let Some((link, id)) = item_link(&c, e.target()) {
            dom::cancel(HIDE_TIMER.with(|t| t.take()));
            dom::cancel(SHOW_TIMER.with(|t| t.take()));
            let c = c.clone();
            let timer = dom::after(SHOW_DELAY_MS, move || show(&c, &link, id));
            SHOW_TIMER.with(|t| t.set(timer));
        } else if dom::closest(e.target(), ".hnew-item-card").is_some() {
            dom::cancel(HIDE_TIMER.with(|t| t.take()));
        }
    });
    let c = ctx.clone();
    dom::listen(&doc, "mouseout", move |e| {
        if item_link(&c, e.target()).is_some() || dom::closest(e.target(), ".hnew-item-card").is_some() {
            dom::cancel(SHOW_TIMER.with(|t| t.take()));
            let timer = dom::after(HIDE_DELAY_MS, hide);
            HIDE_TIMER.with(|t| t.set(timer));
        }
    });
    let c = ctx.clone();
    dom::listen(&doc, "focusin", move |e| match item_link(&c, e.target()) {
        Some((link, id)) => show(&c, &link, id),
        None => hide(),
    });
    dom::listen(&doc, "keydown", move |e| {
        if let Some(k) = wasm_bindgen::JsCast::dyn_ref::<web_sys::KeyboardEvent>(&e) {
            if k.key() == "Escape" {
                hide();
            }
        }
    });
    Ok(())
}

fn hide() {
    if let Some(card) = CARD.with(|c| c.borrow().clone()) {
        let _ = card.set_attribute("hidden", "");
    }
    SHOWN.with(|s| s.set(0));
}

fn ago(secs: i64) -> String {
    let s = ((js_sys::Date::now() / 1000.0) as i64 - secs).max(0);
    let (n, one, many): (i64, &str, fn(i64) -> String) = match s {
        0..=3599 => (s / 60, text::PAGE_MINUTE_AGO, text::page_minutes_ago),
        3600..=86_399 => (s / 3600, text::PAGE_HOUR_AGO, text::page_hours_ago),
        86_400..=2_591_999 => (s / 86_400, text::PAGE_DAY_AGO, text::page_days_ago),
        _ => (s / 2_592_000, text::PAGE_MONTH_AGO, text::page_months_ago),
    };
    if n == 1 {
        one.to_string()
    } else {
        many(n)
    }
}

fn show(ctx: &Shared, link: &Element, id: u64) {
    if SHOWN.with(|s| s.get()) == id {
        return;
    }
    SHOWN.with(|s| s.set(id));
    let card = match CARD.with(|c| c.borrow().clone()) {
        Some(c) => c,
        None => {
            let Some(c) = dom::make(&ctx.document, "span", "hnew-card hnew-item-card", "") else { return };
            let _ = c.set_attribute("role", "tooltip");
            CARD.with(|slot| *slot.borrow_mut() = Some(c.clone()));
            c
        }
    };
    card.set_text_content(Some(text::PAGE_LOADING));
    dom::set_data(&card, "id", &id.to_string());
    let _ = link.after_with_node_1(&card);
    let _ = card.remove_attribute("hidden");
    let doc = ctx.document.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = crate::ask(Request::GetItem { id }).await;
        // The reader moved on meanwhile.
        if SHOWN.with(|s| s.get()) != id {
            return;
        }
        card.set_text_content(None);
        match answer {
            Ok(Response::Item { item }) => fill(&doc, &card, &item),
            Ok(Response::Error { message }) => card.set_text_content(Some(&text::page_not_available_why(message))),
            Ok(_) => card.set_text_content(Some(text::PAGE_NOT_AVAILABLE)),
            Err(e) => card.set_text_content(Some(&text::page_not_available_why(e))),
        }
    });
}

fn fill(doc: &web_sys::Document, card: &Element, item: &ItemCard) {
    if item.gone {
        card.set_text_content(Some(text::PAGE_ITEM_GONE));
        return;
    }
    let head = if item.title.is_empty() {
        text::page_comment_by(item.by.as_deref().unwrap_or("?"))
    } else {
        item.title.clone()
    };
    if let Some(h) = dom::make(doc, "strong", "hnew-card-name", &head) {
        let _ = card.append_child(&h);
    }
    let mut facts = Vec::new();
    if let Some(p) = item.score {
        facts.push(if p == 1 { text::PAGE_ONE_POINT.to_string() } else { text::page_points(p) });
    }
    if let (Some(by), false) = (&item.by, item.title.is_empty()) {
        facts.push(text::page_by_user(by));
    }
    facts.push(ago(item.time));
    if let Some(n) = item.comments {
        facts.push(if n == 1 { text::PAGE_ONE_COMMENT.to_string() } else { text::page_comments(n) });
    }
    if let Some(f) = dom::make(doc, "span", "hnew-card-facts", &facts.join(" · ")) {
        let _ = card.append_child(&f);
    }
    if !item.summary.is_empty() {
        if let Some(b) = dom::make(doc, "span", "hnew-card-about", &item.summary) {
            let _ = card.append_child(&b);
        }
    }
}
