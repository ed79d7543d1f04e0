//! Lobsters, the second site: the replica serves the saved Lobsters pages on
//! their own host under a strict policy, and every selector of the Lobsters
//! site module is valid there and finds what `counts.tsv` (counted
//! independently) says is there. With the site off nothing runs there; once
//! the reader allows it, the features work on its pages: follows, tag
//! filters, folding, endless scroll, sharing, quick profiles.

use std::collections::HashMap;

use hacker_new::{ask, Harness, Options, Page};
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

const FRONT: &str = "https://lobste.rs/";
const THREAD: &str = "https://lobste.rs/s/tdfoqh/ranking_comments";

fn enhanced(page: &Page) {
    page.ready();
}

#[test]
fn lobsters_stays_off_until_the_reader_allows_it() {
    let h = Harness::start(Options::default()).unwrap();
    let options = h.open_extension("popup/options.html#appearance").unwrap();
    options.expect("document.querySelector('li.site[data-site=lobsters]')?.dataset.on === 'false'", "the site is off");
    assert_eq!(options.value("document.querySelector('#site-lobsters').textContent"), "Turn on");
    let page = h.open_url(FRONT).unwrap();
    page.expect("document.readyState === 'complete'", "the page loaded");
    // An HN page opened after it is enhanced: our scripts had their turn.
    h.open("/news").unwrap().ready();
    assert_eq!(page.value("document.documentElement.classList.contains('hnew')"), false, "nothing runs there");
    let worker = h.worker().unwrap();
    assert_eq!(worker.eval("chrome.scripting.getRegisteredContentScripts().then(s => s.length)").unwrap(), 0);
    assert_eq!(worker.eval("chrome.declarativeNetRequest.getDynamicRules().then(r => r.length)").unwrap(), 1);
    // Without the site a page cannot have the background fetch it either.
    let answer = worker
        .eval(r#"self.hnewHandleAs({v: 1, kind: "fetch_page", site: "lobsters", path: "/page/2"}, {url: "https://news.ycombinator.com/"})"#)
        .unwrap();
    assert_eq!(hacker_new::page_answer(&answer).0, "error", "{answer}");
}

#[test]
fn features_work_on_lobsters_once_allowed() {
    let h = Harness::start(Options { granted: vec!["lobste.rs".into()], ..Options::default() }).unwrap();
    let worker = h.worker().unwrap();
    worker
        .wait_until(
            "chrome.scripting.getRegisteredContentScripts()\
             .then(s => s.map(x => x.id).sort().join() === 'site-lobsters,site-lobsters-early')",
            std::time::Duration::from_secs(20),
        )
        .unwrap();
    // Lobsters' own policy, plus the one keyword, replaces the strict one.
    worker
        .wait_until(
            "chrome.declarativeNetRequest.getDynamicRules().then(r => r.some(x => x.condition.requestDomains[0] === 'lobste.rs'))",
            std::time::Duration::from_secs(20),
        )
        .unwrap();
    let options = h.open_extension("popup/options.html#appearance").unwrap();
    options.expect("document.querySelector('li.site[data-site=lobsters]')?.dataset.on === 'true'", "the site is on");

    // Follow: a user's names and stories on the front page, comments in a thread.
    let page = h.open_url(FRONT).unwrap();
    enhanced(&page);
    assert_eq!(page.value("document.documentElement.dataset.hnewSite"), "lobsters");
    assert_eq!(page.value("document.documentElement.dataset.hnewStories"), "25");
    // The look was in place before the page was parsed, as on HN.
    assert_eq!(page.value("document.documentElement.dataset.hnewLook"), "early");
    ask(&worker, serde_json::json!({"kind": "set_follow", "site": "lobsters", "user": "sjamaan", "follow": true}));
    page.expect("document.querySelectorAll('a.hnew-followed').length > 0", "the followed name is marked");
    let by_sjamaan = "[...document.querySelectorAll('li.story')].filter(s => s.querySelector('a.u-author')?.textContent === 'sjamaan')";
    assert_eq!(
        page.value(&format!("{by_sjamaan}.map(s => s.id).join()")),
        page.value("[...document.querySelectorAll('li.story.hnew-followed-item')].map(s => s.id).join()"),
    );
    assert_eq!(page.value(&format!("{by_sjamaan}.length")), 3);
    assert_eq!(page.value("[...document.querySelectorAll('a.hnew-followed')].every(a => a.textContent === 'sjamaan' && !a.querySelector('img'))"), true);
    // The same name on HN is someone else.
    let state = ask(&worker, serde_json::json!({"kind": "get_state"}));
    assert!(
        state["state"]["follows"].get("lobsters:sjamaan").is_some()
            && state["state"]["follows"].get("hn:sjamaan").is_none()
    );

    let thread = h.open_url(THREAD).unwrap();
    enhanced(&thread);
    ask(&worker, serde_json::json!({"kind": "set_follow", "site": "lobsters", "user": "friendlysock", "follow": true}));
    thread.expect("document.querySelector('#c_m3wyu5.hnew-followed-item')", "the followed user's comment is marked");
    assert_eq!(thread.value("document.querySelectorAll('div.comment.hnew-followed-item').length"),
        thread.value("[...document.querySelectorAll('div.comment')].filter(c => c.querySelector('.byline a[href=\"/~friendlysock\"]:not([aria-hidden])')).length"));

    // A tag filter hides exactly the stories with that tag, and says how many.
    let tagged =
        page.value("document.querySelectorAll('li.story:has(a.tag[href=\"/t/rust\"])').length").as_u64().unwrap();
    assert_eq!(tagged, 5);
    let saved = ask(
        &worker,
        serde_json::json!({"kind": "save_filter", "rule": {"kind": "tag", "pattern": "Rust", "target": "stories", "site": "lobsters"}}),
    );
    assert_eq!(saved["kind"], "done", "{saved}");
    page.expect(
        &format!("document.documentElement.dataset.hnewHidden === '{tagged}'"),
        "the tagged stories are hidden",
    );
    assert_eq!(page.value("[...document.querySelectorAll('li.story.hnew-hidden')].every(s => s.querySelector('a.tag[href=\"/t/rust\"]'))"), true);
    assert_eq!(
        page.value(
            "[...document.querySelectorAll('li.story.hnew-hidden')].every(s => getComputedStyle(s).display === 'none')"
        ),
        true
    );
    assert_eq!(
        page.value("document.querySelector('.hnew-filter-count').textContent"),
        format!("{tagged} stories hidden by your filters")
    );
    page.click(".hnew-filter-reveal");
    assert_eq!(page.value("getComputedStyle(document.querySelector('li.story.hnew-hidden')).display"), "list-item");
    page.click(".hnew-filter-reveal");
    // An HN rule does not reach Lobsters: the page takes in the new state
    // and hides what it hid.
    let before = page.applied();
    ask(
        &worker,
        serde_json::json!({"kind": "save_filter", "rule": {"kind": "keyword", "pattern": "PotatoP", "target": "stories"}}),
    );
    page.applied_after(before);
    assert_eq!(
        page.value("document.documentElement.dataset.hnewHidden"),
        tagged.to_string(),
        "HN's rule left Lobsters alone"
    );

    // Folding a subthread from a reply, with the count, and back.
    let inside =
        "[...document.querySelector('li.comments_subtree:has(> #c_9vyyu5)').querySelectorAll('div.comment')].slice(1)";
    let replies = thread.value(&format!("{inside}.length")).as_u64().unwrap();
    assert!(replies >= 2, "{replies}");
    thread.hover_on("document.querySelector('#c_lqqn3a')");
    thread.expect("document.querySelector('#c_lqqn3a button.hnew-fold')", "the reply has a fold control");
    thread.click("#c_lqqn3a button.hnew-fold");
    thread.expect("document.querySelector('#c_9vyyu5').classList.contains('hnew-coll')", "the whole subthread folded");
    assert_eq!(thread.value(&format!("{inside}.every(c => !c.checkVisibility())")), true, "its replies are hidden");
    assert_eq!(thread.value("document.querySelector('#c_9vyyu5 .comment_text').checkVisibility()"), false);
    assert_eq!(
        thread.value("document.querySelector('#c_ncdsfc .comment_text').checkVisibility()"),
        true,
        "others stay"
    );
    thread.hover_on("document.querySelector('#c_9vyyu5')");
    thread.expect("document.querySelector('#c_9vyyu5 button.hnew-fold')", "the folded comment has its control");
    assert_eq!(
        thread.value("document.querySelector('#c_9vyyu5 button.hnew-fold').textContent"),
        format!("unfold ({replies} hidden)")
    );
    thread.click("#c_9vyyu5 button.hnew-fold");
    thread.expect("!document.querySelector('#c_9vyyu5').classList.contains('hnew-coll')", "unfolded");
    assert_eq!(thread.value(&format!("{inside}.every(c => c.checkVisibility())")), true, "its replies are back");

    // Sharing: a story into the share buffer, with its Lobsters discussion.
    page.click("li.story:not(.hnew-hidden) button.hnew-share");
    page.expect(
        "(() => { const m = document.querySelector('.hnew-share-menu'); return m && !m.hidden; })()",
        "the menu opened",
    );
    page.click(".hnew-share-menu [data-action=buffer]");
    page.expect("document.querySelector('.hnew-share-status')?.textContent === 'Added to your share buffer'", "queued");
    page.click_outside();
    // Opened again, the menu knows the story is queued.
    page.click("li.story:not(.hnew-hidden) button.hnew-share");
    page.expect(
        "document.querySelector('.hnew-share-menu [data-action=buffer]')?.textContent === 'Queued to share later'",
        "the menu says it is queued",
    );
    page.click_outside();
    let first = page.value("document.querySelector('li.story:not(.hnew-hidden)').dataset.shortid");
    let first = first.as_str().unwrap().to_string();
    let state = ask(&worker, serde_json::json!({"kind": "get_state"}));
    let key = format!("lobsters:{}", row_id(&first).unwrap());
    let item = &state["state"]["share"][&key];
    assert_eq!(item["target"]["site"], "lobsters", "{}", state["state"]["share"]);
    assert_eq!(
        item["target"]["url"],
        page.value("document.querySelector('li.story:not(.hnew-hidden) span.link > a').href")
    );

    // Quick profile: from Lobsters' JSON, sanitized.
    page.hover_on("document.querySelector('a.u-author')");
    page.expect("document.querySelector('.hnew-card:not([hidden]) .hnew-card-facts')", "the card shows the profile");
    let card = page.value("document.querySelector('.hnew-card').innerHTML").as_str().unwrap().to_string();
    assert!(card.contains("karma") && card.contains("My site"), "{card}");
    assert!(!card.contains("<img") && !card.contains("<script") && !card.contains("onerror"), "{card}");
    // A relative link in a Lobsters about text is a Lobsters page.
    assert_eq!(
        page.value(
            "[...document.querySelectorAll('.hnew-card-about a')].find(a => a.textContent === 'who invited me')?.href"
        ),
        "https://lobste.rs/~pushcx"
    );

    // Endless scroll: page 2 from the replica appended inside the list (the
    // tab in front: a background tab does not render, so nothing scrolls
    // into view there).
    page.session.call("Page.bringToFront", serde_json::json!({})).unwrap();
    page.value("window.scrollTo(0, document.body.scrollHeight), true");
    page.expect("document.documentElement.dataset.hnewPages === '1'", "page 2 arrived");
    assert_eq!(page.value("document.querySelectorAll('ol.stories > li.story').length"), 50);
    assert_eq!(page.value("document.documentElement.dataset.hnewStories"), "50");
    // The appended stories are covered by the tag filter and follows too.
    page.expect(
        &format!("document.documentElement.dataset.hnewHidden === '{}'", tagged * 2),
        "page 2's tagged stories are hidden",
    );
    assert_eq!(page.value("document.querySelectorAll('li.story.hnew-followed-item').length"), 6);
    page.value("window.scrollTo(0, document.body.scrollHeight), true");
    page.expect("document.documentElement.dataset.hnewScroll === 'end'", "page 3 does not exist: the end");
    for p in [&page, &thread] {
        assert!(p.exceptions().is_empty(), "{:?}", p.exceptions());
    }
    // The popup lists them apart from HN's, by site.
    let popup = h.open_extension("popup/options.html#following").unwrap();
    popup.expect("document.querySelectorAll('section.elsewhere[data-site=lobsters] li').length === 2", "listed");
    assert_eq!(
        popup.value(
            "[...document.querySelectorAll('section.elsewhere li a')].map(a => a.textContent + ' ' + a.href).join()"
        ),
        "friendlysock https://lobste.rs/~friendlysock,sjamaan https://lobste.rs/~sjamaan"
    );
    assert_eq!(
        popup.value("document.querySelectorAll('ul[aria-label=\"Followed users\"] li').length"),
        0,
        "none on HN"
    );
    assert_eq!(page.value("document.documentElement.dataset.hnewFailed || ''"), "", "no feature failed");
    assert_eq!(thread.value("document.documentElement.dataset.hnewFailed || ''"), "", "no feature failed");
}
