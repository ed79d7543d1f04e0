//! Keeps the one declarativeNetRequest rule that lets the content script's
//! WebAssembly compile on Hacker News: it sets the page's
//! Content-Security-Policy to the policy HN itself sends, plus
//! `'wasm-unsafe-eval'` in `script-src`, and nothing else.
//!
//! The policy is read from HN's own response (a fetch from the worker, which
//! the rule does not touch because it applies to documents only), on install,
//! on browser start, daily, and when a content script reports that its wasm
//! was refused. When HN cannot be reached the last derived rule stays; when
//! HN's policy needs no change (or there is none), the rule is removed and
//! the header passes untouched.

use hn_core::csp::{allow_wasm, CspPatch};
use hn_core::message::CspRuleStatus;
use hn_ext::Area;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

pub const ALARM: &str = "csp-refresh";
const RULE_ID: i32 = 1;
const STATUS_KEY: &str = "csp_status";
const HN_URL: &str = "https://news.ycombinator.com/";
/// At most one refresh a minute when pages report refusals.
const THROTTLE_MS: f64 = 60_000.0;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "declarativeNetRequest"], js_name = updateDynamicRules)]
    fn update_dynamic_rules(options: &JsValue) -> Promise;
    #[wasm_bindgen(js_namespace = ["chrome", "alarms"], js_name = create)]
    fn alarms_create(name: &str, info: &JsValue);
}

pub fn schedule() {
    let info = Object::new();
    let _ = Reflect::set(&info, &"periodInMinutes".into(), &JsValue::from_f64(24.0 * 60.0));
    alarms_create(ALARM, &info);
}

pub async fn status() -> CspRuleStatus {
    hn_ext::get_typed(Area::Local, STATUS_KEY).await.0.unwrap_or_default()
}

pub async fn refresh_throttled() {
    let last = status().await.checked_at.unwrap_or(0.0);
    if js_sys::Date::now() - last >= THROTTLE_MS {
        refresh().await;
    }
}

pub async fn refresh() {
    let mut status = status().await;
    match observed_policy().await {
        Ok(observed) => {
            let patch = allow_wasm(observed.as_deref().unwrap_or(""));
            let applied = match &patch {
                CspPatch::Replace(policy) => set_rule(Some(policy)).await,
                CspPatch::Untouched | CspPatch::Empty => set_rule(None).await,
            };
            match applied {
                Ok(()) => {
                    status.rule = match patch {
                        CspPatch::Replace(p) => Some(p),
                        _ => None,
                    };
                    status.observed = observed;
                    status.checked_at = Some(js_sys::Date::now());
                    status.last_error = None;
                }
                Err(e) => status.last_error = Some(format!("rule not updated: {e}")),
            }
        }
        // Keep the last derived rule: HN's policy rarely changes, and an
        // outage must not switch the extension off.
        Err(e) => status.last_error = Some(format!("could not read HN's policy: {e}")),
    }
    if let Some(e) = &status.last_error {
        crate::log(e);
    }
    if let Err(e) = hn_ext::set_typed(Area::Local, STATUS_KEY, &status).await {
        crate::log(&format!("policy status not saved: {e}"));
    }
}

async fn observed_policy() -> Result<Option<String>, String> {
    let init = Object::new();
    let _ = Reflect::set(&init, &"credentials".into(), &"omit".into());
    let _ = Reflect::set(&init, &"cache".into(), &"no-store".into());
    let response = JsFuture::from(crate::net::fetch(HN_URL, &init)).await.map_err(|e| hn_ext::describe(&e))?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| "not a response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    response.headers().get("content-security-policy").map_err(|e| hn_ext::describe(&e))
}

async fn set_rule(policy: Option<&str>) -> Result<(), String> {
    let options = Object::new();
    let remove = Array::of1(&JsValue::from(RULE_ID));
    Reflect::set(&options, &"removeRuleIds".into(), &remove).map_err(|e| hn_ext::describe(&e))?;
    if let Some(policy) = policy {
        let rule = js_sys::JSON::parse(&rule_json(policy)).map_err(|e| hn_ext::describe(&e))?;
        Reflect::set(&options, &"addRules".into(), &Array::of1(&rule)).map_err(|e| hn_ext::describe(&e))?;
    }
    JsFuture::from(update_dynamic_rules(&options)).await.map_err(|e| hn_ext::describe(&e))?;
    Ok(())
}

fn rule_json(policy: &str) -> String {
    let value = JsValue::from_str(policy);
    let quoted = js_sys::JSON::stringify(&value).ok().and_then(|s| s.as_string()).unwrap_or_default();
    format!(
        r#"{{"id":{RULE_ID},"priority":1,"action":{{"type":"modifyHeaders","responseHeaders":[{{"header":"content-security-policy","operation":"set","value":{quoted}}}]}},"condition":{{"requestDomains":["news.ycombinator.com"],"resourceTypes":["main_frame","sub_frame"]}}}}"#
    )
}
