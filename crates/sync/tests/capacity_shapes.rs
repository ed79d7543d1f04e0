//! The capacity measurement's state is shaped as the product writes it:
//! each value read as the core crate's type and written back is the same
//! JSON, under the key the product gives it.

use hn_core::filters::FilterRule;
use hn_core::share::BufferItem;
use hn_core::state::UserRecord;
use hn_sync::capacity::{self, Shape, Spacing};
use serde_json::Value;

fn same<T: serde::de::DeserializeOwned + serde::Serialize>(v: &Value) -> T {
    let typed: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"));
    assert_eq!(&serde_json::to_value(&typed).unwrap(), v, "written back differently");
    typed
}

#[test]
fn the_measured_state_is_what_the_product_writes() {
    let names = capacity::names(&["pg".into(), "dang".into(), "tptacek".into()], 50);
    let shape = Shape { follows: 20, filters: 5, notes: 3, share: 4, tombstones: 6 };
    let r = capacity::build(1, &names, shape, Spacing::Random { mean: 3_600_000 });
    let doc = r.doc();
    assert_eq!(doc.len("follows"), 20);
    for (k, v) in doc.entries("follows") {
        let rec: UserRecord = same(v);
        assert_eq!(rec.since.map(|s| s as u64), Some(doc.entry("follows", k).unwrap().stamp.wall));
        assert!(k.starts_with("hn:"));
    }
    for (k, v) in doc.entries("filters") {
        let rule: FilterRule = same(v);
        assert_eq!(rule.key(), k);
    }
    for (k, v) in doc.entries("share") {
        let item: BufferItem = same(v);
        assert_eq!(item.target.key(), k);
    }
    assert_eq!(doc.entries("notes").count(), 3);
    let tombstones = doc.all().filter(|(_, _, e)| e.value.is_none()).count();
    assert_eq!(tombstones, 6);
}

#[test]
fn usernames_come_from_links_and_names_extend_them_alike() {
    let page = br#"<a href="user?id=alice">alice</a> <a href="user?id=bob_2">x</a> <a href="user?id=alice">"#;
    assert_eq!(capacity::usernames([&page[..]]), vec!["alice".to_string(), "bob_2".to_string()]);
    let real: Vec<String> =
        ["alice", "alison", "albert", "bob", "bobby", "carol"].iter().map(|s| s.to_string()).collect();
    let names = capacity::names(&real, 40);
    assert_eq!(names.len(), 40);
    let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
    assert_eq!(distinct.len(), 40, "distinct");
    assert!(real.iter().all(|r| names.contains(r)), "the real names first");
    assert_eq!(names, capacity::names(&real, 40), "deterministic");
}
