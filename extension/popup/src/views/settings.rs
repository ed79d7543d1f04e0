//! Reading settings: type size, width, line height, theme, contrast, assets.

use hn_core::settings::{Settings, Theme, FONT_SCALE, LINE_HEIGHT, WIDTH};
use hn_core::text;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub settings: Settings,
    pub on_edit: Callback<Settings>,
    pub on_save: Callback<()>,
    pub dirty: bool,
}

fn number_input(
    id: &'static str,
    label: &'static str,
    value: u16,
    bounds: (u16, u16),
    settings: &Settings,
    on_edit: &Callback<Settings>,
    set: fn(&mut Settings, u16),
) -> Html {
    let oninput = {
        let settings = settings.clone();
        let on_edit = on_edit.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<u16>() {
                let mut s = settings.clone();
                set(&mut s, v.clamp(bounds.0, bounds.1));
                on_edit.emit(s);
            }
        })
    };
    html! {
        <label for={id}>{ label }
            <input id={id} type="number" min={bounds.0.to_string()} max={bounds.1.to_string()}
                value={value.to_string()} {oninput} />
        </label>
    }
}

#[function_component(SettingsView)]
pub fn settings_view(props: &Props) -> Html {
    let s = &props.settings;
    let on_theme = {
        let settings = s.clone();
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let theme = match select.value().as_str() {
                "light" => Theme::Light,
                "dark" => Theme::Dark,
                _ => Theme::System,
            };
            on_edit.emit(Settings { theme, ..settings.clone() });
        })
    };
    let on_read = {
        let settings = s.clone();
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let read_stories = match select.value().as_str() {
                "dim" => hn_core::settings::ReadStories::Dim,
                "hide" => hn_core::settings::ReadStories::Hide,
                _ => hn_core::settings::ReadStories::Show,
            };
            on_edit.emit(Settings { read_stories, ..settings.clone() });
        })
    };
    let checkbox = |id: &'static str, label: &'static str, on: bool, set: fn(&mut Settings, bool)| {
        let settings = s.clone();
        let on_edit = props.on_edit.clone();
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = settings.clone();
            set(&mut next, input.checked());
            on_edit.emit(next);
        });
        html! { <label for={id}><input id={id} type="checkbox" checked={on} {onchange} />{ label }</label> }
    };
    let onsubmit = {
        let on_save = props.on_save.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_save.emit(());
        })
    };
    let key_error = s.keys.clone().validated().err();
    let key_rows = hn_core::keys::Action::ALL.iter().map(|&a| {
        let settings = s.clone();
        let on_edit = props.on_edit.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = settings.clone();
            next.keys.0.insert(a, input.value());
            on_edit.emit(next);
        });
        let id = format!("key-{}", serde_key(a));
        html! {
            <label for={id.clone()} class="key">{ a.describe() }
                <input id={id} type="text" maxlength="1" size="2" value={s.keys.key(a).to_string()} {oninput} />
            </label>
        }
    });
    html! {
        <form class="settings" {onsubmit} aria-label={text::POPUP_SETTINGS_FORM_LABEL}>
            { number_input("font-scale", text::POPUP_SETTINGS_TEXT_SIZE, s.font_scale, FONT_SCALE, s, &props.on_edit, |s, v| s.font_scale = v) }
            { number_input("width", text::POPUP_SETTINGS_PAGE_WIDTH, s.width, WIDTH, s, &props.on_edit, |s, v| s.width = v) }
            { number_input("line-height", text::POPUP_SETTINGS_LINE_HEIGHT, s.line_height, LINE_HEIGHT, s, &props.on_edit, |s, v| s.line_height = v) }
            <label for="theme">{ text::POPUP_SETTINGS_THEME }
                <select id="theme" onchange={on_theme}>
                    <option value="system" selected={s.theme == Theme::System}>{ text::POPUP_SETTINGS_THEME_SYSTEM }</option>
                    <option value="light" selected={s.theme == Theme::Light}>{ text::POPUP_SETTINGS_THEME_LIGHT }</option>
                    <option value="dark" selected={s.theme == Theme::Dark}>{ text::POPUP_SETTINGS_THEME_DARK }</option>
                </select>
            </label>
            { checkbox("high-contrast", text::POPUP_SETTINGS_HIGH_CONTRAST, s.high_contrast, |s, v| s.high_contrast = v) }
            { checkbox("crisp-assets", text::POPUP_SETTINGS_CRISP_ASSETS, s.crisp_assets, |s, v| s.crisp_assets = v) }
            <label for="read-stories">{ text::POPUP_SETTINGS_READ_STORIES }
                <select id="read-stories" onchange={on_read}>
                    <option value="show" selected={s.read_stories == hn_core::settings::ReadStories::Show}>{ text::POPUP_SETTINGS_READ_SHOW }</option>
                    <option value="dim" selected={s.read_stories == hn_core::settings::ReadStories::Dim}>{ text::POPUP_SETTINGS_READ_DIM }</option>
                    <option value="hide" selected={s.read_stories == hn_core::settings::ReadStories::Hide}>{ text::POPUP_SETTINGS_READ_HIDE }</option>
                </select>
            </label>
            { checkbox("fold-old", text::POPUP_SETTINGS_FOLD_OLD, s.fold_old, |s, v| s.fold_old = v) }
            { checkbox("badge", text::POPUP_SETTINGS_BADGE, s.badge, |s, v| s.badge = v) }
            <details class="keys">
                <summary>{ text::POPUP_SETTINGS_KEYS_SUMMARY }</summary>
                { for key_rows }
            </details>
            if let Some(e) = &key_error {
                <p class="error" role="alert" id="keys-error">{ text::popup_not_saved(e) }</p>
            }
            <button id="save" type="submit" disabled={!props.dirty || key_error.is_some()}>{ text::POPUP_SAVE_BUTTON }</button>
        </form>
    }
}

/// The action's name as stored (`next_unread`), for element ids.
fn serde_key(a: hn_core::keys::Action) -> String {
    format!("{a:?}").chars().fold(String::new(), |mut out, c| {
        if c.is_ascii_uppercase() && !out.is_empty() {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
        out
    })
}
