//! Small DOM helpers that take one element each and never panic.

use wasm_bindgen::JsCast;
use web_sys::{Element, NodeList};

/// All elements under `scope` matching `selector`; empty on a bad selector.
pub fn all(scope: &Element, selector: &str) -> Vec<Element> {
    scope
        .query_selector_all(selector)
        .map(|list| elements(&list))
        .unwrap_or_default()
}

fn elements(list: &NodeList) -> Vec<Element> {
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// Sets a `data-` attribute on the element.
pub fn set_data(el: &Element, name: &str, value: &str) {
    let _ = el.set_attribute(&format!("data-{name}"), value);
}

pub fn log(text: &str) {
    web_sys::console::info_1(&format!("Hacker New: {text}").into());
}
