//! The typed messages between the content scripts, the popup and the
//! background. One enum each way, versioned, validated where they arrive.
//!
//! On the wire they are JSON objects tagged by `kind`, wrapped in an
//! [`Envelope`] carrying [`PROTOCOL`], so a stale tab talking to an updated
//! background gets a clear refusal instead of a misread.

use serde::{Deserialize, Serialize};

use crate::filters::FilterRule;
use crate::settings::Settings;
use crate::state::UserState;

/// Version of the message protocol; bumped on any incompatible change.
pub const PROTOCOL: u32 = 1;

/// What HN answers, with status 200, when it rate-limits.
pub const RATE_LIMITED: &str = "Sorry, we're not able to serve your requests this quickly.";

/// Largest accepted serialized message, in bytes: every message we send is
/// far smaller, and the background refuses anything bigger before decoding.
pub const MAX_MESSAGE_BYTES: usize = 256 * 1024;
/// The largest export file an import reads (it travels in one message).
pub const MAX_IMPORT_BYTES: usize = MAX_MESSAGE_BYTES / 2;
/// The most users one [`Request::FollowMany`] follows.
pub const MAX_FOLLOW_MANY: usize = 10_000;

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

/// Declares [`Request`] with, beside each kind, the answers it gets
/// (besides an error), after `as` the type its asker reads the answer as
/// (`Response` when none is named), and `[pages]` where a content script
/// (a site's page) may send it: one declaration per request, so what it
/// is asked, what it answers, as what, and who may ask cannot drift apart.
/// `Request::answers` and `Request::allowed_from_page` give them, and
/// `ask::<Name>` is the request as a type of its own, whose [`Ask::Answer`]
/// is the answer's type.
macro_rules! requests {
    (@pages pages) => { true };
    (@pages) => { false };
    (@answer) => { Response };
    (@answer $t:ty) => { $t };
    ($( $(#[$attr:meta])* $name:ident $({ $( $(#[$fattr:meta])* $field:ident : $fty:ty ),* $(,)? })? => $($answer:literal)|+ $(as $answer_ty:ty)? $([$pages:ident])? ),* $(,)?) => {
        /// What a content script or the popup asks of the background.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum Request {
            $( $(#[$attr])* $name $({ $( $(#[$fattr])* $field: $fty ),* })? ),*
        }

        /// Each request as a type of its own (its fields as in
        /// [`Request`]), paired with its answer's type by [`Ask`]:
        /// the popup's `service::ask(ask::GetState {})` reads a `UserState`.
        pub mod ask {
            #[allow(unused_imports)]
            use super::*;
            $(
                $(#[$attr])*
                #[derive(Debug, Clone, PartialEq)]
                pub struct $name { $( $( pub $field: $fty ),* )? }

                impl From<$name> for Request {
                    fn from(q: $name) -> Request {
                        let $name { $( $( $field ),* )? } = q;
                        Request::$name { $( $( $field ),* )? }
                    }
                }

                impl Ask for $name {
                    type Answer = requests!(@answer $($answer_ty)?);
                }
            )*
        }

        impl Request {
            /// Every request's name with its answers, as declared.
            pub const DECLARED: &'static [(&'static str, &'static [&'static str])] =
                &[$( (stringify!($name), &[$($answer),+]) ),*];

            /// Every request's name with the kind its answer's type reads
            /// (`None`: any, the whole [`Response`]).
            pub const TYPED: &'static [(&'static str, Option<&'static str>)] =
                &[$( (stringify!($name), <requests!(@answer $($answer_ty)?) as Answer>::KIND) ),*];

            /// The kinds of [`Response`] this request is answered with,
            /// besides `error` (which any may get).
            pub fn answers(&self) -> &'static [&'static str] {
                match self {
                    $( Request::$name { .. } => &[$($answer),+] ),*
                }
            }

            /// Whether a content script (running inside a site's page) may
            /// ask this. Pages read the state and act on what they show;
            /// managing the data (export, import, settings, the share
            /// buffer's queue, filters) is for the extension's own pages. A
            /// page that is compromised can then not read or replace the
            /// whole state, nor open tabs through the buffer.
            pub fn allowed_from_page(&self) -> bool {
                match self {
                    $( Request::$name { .. } => requests!(@pages $($pages)?) ),*
                }
            }
        }
    };
}

/// A request (one of [`ask`]'s types) and the type of its answer.
pub trait Ask: Into<Request> {
    type Answer: Answer;
}

/// What an answer of one kind carries, taken out of the [`Response`].
pub trait Answer: Sized {
    /// The `Response` kind it is read from (`None`: any).
    const KIND: Option<&'static str>;
    /// The value, or the response given back when it is another kind.
    fn take(response: Response) -> Result<Self, Box<Response>>;
}

/// Implements [`Answer`] for the value one `Response` kind carries.
macro_rules! answer {
    ($ty:ty, $kind:literal, $pat:pat => $value:expr) => {
        impl Answer for $ty {
            const KIND: Option<&'static str> = Some($kind);
            fn take(response: Response) -> Result<Self, Box<Response>> {
                match response {
                    $pat => Ok($value),
                    other => Err(Box::new(other)),
                }
            }
        }
    };
}

impl Answer for Response {
    const KIND: Option<&'static str> = None;
    fn take(response: Response) -> Result<Self, Box<Response>> {
        Ok(response)
    }
}

/// The key under which the share buffer queued a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued(pub String);

answer!((), "done", Response::Done => ());
answer!(Queued, "queued", Response::Queued { key } => Queued(key));
answer!(UserState, "state", Response::State { state } => state);
answer!(Settings, "settings", Response::Settings { settings } => settings);
answer!(SyncInfo, "sync", Response::Sync { status } => status);
answer!(CspRuleStatus, "csp", Response::Csp { status } => status);
answer!(String, "exported", Response::Exported { json } => json);
answer!((u32, u32, u32), "imported", Response::Imported { follows, filters, skipped } => (follows, filters, skipped));
answer!(crate::activity::Feed, "activity", Response::Activity { feed } => feed);
answer!(std::collections::BTreeMap<String, u32>, "filter_hits", Response::FilterHits { hits, .. } => hits);
answer!(crate::notify::Inbox, "inbox", Response::Inbox { inbox } => inbox);
answer!(Vec<crate::health::HealthLine>, "health", Response::Health { lines } => lines);
answer!(Option<crate::items::PastStory>, "discussion", Response::Discussion { story } => story);

requests! {
    /// Liveness and version check.
    Ping {
        nonce: u32,
    } => "pong" [pages],
    /// The content script could not compile its wasm under the page's policy:
    /// the background refreshes the policy rule for the next page load.
    CspBlocked {
        url: String,
        /// When the refused page began to load (its `performance.timeOrigin`,
        /// ms since the epoch): a rule in force before then did not apply
        /// to it, so the site's policy changed. (Absent from older loaders.)
        loaded_at: Option<f64>,
    } => "done" as () [pages],
    /// The current settings.
    GetSettings => "settings" as Settings [pages],
    /// Replace the settings (validated on arrival).
    SaveSettings {
        settings: Settings,
    } => "settings" as Settings,
    /// The state of the policy rule, for the popup's health view and tests.
    CspStatus => "csp" as CspRuleStatus,
    /// The user's state (follows, filters, settings).
    GetState => "state" as UserState [pages],
    /// What a page applies at load, as the text its start-up module reads
    /// (`crate::page_state`).
    GetPageState => "page_state" [pages],
    /// The reader dismissed the line that says what the extension adds.
    Welcomed => "done" as () [pages],
    /// Follow or unfollow a user of a site.
    SetFollow {
        site: String,
        user: String,
        follow: bool,
    } => "done" as () [pages],
    /// Follow many users of a site at once (a pasted list): one change,
    /// one write to sync. From the extension's own pages only.
    FollowMany {
        #[serde(default = "hn_site")]
        site: String,
        users: Vec<String>,
    } => "done" as (),
    /// Set or clear (`None`) the tag on any user.
    SetTag {
        site: String,
        user: String,
        tag: Option<String>,
    } => "done" as () [pages],
    /// Set the note on a followed user (empty clears it).
    SetNote {
        site: String,
        user: String,
        note: String,
    } => "done" as (),
    /// Add or replace a filter rule (validated on arrival).
    SaveFilter {
        rule: FilterRule,
    } => "done" as (),
    /// Change the rule kept under `key` (its key stays, so an edit made
    /// here and a switch made on another device at once both survive).
    EditFilter {
        key: String,
        rule: FilterRule,
    } => "done" as (),
    /// Remove a filter rule by its key.
    RemoveFilter {
        key: String,
    } => "done" as (),
    /// A user's profile, from the cache or HN.
    GetProfile {
        site: String,
        user: String,
    } => "profile" [pages],
    /// A page of a site (path and query, e.g. `/news?p=2`), for endless
    /// scroll; fetched by the background with the reader's session there.
    FetchPage {
        #[serde(default = "hn_site")]
        site: String,
        path: String,
    } => "page" | "unserved" [pages],
    /// Follow one of HN's vote, favorite, hide or flag links (path and
    /// query, with its auth token) with the reader's session.
    Act {
        path: String,
    } => "done" as () [pages],
    /// Post a reply through HN's own form flow.
    PostReply {
        parent: u64,
        text: String,
    } => "posted" | "reply_failed" [pages],
    /// The source text of one of the reader's own comments, as HN's edit
    /// form gives it.
    EditText {
        id: u64,
    } => "edit_text" | "change_failed" [pages],
    /// Post an edit of one of the reader's own comments through HN's form.
    SaveEdit {
        id: u64,
        text: String,
    } => "done" | "change_failed" [pages],
    /// Delete one of the reader's own comments through HN's confirmation.
    DeleteComment {
        id: u64,
    } => "done" | "change_failed" [pages],
    /// Sync health for the popup.
    SyncStatus => "sync" as SyncInfo,
    /// The whole user state as a JSON document, for a file.
    ExportState => "exported" as String,
    /// Merges a previously exported document: follows and filters are added
    /// to what is here (never removed); settings are left as they are.
    ImportState {
        json: String,
    } => "imported" as (u32, u32, u32),
    /// Queue a story or comment in the share buffer, with the default
    /// destination and the title as text unless given.
    AddToBuffer {
        target: crate::share::ShareTarget,
        text: Option<String>,
        /// The destination, when the reader chose one (the popup's "Add this
        /// page"); else the default one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        destination: Option<crate::share::Destination>,
    } => "queued" as Queued [pages],
    /// A page's own record (`crate::records`: read marks, folds, drafts,
    /// list orders), kept by the worker in local storage, which pages
    /// cannot open themselves.
    RecordGet {
        key: String,
    } => "record" [pages],
    RecordSet {
        key: String,
        text: String,
    } => "done" as () [pages],
    RecordRemove {
        key: String,
    } => "done" as () [pages],
    /// The HN story whose link is `url`: looked for in the reader's open HN
    /// tabs, and with HN's search API only when `search` (the reader asked).
    FindDiscussion {
        url: String,
        #[serde(default)]
        search: bool,
    } => "discussion" as Option<crate::items::PastStory>,
    /// Replace a queued item (text, destination, position).
    SaveBufferItem {
        key: String,
        item: crate::share::BufferItem,
    } => "done" as (),
    RemoveBufferItem {
        key: String,
    } => "done" as (),
    /// Give the queued items a new random order.
    ShuffleBuffer => "done" as (),
    /// Open the item's composer now and mark it shared.
    ShareNow {
        key: String,
    } => "done" as (),
    /// Replace the share buffer's preferences (validated on arrival).
    SaveSharePrefs {
        prefs: crate::share::SharePrefs,
    } => "done" as (),
    /// Set the reader's Mastodon instance (a host), the one share
    /// preference a page sets (its share menu asks for it).
    SetMastodonInstance {
        instance: String,
    } => "done" as () [pages],
    /// Make this device the one that announces due items.
    AnnounceHere => "done" as (),
    /// The followed users' activity; `refresh` fetches what is stale first.
    GetActivity {
        refresh: bool,
    } => "activity" as crate::activity::Feed,
    /// The reader saw the feed: clears the unread marks and the badge.
    MarkActivitySeen => "done" as (),
    /// A page reports how many items each filter rule hid on it.
    FilterHits {
        hits: std::collections::BTreeMap<String, u32>,
    } => "done" as () [pages],
    /// What each rule hid on the current HN tab.
    GetFilterHits => "filter_hits" as std::collections::BTreeMap<String, u32>,
    /// A page loaded: its kind (`page`), who is signed in (`me`; `signed_out` when
    /// the page shows a login link instead) and what it could not read.
    PageSeen {
        #[serde(default = "hn_site")]
        site: String,
        page: String,
        me: Option<String>,
        #[serde(default)]
        signed_out: bool,
        #[serde(default)]
        problems: Vec<String>,
    } => "done" as () [pages],
    /// Replies to the reader, for the popup's inbox.
    GetInbox => "inbox" as crate::notify::Inbox,
    /// Look for new replies now (within the request caps).
    CheckReplies => "inbox" as crate::notify::Inbox,
    /// Mark replies read: these, or all of them (`None`).
    MarkRepliesRead {
        ids: Option<Vec<u64>>,
    } => "inbox" as crate::notify::Inbox,
    SaveNotifyPrefs {
        prefs: crate::notify::NotifyPrefs,
    } => "done" as (),
    /// Whether a followed user's posts raise a system notification.
    SetNotify {
        site: String,
        user: String,
        notify: bool,
    } => "done" as (),
    /// The extension's health lines for the popup.
    GetHealth => "health" as Vec<crate::health::HealthLine>,
    /// The hover card of a link to an HN item.
    GetItem {
        id: u64,
    } => "item" [pages],
    /// Earlier HN discussions of a story's link (HN's search API).
    PastDiscussions {
        id: u64,
        url: String,
    } => "past" [pages],
}

/// The kinds a `kind`-tagged enum (`Request`, `Response`) takes, as they
/// are spelled on the wire: read from serde's refusal of an unknown kind,
/// which lists them all, so a new variant shows here by itself (for tests
/// that must cover every kind).
pub fn wire_kinds<T: serde::de::DeserializeOwned>() -> Vec<String> {
    use serde::de::value::{Error, MapDeserializer};
    let unknown = MapDeserializer::<_, Error>::new(std::iter::once(("kind", "-")));
    let refused = match T::deserialize(unknown) {
        Ok(_) => return Vec::new(),
        Err(e) => e.to_string(),
    };
    let listed = refused.split("expected one of").nth(1).unwrap_or_default();
    listed.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// What the background answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Response {
    Pong {
        nonce: u32,
        version: String,
    },
    Settings {
        settings: Settings,
    },
    Csp {
        status: CspRuleStatus,
    },
    State {
        state: UserState,
    },
    /// What a page applies at load, as text (`crate::page_state`).
    PageState {
        filters_on: bool,
        text: String,
    },
    Profile {
        profile: crate::profile::Profile,
        fetched_at: f64,
    },
    Page {
        html: String,
    },
    Sync {
        status: SyncInfo,
    },
    /// The reply was accepted; `id` when HN's redirect named it.
    Posted {
        id: Option<u64>,
    },
    ReplyFailed {
        error: crate::reply::ReplyError,
        message: String,
    },
    /// A comment's source text, for editing it.
    EditText {
        text: String,
    },
    /// An edit or deletion HN did not make, and why.
    ChangeFailed {
        error: crate::own::ChangeError,
        message: String,
    },
    Exported {
        json: String,
    },
    Imported {
        follows: u32,
        filters: u32,
        /// Follows and filters of the file that were not valid (left out).
        #[serde(default)]
        skipped: u32,
    },
    /// Queued under this key.
    Queued {
        key: String,
    },
    Activity {
        feed: crate::activity::Feed,
    },
    /// Per-rule counts on one page (`url`), when an HN tab reported any.
    FilterHits {
        url: Option<String>,
        hits: std::collections::BTreeMap<String, u32>,
    },
    /// HN did not serve the page; `kind` says how, so the caller backs off.
    Unserved {
        reason: crate::page::Unserved,
        message: String,
    },
    Inbox {
        inbox: crate::notify::Inbox,
    },
    Health {
        lines: Vec<crate::health::HealthLine>,
    },
    Item {
        item: crate::items::ItemCard,
    },
    Past {
        stories: Vec<crate::items::PastStory>,
    },
    /// A page's record as stored (`None`: there is none).
    Record {
        text: Option<String>,
    },
    /// The story found for an address, if any.
    Discussion {
        story: Option<crate::items::PastStory>,
    },
    Done,
    Error {
        message: String,
    },
}

/// The requests a content script sends: the same names and fields as the
/// [`Request`]s pages may send ([`Request::allowed_from_page`]), so a page's
/// script carries no code for the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageRequest {
    Ping { nonce: u32 },
    GetState,
    SetFollow { site: String, user: String, follow: bool },
    SetTag { site: String, user: String, tag: Option<String> },
    GetProfile { site: String, user: String },
    FetchPage { site: String, path: String },
    PostReply { parent: u64, text: String },
    EditText { id: u64 },
    SaveEdit { id: u64, text: String },
    DeleteComment { id: u64 },
    Act { path: String },
    AddToBuffer { target: crate::share::ShareTarget, text: Option<String> },
    SetMastodonInstance { instance: String },
    FilterHits { hits: std::collections::BTreeMap<String, u32> },
    PageSeen { site: String, page: String, me: Option<String>, signed_out: bool, problems: Vec<String> },
    GetItem { id: u64 },
    PastDiscussions { id: u64, url: String },
}

/// The requests a page's start-up module sends (its state when none is
/// kept for it, its reports): a subset of [`PageRequest`] under the same names, so that
/// module carries no code to encode the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoadRequest {
    GetPageState,
    Welcomed,
    RecordGet { key: String },
    RecordSet { key: String, text: String },
    RecordRemove { key: String },
    FilterHits { hits: std::collections::BTreeMap<String, u32> },
    PageSeen { site: String, page: String, me: Option<String>, signed_out: bool, problems: Vec<String> },
}

fn write_hits(w: &mut crate::wire::Writer, hits: &std::collections::BTreeMap<String, u32>) {
    w.text("filter_hits");
    for (key, n) in hits {
        w.text(key).num(n);
    }
}

fn write_page_seen(
    w: &mut crate::wire::Writer,
    site: &str,
    page: &str,
    me: Option<&str>,
    signed_out: bool,
    problems: &[String],
) {
    w.text("page_seen").text(site).text(page).opt_text(me).flag(signed_out);
    for p in problems {
        w.text(p);
    }
}

impl PageRequest {
    /// The request as a page's script sends it: the protocol's version, its
    /// kind and its fields, tab-separated (`crate::wire`), read by
    /// [`read_page_text`]; a page's script then carries no serializer.
    pub fn text(&self) -> String {
        let mut w = crate::wire::Writer::new(&PROTOCOL.to_string());
        match self {
            PageRequest::Ping { nonce } => w.text("ping").num(nonce),
            PageRequest::GetState => w.text("get_state"),
            PageRequest::SetFollow { site, user, follow } => w.text("set_follow").text(site).text(user).flag(*follow),
            PageRequest::SetTag { site, user, tag } => w.text("set_tag").text(site).text(user).opt_text(tag.as_deref()),
            PageRequest::GetProfile { site, user } => w.text("get_profile").text(site).text(user),
            PageRequest::FetchPage { site, path } => w.text("fetch_page").text(site).text(path),
            PageRequest::PostReply { parent, text } => w.text("post_reply").num(parent).text(text),
            PageRequest::EditText { id } => w.text("edit_text").num(id),
            PageRequest::SaveEdit { id, text } => w.text("save_edit").num(id).text(text),
            PageRequest::DeleteComment { id } => w.text("delete_comment").num(id),
            PageRequest::Act { path } => w.text("act").text(path),
            PageRequest::AddToBuffer { target: t, text } => w
                .text("add_to_buffer")
                .num(t.id)
                .flag(t.comment)
                .text(&t.title)
                .opt_text(t.url.as_deref())
                .text(&t.site)
                .opt_text(text.as_deref()),
            PageRequest::SetMastodonInstance { instance } => w.text("set_mastodon_instance").text(instance),
            PageRequest::FilterHits { hits } => {
                write_hits(&mut w, hits);
                &mut w
            }
            PageRequest::PageSeen { site, page, me, signed_out, problems } => {
                write_page_seen(&mut w, site, page, me.as_deref(), *signed_out, problems);
                &mut w
            }
            PageRequest::GetItem { id } => w.text("get_item").num(id),
            PageRequest::PastDiscussions { id, url } => w.text("past_discussions").num(id).text(url),
        };
        w.done()
    }
}

impl LoadRequest {
    /// As [`PageRequest::text`].
    pub fn text(&self) -> String {
        let mut w = crate::wire::Writer::new(&PROTOCOL.to_string());
        match self {
            LoadRequest::GetPageState => {
                w.text("get_page_state");
            }
            LoadRequest::Welcomed => {
                w.text("welcomed");
            }
            LoadRequest::RecordGet { key } => {
                w.text("record_get").text(key);
            }
            LoadRequest::RecordSet { key, text } => {
                w.text("record_set").text(key).text(text);
            }
            LoadRequest::RecordRemove { key } => {
                w.text("record_remove").text(key);
            }
            LoadRequest::FilterHits { hits } => write_hits(&mut w, hits),
            LoadRequest::PageSeen { site, page, me, signed_out, problems } => {
                write_page_seen(&mut w, site, page, me.as_deref(), *signed_out, problems)
            }
        }
        w.done()
    }
}

/// Reads the answer to [`LoadRequest::RecordGet`] as a page gets it: the
/// record's text, `None` when there is none, or the refusal.
pub fn read_record_answer(answer: &str) -> Result<Option<String>, String> {
    let mut r = crate::wire::Reader::new(answer);
    match r.text()?.as_str() {
        "record" if r.at_end() => Ok(None),
        "record" => r.text().map(Some),
        "error" => Err(r.text().unwrap_or_default()),
        other => Err(format!("an answer of kind “{other}” to a record's read")),
    }
}

/// Reads a page's request ([`PageRequest::text`], [`LoadRequest::text`]);
/// only what pages may send is read. The version is checked by [`accept`],
/// as for JSON requests (a text of another version is refused unread).
pub fn read_page_text(text: &str) -> Result<Envelope<Request>, MessageError> {
    let mut r = crate::wire::Reader::new(text);
    let v: u32 = r.num().map_err(MessageError::Malformed)?;
    if v != PROTOCOL {
        return Err(MessageError::WrongVersion(v));
    }
    let body = read_page_request(&mut r).map_err(MessageError::Malformed)?;
    if !r.at_end() {
        return Err(MessageError::Malformed("more fields than the request has".into()));
    }
    Ok(Envelope { v, body })
}

fn read_page_request(r: &mut crate::wire::Reader) -> Result<Request, String> {
    let kind = r.text()?;
    Ok(match kind.as_str() {
        "ping" => Request::Ping { nonce: r.num()? },
        "get_state" => Request::GetState,
        "get_page_state" => Request::GetPageState,
        "welcomed" => Request::Welcomed,
        "record_get" => Request::RecordGet { key: r.text()? },
        "record_set" => Request::RecordSet { key: r.text()?, text: r.text()? },
        "record_remove" => Request::RecordRemove { key: r.text()? },
        "set_follow" => Request::SetFollow { site: r.text()?, user: r.text()?, follow: r.flag()? },
        "set_tag" => Request::SetTag { site: r.text()?, user: r.text()?, tag: r.opt_text()? },
        "get_profile" => Request::GetProfile { site: r.text()?, user: r.text()? },
        "fetch_page" => Request::FetchPage { site: r.text()?, path: r.text()? },
        "post_reply" => Request::PostReply { parent: r.num()?, text: r.text()? },
        "edit_text" => Request::EditText { id: r.num()? },
        "save_edit" => Request::SaveEdit { id: r.num()?, text: r.text()? },
        "delete_comment" => Request::DeleteComment { id: r.num()? },
        "act" => Request::Act { path: r.text()? },
        "add_to_buffer" => Request::AddToBuffer {
            target: crate::share::ShareTarget {
                id: r.num()?,
                comment: r.flag()?,
                title: r.text()?,
                url: r.opt_text()?,
                site: r.text()?,
            },
            text: r.opt_text()?,
            destination: None,
        },
        "set_mastodon_instance" => Request::SetMastodonInstance { instance: r.text()? },
        "filter_hits" => {
            let mut hits = std::collections::BTreeMap::new();
            while !r.at_end() {
                hits.insert(r.text()?, r.num()?);
            }
            Request::FilterHits { hits }
        }
        "page_seen" => {
            let (site, page, me, signed_out) = (r.text()?, r.text()?, r.opt_text()?, r.flag()?);
            let mut problems = Vec::new();
            while !r.at_end() {
                problems.push(r.text()?);
            }
            Request::PageSeen { site, page, me, signed_out, problems }
        }
        "get_item" => Request::GetItem { id: r.num()? },
        "past_discussions" => Request::PastDiscussions { id: r.num()?, url: r.text()? },
        other => return Err(format!("pages send no request of kind “{other}”")),
    })
}

/// What the background tells open pages and the popup without being
/// asked, and what a page's start-up module hands its second module. Sent
/// as text ([`Push::text`]): `push`, the kind, its fields; a page's or the
/// popup's listener reads it with [`Push::read`] (which ignores the
/// requests pages send, heard by the same listeners).
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// The reader's state changed: pages read it again.
    StateChanged,
    /// A page reported filter counts: an open popup reads them again.
    HitsChanged,
    /// The context menu's share item on a page: `what` is the item id,
    /// with the selected text when there is one.
    ContextShare { what: String, selection: Option<String> },
    /// The keyboard command: the focused item's share menu.
    OpenShare,
    /// The reader scrolled towards the end: the next page, please.
    Endless,
}

impl Push {
    pub fn text(&self) -> String {
        let mut w = crate::wire::Writer::new("push");
        match self {
            Push::StateChanged => w.text("state_changed"),
            Push::HitsChanged => w.text("hits_changed"),
            Push::ContextShare { what, selection } => w.text("context_share").text(what).opt_text(selection.as_deref()),
            Push::OpenShare => w.text("open_share"),
            Push::Endless => w.text("endless"),
        };
        w.done()
    }

    /// A push's text; `None` for anything else.
    pub fn read(text: &str) -> Option<Push> {
        let mut r = crate::wire::Reader::new(text);
        if r.text().ok()? != "push" {
            return None;
        }
        let push = match r.text().ok()?.as_str() {
            "state_changed" => Push::StateChanged,
            "hits_changed" => Push::HitsChanged,
            "context_share" => Push::ContextShare { what: r.text().ok()?, selection: r.opt_text().ok()? },
            "open_share" => Push::OpenShare,
            "endless" => Push::Endless,
            _ => return None,
        };
        r.at_end().then_some(push)
    }
}

/// The answers a content script reads, as it reads them: the same names
/// and payloads as [`Response`], without the ones only the popup reads,
/// sent to pages as a line of text ([`Response::page_text`], read by
/// [`PageAnswer::decode`]) so a page's script carries no deserializer.
#[derive(Debug, Clone, PartialEq)]
pub enum PageAnswer {
    Pong {
        nonce: u32,
        version: String,
    },
    /// What a page reads of the state beyond the page state it applies at
    /// load (`crate::page_state`): what the share menu shows.
    State {
        share: PageShare,
    },
    Profile {
        profile: crate::profile::Profile,
        fetched_at: f64,
    },
    Page {
        html: String,
    },
    Posted {
        id: Option<u64>,
    },
    /// The reason in words (pages show it; the typed `error` is for the popup and the tests).
    ReplyFailed {
        message: String,
    },
    EditText {
        text: String,
    },
    /// The reason in words.
    ChangeFailed {
        message: String,
    },
    Queued {
        key: String,
    },
    Item {
        item: crate::items::ItemCard,
    },
    Past {
        stories: Vec<crate::items::PastStory>,
    },
    Unserved {
        reason: crate::page::Unserved,
        message: String,
    },
    Done,
    Error {
        message: String,
    },
}

/// The share buffer as a page's share menu sees it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PageShare {
    /// The reader's Mastodon instance.
    pub mastodon: Option<String>,
    /// Keys of the items in the buffer.
    pub queued: std::collections::BTreeSet<String>,
}

const UNSERVED: [crate::page::Unserved; 7] = {
    use crate::page::Unserved::*;
    [RateLimited, Unavailable, Empty, Network, LoggedOut, Missing, Other]
};

impl Response {
    /// The answer as a page's script reads it ([`PageAnswer::decode`]):
    /// its kind, then its fields, tab-separated (`crate::wire`). `None` for
    /// what no page's script decodes (the page state, which the start-up
    /// module reads as the object it also keeps in local storage; what only
    /// the popup reads): those go as JSON objects.
    pub fn page_text(&self) -> Option<String> {
        use crate::wire::Writer;
        Some(match self {
            Response::Pong { nonce, version } => Writer::new("pong").num(nonce).text(version).done(),
            Response::Record { text } => match text {
                Some(t) => Writer::new("record").text(t).done(),
                None => "record".to_string(),
            },
            Response::State { state } => {
                let mut w = Writer::new("state");
                w.opt_text(state.share_prefs.mastodon.as_deref());
                for key in state.share.keys() {
                    w.text(key);
                }
                w.done()
            }
            Response::Profile { profile: p, fetched_at } => Writer::new("profile")
                .text(&p.id)
                .opt_num(p.karma)
                .opt_num(p.created)
                .text(&p.about)
                .num(p.submitted)
                .num(*fetched_at as i64)
                .done(),
            Response::Page { html } => Writer::new("page").text(html).done(),
            Response::Posted { id } => Writer::new("posted").opt_num(*id).done(),
            Response::ReplyFailed { message, .. } => Writer::new("reply_failed").text(message).done(),
            Response::EditText { text } => Writer::new("edit_text").text(text).done(),
            Response::ChangeFailed { message, .. } => Writer::new("change_failed").text(message).done(),
            Response::Queued { key } => Writer::new("queued").text(key).done(),
            Response::Item { item: i } => Writer::new("item")
                .num(i.id)
                .text(&i.kind)
                .text(&i.title)
                .text(&i.summary)
                .opt_text(i.by.as_deref())
                .opt_num(i.score)
                .opt_num(i.comments)
                .num(i.time)
                .flag(i.gone)
                .done(),
            Response::Past { stories } => {
                let mut w = Writer::new("past");
                for s in stories {
                    w.num(s.id).text(&s.title).num(s.points).num(s.comments).num(s.time);
                }
                w.done()
            }
            Response::Unserved { reason, message } => Writer::new("unserved")
                .num(UNSERVED.iter().position(|r| r == reason).unwrap_or(UNSERVED.len() - 1))
                .text(message)
                .done(),
            Response::Done => "done".to_string(),
            Response::Error { message } => Writer::new("error").text(message).done(),
            _ => return None,
        })
    }
}

impl PageAnswer {
    /// Reads [`Response::page_text`]'s text.
    pub fn decode(text: &str) -> Result<PageAnswer, String> {
        let mut r = crate::wire::Reader::new(text);
        let kind = r.text()?;
        let answer = match kind.as_str() {
            "pong" => PageAnswer::Pong { nonce: r.num()?, version: r.text()? },
            "state" => {
                let mastodon = r.opt_text()?;
                let mut queued = std::collections::BTreeSet::new();
                while !r.at_end() {
                    queued.insert(r.text()?);
                }
                PageAnswer::State { share: PageShare { mastodon, queued } }
            }
            "profile" => PageAnswer::Profile {
                profile: crate::profile::Profile {
                    id: r.text()?,
                    karma: r.opt_num()?,
                    created: r.opt_num()?,
                    about: r.text()?,
                    submitted: r.num()?,
                },
                fetched_at: r.num::<i64>()? as f64,
            },
            "page" => PageAnswer::Page { html: r.text()? },
            "posted" => PageAnswer::Posted { id: r.opt_num()? },
            "reply_failed" => PageAnswer::ReplyFailed { message: r.text()? },
            "edit_text" => PageAnswer::EditText { text: r.text()? },
            "change_failed" => PageAnswer::ChangeFailed { message: r.text()? },
            "queued" => PageAnswer::Queued { key: r.text()? },
            "item" => PageAnswer::Item {
                item: crate::items::ItemCard {
                    id: r.num()?,
                    kind: r.text()?,
                    title: r.text()?,
                    summary: r.text()?,
                    by: r.opt_text()?,
                    score: r.opt_num()?,
                    comments: r.opt_num()?,
                    time: r.num()?,
                    gone: r.flag()?,
                },
            },
            "past" => {
                let mut stories = Vec::new();
                while !r.at_end() {
                    stories.push(crate::items::PastStory {
                        id: r.num()?,
                        title: r.text()?,
                        points: r.num()?,
                        comments: r.num()?,
                        time: r.num()?,
                    });
                }
                PageAnswer::Past { stories }
            }
            "unserved" => {
                let reason = *UNSERVED.get(r.num::<usize>()?).ok_or("an unknown reason")?;
                PageAnswer::Unserved { reason, message: r.text()? }
            }
            "done" => PageAnswer::Done,
            "error" => PageAnswer::Error { message: r.text()? },
            other => return Err(format!("an answer of unknown kind “{other}”")),
        };
        if !r.at_end() {
            return Err(format!("more fields than a {kind} answer has"));
        }
        Ok(answer)
    }
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
    /// Whether this browser needs the rule on the site, as learned by
    /// trying: `true` once a page's wasm was refused under the site's own
    /// policy, `false` once a page started with no rule in force; unknown
    /// until then.
    #[serde(default)]
    pub needed: Option<bool>,
}

/// Sync health, as the popup shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SyncInfo {
    pub last_push: Option<f64>,
    pub last_merge: Option<f64>,
    /// Bytes this device uses in `chrome.storage.sync`.
    pub bytes: usize,
    /// Chrome's total quota in bytes.
    pub quota: usize,
    pub devices: usize,
    /// This device's id in the synced state.
    #[serde(default)]
    pub device: u32,
    /// A refused write or unreadable item, in words.
    pub problem: Option<String>,
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
            Request::CspBlocked { url, .. } if url.len() > 2048 => Err(MessageError::Malformed("url too long".into())),
            Request::SaveSettings { settings } => Ok(Request::SaveSettings { settings: settings.clamped() }),
            Request::SetNote { ref note, .. } if note.chars().count() > crate::state::MAX_NOTE => {
                Err(MessageError::Malformed(format!("a note is at most {} characters", crate::state::MAX_NOTE)))
            }
            Request::SetTag { site, user, tag: Some(tag) } => match crate::state::valid_tag(&tag) {
                Some(tag) if crate::site::valid_user(&site, &user) => {
                    Ok(Request::SetTag { site, user, tag: Some(tag) })
                }
                _ => Err(MessageError::Malformed(format!("a tag is 1 to {} characters", crate::state::MAX_TAG))),
            },
            Request::PageSeen { ref site, ref page, ref me, ref problems, .. }
                if page.len() > 32
                    || me.as_deref().is_some_and(|m| !crate::site::valid_user(site, m))
                    || problems.len() > 32
                    || problems.iter().any(|p| p.len() > 64) =>
            {
                Err(MessageError::Malformed("a page report out of bounds".into()))
            }
            Request::PastDiscussions { ref url, .. }
                if url.len() > 2048 || !(url.starts_with("https://") || url.starts_with("http://")) =>
            {
                Err(MessageError::Malformed("past discussions are of a web link".into()))
            }
            Request::SaveNotifyPrefs { prefs } => {
                prefs.validated().map(|prefs| Request::SaveNotifyPrefs { prefs }).map_err(MessageError::Malformed)
            }
            Request::MarkRepliesRead { ids: Some(ref ids) } if ids.len() > 1000 => {
                Err(MessageError::Malformed("too many replies".into()))
            }
            Request::SetFollow { ref site, ref user, .. }
            | Request::SetNotify { ref site, ref user, .. }
            | Request::GetProfile { ref site, ref user }
            | Request::SetNote { ref site, ref user, .. }
            | Request::SetTag { ref site, ref user, .. }
                if !crate::site::valid_user(site, user) =>
            {
                Err(MessageError::Malformed(format!("“{user}” is not a username on “{site}”")))
            }
            Request::SaveFilter { rule } => rule
                .validated()
                .map(|rule| Request::SaveFilter { rule })
                .map_err(|e| MessageError::Malformed(e.to_string())),
            Request::EditFilter { key, .. } if key.is_empty() || key.len() > 600 => {
                Err(MessageError::Malformed("a filter's key is 1 to 600 characters".into()))
            }
            Request::EditFilter { key, rule } => rule
                .validated()
                .map(|rule| Request::EditFilter { key, rule })
                .map_err(|e| MessageError::Malformed(e.to_string())),
            Request::PostReply { text, .. } | Request::SaveEdit { text, .. }
                if text.trim().is_empty() || text.len() > 20_000 =>
            {
                Err(MessageError::Malformed("a comment is 1 to 20,000 characters".into()))
            }
            Request::FollowMany { ref users, .. } if users.is_empty() || users.len() > MAX_FOLLOW_MANY => {
                Err(MessageError::Malformed(format!("a list of 1 to {MAX_FOLLOW_MANY} users")))
            }
            Request::FollowMany { ref site, ref users } if users.iter().any(|u| !crate::site::valid_user(site, u)) => {
                let bad = users.iter().find(|u| !crate::site::valid_user(site, u)).cloned().unwrap_or_default();
                Err(MessageError::Malformed(format!("“{bad}” is not a username on “{site}”")))
            }
            Request::ImportState { json } if json.len() > MAX_IMPORT_BYTES => {
                Err(MessageError::Malformed("the file is too large".into()))
            }
            Request::Act { path } if !crate::act::is_action_path(&path) => {
                Err(MessageError::Malformed(format!("“{path}” is not a vote, favorite, hide or flag link")))
            }
            Request::FetchPage { ref site, .. } if crate::site::by_id(site).is_none() => {
                Err(MessageError::Malformed(format!("“{site}” is not a site")))
            }
            Request::FetchPage { path, .. } if !crate::page::is_site_path(&path) => {
                Err(MessageError::Malformed(format!("“{path}” is not a page of the site")))
            }
            Request::AddToBuffer { target, text, destination } => {
                let target = target.validated().map_err(MessageError::Malformed)?;
                if text.as_ref().is_some_and(|t| t.chars().count() > crate::share::MAX_TEXT) {
                    return Err(MessageError::Malformed("the share text is too long".into()));
                }
                Ok(Request::AddToBuffer { target, text, destination })
            }
            Request::RecordGet { key } | Request::RecordSet { key, .. } | Request::RecordRemove { key }
                if !crate::records::is_record_key(&key) =>
            {
                Err(MessageError::Malformed(format!("“{key}” is not a page's record")))
            }
            Request::FindDiscussion { url, .. } if url.len() > crate::share::MAX_URL => {
                Err(MessageError::Malformed("the address is too long".into()))
            }
            Request::SaveBufferItem { key, item } => {
                let item = item.validated().map_err(MessageError::Malformed)?;
                if item.key() != key {
                    return Err(MessageError::Malformed("the item does not match its key".into()));
                }
                Ok(Request::SaveBufferItem { key, item })
            }
            Request::FilterHits { hits } if hits.len() > 5000 || hits.keys().any(|k| k.len() > 400) => {
                Err(MessageError::Malformed("too many filter counts".into()))
            }
            Request::SaveSharePrefs { prefs } => {
                prefs.validated().map(|prefs| Request::SaveSharePrefs { prefs }).map_err(MessageError::Malformed)
            }
            Request::SetMastodonInstance { instance } => crate::share::mastodon_instance(&instance)
                .map(|instance| Request::SetMastodonInstance { instance })
                .ok_or_else(|| MessageError::Malformed(format!("“{instance}” is not a Mastodon instance"))),
            other => Ok(other),
        }
    }
}

impl Request {
    /// The site a request acts on or reads for (by its id), where it names
    /// one: a page may ask only for its own site (the background checks the
    /// sender's address, not a field of the message). Votes and replies are
    /// HN's.
    pub fn site_acted_on(&self) -> Option<&str> {
        match self {
            Request::Act { .. }
            | Request::PostReply { .. }
            | Request::EditText { .. }
            | Request::SaveEdit { .. }
            | Request::DeleteComment { .. } => Some(crate::site::hn::SITE.id),
            Request::SetFollow { site, .. }
            | Request::SetTag { site, .. }
            | Request::GetProfile { site, .. }
            | Request::FetchPage { site, .. }
            | Request::PageSeen { site, .. } => Some(site),
            Request::AddToBuffer { target, .. } => Some(&target.site),
            // The rule is set for the site of the page refused, which must be
            // the sender's own: no other address than a site's.
            Request::CspBlocked { url, .. } => Some(crate::site::of_url(url).map_or("", |s| s.id)),
            _ => None,
        }
    }
}

/// The site of requests sent before there was a second one.
fn hn_site() -> String {
    "hn".to_string()
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

    /// Every answer a request declares is a kind of `Response` (serde lists
    /// them when refusing an unknown one).
    #[test]
    fn every_declared_answer_is_a_response() {
        let kinds = wire_kinds::<Response>();
        assert!(kinds.iter().any(|k| k == "pong") && kinds.iter().any(|k| k == "done"), "{kinds:?}");
        for (name, answers) in Request::DECLARED {
            assert!(!answers.is_empty(), "{name}");
            for a in *answers {
                assert!(kinds.iter().any(|k| k == a), "{name} declares {a}, which is not a response: {kinds:?}");
            }
        }
    }

    /// The type a request's answer is read as reads one of the kinds it is
    /// answered with; and it reads that kind, and gives back any other.
    #[test]
    fn every_answer_type_reads_a_declared_answer() {
        assert_eq!(Request::TYPED.len(), Request::DECLARED.len());
        for ((name, kind), (_, answers)) in Request::TYPED.iter().zip(Request::DECLARED) {
            if let Some(kind) = kind {
                assert!(answers.contains(kind), "{name} is read as {kind}, but answered with {answers:?}");
            }
        }
        let state = UserState::default();
        assert_eq!(<ask::GetState as Ask>::Answer::take(Response::State { state: state.clone() }), Ok(state));
        assert_eq!(<ask::SetFollow as Ask>::Answer::take(Response::Done), Ok(()));
        assert!(<ask::SetFollow as Ask>::Answer::take(Response::Pong { nonce: 1, version: "1".into() }).is_err());
        let q: Request = ask::SetFollow { site: "hn".into(), user: "pg".into(), follow: true }.into();
        assert_eq!(q, Request::SetFollow { site: "hn".into(), user: "pg".into(), follow: true });
        assert_eq!(Request::from(ask::GetState {}), Request::GetState);
    }

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
    fn page_answers_read_what_the_background_sends() {
        let mut state = UserState::default();
        state.share_prefs.mastodon = Some("hachyderm.io".into());
        let target =
            crate::share::ShareTarget { id: 41, comment: false, title: "t".into(), url: None, site: "hn".into() };
        let item = crate::share::BufferItem {
            target,
            text: "t".into(),
            destination: crate::share::Destination::X,
            position: 1.0,
            added: 0,
        };
        state.share.insert("41\t2".into(), item);
        let profile = crate::profile::Profile {
            id: "pg".into(),
            karma: Some(155_000),
            created: None,
            about: "<p>Bug\tfixer\nand\\more".into(),
            submitted: 3,
        };
        let item = crate::items::ItemCard {
            id: 8,
            kind: "comment".into(),
            title: String::new(),
            summary: "first words".into(),
            by: None,
            score: Some(-1),
            comments: None,
            time: 1_700_000_000,
            gone: true,
        };
        let story = |id| crate::items::PastStory { id, title: "A\ttitle".into(), points: 5, comments: 0, time: 9 };
        let cases = [
            (Response::Pong { nonce: 1, version: "1".into() }, PageAnswer::Pong { nonce: 1, version: "1".into() }),
            (
                Response::State { state },
                PageAnswer::State {
                    share: PageShare { mastodon: Some("hachyderm.io".into()), queued: ["41\t2".to_string()].into() },
                },
            ),
            (Response::State { state: UserState::default() }, PageAnswer::State { share: PageShare::default() }),
            (
                Response::Profile { profile: profile.clone(), fetched_at: 1_700_000_000_123.0 },
                PageAnswer::Profile { profile, fetched_at: 1_700_000_000_123.0 },
            ),
            (Response::Page { html: "<p>\n".into() }, PageAnswer::Page { html: "<p>\n".into() }),
            (Response::Posted { id: Some(3) }, PageAnswer::Posted { id: Some(3) }),
            (Response::Posted { id: None }, PageAnswer::Posted { id: None }),
            (
                Response::ReplyFailed { error: crate::reply::ReplyError::TooFast, message: "slow down".into() },
                PageAnswer::ReplyFailed { message: "slow down".into() },
            ),
            (
                Response::EditText { text: "source *text*".into() },
                PageAnswer::EditText { text: "source *text*".into() },
            ),
            (
                Response::ChangeFailed { error: crate::own::ChangeError::HasReplies, message: "replies".into() },
                PageAnswer::ChangeFailed { message: "replies".into() },
            ),
            (Response::Queued { key: "5".into() }, PageAnswer::Queued { key: "5".into() }),
            (Response::Item { item: item.clone() }, PageAnswer::Item { item }),
            (Response::Past { stories: vec![] }, PageAnswer::Past { stories: vec![] }),
            (
                Response::Past { stories: vec![story(1), story(2)] },
                PageAnswer::Past { stories: vec![story(1), story(2)] },
            ),
            (
                Response::Unserved { reason: crate::page::Unserved::Missing, message: "gone".into() },
                PageAnswer::Unserved { reason: crate::page::Unserved::Missing, message: "gone".into() },
            ),
            (Response::Done, PageAnswer::Done),
            (Response::Error { message: "no".into() }, PageAnswer::Error { message: "no".into() }),
        ];
        for (sent, read) in cases {
            let text = sent.page_text().unwrap_or_else(|| panic!("{sent:?} has no page text"));
            assert_eq!(PageAnswer::decode(&text), Ok(read), "{text:?}");
            // The kind is the one the popup's JSON carries.
            let kind = serde_json::to_value(&sent).unwrap()["kind"].as_str().unwrap().to_string();
            assert!(text == kind || text.starts_with(&format!("{kind}\t")), "{text:?}");
        }
        // Damage is refused, not misread.
        assert!(PageAnswer::decode("pong\tx\t1").is_err());
        assert!(PageAnswer::decode("pong\t1").is_err(), "a field missing");
        assert!(PageAnswer::decode("posted\t1\t2").is_err(), "a field too many");
        assert!(PageAnswer::decode("unserved\t99\tm").is_err());
        assert!(PageAnswer::decode("past\t1\tt\t2").is_err());
        // What pages never read is not sent to them as text.
        assert_eq!(Response::Health { lines: vec![] }.page_text(), None);
        assert_eq!(Response::PageState { filters_on: false, text: String::new() }.page_text(), None);
        assert!(PageAnswer::decode("health").is_err());
    }

    #[test]
    fn page_requests_are_requests_pages_may_send() {
        let target =
            crate::share::ShareTarget { id: 1, comment: false, title: "t".into(), url: None, site: "hn".into() };
        let all = [
            PageRequest::Ping { nonce: 1 },
            PageRequest::GetState,
            PageRequest::SetFollow { site: "hn".into(), user: "pg".into(), follow: true },
            PageRequest::SetTag { site: "hn".into(), user: "pg".into(), tag: Some("x".into()) },
            PageRequest::GetProfile { site: "hn".into(), user: "pg".into() },
            PageRequest::FetchPage { site: "hn".into(), path: "/news?p=2".into() },
            PageRequest::PostReply { parent: 1, text: "hi".into() },
            PageRequest::EditText { id: 1 },
            PageRequest::SaveEdit { id: 1, text: "hi".into() },
            PageRequest::DeleteComment { id: 1 },
            PageRequest::Act { path: "vote?id=1&how=up&auth=x".into() },
            PageRequest::AddToBuffer { target, text: None },
            PageRequest::SetMastodonInstance { instance: "hachyderm.io".into() },
            PageRequest::FilterHits { hits: Default::default() },
            PageRequest::PageSeen {
                site: "hn".into(),
                page: "item".into(),
                me: None,
                signed_out: true,
                problems: vec![],
            },
            PageRequest::GetItem { id: 1 },
            PageRequest::PastDiscussions { id: 1, url: "https://example.com/".into() },
            PageRequest::AddToBuffer {
                target: crate::share::ShareTarget {
                    id: 2,
                    comment: true,
                    title: "Comment by a\tb".into(),
                    url: Some("https://example.com/\n".into()),
                    site: "lobsters".into(),
                },
                text: Some("my words".into()),
            },
            PageRequest::PageSeen {
                site: "hn".into(),
                page: "news".into(),
                me: Some("pg".into()),
                signed_out: false,
                problems: vec!["no stories".into(), "fold".into()],
            },
            PageRequest::FilterHits { hits: [("ks:go".to_string(), 3), ("d:x.com".to_string(), 0)].into() },
        ];
        for r in all {
            reads_back_as_a_request_pages_may_send(&r, &r.text());
        }
    }

    /// A page's request arrives as a [`Request`] pages may send, with
    /// nothing lost on the way: it reads back as sent, and its text (what
    /// pages send) reads as its JSON does.
    fn reads_back_as_a_request_pages_may_send<T: Serialize>(r: &T, text: &str) {
        let json = serde_json::to_string(&Envelope::new(r)).unwrap();
        let env: Envelope<Request> = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"));
        assert!(env.body.allowed_from_page(), "{json}");
        let mut sent: serde_json::Value = serde_json::from_str(&json).unwrap();
        sent.as_object_mut().unwrap().remove("v");
        assert_eq!(serde_json::to_value(&env.body).unwrap(), sent, "{json}");
        assert_eq!(read_page_text(text), Ok(env), "{text:?}");
        let kind = sent["kind"].as_str().unwrap();
        assert!(text == format!("1\t{kind}") || text.starts_with(&format!("1\t{kind}\t")), "{text:?}");
    }

    #[test]
    fn pushes_read_back_and_nothing_else_reads_as_one() {
        for p in [
            Push::StateChanged,
            Push::HitsChanged,
            Push::ContextShare { what: "hn-share-item".into(), selection: Some("a\tquote\n".into()) },
            Push::ContextShare { what: "x".into(), selection: None },
            Push::OpenShare,
            Push::Endless,
        ] {
            assert_eq!(Push::read(&p.text()), Some(p.clone()), "{:?}", p.text());
        }
        assert_eq!(Push::read(&PageRequest::GetState.text()), None, "a page's request is not a push");
        assert_eq!(Push::read("push\tformat_disk"), None);
        assert_eq!(Push::read("push\tstate_changed\textra"), None);
    }

    #[test]
    fn page_texts_of_another_version_or_shape_are_refused() {
        assert_eq!(read_page_text("2\tping\t1"), Err(MessageError::WrongVersion(2)));
        assert!(matches!(read_page_text("1\tping"), Err(MessageError::Malformed(_))));
        assert!(matches!(read_page_text("1\tping\t1\t2"), Err(MessageError::Malformed(_))));
        assert!(matches!(read_page_text("1\texport_state"), Err(MessageError::Malformed(_))));
        assert!(matches!(read_page_text("1\tfilter_hits\tk"), Err(MessageError::Malformed(_))));
        assert!(matches!(read_page_text(""), Err(MessageError::Malformed(_))));
    }

    #[test]
    fn load_requests_read_back_as_the_requests_they_name() {
        let all = [
            LoadRequest::GetPageState,
            LoadRequest::Welcomed,
            LoadRequest::FilterHits { hits: [("r".to_string(), 2)].into_iter().collect() },
            LoadRequest::PageSeen {
                site: "hn".into(),
                page: "item".into(),
                me: None,
                signed_out: true,
                problems: vec![],
            },
        ];
        for r in all {
            reads_back_as_a_request_pages_may_send(&r, &r.text());
        }
    }

    #[test]
    fn wrong_version_is_refused() {
        let env: Envelope<Request> = serde_json::from_str(r#"{"v":99,"kind":"ping","nonce":1}"#).unwrap();
        assert_eq!(accept(env), Err(MessageError::WrongVersion(99)));
    }

    #[test]
    fn an_edited_filter_keeps_its_key_and_is_validated() {
        use crate::filters::{RuleKind, Target};
        let rule = FilterRule::new(RuleKind::Domain, "Example.COM", Target::Stories);
        match roundtrip(Request::EditFilter { key: "ds:old.com".into(), rule }) {
            Request::EditFilter { key, rule } => {
                assert_eq!((key.as_str(), rule.pattern.as_str()), ("ds:old.com", "example.com"))
            }
            other => panic!("{other:?}"),
        }
        let bad = FilterRule::new(RuleKind::Domain, "not a domain", Target::Stories);
        assert!(accept(Envelope::new(Request::EditFilter { key: "ds:x".into(), rule: bad })).is_err());
        let rule = FilterRule::new(RuleKind::Keyword, "x", Target::Stories);
        assert!(accept(Envelope::new(Request::EditFilter { key: String::new(), rule })).is_err());
    }

    #[test]
    fn unknown_kind_fails_to_decode() {
        assert!(serde_json::from_str::<Envelope<Request>>(r#"{"v":1,"kind":"format_disk"}"#).is_err());
    }

    #[test]
    fn pages_may_not_manage_the_data() {
        assert!(Request::GetState.allowed_from_page());
        assert!(Request::Act { path: "vote?id=1&auth=a".into() }.allowed_from_page());
        for r in [
            Request::ExportState,
            Request::ImportState { json: "{}".into() },
            Request::ShareNow { key: "1".into() },
            Request::RemoveFilter { key: "x".into() },
            Request::EditFilter {
                key: "ks:x".into(),
                rule: FilterRule::new(crate::filters::RuleKind::Keyword, "y", crate::filters::Target::Stories),
            },
            Request::AnnounceHere,
            Request::GetActivity { refresh: true },
        ] {
            assert!(!r.allowed_from_page(), "{r:?}");
        }
    }

    #[test]
    fn a_page_may_set_the_mastodon_instance_and_no_other_share_preference() {
        assert!(!Request::SaveSharePrefs { prefs: crate::share::SharePrefs::default() }.allowed_from_page());
        let Request::SetMastodonInstance { instance } =
            roundtrip(Request::SetMastodonInstance { instance: " https://Hachyderm.io/ ".into() })
        else {
            panic!()
        };
        assert_eq!(instance, "hachyderm.io");
        let bad = Envelope::new(Request::SetMastodonInstance { instance: "javascript:alert(1)".into() });
        assert!(accept(bad).is_err());
    }

    #[test]
    fn requests_name_the_site_they_act_on() {
        let target =
            crate::share::ShareTarget { id: 1, comment: false, title: "t".into(), url: None, site: "lobsters".into() };
        let cases = [
            (Request::Act { path: "vote?id=1&how=up&auth=x".into() }, Some("hn")),
            (Request::PostReply { parent: 1, text: "hi".into() }, Some("hn")),
            (Request::SaveEdit { id: 1, text: "hi".into() }, Some("hn")),
            (Request::DeleteComment { id: 1 }, Some("hn")),
            (Request::SetFollow { site: "lobsters".into(), user: "a".into(), follow: true }, Some("lobsters")),
            (
                Request::PageSeen {
                    site: "hn".into(),
                    page: "item".into(),
                    me: Some("x".into()),
                    signed_out: false,
                    problems: vec![],
                },
                Some("hn"),
            ),
            (Request::AddToBuffer { target, text: None, destination: None }, Some("lobsters")),
            (Request::GetState, None),
            (Request::GetItem { id: 1 }, None),
        ];
        for (request, site) in cases {
            assert_eq!(request.site_acted_on(), site, "{request:?}");
        }
    }

    #[test]
    fn settings_are_clamped_on_arrival() {
        let s = Settings { font_scale: 10_000, ..Settings::default() };
        let Request::SaveSettings { settings } = roundtrip(Request::SaveSettings { settings: s }) else { panic!() };
        assert_eq!(settings.font_scale, crate::settings::FONT_SCALE.1);
    }
}

#[cfg(test)]
mod record_tests {
    use super::*;

    #[test]
    fn pages_read_and_write_their_records_through_the_worker() {
        let set = LoadRequest::RecordSet { key: "draft:42".into(), text: "draft 1\n5\thalf\\twritten".into() };
        let read = accept(read_page_text(&set.text()).unwrap()).unwrap();
        assert_eq!(read, Request::RecordSet { key: "draft:42".into(), text: "draft 1\n5\thalf\\twritten".into() });
        assert!(read.allowed_from_page());
        assert_eq!(read.site_acted_on(), None);
        for key in ["state", "notes", "share_notifications", "page_state", "look"] {
            let get = LoadRequest::RecordGet { key: key.into() };
            assert!(accept(read_page_text(&get.text()).unwrap()).is_err(), "{key} is not a page's to read");
            let set = LoadRequest::RecordSet { key: key.into(), text: "x".into() };
            assert!(accept(read_page_text(&set.text()).unwrap()).is_err(), "{key} is not a page's to write");
        }
        let text = "visits 1\n1\t2\t3\t4\t0";
        let answer = Response::Record { text: Some(text.into()) }.page_text().unwrap();
        assert_eq!(read_record_answer(&answer), Ok(Some(text.to_string())));
        assert_eq!(read_record_answer(&Response::Record { text: None }.page_text().unwrap()), Ok(None));
        assert!(read_record_answer("error\tthe background did not finish").is_err());
    }
}
