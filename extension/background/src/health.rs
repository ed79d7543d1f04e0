//! The extension's health lines for the popup: what pages could not read
//! (reported by content scripts, cleared when pages of that kind read
//! normally again), sync refusals, HN refusing us, the reply watch and the
//! activity feed backing off, notifications blocked by the browser. Each
//! line disappears when its cause does. Nothing leaves the browser.

use hn_core::health::{HealthLine, PageHealth};
use hn_core::notify::Mode;
use hn_core::text;
use serde::{Deserialize, Serialize};

const PAGES_KEY: &str = "page_health";
const HN_KEY: &str = "hn_refused";
/// A refusal by HN is shown for this long after the last one.
const HN_SHOWN_MS: f64 = 10.0 * 60_000.0;

fn pages() -> hn_ext::Stored<PageHealth> {
    hn_ext::Stored::new(hn_ext::Area::Local, PAGES_KEY, "the pages' health record")
}

fn refused() -> hn_ext::Stored<Refused> {
    hn_ext::Stored::new(hn_ext::Area::Local, HN_KEY, "the record of HN's refusals")
}

pub async fn page_seen(page: &str, problems: &[String]) {
    let mut h = pages().load().await;
    if h.report(page, problems, js_sys::Date::now()) {
        let _ = hn_ext::set_typed(hn_ext::Area::Local, PAGES_KEY, &h).await;
    }
    for p in problems {
        crate::log(&format!("a {page} page could not be read fully: {p}"));
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Refused {
    at: f64,
    message: String,
    times: u32,
}

/// HN refused a page (rate limit, outage).
pub async fn hn_refused(message: &str) {
    let mut r = refused().load().await;
    r.times = if js_sys::Date::now() - r.at < HN_SHOWN_MS { r.times + 1 } else { 1 };
    r.at = js_sys::Date::now();
    r.message = message.to_string();
    let _ = hn_ext::set_typed(hn_ext::Area::Local, HN_KEY, &r).await;
}

/// HN served a page: any refusal is over.
pub async fn hn_served() {
    if refused().get().await.is_some() {
        let _ = hn_ext::remove(hn_ext::Area::Local, HN_KEY).await;
    }
}

pub async fn lines() -> Vec<HealthLine> {
    let now = js_sys::Date::now();
    let pages = pages().load().await;
    let mut out = pages.lines();
    if let Some(problem) = crate::state::local_problem() {
        out.push(HealthLine {
            what: text::health_storage_refused(problem),
            detail: text::HEALTH_STORAGE_REFUSED_DETAIL.into(),
        });
    }
    let policy = crate::csp_rule::status().await;
    if policy.rule.is_none() && policy.observed.as_deref().is_some_and(hn_core::csp::per_response) {
        out.push(HealthLine {
            what: text::HEALTH_POLICY_NONCE.into(),
            detail: text::HEALTH_POLICY_NONCE_DETAIL.into(),
        });
    }
    let sync = crate::state::status().await;
    if let Some(problem) = sync.problem {
        out.push(HealthLine {
            what: text::health_sync_not_saving(problem),
            detail: text::HEALTH_SYNC_NOT_SAVING_DETAIL.into(),
        });
    }
    if let Some(problem) = sync.merge_problem {
        out.push(HealthLine {
            what: text::health_sync_problem(problem),
            detail: text::HEALTH_SYNC_PROBLEM_DETAIL.into(),
        });
    }
    if let Some(r) = refused().get().await {
        if now - r.at < HN_SHOWN_MS {
            out.push(HealthLine {
                what: if r.times == 1 {
                    text::health_hn_refused(&r.message)
                } else {
                    text::health_hn_refused_times(&r.message, r.times)
                },
                detail: text::HEALTH_HN_REFUSED_DETAIL.into(),
            });
        }
    }
    let inbox = crate::replies::inbox().await;
    if let Some(problem) = inbox.problem {
        let paused = inbox.waiting_until.is_some();
        out.push(HealthLine {
            what: if paused { text::health_replies_paused(problem) } else { text::health_replies_stopped(problem) },
            detail: text::HEALTH_REPLIES_DETAIL.into(),
        });
    }
    if let Some(problem) = crate::activity::get(false).await.problem {
        out.push(HealthLine {
            what: text::health_activity_stale(problem),
            detail: text::HEALTH_ACTIVITY_STALE_DETAIL.into(),
        });
    }
    let prefs = crate::state::notify_prefs().await;
    let wants = prefs.replies == Mode::Active || prefs.followed == Mode::Active || prefs.digest_at.is_some();
    if wants && !crate::notes::allowed().await {
        out.push(HealthLine {
            what: text::HEALTH_NOTIFICATIONS_BLOCKED.into(),
            detail: text::HEALTH_NOTIFICATIONS_BLOCKED_DETAIL.into(),
        });
    }
    out
}
