//! The feature manager: runs each registered feature that applies to the
//! page, catches its failure, logs it by id, and switches it off for this
//! page without touching the others.

use crate::features::{Feature, REGISTRY};
use crate::{dom, Ctx};

pub fn run_all(ctx: &Ctx) {
    let mut ran = Vec::new();
    let mut failed = Vec::new();
    for feature in REGISTRY {
        if !(feature.applies)(ctx) {
            continue;
        }
        match run_one(feature, ctx) {
            Ok(()) => ran.push(feature.id),
            Err(e) => {
                dom::log(&format!("feature {} switched off on this page: {e}", feature.id));
                failed.push(feature.id);
            }
        }
    }
    dom::set_data(&ctx.root, "hnew-features", &ran.join(" "));
    if !failed.is_empty() {
        dom::set_data(&ctx.root, "hnew-failed", &failed.join(" "));
    }
}

fn run_one(feature: &Feature, ctx: &Ctx) -> Result<(), String> {
    // A panic aborts the whole module (panic = "abort" keeps it small), so
    // features return errors instead of panicking; this is the only place
    // that turns an error into "off".
    (feature.init)(ctx)
}
