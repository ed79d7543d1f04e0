//! Generates `hn_core::text`, every word the product shows, from the one
//! file that holds them: `extension/static/_locales/<locale>/messages.json`
//! (the browser's own format, which also names the manifest's words). A
//! message without placeholders becomes a constant (`FOLD_THREAD`); one
//! with placeholders a function of them, in their `$1`, `$2` order
//! (`text::hidden_count(3)`). `HNEW_LOCALE` picks the file (`en` unless
//! set), so a translation is one file.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::{env, fs};

fn main() {
    let locale = env::var("HNEW_LOCALE").unwrap_or_else(|_| "en".into());
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let file = root.join("../../extension/static/_locales").join(&locale).join("messages.json");
    println!("cargo:rerun-if-env-changed=HNEW_LOCALE");
    println!("cargo:rerun-if-changed={}", file.display());
    let json = fs::read_to_string(&file).unwrap_or_else(|e| panic!("reading {}: {e}", file.display()));
    let messages: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{} is not a messages file: {e}", file.display()));
    let mut out = String::new();
    for (name, m) in &messages {
        match generate(name, m) {
            Ok(code) => out.push_str(&code),
            Err(e) => panic!("{}: message {name}: {e}", file.display()),
        }
    }
    let dest = PathBuf::from(env::var("OUT_DIR").unwrap()).join("text.rs");
    fs::write(dest, out).unwrap();
}

/// One message's constant or function.
pub fn generate(name: &str, m: &serde_json::Value) -> Result<String, String> {
    let message = m["message"].as_str().ok_or("no message")?;
    let description = m["description"].as_str().ok_or("no description (translators need one)")?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("a name is letters, digits and _".into());
    }
    // Placeholders: name -> position ($1 -> 1).
    let mut places: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(ps) = m["placeholders"].as_object() {
        for (p, v) in ps {
            let content = v["content"].as_str().ok_or("a placeholder has no content")?;
            let n: usize = content
                .strip_prefix('$')
                .and_then(|d| d.parse().ok())
                .filter(|n| (1..=9).contains(n))
                .ok_or("a placeholder's content is $1 to $9")?;
            if !p.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(format!("placeholder {p}: lower case and _ only"));
            }
            places.insert(p.clone(), n);
        }
    }
    // The message as a format string: literal braces doubled, `$NAME$` a
    // named argument, `$$` a dollar sign.
    let mut format = String::new();
    let mut used: Vec<&str> = Vec::new();
    let mut rest = message;
    while let Some(i) = rest.find(['$', '{', '}']) {
        format.push_str(&rest[..i]);
        let c = rest.as_bytes()[i];
        rest = &rest[i + 1..];
        match c {
            b'{' => format.push_str("{{"),
            b'}' => format.push_str("}}"),
            _ if rest.starts_with('$') => {
                format.push('$');
                rest = &rest[1..];
            }
            _ => {
                let end = rest.find('$').ok_or("a $ that opens no placeholder (write $$ for a dollar sign)")?;
                let p = rest[..end].to_ascii_lowercase();
                let (key, _) = places.get_key_value(&p).ok_or(format!("${p}$ is not among its placeholders"))?;
                used.push(key);
                format.push('{');
                format.push_str(key);
                format.push('}');
                rest = &rest[end + 1..];
            }
        }
    }
    format.push_str(rest);
    let doc: String = description.lines().map(|l| format!("/// {l}\n")).collect();
    if places.is_empty() {
        return Ok(format!("{doc}pub const {}: &str = {:?};\n", upper(name), message.replace("$$", "$")));
    }
    let mut order: Vec<(&String, &usize)> = places.iter().collect();
    order.sort_by_key(|(_, n)| **n);
    for (i, (p, n)) in order.iter().enumerate() {
        if **n != i + 1 {
            return Err("placeholders are $1, $2, … without gaps".into());
        }
        if !used.contains(&p.as_str()) {
            return Err(format!("placeholder {p} is not in the message"));
        }
    }
    let params: Vec<String> = order.iter().map(|(p, _)| format!("{p}: impl core::fmt::Display")).collect();
    Ok(format!("{doc}pub fn {}({}) -> String {{\n    format!({:?})\n}}\n", lower(name), params.join(", "), format))
}

/// `extName`, `fold_thread` -> `EXT_NAME`, `FOLD_THREAD`.
fn upper(name: &str) -> String {
    lower(name).to_ascii_uppercase()
}

fn lower(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
