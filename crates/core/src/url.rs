//! Percent-encoding, one way each direction: [`encode`] for a query or
//! form value (every byte but RFC 3986's unreserved characters), [`decode`]
//! for one (`+` as a space, malformed escapes kept as they are).
//!
//! Written here rather than taken from the `percent-encoding` crate: with
//! it, the content script's two modules measured 906 bytes (gzip) larger,
//! past their 200 KB budget. (Base64 is the `base64` crate's, in the sync
//! crate and the test driver, where no budget is that tight.)

/// Percent-encodes one query component or form value.
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
        }
    }
    out
}

/// Decodes a query component or `application/x-www-form-urlencoded` value.
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_roundtrip() {
        let text = "a & b = c?\n\"quotes\" ünïcode 🎉 +plus 100% ~-._";
        assert_eq!(decode(&encode(text)), text);
        assert_eq!(encode("hi there/é"), "hi%20there%2F%C3%A9");
        assert_eq!(decode("hi+there%20x"), "hi there x");
        // Malformed escapes are kept; a multi-byte character after `%` too.
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%aé%"), "%aé%");
    }
}
