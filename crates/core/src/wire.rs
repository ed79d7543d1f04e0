//! Short texts instead of JSON where a page's script reads them: fields
//! separated by tabs, with `\`, tab, newline and carriage return inside a
//! field escaped as `\\`, `\t`, `\n`, `\r`. A script reading its fields in
//! order needs no deserializer (serde's derived decoders of the answers a
//! page reads were a fifth of the module that reads them), and both ends
//! are built from this crate, so the order is the format.
//!
//! Used by the page state (`crate::page_state`) and the answers pages
//! read (`crate::message::PageAnswer`).

use std::fmt::Display;
use std::str::FromStr;

pub(crate) fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

pub(crate) fn unescape(field: &str) -> String {
    if !field.contains('\\') {
        return field.to_string();
    }
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Writes one record's fields in order.
#[derive(Default)]
pub(crate) struct Writer(String);

impl Writer {
    pub fn new(first: &str) -> Writer {
        let mut w = Writer(String::new());
        escape(first, &mut w.0);
        w
    }

    pub fn text(&mut self, text: &str) -> &mut Self {
        self.0.push('\t');
        escape(text, &mut self.0);
        self
    }

    /// `None` is an empty field: only for fields that are never empty.
    pub fn opt_text(&mut self, text: Option<&str>) -> &mut Self {
        self.text(text.unwrap_or(""))
    }

    pub fn num(&mut self, n: impl Display) -> &mut Self {
        self.0.push('\t');
        self.0.push_str(&n.to_string());
        self
    }

    pub fn opt_num(&mut self, n: Option<impl Display>) -> &mut Self {
        match n {
            Some(n) => self.num(n),
            None => self.text(""),
        }
    }

    pub fn flag(&mut self, b: bool) -> &mut Self {
        self.text(if b { "1" } else { "0" })
    }

    pub fn done(&mut self) -> String {
        std::mem::take(&mut self.0)
    }
}

/// Reads a record's fields in the order they were written; a missing or
/// unreadable field is an error naming its position.
pub struct Reader<'a> {
    fields: std::str::Split<'a, char>,
    at: usize,
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Reader<'a> {
        Reader { fields: text.split('\t'), at: 0 }
    }

    fn raw(&mut self) -> Result<&'a str, String> {
        self.at += 1;
        self.fields.next().ok_or_else(|| format!("field {} is missing", self.at))
    }

    fn bad(&self) -> String {
        format!("field {} is damaged", self.at)
    }

    pub fn text(&mut self) -> Result<String, String> {
        self.raw().map(unescape)
    }

    pub fn opt_text(&mut self) -> Result<Option<String>, String> {
        let t = self.text()?;
        Ok((!t.is_empty()).then_some(t))
    }

    pub fn num<T: FromStr>(&mut self) -> Result<T, String> {
        let raw = self.raw()?;
        raw.parse().map_err(|_| self.bad())
    }

    pub fn opt_num<T: FromStr>(&mut self) -> Result<Option<T>, String> {
        let raw = self.raw()?;
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse().map(Some).map_err(|_| self.bad())
    }

    pub fn flag(&mut self) -> Result<bool, String> {
        match self.raw()? {
            "1" => Ok(true),
            "0" => Ok(false),
            _ => Err(self.bad()),
        }
    }

    /// Whether every field was read.
    pub fn at_end(&mut self) -> bool {
        self.fields.clone().next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_back_in_order() {
        let text = Writer::new("kind")
            .text("a\tb\\c\nd\re")
            .opt_text(None)
            .num(-5i64)
            .opt_num(None::<u64>)
            .opt_num(Some(7u64))
            .flag(true)
            .done();
        let mut r = Reader::new(&text);
        assert_eq!(r.text().unwrap(), "kind");
        assert_eq!(r.text().unwrap(), "a\tb\\c\nd\re");
        assert_eq!(r.opt_text().unwrap(), None);
        assert_eq!(r.num::<i64>().unwrap(), -5);
        assert_eq!(r.opt_num::<u64>().unwrap(), None);
        assert_eq!(r.opt_num::<u64>().unwrap(), Some(7));
        assert!(r.flag().unwrap());
        assert!(r.at_end());
        assert_eq!(r.text(), Err("field 8 is missing".into()));
    }

    #[test]
    fn damaged_fields_are_named() {
        let mut r = Reader::new("x\t2");
        assert_eq!(r.num::<u32>(), Err("field 1 is damaged".into()));
        assert_eq!(r.flag(), Err("field 2 is damaged".into()));
    }
}
