//! A new reader's first page: a fresh install says, once, what the
//! extension adds, on the front page and on threads, until dismissed; the
//! dismissal holds across pages and reloads.

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
            "chrome.storage.local.get(['welcome_pending', 'page_state']).then(i => !i.welcome_pending && !i.page_state.text.split('\\n').includes('w'))",
            std::time::Duration::from_secs(10),
        )
        .expect("the dismissal is kept");
    page.reload().unwrap();
    page.expect("document.documentElement.dataset.hnewState === 'applied'", "the page is enhanced again");
    assert_eq!(page.value("!!document.querySelector('.hnew-welcome')"), false, "not shown again");
    // The first page's features were all there with the line.
    assert!(page.value("document.querySelectorAll('button.hnew-share').length").as_u64().unwrap() >= 30);
}
