//! A new reader's first ten minutes: a fresh install says, once, what the
//! extension adds, on the front page and on threads, until dismissed (the
//! dismissal holds across pages and reloads); then the first follow, the
//! first filter and the first share, each with the defaults.

use hacker_new::{Harness, Options};

#[test]
fn a_new_install_says_what_is_there_until_dismissed() {
    let h = Harness::start(Options { welcome: true, ..Options::default() }).unwrap();
    let page = h.open("/news").unwrap();
    page.expect("document.querySelector('.hnew-welcome')", "the first page says what is there");
    let line = page.value("document.querySelector('.hnew-welcome').textContent").as_str().unwrap().to_string();
    for words in ["hover a name", "press ? for the keys", "share is under each story", "Following, Filters"] {
        assert!(line.contains(words), "{words:?} in {line:?}");
    }
    // Above the list, not inside it.
    assert_eq!(
        page.value("document.querySelector('.hnew-welcome').nextElementSibling.matches('table')"),
        true,
        "the line sits right above the list"
    );
    // On a thread too, until dismissed.
    let thread = h.open("/item?id=48350598").unwrap();
    thread.expect("document.querySelector('#bigbox .hnew-welcome')", "a thread says it too, at the top");
    let _ = thread.screenshot(&hacker_new::root().join("target/artifacts/first-run-thread.png"));
    // Dismissed from the keyboard: Got it is a button.
    thread.value("document.querySelector('.hnew-welcome-ok').focus(), true");
    thread.press("Enter", 0);
    thread.expect("!document.querySelector('.hnew-welcome')", "Got it removed it");
    let worker = h.worker().unwrap();
    worker
        .wait_until(
            "Promise.all([chrome.storage.local.get('welcome_pending'), chrome.storage.session.get('page_state')]).then(([l, i]) => !l.welcome_pending && !i.page_state.text.split('\\n').includes('w'))",
            std::time::Duration::from_secs(10),
        )
        .expect("the dismissal is kept");
    page.reload().unwrap();
    page.ready();
    assert_eq!(page.value("!!document.querySelector('.hnew-welcome')"), false, "not shown again");
    // The first page's features were all there with the line.
    assert!(page.value("document.querySelectorAll('button.hnew-share').length").as_u64().unwrap() >= 30);
}

#[test]
fn the_first_follow_filter_and_share_work_with_the_defaults() {
    let h = Harness::start(Options { welcome: true, ..Options::default() }).unwrap();
    let page = h.open("/news").unwrap();
    page.expect("document.querySelector('.hnew-welcome')", "the first page says what is there");
    // Hover a name: its card, and Follow.
    let user = page.value("document.querySelector('a.hnuser').textContent").as_str().unwrap().to_string();
    page.hover_on("document.querySelector('a.hnuser')");
    page.expect("document.querySelector('.hnew-card:not([hidden]) button.hnew-card-follow')", "the card opened");
    page.click(".hnew-card button.hnew-card-follow");
    page.expect(
        &format!("[...document.querySelectorAll('a.hnuser.hnew-followed')].some(a => a.textContent === {user:?})"),
        "followed and highlighted",
    );
    page.move_away();
    // The popup: the follow is listed; a first word filter with the form's
    // defaults hides the stories it names in the open tab.
    let popup = h.open_extension("popup/popup.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "rendered");
    popup.value("document.querySelector('#tab-following').click(), true");
    popup.expect(&format!("document.body.textContent.includes({user:?})"), "the follow is listed");
    popup.value("document.querySelector('#tab-filters').click(), true");
    popup.expect("document.querySelector('#rule-pattern')", "the filter form");
    let word = page
        .value("document.querySelector('tr.athing.submission .titleline > a').textContent.split(/\\s+/).find(w => w.length > 4)")
        .as_str()
        .unwrap()
        .to_string();
    popup.value(&format!(
        "(() => {{ const i = document.querySelector('#rule-pattern'); i.value = {word:?}; i.dispatchEvent(new InputEvent('input', {{ bubbles: true }})); document.querySelector('#rule-add').click(); return true; }})()"
    ));
    popup.expect("document.querySelectorAll('ul.rules li').length === 1", "the rule is listed");
    page.expect("document.querySelectorAll('tr.athing.submission.hnew-filtered, tr.athing.submission[hidden], tr.hnew-hidden').length + Number(document.documentElement.dataset.hnewHidden || 0) > 0", "the open tab hid the story");
    // The first share: the share menu's Queue to share later.
    page.click_on("document.querySelectorAll('button.hnew-share')[1]");
    page.expect(
        "(() => { const m = document.querySelector('.hnew-share-menu'); return m && !m.hidden; })()",
        "the menu",
    );
    page.click(".hnew-share-menu [data-action=buffer]");
    page.expect("document.querySelector('.hnew-share-status')?.textContent === 'Added to your share buffer'", "queued");
    // The popup opened again (as a click on the toolbar button does).
    drop(popup);
    let popup = h.open_extension("popup/popup.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "rendered");
    popup.value("document.querySelector('#tab-share').click(), true");
    popup.expect("document.querySelectorAll('#queue li').length === 1", "the buffer lists it");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}
