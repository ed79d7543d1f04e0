//! Lobsters (lobste.rs): every selector and URL rule the extension relies
//! on there, beside Hacker News's.
//!
//! Markup kept in mind: user links were `/u/name` (2023) and `/~name`
//! (2022 and again later); each byline has an avatar link before the name
//! link; stories are `li.story` with everything inside (no separate
//! subtext row); comments are `div.comment[data-shortid]` nested in
//! `li.comments_subtree > ol.comments`. Ids are short base-36 strings
//! (`story_5qk7dp`, `c_ncdsfc`), read into numbers by [`row_id`]; unlike
//! HN's, they do not grow with time.

use super::{Capabilities, Layout, PageKind, Selectors, SiteSpec};

pub const SITE: SiteSpec = SiteSpec {
    id: "lobsters",
    name: "Lobsters",
    row_marker: "data-shortid",
    host: "lobste.rs",
    selectors: SELECTORS,
    capabilities: Capabilities {
        // Votes and replies post the page's CSRF token with the reader's
        // session: the extension does not act for the reader there.
        votes: false,
        inline_reply: false,
        tags: true,
        // Item cards and past discussions read HN's API and search.
        items_api: false,
        // Short ids are random, not growing.
        ordered_ids: false,
        sort: false,
    },
    page_kind,
    row_id,
    page_item: |path, _| row_id(path.trim_start_matches('/').strip_prefix("s/")?.split('/').next()?),
    item_url: |id| format!("https://lobste.rs/s/{}", short_id(id)),
    comment_url: |id| format!("https://lobste.rs/c/{}", short_id(id)),
    valid_user,
    layout: Layout {
        sub_row: false,
        depth_attr: None,
        indent_step: 0,
        // Lobsters folds with a checkbox per comment; the extension's own
        // fold uses its own classes.
        folded: "hnew-coll",
        hidden: "hnew-noshow",
        toggle_counts: false,
    },
};

/// A Lobsters username: a letter or digit, then up to 24 letters, digits,
/// `-` or `_`.
pub fn valid_user(name: &str) -> bool {
    name.len() <= 25
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Matches nothing: for what Lobsters does not have.
const NONE: &str = ":not(*)";

pub const SELECTORS: Selectors = Selectors {
    story: "li.story",
    comment: "div.comment[data-shortid]",
    // The name link of a byline, not the avatar link before it.
    user_link: "div.byline a[href^='/~']:not(:has(img)), div.byline a[href^='/u/']:not(:has(img))",
    user_named: "div.byline a[href='/~{}']:not(:has(img)), div.byline a[href='/u/{}']:not(:has(img))",
    title_link: "span.link > a",
    site_str: "a.domain",
    rank: NONE,
    // Inside the story itself.
    subtext: "div.byline",
    age: "div.byline time, div.byline span[title]",
    indent: NONE,
    comment_text: "div.comment_text",
    comment_head: "div.byline",
    toggle: "label.comment_folder",
    // The last pager link: "Page N+1 >>" ("<< Page N-1" comes first).
    more_link: ".morelink a[href*='/page/']:last-child",
    story_list: "ol.stories",
    comment_tree: "ol.comments",
    me: "#headerright a[href^='/~'], #headerright a[href^='/u/'], nav.corner a[href^='/~'], nav.corner a[href^='/u/']",
    login: "a[href='/login']",
    item_link: "a[href^='/s/']",
    discussion_link: "a[href^='/s/']:not([href*='#'])",
    vote_arrow: "a.upvoter",
    logo: "#logo",
    tag: "span.tags > a.tag",
    nest: "li.comments_subtree",
    more_holder: "div.morelink",
    more_space: NONE,
    search_form: NONE,
    footer: NONE,
    reply_link: NONE,
    reply_form: NONE,
    reply_text: NONE,
    reply_parent: NONE,
    reply_line: NONE,
    indent_spacer: NONE,
    on_story: NONE,
    action_line: "div.byline",
    action_links: NONE,
    own_links: NONE,
    score: NONE,
    upvote: NONE,
    vote_links: NONE,
    fave_link: NONE,
    hide_link: NONE,
    spacer: NONE,
};

/// Page kind from the path and query.
pub fn page_kind(path: &str, _query: &str) -> PageKind {
    let path = path.trim_start_matches('/');
    let first = path.split('/').next().unwrap_or("");
    match first {
        "" | "page" | "newest" | "recent" | "active" | "top" | "t" | "domains" | "domain" | "hottest" => {
            PageKind::StoryList
        }
        "comments" | "threads" => PageKind::CommentList,
        "s" => PageKind::Item,
        "u" | "~" => PageKind::User,
        f if f.starts_with('~') => PageKind::User,
        _ => PageKind::Other,
    }
}

/// A row's id (`story_5qk7dp`, `c_ncdsfc`, or a bare short id) as a number:
/// the short id read in base 36.
pub fn row_id(id: &str) -> Option<u64> {
    let short = id.strip_prefix("story_").or_else(|| id.strip_prefix("c_")).unwrap_or(id);
    if short.is_empty() || short.len() > 12 {
        return None;
    }
    short.chars().try_fold(0u64, |n, c| Some(n * 36 + u64::from(c.to_digit(36)?)))
}

/// The short id back from its number.
pub fn short_id(mut n: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(std::char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_kinds() {
        assert_eq!(page_kind("/", ""), PageKind::StoryList);
        assert_eq!(page_kind("/page/2", ""), PageKind::StoryList);
        assert_eq!(page_kind("/t/rust", ""), PageKind::StoryList);
        assert_eq!(page_kind("/domains/example.com", ""), PageKind::StoryList);
        assert_eq!(page_kind("/s/tdfoqh/some_title", ""), PageKind::Item);
        assert_eq!(page_kind("/comments", ""), PageKind::CommentList);
        assert_eq!(page_kind("/~dpercy", ""), PageKind::User);
        assert_eq!(page_kind("/u/sjamaan", ""), PageKind::User);
        assert_eq!(page_kind("/login", ""), PageKind::Other);
    }

    #[test]
    fn threads_users_and_links() {
        let id = row_id("tdfoqh").unwrap();
        assert_eq!((SITE.page_item)("/s/tdfoqh/some_title", ""), Some(id));
        assert_eq!((SITE.page_item)("/s/tdfoqh", ""), Some(id));
        assert_eq!((SITE.page_item)("/page/2", ""), None);
        assert_eq!((SITE.item_url)(id), "https://lobste.rs/s/tdfoqh");
        assert!(
            valid_user("friendlysock") && valid_user("a") && valid_user("averyveryverylongname_1234"[..25].as_ref())
        );
        assert!(!valid_user("averyveryverylongname_12345") && !valid_user("-dash") && !valid_user("a b"));
    }

    #[test]
    fn short_ids_read_as_numbers_and_back() {
        for s in ["5qk7dp", "tdfoqh", "ncdsfc", "0", "zzzzzz"] {
            let n = row_id(s).unwrap();
            assert_eq!(short_id(n), s);
            assert_eq!(row_id(&format!("story_{s}")), Some(n));
            assert_eq!(row_id(&format!("c_{s}")), Some(n));
        }
        assert_ne!(row_id("5qk7dp"), row_id("jn9o7y"));
        assert_eq!(row_id(""), None);
        assert_eq!(row_id("story_"), None);
        assert_eq!(row_id("c_not-an-id"), None);
        assert_eq!(row_id("comments-tdfoqh"), None, "the thread's wrapper is not a comment");
    }
}
