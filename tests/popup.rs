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
    front.ready();
    let popup = h.open_extension("popup/options.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "the options page rendered");
    // Validation says what is wrong, and saves nothing.
    type_into(&popup, "#follow-name", "not a name");
    click(&popup, "#follow-add");
    popup.expect("document.querySelector('.error')?.textContent.includes('not an HN username')", "the error is shown");
    type_into(&popup, "#follow-name", "tosh");
    click(&popup, "#follow-add");
    popup.expect("[...document.querySelectorAll('ul.users a')].some(a => a.textContent === 'tosh')", "tosh is listed");
    front.expect(
        "document.querySelector('a.hnuser.hnew-followed')?.textContent === 'tosh'",
        "the open tab highlights tosh",
    );
    // A note, kept with the follow and found by the search.
    popup.value(
        "(() => { const i = document.querySelector(\"input[aria-label='Note on tosh']\"); i.value = 'writes about Rust'; i.dispatchEvent(new Event('change', { bubbles: true })); return true; })()",
    );
    popup.expect("document.querySelector('.status').textContent === 'Note on tosh saved'", "the note was saved");
    type_into(&popup, "#follow-search", "rust");
    popup.expect("document.querySelectorAll('ul.users li').length === 1", "the search finds tosh by the note");
    let exported = popup.value("chrome.runtime.sendMessage({ v: 1, kind: 'export_state' }).then(r => r.json)");
    assert!(exported.as_str().unwrap().contains("writes about Rust"), "the note is exported");
    type_into(&popup, "#follow-search", "");
    click(&popup, "button[aria-label='Unfollow tosh']");
    popup.expect("!document.querySelector('ul.users')", "the list is empty again");
    front.expect("document.querySelectorAll('.hnew-followed').length === 0", "the open tab updated");
}

#[test]
fn a_first_word_filter_is_added_with_the_forms_defaults() {
    let h = harness();
    let popup = h.open_extension("popup/popup.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "rendered");
    tab(&popup, "filters");
    popup.expect("document.querySelector('#rule-kind')", "the form is there");
    // What a new reader sees: a word filter on stories, as the form says.
    let shown = popup.value(
        "['#rule-site', '#rule-kind', '#rule-target'].map(s => { const e = document.querySelector(s); return [e.value, e.selectedIndex]; })",
    );
    assert_eq!(shown, serde_json::json!([["hn", 0], ["keyword", 0], ["stories", 0]]));
    type_into(&popup, "#rule-pattern", "crypto");
    click(&popup, "#rule-add");
    popup.expect("document.querySelectorAll('ul.rules li').length === 1", "the rule is listed");
    assert_eq!(popup.value("document.querySelector('.error')?.textContent || ''"), "", "no error");
}

#[test]
fn a_domain_filter_added_in_the_popup_updates_the_tab_and_survives_export_import() {
    let h = harness();
    let front = h.open("/news").unwrap();
    front.ready();
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
    popup.expect(
        "document.querySelector('ul.rules li .hits')?.textContent === 'hid 1 on this page'",
        "the rule's count on the HN tab",
    );
    // Editing a rule replaces it: github.com instead of google.com.
    click(&popup, "button[aria-label^='Edit']");
    popup.expect("document.querySelector('#rule-pattern').value === 'google.com'", "the form holds the rule");
    type_into(&popup, "#rule-pattern", "github.com");
    click(&popup, "#rule-add");
    popup.expect("document.querySelector('ul.rules li')?.textContent.includes('github.com') && document.querySelectorAll('ul.rules li').length === 1", "one rule, edited");
    let github = front.value("[...document.querySelectorAll('span.sitestr')].filter(s => s.textContent.split('/')[0] === 'github.com').length");
    front.expect(
        &format!("document.documentElement.dataset.hnewHidden === '{github}'"),
        "the tab hides github.com stories now",
    );
    click(&popup, "button[aria-label^='Edit']");
    type_into(&popup, "#rule-pattern", "google.com");
    click(&popup, "#rule-add");
    popup.expect("document.querySelector('ul.rules li')?.textContent.includes('google.com')", "back to google.com");
    front.expect("document.documentElement.dataset.hnewHidden === '1'", "the tab hid the google.com story again");

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
    // Chooses a file in the import field, as the file picker does.
    let set_file = |name: &str, body: &str| {
        let file = hacker_new::artifacts().join(name);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, body).unwrap();
        let doc = popup.session.call("DOM.getDocument", serde_json::json!({})).unwrap();
        let node = popup
            .session
            .call("DOM.querySelector", serde_json::json!({"nodeId": doc["root"]["nodeId"], "selector": "#import"}))
            .unwrap();
        popup
            .session
            .call(
                "DOM.setFileInputFiles",
                serde_json::json!({"nodeId": node["nodeId"], "files": [file.display().to_string()]}),
            )
            .unwrap();
    };
    set_file("export-test.json", &exported);
    popup.expect("document.querySelector('.status').textContent.startsWith('Imported')", "the import was confirmed");
    front.expect("document.documentElement.dataset.hnewHidden === '1'", "the imported rule applies again");

    // What is not valid is left out, counted apart; a file too large to be
    // an export is not read.
    let mut doc: serde_json::Value = serde_json::from_str(&exported).unwrap();
    let follows = doc["state"]["follows"].as_object_mut().unwrap();
    follows.insert("hn:not a name!".into(), serde_json::json!({ "since": 1 }));
    follows.insert("hn:fine_name".into(), serde_json::json!({ "since": 1 }));
    set_file("export-invalid.json", &doc.to_string());
    let status = popup.expect(
        "(() => { const t = document.querySelector('.status').textContent; return t.includes('left out') && t; })()",
        "the import said what it left out",
    );
    assert!(status.as_str().unwrap().contains("(1 entry was not valid and was left out)"), "{status}");
    let imported_follows =
        doc["state"]["follows"].as_object().unwrap().values().filter(|r| r["unfollowed"] != true).count() - 1;
    assert!(status.as_str().unwrap().starts_with(&format!("Imported follows: {imported_follows};")), "{status}");
    set_file("export-huge.json", &"x".repeat(hn_core::message::MAX_IMPORT_BYTES + 1));
    popup.expect(
        "document.querySelector('.status').textContent.includes('at most 128 KB')",
        "a file too large was refused before it was read",
    );
}

fn mount_json(h: &Harness, path: &str, body: serde_json::Value) {
    h.replica.mount(hn_replica::API_HOST, path, "application/json; charset=utf-8", body.to_string().into_bytes());
}

#[test]
fn activity_of_followed_users_comes_from_the_api_politely() {
    let h = harness();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    mount_json(
        &h,
        "/v0/user/tosh.json",
        serde_json::json!({ "id": "tosh", "created": 1_300_000_000, "karma": 1, "submitted": [9002, 9001] }),
    );
    mount_json(
        &h,
        "/v0/item/9001.json",
        serde_json::json!({ "id": 9001, "by": "tosh", "type": "story", "time": now - 2 * 86_400, "title": "An older story by tosh" }),
    );
    let popup = h.open_extension("popup/options.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "rendered");
    // The opening refreshed the (empty) feed and marked it seen.
    let worker = h.worker().unwrap();
    worker
        .wait_until(
            "chrome.storage.local.get('activity').then(r => r.activity && r.activity.updated_at && r.activity.seen_at)",
            std::time::Duration::from_secs(10),
        )
        .unwrap();
    let seen =
        worker.eval("chrome.storage.local.get('activity').then(r => r.activity.seen_at)").unwrap().as_f64().unwrap();
    type_into(&popup, "#follow-name", "tosh");
    click(&popup, "#follow-add");
    popup
        .expect("[...document.querySelectorAll('ul.users a')].some(a => a.textContent === 'tosh')", "tosh is followed");
    // A new comment arrives after the reader last looked: its time, in
    // whole seconds, is after that mark and not in the future.
    let later = ((seen / 1000.0).floor() as i64) + 1;
    while std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64 <= later * 1000
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    mount_json(
        &h,
        "/v0/item/9002.json",
        serde_json::json!({ "id": 9002, "by": "tosh", "type": "comment", "parent": 9001, "time": later, "text": "A <i>new</i> comment &amp; more" }),
    );
    // The alarm's refresh: one request for the user, one per item; the badge counts the new one.
    let before = h.replica.count("/v0/");
    worker
        .eval("self.hnewHandle({ v: 1, kind: 'get_activity', refresh: true }).then(r => r.feed.items.length)")
        .unwrap();
    assert_eq!(h.replica.count("/v0/") - before, 3, "the user and two items");
    assert_eq!(worker.eval("chrome.action.getBadgeText({})").unwrap(), "1");
    // A second refresh within ten minutes asks nothing.
    worker
        .eval("self.hnewHandle({ v: 1, kind: 'get_activity', refresh: true }).then(r => r.feed.items.length)")
        .unwrap();
    assert_eq!(h.replica.count("/v0/") - before, 3, "nothing fetched twice");

    let popup = h.open_extension("popup/options.html#activity").unwrap();
    popup.expect("document.querySelectorAll('#feed li').length === 2", "both posts are listed");
    assert_eq!(popup.value("document.querySelector('#feed li').dataset.id"), "9002", "newest first");
    assert_eq!(popup.value("document.querySelectorAll('#feed li.unread').length"), 1, "only the new one is marked");
    assert_eq!(popup.value("document.querySelector('#feed li a').textContent.trim()"), "A new comment & more");
    assert_eq!(popup.value("document.querySelector('#feed li a').href"), "https://news.ycombinator.com/item?id=9002");
    worker
        .wait_until("chrome.action.getBadgeText({}).then(t => t === '')", std::time::Duration::from_secs(10))
        .unwrap();

    // Offline for one user: said plainly, the rest still shown.
    h.replica.fault_on(Some(hn_replica::API_HOST), "/v0/user/pg.json", hacker_new::Fault::Unavailable, None);
    tab(&popup, "following");
    type_into(&popup, "#follow-name", "pg");
    click(&popup, "#follow-add");
    popup.expect("[...document.querySelectorAll('ul.users a')].some(a => a.textContent === 'pg')", "pg is followed");
    let popup = h.open_extension("popup/options.html#activity").unwrap();
    popup.expect("document.querySelector('#activity-problem')?.textContent.includes('503')", "the failure is shown");
    popup.expect("document.querySelectorAll('#feed li').length === 2", "tosh's posts are still there");
    // The badge can be turned off.
    tab(&popup, "appearance");
    click(&popup, "#badge");
    click(&popup, "#save");
    popup.expect("document.querySelector('.status').textContent === 'Saved'", "saved");
}

/// The popup at its real size (360 px wide, as Chrome shows it) with a
/// reader's data: no tab scrolls sideways. Screenshots of every tab are
/// kept in `target/artifacts/popup-<tab>.png`.
#[test]
fn every_tab_fits_the_popups_width_with_data() {
    let h = harness();
    let worker = h.worker().unwrap();
    let names: Vec<String> = (0..50).map(|i| format!("longreader_{i:02}xy")).collect();
    let answer = hacker_new::ask(&worker, serde_json::json!({"kind": "follow_many", "site": "hn", "users": names}));
    assert_eq!(answer["kind"], "done", "{answer}");
    for (i, name) in names.iter().enumerate() {
        let note = format!("note {i}: writes about compilers, databases and the history of computing at length");
        let a =
            hacker_new::ask(&worker, serde_json::json!({"kind": "set_note", "site": "hn", "user": name, "note": note}));
        assert_eq!(a["kind"], "done", "{a}");
        if i % 3 == 0 {
            let a = hacker_new::ask(
                &worker,
                serde_json::json!({"kind": "set_tag", "site": "hn", "user": name, "tag": "long tag text here"}),
            );
            assert_eq!(a["kind"], "done", "{a}");
        }
    }
    for i in 0..20 {
        let rule = serde_json::json!({"kind": "keyword", "pattern": format!("averyveryverylongkeyword{i}andmore"), "target": "both"});
        let a = hacker_new::ask(&worker, serde_json::json!({"kind": "save_filter", "rule": rule}));
        assert_eq!(a["kind"], "done", "{a}");
    }
    for i in 0..10 {
        let target = serde_json::json!({"id": 40_000_000 + i, "title": format!("A story with a rather long title, number {i}, about systems programming in practice"), "url": format!("https://example.com/a/very/long/path/to/an/article/{i}?with=query&and=more")});
        let a = hacker_new::ask(&worker, serde_json::json!({"kind": "add_to_buffer", "target": target}));
        assert_eq!(a["kind"], "queued", "{a}");
    }
    let popup = h.open_extension("popup/popup.html").unwrap();
    popup
        .session
        .call(
            "Emulation.setDeviceMetricsOverride",
            serde_json::json!({"width": 360, "height": 600, "deviceScaleFactor": 1, "mobile": false}),
        )
        .unwrap();
    popup.reload().unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "rendered");
    assert_eq!(popup.value("innerWidth"), 360);
    let mut wide = Vec::new();
    for tab_id in ["following", "inbox", "activity", "filters", "appearance", "share", "sync"] {
        tab(&popup, tab_id);
        popup.expect(&format!("document.querySelector('#tab-{tab_id}[aria-selected=true]')"), "the tab is shown");
        popup.frames(2);
        let _ = popup.screenshot(&hacker_new::root().join(format!("target/artifacts/popup-{tab_id}.png")));
        let over = popup.value(
            "(() => { const d = document.documentElement; const out = [...document.querySelectorAll('body *')].filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > d.clientWidth + 1 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible' && getComputedStyle(e).overflowX !== 'hidden' && e.tagName !== 'TEXTAREA' && e.tagName !== 'INPUT'); }).map(e => e.tagName + '.' + e.className + '#' + e.id).slice(0, 5); return [d.scrollWidth > d.clientWidth, out]; })()",
        );
        if over[0] == true || !over[1].as_array().unwrap().is_empty() {
            wide.push(format!("{tab_id}: {over}"));
        }
    }
    assert!(wide.is_empty(), "sideways scrolling or clipped content at 360 px: {wide:#?}");
}

#[test]
fn the_popups_tabs_follow_the_aria_tabs_pattern() {
    let h = harness();
    let popup = h.open_extension("popup/popup.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true]')", "rendered");
    // One tab stop: the selected tab.
    assert_eq!(
        popup.value("[...document.querySelectorAll('[role=tab]')].map(t => t.tabIndex).join(',')"),
        "0,-1,-1,-1,-1,-1,-1"
    );
    popup.value("document.querySelector('#tab-following').focus(), true");
    let at = |popup: &Page| {
        popup.value("[document.activeElement.id, document.querySelector('[role=tab][aria-selected=true]').id, document.querySelector('[role=tabpanel]').getAttribute('aria-labelledby')]")
    };
    popup.press("ArrowRight", 0);
    popup.expect("document.activeElement.id === 'tab-inbox'", "ArrowRight moved");
    assert_eq!(at(&popup), serde_json::json!(["tab-inbox", "tab-inbox", "tab-inbox"]), "and selected it");
    popup.press("End", 0);
    popup.expect("document.activeElement.id === 'tab-sync'", "End");
    popup.press("ArrowRight", 0);
    popup.expect("document.activeElement.id === 'tab-following'", "wraps to the first");
    popup.press("ArrowLeft", 0);
    popup.expect("document.activeElement.id === 'tab-sync'", "wraps to the last");
    popup.press("Home", 0);
    popup.expect("document.activeElement.id === 'tab-following'", "Home");
    assert_eq!(at(&popup), serde_json::json!(["tab-following", "tab-following", "tab-following"]));
}

/// A file exported by the first version (format 1: follows with their note
/// and tag inside, filters without a site, the settings of then) imports
/// whole into this one.
#[test]
fn an_export_of_the_first_version_imports() {
    let h = harness();
    let worker = h.worker().unwrap();
    let old = serde_json::json!({
        "format": "hacker-new",
        "version": 1,
        "state": {
            "follows": { "hn:pg": { "note": "wrote Arc", "tag": "founder" }, "hn:tosh": {} },
            "filters": {
                "kb:crypto": { "kind": "keyword", "pattern": "crypto", "target": "both", "substring": false, "enabled": true },
                "ds:google.com": { "kind": "domain", "pattern": "google.com", "target": "stories", "substring": false, "enabled": false }
            },
            "settings": { "font_scale": 110, "width": 85, "line_height": 135, "theme": "dark", "high_contrast": false, "crisp_assets": true }
        }
    });
    let answer = hacker_new::ask(&worker, serde_json::json!({ "kind": "import_state", "json": old.to_string() }));
    assert_eq!(answer, serde_json::json!({ "kind": "imported", "follows": 2, "filters": 2, "skipped": 0 }));
    let state = hacker_new::ask(&worker, serde_json::json!({ "kind": "get_state" }))["state"].clone();
    assert_eq!(state["follows"]["hn:pg"]["note"], "wrote Arc");
    assert_eq!(state["follows"]["hn:pg"]["tag"], "founder");
    assert!(state["follows"]["hn:tosh"].is_object(), "{state}");
    let rules: Vec<(String, String, bool)> = state["filters"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| (r["kind"].as_str().unwrap().into(), r["pattern"].as_str().unwrap().into(), r["enabled"] == true))
        .collect();
    assert_eq!(rules.len(), 2, "{rules:?}");
    assert!(rules.contains(&("keyword".into(), "crypto".into(), true)), "{rules:?}");
    assert!(rules.contains(&("domain".into(), "google.com".into(), false)), "{rules:?}");
    // The rules are Hacker News' (a file of before a second site).
    assert!(state["filters"].as_object().unwrap().values().all(|r| r.get("site").is_none_or(|s| s == "hn")));
    // And a page applies them: the followed user highlighted.
    let front = h.open("/news").unwrap();
    front.ready();
    front.expect("document.querySelector('a.hnuser.hnew-followed')?.textContent === 'tosh'", "tosh highlighted");
}
