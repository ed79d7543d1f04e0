//! What the people you follow posted, newest first, with what is new since
//! the popup was last opened marked.

use hn_core::activity::Feed;
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
        0..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86_399 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

#[function_component(ActivityView)]
pub fn activity_view(props: &Props) -> Html {
    if props.following == 0 {
        return html! { <p class="empty">{ "Follow people (hover a username on HN) to see what they post here." }</p> };
    }
    let Some(feed) = &props.feed else {
        return html! { <p class="empty" id="activity-loading">{ "Loading…" }</p> };
    };
    let unread = feed.items.iter().filter(|i| (i.time as f64) * 1000.0 > props.seen_at).count();
    let state = if props.loading {
        "Checking for new posts…".to_string()
    } else if unread > 0 {
        format!("{unread} new since you last looked")
    } else {
        "Nothing new since you last looked".into()
    };
    html! {
        <div class="activity">
            <p class="meta" id="activity-state" aria-live="polite">{ state }</p>
            if let Some(p) = &feed.problem {
                <p class="error" role="alert" id="activity-problem">{ format!("Not everything could be fetched: {p}. What is shown is from earlier.") }</p>
            }
            if feed.pending > 0 && !props.loading {
                <p class="hint">{ format!("{} followed user(s) not fetched yet; they come with the next refresh.", feed.pending) }</p>
            }
            if feed.items.is_empty() {
                <p class="empty">{ "No posts by the people you follow yet." }</p>
            } else {
                <ul class="feed" id="feed">
                    { for feed.items.iter().map(|i| {
                        let new = (i.time as f64) * 1000.0 > props.seen_at;
                        let what = if i.kind == "comment" { "commented" } else { "posted" };
                        html! {
                            <li class={classes!(new.then_some("unread"))} data-id={i.id.to_string()}>
                                if new { <span class="new" aria-label="new">{ "●" }</span> }
                                <a href={format!("https://news.ycombinator.com/item?id={}", i.id)} target="_blank" rel="noopener">
                                    { if i.summary.is_empty() { "(no text)".to_string() } else { i.summary.clone() } }
                                </a>
                                <span class="meta">{ format!("{} {what} · {}", i.by, ago(i.time)) }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
