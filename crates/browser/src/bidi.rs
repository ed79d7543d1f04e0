//! Firefox over WebDriver BiDi, its supported automation protocol, with no
//! driver binary: Firefox started with `--remote-debugging-port` serves
//! BiDi on a WebSocket (`ws://127.0.0.1:<port>/session`), which this
//! module speaks with a minimal client (text frames, one connection).
//!
//! Commands are answered in order of their ids; events (console and
//! errors: `log.entryAdded`) are kept as they arrive while a command waits.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{lock, temp_dir, Error, Result};

/// Where to find Firefox: `$FIREFOX`, else `firefox-esr` or `firefox` on
/// the path.
pub fn firefox_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FIREFOX").map(PathBuf::from).filter(|p| p.exists()) {
        return Some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["firefox-esr", "firefox"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

/// A running Firefox with one BiDi session. Closed on drop, and its
/// profile removed unless it was given to [`Firefox::launch_in`].
pub struct Firefox {
    child: Child,
    socket: Mutex<Socket>,
    events: Mutex<Vec<Value>>,
    next_id: Mutex<u64>,
    pub profile: PathBuf,
    keep_profile: bool,
}

/// Preferences every test profile gets: nothing phones home, nothing asks.
const QUIET: &[(&str, &str)] = &[
    ("browser.shell.checkDefaultBrowser", "false"),
    ("datareporting.policy.dataSubmissionEnabled", "false"),
    ("app.update.enabled", "false"),
    ("browser.safebrowsing.malware.enabled", "false"),
    ("browser.safebrowsing.phishing.enabled", "false"),
    ("network.captive-portal-service.enabled", "false"),
    ("network.connectivity-service.enabled", "false"),
    ("extensions.update.enabled", "false"),
    ("browser.startup.homepage_override.mstone", "\"ignore\""),
    ("toolkit.telemetry.reportingpolicy.firstRun", "false"),
];

impl Firefox {
    /// Starts headless Firefox in a fresh profile with these preferences
    /// (name, value as `user.js` writes it) and opens a BiDi session that
    /// accepts the local sites' certificate.
    pub fn launch(prefs: &[(&str, String)]) -> Result<Firefox> {
        Self::launch_in(None, prefs)
    }

    /// As [`Firefox::launch`], in `profile` when given (kept on drop, so a
    /// second launch in it is the same reader's browser restarted).
    pub fn launch_in(profile: Option<&Path>, prefs: &[(&str, String)]) -> Result<Firefox> {
        let exe = firefox_path().ok_or_else(|| {
            Error::Io(io::Error::new(
                io::ErrorKind::NotFound,
                "Firefox not found: install `firefox-esr` or set FIREFOX",
            ))
        })?;
        let keep_profile = profile.is_some();
        let profile = match profile {
            Some(p) => {
                std::fs::create_dir_all(p)?;
                p.to_path_buf()
            }
            None => temp_dir("firefox")?,
        };
        let mut user = String::new();
        for (name, value) in QUIET.iter().map(|(n, v)| (*n, v.to_string())).chain(prefs.iter().cloned()) {
            user.push_str(&format!("user_pref(\"{name}\", {value});\n"));
        }
        std::fs::write(profile.join("user.js"), user)?;
        let port = free_port()?;
        let child = Command::new(exe)
            .args(["--headless", "--no-remote", "--remote-allow-system-access", "--profile"])
            .arg(&profile)
            .args(["--remote-debugging-port", &port.to_string(), "about:blank"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let deadline = Instant::now() + Duration::from_secs(60);
        let socket = loop {
            match Socket::connect(port) {
                Ok(s) => break s,
                Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(200)),
                Err(e) => return Err(Error::Timeout(format!("Firefox's BiDi socket on port {port}: {e}"))),
            }
        };
        let firefox = Firefox {
            child,
            socket: Mutex::new(socket),
            events: Mutex::new(Vec::new()),
            next_id: Mutex::new(1),
            profile,
            keep_profile,
        };
        firefox.call("session.new", json!({"capabilities": {"alwaysMatch": {"acceptInsecureCerts": true}}}))?;
        firefox.call("session.subscribe", json!({"events": ["log.entryAdded"]}))?;
        Ok(firefox)
    }

    /// Sends a command and waits for its answer (60 s at most).
    pub fn call(&self, method: &str, params: Value) -> Result<Value> {
        let id = {
            let mut n = lock(&self.next_id);
            *n += 1;
            *n
        };
        let mut socket = lock(&self.socket);
        socket.send(&json!({"id": id, "method": method, "params": params}).to_string())?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if Instant::now() > deadline {
                return Err(Error::Timeout(method.to_string()));
            }
            let text = socket.receive()?;
            let Ok(msg) = serde_json::from_str::<Value>(&text) else { continue };
            if msg["id"].as_u64() == Some(id) {
                return match msg["type"].as_str() {
                    Some("success") => Ok(msg["result"].clone()),
                    _ => Err(Error::Protocol(format!(
                        "{method}: {} {}",
                        msg["error"].as_str().unwrap_or(""),
                        msg["message"].as_str().unwrap_or("")
                    ))),
                };
            }
            if msg["type"] == "event" {
                lock(&self.events).push(msg);
            }
        }
    }

    /// Installs an add-on from its zip as a temporary add-on; its id.
    pub fn install(&self, archive: &Path) -> Result<String> {
        let r = self.call(
            "webExtension.install",
            json!({"extensionData": {"type": "archivePath", "path": archive.display().to_string()}}),
        )?;
        Ok(r["extension"].as_str().unwrap_or_default().to_string())
    }

    /// Opens a tab at `url` and waits for its load; the tab's context.
    pub fn open(&self, url: &str) -> Result<String> {
        let r = self.call("browsingContext.create", json!({"type": "tab"}))?;
        let context = r["context"].as_str().unwrap_or_default().to_string();
        self.navigate(&context, url)?;
        Ok(context)
    }

    pub fn navigate(&self, context: &str, url: &str) -> Result<()> {
        self.call("browsingContext.navigate", json!({"context": context, "url": url, "wait": "complete"}))?;
        Ok(())
    }

    pub fn reload(&self, context: &str) -> Result<()> {
        self.call("browsingContext.reload", json!({"context": context, "wait": "complete"}))?;
        Ok(())
    }

    pub fn close_tab(&self, context: &str) -> Result<()> {
        self.call("browsingContext.close", json!({"context": context}))?;
        Ok(())
    }

    /// Evaluates an expression in the page (promises awaited); its value
    /// as JSON (`null` for `undefined`).
    pub fn eval(&self, context: &str, expr: &str) -> Result<Value> {
        let wrapped = format!("(async () => JSON.stringify(await ({expr})) ?? 'null')()");
        let r = self.call(
            "script.evaluate",
            json!({"expression": wrapped, "target": {"context": context}, "awaitPromise": true, "resultOwnership": "none"}),
        )?;
        match r["type"].as_str() {
            Some("success") => {
                let text = r["result"]["value"].as_str().unwrap_or("null");
                serde_json::from_str(text).map_err(|e| Error::Script(format!("{expr}: {e}")))
            }
            _ => Err(Error::Script(format!(
                "{expr}: {}",
                r["exceptionDetails"]["text"].as_str().unwrap_or("an exception")
            ))),
        }
    }

    /// Polls `expr` until it is truthy; its last value.
    pub fn wait_until(&self, context: &str, expr: &str, timeout: Duration) -> Result<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let v = self.eval(context, expr).unwrap_or(Value::Null);
            if crate::truthy(&v) {
                return Ok(v);
            }
            if Instant::now() > deadline {
                return Err(Error::Timeout(format!("{expr} (last: {v})")));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Trusted input, as a reader's: `actions` of `input.performActions`.
    pub fn perform(&self, context: &str, actions: Value) -> Result<()> {
        self.call("input.performActions", json!({"context": context, "actions": actions}))?;
        self.call("input.releaseActions", json!({"context": context}))?;
        Ok(())
    }

    /// Log entries (console and uncaught errors) so far, one line each.
    pub fn log(&self) -> Vec<String> {
        lock(&self.events)
            .iter()
            .filter(|e| e["method"] == "log.entryAdded")
            .map(|e| {
                let p = &e["params"];
                format!("{}: {}", p["level"].as_str().unwrap_or(""), p["text"].as_str().unwrap_or(""))
            })
            .collect()
    }
}

impl Drop for Firefox {
    fn drop(&mut self) {
        let _ = lock(&self.socket).send(&json!({"id": 0, "method": "browser.close", "params": {}}).to_string());
        crate::reap(&mut self.child, Duration::from_secs(10));
        if !self.keep_profile {
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }
}

fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// One WebSocket connection, client side: text frames out (masked),
/// text frames in (joined across continuations), pings answered.
struct Socket {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Socket {
    fn connect(port: u16) -> io::Result<Socket> {
        let tcp = TcpStream::connect(("127.0.0.1", port))?;
        tcp.set_nodelay(true)?;
        tcp.set_read_timeout(Some(Duration::from_secs(90)))?;
        let mut writer = tcp.try_clone()?;
        let key = "aGFja2VyLW5ldy10ZXN0cw==";
        write!(
            writer,
            "GET /session HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )?;
        let mut reader = BufReader::new(tcp);
        let mut status = String::new();
        reader.read_line(&mut status)?;
        if !status.contains(" 101 ") {
            return Err(io::Error::other(format!("no WebSocket upgrade: {}", status.trim())));
        }
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                break;
            }
        }
        Ok(Socket { reader, writer })
    }

    fn frame(&mut self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let mut out = vec![0x80 | opcode];
        let len = payload.len();
        if len < 126 {
            out.push(0x80 | len as u8);
        } else if len <= 0xffff {
            out.push(0x80 | 126);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        } else {
            out.push(0x80 | 127);
            out.extend_from_slice(&(len as u64).to_be_bytes());
        }
        let mask: [u8; 4] = (Instant::now().elapsed().subsec_nanos() ^ 0x5a17_c3e1).to_be_bytes();
        out.extend_from_slice(&mask);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.writer.write_all(&out)
    }

    fn send(&mut self, text: &str) -> io::Result<()> {
        self.frame(0x1, text.as_bytes())
    }

    fn receive(&mut self) -> Result<String> {
        let mut message = Vec::new();
        loop {
            let mut head = [0u8; 2];
            self.reader.read_exact(&mut head)?;
            let (fin, opcode) = (head[0] & 0x80 != 0, head[0] & 0x0f);
            let mut len = u64::from(head[1] & 0x7f);
            if len == 126 {
                let mut b = [0u8; 2];
                self.reader.read_exact(&mut b)?;
                len = u64::from(u16::from_be_bytes(b));
            } else if len == 127 {
                let mut b = [0u8; 8];
                self.reader.read_exact(&mut b)?;
                len = u64::from_be_bytes(b);
            }
            let mut mask = [0u8; 4];
            if head[1] & 0x80 != 0 {
                self.reader.read_exact(&mut mask)?;
            }
            let mut payload = vec![0u8; len as usize];
            self.reader.read_exact(&mut payload)?;
            if head[1] & 0x80 != 0 {
                payload.iter_mut().enumerate().for_each(|(i, b)| *b ^= mask[i % 4]);
            }
            match opcode {
                0x8 => return Err(Error::Closed),
                0x9 => self.frame(0xA, &payload)?,
                0xA => {}
                _ => {
                    message.extend_from_slice(&payload);
                    if fin {
                        return String::from_utf8(message).map_err(|e| Error::Protocol(e.to_string()));
                    }
                }
            }
        }
    }
}
