//! Followed users: search, add, remove, and follow a pasted list at once.
//! Users followed on other sites (Lobsters) are listed apart, by site.

use hn_core::text;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::app::Cmd;
use crate::state::parse_usernames;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub users: Vec<(String, hn_core::state::UserRecord)>,
    /// Followed users of other sites: site id, name.
    #[prop_or_default]
    pub elsewhere: Vec<(String, String)>,
    pub search: String,
    pub on_search: Callback<String>,
    pub recent_first: bool,
    pub on_sort: Callback<bool>,
    pub on_cmd: Callback<Cmd>,
}

#[function_component(FollowingView)]
pub fn following_view(props: &Props) -> Html {
    let error = use_state(String::new);
    let add_ref = use_node_ref();
    let import_ref = use_node_ref();

    let oninput = {
        let on_search = props.on_search.clone();
        Callback::from(move |e: InputEvent| on_search.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let onsubmit = {
        let on_cmd = props.on_cmd.clone();
        let error = error.clone();
        let add_ref = add_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = add_ref.cast::<HtmlInputElement>() else { return };
            let name = input.value().trim().trim_start_matches('@').to_string();
            if name.is_empty() {
                error.set(text::POPUP_FOLLOWING_TYPE_USERNAME.into());
            } else if !hn_core::state::valid_username(&name) {
                error.set(text::popup_following_not_a_username(&name));
            } else {
                error.set(String::new());
                input.set_value("");
                on_cmd.emit(Cmd::Follow(name, true));
            }
        })
    };
    let on_import = {
        let on_cmd = props.on_cmd.clone();
        let error = error.clone();
        let import_ref = import_ref.clone();
        Callback::from(move |_| {
            let Some(area) = import_ref.cast::<HtmlTextAreaElement>() else { return };
            let (good, bad) = parse_usernames(&area.value());
            if !bad.is_empty() {
                // Nothing is saved half-way: fix the list first.
                error.set(text::popup_following_not_usernames(bad.join(", ")));
                return;
            }
            if good.is_empty() {
                error.set(text::POPUP_FOLLOWING_PASTE_FIRST.into());
                return;
            }
            error.set(String::new());
            area.set_value("");
            on_cmd.emit(Cmd::FollowMany(good));
        })
    };
    let rows = props.users.iter().map(|(name, rec)| {
        let on_cmd = props.on_cmd.clone();
        let n = name.clone();
        let onclick = Callback::from(move |_| on_cmd.emit(Cmd::Follow(n.clone(), false)));
        let on_bell = {
            let (on_cmd, n, notify) = (props.on_cmd.clone(), name.clone(), rec.notify);
            Callback::from(move |_| on_cmd.emit(Cmd::Notify(n.clone(), !notify)))
        };
        let on_note = {
            let (on_cmd, n, old) = (props.on_cmd.clone(), name.clone(), rec.note.clone());
            Callback::from(move |e: Event| {
                let note = e.target_unchecked_into::<HtmlInputElement>().value();
                if note.trim() != old {
                    on_cmd.emit(Cmd::Note(n.clone(), note));
                }
            })
        };
        html! {
            <li class="user">
                <a href={format!("https://news.ycombinator.com/user?id={name}")} target="_blank" rel="noopener">{ name }</a>
                if let Some(tag) = &rec.tag {
                    <span class={format!("tag tag-{}", hn_core::state::tag_color(tag))}>{ tag.clone() }</span>
                }
                <input class="note" type="text" maxlength="500" placeholder={text::POPUP_FOLLOWING_NOTE_PLACEHOLDER} value={rec.note.clone()}
                    aria-label={text::popup_following_note_label(name)} onchange={on_note} />
                <button type="button" class={classes!("quiet", "bell", rec.notify.then_some("on"))}
                    aria-pressed={rec.notify.to_string()} aria-label={text::popup_following_notify_label(name)}
                    title={text::popup_following_notify_label(name)} onclick={on_bell}>{ bell(rec.notify) }</button>
                <button type="button" class="quiet" aria-label={text::popup_unfollow_named(name)} {onclick}>{ text::POPUP_UNFOLLOW_BUTTON }</button>
            </li>
        }
    });
    html! {
        <div class="following">
            <form class="row" {onsubmit} aria-label={text::POPUP_FOLLOWING_ADD_FORM_LABEL}>
                <input ref={add_ref} id="follow-name" type="text" placeholder={text::POPUP_FOLLOWING_USERNAME_PLACEHOLDER} aria-label={text::POPUP_FOLLOWING_USERNAME_LABEL} autocomplete="off" />
                <button type="submit" id="follow-add">{ text::POPUP_FOLLOW_BUTTON }</button>
            </form>
            if !error.is_empty() { <p class="error" role="alert">{ (*error).clone() }</p> }
            <div class="row">
                <input id="follow-search" type="search" placeholder={text::POPUP_FOLLOWING_SEARCH_PLACEHOLDER} aria-label={text::POPUP_FOLLOWING_SEARCH_LABEL}
                    value={props.search.clone()} {oninput} />
                <select id="follow-sort" aria-label={text::POPUP_FOLLOWING_ORDER_LABEL} onchange={
                    let on_sort = props.on_sort.clone();
                    Callback::from(move |e: Event| on_sort.emit(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value() == "recent"))
                }>
                    <option value="name" selected={!props.recent_first}>{ text::POPUP_FOLLOWING_ORDER_BY_NAME }</option>
                    <option value="recent" selected={props.recent_first}>{ text::POPUP_FOLLOWING_ORDER_RECENT }</option>
                </select>
            </div>
            if props.users.is_empty() {
                <p class="empty">{ text::POPUP_FOLLOWING_EMPTY }</p>
            } else {
                <ul class="users" aria-label={text::POPUP_FOLLOWING_LIST_LABEL}>{ for rows }</ul>
            }
            { for hn_core::site::SITES.iter().filter(|s| !hn_core::site::is_hn(s.id)).map(|site| {
                let names: Vec<&String> = props.elsewhere.iter().filter(|(s, _)| s == site.id).map(|(_, n)| n).collect();
                if names.is_empty() {
                    return html! {};
                }
                html! {
                    <section class="elsewhere" data-site={site.id}>
                        <h3>{ text::popup_following_on_site(site.name) }</h3>
                        <ul class="users" aria-label={text::popup_following_list_on_site_label(site.name)}>
                            { for names.into_iter().map(|name| {
                                let on_cmd = props.on_cmd.clone();
                                let (s, n) = (site.id.to_string(), name.clone());
                                let onclick = Callback::from(move |_| on_cmd.emit(Cmd::FollowOn(s.clone(), n.clone(), false)));
                                html! {
                                    <li class="user">
                                        <a href={format!("https://{}/~{name}", site.host)} target="_blank" rel="noopener">{ name.clone() }</a>
                                        { " " }<span class="meta">{ site.name }</span>
                                        <button type="button" class="quiet" aria-label={text::popup_unfollow_named_on_site(name, site.name)} {onclick}>{ text::POPUP_UNFOLLOW_BUTTON }</button>
                                    </li>
                                }
                            }) }
                        </ul>
                    </section>
                }
            }) }
            <details>
                <summary>{ text::POPUP_FOLLOWING_LIST_SUMMARY }</summary>
                <textarea ref={import_ref} id="follow-import" rows="3" aria-label={text::POPUP_FOLLOWING_LIST_FIELD_LABEL} />
                <button type="button" id="follow-import-go" onclick={on_import}>{ text::POPUP_FOLLOWING_FOLLOW_ALL }</button>
            </details>
        </div>
    }
}

/// The notify switch's bell, drawn (an emoji needs a font many systems
/// lack): filled when on, outlined and struck through when off.
fn bell(on: bool) -> Html {
    let body = "M8 1.5a1 1 0 0 1 1 1v.6a4 4 0 0 1 3 3.9v2.6l1.2 1.6a.5.5 0 0 1-.4.8H3.2a.5.5 0 0 1-.4-.8L4 9.6V7a4 4 0 0 1 3-3.9v-.6a1 1 0 0 1 1-1zM6.5 13h3a1.5 1.5 0 0 1-3 0z";
    html! {
        <svg class="bell-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
            if on {
                <path d={body} fill="currentColor" />
            } else {
                <path d={body} fill="none" stroke="currentColor" stroke-width="1.2" />
                <path d="M2.5 2.5l11 11" stroke="currentColor" stroke-width="1.4" stroke-linecap="round" />
            }
        </svg>
    }
}
