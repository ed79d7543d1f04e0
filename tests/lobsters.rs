//! Lobsters, the second site: the replica serves the saved Lobsters pages on
//! their own host under a strict policy, and every selector of the Lobsters
//! site module is valid there and finds what `counts.tsv` (counted
//! independently) says is there.

use std::collections::HashMap;

use hacker_new::{Harness, Options};
use hn_core::site::lobsters::{row_id, SELECTORS};

#[test]
fn the_lobsters_site_module_reads_the_saved_pages() {
    let h = Harness::start(Options { extension: false, ..Options::default() }).unwrap();
    let expected = hacker_new::counts(&h.replica.fixtures().dir);
    let selectors_js = serde_json::to_string(&SELECTORS.named().to_vec()).unwrap();
    let mut found: HashMap<String, usize> = HashMap::new();
    for (address, rel) in [
        ("/", "lobsters/lobsters-frontpage-2023-03.html"),
        ("/s/tdfoqh/ranking_comments", "lobsters/lobsters-story-tdfoqh-2022-07-10comments.html"),
        ("/s/zkndyy/new_tag_sustainability", "lobsters/lobsters-story-new-tag-sustainability-2023-03-18comments.html"),
    ] {
        let page = h.browser.open(&format!("https://lobste.rs{address}")).unwrap();
        page.wait_until("document.readyState === 'complete'", std::time::Duration::from_secs(15)).unwrap();
        // Every selector is valid CSS in this browser, counted on the page.
        let counted = page
            .eval(&format!(
                "Object.fromEntries({selectors_js}.map(([n, s]) => [n, document.querySelectorAll(s).length]))"
            ))
            .unwrap();
        let n = |name: &str| counted[name].as_u64().unwrap_or_else(|| panic!("{rel}: {name}: {counted}")) as usize;
        let row = &expected[rel];
        let want = |col: &str| row[col].parse::<usize>().unwrap();
        assert_eq!(n("story"), want("lobsters_story"), "{rel}");
        assert_eq!(n("comment"), want("lobsters_comment"), "{rel}");
        // One name per byline (stories' and comments'), never the avatar link.
        assert_eq!(n("user_link"), n("story") + n("comment"), "{rel}: {counted}");
        assert_eq!(n("title_link"), n("story"), "{rel}");
        assert_eq!(n("comment_text"), n("comment"), "{rel}");
        assert_eq!(n("rank") + n("indent"), 0, "what Lobsters lacks matches nothing");
        let names = page
            .eval(&format!("[...document.querySelectorAll({:?})].map(a => a.textContent.trim())", SELECTORS.user_link))
            .unwrap();
        // Lobsters names run longer than HN's 15 characters.
        let username = |n: &str| {
            (1..=25).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        assert!(names.as_array().unwrap().iter().all(|n| username(n.as_str().unwrap())), "{names}");
        // Row ids read as numbers, all different.
        let ids = page
            .eval(&format!(
                "[...document.querySelectorAll({:?})].map(r => r.id)",
                format!("{}, {}", SELECTORS.story, SELECTORS.comment)
            ))
            .unwrap();
        let ids: Vec<u64> =
            ids.as_array().unwrap().iter().map(|v| row_id(v.as_str().unwrap()).expect("an id")).collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{rel}");
        for (name, _) in SELECTORS.named() {
            *found.entry(name.to_string()).or_default() += n(name);
        }
        // The replica sends the strict policy: no wasm-unsafe-eval.
        let csp = page.eval("fetch(location.href).then(r => r.headers.get('content-security-policy'))").unwrap();
        assert!(!csp.as_str().unwrap().contains("wasm-unsafe-eval"), "{csp}");
    }
    // Everything Lobsters has is found somewhere in the saved pages.
    for name in [
        "story",
        "comment",
        "user_link",
        "title_link",
        "site_str",
        "subtext",
        "age",
        "comment_text",
        "comment_head",
        "toggle",
        "more_link",
        "story_list",
        "comment_tree",
        "login",
        "item_link",
        "vote_arrow",
        "logo",
    ] {
        assert!(found[name] > 0, "{name} matched nothing on any saved Lobsters page: {found:?}");
    }
}
