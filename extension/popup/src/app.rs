//! The root: holds the reducer, runs every effect (messages to the
//! background, downloads), and hands views typed callbacks.

use hn_core::filters::FilterRule;
use hn_core::message::ask;
use hn_core::settings::Settings;
use hn_core::share::{BufferItem, SharePrefs};
use hn_core::text;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::service;
use crate::state::{Action, State, Status, Tab};
use crate::views::{
    activity::ActivityView, filters::FiltersView, following::FollowingView, inbox::InboxView, settings::SettingsView,
    share::ShareView, sync::SyncView,
};

/// What a view asks the root to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Cmd {
    Follow(String, bool),
    Note(String, String),
    FollowMany(Vec<String>),
    SaveFilter(FilterRule),
    /// The rule kept under a key, changed (switched, or edited in the form).
    EditFilter(String, FilterRule),
    RemoveFilter(String),
    SaveSettings(Settings),
    Export,
    Import(String),
    /// A file refused before it was read, with the reason.
    ImportRefused(String),
    ShareNow(String),
    RemoveBufferItem(String),
    SaveBufferItem(String, BufferItem),
    ShuffleBuffer,
    SaveSharePrefs(SharePrefs),
    AnnounceHere,
    /// Follow or unfollow a user of another site.
    FollowOn(String, String, bool),
    /// Whether a followed user's posts notify.
    Notify(String, bool),
    SaveNotifyPrefs(hn_core::notify::NotifyPrefs),
    CheckReplies,
    /// Mark these replies read, or all (`None`).
    MarkRead(Option<Vec<u64>>),
}

async fn run(cmd: Cmd) -> Result<String, String> {
    match cmd {
        Cmd::Follow(user, follow) => service::ask(ask::SetFollow { site: "hn".into(), user: user.clone(), follow })
            .await
            .map(|_| followed(&user, follow)),
        Cmd::FollowOn(site, user, follow) => {
            service::ask(ask::SetFollow { site, user: user.clone(), follow }).await.map(|_| followed(&user, follow))
        }
        Cmd::Note(user, note) => service::ask(ask::SetNote { site: "hn".into(), user: user.clone(), note })
            .await
            .map(|_| text::popup_status_note_saved(user)),
        Cmd::FollowMany(users) => {
            // One request: one change and one write to sync, however long
            // the list.
            let n = users.len();
            service::ask(ask::FollowMany { site: "hn".into(), users })
                .await
                .map(|_| text::popup_status_followed_many(n))
        }
        Cmd::SaveFilter(rule) => {
            service::ask(ask::SaveFilter { rule }).await.map(|_| text::POPUP_STATUS_FILTER_SAVED.into())
        }
        Cmd::EditFilter(key, rule) => {
            service::ask(ask::EditFilter { key, rule }).await.map(|_| text::POPUP_STATUS_FILTER_SAVED.into())
        }
        Cmd::RemoveFilter(key) => {
            service::ask(ask::RemoveFilter { key }).await.map(|_| text::POPUP_STATUS_FILTER_REMOVED.into())
        }
        Cmd::SaveSettings(s) => {
            service::ask(ask::SaveSettings { settings: s }).await.map(|_| text::POPUP_STATUS_SAVED.into())
        }
        Cmd::Export => {
            let json = service::ask(ask::ExportState {}).await?;
            download("hacker-new.json", &json)?;
            Ok(text::POPUP_STATUS_EXPORTED.into())
        }
        Cmd::Import(json) => {
            let (follows, filters, skipped) = service::ask(ask::ImportState { json }).await?;
            Ok(match skipped {
                0 => text::popup_status_imported(follows, filters),
                1 => text::popup_status_imported_one_skipped(follows, filters),
                n => text::popup_status_imported_skipped(follows, filters, n),
            })
        }
        Cmd::ImportRefused(reason) => Err(reason),
        Cmd::ShareNow(key) => service::ask(ask::ShareNow { key }).await.map(|_| text::POPUP_STATUS_SHARED.into()),
        Cmd::RemoveBufferItem(key) => {
            service::ask(ask::RemoveBufferItem { key }).await.map(|_| text::POPUP_STATUS_REMOVED.into())
        }
        Cmd::SaveBufferItem(key, item) => {
            service::ask(ask::SaveBufferItem { key, item }).await.map(|_| text::POPUP_STATUS_SAVED.into())
        }
        Cmd::ShuffleBuffer => service::ask(ask::ShuffleBuffer {}).await.map(|_| text::POPUP_STATUS_SHUFFLED.into()),
        Cmd::SaveSharePrefs(prefs) => {
            service::ask(ask::SaveSharePrefs { prefs }).await.map(|_| text::POPUP_STATUS_SCHEDULE_SAVED.into())
        }
        Cmd::Notify(user, notify) => service::ask(ask::SetNotify { site: "hn".into(), user: user.clone(), notify })
            .await
            .map(|_| if notify { text::popup_status_notify_on(&user) } else { text::popup_status_notify_off(&user) }),
        Cmd::SaveNotifyPrefs(prefs) => {
            service::ask(ask::SaveNotifyPrefs { prefs }).await.map(|_| text::POPUP_STATUS_NOTIFY_PREFS_SAVED.into())
        }
        Cmd::CheckReplies => service::ask(ask::CheckReplies {}).await.map(|i| match i.problem {
            Some(p) => text::popup_status_checked_problem(p),
            None => text::POPUP_STATUS_CHECKED.into(),
        }),
        Cmd::MarkRead(ids) => {
            service::ask(ask::MarkRepliesRead { ids }).await.map(|_| text::POPUP_STATUS_MARKED_READ.into())
        }
        Cmd::AnnounceHere => service::ask(ask::AnnounceHere {}).await.map(|_| text::POPUP_STATUS_ANNOUNCER_HERE.into()),
    }
}

/// The status line's words once a user is followed or unfollowed.
fn followed(user: &str, follow: bool) -> String {
    if follow {
        text::popup_status_following_user(user)
    } else {
        text::popup_status_unfollowed_user(user)
    }
}

fn download(name: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| text::POPUP_ERROR_CANNOT_MAKE_FILE)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| text::POPUP_ERROR_CANNOT_MAKE_FILE)?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or(text::POPUP_ERROR_NO_DOCUMENT)?;
    let a: web_sys::HtmlElement = doc
        .create_element("a")
        .map_err(|_| text::POPUP_ERROR_NO_LINK)?
        .dyn_into()
        .map_err(|_| text::POPUP_ERROR_NO_LINK)?;
    let _ = a.set_attribute("href", &url);
    let _ = a.set_attribute("download", name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

async fn reload(state: &UseReducerHandle<State>) {
    match service::ask(ask::GetState {}).await {
        Ok(user) => {
            let at = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
            state.dispatch(Action::Loaded { user: Box::new(user), version: hn_ext::version(), at })
        }
        Err(e) => state.dispatch(Action::Failed(e)),
    }
    if let Ok(s) = service::ask(ask::SyncStatus {}).await {
        state.dispatch(Action::Synced(s));
    }
    if let Ok(h) = service::ask(ask::GetFilterHits {}).await {
        state.dispatch(Action::Hits(h));
    }
    if let Ok(i) = service::ask(ask::GetInbox {}).await {
        state.dispatch(Action::Inbox(i));
    }
    if let Ok(h) = service::ask(ask::GetHealth {}).await {
        state.dispatch(Action::Health(h));
    }
}

/// The activity feed: what is cached at once, then a refresh, then the
/// reader has seen it (the marks stay until the popup closes).
async fn load_activity(state: &UseReducerHandle<State>) {
    if let Ok(feed) = service::ask(ask::GetActivity { refresh: false }).await {
        state.dispatch(Action::Activity { feed, loading: true });
    }
    match service::ask(ask::GetActivity { refresh: true }).await {
        Ok(feed) => state.dispatch(Action::Activity { feed, loading: false }),
        Err(e) => state.dispatch(Action::Failed(text::popup_error_activity(e))),
    }
    let _ = service::ask(ask::MarkActivitySeen {}).await;
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);

    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
            if let Some(tab) = Tab::from_id(hash.trim_start_matches('#')) {
                state.dispatch(Action::Tab(tab));
            }
            // Pages report what each filter hid; the background passes it on.
            let listener_state = state.clone();
            let listener = wasm_bindgen::closure::Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(
                move |m: wasm_bindgen::JsValue| {
                    let push = m.as_string().and_then(|t| hn_core::message::Push::read(&t));
                    if push == Some(hn_core::message::Push::HitsChanged) {
                        let state = listener_state.clone();
                        wasm_bindgen_futures::spawn_local(async move {
                            if let Ok(h) = service::ask(ask::GetFilterHits {}).await {
                                state.dispatch(Action::Hits(h));
                            }
                        });
                    }
                },
            );
            hn_ext::on_message(&listener);
            listener.forget();
            wasm_bindgen_futures::spawn_local(async move {
                reload(&state).await;
                load_activity(&state).await;
            });
        });
    }

    let on_cmd = {
        let state = state.clone();
        Callback::from(move |cmd: Cmd| {
            state.dispatch(Action::Busy);
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match run(cmd).await {
                    Ok(message) => {
                        state.dispatch(Action::Done(message));
                        reload(&state).await;
                    }
                    Err(e) => state.dispatch(Action::Failed(e)),
                }
            });
        })
    };
    let on_edit = {
        let state = state.clone();
        Callback::from(move |s| state.dispatch(Action::Edit(s)))
    };
    let on_sort = {
        let state = state.clone();
        Callback::from(move |r| state.dispatch(Action::SortRecent(r)))
    };
    let on_search = {
        let state = state.clone();
        Callback::from(move |s| state.dispatch(Action::Search(s)))
    };

    let status = match &state.status {
        Status::Loading => text::POPUP_STATUS_LOADING.to_string(),
        Status::Ready if state.dirty() => text::POPUP_STATUS_UNSAVED.into(),
        Status::Ready => String::new(),
        Status::Busy => text::POPUP_STATUS_WORKING.into(),
        Status::Done(m) => m.clone(),
        Status::Failed(e) => text::popup_status_not_done(e),
    };
    let on_tab_key = {
        let state = state.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(to) = state.tab.step(&e.key()) else { return };
            e.prevent_default();
            state.dispatch(Action::Tab(to));
            let tab = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("tab-{}", to.id())));
            if let Some(tab) = tab.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
                let _ = tab.focus();
            }
        })
    };
    let tabs = Tab::ALL.iter().map(|&t| {
        let state = state.clone();
        let selected = state.tab == t;
        let onclick = Callback::from(move |_| state.dispatch(Action::Tab(t)));
        // One tab stop for the list: the selected tab (arrows move).
        let tabindex = if selected { "0" } else { "-1" };
        html! {
            <button role="tab" id={format!("tab-{}", t.id())} aria-selected={selected.to_string()} {tabindex}
                aria-controls={format!("panel-{}", t.id())} class={classes!("tab", selected.then_some("selected"))} {onclick}>
                { t.label() }
            </button>
        }
    });
    let panel = match (&state.user, state.tab) {
        (None, _) => html! {},
        (Some(_), Tab::Following) => html! {
            <FollowingView users={state.following()} elsewhere={state.following_elsewhere()} search={state.search.clone()} on_search={on_search}
                recent_first={state.recent_first} on_sort={on_sort} on_cmd={on_cmd.clone()} />
        },
        (Some(user), Tab::Filters) => {
            html! { <FiltersView rules={user.rules()} hits={state.hits.clone()} on_cmd={on_cmd.clone()} /> }
        }
        (Some(_), Tab::Inbox) => html! {
            <InboxView inbox={state.inbox.clone()} prefs={state.inbox.as_ref().map(|i| i.prefs.clone()).unwrap_or_default()} on_cmd={on_cmd.clone()} />
        },
        (Some(user), Tab::Activity) => html! {
            <ActivityView feed={state.activity.clone()} seen_at={state.activity_seen.unwrap_or(0.0)}
                loading={state.activity_loading} following={user.followed_on("hn").count()} />
        },
        (Some(_), Tab::Appearance) => match state.draft.clone() {
            Some(draft) => {
                let on_save = {
                    let on_cmd = on_cmd.clone();
                    let draft = draft.clone();
                    Callback::from(move |_| on_cmd.emit(Cmd::SaveSettings(draft.clone())))
                };
                html! { <>
                    <SettingsView settings={draft} on_edit={on_edit} on_save={on_save} dirty={state.dirty()} />
                    <crate::views::sites::SitesView />
                </> }
            }
            None => html! {},
        },
        (Some(user), Tab::Share) => html! {
            <ShareView user={user.clone()} device={state.sync.as_ref().map(|s| s.device)} on_cmd={on_cmd.clone()} />
        },
        (Some(_), Tab::Sync) => html! { <SyncView info={state.sync.clone()} on_cmd={on_cmd.clone()} /> },
    };

    let add_page = match &state.user {
        Some(user) => {
            let state = state.clone();
            let on_added = Callback::from(move |_| {
                let state = state.clone();
                wasm_bindgen_futures::spawn_local(async move { reload(&state).await });
            });
            html! { <crate::views::add_page::AddPage user={user.clone()} {on_added} /> }
        }
        None => html! {},
    };

    html! {
        <main class="app" data-ready={ state.user.is_some().to_string() }
            data-ready-ms={ state.ready_ms.map(|t| format!("{t:.1}")) }>
            <header>
                <h1>{ text::EXT_NAME }</h1>
                <span class="version">{ state.version.clone() }</span>
            </header>
            if !state.health.is_empty() {
                <ul class="health" id="health" aria-label={text::POPUP_PROBLEMS_LABEL}>
                    { for state.health.iter().map(|l| html! {
                        <li><strong>{ l.what.clone() }</strong>{ " " }<span class="meta">{ l.detail.clone() }</span></li>
                    }) }
                </ul>
            }
            { add_page }
            <nav role="tablist" aria-label={text::POPUP_SECTIONS_LABEL} onkeydown={on_tab_key}>{ for tabs }</nav>
            <section role="tabpanel" id={format!("panel-{}", state.tab.id())} aria-labelledby={format!("tab-{}", state.tab.id())}>
                { panel }
            </section>
            <p class="status" role="status" aria-live="polite">{ status }</p>
        </main>
    }
}
