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

/// Every CSS selector a feature may use on a site. Each is a selector list
/// that matches the current markup first and older markup after it.
#[derive(Debug, Clone, Copy)]
pub struct Selectors {
    /// Rows (or elements) that are one story each.
    pub story: &'static str,
    /// Rows that are one comment each.
    pub comment: &'static str,
    /// Username links.
    pub user_link: &'static str,
    /// A story's title link, inside its story row.
    pub title_link: &'static str,
    /// The domain shown beside a title, inside its story row.
    pub site_str: &'static str,
    /// A story's rank, inside its story row.
    pub rank: &'static str,
    /// The line under a story (score, user, age, comment count): the row
    /// following the story row.
    pub subtext: &'static str,
    /// The age link of a story or comment.
    pub age: &'static str,
    /// A comment's indent cell, carrying its depth.
    pub indent: &'static str,
    /// A comment's text.
    pub comment_text: &'static str,
    /// A comment's header (user, age, navigation).
    pub comment_head: &'static str,
    /// The site's own collapse toggle on a comment.
    pub toggle: &'static str,
    /// The link to the next page of a list or thread.
    pub more_link: &'static str,
    /// The table or element holding the list of stories.
    pub story_list: &'static str,
    /// The element holding the thread.
    pub comment_tree: &'static str,
    /// The logged-in user's name in the top bar.
    pub me: &'static str,
    /// The login link a signed-out reader sees in the top bar.
    pub login: &'static str,
    /// Links to items (stories and comments), anywhere on a page.
    pub item_link: &'static str,
    /// The vote arrow images or elements.
    pub vote_arrow: &'static str,
    /// The site's logo image.
    pub logo: &'static str,
}

impl Selectors {
    /// Every selector with its name, for tests and the health view.
    pub fn named(&self) -> [(&'static str, &'static str); 20] {
        [
            ("story", self.story),
            ("comment", self.comment),
            ("user_link", self.user_link),
            ("title_link", self.title_link),
            ("site_str", self.site_str),
            ("rank", self.rank),
            ("subtext", self.subtext),
            ("age", self.age),
            ("indent", self.indent),
            ("comment_text", self.comment_text),
            ("comment_head", self.comment_head),
            ("toggle", self.toggle),
            ("more_link", self.more_link),
            ("story_list", self.story_list),
            ("comment_tree", self.comment_tree),
            ("me", self.me),
            ("login", self.login),
            ("item_link", self.item_link),
            ("vote_arrow", self.vote_arrow),
            ("logo", self.logo),
        ]
    }
}

/// Which cross-site features a site supports at all.
#[derive(Debug, Clone, Copy)]
pub struct Capabilities {
    pub votes: bool,
    pub inline_reply: bool,
    pub tags: bool,
}

/// A site the extension enhances.
#[derive(Debug, Clone, Copy)]
pub struct SiteSpec {
    /// Short stable id, used as a namespace for per-site user state.
    pub id: &'static str,
    pub host: &'static str,
    pub selectors: Selectors,
    pub capabilities: Capabilities,
    pub page_kind: fn(path: &str, query: &str) -> PageKind,
}

/// The sites the extension knows, by host.
pub fn for_host(host: &str) -> Option<&'static SiteSpec> {
    [&hn::SITE].into_iter().find(|s| s.host.eq_ignore_ascii_case(host))
}
