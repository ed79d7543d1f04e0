//! Past discussions: on a story's page, a "past discussions" button under
//! the story asks HN's search API (through the background, only on click)
//! for earlier stories of the same link and lists them in place.

use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use hn_core::site::PageKind;
use hn_core::text;
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::Feature;
use crate::{dom, Shared};

/// At load: the button under the story.
pub const FEATURE: Feature = Feature { id: "past", applies, init, apply: None, added: None };

/// On first use: what a click on it does.
pub const MORE: Feature = Feature { id: "past", applies, init: init_click, apply: None, added: None };

fn applies(ctx: &Shared) -> bool {
    ctx.site.capabilities.items_api
        && ctx.kind == PageKind::Item
        && ctx.index.borrow().stories.first().is_some_and(|s| s.sub.is_some())
}

/// The button's class (the wake listener knows it too).
const BUTTON: &str = crate::marks::PAST_BUTTON;

/// The story's own link, when it has one (not Ask HN).
fn story_link(ctx: &Shared) -> Option<(u64, String, Element)> {
    let index = ctx.index.borrow();
    let story = index.stories.first()?;
    let href = story
        .row
        .query_selector(ctx.site.selectors.title_link)
        .ok()
        .flatten()?
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?
        .href();
    let own = (href.starts_with("https://") || href.starts_with("http://"))
        && !href.starts_with(&format!("https://{}/", ctx.site.host));
    if !own {
        return None;
    }
    Some((story.id, href, story.sub.clone()?))
}

fn init(ctx: &Shared) -> Result<(), String> {
    let Some((_, _, sub)) = story_link(ctx) else { return Ok(()) };
    let Some(button) = dom::make(&ctx.document, "button", "hnew-past", text::PAGE_PAST) else { return Ok(()) };
    let _ = button.set_attribute("type", "button");
    let _ = button.set_attribute("aria-expanded", "false");
    let cell = sub.query_selector(ctx.site.selectors.subtext).ok().flatten().unwrap_or(sub);
    let _ = cell.append_with_str_1(" | ");
    let _ = cell.append_child(&button);
    Ok(())
}

fn init_click(ctx: &Shared) -> Result<(), String> {
    let Some((id, url, _)) = story_link(ctx) else { return Ok(()) };
    let doc = ctx.document.clone();
    dom::listen(&ctx.document.clone().into(), "click", move |e| {
        let Some(b) = dom::closest(e.target(), BUTTON) else { return };
        let Some(cell) = b.parent_element() else { return };
        e.prevent_default();
        if let Ok(Some(list)) = cell.query_selector(".hnew-past-list") {
            // A second click folds the list away.
            list.remove();
            let _ = b.set_attribute("aria-expanded", "false");
            return;
        }
        let Some(list) = dom::make(&doc, "div", "hnew-past-list", text::PAGE_PAST_LOOKING) else { return };
        let _ = list.set_attribute("role", "status");
        let _ = cell.append_child(&list);
        let _ = b.set_attribute("aria-expanded", "true");
        let (doc, url) = (doc.clone(), url.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match crate::ask(Request::PastDiscussions { id, url }).await {
                Ok(Response::Past { stories }) if stories.is_empty() => {
                    list.set_text_content(Some(text::PAGE_PAST_NONE));
                }
                Ok(Response::Past { stories }) => {
                    list.set_text_content(None);
                    let n = stories.len();
                    let head = if n == 1 { text::PAGE_PAST_COUNT_ONE.to_string() } else { text::page_past_count(n) };
                    if let Some(h) = dom::make(&doc, "span", "", &head) {
                        let _ = list.append_child(&h);
                    }
                    let Some(ul) = dom::make(&doc, "ul", "", "") else { return };
                    for s in stories {
                        let Some(li) = dom::make(&doc, "li", "", "") else { continue };
                        if let Some(a) = dom::make(&doc, "a", "", &s.title) {
                            let _ = a.set_attribute("href", &hn_core::site::hn::item_path(s.id));
                            let _ = li.append_child(&a);
                        }
                        let year = if s.time > 0 {
                            format!("{} · ", hn_core::schedule::civil_from_days(s.time.div_euclid(86_400)).0)
                        } else {
                            String::new()
                        };
                        let facts = format!(" {year}{}", text::page_past_facts(s.points, s.comments));
                        let _ = li.append_with_str_1(&facts);
                        let _ = ul.append_child(&li);
                    }
                    let _ = list.append_child(&ul);
                }
                Ok(Response::Error { message }) => list.set_text_content(Some(&text::page_not_available_why(message))),
                Ok(_) => list.set_text_content(Some(text::PAGE_NOT_AVAILABLE)),
                Err(e) => list.set_text_content(Some(&text::page_not_available_why(e))),
            }
        });
    });
    Ok(())
}
