//! Small DOM helpers that take one element each and never panic.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, NodeList};

/// All elements under `scope` matching `selector`; empty on a bad selector.
pub fn all(scope: &Element, selector: &str) -> Vec<Element> {
    scope.query_selector_all(selector).map(|list| elements(&list)).unwrap_or_default()
}

fn elements(list: &NodeList) -> Vec<Element> {
    // A selector query returns only elements: no check per node needed.
    (0..list.length()).filter_map(|i| list.item(i)).map(|n| n.unchecked_into::<Element>()).collect()
}

/// The same elements as [`all`], for a selector list whose parts match
/// different elements (as the sites' row selectors are written): each part
/// is queried on its own, which lets the browser use its fast path for a
/// single compound (a list is matched element by element against every
/// part: 4.5 ms instead of 1 ms on a 3,000-comment thread). Parts that
/// both match are put back in document order.
pub fn all_parts(scope: &Element, selector: &str) -> Vec<Element> {
    let mut found: Vec<Vec<Element>> =
        split_list(selector).into_iter().map(|part| all(scope, part)).filter(|v| !v.is_empty()).collect();
    match found.len() {
        0 => Vec::new(),
        1 => found.pop().unwrap_or_default(),
        _ => found.into_iter().reduce(merge).unwrap_or_default(),
    }
}

/// Two lists of elements, each in document order, as one in document
/// order, each element once (a linear merge: no sort, one comparison per
/// element).
fn merge(a: Vec<Element>, b: Vec<Element>) -> Vec<Element> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.is_same_node(Some(y)) => {
                b.next();
                true
            }
            (Some(x), Some(y)) => x.compare_document_position(y) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        out.extend(if take_a { a.next() } else { b.next() });
    }
}

/// A selector list's parts (commas inside parentheses are not separators).
pub fn split_list(selector: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in selector.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(selector[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(selector[start..].trim());
    parts.retain(|p| !p.is_empty());
    parts
}

/// Sets a `data-` attribute on the element.
pub fn set_data(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(&format!("data-{name}"), value);
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = hnewReportSet)]
    fn report_set(name: &str, value: &str, how: u8) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_name = hnewReportGet)]
    fn report_get(name: &str) -> Result<Option<String>, JsValue>;
}

/// Reports a fact of this page's run (a count, a timing, which features
/// run) under `name` (`hnew-…`): kept in the extension's own world, where
/// the page's scripts cannot read it, and shown on the root as
/// `data-hnew-…` only in diagnostics mode (early.js). The two modules share
/// what is reported.
pub fn report(name: &str, value: &str) {
    let _ = report_set(name, value, 0);
}

/// Reports `value` under `name` unless something was reported there.
pub fn report_first(name: &str, value: &str) {
    let _ = report_set(name, value, 1);
}

/// Adds the space-separated `words` to those reported under `name`, each
/// once (both modules add to one list).
pub fn report_words(name: &str, words: &str) {
    let _ = report_set(name, words, 2);
}

/// What was reported under `name` on this page, by either module.
pub fn reported(name: &str) -> Option<String> {
    report_get(name).ok().flatten()
}

/// Sets or clears a class, touching the element only when it changes (a
/// class write on the root restyles the whole page).
pub fn toggle_class(el: &Element, class: &str, on: bool) {
    let list = el.class_list();
    if list.contains(class) != on {
        let _ = list.toggle_with_force(class, on);
    }
}

/// A new element with a class and text (text only: never HTML).
pub fn make(doc: &Document, tag: &str, class: &str, text: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    if !text.is_empty() {
        el.set_text_content(Some(text));
    }
    Some(el)
}

/// The closest ancestor-or-self of an event target matching `selector`.
pub fn closest(target: Option<web_sys::EventTarget>, selector: &str) -> Option<Element> {
    target?.dyn_into::<Element>().ok()?.closest(selector).ok().flatten()
}

/// Adds a listener that lives as long as the page.
pub fn listen(target: &web_sys::EventTarget, event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    listen_with(target, event, false, f);
}

/// Adds a listener for the capture phase (before the page's own handlers
/// on the element).
pub fn listen_capture(target: &web_sys::EventTarget, event: &str, f: impl FnMut(web_sys::Event) + 'static) {
    listen_with(target, event, true, f);
}

type Handler = std::rc::Rc<std::cell::RefCell<dyn FnMut(web_sys::Event)>>;

thread_local! {
    /// The module's listeners on the document, by event type and phase:
    /// the gesture that woke the second module is replayed to them.
    static ON_DOCUMENT: std::cell::RefCell<Vec<(String, bool, Handler)>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn listen_with(target: &web_sys::EventTarget, event: &str, capture: bool, f: impl FnMut(web_sys::Event) + 'static) {
    let handler: Handler = std::rc::Rc::new(std::cell::RefCell::new(f));
    if cfg!(feature = "more") && target.dyn_ref::<Document>().is_some() {
        ON_DOCUMENT.with(|d| d.borrow_mut().push((event.to_string(), capture, handler.clone())));
    }
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        // Only the reader acts: an event a page's script made up (a click,
        // a key, a hover) is not the reader's, unless this extension
        // dispatched it itself (a key's action).
        if !e.is_trusted() && !own_dispatch() {
            return;
        }
        // A listener is never re-entered (an event it dispatches itself).
        if let Ok(mut f) = handler.try_borrow_mut() {
            f(e);
        }
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_capture(capture);
    let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
        event,
        closure.as_ref().unchecked_ref(),
        &options,
    );
    closure.forget();
}

/// Where the content script marks an event it dispatches itself (a global
/// of its isolated world, shared by both modules; the page's scripts have
/// their own globals and cannot set it).
const OWN: &str = "hnewOwnEvent";

fn own_dispatch() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &OWN.into()).is_ok_and(|v| v.is_truthy())
}

/// Runs `f`, in which the content script dispatches an event (clicks an
/// element for a key's action) that its own listeners are to take as the
/// reader's.
pub fn as_reader<T>(f: impl FnOnce() -> T) -> T {
    let global = js_sys::global();
    let before = own_dispatch();
    let _ = js_sys::Reflect::set(&global, &OWN.into(), &JsValue::TRUE);
    let out = f();
    let _ = js_sys::Reflect::set(&global, &OWN.into(), &JsValue::from_bool(before));
    out
}

/// Hands an event already dispatched (the gesture that woke this module)
/// to the module's document listeners of its type, capture phase first.
pub fn replay(event: &web_sys::Event) {
    let kind = event.type_();
    let handlers: Vec<(bool, Handler)> = ON_DOCUMENT
        .with(|d| d.borrow().iter().filter(|(k, _, _)| *k == kind).map(|(_, c, h)| (*c, h.clone())).collect());
    for capture in [true, false] {
        for (_, h) in handlers.iter().filter(|(c, _)| *c == capture) {
            if let Ok(mut f) = h.try_borrow_mut() {
                f(event.clone());
            }
        }
    }
}

/// Calls `f` with each element matching `selector` when the reader reaches
/// it (the pointer enters it, or focus moves into it): how per-row
/// controls are built only where they are wanted.
pub fn on_reach(doc: &Document, selector: &'static str, f: impl Fn(&Element) + 'static) {
    let f = std::rc::Rc::new(f);
    for event in ["mouseover", "focusin"] {
        let f = f.clone();
        listen(&doc.clone().into(), event, move |e| {
            if let Some(el) = closest(e.target(), selector) {
                f(&el);
            }
        });
    }
}

/// Runs `f` after `ms` milliseconds; returns the timer id.
pub fn after(ms: i32, f: impl FnOnce() + 'static) -> Option<i32> {
    let closure = Closure::once_into_js(f);
    web_sys::window()?.set_timeout_with_callback_and_timeout_and_arguments_0(closure.unchecked_ref(), ms).ok()
}

pub fn cancel(timer: Option<i32>) {
    if let (Some(w), Some(t)) = (web_sys::window(), timer) {
        w.clear_timeout_with_handle(t);
    }
}

pub fn log(text: &str) {
    web_sys::console::info_1(&format!("Hacker New: {text}").into());
}

/// Whether the event comes from somewhere the reader types.
pub fn typing(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<Element>().ok()) else { return false };
    let tag = el.tag_name().to_ascii_lowercase();
    matches!(tag.as_str(), "input" | "textarea" | "select")
        || el.dyn_ref::<web_sys::HtmlElement>().is_some_and(|h| h.is_content_editable())
}
