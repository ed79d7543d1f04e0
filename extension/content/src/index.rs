//! The page's stories and comments, read once into the product's types, each
//! with the elements features act on.

use std::cell::OnceCell;

use hn_core::page::{parse_rank, ItemId};
use hn_core::site::{PageKind, SiteSpec};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
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
    /// Topic tags, lower case, where the site has them.
    pub tags: Vec<String>,
}

impl StoryRow {
    /// The link to the story's discussion that carries its comment count
    /// ("340 comments", "discuss"), with the count.
    pub fn comments_link(&self, site: &SiteSpec) -> Option<(Element, u32)> {
        let sub = self.sub.as_ref()?;
        dom::all(sub, site.selectors.item_link).into_iter().rev().find_map(|a| {
            let n = a.text_content().and_then(|t| hn_core::unread::parse_comment_count(&t))?;
            Some((a, n))
        })
    }
}

/// A comment. Its author and depth are read from the page only when a
/// feature first asks: a 3,000-comment thread with no follows or filters
/// never reads them.
pub struct CommentRow {
    pub row: Element,
    pub id: ItemId,
    user: OnceCell<Option<String>>,
    depth: OnceCell<u32>,
}

impl CommentRow {
    pub fn user(&self, site: &SiteSpec) -> Option<&str> {
        self.user
            .get_or_init(|| {
                self.row.query_selector(site.selectors.user_link).ok().flatten().and_then(|a| a.text_content())
            })
            .as_deref()
    }

    /// The comment's depth as the page shows it: from its indent where the
    /// site has one, else from how deep its replies' containers nest (an
    /// offset the same for every comment of a page; see [`Index::depths`]).
    pub fn depth(&self, site: &SiteSpec) -> u32 {
        *self.depth.get_or_init(|| depth_of(&self.row, site))
    }
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

    /// Reads the rows under `scope`: in one call into the page where the
    /// loader offers it, else row by row.
    pub fn add(&mut self, scope: &Element, site: &SiteSpec) {
        if self.add_at_once(scope, site).is_some() {
            return;
        }
        for row in dom::all_parts(scope, site.selectors.story) {
            self.add_story(row, site);
        }
        for row in dom::all_parts(scope, site.selectors.comment) {
            self.add_comment(row, site);
        }
    }

    /// Reads the rows under `root` not read yet (appended by endless
    /// scroll, wherever a sort put the earlier ones) and returns the ranges
    /// of the new stories and comments.
    pub fn add_new(&mut self, root: &Element, site: &SiteSpec) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        let (stories, comments) = (self.stories.len(), self.comments.len());
        let known: std::collections::HashSet<ItemId> =
            self.stories.iter().map(|s| s.id).chain(self.comments.iter().map(|c| c.id)).collect();
        let new = |row: &Element| !known.contains(&(site.row_id)(&row.id()).unwrap_or(0));
        for row in dom::all_parts(root, site.selectors.story).into_iter().filter(|r| new(r)) {
            self.add_story(row, site);
        }
        for row in dom::all_parts(root, site.selectors.comment).into_iter().filter(|r| new(r)) {
            self.add_comment(row, site);
        }
        (stories..self.stories.len(), comments..self.comments.len())
    }

    /// [`Index::add`] through the loader's `hnewRows`: the rows and their
    /// fields in one call, not some ten a story. `None` (nothing added)
    /// when the loader does not offer it or it fails.
    fn add_at_once(&mut self, scope: &Element, site: &SiteSpec) -> Option<()> {
        let s = &site.selectors;
        let below = site.layout.sub_row;
        let fields = [s.title_link, s.rank, s.site_str, &format!("^{}", s.user_link)].join("\n");
        let stories = rows_at_once(scope, &dom::split_list(s.story).join("\n"), &fields, below).ok()?;
        let comments = rows_at_once(scope, &dom::split_list(s.comment).join("\n"), "", false).ok()?;
        let (rows, lines, text) = parts(&stories)?;
        let mut read = Vec::with_capacity(rows.length() as usize);
        for (i, record) in records(&rows, &text)?.into_iter().enumerate() {
            let mut f = record.split(FIELD).map(|v| (v != ABSENT).then_some(v));
            let (id, title, rank, domain, user) = (f.next()??, f.next()?, f.next()?, f.next()?, f.next()?);
            let row: Element = rows.get(i as u32).dyn_into().ok()?;
            let tags = if site.capabilities.tags {
                dom::all(&row, s.tag)
                    .iter()
                    .filter_map(|t| t.text_content())
                    .map(|t| hn_core::case::lower(t.trim()))
                    .collect()
            } else {
                Vec::new()
            };
            read.push(StoryRow {
                id: (site.row_id)(id).unwrap_or(0),
                rank: rank.and_then(parse_rank),
                title: title.unwrap_or_default().to_string(),
                // HN shows some sites with a path ("github.com/user"): the
                // domain is what comes before it.
                domain: domain.map(|d| d.split('/').next().unwrap_or("").to_string()),
                user: user.map(str::to_string),
                tags,
                sub: lines.get(i as u32).dyn_into().ok(),
                row,
            });
        }
        let (rows, _, text) = parts(&comments)?;
        let mut comments = Vec::with_capacity(rows.length() as usize);
        for (i, id) in records(&rows, &text)?.into_iter().enumerate() {
            let row: Element = rows.get(i as u32).dyn_into().ok()?;
            let id = (site.row_id)(id).unwrap_or(0);
            comments.push(CommentRow { row, id, user: OnceCell::new(), depth: OnceCell::new() });
        }
        self.stories.extend(read);
        self.comments.extend(comments);
        Some(())
    }

    pub fn add_story(&mut self, row: Element, site: &SiteSpec) {
        let s = &site.selectors;
        {
            let id = (site.row_id)(&row.id()).unwrap_or(0);
            let title_link = row.query_selector(s.title_link).ok().flatten();
            let sub = sub_of(&row, site);
            let tags = if site.capabilities.tags {
                dom::all(&row, s.tag)
                    .iter()
                    .filter_map(|t| t.text_content())
                    .map(|t| hn_core::case::lower(t.trim()))
                    .collect()
            } else {
                Vec::new()
            };
            let user =
                sub.as_ref().and_then(|r| r.query_selector(s.user_link).ok().flatten()).and_then(|a| a.text_content());
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
                tags,
                sub,
                row,
            });
        }
    }

    pub fn add_comment(&mut self, row: Element, site: &SiteSpec) {
        let id = (site.row_id)(&row.id()).unwrap_or(0);
        self.comments.push(CommentRow { row, id, user: OnceCell::new(), depth: OnceCell::new() });
    }

    /// Every comment's depth, the shallowest being 0 where depth comes from
    /// nesting.
    pub fn depths(&self, site: &SiteSpec) -> Vec<u32> {
        let mut depths: Vec<u32> = self.comments.iter().map(|c| c.depth(site)).collect();
        if site.layout.depth_attr.is_none() {
            let top = depths.iter().copied().min().unwrap_or(0);
            depths.iter_mut().for_each(|d| *d -= top);
        }
        depths
    }
}

#[wasm_bindgen]
extern "C" {
    /// The loader's reader of rows and fields (`loader.js`).
    #[wasm_bindgen(catch, js_name = hnewRows)]
    fn rows_at_once(scope: &Element, parts: &str, fields: &str, below: bool) -> Result<js_sys::Array, JsValue>;
}

/// How `hnewRows` splits its text.
const RECORD: char = '\u{1e}';
const FIELD: char = '\u{1f}';
const ABSENT: &str = "\u{1d}";

/// `hnewRows`' answer: the rows, the lines under them, the text.
fn parts(answer: &js_sys::Array) -> Option<(js_sys::Array, js_sys::Array, String)> {
    Some((answer.get(0).dyn_into().ok()?, answer.get(1).dyn_into().ok()?, answer.get(2).as_string()?))
}

/// `hnewRows`' text as one record a row; `None` if they do not match.
fn records<'a>(rows: &js_sys::Array, text: &'a str) -> Option<Vec<&'a str>> {
    let n = rows.length() as usize;
    let records: Vec<&str> = if n == 0 { Vec::new() } else { text.split(RECORD).collect() };
    (records.len() == n).then_some(records)
}

/// The line under a story (score, user, comments): the next row on sites
/// that lay it out so, else inside the story itself.
pub fn sub_of(row: &Element, site: &SiteSpec) -> Option<Element> {
    if site.layout.sub_row {
        row_below(row, site)
    } else {
        Some(row.clone())
    }
}

/// The row under a story that holds its line, on sites that lay it out so
/// (none elsewhere: the line is inside the story).
pub fn row_below(row: &Element, site: &SiteSpec) -> Option<Element> {
    if site.layout.sub_row {
        row.next_element_sibling()
    } else {
        None
    }
}

/// A story's elements in its list, in order: its row, the line under it
/// (`sub`, when that is another element) and the spacer after them.
pub fn story_parts(row: &Element, sub: Option<&Element>, site: &SiteSpec) -> Vec<Element> {
    let mut parts = vec![row.clone()];
    if let Some(sub) = sub.filter(|s| *s != row) {
        parts.push(sub.clone());
        if let Some(spacer) = sub.next_element_sibling().filter(|e| e.matches(site.selectors.spacer).unwrap_or(false)) {
            parts.push(spacer);
        }
    }
    parts
}

/// [`story_parts`] of a story row alone (the line under it found from it).
pub fn story_parts_of(row: &Element, site: &SiteSpec) -> Vec<Element> {
    story_parts(row, row_below(row, site).as_ref(), site)
}

/// A comment element's depth, as [`CommentRow::depth`].
pub fn depth_of(row: &Element, site: &SiteSpec) -> u32 {
    match site.layout.depth_attr {
        Some(attr) => row
            .query_selector(site.selectors.indent)
            .ok()
            .flatten()
            .and_then(|el| el.get_attribute(attr))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        None => {
            let mut n = 0;
            let mut at = row.parent_element();
            while let Some(el) = at {
                if el.matches(site.selectors.nest).unwrap_or(false) {
                    n += 1;
                }
                at = el.parent_element();
            }
            n
        }
    }
}
