//! Hacker New's domain, free of any browser type.
//!
//! The content script reads the page into these types, asks this crate what to
//! do, and applies the answer; the background and popup speak [`message`]s.
//! Nothing here touches the DOM, `chrome.*` or the network, so all of it is
//! tested natively with `cargo test`.
#![forbid(unsafe_code)]

pub mod act;
pub mod activity;
pub mod case;
pub mod csp;
pub mod filters;
pub mod health;
pub mod items;
pub mod keys;
pub mod message;
pub mod notify;
pub mod own;
pub mod page;
pub mod page_state;
pub mod profile;
pub mod records;
pub mod reply;
pub mod sanitize;
pub mod schedule;
pub mod settings;
pub mod share;
pub mod site;
pub mod state;
/// Every word the product shows, generated from
/// `extension/static/_locales/en/messages.json` (see `build.rs`).
#[allow(clippy::all)]
pub mod text {
    include!(concat!(env!("OUT_DIR"), "/text.rs"));
}
pub mod thread;
pub mod unread;
pub mod url;
pub mod wire;
