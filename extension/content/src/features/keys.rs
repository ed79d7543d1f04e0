//! Keyboard navigation: `j`/`k` move between stories or comments, `p` to
//! the parent, `J`/`K` between top-level comments, `n` to the next new
//! comment; `o`/Enter open the story, `c` the discussion, `x` folds, `r`
//! replies, `u` votes, `f` favorites, `h` hides, `w` follows the author, `s`
//! shares; `?` lists them. Bindings come from the settings. Nothing fires
//! while the reader types in a field or holds Ctrl, Alt or Meta.

use hn_core::text;
use std::cell::{Cell, RefCell};

use hn_core::keys::{self, Action};
use hn_core::message::PageRequest as Request;
use hn_core::site::PageKind;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature {
    id: "keys",
    applies: |ctx| {
        let i = ctx.index.borrow();
        !i.stories.is_empty() || !i.comments.is_empty()
    },
    init,
    apply: None,
    added: None,
};

const FOCUS: &str = "hnew-focus";

thread_local! {
    static FOCUSED: RefCell<Option<Element>> = const { RefCell::new(None) };
    static HELP: RefCell<Option<Element>> = const { RefCell::new(None) };
    static ON_COMMENTS: Cell<bool> = const { Cell::new(false) };
}

fn init(ctx: &Shared) -> Result<(), String> {
    let on_comments =
        matches!(ctx.kind, PageKind::Item | PageKind::CommentList) && !ctx.index.borrow().comments.is_empty();
    ON_COMMENTS.with(|c| c.set(on_comments));
    let c = ctx.clone();
    dom::listen(&ctx.document.clone().into(), "keydown", move |e| {
        let Some(e) = e.dyn_ref::<KeyboardEvent>() else { return };
        if e.default_prevented() || dom::typing(e.target()) {
            return;
        }
        let bindings = c.state.borrow().settings.keys.clone();
        let Some(action) = bindings.action(&e.key(), e.ctrl_key(), e.alt_key(), e.meta_key()) else { return };
        // Enter on a focused link or button is the browser's.
        if e.key() == "Enter"
            && (FOCUSED.with(|f| f.borrow().is_none()) || dom::closest(e.target(), "a[href], button").is_some())
        {
            return;
        }
        // In a dialog (this list, a question), only `?` acts: it closes the list.
        if action != Action::Help && dom::closest(e.target(), "dialog").is_some() {
            return;
        }
        if run(&c, action) {
            e.prevent_default();
        }
    });
    Ok(())
}

/// The browser's keyboard command: the share menu of the focused item, or
/// of the first one when nothing is focused yet.
pub fn share_focused(ctx: &Shared) {
    if !run(ctx, Action::Share) {
        run(ctx, Action::Next);
        run(ctx, Action::Share);
    }
}

/// The rows `j`/`k` move through: the visible stories, or the visible
/// comments on a thread, each with its place in the index.
fn rows(ctx: &Shared) -> (Vec<Element>, Vec<usize>) {
    let index = ctx.index.borrow();
    let hidden = [ctx.site.layout.hidden, "hnew-hidden", "hnew-filtered"];
    let visible = |row: &Element| {
        let cl = row.class_list();
        !hidden.iter().any(|c| cl.contains(c))
    };
    let rows: Box<dyn Iterator<Item = &Element>> = if ON_COMMENTS.with(|c| c.get()) {
        Box::new(index.comments.iter().map(|c| &c.row))
    } else {
        Box::new(index.stories.iter().map(|s| &s.row))
    };
    rows.enumerate().filter(|(_, r)| visible(r)).map(|(i, r)| (r.clone(), i)).unzip()
}

fn current(rows: &[Element]) -> Option<usize> {
    FOCUSED.with(|f| f.borrow().as_ref().and_then(|el| rows.iter().position(|r| r == el)))
}

fn focus(row: &Element) {
    FOCUSED.with(|f| {
        if let Some(old) = f.borrow_mut().replace(row.clone()) {
            dom::toggle_class(&old, FOCUS, false);
        }
    });
    dom::toggle_class(row, FOCUS, true);
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
    row.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Clicks the first element matching `selector` in the focused item (its
/// row, or for a story the row under it).
fn click_in(ctx: &Shared, row: &Element, selector: &str) -> bool {
    let mut scopes = vec![row.clone()];
    if !ON_COMMENTS.with(|c| c.get()) {
        scopes.extend(crate::index::row_below(row, ctx.site));
    }
    for scope in scopes {
        if let Ok(Some(el)) = scope.query_selector(selector) {
            if let Some(h) = el.dyn_ref::<HtmlElement>() {
                // The key was the reader's, so is this click.
                dom::as_reader(|| h.click());
                return true;
            }
        }
    }
    false
}

fn run(ctx: &Shared, action: Action) -> bool {
    let (rows, places) = rows(ctx);
    let at = current(&rows);
    let go = |i: Option<usize>| match i.and_then(|i| rows.get(i)) {
        Some(r) => {
            focus(r);
            true
        }
        None => false,
    };
    // The visible comments' depths in the thread (stories have none).
    let depths = || {
        if !ON_COMMENTS.with(|c| c.get()) {
            return vec![0; rows.len()];
        }
        let all = ctx.index.borrow().depths(ctx.site);
        places.iter().map(|&i| all.get(i).copied().unwrap_or(0)).collect::<Vec<u32>>()
    };
    let focused = at.and_then(|i| rows.get(i)).cloned();
    match action {
        Action::Next => go(keys::step(at, rows.len(), true)),
        Action::Previous => go(keys::step(at, rows.len(), false)),
        Action::Parent => go(at.and_then(|i| keys::parent(&depths(), i))),
        Action::NextTopLevel => go(keys::top_level(&depths(), at, true)),
        Action::PreviousTopLevel => go(keys::top_level(&depths(), at, false)),
        Action::NextUnread => {
            let start = at.map_or(0, |i| i + 1);
            go((start..rows.len()).find(|&i| rows[i].class_list().contains(crate::marks::NEW)))
        }
        Action::Help => {
            toggle_help(ctx);
            true
        }
        _ => {
            let Some(row) = focused else { return false };
            let s = ctx.site.selectors;
            match action {
                Action::Open => click_in(ctx, &row, s.title_link),
                Action::Discussion => click_in(ctx, &row, s.discussion_link),
                Action::Fold => click_in(ctx, &row, s.toggle),
                Action::Reply => click_in(ctx, &row, s.reply_link),
                Action::Vote => click_in(ctx, &row, s.upvote),
                Action::Favorite => click_in(ctx, &row, s.fave_link),
                Action::Hide => click_in(ctx, &row, s.hide_link),
                Action::Share => {
                    // A comment's control is built when it is reached.
                    let init = web_sys::MouseEventInit::new();
                    init.set_bubbles(true);
                    if let Ok(ev) = web_sys::MouseEvent::new_with_mouse_event_init_dict("mouseover", &init) {
                        let _ = dom::as_reader(|| row.dispatch_event(&ev));
                    }
                    click_in(ctx, &row, "button.hnew-share")
                }
                Action::Follow => follow(ctx, &row),
                _ => false,
            }
        }
    }
}

fn follow(ctx: &Shared, row: &Element) -> bool {
    let mut scopes = vec![row.clone()];
    scopes.extend(crate::index::row_below(row, ctx.site));
    let Some(user) = scopes
        .iter()
        .find_map(|s| s.query_selector(ctx.site.selectors.user_link).ok().flatten())
        .and_then(|a| a.text_content())
    else {
        return false;
    };
    let follow = !ctx.state.borrow().follows(ctx.site.id, &user);
    let site = ctx.site.id.to_string();
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = crate::ask(Request::SetFollow { site, user, follow }).await {
            dom::log(&format!("follow from the keyboard failed: {e}"));
        }
    });
    true
}

/// The list of keys, built the first time it is asked for: a modal dialog
/// that takes focus (its Close button), closes on Escape, Close or `?`
/// again, and gives focus back where it was.
fn toggle_help(ctx: &Shared) {
    if let Some(h) = HELP.with(|h| h.borrow().clone()).and_then(|h| h.dyn_into::<web_sys::HtmlDialogElement>().ok()) {
        if h.open() {
            h.close();
        } else {
            open_help(&h);
        }
        return;
    }
    let Some(panel) = dom::make(&ctx.document, "dialog", "hnew-keys-help", "") else { return };
    let _ = panel.set_attribute("aria-labelledby", "hnew-keys-title");
    if let Some(h) = dom::make(&ctx.document, "h2", "", text::PAGE_KEYS_TITLE) {
        h.set_id("hnew-keys-title");
        let _ = panel.append_child(&h);
    }
    let bindings = ctx.state.borrow().settings.keys.clone();
    if let Some(list) = dom::make(&ctx.document, "dl", "", "") {
        for a in Action::ALL {
            if let (Some(dt), Some(dd)) =
                (dom::make(&ctx.document, "dt", "", bindings.key(a)), dom::make(&ctx.document, "dd", "", a.describe()))
            {
                let _ = list.append_child(&dt);
                let _ = list.append_child(&dd);
            }
        }
        let _ = panel.append_child(&list);
    }
    if let Some(p) = dom::make(&ctx.document, "p", "", text::PAGE_KEYS_HINT) {
        let _ = panel.append_child(&p);
    }
    if let Some(close) = dom::make(&ctx.document, "button", "hnew-keys-close", text::PAGE_CLOSE) {
        let _ = close.set_attribute("type", "button");
        let dialog = panel.clone();
        dom::listen(&close.clone().into(), "click", move |_| {
            if let Some(d) = dialog.dyn_ref::<web_sys::HtmlDialogElement>() {
                d.close();
            }
        });
        let _ = panel.append_child(&close);
    }
    if let Some(body) = ctx.document.body() {
        let _ = body.append_child(&panel);
    }
    if let Some(d) = panel.dyn_ref::<web_sys::HtmlDialogElement>() {
        open_help(d);
    }
    HELP.with(|h| *h.borrow_mut() = Some(panel));
}

fn open_help(dialog: &web_sys::HtmlDialogElement) {
    if dialog.show_modal().is_ok() {
        if let Ok(Some(close)) = dialog.query_selector(".hnew-keys-close") {
            if let Some(c) = close.dyn_ref::<HtmlElement>() {
                let _ = c.focus();
            }
        }
    }
}
