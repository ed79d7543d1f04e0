//! Keyboard navigation: the actions, their default keys, and which key
//! press means what. A press with Ctrl, Alt or Meta is never ours (those
//! belong to the browser and the system), and nothing fires while the reader
//! types in a field (the content script checks the focus).

use crate::text;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Next,
    Previous,
    Parent,
    NextTopLevel,
    PreviousTopLevel,
    NextUnread,
    Open,
    Discussion,
    Fold,
    Reply,
    Vote,
    Favorite,
    Hide,
    Follow,
    Share,
    Help,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::Next,
        Action::Previous,
        Action::Parent,
        Action::NextTopLevel,
        Action::PreviousTopLevel,
        Action::NextUnread,
        Action::Open,
        Action::Discussion,
        Action::Fold,
        Action::Reply,
        Action::Vote,
        Action::Favorite,
        Action::Hide,
        Action::Follow,
        Action::Share,
        Action::Help,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            Action::Next => text::KEY_NEXT,
            Action::Previous => text::KEY_PREVIOUS,
            Action::Parent => text::KEY_PARENT,
            Action::NextTopLevel => text::KEY_NEXT_TOP,
            Action::PreviousTopLevel => text::KEY_PREVIOUS_TOP,
            Action::NextUnread => text::KEY_NEXT_UNREAD,
            Action::Open => text::KEY_OPEN,
            Action::Discussion => text::KEY_DISCUSSION,
            Action::Fold => text::KEY_FOLD,
            Action::Reply => text::KEY_REPLY,
            Action::Vote => text::KEY_VOTE,
            Action::Favorite => text::KEY_FAVORITE,
            Action::Hide => text::KEY_HIDE,
            Action::Follow => text::KEY_FOLLOW,
            Action::Share => text::KEY_SHARE,
            Action::Help => text::KEY_HELP,
        }
    }

    /// The default key (as `KeyboardEvent.key` reports it).
    pub fn default_key(self) -> &'static str {
        match self {
            Action::Next => "j",
            Action::Previous => "k",
            Action::Parent => "p",
            Action::NextTopLevel => "J",
            Action::PreviousTopLevel => "K",
            Action::NextUnread => "n",
            Action::Open => "o",
            Action::Discussion => "c",
            Action::Fold => "x",
            Action::Reply => "r",
            Action::Vote => "u",
            Action::Favorite => "f",
            Action::Hide => "h",
            Action::Follow => "w",
            Action::Share => "s",
            Action::Help => "?",
        }
    }
}

/// The reader's bindings: action → key. Missing actions take their default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Bindings(pub std::collections::BTreeMap<Action, String>);

impl Bindings {
    pub fn key(&self, action: Action) -> &str {
        self.0.get(&action).map_or(action.default_key(), String::as_str)
    }

    /// The action of a key press, if any. `Enter` also opens.
    pub fn action(&self, key: &str, ctrl: bool, alt: bool, meta: bool) -> Option<Action> {
        if ctrl || alt || meta {
            return None;
        }
        if key == "Enter" {
            return Some(Action::Open);
        }
        Action::ALL.into_iter().find(|&a| self.key(a) == key)
    }

    /// Every key is one printable character, and no two actions share one.
    pub fn validated(self) -> Result<Bindings, String> {
        let mut seen = std::collections::BTreeMap::new();
        for a in Action::ALL {
            let k = self.key(a);
            if k.chars().count() != 1 || k.chars().any(char::is_control) || k == " " {
                return Err(text::key_not_single(k, a.describe()));
            }
            if let Some(other) = seen.insert(k.to_string(), a) {
                return Err(text::key_used_twice(k, other.describe(), a.describe()));
            }
        }
        Ok(self)
    }
}

/// Where focus goes among items, given the current index (if any), the
/// count, and for comments their depths.
pub fn step(current: Option<usize>, len: usize, forward: bool) -> Option<usize> {
    if len == 0 {
        return None;
    }
    Some(match (current, forward) {
        (None, true) => 0,
        (None, false) => len - 1,
        (Some(i), true) => (i + 1).min(len - 1),
        (Some(i), false) => i.saturating_sub(1),
    })
}

/// The parent of comment `i`: the nearest earlier comment that is shallower.
pub fn parent(depths: &[u32], i: usize) -> Option<usize> {
    let d = *depths.get(i)?;
    (0..i).rev().find(|&j| depths[j] < d)
}

/// The next (or previous) top-level comment from `i`.
pub fn top_level(depths: &[u32], current: Option<usize>, forward: bool) -> Option<usize> {
    match (current, forward) {
        (None, true) => depths.iter().position(|&d| d == 0),
        (None, false) => depths.iter().rposition(|&d| d == 0),
        (Some(i), true) => (i + 1..depths.len()).find(|&j| depths[j] == 0),
        (Some(i), false) => (0..i).rev().find(|&j| depths[j] == 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_map_keys_to_actions_and_leave_browser_keys_alone() {
        let b = Bindings::default();
        assert_eq!(b.action("j", false, false, false), Some(Action::Next));
        assert_eq!(b.action("J", false, false, false), Some(Action::NextTopLevel));
        assert_eq!(b.action("Enter", false, false, false), Some(Action::Open));
        assert_eq!(b.action("?", false, false, false), Some(Action::Help));
        assert_eq!(b.action("j", true, false, false), None, "Ctrl+J is the browser's");
        assert_eq!(b.action("f", false, false, true), None);
        assert_eq!(b.action("z", false, false, false), None);
        assert!(b.validated().is_ok());
    }

    #[test]
    fn rebinding_is_checked() {
        let mut b = Bindings::default();
        b.0.insert(Action::Vote, "j".into());
        assert!(b.clone().validated().unwrap_err().contains("both"));
        b.0.insert(Action::Vote, "ab".into());
        assert!(b.clone().validated().is_err());
        b.0.insert(Action::Vote, "v".into());
        let b = b.validated().unwrap();
        assert_eq!(b.action("v", false, false, false), Some(Action::Vote));
        assert_eq!(b.action("u", false, false, false), None);
    }

    #[test]
    fn movement() {
        assert_eq!(step(None, 3, true), Some(0));
        assert_eq!(step(Some(2), 3, true), Some(2));
        assert_eq!(step(Some(0), 3, false), Some(0));
        assert_eq!(step(None, 0, true), None);
        let depths = [0, 1, 2, 1, 0, 1];
        assert_eq!(parent(&depths, 2), Some(1));
        assert_eq!(parent(&depths, 3), Some(0));
        assert_eq!(parent(&depths, 4), None);
        assert_eq!(top_level(&depths, Some(1), true), Some(4));
        assert_eq!(top_level(&depths, Some(5), false), Some(4));
        assert_eq!(top_level(&depths, Some(4), true), None);
    }
}
