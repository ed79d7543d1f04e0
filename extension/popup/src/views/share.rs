//! The share buffer: what is due, the queue in slot order (edit, reorder,
//! share now, remove), the weekly schedule, and what was shared.

use hn_core::schedule;
use hn_core::share::{format_slot, parse_slots, BufferItem, Destination, SharePrefs};
use hn_core::state::UserState;
use hn_core::text;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::Cmd;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub user: UserState,
    /// This device's id, when the sync status is known.
    pub device: Option<u32>,
    pub on_cmd: Callback<Cmd>,
}

const DAYS: [&str; 7] = [
    text::POPUP_DAY_MONDAY,
    text::POPUP_DAY_TUESDAY,
    text::POPUP_DAY_WEDNESDAY,
    text::POPUP_DAY_THURSDAY,
    text::POPUP_DAY_FRIDAY,
    text::POPUP_DAY_SATURDAY,
    text::POPUP_DAY_SUNDAY,
];
/// The same days, abbreviated.
const SHORT_DAYS: [&str; 7] = [
    text::POPUP_DAY_SHORT_MONDAY,
    text::POPUP_DAY_SHORT_TUESDAY,
    text::POPUP_DAY_SHORT_WEDNESDAY,
    text::POPUP_DAY_SHORT_THURSDAY,
    text::POPUP_DAY_SHORT_FRIDAY,
    text::POPUP_DAY_SHORT_SATURDAY,
    text::POPUP_DAY_SHORT_SUNDAY,
];

fn dest_select(id: String, current: Destination, onchange: Callback<Event>) -> Html {
    html! {
        <select {id} aria-label={text::POPUP_DESTINATION_LABEL} {onchange}>
            { for Destination::ALL.iter().map(|&d| html! {
                <option value={d.id()} selected={d == current}>{ d.label() }</option>
            }) }
        </select>
    }
}

fn parse_dest(v: &str) -> Option<Destination> {
    Destination::ALL.into_iter().find(|&d| d.id() == v)
}

#[function_component(ShareView)]
pub fn share_view(props: &Props) -> Html {
    let user = &props.user;
    let prefs = &user.share_prefs;
    let now = js_sys::Date::now() as i64;
    let zone = hn_ext::BrowserZone;
    let queued = user.queued();
    let planned = schedule::plan(prefs, &zone, &queued);
    // Items with no slot (paused, or no slots at all) follow, in order.
    let mut order: Vec<(String, Option<i64>)> = planned.iter().map(|&(k, s)| (k.to_string(), Some(s))).collect();
    let mut rest: Vec<_> = queued.iter().filter(|q| !planned.iter().any(|p| p.0 == q.key)).collect();
    rest.sort_by(|a, b| a.position.total_cmp(&b.position));
    order.extend(rest.into_iter().map(|q| (q.key.to_string(), None)));

    let cmd = |c: Cmd| {
        let on_cmd = props.on_cmd.clone();
        Callback::from(move |_: MouseEvent| on_cmd.emit(c.clone()))
    };

    let announcer = match (prefs.announcer, props.device) {
        (None, _) => {
            html! { <p class="hint">{ text::POPUP_SHARE_ANNOUNCER_NONE }</p> }
        }
        (Some(a), Some(d)) if a == d => {
            html! { <p class="hint" id="announcer">{ text::POPUP_SHARE_ANNOUNCER_HERE }</p> }
        }
        _ => html! {
            <p class="hint" id="announcer">{ text::POPUP_SHARE_ANNOUNCER_ELSEWHERE }
                <button type="button" id="announce-here" onclick={cmd(Cmd::AnnounceHere)}>{ text::POPUP_SHARE_ANNOUNCE_HERE }</button></p>
        },
    };

    let due = user.due();
    let due_list = (!due.is_empty()).then(|| html! {
        <>
            <h2>{ text::popup_share_due_heading(due.len()) }</h2>
            <ul class="buffer due">
                { for due.iter().map(|(key, item, slot)| html! {
                    <li data-key={key.to_string()}>
                        <span class="text">{ item.text.clone() }</span>
                        <span class="meta">{ text::popup_share_was_due(item.destination.label(), hn_ext::local_time(*slot)) }</span>
                        <button type="button" class="share-now" onclick={cmd(Cmd::ShareNow(key.to_string()))}>{ text::POPUP_SHARE_NOW }</button>
                        <button type="button" class="remove" onclick={cmd(Cmd::RemoveBufferItem(key.to_string()))}>{ text::POPUP_REMOVE_BUTTON }</button>
                    </li>
                }) }
            </ul>
        </>
    });

    let rows = order.iter().enumerate().filter_map(|(i, (key, slot))| {
        let item = user.share.get(key)?.clone();
        let neighbour = |j: Option<usize>| j.and_then(|j| order.get(j)).and_then(|(k, _)| user.share.get(k)).map(|it| it.position);
        // Moving places the item between its new neighbours.
        let up = neighbour(i.checked_sub(1)).map(|p1| {
            let p0 = neighbour(i.checked_sub(2)).unwrap_or(p1 - 2.0);
            (p0 + p1) / 2.0
        });
        let down = neighbour(Some(i + 1)).map(|p1| {
            let p2 = neighbour(Some(i + 2)).unwrap_or(p1 + 2.0);
            (p1 + p2) / 2.0
        });
        let moved = |p: Option<f64>| {
            let on_cmd = props.on_cmd.clone();
            let (key, item) = (key.clone(), item.clone());
            Callback::from(move |_: MouseEvent| {
                if let Some(position) = p {
                    on_cmd.emit(Cmd::SaveBufferItem(key.clone(), BufferItem { position, ..item.clone() }));
                }
            })
        };
        let on_text = {
            let on_cmd = props.on_cmd.clone();
            let (key, item) = (key.clone(), item.clone());
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let text = input.value();
                if text.trim() != item.text {
                    on_cmd.emit(Cmd::SaveBufferItem(key.clone(), BufferItem { text, ..item.clone() }));
                }
            })
        };
        let on_dest = {
            let on_cmd = props.on_cmd.clone();
            let (key, item) = (key.clone(), item.clone());
            Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                if let Some(destination) = parse_dest(&select.value()) {
                    on_cmd.emit(Cmd::SaveBufferItem(key.clone(), BufferItem { destination, ..item.clone() }));
                }
            })
        };
        let when = slot.map_or_else(
            || if prefs.paused { text::POPUP_SHARE_SLOT_PAUSED.to_string() } else { text::POPUP_SHARE_SLOT_NONE.into() },
            hn_ext::local_time,
        );
        Some(html! {
            <li data-key={key.clone()}>
                <span class="slot">{ when }</span>
                <input class="text" aria-label={text::POPUP_SHARE_TEXT_LABEL} value={item.text.clone()} maxlength="1000" onchange={on_text} />
                { dest_select(format!("dest-{key}"), item.destination, on_dest) }
                <button type="button" class="up" aria-label={text::POPUP_SHARE_MOVE_UP_LABEL} disabled={up.is_none()} onclick={moved(up)}>{ text::POPUP_SHARE_MOVE_UP }</button>
                <button type="button" class="down" aria-label={text::POPUP_SHARE_MOVE_DOWN_LABEL} disabled={down.is_none()} onclick={moved(down)}>{ text::POPUP_SHARE_MOVE_DOWN }</button>
                <button type="button" class="share-now" onclick={cmd(Cmd::ShareNow(key.clone()))}>{ text::POPUP_SHARE_NOW }</button>
                <button type="button" class="remove" onclick={cmd(Cmd::RemoveBufferItem(key.clone()))}>{ text::POPUP_REMOVE_BUTTON }</button>
            </li>
        })
    });

    let today = schedule::local_day(&zone, now);
    let counts = schedule::per_day(&planned, &zone, today, 7);
    let per_day = counts.iter().enumerate().map(|(i, n)| {
        let day = if i == 0 { text::POPUP_SHARE_TODAY } else { SHORT_DAYS[schedule::weekday(today + i as i64)] };
        html! { <li>{ text::popup_share_per_day(day, n) }</li> }
    });
    let next_slots = schedule::upcoming(prefs, &zone, now, 3);

    let history = user.history();
    let pause = cmd(Cmd::SaveSharePrefs(SharePrefs { paused: !prefs.paused, ..prefs.clone() }));

    html! {
        <div class="share">
            // Nothing to pause or shuffle in an empty queue (a paused one
            // still shows Resume).
            if !queued.is_empty() || prefs.paused {
                <div class="row">
                    <button type="button" id="pause" class="quiet" onclick={pause}>{ if prefs.paused { text::POPUP_SHARE_RESUME } else { text::POPUP_SHARE_PAUSE } }</button>
                    <button type="button" id="shuffle" class="quiet" onclick={cmd(Cmd::ShuffleBuffer)} disabled={queued.len() < 2}>{ text::POPUP_SHARE_SHUFFLE }</button>
                    <span class="meta" id="queue-count">{ text::popup_share_queued_count(queued.len()) }</span>
                </div>
            }
            { announcer }
            { for due_list }
            <h2>{ text::POPUP_SHARE_QUEUE_HEADING }</h2>
            if order.is_empty() {
                <p class="empty">{ text::POPUP_SHARE_QUEUE_EMPTY }</p>
            } else {
                <ul class="buffer queue" id="queue">{ for rows }</ul>
            }
            <ul class="per-day" aria-label={text::POPUP_SHARE_PER_DAY_LABEL}>{ for per_day }</ul>
            <p class="hint">{ text::popup_share_next_slots(if next_slots.is_empty() { text::POPUP_SHARE_NEXT_SLOTS_NONE.to_string() } else { next_slots.iter().map(|&t| hn_ext::local_time(t)).collect::<Vec<_>>().join(", ") }) }</p>
            <ScheduleForm prefs={prefs.clone()} on_cmd={props.on_cmd.clone()} />
            <h2>{ text::POPUP_SHARE_HISTORY_HEADING }</h2>
            if history.is_empty() {
                <p class="empty">{ text::POPUP_SHARE_HISTORY_EMPTY }</p>
            } else {
                <ul class="buffer history" id="history">
                    { for history.iter().take(30).map(|(key, item, at)| html! {
                        <li data-key={key.to_string()}>
                            <span class="text">{ item.text.clone() }</span>
                            <span class="meta">{ text::popup_share_history_meta(item.destination.label(), hn_ext::local_time(*at)) }</span>
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    prefs: SharePrefs,
    on_cmd: Callback<Cmd>,
}

/// The weekly schedule, the Mastodon instance and the default destination;
/// validated as a whole, nothing saved half-way.
#[function_component(ScheduleForm)]
fn schedule_form(props: &FormProps) -> Html {
    let error = use_state(String::new);
    let days = use_memo((), |_| (0..7).map(|_| NodeRef::default()).collect::<Vec<_>>());
    let mastodon = use_node_ref();
    let dest = use_node_ref();
    let onsubmit = {
        let (error, days, mastodon, dest) = (error.clone(), (*days).clone(), mastodon.clone(), dest.clone());
        let (prefs, on_cmd) = (props.prefs.clone(), props.on_cmd.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut next = prefs.clone();
            for (i, r) in days.iter().enumerate() {
                let text = r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
                match parse_slots(&text) {
                    Ok(slots) => next.slots[i] = slots,
                    Err(e) => return error.set(text::popup_share_slots_error(DAYS[i], e)),
                }
            }
            let m = mastodon.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            next.mastodon = if m.trim().is_empty() { None } else { Some(m) };
            if let Some(d) = dest.cast::<HtmlSelectElement>().and_then(|s| parse_dest(&s.value())) {
                next.destination = d;
            }
            match next.validated() {
                Ok(p) => {
                    error.set(String::new());
                    on_cmd.emit(Cmd::SaveSharePrefs(p));
                }
                Err(e) => error.set(e),
            }
        })
    };
    html! {
        <form class="schedule" id="schedule" {onsubmit}>
            <h2>{ text::POPUP_SHARE_SCHEDULE_HEADING }</h2>
            { for days.iter().enumerate().map(|(i, r)| {
                let value = props.prefs.slots[i].iter().map(|&m| format_slot(m)).collect::<Vec<_>>().join(", ");
                html! {
                    <label class="day">{ DAYS[i] }
                        <input ref={r.clone()} id={format!("slots-{i}")} value={value} placeholder="09:00, 13:00" />
                    </label>
                }
            }) }
            <label>{ text::POPUP_SHARE_MASTODON }
                <input ref={mastodon} id="mastodon" value={props.prefs.mastodon.clone().unwrap_or_default()} placeholder="mastodon.social" />
            </label>
            <label>{ text::POPUP_SHARE_DEFAULT_DESTINATION }
                <select ref={dest} id="default-destination">
                    { for Destination::ALL.iter().map(|&d| html! {
                        <option value={d.id()} selected={d == props.prefs.destination}>{ d.label() }</option>
                    }) }
                </select>
            </label>
            if !error.is_empty() {
                <p class="error" role="alert">{ (*error).clone() }</p>
            }
            <button type="submit" id="save-schedule">{ text::POPUP_SHARE_SAVE_SCHEDULE }</button>
        </form>
    }
}
