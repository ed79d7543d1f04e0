//! The same build in Firefox (ESR, Manifest V3): the store package installs
//! as an add-on in a fresh profile, Firefox enables it, and its background
//! (the module script and its wasm) starts and runs the install handler.
//!
//! This is the store package as a reader installs it (from the profile,
//! not as a temporary add-on); pages in Firefox are `tests/firefox_pages.rs`.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn the_package_loads_in_firefox_and_its_background_starts() {
    let firefox = hacker_new::firefox_path()
        .expect("Firefox is installed (`apt-get install firefox-esr`; `cargo run -- test` installs it as root)");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(hacker_new::dist().join("manifest.json")).unwrap()).unwrap();
    let id = manifest["browser_specific_settings"]["gecko"]["id"].as_str().expect("a gecko id").to_string();
    let (xpi, version) = hacker_new::package::firefox_zip().unwrap();
    let profile = hn_browser::temp_dir("firefox").unwrap();
    std::fs::create_dir_all(profile.join("extensions")).unwrap();
    std::fs::write(profile.join("extensions").join(format!("{id}.xpi")), xpi).unwrap();
    // Unsigned add-ons from the profile, enabled without asking (ESR honours
    // both); console output on stdout, where this test reads it.
    std::fs::write(
        profile.join("user.js"),
        [
            "xpinstall.signatures.required\", false",
            "extensions.autoDisableScopes\", 0",
            "extensions.enabledScopes\", 15",
            "devtools.console.stdout.content\", true",
            "devtools.console.stdout.chrome\", true",
            "browser.shell.checkDefaultBrowser\", false",
            "datareporting.policy.dataSubmissionEnabled\", false",
            "app.update.enabled\", false",
        ]
        .iter()
        .map(|p| format!("user_pref(\"{p});\n"))
        .collect::<String>(),
    )
    .unwrap();
    let log = profile.join("stdout.txt");
    let mut child = Command::new(&firefox)
        .args(["--headless", "--no-remote", "--profile"])
        .arg(&profile)
        .arg("about:blank")
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::null())
        .spawn()
        .expect("Firefox starts");
    let addon = |profile: &std::path::Path| -> Option<serde_json::Value> {
        let text = std::fs::read_to_string(profile.join("extensions.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["addons"].as_array()?.iter().find(|a| a["id"] == id.as_str()).cloned()
    };
    let deadline = Instant::now() + Duration::from_secs(90);
    let (mut started, mut state) = (false, None);
    while Instant::now() < deadline && !(started && state.is_some()) {
        std::thread::sleep(Duration::from_millis(250));
        let mut out = String::new();
        if let Ok(mut f) = std::fs::File::open(&log) {
            let _ = f.read_to_string(&mut out);
        }
        started = out.contains("Hacker New: installed");
        state = addon(&profile).filter(|a| a["active"] == true);
    }
    let _ = child.kill();
    let _ = child.wait();
    let out = std::fs::read_to_string(&log).unwrap_or_default();
    let a = addon(&profile);
    let _ = std::fs::remove_dir_all(&profile);
    let a = a.unwrap_or_else(|| panic!("Firefox did not register the add-on; its output:\n{out}"));
    assert_eq!(a["version"], version.as_str());
    assert_eq!(a["active"], true, "{a}");
    assert_eq!(a["appDisabled"], false, "{a}");
    assert_eq!(a["userDisabled"], false, "{a}");
    assert!(started, "the background did not run its install handler; Firefox's output:\n{out}");
}
