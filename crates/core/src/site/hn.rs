//! Hacker News: every selector and URL rule the extension relies on.
//!
//! Markup history kept in mind: title links were `a.storylink` (to 2021),
//! `a.titlelink` (2021-22), then `span.titleline > a`; story rows gained the
//! `submission` class in 2023; pages before about 2013 had no `athing` rows at
//! all, and there the features that need rows stay off.

use super::{Capabilities, Layout, PageKind, Selectors, SiteSpec};
use crate::page::parse_item_id;

pub const SITE: SiteSpec = SiteSpec {
    id: "hn",
    name: "Hacker News",
    row_marker: "athing",
    host: "news.ycombinator.com",
    selectors: SELECTORS,
    capabilities: Capabilities {
        votes: true,
        inline_reply: true,
        tags: false,
        items_api: true,
        ordered_ids: true,
        sort: true,
    },
    page_kind,
    row_id: parse_item_id,
    page_item: |_, query| parse_item_id(query),
    item_url: crate::share::discussion_url,
    comment_url: crate::share::discussion_url,
    valid_user: crate::state::valid_username,
    layout: Layout {
        sub_row: true,
        depth_attr: Some("indent"),
        indent_step: 40,
        // HN's own classes: its `[–]` toggle and ours agree.
        folded: "coll",
        hidden: "noshow",
        toggle_counts: true,
    },
};

pub const SELECTORS: Selectors = Selectors {
    // Story rows carry a title cell; `tr.athing` alone also marks leaders,
    // profile and poll-option rows. The parts match different rows, so the
    // content script can query each on its own (faster than the list).
    story: "tr.athing.submission, tr.athing[id]:not(.submission):not(.comtr):has(> td.title)",
    // Thread rows, and comments shown out of their thread (newest comments,
    // a permalink's head, the reply page), which have no `comtr`.
    comment: "tr.athing.comtr, tr.athing[id]:not(.comtr):has(> td.default)",
    user_link: "a.hnuser",
    user_named: "a.hnuser[href='user?id={}']",
    title_link: "span.titleline > a, a.titlelink, a.storylink",
    site_str: "span.sitestr",
    rank: "span.rank",
    subtext: "td.subtext",
    age: "span.age",
    indent: "td.ind",
    comment_text: "div.commtext, span.commtext",
    comment_head: "span.comhead",
    toggle: "a.togg",
    more_link: "a.morelink",
    story_list: "#bigbox > td > table, table.itemlist",
    comment_tree: "table.comment-tree",
    me: "#me",
    login: "span.pagetop a[href^='login']",
    item_link: "a[href^='item?id=']",
    discussion_link: "a[href^='item?id=']:not([href*='&'])",
    vote_arrow: "div.votearrow",
    logo: "a[href='https://news.ycombinator.com'] > img, img[src='y18.svg'], img[src='y18.gif']",
    tag: NONE,
    nest: NONE,
    more_holder: "tr",
    more_space: "tr.morespace",
    search_form: "form[action*='hn.algolia.com']",
    footer: "center",
    reply_link: "a[href^='reply?id=']",
    reply_form: "form[action='comment']",
    reply_text: "form[action='comment'] textarea",
    reply_parent: "input[name='parent']",
    reply_line: ".reply",
    indent_spacer: "img",
    on_story: "span.onstory a",
    action_line: "td, span.subline, span.comhead",
    action_links: "a[href^='vote?'], a[href^='hide?'], a[href^='fave?'], a[href^='flag?']",
    own_links: "a[href^='edit?id='], a[href^='delete-confirm?id=']",
    score: "span.score",
    upvote: "a[id^='up_']:not(.nosee)",
    vote_links: ".votelinks a",
    fave_link: "a[href^='fave?id=']",
    hide_link: "a[href^='hide?id=']",
    spacer: "tr.spacer",
};

/// Matches nothing: for what HN does not have.
const NONE: &str = ":not(*)";

/// An item's page, as HN links it from its pages.
pub fn item_path(id: u64) -> String {
    format!("item?id={id}")
}

/// A user's page, as HN links it from its pages.
pub fn user_path(name: &str) -> String {
    format!("user?id={name}")
}

/// Page kind from the path (without the leading slash) and query.
pub fn page_kind(path: &str, _query: &str) -> PageKind {
    let path = path.trim_start_matches('/');
    match path {
        "" | "news" | "newest" | "front" | "ask" | "show" | "jobs" | "best" | "active" | "classic" | "asknew"
        | "shownew" | "noobstories" | "launches" | "invited" | "pool" | "submitted" | "favorites" | "hidden"
        | "upvoted" | "over" | "from" => PageKind::StoryList,
        "newcomments" | "bestcomments" | "noobcomments" | "threads" | "highlights" => PageKind::CommentList,
        "item" => PageKind::Item,
        "user" => PageKind::User,
        "reply" | "edit" | "delete-confirm" | "comment" | "submit" => PageKind::Form,
        _ => PageKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_kinds_from_paths() {
        for (path, kind) in [
            ("/", PageKind::StoryList),
            ("/news", PageKind::StoryList),
            ("/submitted", PageKind::StoryList),
            ("/threads", PageKind::CommentList),
            ("/item", PageKind::Item),
            ("/user", PageKind::User),
            ("/reply", PageKind::Form),
            ("/newsguidelines.html", PageKind::Other),
            ("/leaders", PageKind::Other),
        ] {
            assert_eq!(page_kind(path, ""), kind, "{path}");
        }
    }

    #[test]
    fn site_is_found_by_host_case_insensitively() {
        assert_eq!(super::super::for_host("News.YCombinator.com").map(|s| s.id), Some("hn"));
        assert!(super::super::for_host("example.com").is_none());
    }
}
