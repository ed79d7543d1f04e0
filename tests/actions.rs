//! Votes, favorites and hides in place, through HN's own links and the
//! reader's session; refusals undo the change and say why.

use hacker_new::{Fault, Harness, Options};

fn harness() -> Harness {
    Harness::start(Options::default()).expect("start the replica and Chromium with the extension")
}

fn acted(h: &Harness, prefix: &str) -> usize {
    h.replica.acted().iter().filter(|(_, p)| p.starts_with(prefix)).count()
}

/// Waits until HN (the replica) received an action starting with `prefix`.
fn wait_acted(h: &Harness, prefix: &str, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while acted(h, prefix) == 0 {
        assert!(std::time::Instant::now() < deadline, "{what}: {:?}", h.replica.acted());
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn votes_hides_and_favorites_happen_in_place() {
    let h = harness();
    h.log_in();
    let page = h.open("/news?fixture=ews-news-2026-03").unwrap();
    page.ready();
    let id = page.value("document.querySelector('tr.athing.submission').id").as_str().unwrap().to_string();
    page.value("window.__stayed = true");
    page.click_on(&format!("document.getElementById('up_{id}')"));
    page.expect(&format!("document.getElementById('up_{id}').classList.contains('nosee')"), "the arrow went at once");
    page.expect(&format!("document.querySelector('#unv_{id} a')?.textContent === 'unvote'"), "unvote offered");
    wait_acted(&h, &format!("/vote?id={id}&how=up"), "HN never got the vote");
    assert_eq!(h.replica.acted()[0].0, "tester", "with the reader's session");
    assert_eq!(page.value("window.__stayed === true"), true, "no navigation: the page stayed");
    // Unvote brings the arrow back.
    page.click_on(&format!("document.querySelector('#unv_{id} a')"));
    page.expect(&format!("!document.getElementById('up_{id}').classList.contains('nosee')"), "the arrow is back");
    // Hide: the story leaves the list.
    let second = page.value("document.querySelectorAll('tr.athing.submission')[1].id").as_str().unwrap().to_string();
    page.click_on(&format!("document.querySelector(\"a[href^='hide?id={second}']\")"));
    page.expect(&format!("document.getElementById('{second}').offsetParent === null"), "hidden in place");
    wait_acted(&h, &format!("/hide?id={second}"), "HN never got the hide");
    // Favorite on a story page.
    let item = h.open("/item?id=28385024").unwrap();
    item.ready();
    item.click_on("document.querySelector(\"a[href^='fave?']\")");
    item.expect("document.querySelector(\"a[href^='fave?']\").textContent === 'un-favorite'", "favorited in place");
    wait_acted(&h, "/fave?id=28385024", "HN never got the favorite");
    // Flag: HN shows it to readers with enough karma; the saved page's
    // reader had none, so the link is added the way HN renders it.
    let body =
        String::from_utf8_lossy(&h.replica.fixtures().by_rel("item/cliview-hn-2021-09.html").unwrap().body).to_string();
    let with_flag = body.replacen(
        "<a href=\"fave?",
        "<a href=\"flag?id=28385024&amp;auth=abc123&amp;goto=item%3Fid%3D28385024\">flag</a> | <a href=\"fave?",
        1,
    );
    assert_ne!(with_flag, body);
    h.replica.mount(
        hn_replica::HN_HOST,
        "/item?id=28385024&karma=31",
        "text/html; charset=utf-8",
        with_flag.into_bytes(),
    );
    item.navigate("/item?id=28385024&karma=31").unwrap();
    item.ready();
    item.click_on("document.querySelector(\"a[href^='flag?']\")");
    item.expect("document.querySelector(\"a[href^='flag?']\").textContent === 'unflag'", "flagged in place");
    wait_acted(&h, "/flag?id=28385024", "HN never got the flag");
    assert!(page.exceptions().is_empty() && item.exceptions().is_empty());
}

#[test]
fn refusals_undo_the_change_and_say_why() {
    let h = harness();
    // Logged out: HN answers with its login page.
    let page = h.open("/news?fixture=ews-news-2026-03").unwrap();
    page.ready();
    let id = page.value("document.querySelector('tr.athing.submission').id").as_str().unwrap().to_string();
    page.click_on(&format!("document.getElementById('up_{id}')"));
    page.expect("document.querySelector('.hnew-act-error')?.textContent.includes('logged out')", "the reason is shown");
    page.expect(&format!("!document.getElementById('up_{id}').classList.contains('nosee')"), "the arrow came back");
    assert_eq!(page.value(&format!("document.querySelector('#unv_{id}').textContent")), "");
    // Logged in, but HN is down.
    h.log_in();
    h.replica.fault("/hide", Fault::Unavailable, None);
    let second = page.value("document.querySelectorAll('tr.athing.submission')[1].id").as_str().unwrap().to_string();
    page.click_on(&format!("document.querySelector(\"a[href^='hide?id={second}']\")"));
    page.expect(
        "[...document.querySelectorAll('.hnew-act-error')].some(e => e.textContent.includes('unavailable'))",
        "503 is explained",
    );
    page.expect(&format!("document.getElementById('{second}').offsetParent !== null"), "the story is back");
    assert!(h.replica.acted().is_empty());
}
