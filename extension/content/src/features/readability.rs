//! Readability: text size, line height, width, link contrast, visited
//! stories, dark mode (following the system by default) and sharp vector
//! drawings instead of HN's bitmaps. All of it is CSS in `content.css`,
//! switched by classes and custom properties on the root element.

use hn_core::settings::Theme;

use super::Feature;
use crate::{dom, Shared};

/// `init` applies the default settings at once, in the same frame as the
/// page's first style pass; when the reader's own settings arrive, only what
/// differs changes, so a page with default settings is restyled once, not
/// twice (a full restyle of a 3,000-comment thread costs about a second).
pub const FEATURE: Feature =
    Feature { id: "readability", applies: |_| true, init: apply, apply: Some(apply), added: None };

fn apply(ctx: &Shared) -> Result<(), String> {
    let s = ctx.state.borrow().settings.clone();
    let root = &ctx.root;
    let style = root.clone().dyn_into::<web_sys::HtmlElement>().map_err(|_| "the root is not an HTML element")?.style();
    let set = |name: &str, value: String| {
        if style.get_property_value(name).ok().as_deref() == Some(value.as_str()) {
            return Ok(());
        }
        style.set_property(name, &value).map_err(|_| format!("cannot set {name}"))
    };
    set("--hnew-font-scale", hundredths(s.font_scale))?;
    set("--hnew-line-height", hundredths(s.line_height))?;
    set("--hnew-width", format!("{}%", s.width))?;
    dom::toggle_class(root, "hnew-read", true);
    dom::toggle_class(root, "hnew-theme-dark", s.theme == Theme::Dark);
    dom::toggle_class(root, "hnew-theme-system", s.theme == Theme::System);
    dom::toggle_class(root, "hnew-contrast", s.high_contrast);
    dom::toggle_class(root, "hnew-crisp", s.crisp_assets);
    Ok(())
}

/// `150` → `"1.5"`: the number a CSS variable gets, written with integers
/// (float formatting would add kilobytes to the content script).
fn hundredths(v: u16) -> String {
    let (i, f) = (v / 100, v % 100);
    match f {
        0 => i.to_string(),
        f if f % 10 == 0 => format!("{i}.{}", f / 10),
        f => format!("{i}.{f:02}"),
    }
}

use wasm_bindgen::JsCast;
