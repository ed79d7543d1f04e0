//! Pages in Firefox: the Firefox package, installed as a temporary add-on
//! over WebDriver BiDi, on the same local HN as the Chromium suites (HN's
//! hosts reached through it as Firefox's proxy, with HN's own policy). The
//! same features, by the same trusted input (pointer, keys, wheel).

use hacker_new::firefox::FirefoxHarness;
use serde_json::{json, Value};

/// A saved Lobsters thread the replica serves.
const LOBSTERS_THREAD: &str = "https://lobste.rs/s/tdfoqh/ranking_comments";

fn harness() -> FirefoxHarness {
    FirefoxHarness::start().expect("Firefox starts with the extension (`cargo run -- test` installs firefox-esr)")
}

/// tosh's profile, as HN's API gives it.
fn mount_tosh(h: &FirefoxHarness) {
    h.replica.mount(
        hn_replica::API_HOST,
        "/v0/user/tosh.json",
        "application/json",
        json!({ "id": "tosh", "karma": 12345, "created": 1_200_000_000, "about": "Writes <i>things</i>.", "submitted": [1, 2, 3] })
            .to_string()
            .into_bytes(),
    );
}

/// Turns the wheel over `tab`, a screen and more at a time, until `done`
/// (a JavaScript expression) holds or a dozen turns have passed (the
/// caller then waits for what it expects, and says what did not happen).
fn wheel_until(h: &FirefoxHarness, tab: &str, done: &str) {
    for _ in 0..12 {
        h.wheel(tab, 2000);
        if h.eval(tab, done) == Value::Bool(true) {
            return;
        }
    }
}

/// No error in any page's log (uncaught exceptions, refused scripts or
/// wasm, console errors).
fn no_errors(h: &FirefoxHarness) {
    let log = h.firefox.log();
    let errors: Vec<&String> = log.iter().filter(|l| l.starts_with("error")).collect();
    assert!(errors.is_empty(), "errors: {errors:#?}\nthe whole log: {log:#?}");
}

#[test]
fn the_card_follows_and_a_filter_hides_in_firefox() {
    let h = harness();
    mount_tosh(&h);
    let front = h.open("/news").unwrap();
    h.ready(&front);
    // Every story has its share control; the page's policy is HN's own.
    let counts = h.eval(
        &front,
        "[document.querySelectorAll('tr.athing.submission').length, document.querySelectorAll('tr.athing.submission + tr button.hnew-share').length]",
    );
    assert_eq!(counts[0], counts[1], "{counts}");
    assert!(counts[0].as_u64().unwrap() >= 30);
    // Firefox runs the wasm under HN's policy as sent: no rule loosens it,
    // and the background learned from the page (not from the browser's
    // name) that none is needed.
    assert_eq!(h.extension("browser.declarativeNetRequest.getDynamicRules().then(r => r.length)"), json!(0));
    let needed = "browser.storage.local.get('csp_status').then(r => r.csp_status && r.csp_status.needed)";
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h.extension(needed) != json!(false) {
        assert!(std::time::Instant::now() < deadline, "not learned: {}", h.extension(needed));
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(h.replica.csp().contains("script-src") && !h.replica.csp().contains("wasm-unsafe-eval"));

    // The card comes from the second module, loaded on the first hover.
    h.hover_on(&front, "[...document.querySelectorAll('a.hnuser')].find(a => a.textContent === 'tosh')");
    h.wait(&front, "document.querySelector('.hnew-card:not([hidden]) .hnew-card-facts')", "the card with its profile");
    let facts = h.eval(&front, "document.querySelector('.hnew-card-facts').textContent");
    assert!(facts.as_str().unwrap().contains("12345 karma"), "{facts}");
    h.click_on(&front, "document.querySelector('.hnew-card:not([hidden]) .hnew-card-follow')");
    h.wait(
        &front,
        "document.querySelectorAll('a.hnuser.hnew-followed').length === [...document.querySelectorAll('a.hnuser')].filter(a => a.textContent === 'tosh').length && document.querySelector('tr.athing.hnew-followed-item')",
        "tosh and tosh's story highlighted",
    );
    assert!(h.ask(json!({ "kind": "get_state" }))["state"]["follows"]["hn:tosh"].is_object());

    // A filter saved from the extension's pages reaches the open tab.
    let google = h.eval(
        &front,
        "[...document.querySelectorAll('tr.athing.submission')].filter(r => /(^|\\.)google\\.com(\\/|$)/.test(r.querySelector('.sitestr')?.textContent || '')).map(r => r.id)",
    );
    let answer =
        h.ask(json!({"kind": "save_filter", "rule": {"kind": "domain", "pattern": "google.com", "target": "stories"}}));
    assert_eq!(answer["kind"], "done", "{answer}");
    h.wait(&front, "document.documentElement.dataset.hnewHidden === '1'", "one story hidden");
    assert_eq!(h.eval(&front, "[...document.querySelectorAll('tr.athing.hnew-hidden')].map(r => r.id)"), google);
    assert_eq!(
        h.eval(&front, "document.querySelector('.hnew-filter-count').textContent"),
        "1 story hidden by your filters"
    );
    // A new page applies it before it is shown.
    let again = h.open("/news").unwrap();
    h.ready(&again);
    assert_eq!(h.eval(&again, "document.documentElement.dataset.hnewHidden"), "1");
    no_errors(&h);
}

#[test]
fn a_subthread_folds_and_the_fold_is_kept_in_firefox() {
    let h = harness();
    let thread = h.open("/item?id=30883015").unwrap();
    h.ready(&thread);
    let plan = h.eval(
        &thread,
        "(() => { const rows = [...document.querySelectorAll('tr.comtr')]; const d = r => +r.querySelector('td.ind').getAttribute('indent'); \
          const root = rows.findIndex((r, i) => d(r) === 0 && rows[i + 1] && d(rows[i + 1]) > 0); \
          let end = root + 1; while (end < rows.length && d(rows[end]) > 0) end++; \
          return { root: rows[root].id, deep: rows[end - 1].id, descendants: rows.slice(root + 1, end).map(r => r.id) }; })()",
    );
    let deep = plan["deep"].as_str().unwrap();
    let root = plan["root"].as_str().unwrap();
    h.hover_on(&thread, &format!("document.getElementById('{deep}').querySelector('td.default')"));
    h.click_on(&thread, &format!("document.getElementById('{deep}').querySelector('button.hnew-fold')"));
    h.wait(&thread, &format!("document.getElementById('{root}').classList.contains('coll')"), "the root folded");
    let hidden_now =
        "[...document.querySelectorAll('tr.comtr')].filter(r => getComputedStyle(r).display === 'none').map(r => r.id)";
    assert_eq!(h.eval(&thread, hidden_now), plan["descendants"]);
    h.firefox.reload(&thread).unwrap();
    h.ready(&thread);
    h.wait(&thread, "document.documentElement.dataset.hnewFoldsRestored === '1'", "the fold restored");
    assert_eq!(h.eval(&thread, hidden_now), plan["descendants"]);
    // The log `no_errors` reads does hear the page.
    h.eval(&thread, "console.info('log check')");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !h.firefox.log().iter().any(|l| l.contains("log check")) {
        assert!(std::time::Instant::now() < deadline, "the page's console is not heard: {:?}", h.firefox.log());
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    no_errors(&h);
}

#[test]
fn the_share_menu_the_keys_and_endless_scroll_work_in_firefox() {
    let h = harness();
    let front = h.open("/news").unwrap();
    h.ready(&front);
    h.click_on(&front, "document.querySelector('button.hnew-share')");
    h.wait(&front, "document.querySelector('.hnew-share-menu:not([hidden]) .hnew-share-item')", "the menu opened");
    let destinations = h.eval(
        &front,
        "[...document.querySelectorAll('.hnew-share-menu:not([hidden]) [data-destination]')].map(a => a.dataset.destination)",
    );
    for d in ["x", "mastodon", "bluesky", "linkedin", "reddit"] {
        assert!(destinations.as_array().unwrap().iter().any(|v| v == d), "{d} in {destinations}");
    }
    h.press(&front, "Escape");
    h.wait(&front, "!document.querySelector('.hnew-share-menu:not([hidden])')", "Escape closed the menu");

    // The keyboard: j moves to the first story, j again to the second.
    let ids = h.eval(&front, "[...document.querySelectorAll('tr.athing.submission')].slice(0, 2).map(r => r.id)");
    h.press(&front, "j");
    h.wait(&front, &format!("document.querySelector('tr.hnew-focus')?.id === {}", ids[0]), "j focused the first story");
    h.press(&front, "j");
    h.wait(&front, &format!("document.querySelector('tr.hnew-focus')?.id === {}", ids[1]), "and the second");

    // Nothing asked of HN until the reader scrolls towards the end (the
    // scroll watch has seen the page laid out, and frames were drawn).
    h.wait(&front, "document.documentElement.dataset.hnewScrollObserved === 'yes'", "the scroll watch observed");
    h.wait(
        &front,
        "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))))",
        "frames drawn",
    );
    assert_eq!(h.replica.count("/news?p="), 0, "no request at load");
    wheel_until(&h, &front, "+document.documentElement.dataset.hnewPages >= 1");
    h.wait(&front, "+document.documentElement.dataset.hnewPages >= 1", "page 2 appended after the wheel");
    assert_eq!(h.replica.count("/news?p=2"), 1);
    no_errors(&h);
}

#[test]
fn every_request_is_answered_in_firefox() {
    let h = harness();
    mount_tosh(&h);
    // Every kind the popup and options send, once: each gets an answer
    // (an error is an answer; a request left hanging fails here).
    let requests = [
        json!({"kind": "ping", "nonce": 3}),
        json!({"kind": "get_settings"}),
        json!({"kind": "csp_status"}),
        json!({"kind": "get_state"}),
        json!({"kind": "get_page_state"}),
        json!({"kind": "sync_status"}),
        json!({"kind": "get_health"}),
        json!({"kind": "get_inbox"}),
        json!({"kind": "check_replies"}),
        json!({"kind": "get_filter_hits"}),
        json!({"kind": "get_activity", "refresh": false}),
        json!({"kind": "mark_activity_seen"}),
        json!({"kind": "export_state"}),
        json!({"kind": "set_follow", "site": "hn", "user": "pg", "follow": true}),
        json!({"kind": "set_tag", "site": "hn", "user": "pg", "tag": "founder"}),
        json!({"kind": "set_note", "site": "hn", "user": "pg", "note": "wrote Arc"}),
        json!({"kind": "set_notify", "site": "hn", "user": "pg", "notify": true}),
        json!({"kind": "follow_many", "users": ["tosh", "dang"]}),
        json!({"kind": "save_filter", "rule": {"kind": "keyword", "pattern": "crypto", "target": "both"}}),
        json!({"kind": "get_profile", "site": "hn", "user": "tosh"}),
        json!({"kind": "get_item", "id": 8863}),
        json!({"kind": "fetch_page", "site": "hn", "path": "/news?p=2"}),
        json!({"kind": "set_mastodon_instance", "instance": "hachyderm.io"}),
        json!({"kind": "add_to_buffer", "target": {"id": 30883015, "title": "A story", "url": "https://example.com/"}, "text": null}),
        json!({"kind": "shuffle_buffer"}),
        json!({"kind": "mark_replies_read", "ids": null}),
        json!({"kind": "welcomed"}),
    ];
    for r in &requests {
        let answer = h.ask(r.clone());
        let kind = answer["kind"].as_str().unwrap_or_else(|| panic!("{r}: no answer ({answer})"));
        assert_ne!(kind, "error", "{r}: {answer}");
    }
    // And every kind there is, once: an answer each, its own or an error
    // saying why (signed out, no such item…), none malformed.
    for r in hacker_new::every_request() {
        hacker_new::check_answer(&r, &h.ask(r.clone()));
    }
    // The health section's lines load (Firefox has no notification
    // permission level to ask): none, nothing being wrong.
    let health = h.ask(json!({"kind": "get_health"}));
    assert_eq!(health["lines"], json!([]), "{health}");
    // The popup renders with the state.
    let popup = h.open_extension("popup/popup.html").unwrap();
    h.wait(&popup, "document.querySelectorAll('[role=tab]').length >= 4", "the popup's tabs");
    h.wait(&popup, "document.body.textContent.includes('tosh')", "the follows listed");
    no_errors(&h);
}

/// Ids of the notifications the extension raised since `watch_notifications`.
/// Headless Firefox has no notification area: it takes each notification
/// and closes it at once, so they are seen by their `onClosed` (a refused
/// one never gets there).
/// A notification the test raises last is taken after every one raised
/// before it: once it is seen, so is anything the extension raised.
fn shown(h: &FirefoxHarness) -> Vec<String> {
    let control = h.extension(
        "(() => { const id = 'control-' + Math.random(); chrome.notifications.create(id, { type: 'basic', \
         title: 'control', message: 'control', iconUrl: chrome.runtime.getURL('icons/128.png') }); return id; })()",
    );
    let control = control.as_str().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h.extension(&format!("window.hnewRaised.includes('{control}')")) != true {
        assert!(std::time::Instant::now() < deadline, "the control notification was not taken");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let ids = h.extension("window.hnewRaised");
    ids.as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .filter(|id| !id.starts_with("control-"))
        .map(str::to_string)
        .collect()
}

fn watch_notifications(h: &FirefoxHarness) {
    h.extension(
        "(window.hnewRaised = [], chrome.notifications.onClosed.addListener(id => window.hnewRaised.push(id)), true)",
    );
}

#[test]
fn the_share_buffer_a_reply_and_the_digest_notify_in_firefox() {
    let h = harness();
    watch_notifications(&h);
    // A queued post is announced when its slot passes.
    let target = json!({"id": 30883015, "title": "A story worth sharing", "url": "https://example.com/"});
    assert_eq!(h.ask(json!({"kind": "add_to_buffer", "target": target}))["kind"], "queued");
    let now = h.extension("Date.now()").as_f64().unwrap() as i64;
    const HOUR: i64 = 3_600_000;
    assert_eq!(h.background(&format!("bg.hnewShareTick({now})")), json!(0));
    assert_eq!(h.background(&format!("bg.hnewShareTick({})", now + 36 * HOUR)), json!(1), "one post announced");
    assert_eq!(shown(&h), vec!["share:30883015".to_string()], "Firefox took it (it was refused before)");

    // A reply to the reader's comment, found by the reply check.
    const ME: &str = "ewsbr";
    let t = h.extension("Math.floor(Date.now() / 1000)").as_i64().unwrap();
    let mount = |path: &str, doc: Value| {
        h.replica.mount(
            hn_replica::API_HOST,
            &format!("/v0/{path}.json"),
            "application/json; charset=utf-8",
            doc.to_string().into_bytes(),
        )
    };
    mount(&format!("user/{ME}"), json!({ "id": ME, "created": 1_600_000_000, "karma": 10, "submitted": [9001] }));
    mount(
        "item/9001",
        json!({ "id": 9001, "by": ME, "type": "comment", "parent": 1, "time": t - 600, "text": "Mine", "kids": [] }),
    );
    // The saved second page of the 2026 front page is signed in.
    let page = h.open("/news?p=2").unwrap();
    h.ready(&page);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while h.ask(json!({ "kind": "get_inbox" }))["inbox"]["me"] != ME {
        assert!(std::time::Instant::now() < deadline, "the page told the background who is signed in");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    h.background("bg.hnewAlarm('replies').then(() => true)");
    assert!(!shown(&h).iter().any(|n| n.starts_with("reply:")), "no notification for history");
    mount(
        "item/9001",
        json!({ "id": 9001, "by": ME, "type": "comment", "parent": 1, "time": t - 600, "text": "Mine", "kids": [9010] }),
    );
    mount(
        "item/9010",
        json!({ "id": 9010, "by": "alice", "type": "comment", "parent": 9001, "time": t, "text": "Good point" }),
    );
    h.background("bg.hnewAlarm('replies').then(() => true)");
    assert!(shown(&h).contains(&"reply:9010".to_string()), "the reply notified: {:?}", shown(&h));

    // Replies set to wait quietly, with a daily digest at midnight (due at
    // any time of the day): the next reply raises the digest, not itself.
    let prefs = json!({ "replies": "passive", "followed": "passive", "interval_min": 5, "digest_at": 0 });
    assert_eq!(h.ask(json!({ "kind": "save_notify_prefs", "prefs": prefs }))["kind"], "done");
    mount(
        "item/9001",
        json!({ "id": 9001, "by": ME, "type": "comment", "parent": 1, "time": t - 600, "text": "Mine", "kids": [9010, 9011] }),
    );
    mount(
        "item/9011",
        json!({ "id": 9011, "by": "bob", "type": "comment", "parent": 9001, "time": t, "text": "Agreed" }),
    );
    h.background("bg.hnewAlarm('replies').then(() => true)");
    let now = shown(&h);
    assert!(!now.contains(&"reply:9011".to_string()), "the reply waits quietly: {now:?}");
    assert!(now.iter().any(|n| n.starts_with("digest:")), "the digest notified: {now:?}");
    no_errors(&h);
}

#[test]
fn any_web_page_goes_into_the_share_buffer_in_firefox() {
    const ARTICLE: &str = "https://blog.example.org/posts/small-wasm-is-fast-wasm";
    let h = harness();
    // An open HN list whose first story links to the article.
    let list = h.open("/news").unwrap();
    h.ready(&list);
    let story = h.eval(
        &list,
        &format!(
            "(() => {{ const r = document.querySelector('tr.athing.submission'); \
               r.querySelector('span.titleline > a').href = {ARTICLE:?}; return r.id; }})()"
        ),
    );
    let article = h.open_url(ARTICLE).unwrap();
    h.wait(&article, "document.title === 'Small wasm is fast wasm'", "the article loaded");
    // Read in the HN tab by `scripting.executeScript`, as in Chromium.
    let found = h.ask(json!({ "kind": "find_discussion", "url": ARTICLE }));
    assert_eq!(found["story"]["id"].to_string(), story.as_str().unwrap(), "{found}");

    // The menu's quote and the command, with the tab as Firefox reports it.
    let tab = json!({ "id": 1, "url": ARTICLE, "title": "Small wasm is fast wasm" });
    let info = json!({ "menuItemId": "share-selection", "selectionText": "Every byte", "pageUrl": ARTICLE });
    assert_eq!(h.background(&format!("bg.hnewContextMenu({info}, {tab})")), json!(true));
    assert_eq!(h.background(&format!("bg.hnewCommand('add-page', {tab})")), json!(true));
    let share = h.ask(json!({ "kind": "get_state" }))["state"]["share"].clone();
    let posts: Vec<&Value> = share.as_object().unwrap().values().collect();
    assert!(
        posts.iter().any(|p| p["text"] == "\u{201c}Every byte\u{201d} \u{2014} Small wasm is fast wasm"),
        "{share}"
    );
    // The story's id as the page gave it (text), the target's as stored (a number).
    let story_id: u64 = story.as_str().unwrap().parse().unwrap();
    let page = posts.iter().find(|p| p["target"]["url"] == ARTICLE && p["target"]["id"].as_u64() == Some(story_id));
    assert!(page.is_some(), "the page queued as its HN story: {share}");
    no_errors(&h);
}

/// A reply typed in place is posted through HN's own form with the reader's
/// session and shown where it belongs; a vote and a hide happen in place
/// (no navigation) and reach HN.
#[test]
fn a_reply_a_vote_and_a_hide_happen_in_place_in_firefox() {
    let h = harness();
    h.log_in();
    let thread = h.open("/item?id=48350598").unwrap();
    h.ready(&thread);
    h.click_on(&thread, "document.getElementById('48351450').querySelector(\"a[href^='reply?id=']\")");
    h.wait(&thread, "document.querySelector('.hnew-reply textarea')", "the editor opened");
    h.click_on(&thread, "document.querySelector('.hnew-reply textarea')");
    h.type_text(&thread, "Agreed & <b>no markup</b>.");
    h.wait(&thread, "document.querySelector('.hnew-reply textarea').value.length === 26", "the text was typed");
    h.click_on(&thread, "document.querySelector('.hnew-reply-send')");
    h.wait(&thread, "document.querySelector('tr.hnew-posted')", "the new comment appears in place");
    let posted = h.replica.posted();
    assert_eq!(posted.len(), 1);
    assert_eq!((posted[0].parent.as_str(), posted[0].user.as_str()), ("48351450", "tester"));
    assert_eq!(posted[0].text, "Agreed & <b>no markup</b>.");
    let shown = h.eval(&thread, "document.querySelector('tr.hnew-posted .commtext').textContent");
    assert!(shown.as_str().unwrap().contains("<b>no markup</b>"), "text stays text: {shown}");

    let front = h.open("/news?fixture=ews-news-2026-03").unwrap();
    h.ready(&front);
    let ids = h.eval(&front, "[...document.querySelectorAll('tr.athing.submission')].slice(0, 2).map(r => r.id)");
    let (id, second) = (ids[0].as_str().unwrap().to_string(), ids[1].as_str().unwrap().to_string());
    h.eval(&front, "window.__stayed = true");
    h.click_on(&front, &format!("document.getElementById('up_{id}')"));
    h.wait(&front, &format!("document.querySelector('#unv_{id} a')?.textContent === 'unvote'"), "unvote offered");
    h.click_on(&front, &format!("document.querySelector(\"a[href^='hide?id={second}']\")"));
    h.wait(&front, &format!("document.getElementById('{second}').offsetParent === null"), "hidden in place");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let wanted = [format!("/vote?id={id}&how=up"), format!("/hide?id={second}")];
    while !wanted
        .iter()
        .all(|w| h.replica.acted().iter().any(|(user, p)| user == "tester" && p.starts_with(w.as_str())))
    {
        assert!(std::time::Instant::now() < deadline, "HN did not get both: {:?}", h.replica.acted());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(h.eval(&front, "window.__stayed === true"), Value::Bool(true), "no navigation: the page stayed");
    no_errors(&h);
}

/// Reading settings saved in the extension's pages reach an open tab at
/// once (dark, font scale), and the `?` key opens the list of keys, which
/// Escape closes.
#[test]
fn reading_settings_apply_live_and_the_keys_list_opens_in_firefox() {
    let h = harness();
    let front = h.open("/news").unwrap();
    h.ready(&front);
    let answer = h.ask(json!({"kind": "save_settings", "settings": {"font_scale": 150, "width": 70, "line_height": 150, "theme": "dark", "high_contrast": false, "crisp_assets": true}}));
    assert_eq!(answer["kind"], "settings", "{answer}");
    h.wait(&front, "document.documentElement.classList.contains('hnew-theme-dark')", "dark mode applied live");
    assert_eq!(h.eval(&front, "getComputedStyle(document.body).backgroundColor"), "rgb(22, 24, 26)");
    let size = h.eval(&front, "parseFloat(getComputedStyle(document.querySelector('.titleline > a')).fontSize)");
    assert!((size.as_f64().unwrap() - 20.0).abs() < 0.5, "10pt x 1.5 = 20px, got {size}");
    // A new page has the look from its start.
    let thread = h.open("/item?id=30883015").unwrap();
    h.ready(&thread);
    assert_eq!(h.eval(&thread, "document.documentElement.classList.contains('hnew-theme-dark')"), Value::Bool(true));

    h.press(&thread, "?");
    h.wait(&thread, "document.querySelector('.hnew-keys-help')?.open === true", "the keys list opened");
    h.wait(&thread, "document.querySelector('.hnew-keys-help').contains(document.activeElement)", "and took focus");
    h.press(&thread, "Escape");
    h.wait(&thread, "!document.querySelector('.hnew-keys-help')?.open", "Escape closed it");
    no_errors(&h);
}

/// HN refusing the next page (503) is said on the line under the list and
/// retried after a wait; the retry appends the page.
#[test]
fn a_refused_next_page_is_retried_in_firefox() {
    let h = harness();
    h.replica.fault("/news?p=2", hn_replica::Fault::Unavailable, Some(1));
    let front = h.open("/news").unwrap();
    h.ready(&front);
    wheel_until(&h, &front, "['retrying', 'loading'].includes(document.documentElement.dataset.hnewScroll) || +document.documentElement.dataset.hnewPages >= 1");
    h.wait(&front, "document.documentElement.dataset.hnewScroll === 'retrying'", "the failure is shown");
    let line = h.eval(&front, "document.querySelector('.hnew-more-text').textContent");
    assert!(line.as_str().unwrap().contains("Retrying in 2 s"), "{line}");
    h.wait(&front, "+document.documentElement.dataset.hnewPages >= 1", "the retry appended page 2");
    assert_eq!(h.replica.count("/news?p=2"), 2, "one failure, one retry");
    no_errors(&h);
}

/// The reader's own comment, edited in place (HN's source text in the
/// editor, the edit typed, saved through HN's form and shown) and then
/// deleted in place after the one-line question.
#[test]
fn an_own_comment_is_edited_and_deleted_in_place_in_firefox() {
    const THREAD: &str = "/item?id=48350598";
    const SOURCE: &str = "Source text: *emphasis* & <b>no markup</b>";
    let h = harness();
    h.log_in();
    let id = hacker_new::mount_own_thread(&h.replica);
    h.replica.own_comment(id, SOURCE);
    let row = format!("document.getElementById('{id}')");

    let thread = h.open(THREAD).unwrap();
    h.ready(&thread);
    h.click_on(&thread, &format!("{row}.querySelector(\"a[href^='edit?id=']\")"));
    h.wait(&thread, &format!("{row}.querySelector('.hnew-edit[data-ready]')"), "the editor opened");
    let area = format!("{row}.querySelector('.hnew-edit textarea')");
    assert_eq!(h.eval(&thread, &format!("{area}.value")), SOURCE, "HN's source text");
    h.click_on(&thread, &area);
    // The caret at the end (where a click put it is the pointer's business).
    h.eval(
        &thread,
        &format!("(() => {{ const a = {area}; a.setSelectionRange(a.value.length, a.value.length); return true; }})()"),
    );
    h.type_text(&thread, " Edited.");
    h.click_on(&thread, &format!("{row}.querySelector('.hnew-edit-save')"));
    h.wait(&thread, &format!("document.documentElement.dataset.hnewEdited === '{id}'"), "the edit was saved");
    assert_eq!(h.replica.edited(), vec![("tester".to_string(), id.to_string(), format!("{SOURCE} Edited."))]);
    let shown = h.eval(&thread, &format!("{row}.querySelector('.commtext').textContent"));
    assert!(shown.as_str().unwrap().ends_with("Edited."), "{shown}");

    h.click_on(&thread, &format!("{row}.querySelector(\"a[href^='delete-confirm?id=']\")"));
    h.wait(&thread, &format!("{row}.querySelector('.hnew-delete-yes')"), "the question is asked");
    h.click_on(&thread, &format!("{row}.querySelector('.hnew-delete-yes')"));
    h.wait(&thread, &format!("document.documentElement.dataset.hnewDeleted === '{id}'"), "the comment was deleted");
    assert_eq!(h.replica.deleted(), vec![("tester".to_string(), id.to_string())]);
    assert_eq!(h.eval(&thread, "location.pathname + location.search"), THREAD, "no navigation");
    no_errors(&h);
}

/// Every failure of a reply is named in the editor and keeps the text:
/// signed out, too fast, a locked thread, HN unavailable, HN rate-limiting.
#[test]
fn a_reply_failure_is_named_and_keeps_the_text_in_firefox() {
    const PARENT: &str = "48351450";
    let h = harness();
    let thread = h.open("/item?id=48350598").unwrap();
    h.ready(&thread);
    h.click_on(&thread, &format!("document.getElementById('{PARENT}').querySelector(\"a[href^='reply?id=']\")"));
    h.wait(&thread, "document.querySelector('.hnew-reply textarea')", "the editor opened");
    h.click_on(&thread, "document.querySelector('.hnew-reply textarea')");
    h.type_text(&thread, "kept text");
    let log_in = || h.log_in();
    let cases = hacker_new::reply_refusals(&h.replica, &log_in, PARENT.parse().unwrap());
    for (setup, expected) in cases {
        setup();
        h.eval(&thread, "document.querySelector('.hnew-reply').removeAttribute('data-failed'), true");
        h.click_on(&thread, "document.querySelector('.hnew-reply-send')");
        h.wait(
            &thread,
            &format!("document.querySelector('.hnew-reply[data-failed]') && document.querySelector('.hnew-reply-status').textContent.includes({expected:?})"),
            &format!("the {expected} failure is named"),
        );
        assert_eq!(
            h.eval(&thread, "document.querySelector('.hnew-reply textarea').value"),
            "kept text",
            "after: {expected}"
        );
    }
    assert!(h.replica.posted().is_empty());
    no_errors(&h);
}

/// HN rate-limiting the next page and then answering a page without
/// stories: each is said on the line under the list (never taken for the
/// end), "Retry now" asks again at once, and page 2 arrives.
#[test]
fn rate_limiting_and_an_empty_page_back_off_and_retry_now_works_in_firefox() {
    let h = harness();
    h.replica.fault("/news?p=2", hn_replica::Fault::RateLimited, Some(1));
    h.replica.fault("/news?p=2", hn_replica::Fault::EmptyPage, Some(1));
    let front = h.open("/news").unwrap();
    h.ready(&front);
    wheel_until(&h, &front, "document.documentElement.dataset.hnewScroll !== 'idle'");
    h.wait(&front, "document.documentElement.dataset.hnewScroll === 'retrying'", "the rate limit is noticed");
    let line = h.eval(&front, "document.querySelector('.hnew-more-text').textContent");
    assert!(line.as_str().unwrap().contains("slow down"), "{line}");
    h.click_on(&front, "document.querySelector('.hnew-more-retry')");
    h.wait(
        &front,
        "document.querySelector('.hnew-more-text').textContent.includes('without stories')",
        "an empty page is a failure, not the end",
    );
    h.click_on(&front, "document.querySelector('.hnew-more-retry')");
    h.wait(&front, "+document.documentElement.dataset.hnewPages >= 1", "then page 2 arrives");
    assert_eq!(h.replica.count("/news?p=2"), 3);
    no_errors(&h);
}

/// Lobsters, once the reader allowed the site: its pages are enhanced
/// under Lobsters' own policy (no rule), a followed user's stories are
/// marked, and the follow is Lobsters' own, not HN's namesake's.
#[test]
fn lobsters_works_once_allowed_in_firefox() {
    let h = FirefoxHarness::start_granting(&["lobste.rs".to_string()]).expect("Firefox starts with the extension");
    let front = h.open_url("https://lobste.rs/").unwrap();
    h.ready(&front);
    assert_eq!(h.eval(&front, "document.documentElement.dataset.hnewSite"), "lobsters");
    assert_eq!(h.eval(&front, "document.documentElement.dataset.hnewStories"), "25");
    assert_eq!(
        h.ask(json!({"kind": "set_follow", "site": "lobsters", "user": "sjamaan", "follow": true}))["kind"],
        "done"
    );
    let by_sjamaan = "[...document.querySelectorAll('li.story')].filter(s => s.querySelector('a.u-author')?.textContent === 'sjamaan')";
    h.wait(
        &front,
        &format!("{by_sjamaan}.every(s => s.classList.contains('hnew-followed-item'))"),
        "sjamaan's stories marked",
    );
    assert_eq!(h.eval(&front, &format!("{by_sjamaan}.length")), 3);
    let state = h.ask(json!({"kind": "get_state"}));
    assert!(
        state["state"]["follows"].get("lobsters:sjamaan").is_some()
            && state["state"]["follows"].get("hn:sjamaan").is_none()
    );
    assert_eq!(h.extension("browser.declarativeNetRequest.getDynamicRules().then(r => r.length)"), json!(0), "no rule");

    // A tag filter hides exactly the stories with that tag, and says how many.
    let tagged = h.eval(&front, "document.querySelectorAll('li.story:has(a.tag[href=\"/t/rust\"])').length");
    assert_eq!(tagged, 5);
    let rule = json!({"kind": "tag", "pattern": "Rust", "target": "stories", "site": "lobsters"});
    assert_eq!(h.ask(json!({"kind": "save_filter", "rule": rule}))["kind"], "done");
    h.wait(&front, "document.documentElement.dataset.hnewHidden === '5'", "the tagged stories are hidden");
    assert_eq!(
        h.eval(&front, "[...document.querySelectorAll('li.story.hnew-hidden')].every(s => s.querySelector('a.tag[href=\"/t/rust\"]') && getComputedStyle(s).display === 'none')"),
        true
    );
    assert_eq!(
        h.eval(&front, "document.querySelector('.hnew-filter-count').textContent"),
        "5 stories hidden by your filters"
    );

    // A thread: a followed user's comments marked, a subthread folded from a
    // reply with its count, and unfolded.
    let thread = h.open_url(LOBSTERS_THREAD).unwrap();
    h.ready(&thread);
    assert_eq!(
        h.ask(json!({"kind": "set_follow", "site": "lobsters", "user": "friendlysock", "follow": true}))["kind"],
        "done"
    );
    h.wait(&thread, "document.querySelector('#c_m3wyu5.hnew-followed-item')", "the followed user's comment is marked");
    let inside =
        "[...document.querySelector('li.comments_subtree:has(> #c_9vyyu5)').querySelectorAll('div.comment')].slice(1)";
    let replies = h.eval(&thread, &format!("{inside}.length")).as_u64().unwrap();
    assert!(replies >= 2, "{replies}");
    h.hover_on(&thread, "document.querySelector('#c_lqqn3a')");
    h.wait(&thread, "document.querySelector('#c_lqqn3a button.hnew-fold')", "the reply has a fold control");
    h.click_on(&thread, "document.querySelector('#c_lqqn3a button.hnew-fold')");
    h.wait(
        &thread,
        "document.querySelector('#c_9vyyu5').classList.contains('hnew-coll')",
        "the whole subthread folded",
    );
    assert_eq!(h.eval(&thread, &format!("{inside}.every(c => !c.checkVisibility())")), true, "its replies are hidden");
    h.hover_on(&thread, "document.querySelector('#c_9vyyu5')");
    h.wait(
        &thread,
        &format!("document.querySelector('#c_9vyyu5 button.hnew-fold')?.textContent === 'unfold ({replies} hidden)'"),
        "the folded comment says what it hides",
    );
    h.click_on(&thread, "document.querySelector('#c_9vyyu5 button.hnew-fold')");
    h.wait(&thread, "!document.querySelector('#c_9vyyu5').classList.contains('hnew-coll')", "unfolded");
    assert_eq!(h.eval(&thread, &format!("{inside}.every(c => c.checkVisibility())")), true, "its replies are back");
    no_errors(&h);
}

/// With Lobsters not allowed (the default), nothing of ours runs there and
/// no page can have the background fetch from it.
#[test]
fn lobsters_stays_off_until_allowed_in_firefox() {
    let h = harness();
    assert_eq!(h.extension("browser.scripting.getRegisteredContentScripts().then(s => s.length)"), json!(0));
    let front = h.open_url("https://lobste.rs/").unwrap();
    h.wait(&front, "document.readyState === 'complete'", "the page loaded");
    // Nothing is registered to run there; a page of HN, started after it,
    // shows that our scripts had their turn.
    let hn = h.open("/news").unwrap();
    h.ready(&hn);
    assert_eq!(h.eval(&front, "document.documentElement.classList.contains('hnew')"), false, "nothing ran there");
    assert_eq!(h.eval(&front, "document.documentElement.dataset.hnewState ?? null"), Value::Null);
    // Without the site a page cannot have the background fetch it either.
    let answer = h.background(
        r#"bg.hnewHandleAs({v: 1, kind: "fetch_page", site: "lobsters", path: "/page/2"}, {url: "https://news.ycombinator.com/"})"#,
    );
    assert_eq!(hacker_new::page_answer(&answer).0, "error", "{answer}");
    no_errors(&h);
}

/// Every saved HN page, from 2011 to 2026, loads in Firefox with the
/// extension started, no feature switched off, and no error in any page's
/// log (as `tests/pages.rs` in Chromium).
#[test]
fn every_saved_page_loads_without_errors_in_firefox() {
    let h = harness();
    let fixtures = h.replica.fixtures().clone();
    let tab = h.open("/news").unwrap();
    h.ready(&tab);
    let mut checked = 0;
    for fixture in fixtures.hn_pages() {
        let address = fixtures.address_of(&fixture.rel).unwrap();
        h.firefox.navigate(&tab, &format!("{}{address}", hacker_new::HN)).unwrap();
        h.wait(
            &tab,
            "document.documentElement.dataset.hnewFeatures !== undefined || document.documentElement.dataset.hnewError",
            &format!("the extension finished on {} ({address})", fixture.rel),
        );
        assert_eq!(
            h.eval(&tab, "document.documentElement.dataset.hnewError || ''"),
            "",
            "{}: did not start",
            fixture.rel
        );
        assert_eq!(
            h.eval(&tab, "document.documentElement.dataset.hnewFailed || ''"),
            "",
            "{}: a feature failed",
            fixture.rel
        );
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} pages checked");
    // Old saved pages name HN's assets of their time (`http://ycombinator.com/…`),
    // which HN's policy blocks: the pages' own, not ours.
    let log = h.firefox.log();
    let errors: Vec<&String> = log
        .iter()
        .filter(|l| l.starts_with("error"))
        .filter(|l| !l.starts_with("error: Content-Security-Policy:") || l.contains("moz-extension"))
        .collect();
    assert!(errors.is_empty(), "errors: {errors:#?}");
}

/// A reply's draft survives a failed post and the browser's restart (the
/// add-on installed in the reader's profile, which is kept), then posts.
#[test]
fn a_draft_survives_a_failed_post_and_a_browser_restart_in_firefox() {
    const THREAD: &str = "/item?id=48350598";
    const PARENT: &str = "48351450";
    let open_reply = |h: &FirefoxHarness| {
        let thread = h.open(THREAD).unwrap();
        h.ready(&thread);
        h.click_on(&thread, &format!("document.getElementById('{PARENT}').querySelector(\"a[href^='reply?id=']\")"));
        h.wait(&thread, "document.querySelector('.hnew-reply textarea')", "the editor opened");
        thread
    };
    let profile = hn_browser::temp_dir("firefox-kept").unwrap();
    {
        let h = FirefoxHarness::start_in(&profile).unwrap();
        h.log_in();
        h.replica.too_fast(true);
        let thread = open_reply(&h);
        h.click_on(&thread, "document.querySelector('.hnew-reply textarea')");
        h.type_text(&thread, "written before the restart");
        h.click_on(&thread, "document.querySelector('.hnew-reply-send')");
        h.wait(&thread, "document.querySelector('.hnew-reply[data-failed]')", "the post failed");
        assert!(h.replica.posted().is_empty());
        no_errors(&h);
    }
    let h = FirefoxHarness::start_in(&profile).unwrap();
    let thread = open_reply(&h);
    h.wait(
        &thread,
        "document.querySelector('.hnew-reply textarea').value === 'written before the restart'",
        "the draft is back after the restart",
    );
    assert_eq!(
        h.eval(&thread, "document.querySelector('.hnew-reply-status').textContent"),
        "Your saved draft is back."
    );
    // Still signed in: HN's cookie was kept with the profile.
    h.click_on(&thread, "document.querySelector('.hnew-reply-send')");
    h.wait(&thread, "document.querySelector('tr.hnew-posted')", "posted after the restart");
    assert_eq!(h.replica.posted()[0].text, "written before the restart");
    no_errors(&h);
    drop(h);
    let _ = std::fs::remove_dir_all(profile);
}

/// Every refusal of an edit or a deletion of the reader's own comment is
/// named in place, and the edit's text is kept.
#[test]
fn edit_and_delete_refusals_are_named_in_firefox() {
    const THREAD: &str = "/item?id=48350598";
    const SOURCE: &str = "Source text: *emphasis* & <b>no markup</b>";
    let h = harness();
    let id = hacker_new::mount_own_thread(&h.replica);
    h.replica.own_comment(id, SOURCE);
    let row = format!("document.getElementById('{id}')");
    let thread = h.open(THREAD).unwrap();
    h.ready(&thread);

    // Deleting: signed out, then each refusal of HN's.
    h.click_on(&thread, &format!("{row}.querySelector(\"a[href^='delete-confirm?id=']\")"));
    h.wait(&thread, &format!("{row}.querySelector('.hnew-delete-yes')"), "the question is asked");
    let log_in = || h.log_in();
    for (setup, expected) in hacker_new::delete_refusals(&h.replica, &log_in, id) {
        setup();
        h.eval(&thread, &format!("{row}.querySelector('.hnew-delete')?.removeAttribute('data-failed'), true"));
        h.click_on(&thread, &format!("{row}.querySelector('.hnew-delete-yes')"));
        h.wait(
            &thread,
            &format!("{row}.querySelector('.hnew-delete[data-failed]')?.textContent.includes({expected:?})"),
            &format!("the {expected} refusal is named"),
        );
    }
    assert!(h.replica.deleted().is_empty());
    h.click_on(&thread, &format!("{row}.querySelector('.hnew-delete-keep')"));
    h.replica.clear_faults();

    // Editing (HN's edit window open again): each refusal named, the text kept.
    let thread = h.open(THREAD).unwrap();
    h.ready(&thread);
    h.replica.open_window(id);
    h.click_on(&thread, &format!("{row}.querySelector(\"a[href^='edit?id=']\")"));
    h.wait(&thread, &format!("{row}.querySelector('.hnew-edit[data-ready]')"), "the editor opened");
    let area = format!("{row}.querySelector('.hnew-edit textarea')");
    h.click_on(&thread, &area);
    h.eval(
        &thread,
        &format!("(() => {{ const a = {area}; a.setSelectionRange(a.value.length, a.value.length); return true; }})()"),
    );
    h.type_text(&thread, " kept");
    h.wait(&thread, &format!("{area}.value === {:?}", format!("{SOURCE} kept")), "the text was typed");
    for (setup, expected) in hacker_new::edit_refusals(&h.replica, id) {
        setup();
        h.eval(&thread, &format!("{row}.querySelector('.hnew-edit').removeAttribute('data-failed'), true"));
        h.click_on(&thread, &format!("{row}.querySelector('.hnew-edit-save')"));
        h.wait(
            &thread,
            &format!("{row}.querySelector('.hnew-edit[data-failed]')?.textContent.includes({expected:?})"),
            &format!("the {expected} refusal is named"),
        );
        assert_eq!(h.eval(&thread, &format!("{area}.value")), format!("{SOURCE} kept"), "after: {expected}");
    }
    assert!(h.replica.edited().is_empty());
    no_errors(&h);
}

/// Two of the reader's Firefox profiles edit apart, then this test plays
/// Firefox Sync's part (Firefox syncs `storage.sync` only through a Firefox
/// account): every item copied one key at a time, in shuffled order. Both
/// then show the same follows and filters, and a tag set on one shows on
/// the other's pages.
#[test]
fn two_firefox_profiles_converge_after_concurrent_edits() {
    let h1 = harness();
    let h2 = h1.second_profile().unwrap();
    let items = |h: &FirefoxHarness| -> Vec<(String, Value)> {
        let all = h.extension("chrome.storage.sync.get(null)");
        all.as_object().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
    };
    let mut seed: u64 = 11;
    let mut deliver = |from: &FirefoxHarness, to: &FirefoxHarness| {
        let mut all = items(from);
        for i in (1..all.len()).rev() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            all.swap(i, (seed >> 33) as usize % (i + 1));
        }
        for (k, v) in all {
            to.extension(&format!("chrome.storage.sync.set({}).then(() => true)", json!({ k: v })));
        }
    };
    let done = |h: &FirefoxHarness, req: Value| assert_eq!(h.ask(req.clone())["kind"], "done", "{req}");
    done(&h1, json!({"kind": "set_follow", "site": "hn", "user": "alice", "follow": true}));
    done(&h1, json!({"kind": "set_follow", "site": "hn", "user": "bob", "follow": true}));
    done(&h1, json!({"kind": "save_filter", "rule": {"kind": "keyword", "pattern": "crypto", "target": "both"}}));
    done(&h2, json!({"kind": "set_follow", "site": "hn", "user": "carol", "follow": true}));
    done(&h2, json!({"kind": "set_follow", "site": "hn", "user": "bob", "follow": true}));
    std::thread::sleep(std::time::Duration::from_millis(20));
    // The later action wins: profile 2 unfollows bob after profile 1 followed.
    done(&h2, json!({"kind": "set_follow", "site": "hn", "user": "bob", "follow": false}));
    done(
        &h2,
        json!({"kind": "save_filter", "rule": {"kind": "domain", "pattern": "example.com", "target": "stories"}}),
    );
    let state = |h: &FirefoxHarness| {
        let s = h.ask(json!({"kind": "get_state"}));
        json!({ "follows": s["state"]["follows"], "filters": s["state"]["filters"] })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        deliver(&h1, &h2);
        deliver(&h2, &h1);
        let (s1, s2) = (state(&h1), state(&h2));
        let follows: Vec<&String> = s1["follows"].as_object().map(|m| m.keys().collect()).unwrap_or_default();
        if s1 == s2 && follows == ["hn:alice", "hn:carol"] && s1["filters"].as_object().map(|m| m.len()) == Some(2) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the profiles did not converge:\n{s1}\n{s2}");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }

    // A tag set on profile 1 shows beside the name on profile 2's pages.
    let page1 = h1.open("/news").unwrap();
    h1.ready(&page1);
    let user = h1.eval(&page1, "document.querySelector('a.hnuser').textContent").as_str().unwrap().to_string();
    done(&h1, json!({"kind": "set_tag", "site": "hn", "user": user, "tag": "met at RustConf"}));
    deliver(&h1, &h2);
    let page2 = h2.open("/news").unwrap();
    h2.wait(
        &page2,
        &format!("document.documentElement.dataset.hnewState === 'applied' && document.querySelector(\"a.hnuser[href='user?id={user}'] + .hnew-tag\")?.textContent === 'met at RustConf'"),
        "the tag shows on profile 2",
    );
    no_errors(&h1);
    no_errors(&h2);
}

/// Keyboard navigation by the keyboard's own keys: `j`/`k` through
/// stories, not while typing in the search box; in a thread `p` to the
/// parent, `J` to the next top-level comment, `x` folding it; `s` sharing
/// the focused story.
#[test]
fn keys_move_through_stories_and_comments_in_firefox() {
    let h = harness();
    let front = h.open("/news").unwrap();
    h.ready(&front);
    let focused = |tab: &str| h.eval(tab, "document.querySelector('tr.hnew-focus')?.id || ''");
    let ids = h.eval(&front, "[...document.querySelectorAll('tr.athing.submission')].slice(0, 3).map(r => r.id)");
    for key in ["j", "j", "j", "k"] {
        h.press(&front, key);
    }
    h.wait(&front, &format!("document.querySelector('tr.hnew-focus')?.id === {}", ids[1]), "j j j k: the second story");
    h.eval(&front, "document.querySelector('input[name=q]').focus(), true");
    h.press(&front, "j");
    assert_eq!(focused(&front), ids[1], "no move while typing in the search box");
    h.eval(&front, "document.activeElement.blur(), true");
    h.press(&front, "s");
    h.wait(&front, "document.querySelector('.hnew-share-menu:not([hidden])')", "share from the keyboard");
    h.press(&front, "Escape");

    let thread = h.open("/item?id=30883015").unwrap();
    h.ready(&thread);
    let depths = h.eval(
        &thread,
        "[...document.querySelectorAll('tr.athing.comtr')].map(r => +r.querySelector('td.ind').getAttribute('indent'))",
    );
    let depths: Vec<u64> = depths.as_array().unwrap().iter().map(|d| d.as_u64().unwrap()).collect();
    let ids = h.eval(&thread, "[...document.querySelectorAll('tr.athing.comtr')].map(r => r.id)");
    let child = depths.iter().position(|&d| d == 1).expect("a reply");
    for _ in 0..=child {
        h.press(&thread, "j");
    }
    h.wait(&thread, &format!("document.querySelector('tr.hnew-focus')?.id === {}", ids[child]), "on the reply");
    h.press(&thread, "p");
    h.wait(&thread, &format!("document.querySelector('tr.hnew-focus')?.id === {}", ids[child - 1]), "p: the parent");
    h.press(&thread, "J");
    let next_top = depths.iter().enumerate().skip(child).find(|(_, &d)| d == 0).map(|(i, _)| i).unwrap();
    h.wait(
        &thread,
        &format!("document.querySelector('tr.hnew-focus')?.id === {}", ids[next_top]),
        "J: the next top-level comment",
    );
    h.press(&thread, "x");
    h.wait(&thread, &format!("document.getElementById({}).classList.contains('coll')", ids[next_top]), "x folded it");
    no_errors(&h);
}

/// The popup in Firefox, by its UI: a follow added (a wrong name refused
/// first) reaching an open tab and removed again; a first word filter with
/// the form's defaults; the tabs following the ARIA tabs pattern by the
/// keyboard's own arrow, Home and End keys.
#[test]
fn the_popups_forms_and_tabs_work_in_firefox() {
    let h = harness();
    let front = h.open("/news").unwrap();
    h.ready(&front);
    let popup = h.open_extension("popup/popup.html").unwrap();
    h.wait(&popup, "document.querySelector('main[data-ready=true]')", "the popup rendered");
    let type_into = |selector: &str, text: &str| {
        h.click_on(&popup, &format!("document.querySelector({selector:?})"));
        h.type_text(&popup, text);
        h.wait(&popup, &format!("document.querySelector({selector:?}).value === {text:?}"), "typed");
    };
    type_into("#follow-name", "not a name");
    h.click_on(&popup, "document.querySelector('#follow-add')");
    h.wait(&popup, "document.querySelector('.error')?.textContent.includes('not an HN username')", "the error shows");
    h.eval(&popup, "document.querySelector('#follow-name').value = '', true");
    type_into("#follow-name", "tosh");
    h.click_on(&popup, "document.querySelector('#follow-add')");
    h.wait(
        &popup,
        "[...document.querySelectorAll('ul.users a')].some(a => a.textContent === 'tosh')",
        "tosh is listed",
    );
    h.wait(
        &front,
        "document.querySelector('a.hnuser.hnew-followed')?.textContent === 'tosh'",
        "the open tab highlights tosh",
    );
    h.click_on(&popup, "document.querySelector(\"button[aria-label='Unfollow tosh']\")");
    h.wait(&front, "document.querySelectorAll('.hnew-followed').length === 0", "the open tab updated");

    h.click_on(&popup, "document.querySelector('#tab-filters')");
    h.wait(&popup, "document.querySelector('#rule-kind')", "the filter form");
    let shown = h.eval(
        &popup,
        "['#rule-site', '#rule-kind', '#rule-target'].map(s => { const e = document.querySelector(s); return [e.value, e.selectedIndex]; })",
    );
    assert_eq!(shown, json!([["hn", 0], ["keyword", 0], ["stories", 0]]));
    type_into("#rule-pattern", "crypto");
    h.click_on(&popup, "document.querySelector('#rule-add')");
    h.wait(&popup, "document.querySelectorAll('ul.rules li').length === 1", "the rule is listed");
    assert_eq!(h.eval(&popup, "document.querySelector('.error')?.textContent || ''"), "", "no error");

    h.click_on(&popup, "document.querySelector('#tab-following')");
    h.wait(&popup, "document.activeElement.id === 'tab-following'", "the tab has focus");
    let at =
        || h.eval(&popup, "[document.activeElement.id, document.querySelector('[role=tab][aria-selected=true]').id]");
    h.press(&popup, "ArrowRight");
    h.wait(&popup, "document.activeElement.id === 'tab-inbox'", "ArrowRight moved");
    assert_eq!(at(), json!(["tab-inbox", "tab-inbox"]), "and selected it");
    h.press(&popup, "End");
    h.wait(&popup, "document.activeElement.id === 'tab-sync'", "End");
    h.press(&popup, "ArrowRight");
    h.wait(&popup, "document.activeElement.id === 'tab-following'", "wraps to the first");
    h.press(&popup, "ArrowLeft");
    h.wait(&popup, "document.activeElement.id === 'tab-sync'", "wraps to the last");
    h.press(&popup, "Home");
    h.wait(&popup, "document.activeElement.id === 'tab-following'", "Home");
    no_errors(&h);
}
