//! The page's stories and comments, read once into the product's types, each
//! with the elements features act on.

use hn_core::page::{parse_item_id, parse_rank, ItemId};
use hn_core::site::{PageKind, SiteSpec};
use web_sys::Element;

use crate::dom;

pub struct StoryRow {
    pub row: Element,
    /// The row under the title (score, user, age): hidden with the story.
    pub sub: Option<Element>,
    pub id: ItemId,
    pub rank: Option<u32>,
    pub title: String,
    pub domain: Option<String>,
    pub user: Option<String>,
}

pub struct CommentRow {
    pub row: Element,
    pub id: ItemId,
    pub user: Option<String>,
    pub depth: u32,
}

#[derive(Default)]
pub struct Index {
    pub stories: Vec<StoryRow>,
    pub comments: Vec<CommentRow>,
}

impl Index {
    pub fn read(root: &Element, site: &SiteSpec, kind: PageKind) -> Index {
        let mut index = Index::default();
        if kind == PageKind::Other || kind == PageKind::User {
            return index;
        }
        index.add(root, site);
        index
    }

    /// Reads the rows under `scope`.
    pub fn add(&mut self, scope: &Element, site: &SiteSpec) {
        for row in dom::all(scope, site.selectors.story) {
            self.add_story(row, site);
        }
        for row in dom::all(scope, site.selectors.comment) {
            self.add_comment(row, site);
        }
    }

    pub fn add_story(&mut self, row: Element, site: &SiteSpec) {
        let s = &site.selectors;
        {
            let id = parse_item_id(&row.id()).unwrap_or(0);
            let title_link = row.query_selector(s.title_link).ok().flatten();
            let sub = row.next_element_sibling();
            let user = sub
                .as_ref()
                .and_then(|r| r.query_selector(s.user_link).ok().flatten())
                .and_then(|a| a.text_content());
            self.stories.push(StoryRow {
                id,
                rank: row
                    .query_selector(s.rank)
                    .ok()
                    .flatten()
                    .and_then(|r| r.text_content())
                    .and_then(|t| parse_rank(&t)),
                title: title_link.and_then(|a| a.text_content()).unwrap_or_default(),
                // HN shows some sites with a path ("github.com/user"): the
                // domain is what comes before it.
                domain: row
                    .query_selector(s.site_str)
                    .ok()
                    .flatten()
                    .and_then(|d| d.text_content())
                    .map(|d| d.split('/').next().unwrap_or("").to_string()),
                user,
                sub,
                row,
            });
        }
    }

    pub fn add_comment(&mut self, row: Element, site: &SiteSpec) {
        let s = &site.selectors;
        {
            let id = parse_item_id(&row.id()).unwrap_or(0);
            let user = row.query_selector(s.user_link).ok().flatten().and_then(|a| a.text_content());
            let depth = row
                .query_selector(s.indent)
                .ok()
                .flatten()
                .and_then(|td| td.get_attribute("indent"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            self.comments.push(CommentRow { row, id, user, depth });
        }
    }

    pub fn depths(&self) -> Vec<u32> {
        self.comments.iter().map(|c| c.depth).collect()
    }
}
