//! `web-ext lint`, Mozilla's check of an add-on as addons.mozilla.org runs
//! it, on the Firefox package: no error and no warning. (web-ext comes from
//! npm with the other tools, `npm ci`, which the test command runs.)

use std::process::Command;

#[test]
fn the_firefox_package_passes_web_ext_lint_with_no_warnings() {
    let root = hacker_new::root();
    let web_ext = root.join("node_modules/.bin/web-ext");
    assert!(web_ext.exists(), "web-ext is missing: run `npm ci` (the test command does)");
    let dir = hn_browser::temp_dir("firefox-package").unwrap();
    hacker_new::package::firefox_dir(&dir).unwrap();
    let out = Command::new(&web_ext)
        .args(["lint", "--output", "json", "--no-input", "--source-dir"])
        .arg(&dir)
        .output()
        .expect("web-ext runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let start = text
        .find('{')
        .unwrap_or_else(|| panic!("no report from web-ext: {text}\n{}", String::from_utf8_lossy(&out.stderr)));
    let report: serde_json::Value = serde_json::from_str(&text[start..]).expect("web-ext's JSON report");
    let problems: Vec<String> = ["errors", "warnings"]
        .iter()
        .flat_map(|k| report[*k].as_array().cloned().unwrap_or_default())
        .map(|p| format!("{} {}: {}", p["code"], p["file"], p["message"]))
        .collect();
    assert!(problems.is_empty(), "web-ext lint: {problems:#?}");
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["warnings"], 0);
}
