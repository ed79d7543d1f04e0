//! Story lists sorted in place, the choice kept per list page.

use hacker_new::{set_record, wait_for_record, Harness, Options};
use hn_core::unread::{Visit, Visits};

fn now() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as f64
}

const SCORES: &str = "[...document.querySelectorAll('tr.athing.submission')].map(r => parseInt(r.nextElementSibling.querySelector('span.score')?.textContent ?? '-1'))";

#[test]
fn lists_sort_by_points_comments_and_age_and_remember_it() {
    let h = Harness::start(Options::default()).unwrap();
    let page = h.open("/best").unwrap();
    page.ready();
    let before = page.value("[...document.querySelectorAll('tr.athing.submission')].map(r => r.id)");
    page.click_on("document.querySelector(\".hnew-sort button[data-by='points']\")");
    page.expect("document.documentElement.dataset.hnewSort === 'points'", "sorted");
    let scores: Vec<i64> = page.value(SCORES).as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect();
    assert!(scores.len() > 5);
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "points descending: {scores:?}");
    // Every story keeps its own subtext row right under it.
    assert_eq!(
        page.value("[...document.querySelectorAll('tr.athing.submission')].every(r => r.nextElementSibling.querySelector('td.subtext') && r.nextElementSibling.querySelector(\"a[href^='item?id=']\").getAttribute('href').includes(r.id))"),
        true
    );
    // The More link is still last.
    assert_eq!(page.value("!document.querySelector('a.morelink') || !document.querySelector('a.morelink').closest('tr').nextElementSibling?.classList.contains('athing')"), true);
    // Newest first, then back to HN's order.
    page.click_on("document.querySelector(\".hnew-sort button[data-by='newest']\")");
    let times: Vec<i64> = page
        .value("[...document.querySelectorAll('tr.athing.submission')].map(r => +r.nextElementSibling.querySelector('span.age').title.split(' ')[1])")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first: {times:?}");
    page.click_on("document.querySelector(\".hnew-sort button[data-by='points']\")");
    // Kept for this list page on the next visit.
    page.navigate("/best").unwrap();
    page.ready();
    page.expect("document.documentElement.dataset.hnewSort === 'points'", "the choice was kept");
    page.click_on("document.querySelector(\".hnew-sort button[data-by='rank']\")");
    let after = page.value("[...document.querySelectorAll('tr.athing.submission')].map(r => r.id)");
    assert_eq!(after.as_array().unwrap()[..5], before.as_array().unwrap()[..5], "rank restores HN's order");
    assert!(page.exceptions().is_empty());
}

/// Stories already read are dimmed or hidden (with a count and a way to
/// show them), and on a thread read before, subthreads with nothing new fold.
#[test]
fn read_stories_dim_or_hide_and_quiet_subthreads_fold() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let save = |read: &str, fold: bool| {
        let r = worker
            .eval(&format!(
                "self.hnewHandle({{ v: 1, kind: 'save_settings', settings: {{ read_stories: '{read}', fold_old: {fold} }} }})"
            ))
            .unwrap();
        assert_eq!(r["kind"], "settings", "{r}");
    };
    let list = h.open("/news").unwrap();
    list.ready();
    // Opening the third story's link makes it read (the navigation itself is
    // stopped here: the replica has no outside web).
    let id = list.value("document.querySelectorAll('tr.athing.submission')[2].id").as_str().unwrap().to_string();
    list.value("window.addEventListener('click', e => e.preventDefault(), true), true");
    list.click_on("document.querySelectorAll('tr.athing.submission')[2].querySelector('span.titleline > a')");
    let story: u64 = id.parse().unwrap();
    wait_for_record::<Visits>(&worker, "visits", "the opened link", |v| v.get(story).is_some_and(|v| v.link_only));
    save("dim", false);
    // Endless scroll moves the address to `?p=2`: the list is opened again by name.
    list.navigate("/news").unwrap();
    list.ready();
    list.expect(
        &format!("document.getElementById('{id}').classList.contains('hnew-was-read')"),
        "the story is marked read",
    );
    assert_eq!(list.value(&format!("getComputedStyle(document.getElementById('{id}')).opacity")), "0.5");
    assert_eq!(list.value("document.querySelectorAll('tr.athing.submission.hnew-was-read').length"), 1);
    assert_eq!(
        list.value(&format!("document.getElementById('{id}').nextElementSibling.classList.contains('hnew-was-read')")),
        true,
        "its subtext line too"
    );
    assert_eq!(list.value("document.querySelectorAll('.hnew-new-comments').length"), 0, "no comment count was seen");
    save("hide", false);
    list.expect(&format!("getComputedStyle(document.getElementById('{id}')).display === 'none'"), "hidden at once");
    assert_eq!(list.value("document.querySelector('.hnew-read-line span').textContent"), "1 story you read is hidden");
    list.click(".hnew-read-line button");
    list.expect(&format!("getComputedStyle(document.getElementById('{id}')).display !== 'none'"), "shown again");

    // A thread read before, with five newer comments: with the option on,
    // the top-level subthreads holding none of them fold.
    save("show", true);
    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    assert_eq!(thread.value("document.documentElement.dataset.hnewFoldedOld || ''"), "", "a first visit folds nothing");
    let ids = thread.value("[...document.querySelectorAll('tr.athing.comtr')].map(r => +r.id)");
    let mut ids: Vec<u64> = ids.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    ids.sort_unstable();
    let cut = ids[ids.len() - 6];
    let mut visits = wait_for_record::<Visits>(&worker, "visits", "the thread's visit", |v| v.get(30883015).is_some());
    visits.0.insert("30883015".into(), Visit { max_id: cut, count: 1, at: now(), link_only: false });
    set_record(&worker, "visits", &visits);
    thread.reload().unwrap();
    thread.ready();
    thread.expect("+(document.documentElement.dataset.hnewFoldedOld || 0) > 0", "quiet subthreads folded");
    // Every new comment stays visible; every folded top-level comment holds none.
    assert_eq!(
        thread.value("[...document.querySelectorAll('tr.hnew-new')].every(r => !r.classList.contains('noshow'))"),
        true
    );
    let folded = thread.value(
        "(() => { const rows = [...document.querySelectorAll('tr.athing.comtr')]; \
           const depth = r => +(r.querySelector('td.ind').getAttribute('indent') || 0); \
           return rows.filter(r => r.classList.contains('coll')).every(r => { \
             const i = rows.indexOf(r); let j = i + 1; \
             while (j < rows.length && depth(rows[j]) > depth(r)) { if (rows[j].classList.contains('hnew-new')) return false; j++; } \
             return depth(r) === 0 && !r.classList.contains('hnew-new'); }); })()",
    );
    assert_eq!(folded, true, "only subthreads without new comments are folded");
}

/// WCAG contrast of an element's text against the first opaque background
/// behind it, computed in the page.
const CONTRAST: &str = r#"((el) => {
  const rgb = s => s.match(/[\d.]+/g).slice(0, 4).map(Number);
  const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let bg = null; for (let e = el; e && !bg; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.length < 4 || c[3] > 0) bg = c; }
  bg = bg || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
})"#;

/// The extension's own colours read at AA (4.5:1) on HN's background,
/// light and dark: the chosen sort word, and the popup's buttons.
#[test]
fn the_extensions_colours_meet_aa_contrast_in_both_themes() {
    let h = Harness::start(Options::default()).unwrap();
    let page = h.open("/best").unwrap();
    page.ready();
    page.click_on("document.querySelector(\".hnew-sort button[data-by='points']\")");
    page.expect("document.documentElement.dataset.hnewSort === 'points'", "sorted");
    let chosen = format!("{CONTRAST}(document.querySelector(\".hnew-sort button[aria-pressed='true']\"))");
    let light = page.value(&chosen).as_f64().unwrap();
    assert!(light >= 4.5, "the chosen sort word, light: {light:.2}:1");
    let worker = h.worker().unwrap();
    let answer = hacker_new::ask(&worker, serde_json::json!({"kind": "save_settings", "settings": {"theme": "dark"}}));
    assert_eq!(answer["kind"], "settings", "{answer}");
    page.expect("document.documentElement.classList.contains('hnew-theme-dark')", "dark");
    let dark = page.value(&chosen).as_f64().unwrap();
    assert!(dark >= 4.5, "the chosen sort word, dark: {dark:.2}:1");
    // HN's header stays an orange bar, its words and separators readable.
    let bar =
        page.value("getComputedStyle(document.querySelector('#hnmain td[bgcolor=\"#ff6600\"] td')).backgroundColor");
    assert_eq!(bar, "rgba(0, 0, 0, 0)", "the cells inside the header show its bar");
    let nav = page.value(&format!("{CONTRAST}(document.querySelector('.pagetop'))")).as_f64().unwrap();
    assert!(nav >= 4.5, "the header's words and separators, dark: {nav:.2}:1");
    let popup = h.open_extension("popup/options.html").unwrap();
    popup.expect("document.querySelector('main[data-ready=true] #follow-add')", "the options page rendered");
    let button = popup.value(&format!("{CONTRAST}(document.querySelector('#follow-add'))")).as_f64().unwrap();
    assert!(button >= 4.5, "a primary button: {button:.2}:1");
}
