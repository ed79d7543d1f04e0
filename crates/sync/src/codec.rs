//! The compact encoding of a device's entries into `chrome.storage.sync`
//! items: entries are spread over buckets by a hash of their key; each
//! bucket is JSON (collection names once, keys sorted, wall times
//! delta-coded), deflated, then base64-coded into one string item.

use serde_json::{json, Value};

use crate::{Entry, Hlc, QUOTA_BYTES_PER_ITEM};

/// Room left in an item for the key and JSON quotes.
const BUCKET_BUDGET: usize = QUOTA_BYTES_PER_ITEM - 64;
/// Raw JSON bytes a bucket starts with before compression.
const RAW_PER_BUCKET: usize = 24_000;

fn bucket_of(collection: &str, key: &str, buckets: usize) -> usize {
    // FNV-1a: stable across versions and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in collection.bytes().chain([0]).chain(key.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % buckets as u64) as usize
}

/// Encodes entries into bucket strings, as many as needed so each fits an
/// item. Deterministic: the same entries give the same strings.
pub fn encode_buckets(entries: &[(&str, &str, &Entry)], owner: u32) -> Vec<String> {
    let raw: usize = entries
        .iter()
        .map(|(c, k, e)| c.len() + k.len() + 40 + e.value.as_ref().map_or(4, |v| v.to_string().len()))
        .sum();
    let mut n = raw.div_ceil(RAW_PER_BUCKET).max(1);
    loop {
        let mut groups: Vec<Vec<(&str, &str, &Entry)>> = vec![Vec::new(); n];
        for &(c, k, e) in entries {
            groups[bucket_of(c, k, n)].push((c, k, e));
        }
        let encoded: Vec<String> = groups.iter_mut().map(|g| encode_one(g, owner)).collect();
        if encoded.iter().all(|b| b.len() <= BUCKET_BUDGET) || n >= 480 {
            return encoded;
        }
        n = n * 5 / 4 + 1;
    }
}

fn encode_one(group: &mut [(&str, &str, &Entry)], owner: u32) -> String {
    // In time order, so wall times delta-code to small numbers; in columns
    // (collections, keys, times, stamps that are not plain, values), which
    // deflate compresses far better than records. A follow's value, when
    // it is `{"since": t}` with `t` the entry's own time (as the product
    // writes it), is not written. `f` says, one letter a record, where the
    // value is: `v` next in `v`, `s` such a follow, `t` a tombstone.
    group.sort_by(|a, b| (a.2.stamp, a.0, a.1).cmp(&(b.2.stamp, b.0, b.1)));
    let mut collections: Vec<&str> = Vec::new();
    let (mut ci, mut keys, mut walls, mut odd, mut values) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut forms = String::with_capacity(group.len());
    let mut prev_wall: i64 = 0;
    for (n, (c, k, e)) in group.iter().enumerate() {
        ci.push(match collections.iter().position(|x| x == c) {
            Some(i) => i,
            None => {
                collections.push(c);
                collections.len() - 1
            }
        });
        keys.push(*k);
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
    let text =
        json!({ "c": collections, "i": ci, "k": keys, "w": walls, "s": odd, "f": forms, "v": values }).to_string();
    base64_encode(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9))
}

/// Decodes one bucket string into (collection, key, entry) triples.
pub fn decode_bucket(bucket: &str, owner: u32) -> Result<Vec<(String, String, Entry)>, String> {
    let bytes = base64_decode(bucket).ok_or("not base64")?;
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
    let (ci, keys, walls, values) = (column("i")?, column("k")?, column("w")?, column("v")?);
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
        let c = ci[n].as_u64().and_then(|i| collections.get(i as usize)).ok_or("bad collection index")?;
        let k = keys[n].as_str().ok_or("bad key")?;
        wall = wall.checked_add(walls[n].as_i64().ok_or("bad time")?).ok_or("bad time")?;
        let value = match forms[n] {
            b's' => Some(json!({ "since": wall })),
            b't' => None,
            b'v' => Some(values.next().ok_or("too few values")?.clone()),
            _ => return Err("bad value form".into()),
        };
        let (count, device) = odd.get(&n).copied().unwrap_or((0, owner));
        let stamp = Hlc { wall: u64::try_from(wall).map_err(|_| "bad time")?, count, device };
        out.push((c.clone(), k.to_string(), Entry { value, stamp }));
    }
    Ok(out)
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            buckets.iter().flat_map(|b| decode_bucket(b, 7).unwrap()).collect();
        back.sort_by(|a, b| (a.0.clone(), a.1.clone()).cmp(&(b.0.clone(), b.1.clone())));
        assert_eq!(
            back,
            vec![("filters".into(), "k:x".into(), e2.clone()), ("follows".into(), "hn:b".into(), e1.clone())]
        );
        assert!(decode_bucket("!!", 7).is_err());
        assert!(decode_bucket(&base64_encode(b"junk"), 7).is_err());
        // Entries of another device in this area keep their stamps.
        let other = Entry { value: Some(json!(1)), stamp: Hlc { wall: 5, count: 3, device: 9 } };
        let b = encode_buckets(&[("f", "k", &other)], 7);
        assert_eq!(decode_bucket(&b[0], 7).unwrap()[0].2, other);
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
        let text = miniz_oxide::inflate::decompress_to_vec(&base64_decode(&b[0]).unwrap()).unwrap();
        let v: Value = serde_json::from_slice(&text).unwrap();
        assert_eq!(v["f"], "svtv", "{v}");
        let back = decode_bucket(&b[0], 7).unwrap();
        let want: Vec<(String, String, Entry)> =
            entries.iter().map(|(c, k, e)| (c.to_string(), k.to_string(), (*e).clone())).collect();
        assert_eq!(back, want);
    }

    #[test]
    fn buckets_written_in_records_by_the_earlier_format_still_read() {
        let text = r#"{"c":["follows"],"r":[[0,"hn:a",1700000000000,{"since":1}],[0,"hn:b",5],[0,"hn:c",5,2,9,true]]}"#;
        let bucket = base64_encode(&miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9));
        let back = decode_bucket(&bucket, 7).unwrap();
        assert_eq!(back.len(), 3);
        assert_eq!(back[0].2.value, Some(json!({ "since": 1 })));
        assert_eq!(back[1].2, Entry { value: None, stamp: Hlc { wall: 1_700_000_000_005, count: 0, device: 7 } });
        assert_eq!(back[2].2.stamp, Hlc { wall: 1_700_000_000_010, count: 2, device: 9 });
    }
}
