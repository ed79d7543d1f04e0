//! HTTP/1.1 over TLS, just enough for a browser: keep-alive, Content-Length
//! bodies, one thread per connection.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use crate::routes;
use crate::{Fault, Seen, State};

/// A self-signed certificate for `hosts`, made now.
pub(crate) fn tls_config(hosts: &[&str]) -> io::Result<ServerConfig> {
    let mut names: Vec<String> = hosts.iter().map(|h| h.to_string()).collect();
    names.push("localhost".into());
    let certified = rcgen::generate_simple_self_signed(names).map_err(io::Error::other)?;
    let cert = CertificateDer::from(certified.cert.der().to_vec());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(io::Error::other)?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A parsed request.
pub(crate) struct Request {
    pub method: String,
    pub target: String,
    pub host: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A response to send.
pub(crate) struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Arc<Vec<u8>>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response { status, headers: vec![("Content-Type".into(), content_type.into())], body: Arc::new(body.into()) }
    }
    pub fn shared(status: u16, content_type: &str, body: Arc<Vec<u8>>) -> Response {
        Response { status, headers: vec![("Content-Type".into(), content_type.into())], body }
    }
    pub fn with(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub(crate) fn serve_connection(mut tcp: TcpStream, tls: Arc<ServerConfig>, state: Arc<State>) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(60)));
    let _ = tcp.set_nodelay(true);
    if !tunnel(&mut tcp) {
        return;
    }
    let Ok(conn) = ServerConnection::new(tls) else { return };
    let stream = StreamOwned::new(conn, tcp);
    let mut reader = BufReader::new(stream);
    loop {
        let request = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            _ => return,
        };
        let (latency, fault) = state.take_fault(&request.host, &request.target);
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        let response = match fault {
            Some(Fault::Drop) => {
                record(&state, &request, 0);
                let stream = reader.get_mut();
                let _ = stream.sock.shutdown(std::net::Shutdown::Both);
                return;
            }
            Some(fault) => routes::fault_response(&state, &fault),
            None => routes::route(&state, &request),
        };
        record(&state, &request, response.status);
        if write_response(reader.get_mut(), &request, &response).is_err() {
            return;
        }
    }
}

/// A browser told to use this server as its proxy (Firefox's proxy
/// preferences: no root, no name resolution to change) first asks for a
/// tunnel, `CONNECT host:443`: granted for the sites served here, refused
/// for every other host, so nothing leaves loopback. Returns whether TLS
/// follows on this connection (it does at once for a direct one).
fn tunnel(tcp: &mut TcpStream) -> bool {
    let mut first = [0u8; 1];
    match tcp.peek(&mut first) {
        Ok(1) if first[0] == b'C' => {}
        Ok(_) => return true,
        Err(_) => return false,
    }
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match tcp.read(&mut byte) {
            Ok(1) if head.len() < 8192 => head.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("");
    let allowed = target.strip_suffix(":443").is_some_and(|host| crate::HOSTS.contains(&host));
    let answer: &[u8] =
        if allowed { b"HTTP/1.1 200 Connection established\r\n\r\n" } else { b"HTTP/1.1 403 Forbidden\r\n\r\n" };
    tcp.write_all(answer).is_ok() && allowed
}

fn record(state: &State, request: &Request, status: u16) {
    state.record(Seen {
        host: request.host.clone(),
        method: request.method.clone(),
        target: request.target.clone(),
        status,
        at: Instant::now(),
        body: request.body.clone(),
    });
}

fn read_request<R: BufRead>(reader: &mut R) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Ok(None);
    };
    let (method, target) = (method.to_string(), target.to_string());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
        if headers.len() > 200 {
            return Ok(None);
        }
    }
    let host = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.split(':').next().unwrap_or("").to_ascii_lowercase())
        .unwrap_or_default();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len.min(8 * 1024 * 1024)];
    reader.read_exact(&mut body)?;
    Ok(Some(Request { method, target, host, headers, body }))
}

fn write_response<W: Write>(w: &mut W, request: &Request, response: &Response) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", response.status, reason(response.status));
    for (k, v) in &response.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\nConnection: keep-alive\r\n\r\n", response.body.len()));
    w.write_all(head.as_bytes())?;
    if request.method != "HEAD" {
        w.write_all(&response.body)?;
    }
    w.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
