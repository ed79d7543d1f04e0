//! A small Chrome DevTools Protocol client over `--remote-debugging-pipe`
//! (and, in `bidi`, Firefox over WebDriver BiDi).
//!
//! Why a pipe and not WebDriver: no port to find or race for, no driver
//! binary whose version must match the browser, and direct access to what the
//! tests and benchmarks need (extension service-worker targets, console and
//! exception events, `Performance.getMetrics`, screenshots). Messages are JSON
//! terminated by a NUL byte: the browser reads commands on fd 3 and writes
//! replies and events on fd 4.

pub mod bidi;

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub type Result<T> = std::result::Result<T, Error>;

#[derive(Debug)]
pub enum Error {
    Io(io::Error),
    /// The browser answered a command with an error.
    Protocol(String),
    /// Script evaluation threw.
    Script(String),
    Timeout(String),
    Closed,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io(e) => write!(f, "i/o: {e}"),
            Error::Protocol(e) => write!(f, "protocol: {e}"),
            Error::Script(e) => write!(f, "script threw: {e}"),
            Error::Timeout(e) => write!(f, "timed out: {e}"),
            Error::Closed => write!(f, "browser connection closed"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

/// Where to find Chromium: `$CHROMIUM`, else the usual Debian paths.
pub fn chromium_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// How to start the browser.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// Unpacked extensions to load.
    pub extensions: Vec<PathBuf>,
    /// Extra flags (host rules, features).
    pub args: Vec<String>,
    /// Profile folder to use (kept); a fresh temporary one when `None`.
    pub profile: Option<PathBuf>,
    /// Show a window instead of running headless.
    pub headed: bool,
}

struct Shared {
    pending: Mutex<HashMap<u64, Sender<Value>>>,
    events: Mutex<Vec<Value>>,
    event_signal: Condvar,
    closed: Mutex<bool>,
}

/// A running browser. Closed (and its temporary profile removed) on drop.
pub struct Browser {
    child: Child,
    writer: Mutex<File>,
    shared: Arc<Shared>,
    next_id: AtomicU64,
    temp_profile: Option<PathBuf>,
    pub profile: PathBuf,
}

impl Browser {
    pub fn launch(opts: Launch) -> Result<Browser> {
        let exe = chromium_path().ok_or_else(|| {
            Error::Io(io::Error::new(
                io::ErrorKind::NotFound,
                "Chromium not found: install Debian's `chromium` package or set CHROMIUM",
            ))
        })?;
        let (profile, temp_profile) = match &opts.profile {
            Some(p) => (p.clone(), None),
            None => {
                let p = temp_dir("profile")?;
                (p.clone(), Some(p))
            }
        };
        let mut args: Vec<String> = vec![
            "--remote-debugging-pipe".into(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--no-default-browser-check".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--disable-dev-shm-usage".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        if !opts.headed {
            args.push("--headless=new".into());
        }
        if !opts.extensions.is_empty() {
            let list: Vec<String> = opts.extensions.iter().map(|p| p.display().to_string()).collect();
            args.push(format!("--load-extension={}", list.join(",")));
            args.push(format!("--disable-extensions-except={}", list.join(",")));
            args.push("--enable-unsafe-extension-debugging".into());
        }
        args.extend(opts.args.iter().cloned());
        args.push("about:blank".into());

        // Pipes: the browser reads commands from fd 3 and writes to fd 4.
        let (cmd_read, cmd_write) = pipe()?;
        let (evt_read, evt_write) = pipe()?;
        let (child_in, child_out) = (cmd_read.as_raw_fd(), evt_write.as_raw_fd());
        let mut command = Command::new(exe);
        command.args(&args).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null());
        // SAFETY: only async-signal-safe calls (fcntl, dup2) between fork and exec.
        unsafe {
            command.pre_exec(move || {
                let a = libc::fcntl(child_in, libc::F_DUPFD, 10);
                let b = libc::fcntl(child_out, libc::F_DUPFD, 10);
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn()?;
        drop(cmd_read);
        drop(evt_write);
        let shared = Arc::new(Shared {
            pending: Mutex::new(HashMap::new()),
            events: Mutex::new(Vec::new()),
            event_signal: Condvar::new(),
            closed: Mutex::new(false),
        });
        {
            let shared = shared.clone();
            let reader = File::from(evt_read);
            std::thread::Builder::new().name("cdp-reader".into()).spawn(move || read_loop(reader, shared))?;
        }
        let browser = Browser {
            child,
            writer: Mutex::new(File::from(cmd_write)),
            shared,
            next_id: AtomicU64::new(1),
            temp_profile,
            profile,
        };
        browser.call(None, "Target.setDiscoverTargets", json!({"discover": true}))?;
        Ok(browser)
    }

    /// Sends a command (to a session, or to the browser when `None`).
    pub fn call(&self, session: Option<&str>, method: &str, params: Value) -> Result<Value> {
        self.call_timeout(session, method, params, Duration::from_secs(60))
    }

    pub fn call_timeout(&self, session: Option<&str>, method: &str, params: Value, timeout: Duration) -> Result<Value> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        let (tx, rx): (Sender<Value>, Receiver<Value>) = channel();
        lock(&self.shared.pending).insert(id, tx);
        {
            let mut w = lock(&self.writer);
            let mut bytes = serde_json::to_vec(&msg).map_err(|e| Error::Protocol(e.to_string()))?;
            bytes.push(0);
            w.write_all(&bytes)?;
            w.flush()?;
        }
        let reply = rx.recv_timeout(timeout).map_err(|_| {
            lock(&self.shared.pending).remove(&id);
            if *lock(&self.shared.closed) {
                Error::Closed
            } else {
                Error::Timeout(format!("{method} after {timeout:?}"))
            }
        })?;
        if let Some(err) = reply.get("error") {
            return Err(Error::Protocol(format!("{method}: {err}")));
        }
        Ok(reply.get("result").cloned().unwrap_or(Value::Null))
    }

    pub fn version(&self) -> Result<String> {
        let v = self.call(None, "Browser.getVersion", json!({}))?;
        Ok(v["product"].as_str().unwrap_or("unknown").to_string())
    }

    /// All targets (pages, workers, extension pages).
    pub fn targets(&self) -> Result<Vec<Value>> {
        let v = self.call(None, "Target.getTargets", json!({}))?;
        Ok(v["targetInfos"].as_array().cloned().unwrap_or_default())
    }

    /// Waits until a target satisfying `pred` exists.
    pub fn wait_for_target(&self, what: &str, timeout: Duration, pred: impl Fn(&Value) -> bool) -> Result<Value> {
        let end = Instant::now() + timeout;
        loop {
            if let Some(t) = self.targets()?.into_iter().find(|t| pred(t)) {
                return Ok(t);
            }
            if Instant::now() > end {
                return Err(Error::Timeout(format!("no target {what}")));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Attaches to a target and enables the domains tests use.
    pub fn attach(&self, target_id: &str) -> Result<Session<'_>> {
        let v = self.call(None, "Target.attachToTarget", json!({"targetId": target_id, "flatten": true}))?;
        let session_id =
            v["sessionId"].as_str().ok_or_else(|| Error::Protocol("attach gave no session".into()))?.to_string();
        let s = Session { browser: self, id: session_id, target_id: target_id.to_string() };
        s.call("Runtime.enable", json!({}))?;
        s.call("Log.enable", json!({})).ok();
        Ok(s)
    }

    /// Opens a new tab at `url` and waits for it to load.
    pub fn open(&self, url: &str) -> Result<Session<'_>> {
        let v = self.call(None, "Target.createTarget", json!({"url": "about:blank"}))?;
        let target = v["targetId"].as_str().ok_or_else(|| Error::Protocol("no targetId".into()))?;
        let s = self.attach(target)?;
        s.call("Page.enable", json!({}))?;
        s.navigate(url)?;
        Ok(s)
    }

    /// The service worker of the extension with this id.
    pub fn extension_worker(&self, extension_id: &str, timeout: Duration) -> Result<Session<'_>> {
        let prefix = format!("chrome-extension://{extension_id}/");
        let t = self.wait_for_target("extension service worker", timeout, |t| {
            t["type"] == "service_worker" && t["url"].as_str().is_some_and(|u| u.starts_with(&prefix))
        })?;
        self.attach(t["targetId"].as_str().unwrap_or_default())
    }

    /// Events received so far (all sessions).
    pub fn events(&self) -> Vec<Value> {
        lock(&self.shared.events).clone()
    }

    /// Closes the browser and waits for it to exit.
    pub fn close(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.call_timeout(None, "Browser.close", json!({}), Duration::from_secs(5));
        reap(&mut self.child, Duration::from_secs(5));
        if let Some(p) = self.temp_profile.take() {
            let _ = std::fs::remove_dir_all(p);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A session attached to one target.
pub struct Session<'b> {
    browser: &'b Browser,
    pub id: String,
    pub target_id: String,
}

impl<'b> Session<'b> {
    /// The browser this session belongs to.
    pub fn browser(&self) -> &'b Browser {
        self.browser
    }

    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        self.browser.call(Some(&self.id), method, params)
    }

    /// Evaluates an expression (awaiting a promise) and returns its value.
    pub fn eval(&self, expr: &str) -> Result<Value> {
        let v = self.call(
            "Runtime.evaluate",
            json!({"expression": expr, "awaitPromise": true, "returnByValue": true, "userGesture": true}),
        )?;
        if let Some(ex) = v.get("exceptionDetails") {
            let text = ex["exception"]["description"]
                .as_str()
                .or_else(|| ex["text"].as_str())
                .unwrap_or("exception")
                .to_string();
            return Err(Error::Script(text));
        }
        Ok(v["result"]["value"].clone())
    }

    /// Navigates and waits for the load to complete.
    pub fn navigate(&self, url: &str) -> Result<()> {
        let v = self.call("Page.navigate", json!({"url": url}))?;
        if let Some(e) = v.get("errorText").and_then(Value::as_str) {
            return Err(Error::Protocol(format!("navigating to {url}: {e}")));
        }
        self.wait_until(
            "document.readyState === 'complete' && location.href !== 'about:blank'",
            Duration::from_secs(30),
        )?;
        Ok(())
    }

    /// Polls `expr` until it is truthy; returns its value.
    pub fn wait_until(&self, expr: &str, timeout: Duration) -> Result<Value> {
        let end = Instant::now() + timeout;
        let mut last_err = None;
        loop {
            match self.eval(expr) {
                Ok(v) if truthy(&v) => return Ok(v),
                Ok(_) => {}
                Err(e @ (Error::Closed | Error::Io(_))) => return Err(e),
                Err(e) => last_err = Some(e.to_string()),
            }
            if Instant::now() > end {
                return Err(Error::Timeout(format!(
                    "waiting for `{expr}`{}",
                    last_err.map(|e| format!(" (last error: {e})")).unwrap_or_default()
                )));
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Saves a PNG screenshot of the viewport.
    pub fn screenshot(&self, path: &Path) -> Result<()> {
        let v = self.call("Page.captureScreenshot", json!({"format": "png"}))?;
        let data = v["data"].as_str().ok_or_else(|| Error::Protocol("no screenshot data".into()))?;
        let bytes = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .map_err(|e| Error::Protocol(format!("bad base64: {e}")))?
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, bytes)?;
        Ok(())
    }

    /// Console messages, log entries and uncaught exceptions of this target,
    /// one line each.
    pub fn console(&self) -> Vec<String> {
        self.browser.events().iter().filter(|e| e["sessionId"] == self.id.as_str()).filter_map(describe_event).collect()
    }

    /// Uncaught exceptions of this target.
    pub fn exceptions(&self) -> Vec<String> {
        self.browser
            .events()
            .iter()
            .filter(|e| e["sessionId"] == self.id.as_str() && e["method"] == "Runtime.exceptionThrown")
            .filter_map(describe_event)
            .collect()
    }

    /// Closes this target.
    pub fn close(self) -> Result<()> {
        self.browser.call(None, "Target.closeTarget", json!({"targetId": self.target_id}))?;
        Ok(())
    }
}

fn describe_event(e: &Value) -> Option<String> {
    let p = &e["params"];
    match e["method"].as_str()? {
        "Runtime.consoleAPICalled" => {
            let args: Vec<String> = p["args"]
                .as_array()?
                .iter()
                .map(|a| {
                    a["value"].as_str().map(str::to_string).unwrap_or_else(|| {
                        a["description"].as_str().map(str::to_string).unwrap_or_else(|| a["value"].to_string())
                    })
                })
                .collect();
            Some(format!("console.{}: {}", p["type"].as_str().unwrap_or("log"), args.join(" ")))
        }
        "Runtime.exceptionThrown" => {
            let d = &p["exceptionDetails"];
            Some(format!(
                "exception: {} {}",
                d["text"].as_str().unwrap_or(""),
                d["exception"]["description"].as_str().unwrap_or("")
            ))
        }
        "Log.entryAdded" => Some(format!(
            "log.{}: {} {}",
            p["entry"]["level"].as_str().unwrap_or(""),
            p["entry"]["text"].as_str().unwrap_or(""),
            p["entry"]["url"].as_str().unwrap_or("")
        )),
        _ => None,
    }
}

pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

fn read_loop(file: File, shared: Arc<Shared>) {
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(0, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if buf.last() == Some(&0) {
            buf.pop();
        }
        let Ok(msg) = serde_json::from_slice::<Value>(&buf) else { continue };
        if let Some(id) = msg.get("id").and_then(Value::as_u64) {
            if let Some(tx) = lock(&shared.pending).remove(&id) {
                let _ = tx.send(msg);
            }
        } else {
            lock(&shared.events).push(msg);
            shared.event_signal.notify_all();
        }
    }
    *lock(&shared.closed) = true;
    // Fail every waiting call at once.
    lock(&shared.pending).clear();
}

fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` is a valid two-element array for pipe2 to fill.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: pipe2 succeeded, so both descriptors are open and owned by us.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Gives a browser asked to close `grace` to exit, then kills it, and waits
/// for it either way.
pub(crate) fn reap(child: &mut Child, grace: Duration) {
    let end = Instant::now() + grace;
    while Instant::now() < end {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A fresh folder under the system's temporary folder.
pub fn temp_dir(what: &str) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    let p = std::env::temp_dir().join(format!("hacker-new-{what}-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&p)?;
    Ok(p)
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
