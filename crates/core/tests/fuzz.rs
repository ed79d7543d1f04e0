//! Fuzzing every parser and decoder of untrusted input on stable Rust
//! (proptest): page and profile HTML, the reply, edit and delete forms and HN's answers, API
//! documents, messages, share text, schedules, filter rules. Each must
//! return, never panic, and keep its promise (a sanitized tree holds only
//! allowed tags and safe links; a composer URL decodes back to its input).
//!
//! A bounded run is part of `cargo test`; a longer one:
//! `HNEW_FUZZ_CASES=100000 cargo test --release -p hn-core --test fuzz`.
//! Inputs that once failed are kept in `fuzz.proptest-regressions` and
//! replayed first.

use hn_core::activity::{ActivityItem, ApiItem};
use hn_core::message::{accept, Envelope, Request};
use hn_core::sanitize::{safe_url, sanitize, Node};
use hn_core::share::{composer_url, mastodon_instance, parse_slots, Destination, SharePrefs, ShareTarget};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("HNEW_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
}

/// HTML-ish text: tags, attributes, entities, quotes and junk, mixed.
fn htmlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9 ]{0,8}",
        prop::sample::select(vec![
            "<",
            ">",
            "</",
            "/>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "&",
            "&amp;",
            "&#x27;",
            "&#39",
            "&lt;",
            "&#0;",
            "&#x110000;",
            "\"",
            "'",
            "=",
            "<p>",
            "<a href=",
            "<i>",
            "</i>",
            "<pre><code>",
            "<script>",
            "</script>",
            "<svg><style>",
            "<math>",
            "<template>",
            "<img src=x onerror=",
            "javascript:",
            "jav&#x09;ascript:",
            "data:text/html,",
            "vbscript:",
            "https://",
            "//evil.com",
            "\u{0}",
            "\u{202e}",
            "🦀",
            "<table><tr athing",
            "class=\"hnuser\"",
            "id='",
            "<td class=\"default\">",
            "<span class=\"commtext\">",
        ])
        .prop_map(str::to_string),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn check_nodes(nodes: &[Node]) -> Result<(), TestCaseError> {
    for n in nodes {
        if let Node::Element { tag, href, children } = n {
            prop_assert!(["p", "a", "i", "pre", "code"].contains(&tag.name()), "tag {}", tag.name());
            if let Some(v) = href {
                prop_assert!(v.starts_with("https://") || v.starts_with("http://"), "href {v}");
            }
            check_nodes(children)?;
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn the_sanitizer_returns_only_allowed_nodes(html in htmlish()) {
        check_nodes(&sanitize(&html))?;
        let _ = hn_core::sanitize::text(&sanitize(&html));
    }

    #[test]
    fn safe_urls_are_web_links(url in htmlish()) {
        if let Some(u) = safe_url(&url) {
            prop_assert!(u.starts_with("https://") || u.starts_with("http://"));
        }
    }

    #[test]
    fn page_parsers_never_panic(html in htmlish(), status in 100u16..600) {
        let _ = hn_core::profile::from_user_page(&html);
        let _ = hn_core::reply::parse_form(status, &html);
        let _ = hn_core::reply::outcome(status, status % 2 == 0, &html);
        let _ = hn_core::own::parse_edit(status, &html);
        let _ = hn_core::own::parse_delete(status, &html);
        let _ = hn_core::own::outcome(status, status % 2 == 0, &html, hn_core::own::Change::Delete);
        let _ = hn_core::page::classify(status, &html, true);
        let _ = hn_core::page::resolve_link("/news", &html);
        let _ = hn_core::page::parse_item_id(&html);
        let _ = hn_core::page::parse_rank(&html);
        let _ = hn_core::csp::allow_wasm(&html);
        let _ = hn_core::url::decode(&html);
    }

    #[test]
    fn the_page_state_reads_back_and_never_panics(
        text in htmlish(),
        key in any::<String>(),
        tag in any::<String>(),
        pattern in any::<String>(),
        binding in any::<String>(),
        flags in any::<(bool, bool, bool, bool)>(),
        n in any::<u16>(),
    ) {
        use hn_core::filters::{FilterRule, RuleKind, Target};
        use hn_core::state::{LoadState, UserRecord};
        let _ = LoadState::decode(&text);
        let _ = LoadState::decode(&format!("hnew-page-state 1\n{text}"));
        let mut s = LoadState::default();
        s.settings.width = n;
        s.settings.keys.0.insert(hn_core::keys::Action::Reply, binding);
        let record = UserRecord { tag: (!tag.is_empty()).then_some(tag), unfollowed: flags.0, notify: flags.1, ..Default::default() };
        s.follows.insert(key.clone(), record);
        let rule = FilterRule { kind: RuleKind::Domain, pattern, target: Target::Comments, substring: flags.2, enabled: flags.3, site: key.clone() };
        s.filters.insert(key, rule);
        prop_assert_eq!(LoadState::decode(&s.encode()), Ok(s));
    }

    #[test]
    fn messages_decode_or_are_refused(json in htmlish(), kind in prop::sample::select(vec![
        "ping", "save_filter", "set_follow", "add_to_buffer", "save_buffer_item", "save_share_prefs", "post_reply", "save_edit",
        "fetch_page", "import_state", "filter_hits", "set_note", "get_activity",
    ])) {
        let _ = serde_json::from_str::<Envelope<Request>>(&json).map(accept);
        // Well-formed envelopes with junk fields.
        let doc = format!(r#"{{"v":1,"kind":"{kind}","user":{j},"text":{j},"path":{j},"rule":{{"kind":"domain","pattern":{j},"target":"stories"}}}}"#, j = serde_json::to_string(&json).unwrap());
        let _ = serde_json::from_str::<Envelope<Request>>(&doc).map(accept);
    }

    #[test]
    fn api_items_never_panic(text in htmlish(), title in any::<Option<String>>(), dead in any::<bool>()) {
        let item = ApiItem { id: 1, by: Some("u".into()), kind: None, time: 0, title, text: Some(text), url: None, parent: None, kids: vec![], score: None, descendants: None, deleted: false, dead };
        if let Some(i) = ActivityItem::from_api(item, "u") {
            prop_assert!(i.summary.chars().count() <= hn_core::activity::SUMMARY);
        }
    }

    #[test]
    fn composer_urls_carry_any_title_intact(title in any::<String>(), id in 1u64..u64::MAX) {
        let target = ShareTarget::hn(id, false, title.clone(), Some(format!("https://example.com/?q={}", id)));
        for dest in Destination::ALL {
            let url = composer_url(dest, &target, &title, Some("mastodon.social")).unwrap();
            let query = url.split_once('?').map_or("", |(_, q)| q);
            prop_assert!(!query.contains(['#', ' ', '"', '\'', '<', '>']), "{url}");
            for part in query.split('&') {
                prop_assert_eq!(part.matches('=').count(), 1, "{}", url);
            }
        }
    }

    #[test]
    fn schedules_and_instances_parse_or_refuse(text in htmlish()) {
        if let Ok(slots) = parse_slots(&text) {
            prop_assert!(slots.iter().all(|&m| m < 24 * 60));
            prop_assert!(slots.windows(2).all(|w| w[0] < w[1]));
        }
        if let Some(host) = mastodon_instance(&text) {
            prop_assert!(host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'));
        }
    }

    #[test]
    fn plans_keep_slots_in_order(slots in prop::collection::vec(prop::collection::vec(0u16..1440, 0..5), 7), offset in -720i32..840, n in 0usize..20, cursor in 0i64..4_000_000_000_000) {
        let mut prefs = SharePrefs::default();
        for (i, s) in slots.into_iter().enumerate() { prefs.slots[i] = s; }
        let prefs = prefs.validated().unwrap();
        let keys: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        let queue: Vec<_> = keys.iter().enumerate().map(|(i, k)| hn_core::schedule::Queued { key: k, position: (n - i) as f64, added: cursor }).collect();
        let mut prefs = prefs;
        prefs.cursor = cursor;
        let planned = hn_core::schedule::plan(&prefs, &hn_core::schedule::Fixed(offset), &queue);
        prop_assert!(planned.windows(2).all(|w| w[0].1 < w[1].1), "slots strictly increase");
        prop_assert!(planned.iter().all(|p| p.1 > cursor));
    }

    #[test]
    fn filter_rules_validate_or_refuse(pattern in htmlish(), text in htmlish()) {
        use hn_core::filters::{FilterRule, FilterSet, RuleKind, StoryFacts, Target};
        for kind in [RuleKind::Keyword, RuleKind::User, RuleKind::Domain] {
            if let Ok(rule) = FilterRule::new(kind, &pattern, Target::Both).validated() {
                let set = FilterSet::compile(&[rule]);
                let _ = set.hides_story(&StoryFacts { title: &text, domain: Some(&text), user: Some(&text), tags: &[] });
            }
        }
    }
}
