//! Any web page into the share buffer: the toolbar button, the context
//! menu's items, the command; on a local site that is neither HN nor
//! Lobsters (`blog.example.org`, served by the local HN).

use std::time::Duration;

use hacker_new::{ask, Harness, Options};
use serde_json::Value;

const ARTICLE: &str = "https://blog.example.org/posts/small-wasm-is-fast-wasm";

/// The queued posts, by key.
fn queued(h: &Harness) -> Value {
    let state = ask(&h.worker().unwrap(), serde_json::json!({ "kind": "get_state" }));
    state["state"]["share"].clone()
}

#[test]
fn the_toolbar_button_adds_the_page_being_read() {
    let h = Harness::start(Options::default()).unwrap();
    let article = h.open_url(ARTICLE).unwrap();
    article.expect("document.readyState === 'complete'", "the article loaded");
    let popup = h.open_popup_for(&article).unwrap();
    popup.expect("!!document.querySelector('#add-page')", "the popup offers to add the page");
    assert_eq!(popup.value("document.querySelector('#add-title').value"), "Small wasm is fast wasm");
    assert_eq!(popup.value("document.querySelector('#add-url').value"), ARTICLE);
}
