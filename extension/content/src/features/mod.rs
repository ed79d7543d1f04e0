//! Every content feature, registered here. A feature is a module with one
//! `FEATURE` constant: its id (also the prefix of its CSS classes and the key
//! of its on/off option), where it applies, and `init`, which wires it up.

mod page_mark;

use crate::Ctx;

pub struct Feature {
    pub id: &'static str,
    pub applies: fn(&Ctx) -> bool,
    pub init: fn(&Ctx) -> Result<(), String>,
}

/// The registry, in the order features run.
pub const REGISTRY: &[Feature] = &[page_mark::FEATURE];
