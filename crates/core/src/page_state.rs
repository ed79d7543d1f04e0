//! The page state as a page's start-up module reads it: a short text, not
//! JSON. The background writes it whenever follows, filters or settings
//! change ([`crate::state::PAGE_STATE_KEY`]); the content script reads it
//! at the end of parsing. A text of tab-separated lines needs no
//! deserializer in the script every page compiles (serde's generic
//! decoding of the same state was an eighth of that script), and decodes
//! in one pass over one string instead of a crossing into JavaScript per
//! field.
//!
//! ```text
//! hnew-page-state 1                      the format
//! s font width line theme contrast crisp badge read fold   settings (enums by position, bools 0/1)
//! k action key                           a key binding the reader changed
//! u site:name flags tag                  a user record: flags `x` unfollowed, `n` notify
//! r key kind target substring enabled site pattern        a filter rule
//! w                                      newly installed: say what is there
//! ```
//! Fields are separated by tabs, records by newlines, text fields escaped
//! as `crate::wire` escapes them.
//! What no page's script reads (notes, when a user was followed) is left
//! out; the share menu asks for its part of the state when it loads
//! (`crate::message::PageAnswer::State`).

use crate::filters::{FilterRule, RuleKind, Target};
use crate::keys::Action;
use crate::settings::{ReadStories, Settings, Theme};
use crate::state::{LoadState, UserRecord, UserState};
use crate::wire::{escape, unescape};

const FORMAT: &str = "hnew-page-state 1";
const THEMES: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];
const READ: [ReadStories; 3] = [ReadStories::Show, ReadStories::Dim, ReadStories::Hide];
const KINDS: [RuleKind; 4] = [RuleKind::Keyword, RuleKind::User, RuleKind::Domain, RuleKind::Tag];
const TARGETS: [Target; 3] = [Target::Stories, Target::Comments, Target::Both];

fn position<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|v| v == value).unwrap_or(0)
}

fn bit(b: bool) -> &'static str {
    if b {
        "1"
    } else {
        "0"
    }
}

impl LoadState {
    /// What a page reads at load of the whole state.
    pub fn of(state: &UserState) -> LoadState {
        LoadState {
            follows: state.follows.clone(),
            filters: state.filters.clone(),
            settings: state.settings.clone(),
            welcome: false,
        }
    }

    /// Whether a rule is on: pages keep their rows unpainted until the
    /// rules are applied.
    pub fn filters_on(&self) -> bool {
        self.filters.values().any(|r| r.enabled)
    }

    /// The text pages read (see the module's documentation).
    pub fn encode(&self) -> String {
        let s = &self.settings;
        let mut out = String::with_capacity(64 + 32 * (self.follows.len() + self.filters.len()));
        out.push_str(FORMAT);
        out.push_str(&format!(
            "\ns\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            s.font_scale,
            s.width,
            s.line_height,
            position(&THEMES, &s.theme),
            bit(s.high_contrast),
            bit(s.crisp_assets),
            bit(s.badge),
            position(&READ, &s.read_stories),
            bit(s.fold_old)
        ));
        for (action, key) in &s.keys.0 {
            out.push_str(&format!("\nk\t{}\t", position(&Action::ALL, action)));
            escape(key, &mut out);
        }
        for (key, r) in &self.follows {
            out.push_str("\nu\t");
            escape(key, &mut out);
            out.push('\t');
            if r.unfollowed {
                out.push('x');
            }
            if r.notify {
                out.push('n');
            }
            out.push('\t');
            if let Some(tag) = &r.tag {
                escape(tag, &mut out);
            }
        }
        for (key, r) in &self.filters {
            out.push_str("\nr\t");
            escape(key, &mut out);
            out.push_str(&format!(
                "\t{}\t{}\t{}\t{}\t",
                position(&KINDS, &r.kind),
                position(&TARGETS, &r.target),
                bit(r.substring),
                bit(r.enabled)
            ));
            escape(&r.site, &mut out);
            out.push('\t');
            escape(&r.pattern, &mut out);
        }
        if self.welcome {
            out.push_str("\nw");
        }
        out
    }

    /// Reads [`LoadState::encode`]'s text; a line of an unknown kind is
    /// skipped (a newer writer's), a damaged one refuses the whole text.
    pub fn decode(text: &str) -> Result<LoadState, String> {
        let mut lines = text.split('\n');
        if lines.next() != Some(FORMAT) {
            return Err("not a page state of this version".into());
        }
        let mut state = LoadState::default();
        for (n, line) in lines.enumerate() {
            let f: Vec<&str> = line.split('\t').collect();
            let bad = || format!("line {} of the page state is damaged", n + 2);
            let num = |i: usize| f.get(i).and_then(|v| v.parse::<u16>().ok()).ok_or_else(bad);
            let flag = |i: usize| match f.get(i) {
                Some(&"1") => Ok(true),
                Some(&"0") => Ok(false),
                _ => Err(bad()),
            };
            let pick =
                |i: usize, len: usize| num(i).map(usize::from).and_then(|v| if v < len { Ok(v) } else { Err(bad()) });
            let text = |i: usize| f.get(i).map(|v| unescape(v)).ok_or_else(bad);
            match f[0] {
                "s" => {
                    state.settings = Settings {
                        font_scale: num(1)?,
                        width: num(2)?,
                        line_height: num(3)?,
                        theme: THEMES[pick(4, THEMES.len())?],
                        high_contrast: flag(5)?,
                        crisp_assets: flag(6)?,
                        badge: flag(7)?,
                        read_stories: READ[pick(8, READ.len())?],
                        fold_old: flag(9)?,
                        keys: std::mem::take(&mut state.settings.keys),
                    }
                }
                "k" => {
                    let action = Action::ALL[pick(1, Action::ALL.len())?];
                    state.settings.keys.0.insert(action, text(2)?);
                }
                "u" => {
                    let flags = f.get(2).ok_or_else(bad)?;
                    let tag = text(3)?;
                    let record = UserRecord {
                        tag: (!tag.is_empty()).then_some(tag),
                        unfollowed: flags.contains('x'),
                        notify: flags.contains('n'),
                        ..UserRecord::default()
                    };
                    state.follows.insert(text(1)?, record);
                }
                "r" => {
                    let rule = FilterRule {
                        kind: KINDS[pick(2, KINDS.len())?],
                        target: TARGETS[pick(3, TARGETS.len())?],
                        substring: flag(4)?,
                        enabled: flag(5)?,
                        site: text(6)?,
                        pattern: text(7)?,
                    };
                    state.filters.insert(text(1)?, rule);
                }
                "w" => state.welcome = true,
                _ => {}
            }
        }
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Bindings;

    fn sample() -> LoadState {
        let mut s = LoadState::default();
        s.settings.font_scale = 115;
        s.settings.theme = Theme::Dark;
        s.settings.read_stories = ReadStories::Dim;
        s.settings.fold_old = true;
        s.settings.badge = false;
        s.welcome = true;
        s.settings.keys = Bindings([(Action::Next, "n".to_string()), (Action::Fold, "\\".to_string())].into());
        s.follows.insert("hn:pg".into(), UserRecord { tag: Some("YC\tfounder\\".into()), ..Default::default() });
        s.follows.insert("lobsters:x".into(), UserRecord { unfollowed: true, notify: true, ..Default::default() });
        s.filters.insert(
            "hn:keyword:crypto".into(),
            FilterRule {
                kind: RuleKind::Keyword,
                pattern: "crypto\nline".into(),
                target: Target::Both,
                substring: true,
                enabled: false,
                site: "hn".into(),
            },
        );
        s
    }

    #[test]
    fn the_text_reads_back_as_written() {
        let s = sample();
        let text = s.encode();
        assert!(text.starts_with("hnew-page-state 1\ns\t115\t"));
        assert_eq!(LoadState::decode(&text), Ok(s));
        assert_eq!(LoadState::decode(&LoadState::default().encode()), Ok(LoadState::default()));
        assert!(!sample().filters_on());
    }

    #[test]
    fn notes_and_dates_are_left_out() {
        let mut state = UserState::default();
        state.follows.insert(
            "hn:pg".into(),
            UserRecord { note: "private".into(), since: Some(1), tag: Some("t".into()), ..Default::default() },
        );
        let text = LoadState::of(&state).encode();
        assert!(!text.contains("private"));
        let back = LoadState::decode(&text).unwrap();
        assert_eq!(back.follows["hn:pg"], UserRecord { tag: Some("t".into()), ..Default::default() });
    }

    #[test]
    fn damage_is_refused_and_unknown_lines_skipped() {
        assert!(LoadState::decode("").is_err());
        assert!(LoadState::decode("{\"follows\":{}}").is_err());
        assert!(LoadState::decode("hnew-page-state 1\ns\t100").is_err());
        assert!(LoadState::decode("hnew-page-state 1\nr\tk\t9\t0\t0\t1\thn\tx").is_err());
        assert!(LoadState::decode("hnew-page-state 1\nk\t99\tx").is_err());
        assert_eq!(LoadState::decode("hnew-page-state 1\nz\tnew kind\n"), Ok(LoadState::default()));
    }
}
