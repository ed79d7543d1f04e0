//! Assembles the loadable extension in `dist/`.
//!
//! 1. Makes sure the `wasm32-unknown-unknown` target is installed.
//! 2. Builds the extension crates (content, background, popup) for wasm32
//!    with a nested cargo, in its own target folder and profile; and the
//!    benchmark's wasm floor (`extension/bench-floor`, not shipped: bound
//!    into `target/bench-floor`).
//! 3. Binds each with `wasm-bindgen-cli-support`, the library of the exact
//!    `wasm-bindgen` version the crates use (no CLI to install, no skew).
//! 4. Shrinks each with `wasm-opt` when a known-good one is found.
//! 5. Copies the static files and writes `manifest.json` with the version of
//!    this package.
//!
//! Set `HNEW_SKIP_WASM=1` to skip all of it (for `cargo clippy` on the
//! native crates, say); `WASM_OPT` names a wasm-opt to use, or `none`.

use std::env;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";

/// The extension crates, the folder each is written to (from the root), and
/// how they are loaded.
const MODULES: &[(&str, &str, Loader)] = &[
    ("hn-content", "dist/content", Loader::Classic),
    // The content script's second module, loaded on first use by
    // `import()` from the first (see extension/content/src/lib.rs).
    ("hn-content-more", "dist/content", Loader::Module),
    ("hn-background", "dist/background", Loader::Module),
    ("hn-popup", "dist/popup", Loader::Module),
    // Not shipped: the benchmark's WebAssembly floor (src/bench.rs).
    ("hn-bench-floor", "target/bench-floor", Loader::Classic),
];

#[derive(Clone, Copy)]
enum Loader {
    /// A classic content script (wasm-bindgen's `no-modules` output).
    Classic,
    /// An ES module (worker or extension page).
    Module,
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    for path in ["extension", "crates/core", "crates/sync", "manifest.json", "Cargo.lock", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={}", root.join(path).display());
    }
    println!("cargo:rerun-if-env-changed=HNEW_SKIP_WASM");
    println!("cargo:rerun-if-env-changed=WASM_OPT");
    if env::var_os("HNEW_SKIP_WASM").is_some_and(|v| v != "0") {
        return;
    }
    if let Err(e) = build(&root) {
        eprintln!("error: building the extension failed: {e}");
        std::process::exit(1);
    }
}

fn build(root: &Path) -> Result<(), String> {
    ensure_target()?;
    let target_dir = root.join("target").join("wasm");
    let dist = root.join("dist");
    cargo_build(root, &target_dir)?;
    let wasm_opt = find_wasm_opt(root);
    match &wasm_opt {
        Some(p) => println!("cargo:warning=optimising with {}", p.display()),
        None => println!("cargo:warning=no known-good wasm-opt found; the wasm is not size-optimised (see README)"),
    }
    for (krate, folder, loader) in MODULES {
        let name = krate.replace('-', "_");
        let input = target_dir.join(TARGET).join("wasm").join(format!("{name}.wasm"));
        let out = root.join(folder);
        fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
        bind(&input, &out, &name, *loader)?;
        if *krate == "hn-popup" {
            close_html_sink(&out.join(format!("{name}.js")))?;
        }
        if let Some(opt) = &wasm_opt {
            let wasm = out.join(format!("{name}_bg.wasm"));
            optimise(opt, &wasm);
            if let Err(e) = minify_names(opt, &wasm, &out.join(format!("{name}.js"))) {
                println!("cargo:warning={}'s import and export names kept: {e}", wasm.display());
            }
        }
    }
    copy_dir(&root.join("extension").join("static"), &dist).map_err(|e| format!("copying static files: {e}"))?;
    write_manifest(root, &dist)
}

/// Installs the wasm target through rustup when it is missing.
fn ensure_target() -> Result<(), String> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot =
        Command::new(&rustc).args(["--print", "sysroot"]).output().map_err(|e| format!("running {rustc}: {e}"))?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim());
    if sysroot.join("lib/rustlib").join(TARGET).join("lib").exists() {
        return Ok(());
    }
    println!("cargo:warning=installing the {TARGET} target with rustup");
    let status = Command::new("rustup")
        .args(["target", "add", TARGET])
        .status()
        .map_err(|e| format!("the {TARGET} target is missing and rustup could not run ({e}): install it with `rustup target add {TARGET}`"))?;
    if !status.success() {
        return Err(format!("`rustup target add {TARGET}` failed"));
    }
    Ok(())
}

fn cargo_build(root: &Path, target_dir: &Path) -> Result<(), String> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["build", "--profile", "wasm", "--target", TARGET])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir);
    for (krate, _, _) in MODULES {
        cmd.args(["-p", krate]);
    }
    // The outer build's settings are for the host, not for wasm: start clean.
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        let keep = key == "CARGO_HOME"
            || key.starts_with("CARGO_NET_")
            || key.starts_with("CARGO_HTTP_")
            || key.starts_with("CARGO_REGISTR");
        let outer = (key.starts_with("CARGO_") && !keep)
            || matches!(
                key.as_ref(),
                "RUSTFLAGS"
                    | "RUSTC"
                    | "RUSTC_WRAPPER"
                    | "RUSTC_WORKSPACE_WRAPPER"
                    | "RUSTDOC"
                    | "RUSTDOCFLAGS"
                    | "TARGET"
                    | "HOST"
                    | "PROFILE"
                    | "OUT_DIR"
                    | "OPT_LEVEL"
                    | "DEBUG"
                    | "NUM_JOBS"
                    | "MAKEFLAGS"
                    | "MFLAGS"
                    | "RUSTC_LINKER"
            );
        if outer {
            cmd.env_remove(key.as_ref());
        }
    }
    let status = cmd.status().map_err(|e| format!("running cargo for wasm: {e}"))?;
    if !status.success() {
        return Err("the wasm build failed (its errors are above)".into());
    }
    Ok(())
}

fn bind(input: &Path, out: &Path, name: &str, loader: Loader) -> Result<(), String> {
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen.input_path(input).out_name(name).typescript(false);
    match loader {
        Loader::Classic => bindgen.no_modules(true),
        Loader::Module => bindgen.web(true),
    }
    .map_err(|e| format!("configuring wasm-bindgen: {e}"))?;
    bindgen.generate(out).map_err(|e| format!("binding {}: {e:#}", input.display()))
}

/// A wasm-opt that is known to produce working output: `$WASM_OPT`, the npm
/// `binaryen` package's in `node_modules`, or one on PATH of version 116 or
/// newer (Debian 12's 108 miscompiles wasm-bindgen output).
fn find_wasm_opt(root: &Path) -> Option<PathBuf> {
    if let Some(p) = env::var_os("WASM_OPT") {
        return (p != "none").then(|| PathBuf::from(p));
    }
    let candidates = [root.join("node_modules/.bin/wasm-opt"), PathBuf::from("wasm-opt")];
    candidates.into_iter().find(|c| {
        let Ok(out) = Command::new(c).arg("--version").output() else { return false };
        let text = String::from_utf8_lossy(&out.stdout);
        // "wasm-opt version 123 (version_123)"
        let version: Option<u32> = text.split_whitespace().nth(2).and_then(|v| v.parse().ok());
        out.status.success() && version.is_some_and(|v| v >= 116)
    })
}

fn optimise(wasm_opt: &Path, wasm: &Path) {
    let tmp = wasm.with_extension("opt.wasm");
    let status = Command::new(wasm_opt)
        .args(["-Oz", "--converge"])
        // The toolchain's notes (`producers`, `target_features`): nothing
        // reads them at run time, and every page would download them.
        .args(["--strip-producers", "--strip-target-features"])
        .args(FEATURES)
        .arg(wasm)
        .arg("-o")
        .arg(&tmp)
        .status();
    match status {
        Ok(s) if s.success() => {
            if let Err(e) = fs::rename(&tmp, wasm) {
                println!("cargo:warning=keeping unoptimised {}: {e}", wasm.display());
            }
        }
        _ => {
            let _ = fs::remove_file(&tmp);
            println!("cargo:warning=wasm-opt failed on {}; keeping it unoptimised", wasm.display());
        }
    }
}

/// The features the wasm uses, for wasm-opt.
const FEATURES: [&str; 6] = [
    "--enable-reference-types",
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-multivalue",
    "--enable-mutable-globals",
];

/// Renames the module's imports (wasm-bindgen's `__wbg_<name>_<hash>`, some
/// 130 to 400 of them, and their module `./<name>_bg.js`) and exports to
/// names of a letter or two, in the wasm and in its glue: about 3 KB
/// gzipped off each content module, which every page downloads and
/// compiles. Both files are written only once the glue took every name.
fn minify_names(wasm_opt: &Path, wasm: &Path, glue: &Path) -> Result<(), String> {
    let tmp = wasm.with_extension("min.wasm");
    let out = Command::new(wasm_opt)
        .arg("--minify-imports-and-exports-and-modules")
        .args(FEATURES)
        .arg(wasm)
        .arg("-o")
        .arg(&tmp)
        .output()
        .map_err(|e| format!("running wasm-opt: {e}"))?;
    let result = (|| {
        if !out.status.success() {
            return Err(format!("wasm-opt failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        // What it prints: {"imports": [[module, name, new]], "exports": [[name, new]]}.
        let map: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| format!("wasm-opt's mapping is not JSON: {e}"))?;
        let module = import_module(&fs::read(&tmp).map_err(|e| e.to_string())?)?;
        let mut js = fs::read_to_string(glue).map_err(|e| format!("reading {}: {e}", glue.display()))?;
        let pairs = |key: &str| map[key].as_array().cloned().unwrap_or_default();
        let text = |v: &serde_json::Value, i: usize| v[i].as_str().unwrap_or_default().to_string();
        let mut modules = std::collections::BTreeSet::new();
        for import in pairs("imports") {
            let (from, name, new) = (text(&import, 0), text(&import, 1), text(&import, 2));
            js = replace_once(&js, &format!("{name}: function"), &format!("{new}: function"))?;
            modules.insert(from);
        }
        for from in modules {
            js = replace_once(&js, &format!("\"{from}\": import0"), &format!("\"{module}\": import0"))?;
        }
        for export in pairs("exports") {
            js = replace_member(&js, &format!("wasm.{}", text(&export, 0)), &format!("wasm.{}", text(&export, 1)));
        }
        fs::write(glue, js).map_err(|e| format!("writing {}: {e}", glue.display()))?;
        fs::rename(&tmp, wasm).map_err(|e| format!("replacing {}: {e}", wasm.display()))
    })();
    let _ = fs::remove_file(&tmp);
    result
}

/// `text` with `from`, which must occur exactly once, replaced.
fn replace_once(text: &str, from: &str, to: &str) -> Result<String, String> {
    match text.matches(from).count() {
        1 => Ok(text.replacen(from, to, 1)),
        n => Err(format!("`{from}` is in the glue {n} times, not once")),
    }
}

/// `text` with every `from` that is a whole member access (not the start
/// of a longer name) replaced.
fn replace_member(text: &str, from: &str, to: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(from) {
        let after = &rest[at + from.len()..];
        let whole = !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        out.push_str(&rest[..at]);
        out.push_str(if whole { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The module a wasm file's first import comes from (wasm-opt gives every
/// import the same one; the glue has one imports object, which must take
/// it).
fn import_module(wasm: &[u8]) -> Result<String, String> {
    fn leb(b: &[u8], i: &mut usize) -> Result<usize, String> {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let byte = *b.get(*i).ok_or("the wasm ends early")?;
            *i += 1;
            value |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            if byte < 0x80 || shift > 35 {
                return Ok(value);
            }
        }
    }
    let mut i = 8;
    while i < wasm.len() {
        let id = wasm[i];
        i += 1;
        let size = leb(wasm, &mut i)?;
        if id == 2 {
            let mut j = i;
            let _count = leb(wasm, &mut j)?;
            let n = leb(wasm, &mut j)?;
            let name = wasm.get(j..j + n).ok_or("the wasm ends early")?;
            return String::from_utf8(name.to_vec()).map_err(|e| e.to_string());
        }
        i += size;
    }
    Err("no imports".into())
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            fs::create_dir_all(&dest)?;
            copy_dir(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

fn write_manifest(root: &Path, dist: &Path) -> Result<(), String> {
    let text = fs::read_to_string(root.join("manifest.json")).map_err(|e| format!("reading manifest.json: {e}"))?;
    let mut manifest: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("manifest.json is not valid JSON: {e}"))?;
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_else(|_| "0.0.0".into());
    manifest["version"] = serde_json::Value::String(version);
    let out = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    fs::write(dist.join("manifest.json"), out).map_err(|e| format!("writing dist/manifest.json: {e}"))
}

/// The popup never renders raw HTML, but Yew's renderer for it is linked
/// in, so wasm-bindgen's glue carries an `innerHTML` setter: a sink for
/// markup nobody writes, which `web-ext lint` rightly flags. It is replaced
/// by an error, so the popup has no such sink at all (were Yew ever asked
/// to render raw HTML, the popup would say so instead of parsing it).
fn close_html_sink(glue: &Path) -> Result<(), String> {
    let text = fs::read_to_string(glue).map_err(|e| format!("reading {}: {e}", glue.display()))?;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("arg0.innerHTML = ") || trimmed.starts_with("getObject(arg0).innerHTML = ") {
            let indent = &line[..line.len() - trimmed.len()];
            out.push_str(indent);
            out.push_str("throw new Error('Hacker New: the popup never renders raw HTML');");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    fs::write(glue, out).map_err(|e| format!("writing {}: {e}", glue.display()))
}
