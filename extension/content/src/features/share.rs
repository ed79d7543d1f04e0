//! Sharing: a "share" control on every story (and on a comment once the
//! reader reaches it) opens a menu of destinations: the share buffer, the
//! composers of Buffer, X, Mastodon, Bluesky, LinkedIn, Reddit, Facebook,
//! email, and copying the links. The menu is built the first time it opens
//! and holds only links and buttons: nothing is fetched, no third-party
//! script or image is ever loaded, and a composer opens only on a click.
//!
//! Keyboard: the control is a button; the menu takes focus, arrows move
//! through it, Escape closes it and gives focus back.

use hn_core::text;
use std::cell::RefCell;

use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use hn_core::share::{self, Destination, ShareTarget};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::Feature;
use crate::{dom, Shared};

/// At load: the controls (a button per story; a comment's when reached).
pub const FEATURE: Feature = Feature { id: "share", applies, init, apply: None, added: Some(added) };

/// On first use: the menu, the context menu's target, the keyboard in it.
pub const MORE: Feature = Feature { id: "share", applies, init: init_menu, apply: None, added: None };

fn applies(ctx: &crate::Shared) -> bool {
    let i = ctx.index.borrow();
    !i.stories.is_empty() || !i.comments.is_empty()
}

thread_local! {
    static MENU: RefCell<Option<Element>> = const { RefCell::new(None) };
    /// The control that opened the menu, for focus on close.
    static OPENER: RefCell<Option<Element>> = const { RefCell::new(None) };
}

thread_local! {
    /// One control per kind, built once and cloned for every item (a clone
    /// is one call into the DOM; building one is ten).
    static TEMPLATES: RefCell<Vec<(String, Element)>> = const { RefCell::new(Vec::new()) };
}

/// A control for item `id`: a `span.hnew-share-wrap` holding the button,
/// carrying the item's id and kind.
fn control(ctx: &Shared, id: u64, kind: &str) -> Option<Element> {
    let template = TEMPLATES.with(|t| t.borrow().iter().find(|(k, _)| k == kind).map(|(_, e)| e.clone()));
    let template = match template {
        Some(t) => t,
        None => {
            let wrap = dom::make(&ctx.document, "span", "hnew-share-wrap", if kind == "story" { " | " } else { "" })?;
            dom::set_data(&wrap, "kind", kind);
            let b = dom::make(&ctx.document, "button", "hnew-share", text::PAGE_SHARE)?;
            let _ = b.set_attribute("type", "button");
            let _ = b.set_attribute("aria-haspopup", "menu");
            let _ = b.set_attribute("aria-expanded", "false");
            let label = if kind == "story" { text::PAGE_SHARE_THIS_STORY } else { text::PAGE_SHARE_THIS_COMMENT };
            let _ = b.set_attribute("aria-label", label);
            wrap.append_child(&b).ok()?;
            TEMPLATES.with(|t| t.borrow_mut().push((kind.to_string(), wrap.clone())));
            wrap
        }
    };
    let wrap: Element = template.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    dom::set_data(&wrap, "id", &id.to_string());
    Some(wrap)
}

fn add_story_controls(ctx: &Shared, range: std::ops::Range<usize>) {
    let index = ctx.index.borrow();
    for story in &index.stories[range] {
        if story.id == 0 {
            continue;
        }
        let Some(sub) = &story.sub else { continue };
        let Ok(Some(cell)) = sub.query_selector(ctx.site.selectors.subtext) else { continue };
        if let Some(c) = control(ctx, story.id, "story") {
            let _ = cell.append_child(&c);
        }
    }
}

fn added(ctx: &Shared, stories: std::ops::Range<usize>, _: std::ops::Range<usize>) -> Result<(), String> {
    add_story_controls(ctx, stories);
    Ok(())
}

fn init(ctx: &Shared) -> Result<(), String> {
    let len = ctx.index.borrow().stories.len();
    add_story_controls(ctx, 0..len);
    // Comments get their control when reached, like the fold control.
    let c = ctx.clone();
    dom::on_reach(&ctx.document, ctx.site.selectors.comment, move |row| comment_control(&c, row));
    Ok(())
}

fn init_menu(ctx: &Shared) -> Result<(), String> {
    dom::listen(&ctx.document.clone().into(), "contextmenu", move |e| {
        let el = e.target().and_then(|t| t.dyn_into::<Element>().ok());
        CONTEXT.with(|c| *c.borrow_mut() = el);
    });
    let c = ctx.clone();
    dom::listen(&ctx.document.clone().into(), "click", move |e| {
        if let Some(button) = dom::closest(e.target(), "button.hnew-share") {
            e.prevent_default();
            toggle(&c, &button);
        } else if dom::closest(e.target(), ".hnew-share-menu").is_none() {
            close(false);
        }
    });
    dom::listen(&ctx.document.clone().into(), "keydown", move |e| {
        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
        if dom::closest(e.target(), ".hnew-share-menu").is_none() {
            return;
        }
        match e.key().as_str() {
            "Escape" => {
                e.prevent_default();
                close(true);
            }
            "ArrowDown" | "ArrowUp" => {
                e.prevent_default();
                move_focus(if e.key() == "ArrowDown" { 1 } else { -1 });
            }
            // The menu is one tab stop (arrows move inside it): Tab leaves
            // it, closed, from its control — to what follows the control
            // (or precedes it, with Shift), not to the top of the page.
            "Tab" => close(true),
            _ => {}
        }
    });
    Ok(())
}

fn comment_control(ctx: &Shared, row: &Element) {
    if row.get_attribute("data-hnew-share").is_some() {
        return;
    }
    let _ = row.set_attribute("data-hnew-share", "");
    let Some(id) = (ctx.site.row_id)(&row.id()) else { return };
    let Ok(Some(head)) = row.query_selector(ctx.site.selectors.comment_head) else { return };
    if let Some(b) = control(ctx, id, "comment") {
        let _ = head.append_child(&b);
    }
}

/// What a control shares, read from the page when the menu opens.
fn target_of(ctx: &Shared, button: &Element) -> Option<ShareTarget> {
    let wrap = button.closest(".hnew-share-wrap").ok().flatten()?;
    let id: u64 = wrap.get_attribute("data-id")?.parse().ok()?;
    if wrap.get_attribute("data-kind").as_deref() == Some("comment") {
        let row = button.closest(ctx.site.selectors.comment).ok().flatten()?;
        return Some(comment_target(ctx, &row, id).0);
    }
    story_target(ctx, id)
}

/// A comment as a share target, and its author.
fn comment_target(ctx: &Shared, row: &Element, id: u64) -> (ShareTarget, String) {
    let s = &ctx.site.selectors;
    let user = row.query_selector(s.user_link).ok().flatten().and_then(|a| a.text_content()).unwrap_or_default();
    // The story: the page's title on a thread, the "on:" link elsewhere.
    let story = row
        .query_selector(s.on_story)
        .ok()
        .flatten()
        .or_else(|| ctx.root.query_selector(s.title_link).ok().flatten())
        .and_then(|a| a.text_content())
        .unwrap_or_default();
    let title = if story.is_empty() { text::page_comment_by(&user) } else { text::page_comment_by_on(&user, &story) };
    (ShareTarget { id, comment: true, title, url: None, site: ctx.site.id.to_string() }, user)
}

fn story_target(ctx: &Shared, id: u64) -> Option<ShareTarget> {
    let s = &ctx.site.selectors;
    let index = ctx.index.borrow();
    let story = index.stories.iter().find(|st| st.id == id)?;
    let url = story
        .row
        .query_selector(s.title_link)
        .ok()
        .flatten()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .map(|a| a.href())
        // A text post's title links to its own discussion: that is no link
        // of its own.
        .filter(|h| {
            (h.starts_with("https://") || h.starts_with("http://"))
                && !h.starts_with(&format!("https://{}/", ctx.site.host))
        });
    Some(ShareTarget { id, comment: false, title: story.title.clone(), url, site: ctx.site.id.to_string() })
}

thread_local! {
    /// Where the reader last opened the browser's context menu.
    static CONTEXT: RefCell<Option<Element>> = const { RefCell::new(None) };
}

/// The item an element belongs to: the comment or story row around it, or
/// the item a link points to.
fn target_around(ctx: &Shared, el: &Element) -> Option<(ShareTarget, Option<String>)> {
    let s = &ctx.site.selectors;
    let row_id = ctx.site.row_id;
    if let Some(row) = el.closest(s.comment).ok().flatten() {
        let id = row_id(&row.id())?;
        let (t, user) = comment_target(ctx, &row, id);
        return Some((t, Some(user)));
    }
    if let Some(row) = el.closest(s.story).ok().flatten() {
        return Some((story_target(ctx, row_id(&row.id())?)?, None));
    }
    // The line under a story belongs to the story row before it.
    if !ctx.site.layout.sub_row {
        return None;
    }
    let sub = el.closest(s.subtext).ok().flatten()?.parent_element()?.previous_element_sibling()?;
    Some((story_target(ctx, row_id(&sub.id())?)?, None))
}

/// The browser's "Add to share buffer" menu item was chosen on this page
/// (`what`: the page, a link, or the selected text).
pub fn from_context(ctx: &Shared, what: &str, selection: Option<String>) {
    let here = CONTEXT.with(|c| c.borrow().clone());
    let chosen: Option<(ShareTarget, Option<String>)> = match what {
        "share-selection" => {
            let sel = web_sys::window().and_then(|w| w.get_selection().ok().flatten());
            let anchor = sel
                .as_ref()
                .and_then(|s| s.anchor_node())
                .and_then(|n| n.clone().dyn_into::<Element>().ok().or_else(|| n.parent_element()))
                .or(here);
            let text = selection
                .or_else(|| sel.and_then(|s| s.to_string().as_string()))
                .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|t| !t.is_empty());
            anchor.and_then(|a| target_around(ctx, &a)).zip(text).map(|((target, user), text)| {
                let limit = share::MAX_TEXT - 80;
                let quote: String = if text.chars().count() > limit {
                    format!("{}…", text.chars().take(limit - 1).collect::<String>().trim_end())
                } else {
                    text
                };
                let text = match user {
                    Some(u) => format!("\u{201c}{quote}\u{201d} \u{2014} {u}"),
                    None => format!("\u{201c}{quote}\u{201d}"),
                };
                (target, Some(text))
            })
        }
        "share-link" => here.and_then(|el| {
            let link = el.closest("a").ok().flatten()?;
            let href = link.get_attribute("href").unwrap_or_default();
            // A link to an item on this page shares that item.
            let linked = hn_core::items::linked_item(&href, ctx.site.host).and_then(|id| story_target(ctx, id));
            linked.map(|t| (t, None)).or_else(|| target_around(ctx, &link).map(|(t, _)| (t, None)))
        }),
        _ => {
            let index = ctx.index.borrow();
            let first_story = index.stories.first().map(|s| s.id);
            let first_comment = index.comments.first().map(|c| (c.row.clone(), c.id));
            drop(index);
            match (ctx.kind, first_story, first_comment) {
                (hn_core::site::PageKind::Item, Some(id), _) => story_target(ctx, id).map(|t| (t, None)),
                (hn_core::site::PageKind::Item, None, Some((row, id))) => Some((comment_target(ctx, &row, id).0, None)),
                _ => None,
            }
        }
    };
    let Some((target, text)) = chosen else {
        toast(ctx, text::PAGE_BUFFER_NOTHING);
        return;
    };
    let ctx = ctx.clone();
    wasm_bindgen_futures::spawn_local(async move {
        toast(&ctx, &queue(target, text).await);
    });
}

/// A short message at the bottom of the window, gone after a few seconds.
fn toast(ctx: &Shared, text: &str) {
    let Some(body) = ctx.document.body() else { return };
    let Some(el) = dom::make(&ctx.document, "div", "hnew-toast", text) else { return };
    let _ = el.set_attribute("role", "status");
    let _ = body.append_child(&el);
    dom::after(4000, move || el.remove());
}

fn toggle(ctx: &Shared, button: &Element) {
    let open_for_this = OPENER.with(|o| o.borrow().as_ref() == Some(button));
    close(false);
    if open_for_this {
        return;
    }
    let Some(target) = target_of(ctx, button) else {
        dom::log("share: item unreadable on this page");
        return;
    };
    let menu = MENU.with(|m| {
        let mut m = m.borrow_mut();
        if m.is_none() {
            *m = build_shell(ctx);
        }
        m.clone()
    });
    let Some(menu) = menu else { return };
    fill(ctx, &menu, &target);
    let _ = button.set_attribute("aria-expanded", "true");
    OPENER.with(|o| *o.borrow_mut() = Some(button.clone()));
    // Place it under the control, in page coordinates.
    let rect = button.get_bounding_client_rect();
    let (sx, sy) = web_sys::window().map_or((0.0, 0.0), |w| (w.scroll_x().unwrap_or(0.0), w.scroll_y().unwrap_or(0.0)));
    if let Some(h) = menu.dyn_ref::<HtmlElement>() {
        let _ = h.style().set_property("left", &format!("{}px", (rect.left() + sx).round() as i32));
        let _ = h.style().set_property("top", &format!("{}px", (rect.bottom() + sy + 2.0).round() as i32));
        h.set_hidden(false);
    }
    move_focus(0);
}

fn build_shell(ctx: &Shared) -> Option<Element> {
    let menu = dom::make(&ctx.document, "div", "hnew-share-menu", "")?;
    ctx.document.body()?.append_child(&menu).ok()?;
    Some(menu)
}

fn item(ctx: &Shared, menu: &Element, tag: &str, label: &str) -> Option<Element> {
    let el = dom::make(&ctx.document, tag, "hnew-share-item", label)?;
    let _ = el.set_attribute("role", "menuitem");
    let _ = el.set_attribute("tabindex", "-1");
    if tag == "button" {
        let _ = el.set_attribute("type", "button");
    }
    menu.append_child(&el).ok()?;
    Some(el)
}

/// Fills the menu for one target: text and links only. The shell holds
/// the menu's items (`role=menu`) and, after them, the line that says
/// what an item did (a menu may hold only items).
fn fill(ctx: &Shared, shell: &Element, target: &ShareTarget) {
    shell.set_text_content(None);
    let Some(menu) = dom::make(&ctx.document, "div", "hnew-share-items", "") else { return };
    let _ = menu.set_attribute("role", "menu");
    let _ = menu.set_attribute("aria-label", text::PAGE_SHARE_MENU);
    if shell.append_child(&menu).is_err() {
        return;
    }
    let menu = &menu;
    let (mastodon, queued) = {
        let share = ctx.share.borrow();
        (share.mastodon.clone(), share.queued.contains(&target.key()))
    };
    let status = dom::make(&ctx.document, "div", "hnew-share-status", "");
    if let Some(b) = item(ctx, menu, "button", if queued { text::PAGE_QUEUED_LATER } else { text::PAGE_QUEUE_LATER }) {
        let (c, t, status) = (ctx.clone(), target.clone(), status.clone());
        dom::set_data(&b, "action", "buffer");
        dom::listen(&b.clone().into(), "click", move |_| add_to_buffer(&c, &t, status.clone()));
    }
    let text = target.default_text();
    for dest in Destination::ALL {
        let label = dest.label();
        match share::composer_url(dest, target, &text, mastodon.as_deref()) {
            Ok(url) => {
                if let Some(a) = item(ctx, menu, "a", label) {
                    let _ = a.set_attribute("href", &url);
                    let _ = a.set_attribute("target", "_blank");
                    let _ = a.set_attribute("rel", "noopener noreferrer");
                    dom::set_data(&a, "destination", dest.id());
                    dom::listen(&a.into(), "click", |_| close(false));
                }
            }
            Err(_) => {
                // Mastodon without an instance: ask once, remember it.
                if let Some(b) = item(ctx, menu, "button", &format!("{label}…")) {
                    dom::set_data(&b, "destination", "mastodon");
                    let (c, t, text) = (ctx.clone(), target.clone(), text.clone());
                    dom::listen(&b.into(), "click", move |_| ask_instance(&c, &t, &text));
                }
            }
        }
    }
    let mut copies = vec![(text::PAGE_COPY_DISCUSSION, target.discussion())];
    if let Some(url) = &target.url {
        copies.push((text::PAGE_COPY_STORY, url.clone()));
    }
    for (label, link) in copies {
        if let Some(b) = item(ctx, menu, "button", label) {
            dom::set_data(&b, "action", "copy");
            let status = status.clone();
            dom::listen(&b.into(), "click", move |_| copy(&link, status.clone()));
        }
    }
    if let Some(s) = status {
        let _ = s.set_attribute("role", "status");
        let _ = shell.append_child(&s);
    }
}

fn say(status: &Option<Element>, text: &str) {
    if let Some(s) = status {
        s.set_text_content(Some(text));
    }
}

fn add_to_buffer(_ctx: &Shared, target: &ShareTarget, status: Option<Element>) {
    let target = target.clone();
    wasm_bindgen_futures::spawn_local(async move {
        say(&status, &queue(target, None).await);
    });
}

/// Queues `target` in the share buffer; what the reader is told.
async fn queue(target: ShareTarget, text: Option<String>) -> String {
    match crate::ask(Request::AddToBuffer { target, text }).await {
        Ok(Response::Queued { .. }) => text::PAGE_BUFFER_ADDED.to_string(),
        Ok(Response::Error { message }) => text::page_buffer_not_added(message),
        Ok(_) => text::page_buffer_not_added(text::PAGE_UNEXPECTED_ANSWER),
        Err(e) => text::page_buffer_not_added(e),
    }
}

fn copy(link: &str, status: Option<Element>) {
    let Some(w) = web_sys::window() else { return };
    let promise = w.navigator().clipboard().write_text(link);
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => say(&status, text::PAGE_COPIED),
            Err(e) => say(&status, &text::page_not_copied(hn_ext::describe(&e))),
        }
    });
}

fn ask_instance(ctx: &Shared, target: &ShareTarget, text: &str) {
    let question = crate::dialog::Question {
        title: text::PAGE_MASTODON_TITLE,
        label: text::PAGE_MASTODON_LABEL,
        value: "",
        hint: text::PAGE_MASTODON_HINT,
        answer: text::PAGE_SHARE_MENU,
    };
    let (target, text) = (target.clone(), text.to_string());
    // The share control has focus again when the question closes.
    close(true);
    let ctx = ctx.clone();
    let document = ctx.document.clone();
    crate::dialog::ask(&document, question, move |input| {
        let instance = share::mastodon_instance(input).ok_or_else(|| text::page_mastodon_invalid(input.trim()))?;
        if let (Ok(url), Some(w)) =
            (share::composer_url(Destination::Mastodon, &target, &text, Some(&instance)), web_sys::window())
        {
            let _ = w.open_with_url_and_target_and_features(&url, "_blank", "noopener,noreferrer");
        }
        // This page's menus use it at once, before the worker's word that
        // the state changed arrives.
        ctx.share.borrow_mut().mastodon = Some(instance.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = crate::ask(Request::SetMastodonInstance { instance }).await {
                dom::log(&format!("the Mastodon instance was not saved: {e}"));
            }
        });
        Ok(())
    });
}

fn items() -> Vec<HtmlElement> {
    MENU.with(|m| {
        m.borrow()
            .as_ref()
            .map(|menu| dom::all(menu, ".hnew-share-item").into_iter().filter_map(|e| e.dyn_into().ok()).collect())
            .unwrap_or_default()
    })
}

fn move_focus(step: i32) {
    let items = items();
    if items.is_empty() {
        return;
    }
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let current = items.iter().position(|i| Some(i.unchecked_ref::<Element>()) == active.as_ref());
    let next = match (current, step) {
        (None, _) | (_, 0) => 0,
        (Some(i), s) => (i as i32 + s).rem_euclid(items.len() as i32) as usize,
    };
    let _ = items[next].focus();
}

fn close(refocus: bool) {
    let Some(menu) = MENU.with(|m| m.borrow().clone()) else { return };
    if let Some(h) = menu.dyn_ref::<HtmlElement>() {
        h.set_hidden(true);
    }
    if let Some(opener) = OPENER.with(|o| o.borrow_mut().take()) {
        let _ = opener.set_attribute("aria-expanded", "false");
        if refocus {
            if let Some(h) = opener.dyn_ref::<HtmlElement>() {
                let _ = h.focus();
            }
        }
    }
}
