//! The typed messages between the content scripts, the popup and the
//! background. One enum each way, versioned, validated where they arrive.
//!
//! On the wire they are JSON objects tagged by `kind`, wrapped in an
//! [`Envelope`] carrying [`PROTOCOL`], so a stale tab talking to an updated
//! background gets a clear refusal instead of a misread.

use serde::{Deserialize, Serialize};

use crate::settings::Settings;

/// Version of the message protocol; bumped on any incompatible change.
pub const PROTOCOL: u32 = 1;

/// Largest accepted serialized message, in bytes: every message we send is
/// far smaller, and the background refuses anything bigger before decoding.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub v: u32,
    #[serde(flatten)]
    pub body: T,
}

impl<T> Envelope<T> {
    pub fn new(body: T) -> Self {
        Envelope { v: PROTOCOL, body }
    }
}

/// What a content script or the popup asks of the background.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Request {
    /// Liveness and version check.
    Ping { nonce: u32 },
    /// The content script could not compile its wasm under the page's policy:
    /// the background refreshes the policy rule for the next page load.
    CspBlocked { url: String },
    /// The current settings.
    GetSettings,
    /// Replace the settings (validated on arrival).
    SaveSettings { settings: Settings },
    /// The state of the policy rule, for the popup's health view and tests.
    CspStatus,
}

/// What the background answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    Pong { nonce: u32, version: String },
    Settings { settings: Settings },
    Csp { status: CspRuleStatus },
    Done,
    Error { message: String },
}

/// Whether the page-policy rule is in force, and from which observed header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CspRuleStatus {
    /// The header value the site sent when last checked.
    pub observed: Option<String>,
    /// The policy the rule sets, when one is in force.
    pub rule: Option<String>,
    /// Milliseconds since the epoch of the last successful check.
    pub checked_at: Option<f64>,
    /// The last failure, in words.
    pub last_error: Option<String>,
}

/// Why a message was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageError {
    TooLarge(usize),
    Malformed(String),
    WrongVersion(u32),
}

impl std::fmt::Display for MessageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MessageError::TooLarge(n) => write!(f, "message of {n} bytes is over the limit"),
            MessageError::Malformed(e) => write!(f, "malformed message: {e}"),
            MessageError::WrongVersion(v) => {
                write!(f, "message protocol {v} is not {PROTOCOL}: reload the page")
            }
        }
    }
}

impl Request {
    /// Checks what serde cannot: bounds on sizes and values.
    pub fn validate(self) -> Result<Request, MessageError> {
        match self {
            Request::CspBlocked { url } if url.len() > 2048 => {
                Err(MessageError::Malformed("url too long".into()))
            }
            Request::SaveSettings { settings } => Ok(Request::SaveSettings {
                settings: settings.clamped(),
            }),
            other => Ok(other),
        }
    }
}

/// Checks the version envelope of a decoded request and validates it.
pub fn accept(envelope: Envelope<Request>) -> Result<Request, MessageError> {
    if envelope.v != PROTOCOL {
        return Err(MessageError::WrongVersion(envelope.v));
    }
    envelope.body.validate()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(req: Request) -> Request {
        let json = serde_json::to_string(&Envelope::new(req)).unwrap();
        let env: Envelope<Request> = serde_json::from_str(&json).unwrap();
        accept(env).unwrap()
    }

    #[test]
    fn requests_roundtrip_with_kind_tags() {
        let json = serde_json::to_string(&Envelope::new(Request::Ping { nonce: 7 })).unwrap();
        assert_eq!(json, r#"{"v":1,"kind":"ping","nonce":7}"#);
        assert_eq!(roundtrip(Request::GetSettings), Request::GetSettings);
    }

    #[test]
    fn wrong_version_is_refused() {
        let env: Envelope<Request> = serde_json::from_str(r#"{"v":99,"kind":"ping","nonce":1}"#).unwrap();
        assert_eq!(accept(env), Err(MessageError::WrongVersion(99)));
    }

    #[test]
    fn unknown_kind_fails_to_decode() {
        assert!(serde_json::from_str::<Envelope<Request>>(r#"{"v":1,"kind":"format_disk"}"#).is_err());
    }

    #[test]
    fn settings_are_clamped_on_arrival() {
        let mut s = Settings::default();
        s.font_scale = 10_000;
        let Request::SaveSettings { settings } = roundtrip(Request::SaveSettings { settings: s }) else {
            panic!()
        };
        assert_eq!(settings.font_scale, crate::settings::FONT_SCALE.1);
    }
}
