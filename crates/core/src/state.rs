//! The user's state as the features see it: who they follow, what they
//! filter, how they read. The background builds it from the synced document
//! and sends it to pages and the popup.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::filters::FilterRule;
use crate::settings::Settings;
use crate::share::{BufferItem, ItemStatus, SharePrefs};

/// Collections of the synced document.
pub const FOLLOWS: &str = "follows";
/// A user's tag and note, each its own entry (by the same key as
/// [`FOLLOWS`]), so a tag set on one device and a follow on another both
/// survive; a follow's entry holds when and whether to notify.
pub const TAGS: &str = "tags";
pub const NOTES: &str = "notes";
pub const FILTERS: &str = "filters";
/// Whether each filter rule is on, by the rule's key: its own entry, so
/// switching a rule on one device and editing it on another both survive
/// (absent: as the rule says, as earlier versions kept it).
pub const FILTER_ON: &str = "filter_on";
pub const SETTINGS: &str = "settings";
/// The share buffer's items, by [`BufferItem::key`], and their statuses.
pub const SHARE: &str = "share";
pub const SHARE_STATUS: &str = "share_status";
/// The settings key of the share buffer's preferences.
pub const SHARE_PREFS: &str = "share";
/// The settings key of the notification preferences.
pub const NOTIFY_PREFS: &str = "notify";
/// Marks of replies the reader was told about, by reply id
/// ([`crate::notify::ReplyMark`]); read by the background only.
pub const REPLIES: &str = "replies";
/// The one key of the settings collection.
pub const READING: &str = "reading";

/// What the extension knows about one user: followed, a note, a tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UserRecord {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// When the user was followed (ms since the epoch), for sorting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
    /// A record kept for its tag or note only: the user is not followed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unfollowed: bool,
    /// A system notification when this followed user posts.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub notify: bool,
}

/// Longest tag, in characters.
pub const MAX_TAG: usize = 24;

/// A tag as typed, trimmed; `None` if it is not one (empty, too long,
/// control characters, or characters that show nothing or reorder the
/// text around them: a tag is read beside someone's name, so it must be
/// seen as what it is).
pub fn valid_tag(tag: &str) -> Option<String> {
    let t = tag.trim();
    let shown = t.chars().any(|c| !c.is_whitespace() && !invisible(c) && c != '\u{200d}');
    (shown && t.chars().count() <= MAX_TAG && !t.chars().any(|c| c.is_control() || invisible(c) || reorders(c)))
        .then(|| t.to_string())
}

/// Characters that take no room and show nothing (zero-width spaces and
/// joiners' look-alikes, fillers, the byte-order mark, tag characters).
/// The zero-width joiner is allowed inside a tag: emoji sequences use it.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00ad}' | '\u{034f}' | '\u{115f}' | '\u{1160}' | '\u{17b4}' | '\u{17b5}' | '\u{180e}'
        | '\u{200b}' | '\u{200c}' | '\u{2060}'..='\u{2064}' | '\u{206a}'..='\u{206f}' | '\u{3164}'
        | '\u{feff}' | '\u{ffa0}' | '\u{e0000}'..='\u{e007f}')
}

/// Bidirectional formatting characters: they reorder the text after them.
fn reorders(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One of eight colours for a tag, the same for the same text everywhere.
pub fn tag_color(tag: &str) -> u8 {
    (tag.bytes().fold(2166136261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619)) % 8) as u8
}

/// Longest note on a user.
pub const MAX_NOTE: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UserState {
    /// Followed users by [`user_key`].
    pub follows: BTreeMap<String, UserRecord>,
    /// Filter rules by [`FilterRule::key`].
    pub filters: BTreeMap<String, FilterRule>,
    pub settings: Settings,
    /// The share buffer: items by key, what happened to them, preferences.
    #[serde(default)]
    pub share: BTreeMap<String, BufferItem>,
    #[serde(default)]
    pub share_status: BTreeMap<String, ItemStatus>,
    #[serde(default)]
    pub share_prefs: SharePrefs,
}

/// Where the background keeps a copy of what pages read at load (follows,
/// filters, settings: a [`LoadState`]) in local storage, rewritten whenever
/// it changes: `early.js` starts reading it before the page is parsed, so a
/// page applies the reader's state at the end of parsing without waiting
/// for the service worker (which Chrome stops when idle; waking it takes
/// longer than parsing a front page).
pub const PAGE_STATE_KEY: &str = "page_state";

/// What a page's start-up module reads of the state: what changes the page
/// at load, written for it as a short text (`crate::page_state`). The share
/// buffer and its preferences (read by the share menu, in the module loaded
/// on first use) are not in it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadState {
    pub follows: BTreeMap<String, UserRecord>,
    pub filters: BTreeMap<String, FilterRule>,
    pub settings: Settings,
    /// Newly installed: pages say, once, what the extension adds (until
    /// the reader dismisses it). Kept on this device only.
    pub welcome: bool,
}

impl From<LoadState> for UserState {
    fn from(s: LoadState) -> UserState {
        UserState { follows: s.follows, filters: s.filters, settings: s.settings, ..UserState::default() }
    }
}

/// The key of a user on a site. Users are per site (an HN user and a
/// Lobsters user of the same name are different people), and names are
/// compared exactly, as HN does (`pg` and `PG` are different accounts).
pub fn user_key(site: &str, user: &str) -> String {
    format!("{site}:{user}")
}

impl UserState {
    pub fn follows(&self, site: &str, user: &str) -> bool {
        self.follows.get(&user_key(site, user)).is_some_and(|r| !r.unfollowed)
    }

    /// Followed usernames on one site.
    pub fn followed_on<'a>(&'a self, site: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = format!("{site}:");
        self.follows.iter().filter(|(_, r)| !r.unfollowed).filter_map(move |(k, _)| k.strip_prefix(prefix.as_str()))
    }

    /// Followed users on one site who notify when they post.
    pub fn notifying_on<'a>(&'a self, site: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        let prefix = format!("{site}:");
        self.follows
            .iter()
            .filter(|(_, r)| !r.unfollowed && r.notify)
            .filter_map(move |(k, _)| k.strip_prefix(prefix.as_str()))
    }

    /// Tagged users on one site, with their tags.
    pub fn tags_on<'a>(&'a self, site: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let prefix = format!("{site}:");
        self.follows.iter().filter_map(move |(k, r)| Some((k.strip_prefix(prefix.as_str())?, r.tag.as_deref()?)))
    }

    /// Items waiting for a slot (neither announced nor shared), for the
    /// planner.
    pub fn queued(&self) -> Vec<crate::schedule::Queued<'_>> {
        self.share
            .iter()
            .filter(|(k, _)| self.share_status.get(*k).is_none_or(|s| s.announced.is_none() && s.shared.is_none()))
            .map(|(k, item)| crate::schedule::Queued { key: k, position: item.position, added: item.added })
            .collect()
    }

    /// Items announced and waiting for the user, oldest slot first.
    pub fn due(&self) -> Vec<(&str, &BufferItem, i64)> {
        let mut out: Vec<_> = self
            .share
            .iter()
            .filter_map(|(k, item)| {
                let s = self.share_status.get(k)?;
                Some((k.as_str(), item, s.announced.filter(|_| s.shared.is_none())?))
            })
            .collect();
        out.sort_by_key(|x| x.2);
        out
    }

    /// Shared items, newest first.
    pub fn history(&self) -> Vec<(&str, &BufferItem, i64)> {
        let mut out: Vec<_> = self
            .share
            .iter()
            .filter_map(|(k, item)| Some((k.as_str(), item, self.share_status.get(k)?.shared?)))
            .collect();
        out.sort_by_key(|x| std::cmp::Reverse(x.2));
        out
    }

    /// The due items this device should announce at `now`: only the
    /// announcer device does, so two devices never both announce a slot.
    pub fn announce(
        &self,
        device: u32,
        zone: &dyn crate::schedule::Zone,
        now: i64,
    ) -> Option<crate::schedule::Tick<'_>> {
        if self.share_prefs.announcer != Some(device) {
            return None;
        }
        Some(crate::schedule::tick(&self.share_prefs, zone, &self.queued(), now))
    }

    /// Every filter rule, with its key.
    pub fn rules(&self) -> Vec<(String, FilterRule)> {
        self.filters.iter().map(|(k, r)| (k.clone(), r.clone())).collect()
    }

    /// The filter rules of one site, with their keys.
    pub fn rules_on(&self, site: &str) -> Vec<(String, FilterRule)> {
        self.filters.iter().filter(|(_, r)| r.site == site).map(|(k, r)| (k.clone(), r.clone())).collect()
    }
}

/// A valid HN username: 2–15 letters, digits, `-` or `_`.
pub fn valid_username(name: &str) -> bool {
    (2..=15).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_at_load_reads_follows_filters_and_settings_and_skips_the_buffer() {
        let mut full = UserState::default();
        full.follows.insert(user_key("hn", "pg"), UserRecord::default());
        full.settings.font_scale = 120;
        full.share_prefs.paused = true;
        let text = LoadState::of(&full).encode();
        let load: UserState = LoadState::decode(&text).unwrap().into();
        assert!(load.follows("hn", "pg"));
        assert_eq!(load.settings, full.settings);
        assert_eq!(load.share_prefs, SharePrefs::default(), "the buffer is the share menu's, read on first use");
    }

    #[test]
    fn follows_are_per_site_and_case_sensitive() {
        let mut s = UserState::default();
        s.follows.insert(user_key("hn", "pg"), UserRecord::default());
        assert!(s.follows("hn", "pg"));
        assert!(!s.follows("hn", "PG"));
        assert!(!s.follows("lobsters", "pg"));
        assert_eq!(s.followed_on("hn").collect::<Vec<_>>(), vec!["pg"]);
    }

    #[test]
    fn a_tagged_user_need_not_be_followed() {
        let mut s = UserState::default();
        s.follows.insert(
            user_key("hn", "pg"),
            UserRecord { tag: Some("founder".into()), unfollowed: true, ..UserRecord::default() },
        );
        assert!(!s.follows("hn", "pg"));
        assert_eq!(s.followed_on("hn").count(), 0);
        assert_eq!(s.tags_on("hn").collect::<Vec<_>>(), vec![("pg", "founder")]);
        assert_eq!(valid_tag("  yc  "), Some("yc".into()));
        assert_eq!(valid_tag(""), None);
        assert_eq!(valid_tag(&"x".repeat(25)), None);
        // Nothing invisible, nothing that reorders what follows.
        for bad in [
            "\u{200b}",
            "a\u{200b}b",
            "\u{202e}gnp.exe",
            "x\u{2067}y",
            "\u{feff}",
            "\u{3164}",
            "\u{200d}",
            "tag\u{e0041}",
        ] {
            assert_eq!(valid_tag(bad), None, "{bad:?}");
        }
        assert_eq!(valid_tag("👩\u{200d}💻 dev"), Some("👩\u{200d}💻 dev".into()), "emoji sequences stay");
        assert_eq!(valid_tag("عربي"), Some("عربي".into()), "right-to-left text is text");
        assert_eq!(tag_color("yc"), tag_color("yc"));
        assert!(tag_color("anything") < 8);
    }

    #[test]
    fn usernames() {
        assert!(valid_username("pg"));
        assert!(valid_username("dang_2-x"));
        assert!(!valid_username(""));
        assert!(!valid_username("a b"));
        assert!(!valid_username("<script>"));
    }
}
