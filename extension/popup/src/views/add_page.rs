//! "Add this page to the share buffer": the page of the active tab, when it
//! is a web page (an HN thread is added as its story; on the sites' other
//! pages the share menu under each story does it). Title and address come from the tab (the toolbar click
//! grants `activeTab`) and can be edited; the destination and the slot the
//! post would take are shown; Enter or one click queues it. An HN
//! discussion of the page is looked for in the reader's open HN tabs at
//! once, and with HN's search API only on request.

use hn_core::items::PastStory;
use hn_core::message::ask;
use hn_core::schedule;
use hn_core::share::{web_share, Destination, WebShare};
use hn_core::state::UserState;
use hn_core::text;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::service;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub user: UserState,
    /// Called once a post was queued (the root reloads the state).
    pub on_added: Callback<()>,
}

/// What is known of the page's HN discussion.
#[derive(Clone, PartialEq)]
enum Discussion {
    Unknown,
    Searching,
    Found(PastStory),
    NotFound,
    Failed(String),
}

/// What the active tab is, for this box.
#[derive(Clone, PartialEq)]
enum Page {
    Loading,
    /// The extension's own page (the options page in a tab): nothing to add.
    Ours,
    /// A page of HN or Lobsters.
    Site,
    /// A page that is not on the web (`chrome:`, `file:`, `about:`): its
    /// scheme, if the browser shows the address.
    NotWeb(Option<String>),
    Web,
}

/// An HN thread: added as its story, which is its own discussion.
fn is_thread(url: &str) -> bool {
    url.starts_with("https://news.ycombinator.com/item?id=")
}

fn kind(url: &str) -> Page {
    let scheme = url.split(':').next().unwrap_or("");
    match scheme {
        "chrome-extension" | "moz-extension" => Page::Ours,
        // The browser shows the extension no address: a page of its own or
        // one it keeps from extensions.
        "" => Page::NotWeb(None),
        "http" | "https" => {
            let host = url.split("://").nth(1).and_then(|r| r.split(['/', '?', '#', ':']).next()).unwrap_or("");
            if hn_core::site::SITES.iter().any(|s| s.host == host) && !is_thread(url) {
                Page::Site
            } else {
                Page::Web
            }
        }
        other => Page::NotWeb(Some(other.to_string())),
    }
}

async fn find(url: String, search: bool) -> Discussion {
    match service::ask(ask::FindDiscussion { url, search }).await {
        Ok(Some(s)) => Discussion::Found(s),
        Ok(None) if search => Discussion::NotFound,
        Ok(None) => Discussion::Unknown,
        Err(message) => Discussion::Failed(message),
    }
}

#[function_component(AddPage)]
pub fn add_page(props: &Props) -> Html {
    let page = use_state(|| Page::Loading);
    let url = use_state(String::new);
    let title = use_state(String::new);
    let dest = use_state(|| None::<Destination>);
    let discussion = use_state(|| Discussion::Unknown);
    let result = use_state(|| None::<Result<String, String>>);

    {
        let (page, url, title, discussion) = (page.clone(), url.clone(), title.clone(), discussion.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let Some((u, t)) = hn_ext::active_tab().await else {
                    page.set(Page::Ours);
                    return;
                };
                let k = kind(&u);
                url.set(u.clone());
                title.set(t);
                page.set(k.clone());
                if k == Page::Web && !is_thread(&u) {
                    discussion.set(find(u, false).await);
                }
            });
        });
    }

    match &*page {
        Page::Loading | Page::Ours => return html! {},
        Page::Site => {
            return html! {
                <p class="hint add-page" id="add-page">{ text::POPUP_ADD_ON_SITE }</p>
            }
        }
        Page::NotWeb(scheme) => {
            let why = match scheme {
                Some(scheme) => text::popup_add_not_web_scheme(scheme),
                None => text::POPUP_ADD_NOT_WEB_PAGE.into(),
            };
            return html! {
                <p class="hint add-page" id="add-page">{ why }</p>
            };
        }
        Page::Web => {}
    }

    let user = &props.user;
    let prefs = &user.share_prefs;
    let destination = dest.unwrap_or(prefs.destination);
    let now = js_sys::Date::now() as i64;
    // The next free slot's time, if any.
    let next = schedule::next_free(prefs, &hn_ext::BrowserZone, &user.queued(), now).map(hn_ext::local_time);
    let slot = match &next {
        Some(t) => text::popup_add_next_free_slot(t),
        None if prefs.paused => text::POPUP_ADD_PAUSED.into(),
        None => text::POPUP_ADD_NO_SLOTS.into(),
    };
    let added = matches!(&*result, Some(Ok(_)));

    let on_title = {
        let title = title.clone();
        Callback::from(move |e: InputEvent| title.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_url = {
        let (url, discussion) = (url.clone(), discussion.clone());
        Callback::from(move |e: InputEvent| {
            url.set(e.target_unchecked_into::<HtmlInputElement>().value());
            // A discussion found for the old address is not this one's.
            discussion.set(Discussion::Unknown);
        })
    };
    let on_dest = {
        let dest = dest.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            dest.set(Destination::ALL.into_iter().find(|d| d.id() == v));
        })
    };
    let on_search = {
        let (url, discussion) = (url.clone(), discussion.clone());
        Callback::from(move |_: MouseEvent| {
            let (u, discussion) = ((*url).clone(), discussion.clone());
            discussion.set(Discussion::Searching);
            wasm_bindgen_futures::spawn_local(async move { discussion.set(find(u, true).await) });
        })
    };
    let on_submit = {
        let (url, title, discussion, result) = (url.clone(), title.clone(), discussion.clone(), result.clone());
        let on_added = props.on_added.clone();
        let next = next.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if matches!(&*result, Some(Ok(_))) {
                return;
            }
            let story = match &*discussion {
                Discussion::Found(s) => Some(s.id),
                _ => None,
            };
            let (target, text) = match web_share(url.trim(), &title, WebShare::Page, story) {
                Ok(t) => t,
                Err(e) => return result.set(Some(Err(text::popup_add_not_added(e)))),
            };
            let (result, on_added, next) = (result.clone(), on_added.clone(), next.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let request = ask::AddToBuffer { target, text: Some(text), destination: Some(destination) };
                match service::ask(request).await {
                    Ok(_) => {
                        result.set(Some(Ok(match next {
                            Some(t) => text::popup_add_added_for(t),
                            None => text::POPUP_ADD_ADDED.into(),
                        })));
                        on_added.emit(());
                    }
                    Err(message) => result.set(Some(Err(text::popup_add_not_added(message)))),
                }
            });
        })
    };

    let discussion_line = match &*discussion {
        _ if is_thread(&url) => html! {},
        Discussion::Found(s) => html! {
            <p class="hint" id="add-discussion" data-story={s.id.to_string()}>
                { text::popup_add_discussed(&s.title) }
            </p>
        },
        Discussion::Searching => html! { <p class="hint" id="add-discussion">{ text::POPUP_ADD_SEARCHING }</p> },
        Discussion::NotFound => {
            html! { <p class="hint" id="add-discussion">{ text::POPUP_ADD_NO_DISCUSSION }</p> }
        }
        Discussion::Failed(e) => {
            html! { <p class="hint" id="add-discussion">{ text::popup_add_search_failed(e) }</p> }
        }
        Discussion::Unknown => html! {
            <p class="hint" id="add-discussion">
                <button type="button" id="add-find" onclick={on_search}>{ text::POPUP_ADD_FIND_DISCUSSION }</button>
            </p>
        },
    };

    html! {
        <form class="add-page" id="add-page" onsubmit={on_submit} aria-labelledby="add-page-title">
            <h2 id="add-page-title">{ text::POPUP_ADD_HEADING }</h2>
            <label for="add-title">{ text::POPUP_ADD_TITLE }</label>
            <input id="add-title" type="text" value={(*title).clone()} oninput={on_title} disabled={added} />
            <label for="add-url">{ text::POPUP_ADD_ADDRESS }</label>
            <input id="add-url" type="url" value={(*url).clone()} oninput={on_url} disabled={added} />
            <label for="add-dest">{ text::POPUP_DESTINATION_LABEL }</label>
            <select id="add-dest" onchange={on_dest} disabled={added}>
                { for Destination::ALL.iter().map(|&d| html! {
                    <option value={d.id()} selected={d == destination}>{ d.label() }</option>
                }) }
            </select>
            <p class="hint" id="add-slot">{ slot }</p>
            { discussion_line }
            <button type="submit" id="add-submit" disabled={added}>{ text::POPUP_ADD_SUBMIT }</button>
            <p role="status" id="add-result" class={classes!(matches!(&*result, Some(Err(_))).then_some("error"))}>
                { match &*result { Some(Ok(m)) | Some(Err(m)) => m.clone(), None => String::new() } }
            </p>
        </form>
    }
}
