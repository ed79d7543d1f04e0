//! Marks the page as enhanced and records what the extension found on it:
//! the site, the page kind, and how many stories and comments it read. The
//! popup's health view and the tests read these marks; the background check
//! proves the message path from the page to the worker.

use hn_core::message::{Request, Response};
use wasm_bindgen_futures::spawn_local;

use super::Feature;
use crate::{dom, Ctx};

pub const FEATURE: Feature = Feature { id: "page-mark", applies: |_| true, init };

fn init(ctx: &Ctx) -> Result<(), String> {
    let root = &ctx.root;
    root.class_list().add_1("hnew").map_err(|_| "cannot mark the page")?;
    dom::set_data(root, "hnew-site", ctx.site.id);
    dom::set_data(root, "hnew-kind", ctx.kind.name());
    let stories = dom::all(root, ctx.site.selectors.story).len();
    let comments = dom::all(root, ctx.site.selectors.comment).len();
    dom::set_data(root, "hnew-stories", &stories.to_string());
    dom::set_data(root, "hnew-comments", &comments.to_string());
    let root = root.clone();
    spawn_local(async move {
        let answer = match hn_ext::ask(Request::Ping { nonce: 1 }).await {
            Ok(Response::Pong { version, .. }) => format!("ok {version}"),
            Ok(other) => format!("unexpected {other:?}"),
            Err(e) => format!("error {e}"),
        };
        dom::set_data(&root, "hnew-background", &answer);
    });
    Ok(())
}
