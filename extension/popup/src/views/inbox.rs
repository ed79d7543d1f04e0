//! Replies to the reader's own comments and stories, newest first, unread
//! marked; and what interrupts (a system notification) and what waits.

use hn_core::notify::{format_clock, parse_clock, Inbox, Mode, NotifyPrefs, Quiet};
use hn_core::text;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::Cmd;
use crate::views::activity::ago;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub inbox: Option<Inbox>,
    pub prefs: NotifyPrefs,
    pub on_cmd: Callback<Cmd>,
}

fn mode_of(id: &str) -> Mode {
    match id {
        "active" => Mode::Active,
        "passive" => Mode::Passive,
        _ => Mode::Off,
    }
}

fn mode_select(id: &'static str, value: Mode, off_label: &'static str) -> Html {
    html! {
        <select {id}>
            <option value="active" selected={value == Mode::Active}>{ text::POPUP_NOTIFY_MODE_ACTIVE }</option>
            <option value="passive" selected={value == Mode::Passive}>{ text::POPUP_NOTIFY_MODE_PASSIVE }</option>
            <option value="off" selected={value == Mode::Off}>{ off_label }</option>
        </select>
    }
}

/// The settings form, read when saved: nothing is changed before.
fn read_form() -> Result<NotifyPrefs, String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or(text::POPUP_ERROR_NO_DOCUMENT)?;
    let value = |id: &str| -> String {
        let el = doc.get_element_by_id(id);
        if let Some(s) = el.clone().and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlSelectElement>(e).ok()) {
            return s.value();
        }
        el.and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(e).ok())
            .map(|i| i.value())
            .unwrap_or_default()
    };
    let interval: u16 = value("notify-interval").trim().parse().map_err(|_| text::POPUP_NOTIFY_ERROR_INTERVAL)?;
    // `refused`: the error, of what was typed.
    let clock = |id: &str, refused: fn(&str) -> String| -> Result<Option<u16>, String> {
        let typed = value(id);
        if typed.trim().is_empty() {
            return Ok(None);
        }
        parse_clock(&typed).map(Some).ok_or_else(|| refused(&typed))
    };
    let quiet = match (
        clock("quiet-start", |t| text::popup_notify_error_quiet_start(t))?,
        clock("quiet-end", |t| text::popup_notify_error_quiet_end(t))?,
    ) {
        (Some(start), Some(end)) => Some(Quiet { start, end }),
        (None, None) => None,
        _ => return Err(text::POPUP_NOTIFY_ERROR_QUIET_HALF.into()),
    };
    NotifyPrefs {
        replies: mode_of(&value("notify-replies")),
        followed: mode_of(&value("notify-followed")),
        interval_min: interval,
        quiet,
        digest_at: clock("digest-at", |t| text::popup_notify_error_digest(t))?,
    }
    .validated()
}

#[function_component(InboxView)]
pub fn inbox_view(props: &Props) -> Html {
    let error = use_state(String::new);
    let on_check = {
        let on_cmd = props.on_cmd.clone();
        Callback::from(move |_| on_cmd.emit(Cmd::CheckReplies))
    };
    let on_all_read = {
        let on_cmd = props.on_cmd.clone();
        Callback::from(move |_| on_cmd.emit(Cmd::MarkRead(None)))
    };
    let on_save = {
        let (on_cmd, error) = (props.on_cmd.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match read_form() {
                Ok(prefs) => {
                    error.set(String::new());
                    on_cmd.emit(Cmd::SaveNotifyPrefs(prefs));
                }
                Err(e) => error.set(e),
            }
        })
    };
    let p = &props.prefs;
    let list = match &props.inbox {
        None => html! { <p class="empty">{ text::POPUP_STATUS_LOADING }</p> },
        Some(inbox) => {
            let who = match (&inbox.me, inbox.checked_at) {
                (None, _) => text::POPUP_INBOX_SIGN_IN.to_string(),
                (Some(me), None) => text::popup_inbox_watching(me),
                (Some(me), Some(at)) => text::popup_inbox_checked(me, ago((at / 1000.0) as i64)),
            };
            let unread = inbox.unread();
            html! {
                <>
                    <p class="meta" id="inbox-state" aria-live="polite">{ who }</p>
                    if let Some(problem) = &inbox.problem {
                        <p class="error" role="alert" id="inbox-problem">{ problem.clone() }</p>
                    }
                    <p class="actions">
                        <button type="button" id="inbox-check" onclick={on_check} disabled={inbox.me.is_none()}>{ text::POPUP_INBOX_CHECK_NOW }</button>
                        <button type="button" id="inbox-read" class="quiet" onclick={on_all_read} disabled={unread == 0}>
                            { text::popup_inbox_mark_all_read(unread) }
                        </button>
                    </p>
                    if inbox.replies.is_empty() {
                        <p class="empty">{ text::POPUP_INBOX_EMPTY }</p>
                    } else {
                        <ul class="feed" id="inbox">
                            { for inbox.replies.iter().map(|e| {
                                let r = &e.reply;
                                let onclick = {
                                    let (on_cmd, id, read) = (props.on_cmd.clone(), r.id, e.read);
                                    Callback::from(move |_| if !read { on_cmd.emit(Cmd::MarkRead(Some(vec![id]))) })
                                };
                                html! {
                                    <li class={classes!((!e.read).then_some("unread"))} data-id={r.id.to_string()}>
                                        if !e.read { <span class="new" aria-label={text::POPUP_UNREAD_MARK_LABEL}>{ text::POPUP_UNREAD_MARK }</span> }
                                        <a href={r.url()} target="_blank" rel="noopener" {onclick}>
                                            { if r.summary.is_empty() { text::POPUP_NO_TEXT.to_string() } else { r.summary.clone() } }
                                        </a>
                                        <span class="meta">{ text::popup_inbox_replied(&r.by, ago(r.time)) }</span>
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                </>
            }
        }
    };
    html! {
        <div class="inbox">
            { list }
            <form class="notify-prefs" onsubmit={on_save}>
                <h2>{ text::POPUP_NOTIFY_HEADING }</h2>
                <label>{ text::POPUP_NOTIFY_REPLIES_LABEL }{ mode_select("notify-replies", p.replies, text::POPUP_NOTIFY_REPLIES_OFF) }</label>
                <label>{ text::POPUP_NOTIFY_FOLLOWED_LABEL }{ mode_select("notify-followed", p.followed, text::POPUP_NOTIFY_FOLLOWED_OFF) }</label>
                <p class="hint">{ text::POPUP_NOTIFY_BELL_HINT }</p>
                <label>{ text::POPUP_NOTIFY_INTERVAL_BEFORE }
                    <input id="notify-interval" type="number" min="1" max="1440" value={p.interval_min.to_string()} />{ text::POPUP_NOTIFY_INTERVAL_AFTER }</label>
                <label>{ text::POPUP_NOTIFY_QUIET_FROM }
                    <input id="quiet-start" type="text" size="5" placeholder="22:00" value={p.quiet.map(|q| format_clock(q.start)).unwrap_or_default()} />
                    { text::POPUP_NOTIFY_QUIET_TO }
                    <input id="quiet-end" type="text" size="5" placeholder="07:00" value={p.quiet.map(|q| format_clock(q.end)).unwrap_or_default()} />
                </label>
                <label>{ text::POPUP_NOTIFY_DIGEST_AT }
                    <input id="digest-at" type="text" size="5" placeholder={text::POPUP_NOTIFY_DIGEST_PLACEHOLDER} value={p.digest_at.map(format_clock).unwrap_or_default()} />
                </label>
                if !error.is_empty() {
                    <p class="error" role="alert" id="notify-error">{ (*error).clone() }</p>
                }
                <button type="submit" id="notify-save">{ text::POPUP_SAVE_BUTTON }</button>
            </form>
        </div>
    }
}
