//! The Chrome Web Store package: `dist/` as a zip, without the development
//! `key` (the store assigns the id) and without Chromium's `_metadata`.

use std::path::{Path, PathBuf};

use crate::Error;

/// `dist/` as a zip, without the development `key` and without Chromium's
/// `_metadata`: what the Chrome Web Store and Firefox (as an `.xpi`) take.
/// Returns the zip and the manifest's version.
pub fn store_zip() -> Result<(Vec<u8>, String), Error> {
    zip_for(Store::Chrome, &[])
}

/// Which store a package is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    Chrome,
    /// The same files; the manifest's background is the module script only
    /// (Firefox runs it as an event page and ignores, with a warning, the
    /// service worker Chrome needs).
    Firefox,
}

/// The Firefox add-on package (an `.xpi` is this zip).
pub fn firefox_zip() -> Result<(Vec<u8>, String), Error> {
    zip_for(Store::Firefox, &[])
}

/// The Firefox package with the optional `hosts` listed as granted at
/// install (for tests: what the reader's yes to the browser's prompt
/// records, which a headless browser cannot show).
pub fn firefox_zip_granting(hosts: &[String]) -> Result<(Vec<u8>, String), Error> {
    zip_for(Store::Firefox, hosts)
}

/// A package's files: paths relative to its root, the manifest first.
type Files = Vec<(String, Vec<u8>)>;

/// The files of a package and its version.
fn package_files(store: Store, granted: &[String]) -> Result<(Files, String), Error> {
    let dist = crate::dist();
    let manifest_text = std::fs::read_to_string(dist.join("manifest.json"))
        .map_err(|e| format!("dist/manifest.json: {e} (build first with `cargo build`)"))?;
    let mut manifest: serde_json::Value = serde_json::from_str(&manifest_text)?;
    if let Some(m) = manifest.as_object_mut() {
        m.remove("key");
        if let Some(hosts) = m.get_mut("host_permissions").and_then(|h| h.as_array_mut()) {
            hosts.extend(granted.iter().map(|h| serde_json::Value::String(format!("https://{h}/*"))));
        }
        if store == Store::Firefox {
            if let Some(bg) = m.get_mut("background").and_then(|b| b.as_object_mut()) {
                bg.remove("service_worker");
            }
        }
    }
    let version = manifest["version"].as_str().unwrap_or("0").to_string();
    let mut out = vec![("manifest.json".to_string(), serde_json::to_string_pretty(&manifest)?.into_bytes())];
    let mut files = Vec::new();
    collect(&dist, &dist, &mut files)?;
    files.sort();
    for rel in files {
        if rel == "manifest.json" || rel.starts_with("_metadata") {
            continue;
        }
        let content = std::fs::read(dist.join(&rel))?;
        out.push((rel, content));
    }
    Ok((out, version))
}

fn zip_for(store: Store, granted: &[String]) -> Result<(Vec<u8>, String), Error> {
    let (files, version) = package_files(store, granted)?;
    let mut zip = Zip::default();
    for (rel, content) in &files {
        zip.add(rel, content);
    }
    Ok((zip.finish(), version))
}

/// The Firefox package unpacked into `dest` (for `web-ext lint`, which reads
/// a folder).
pub fn firefox_dir(dest: &Path) -> Result<(), Error> {
    let (files, _) = package_files(Store::Firefox, &[])?;
    for (rel, content) in files {
        let path = dest.join(&rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, content)?;
    }
    Ok(())
}

/// Writes the store zip to `target/` and prints its path.
pub fn package() -> Result<(), Error> {
    let (zip, version) = store_zip()?;
    let out = crate::root().join("target").join(format!("hacker-new-{version}.zip"));
    std::fs::write(&out, zip)?;
    println!("{}", out.display());
    let (zip, _) = firefox_zip()?;
    let out = crate::root().join("target").join(format!("hacker-new-{version}-firefox.zip"));
    std::fs::write(&out, zip)?;
    println!("{}", out.display());
    Ok(())
}

fn collect(base: &Path, dir: &Path, out: &mut Vec<String>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path: PathBuf = entry?.path();
        if path.is_dir() {
            collect(base, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// A minimal zip writer (stored entries), enough for the store.
#[derive(Default)]
struct Zip {
    data: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

impl Zip {
    fn add(&mut self, name: &str, content: &[u8]) {
        let crc = crc32(content);
        let offset = self.data.len() as u32;
        let size = content.len() as u32;
        let name_len = name.len() as u16;
        // Local file header.
        self.data.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        for v in [20u16, 0, 0, 0, 0x21] {
            self.data.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            self.data.extend_from_slice(&v.to_le_bytes());
        }
        self.data.extend_from_slice(&name_len.to_le_bytes());
        self.data.extend_from_slice(&0u16.to_le_bytes());
        self.data.extend_from_slice(name.as_bytes());
        self.data.extend_from_slice(content);
        // Central directory entry.
        self.central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        for v in [20u16, 20, 0, 0, 0, 0x21] {
            self.central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [crc, size, size] {
            self.central.extend_from_slice(&v.to_le_bytes());
        }
        for v in [name_len, 0, 0, 0, 0] {
            self.central.extend_from_slice(&v.to_le_bytes());
        }
        self.central.extend_from_slice(&0u32.to_le_bytes());
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(name.as_bytes());
        self.count += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let central_offset = self.data.len() as u32;
        let central_size = self.central.len() as u32;
        self.data.extend_from_slice(&self.central);
        self.data.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        for v in [0u16, 0, self.count, self.count] {
            self.data.extend_from_slice(&v.to_le_bytes());
        }
        self.data.extend_from_slice(&central_size.to_le_bytes());
        self.data.extend_from_slice(&central_offset.to_le_bytes());
        self.data.extend_from_slice(&0u16.to_le_bytes());
        self.data
    }
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    #[test]
    fn crc32_of_known_input() {
        assert_eq!(super::crc32(b"123456789"), 0xCBF4_3926);
    }
}
