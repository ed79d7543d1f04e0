//! Marks the page as enhanced and records what the extension found on it:
//! the site, the page kind, and how many stories and comments it read. The
//! health view and the tests read these marks. (That the message path to
//! the worker works is marked when the state arrives: `data-hnew-background`;
//! no request of its own.)

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature { id: "page-mark", applies: |_| true, init, apply: None, added: None };

fn init(ctx: &Shared) -> Result<(), String> {
    let root = &ctx.root;
    root.class_list().add_1("hnew").map_err(|_| "cannot mark the page")?;
    dom::report("hnew-site", ctx.site.id);
    dom::report("hnew-kind", ctx.kind.name());
    let index = ctx.index.borrow();
    dom::report("hnew-stories", &index.stories.len().to_string());
    dom::report("hnew-comments", &index.comments.len().to_string());
    Ok(())
}
