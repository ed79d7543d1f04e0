//! Votes, favorites, hides and flags in place: HN's own links (each carries
//! the reader's `auth` token) followed by the background, and HN's answer
//! read into words a reader can act on.

use crate::reply::{self, ReplyError};
use crate::text;

/// What HN calls each action, by the path that does it.
const ACTIONS: [&str; 4] = ["vote", "hide", "fave", "flag"];

/// Whether `path` (HN-relative, e.g. `vote?id=1&how=up&auth=…&goto=news`)
/// is one of HN's action links, and nothing else.
pub fn is_action_path(path: &str) -> bool {
    let path = path.trim_start_matches('/');
    let Some((name, query)) = path.split_once('?') else { return false };
    ACTIONS.contains(&name)
        && path.len() <= 400
        && query.split('&').any(|p| p.starts_with("auth=") && p.len() > 5)
        && query
            .split('&')
            .any(|p| p.strip_prefix("id=").is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())))
        && query.bytes().all(|b| b.is_ascii_alphanumeric() || b"=&_-.%/?".contains(&b))
}

/// What following an action link changes on HN's page, read from its
/// path (HN's grammar: `vote?id=1&how=up|down|un`, `fave?id=1[&un=t]`,
/// `flag?id=1[&un=t]`, `hide?id=1`), with the ids of the elements HN's
/// page gives each part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flip {
    /// A vote: the arrow (element `arrow`, `up_<id>`) goes and `unvote` (the
    /// address that takes it back) shows in the span `unvote_in`
    /// (`unv_<id>`), as the link `unvote_id` (`un_<id>`).
    Vote { arrow: String, unvote: String, unvote_in: String, unvote_id: String },
    /// A vote taken back: the arrow comes back.
    Unvote { arrow: String },
    /// A favorite (`fave`) or a flag set, or taken back (`undo`); `next` is
    /// the link's address afterwards (the other way round).
    Mark { fave: bool, undo: bool, next: String },
    /// The story whose row's id is `id` hidden.
    Hide { id: String },
}

/// The class HN gives a vote arrow already used (which hides it).
pub const USED_ARROW: &str = "nosee";

/// A parameter of an HN path's query.
fn param<'a>(path: &'a str, name: &str) -> Option<&'a str> {
    path.split_once('?')?.1.split('&').find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
}

/// What `path` (an [`is_action_path`]) changes.
pub fn flip(path: &str) -> Flip {
    let id = param(path, "id").unwrap_or("").to_string();
    let path = path.trim_start_matches('/');
    if path.starts_with("vote?") {
        let arrow = format!("up_{id}");
        if param(path, "how") == Some("un") {
            Flip::Unvote { arrow }
        } else {
            Flip::Vote {
                arrow,
                unvote: path.replace("how=up", "how=un").replace("how=down", "how=un"),
                unvote_in: format!("unv_{id}"),
                unvote_id: format!("un_{id}"),
            }
        }
    } else if path.starts_with("fave?") || path.starts_with("flag?") {
        let undo = param(path, "un") == Some("t");
        let next = if undo { path.replace("&un=t", "") } else { format!("{path}&un=t") };
        Flip::Mark { fave: path.starts_with("fave?"), undo, next }
    } else {
        Flip::Hide { id }
    }
}

/// HN's answer to an action: a redirect is success; anything else says why.
pub fn outcome(status: u16, redirected: bool, html: &str) -> Result<(), String> {
    if html.contains("have to be logged in") || html.contains("action=\"login\"") {
        return Err(text::ACT_LOGGED_OUT.into());
    }
    match reply::outcome(status, redirected, html) {
        Ok(()) => Ok(()),
        Err(ReplyError::RateLimited) => Err(text::ACT_RATE_LIMITED.into()),
        Err(ReplyError::Unavailable) => Err(text::ACT_UNAVAILABLE.into()),
        Err(ReplyError::Network(e)) => Err(text::act_network(e)),
        Err(_) if redirected => Ok(()),
        Err(_) => Err(text::ACT_REJECTED.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_link_says_what_it_changes() {
        assert_eq!(
            flip("vote?id=7&how=up&auth=abc&goto=news"),
            Flip::Vote {
                arrow: "up_7".into(),
                unvote: "vote?id=7&how=un&auth=abc&goto=news".into(),
                unvote_in: "unv_7".into(),
                unvote_id: "un_7".into()
            }
        );
        assert_eq!(flip("/vote?id=7&how=un&auth=abc"), Flip::Unvote { arrow: "up_7".into() });
        assert_eq!(
            flip("fave?id=7&auth=abc"),
            Flip::Mark { fave: true, undo: false, next: "fave?id=7&auth=abc&un=t".into() }
        );
        assert_eq!(
            flip("flag?id=7&auth=abc&un=t"),
            Flip::Mark { fave: false, undo: true, next: "flag?id=7&auth=abc".into() }
        );
        assert_eq!(flip("hide?id=7&auth=abc&goto=news"), Flip::Hide { id: "7".into() });
        assert_eq!(param("vote?id=7&how=up", "how"), Some("up"));
        assert_eq!(param("vote?id=7", "how"), None);
    }

    #[test]
    fn only_hn_action_links_pass() {
        assert!(is_action_path("vote?id=47536761&how=up&auth=fixtureauth&goto=news"));
        assert!(is_action_path("/hide?id=1&auth=ab12&goto=news%3Fp%3D2"));
        assert!(is_action_path("fave?id=28385024&auth=12f606b1f7fb120e1d52440ac27a1067e4924b20"));
        assert!(!is_action_path("vote?id=1&how=up"), "no auth token");
        assert!(!is_action_path("logout?auth=x&id=1"));
        assert!(!is_action_path("vote?id=abc&auth=x"));
        assert!(!is_action_path("vote?id=1&auth=x&goto=<script>"));
        assert!(!is_action_path("https://evil.com/vote?id=1&auth=x"));
    }

    #[test]
    fn answers_become_words() {
        assert_eq!(outcome(200, true, "<html>news</html>"), Ok(()));
        assert!(outcome(200, false, "You have to be logged in to vote.").unwrap_err().contains("logged out"));
        assert!(outcome(503, false, "").unwrap_err().contains("unavailable"));
        assert!(outcome(200, false, crate::message::RATE_LIMITED).unwrap_err().contains("rate-limiting"));
    }
}
