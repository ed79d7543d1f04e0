//! Readability: text size, line height, width, link contrast, visited
//! stories, dark mode (following the system by default) and sharp vector
//! drawings instead of HN's bitmaps. All of it is CSS in `content.css`,
//! switched by classes and custom properties on the root element.

use super::Feature;
use crate::{dom, Shared};

/// The look (classes and custom properties on the root) is usually in place
/// before the page is parsed: `early.js` applies the one the background
/// saved, so the page's first style pass has it. `init` then leaves it; on
/// a page without it (the first page after install) it applies the default
/// settings at once. When the reader's settings arrive only what differs
/// changes — a full restyle of a 3,000-comment thread costs about a second.
pub const FEATURE: Feature = Feature { id: "readability", applies: |_| true, init, apply: Some(apply), added: None };

fn init(ctx: &Shared) -> Result<(), String> {
    if ctx.root.class_list().contains("hnew-read") {
        return Ok(());
    }
    apply(ctx)
}

fn apply(ctx: &Shared) -> Result<(), String> {
    let look = ctx.state.borrow().settings.look();
    let root = &ctx.root;
    let style = root.clone().dyn_into::<web_sys::HtmlElement>().map_err(|_| "the root is not an HTML element")?.style();
    let mut changed = false;
    for (name, value) in &look.vars {
        if style.get_property_value(name).ok().as_deref() != Some(value.as_str()) {
            style.set_property(name, value).map_err(|_| format!("cannot set {name}"))?;
            changed = true;
        }
    }
    let list = root.class_list();
    for class in LOOK_CLASSES {
        let on = look.classes.contains(&class);
        if list.contains(class) != on {
            let _ = list.toggle_with_force(class, on);
            changed = true;
        }
    }
    if changed {
        // What the tests read: whether the page had to be restyled after
        // it was first styled.
        dom::report("hnew-look", "changed");
    }
    Ok(())
}

use hn_core::settings::LOOK_CLASSES;
use wasm_bindgen::JsCast;
