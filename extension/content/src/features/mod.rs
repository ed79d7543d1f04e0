//! Every content feature, registered here. A feature is a module with one
//! `FEATURE` constant: its id (also the prefix of its CSS classes), where it
//! applies, `init` (wires it up once, from the page alone) and `apply`
//! (applies the user's state; called again whenever it changes).

mod actions;
pub(crate) mod collapse;
mod endless;
mod filters;
mod follow;
mod inline_reply;
mod item_card;
pub(crate) mod keys;
mod page_mark;
mod past;
mod readability;
pub(crate) mod share;
mod sort;
mod tags;
mod unread;
mod user_card;

use crate::Shared;

pub struct Feature {
    pub id: &'static str,
    pub applies: fn(&Shared) -> bool,
    pub init: fn(&Shared) -> Result<(), String>,
    pub apply: Option<fn(&Shared) -> Result<(), String>>,
    /// Rows were appended to the page (endless scroll): the index ranges of
    /// the new stories and comments.
    pub added: Option<fn(&Shared, std::ops::Range<usize>, std::ops::Range<usize>) -> Result<(), String>>,
}

/// The registry, in the order features run.
pub const REGISTRY: &[Feature] = &[
    page_mark::FEATURE,
    readability::FEATURE,
    follow::FEATURE,
    tags::FEATURE,
    user_card::FEATURE,
    item_card::FEATURE,
    filters::FEATURE,
    collapse::FEATURE,
    endless::FEATURE,
    inline_reply::FEATURE,
    actions::FEATURE,
    share::FEATURE,
    past::FEATURE,
    unread::FEATURE,
    sort::FEATURE,
    keys::FEATURE,
];

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
            assert!(registry.contains(&format!("    {module}::FEATURE,")), "{module} is not in REGISTRY");
            let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
            assert!(text.starts_with("//!"), "{module} has no module documentation");
        }
    }
}
