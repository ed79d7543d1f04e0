//! The design's boundary: the core and sync crates are pure Rust, with no
//! browser types. Checked on the resolved dependency graph (`cargo
//! metadata`), so a browser crate pulled in indirectly fails too.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

const BROWSER_CRATES: [&str; 5] = ["wasm-bindgen", "web-sys", "js-sys", "wasm-bindgen-futures", "gloo"];

#[test]
fn core_and_sync_depend_on_no_browser_crate() {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--offline", "--filter-platform", "wasm32-unknown-unknown"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    // Normal (not dev or build) dependencies of each resolved package.
    let mut deps: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in meta["resolve"]["nodes"].as_array().unwrap() {
        let id = node["id"].as_str().unwrap();
        let normal = node["deps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["dep_kinds"].as_array().is_some_and(|k| k.iter().any(|k| k["kind"].is_null())));
        deps.insert(id, normal.map(|d| d["pkg"].as_str().unwrap()).collect());
    }
    for krate in ["hn-core", "hn-sync"] {
        let root = names.iter().find(|(_, n)| **n == krate).map(|(id, _)| *id).expect("the crate is in the workspace");
        let mut seen = BTreeSet::new();
        let mut todo = vec![root];
        while let Some(id) = todo.pop() {
            if seen.insert(id) {
                todo.extend(deps.get(id).into_iter().flatten().copied());
            }
        }
        let browser: Vec<&str> =
            seen.iter().map(|id| names[id]).filter(|n| BROWSER_CRATES.iter().any(|b| n.starts_with(b))).collect();
        assert!(browser.is_empty(), "{krate} depends on browser crates: {browser:?}");
        assert!(seen.len() > 1, "{krate}'s dependencies were found");
    }
}

/// The pure crates and the extension's own crates forbid `unsafe` code (the
/// compiler then refuses it); the browser edge (`hn-ext`) denies it but for
/// the content script's allocator.
#[test]
fn unsafe_code_is_forbidden_where_it_has_no_place() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for lib in [
        "crates/core/src/lib.rs",
        "crates/sync/src/lib.rs",
        "crates/replica/src/lib.rs",
        "extension/content/src/lib.rs",
        "extension/popup/src/lib.rs",
        "extension/background/src/lib.rs",
    ] {
        let text = std::fs::read_to_string(root.join(lib)).unwrap();
        assert!(text.lines().any(|l| l.trim() == "#![forbid(unsafe_code)]"), "{lib} does not forbid unsafe code");
    }
    // The pure crates (and the benchmark's wasm floor) also take the
    // workspace's lints: unsafe code forbidden, clippy's defaults as errors.
    let workspace = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(workspace.contains("[workspace.lints.rust]\nunsafe_code = \"forbid\""), "the workspace's lints");
    assert!(workspace.contains("[workspace.lints.clippy]\nall = { level = \"deny\""), "the workspace's lints");
    for krate in ["crates/core/Cargo.toml", "crates/sync/Cargo.toml", "extension/bench-floor/Cargo.toml"] {
        let text = std::fs::read_to_string(root.join(krate)).unwrap();
        assert!(text.contains("[lints]\nworkspace = true"), "{krate} does not take the workspace's lints");
    }
    let api = std::fs::read_to_string(root.join("extension/api/src/lib.rs")).unwrap();
    assert!(api.lines().any(|l| l.trim() == "#![deny(unsafe_code)]"));
    let allowed: Vec<&str> = api.lines().filter(|l| l.contains("allow(unsafe_code)")).collect();
    assert_eq!(allowed, vec!["#[allow(unsafe_code)]"], "one module may use unsafe code: the allocator");
}

/// `chrome.*` is bound in one crate, `hn-ext` (`extension/api`): every other
/// crate calls its functions, so a call is written and fixed in one place.
#[test]
fn chrome_is_bound_only_in_hn_ext() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let files = hacker_new::rust_sources(&["crates", "extension", "src"]);
    assert!(files.len() > 50, "the sources were found: {}", files.len());
    let api = root.join("extension/api");
    // Bound, or looked up on the global object.
    let binding = ["js_namespace = [\"chrome\"", "js_namespace = chrome", "&\"chrome\".into()"];
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&api))
        .filter(|f| std::fs::read_to_string(f).is_ok_and(|s| binding.iter().any(|b| s.contains(b))))
        .map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string())
        .collect();
    assert!(outside.is_empty(), "chrome.* bound outside hn-ext: {outside:?}");
}

/// Content features are leaves: none imports another (what two share —
/// folding, the reply editor, the class names one marks and another reads,
/// the bridge to the second module — lives outside `features/`).
#[test]
fn content_features_do_not_import_each_other() {
    let dir = hacker_new::root().join("extension/content/src/features");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(String::from))
        .filter(|n| n != "mod")
        .collect();
    assert!(names.len() > 10, "{names:?}");
    let mut found = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(format!("{name}.rs"))).unwrap();
        for other in names.iter().filter(|o| *o != name) {
            for path in [format!("super::{other}"), format!("features::{other}"), format!("super::{{{other}")] {
                if text.contains(&path) {
                    found.push(format!("{name}.rs uses {path}"));
                }
            }
            // A list of imports: `use super::{a, b}`, `use crate::features::{a, b}`.
            for lead in ["super::{", "features::{"] {
                let listed = text
                    .split(lead)
                    .skip(1)
                    .any(|r| r.split('}').next().is_some_and(|list| list.split(',').any(|i| i.trim() == other)));
                if listed {
                    found.push(format!("{name}.rs imports {other}"));
                }
            }
        }
    }
    assert!(found.is_empty(), "features reaching into each other: {found:#?}");
}
