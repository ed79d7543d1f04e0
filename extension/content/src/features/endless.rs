//! Endless scroll: on lists and on threads split by HN's "More" link, the
//! next page is asked of the background when the reader scrolls towards the
//! end (a scroll down, the wheel, a scrolling key or a swipe: never the
//! page's first layout, so opening a page and leaving costs HN one request)
//! and about a screen and a half remains, and its rows are appended in
//! place — ranks continuing, items
//! already shown skipped — then every feature covers them. When HN does not
//! serve the page the line under the list says so, retries with a growing
//! delay (2 s doubling to 64 s, one request at a time) and offers "Retry
//! now". The address follows the reader (`?p=N`), and the footer with the
//! search box slides up when the pointer nears the bottom of the window.

use hn_core::text;
use std::cell::RefCell;
use std::collections::HashSet;

use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use hn_core::page::{backoff_ms, parse_rank, resolve_link};
use hn_core::site::PageKind;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::Feature;
use crate::{dom, Shared};

/// At load: the status line, the footer, the watch for the first scroll.
pub const FEATURE: Feature = Feature { id: "endless", applies, init: init_watch, apply: None, added: None };

/// From the first scroll towards the end on: fetching and appending.
pub const MORE: Feature = Feature { id: "endless", applies, init, apply: None, added: None };

fn applies(ctx: &Shared) -> bool {
    if !matches!(ctx.kind, PageKind::StoryList | PageKind::CommentList | PageKind::Item) {
        return false;
    }
    let Some(more) = ctx.root.query_selector(ctx.site.selectors.more_link).ok().flatten() else { return false };
    // Markup it does not know (a More link outside a row or block): off,
    // quietly.
    let in_row = container(ctx, &more).is_some();
    if !in_row && !cfg!(feature = "more") {
        dom::log("endless scroll off: the More link is not in a row");
    }
    in_row
}

#[wasm_bindgen]
extern "C" {
    /// The start-up module reads the rows just appended (and its features
    /// cover them), then tells this module to.
    #[wasm_bindgen(catch, js_name = hnewStartRows)]
    fn start_rows() -> Result<(), JsValue>;
}

thread_local! {
    /// The start-up module's watch: the reader scrolled; handed over.
    static WATCH: RefCell<(bool, bool)> = const { RefCell::new((false, false)) };
}

/// The report that the reader has scrolled towards the end (read by the
/// second module when it starts).
const SCROLLED: &str = "hnew-scrolled";

fn init_watch(ctx: &Shared) -> Result<(), String> {
    let more = ctx.root.query_selector(ctx.site.selectors.more_link).ok().flatten().ok_or("no More link")?;
    let anchor = container(ctx, &more).ok_or("the More link is not in a row")?;
    let status = make_status(ctx, &anchor)?;
    dom::toggle_class(&anchor, "hnew-more-row", true);
    dom::toggle_class(&ctx.root, "hnew-endless", true);
    let watched = status.clone();
    on_scroll_down(ctx, move || {
        WATCH.with(|x| x.borrow_mut().0 = true);
        if within_reach(&watched, AHEAD) {
            hand_over();
        }
    });
    observe(&status, move || {
        if WATCH.with(|x| x.borrow().0) {
            hand_over();
        }
    })?;
    footer_peek(ctx);
    set_state("idle", 0);
    Ok(())
}

/// The reader scrolled towards the end: the second module fetches.
fn hand_over() {
    if WATCH.with(|x| std::mem::replace(&mut x.borrow_mut().1, true)) {
        return;
    }
    dom::report(SCROLLED, "yes");
    crate::wake::message(&JsValue::from_str(&hn_core::message::Push::Endless.text()));
}

/// Calls `f` when the reader scrolls down or tries to: the window scrolled
/// down, the wheel, a scrolling key, a swipe. (A window tall enough for
/// the whole list cannot scroll; the wheel or a key says the same.)
fn on_scroll_down(ctx: &Shared, f: impl Fn() + 'static) {
    let Some(w) = web_sys::window() else { return };
    let f = std::rc::Rc::new(f);
    // From the top: reading the scroll position now would lay the page
    // out in the middle of the features' changes (a second layout of the
    // whole page); a page restored scrolled down counts as scrolled.
    let last_y = std::rc::Rc::new(std::cell::Cell::new(0.0));
    let g = f.clone();
    dom::listen(&w.into(), "scroll", move |_| {
        let y = web_sys::window().and_then(|w| w.scroll_y().ok()).unwrap_or(0.0);
        if y > last_y.replace(y) {
            g();
        }
    });
    let g = f.clone();
    dom::listen(&ctx.document.clone().into(), "wheel", move |e| {
        if e.dyn_ref::<web_sys::WheelEvent>().is_some_and(|w| w.delta_y() > 0.0) {
            g();
        }
    });
    let g = f.clone();
    dom::listen(&ctx.document.clone().into(), "keydown", move |e| {
        let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
        if !dom::typing(e.target()) && matches!(k.key().as_str(), "PageDown" | "End" | "ArrowDown" | " ") {
            g();
        }
    });
    dom::listen(&ctx.document.clone().into(), "touchmove", move |_| f());
}

/// Start loading when this much of the window height remains below.
const AHEAD: f64 = 1.5;

#[derive(Default)]
struct Scroll {
    /// The site path of the next page, `None` at the end.
    next: Option<String>,
    loading: bool,
    attempt: u32,
    pages: u32,
    timer: Option<i32>,
    seen: HashSet<u64>,
    /// Pages asked for already: a "More" link pointing back is the end.
    visited: HashSet<String>,
    last_rank: u32,
    /// When the current load started (ms, page clock).
    started: f64,
    /// HN's own "More" row: new rows go before it.
    anchor: Option<Element>,
    status: Option<Element>,
    /// The end is within reach after an append: the next page is asked for
    /// once the reader scrolls (never several pages without them).
    wait_scroll: bool,
    /// The reader has scrolled down (or tried to) since the page loaded.
    scrolled: bool,
    /// Each page shown: its first row and its address, in page order. The
    /// address is that of the page at the top of the window, so a reload
    /// shows what the reader was reading (the top stories after scrolling
    /// back up, not the last page loaded).
    marks: Vec<(Element, String)>,
    /// The address now in the location bar (an index into `marks`).
    shown: usize,
}

thread_local! {
    static SCROLL: RefCell<Scroll> = RefCell::new(Scroll::default());
}

/// The row (HN's tables) or block holding the More link: the status line
/// goes before it, and it is hidden.
fn container(ctx: &Shared, more: &Element) -> Option<Element> {
    more.closest(ctx.site.selectors.more_holder).ok().flatten()
}

fn init(ctx: &Shared) -> Result<(), String> {
    let more = ctx.root.query_selector(ctx.site.selectors.more_link).ok().flatten().ok_or("no More link")?;
    let anchor = container(ctx, &more).ok_or("the More link is not in a row")?;
    let status = ctx.root.query_selector(".hnew-more-status").ok().flatten().ok_or("no status line")?;
    let current = current_path();
    let next = more.get_attribute("href").and_then(|h| resolve_link(&current, &h));
    {
        let index = ctx.index.borrow();
        SCROLL.with(|s| {
            let mut s = s.borrow_mut();
            s.seen = index.stories.iter().map(|x| x.id).chain(index.comments.iter().map(|x| x.id)).collect();
            s.last_rank = index.stories.iter().filter_map(|x| x.rank).max().unwrap_or(0);
            s.next = next;
            s.anchor = Some(anchor.clone());
            s.status = Some(status.clone());
            s.scrolled = dom::reported(SCROLLED).is_some();
            let first =
                index.stories.first().map(|x| x.row.clone()).or_else(|| index.comments.first().map(|x| x.row.clone()));
            s.marks = first.map(|row| (row, current.clone())).into_iter().collect();
        });
    }
    if let Some(w) = web_sys::window() {
        dom::listen(&w.into(), "scroll", |_| follow_address());
    }
    let c = ctx.clone();
    observe(&status, move || {
        // The first report comes with the page's first layout: only a
        // reader who has scrolled is asking for more.
        if SCROLL.with(|s| s.borrow().scrolled) {
            load(c.clone());
        }
    })?;
    let c = ctx.clone();
    on_scroll_down(ctx, move || reader_scrolled(&c));
    let c = ctx.clone();
    dom::listen(&ctx.document.clone().into(), "click", move |e| {
        if dom::closest(e.target(), ".hnew-more-retry").is_none() {
            return;
        }
        SCROLL.with(|s| {
            let mut s = s.borrow_mut();
            dom::cancel(s.timer.take());
            s.loading = false;
        });
        load(c.clone());
    });
    Ok(())
}

/// The start-up module saw the reader scroll towards the end.
pub fn go(ctx: &Shared) {
    SCROLL.with(|s| s.borrow_mut().scrolled = true);
    load(ctx.clone());
}

/// Puts the address of the page at the top of the window in the location
/// bar (the last page whose first row is at or above a third of the
/// window), when it changed.
fn follow_address() {
    let Some(w) = web_sys::window() else { return };
    let line = window_height() / 3.0;
    let (now, path) = SCROLL.with(|s| {
        let s = s.borrow();
        let now = s.marks.iter().rposition(|(row, _)| row.get_bounding_client_rect().top() <= line).unwrap_or(0);
        (now, (now != s.shown).then(|| s.marks.get(now).map(|m| m.1.clone())).flatten())
    });
    let Some(path) = path else { return };
    SCROLL.with(|s| s.borrow_mut().shown = now);
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
    }
}

fn current_path() -> String {
    let Some(w) = web_sys::window() else { return "/".into() };
    let l = w.location();
    format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default())
}

/// The line under the list saying what endless scroll is doing, with its
/// Retry button (handled by the second module).
fn make_status(ctx: &Shared, anchor: &Element) -> Result<Element, String> {
    let doc = &ctx.document;
    // A table row beside table rows, a block beside a block.
    let table = anchor.tag_name().eq_ignore_ascii_case("tr");
    let (outer, inner) = if table { ("tr", "td") } else { ("div", "span") };
    let row = dom::make(doc, outer, "hnew-more-status", "").ok_or("cannot build the status row")?;
    let cell = dom::make(doc, inner, "", "").ok_or("cannot build the status row")?;
    if table {
        // As wide as the row it follows.
        let cells = anchor.children();
        let columns: u32 = (0..cells.length())
            .filter_map(|i| cells.item(i))
            .map(|c| c.get_attribute("colspan").and_then(|n| n.parse().ok()).unwrap_or(1))
            .sum();
        let _ = cell.set_attribute("colspan", &columns.max(1).to_string());
    }
    let text = dom::make(doc, "span", "hnew-more-text", "").ok_or("cannot build the status row")?;
    let _ = text.set_attribute("role", "status");
    let _ = text.set_attribute("aria-live", "polite");
    let retry =
        dom::make(doc, "button", "hnew-more-retry", text::PAGE_RETRY_NOW).ok_or("cannot build the status row")?;
    let _ = retry.set_attribute("type", "button");
    let _ = retry.set_attribute("hidden", "");
    let _ = cell.append_child(&text);
    let _ = cell.append_child(&retry);
    let _ = row.append_child(&cell);
    let _ = anchor.before_with_node_1(&row);
    Ok(row)
}

fn say(text: &str, retry: bool) {
    SCROLL.with(|s| {
        let s = s.borrow();
        let Some(row) = &s.status else { return };
        if let Ok(Some(t)) = row.query_selector(".hnew-more-text") {
            t.set_text_content(Some(text));
        }
        if let Ok(Some(b)) = row.query_selector(".hnew-more-retry") {
            if retry {
                let _ = b.remove_attribute("hidden");
            } else {
                let _ = b.set_attribute("hidden", "");
            }
        }
    });
}

fn set_state(state: &str, pages: u32) {
    dom::report("hnew-scroll", state);
    dom::report("hnew-pages", &pages.to_string());
}

fn set_scroll_state(state: &str) {
    set_state(state, SCROLL.with(|s| s.borrow().pages));
}

/// The reader scrolled down: the first time, the next page comes if the end
/// is within reach; after an append that left the end within reach, the
/// page after it.
fn reader_scrolled(ctx: &Shared) {
    let (first, waiting) = SCROLL.with(|s| {
        let mut s = s.borrow_mut();
        (!std::mem::replace(&mut s.scrolled, true), s.wait_scroll)
    });
    if (first || waiting) && near_end(AHEAD) {
        SCROLL.with(|s| s.borrow_mut().wait_scroll = false);
        load(ctx.clone());
    }
}

fn observe(watched: &Element, f: impl Fn() + 'static) -> Result<(), String> {
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        // The first observation comes with the page's first layout: what
        // would set off a fetch at load has happened (tests wait for it).
        dom::report_first("hnew-scroll-observed", "yes");
        let hit = entries
            .iter()
            .any(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().is_ok_and(|e| e.is_intersecting()));
        if hit {
            f();
        }
    });
    let options = web_sys::IntersectionObserverInit::new();
    options.set_root_margin(&format!("0px 0px {}% 0px", (AHEAD * 100.0) as u32));
    let observer = web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options)
        .map_err(|_| "no IntersectionObserver")?;
    observer.observe(watched);
    callback.forget();
    Ok(())
}

/// Whether the end of the list is within the window, or `ahead` window
/// heights below it.
fn near_end(ahead: f64) -> bool {
    let status = SCROLL.with(|s| s.borrow().status.clone());
    status.is_some_and(|status| within_reach(&status, ahead))
}

/// Whether `status` (the line under the list) is within the window, or
/// `ahead` window heights below it.
fn within_reach(status: &Element, ahead: f64) -> bool {
    status.get_bounding_client_rect().top() < window_height() * (1.0 + ahead)
}

fn window_height() -> f64 {
    web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(800.0)
}

fn load(ctx: Shared) {
    let path = SCROLL.with(|s| {
        let mut s = s.borrow_mut();
        if s.loading || s.timer.is_some() {
            return None;
        }
        let next = s.next.clone()?;
        if !s.visited.insert(next.clone()) {
            s.next = None;
            return None;
        }
        s.loading = true;
        s.started = now_ms();
        Some(next)
    });
    let Some(path) = path else { return };
    say(text::PAGE_LOADING_MORE, false);
    set_scroll_state("loading");
    wasm_bindgen_futures::spawn_local(async move {
        let answer = crate::ask(Request::FetchPage { site: ctx.site.id.to_string(), path: path.clone() }).await;
        match answer {
            Ok(Response::Page { html }) => {
                if let Err(e) = append(&ctx, &path, &html) {
                    dom::log(&format!("endless scroll stopped: {e}"));
                    finish(text::PAGE_NEXT_UNREADABLE, "end");
                }
            }
            Ok(Response::Unserved { reason: hn_core::page::Unserved::Missing, .. }) => {
                finish(text::PAGE_ALL_LOADED, "end")
            }
            Ok(Response::Unserved { message, .. }) => retry_later(ctx, &message),
            Ok(Response::Error { message }) | Err(message) => retry_later(ctx, &message),
            Ok(_) => retry_later(ctx, text::PAGE_UNEXPECTED_ANSWER),
        }
    });
}

fn retry_later(ctx: Shared, why: &str) {
    let delay = SCROLL.with(|s| {
        let mut s = s.borrow_mut();
        s.loading = false;
        if let Some(next) = s.next.clone() {
            s.visited.remove(&next);
        }
        let d = backoff_ms(s.attempt);
        s.attempt += 1;
        d
    });
    say(&text::page_retrying(why, delay / 1000), true);
    set_scroll_state("retrying");
    let ctx2 = ctx.clone();
    let timer = dom::after(delay as i32, move || {
        SCROLL.with(|s| s.borrow_mut().timer = None);
        load(ctx2);
    });
    SCROLL.with(|s| s.borrow_mut().timer = timer);
}

fn finish(text: &str, state: &str) {
    SCROLL.with(|s| {
        let mut s = s.borrow_mut();
        s.loading = false;
        s.next = None;
    });
    say(text, false);
    set_scroll_state(state);
}

fn append(ctx: &Shared, path: &str, html: &str) -> Result<(), String> {
    let parser = web_sys::DomParser::new().map_err(|_| "no DOMParser")?;
    // An inert document: its scripts never run, its images never load.
    let parsed: Document =
        parser.parse_from_string(html, web_sys::SupportedType::TextHtml).map_err(|_| "the page did not parse")?;
    let page = parsed.document_element().ok_or("empty page")?;
    let s = &ctx.site.selectors;
    let anchor = SCROLL.with(|x| x.borrow().anchor.clone()).ok_or("no anchor")?;
    let mut added = 0;
    let mut first: Option<Element> = None;
    // Stories go before the More row when it is inside the list (HN's
    // table), else at the end of the list (a list followed by a link).
    let list = ctx.root.query_selector(s.story_list).ok().flatten().filter(|l| !l.contains(Some(&anchor)));
    for row in dom::all(&page, s.story) {
        let id = (ctx.site.row_id)(&row.id()).unwrap_or(0);
        let sub = crate::index::row_below(&row, ctx.site);
        if !SCROLL.with(|x| x.borrow_mut().seen.insert(id)) {
            continue;
        }
        renumber(&row, s.rank);
        first.get_or_insert_with(|| row.clone());
        for part in crate::index::story_parts(&row, sub.as_ref(), ctx.site) {
            let _ = match &list {
                Some(l) => l.append_child(&part).map(|_| ()),
                None => anchor.before_with_node_1(&part),
            };
        }
        added += 1;
    }
    for row in dom::all(&page, s.comment) {
        let id = (ctx.site.row_id)(&row.id()).unwrap_or(0);
        if !SCROLL.with(|x| x.borrow_mut().seen.insert(id)) {
            continue;
        }
        first.get_or_insert_with(|| row.clone());
        let _ = anchor.before_with_node_1(&row);
        added += 1;
    }
    let next = page
        .query_selector(s.more_link)
        .ok()
        .flatten()
        .and_then(|a| a.get_attribute("href"))
        .and_then(|h| resolve_link(path, &h));
    SCROLL.with(|x| {
        let mut x = x.borrow_mut();
        x.loading = false;
        x.attempt = 0;
        x.pages += 1;
        x.next = next.clone();
    });
    // The address follows the reader (the page at the top of the window),
    // so Back and reload come back to what they were reading.
    if let Some(row) = first {
        SCROLL.with(|x| x.borrow_mut().marks.push((row, path.to_string())));
    }
    follow_address();
    // For the benchmark: from the trigger to the page appended and enhanced.
    let started = SCROLL.with(|x| x.borrow().started);
    // The start-up module reads the new rows and its features cover them,
    // then this module's (through `rows_added`), before this goes on.
    if let Err(e) = start_rows() {
        dom::log(&format!("appended rows not read: {}", hn_ext::describe(&e)));
    }
    let (stories, comments) = {
        let i = ctx.index.borrow();
        (i.stories.len(), i.comments.len())
    };
    dom::report("hnew-stories", &stories.to_string());
    dom::report("hnew-comments", &comments.to_string());
    dom::report("hnew-append-ms", &format!("{}", (now_ms() - started) as u32));
    if next.is_none() {
        finish(text::PAGE_ALL_LOADED, "end");
        if let Some(a) = SCROLL.with(|x| x.borrow().anchor.clone()) {
            dom::toggle_class(&a, "hnew-hidden", true);
        }
        return Ok(());
    }
    say(&text::page_more_loaded(added), false);
    set_scroll_state("idle");
    // The end still in sight (filters hid most of the page): go on at once.
    // Only within reach: the next page waits for the reader to scroll, so a
    // tall window does not fetch page after page unasked.
    if near_end(0.0) {
        load(ctx.clone());
    } else if near_end(AHEAD) {
        SCROLL.with(|s| s.borrow_mut().wait_scroll = true);
    }
    Ok(())
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Ranks continue from the page above, whatever the fetched page says.
fn renumber(row: &Element, rank_selector: &str) {
    let Ok(Some(rank)) = row.query_selector(rank_selector) else { return };
    if rank.text_content().and_then(|t| parse_rank(&t)).is_none() {
        return;
    }
    let n = SCROLL.with(|s| {
        let mut s = s.borrow_mut();
        s.last_rank += 1;
        s.last_rank
    });
    rank.set_text_content(Some(&format!("{n}.")));
}

/// The footer (links and search) stays reachable while the list grows
/// under it: it is held below the window and shows at the end of what is
/// loaded — over a space of its own height kept after the list, so it
/// never covers a row — or when it has keyboard focus. It does not move at
/// load (its slide is switched on once the end was first seen or not).
fn footer_peek(ctx: &Shared) {
    let s = &ctx.site.selectors;
    let Ok(Some(form)) = ctx.root.query_selector(s.search_form) else { return };
    let footer = form.closest(s.footer).ok().flatten().unwrap_or(form);
    let Some(room) = dom::make(&ctx.document, "div", "hnew-footer-room", "") else { return };
    let _ = room.set_attribute("aria-hidden", "true");
    let _ = footer.before_with_node_1(&room);
    dom::toggle_class(&footer, "hnew-footer", true);
    let root = ctx.root.clone();
    let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let Some(e) = entries.iter().last().and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
        else {
            return;
        };
        dom::toggle_class(&root, "hnew-footer-peek", e.intersection_ratio() >= 0.9);
        // The first answer (at load) is shown as it is; later ones slide.
        if !root.class_list().contains("hnew-footer-live") {
            let root = root.clone();
            dom::after(300, move || dom::toggle_class(&root, "hnew-footer-live", true));
        }
    });
    let options = web_sys::IntersectionObserverInit::new();
    options.set_threshold(&JsValue::from_f64(0.9));
    if let Ok(observer) = web_sys::IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), &options) {
        observer.observe(&room);
    }
    callback.forget();
}
