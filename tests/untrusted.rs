//! Only the reader acts: clicks, keys, hovers and typing that a page's own
//! scripts make up (events with `isTrusted` false, sent from the page's
//! world as an attacker's script would) drive nothing of the extension's:
//! no follow, no share, no card, no request, no post.

use std::collections::BTreeSet;
use std::time::Duration;

use hacker_new::{Harness, Options, Page, EXTENSION_ID};
use serde_json::json;

const THREAD: &str = "/item?id=48350598";
const PARENT: &str = "48351450";

/// Runs `script` in the page's own world (CDP evaluates there, as the
/// page's scripts run). What it might set off is checked after the
/// reader's own gesture of the same kind has had its effect: whatever the
/// made-up one started, earlier, would have shown by then.
fn from_the_page(page: &Page, script: &str) {
    page.value(&format!("(() => {{ {script}; return true; }})()"));
}

/// The users whose profiles HN (the site or its API) was asked for, since
/// request `from`.
fn profiles_asked(h: &Harness, from: usize) -> BTreeSet<String> {
    h.replica.seen()[from..]
        .iter()
        .filter_map(|s| {
            let t = s.target.as_str();
            t.strip_prefix("/v0/user/")
                .and_then(|u| u.strip_suffix(".json"))
                .or_else(|| t.strip_prefix("/user?id=").map(|u| u.split('&').next().unwrap_or(u)))
                .map(str::to_string)
        })
        .collect()
}

/// The reader hovers `name`'s link (the first on the page by that name)
/// and its card opens, done asking for the profile.
fn reader_hovers(page: &Page, name: &str) {
    page.hover_on(&format!("[...document.querySelectorAll('a.hnuser')].find(a => a.textContent === '{name}')"));
    page.expect(
        &format!(
            "(c => c && c.querySelector('.hnew-card-name')?.textContent.includes('{name}') && !c.textContent.includes({:?})) \
             (document.querySelector('.hnew-card:not([hidden])'))",
            hn_core::text::PAGE_PROFILE_LOADING
        ),
        "the reader's hover opened the card",
    );
}

#[test]
fn made_up_events_follow_share_open_and_post_nothing() {
    let h = Harness::start(Options::default()).unwrap();
    h.log_in();
    let worker = h.worker().unwrap();
    let page = h.open(THREAD).unwrap();
    page.ready();
    let names =
        page.value("[...new Set([...document.querySelectorAll('tr.athing.comtr a.hnuser')].map(a => a.textContent))]");
    let names: Vec<&str> = names.as_array().unwrap().iter().filter_map(|n| n.as_str()).collect();
    let (first, other) = (names[0].to_string(), names[1].to_string());

    // A made-up hover and focus on a name: no card, no profile request
    // (the reader's hover of another name, later, opens the one card).
    from_the_page(
        &page,
        "const a = document.querySelector('tr.athing.comtr a.hnuser'); \
         a.dispatchEvent(new MouseEvent('mouseover', { bubbles: true })); \
         a.dispatchEvent(new FocusEvent('focusin', { bubbles: true }))",
    );
    reader_hovers(&page, &other);
    assert_eq!(profiles_asked(&h, 0), BTreeSet::from([other.clone()]), "profiles asked for");
    assert_eq!(page.value("document.querySelectorAll('.hnew-card').length"), 1);
    page.press("Escape", 0);
    page.expect("document.querySelector('.hnew-card').hidden", "Escape closed the card");

    // Made-up keys: `j` to focus a comment, `w` to follow its author, again
    // and again (an attacker's way to fill the sync quota). The reader's
    // own `j` then focuses the first comment, not the twenty-first.
    from_the_page(
        &page,
        "for (let i = 0; i < 20; i++) for (const key of ['j', 'w']) \
         document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))",
    );
    page.press("j", 0);
    page.expect("document.querySelector('tr.hnew-focus')", "the reader's j focused a comment");
    assert_eq!(
        page.value("document.querySelector('tr.hnew-focus') === document.querySelector('tr.athing.comtr')"),
        true,
        "made-up keys moved the focus"
    );
    page.press("Escape", 0);

    // A made-up click on the story's share control and on "share buffer";
    // then the reader opens the menu: the buffer is empty.
    let share_open = "(() => { const m = document.querySelector('.hnew-share-menu'); return !!m && !m.hidden; })()";
    from_the_page(
        &page,
        "document.querySelector('button.hnew-share')?.click(); \
         document.querySelector('.hnew-share-menu [data-action=buffer]')?.click()",
    );
    assert_eq!(page.value(share_open), false, "the share menu opened");
    page.click_on("document.querySelector('button.hnew-share')");
    page.expect(share_open, "the reader's click opened the share menu");
    page.press("Escape", 0);
    // Nothing reached the reader's state (what a made-up gesture sent the
    // background went before the reader's own requests above).
    let state = hacker_new::ask(&worker, json!({"kind": "get_state"}));
    assert_eq!(state["state"]["follows"], json!({}), "followed: {}", state["state"]["follows"]);
    assert_eq!(state["state"]["share"], json!({}), "queued: {}", state["state"]["share"]);
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());

    // The reader opens a card; the page clicks its Follow; the reader's
    // click then follows (it would unfollow, had the page's followed).
    reader_hovers(&page, &first);
    from_the_page(&page, "document.querySelector('.hnew-card-follow').click()");
    page.click_on("document.querySelector('.hnew-card-follow')");
    page.expect(
        "document.querySelector('.hnew-card-follow').getAttribute('aria-pressed') === 'true'",
        "the reader's click followed",
    );
    let state = hacker_new::ask(&worker, json!({"kind": "get_state"}));
    let follows: Vec<&String> = state["state"]["follows"].as_object().unwrap().keys().collect();
    assert_eq!(follows.len(), 1, "followed: {follows:?}");
    page.press("Escape", 0);

    // The reader opens the reply editor; the page types and sends; then the
    // reader writes and sends: one reply is posted, the reader's.
    page.click_on(&format!("document.getElementById('{PARENT}').querySelector(\"a[href^='reply?id=']\")"));
    page.expect("document.querySelector('.hnew-reply textarea')", "the reader's click opened the editor");
    from_the_page(
        &page,
        "const a = document.querySelector('.hnew-reply textarea'); a.value = 'posted by a script'; \
         a.dispatchEvent(new InputEvent('input', { bubbles: true })); \
         document.querySelector('.hnew-reply-send').click(); \
         a.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }))",
    );
    page.value("document.querySelector('.hnew-reply textarea').value = '', true");
    page.type_into("document.querySelector('.hnew-reply textarea')", "Written by the reader.");
    page.click(".hnew-reply-send");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while h.replica.posted().is_empty() {
        assert!(std::time::Instant::now() < deadline, "the reader's reply was not posted");
        std::thread::sleep(Duration::from_millis(100));
    }
    let posted = h.replica.posted();
    assert_eq!(posted.len(), 1, "posted: {posted:?}");
    assert_eq!(posted[0].text, "Written by the reader.", "posted: {posted:?}");
}

/// A page cannot tell the extension is there: its files answer only at
/// an address made anew each browser session, which only the content
/// script knows, and the page's root carries no version.
#[test]
fn a_page_cannot_find_the_extension_by_its_files_or_version() {
    let h = Harness::start(Options::default()).unwrap();
    let page = h.open("/news").unwrap();
    page.ready();
    for file in ["content/hn_content_bg.wasm", "content/hn_content_more.js", "content/hn_content_more_bg.wasm"] {
        let answer = page.value(&format!(
            "fetch('chrome-extension://{EXTENSION_ID}/{file}').then(r => 'answered ' + r.status, () => 'refused')"
        ));
        assert_eq!(answer, "refused", "{file}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(hacker_new::dist().join("manifest.json")).unwrap()).unwrap();
    let version = manifest["version"].as_str().unwrap().to_string();
    let attributes = page.value("[...document.documentElement.attributes].map(a => a.name + '=' + a.value).join(' ')");
    assert!(!attributes.as_str().unwrap().contains(&version), "the root shows the version: {attributes}");
    // The module loaded on first use still loads (from that address).
    page.hover_on("document.querySelector('a.hnuser')");
    page.expect("document.documentElement.dataset.hnewMore === 'running'", "the second module ran");
}

/// Outside diagnostics mode (a reader's browser) the root carries only
/// what the extension's styles read — its classes, the look's custom
/// properties, `data-hnew-state` and the read-marks setting — and no
/// timings, counts, feature lists or the worker's state for a page's script
/// to read: on a list, on a thread, and after the second module ran.
#[test]
fn the_root_carries_no_diagnostics_outside_diagnostics_mode() {
    let h = Harness::start(Options { diagnostics: false, ..Options::default() }).unwrap();
    for target in ["/news", THREAD] {
        let page = h.open(target).unwrap();
        page.ready();
        page.hover_on("document.querySelector('a.hnuser')");
        page.expect("!!document.querySelector('.hnew-card:not([hidden])')", "the card opened");
        let names = page.value("[...document.documentElement.attributes].map(a => a.name)");
        let names: Vec<&str> = names.as_array().unwrap().iter().filter_map(|n| n.as_str()).collect();
        let extra: Vec<&&str> = names
            .iter()
            .filter(|n| n.starts_with("data-hnew") && !["data-hnew-state", "data-hnew-read"].contains(n))
            .collect();
        assert!(extra.is_empty(), "{target}: the root reports {extra:?}");
        assert!(names.contains(&"data-hnew-state"), "{target}: {names:?}");
    }
}

/// Moving focus is something a page's script can do with real (trusted)
/// focus events: the card waits for focus to rest on a name, and the
/// background fetches at most 20 profiles a minute whatever pages ask, and
/// keeps a bounded cache.
#[test]
fn a_page_moving_focus_over_names_asks_for_one_profile_and_the_rate_is_capped() {
    let h = Harness::start(Options::default()).unwrap();
    let page = h.open(THREAD).unwrap();
    page.ready();
    let before = h.replica.seen().len();
    from_the_page(
        &page,
        "const names = [...document.querySelectorAll('a.hnuser')].slice(0, 40); \
         names.forEach(a => a.focus()); names[names.length - 1].blur()",
    );
    // Focus resting on a name opens its card (keyboard readers).
    let name = page.value("document.querySelector('tr.athing.comtr a.hnuser').textContent");
    let name = name.as_str().unwrap();
    h.replica.mount(
        hn_replica::API_HOST,
        &format!("/v0/user/{name}.json"),
        "application/json",
        serde_json::json!({ "id": name, "karma": 10, "created": 1_600_000_000 }).to_string().into_bytes(),
    );
    page.value("document.querySelector('tr.athing.comtr a.hnuser').focus(), true");
    page.expect(
        "document.querySelector('.hnew-card:not([hidden]) .hnew-card-facts')",
        "the card opened on resting focus",
    );
    // (By then a card set off by focus passing over names would have
    // fetched its profile too.)
    assert_eq!(
        profiles_asked(&h, before),
        BTreeSet::from([name.to_string()]),
        "profiles fetched for focus passing over names"
    );

    // Thirty different names asked of the background at once: twenty
    // fetched, two more a moment later, the rest refused.
    let worker = h.worker().unwrap();
    let from = h.replica.seen().len();
    let answers = worker
        .eval(
            "Promise.all([...Array(30).keys()].map(i => self.hnewHandleAs({ v: 1, kind: 'get_profile', site: 'hn', user: 'rate' + i }, \
             { url: 'https://news.ycombinator.com/news', tab: { id: 3 } })))",
        )
        .unwrap();
    let refused = answers
        .as_array()
        .unwrap()
        .iter()
        .map(hacker_new::page_answer)
        .filter(|(kind, fields)| kind == "error" && fields[0].contains("try again in a minute"))
        .count();
    assert!(refused >= 5, "refused {refused}: {answers}");
    let fetched: std::collections::BTreeSet<String> =
        h.replica.seen()[from..].iter().filter(|s| s.target.contains("/v0/user/")).map(|s| s.target.clone()).collect();
    assert!(fetched.len() <= 22, "{} profiles fetched (twenty at once, two more as the count refills)", fetched.len());
}

/// A script in the content script's own world (were one ever to run there)
/// cannot open the extension's local or sync storage: only session storage,
/// which holds the look and the page state pages apply, nothing private.
/// Pages' own records go through the worker, which takes only records.
#[test]
fn the_content_world_cannot_open_local_or_sync_storage() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    hacker_new::ask(&worker, json!({"kind": "set_follow", "site": "hn", "user": "tosh", "follow": true}));
    // A filter that hides something, so this page reports what it hid (the
    // other tabs' counts and addresses are not for pages either).
    let rule = json!({"kind": "keyword", "pattern": "the", "target": "both"});
    assert_eq!(hacker_new::ask(&worker, json!({"kind": "save_filter", "rule": rule}))["kind"], "done");
    let page = h.open("/item?id=30883015").unwrap();
    page.ready();
    worker
        .wait_until(
            "self.hnewHandle({ v: 1, kind: 'get_filter_hits' }).then(r => Object.keys(r.hits).length > 0)",
            Duration::from_secs(10),
        )
        .unwrap();
    let refused = "Access to storage is not allowed from this context.";
    for area in ["local", "sync"] {
        let read = page
            .eval_in_content_world(&format!(
                "chrome.storage.{area}.get(null).then(r => Object.keys(r), e => e.message)"
            ))
            .unwrap();
        assert_eq!(read, refused, "{area} read from the content world");
        let write = page
            .eval_in_content_world(&format!(
                "chrome.storage.{area}.set({{ notes: {{}} }}).then(() => 'written', e => e.message)"
            ))
            .unwrap();
        assert_eq!(write, refused, "{area} written from the content world");
    }
    let session =
        page.eval_in_content_world("chrome.storage.session.get(null).then(r => Object.keys(r).sort())").unwrap();
    // (And the diagnostics switch the tests turn on.)
    assert_eq!(
        session,
        json!(["diagnostics", "look", "page_state"]),
        "what pages read before parsing, and nothing else"
    );
    // Through the worker, a page reaches its records and nothing else.
    let ask = |text: &str| page.eval_in_content_world(&format!("chrome.runtime.sendMessage({text:?})")).unwrap();
    assert_eq!(ask("1\trecord_set\tdraft:1\tdraft 1\\n5\\thello"), "done");
    assert_eq!(ask("1\trecord_get\tdraft:1"), "record\tdraft 1\\n5\\thello");
    for key in ["state", "notes", "share_notifications", "replica"] {
        let got = ask(&format!("1\trecord_get\t{key}"));
        assert!(got.as_str().unwrap().starts_with("error"), "{key}: {got}");
        let set = ask(&format!("1\trecord_set\t{key}\tx"));
        assert!(set.as_str().unwrap().starts_with("error"), "{key}: {set}");
    }
    // The page's features still keep their records (a visit was recorded).
    let visits = worker.eval("chrome.storage.local.get('visits').then(r => typeof r.visits)").unwrap();
    assert_eq!(visits, "string");
}

/// A page's report that its wasm was refused carries when the page began
/// to load, and a rule made before then has the worker read HN's policy at
/// once. A script in the content world (were one ever to run there)
/// sending made-up refusals, one by one or many at once, has it read at
/// most three times a minute, a time no page could have loaded at not at
/// all, and past the minute's throttle once however many arrive together.
#[test]
fn made_up_refusals_cannot_have_hns_policy_read_at_will() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let page = h.open("/news").unwrap();
    page.ready();
    let checked = |ms_ago: u32| {
        worker
            .eval(&format!(
                "chrome.storage.local.get('csp_status').then(r => chrome.storage.local.set({{ csp_status: \
                 {{ ...r.csp_status, checked_at: Date.now() - {ms_ago} }} }})).then(() => true)"
            ))
            .unwrap()
    };
    let reads = || h.replica.seen().iter().filter(|r| r.target == "/").count();
    // `n` refusals sent together; their answers' kinds.
    let refuse = |loaded_at: &str, n: usize| {
        page.eval_in_content_world(&format!(
            "Promise.all(Array.from({{ length: {n} }}, () => chrome.runtime.sendMessage(\
             {{ v: 1, kind: 'csp_blocked', url: location.href, loaded_at: {loaded_at} }})))\
             .then(all => all.map(r => typeof r === 'string' ? r.split('\\t')[0] : r.kind))"
        ))
        .unwrap()
    };
    // The policy read five seconds ago (within the worker's minute).
    checked(5000);
    let before = reads();
    // An hour ahead: not a load time; the rule in force stands, unread.
    assert_eq!(refuse("Date.now() + 3600000", 1), json!(["done"]));
    assert_eq!(reads(), before, "a load time from the future read nothing");
    // The current time, six at once and then two more: three readings.
    let answers = refuse("Date.now()", 6);
    assert!(answers.as_array().unwrap().iter().all(|a| a == "error"), "{answers}");
    assert_eq!(reads() - before, 3, "read at once three times in the minute, no more");
    assert_eq!(refuse("Date.now()", 2), json!(["error", "error"]), "HN's policy unchanged: no page loads again");
    assert_eq!(reads() - before, 3);
    // No load time, the last reading two minutes old: six at once read
    // HN once, and the rule stands.
    checked(120_000);
    assert_eq!(refuse("undefined", 6), json!(["done", "done", "done", "done", "done", "done"]));
    assert_eq!(reads() - before, 4, "one reading for refusals that arrive together");
    let rule =
        worker.eval("chrome.declarativeNetRequest.getDynamicRules().then(r => r[0].action.responseHeaders[0].value)");
    assert!(rule.unwrap().as_str().is_some_and(|r| r.contains("'wasm-unsafe-eval'")));
    // Pages still start under it.
    let next = h.open("/news").unwrap();
    next.ready();
}

/// A notification's click opens only a page of the sites, whatever its
/// stored record says (were one planted, as a content script could before
/// storage was closed to it, and still can where the browser keeps it open).
#[test]
fn a_notification_click_opens_only_the_sites_pages() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let planted = json!({ "notes": {
        "evil": [1, { "do": "open", "url": "https://evil.example/login", "replies": [] }],
        "data": [1, { "do": "open", "url": "data:text/html,<b>hi</b>", "replies": [] }],
        "lookalike": [1, { "do": "open", "url": "https://news.ycombinator.com.evil.example/", "replies": [] }],
        "good": [1, { "do": "open", "url": "https://news.ycombinator.com/item?id=30883015", "replies": [] }],
    }});
    worker.eval(&format!("chrome.storage.local.set({planted}).then(() => true)")).unwrap();
    for id in ["evil", "data", "lookalike", "good"] {
        worker.eval(&format!("self.hnewNotificationClicked('{id}').then(() => true)")).unwrap();
    }
    let opened = || -> Vec<String> {
        h.browser.targets().unwrap().iter().filter_map(|t| t["url"].as_str().map(str::to_string)).collect()
    };
    let until = std::time::Instant::now() + Duration::from_secs(10);
    while !opened().iter().any(|u| u.contains("item?id=30883015")) {
        assert!(std::time::Instant::now() < until, "the site's page was not opened: {:?}", opened());
        std::thread::sleep(Duration::from_millis(100));
    }
    let all = opened();
    assert!(!all.iter().any(|u| u.contains("evil.example") || u.starts_with("data:")), "{all:?}");
}
