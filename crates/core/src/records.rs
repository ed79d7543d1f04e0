//! What a page keeps for itself in the browser's local storage: read marks
//! (`visits`), folded subthreads (`folds:<thread>`), reply and edit drafts
//! (`draft:<id>`, `edit-draft:<id>`) and each list's order (`list_sort`).
//!
//! Each is stored as a short text in the fields of [`crate::wire`], so the
//! content script reads and writes it without a deserializer (serde's
//! derived code for these four was about a tenth of the content script's
//! code). Versions before 0.1.0's text records stored them as JSON objects;
//! the background converts those once ([`from_json`]), and a page that finds
//! one before that leaves it untouched.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::unread::{SortBy, Visit, Visits};
use crate::wire::{Reader, Writer};

/// A record kept as text. Times are whole milliseconds since the epoch
/// (written as integers: a float's formatting and parsing would be the
/// largest code in the module that reads them).
pub trait Record: Sized {
    /// The first line of its text: the record's name and format.
    const HEAD: &'static str;
    fn write(&self, out: &mut String);
    fn read(lines: std::str::Lines<'_>) -> Result<Self, String>;

    fn to_text(&self) -> String {
        let mut out = String::from(Self::HEAD);
        self.write(&mut out);
        out
    }

    fn from_text(text: &str) -> Result<Self, String> {
        let mut lines = text.lines();
        match lines.next() {
            Some(head) if head == Self::HEAD => Self::read(lines),
            _ => Err(format!("not a {} record", Self::HEAD)),
        }
    }
}

fn line(out: &mut String, w: &mut Writer) {
    out.push('\n');
    out.push_str(&w.done());
}

impl Record for Visits {
    const HEAD: &'static str = "visits 1";
    fn write(&self, out: &mut String) {
        for (story, v) in &self.0 {
            line(out, Writer::new(story).num(v.max_id).num(v.count).num(v.at as u64).flag(v.link_only));
        }
    }
    fn read(lines: std::str::Lines<'_>) -> Result<Self, String> {
        let mut visits = BTreeMap::new();
        for l in lines {
            let mut r = Reader::new(l);
            let story = r.text()?;
            let v = Visit { max_id: r.num()?, count: r.num()?, at: r.num::<u64>()? as f64, link_only: r.flag()? };
            visits.insert(story, v);
        }
        Ok(Visits(visits))
    }
}

/// The subthreads folded on one thread's page, by their first comment.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Folds {
    pub folded: BTreeSet<u64>,
    /// When they were saved (milliseconds since the epoch).
    pub at: f64,
}

impl Record for Folds {
    const HEAD: &'static str = "folds 1";
    fn write(&self, out: &mut String) {
        let mut w = Writer::new(&(self.at as u64).to_string());
        for id in &self.folded {
            w.num(id);
        }
        line(out, &mut w);
    }
    fn read(mut lines: std::str::Lines<'_>) -> Result<Self, String> {
        let l = lines.next().ok_or("the folds are missing")?;
        let mut fields = l.split('\t');
        let at = fields.next().and_then(|a| a.parse::<u64>().ok()).ok_or("the folds' time is damaged")? as f64;
        // Inserted one by one: collecting into a set would bring a sort's
        // code into the module that reads this.
        let mut folded = BTreeSet::new();
        for f in fields {
            folded.insert(f.parse().map_err(|_| format!("{f} is not a comment id"))?);
        }
        Ok(Folds { folded, at })
    }
}

/// A text kept as it is typed (replies, edits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub text: String,
    pub at: f64,
}

impl Record for Draft {
    const HEAD: &'static str = "draft 1";
    fn write(&self, out: &mut String) {
        line(out, Writer::new(&(self.at as u64).to_string()).text(&self.text));
    }
    fn read(mut lines: std::str::Lines<'_>) -> Result<Self, String> {
        let mut r = Reader::new(lines.next().ok_or("the draft is missing")?);
        Ok(Draft { at: r.num::<u64>()? as f64, text: r.text()? })
    }
}

/// Each list's chosen order, by the list's path.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SortChoices(pub BTreeMap<String, SortBy>);

impl Record for SortChoices {
    const HEAD: &'static str = "list_sort 1";
    fn write(&self, out: &mut String) {
        for (path, by) in &self.0 {
            line(out, Writer::new(path).text(by.id()));
        }
    }
    fn read(lines: std::str::Lines<'_>) -> Result<Self, String> {
        let mut choices = BTreeMap::new();
        for l in lines {
            let mut r = Reader::new(l);
            let path = r.text()?;
            let label = r.text()?;
            let by =
                SortBy::ALL.into_iter().find(|b| b.id() == label).ok_or_else(|| format!("{label} is not an order"))?;
            choices.insert(path, by);
        }
        Ok(SortChoices(choices))
    }
}

impl SortChoices {
    /// The order chosen for `path` in a stored text, read without building
    /// the whole record (what a list needs at load).
    pub fn chosen(text: &str, path: &str) -> Option<SortBy> {
        let mut lines = text.lines();
        (lines.next()? == Self::HEAD).then_some(())?;
        lines.find_map(|l| {
            let mut r = Reader::new(l);
            (r.text().ok()? == path).then_some(())?;
            let label = r.text().ok()?;
            SortBy::ALL.into_iter().find(|b| b.id() == label)
        })
    }
}

/// Whether a local storage key holds a page's record.
pub fn is_record_key(key: &str) -> bool {
    key == "visits"
        || key == "list_sort"
        || ["visits:", "folds:", "draft:", "edit-draft:"].iter().any(|p| key.starts_with(p))
}

/// The text of a record an earlier version stored as a JSON object, by
/// its key: `None` for keys that hold no record, an error for a value that
/// is not the record its key names (a record already stored as text is
/// one: callers skip strings).
pub fn from_stored<'de, D: serde::Deserializer<'de>>(key: &str, value: D) -> Option<Result<String, D::Error>> {
    fn text<'de, T: Record + Deserialize<'de>, D: serde::Deserializer<'de>>(value: D) -> Result<String, D::Error> {
        T::deserialize(value).map(|t| t.to_text())
    }
    Some(if key == "visits" || key.starts_with("visits:") {
        text::<Visits, D>(value)
    } else if key.starts_with("folds:") {
        text::<Folds, D>(value)
    } else if key.starts_with("draft:") || key.starts_with("edit-draft:") {
        text::<Draft, D>(value)
    } else if key == "list_sort" {
        text::<SortChoices, D>(value)
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored(key: &str, value: &serde_json::Value) -> Option<String> {
        from_stored(key, value).and_then(|r| r.ok())
    }

    #[test]
    fn each_record_reads_back_what_it_wrote() {
        let mut visits = Visits::default();
        visits.record(30883015, 30884000, 161, 1.7e12);
        visits.record_link(42, 1.7e12 + 5.0);
        assert_eq!(Visits::from_text(&visits.to_text()).unwrap(), visits);
        assert_eq!(Visits::from_text(&Visits::default().to_text()).unwrap(), Visits::default());

        let folds = Folds { folded: [3, 1, 2].into(), at: 1712345678901.0 };
        assert_eq!(Folds::from_text(&folds.to_text()).unwrap(), folds);
        let none = Folds { folded: BTreeSet::new(), at: 5.0 };
        assert_eq!(Folds::from_text(&none.to_text()).unwrap(), none);

        let draft = Draft { text: "two\tlines\nand a \\ backslash\r\n  indented code".into(), at: 1712345678901.0 };
        assert_eq!(Draft::from_text(&draft.to_text()).unwrap(), draft);
        assert_eq!(draft.to_text().lines().count(), 2, "one line of fields under the head");

        let sort = SortChoices([("/news".to_string(), SortBy::Points), ("/ask".into(), SortBy::Newest)].into());
        assert_eq!(SortChoices::from_text(&sort.to_text()).unwrap(), sort);
        assert_eq!(SortChoices::chosen(&sort.to_text(), "/ask"), Some(SortBy::Newest));
        assert_eq!(SortChoices::chosen(&sort.to_text(), "/show"), None);
        assert_eq!(SortChoices::chosen("draft 1\n/ask\tnewest", "/ask"), None, "another record");
    }

    #[test]
    fn damaged_or_foreign_text_is_an_error() {
        assert!(Draft::from_text("folds 1\n5\t1").is_err(), "another record's text");
        assert!(Draft::from_text("").is_err());
        assert!(Folds::from_text("folds 1\n5\tx").is_err());
        assert!(Visits::from_text("visits 1\n1\t2").is_err());
        assert!(SortChoices::from_text("list_sort 1\n/news\tloudest").is_err());
    }

    #[test]
    fn records_stored_as_objects_by_earlier_versions_become_text() {
        let visits = json!({"30883015": {"max_id": 30884000, "count": 161, "at": 1.7e12},
                            "42": {"max_id": 0, "count": 0, "at": 5.0, "link_only": true}});
        let text = stored("visits", &visits).unwrap();
        let read = Visits::from_text(&text).unwrap();
        assert_eq!(read.get(30883015).unwrap().count, 161);
        assert!(read.get(42).unwrap().link_only);
        assert!(stored("visits:lobsters", &visits).is_some());

        let folds = stored("folds:30883015", &json!({"folded": [5, 7], "at": 9.0})).unwrap();
        assert_eq!(Folds::from_text(&folds).unwrap(), Folds { folded: [5, 7].into(), at: 9.0 });
        let folds = stored("folds:lobsters:abc", &json!({"folded": [], "at": 9.0})).unwrap();
        assert!(Folds::from_text(&folds).unwrap().folded.is_empty());

        let draft = stored("edit-draft:1", &json!({"text": "half\nwritten", "at": 3.0})).unwrap();
        assert_eq!(Draft::from_text(&draft).unwrap().text, "half\nwritten");
        assert!(stored("draft:2", &json!({"text": "x", "at": 3.0})).is_some());

        let sort = stored("list_sort", &json!({"/news": "points"})).unwrap();
        assert_eq!(SortChoices::from_text(&sort).unwrap().0["/news"], SortBy::Points);

        assert!(from_stored("state", &json!({"a": 1})).is_none(), "not a record");
        assert!(from_stored("draft:2", &json!({"words": 1})).unwrap().is_err(), "not a draft");
        assert!(is_record_key("folds:lobsters:abc") && is_record_key("visits") && !is_record_key("state"));
    }
}
