//! The popup and options page, driven through their UI (clicks and typing).

use hacker_new::{Harness, Options, Page};

fn harness() -> Harness {
    Harness::start(Options::default()).expect("start the replica and Chromium with the extension")
}

/// Types into an input the way a person does: value, then an input event.
fn type_into(page: &Page, selector: &str, text: &str) {
    page.value(&format!(
        "(() => {{ const i = document.querySelector({selector:?}); i.focus(); i.value = {text:?}; i.dispatchEvent(new InputEvent('input', {{ bubbles: true }})); return true; }})()"
    ));
}

fn click(page: &Page, selector: &str) {
    page.expect(&format!("document.querySelector({selector:?})"), &format!("{selector} is there"));
    page.value(&format!("document.querySelector({selector:?}).click(), true"));
}

fn tab(page: &Page, id: &str) {
    click(page, &format!("#tab-{id}"));
}

#[test]
fn following_and_unfollowing_in_the_popup_updates_an_open_hn_tab() {
    let h = harness();
    let front = h.open("/news").unwrap();
    front.expect("document.documentElement.dataset.hnewState === 'applied'", "the page is ready");
    let popup = h.open_extension("popup/options.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "the options page rendered");
    // Validation says what is wrong, and saves nothing.
    type_into(&popup, "#follow-name", "not a name");
    click(&popup, "#follow-add");
    popup.expect("document.querySelector('.error')?.textContent.includes('not an HN username')", "the error is shown");
    type_into(&popup, "#follow-name", "tosh");
    click(&popup, "#follow-add");
    popup.expect("[...document.querySelectorAll('ul.users a')].some(a => a.textContent === 'tosh')", "tosh is listed");
    front.expect("document.querySelector('a.hnuser.hnew-followed')?.textContent === 'tosh'", "the open tab highlights tosh");
    click(&popup, "button[aria-label='Unfollow tosh']");
    popup.expect("!document.querySelector('ul.users')", "the list is empty again");
    front.expect("document.querySelectorAll('.hnew-followed').length === 0", "the open tab updated");
}

#[test]
fn a_domain_filter_added_in_the_popup_updates_the_tab_and_survives_export_import() {
    let h = harness();
    let front = h.open("/news").unwrap();
    front.expect("document.documentElement.dataset.hnewState === 'applied'", "the page is ready");
    let popup = h.open_extension("popup/options.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "rendered");
    tab(&popup, "filters");
    popup.value("document.querySelector('#rule-kind').value = 'domain', true");
    type_into(&popup, "#rule-pattern", "not a domain");
    click(&popup, "#rule-add");
    popup.expect("document.querySelector('.error')?.textContent.includes('not a domain')", "bad domains are refused");
    type_into(&popup, "#rule-pattern", "google.com");
    click(&popup, "#rule-add");
    popup.expect("document.querySelectorAll('ul.rules li').length === 1", "the rule is listed");
    front.expect("document.documentElement.dataset.hnewHidden === '1'", "the tab hid the google.com story");

    // Export: the background produces the document the file holds.
    tab(&popup, "sync");
    popup.expect("document.querySelector('#quota')", "sync status shown");
    let exported = popup.value("chrome.runtime.sendMessage({ v: 1, kind: 'export_state' }).then(r => r.json)");
    let exported = exported.as_str().unwrap().to_string();
    assert!(exported.contains("google.com"));
    // Remove the rule, then import the file through the file input.
    tab(&popup, "filters");
    click(&popup, "button[aria-label^='Remove']");
    front.expect("(document.documentElement.dataset.hnewHidden || '0') === '0'", "the story is back");
    tab(&popup, "sync");
    let file = hacker_new::artifacts().join("export-test.json");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, &exported).unwrap();
    let doc = popup.session.call("DOM.getDocument", serde_json::json!({})).unwrap();
    let node = popup
        .session
        .call("DOM.querySelector", serde_json::json!({"nodeId": doc["root"]["nodeId"], "selector": "#import"}))
        .unwrap();
    popup
        .session
        .call("DOM.setFileInputFiles", serde_json::json!({"nodeId": node["nodeId"], "files": [file.display().to_string()]}))
        .unwrap();
    popup.expect("document.querySelector('.status').textContent.startsWith('Imported')", "the import was confirmed");
    front.expect("document.documentElement.dataset.hnewHidden === '1'", "the imported rule applies again");
}
