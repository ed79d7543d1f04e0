//! Filter rules: add (validated), disable, remove. Rules are per site; a
//! rule for a site other than Hacker News says which.

use hn_core::filters::{FilterRule, RuleKind, Target};
use hn_core::text;
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
        RuleKind::Keyword if r.substring => text::POPUP_FILTER_KIND_TEXT_CONTAINING,
        RuleKind::Keyword => text::POPUP_FILTER_KIND_WORD,
        RuleKind::User => text::POPUP_FILTER_KIND_USER,
        RuleKind::Domain => text::POPUP_FILTER_KIND_DOMAIN,
        RuleKind::Tag => text::POPUP_FILTER_KIND_TAG,
    };
    let target = match r.target {
        Target::Stories => text::POPUP_FILTER_TARGET_STORIES,
        Target::Comments => text::POPUP_FILTER_TARGET_COMMENTS,
        Target::Both => text::POPUP_FILTER_TARGET_BOTH,
    };
    let rule = text::popup_filter_rule(target, what, &r.pattern);
    match hn_core::site::by_id(&r.site) {
        Some(s) if !hn_core::site::is_hn(s.id) => text::popup_filter_rule_on_site(s.name, rule),
        _ => rule,
    }
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
                Err(e) => error.set(text::popup_not_saved(e)),
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
            .map(text::popup_filter_hits);
        html! {
            <li class={classes!("rule", (!r.enabled).then_some("off"))} data-key={key.clone()}>
                <label><input type="checkbox" checked={r.enabled} onchange={toggle} aria-label={text::popup_filter_enable_label(&label)} />{ label.clone() }</label>
                if let Some(h) = hits { <span class="hits">{ h }</span> }
                <button type="button" class="quiet" onclick={edit} aria-label={text::popup_filter_edit_label(&label)}>{ text::POPUP_FILTER_EDIT }</button>
                <button type="button" class="quiet" onclick={remove} aria-label={text::popup_filter_remove_label(&label)}>{ text::POPUP_REMOVE_BUTTON }</button>
            </li>
        }
    }).collect();
    html! {
        <div class="filters">
            <form class="rule-form" {onsubmit} aria-label={text::POPUP_FILTER_FORM_LABEL}>
                <select ref={site_ref} id="rule-site" aria-label={text::POPUP_FILTER_SITE_LABEL}>
                    { for hn_core::site::SITES.iter().map(|s| html! { <option value={s.id} selected={hn_core::site::is_hn(s.id)}>{ s.name }</option> }) }
                </select>
                // The defaults are marked: rendered with none marked, these
                // selects showed (and sent) their last options.
                <select ref={kind_ref} id="rule-kind" aria-label={text::POPUP_FILTER_KIND_LABEL}>
                    <option value="keyword" selected=true>{ text::POPUP_FILTER_KIND_WORD_OPTION }</option>
                    <option value="user">{ text::POPUP_FILTER_KIND_USER_OPTION }</option>
                    <option value="domain">{ text::POPUP_FILTER_KIND_DOMAIN_OPTION }</option>
                    <option value="tag">{ text::POPUP_FILTER_KIND_TAG_OPTION }</option>
                </select>
                <input ref={pattern_ref} id="rule-pattern" type="text" placeholder={text::POPUP_FILTER_PATTERN_PLACEHOLDER} aria-label={text::POPUP_FILTER_PATTERN_LABEL} />
                <select ref={target_ref} id="rule-target" aria-label={text::POPUP_FILTER_TARGET_LABEL}>
                    <option value="stories" selected=true>{ text::POPUP_FILTER_TARGET_STORIES }</option>
                    <option value="comments">{ text::POPUP_FILTER_TARGET_COMMENTS }</option>
                    <option value="both">{ text::POPUP_FILTER_TARGET_BOTH_OPTION }</option>
                </select>
                <label><input ref={substring_ref} id="rule-substring" type="checkbox" />{ text::POPUP_FILTER_SUBSTRING }</label>
                <button type="submit" id="rule-add">{ if editing.is_some() { text::POPUP_SAVE_BUTTON } else { text::POPUP_FILTER_ADD } }</button>
            </form>
            if !error.is_empty() { <p class="error" role="alert">{ (*error).clone() }</p> }
            if props.rules.is_empty() {
                <p class="empty">{ text::POPUP_FILTERS_EMPTY }</p>
            } else {
                <ul class="rules" aria-label={text::POPUP_FILTERS_LIST_LABEL}>{ for rows }</ul>
            }
        </div>
    }
}
