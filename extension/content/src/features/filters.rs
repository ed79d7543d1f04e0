//! Filters: stories and comments hidden by the user's keyword, user and
//! domain rules, with an "N hidden · Show" line at the top of the list and a
//! way to reveal them. A hidden comment keeps its replies on the page: only
//! its own text and vote arrow give way to a stub.

use hn_core::text;
use std::cell::RefCell;

use hn_core::filters::{Attribution, CommentFacts, FilterRule, FilterSet, StoryFacts};
use hn_core::message::LoadRequest as Request;
use web_sys::Element;

use super::Feature;
use crate::{dom, Shared};

pub const FEATURE: Feature = Feature {
    id: "filters",
    applies: |ctx| ctx.kind.has_stories() || ctx.kind.has_comments(),
    init: |_| Ok(()),
    apply: Some(apply),
    added: None,
};

const HIDDEN: &str = "hnew-hidden";
const FILTERED: &str = "hnew-filtered";

thread_local! {
    /// Elements hidden by the last pass, to undo before the next.
    static HIDDEN_NOW: RefCell<Vec<Element>> = const { RefCell::new(Vec::new()) };
    static BAR: RefCell<Option<Element>> = const { RefCell::new(None) };
}

fn apply(ctx: &Shared) -> Result<(), String> {
    let keyed = ctx.state.borrow().rules_on(ctx.site.id);
    let rules: Vec<FilterRule> = keyed.iter().map(|(_, r)| r.clone()).collect();
    let set = FilterSet::compile(&rules);
    let had_hidden = HIDDEN_NOW.with(|h| !h.borrow().is_empty());
    if set.is_empty() && !had_hidden {
        return Ok(());
    }
    for el in HIDDEN_NOW.with(|h| std::mem::take(&mut *h.borrow_mut())) {
        dom::toggle_class(&el, HIDDEN, false);
        dom::toggle_class(&el, FILTERED, false);
    }
    let index = ctx.index.borrow();
    let mut hidden = Vec::new();
    let (mut stories, mut comments) = (0usize, 0usize);
    // Which rule hid what, for the popup: worked out for hidden items only.
    let attribution = Attribution::new(keyed.iter().map(|(k, r)| (k, r)));
    // Inserted one by one: collecting into a map sorts first, and that
    // sort's code is the size of a feature.
    let mut hits = std::collections::BTreeMap::<String, u32>::new();
    for (key, _) in keyed.iter().filter(|(_, r)| r.enabled) {
        hits.insert(key.clone(), 0);
    }
    let mut count = |keys: &mut dyn Iterator<Item = &str>| {
        for k in keys {
            if let Some(n) = hits.get_mut(k) {
                *n += 1;
            }
        }
    };
    if set.has_story_rules() {
        for s in &index.stories {
            let facts =
                StoryFacts { title: &s.title, domain: s.domain.as_deref(), user: s.user.as_deref(), tags: &s.tags };
            if set.hides_story(&facts) {
                stories += 1;
                count(&mut attribution.story(&facts));
                hide_story(ctx.site, &s.row, s.sub.as_ref(), &mut hidden);
            }
        }
    }
    if set.has_comment_rules() {
        let text_selector = ctx.site.selectors.comment_text;
        for c in &index.comments {
            let text = if set.needs_comment_text() {
                c.row.query_selector(text_selector).ok().flatten().and_then(|t| t.text_content())
            } else {
                None
            };
            let facts = CommentFacts { user: c.user(ctx.site), text: text.as_deref() };
            if set.hides_comment(&facts) {
                comments += 1;
                count(&mut attribution.comment(&facts));
                dom::toggle_class(&c.row, FILTERED, true);
                hidden.push(c.row.clone());
            }
        }
    }
    HIDDEN_NOW.with(|h| *h.borrow_mut() = hidden);
    {
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = crate::tell(Request::FilterHits { hits }).await {
                dom::log(&format!("filter counts not reported: {e}"));
            }
        });
    }
    dom::report("hnew-hidden", &(stories + comments).to_string());
    show_bar(ctx, stories, comments);
    Ok(())
}

fn hide_story(site: &hn_core::site::SiteSpec, row: &Element, sub: Option<&Element>, hidden: &mut Vec<Element>) {
    for p in crate::index::story_parts(row, sub, site) {
        dom::toggle_class(&p, HIDDEN, true);
        hidden.push(p);
    }
}

fn show_bar(ctx: &Shared, stories: usize, comments: usize) {
    let total = stories + comments;
    let existing = BAR.with(|b| b.borrow().clone());
    if total == 0 {
        if let Some(bar) = existing {
            bar.remove();
        }
        BAR.with(|b| *b.borrow_mut() = None);
        dom::toggle_class(&ctx.root, "hnew-reveal", false);
        return;
    }
    let bar = match existing {
        Some(b) => b,
        None => {
            let Some(bar) = make_bar(ctx) else { return };
            BAR.with(|b| *b.borrow_mut() = Some(bar.clone()));
            bar
        }
    };
    let what = match (stories, comments) {
        (s, 0) => stories_text(s),
        (0, c) => comments_text(c),
        (s, c) => text::page_filter_both(stories_text(s), comments_text(c)),
    };
    if let Ok(Some(label)) = bar.query_selector(".hnew-filter-count") {
        label.set_text_content(Some(&text::page_filter_hidden(what)));
    }
}

fn stories_text(n: usize) -> String {
    if n == 1 {
        text::PAGE_FILTER_ONE_STORY.into()
    } else {
        text::page_filter_stories(n)
    }
}

fn comments_text(n: usize) -> String {
    if n == 1 {
        text::PAGE_FILTER_ONE_COMMENT.into()
    } else {
        text::page_filter_comments(n)
    }
}

fn make_bar(ctx: &Shared) -> Option<Element> {
    let doc = &ctx.document;
    let bar = dom::make(doc, "div", "hnew-filter-bar", "")?;
    let _ = bar.set_attribute("role", "status");
    let label = dom::make(doc, "span", "hnew-filter-count", "")?;
    let button = dom::make(doc, "button", "hnew-filter-reveal", text::PAGE_SHOW)?;
    let _ = button.set_attribute("type", "button");
    let _ = button.set_attribute("aria-pressed", "false");
    let _ = bar.append_child(&label);
    let _ = bar.append_child(&button);
    let root = ctx.root.clone();
    let b = button.clone();
    dom::listen(&button.clone().into(), "click", move |_| {
        let on = !root.class_list().contains("hnew-reveal");
        dom::toggle_class(&root, "hnew-reveal", on);
        b.set_text_content(Some(if on { text::PAGE_HIDE_AGAIN } else { text::PAGE_SHOW }));
        let _ = b.set_attribute("aria-pressed", if on { "true" } else { "false" });
    });
    // Above the list or the thread; else at the top of the page body.
    let s = &ctx.site.selectors;
    let anchor = ctx
        .root
        .query_selector(s.comment_tree)
        .ok()
        .flatten()
        .or_else(|| ctx.root.query_selector(s.story_list).ok().flatten());
    match anchor {
        Some(a) => {
            let _ = a.before_with_node_1(&bar);
        }
        None => {
            let body = doc.body()?;
            let _ = body.prepend_with_node_1(&bar);
        }
    }
    Some(bar)
}
