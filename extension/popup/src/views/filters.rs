//! Filter rules: add (validated), disable, remove. Rules are per site; a
//! rule for a site other than Hacker News says which.

use hn_core::filters::{FilterRule, RuleKind, Target};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::Cmd;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The rules, with the keys they are kept under.
    pub rules: Vec<(String, FilterRule)>,
    /// What each rule hid on the current HN tab, by rule key.
    pub hits: Option<std::collections::BTreeMap<String, u32>>,
    pub on_cmd: Callback<Cmd>,
}

fn describe(r: &FilterRule) -> String {
    let what = match r.kind {
        RuleKind::Keyword if r.substring => "text containing",
        RuleKind::Keyword => "word",
        RuleKind::User => "user",
        RuleKind::Domain => "domain",
        RuleKind::Tag => "tag",
    };
    let target = match r.target {
        Target::Stories => "stories",
        Target::Comments => "comments",
        Target::Both => "stories and comments",
    };
    let site = match hn_core::site::by_id(&r.site) {
        Some(s) if !hn_core::site::is_hn(s.id) => format!("{}: ", s.name),
        _ => String::new(),
    };
    format!("{site}{target} — {what} \u{201c}{}\u{201d}", r.pattern)
}

#[function_component(FiltersView)]
pub fn filters_view(props: &Props) -> Html {
    let error = use_state(String::new);
    // The key of the rule being edited, if the form holds one.
    let editing = use_state(|| None::<String>);
    let kind_ref = use_node_ref();
    let pattern_ref = use_node_ref();
    let target_ref = use_node_ref();
    let substring_ref = use_node_ref();
    let site_ref = use_node_ref();
    let onsubmit = {
        let site_ref = site_ref.clone();
        let on_cmd = props.on_cmd.clone();
        let error = error.clone();
        let editing = editing.clone();
        let (kind_ref, pattern_ref, target_ref, substring_ref) =
            (kind_ref.clone(), pattern_ref.clone(), target_ref.clone(), substring_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(kind), Some(pattern), Some(target), Some(substring)) = (
                kind_ref.cast::<HtmlSelectElement>(),
                pattern_ref.cast::<HtmlInputElement>(),
                target_ref.cast::<HtmlSelectElement>(),
                substring_ref.cast::<HtmlInputElement>(),
            ) else {
                return;
            };
            let kind = match kind.value().as_str() {
                "user" => RuleKind::User,
                "domain" => RuleKind::Domain,
                "tag" => RuleKind::Tag,
                _ => RuleKind::Keyword,
            };
            let site = site_ref.cast::<HtmlSelectElement>().map_or("hn".to_string(), |s| s.value());
            let target = match target.value().as_str() {
                "comments" => Target::Comments,
                "both" => Target::Both,
                _ => Target::Stories,
            };
            let mut rule = FilterRule::new(kind, &pattern.value(), target).on(&site);
            rule.substring = substring.checked();
            match rule.validated() {
                Ok(rule) => {
                    error.set(String::new());
                    pattern.set_value("");
                    match (*editing).clone() {
                        Some(key) => on_cmd.emit(Cmd::EditFilter(key, rule)),
                        None => on_cmd.emit(Cmd::SaveFilter(rule)),
                    }
                    editing.set(None);
                }
                Err(e) => error.set(format!("Not saved: {e}.")),
            }
        })
    };
    let rows: Vec<Html> = props.rules.iter().map(|(key, r)| {
        let toggle = {
            let on_cmd = props.on_cmd.clone();
            let (key, r) = (key.clone(), r.clone());
            Callback::from(move |_| on_cmd.emit(Cmd::EditFilter(key.clone(), FilterRule { enabled: !r.enabled, ..r.clone() })))
        };
        let remove = {
            let on_cmd = props.on_cmd.clone();
            let key = key.clone();
            Callback::from(move |_| on_cmd.emit(Cmd::RemoveFilter(key.clone())))
        };
        let edit = {
            let (editing, r, key) = (editing.clone(), r.clone(), key.clone());
            let site_ref = site_ref.clone();
            let (kind_ref, pattern_ref, target_ref, substring_ref) =
                (kind_ref.clone(), pattern_ref.clone(), target_ref.clone(), substring_ref.clone());
            Callback::from(move |_| {
                if let Some(k) = kind_ref.cast::<HtmlSelectElement>() {
                    k.set_value(match r.kind {
                        RuleKind::Keyword => "keyword",
                        RuleKind::User => "user",
                        RuleKind::Domain => "domain",
                        RuleKind::Tag => "tag",
                    });
                }
                if let Some(s) = site_ref.cast::<HtmlSelectElement>() {
                    s.set_value(&r.site);
                }
                if let Some(t) = target_ref.cast::<HtmlSelectElement>() {
                    t.set_value(match r.target {
                        Target::Stories => "stories",
                        Target::Comments => "comments",
                        Target::Both => "both",
                    });
                }
                if let Some(p) = pattern_ref.cast::<HtmlInputElement>() {
                    p.set_value(&r.pattern);
                    let _ = p.focus();
                }
                if let Some(sub) = substring_ref.cast::<HtmlInputElement>() {
                    sub.set_checked(r.substring);
                }
                editing.set(Some(key.clone()));
            })
        };
        let label = describe(r);
        // Nothing to say when the rule hid nothing.
        let hits = props
            .hits
            .as_ref()
            .and_then(|h| h.get(key))
            .filter(|n| **n > 0)
            .map(|n| format!("hid {n} on this page"));
        html! {
            <li class={classes!("rule", (!r.enabled).then_some("off"))} data-key={key.clone()}>
                <label><input type="checkbox" checked={r.enabled} onchange={toggle} aria-label={format!("Enable: {label}")} />{ label.clone() }</label>
                if let Some(h) = hits { <span class="hits">{ h }</span> }
                <button type="button" class="quiet" onclick={edit} aria-label={format!("Edit: {label}")}>{ "Edit" }</button>
                <button type="button" class="quiet" onclick={remove} aria-label={format!("Remove: {label}")}>{ "Remove" }</button>
            </li>
        }
    }).collect();
    html! {
        <div class="filters">
            <form class="rule-form" {onsubmit} aria-label="Add a filter">
                <select ref={site_ref} id="rule-site" aria-label="Site">
                    { for hn_core::site::SITES.iter().map(|s| html! { <option value={s.id} selected={hn_core::site::is_hn(s.id)}>{ s.name }</option> }) }
                </select>
                // The defaults are marked: rendered with none marked, these
                // selects showed (and sent) their last options.
                <select ref={kind_ref} id="rule-kind" aria-label="Match on">
                    <option value="keyword" selected=true>{ "Word" }</option>
                    <option value="user">{ "User" }</option>
                    <option value="domain">{ "Domain" }</option>
                    <option value="tag">{ "Tag (Lobsters)" }</option>
                </select>
                <input ref={pattern_ref} id="rule-pattern" type="text" placeholder="e.g. example.com" aria-label="Word, user or domain" />
                <select ref={target_ref} id="rule-target" aria-label="Hide">
                    <option value="stories" selected=true>{ "stories" }</option>
                    <option value="comments">{ "comments" }</option>
                    <option value="both">{ "both" }</option>
                </select>
                <label><input ref={substring_ref} id="rule-substring" type="checkbox" />{ "inside words" }</label>
                <button type="submit" id="rule-add">{ if editing.is_some() { "Save" } else { "Add" } }</button>
            </form>
            if !error.is_empty() { <p class="error" role="alert">{ (*error).clone() }</p> }
            if props.rules.is_empty() {
                <p class="empty">{ "No filters. Hide stories by word, user, domain or tag; comments by word or user." }</p>
            } else {
                <ul class="rules" aria-label="Filters">{ for rows }</ul>
            }
        </div>
    }
}
