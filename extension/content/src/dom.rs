//! Small DOM helpers that take one element each and never panic.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, NodeList};

/// All elements under `scope` matching `selector`; empty on a bad selector.
pub fn all(scope: &Element, selector: &str) -> Vec<Element> {
    scope.query_selector_all(selector).map(|list| elements(&list)).unwrap_or_default()
}

fn elements(list: &NodeList) -> Vec<Element> {
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.dyn_into::<Element>().ok()).collect()
}

/// Sets a `data-` attribute on the element.
pub fn set_data(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(&format!("data-{name}"), value);
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
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(f);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    closure.forget();
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
