use yew::prelude::*;

use crate::service;
use crate::state::{Action, State, Status};
use crate::views::settings::SettingsView;

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);

    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match service::load().await {
                    Ok((settings, version)) => state.dispatch(Action::Loaded { settings, version }),
                    Err(e) => state.dispatch(Action::Failed(e)),
                }
            });
        });
    }

    let on_edit = {
        let state = state.clone();
        Callback::from(move |s| state.dispatch(Action::Edit(s)))
    };
    let on_save = {
        let state = state.clone();
        Callback::from(move |_| {
            let Some(draft) = state.draft.clone() else { return };
            state.dispatch(Action::Saving);
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match service::save(draft).await {
                    Ok(saved) => state.dispatch(Action::Saved(saved)),
                    Err(e) => state.dispatch(Action::Failed(e)),
                }
            });
        })
    };

    let status = match &state.status {
        Status::Loading => "Loading…".to_string(),
        Status::Ready if state.dirty() => "Unsaved changes".into(),
        Status::Ready => String::new(),
        Status::Saving => "Saving…".into(),
        Status::Saved => "Saved".into(),
        Status::Failed(e) => format!("Not saved: {e}"),
    };

    html! {
        <main class="app" data-ready={ (state.settings.is_some()).to_string() }>
            <header>
                <h1>{ "Hacker New" }</h1>
                <span class="version">{ state.version.clone().unwrap_or_default() }</span>
            </header>
            if let Some(draft) = state.draft.clone() {
                <SettingsView settings={draft} on_edit={on_edit} on_save={on_save} dirty={state.dirty()} />
            }
            <p class="status" role="status" aria-live="polite">{ status }</p>
        </main>
    }
}
