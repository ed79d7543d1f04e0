//! The compact encoding of a device's entries into `chrome.storage.sync`
//! items (area format 3): entries in time order, cut into buckets each as
//! full as an item allows; each bucket is JSON in columns (collection names
//! and their keys' common prefix once, keys in one string, wall times
//! delta-coded), deflated, then written with 91 of the characters Chrome
//! stores as one byte each in a JSON string.
//!
//! Time order keeps what changes together: a new edit lands in the newest
//! bucket, and neighbouring wall times differ by little. An edit of an
//! older entry rewrites the buckets from that entry's on (one write still:
//! Chrome counts operations, not items). Formats 1 and 2 (records or
//! columns, spread over buckets by a hash of the key, base64) are still
//! read.

use serde_json::{json, Value};

use crate::{Entry, Hlc, QUOTA_BYTES_PER_ITEM};

/// Room left in an item for the key and JSON quotes.
const BUCKET_BUDGET: usize = QUOTA_BYTES_PER_ITEM - 64;

/// Encodes entries into bucket strings: in time order, each bucket holding
/// as many entries as fit an item (an entry too large for any item is
/// written alone, and the caller refuses the write). Deterministic: the
/// same entries give the same strings.
pub fn encode_buckets(entries: &[(&str, &str, &Entry)], owner: u32) -> Vec<String> {
    let mut sorted = entries.to_vec();
    sorted.sort_by(|a, b| (a.2.stamp, a.0, a.1).cmp(&(b.2.stamp, b.0, b.1)));
    let mut out = Vec::new();
    let mut start = 0;
    let mut guess = 256;
    while start < sorted.len() {
        let rest = &sorted[start..];
        let (count, text) = largest_fitting(rest, guess, owner);
        out.push(text);
        start += count;
        guess = count;
    }
    if out.is_empty() {
        out.push(encode_one(&[], owner));
    }
    out
}

/// A prefix of `rest` (at least one entry) whose bucket fits, within 2 %
/// of the longest that does, and its text: searched from `guess` and from
/// what the first try's size predicts.
fn largest_fitting(rest: &[(&str, &str, &Entry)], guess: usize, owner: u32) -> (usize, String) {
    let encode = |n: usize| encode_one(&rest[..n], owner);
    let fits = |text: &String| text.len() <= BUCKET_BUDGET;
    let first = guess.clamp(1, rest.len());
    let text = encode(first);
    // `lo` fits (its text kept), `hi` does not (`rest.len() + 1`: unknown).
    let (mut lo, mut lo_text, mut hi) = if fits(&text) {
        (first, text, rest.len() + 1)
    } else if first == 1 {
        return (1, text);
    } else {
        let one = encode(1);
        if !fits(&one) {
            return (1, one);
        }
        (1, one, first)
    };
    if lo == first {
        let predicted = (first * BUCKET_BUDGET / lo_text.len().max(1) * 98 / 100).min(rest.len());
        if predicted > lo && predicted < hi {
            let text = encode(predicted);
            if fits(&text) {
                (lo, lo_text) = (predicted, text);
            } else {
                hi = predicted;
            }
        }
    }
    while hi == rest.len() + 1 && lo < rest.len() {
        let next = (lo * 2).min(rest.len());
        let text = encode(next);
        if fits(&text) {
            (lo, lo_text) = (next, text);
        } else {
            hi = next;
        }
    }
    while hi - lo > (lo / 50).max(1) {
        let mid = lo + (hi - lo) / 2;
        let text = encode(mid);
        if fits(&text) {
            (lo, lo_text) = (mid, text);
        } else {
            hi = mid;
        }
    }
    (lo, lo_text)
}

/// The keys' common prefix up to and including its last `:` (`hn:` for a
/// site's users), written once per collection.
fn key_prefix<'a>(keys: impl Iterator<Item = &'a str>) -> &'a str {
    let mut prefix: Option<&str> = None;
    for k in keys {
        prefix = Some(match prefix {
            None => k,
            Some(p) => {
                let common = p.bytes().zip(k.bytes()).take_while(|(a, b)| a == b).count();
                &p[..common]
            }
        });
    }
    let p = prefix.unwrap_or("");
    p.rfind(':').map_or("", |i| &p[..=i])
}

fn encode_one(group: &[(&str, &str, &Entry)], owner: u32) -> String {
    // In time order, so wall times delta-code to small numbers; in columns
    // (collections, keys, times, stamps that are not plain, values), which
    // deflate compresses far better than records. A follow's value, when
    // it is `{"since": t}` with `t` the entry's own time (as the product
    // writes it), is not written. `f` says, one letter a record, where the
    // value is: `v` next in `v`, `s` such a follow, `t` a tombstone.
    let mut collections: Vec<&str> = Vec::new();
    for (c, _, _) in group {
        if !collections.contains(c) {
            collections.push(c);
        }
    }
    let prefixes: Vec<&str> =
        collections.iter().map(|c| key_prefix(group.iter().filter(|g| g.0 == *c).map(|g| g.1))).collect();
    let (mut ci, mut keys, mut walls, mut odd, mut values) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut forms = String::with_capacity(group.len());
    let mut prev_wall: i64 = 0;
    for (n, (c, k, e)) in group.iter().enumerate() {
        let i = collections.iter().position(|x| x == c).unwrap_or(0);
        ci.push(i);
        keys.push(&k[prefixes[i].len()..]);
        let wall = i64::try_from(e.stamp.wall).unwrap_or(i64::MAX);
        walls.push(wall - prev_wall);
        prev_wall = wall;
        if e.stamp.count != 0 || e.stamp.device != owner {
            odd.push(json!([n, e.stamp.count, e.stamp.device]));
        }
        match &e.value {
            Some(v) if *v == json!({ "since": wall }) => forms.push('s'),
            Some(v) => {
                forms.push('v');
                values.push(v.clone());
            }
            None => forms.push('t'),
        }
    }
    // Keys in one string, a line each, unless a key holds a line break.
    let keys = if keys.iter().any(|k| k.contains('\n')) { json!(keys) } else { json!(keys.join("\n")) };
    let text = json!({
        "c": collections, "p": prefixes, "i": ci, "k": keys, "w": walls, "s": odd, "f": forms, "v": values
    })
    .to_string();
    text91_encode(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9))
}

/// Decodes one bucket string of area format `format` into (collection,
/// key, entry) triples.
pub fn decode_bucket(bucket: &str, owner: u32, format: u64) -> Result<Vec<(String, String, Entry)>, String> {
    let bytes = if format >= 3 {
        text91_decode(bucket).ok_or("not a bucket text")?
    } else {
        base64_decode(bucket).ok_or("not base64")?
    };
    let text = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, 4 << 20)
        .map_err(|e| format!("not deflate: {e:?}"))?;
    let v: Value = serde_json::from_slice(&text).map_err(|e| format!("not JSON: {e}"))?;
    let collections: Vec<String> = v["c"]
        .as_array()
        .ok_or("no collections")?
        .iter()
        .map(|c| c.as_str().map(str::to_string).ok_or("bad collection"))
        .collect::<Result<_, _>>()?;
    if v.get("k").is_some() {
        return decode_columns(&v, &collections, owner);
    }
    let mut out = Vec::new();
    let mut wall: i64 = 0;
    for r in v["r"].as_array().ok_or("no records")? {
        let field = |i: usize| r.get(i).ok_or("short record");
        let c = field(0)?.as_u64().and_then(|i| collections.get(i as usize)).ok_or("bad collection index")?;
        let k = field(1)?.as_str().ok_or("bad key")?;
        wall = wall.checked_add(field(2)?.as_i64().ok_or("bad time")?).ok_or("bad time")?;
        let len = r.as_array().map_or(0, Vec::len);
        let (count, device, value) = match len {
            3 => (0, owner, None),
            4 => (0, owner, Some(field(3)?.clone())),
            5 | 6 => (
                u32::try_from(field(3)?.as_u64().ok_or("bad count")?).map_err(|_| "bad count")?,
                u32::try_from(field(4)?.as_u64().ok_or("bad device")?).map_err(|_| "bad device")?,
                if len == 6 { Some(field(5)?.clone()) } else { None },
            ),
            _ => return Err("bad record".into()),
        };
        let stamp = Hlc { wall: u64::try_from(wall).map_err(|_| "bad time")?, count, device };
        out.push((c.clone(), k.to_string(), Entry { value, stamp }));
    }
    Ok(out)
}

/// The column layout (area format 2).
fn decode_columns(v: &Value, collections: &[String], owner: u32) -> Result<Vec<(String, String, Entry)>, String> {
    let column = |name: &str| v[name].as_array().ok_or_else(|| format!("no column {name}"));
    let (ci, walls, values) = (column("i")?, column("w")?, column("v")?);
    // Format 3: keys in one string (or a list), less their collection's prefix.
    let keys: Vec<&str> = match &v["k"] {
        Value::String(s) if s.is_empty() && ci.is_empty() => Vec::new(),
        Value::String(s) => s.split('\n').collect(),
        Value::Array(a) => a.iter().map(|k| k.as_str().ok_or("bad key")).collect::<Result<_, _>>()?,
        _ => return Err("no column k".into()),
    };
    let prefixes: Vec<&str> = match v.get("p") {
        Some(p) => p
            .as_array()
            .ok_or("bad prefixes")?
            .iter()
            .map(|p| p.as_str().ok_or("bad prefix"))
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    if ci.len() != keys.len() || walls.len() != keys.len() {
        return Err("columns of different lengths".into());
    }
    let mut odd = std::collections::BTreeMap::new();
    for s in column("s")? {
        let n = s[0].as_u64().ok_or("bad stamp index")? as usize;
        let count = u32::try_from(s[1].as_u64().ok_or("bad count")?).map_err(|_| "bad count")?;
        let device = u32::try_from(s[2].as_u64().ok_or("bad device")?).map_err(|_| "bad device")?;
        odd.insert(n, (count, device));
    }
    let forms = v["f"].as_str().ok_or("no column f")?.as_bytes();
    if forms.len() != keys.len() {
        return Err("columns of different lengths".into());
    }
    let mut values = values.iter();
    let mut out = Vec::with_capacity(keys.len());
    let mut wall: i64 = 0;
    for n in 0..keys.len() {
        let index = ci[n].as_u64().ok_or("bad collection index")? as usize;
        let c = collections.get(index).ok_or("bad collection index")?;
        let k = format!("{}{}", prefixes.get(index).copied().unwrap_or(""), keys[n]);
        wall = wall.checked_add(walls[n].as_i64().ok_or("bad time")?).ok_or("bad time")?;
        let value = match forms[n] {
            b's' => Some(json!({ "since": wall })),
            b't' => None,
            b'v' => Some(values.next().ok_or("too few values")?.clone()),
            _ => return Err("bad value form".into()),
        };
        let (count, device) = odd.get(&n).copied().unwrap_or((0, owner));
        let stamp = Hlc { wall: u64::try_from(wall).map_err(|_| "bad time")?, count, device };
        out.push((c.clone(), k, Entry { value, stamp }));
    }
    Ok(out)
}

/// The 91 characters a bucket is written with: printable ASCII but `"`
/// and `\` (escaped in JSON) and `<` (Chrome writes it as `\u003C`), so
/// each counts one byte against the quota.
const TEXT91: &[u8; 91] =
    b"!#$%&'()*+,-./0123456789:;=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// Bytes as text, 13 bits to two characters (91² ≥ 2¹³): 6.5 bits a
/// character where base64 carries 6.
pub fn text91_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 16 / 13 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in bytes {
        acc |= u32::from(b) << bits;
        bits += 8;
        while bits >= 13 {
            let v = (acc & 0x1fff) as usize;
            out.push(char::from(TEXT91[v % 91]));
            out.push(char::from(TEXT91[v / 91]));
            acc >>= 13;
            bits -= 13;
        }
    }
    if bits > 0 {
        let v = acc as usize;
        out.push(char::from(TEXT91[v % 91]));
        if bits > 6 {
            out.push(char::from(TEXT91[v / 91]));
        }
    }
    out
}

pub fn text91_decode(text: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| TEXT91.iter().position(|x| *x == c).map(|d| d as u32);
    let mut out = Vec::with_capacity(text.len() * 13 / 16);
    let (mut acc, mut bits) = (0u32, 0u32);
    for pair in text.as_bytes().chunks(2) {
        let (v, width) = match *pair {
            [a, b] => (digit(a)? + 91 * digit(b)?, 13),
            [a] => (digit(a)?, 6),
            _ => return None,
        };
        if v >= 1 << width {
            return None;
        }
        acc |= v << bits;
        bits += width;
        while bits >= 8 {
            out.push(acc as u8);
            acc >>= 8;
            bits -= 8;
        }
    }
    Some(out)
}

/// Base64 (the `base64` crate), as formats 1 and 2 wrote buckets (written
/// here only by tests).
#[cfg(test)]
pub fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text91_roundtrips_and_is_smaller_than_base64() {
        let mut seed = 7u32;
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            let text = text91_encode(&bytes);
            assert_eq!(text91_decode(&text).unwrap(), bytes, "{len} bytes");
            assert!(!text.contains(['"', '\\', '<']));
            if len >= 100 {
                assert!(text.len() * 100 <= base64_encode(&bytes).len() * 94, "{len} bytes: {}", text.len());
            }
        }
        assert_eq!(text91_decode("\"!"), None);
        assert_eq!(text91_decode("~~"), None, "over 13 bits");
    }

    #[test]
    fn a_format_2_bucket_still_reads() {
        let text = r#"{"c":["follows"],"i":[0],"k":["hn:a"],"w":[1700000000000],"s":[],"f":"s","v":[]}"#;
        let bucket = base64_encode(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
        let back = decode_bucket(&bucket, 7, 2).unwrap();
        assert_eq!(back[0].1, "hn:a");
        assert_eq!(back[0].2.value, Some(json!({ "since": 1_700_000_000_000u64 })));
    }

    #[test]
    fn base64_roundtrips() {
        for input in [&b""[..], b"a", b"ab", b"abc", b"abcd", &[0, 255, 128, 7, 9]] {
            assert_eq!(base64_decode(&base64_encode(input)).unwrap(), input);
        }
        assert_eq!(base64_encode(b"hello"), "aGVsbG8=");
    }

    #[test]
    fn buckets_roundtrip() {
        let e1 =
            Entry { value: Some(json!({"note": "x"})), stamp: Hlc { wall: 1_700_000_000_000, count: 2, device: 7 } };
        let e2 = Entry { value: None, stamp: Hlc { wall: 1_700_000_000_500, count: 0, device: 7 } };
        let entries = vec![("follows", "hn:b", &e1), ("filters", "k:x", &e2)];
        let buckets = encode_buckets(&entries, 7);
        let mut back: Vec<(String, String, Entry)> =
            buckets.iter().flat_map(|b| decode_bucket(b, 7, 3).unwrap()).collect();
        back.sort_by_key(|a| (a.0.clone(), a.1.clone()));
        assert_eq!(
            back,
            vec![("filters".into(), "k:x".into(), e2.clone()), ("follows".into(), "hn:b".into(), e1.clone())]
        );
        assert!(decode_bucket("\"\"", 7, 3).is_err());
        assert!(decode_bucket(&text91_encode(b"junk"), 7, 3).is_err());
        // Entries of another device in this area keep their stamps.
        let other = Entry { value: Some(json!(1)), stamp: Hlc { wall: 5, count: 3, device: 9 } };
        let b = encode_buckets(&[("f", "k", &other)], 7);
        assert_eq!(decode_bucket(&b[0], 7, 3).unwrap()[0].2, other);
    }

    #[test]
    fn a_follow_stamped_when_it_was_made_is_written_without_its_value_and_read_back_whole() {
        let t = 1_700_000_000_000u64;
        let follow = Entry { value: Some(json!({ "since": t })), stamp: Hlc { wall: t, count: 0, device: 7 } };
        let older = Entry { value: Some(json!({ "since": t - 5 })), stamp: Hlc { wall: t + 9, count: 0, device: 7 } };
        let gone = Entry { value: None, stamp: Hlc { wall: t + 20, count: 1, device: 7 } };
        let zero = Entry { value: Some(json!(0)), stamp: Hlc { wall: t + 30, count: 0, device: 7 } };
        let entries = vec![
            ("follows", "hn:a", &follow),
            ("follows", "hn:b", &older),
            ("follows", "hn:c", &gone),
            ("x", "k", &zero),
        ];
        let b = encode_buckets(&entries, 7);
        let text = miniz_oxide::inflate::decompress_to_vec(&text91_decode(&b[0]).unwrap()).unwrap();
        let v: Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(v["f"], "svtv", "{v}");
        assert_eq!(v["k"], "a\nb\nc\nk", "keys less their collection's prefix: {v}");
        let back = decode_bucket(&b[0], 7, 3).unwrap();
        let want: Vec<(String, String, Entry)> =
            entries.iter().map(|(c, k, e)| (c.to_string(), k.to_string(), (*e).clone())).collect();
        assert_eq!(back, want);
    }

    #[test]
    fn buckets_written_in_records_by_the_earlier_format_still_read() {
        let text = r#"{"c":["follows"],"r":[[0,"hn:a",1700000000000,{"since":1}],[0,"hn:b",5],[0,"hn:c",5,2,9,true]]}"#;
        let bucket = base64_encode(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
        let back = decode_bucket(&bucket, 7, 1).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back[0].2.value, Some(json!({ "since": 1 })));
        assert_eq!(back[1].2, Entry { value: None, stamp: Hlc { wall: 1_700_000_000_005, count: 0, device: 7 } });
        assert_eq!(back[2].2.stamp, Hlc { wall: 1_700_000_000_010, count: 2, device: 9 });
    }
}
