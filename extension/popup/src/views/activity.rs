//! What the people you follow posted, newest first, with what is new since
//! the popup was last opened marked.

use hn_core::activity::Feed;
use hn_core::text;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub feed: Option<Feed>,
    /// When the reader had last seen the feed, before this opening.
    pub seen_at: f64,
    pub loading: bool,
    pub following: usize,
}

/// "3 min ago", from seconds since the epoch.
pub fn ago(secs: i64) -> String {
    let s = ((js_sys::Date::now() / 1000.0) as i64 - secs).max(0);
    match s {
        0..=59 => text::POPUP_AGO_JUST_NOW.into(),
        60..=3599 => text::popup_ago_minutes(s / 60),
        3600..=86_399 => text::popup_ago_hours(s / 3600),
        86_400..=172_799 => text::POPUP_AGO_DAY.into(),
        _ => text::popup_ago_days(s / 86_400),
    }
}

#[function_component(ActivityView)]
pub fn activity_view(props: &Props) -> Html {
    if props.following == 0 {
        return html! { <p class="empty">{ text::POPUP_ACTIVITY_FOLLOW_FIRST }</p> };
    }
    let Some(feed) = &props.feed else {
        return html! { <p class="empty" id="activity-loading">{ text::POPUP_STATUS_LOADING }</p> };
    };
    let unread = feed.items.iter().filter(|i| (i.time as f64) * 1000.0 > props.seen_at).count();
    let state = if props.loading {
        text::POPUP_ACTIVITY_CHECKING.to_string()
    } else if unread > 0 {
        text::popup_activity_new_count(unread)
    } else {
        text::POPUP_ACTIVITY_NOTHING_NEW.into()
    };
    html! {
        <div class="activity">
            <p class="meta" id="activity-state" aria-live="polite">{ state }</p>
            if let Some(p) = &feed.problem {
                <p class="error" role="alert" id="activity-problem">{ text::popup_activity_problem(p) }</p>
            }
            if feed.pending > 0 && !props.loading {
                <p class="hint">{ text::popup_activity_pending(feed.pending) }</p>
            }
            if feed.items.is_empty() {
                <p class="empty">{ text::POPUP_ACTIVITY_EMPTY }</p>
            } else {
                <ul class="feed" id="feed">
                    { for feed.items.iter().map(|i| {
                        let new = (i.time as f64) * 1000.0 > props.seen_at;
                        let byline = if i.kind == "comment" {
                            text::popup_activity_commented(&i.by, ago(i.time))
                        } else {
                            text::popup_activity_posted(&i.by, ago(i.time))
                        };
                        html! {
                            <li class={classes!(new.then_some("unread"))} data-id={i.id.to_string()}>
                                if new { <span class="new" aria-label={text::POPUP_NEW_MARK_LABEL}>{ text::POPUP_UNREAD_MARK }</span> }
                                <a href={format!("https://news.ycombinator.com/item?id={}", i.id)} target="_blank" rel="noopener">
                                    { if i.summary.is_empty() { text::POPUP_NO_TEXT.to_string() } else { i.summary.clone() } }
                                </a>
                                <span class="meta">{ byline }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
