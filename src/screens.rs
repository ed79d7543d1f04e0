//! `cargo run -- screenshots`: the README's pictures, taken from the built
//! extension on the local Hacker News — a front page, a thread, the user
//! card, the share menu, and the popup's tabs (at its real 360 px), each in
//! the light and the dark scheme — into `docs/screenshots/`.

use std::path::PathBuf;
use std::time::Duration;

use hacker_new::{ask, root, Harness, Options, Page};
use serde_json::json;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

const THREAD: &str = "/item?id=30883015";
/// A saved 2026 thread with a comment by a user whose profile page is saved too.
const CARD_THREAD: &str = "/item?id=47536761";
const CARD_USER: &str = "sbinnee";
const POPUP_TABS: [&str; 4] = ["following", "filters", "share", "appearance"];

pub fn screenshots(_args: &[String]) -> Result {
    crate::setup::ensure_chromium()?;
    let dir = root().join("docs").join("screenshots");
    std::fs::create_dir_all(&dir)?;
    let h = Harness::start(Options::default())?;
    h.replica.fault_on(
        Some(hn_replica::API_HOST),
        &format!("/v0/user/{CARD_USER}"),
        hn_replica::Fault::Unavailable,
        None,
    );
    reader_state(&h)?;
    let mut written: Vec<PathBuf> = Vec::new();
    for scheme in ["light", "dark"] {
        let shot = |page: &Page, name: &str, written: &mut Vec<PathBuf>| -> Result {
            let path = dir.join(format!("{name}-{scheme}.png"));
            page.screenshot(&path)?;
            written.push(path);
            Ok(())
        };
        let front = open(&h, "/news", scheme)?;
        shot(&front, "front", &mut written)?;
        front.click_on("document.querySelector('tr.athing + tr button.hnew-share')");
        front.expect("!!document.querySelector('.hnew-share-menu:not([hidden])')", "the share menu opened");
        shot(&front, "share-menu", &mut written)?;

        let thread = open(&h, THREAD, scheme)?;
        shot(&thread, "thread", &mut written)?;
        // The card of a user whose saved profile page the local HN has
        // (the API is told to fail for them, so the card reads the page).
        let irc = open(&h, CARD_THREAD, scheme)?;
        irc.hover_on(&format!("[...document.querySelectorAll('a.hnuser')].find(a => a.textContent === '{CARD_USER}')"));
        irc.expect(
            "!!document.querySelector('.hnew-card:not([hidden]) .hnew-card-facts')",
            "the card shows the profile",
        );
        shot(&irc, "card", &mut written)?;

        let popup = h.open_extension("popup/popup.html")?;
        size(&popup, 360, 600, scheme)?;
        popup.reload()?;
        popup.expect("document.querySelector('main[data-ready=true]')", "the popup rendered");
        for tab in POPUP_TABS {
            popup.click_on(&format!("document.querySelector('#tab-{tab}')"));
            popup.expect(&format!("!!document.querySelector('#tab-{tab}[aria-selected=true]')"), "the tab is shown");
            std::thread::sleep(Duration::from_millis(150));
            shot(&popup, &format!("popup-{tab}"), &mut written)?;
        }
    }
    for path in &written {
        println!("{}", path.strip_prefix(root()).unwrap_or(path).display());
    }
    Ok(())
}

/// A reader of some weeks: two people followed (one tagged), a word
/// filter, a post queued to share.
fn reader_state(h: &Harness) -> Result {
    let worker = h.worker()?;
    let done = |answer: serde_json::Value| -> Result {
        if answer["kind"] == "done" || answer["kind"] == "queued" {
            Ok(())
        } else {
            Err(format!("the background refused: {answer}").into())
        }
    };
    for user in ["dang", "tosh"] {
        done(ask(&worker, json!({"kind": "set_follow", "site": "hn", "user": user, "follow": true})))?;
    }
    done(ask(&worker, json!({"kind": "set_tag", "site": "hn", "user": "tosh", "tag": "rust"})))?;
    let rule = json!({"kind": "keyword", "pattern": "crypto", "target": "stories"});
    done(ask(&worker, json!({"kind": "save_filter", "rule": rule})))?;
    let post = json!({"id": 30883015, "title": "A story worth sharing later", "url": "https://example.com/story"});
    done(ask(&worker, json!({"kind": "add_to_buffer", "target": post})))?;
    Ok(())
}

fn open<'h>(h: &'h Harness, target: &str, scheme: &str) -> Result<Page<'h>> {
    let page = h.open(target)?;
    size(&page, 1280, 800, scheme)?;
    page.reload()?;
    page.ready();
    Ok(page)
}

fn size(page: &Page, width: u32, height: u32, scheme: &str) -> Result {
    page.session.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    )?;
    page.session
        .call("Emulation.setEmulatedMedia", json!({"features": [{"name": "prefers-color-scheme", "value": scheme}]}))?;
    Ok(())
}
