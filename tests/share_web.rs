//! Any web page into the share buffer: the toolbar button, the context
//! menu's items, the command; on a local site that is neither HN nor
//! Lobsters (`blog.example.org`, served by the local HN), and the post on a
//! second profile after sync.

use std::time::Duration;

use hacker_new::{ask, Harness, Options, Page, Session, EXTENSION_ID};
use serde_json::{json, Value};

const ARTICLE: &str = "https://blog.example.org/posts/small-wasm-is-fast-wasm";
const TITLE: &str = "Small wasm is fast wasm";

/// The queued posts, by key.
fn queued(worker: &Session) -> Value {
    ask(worker, json!({ "kind": "get_state" }))["state"]["share"].clone()
}

/// The queued post whose link is `url`.
fn post(worker: &Session, url: &str) -> Option<Value> {
    let all = queued(worker);
    all.as_object()?.values().find(|p| p["target"]["url"] == url).cloned()
}

/// Sets a field of the popup as typing would (an `input` or `change` event).
fn set(popup: &Page, field: &str, value: &str, event: &str) {
    popup.value(&format!(
        "(() => {{ const f = document.querySelector({field:?}); f.value = {value:?}; \
           f.dispatchEvent(new Event({event:?}, {{ bubbles: true }})); return true; }})()"
    ));
}

#[test]
fn the_toolbar_button_adds_the_page_being_read_and_it_syncs() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let article = h.open_url(ARTICLE).unwrap();
    article.expect("document.readyState === 'complete'", "the article loaded");
    let popup = h.open_popup_for(&article).unwrap();
    popup.expect("!!document.querySelector('form#add-page')", "the popup offers to add the page");
    assert_eq!(popup.value("document.querySelector('#add-title').value"), TITLE);
    assert_eq!(popup.value("document.querySelector('#add-url').value"), ARTICLE);
    assert_eq!(popup.value("document.querySelector('#add-dest').value"), "x", "the default destination");
    let slot = popup.value("document.querySelector('#add-slot').textContent");
    assert!(slot.as_str().unwrap().starts_with("Next free slot: "), "{slot}");
    popup.expect("!!document.querySelector('#add-find')", "no discussion in an open tab; search on request");
    assert_eq!(h.replica.count("/api/v1/search"), 0, "HN's search is not asked unasked");

    // An edited title and another destination; Enter queues it.
    set(&popup, "#add-title", "Small wasm, measured", "input");
    set(&popup, "#add-dest", "bluesky", "change");
    popup.value("document.querySelector('#add-title').focus(), true");
    popup.press("Enter", 0);
    popup.expect(
        "document.querySelector('#add-result').textContent.startsWith('Added to the share buffer for ')",
        "the popup says it was added, and for when",
    );
    let p = post(&worker, ARTICLE).expect("queued");
    assert_eq!(p["target"]["site"], "web");
    assert_eq!(p["target"]["title"], "Small wasm, measured");
    assert_eq!(p["text"], "Small wasm, measured");
    assert_eq!(p["destination"], "bluesky");
    assert_eq!(popup.value("document.querySelector('#add-submit').disabled"), true, "added once");
    popup.expect(
        "[...document.querySelectorAll('#tab-share, [role=tab]')].length > 0",
        "the rest of the popup is still there",
    );

    // Chrome Sync carries it to another profile.
    let b2 = h.second_profile().unwrap();
    let w2 = b2.extension_worker(EXTENSION_ID, Duration::from_secs(20)).unwrap();
    w2.wait_until("typeof chrome === 'object' && !!chrome.storage", Duration::from_secs(20)).unwrap();
    let items = worker.eval("chrome.storage.sync.get(null)").unwrap();
    w2.eval(&format!("chrome.storage.sync.set({items}).then(() => true)")).unwrap();
    let until = std::time::Instant::now() + Duration::from_secs(10);
    let there = loop {
        if let Some(p) = post(&w2, ARTICLE) {
            break p;
        }
        assert!(std::time::Instant::now() < until, "not on the second profile: {}", queued(&w2));
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(there["target"]["title"], "Small wasm, measured");
    assert_eq!(there["destination"], "bluesky");
}

#[test]
fn a_page_discussed_on_hn_is_queued_as_its_story() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    // An open HN list whose first story links to the article.
    let list = h.open("/news").unwrap();
    list.ready();
    let story = list.value(&format!(
        "(() => {{ const r = document.querySelector('tr.athing.submission'); \
                  r.querySelector('span.titleline > a').href = {ARTICLE:?}; return r.id; }})()"
    ));
    let story = story.as_str().unwrap().to_string();
    // Another story's link, for the search below.
    let other = list.value(
        "(() => { const r = document.querySelectorAll('tr.athing.submission')[4]; \
           return [r.id, r.querySelector('span.titleline > a').href]; })()",
    );
    let (other_id, other_url) = (other[0].as_str().unwrap().to_string(), other[1].as_str().unwrap().to_string());

    let article = h.open_url(ARTICLE).unwrap();
    article.expect("document.readyState === 'complete'", "the article loaded");
    let popup = h.open_popup_for(&article).unwrap();
    popup.expect(
        &format!("document.querySelector('#add-discussion')?.dataset.story === '{story}'"),
        "the discussion found in the open HN tab",
    );
    assert_eq!(h.replica.count("/api/v1/search"), 0, "found without HN's search");
    popup.click("#add-submit");
    popup.expect("document.querySelector('#add-result').textContent.startsWith('Added')", "added");
    let p = post(&worker, ARTICLE).expect("queued");
    assert_eq!(p["target"]["id"].to_string(), story, "queued as the HN story, as from HN");
    assert!(p["target"]["site"].is_null() || p["target"]["site"] == "hn", "{p}");

    // With the HN tab closed, another address's discussion is found by
    // HN's search, when asked.
    list.session.close().unwrap();
    let popup = h.open_popup_for(&article).unwrap();
    popup.expect("!!document.querySelector('#add-find')", "nothing open lists it now");
    set(&popup, "#add-url", &other_url, "input");
    popup.click("#add-find");
    popup.expect(
        &format!("document.querySelector('#add-discussion')?.dataset.story === '{other_id}'"),
        "found by HN's search",
    );
    assert!(h.replica.count("/api/v1/search") >= 1);
}

#[test]
fn the_context_menu_and_the_command_add_from_any_page() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let tab = json!({ "id": 1, "url": ARTICLE, "title": TITLE });
    let menu = |info: Value, tab: &Value| worker.eval(&format!("self.hnewContextMenu({info}, {tab})")).unwrap();
    let command = |tab: Value| worker.eval(&format!("self.hnewCommand('add-page', {tab})")).unwrap();

    // The page, a quote, a link and an image, as Chrome reports each click.
    assert_eq!(menu(json!({ "menuItemId": "share-page", "pageUrl": ARTICLE }), &tab), true);
    assert_eq!(post(&worker, ARTICLE).unwrap()["text"], TITLE);
    let quote = "Every byte a page compiles is paid by every reader";
    assert_eq!(
        menu(json!({ "menuItemId": "share-selection", "selectionText": quote, "pageUrl": ARTICLE }), &tab),
        true
    );
    let quoted = format!("\u{201c}{quote}\u{201d} \u{2014} {TITLE}");
    assert!(queued(&worker).as_object().unwrap().values().any(|p| p["text"] == quoted.as_str()), "{}", queued(&worker));
    let paper = "https://blog.example.org/papers/measured";
    assert_eq!(menu(json!({ "menuItemId": "share-link", "linkUrl": paper, "pageUrl": ARTICLE }), &tab), true);
    assert_eq!(post(&worker, paper).unwrap()["text"], paper, "Chrome gives no link text: the address names it");
    let chart = "https://blog.example.org/chart.svg";
    assert_eq!(menu(json!({ "menuItemId": "share-image", "srcUrl": chart, "pageUrl": ARTICLE }), &tab), true);
    assert_eq!(post(&worker, chart).unwrap()["text"], format!("{TITLE} (image from {ARTICLE})"));

    // The command adds the page being read.
    let second = "https://blog.example.org/posts/the-second-article";
    assert_eq!(command(json!({ "id": 2, "url": second, "title": "The second article" })), true);
    assert_eq!(post(&worker, second).unwrap()["target"]["title"], "The second article");

    // What cannot be added says so and queues nothing.
    let before = queued(&worker).as_object().unwrap().len();
    assert_eq!(command(json!({ "id": 3, "url": "file:///home/me/notes.html", "title": "notes" })), false);
    assert_eq!(command(json!({ "id": 4, "url": "chrome://settings/", "title": "Settings" })), false);
    let long = format!("https://blog.example.org/{}", "a".repeat(2100));
    assert_eq!(command(json!({ "id": 5, "url": long, "title": "Long" })), false);
    assert_eq!(menu(json!({ "menuItemId": "share-image", "srcUrl": "data:image/png;base64,AAAA" }), &tab), false);
    assert_eq!(command(tab.clone()), false, "already queued");
    assert_eq!(queued(&worker).as_object().unwrap().len(), before, "nothing half-queued");
    // Each answer was told in a notification.
    let shown = worker.eval("chrome.notifications.getAll().then(n => Object.keys(n).length)").unwrap();
    assert!(shown.as_u64().unwrap() >= 5, "{shown} notifications");
}

#[test]
fn pages_off_the_web_are_named_in_the_popup() {
    let h = Harness::start(Options::default()).unwrap();
    let local = h.open_url("data:text/html,<title>A page of no site</title><p>kept on this computer</p>").unwrap();
    let popup = h.open_popup_for(&local).unwrap();
    popup.expect(
        "document.querySelector('#add-page')?.textContent.includes('only web pages (http and https)')",
        "the popup says why this page cannot be added",
    );
    // On HN the share menu does it.
    let front = h.open("/news").unwrap();
    front.ready();
    let popup = h.open_popup_for(&front).unwrap();
    popup.expect("document.querySelector('#add-page')?.textContent.includes('share is under each story')", "the hint");
    // A thread is added as its story.
    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    let popup = h.open_popup_for(&thread).unwrap();
    popup.expect("!!document.querySelector('form#add-page')", "the thread can be added");
    assert_eq!(popup.value("!!document.querySelector('#add-find')"), false, "it is its own discussion");
    popup.click("#add-submit");
    popup.expect("document.querySelector('#add-result').textContent.startsWith('Added')", "added");
    let worker = h.worker().unwrap();
    let p = &queued(&worker)["30883015"];
    assert_eq!(p["target"]["id"], 30883015, "{p}");
    assert!(p["target"]["url"].is_null(), "{p}");
}
