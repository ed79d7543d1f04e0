//! "Add this page to the share buffer": the page of the active tab, when it
//! is a web page (an HN thread is added as its story; on the sites' other
//! pages the share menu under each story does it). Title and address come from the tab (the toolbar click
//! grants `activeTab`) and can be edited; the destination and the slot the
//! post would take are shown; Enter or one click queues it. An HN
//! discussion of the page is looked for in the reader's open HN tabs at
//! once, and with HN's search API only on request.

use hn_core::items::PastStory;
use hn_core::message::{Request, Response};
use hn_core::schedule;
use hn_core::share::{web_share, Destination, WebShare};
use hn_core::state::UserState;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

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
    /// A page that is not on the web (`chrome:`, `file:`, `about:`).
    NotWeb(String),
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
        "" => Page::NotWeb("this page".into()),
        "http" | "https" => {
            let host = url.split("://").nth(1).and_then(|r| r.split(['/', '?', '#', ':']).next()).unwrap_or("");
            if hn_core::site::SITES.iter().any(|s| s.host == host) && !is_thread(url) {
                Page::Site
            } else {
                Page::Web
            }
        }
        other => Page::NotWeb(other.to_string()),
    }
}

async fn find(url: String, search: bool) -> Discussion {
    match hn_ext::ask(Request::FindDiscussion { url, search }).await {
        Ok(Response::Discussion { story: Some(s) }) => Discussion::Found(s),
        Ok(Response::Discussion { story: None }) if search => Discussion::NotFound,
        Ok(Response::Discussion { story: None }) => Discussion::Unknown,
        Ok(Response::Error { message }) | Err(message) => Discussion::Failed(message),
        Ok(_) => Discussion::Failed("an unexpected answer".into()),
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
                <p class="hint add-page" id="add-page">{ "On this site, share is under each story and comment: it adds them to the share buffer with their discussion." }</p>
            }
        }
        Page::NotWeb(scheme) => {
            let what = if scheme.contains(' ') { scheme.clone() } else { format!("{scheme}: pages") };
            return html! {
                <p class="hint add-page" id="add-page">{ format!("Hacker New cannot share {what}: only web pages (http and https) can go into the share buffer.") }</p>
            };
        }
        Page::Web => {}
    }

    let user = &props.user;
    let prefs = &user.share_prefs;
    let destination = dest.unwrap_or(prefs.destination);
    let now = js_sys::Date::now() as i64;
    let slot = match schedule::next_free(prefs, &hn_ext::BrowserZone, &user.queued(), now) {
        Some(t) => format!("Next free slot: {}", hn_ext::local_time(t)),
        None if prefs.paused => "The share buffer is paused: it would wait until you resume it.".into(),
        None => "No slots are set: it would wait until you add one (Share buffer tab).".into(),
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
        let slot = slot.clone();
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
                Err(e) => return result.set(Some(Err(format!("Not added: {e}")))),
            };
            let (result, on_added, slot) = (result.clone(), on_added.clone(), slot.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let request = Request::AddToBuffer { target, text: Some(text), destination: Some(destination) };
                match hn_ext::ask(request).await {
                    Ok(Response::Queued { .. }) => {
                        let when =
                            slot.strip_prefix("Next free slot: ").map(|t| format!(" for {t}")).unwrap_or_default();
                        result.set(Some(Ok(format!("Added to the share buffer{when}."))));
                        on_added.emit(());
                    }
                    Ok(Response::Error { message }) | Err(message) => {
                        result.set(Some(Err(format!("Not added: {message}"))))
                    }
                    Ok(_) => result.set(Some(Err("Not added: an unexpected answer".into()))),
                }
            });
        })
    };

    let discussion_line = match &*discussion {
        _ if is_thread(&url) => html! {},
        Discussion::Found(s) => html! {
            <p class="hint" id="add-discussion" data-story={s.id.to_string()}>
                { format!("Discussed on Hacker News: \u{201c}{}\u{201d}. The post links to it.", s.title) }
            </p>
        },
        Discussion::Searching => html! { <p class="hint" id="add-discussion">{ "Asking HN's search…" }</p> },
        Discussion::NotFound => {
            html! { <p class="hint" id="add-discussion">{ "No discussion of this address on Hacker News." }</p> }
        }
        Discussion::Failed(e) => {
            html! { <p class="hint" id="add-discussion">{ format!("HN's search could not be asked: {e}") }</p> }
        }
        Discussion::Unknown => html! {
            <p class="hint" id="add-discussion">
                <button type="button" id="add-find" onclick={on_search}>{ "Find its discussion on Hacker News" }</button>
            </p>
        },
    };

    html! {
        <form class="add-page" id="add-page" onsubmit={on_submit} aria-labelledby="add-page-title">
            <h2 id="add-page-title">{ "Add this page to the share buffer" }</h2>
            <label for="add-title">{ "Title" }</label>
            <input id="add-title" type="text" value={(*title).clone()} oninput={on_title} disabled={added} />
            <label for="add-url">{ "Address" }</label>
            <input id="add-url" type="url" value={(*url).clone()} oninput={on_url} disabled={added} />
            <label for="add-dest">{ "Destination" }</label>
            <select id="add-dest" onchange={on_dest} disabled={added}>
                { for Destination::ALL.iter().map(|&d| html! {
                    <option value={d.id()} selected={d == destination}>{ d.label() }</option>
                }) }
            </select>
            <p class="hint" id="add-slot">{ slot }</p>
            { discussion_line }
            <button type="submit" id="add-submit" disabled={added}>{ "Add to the share buffer" }</button>
            <p role="status" id="add-result" class={classes!(matches!(&*result, Some(Err(_))).then_some("error"))}>
                { match &*result { Some(Ok(m)) | Some(Err(m)) => m.clone(), None => String::new() } }
            </p>
        </form>
    }
}
