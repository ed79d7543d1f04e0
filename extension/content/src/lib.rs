//! The content script, in two modules built from this one crate.
//!
//! The **start-up module** (`hn-content`) is compiled while the page is
//! parsed and runs at its end: it reads which site and page kind this is,
//! indexes the page's stories and comments once, runs the features that
//! change the page at load (filters, follows, tags, read and new marks,
//! folds, the look, endless scroll), asks the background for the user's
//! state and hands it to them — again whenever it changes.
//!
//! The **module loaded on first use** (`hn-content-more`, this crate with
//! the `more` feature) holds what a reader does by hand: user and item
//! cards, the share menu, replies, votes, past discussions, sorting, the
//! keyboard. The start-up module's `wake` feature listens for the first
//! gesture that needs it, and the loader fetches, instantiates and runs
//! it, then replays that gesture to it. Which feature lives where is one
//! list each in `features/mod.rs`.
#![forbid(unsafe_code)]
pub mod dialog;
pub mod dom;
mod editor;
pub mod features;
mod fold;
mod index;
pub mod manager;
mod marks;
pub mod wake;

use std::cell::RefCell;
use std::rc::Rc;

use hn_core::message::{LoadRequest, PageAnswer as Response, PageRequest as Request, Push};
use hn_core::site::{self, PageKind, SiteSpec};
use hn_core::state::UserState;
use wasm_bindgen::prelude::*;

pub use index::Index;

/// Both modules allocate with the small size-class heap (see `hn_ext::heap`).
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static HEAP: hn_ext::heap::Heap = hn_ext::heap::Heap::new();

/// What every feature gets: where it runs, the page, its index, the state.
pub struct Ctx {
    pub site: &'static SiteSpec,
    pub kind: PageKind,
    pub document: web_sys::Document,
    pub root: web_sys::Element,
    pub index: RefCell<Index>,
    pub state: RefCell<UserState>,
    /// What the share menu shows of the buffer (the second module asks
    /// for it when it starts and whenever the state changes).
    pub share: RefCell<hn_core::message::PageShare>,
}

pub type Shared = Rc<Ctx>;

/// The page's context, read from the page alone.
fn context() -> Option<Shared> {
    let window = web_sys::window()?;
    let document = window.document()?;
    let root = document.document_element()?;
    let location = window.location();
    let host = location.host().unwrap_or_default();
    let site = site::for_host(&host)?;
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    let kind = (site.page_kind)(&path, query.trim_start_matches('?'));
    let start = manager::now();
    let index = Index::read(&root, site, kind);
    manager::timed("index", start);
    Some(Rc::new(Ctx {
        site,
        kind,
        document,
        root,
        index: RefCell::new(index),
        state: RefCell::new(UserState::default()),
        share: RefCell::default(),
    }))
}

/// The start-up module's entry, called by the loader at the end of parsing.
#[cfg(not(feature = "more"))]
#[wasm_bindgen]
pub fn run() {
    let Some(ctx) = context() else { return };
    PAGE.with(|p| *p.borrow_mut() = Some(ctx.clone()));
    manager::init_all(&ctx);
    load_state(ctx.clone());
    let listener_ctx = ctx.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |message: JsValue| {
        match message.as_string().and_then(|t| Push::read(&t)) {
            Some(Push::StateChanged) => refresh_state(listener_ctx.clone()),
            // The browser's context menu and keyboard command, for the
            // module that shares (loaded now if it is not yet).
            Some(Push::ContextShare { .. } | Push::OpenShare) => wake::message(&message),
            _ => {}
        }
    });
    hn_ext::on_message(&listener);
    listener.forget();
}

thread_local! {
    /// This module's page context, for the calls between the two modules.
    static PAGE: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

/// Endless scroll (in the second module) appended rows: this module reads
/// them and its features cover them. The start-up module is told first;
/// its manager then tells the second.
#[wasm_bindgen]
pub fn rows_added() {
    let Some(ctx) = PAGE.with(|p| p.borrow().clone()) else { return };
    let (stories, comments) = ctx.index.borrow_mut().add_new(&ctx.root, ctx.site);
    manager::rows_added(&ctx, stories, comments);
}

/// The second module's entry, called by the loader on the first gesture
/// that needs it: reads the page again, takes the state the start-up
/// module holds, and wires up its features. The loader then replays the
/// gesture(s) that woke it ([`replay`]).
#[cfg(feature = "more")]
#[wasm_bindgen]
pub fn run_more() {
    let Some(ctx) = context() else { return };
    take_state(&ctx);
    manager::init_all(&ctx);
    manager::apply_state_all(&ctx);
    PAGE.with(|p| *p.borrow_mut() = Some(ctx.clone()));
    share_state(ctx);
}

/// What the start-up module holds is what pages apply at load; the share
/// menu's part of the state comes from the background.
#[cfg(feature = "more")]
fn share_state(ctx: Shared) {
    wasm_bindgen_futures::spawn_local(async move {
        match ask(Request::GetState).await {
            Ok(Response::State { share }) => *ctx.share.borrow_mut() = share,
            Ok(_) => dom::log("unexpected answer to GetState"),
            Err(e) => dom::log(&format!("the share buffer is unavailable: {e}")),
        }
    });
}

/// Reads the page state the start-up module last received (its text, so
/// this module needs no second request before the whole state arrives).
#[cfg(feature = "more")]
fn take_state(ctx: &Ctx) {
    let raw = js_sys::Reflect::get(&js_sys::global(), &STATE_SLOT.into()).unwrap_or(JsValue::UNDEFINED);
    let Some(text) = raw.as_string() else { return };
    match hn_core::state::LoadState::decode(&text) {
        Ok(page) => *ctx.state.borrow_mut() = page.into(),
        Err(e) => dom::log(&format!("the user's state is unreadable: {e}")),
    }
}

/// An event that woke this module, handed to its document listeners.
#[cfg(feature = "more")]
#[wasm_bindgen]
pub fn replay(event: web_sys::Event) {
    dom::replay(&event);
}

/// The start-up module has a new state: apply it here too.
#[cfg(feature = "more")]
#[wasm_bindgen]
pub fn state_changed() {
    let Some(ctx) = PAGE.with(|p| p.borrow().clone()) else { return };
    take_state(&ctx);
    manager::apply_state_all(&ctx);
    share_state(ctx);
}

/// A push for this module (`Push`: the context menu's item, the keyboard
/// command, endless scroll's next page), passed on by the start-up module.
#[cfg(feature = "more")]
#[wasm_bindgen]
pub fn message(message: JsValue) {
    let Some(ctx) = PAGE.with(|p| p.borrow().clone()) else { return };
    match message.as_string().and_then(|t| Push::read(&t)) {
        Some(Push::ContextShare { what, selection }) => features::share::from_context(&ctx, &what, selection),
        Some(Push::OpenShare) => features::keys::share_focused(&ctx),
        Some(Push::Endless) => features::endless::go(&ctx),
        _ => {}
    }
}

/// Where the start-up module keeps the page state's text.
const STATE_SLOT: &str = "hnewState";

/// The key under which a thread's local record `name` (folds, say) is
/// kept: `name:id` on HN, `name:site:id` elsewhere.
pub fn thread_key(ctx: &Ctx, name: &str) -> Option<String> {
    let location = web_sys::window()?.location();
    let (path, query) = (location.pathname().ok()?, location.search().ok()?);
    let id = (ctx.site.page_item)(&path, query.trim_start_matches('?'))?;
    Some(format!("{}:{id}", site::scoped(ctx.site.id, name)))
}

/// Asks the background; the answer is read as one of those pages get.
pub async fn ask(request: Request) -> Result<Response, String> {
    let answer = hn_ext::ask_text(&request.text()).await?;
    let text = answer.as_string().ok_or(hn_core::text::ERROR_ANSWER_UNREADABLE)?;
    Response::decode(&text).map_err(|e| {
        dom::log(&format!("unreadable answer: {e}"));
        hn_core::text::ERROR_ANSWER_UNREADABLE.to_string()
    })
}

/// Tells the background what a page reports at load (filter counts, what
/// it found); the answer is only checked for arriving (the start-up module
/// carries no decoder for answers).
pub async fn tell(request: LoadRequest) -> Result<(), String> {
    hn_ext::ask_text(&request.text()).await.map(|_| ())
}

/// At load: the page state `early.js` began reading from local storage
/// before the page was parsed (the background keeps it there), so the page
/// is enhanced without waiting for the service worker; the worker's when
/// there is none.
#[cfg(not(feature = "more"))]
fn load_state(ctx: Shared) {
    let early = js_sys::Reflect::get(&js_sys::global(), &"hnewPageState".into()).unwrap_or(JsValue::UNDEFINED);
    let Ok(promise) = early.dyn_into::<js_sys::Promise>() else { return refresh_state(ctx) };
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(state) if state.is_object() => {
                dom::report("hnew-state-from", "local");
                if let Err(e) = apply_raw(&ctx, &state) {
                    dom::log(&format!("saved page state unreadable ({e}); asking the worker"));
                    refresh_state(ctx);
                }
            }
            _ => refresh_state(ctx),
        }
    });
}

/// Asks the background for the state and applies it.
#[cfg(not(feature = "more"))]
fn refresh_state(ctx: Shared) {
    wasm_bindgen_futures::spawn_local(async move {
        let raw = match hn_ext::ask_text(&LoadRequest::GetPageState.text()).await {
            Ok(raw) => raw,
            Err(e) => {
                unheld(&ctx);
                dom::report("hnew-background", &format!("error {e}"));
                return dom::log(&format!("the user's state is unavailable: {e}"));
            }
        };
        match apply_raw(&ctx, &raw) {
            Ok(()) => {
                dom::report("hnew-state-from", "worker");
                dom::report("hnew-background", "ok")
            }
            Err(e) => {
                unheld(&ctx);
                dom::log(&format!("unexpected answer to GetPageState: {e}"));
            }
        }
    });
}

/// No state to apply: the rows `pending.css` holds until then are shown
/// as the site sent them.
#[cfg(not(feature = "more"))]
fn unheld(ctx: &Ctx) {
    if !ctx.root.has_attribute("data-hnew-state") {
        dom::set_data(&ctx.root, "hnew-state", "unavailable");
    }
}

/// Applies a page state (`{text}`, from the background or kept in local
/// storage), and keeps its text for the module loaded on first use.
#[cfg(not(feature = "more"))]
fn apply_raw(ctx: &Shared, record: &JsValue) -> Result<(), String> {
    let text = js_sys::Reflect::get(record, &"text".into()).ok().and_then(|t| t.as_string()).ok_or("no page state")?;
    let decoded = hn_core::state::LoadState::decode(&text)?;
    let _ = js_sys::Reflect::set(&js_sys::global(), &STATE_SLOT.into(), &JsValue::from_str(&text));
    features::welcome::wanted(decoded.welcome);
    *ctx.state.borrow_mut() = decoded.into();
    manager::apply_state_all(ctx);
    wake::state_changed();
    if !REPORTED.with(|r| r.replace(true)) {
        report(ctx);
    }
    Ok(())
}

#[cfg(not(feature = "more"))]
thread_local! {
    static REPORTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(not(feature = "more"))]
/// Tells the background, once per page, who is signed in and what this page
/// could not read (for the popup's health lines).
fn report(ctx: &Shared) {
    let sel = &ctx.site.selectors;
    let text = |selector: &str| {
        ctx.root.query_selector(selector).ok().flatten().and_then(|e| e.text_content()).map(|t| t.trim().to_string())
    };
    let me = text(sel.me).filter(|m| (ctx.site.valid_user)(m));
    let signed_out = me.is_none() && text(sel.login).is_some();
    let stories = ctx.index.borrow().stories.len();
    // Only a page without stories is searched for item links.
    let item_links = if stories == 0 && ctx.kind.has_stories() { dom::all(&ctx.root, sel.item_link).len() } else { 0 };
    let problems = hn_core::health::page_problems(ctx.kind, stories, item_links, &manager::failed());
    let request = LoadRequest::PageSeen {
        site: ctx.site.id.to_string(),
        page: ctx.kind.name().to_string(),
        me,
        signed_out,
        problems,
    };
    wasm_bindgen_futures::spawn_local(async move {
        match crate::tell(request).await {
            // The message path to the worker works (the tests read this).
            Ok(()) => dom::report("hnew-background", "ok"),
            Err(e) => dom::log(&format!("could not report the page: {e}")),
        }
    });
}

/// Bytes of linear memory the module holds, for the benchmarks.
#[cfg(not(feature = "more"))]
#[wasm_bindgen]
pub fn memory_bytes() -> u32 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map(|b| b.byte_length()).unwrap_or(0))
        .unwrap_or(0)
}
