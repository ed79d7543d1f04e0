//! Replies to the reader's own comments and stories, newest first, unread
//! marked; and what interrupts (a system notification) and what waits.

use hn_core::notify::{format_clock, parse_clock, Inbox, Mode, NotifyPrefs, Quiet};
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
            <option value="active" selected={value == Mode::Active}>{ "Notify me (system notification)" }</option>
            <option value="passive" selected={value == Mode::Passive}>{ "Quietly (badge and popup)" }</option>
            <option value="off" selected={value == Mode::Off}>{ off_label }</option>
        </select>
    }
}

/// The settings form, read when saved: nothing is changed before.
fn read_form() -> Result<NotifyPrefs, String> {
    let doc = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let value = |id: &str| -> String {
        let el = doc.get_element_by_id(id);
        if let Some(s) = el.clone().and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlSelectElement>(e).ok()) {
            return s.value();
        }
        el.and_then(|e| wasm_bindgen::JsCast::dyn_into::<HtmlInputElement>(e).ok())
            .map(|i| i.value())
            .unwrap_or_default()
    };
    let interval: u16 =
        value("notify-interval").trim().parse().map_err(|_| "the check interval is a number of minutes")?;
    let clock = |id: &str, what: &str| -> Result<Option<u16>, String> {
        let text = value(id);
        if text.trim().is_empty() {
            return Ok(None);
        }
        parse_clock(&text).map(Some).ok_or_else(|| format!("{what} is a time like 22:30, not \u{201c}{text}\u{201d}"))
    };
    let quiet = match (clock("quiet-start", "the start of quiet hours")?, clock("quiet-end", "the end of quiet hours")?)
    {
        (Some(start), Some(end)) => Some(Quiet { start, end }),
        (None, None) => None,
        _ => return Err("quiet hours need both a start and an end".into()),
    };
    NotifyPrefs {
        replies: mode_of(&value("notify-replies")),
        followed: mode_of(&value("notify-followed")),
        interval_min: interval,
        quiet,
        digest_at: clock("digest-at", "the digest time")?,
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
        None => html! { <p class="empty">{ "Loading…" }</p> },
        Some(inbox) => {
            let who = match (&inbox.me, inbox.checked_at) {
                (None, _) => {
                    "Sign in to Hacker News in this browser: replies to your comments then arrive here.".to_string()
                }
                (Some(me), None) => format!("Watching replies to {me}; the first check notes what is already there."),
                (Some(me), Some(at)) => format!("Replies to {me} · checked {}", ago((at / 1000.0) as i64)),
            };
            let unread = inbox.unread();
            html! {
                <>
                    <p class="meta" id="inbox-state" aria-live="polite">{ who }</p>
                    if let Some(problem) = &inbox.problem {
                        <p class="error" role="alert" id="inbox-problem">{ problem.clone() }</p>
                    }
                    <p class="actions">
                        <button type="button" id="inbox-check" onclick={on_check} disabled={inbox.me.is_none()}>{ "Check now" }</button>
                        <button type="button" id="inbox-read" class="quiet" onclick={on_all_read} disabled={unread == 0}>
                            { format!("Mark all read ({unread})") }
                        </button>
                    </p>
                    if inbox.replies.is_empty() {
                        <p class="empty">{ "No replies yet." }</p>
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
                                        if !e.read { <span class="new" aria-label="unread">{ "●" }</span> }
                                        <a href={r.url()} target="_blank" rel="noopener" {onclick}>
                                            { if r.summary.is_empty() { "(no text)".to_string() } else { r.summary.clone() } }
                                        </a>
                                        <span class="meta">{ format!("{} replied · {}", r.by, ago(r.time)) }</span>
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
                <h2>{ "Notifications" }</h2>
                <label>{ "Replies to me " }{ mode_select("notify-replies", p.replies, "Don't check") }</label>
                <label>{ "Posts by people I follow " }{ mode_select("notify-followed", p.followed, "Only in Activity") }</label>
                <p class="hint">{ "A followed user's bell (Following tab) notifies for them alone." }</p>
                <label>{ "Check for replies every " }
                    <input id="notify-interval" type="number" min="1" max="1440" value={p.interval_min.to_string()} />{ " minutes" }</label>
                <label>{ "Quiet hours from " }
                    <input id="quiet-start" type="text" size="5" placeholder="22:00" value={p.quiet.map(|q| format_clock(q.start)).unwrap_or_default()} />
                    { " to " }
                    <input id="quiet-end" type="text" size="5" placeholder="07:00" value={p.quiet.map(|q| format_clock(q.end)).unwrap_or_default()} />
                </label>
                <label>{ "Daily digest at " }
                    <input id="digest-at" type="text" size="5" placeholder="off" value={p.digest_at.map(format_clock).unwrap_or_default()} />
                </label>
                if !error.is_empty() {
                    <p class="error" role="alert" id="notify-error">{ (*error).clone() }</p>
                }
                <button type="submit" id="notify-save">{ "Save" }</button>
            </form>
        </div>
    }
}
