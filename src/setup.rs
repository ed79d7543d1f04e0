//! What a fresh machine needs before the tests can run: the wasm target,
//! Debian's Chromium and Firefox ESR, and from npm binaryen's wasm-opt
//! (optional) and axe-core (for the accessibility tests).

use std::path::Path;
use std::process::Command;

use crate::Result;

/// Installs what is missing, checks the tree is formatted and clippy has
/// nothing to say (for the host, and for the extension's crates as wasm),
/// then runs `cargo test` with `args`.
pub fn test(args: &[String]) -> Result {
    ensure_wasm_target()?;
    ensure_chromium()?;
    ensure_firefox()?;
    ensure_wasm_opt();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    lints(&cargo)?;
    let status = Command::new(cargo)
        .arg("test")
        .args(args)
        .current_dir(hacker_new::root())
        .status()
        .map_err(|e| format!("running cargo test: {e}"))?;
    if !status.success() {
        return Err("some tests failed (see above)".into());
    }
    Ok(())
}

/// The crates built for the browser, linted for their own target too
/// (code behind `cfg(target_arch = "wasm32")` is only seen there).
const WASM_CRATES: [&str; 5] = ["hn-ext", "hn-content", "hn-content-more", "hn-popup", "hn-background"];

/// `cargo fmt --check` and clippy with warnings as errors. `HNEW_LINTS=0`
/// skips them (a quick local run; CI never sets it).
fn lints(cargo: &str) -> Result {
    if std::env::var("HNEW_LINTS").is_ok_and(|v| v == "0") {
        return Ok(());
    }
    if Command::new("rustup").arg("--version").output().is_ok() {
        let _ = Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]).status();
    }
    let mut wasm: Vec<&str> = vec!["clippy", "--target", "wasm32-unknown-unknown"];
    for c in WASM_CRATES {
        wasm.extend(["-p", c]);
    }
    wasm.extend(["--", "-D", "warnings"]);
    let steps: [(&str, Vec<&str>); 3] = [
        ("the tree is not formatted: run `cargo fmt --all`", vec!["fmt", "--all", "--check"]),
        ("clippy warns (host)", vec!["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
        ("clippy warns (the extension's crates as wasm)", wasm),
    ];
    for (why, step) in steps {
        let ok = Command::new(cargo)
            .args(&step)
            .current_dir(hacker_new::root())
            .status()
            .map_err(|e| format!("running cargo {}: {e}", step[0]))?
            .success();
        if !ok {
            return Err(why.into());
        }
    }
    Ok(())
}

fn ensure_wasm_target() -> Result {
    let out = Command::new("rustup").args(["target", "list", "--installed"]).output();
    match out {
        Ok(o) if String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown") => Ok(()),
        Ok(_) => {
            println!("installing the wasm32-unknown-unknown target");
            let ok = Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]).status()?.success();
            if ok {
                Ok(())
            } else {
                Err("`rustup target add wasm32-unknown-unknown` failed".into())
            }
        }
        Err(_) => {
            // No rustup: build.rs will say clearly if the target is missing.
            Ok(())
        }
    }
}

/// Finds Chromium, or installs Debian's package when running as root.
pub fn ensure_chromium() -> Result {
    if hn_browser::chromium_path().is_some() {
        return Ok(());
    }
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    if !root || !Path::new("/usr/bin/apt-get").exists() {
        return Err("Chromium is not installed. On Debian or Ubuntu: `sudo apt-get install chromium`; \
                    elsewhere install Chromium and set CHROMIUM to its path."
            .into());
    }
    println!("installing Debian's chromium package");
    let ok = Command::new("apt-get").arg("update").status()?.success()
        && Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium", "fonts-liberation"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()?
            .success();
    if !ok || hn_browser::chromium_path().is_none() {
        return Err("installing Chromium with apt-get failed (see above)".into());
    }
    Ok(())
}

/// Finds Firefox (for the test that the same build loads there), or
/// installs Debian's Firefox ESR when running as root.
fn ensure_firefox() -> Result {
    if hacker_new::firefox_path().is_some() {
        return Ok(());
    }
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    if !root || !Path::new("/usr/bin/apt-get").exists() {
        return Err("Firefox is not installed. On Debian or Ubuntu: `sudo apt-get install firefox-esr`; \
                    elsewhere install Firefox ESR and set FIREFOX to its path."
            .into());
    }
    println!("installing Debian's firefox-esr package");
    let ok = Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "firefox-esr"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .status()?
        .success();
    if !ok || hacker_new::firefox_path().is_none() {
        return Err("installing Firefox ESR with apt-get failed (see above)".into());
    }
    Ok(())
}

/// Installs the npm tools of `package.json` when one is missing and npm is
/// there: binaryen's wasm-opt (the build works without it, only larger),
/// axe-core (the accessibility tests need it) and web-ext (the Firefox
/// package's lint, tests/lint.rs); the tests that need one say so without it.
fn ensure_wasm_opt() {
    let root = hacker_new::root();
    let wanted = ["node_modules/.bin/wasm-opt", "node_modules/axe-core/axe.min.js", "node_modules/.bin/web-ext"];
    if wanted.iter().all(|p| root.join(p).exists()) {
        return;
    }
    let had_wasm_opt = root.join(wanted[0]).exists();
    match Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&root).status() {
        Ok(s) if s.success() => {
            if !had_wasm_opt {
                // Touch the manifest so build.rs runs again and picks it up.
                let _ = touch(&root.join("manifest.json"));
            }
        }
        _ => println!(
            "note: npm could not install binaryen, axe-core and web-ext; the extension builds without wasm-opt, \
             and the accessibility tests (tests/a11y.rs) and the Firefox lint (tests/lint.rs) will fail"
        ),
    }
}

fn touch(path: &Path) -> std::io::Result<()> {
    let f = std::fs::File::options().append(true).open(path)?;
    f.set_modified(std::time::SystemTime::now())
}
