//! What the extension knows about each site's markup and URLs, as data.
//!
//! Features never name a selector or a path themselves: they ask the
//! [`SiteSpec`] of the page they run on. A second site is a second spec.

pub mod hn;
pub mod lobsters;

/// The kind of page, from its URL alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// A ranked list of stories: front page, newest, ask, show, jobs, best,
    /// active, a user's submissions, favorites, a past front page.
    StoryList,
    /// A list of comments out of their thread: newest comments, a user's
    /// comments (threads), best comments, highlights.
    CommentList,
    /// A story, poll, job or comment with its thread.
    Item,
    /// A user's profile.
    User,
    /// A form page: reply, edit, delete confirmation.
    Form,
    /// Anything else (FAQ, leaders, lists, login): only site-wide features.
    Other,
}

impl PageKind {
    pub fn has_stories(self) -> bool {
        matches!(self, PageKind::StoryList | PageKind::Item)
    }
    pub fn has_comments(self) -> bool {
        matches!(self, PageKind::CommentList | PageKind::Item)
    }
    pub fn name(self) -> &'static str {
        match self {
            PageKind::StoryList => "story-list",
            PageKind::CommentList => "comment-list",
            PageKind::Item => "item",
            PageKind::User => "user",
            PageKind::Form => "form",
            PageKind::Other => "other",
        }
    }
}

/// Declares [`Selectors`] and its [`Selectors::named`] list from one list
/// of fields, so no selector can be left out of the list the tests check.
macro_rules! selectors {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// Every CSS selector a feature may use on a site. Each is a selector list
        /// that matches the current markup first and older markup after it.
        #[derive(Debug, Clone, Copy)]
        pub struct Selectors {
            $($(#[$doc])* pub $name: &'static str,)*
        }

        impl Selectors {
            /// Every selector with its name, for tests and the health view.
            pub fn named(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($name), self.$name)),*]
            }
        }
    };
}

selectors! {
    /// Rows (or elements) that are one story each.
    story,
    /// Rows that are one comment each.
    comment,
    /// Username links.
    user_link,
    /// One user's name links: `{}` stands for the (valid) name.
    user_named,
    /// A story's title link, inside its story row.
    title_link,
    /// The domain shown beside a title, inside its story row.
    site_str,
    /// A story's rank, inside its story row.
    rank,
    /// The line under a story (score, user, age, comment count): the row
    /// following the story row.
    subtext,
    /// The age link of a story or comment.
    age,
    /// A comment's indent cell, carrying its depth.
    indent,
    /// A comment's text.
    comment_text,
    /// A comment's header (user, age, navigation).
    comment_head,
    /// The site's own collapse toggle on a comment.
    toggle,
    /// The link to the next page of a list or thread.
    more_link,
    /// The table or element holding the list of stories.
    story_list,
    /// The element holding the thread.
    comment_tree,
    /// The logged-in user's name in the top bar.
    me,
    /// The login link a signed-out reader sees in the top bar.
    login,
    /// Links to items (stories and comments), anywhere on a page.
    item_link,
    /// A link to an item's own discussion (not to a comment in context).
    discussion_link,
    /// The vote arrow images or elements.
    vote_arrow,
    /// The site's logo image.
    logo,
    /// A story's topic tags, inside its story row.
    tag,
    /// The element each comment's replies nest in, one per level, where
    /// depth comes from nesting rather than an indent (see [`Layout`]).
    nest,
    /// The row or block holding the More link (hidden; the status line of
    /// endless scroll goes before it).
    more_holder,
    /// The spacer row after the list, before the More row.
    more_space,
    /// The search form at the foot of a page.
    search_form,
    /// The foot of the page around the search form (it slides up at the end
    /// of a list).
    footer,
    /// A comment's reply link (to the site's reply page).
    reply_link,
    /// The site's own add-comment form, its text field, and its field
    /// naming the parent.
    reply_form,
    reply_text,
    reply_parent,
    /// The line under a comment holding its reply link.
    reply_line,
    /// The spacer inside a comment's indent cell that sets its width.
    indent_spacer,
    /// The story a comment shown out of its thread belongs to ("on: …").
    on_story,
    /// The cell or line an action link (vote, hide, favorite) sits in, where
    /// a refusal is said.
    action_line,
    /// The site's action links done in place (vote, hide, favorite, flag).
    action_links,
    /// The edit and delete links of the reader's own comments.
    own_links,
    /// A story's score, in the line under it.
    score,
    /// An up-vote link not used yet, in a row.
    upvote,
    /// Every vote link of a row (up and down).
    vote_links,
    /// A story's favorite link.
    fave_link,
    /// A story's hide link.
    hide_link,
    /// The empty row a site puts after each story's rows.
    spacer,
}

/// Which cross-site features a site supports at all. A feature whose
/// capability is off stays off on that site's pages.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities {
    /// Voting, favorites, flags and hides in place.
    pub votes: bool,
    pub inline_reply: bool,
    /// Stories carry topic tags (filterable).
    pub tags: bool,
    /// Item hover cards and past discussions (HN's API and search).
    pub items_api: bool,
    /// Comment ids grow with time, so "new since the last visit" is "id
    /// above the highest seen"; where they do not, new-comment marks stay
    /// off.
    pub ordered_ids: bool,
    /// Lists can be re-sorted by points, comments and age in place.
    pub sort: bool,
}

/// How a site lays out its rows.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// A story's byline (score, user, age, comments) is the row after the
    /// story row (HN's tables), rather than inside it.
    pub sub_row: bool,
    /// The attribute of the indent element that holds a comment's depth;
    /// `None`: depth is how many [`Selectors::nest`] elements hold it.
    pub depth_attr: Option<&'static str>,
    /// Pixels of indentation per level of depth, where the markup says it
    /// (HN's spacer image's width).
    pub indent_step: u32,
    /// The classes a folded comment and a hidden reply get: the site's own
    /// where it has them (so its toggle and ours agree), else ours.
    pub folded: &'static str,
    pub hidden: &'static str,
    /// The site's toggle shows the folded count itself (`[12 more]`).
    pub toggle_counts: bool,
}

/// A site the extension enhances.
#[derive(Debug, Clone, Copy)]
pub struct SiteSpec {
    /// Short stable id, used as a namespace for per-site user state.
    pub id: &'static str,
    /// The site's name, for messages.
    pub name: &'static str,
    /// Text every page holding stories or comments contains (a fetched
    /// page without it is not what was asked for).
    pub row_marker: &'static str,
    pub host: &'static str,
    pub selectors: Selectors,
    pub capabilities: Capabilities,
    pub page_kind: fn(path: &str, query: &str) -> PageKind,
    /// A story or comment element's id attribute as the item's number.
    pub row_id: fn(&str) -> Option<u64>,
    /// The item a thread page shows, from its path and query.
    pub page_item: fn(path: &str, query: &str) -> Option<u64>,
    /// The absolute address of a story's discussion.
    pub item_url: fn(u64) -> String,
    /// The absolute address of a comment.
    pub comment_url: fn(u64) -> String,
    /// Whether a name can be a user of this site.
    pub valid_user: fn(&str) -> bool,
    pub layout: Layout,
}

/// Every site the extension knows.
pub const SITES: [&SiteSpec; 2] = [&hn::SITE, &lobsters::SITE];

/// The sites the extension knows, by host.
pub fn for_host(host: &str) -> Option<&'static SiteSpec> {
    SITES.into_iter().find(|s| s.host.eq_ignore_ascii_case(host))
}

/// The site of an `https` address, if it is one of ours: its host, with no
/// user or port (a site's own pages have neither), followed by a path, a
/// query or nothing. What a sender's page is, and what a notification may
/// open.
pub fn of_url(url: &str) -> Option<&'static SiteSpec> {
    let rest = url.strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    if host.contains(['@', ':']) {
        return None;
    }
    for_host(host)
}

/// A site by its id (`hn`, `lobsters`).
pub fn by_id(id: &str) -> Option<&'static SiteSpec> {
    SITES.into_iter().find(|s| s.id == id)
}

/// Hacker News' id: what a record without a site (saved before there were
/// other sites) belongs to.
pub fn hn_id() -> String {
    hn::SITE.id.to_string()
}

pub fn is_hn(site: &str) -> bool {
    site == hn::SITE.id
}

/// The name of a record kept per site: `name` itself for Hacker News (so
/// what was saved before there were other sites keeps its key), `name:site`
/// for the others.
pub fn scoped(site: &str, name: &str) -> String {
    if is_hn(site) {
        name.to_string()
    } else {
        format!("{name}:{site}")
    }
}

/// Whether `user` can be a user of site `site` (unknown sites have none).
pub fn valid_user(site: &str, user: &str) -> bool {
    by_id(site).is_some_and(|s| (s.valid_user)(user))
}

#[cfg(test)]
mod scoped_tests {
    use super::*;

    #[test]
    fn only_our_sites_addresses_are_ours() {
        assert_eq!(of_url("https://news.ycombinator.com/item?id=1").map(|s| s.id), Some("hn"));
        assert_eq!(of_url("https://lobste.rs/s/abc").map(|s| s.id), Some("lobsters"));
        assert_eq!(of_url("https://news.ycombinator.com").map(|s| s.id), Some("hn"));
        for bad in [
            "http://news.ycombinator.com/item?id=1",
            "https://news.ycombinator.com.evil.example/login",
            "https://news.ycombinator.com@evil.example/",
            "https://evil.example/login",
            "data:text/html,<script>alert(1)</script>",
            "javascript:alert(1)",
            "https://NEWS.ycombinator.com:8443/",
        ] {
            assert!(of_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn records_are_scoped_beyond_hn_only() {
        assert_eq!(scoped("hn", "visits"), "visits");
        assert_eq!(scoped("lobsters", "visits"), "visits:lobsters");
        assert_eq!(format!("{}:42", scoped("lobsters", "folds")), "folds:lobsters:42");
    }
}
