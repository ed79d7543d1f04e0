//! Every content feature, registered here. A feature is a module with a
//! `FEATURE` constant: its id (also the prefix of its CSS classes), where it
//! applies, `init` (wires it up once, from the page alone) and `apply`
//! (applies the user's state; called again whenever it changes).
//!
//! Two lists: [`START`], what changes the page at load, runs in the
//! start-up module; [`MORE`], what the reader does by hand, runs in the
//! module loaded on first use (woken by [`wake`]). A feature with a part in
//! each exports `FEATURE` (start) and `MORE` (on first use) under one id.

pub(crate) mod actions;
pub(crate) mod collapse;
pub mod endless;
mod filters;
mod follow;
pub(crate) mod inline_reply;
pub(crate) mod item_card;
pub mod keys;
pub(crate) mod own_comments;
mod page_mark;
mod past;
mod readability;
pub mod share;
mod sort;
mod tags;
mod unread;
mod user_card;
pub(crate) mod welcome;

use crate::Shared;

/// A feature's step on the page.
pub type Step = fn(&Shared) -> Result<(), String>;
/// A feature's step for rows appended to the page: the index ranges of the
/// new stories and comments.
pub type Added = fn(&Shared, std::ops::Range<usize>, std::ops::Range<usize>) -> Result<(), String>;

pub struct Feature {
    pub id: &'static str,
    pub applies: fn(&Shared) -> bool,
    pub init: Step,
    pub apply: Option<Step>,
    /// Rows were appended to the page (endless scroll): the index ranges of
    /// the new stories and comments.
    pub added: Option<Added>,
}

/// What runs in the start-up module, in order: what changes the page at
/// load, and the listener that wakes the second module.
pub const START: &[Feature] = &[
    page_mark::FEATURE,
    readability::FEATURE,
    follow::FEATURE,
    tags::FEATURE,
    filters::FEATURE,
    collapse::FEATURE,
    endless::FEATURE,
    inline_reply::FEATURE,
    share::FEATURE,
    past::FEATURE,
    unread::FEATURE,
    sort::FEATURE,
    welcome::FEATURE,
    crate::wake::FEATURE,
];

/// What runs in the module loaded on first use, in order.
pub const MORE: &[Feature] = &[
    user_card::FEATURE,
    item_card::FEATURE,
    endless::MORE,
    inline_reply::MORE,
    own_comments::FEATURE,
    actions::FEATURE,
    share::MORE,
    past::MORE,
    sort::MORE,
    keys::FEATURE,
];

/// The list this module runs.
#[cfg(not(feature = "more"))]
pub const REGISTRY: &[Feature] = START;
#[cfg(feature = "more")]
pub const REGISTRY: &[Feature] = MORE;

/// Every feature module file must be registered: checked natively.
#[cfg(test)]
mod tests {
    #[test]
    fn every_feature_file_is_registered_and_documented() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/features");
        let registry = include_str!("mod.rs");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(module) = name.strip_suffix(".rs") else { continue };
            if module == "mod" {
                continue;
            }
            let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            assert!(registry.contains(&format!("    {module}::FEATURE,")), "{module} is not registered");
            if text.contains("pub const MORE: Feature") {
                assert!(registry.contains(&format!("    {module}::MORE,")), "{module}::MORE is not in MORE");
            }
            assert!(text.starts_with("//!"), "{module} has no module documentation");
        }
    }

    #[test]
    fn a_feature_runs_once_in_each_module() {
        for list in [super::START, super::MORE] {
            let mut ids: Vec<&str> = list.iter().map(|f| f.id).collect();
            ids.sort();
            let n = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), n, "an id twice in one list");
        }
    }
}
