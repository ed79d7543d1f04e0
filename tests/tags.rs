//! User tags (set from the user card, shown beside the name everywhere,
//! kept after unfollowing) and the OP badge.

use hacker_new::{Harness, Options};

#[test]
fn tags_show_beside_names_everywhere_and_outlive_a_follow() {
    let h = Harness::start(Options::default()).unwrap();
    let thread = h.open("/item?id=126809").unwrap();
    thread.ready();
    // The submitter's comments carry the OP badge, and only theirs.
    let (op, expected) = {
        let v = thread.value(
            "(() => { const op = document.querySelector('.subline a.hnuser, td.subtext a.hnuser').textContent; \
               return [op, [...document.querySelectorAll('tr.athing.comtr a.hnuser')].filter(a => a.textContent === op).length]; })()",
        );
        (v[0].as_str().unwrap().to_string(), v[1].as_u64().unwrap())
    };
    assert!(expected > 0, "{op} comments on this thread");
    assert_eq!(thread.value("document.querySelectorAll('a.hnuser.hnew-op').length").as_u64(), Some(expected));
    assert_eq!(
        thread
            .value(&format!("[...document.querySelectorAll('a.hnuser.hnew-op')].every(a => a.textContent === {op:?})")),
        true
    );

    // Tag the first commenter from their card: a question in the page
    // (not the browser's blocking prompt), keyboard complete.
    let user =
        thread.value("document.querySelector('tr.athing.comtr a.hnuser').textContent").as_str().unwrap().to_string();
    thread.hover_on("document.querySelector('tr.athing.comtr a.hnuser')");
    thread.expect("document.querySelector('.hnew-card button.hnew-card-tag')", "the card offers a tag");
    thread.click(".hnew-card button.hnew-card-tag");
    thread.expect("document.querySelector('dialog.hnew-dialog')?.open", "the tag question opened");
    let _ = thread.screenshot(&hacker_new::root().join("target/artifacts/tag-dialog.png"));
    assert_eq!(thread.value("document.activeElement.classList.contains('hnew-dialog-field')"), true, "focus is in it");
    assert_eq!(
        thread.value("document.querySelector('dialog.hnew-dialog .hnew-dialog-title').textContent"),
        format!("Tag {user}")
    );
    // Too long: refused in place, the dialog stays.
    thread.type_into("document.querySelector('.hnew-dialog-field')", &"x".repeat(30));
    thread.press("Enter", 0);
    thread.expect(
        "document.querySelector('.hnew-dialog-error').textContent.startsWith('A tag is 1 to 24')",
        "the reason is said",
    );
    assert_eq!(thread.value("document.querySelector('dialog.hnew-dialog').open"), true);
    // Escape closes it without saving; focus goes back to the card's button.
    thread.press("Escape", 0);
    thread.expect("!document.querySelector('dialog.hnew-dialog')", "Escape closed it");
    thread.expect("document.activeElement?.classList.contains('hnew-card-tag')", "focus is back on the button");
    thread.press("Enter", 0);
    thread.expect("document.querySelector('dialog.hnew-dialog')?.open", "opened again from the keyboard");
    thread.type_into("document.querySelector('.hnew-dialog-field')", "poll fan");
    thread.press("Enter", 0);
    thread.expect("!document.querySelector('dialog.hnew-dialog')", "the answer closed it");
    let count = thread.value(&format!("document.querySelectorAll(\"a.hnuser[href='user?id={user}']\").length"));
    thread.expect(
        &format!("document.querySelectorAll(\"a.hnuser[href='user?id={user}'] + .hnew-tag\").length === {count}"),
        "the tag is beside every one of their names",
    );
    assert_eq!(
        thread.value(&format!("document.querySelector(\"a.hnuser[href='user?id={user}'] + .hnew-tag\").textContent")),
        "poll fan"
    );

    // Follow then unfollow: the tag stays; the record syncs with the rest.
    let worker = h.worker().unwrap();
    let ask = |m: &str| worker.eval(&format!("self.hnewHandle({{ v: 1, {m} }})")).unwrap();
    assert_eq!(ask(&format!("kind: 'set_follow', site: 'hn', user: '{user}', follow: true"))["kind"], "done");
    assert_eq!(ask(&format!("kind: 'set_follow', site: 'hn', user: '{user}', follow: false"))["kind"], "done");
    let state = worker.eval("self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => r.state.follows)").unwrap();
    let rec = &state[format!("hn:{user}")];
    assert_eq!(rec["tag"], "poll fan");
    assert_eq!(rec["unfollowed"], true);
    let front = h.open("/news").unwrap();
    front.ready();
    assert_eq!(front.value("document.querySelectorAll('.hnew-followed').length"), 0, "not highlighted as followed");
    // An invalid tag is refused by the background, whoever sends it.
    assert_eq!(
        ask(&format!("kind: 'set_tag', site: 'hn', user: '{user}', tag: '{}'", "x".repeat(30)))["kind"],
        "error"
    );
    // Removing the tag of a user not followed removes the record.
    assert_eq!(ask(&format!("kind: 'set_tag', site: 'hn', user: '{user}', tag: null"))["kind"], "done");
    thread.expect("document.querySelectorAll('.hnew-tag').length === 0", "the tag is gone from the open tab");
    let state =
        worker.eval("self.hnewHandle({ v: 1, kind: 'get_state' }).then(r => Object.keys(r.state.follows))").unwrap();
    assert_eq!(state, serde_json::json!([]));
}
