//! Keyboard navigation and new-comment marks, on real pages.

use hacker_new::{record, set_record, wait_for_record, Harness, Options, Page};
use hn_core::unread::Visits;

fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as f64
}

fn harness() -> Harness {
    Harness::start(Options::default()).expect("start the replica and Chromium with the extension")
}

fn press(page: &Page, key: &str) {
    page.press(key, 0);
    page.settle();
}

fn focused_id(page: &Page) -> String {
    page.value("document.querySelector('tr.hnew-focus')?.id || ''").as_str().unwrap_or("").to_string()
}

#[test]
fn keys_move_through_stories_and_comments() {
    let h = harness();
    let page = h.open("/news").unwrap();
    page.ready();
    let ids = page.value("[...document.querySelectorAll('tr.athing.submission')].slice(0, 3).map(r => r.id)");
    press(&page, "j");
    assert_eq!(focused_id(&page), ids[0].as_str().unwrap());
    press(&page, "j");
    press(&page, "j");
    assert_eq!(focused_id(&page), ids[2].as_str().unwrap());
    press(&page, "k");
    assert_eq!(focused_id(&page), ids[1].as_str().unwrap());
    // Modifiers belong to the browser; typing in a field is typing.
    page.press("j", 2);
    assert_eq!(focused_id(&page), ids[1].as_str().unwrap());
    page.value("document.querySelector('input[name=q]').focus(), true");
    page.press("j", 0);
    assert_eq!(focused_id(&page), ids[1].as_str().unwrap(), "no move while typing in the search box");
    page.value("document.activeElement.blur(), true");
    // `?` lists every binding; again closes it.
    page.value("document.querySelector('.titleline a').focus(), window.__before = document.activeElement, true");
    press(&page, "?");
    page.expect("document.querySelector('.hnew-keys-help')?.open", "the help opened");
    assert_eq!(page.value("document.querySelectorAll('.hnew-keys-help dt').length"), 16);
    assert_eq!(page.value("document.activeElement.classList.contains('hnew-keys-close')"), true, "it takes focus");
    press(&page, "?");
    page.expect("!document.querySelector('.hnew-keys-help').open", "the help closed");
    page.expect("document.activeElement === window.__before", "focus is back where it was");
    // Escape closes it too, and so does its Close button.
    press(&page, "?");
    page.expect("document.querySelector('.hnew-keys-help')?.open", "the help opened again");
    page.press("Escape", 0);
    page.expect("!document.querySelector('.hnew-keys-help').open", "Escape closed it");
    page.expect("document.activeElement === window.__before", "focus is back after Escape");
    press(&page, "?");
    page.expect("document.querySelector('.hnew-keys-help')?.open", "opened once more");
    page.press("Enter", 0);
    page.expect("!document.querySelector('.hnew-keys-help').open", "Close (Enter on it) closed it");
    // `s` opens the share menu of the focused story.
    press(&page, "s");
    page.expect("document.querySelector('.hnew-share-menu:not([hidden])')", "share from the keyboard");

    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    let depths = thread.value(
        "[...document.querySelectorAll('tr.athing.comtr')].map(r => +r.querySelector('td.ind').getAttribute('indent'))",
    );
    let depths: Vec<u64> = depths.as_array().unwrap().iter().map(|d| d.as_u64().unwrap()).collect();
    let ids = thread.value("[...document.querySelectorAll('tr.athing.comtr')].map(r => r.id)");
    let child = depths.iter().position(|&d| d == 1).expect("a reply");
    for _ in 0..=child {
        press(&thread, "j");
    }
    assert_eq!(focused_id(&thread), ids[child].as_str().unwrap());
    press(&thread, "p");
    assert_eq!(focused_id(&thread), ids[child - 1].as_str().unwrap(), "p goes to the parent");
    press(&thread, "J");
    let next_top = depths.iter().enumerate().skip(child).find(|(_, &d)| d == 0).map(|(i, _)| i).unwrap();
    assert_eq!(focused_id(&thread), ids[next_top].as_str().unwrap(), "J goes to the next top-level comment");
    // `x` folds the focused comment with HN's own toggle.
    press(&thread, "x");
    thread.expect(
        &format!("document.getElementById({:?}).classList.contains('coll')", ids[next_top].as_str().unwrap()),
        "folded",
    );
    assert!(page.exceptions().is_empty() && thread.exceptions().is_empty());
}

#[test]
fn comments_new_since_the_last_visit_are_marked_and_counted() {
    let h = harness();
    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    // A first visit marks nothing and is recorded.
    assert_eq!(thread.value("document.documentElement.dataset.hnewNew || ''"), "0");
    let worker = h.worker().unwrap();
    wait_for_record::<Visits>(&worker, "visits", "the first visit", |v| v.get(30883015).is_some());
    // Pretend the last visit saw fewer comments: those with larger ids are new.
    let ids = thread.value("[...document.querySelectorAll('tr.athing.comtr')].map(r => +r.id)");
    let mut ids: Vec<u64> = ids.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let total = ids.len();
    ids.sort_unstable();
    let cut = ids[ids.len() - 6];
    let mut visits = Visits::default();
    visits.record(30883015, cut, total as u32 - 5, now());
    set_record(&worker, "visits", &visits);
    thread.reload().unwrap();
    thread.ready();
    thread.expect("document.documentElement.dataset.hnewNew === '5'", "five comments are new");
    assert_eq!(thread.value("document.querySelector('.hnew-new-count').textContent"), format!("5 new of {total}"));
    assert_eq!(thread.value("document.querySelectorAll('tr.hnew-new').length"), 5);
    // `n` walks them.
    press(&thread, "n");
    thread.expect("document.querySelector('tr.hnew-focus')?.classList.contains('hnew-new')", "n goes to a new comment");
    // The visit is recorded again: a reload marks nothing new.
    thread.reload().unwrap();
    thread.ready();
    thread.expect("document.documentElement.dataset.hnewNew === '0'", "nothing new on the next visit");
    assert_eq!(thread.value("!!document.querySelector('.hnew-new-count')"), false, "no '0 new' line");

    // On a story list, a story whose discussion was read shows its new comments.
    let front = h.open("/news").unwrap();
    front.ready();
    let (id, count) = {
        let v = front.value(
            "(() => { for (const r of document.querySelectorAll('tr.athing.submission')) { \
               const a = [...r.nextElementSibling.querySelectorAll(\"a[href^='item?id=']\")].pop(); \
               const n = parseInt(a?.textContent); if (n > 3) return [r.id, n]; } })()",
        );
        (v[0].as_str().unwrap().to_string(), v[1].as_u64().unwrap())
    };
    let mut visits = record::<Visits>(&worker, "visits").unwrap_or_default();
    visits.record(id.parse().unwrap(), 1, count as u32 - 3, now());
    set_record(&worker, "visits", &visits);
    front.navigate("/news").unwrap();
    front.ready();
    front.expect(
        &format!("document.getElementById('{id}').nextElementSibling.querySelector('.hnew-new-comments')?.textContent === ' (3 new)'"),
        "three new comments beside the story",
    );
}

#[test]
fn bindings_are_changed_in_the_options_page() {
    let h = harness();
    let popup = h.open_extension("popup/options.html#appearance").unwrap();
    popup.expect("document.querySelector('#key-next')", "the keys are listed");
    let set = |id: &str, v: &str| {
        popup.value(&format!(
            "(() => {{ const i = document.querySelector('#{id}'); i.value = {v:?}; i.dispatchEvent(new InputEvent('input', {{ bubbles: true }})); return true; }})()"
        ));
    };
    // A clash is refused with the reason, and cannot be saved.
    set("key-next", "k");
    popup.expect("document.querySelector('#keys-error')?.textContent.includes('used for both')", "the clash is named");
    assert_eq!(popup.value("document.querySelector('#save').disabled"), true);
    set("key-next", "m");
    popup.expect("!document.querySelector('#keys-error') && !document.querySelector('#save').disabled", "valid again");
    popup.click("#save");
    popup.expect("document.querySelector('.status').textContent === 'Saved'", "saved");
    let page = h.open("/news").unwrap();
    page.ready();
    let first = page.value("document.querySelector('tr.athing.submission').id");
    press(&page, "j");
    assert_eq!(focused_id(&page), "", "j no longer moves");
    press(&page, "m");
    assert_eq!(focused_id(&page), first.as_str().unwrap());
}

#[test]
fn escape_in_a_user_card_gives_focus_back_to_the_name() {
    let h = harness();
    let page = h.open("/item?id=30883015").unwrap();
    page.ready();
    let name = "document.querySelector('tr.athing.comtr a.hnuser')";
    page.hover_on(name);
    page.expect("document.querySelector('.hnew-card:not([hidden]) button.hnew-card-follow')", "the card opened");
    page.value("document.querySelector('.hnew-card button.hnew-card-follow').focus(), true");
    page.press("Escape", 0);
    page.expect("document.querySelector('.hnew-card').hidden", "Escape closed the card");
    assert_eq!(page.value(&format!("document.activeElement === {name}")), true, "focus is on the name again");
    // That focus opens no card again: the cards shown from here on are
    // noted, and the reader's hover of another name (later, with the same
    // delay) shows only that one.
    page.value(
        "window.__shown = [], new MutationObserver(() => { const c = document.querySelector('.hnew-card'); \
         const n = c.hidden ? '' : c.querySelector('.hnew-card-name')?.textContent || '?'; \
         if (n && window.__shown[window.__shown.length - 1] !== n) window.__shown.push(n) }) \
         .observe(document.querySelector('.hnew-card'), { attributes: true, childList: true, subtree: true }), true",
    );
    let other = page.value(&format!(
        "[...document.querySelectorAll('tr.athing.comtr a.hnuser')].find(a => a.textContent !== {name}.textContent).textContent"
    ));
    let other = other.as_str().unwrap();
    page.hover_on(&format!("[...document.querySelectorAll('a.hnuser')].find(a => a.textContent === '{other}')"));
    page.expect(
        &format!("document.querySelector('.hnew-card:not([hidden]) .hnew-card-name')?.textContent.includes('{other}')"),
        "the other name's card opened",
    );
    let shown = page.value("window.__shown");
    let shown: Vec<&str> = shown.as_array().unwrap().iter().filter_map(|n| n.as_str()).collect();
    assert!(shown.iter().all(|n| n.contains(other)), "cards shown: {shown:?}");
}
