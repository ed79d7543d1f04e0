//! A local Hacker News.
//!
//! Serves the real saved pages of `../shared/fixtures` over HTTPS on loopback,
//! at their Hacker News paths, with the Content-Security-Policy HN sends; the
//! HN API on its own host; and HN's failures on demand (latency, 503, 429, the
//! "not able to serve your requests this quickly" page, an empty page, a
//! dropped connection). Tests map the real host names to it with Chromium's
//! `--host-resolver-rules`, so the extension sees what users see.
#![forbid(unsafe_code)]

mod assets;
mod forms;
mod http;
mod routes;
mod search;
pub mod synth;

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use forms::Posted;
pub use routes::{Fixtures, FIXTURES_ENV};

/// The host names the replica answers for.
pub const HN_HOST: &str = "news.ycombinator.com";
pub const API_HOST: &str = "hacker-news.firebaseio.com";
/// HN's search API.
pub const SEARCH_HOST: &str = "hn.algolia.com";
/// Lobsters, the second site.
pub const LOBSTERS_HOST: &str = "lobste.rs";
/// A strict policy for the Lobsters replica, without `'wasm-unsafe-eval'`:
/// the content script must work whatever policy the live site sends.
pub const LOBSTERS_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
     frame-ancestors 'none'";
/// A site that is neither HN nor Lobsters: an article a reader opened from
/// HN (`synth::article`), for what the extension does on any web page.
pub const WEB_HOST: &str = "blog.example.org";
pub const HOSTS: [&str; 5] = [HN_HOST, API_HOST, SEARCH_HOST, LOBSTERS_HOST, WEB_HOST];

/// HN's answer when it rate-limits, served with status 200 as HN does.
pub const RATE_LIMITED_BODY: &str = "Sorry, we're not able to serve your requests this quickly.";

/// A failure the replica plays for matching requests.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer normally, after this delay.
    Latency(Duration),
    /// HTTP 503 with HN's short body.
    Unavailable,
    /// HTTP 429.
    TooManyRequests,
    /// HN's rate-limit page, with status 200.
    RateLimited,
    /// A well-formed HN page with no rows in it.
    EmptyPage,
    /// Close the connection without answering.
    Drop,
}

#[derive(Debug, Clone)]
struct FaultRule {
    host: Option<String>,
    /// Prefix of the path and query, e.g. `/news` or `/news?p=2`.
    prefix: String,
    fault: Fault,
    /// How many more requests it applies to; `None` for all.
    remaining: Option<u32>,
}

/// One request the replica saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub host: String,
    pub method: String,
    pub target: String,
    pub status: u16,
    pub at: Instant,
    pub body: Vec<u8>,
}

/// A response mounted by a test or benchmark (for example a generated page).
#[derive(Debug, Clone)]
pub struct Mounted {
    pub status: u16,
    pub content_type: String,
    pub body: Arc<Vec<u8>>,
}

impl State {
    /// The policy for one response.
    pub(crate) fn policy(&self) -> String {
        let n = self.nonces.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        lock(&self.csp).replace("{nonce}", &format!("n{n:08x}"))
    }
}

pub(crate) struct State {
    pub fixtures: Fixtures,
    /// The policy sent with HTML pages; `{nonce}` in it becomes a fresh
    /// value on every response.
    pub csp: Mutex<String>,
    nonces: std::sync::atomic::AtomicU64,
    faults: Mutex<Vec<FaultRule>>,
    seen: Mutex<Vec<Seen>>,
    pub mounted: Mutex<HashMap<(String, String), Mounted>>,
    pub forms: Mutex<forms::Forms>,
}

/// A running replica. Stops when dropped.
pub struct Replica {
    addr: SocketAddr,
    state: Arc<State>,
    stop: Arc<AtomicBool>,
}

impl Replica {
    /// Starts on an ephemeral loopback port, serving the fixtures in `dir`.
    pub fn start(dir: &Path) -> io::Result<Replica> {
        Self::start_on(dir, 0)
    }

    /// Starts on the given loopback port (0 for any).
    pub fn start_on(dir: &Path, port: u16) -> io::Result<Replica> {
        let fixtures = Fixtures::load(dir)?;
        let csp = std::fs::read_to_string(dir.join("hn-csp.txt"))
            .map_err(|e| io::Error::new(e.kind(), format!("reading hn-csp.txt in {}: {e}", dir.display())))?
            .trim()
            .to_string();
        let tls = Arc::new(http::tls_config(&HOSTS)?);
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            fixtures,
            csp: Mutex::new(csp),
            nonces: std::sync::atomic::AtomicU64::new(1),
            faults: Mutex::new(Vec::new()),
            seen: Mutex::new(Vec::new()),
            mounted: Mutex::new(HashMap::new()),
            forms: Mutex::new(forms::Forms::default()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        {
            let state = state.clone();
            let stop = stop.clone();
            std::thread::Builder::new().name("replica-accept".into()).spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let state = state.clone();
                    let tls = tls.clone();
                    let _ = std::thread::Builder::new()
                        .name("replica-conn".into())
                        .spawn(move || http::serve_connection(conn, tls, state));
                }
            })?;
        }
        Ok(Replica { addr, state, stop })
    }

    /// Starts with the fixtures found by [`Fixtures::default_dir`].
    pub fn start_default() -> io::Result<Replica> {
        Self::start(&Fixtures::default_dir())
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The fixtures being served.
    pub fn fixtures(&self) -> &Fixtures {
        &self.state.fixtures
    }

    /// The policy sent with every HTML page (as set: `{nonce}` unexpanded).
    pub fn csp(&self) -> String {
        lock(&self.state.csp).clone()
    }

    /// Sends another policy from now on (`{nonce}` in it: a fresh nonce on
    /// every response, as a site with per-response nonces does).
    pub fn set_csp(&self, policy: &str) {
        *lock(&self.state.csp) = policy.to_string();
    }

    /// Chromium flags that send the real host names here.
    /// Firefox preferences (name, value as written in `user.js`) that send
    /// every connection through this server as a proxy: the sites served
    /// here get a tunnel to it, every other host is refused
    /// (`http::tunnel`), and no name resolution changes.
    pub fn firefox_prefs(&self) -> Vec<(&'static str, String)> {
        let port = self.port().to_string();
        vec![
            ("network.proxy.type", "1".into()),
            ("network.proxy.ssl", "\"127.0.0.1\"".into()),
            ("network.proxy.ssl_port", port.clone()),
            ("network.proxy.http", "\"127.0.0.1\"".into()),
            ("network.proxy.http_port", port),
            ("network.proxy.share_proxy_settings", "false".into()),
            ("network.proxy.no_proxies_on", "\"\"".into()),
        ]
    }

    pub fn chromium_args(&self) -> Vec<String> {
        let rules: Vec<String> = HOSTS.iter().map(|h| format!("MAP {h} 127.0.0.1:{}", self.port())).collect();
        // Every other host fails to resolve: nothing leaves loopback, and a
        // composer tab opened by a test shows its URL without loading it.
        let mut rules = rules;
        rules.push("MAP * ~NOTFOUND".into());
        vec![format!("--host-resolver-rules={}", rules.join(", ")), "--ignore-certificate-errors".into()]
    }

    /// Plays `fault` for requests whose path and query start with `prefix`
    /// (on any host), for the next `times` of them (`None`: until cleared).
    pub fn fault(&self, prefix: &str, fault: Fault, times: Option<u32>) {
        self.fault_on(None, prefix, fault, times);
    }

    pub fn fault_on(&self, host: Option<&str>, prefix: &str, fault: Fault, times: Option<u32>) {
        lock(&self.state.faults).push(FaultRule {
            host: host.map(str::to_string),
            prefix: prefix.to_string(),
            fault,
            remaining: times,
        });
    }

    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// Serves `body` at `target` (path and query) on `host`, over any fixture.
    pub fn mount(&self, host: &str, target: &str, content_type: &str, body: Vec<u8>) {
        lock(&self.state.mounted).insert(
            (host.to_string(), target.to_string()),
            Mounted { status: 200, content_type: content_type.to_string(), body: Arc::new(body) },
        );
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.state.seen).clone()
    }

    /// Requests seen whose target starts with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        lock(&self.state.seen).iter().filter(|s| s.target.starts_with(prefix)).count()
    }

    /// Comments accepted by `/comment`.
    /// Votes, hides and favorites accepted: `(user, path and query)`.
    pub fn acted(&self) -> Vec<(String, String)> {
        lock(&self.state.forms).acted.clone()
    }

    pub fn posted(&self) -> Vec<Posted> {
        lock(&self.state.forms).posted.clone()
    }

    /// Makes `/comment` refuse replies to `parent` (a locked thread or dead comment).
    pub fn lock_thread(&self, parent: u64) {
        lock(&self.state.forms).locked.insert(parent.to_string());
    }

    /// Makes `/comment` answer "You're posting too fast" while on.
    pub fn too_fast(&self, on: bool) {
        lock(&self.state.forms).too_fast = on;
    }

    /// Makes comment `id` the signed-in reader's own, with this source
    /// text: HN then offers its edit and delete forms.
    pub fn own_comment(&self, id: u64, source: &str) {
        lock(&self.state.forms).own.insert(id.to_string(), source.to_string());
    }

    /// Closes the edit and delete window of own comment `id`.
    pub fn close_window(&self, id: u64) {
        lock(&self.state.forms).closed.insert(id.to_string());
    }

    /// Opens again the edit and delete window of own comment `id`.
    pub fn open_window(&self, id: u64) {
        lock(&self.state.forms).closed.remove(&id.to_string());
    }

    /// Whether own comment `id` has replies (HN does not delete it then).
    pub fn has_replies(&self, id: u64, replies: bool) {
        let answered = &mut lock(&self.state.forms).answered;
        if replies {
            answered.insert(id.to_string());
        } else {
            answered.remove(&id.to_string());
        }
    }

    /// Edits accepted by `/xedit`: `(user, id, text)`.
    pub fn edited(&self) -> Vec<(String, String, String)> {
        lock(&self.state.forms).edited.clone()
    }

    /// Deletions accepted by `/xdelete`: `(user, id)`.
    pub fn deleted(&self) -> Vec<(String, String)> {
        lock(&self.state.forms).deleted.clone()
    }

    /// Forgets issued reply forms, so the next post's hmac is stale.
    pub fn expire_forms(&self) {
        lock(&self.state.forms).issued.clear();
    }

    pub fn clear_seen(&self) {
        lock(&self.state.seen).clear();
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
    }
}

impl State {
    /// The fault to play for this request, consuming one use of it; and the
    /// total latency of matching latency rules.
    pub(crate) fn take_fault(&self, host: &str, target: &str) -> (Duration, Option<Fault>) {
        let mut rules = lock(&self.faults);
        let mut latency = Duration::ZERO;
        let mut chosen = None;
        for rule in rules.iter_mut() {
            let host_ok = rule.host.as_deref().is_none_or(|h| h.eq_ignore_ascii_case(host));
            if !host_ok || !target.starts_with(&rule.prefix) || rule.remaining == Some(0) {
                continue;
            }
            match &rule.fault {
                Fault::Latency(d) => latency += *d,
                other if chosen.is_none() => chosen = Some(other.clone()),
                _ => continue,
            }
            if let Some(n) = rule.remaining.as_mut() {
                *n -= 1;
            }
        }
        rules.retain(|r| r.remaining != Some(0));
        (latency, chosen)
    }

    pub(crate) fn forms(&self) -> std::sync::MutexGuard<'_, forms::Forms> {
        lock(&self.forms)
    }

    pub(crate) fn record(&self, seen: Seen) {
        lock(&self.seen).push(seen);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The workspace's default fixtures folder, for binaries run from the repo.
pub fn default_fixtures_dir() -> PathBuf {
    Fixtures::default_dir()
}
