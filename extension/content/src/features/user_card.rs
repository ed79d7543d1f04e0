//! The user card: hovering, or focus resting, on any username (for a moment) shows
//! karma, account age, submissions and the about text (through the one
//! allowlist sanitizer, built node by node: never as HTML), with a Follow /
//! Unfollow button. Escape or leaving closes it. One card element serves the
//! whole page, moved next to the name so Tab reaches its button.

use hn_core::text;
use std::cell::{Cell, RefCell};

use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use hn_core::profile::{account_age, Profile};
use hn_core::sanitize::{self, Node};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature { id: "user-card", applies: |_| true, init, apply: Some(apply), added: None };

const SHOW_DELAY_MS: i32 = 350;
const HIDE_DELAY_MS: i32 = 300;

thread_local! {
    static CARD: RefCell<Option<Element>> = const { RefCell::new(None) };
    static USER: RefCell<Option<String>> = const { RefCell::new(None) };
    static SHOW_TIMER: Cell<Option<i32>> = const { Cell::new(None) };
    static HIDE_TIMER: Cell<Option<i32>> = const { Cell::new(None) };
    /// Focus given back to a name by Escape: that focus opens no card.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

fn init(ctx: &Shared) -> Result<(), String> {
    let doc: web_sys::EventTarget = ctx.document.clone().into();
    let selector = ctx.site.selectors.user_link;
    {
        let ctx = ctx.clone();
        dom::listen(&doc, "mouseover", move |e| {
            if let Some(link) = dom::closest(e.target(), selector) {
                cancel_hide();
                let ctx = ctx.clone();
                dom::cancel(SHOW_TIMER.with(|t| t.take()));
                let timer = dom::after(SHOW_DELAY_MS, move || show(&ctx, &link));
                SHOW_TIMER.with(|t| t.set(timer));
            } else if dom::closest(e.target(), ".hnew-card").is_some() {
                cancel_hide();
            }
        });
    }
    dom::listen(&doc, "mouseout", move |e| {
        if dom::closest(e.target(), selector).is_some() || dom::closest(e.target(), ".hnew-card").is_some() {
            dom::cancel(SHOW_TIMER.with(|t| t.take()));
            let timer = dom::after(HIDE_DELAY_MS, hide);
            HIDE_TIMER.with(|t| t.set(timer));
        }
    });
    {
        let ctx = ctx.clone();
        dom::listen(&doc, "focusin", move |e| {
            // On focus intent, as on hover: focus resting on a name for a
            // moment (Tab passing over names opens nothing, nor does a
            // script moving focus from name to name).
            if let Some(link) = dom::closest(e.target(), selector) {
                cancel_hide();
                dom::cancel(SHOW_TIMER.with(|t| t.take()));
                if QUIET.with(|q| q.replace(false)) {
                    return;
                }
                let ctx = ctx.clone();
                let timer = dom::after(SHOW_DELAY_MS, move || {
                    let still = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.active_element())
                        .is_some_and(|a| a.is_same_node(Some(&link)));
                    if still {
                        show(&ctx, &link);
                    }
                });
                SHOW_TIMER.with(|t| t.set(timer));
            } else if dom::closest(e.target(), ".hnew-card, dialog.hnew-dialog").is_some() {
                // In the card, or in its question (a tag): it stays open.
                cancel_hide();
            } else {
                hide();
            }
        });
    }
    {
        let ctx = ctx.clone();
        dom::listen(&doc, "click", move |e| {
            if let Some(button) = dom::closest(e.target(), ".hnew-card-follow") {
                e.prevent_default();
                toggle_follow(&ctx, &button);
            } else if let Some(button) = dom::closest(e.target(), ".hnew-card-tag") {
                e.prevent_default();
                edit_tag(&ctx, &button);
            }
        });
    }
    dom::listen(&doc, "keydown", move |e| {
        if let Some(k) = e.dyn_ref::<web_sys::KeyboardEvent>() {
            // Escape in the card's question closes only the question.
            if k.key() == "Escape" && dom::closest(e.target(), "dialog.hnew-dialog").is_none() {
                // From inside the card, focus goes back to the name it is for
                // (the card sits right after it).
                let name = dom::closest(e.target(), ".hnew-card").and_then(|c| c.previous_element_sibling());
                hide();
                if let Some(name) = name.and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
                    QUIET.with(|q| q.set(true));
                    let _ = name.focus();
                    // (focusin runs within focus(): nothing else is quieted)
                    QUIET.with(|q| q.set(false));
                }
            }
        }
    });
    Ok(())
}

/// Keeps the open card's button in step with the state.
fn apply(ctx: &Shared) -> Result<(), String> {
    let Some(user) = USER.with(|u| u.borrow().clone()) else { return Ok(()) };
    if let Some(card) = CARD.with(|c| c.borrow().clone()) {
        if let Ok(Some(button)) = card.query_selector(".hnew-card-follow") {
            set_follow_button(&button, ctx.state.borrow().follows(ctx.site.id, &user), &user);
        }
    }
    Ok(())
}

fn cancel_hide() {
    dom::cancel(HIDE_TIMER.with(|t| t.take()));
}

fn hide() {
    if let Some(card) = CARD.with(|c| c.borrow().clone()) {
        let _ = card.set_attribute("hidden", "");
    }
    USER.with(|u| *u.borrow_mut() = None);
}

fn card(doc: &Document) -> Option<Element> {
    if let Some(c) = CARD.with(|c| c.borrow().clone()) {
        return Some(c);
    }
    let c = dom::make(doc, "span", "hnew-card", "")?;
    let _ = c.set_attribute("role", "dialog");
    CARD.with(|slot| *slot.borrow_mut() = Some(c.clone()));
    Some(c)
}

fn show(ctx: &Shared, link: &Element) {
    let Some(user) = link.text_content().filter(|u| (ctx.site.valid_user)(u)) else { return };
    let Some(card) = card(&ctx.document) else { return };
    let same = USER.with(|u| u.borrow().as_deref() == Some(user.as_str()));
    if same && !card.has_attribute("hidden") {
        return;
    }
    USER.with(|u| *u.borrow_mut() = Some(user.clone()));
    let _ = card.set_attribute("aria-label", &text::page_profile_of(&user));
    card.set_text_content(None);
    let doc = &ctx.document;
    let head = dom::make(doc, "span", "hnew-card-head", "");
    if let Some(head) = head {
        if let Some(name) = dom::make(doc, "strong", "hnew-card-name", &user) {
            let _ = head.append_child(&name);
        }
        if let Some(button) = dom::make(doc, "button", "hnew-card-follow", "") {
            let _ = button.set_attribute("type", "button");
            set_follow_button(&button, ctx.state.borrow().follows(ctx.site.id, &user), &user);
            let _ = head.append_child(&button);
        }
        if let Some(button) = dom::make(doc, "button", "hnew-card-tag", text::PAGE_TAG_BUTTON) {
            let _ = button.set_attribute("type", "button");
            let _ = button.set_attribute("aria-label", &text::page_tag_user(&user));
            dom::set_data(&button, "user", &user);
            let _ = head.append_child(&button);
        }
        let _ = card.append_child(&head);
    }
    let body = dom::make(doc, "span", "hnew-card-body", text::PAGE_PROFILE_LOADING);
    if let Some(body) = &body {
        let _ = card.append_child(body);
    }
    // Next to the name, so Tab from the name reaches the card's button.
    let _ = link.after_with_node_1(&card);
    let _ = card.remove_attribute("hidden");
    let Some(body) = body else { return };
    let site = ctx.site.id.to_string();
    let host = ctx.site.host;
    let doc = doc.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = crate::ask(Request::GetProfile { site, user: user.clone() }).await;
        // The reader may have moved to another name meanwhile.
        if USER.with(|u| u.borrow().as_deref() != Some(user.as_str())) {
            return;
        }
        body.set_text_content(None);
        match answer {
            Ok(Response::Profile { profile, fetched_at }) => render(&doc, &body, &profile, fetched_at, host),
            Ok(Response::Error { message }) => {
                body.set_text_content(Some(&text::page_profile_unavailable_why(message)))
            }
            Ok(_) | Err(_) => body.set_text_content(Some(text::PAGE_PROFILE_UNAVAILABLE)),
        }
    });
}

fn set_follow_button(button: &Element, following: bool, user: &str) {
    button.set_text_content(Some(if following { text::PAGE_UNFOLLOW } else { text::PAGE_FOLLOW }));
    let _ = button.set_attribute("aria-pressed", if following { "true" } else { "false" });
    let _ = button.set_attribute(
        "aria-label",
        &format!("{} {user}", if following { text::PAGE_UNFOLLOW } else { text::PAGE_FOLLOW }),
    );
    dom::set_data(button, "user", user);
}

fn toggle_follow(ctx: &Shared, button: &Element) {
    let Some(user) = button.get_attribute("data-user").filter(|u| (ctx.site.valid_user)(u)) else { return };
    let follow = button.get_attribute("aria-pressed").as_deref() != Some("true");
    set_follow_button(button, follow, &user);
    let site = ctx.site.id.to_string();
    let button = button.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match crate::ask(Request::SetFollow { site, user: user.clone(), follow }).await {
            Ok(Response::Done) => {}
            other => {
                set_follow_button(&button, !follow, &user);
                let message = match other {
                    Ok(Response::Error { message }) | Err(message) => message,
                    Ok(_) => text::PAGE_UNEXPECTED_ANSWER.into(),
                };
                let _ = button.set_attribute("title", &text::page_not_saved(message));
            }
        }
    });
}

/// The profile in the card; the about text's relative links are the
/// site's (`host`).
fn render(doc: &Document, body: &Element, p: &Profile, fetched_at: f64, host: &str) {
    let now = (fetched_at / 1000.0) as i64;
    let mut facts = Vec::new();
    if let Some(k) = p.karma {
        facts.push(text::page_karma(k));
    }
    if let Some(c) = p.created {
        let age = account_age(c, now);
        facts.push(if age == text::AGE_TODAY { text::PAGE_JOINED_TODAY.to_string() } else { text::page_joined(age) });
    }
    if p.submitted > 0 {
        facts.push(text::page_submissions(p.submitted));
    }
    if let Some(line) = dom::make(doc, "span", "hnew-card-facts", &facts.join(" · ")) {
        let _ = body.append_child(&line);
    }
    let nodes = sanitize::sanitize_on(&p.about, host);
    if !nodes.is_empty() {
        if let Some(about) = dom::make(doc, "span", "hnew-card-about", "") {
            build(doc, &about, &nodes);
            let _ = body.append_child(&about);
        }
    }
}

/// Builds sanitized nodes as DOM nodes: elements from the allowlist and
/// text nodes; no string is ever parsed as HTML.
fn build(doc: &Document, parent: &Element, nodes: &[Node]) {
    for node in nodes {
        match node {
            Node::Text(t) => {
                let _ = parent.append_child(&doc.create_text_node(t));
            }
            Node::Element { tag, href, children } => {
                let Ok(el) = doc.create_element(tag.name()) else { continue };
                if let Some(h) = href {
                    let _ = el.set_attribute("href", h);
                    let _ = el.set_attribute("rel", sanitize::LINK_REL);
                    let _ = el.set_attribute("target", "_blank");
                }
                build(doc, &el, children);
                let _ = parent.append_child(&el);
            }
        }
    }
}

/// Asks for a tag (empty removes it), in the page, and saves it.
fn edit_tag(ctx: &Shared, button: &Element) {
    let Some(user) = button.get_attribute("data-user").filter(|u| (ctx.site.valid_user)(u)) else { return };
    let key = hn_core::state::user_key(ctx.site.id, &user);
    let current = ctx.state.borrow().follows.get(&key).and_then(|r| r.tag.clone()).unwrap_or_default();
    let max = hn_core::state::MAX_TAG;
    let question = crate::dialog::Question {
        title: &text::page_tag_user(&user),
        label: text::PAGE_TAG_LABEL,
        value: &current,
        hint: &text::page_tag_hint(max),
        answer: text::PAGE_SAVE,
    };
    let (site, button) = (ctx.site.id.to_string(), button.clone());
    crate::dialog::ask(&ctx.document, question, move |input| {
        let tag = if input.trim().is_empty() {
            None
        } else {
            Some(hn_core::state::valid_tag(input).ok_or_else(|| text::page_tag_invalid(max))?)
        };
        let (site, user, button) = (site.clone(), user.clone(), button.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let failed = match crate::ask(Request::SetTag { site, user, tag }).await {
                Ok(Response::Error { message }) | Err(message) => Some(message),
                Ok(_) => None,
            };
            if let Some(message) = failed {
                let _ = button.set_attribute("title", &text::page_not_saved(message));
            }
        });
        Ok(())
    });
}
