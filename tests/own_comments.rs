//! The reader's own comments edited and deleted in place, through HN's own
//! forms on the replica: the editor filled with HN's source text, the
//! edit saved and shown, Escape keeping the original, the one-line delete
//! question, every refusal named with the text kept, a draft surviving a
//! failed edit, and only HN's own links (clicked by the reader) acting.

use hacker_new::{Harness, Options, Page};
use serde_json::Value;

const THREAD: &str = "/item?id=48350598";

const SOURCE: &str = "Source text: *emphasis* & <b>no markup</b>, a link https://example.com/a?b=1\n\n  indented code";

fn start(logged_in: bool) -> (Harness, u64) {
    let h = Harness::start(Options::default()).unwrap();
    if logged_in {
        h.log_in();
    }
    let id = hacker_new::mount_own_thread(&h.replica);
    h.replica.own_comment(id, SOURCE);
    (h, id)
}

fn open<'a>(h: &'a Harness) -> Page<'a> {
    let page = h.open(THREAD).unwrap();
    page.expect("document.documentElement.dataset.hnewFeatures?.includes('wake')", "the page is enhanced");
    page
}

fn row(id: u64) -> String {
    format!("document.getElementById('{id}')")
}

fn click_edit(page: &Page, id: u64) {
    page.click_on(&format!("{}.querySelector(\"a[href^='edit?id=']\")", row(id)));
    page.expect(
        &format!("{}.querySelector('.hnew-edit[data-ready]')", row(id)),
        "the editor opened with the comment's text",
    );
}

fn area(id: u64) -> String {
    format!("{}.querySelector('.hnew-edit textarea')", row(id))
}

fn text_shown(page: &Page, id: u64) -> String {
    page.value(&format!("{}.querySelector('.commtext').innerText", row(id))).as_str().unwrap_or_default().to_string()
}

fn stored(h: &Harness, key: &str) -> Value {
    hacker_new::record::<hn_core::records::Draft>(&h.worker().unwrap(), key).map_or(Value::Null, |d| d.text.into())
}

#[test]
fn an_edit_starts_from_hns_source_text_and_shows_in_place() {
    let (h, id) = start(true);
    let page = open(&h);
    let before = text_shown(&page, id);
    click_edit(&page, id);
    // HN's source, not the rendered HTML: the stars, the indent and the
    // markup-as-text are there as written.
    assert_eq!(page.value(&format!("{}.value", area(id))), SOURCE);
    assert_eq!(
        page.value(&format!("getComputedStyle({}.querySelector('.commtext')).display", row(id))),
        "none",
        "the editor takes the text's place"
    );
    page.value(&format!("{}.scrollIntoView({{block: 'center'}}), true", row(id)));
    let _ = page.screenshot(&hacker_new::root().join("target/artifacts/own-comment-editor.png"));
    page.type_into(&area(id), " Edited.");
    page.click_on(&format!("{}.querySelector('.hnew-edit-save')", row(id)));
    page.expect(&format!("document.documentElement.dataset.hnewEdited === '{id}'"), "the edit was saved");
    let edited = h.replica.edited();
    assert_eq!(edited, vec![("tester".to_string(), id.to_string(), format!("{SOURCE} Edited."))]);
    let shown = text_shown(&page, id);
    assert_ne!(shown, before);
    assert!(shown.contains("<b>no markup</b>, a link") && shown.ends_with("Edited."), "{shown}");
    assert_eq!(page.value(&format!("!!{}.querySelector('.commtext b')", row(id))), false, "text stays text");
    assert_eq!(page.value(&format!("{}.querySelector('.hnew-edit')", row(id))), Value::Null, "the editor closed");
    assert_eq!(stored(&h, &format!("edit-draft:{id}")), Value::Null, "no draft once HN accepted");
    assert!(page.exceptions().is_empty(), "{:?}", page.exceptions());
}

#[test]
fn escape_keeps_the_original_and_the_changed_text_comes_back() {
    let (h, id) = start(true);
    let page = open(&h);
    let before = text_shown(&page, id);
    click_edit(&page, id);
    page.type_into(&area(id), " half-written");
    page.press("Escape", 0);
    page.expect(&format!("!{}.querySelector('.hnew-edit')", row(id)), "Escape closed the editor");
    assert_eq!(text_shown(&page, id), before, "the comment is as it was");
    assert!(h.replica.edited().is_empty());
    assert_eq!(stored(&h, &format!("edit-draft:{id}")), format!("{SOURCE} half-written"));
    // Opened again: the unsaved edit, said so.
    click_edit(&page, id);
    assert_eq!(page.value(&format!("{}.value", area(id))), format!("{SOURCE} half-written"));
    assert_eq!(
        page.value(&format!("{}.querySelector('.hnew-edit .hnew-reply-status').textContent", row(id))),
        "Your unsaved edit is back."
    );
    // Ctrl+Enter saves it.
    page.value(&format!("{}.focus(), true", area(id)));
    page.press("Enter", 2);
    page.expect(&format!("document.documentElement.dataset.hnewEdited === '{id}'"), "saved from the keyboard");
    assert_eq!(h.replica.edited()[0].2, format!("{SOURCE} half-written"));
}

#[test]
fn every_edit_refusal_is_named_and_the_draft_survives_a_reload() {
    let (h, id) = start(false);
    let page = open(&h);
    // Logged out: HN's edit page is its login page.
    page.click_on(&format!("{}.querySelector(\"a[href^='edit?id=']\")", row(id)));
    page.expect(
        &format!("{}.querySelector('.hnew-edit[data-failed]')?.textContent.includes('logged out')", row(id)),
        "logged out is named",
    );
    page.press("Escape", 0);
    h.log_in();
    click_edit(&page, id);
    page.type_into(&area(id), " kept");
    let cases = hacker_new::edit_refusals(&h.replica, id);
    for (setup, expected) in cases {
        setup();
        page.value(&format!("{}.querySelector('.hnew-edit').removeAttribute('data-failed'), true", row(id)));
        page.click_on(&format!("{}.querySelector('.hnew-edit-save')", row(id)));
        page.expect(
            &format!("{}.querySelector('.hnew-edit[data-failed]')?.textContent.includes({expected:?})", row(id)),
            &format!("the {expected} refusal is named"),
        );
        assert_eq!(page.value(&format!("{}.value", area(id))), format!("{SOURCE} kept"), "after: {expected}");
        assert!(page.value(&format!("{}.textContent", row(id))).as_str().unwrap().contains("Your edit is kept"));
    }
    assert!(h.replica.edited().is_empty());
    // The draft outlives the page: reloaded, the window closed, it is
    // still there to copy.
    page.reload().unwrap();
    page.expect("document.documentElement.dataset.hnewFeatures?.includes('wake')", "the page is enhanced again");
    page.click_on(&format!("{}.querySelector(\"a[href^='edit?id=']\")", row(id)));
    page.expect(
        &format!("{}?.value === {:?}", area(id), format!("{SOURCE} kept")),
        "the draft is back after the reload",
    );
    assert!(page
        .value(&format!("{}.querySelector('.hnew-edit').textContent", row(id)))
        .as_str()
        .unwrap()
        .contains("no longer lets you edit"));
}

#[test]
fn delete_asks_in_place_then_deletes_through_hns_form() {
    let (h, id) = start(true);
    let page = open(&h);
    let delete_link = format!("{}.querySelector(\"a[href^='delete-confirm?id=']\")", row(id));
    page.click_on(&delete_link);
    page.expect(&format!("{}.querySelector('.hnew-delete')", row(id)), "the question is asked");
    assert_eq!(
        page.value(&format!("{}.querySelector('.hnew-delete').textContent.trim()", row(id))),
        "Delete this comment? Delete · Keep"
    );
    assert_eq!(page.value("location.pathname + location.search"), THREAD, "the page did not navigate");
    // Keep: nothing happens.
    page.click_on(&format!("{}.querySelector('.hnew-delete-keep')", row(id)));
    page.expect(&format!("!{}.querySelector('.hnew-delete')", row(id)), "Keep closed the question");
    assert_eq!(h.replica.count("/xdelete"), 0);
    // Refused while the comment has a reply.
    h.replica.has_replies(id, true);
    page.click_on(&delete_link);
    page.expect(&format!("{}.querySelector('.hnew-delete-yes')", row(id)), "the question is asked again");
    page.click_on(&format!("{}.querySelector('.hnew-delete-yes')", row(id)));
    page.expect(
        &format!("{}.querySelector('.hnew-delete[data-failed]')?.textContent.includes('has replies')", row(id)),
        "the refusal is named",
    );
    assert!(h.replica.deleted().is_empty());
    assert!(!text_shown(&page, id).contains("[deleted]"));
    // A later try, once HN allows it.
    h.replica.has_replies(id, false);
    page.click_on(&format!("{}.querySelector('.hnew-delete-yes')", row(id)));
    page.expect(&format!("document.documentElement.dataset.hnewDeleted === '{id}'"), "the comment was deleted");
    assert_eq!(h.replica.deleted(), vec![("tester".to_string(), id.to_string())]);
    assert_eq!(text_shown(&page, id), "[deleted]");
    assert_eq!(
        page.value(&format!(
            "{}.querySelectorAll(\"a[href^='edit?id='], a[href^='delete-confirm?id='], a[href^='reply?id=']\").length",
            row(id)
        )),
        0,
        "nothing left to act on"
    );
}

#[test]
fn delete_refusals_are_named() {
    let (h, id) = start(false);
    let page = open(&h);
    let delete_link = format!("{}.querySelector(\"a[href^='delete-confirm?id=']\")", row(id));
    page.click_on(&delete_link);
    page.expect(&format!("{}.querySelector('.hnew-delete-yes')", row(id)), "the question is asked");
    let log_in = || h.log_in();
    for (setup, expected) in hacker_new::delete_refusals(&h.replica, &log_in, id) {
        setup();
        page.value(&format!("{}.querySelector('.hnew-delete')?.removeAttribute('data-failed'), true", row(id)));
        page.click_on(&format!("{}.querySelector('.hnew-delete-yes')", row(id)));
        page.expect(
            &format!("{}.querySelector('.hnew-delete[data-failed]')?.textContent.includes({expected:?})", row(id)),
            &format!("the {expected} refusal is named"),
        );
    }
    assert!(page.value(&format!("{}.textContent", row(id))).as_str().unwrap().contains("The comment is still there."));
    assert!(h.replica.deleted().is_empty());
}

#[test]
fn only_hns_own_links_clicked_by_the_reader_act() {
    let (h, id) = start(true);
    let page = open(&h);
    // Only the comment with HN's links is the reader's.
    assert_eq!(page.value("document.querySelectorAll(\"tr.comtr a[href^='edit?id=']\").length"), 1);
    // What the links open is counted; a page's script clicks one link,
    // then the reader the other: what the page's click would have opened
    // would have come first.
    page.value(
        "new MutationObserver(rs => rs.forEach(r => r.addedNodes.forEach(n => \
         n.classList && ['hnew-edit', 'hnew-delete'].forEach(c => n.classList.contains(c) && window.__opened.push(c))))) \
         .observe(document.body, { subtree: true, childList: true }), true",
    );
    let edit = format!("{}.querySelector(\"a[href^='edit?id=']\")", row(id));
    let delete = format!("{}.querySelector(\"a[href^='delete-confirm?id=']\")", row(id));
    let page_clicks = |link: &str| {
        page.value(&format!(
            "window.__opened = [], window.__stay = e => e.preventDefault(), window.addEventListener('click', window.__stay, true), \
             {link}.dispatchEvent(new MouseEvent('click', {{bubbles: true, cancelable: true}})), \
             window.removeEventListener('click', window.__stay, true), true"
        ))
    };
    page_clicks(&edit);
    page.click_on(&delete);
    page.expect(&format!("{}.querySelector('.hnew-delete')", row(id)), "the reader's click asks to confirm");
    assert_eq!(page.value("window.__opened"), serde_json::json!(["hnew-delete"]), "the page's click opened the editor");
    assert_eq!(h.replica.count("/edit"), 0);
    page.click_on(&format!("{}.querySelector('.hnew-delete-keep')", row(id)));
    page.expect(&format!("!{}.querySelector('.hnew-delete')", row(id)), "kept");

    page_clicks(&delete);
    click_edit(&page, id);
    assert_eq!(page.value("window.__opened"), serde_json::json!(["hnew-edit"]), "the page's click asked to delete");
    assert_eq!(h.replica.count("/delete-confirm"), 0);
    assert_eq!(h.replica.count("/edit"), 1);
}
