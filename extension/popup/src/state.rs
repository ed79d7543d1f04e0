//! The popup's state as a pure reducer: no browser, no storage. Effects
//! (messages to the background) start in `app.rs` only.

use std::rc::Rc;

use hn_core::message::SyncInfo;
use hn_core::settings::Settings;
use hn_core::state::UserState;
use hn_core::text;
use yew::Reducible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Following,
    Inbox,
    Activity,
    Filters,
    Appearance,
    Share,
    Sync,
}

impl Tab {
    pub const ALL: [Tab; 7] =
        [Tab::Following, Tab::Inbox, Tab::Activity, Tab::Filters, Tab::Appearance, Tab::Share, Tab::Sync];
    /// The tab named by a page's `#fragment` (the options page opened from
    /// a notification lands on its tab).
    pub fn from_id(id: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Following => text::POPUP_TAB_FOLLOWING,
            Tab::Inbox => text::POPUP_TAB_REPLIES,
            Tab::Activity => text::POPUP_TAB_ACTIVITY,
            Tab::Filters => text::POPUP_TAB_FILTERS,
            Tab::Appearance => text::POPUP_TAB_APPEARANCE,
            Tab::Share => text::POPUP_TAB_SHARE_BUFFER,
            Tab::Sync => text::POPUP_TAB_SYNC,
        }
    }
    /// The tab a key moves to in the tab list (the ARIA tabs pattern):
    /// arrows to the next or previous one (wrapping), Home and End to the
    /// first and last; `None` for any other key.
    pub fn step(self, key: &str) -> Option<Tab> {
        let n = Tab::ALL.len();
        let at = Tab::ALL.iter().position(|&t| t == self).unwrap_or(0);
        let to = match key {
            "ArrowRight" | "ArrowDown" => (at + 1) % n,
            "ArrowLeft" | "ArrowUp" => (at + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return None,
        };
        Some(Tab::ALL[to])
    }

    pub fn id(self) -> &'static str {
        match self {
            Tab::Following => "following",
            Tab::Inbox => "inbox",
            Tab::Activity => "activity",
            Tab::Filters => "filters",
            Tab::Appearance => "appearance",
            Tab::Share => "share",
            Tab::Sync => "sync",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    pub tab: Tab,
    /// The user's state as last loaded; `None` while loading.
    pub user: Option<UserState>,
    /// The appearance form's edits, not yet saved.
    pub draft: Option<Settings>,
    pub sync: Option<SyncInfo>,
    pub version: String,
    pub status: Status,
    /// Filter for the following list.
    pub search: String,
    /// Order of the following list: by name, or most recently followed first.
    pub recent_first: bool,
    /// The followed users' activity, and when the reader had last seen it
    /// before this opening (the unread marks stay while the popup is open).
    pub activity: Option<hn_core::activity::Feed>,
    pub activity_seen: Option<f64>,
    pub activity_loading: bool,
    /// What each filter rule hid on the current HN tab.
    pub hits: Option<std::collections::BTreeMap<String, u32>>,
    /// Replies to the reader, and the extension's health lines.
    pub inbox: Option<hn_core::notify::Inbox>,
    pub health: Vec<hn_core::health::HealthLine>,
    /// When the app first had the user's state, in ms since navigation start.
    pub ready_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Status {
    #[default]
    Loading,
    Ready,
    Busy,
    Done(String),
    Failed(String),
}

pub enum Action {
    /// `at`: the page's clock when the state arrived (for the benchmark).
    Loaded {
        user: Box<UserState>,
        version: String,
        at: f64,
    },
    Synced(SyncInfo),
    Activity {
        feed: hn_core::activity::Feed,
        loading: bool,
    },
    Hits(std::collections::BTreeMap<String, u32>),
    Inbox(hn_core::notify::Inbox),
    Health(Vec<hn_core::health::HealthLine>),
    Tab(Tab),
    Search(String),
    SortRecent(bool),
    Edit(Settings),
    Busy,
    Done(String),
    Failed(String),
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Loaded { user, version, at } => {
                next.ready_ms.get_or_insert(at);
                // Keep an unsaved appearance draft across reloads of the state.
                if next.draft.is_none() || !self.dirty() {
                    next.draft = Some(user.settings.clone());
                }
                next.user = Some(*user);
                next.version = version;
                if matches!(next.status, Status::Loading) {
                    next.status = Status::Ready;
                }
            }
            Action::Synced(s) => next.sync = Some(s),
            Action::Activity { feed, loading } => {
                next.activity_seen.get_or_insert(feed.seen_at);
                next.activity = Some(feed);
                next.activity_loading = loading;
            }
            Action::Hits(h) => next.hits = Some(h),
            Action::Inbox(i) => next.inbox = Some(i),
            Action::Health(h) => next.health = h,
            Action::Tab(t) => next.tab = t,
            Action::Search(s) => next.search = s,
            Action::SortRecent(r) => next.recent_first = r,
            Action::Edit(s) => {
                next.draft = Some(s);
                next.status = Status::Ready;
            }
            Action::Busy => next.status = Status::Busy,
            Action::Done(m) => next.status = Status::Done(m),
            // A failure keeps every draft: nothing typed is lost.
            Action::Failed(e) => next.status = Status::Failed(e),
        }
        Rc::new(next)
    }
}

impl State {
    /// Whether the appearance form differs from the saved settings.
    pub fn dirty(&self) -> bool {
        match (&self.draft, &self.user) {
            (Some(d), Some(u)) => *d != u.settings,
            _ => false,
        }
    }

    /// Followed users on HN matching the search (name or note), by name
    /// (case-insensitively) or most recently followed first.
    pub fn following(&self) -> Vec<(String, hn_core::state::UserRecord)> {
        let Some(user) = &self.user else { return Vec::new() };
        let needle = self.search.to_lowercase();
        let mut rows: Vec<(String, hn_core::state::UserRecord)> = user
            .follows
            .iter()
            .filter(|(_, rec)| !rec.unfollowed)
            .filter_map(|(k, rec)| Some((k.strip_prefix("hn:")?.to_string(), rec.clone())))
            .filter(|(n, rec)| {
                needle.is_empty() || n.to_lowercase().contains(&needle) || rec.note.to_lowercase().contains(&needle)
            })
            .collect();
        rows.sort_by_key(|(n, _)| n.to_lowercase());
        if self.recent_first {
            rows.sort_by_key(|(_, rec)| std::cmp::Reverse(rec.since.unwrap_or(0)));
        }
        rows
    }
}

impl State {
    /// Followed users of the other sites (site id, name), by name.
    pub fn following_elsewhere(&self) -> Vec<(String, String)> {
        let Some(user) = &self.user else { return Vec::new() };
        let mut rows: Vec<(String, String)> = user
            .follows
            .iter()
            .filter(|(k, rec)| !rec.unfollowed && !k.starts_with("hn:"))
            .filter_map(|(k, _)| k.split_once(':').map(|(s, n)| (s.to_string(), n.to_string())))
            .collect();
        rows.sort_by_key(|(s, n)| (s.clone(), n.to_lowercase()));
        rows
    }
}

/// Usernames from pasted text: separated by spaces, commas or new lines.
pub fn parse_usernames(text: &str) -> (Vec<String>, Vec<String>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|w| !w.is_empty()) {
        let word = word.trim_start_matches('@');
        if hn_core::state::valid_username(word) {
            if !good.iter().any(|g| g == word) {
                good.push(word.to_string());
            }
        } else {
            bad.push(word.to_string());
        }
    }
    (good, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_home_and_end_move_through_the_tabs() {
        assert_eq!(Tab::Following.step("ArrowRight"), Some(Tab::Inbox));
        assert_eq!(Tab::Following.step("ArrowLeft"), Some(Tab::Sync), "wraps");
        assert_eq!(Tab::Sync.step("ArrowRight"), Some(Tab::Following), "wraps");
        assert_eq!(Tab::Share.step("Home"), Some(Tab::Following));
        assert_eq!(Tab::Inbox.step("End"), Some(Tab::Sync));
        assert_eq!(Tab::Inbox.step("a"), None);
    }
    use hn_core::state::{user_key, UserRecord};

    fn loaded(names: &[&str]) -> Rc<State> {
        let mut user = UserState::default();
        for n in names {
            user.follows.insert(user_key("hn", n), UserRecord::default());
        }
        Rc::new(State::default()).reduce(Action::Loaded { user: Box::new(user), version: "1".into(), at: 0.0 })
    }

    #[test]
    fn following_is_searchable_and_sorted_case_insensitively() {
        let s = loaded(&["tptacek", "Animats", "pg", "patio11"]);
        let names = |s: &State| s.following().into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names(&s), vec!["Animats", "patio11", "pg", "tptacek"]);
        let s = s.reduce(Action::Search("P".into()));
        assert_eq!(names(&s), vec!["patio11", "pg", "tptacek"]);
    }

    #[test]
    fn following_sorts_by_recency_and_searches_notes() {
        let mut user = UserState::default();
        for (n, since, note) in [("a", 3, ""), ("b", 1, "rust person"), ("c", 2, "")] {
            user.follows.insert(
                user_key("hn", n),
                UserRecord { since: Some(since), note: note.into(), ..UserRecord::default() },
            );
        }
        let s = Rc::new(State::default()).reduce(Action::Loaded { user: Box::new(user), version: "1".into(), at: 0.0 });
        let s = s.reduce(Action::SortRecent(true));
        assert_eq!(s.following().into_iter().map(|(n, _)| n).collect::<Vec<_>>(), vec!["a", "c", "b"]);
        let s = s.reduce(Action::Search("RUST".into()));
        assert_eq!(s.following().into_iter().map(|(n, _)| n).collect::<Vec<_>>(), vec!["b"]);
    }

    #[test]
    fn edits_make_the_form_dirty_and_failures_keep_them() {
        let s = loaded(&[]);
        assert!(!s.dirty());
        let edited = Settings { font_scale: 130, ..Settings::default() };
        let s = s.reduce(Action::Edit(edited.clone())).reduce(Action::Busy).reduce(Action::Failed("quota".into()));
        assert!(s.dirty());
        assert_eq!(s.draft, Some(edited));
        // A state refresh does not throw the draft away.
        let s = s.reduce(Action::Loaded { user: Box::default(), version: "1".into(), at: 0.0 });
        assert!(s.dirty());
    }

    #[test]
    fn pasted_usernames_are_split_checked_and_deduplicated() {
        let (good, bad) = parse_usernames("pg, @dang\ntptacek pg <b>x</b> a");
        assert_eq!(good, vec!["pg", "dang", "tptacek"]);
        assert_eq!(bad, vec!["<b>x</b>", "a"]);
    }
}
