//! Pages' own records (read marks, folds, drafts, list orders) are text;
//! those an earlier version stored as JSON objects are converted when the
//! extension is updated, and nothing in them is lost.

use hacker_new::{record, Harness, Options};
use hn_core::records::{Draft, Folds, SortChoices};
use hn_core::unread::{SortBy, Visits};
use serde_json::Value;

#[test]
fn records_of_an_earlier_version_are_converted_on_update_and_used() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    let first = thread.value("document.querySelector('tr.athing.comtr').id").as_str().unwrap().to_string();
    let total = thread.value("document.querySelectorAll('tr.athing.comtr').length").as_u64().unwrap();
    // What an earlier version left: every comment unseen, the first
    // subthread folded, a reply half written, /news sorted by points; and
    // a folds record that is not one.
    let old = format!(
        "{{ visits: {{ '30883015': {{ max_id: 1, count: 2, at: Date.now() }} }}, \
           'folds:30883015': {{ folded: [{first}], at: Date.now() }}, \
           'draft:30883015': {{ text: 'half\\nwritten', at: Date.now() }}, \
           list_sort: {{ '/news': 'points' }}, \
           'folds:1': {{ nothing: true }} }}"
    );
    worker.eval(&format!("chrome.storage.local.set({old}).then(() => true)")).unwrap();

    // A page of this version that finds one before the update gets it
    // converted by the worker it asks, and loses nothing of it.
    thread.reload().unwrap();
    thread.ready();
    thread.expect(&format!("document.documentElement.dataset.hnewNew === '{total}'"), "every comment is new");
    let visits: Visits = record(&worker, "visits").expect("read marks converted when read");
    assert!(visits.get(30883015).is_some());

    // The update converts the rest.
    worker.eval("self.hnewInstalled('update').then(() => true)").unwrap();
    let folds: Folds = record(&worker, "folds:30883015").expect("folds converted");
    assert_eq!(folds.folded.into_iter().collect::<Vec<_>>(), vec![first.parse::<u64>().unwrap()]);
    let draft: Draft = record(&worker, "draft:30883015").expect("draft converted");
    assert_eq!(draft.text, "half\nwritten");
    let sort: SortChoices = record(&worker, "list_sort").expect("list orders converted");
    assert_eq!(sort.0.get("/news"), Some(&SortBy::Points));
    assert_eq!(
        worker.eval("chrome.storage.local.get('folds:1').then(r => r['folds:1'])").unwrap(),
        serde_json::json!({ "nothing": true }),
        "what is not a record is kept as it was"
    );

    // Pages use them.
    thread.reload().unwrap();
    thread.ready();
    thread.expect("document.documentElement.dataset.hnewFoldsRestored === '1'", "the fold restored");
    assert_eq!(
        thread.value(&format!("document.getElementById('{first}').classList.contains('coll')")),
        Value::Bool(true),
        "folded as HN folds"
    );
    let list = h.open("/news").unwrap();
    list.ready();
    list.expect("document.documentElement.dataset.hnewSort === 'points'", "the list sorted as chosen before");
    // And write text from now on.
    thread.reload().unwrap();
    thread.ready();
    thread.expect("document.documentElement.dataset.hnewNew === '0'", "the visit was recorded");
    let visits: Visits = record(&worker, "visits").expect("read marks still text");
    assert!(visits.get(30883015).unwrap().max_id > 1);
}

#[test]
fn folds_of_threads_not_opened_for_sixty_days_are_forgotten() {
    let h = Harness::start(Options::default()).unwrap();
    let worker = h.worker().unwrap();
    let now = worker.eval("Date.now()").unwrap().as_f64().unwrap();
    let day = 86_400_000.0;
    let fold = |id: u64, days_ago: f64| {
        let folds = Folds { folded: [id].into(), at: now - days_ago * day };
        hacker_new::set_record(&worker, &format!("folds:{id}"), &folds);
    };
    fold(1, 61.0);
    fold(2, 59.0);
    fold(3, 0.0);
    worker.eval("chrome.storage.local.set({ 'folds:4': 'damaged' }).then(() => true)").unwrap();
    worker.eval("self.hnewInstalled('update').then(() => true)").unwrap();
    assert!(record::<Folds>(&worker, "folds:1").is_none(), "not opened for 61 days: forgotten");
    assert!(record::<Folds>(&worker, "folds:2").is_some());
    assert!(record::<Folds>(&worker, "folds:3").is_some());
    assert_eq!(worker.eval("chrome.storage.local.get('folds:4').then(r => r['folds:4'])").unwrap(), "damaged", "kept");
}
