//! The content script. `run` is called by the loader once the wasm is
//! instantiated: it reads which site and page kind this is, indexes the
//! page's stories and comments once, runs every feature that applies (each
//! isolated from the others), then asks the background for the user's state
//! and hands it to the features — again whenever the state changes.

mod dom;
mod features;
mod index;
mod manager;

use std::cell::RefCell;
use std::rc::Rc;

use hn_core::message::{PageAnswer as Response, PageRequest as Request};
use hn_core::site::{self, PageKind, SiteSpec};
use hn_core::state::UserState;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub use index::Index;

/// What every feature gets: where it runs, the page, its index, the state.
pub struct Ctx {
    pub site: &'static SiteSpec,
    pub kind: PageKind,
    pub document: web_sys::Document,
    pub root: web_sys::Element,
    pub index: RefCell<Index>,
    pub state: RefCell<UserState>,
}

pub type Shared = Rc<Ctx>;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = addListener)]
    fn on_message(listener: &Closure<dyn FnMut(JsValue)>);
}

#[wasm_bindgen]
pub fn run() {
    let Some(window) = web_sys::window() else { return };
    let Some(document) = window.document() else { return };
    let Some(root) = document.document_element() else { return };
    let location = window.location();
    let host = location.host().unwrap_or_default();
    let Some(site) = site::for_host(&host) else { return };
    let path = location.pathname().unwrap_or_default();
    let query = location.search().unwrap_or_default();
    let kind = (site.page_kind)(&path, query.trim_start_matches('?'));
    let start = manager::now();
    let index = Index::read(&root, site, kind);
    manager::timed("index", start);
    let ctx: Shared = Rc::new(Ctx {
        site,
        kind,
        document,
        root,
        index: RefCell::new(index),
        state: RefCell::new(UserState::default()),
    });
    manager::init_all(&ctx);
    refresh_state(ctx.clone());
    let listener_ctx = ctx.clone();
    let listener = Closure::<dyn FnMut(JsValue)>::new(move |message: JsValue| {
        let kind = js_sys::Reflect::get(&message, &"kind".into()).ok().and_then(|k| k.as_string());
        let text = |name: &str| js_sys::Reflect::get(&message, &name.into()).ok().and_then(|v| v.as_string());
        match kind.as_deref() {
            Some("state_changed") => refresh_state(listener_ctx.clone()),
            // The browser's context menu and keyboard command, passed on by
            // the background with what the page alone knows.
            Some("context_share") => {
                features::share::from_context(&listener_ctx, &text("what").unwrap_or_default(), text("selection"))
            }
            Some("open_share") => features::keys::share_focused(&listener_ctx),
            _ => {}
        }
    });
    on_message(&listener);
    listener.forget();
}

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
    hn_ext::ask_for(request).await
}

/// Asks the background for the state and applies it.
fn refresh_state(ctx: Shared) {
    wasm_bindgen_futures::spawn_local(async move {
        match crate::ask(Request::GetState).await {
            Ok(Response::State { state }) => {
                *ctx.state.borrow_mut() = state;
                manager::apply_state_all(&ctx);
                if !REPORTED.with(|r| r.replace(true)) {
                    report(&ctx);
                }
            }
            Ok(_) => dom::log("unexpected answer to GetState"),
            Err(e) => dom::log(&format!("the user's state is unavailable: {e}")),
        }
    });
}

thread_local! {
    static REPORTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

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
    let request = Request::PageSeen {
        site: ctx.site.id.to_string(),
        page: ctx.kind.name().to_string(),
        me,
        signed_out,
        problems,
    };
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = crate::ask(request).await {
            dom::log(&format!("could not report the page: {e}"));
        }
    });
}

/// Bytes of linear memory the module holds, for the benchmarks.
#[wasm_bindgen]
pub fn memory_bytes() -> u32 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().map(|b| b.byte_length()).unwrap_or(0))
        .unwrap_or(0)
}
