//! Marks the page as enhanced and records what the extension found on it:
//! the site, the page kind, and how many stories and comments it read. The
//! health view and the tests read these marks; the ping proves the message
//! path from the page to the worker.

use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use wasm_bindgen_futures::spawn_local;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature { id: "page-mark", applies: |_| true, init, apply: None, added: None };

fn init(ctx: &Shared) -> Result<(), String> {
    let root = &ctx.root;
    root.class_list().add_1("hnew").map_err(|_| "cannot mark the page")?;
    dom::set_data(root, "hnew-site", ctx.site.id);
    dom::set_data(root, "hnew-kind", ctx.kind.name());
    let index = ctx.index.borrow();
    dom::set_data(root, "hnew-stories", &index.stories.len().to_string());
    dom::set_data(root, "hnew-comments", &index.comments.len().to_string());
    let root = root.clone();
    spawn_local(async move {
        let answer = match crate::ask(Request::Ping { nonce: 1 }).await {
            Ok(Response::Pong { version, .. }) => format!("ok {version}"),
            Ok(_) => "unexpected answer".to_string(),
            Err(e) => format!("error {e}"),
        };
        dom::set_data(&root, "hnew-background", &answer);
    });
    Ok(())
}
