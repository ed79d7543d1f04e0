//! Class names and controls more than one part of the content script
//! knows: one feature marks, another reads (features never import each
//! other; what they share lives outside `features/`).

/// A comment new since the reader's last visit (unread marks it; keys
/// jumps to it).
pub const NEW: &str = "hnew-new";
/// The controls the second module answers (the wake listener claims a
/// click on them).
pub const SHARE_BUTTON: &str = "button.hnew-share";
pub const SORT_BUTTON: &str = "button.hnew-sort-by";
pub const PAST_BUTTON: &str = "button.hnew-past";
