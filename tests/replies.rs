//! Inline replies through HN's own flow on the replica: posted in place,
//! every failure named with the text kept, drafts surviving a failed post
//! and a browser restart.

use hacker_new::{Harness, Options, Page};

const THREAD: &str = "/item?id=48350598";
const PARENT: &str = "48351450";

fn open_reply(page: &Page) {
    page.expect("document.documentElement.dataset.hnewFeatures?.includes('inline-reply')", "inline replies are on");
    page.click_on(&format!("document.getElementById('{PARENT}').querySelector(\"a[href^='reply?id=']\")"));
    page.expect("document.querySelector('.hnew-reply textarea')", "the editor opened");
}

fn type_reply(page: &Page, text: &str) {
    page.type_into("document.querySelector('.hnew-reply textarea')", text);
}

fn draft(page: &Page) -> serde_json::Value {
    // Read through the extension: the popup page shares chrome.storage.
    page.value("document.querySelector('.hnew-reply textarea')?.value ?? null")
}

#[test]
fn a_reply_posts_and_appears_in_place() {
    let h = Harness::start(Options::default()).unwrap();
    h.log_in();
    let page = h.open(THREAD).unwrap();
    open_reply(&page);
    type_reply(&page, "Agreed.\n\nA second paragraph & <b>no markup</b>.");
    page.click(".hnew-reply-send");
    page.expect("document.querySelector('tr.hnew-posted')", "the new comment appears");
    let posted = h.replica.posted();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].parent, PARENT);
    assert_eq!(posted[0].user, "tester");
    assert_eq!(posted[0].text, "Agreed.\n\nA second paragraph & <b>no markup</b>.");
    let shown = page.value("(() => { const r = document.querySelector('tr.hnew-posted'); return { text: r.querySelector('.commtext').textContent, bold: !!r.querySelector('.commtext b'), indent: r.querySelector('td.ind').getAttribute('indent'), after: r.previousElementSibling.id }; })()");
    assert!(shown["text"].as_str().unwrap().contains("<b>no markup</b>"), "text stays text: {shown}");
    assert_eq!(shown["bold"], false);
    assert_eq!(shown["indent"], "1");
    assert_eq!(shown["after"], PARENT);
    assert_eq!(page.value("document.querySelector('.hnew-reply')"), serde_json::Value::Null, "the editor closed");
    // The draft is gone once HN accepted it.
    let worker = h.worker().unwrap();
    let stored = worker
        .eval(&format!("chrome.storage.local.get('draft:{PARENT}').then(r => r['draft:{PARENT}'] ?? null)"))
        .unwrap();
    assert_eq!(stored, serde_json::Value::Null);
}

#[test]
fn every_failure_is_named_and_keeps_the_text() {
    let h = Harness::start(Options::default()).unwrap();
    let page = h.open(THREAD).unwrap();
    open_reply(&page);
    type_reply(&page, "kept text");
    let log_in = || h.log_in();
    let mut cases = hacker_new::reply_refusals(&h.replica, &log_in, PARENT.parse().unwrap());
    cases.push((Box::new(|| h.replica.fault("/comment", hacker_new::Fault::Drop, None)), "network"));
    for (setup, expected) in cases {
        setup();
        page.value("document.querySelector('.hnew-reply').removeAttribute('data-failed'), true");
        page.click(".hnew-reply-send");
        page.expect(
            &format!("document.querySelector('.hnew-reply[data-failed]') && document.querySelector('.hnew-reply-status').textContent.includes({expected:?})"),
            &format!("the {expected} failure is named"),
        );
        assert_eq!(draft(&page), "kept text", "the text is kept after: {expected}");
    }
    h.replica.clear_faults();
    assert!(h.replica.posted().is_empty());
}

#[test]
fn a_draft_survives_a_failed_post_and_a_browser_restart_then_posts() {
    let profile = hn_browser::temp_dir("reply-profile").unwrap();
    {
        let h = Harness::start(Options { profile: Some(profile.clone()), ..Options::default() }).unwrap();
        h.log_in();
        h.replica.too_fast(true);
        let page = h.open(THREAD).unwrap();
        open_reply(&page);
        type_reply(&page, "written before the restart");
        page.click(".hnew-reply-send");
        page.expect("document.querySelector('.hnew-reply[data-failed]')", "the post failed");
        drop(page);
        drop(h);
    }
    let h = Harness::start(Options { profile: Some(profile.clone()), ..Options::default() }).unwrap();
    let page = h.open(THREAD).unwrap();
    open_reply(&page);
    page.expect(
        "document.querySelector('.hnew-reply textarea').value === 'written before the restart'",
        "the draft is back",
    );
    // Still logged in: the cookie was kept with the profile.
    assert_eq!(page.value("document.querySelector('.hnew-reply-status').textContent"), "Your saved draft is back.");
    // Keyboard: Ctrl+Enter sends.
    page.value("document.querySelector('.hnew-reply textarea').focus(), true");
    page.press("Enter", 2);
    page.expect("document.querySelector('tr.hnew-posted')", "posted after the restart");
    assert_eq!(h.replica.posted()[0].text, "written before the restart");
    drop(page);
    drop(h);
    let _ = std::fs::remove_dir_all(profile);
}

#[test]
fn the_story_comment_box_keeps_its_draft_and_posts_in_place() {
    let h = Harness::start(Options::default()).unwrap();
    h.log_in();
    let page = h.open(THREAD).unwrap();
    page.expect("document.documentElement.dataset.hnewFeatures?.includes('inline-reply')", "inline replies are on");
    page.type_into("document.querySelector(\"form[action='comment'] textarea\")", "A top-level thought.");
    page.expect("document.documentElement.dataset.hnewDraftSaved", "the draft was kept once typing paused");
    page.reload().unwrap();
    page.expect(
        "document.querySelector(\"form[action='comment'] textarea\").value === 'A top-level thought.'",
        "the draft came back after a reload",
    );
    page.click_on("document.querySelector(\"form[action='comment'] input[type=submit]\")");
    page.expect("document.querySelector('tr.hnew-posted')", "the comment appears in place");
    assert_eq!(page.value("location.pathname + location.search"), THREAD, "the page did not navigate");
    let posted = h.replica.posted();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].parent, "48350598");
    assert_eq!(posted[0].text, "A top-level thought.");
    assert_eq!(page.value("document.querySelector('tr.hnew-posted td.ind').getAttribute('indent')"), "0");
}
