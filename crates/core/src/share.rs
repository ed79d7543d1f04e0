//! Sharing: what is shared (a story or a comment), where (each destination's
//! composer URL, built here and encoded for it), and the share buffer's
//! items and preferences. The schedule itself is in [`crate::schedule`].
//!
//! Every builder percent-encodes each value as a whole query component
//! (RFC 3986 unreserved characters kept, everything else as UTF-8 `%XX`), so
//! a title holding `&`, `#`, `=`, quotes, emoji or right-to-left text arrives
//! unchanged and cannot add or cut parameters.

use crate::text;
use serde::{Deserialize, Serialize};

use crate::page::ItemId;

/// The HN discussion URL of an item.
pub fn discussion_url(id: ItemId) -> String {
    format!("https://news.ycombinator.com/item?id={id}")
}

/// What is shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareTarget {
    /// The HN item: a story or a comment.
    pub id: ItemId,
    #[serde(default)]
    pub comment: bool,
    /// The story's title; for a comment, "Comment by X on: title".
    pub title: String,
    /// The story's own link; `None` for Ask HN and comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The site of the item; absent means Hacker News (as stored before a
    /// second site).
    #[serde(default = "crate::site::hn_id", skip_serializing_if = "crate::site::is_hn")]
    pub site: String,
}

impl ShareTarget {
    /// The item's key in the share buffer: its id, after its site's unless
    /// HN (as keyed before a second site).
    pub fn key(&self) -> String {
        if crate::site::is_hn(&self.site) {
            self.id.to_string()
        } else {
            format!("{}:{}", self.site, self.id)
        }
    }

    /// A story or comment of Hacker News.
    pub fn hn(id: ItemId, comment: bool, title: String, url: Option<String>) -> ShareTarget {
        ShareTarget { id, comment, title, url, site: crate::site::hn_id() }
    }

    /// A page anywhere on the web (what the toolbar button, the context
    /// menu and the command add away from the sites), keyed by its address
    /// and, for a quote, the quote: one page can be queued once, and each
    /// quote of it once.
    pub fn web(url: String, title: String, quote: Option<&str>) -> ShareTarget {
        let id = web_id(&url, quote);
        ShareTarget { id, comment: false, title, url: Some(url), site: WEB.to_string() }
    }

    /// Whether this is a page of the web rather than an item of a site.
    pub fn is_web(&self) -> bool {
        self.site == WEB
    }

    pub fn discussion(&self) -> String {
        if self.is_web() {
            // A page has no discussion of its own: its link is all there is.
            return self.link();
        }
        match crate::site::by_id(&self.site) {
            Some(s) if self.comment => (s.comment_url)(self.id),
            Some(s) => (s.item_url)(self.id),
            None => discussion_url(self.id),
        }
    }

    /// The link a destination with one URL field gets: the story's own link,
    /// else the discussion.
    pub fn link(&self) -> String {
        self.url.clone().unwrap_or_else(|| self.discussion())
    }

    /// The default share text: the title.
    pub fn default_text(&self) -> String {
        self.title.clone()
    }

    /// Checks what arrives from a page: an id, a title of sane length, a
    /// link that is http(s).
    pub fn validated(self) -> Result<ShareTarget, String> {
        if self.id == 0 {
            return Err(text::SHARE_NO_ITEM.into());
        }
        if self.is_web() {
            let url = self.url.as_deref().unwrap_or("");
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(text::SHARE_WEB_ONLY.into());
            }
            if url.len() > MAX_URL {
                return Err(text::share_url_too_long(url.len(), MAX_URL));
            }
        } else if crate::site::by_id(&self.site).is_none() {
            return Err(text::share_not_site(&self.site));
        }
        if self.title.trim().is_empty() || self.title.len() > 600 {
            return Err(text::SHARE_TITLE_LENGTH.into());
        }
        if let Some(url) = &self.url {
            if url.len() > MAX_URL || !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!("“{url}” is not a web link"));
            }
        }
        Ok(self)
    }
}

/// The site name of pages of the web ([`ShareTarget::web`]).
pub const WEB: &str = "web";

/// The longest address a share carries (composers cut longer ones).
pub const MAX_URL: usize = 2048;

/// A web page's key: FNV-1a over its address (and quote), 53 bits so it
/// stays exact as a JavaScript number, never 0.
pub fn web_id(url: &str, quote: Option<&str>) -> ItemId {
    let mut h: u64 = 0xcbf29ce484222325;
    let bytes = url.bytes().chain(quote.into_iter().flat_map(|q| std::iter::once(0).chain(q.bytes())));
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    (h & ((1 << 53) - 1)).max(1)
}

/// What a page of the web is shared as: the page, a quote from it, a link
/// on it or an image on it. Each becomes a buffer item with its text.
#[derive(Debug, Clone, PartialEq)]
pub enum WebShare {
    Page,
    Quote(String),
    Link { url: String, text: Option<String> },
    Image { url: String },
}

/// The target and text of a share of the web, from the page's address and
/// title (a page without a title is named by its address). `discussion` is
/// the HN story of the page's (or link's) address, when known: the item is
/// then that story, as when queued from HN.
pub fn web_share(
    page_url: &str,
    page_title: &str,
    what: WebShare,
    discussion: Option<ItemId>,
) -> Result<(ShareTarget, String), String> {
    let title = page_title.trim();
    let title = if title.is_empty() { page_url } else { title };
    let title: String = title.chars().take(600).collect();
    // The page or link itself may be an HN story; a quote or image is not.
    let story = matches!(what, WebShare::Page | WebShare::Link { .. });
    // An HN thread is shared as that item, as its share menu would.
    let hn_item = page_url
        .strip_prefix("https://news.ycombinator.com/item?")
        .filter(|q| q.starts_with("id="))
        .and_then(crate::page::parse_item_id);
    let (target, text) = match what {
        WebShare::Page if hn_item.is_some() => {
            let title = title.strip_suffix(" | Hacker News").unwrap_or(&title).to_string();
            (ShareTarget::hn(hn_item.unwrap_or_default(), false, title.clone(), None), title)
        }
        WebShare::Page => (ShareTarget::web(page_url.to_string(), title.clone(), None), title),
        WebShare::Quote(q) => {
            let q = q.trim();
            if q.is_empty() {
                return Err(text::SHARE_NO_SELECTION.into());
            }
            let text = text::share_quote(q, &title);
            (ShareTarget::web(page_url.to_string(), title, Some(q)), text)
        }
        WebShare::Link { url, text } => {
            let name = text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).unwrap_or_else(|| url.clone());
            let name: String = name.chars().take(600).collect();
            (ShareTarget::web(url, name.clone(), None), name)
        }
        WebShare::Image { url } => {
            if url.starts_with("data:") {
                return Err(text::SHARE_IMAGE_INLINE.into());
            }
            let text = text::share_image_text(&title, page_url);
            (ShareTarget::web(url, title, None), text)
        }
    };
    let target = match discussion.filter(|&id| story && id > 0) {
        Some(id) => ShareTarget::hn(id, false, target.title, target.url),
        None => target,
    };
    let text: String = text.chars().take(MAX_TEXT).collect();
    Ok((target.validated()?, text))
}

/// Where a share goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    Buffer,
    X,
    Mastodon,
    Bluesky,
    Linkedin,
    Reddit,
    Facebook,
    Email,
}

impl Destination {
    pub const ALL: [Destination; 8] = [
        Destination::Buffer,
        Destination::X,
        Destination::Mastodon,
        Destination::Bluesky,
        Destination::Linkedin,
        Destination::Reddit,
        Destination::Facebook,
        Destination::Email,
    ];

    /// The destination's name as stored and as pages and forms use it.
    pub fn id(self) -> &'static str {
        match self {
            Destination::Buffer => "buffer",
            Destination::X => "x",
            Destination::Mastodon => "mastodon",
            Destination::Bluesky => "bluesky",
            Destination::Linkedin => "linkedin",
            Destination::Reddit => "reddit",
            Destination::Facebook => "facebook",
            Destination::Email => "email",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Destination::Buffer => "Buffer",
            Destination::X => text::SHARE_X,
            Destination::Mastodon => "Mastodon",
            Destination::Bluesky => "Bluesky",
            Destination::Linkedin => "LinkedIn",
            Destination::Reddit => "Reddit",
            Destination::Facebook => "Facebook",
            Destination::Email => text::SHARE_EMAIL,
        }
    }
}

pub use crate::url::encode;

/// A Mastodon instance as the user types it (`mastodon.social`,
/// `https://fosstodon.org/`), reduced to its host; `None` if it is not one.
pub fn mastodon_instance(input: &str) -> Option<String> {
    let s = input.trim();
    let s = s.strip_prefix("https://").unwrap_or(s);
    let s = s.trim_end_matches('/').to_ascii_lowercase();
    let labels: Vec<&str> = s.split('.').collect();
    let valid = s.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels.last().is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()));
    valid.then_some(s)
}

/// The text of a share where the destination takes one free-text field:
/// the text, the link, and the discussion when it differs from the link.
pub fn full_text(target: &ShareTarget, text: &str) -> String {
    let link = target.link();
    let discussion = target.discussion();
    if link == discussion {
        format!("{text} {link}")
    } else {
        format!("{text} {link} (discussion: {discussion})")
    }
}

/// The composer URL for a destination, or why there is none (Mastodon
/// without an instance).
pub fn composer_url(
    dest: Destination,
    target: &ShareTarget,
    text: &str,
    mastodon: Option<&str>,
) -> Result<String, String> {
    let link = encode(&target.link());
    let e = encode;
    Ok(match dest {
        Destination::Buffer => format!("https://buffer.com/add?text={}&url={link}", e(text)),
        Destination::X => format!("https://x.com/intent/post?text={}&url={link}", e(text)),
        Destination::Mastodon => {
            let instance = mastodon.and_then(mastodon_instance).ok_or_else(|| text::SHARE_SET_MASTODON.to_string())?;
            format!("https://{instance}/share?text={}", e(&full_text(target, text)))
        }
        Destination::Bluesky => format!("https://bsky.app/intent/compose?text={}", e(&full_text(target, text))),
        Destination::Linkedin => format!("https://www.linkedin.com/sharing/share-offsite/?url={link}"),
        Destination::Reddit => format!("https://www.reddit.com/submit?url={link}&title={}", e(text)),
        Destination::Facebook => format!("https://www.facebook.com/sharer/sharer.php?u={link}"),
        Destination::Email => {
            let mut body = format!("{text}\n\n{}", target.link());
            if target.link() != target.discussion() {
                body.push_str(&format!("\n\nDiscussion: {}", target.discussion()));
            }
            format!("mailto:?subject={}&body={}", e(text), e(&body))
        }
    })
}

/// One post in the share buffer (synced). What changes often (announced,
/// shared) is kept apart in [`ItemStatus`], so an edit of the text on one
/// device and "shared" on another never overwrite each other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BufferItem {
    pub target: ShareTarget,
    pub text: String,
    pub destination: Destination,
    /// Order in the queue: smaller first.
    pub position: f64,
    /// Milliseconds since the epoch when it was queued.
    pub added: i64,
}

/// What happened to a buffer item (synced, per item).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ItemStatus {
    /// The slot it was announced for, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced: Option<i64>,
    /// When the user shared it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<i64>,
}

/// Longest share text.
pub const MAX_TEXT: usize = 1000;
/// Most items queued at once (sync quota); history keeps the last
/// [`HISTORY`] shared items.
pub const MAX_QUEUED: usize = 200;
pub const HISTORY: usize = 100;

impl BufferItem {
    pub fn validated(mut self) -> Result<BufferItem, String> {
        self.target = self.target.validated()?;
        self.text = self.text.trim().to_string();
        if self.text.is_empty() || self.text.chars().count() > MAX_TEXT {
            return Err(text::share_text_length(MAX_TEXT));
        }
        if !self.position.is_finite() {
            return Err(text::SHARE_BAD_POSITION.into());
        }
        Ok(self)
    }

    /// The buffer key of an item: its id, after its site's unless HN (an
    /// item is queued once; its destination can change).
    pub fn key(&self) -> String {
        self.target.key()
    }
}

/// The share buffer's preferences (synced as one value).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharePrefs {
    /// Slots per weekday, Monday first, in minutes after local midnight.
    pub slots: [Vec<u16>; 7],
    pub paused: bool,
    /// The end of the last slot handled: queued items take the slots after
    /// it, so a slot is announced once even if the browser was closed.
    pub cursor: i64,
    /// The one device that announces due items (see the README: two devices
    /// never both announce, once they have synced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announcer: Option<u32>,
    /// The user's Mastodon instance host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mastodon: Option<String>,
    /// Default destination of items added from the page.
    pub destination: Destination,
}

impl Default for SharePrefs {
    fn default() -> Self {
        let day = vec![9 * 60, 13 * 60, 17 * 60 + 30];
        SharePrefs {
            slots: std::array::from_fn(|_| day.clone()),
            paused: false,
            cursor: 0,
            announcer: None,
            mastodon: None,
            destination: Destination::X,
        }
    }
}

impl SharePrefs {
    /// Sorted, deduplicated, bounded slots; a valid instance or none.
    pub fn validated(mut self) -> Result<SharePrefs, String> {
        for day in &mut self.slots {
            if day.iter().any(|&m| m >= 24 * 60) {
                return Err(text::SHARE_SLOT_TIME.into());
            }
            day.sort_unstable();
            day.dedup();
            if day.len() > 24 {
                return Err(text::SHARE_SLOTS_MAX.into());
            }
        }
        if let Some(m) = &self.mastodon {
            self.mastodon = Some(mastodon_instance(m).ok_or_else(|| format!("“{m}” is not a Mastodon instance"))?);
        }
        Ok(self)
    }
}

/// `HH:MM` of minutes after midnight.
pub fn format_slot(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Parses `9:00, 13:00, 17:30` into sorted minutes.
pub fn parse_slots(text: &str) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    for part in text.split([',', ' ']).map(str::trim).filter(|p| !p.is_empty()) {
        let (h, m) = part.split_once(':').ok_or_else(|| format!("“{part}” is not a time like 09:30"))?;
        let short = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        let (h, m) = match (h.parse::<u16>(), m.parse::<u16>()) {
            (Ok(hv), Ok(mv)) if hv < 24 && mv < 60 && short(h) && short(m) => (hv, mv),
            _ => return Err(format!("“{part}” is not a time like 09:30")),
        };
        out.push(h * 60 + m);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod web_tests {
    use super::*;

    const PAGE: &str = "https://blog.example.org/posts/rust-wasm?ref=hn#intro";

    #[test]
    fn a_page_of_the_web_is_its_own_link_and_key() {
        let (t, text) = web_share(PAGE, "  Rust and wasm  ", WebShare::Page, None).unwrap();
        assert!(t.is_web());
        assert_eq!(text, "Rust and wasm");
        assert_eq!(t.link(), PAGE);
        assert_eq!(t.discussion(), PAGE, "no discussion of its own");
        assert_eq!(full_text(&t, &text), format!("Rust and wasm {PAGE}"));
        assert_eq!(t.key(), format!("web:{}", web_id(PAGE, None)));
        let (again, _) = web_share(PAGE, "another title", WebShare::Page, None).unwrap();
        assert_eq!(again.key(), t.key(), "one page, one key");
        let url = composer_url(Destination::X, &t, &text, None).unwrap();
        assert!(url.contains("url=https%3A%2F%2Fblog.example.org%2Fposts%2Frust-wasm%3Fref%3Dhn%23intro"), "{url}");
    }

    #[test]
    fn an_hn_thread_is_shared_as_its_item() {
        let (t, text) =
            web_share("https://news.ycombinator.com/item?id=30883015", "Rust 1.60 | Hacker News", WebShare::Page, None)
                .unwrap();
        assert_eq!(t, ShareTarget::hn(30883015, false, "Rust 1.60".into(), None));
        assert_eq!(text, "Rust 1.60");
        assert_eq!(t.link(), "https://news.ycombinator.com/item?id=30883015");
    }

    #[test]
    fn quotes_links_and_images_name_their_source() {
        let (q, text) = web_share(PAGE, "Rust and wasm", WebShare::Quote(" small is fast ".into()), None).unwrap();
        assert_eq!(text, "\u{201c}small is fast\u{201d} \u{2014} Rust and wasm");
        assert_eq!(q.link(), PAGE);
        let (q2, _) = web_share(PAGE, "Rust and wasm", WebShare::Quote("another".into()), None).unwrap();
        assert_ne!(q.key(), q2.key(), "each quote of a page once");

        let link = WebShare::Link { url: "https://example.com/a".into(), text: Some("The paper".into()) };
        let (l, text) = web_share(PAGE, "Rust and wasm", link, None).unwrap();
        assert_eq!(
            (l.link(), text.as_str(), l.title.as_str()),
            ("https://example.com/a".into(), "The paper", "The paper")
        );
        let bare = WebShare::Link { url: "https://example.com/a".into(), text: None };
        assert_eq!(web_share(PAGE, "x", bare, None).unwrap().1, "https://example.com/a");

        let img = WebShare::Image { url: "https://cdn.example.org/chart.png".into() };
        let (i, text) = web_share(PAGE, "Rust and wasm", img, None).unwrap();
        assert_eq!(i.link(), "https://cdn.example.org/chart.png");
        assert_eq!(text, format!("Rust and wasm (image from {PAGE})"));
    }

    #[test]
    fn a_page_with_an_hn_discussion_is_that_story() {
        let (t, _) = web_share(PAGE, "Rust and wasm", WebShare::Page, Some(30883015)).unwrap();
        assert_eq!(t, ShareTarget::hn(30883015, false, "Rust and wasm".into(), Some(PAGE.into())));
        assert_eq!(full_text(&t, "x"), format!("x {PAGE} (discussion: https://news.ycombinator.com/item?id=30883015)"));
        let (q, _) = web_share(PAGE, "Rust and wasm", WebShare::Quote("q".into()), Some(30883015)).unwrap();
        assert!(q.is_web(), "a quote stays the page's");
    }

    #[test]
    fn what_cannot_be_shared_says_why() {
        let untitled = web_share("https://example.com/", "", WebShare::Page, None).unwrap();
        assert_eq!(untitled.1, "https://example.com/", "named by its address");
        for bad in ["file:///home/me/notes.html", "chrome://settings/", "javascript:alert(1)", "about:blank"] {
            let e = web_share(bad, "t", WebShare::Page, None).unwrap_err();
            assert!(e.contains("only web pages"), "{bad}: {e}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_URL));
        assert!(web_share(&long, "t", WebShare::Page, None).unwrap_err().contains("at most 2048"));
        assert!(web_share(PAGE, "t", WebShare::Quote("  ".into()), None).is_err());
        assert!(web_share(PAGE, "t", WebShare::Image { url: "data:image/png;base64,AAAA".into() }, None).is_err());
        assert_ne!(web_id(PAGE, None), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a query back the way a server does.
    fn query(url: &str) -> Vec<(String, String)> {
        let q = url.split_once('?').map_or("", |(_, q)| q);
        assert!(!q.contains('#'), "raw # in {url}");
        assert!(!q.contains(' ') && !q.contains('"') && !q.contains('\''), "raw character in {url}");
        q.split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').expect("key=value");
                (k.to_string(), decode(v))
            })
            .collect()
    }

    fn decode(v: &str) -> String {
        let b = v.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            } else {
                assert_ne!(b[i], b'+', "+ is ambiguous in a query");
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    const TITLES: &[&str] = &[
        "Rust & WebAssembly: a #1 guide",
        "She said \"it's fine\" = 'no'",
        "Emoji 🚀🦀 in titles ✔",
        "עברית: שלום עולם and العربية مرحبا",
        "100% of a+b?c=d&e",
    ];

    fn story(title: &str) -> ShareTarget {
        ShareTarget {
            id: 42,
            comment: false,
            title: title.into(),
            url: Some("https://example.com/a?b=1&c=#x".into()),
            site: "hn".into(),
        }
    }

    fn get<'a>(q: &'a [(String, String)], k: &str) -> &'a str {
        &q.iter().find(|(key, _)| key == k).unwrap_or_else(|| panic!("no {k}")).1
    }

    #[test]
    fn every_destination_round_trips_hostile_titles() {
        for title in TITLES {
            let t = story(title);
            for dest in Destination::ALL {
                let url = composer_url(dest, &t, title, Some("mastodon.social")).unwrap();
                let q = query(&url);
                match dest {
                    Destination::Buffer | Destination::X => {
                        assert!(url.starts_with(if dest == Destination::X {
                            "https://x.com/intent/post?"
                        } else {
                            "https://buffer.com/add?"
                        }));
                        assert_eq!(get(&q, "text"), *title);
                        assert_eq!(get(&q, "url"), "https://example.com/a?b=1&c=#x");
                        assert_eq!(q.len(), 2);
                    }
                    Destination::Mastodon | Destination::Bluesky => {
                        let text = get(&q, "text");
                        assert!(text.starts_with(title));
                        assert!(text.contains("https://example.com/a?b=1&c=#x"));
                        assert!(text.contains("https://news.ycombinator.com/item?id=42"));
                        assert_eq!(q.len(), 1);
                    }
                    Destination::Linkedin => assert_eq!(get(&q, "url"), "https://example.com/a?b=1&c=#x"),
                    Destination::Facebook => assert_eq!(get(&q, "u"), "https://example.com/a?b=1&c=#x"),
                    Destination::Reddit => {
                        assert_eq!(get(&q, "title"), *title);
                        assert_eq!(get(&q, "url"), "https://example.com/a?b=1&c=#x");
                    }
                    Destination::Email => {
                        assert!(url.starts_with("mailto:?"));
                        assert_eq!(get(&q, "subject"), *title);
                        let body = get(&q, "body");
                        assert!(
                            body.starts_with(title)
                                && body.contains("Discussion: https://news.ycombinator.com/item?id=42")
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn ids_are_the_stored_names() {
        for d in Destination::ALL {
            assert_eq!(serde_json::to_string(&d).unwrap(), format!("\"{}\"", d.id()));
        }
    }

    #[test]
    fn ask_hn_and_comments_share_the_discussion() {
        let t = ShareTarget { id: 7, comment: true, title: "Comment by pg on: X".into(), url: None, site: "hn".into() };
        let q = query(&composer_url(Destination::X, &t, "hi", None).unwrap());
        assert_eq!(get(&q, "url"), "https://news.ycombinator.com/item?id=7");
        let q = query(&composer_url(Destination::Bluesky, &t, "hi", None).unwrap());
        assert_eq!(get(&q, "text"), "hi https://news.ycombinator.com/item?id=7");
    }

    #[test]
    fn mastodon_needs_a_valid_instance() {
        let t = story("a");
        assert!(composer_url(Destination::Mastodon, &t, "a", None).is_err());
        assert!(composer_url(Destination::Mastodon, &t, "a", Some("javascript:alert(1)")).is_err());
        assert_eq!(mastodon_instance(" https://Fosstodon.org/ "), Some("fosstodon.org".into()));
        for bad in ["", "localhost", "a..b", "evil.com/path", "x.com?y", "-a.com", "1.2.3.4", "a b.com"] {
            assert_eq!(mastodon_instance(bad), None, "{bad}");
        }
        let url = composer_url(Destination::Mastodon, &t, "a", Some("hachyderm.io")).unwrap();
        assert!(url.starts_with("https://hachyderm.io/share?text="));
    }

    #[test]
    fn targets_and_items_are_validated() {
        let mut t = story("ok");
        t.url = Some("javascript:alert(1)".into());
        assert!(t.validated().is_err());
        assert!(ShareTarget { id: 0, comment: false, title: "x".into(), url: None, site: "hn".into() }
            .validated()
            .is_err());
        let item =
            BufferItem { target: story("t"), text: "  ".into(), destination: Destination::X, position: 0.0, added: 0 };
        assert!(item.validated().is_err());
    }

    #[test]
    fn slots_parse_and_format() {
        assert_eq!(parse_slots("17:30, 9:00 13:00 9:00").unwrap(), vec![540, 780, 1050]);
        assert_eq!(format_slot(1050), "17:30");
        for bad in ["25:00", "9", "9:60", "a:b", "9:000"] {
            assert!(parse_slots(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_slots("").unwrap(), Vec::<u16>::new());
    }
}
