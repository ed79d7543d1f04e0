//! The built extension in Firefox, on the same local Hacker News: the
//! Firefox package installed as a temporary add-on over WebDriver BiDi
//! (`hn_browser::bidi`), HN's hosts reached through the local HN acting as
//! the browser's proxy (`Replica::firefox_prefs`), its certificate accepted
//! by the session.

use std::path::Path;
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use hn_browser::bidi::Firefox;
use hn_replica::Replica;

use crate::{Error, HN};

/// The extension's `moz-extension://` host, fixed by a preference so tests
/// can open its pages.
pub const UUID: &str = "6f1d0c8e-7a51-4b7e-9d0e-4a1c2b3d4e5f";

/// A replica and a Firefox with the extension, pointed at it.
pub struct FirefoxHarness {
    // Field order: Firefox closes before the replica stops.
    pub firefox: Firefox,
    pub replica: Arc<Replica>,
    /// A tab on one of the extension's pages, to speak to its background as
    /// the popup does.
    extension_tab: String,
    /// The one browser test at a time (a second profile's harness runs
    /// under its first's turn).
    _turn: Option<MutexGuard<'static, ()>>,
}

impl FirefoxHarness {
    pub fn start() -> Result<FirefoxHarness, Error> {
        Self::start_granting(&[])
    }

    /// As `start`, with the optional sites `granted` (hosts) allowed at
    /// install, as the reader's yes to Firefox's prompt would.
    pub fn start_granting(granted: &[String]) -> Result<FirefoxHarness, Error> {
        Self::start_with(granted, None, None)
    }

    /// As `start`, in a profile kept on disk: the package installed in it
    /// as a reader's add-on (not a temporary one, which Firefox removes when
    /// it closes), so a second start in the same profile is the same
    /// reader's browser restarted, with the extension's storage and HN's
    /// cookie.
    pub fn start_in(profile: &Path) -> Result<FirefoxHarness, Error> {
        Self::start_with(&[], Some(profile), None)
    }

    /// A second Firefox, in a profile of its own with the extension, on the
    /// same local HN: another of the reader's browsers.
    pub fn second_profile(&self) -> Result<FirefoxHarness, Error> {
        Self::start_with(&[], None, Some(self.replica.clone()))
    }

    fn start_with(
        granted: &[String],
        profile: Option<&Path>,
        replica: Option<Arc<Replica>>,
    ) -> Result<FirefoxHarness, Error> {
        let (turn, replica) = match replica {
            Some(r) => (None, r),
            None => {
                let turn = crate::ONE_BROWSER.lock().unwrap_or_else(|p| p.into_inner());
                (Some(turn), Arc::new(Replica::start_default()?))
            }
        };
        let (zip, _) = crate::package::firefox_zip_granting(granted)?;
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(crate::dist().join("manifest.json"))?)?;
        let id = manifest["browser_specific_settings"]["gecko"]["id"].as_str().ok_or("no gecko id")?.to_string();
        let mut prefs = replica.firefox_prefs();
        let uuids = serde_json::json!({ &id: UUID }).to_string();
        prefs.push(("extensions.webextensions.uuids", serde_json::Value::String(uuids).to_string()));
        if let Some(profile) = profile {
            // Unsigned add-ons from the profile, enabled without asking (ESR
            // honours both).
            let dir = profile.join("extensions");
            std::fs::create_dir_all(&dir)?;
            // Written again only when it changed: a file Firefox sees
            // changed is an update, which closes the add-on's open pages.
            let xpi = dir.join(format!("{id}.xpi"));
            if std::fs::read(&xpi).ok().as_deref() != Some(zip.as_slice()) {
                std::fs::write(&xpi, &zip)?;
            }
            prefs.push(("xpinstall.signatures.required", "false".into()));
            prefs.push(("extensions.autoDisableScopes", "0".into()));
            prefs.push(("extensions.enabledScopes", "15".into()));
            // A restarted Firefox starts add-on backgrounds after its first
            // window's paint, which a headless one may never report.
            prefs.push(("extensions.webextensions.background-delayed-startup", "false".into()));
        }
        let firefox = Firefox::launch_in(profile, &prefs)?;
        if profile.is_none() {
            let archive = firefox.profile.join("hacker-new.xpi");
            std::fs::write(&archive, zip)?;
            firefox.install(&archive)?;
        }
        let extension_tab = firefox.open("about:blank")?;
        // An add-on from the profile starts with the browser, not at once:
        // its page is opened again until it is there.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let opened = firefox.navigate(&extension_tab, &extension_url("popup/options.html"));
            let started = opened.is_ok()
                && firefox
                    .wait_until(
                        &extension_tab,
                        "typeof chrome !== 'undefined' && !!chrome.runtime?.id",
                        Duration::from_secs(3),
                    )
                    .is_ok();
            if started {
                break;
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("the add-on's page did not open: {:?}", firefox.log()).into());
            }
        }
        let h = FirefoxHarness { firefox, replica, extension_tab, _turn: turn };
        // The background answers, and has installed what it installs.
        h.firefox.wait_until(
            &h.extension_tab,
            "chrome.runtime.sendMessage({ v: 1, kind: 'ping', nonce: 1 }).then(r => r.kind === 'pong')",
            Duration::from_secs(30),
        )?;
        h.ask(serde_json::json!({ "kind": "welcomed" }));
        // Diagnostics mode: pages report their run on the root (the tests
        // read it). Firefox's content scripts read it from local storage.
        h.firefox.eval(&h.extension_tab, "chrome.storage.local.set({ diagnostics: true }).then(() => true)")?;
        Ok(h)
    }

    /// Asks the background as the extension's own pages do.
    pub fn ask(&self, request: serde_json::Value) -> serde_json::Value {
        let mut msg = serde_json::json!({ "v": 1 });
        if let (Some(m), Some(r)) = (msg.as_object_mut(), request.as_object()) {
            m.extend(r.clone());
        }
        self.firefox
            .eval(&self.extension_tab, &format!("chrome.runtime.sendMessage({msg})"))
            .expect("the background answered")
    }

    /// Evaluates `expr` in an extension page with `bg`, the background
    /// page's window (Firefox runs the background as an event page), bound:
    /// its test hooks (`bg.hnewShareTick`, `bg.hnewAlarm`, …) are the
    /// worker's in Chromium.
    pub fn background(&self, expr: &str) -> serde_json::Value {
        self.firefox
            .eval(&self.extension_tab, &format!("chrome.runtime.getBackgroundPage().then(bg => {expr})"))
            .unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    /// Evaluates `expr` in the extension's page (its `chrome.*`).
    pub fn extension(&self, expr: &str) -> serde_json::Value {
        self.firefox.eval(&self.extension_tab, expr).unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    /// Opens an HN address (path and query) in a new tab; the tab's context.
    pub fn open(&self, target: &str) -> Result<String, Error> {
        Ok(self.firefox.open(&format!("{HN}{target}"))?)
    }

    /// Opens any address the local HN serves (another site) in a new tab.
    pub fn open_url(&self, url: &str) -> Result<String, Error> {
        Ok(self.firefox.open(url)?)
    }

    /// Opens one of the extension's pages in a new tab.
    pub fn open_extension(&self, path: &str) -> Result<String, Error> {
        Ok(self.firefox.open(&extension_url(path))?)
    }

    pub fn eval(&self, tab: &str, expr: &str) -> serde_json::Value {
        self.firefox.eval(tab, expr).unwrap_or_else(|e| panic!("{expr}: {e}"))
    }

    /// As `Page::ready`: the reader's state applied to the page in `tab`.
    pub fn ready(&self, tab: &str) {
        self.wait(tab, "document.documentElement.dataset.hnewState === 'applied'", "the state was applied");
    }

    pub fn wait(&self, tab: &str, expr: &str, what: &str) -> serde_json::Value {
        self.firefox
            .wait_until(tab, expr, Duration::from_secs(15))
            .unwrap_or_else(|e| panic!("{what}: {e}\nFirefox's log:\n{}", self.firefox.log().join("\n")))
    }
}

impl FirefoxHarness {
    /// The centre of the element `element` (a JavaScript expression) in
    /// the viewport, scrolled into view first.
    fn centre(&self, tab: &str, element: &str) -> (i64, i64) {
        let at = self.wait(
            tab,
            &format!(
                "(() => {{ const e = {element}; if (!e) return null; e.scrollIntoView({{block: 'center'}}); \
                 const r = e.getBoundingClientRect(); return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)]; }})()"
            ),
            element,
        );
        (at[0].as_i64().unwrap_or(0), at[1].as_i64().unwrap_or(0))
    }

    fn pointer(&self, tab: &str, actions: serde_json::Value) {
        let source = serde_json::json!([{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": actions }]);
        self.firefox.perform(tab, source).unwrap_or_else(|e| panic!("pointer: {e}"));
    }

    /// Moves the pointer onto the element `element`, as a reader's mouse.
    pub fn hover_on(&self, tab: &str, element: &str) {
        let (x, y) = self.centre(tab, element);
        self.pointer(tab, serde_json::json!([{ "type": "pointerMove", "x": x, "y": y }]));
    }

    /// Clicks the element `element` with the mouse.
    pub fn click_on(&self, tab: &str, element: &str) {
        let (x, y) = self.centre(tab, element);
        self.pointer(
            tab,
            serde_json::json!([
                { "type": "pointerMove", "x": x, "y": y },
                { "type": "pointerDown", "button": 0 },
                { "type": "pointerUp", "button": 0 }
            ]),
        );
    }

    /// Presses and releases a key (a `KeyboardEvent.key` value; WebDriver's
    /// code points for the named keys it knows).
    pub fn press(&self, tab: &str, key: &str) {
        let value = match key {
            "Escape" => "\u{E00C}",
            "Enter" => "\u{E007}",
            "Tab" => "\u{E004}",
            "End" => "\u{E010}",
            "Home" => "\u{E011}",
            "ArrowLeft" => "\u{E012}",
            "ArrowRight" => "\u{E014}",
            other => other,
        };
        let source = serde_json::json!([{ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": value }, { "type": "keyUp", "value": value }
        ] }]);
        self.firefox.perform(tab, source).unwrap_or_else(|e| panic!("key {key}: {e}"));
    }

    /// Types `text` with the keyboard, a key at a time (a line break is
    /// Enter).
    pub fn type_text(&self, tab: &str, text: &str) {
        let actions: Vec<serde_json::Value> = text
            .chars()
            .flat_map(|c| {
                let value = if c == '\n' { "\u{E007}".to_string() } else { c.to_string() };
                [
                    serde_json::json!({ "type": "keyDown", "value": value }),
                    serde_json::json!({ "type": "keyUp", "value": value }),
                ]
            })
            .collect();
        let source = serde_json::json!([{ "type": "key", "id": "keyboard", "actions": actions }]);
        self.firefox.perform(tab, source).unwrap_or_else(|e| panic!("typing: {e}"));
    }

    /// Signs the browser in to the local HN as `tester` (HN's `user`
    /// cookie), as `Harness::log_in` does in Chromium.
    pub fn log_in(&self) {
        self.firefox
            .call(
                "storage.setCookie",
                serde_json::json!({ "cookie": {
                    "name": "user", "value": { "type": "string", "value": "tester&token" },
                    "domain": "news.ycombinator.com", "path": "/", "secure": true, "expiry": 4_102_444_800u64
                } }),
            )
            .unwrap_or_else(|e| panic!("setting HN's session cookie: {e}"));
    }

    /// Turns the mouse wheel over the middle of the window.
    pub fn wheel(&self, tab: &str, delta_y: i64) {
        let source = serde_json::json!([{ "type": "wheel", "id": "wheel", "actions": [
            { "type": "scroll", "x": 400, "y": 300, "deltaX": 0, "deltaY": delta_y }
        ] }]);
        self.firefox.perform(tab, source).unwrap_or_else(|e| panic!("wheel: {e}"));
    }
}

pub fn extension_url(path: &str) -> String {
    format!("moz-extension://{UUID}/{path}")
}
