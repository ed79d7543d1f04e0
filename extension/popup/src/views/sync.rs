//! Sync health (last sync, quota, refused writes) and export / import.

use hn_core::message::SyncInfo;
use hn_core::text;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::Cmd;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub info: Option<SyncInfo>,
    pub on_cmd: Callback<Cmd>,
}

fn ago(ms: Option<f64>) -> String {
    let Some(ms) = ms else { return text::POPUP_NEVER.into() };
    let s = ((js_sys::Date::now() - ms) / 1000.0).max(0.0) as u64;
    match s {
        0..=59 => text::popup_ago_seconds(s),
        60..=3599 => text::popup_ago_minutes(s / 60),
        _ => text::popup_ago_hours(s / 3600),
    }
}

#[function_component(SyncView)]
pub fn sync_view(props: &Props) -> Html {
    let on_export = {
        let on_cmd = props.on_cmd.clone();
        Callback::from(move |_| on_cmd.emit(Cmd::Export))
    };
    let on_import = {
        let on_cmd = props.on_cmd.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            // An export travels in one message: a larger file is not one,
            // and is not read.
            let limit = hn_core::message::MAX_IMPORT_BYTES;
            if file.size() > limit as f64 {
                on_cmd.emit(Cmd::ImportRefused(text::popup_sync_file_too_large(
                    (file.size() / 1024.0).ceil(),
                    limit / 1024,
                )));
                return;
            }
            let on_cmd = on_cmd.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    if let Some(text) = text.as_string() {
                        on_cmd.emit(Cmd::Import(text));
                    }
                }
            });
        })
    };
    let body = match &props.info {
        None => html! { <p>{ text::POPUP_SYNC_LOADING }</p> },
        Some(i) => {
            let percent = (i.bytes * 100).checked_div(i.quota).unwrap_or(0);
            html! {
                <>
                    <p>{ text::popup_sync_summary(ago(i.last_push), ago(i.last_merge), i.devices.max(1)) }</p>
                    <label for="quota">{ text::popup_sync_storage_used(percent, i.bytes, i.quota) }</label>
                    <progress id="quota" max={i.quota.to_string()} value={i.bytes.to_string()}></progress>
                    if let Some(p) = &i.problem {
                        <p class="error" role="alert">{ text::popup_sync_problem(p) }</p>
                    }
                </>
            }
        }
    };
    html! {
        <div class="sync">
            { body }
            <div class="row">
                <button type="button" id="export" onclick={on_export}>{ text::POPUP_SYNC_EXPORT }</button>
                <label class="file">{ text::POPUP_SYNC_IMPORT }<input id="import" type="file" accept="application/json,.json" onchange={on_import} /></label>
            </div>
            <p class="hint">{ text::POPUP_SYNC_IMPORT_HINT }</p>
        </div>
    }
}
