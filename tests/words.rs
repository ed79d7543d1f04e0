//! Every word the product shows lives in one file,
//! `extension/static/_locales/en/messages.json` (compiled into
//! `hn_core::text` by `crates/core/build.rs`), so a translation is one file:
//! no sentence is written in the code, and no message is left unused.

use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The product's sources: the crates that show words (not the local HN,
/// the test driver or the tests).
fn sources() -> Vec<PathBuf> {
    let out = hacker_new::rust_sources(&[
        "crates/core/src",
        "extension/content/src",
        "extension/popup/src",
        "extension/background/src",
        "extension/api/src",
    ]);
    assert!(out.len() > 40, "the sources were found: {}", out.len());
    out
}

/// A file's lines before its unit tests.
fn product_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().take_while(|(_, l)| !l.starts_with("#[cfg(test)]")).map(|(i, l)| (i + 1, l))
}

/// The string literals on a line (plain ones; escapes kept as written).
fn literals(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'/') {
            break;
        }
        if bytes[i] == b'\'' {
            // A char literal ('"') or a lifetime: skip the quote.
            i += if bytes.get(i + 2) == Some(&b'\'') { 3 } else { 1 };
            continue;
        }
        if bytes[i] == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            out.push(&line[start..j.min(line.len())]);
            i = j + 1;
            continue;
        }
        i += 1;
    }
    out
}

/// Looks like words for a reader: a capitalised word of three letters or
/// more, or capitalised words with spaces ("Not saved", "Loading…").
fn reads_as_words(s: &str) -> bool {
    let mut chars = s.chars();
    let (Some(first), Some(second)) = (chars.next(), chars.next()) else { return false };
    if !first.is_ascii_uppercase() || !second.is_ascii_lowercase() {
        return false;
    }
    let word = s.trim_end_matches(['…', '.', '!', '?']);
    let single = word.chars().all(|c| c.is_ascii_alphabetic());
    (single && word.len() >= 3) || s.contains(' ')
}

/// Proper names (brands and sites, the same in every language), the text
/// HN itself sends, which the code matches rather than shows, and an HTML
/// entity's name.
const NOT_OURS: [&str; 11] = [
    "Buffer",
    "Mastodon",
    "Bluesky",
    "LinkedIn",
    "Reddit",
    "Facebook",
    "Hacker News",
    "Lobsters",
    "Unknown or expired link",
    "Sorry, we're not able to serve your requests this quickly.",
    "NewLine",
];

/// Lines that speak to developers (logs, panics, assertions) or name keys.
fn for_developers(line: &str) -> bool {
    ["log(", "warn", "console", "expect(", "assert", "report(", "#[", "key() ==", "unreachable!", "panic!"]
        .iter()
        .any(|m| line.contains(m))
        || line.trim_start().starts_with("//")
}

#[test]
fn no_sentence_is_written_in_the_code() {
    let keys = ["Escape", "Enter", "Tab", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageDown"];
    let mut found = Vec::new();
    for file in sources() {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in product_lines(&text).filter(|(_, l)| !for_developers(l)) {
            for s in literals(line) {
                if reads_as_words(s) && !NOT_OURS.contains(&s) && !keys.contains(&s) {
                    found.push(format!("{}:{n}: \"{s}\"", file.strip_prefix(root()).unwrap().display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "words outside messages.json (add them there and use hn_core::text):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_finds_words() {
    assert_eq!(literals(r#"say("Loading more…", "x"); // "Not this""#), ["Loading more…", "x"]);
    assert_eq!(literals(r#"c == '"' && f("Not \"saved\"")"#), [r#"Not \"saved\""#]);
    assert!(reads_as_words("Loading more…") && reads_as_words("Show") && reads_as_words("Not saved: {e}"));
    assert!(
        !reads_as_words("hnew-share") && !reads_as_words("OK") && !reads_as_words("a[href]") && !reads_as_words("")
    );
}

/// `fold_thread` / `extName` as `hn_core::text` names them (as build.rs does).
fn generated_names(key: &str) -> (String, String) {
    let mut lower = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            lower.push('_');
        }
        lower.push(c.to_ascii_lowercase());
    }
    (lower.to_ascii_uppercase(), lower)
}

#[test]
fn every_message_is_used() {
    let file = root().join("extension/static/_locales/en/messages.json");
    let messages: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert!(messages.len() > 300, "{} messages", messages.len());
    let mut code = String::new();
    for f in sources() {
        code.push_str(&std::fs::read_to_string(f).unwrap());
    }
    let manifest = std::fs::read_to_string(root().join("manifest.json")).unwrap();
    let unused: Vec<&String> = messages
        .keys()
        .filter(|key| {
            let (constant, function) = generated_names(key);
            !code.contains(&format!("text::{constant}"))
                && !code.contains(&format!("text::{function}("))
                && !code.contains(&format!("text::{function},"))
                && !code.contains(&format!("text::{function})"))
                && !manifest.contains(&format!("__MSG_{key}__"))
        })
        .collect();
    assert!(unused.is_empty(), "messages nothing shows: {unused:?}");
}
