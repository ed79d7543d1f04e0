//! The dev and test harness: the built extension in Debian's Chromium, on the
//! local Hacker News. Used by the end-to-end tests, the benchmarks and the
//! `hacker-new` command.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

pub mod firefox;
pub mod package;

pub use hn_browser::bidi::firefox_path;
pub use hn_browser::{Browser, Launch, Session};
pub use hn_replica::{Fault, Replica};

/// The extension's id, fixed by the `key` in `manifest.json`.
pub const EXTENSION_ID: &str = "kpfdfbcjdbpbjaghbjabnkhcdjjdfkgo";

pub const HN: &str = "https://news.ycombinator.com";

/// The workspace root.
/// A size budget: files of `dist/` and the most their gzipped (`gzip -9`)
/// sizes may add up to, in bytes.
pub struct Budget {
    pub what: &'static str,
    pub files: &'static [&'static str],
    pub bytes: u64,
    /// Enforced by `tests/budgets.rs`; a target not met yet is only printed
    /// (by that test and the benchmark), with the README saying why.
    pub enforced: bool,
}

/// The size budgets, in one place for the test and the benchmark.
pub const BUDGETS: &[Budget] = &[
    Budget {
        what: "content script compiled at page start",
        files: &["content/hn_content_bg.wasm"],
        bytes: 120_000,
        enforced: true,
    },
    Budget {
        what: "content script, both modules",
        files: &["content/hn_content_bg.wasm", "content/hn_content_more_bg.wasm"],
        bytes: 200_000,
        enforced: true,
    },
    Budget { what: "popup", files: &["popup/hn_popup_bg.wasm"], bytes: 400_000, enforced: true },
];

/// The gzipped (`gzip -9`) size of a file of `dist/`.
pub fn gzipped(rel: &str) -> Result<u64, Error> {
    let out = std::process::Command::new("gzip").arg("-9c").arg(dist().join(rel)).output()?;
    if !out.status.success() {
        return Err(format!("gzip could not read dist/{rel}").into());
    }
    Ok(out.stdout.len() as u64)
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The built extension (`HNEW_DIST` names another build, for comparisons
/// by the development examples).
pub fn dist() -> PathBuf {
    std::env::var_os("HNEW_DIST").map(PathBuf::from).unwrap_or_else(|| root().join("dist"))
}

/// The `.rs` files under these folders of the project (for the tests that
/// read the sources: layering, words).
pub fn rust_sources(dirs: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    for dir in dirs {
        walk(&root().join(dir), &mut out);
    }
    out
}

/// Where failing tests leave screenshots and benchmarks their reports.
pub fn artifacts() -> PathBuf {
    root().join("target").join("artifacts")
}

/// A failure the local HN is made to answer with (its set-up), and what
/// the extension calls it.
pub type Case<'a> = (Box<dyn Fn() + 'a>, &'static str);

/// The real 2026 thread (`/item?id=48350598`) with HN's `edit` and `delete`
/// links on its first comment without replies, as HN shows them on the
/// reader's own comment: served at the thread's address; returns that
/// comment's id.
pub fn mount_own_thread(replica: &Replica) -> u64 {
    let fixture = replica.fixtures().by_rel("item/easyhn-item-48350598.html").expect("the 2026 thread fixture");
    let html = String::from_utf8_lossy(&fixture.body).to_string();
    // A comment whose fold toggle counts only itself has no replies.
    let at = html.find("\" n=\"1\" href=").expect("a comment without replies");
    let id_start = html[..at].rfind("id=\"").expect("the toggle's id") + 4;
    let id: u64 = html[id_start..at].parse().expect("a numeric id");
    let toggle = format!("<a class=\"togg clicky\" id=\"{id}\"");
    let links = format!(
        " | <a href=\"edit?id={id}\">edit</a> | <a href=\"delete-confirm?id={id}&amp;goto=item%3Fid%3D48350598%23{id}\">delete</a> "
    );
    assert!(html.contains(&toggle), "the comment's header");
    let html = html.replacen(&toggle, &format!("{links}{toggle}"), 1);
    replica.mount(hn_replica::HN_HOST, "/item?id=48350598", "text/html; charset=utf-8", html.into_bytes());
    id
}

/// The ways HN refuses a reply to `parent` on the local HN, in order, each
/// set up on top of the one before (`log_in` signs the browser in):
/// signed out, too fast, a locked thread, unavailable, rate-limiting.
pub fn reply_refusals<'a>(replica: &'a Replica, log_in: &'a dyn Fn(), parent: u64) -> Vec<Case<'a>> {
    vec![
        (Box::new(|| {}), "logged out"),
        (
            Box::new(move || {
                log_in();
                replica.too_fast(true);
            }),
            "too fast",
        ),
        (
            Box::new(move || {
                replica.too_fast(false);
                replica.lock_thread(parent);
            }),
            "no longer takes replies",
        ),
        (Box::new(move || replica.fault("/reply", Fault::Unavailable, Some(1))), "unavailable"),
        (Box::new(move || replica.fault("/reply", Fault::RateLimited, Some(1))), "rate-limiting"),
    ]
}

/// The ways HN refuses the signed-in reader's edit of their comment `id`
/// on the local HN, in order, each set up on top of the one before: too
/// fast, unavailable, rate-limiting, the connection dropped, the edit
/// window closed.
pub fn edit_refusals(replica: &Replica, id: u64) -> Vec<Case<'_>> {
    vec![
        (Box::new(|| replica.too_fast(true)), "too fast"),
        (
            Box::new(|| {
                replica.too_fast(false);
                replica.fault("/edit", Fault::Unavailable, Some(1));
            }),
            "unavailable",
        ),
        (Box::new(|| replica.fault("/edit", Fault::RateLimited, Some(1))), "rate-limiting"),
        (Box::new(|| replica.fault("/xedit", Fault::Drop, None)), "network"),
        (
            Box::new(move || {
                replica.clear_faults();
                replica.close_window(id);
            }),
            "no longer lets you edit",
        ),
    ]
}

/// The ways HN refuses the deletion of the reader's comment `id`, in order,
/// each on top of the one before (`log_in` signs the browser in): signed
/// out, the delete window closed, the connection dropped.
pub fn delete_refusals<'a>(replica: &'a Replica, log_in: &'a dyn Fn(), id: u64) -> Vec<Case<'a>> {
    vec![
        (Box::new(|| {}), "logged out"),
        (
            Box::new(move || {
                log_in();
                replica.close_window(id);
            }),
            "no longer lets you delete",
        ),
        (Box::new(|| replica.fault("/delete-confirm", Fault::Drop, None)), "network"),
    ]
}

/// One request of every kind the background takes, as the popup, the
/// options page or a page would send it (without the version envelope).
/// [`request_kinds`] says which kinds exist, so a test can check that none
/// was left out of this list.
pub fn every_request() -> Vec<serde_json::Value> {
    use hn_core::{notify::NotifyPrefs, settings::Settings, share::SharePrefs};
    let story = serde_json::json!({ "id": 30883015, "title": "A story", "url": "https://example.com/" });
    let rule = serde_json::json!({ "kind": "keyword", "pattern": "crypto", "target": "both" });
    let item =
        serde_json::json!({ "target": story, "text": "A story", "destination": "x", "position": 1.0, "added": 1 });
    vec![
        serde_json::json!({ "kind": "ping", "nonce": 3 }),
        serde_json::json!({ "kind": "get_settings" }),
        serde_json::json!({ "kind": "save_settings", "settings": Settings::default() }),
        serde_json::json!({ "kind": "csp_status" }),
        serde_json::json!({ "kind": "get_state" }),
        serde_json::json!({ "kind": "get_page_state" }),
        serde_json::json!({ "kind": "sync_status" }),
        serde_json::json!({ "kind": "get_health" }),
        serde_json::json!({ "kind": "get_inbox" }),
        serde_json::json!({ "kind": "check_replies" }),
        serde_json::json!({ "kind": "mark_replies_read", "ids": null }),
        serde_json::json!({ "kind": "save_notify_prefs", "prefs": NotifyPrefs::default() }),
        serde_json::json!({ "kind": "get_filter_hits" }),
        serde_json::json!({ "kind": "filter_hits", "hits": { "k1": 2 } }),
        serde_json::json!({ "kind": "get_activity", "refresh": false }),
        serde_json::json!({ "kind": "mark_activity_seen" }),
        serde_json::json!({ "kind": "export_state" }),
        serde_json::json!({ "kind": "import_state", "json": "{}" }),
        serde_json::json!({ "kind": "set_follow", "site": "hn", "user": "pg", "follow": true }),
        serde_json::json!({ "kind": "set_tag", "site": "hn", "user": "pg", "tag": "founder" }),
        serde_json::json!({ "kind": "set_note", "site": "hn", "user": "pg", "note": "wrote Arc" }),
        serde_json::json!({ "kind": "set_notify", "site": "hn", "user": "pg", "notify": true }),
        serde_json::json!({ "kind": "follow_many", "users": ["tosh", "dang"] }),
        serde_json::json!({ "kind": "save_filter", "rule": rule }),
        serde_json::json!({ "kind": "edit_filter", "key": "no-such-rule", "rule": rule }),
        serde_json::json!({ "kind": "remove_filter", "key": "no-such-rule" }),
        serde_json::json!({ "kind": "get_profile", "site": "hn", "user": "tosh" }),
        serde_json::json!({ "kind": "get_item", "id": 8863 }),
        serde_json::json!({ "kind": "past_discussions", "id": 30883015, "url": "https://example.com/" }),
        serde_json::json!({ "kind": "fetch_page", "site": "hn", "path": "/news?p=2" }),
        serde_json::json!({ "kind": "act", "path": "vote?id=1&how=up&auth=x" }),
        serde_json::json!({ "kind": "post_reply", "parent": 1, "text": "hello" }),
        serde_json::json!({ "kind": "edit_text", "id": 1 }),
        serde_json::json!({ "kind": "save_edit", "id": 1, "text": "hello" }),
        serde_json::json!({ "kind": "delete_comment", "id": 1 }),
        serde_json::json!({ "kind": "record_get", "key": "folds:1" }),
        serde_json::json!({ "kind": "record_set", "key": "folds:1", "text": "[]" }),
        serde_json::json!({ "kind": "record_remove", "key": "folds:1" }),
        serde_json::json!({ "kind": "set_mastodon_instance", "instance": "hachyderm.io" }),
        serde_json::json!({ "kind": "add_to_buffer", "target": story, "text": null }),
        serde_json::json!({ "kind": "find_discussion", "url": "https://example.com/", "search": false }),
        serde_json::json!({ "kind": "save_buffer_item", "key": "30883015", "item": item }),
        serde_json::json!({ "kind": "shuffle_buffer" }),
        serde_json::json!({ "kind": "share_now", "key": "no-such-item" }),
        serde_json::json!({ "kind": "remove_buffer_item", "key": "30883015" }),
        serde_json::json!({ "kind": "save_share_prefs", "prefs": SharePrefs::default() }),
        serde_json::json!({ "kind": "announce_here" }),
        serde_json::json!({ "kind": "page_seen", "site": "hn", "page": "news", "me": null, "signed_out": true, "problems": [] }),
        serde_json::json!({ "kind": "csp_blocked", "url": "https://news.ycombinator.com/news" }),
        serde_json::json!({ "kind": "welcomed" }),
    ]
}

/// Every kind of request the background takes, as spelled on the wire (a
/// kind added to `Request` shows here by itself).
pub fn request_kinds() -> Vec<String> {
    hn_core::message::wire_kinds::<hn_core::message::Request>()
}

/// Checks the background's `answer` to one of [`every_request`]: there is
/// one, the request passed the checks on arrival (nothing malformed), and
/// it is an answer the request's declaration names, or an error.
pub fn check_answer(request: &serde_json::Value, answer: &serde_json::Value) {
    let kind = answer["kind"].as_str().unwrap_or_else(|| panic!("{request}: no answer ({answer})"));
    assert!(!answer.to_string().contains("malformed"), "{request}: {answer}");
    let declared = serde_json::from_value::<hn_core::message::Request>(request.clone()).unwrap().answers();
    assert!(kind == "error" || declared.contains(&kind), "{request}: {answer}, declared {declared:?}");
}

/// Tells the extension's worker what the first HN page in Chromium would
/// (its wasm refused under HN's own policy: the browser needs the policy
/// rule) and waits until the rule is in force, so pages start at their
/// first load.
pub fn expect_rule(worker: &Session) -> Result<(), Error> {
    worker.wait_until(
        "typeof self.hnewHandle === 'function' && self.hnewHandle({ v: 1, kind: 'csp_blocked', url: 'https://news.ycombinator.com/' }).then(() => true)",
        Duration::from_secs(20),
    )?;
    worker.wait_until(
        "chrome.declarativeNetRequest.getDynamicRules().then(r => r.length > 0)",
        Duration::from_secs(20),
    )?;
    Ok(())
}

/// Asks the extension's background directly, as its own pages do: the
/// worker's shim exposes its handler to its own global scope (pages cannot
/// reach it). `request` is the message without the protocol version.
pub fn ask(worker: &Session, request: serde_json::Value) -> serde_json::Value {
    let mut msg = serde_json::json!({ "v": 1 });
    if let (Some(m), Some(r)) = (msg.as_object_mut(), request.as_object()) {
        m.extend(r.clone());
    }
    worker.eval(&format!("self.hnewHandle({msg})")).expect("the background answered")
}

/// A page's record (`hn_core::records`) as stored in local storage now,
/// read with the product's own codec; `None` when absent.
pub fn record<T: hn_core::records::Record>(worker: &Session, key: &str) -> Option<T> {
    let key = serde_json::Value::from(key);
    let v =
        worker.eval(&format!("chrome.storage.local.get({key}).then(r => r[{key}] ?? null)")).expect("local storage");
    v.as_str().map(|text| T::from_text(text).unwrap_or_else(|e| panic!("stored {key} is not its record: {e}")))
}

/// Stores a page's record in local storage as the content script does.
pub fn set_record<T: hn_core::records::Record>(worker: &Session, key: &str, value: &T) {
    let item = serde_json::json!({ key: value.to_text() });
    worker.eval(&format!("chrome.storage.local.set({item}).then(() => true)")).expect("local storage");
}

/// Waits until the record under `key` satisfies `pred`.
pub fn wait_for_record<T: hn_core::records::Record>(
    worker: &Session,
    key: &str,
    what: &str,
    pred: impl Fn(&T) -> bool,
) -> T {
    let until = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(r) = record::<T>(worker, key).filter(|r| pred(r)) {
            return r;
        }
        assert!(std::time::Instant::now() < until, "{what}: not stored within 10 s");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An answer as a page's script gets it (a line of tab-separated fields:
/// `hn_core::message::PageAnswer`), read as `{kind, fields}`, or the JSON
/// object the background sends what pages do not decode as text.
pub fn page_answer(answer: &serde_json::Value) -> (String, Vec<String>) {
    match answer.as_str() {
        Some(text) => {
            let mut fields = text.split('\t').map(str::to_string);
            (fields.next().unwrap_or_default(), fields.collect())
        }
        None => (answer["kind"].as_str().unwrap_or_default().to_string(), vec![]),
    }
}

/// `counts.tsv` beside the saved pages: file (relative) → column → value.
pub fn counts(dir: &Path) -> std::collections::HashMap<String, std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("counts.tsv")).expect("counts.tsv beside the fixtures");
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            let file = cells[0].trim_start_matches("./").to_string();
            let row = head.iter().zip(cells.iter()).map(|(h, c)| (h.to_string(), c.to_string())).collect();
            (file, row)
        })
        .collect()
}

/// One browser at a time: the machines have two cores, and parallel
/// Chromium instances make every timing noisy.
pub(crate) static ONE_BROWSER: Mutex<()> = Mutex::new(());

/// What to start.
#[derive(Debug, Clone)]
pub struct Options {
    /// Load the extension (off for baselines).
    pub extension: bool,
    /// Other unpacked extensions to load (peers, for comparisons).
    pub others: Vec<PathBuf>,
    pub extra_args: Vec<String>,
    pub profile: Option<PathBuf>,
    pub headed: bool,
    /// Wait for the page-policy rule before returning.
    pub wait_for_rule: bool,
    /// Optional sites (hosts) the reader has allowed, as Chrome records it
    /// once they said yes to its prompt (which headless Chromium cannot
    /// show): the extension is loaded from a copy whose manifest grants
    /// them at install. Everything after the grant is the product's own.
    pub granted: Vec<String>,
    /// Leave the line a new install shows on pages until dismissed (off:
    /// the harness dismisses it, as a reader of more than a day has, once
    /// the install is done — with `wait_for_rule`).
    pub welcome: bool,
    /// Diagnostics mode (on by default here): pages show what the content
    /// script reports of its run on the root (`data-hnew-*`), which the
    /// tests read. Off, the root carries only what the styles need.
    pub diagnostics: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            extension: true,
            others: Vec::new(),
            extra_args: Vec::new(),
            profile: None,
            headed: false,
            wait_for_rule: true,
            granted: Vec::new(),
            welcome: false,
            diagnostics: true,
        }
    }
}

/// A replica and a browser pointed at it.
pub struct Harness {
    // Field order matters: the browser closes before the replica stops.
    pub browser: Browser,
    pub replica: Replica,
    _turn: MutexGuard<'static, ()>,
}

pub type Error = Box<dyn std::error::Error + Send + Sync>;

impl Harness {
    pub fn start(opts: Options) -> Result<Harness, Error> {
        let turn = ONE_BROWSER.lock().unwrap_or_else(|p| p.into_inner());
        let replica = Replica::start_default()?;
        Self::with_replica(replica, opts, turn)
    }

    fn with_replica(replica: Replica, opts: Options, turn: MutexGuard<'static, ()>) -> Result<Harness, Error> {
        let mut extensions = Vec::new();
        if opts.extension {
            let dist = dist();
            if !dist.join("manifest.json").exists() {
                return Err(format!("{} has no manifest.json: run `cargo build` first", dist.display()).into());
            }
            extensions.push(if opts.granted.is_empty() { dist } else { granting(&dist, &opts.granted)? });
        }
        extensions.extend(opts.others.iter().cloned());
        let mut args = replica.chromium_args();
        args.extend(opts.extra_args.iter().cloned());
        if opts.others.iter().any(|p| is_mv2(p)) {
            args.push("--disable-features=ExtensionManifestV2Unsupported,ExtensionManifestV2Disabled".into());
        }
        let browser = Browser::launch(Launch { extensions, args, profile: opts.profile.clone(), headed: opts.headed })?;
        let h = Harness { browser, replica, _turn: turn };
        if opts.extension && opts.diagnostics {
            // As soon as the worker's global has its API (the first
            // evaluation may come before).
            h.worker()?.wait_until(
                "typeof chrome === 'object' && chrome.storage.session.set({ diagnostics: true }).then(() => true)",
                Duration::from_secs(20),
            )?;
        }
        if opts.extension && opts.wait_for_rule {
            h.wait_for_rule()?;
            if !opts.welcome {
                h.worker()?.eval("self.hnewHandle({ v: 1, kind: 'welcomed' })")?;
            }
        }
        Ok(h)
    }

    /// Replaces the replica (for a second browser on the same pages).
    pub fn replica(&self) -> &Replica {
        &self.replica
    }

    /// The extension's service worker.
    pub fn worker(&self) -> Result<Session<'_>, Error> {
        Ok(self.browser.extension_worker(EXTENSION_ID, Duration::from_secs(20))?)
    }

    /// Signs the browser in to the local HN as `tester` (HN's `user`
    /// cookie, persistent as HN's is: it survives a browser restart).
    pub fn log_in(&self) {
        self.browser
            .call(
                None,
                "Storage.setCookies",
                serde_json::json!({"cookies": [{"name": "user", "value": "tester&token", "domain": "news.ycombinator.com", "path": "/", "secure": true, "expires": 4_102_444_800.0}]}),
            )
            .expect("set the session cookie");
    }

    /// The local HN's address for `target`: `synth:N` mounts a thread of N
    /// comments generated from a real 2026 thread (as the benchmark's) and
    /// gives its address; anything else is a path of the local HN already.
    pub fn mount_target(&self, target: &str) -> String {
        let Some(n) = target.strip_prefix("synth:").and_then(|n| n.parse::<usize>().ok()) else {
            return target.into();
        };
        let f = self.replica.fixtures();
        let Some(template) = f.by_rel("item/easyhn-item-48350598.html") else { return target.into() };
        let Some(html) = hn_replica::synth::thread(&String::from_utf8_lossy(&template.body), n, 90_000_000, 7) else {
            return target.into();
        };
        let path = format!("/item?id={}", 80_000_000 + n);
        self.replica.mount(hn_replica::HN_HOST, &path, "text/html; charset=utf-8", html.into_bytes());
        path
    }

    /// Stops the extension's service worker (as Chrome does when it is idle,
    /// or kills it) and waits until it is gone.
    pub fn stop_worker(&self) -> Result<(), Error> {
        if stop_worker(&self.browser)? {
            Ok(())
        } else {
            Err("the worker is not running".into())
        }
    }

    /// Waits until the background has installed its page-policy rule
    /// (see [`expect_rule`]).
    pub fn wait_for_rule(&self) -> Result<(), Error> {
        expect_rule(&self.worker()?)
    }

    /// Opens an HN address (path and query) in a new tab.
    pub fn open(&self, target: &str) -> Result<Page<'_>, Error> {
        let url = format!("{HN}{target}");
        Ok(Page { session: self.browser.open(&url)?, name: slug(target) })
    }

    /// Opens any address (another site the replica serves) in a new tab.
    pub fn open_url(&self, url: &str) -> Result<Page<'_>, Error> {
        Ok(Page { session: self.browser.open(url)?, name: slug(url) })
    }

    /// Clicks the extension's toolbar button for `page`'s tab, as a reader
    /// would (the browser grants `activeTab` on that tab), and returns the
    /// popup that opens.
    pub fn open_popup_for(&self, page: &Page) -> Result<Page<'_>, Error> {
        // The action belongs to the tab (the target above the page's).
        let url = page.value("location.href");
        let tabs =
            self.browser.call(None, "Target.getTargets", serde_json::json!({ "filter": [{ "type": "tab" }] }))?;
        let tab = tabs["targetInfos"]
            .as_array()
            .and_then(|all| all.iter().find(|t| t["url"] == url))
            .and_then(|t| t["targetId"].as_str())
            .ok_or("no tab shows that page")?
            .to_string();
        let url = format!("chrome-extension://{EXTENSION_ID}/popup/popup.html");
        // A popup page opened in a tab earlier is not the one that opens now.
        let before: Vec<serde_json::Value> = self
            .browser
            .targets()?
            .into_iter()
            .filter(|t| t["url"] == url.as_str())
            .map(|t| t["targetId"].clone())
            .collect();
        self.browser.call(
            None,
            "Extensions.triggerAction",
            serde_json::json!({ "id": EXTENSION_ID, "targetId": tab }),
        )?;
        let target = self.browser.wait_for_target("the popup", Duration::from_secs(10), |t| {
            t["url"] == url.as_str() && !before.contains(&t["targetId"])
        })?;
        let session = self.browser.attach(target["targetId"].as_str().unwrap_or_default())?;
        Ok(Page { session, name: "popup".into() })
    }

    /// A second browser profile with the extension, on the same local HN
    /// (Chrome Sync is the test's to play: copy `chrome.storage.sync`).
    pub fn second_profile(&self) -> Result<Browser, Error> {
        let args = self.replica.chromium_args();
        Ok(Browser::launch(Launch { extensions: vec![dist()], args, profile: None, headed: false })?)
    }

    /// Opens an extension page, e.g. `popup/popup.html`.
    pub fn open_extension(&self, path: &str) -> Result<Page<'_>, Error> {
        let url = format!("chrome-extension://{EXTENSION_ID}/{path}");
        Ok(Page { session: self.browser.open(&url)?, name: slug(path) })
    }
}

/// Stops the extension's service worker in `browser` (as Chrome does when
/// it is idle, or kills it) and waits until it is gone: `false` when none
/// was running.
pub fn stop_worker(browser: &Browser) -> Result<bool, Error> {
    let prefix = format!("chrome-extension://{EXTENSION_ID}/");
    let is_worker = |t: &serde_json::Value| {
        t["type"] == "service_worker" && t["url"].as_str().is_some_and(|u| u.starts_with(&prefix))
    };
    let Some(target) = browser.targets()?.into_iter().find(|t| is_worker(t)) else { return Ok(false) };
    // Generous: on a loaded two-core machine a worker busy with its
    // start-up work (policy rules, sites, sync) takes a while to close,
    // and a close asked for while it handles an event can go unheeded:
    // asked again every 2 s.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut asked = std::time::Instant::now() - Duration::from_secs(10);
    while browser.targets()?.iter().any(|t| is_worker(t) && t["targetId"] == target["targetId"]) {
        if std::time::Instant::now() > deadline {
            return Err("the worker did not stop".into());
        }
        if asked.elapsed() >= Duration::from_secs(2) {
            let _ = browser.call(None, "Target.closeTarget", serde_json::json!({ "targetId": target["targetId"] }));
            asked = std::time::Instant::now();
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(true)
}

/// A copy of `dist` whose manifest grants the optional `hosts` at install
/// (same key, so the same extension id).
fn granting(dist: &Path, hosts: &[String]) -> Result<PathBuf, Error> {
    let copy = root().join("target").join(format!("dist-granted-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    copy_tree(dist, &copy)?;
    let path = copy.join("manifest.json");
    let mut manifest: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
    let origins: Vec<String> = hosts.iter().map(|h| format!("https://{h}/*")).collect();
    let optional = manifest["optional_host_permissions"].as_array().cloned().unwrap_or_default();
    for o in &origins {
        if !optional.iter().any(|v| v == o) {
            return Err(format!("{o} is not an optional host permission of the extension").into());
        }
    }
    manifest["optional_host_permissions"] =
        optional.into_iter().filter(|v| !origins.iter().any(|o| v == o)).collect::<Vec<_>>().into();
    if let Some(hp) = manifest["host_permissions"].as_array_mut() {
        hp.extend(origins.into_iter().map(serde_json::Value::from));
    }
    std::fs::write(&path, serde_json::to_string_pretty(&manifest)?)?;
    Ok(copy)
}

/// Copies a folder and everything in it.
pub fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

fn is_mv2(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .is_some_and(|m| m["manifest_version"] == 2)
}

fn slug(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// A tab, with checks that explain themselves when they fail.
pub struct Page<'b> {
    pub session: Session<'b>,
    name: String,
}

impl Page<'_> {
    pub fn eval(&self, expr: &str) -> Result<serde_json::Value, Error> {
        Ok(self.session.eval(expr)?)
    }

    /// Evaluates `expr` (promises awaited) in the extension's content-script
    /// world of this page, where its content script runs: what a script
    /// there could do.
    pub fn eval_in_content_world(&self, expr: &str) -> Result<serde_json::Value, Error> {
        let events = self.session.browser().events();
        let context = events
            .iter()
            .filter(|e| e["method"] == "Runtime.executionContextCreated" && e["sessionId"] == self.session.id.as_str())
            .rfind(|e| e["params"]["context"]["auxData"]["type"] == "isolated")
            .map(|e| e["params"]["context"]["id"].clone())
            .ok_or("the content script's world was not created on this page")?;
        let v = self.session.call(
            "Runtime.evaluate",
            serde_json::json!({ "contextId": context, "expression": expr, "awaitPromise": true, "returnByValue": true }),
        )?;
        if let Some(e) = v.get("exceptionDetails") {
            return Err(format!("{expr}: {e}").into());
        }
        Ok(v["result"]["value"].clone())
    }

    /// Waits for `expr` to be truthy; on failure, panics with the console
    /// and a screenshot path.
    pub fn expect(&self, expr: &str, what: &str) -> serde_json::Value {
        match self.session.wait_until(expr, Duration::from_secs(15)) {
            Ok(v) => v,
            Err(e) => self.fail(&format!("{what}: {e}")),
        }
    }

    /// Waits until the content script's second module (cards, menus,
    /// replies, keys: loaded on the first gesture that needs it) is no
    /// longer loading, so what a gesture does can be checked at once.
    pub fn settle(&self) {
        self.expect("document.documentElement.dataset.hnewMore !== 'loading'", "the second module loaded");
    }

    /// How many times the start-up module has applied a state to the page
    /// (diagnostics mode): read before a change, then [`Page::applied_after`].
    pub fn applied(&self) -> u64 {
        self.value("+(document.documentElement.dataset.hnewApplied || 0)").as_u64().unwrap_or(0)
    }

    /// Waits until a state was applied after the `before`th: the page has
    /// taken in a change, and what it left alone can be checked.
    pub fn applied_after(&self, before: u64) {
        self.expect(
            &format!("+(document.documentElement.dataset.hnewApplied || 0) > {before}"),
            "the page applied the changed state",
        );
    }

    /// Waits for `n` frames of the page to be rendered: what a style or
    /// layout change would set off (a transition, an observer) has started.
    pub fn frames(&self, n: u32) {
        let mut expr = "r(true)".to_string();
        for _ in 0..n {
            expr = format!("requestAnimationFrame(() => {expr})");
        }
        self.expect(&format!("new Promise(r => {expr})"), "the page rendered its frames");
    }

    /// Evaluates `expr` once and returns its value, failing loudly on error.
    pub fn value(&self, expr: &str) -> serde_json::Value {
        match self.session.eval(expr) {
            Ok(v) => v,
            Err(e) => self.fail(&format!("evaluating `{expr}`: {e}")),
        }
    }

    /// Panics with what the page said and a screenshot.
    pub fn fail(&self, what: &str) -> ! {
        let shot = artifacts().join(format!("{}.png", self.name));
        let saved = match self.session.screenshot(&shot) {
            Ok(()) => format!("screenshot: {}", shot.display()),
            Err(e) => format!("no screenshot ({e})"),
        };
        let console = self.session.console();
        panic!("{what}\n{saved}\nbrowser console ({} lines):\n{}", console.len(), console.join("\n"));
    }

    pub fn exceptions(&self) -> Vec<String> {
        self.session.exceptions()
    }

    pub fn navigate(&self, target: &str) -> Result<(), Error> {
        Ok(self.session.navigate(&format!("{HN}{target}"))?)
    }

    /// Reloads and waits for the new document to load: the old one is
    /// marked first, so its own `complete` state is never taken for the
    /// new one's.
    pub fn reload(&self) -> Result<(), Error> {
        self.session.eval("window.hnewOldDocument = true")?;
        self.session.call("Page.reload", serde_json::json!({}))?;
        self.session
            .wait_until("!window.hnewOldDocument && document.readyState === 'complete'", Duration::from_secs(20))?;
        Ok(())
    }

    pub fn screenshot(&self, path: &Path) -> Result<(), Error> {
        Ok(self.session.screenshot(path)?)
    }

    // A reader's input: trusted events from the browser (CDP `Input`), as
    // the extension ignores events a page's scripts make up.

    /// Where the element `element` (a JavaScript expression) is, its
    /// centre in the window once scrolled into view.
    fn centre(&self, element: &str) -> (f64, f64) {
        self.to_front();
        let at = self.value(&format!(
            "(() => {{ const el = {element}; if (!el) return null; el.scrollIntoView({{ block: 'center', inline: 'center' }}); \
             const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
        ));
        match (at[0].as_f64(), at[1].as_f64()) {
            (Some(x), Some(y)) => (x, y),
            _ => self.fail(&format!("no element to point at: {element}")),
        }
    }

    /// Makes this the tab in front: input goes to the page the reader
    /// sees (a tab behind others is not laid out or painted headless).
    fn to_front(&self) {
        if let Err(e) = self.session.call("Page.bringToFront", serde_json::json!({})) {
            self.fail(&format!("bringing the tab to the front: {e}"));
        }
    }

    fn mouse(&self, kind: &str, (x, y): (f64, f64), button: &str) {
        let buttons = match (kind, button) {
            ("mousePressed", "left") => 1,
            ("mousePressed", "right") => 2,
            _ => 0,
        };
        let event =
            serde_json::json!({ "type": kind, "x": x, "y": y, "button": button, "buttons": buttons, "clickCount": 1 });
        if let Err(e) = self.session.call("Input.dispatchMouseEvent", event) {
            self.fail(&format!("{kind} at {x},{y}: {e}"));
        }
    }

    /// Moves the pointer onto the element `element` (a JavaScript
    /// expression).
    pub fn hover_on(&self, element: &str) {
        let at = self.centre(element);
        self.mouse("mouseMoved", at, "none");
    }

    /// Waits until the extension has applied the reader's state to the page
    /// (set by the content script once its features ran with the state; a
    /// page whose wasm was refused never gets it).
    pub fn ready(&self) {
        self.expect("document.documentElement.dataset.hnewState === 'applied'", "the state was applied");
    }

    /// Clicks the element `element` (a JavaScript expression).
    pub fn click_on(&self, element: &str) {
        let at = self.centre(element);
        self.mouse("mouseMoved", at, "none");
        self.mouse("mousePressed", at, "left");
        self.mouse("mouseReleased", at, "left");
    }

    /// Moves the pointer to the window's top left corner, off every row.
    pub fn move_away(&self) {
        self.to_front();
        self.mouse("mouseMoved", (1.0, 1.0), "none");
    }

    /// Clicks the window's top left corner (the page's margin): a click
    /// outside whatever is open.
    pub fn click_outside(&self) {
        self.move_away();
        self.mouse("mousePressed", (1.0, 1.0), "left");
        self.mouse("mouseReleased", (1.0, 1.0), "left");
    }

    /// Clicks the first element matching the CSS `selector`.
    pub fn click(&self, selector: &str) {
        self.click_on(&format!("document.querySelector({selector:?})"));
    }

    /// Moves the pointer onto the first element matching `selector`.
    pub fn hover(&self, selector: &str) {
        self.hover_on(&format!("document.querySelector({selector:?})"));
    }

    /// Opens the context menu on the element `element` (the browser's own
    /// menu is not shown headless; the page gets its `contextmenu`).
    pub fn right_click_on(&self, element: &str) {
        let at = self.centre(element);
        self.mouse("mouseMoved", at, "none");
        self.mouse("mousePressed", at, "right");
        self.mouse("mouseReleased", at, "right");
    }

    /// Presses and releases `key` (a `KeyboardEvent.key` value) with
    /// `modifiers` (`Input` bits: Alt 1, Ctrl 2, Meta 4, Shift 8) where
    /// focus is.
    pub fn press(&self, key: &str, modifiers: u32) {
        let (code, vk, text) = match key {
            "Escape" => ("Escape".to_string(), 27, None),
            "Enter" => ("Enter".to_string(), 13, Some("\r")),
            "Tab" => ("Tab".to_string(), 9, None),
            "ArrowDown" => ("ArrowDown".to_string(), 40, None),
            "ArrowUp" => ("ArrowUp".to_string(), 38, None),
            "ArrowLeft" => ("ArrowLeft".to_string(), 37, None),
            "ArrowRight" => ("ArrowRight".to_string(), 39, None),
            "PageDown" => ("PageDown".to_string(), 34, None),
            "End" => ("End".to_string(), 35, None),
            "Home" => ("Home".to_string(), 36, None),
            " " => ("Space".to_string(), 32, Some(" ")),
            k if k.chars().count() == 1 => {
                let c = k.chars().next().unwrap_or(' ');
                let code = if c.is_ascii_alphabetic() {
                    format!("Key{}", c.to_ascii_uppercase())
                } else if c.is_ascii_digit() {
                    format!("Digit{c}")
                } else {
                    match c {
                        '?' | '/' => "Slash".into(),
                        _ => String::new(),
                    }
                };
                (code, c.to_ascii_uppercase() as u32, Some(k))
            }
            other => self.fail(&format!("no key code known for {other:?}")),
        };
        self.to_front();
        // A modifier held: no text (as a browser sends Ctrl+J, say).
        let text = text.filter(|_| modifiers & 0b0111 == 0);
        let mut down = serde_json::json!({
            "type": if text.is_some() { "keyDown" } else { "rawKeyDown" },
            "key": key, "code": code, "windowsVirtualKeyCode": vk, "modifiers": modifiers,
        });
        if let Some(t) = text {
            down["text"] = t.into();
        }
        let up = serde_json::json!({ "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk, "modifiers": modifiers });
        for event in [down, up] {
            if let Err(e) = self.session.call("Input.dispatchKeyEvent", event) {
                self.fail(&format!("pressing {key}: {e}"));
            }
        }
    }

    /// Puts focus in the field `element` (a JavaScript expression) and
    /// types `text` into it, as a reader's keyboard would (the field keeps
    /// what it held before).
    pub fn type_into(&self, element: &str, text: &str) {
        self.to_front();
        self.value(&format!("(() => {{ const el = {element}; el.focus(); const n = el.value.length; el.setSelectionRange(n, n); return true; }})()"));
        if let Err(e) = self.session.call("Input.insertText", serde_json::json!({ "text": text })) {
            self.fail(&format!("typing into {element}: {e}"));
        }
    }
}
