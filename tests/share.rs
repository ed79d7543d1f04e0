//! Sharing, end to end: the share menu on a real front page (built only when
//! opened, loading nothing), the share buffer filled from the page, the
//! schedule moved by the worker's clock hook, and the notification's action
//! opening the right composer.

use std::time::Duration;

use hacker_new::{Harness, Options, Page};
use hn_core::share::{composer_url, Destination, ShareTarget};

const HOUR: i64 = 3_600_000;

fn harness() -> Harness {
    Harness::start(Options::default()).expect("start the replica and Chromium with the extension")
}

/// Every resource the page loaded: all of it must be the site's or ours.
fn foreign_requests(page: &Page) -> Vec<String> {
    let names = page.value("performance.getEntriesByType('resource').map(e => e.name)");
    names
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .filter(|n| !n.starts_with("https://news.ycombinator.com/") && !n.starts_with("chrome-extension://"))
        .map(str::to_string)
        .collect()
}

fn open_menu(page: &Page, nth: usize) {
    page.click_on(&format!("document.querySelectorAll('button.hnew-share')[{nth}]"));
    page.expect(
        "(() => { const m = document.querySelector('.hnew-share-menu'); return m && !m.hidden; })()",
        "the share menu opened",
    );
}

#[test]
fn the_share_menu_is_built_when_opened_and_loads_nothing() {
    let h = harness();
    let page = h.open("/news").unwrap();
    page.ready();
    // One control per story, those endless scroll appended included.
    let counts = page.value("[document.querySelectorAll('tr.athing.submission').length, document.querySelectorAll('tr.athing.submission + tr button.hnew-share').length]");
    assert!(counts[0].as_u64().unwrap() >= 30);
    assert_eq!(counts[0], counts[1], "a share control under every story");
    assert_eq!(
        page.value("!!document.querySelector('.hnew-share-menu')"),
        serde_json::json!(false),
        "no menu before it is opened"
    );
    assert!(foreign_requests(&page).is_empty(), "nothing but HN and the extension was loaded");

    // Keyboard: the control is a labelled button; the menu takes focus.
    assert_eq!(
        page.value("document.querySelector('button.hnew-share').getAttribute('aria-label')"),
        "Share this story"
    );
    open_menu(&page, 0);
    assert_eq!(page.value("document.querySelector('.hnew-share-menu .hnew-share-items').getAttribute('role')"), "menu");
    assert_eq!(
        page.value(
            "[...document.querySelector('[role=menu]').children].every(c => c.getAttribute('role') === 'menuitem')"
        ),
        true
    );
    page.expect("document.activeElement?.classList.contains('hnew-share-item')", "focus moved into the menu");
    assert_eq!(page.value("document.querySelector('button.hnew-share').getAttribute('aria-expanded')"), "true");

    // The composer links are exactly what the core builds for this story.
    let title = page.value("document.querySelector('tr.athing.submission .titleline > a').textContent");
    let href = page.value("document.querySelector('tr.athing.submission .titleline > a').href");
    let id: u64 = page.value("document.querySelector('tr.athing.submission').id").as_str().unwrap().parse().unwrap();
    let target = ShareTarget {
        id,
        comment: false,
        title: title.as_str().unwrap().into(),
        url: Some(href.as_str().unwrap().into()),
        site: "hn".into(),
    };
    for (dest, name) in [
        (Destination::X, "x"),
        (Destination::Bluesky, "bluesky"),
        (Destination::Email, "email"),
        (Destination::Reddit, "reddit"),
    ] {
        let got = page.value(&format!(
            "document.querySelector('.hnew-share-menu a[data-destination={name}]').getAttribute('href')"
        ));
        assert_eq!(got.as_str().unwrap(), composer_url(dest, &target, &target.title, None).unwrap(), "{name}");
    }
    assert_eq!(
        page.value("document.querySelector('.hnew-share-menu a[data-destination=x]').rel"),
        "noopener noreferrer"
    );
    // Mastodon asks for the instance first (no instance set yet).
    assert_eq!(page.value("document.querySelector('.hnew-share-menu [data-destination=mastodon]').tagName"), "BUTTON");

    // Arrow keys move, Escape closes and gives focus back.
    page.press("ArrowDown", 0);
    assert_eq!(page.value("document.activeElement.textContent"), "Buffer");
    page.press("Escape", 0);
    page.expect("document.querySelector('.hnew-share-menu').hidden", "Escape closed the menu");
    page.expect("document.activeElement?.classList.contains('hnew-share')", "focus is back on the control");
    // The menu is one tab stop: Tab leaves it closed, to what follows its
    // control (not to the top of the page).
    page.press("Enter", 0);
    page.expect("!document.querySelector('.hnew-share-menu').hidden", "opened again from the keyboard");
    page.value("window.__control = document.querySelector('.hnew-share[aria-expanded=true]'), true");
    page.press("Tab", 0);
    page.expect("document.querySelector('.hnew-share-menu').hidden", "Tab closed the menu");
    page.expect(
        "document.activeElement !== window.__control && !!(window.__control.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING) && document.activeElement.getBoundingClientRect().top - window.__control.getBoundingClientRect().top < 200",
        "focus moved on from the control, nearby",
    );
    assert!(foreign_requests(&page).is_empty(), "opening the menu loaded nothing either");

    // Comments get a control when reached; it shares the comment's permalink.
    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    thread.hover_on("document.querySelector('tr.athing.comtr')");
    thread
        .expect("document.querySelector('tr.athing.comtr button.hnew-share')", "the first comment has a share control");
    thread.click("tr.athing.comtr button.hnew-share");
    // The menu's module loads on this first use.
    thread.settle();
    let cid = thread.value("document.querySelector('tr.athing.comtr').id");
    let x = thread.value("document.querySelector('.hnew-share-menu a[data-destination=x]').getAttribute('href')");
    assert!(
        x.as_str()
            .unwrap()
            .ends_with(&format!("&url=https%3A%2F%2Fnews.ycombinator.com%2Fitem%3Fid%3D{}", cid.as_str().unwrap())),
        "{x}"
    );
    assert!(thread.exceptions().is_empty() && page.exceptions().is_empty());
}

fn add_to_buffer(page: &Page, nth: usize) {
    open_menu(page, nth);
    page.click(".hnew-share-menu [data-action=buffer]");
    page.expect(
        "document.querySelector('.hnew-share-status')?.textContent === 'Added to your share buffer'",
        "the story was queued",
    );
    page.click_outside();
}

fn tabs(h: &Harness) -> Vec<String> {
    h.browser
        .targets()
        .unwrap()
        .into_iter()
        .filter(|t| t["type"] == "page")
        .filter_map(|t| t["url"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn queued_stories_are_announced_once_and_the_notification_opens_the_composer() {
    let h = harness();
    let page = h.open("/news").unwrap();
    page.ready();
    let worker = h.worker().unwrap();
    let now = worker.eval("Date.now()").unwrap().as_f64().unwrap() as i64;

    add_to_buffer(&page, 0);
    // Twice is refused with a reason, not queued twice.
    open_menu(&page, 0);
    assert_eq!(
        page.value("document.querySelector('.hnew-share-menu [data-action=buffer]').textContent"),
        "Queued to share later"
    );
    page.click_outside();

    // Nothing is due yet; a day and a half later the first slot has passed.
    assert_eq!(worker.eval(&format!("self.hnewShareTick({now})")).unwrap().as_f64(), Some(0.0));
    let due = worker.eval(&format!("self.hnewShareTick({})", now + 36 * HOUR)).unwrap();
    assert_eq!(due.as_f64(), Some(1.0), "one post announced");
    let id = page.value("document.querySelector('tr.athing.submission').id").as_str().unwrap().to_string();
    let notes = worker.eval("chrome.notifications.getAll().then(n => Object.keys(n))").unwrap();
    assert_eq!(notes, serde_json::json!([format!("share:{id}")]), "one notification, for that post");
    // The same time again, or later with nothing new: no second announcement.
    assert_eq!(worker.eval(&format!("self.hnewShareTick({})", now + 36 * HOUR)).unwrap().as_f64(), Some(0.0));
    assert_eq!(worker.eval(&format!("self.hnewShareTick({})", now + 96 * HOUR)).unwrap().as_f64(), Some(0.0));

    // Acting on it opens X's composer for that story and marks it shared.
    let title = page.value("document.querySelector('tr.athing.submission .titleline > a').textContent");
    let href = page.value("document.querySelector('tr.athing.submission .titleline > a').href");
    let target = ShareTarget {
        id: id.parse().unwrap(),
        comment: false,
        title: title.as_str().unwrap().into(),
        url: Some(href.as_str().unwrap().into()),
        site: "hn".into(),
    };
    let expected = composer_url(Destination::X, &target, &target.title, None).unwrap();
    assert_eq!(worker.eval(&format!("self.hnewNotificationClicked('share:{id}')")).unwrap(), true);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !tabs(&h).contains(&expected) {
        assert!(std::time::Instant::now() < deadline, "no tab opened at {expected}; tabs: {:?}", tabs(&h));
        std::thread::sleep(Duration::from_millis(100));
    }
    let state = worker.eval("self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => r.state)").unwrap();
    assert!(state["share_status"][&id]["shared"].is_number(), "marked shared: {}", state["share_status"]);

    // Two more, while the browser was "closed" for days: one notification
    // for both, whose action opens the share buffer.
    add_to_buffer(&page, 1);
    add_to_buffer(&page, 2);
    let due = worker.eval(&format!("self.hnewShareTick({})", now + 200 * HOUR)).unwrap();
    assert_eq!(due.as_f64(), Some(2.0));
    let notes = worker
        .eval("chrome.notifications.getAll().then(n => Object.keys(n).filter(k => k.startsWith('share:group:')))")
        .unwrap();
    let group = notes[0].as_str().expect("a grouped notification").to_string();
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!(worker.eval(&format!("self.hnewNotificationClicked('{group}')")).unwrap(), true);
    let options = format!("chrome-extension://{}/popup/options.html#share", hacker_new::EXTENSION_ID);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !tabs(&h).contains(&options) {
        assert!(std::time::Instant::now() < deadline, "the share buffer did not open; tabs: {:?}", tabs(&h));
        std::thread::sleep(Duration::from_millis(100));
    }
    let popup = h.open_extension("popup/options.html#share").unwrap();
    popup.expect("document.querySelectorAll('ul.buffer.due li').length === 2", "both posts wait in 'Due now'");
    popup.expect("document.querySelectorAll('ul.buffer.history li').length === 1", "the first is in the history");
    // Share one from the popup: it leaves "due" for the history.
    popup.click("ul.buffer.due li button.share-now");
    popup.expect("document.querySelectorAll('ul.buffer.history li').length === 2", "shared from the popup");
}

#[test]
fn the_popup_edits_reorders_and_schedules_the_buffer() {
    let h = harness();
    let page = h.open("/news").unwrap();
    page.ready();
    add_to_buffer(&page, 0);
    add_to_buffer(&page, 1);
    let popup = h.open_extension("popup/options.html#share").unwrap();
    popup.expect("document.querySelectorAll('#queue li').length === 2", "two queued posts");
    assert_eq!(popup.value("document.querySelector('#queue-count').textContent"), "2 queued");
    popup.expect(
        "document.querySelector('#announcer')?.textContent.includes('This browser reminds you')",
        "this device announces",
    );
    let first = popup.value("document.querySelector('#queue li').dataset.key");
    // Move the first down: the order swaps.
    popup.click("#queue li button.down");
    popup.expect(&format!("document.querySelectorAll('#queue li')[1].dataset.key === {first}"), "moved down");
    // Edit the text; it is saved and kept.
    popup.value(
        "(() => { const i = document.querySelector('#queue li input.text'); i.value = 'My words & a #tag'; i.dispatchEvent(new Event('change', { bubbles: true })); return true; })()",
    );
    popup.expect("document.querySelector('.status').textContent === 'Saved'", "the text was saved");
    popup.expect("document.querySelector('#queue li input.text').value === 'My words & a #tag'", "the edit stays");
    // A bad schedule is refused with the reason; a good one is saved.
    // (Typed and sent in one go: a re-render in between would reset the field.)
    popup.value("(() => { document.querySelector('#slots-0').value = '25:00'; document.querySelector('#save-schedule').click(); return true; })()");
    popup.expect(
        "document.querySelector('form.schedule .error')?.textContent.startsWith('Monday')",
        "the error names the day",
    );
    popup.value(
        "(() => { document.querySelector('#slots-0').value = '08:15, 20:00'; document.querySelector('#mastodon').value = 'https://Hachyderm.io/'; \
         document.querySelector('#save-schedule').click(); return true; })()",
    );
    popup.expect("document.querySelector('.status').textContent === 'Schedule saved'", "saved");
    popup.expect("document.querySelector('#slots-0').value === '08:15, 20:00'", "the slots are shown as saved");
    // The page's menu now offers Mastodon directly, on the saved instance.
    page.click_on("document.querySelectorAll('button.hnew-share')[3]");
    page.expect("(() => { const a = document.querySelector('.hnew-share-menu a[data-destination=mastodon]'); return a && a.href.startsWith('https://hachyderm.io/share?text='); })()", "Mastodon goes to the saved instance");
    // Pause: nothing has a slot; remove one.
    popup.click("#pause");
    popup.expect("[...document.querySelectorAll('#queue li .slot')].every(s => s.textContent === 'paused')", "paused");
    popup.click("#queue li button.remove");
    popup.expect("document.querySelectorAll('#queue li').length === 1", "removed");
}

/// The browser's context menu ("Add to share buffer" for a selection, a
/// link, the page) and the keyboard command, as Chrome calls them.
#[test]
fn the_context_menu_queues_a_selection_and_the_command_opens_the_menu() {
    let h = harness();
    let page = h.open("/item?id=126809").unwrap();
    page.ready();
    let worker = h.worker().unwrap();
    let state = || worker.eval("self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => r.state.share)").unwrap();
    let on_tab = |call: &str| {
        worker
            .eval(&format!("chrome.tabs.query({{ url: 'https://news.ycombinator.com/item*' }}).then(t => {call})"))
            .unwrap()
    };

    // Words selected inside the third comment: quoted, with its author and permalink.
    let picked = page.value(
        "(() => { const row = document.querySelectorAll('tr.athing.comtr')[2]; \
           const text = row.querySelector('.commtext'); \
           const node = document.createTreeWalker(text, NodeFilter.SHOW_TEXT, { acceptNode: n => n.textContent.trim().length > 12 ? 1 : 3 }).nextNode(); \
           const r = document.createRange(); r.setStart(node, 0); r.setEnd(node, 12); \
           getSelection().removeAllRanges(); getSelection().addRange(r); \
           return [row.id, row.querySelector('a.hnuser').textContent, getSelection().toString()]; })()",
    );
    let (id, user, words) =
        (picked[0].as_str().unwrap(), picked[1].as_str().unwrap(), picked[2].as_str().unwrap().to_string());
    on_tab(&format!("self.hnewContextMenu({{ menuItemId: 'share-selection', selectionText: {words:?} }}, t[0])"));
    page.expect(
        "[...document.querySelectorAll('.hnew-toast')].some(t => t.textContent === 'Added to your share buffer')",
        "the page says it was added",
    );
    let queued = state();
    let item = &queued[id];
    let quoted = format!("\u{201c}{}\u{201d} \u{2014} {user}", words.split_whitespace().collect::<Vec<_>>().join(" "));
    assert_eq!(item["text"], quoted.as_str(), "{queued}");
    assert_eq!(item["target"]["comment"], true);
    assert_eq!(item["target"]["id"].to_string(), id);

    // A link: the story's title link shares the story.
    page.right_click_on("document.querySelector('span.titleline > a, a.storylink')");
    on_tab("self.hnewContextMenu({ menuItemId: 'share-link' }, t[0])");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while state().get("126809").is_none() {
        assert!(std::time::Instant::now() < deadline, "the story was not queued: {}", state());
        std::thread::sleep(Duration::from_millis(100));
    }
    // The page itself is the same story: already queued, said plainly.
    on_tab("self.hnewContextMenu({ menuItemId: 'share-page' }, t[0])");
    page.expect(
        "[...document.querySelectorAll('.hnew-toast')].some(t => t.textContent.startsWith('Not added: already in your share buffer'))",
        "already queued",
    );

    // The keyboard command opens the share menu of the focused item (the
    // first one when none is focused).
    on_tab("self.hnewCommand('share-focused', t[0])");
    page.expect(
        "(() => { const m = document.querySelector('.hnew-share-menu'); return m && !m.hidden; })()",
        "the share menu is open",
    );
}

/// The module with the menu is fetched and compiled as soon as the
/// pointer moves; the first click on *share* then both starts it and is
/// replayed to it, and must open the menu once (it used to reach the
/// module twice, opening and closing the menu, when compiling was over
/// before the click).
#[test]
fn the_first_click_after_the_pointer_moved_opens_the_menu_and_leaves_it_open() {
    let h = harness();
    let page = h.open("/news").unwrap();
    page.ready();
    page.hover("span.pagetop");
    page.hover("td.title");
    // Fetched and compiled ahead (the pointer moved), not started.
    page.expect("document.documentElement.dataset.hnewMoreFetched === 'yes'", "the second module was fetched");
    assert_eq!(page.value("document.documentElement.dataset.hnewMore || ''"), "", "not started before the click");
    page.click_on("document.querySelectorAll('button.hnew-share')[1]");
    page.expect(
        "(() => { const m = document.querySelector('.hnew-share-menu'); return m && !m.hidden; })()",
        "the share menu opened",
    );
    // Once the module reports running, the click has been replayed to it
    // and the gesture's own dispatch is long over.
    page.expect("document.documentElement.dataset.hnewMore === 'running'", "the second module ran");
    assert_eq!(
        page.value("(() => { const m = document.querySelector('.hnew-share-menu'); return !!m && !m.hidden; })()"),
        true,
        "the menu closed again"
    );
    assert_eq!(page.value("document.querySelectorAll('button.hnew-share')[1].getAttribute('aria-expanded')"), "true");
}

#[test]
fn mastodon_asks_for_the_instance_in_the_page_once() {
    let h = harness();
    let page = h.open("/news").unwrap();
    page.ready();
    open_menu(&page, 0);
    page.click(".hnew-share-menu button[data-destination=mastodon]");
    page.expect("document.querySelector('dialog.hnew-dialog')?.open", "the question opened in the page");
    assert_eq!(page.value("document.activeElement.classList.contains('hnew-dialog-field')"), true, "focus is in it");
    // Not an instance: said in place.
    page.type_into("document.querySelector('.hnew-dialog-field')", "javascript:alert(1)");
    page.press("Enter", 0);
    page.expect(
        "document.querySelector('.hnew-dialog-error').textContent.includes('is not a Mastodon instance')",
        "the reason is said",
    );
    page.value("document.querySelector('.hnew-dialog-field').value = '', true");
    page.type_into("document.querySelector('.hnew-dialog-field')", "Hachyderm.io");
    let before = tabs(&h).len();
    page.click(".hnew-dialog-answer");
    page.expect("!document.querySelector('dialog.hnew-dialog')", "the answer closed it");
    page.expect("document.activeElement?.classList.contains('hnew-share')", "focus is back on the share control");
    // The composer opened on that instance, and the instance is kept.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !tabs(&h).iter().any(|t| t.starts_with("https://hachyderm.io/share?text=")) {
        assert!(std::time::Instant::now() < deadline, "no composer tab: {:?} (had {before})", tabs(&h));
        std::thread::sleep(Duration::from_millis(100));
    }
    open_menu(&page, 1);
    page.expect(
        "document.querySelector('.hnew-share-menu a[data-destination=mastodon]')?.href.startsWith('https://hachyderm.io/share?text=')",
        "asked once: Mastodon now goes to the instance",
    );
}
