//! Filters: hide stories and comments by keyword, user or domain.
//!
//! A [`FilterSet`] is compiled once per change of the rules, into hash sets
//! and a phrase index, so matching an item costs a few hash lookups per word
//! whatever the number of rules.

use crate::text;
use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Words in a story's title or a comment's text.
    Keyword,
    /// The submitter or commenter (exact, case-sensitive as on HN).
    User,
    /// A story's domain, subdomains included.
    Domain,
    /// A story's topic tag, on sites that tag stories (Lobsters).
    Tag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    #[default]
    Stories,
    Comments,
    Both,
}

impl Target {
    fn stories(self) -> bool {
        matches!(self, Target::Stories | Target::Both)
    }
    fn comments(self) -> bool {
        matches!(self, Target::Comments | Target::Both)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterRule {
    pub kind: RuleKind,
    pub pattern: String,
    #[serde(default)]
    pub target: Target,
    /// For keywords: match inside words too (default: whole words only).
    #[serde(default)]
    pub substring: bool,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The site the rule is for (rules are per site, like users): absent
    /// means Hacker News, so rules saved before a second site read as HN's.
    #[serde(default = "crate::site::hn_id", skip_serializing_if = "crate::site::is_hn")]
    pub site: String,
}

fn yes() -> bool {
    true
}

/// Why a rule cannot be saved, in words for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleError {
    Empty,
    TooLong,
    BadDomain,
    BadUser,
    BadTag,
    /// A site the extension does not know, or one without tags.
    BadSite,
    /// The rule would hide almost everything (a one-letter substring, say).
    TooBroad,
}

impl std::fmt::Display for RuleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RuleError::Empty => text::RULE_EMPTY,
            RuleError::TooLong => text::RULE_TOO_LONG,
            RuleError::BadDomain => text::RULE_BAD_DOMAIN,
            RuleError::BadUser => text::RULE_BAD_USER,
            RuleError::BadTag => text::RULE_BAD_TAG,
            RuleError::BadSite => text::RULE_BAD_SITE,
            RuleError::TooBroad => text::RULE_TOO_BROAD,
        })
    }
}

impl FilterRule {
    pub fn new(kind: RuleKind, pattern: &str, target: Target) -> FilterRule {
        FilterRule {
            kind,
            pattern: pattern.to_string(),
            target,
            substring: false,
            enabled: true,
            site: crate::site::hn_id(),
        }
    }

    /// The same rule on another site.
    pub fn on(mut self, site: &str) -> FilterRule {
        self.site = site.to_string();
        self
    }

    /// The rule in its stored form, or why it is refused.
    pub fn validated(mut self) -> Result<FilterRule, RuleError> {
        let p = self.pattern.trim();
        if p.is_empty() {
            return Err(RuleError::Empty);
        }
        if p.chars().count() > 200 {
            return Err(RuleError::TooLong);
        }
        let spec = crate::site::by_id(&self.site).ok_or(RuleError::BadSite)?;
        self.pattern = match self.kind {
            RuleKind::Keyword => {
                if self.substring && p.chars().count() < 3 {
                    return Err(RuleError::TooBroad);
                }
                p.to_string()
            }
            RuleKind::User => {
                if !(spec.valid_user)(p) {
                    return Err(RuleError::BadUser);
                }
                p.to_string()
            }
            RuleKind::Domain => normalize_domain(p).ok_or(RuleError::BadDomain)?,
            RuleKind::Tag => {
                if !spec.capabilities.tags {
                    return Err(RuleError::BadSite);
                }
                let tag = p.trim_start_matches('#').to_ascii_lowercase();
                if tag.is_empty()
                    || tag.len() > 40
                    || !tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' || c == '+')
                {
                    return Err(RuleError::BadTag);
                }
                tag
            }
        };
        if matches!(self.kind, RuleKind::Domain | RuleKind::Tag) {
            self.target = Target::Stories;
        }
        Ok(self)
    }

    /// A stable key for the rule (kind, target and pattern), used as its id.
    pub fn key(&self) -> String {
        let kind = match self.kind {
            RuleKind::Keyword if self.substring => "ks",
            RuleKind::Keyword => "k",
            RuleKind::User => "u",
            RuleKind::Domain => "d",
            RuleKind::Tag => "t",
        };
        let target = match self.target {
            Target::Stories => "s",
            Target::Comments => "c",
            Target::Both => "b",
        };
        let key = format!("{kind}{target}:{}", self.pattern.to_lowercase());
        if crate::site::is_hn(&self.site) {
            key
        } else {
            format!("{}/{key}", self.site)
        }
    }
}

/// `https://Blog.Example.com/x` or `example.com.` → `blog.example.com`.
pub fn normalize_domain(raw: &str) -> Option<String> {
    let s = crate::case::lower(raw.trim());
    let s = s.split("://").last().unwrap_or("");
    let s = s.split(['/', '?', '#']).next().unwrap_or("");
    let s = s.trim_start_matches("www.").trim_end_matches('.');
    let ok = !s.is_empty()
        && s.contains('.')
        && s.split('.').all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'));
    ok.then(|| s.to_string())
}

/// What a story is matched on.
pub struct StoryFacts<'a> {
    pub title: &'a str,
    pub domain: Option<&'a str>,
    pub user: Option<&'a str>,
    /// Topic tags, lower case (empty where the site has none).
    pub tags: &'a [String],
}

/// What a comment is matched on. `text` is only read when keyword rules for
/// comments exist (see [`FilterSet::needs_comment_text`]).
pub struct CommentFacts<'a> {
    pub user: Option<&'a str>,
    pub text: Option<&'a str>,
}

#[derive(Default)]
struct Words {
    /// Whole-word keywords of one word.
    single: HashSet<String>,
    /// Phrases, indexed by their first word.
    phrases: HashMap<String, Vec<Vec<String>>>,
    /// Substring keywords.
    substrings: Vec<String>,
}

impl Words {
    fn add(&mut self, rule: &FilterRule) {
        let lower = crate::case::lower(&rule.pattern);
        if rule.substring {
            self.substrings.push(lower);
            return;
        }
        let words: Vec<String> = tokens(&lower).map(str::to_string).collect();
        match words.len() {
            0 => {}
            1 => {
                self.single.insert(words.into_iter().next().unwrap_or_default());
            }
            _ => self.phrases.entry(words[0].clone()).or_default().push(words),
        }
    }

    fn is_empty(&self) -> bool {
        self.single.is_empty() && self.phrases.is_empty() && self.substrings.is_empty()
    }

    fn matches(&self, text: &str) -> bool {
        if self.is_empty() {
            return false;
        }
        let lower = crate::case::lower(text);
        if self.substrings.iter().any(|s| lower.contains(s.as_str())) {
            return true;
        }
        let words: Vec<&str> = tokens(&lower).collect();
        words.iter().enumerate().any(|(i, w)| {
            self.single.contains(*w)
                || self.phrases.get(*w).is_some_and(|ps| {
                    ps.iter().any(|p| words.len() >= i + p.len() && p.iter().zip(&words[i..]).all(|(a, b)| a == b))
                })
        })
    }
}

/// Unicode words: runs of alphanumeric characters (and `+`/`#`, so "C++"
/// and "C#" are words).
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '+' || c == '#')).filter(|w| !w.is_empty())
}

/// One compiled set per enabled rule, to say which rules hid an item (run
/// only on the items the whole set hid, so its cost follows what is hidden).
pub struct Attribution {
    rules: Vec<(String, FilterSet)>,
}

impl Attribution {
    /// From the rules and the keys they are kept under.
    pub fn new<'a>(rules: impl IntoIterator<Item = (&'a String, &'a FilterRule)>) -> Attribution {
        Attribution {
            rules: rules
                .into_iter()
                .filter(|(_, r)| r.enabled)
                .map(|(k, r)| (k.clone(), FilterSet::compile(std::slice::from_ref(r))))
                .collect(),
        }
    }

    pub fn story<'a>(&'a self, s: &'a StoryFacts<'a>) -> impl Iterator<Item = &'a str> + 'a {
        self.rules.iter().filter(move |(_, set)| set.hides_story(s)).map(|(k, _)| k.as_str())
    }

    pub fn comment<'a>(&'a self, c: &'a CommentFacts<'a>) -> impl Iterator<Item = &'a str> + 'a {
        self.rules.iter().filter(move |(_, set)| set.hides_comment(c)).map(|(k, _)| k.as_str())
    }
}

/// The compiled rules.
#[derive(Default)]
pub struct FilterSet {
    story_words: Words,
    comment_words: Words,
    story_users: HashSet<String>,
    comment_users: HashSet<String>,
    domains: HashSet<String>,
    tags: HashSet<String>,
}

impl FilterSet {
    pub fn compile(rules: &[FilterRule]) -> FilterSet {
        let mut set = FilterSet::default();
        for rule in rules.iter().filter(|r| r.enabled) {
            match rule.kind {
                RuleKind::Keyword => {
                    if rule.target.stories() {
                        set.story_words.add(rule);
                    }
                    if rule.target.comments() {
                        set.comment_words.add(rule);
                    }
                }
                RuleKind::User => {
                    if rule.target.stories() {
                        set.story_users.insert(rule.pattern.clone());
                    }
                    if rule.target.comments() {
                        set.comment_users.insert(rule.pattern.clone());
                    }
                }
                RuleKind::Domain => {
                    if let Some(d) = normalize_domain(&rule.pattern) {
                        set.domains.insert(d);
                    }
                }
                RuleKind::Tag => {
                    set.tags.insert(rule.pattern.to_ascii_lowercase());
                }
            }
        }
        set
    }

    pub fn is_empty(&self) -> bool {
        self.story_words.is_empty()
            && self.comment_words.is_empty()
            && self.story_users.is_empty()
            && self.comment_users.is_empty()
            && self.domains.is_empty()
            && self.tags.is_empty()
    }

    pub fn has_story_rules(&self) -> bool {
        !(self.story_words.is_empty() && self.story_users.is_empty() && self.domains.is_empty() && self.tags.is_empty())
    }

    pub fn has_comment_rules(&self) -> bool {
        !(self.comment_words.is_empty() && self.comment_users.is_empty())
    }

    /// Whether comment texts must be read at all.
    pub fn needs_comment_text(&self) -> bool {
        !self.comment_words.is_empty()
    }

    pub fn hides_story(&self, s: &StoryFacts) -> bool {
        s.user.is_some_and(|u| self.story_users.contains(u))
            || s.domain.is_some_and(|d| self.domain_matches(d))
            || s.tags.iter().any(|t| self.tags.contains(t))
            || self.story_words.matches(s.title)
    }

    pub fn hides_comment(&self, c: &CommentFacts) -> bool {
        c.user.is_some_and(|u| self.comment_users.contains(u)) || c.text.is_some_and(|t| self.comment_words.matches(t))
    }

    /// `blog.example.com` matches a rule for `example.com`, not the reverse.
    fn domain_matches(&self, domain: &str) -> bool {
        if self.domains.is_empty() {
            return false;
        }
        let d = crate::case::lower(domain.trim());
        let d = d.trim_start_matches("www.");
        let mut rest = d;
        loop {
            if self.domains.contains(rest) {
                return true;
            }
            match rest.split_once('.') {
                Some((_, tail)) if tail.contains('.') || !tail.is_empty() => rest = tail,
                _ => return false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: RuleKind, p: &str, t: Target) -> FilterRule {
        FilterRule::new(kind, p, t).validated().unwrap()
    }

    fn story<'a>(title: &'a str, domain: Option<&'a str>, user: Option<&'a str>) -> StoryFacts<'a> {
        StoryFacts { title, domain, user, tags: &[] }
    }

    #[test]
    fn keywords_match_whole_words_case_insensitively() {
        let set = FilterSet::compile(&[rule(RuleKind::Keyword, "Rust", Target::Stories)]);
        assert!(set.hides_story(&story("Why I love RUST", None, None)));
        assert!(set.hides_story(&story("rust: a retrospective", None, None)));
        assert!(!set.hides_story(&story("Trusting trust", None, None)));
        assert!(!set.hides_story(&story("Rusty old cars", None, None)));
    }

    #[test]
    fn keywords_are_unicode_aware() {
        let set = FilterSet::compile(&[
            rule(RuleKind::Keyword, "Über", Target::Stories),
            rule(RuleKind::Keyword, "東京", Target::Stories),
        ]);
        assert!(set.hides_story(&story("ÜBER alles", None, None)));
        assert!(set.hides_story(&story("über-cool", None, None)));
        assert!(set.hides_story(&story("Life in 東京 today", None, None)));
        assert!(!set.hides_story(&story("Uber drivers", None, None)));
    }

    #[test]
    fn phrases_and_substrings() {
        let mut sub = FilterRule::new(RuleKind::Keyword, "crypt", Target::Stories);
        sub.substring = true;
        let set = FilterSet::compile(&[
            rule(RuleKind::Keyword, "large language model", Target::Stories),
            sub.validated().unwrap(),
        ]);
        assert!(set.hides_story(&story("A Large  Language Model for cats", None, None)));
        assert!(!set.hides_story(&story("Large models of language", None, None)));
        assert!(set.hides_story(&story("Cryptography basics", None, None)));
        let words = FilterSet::compile(&[rule(RuleKind::Keyword, "C++", Target::Stories)]);
        assert!(words.hides_story(&story("Modern C++ in 2026", None, None)));
        assert!(!words.hides_story(&story("Modern C in 2026", None, None)));
    }

    #[test]
    fn domains_match_subdomains_not_lookalikes() {
        let set = FilterSet::compile(&[rule(RuleKind::Domain, "https://www.Example.com/path", Target::Stories)]);
        assert!(set.hides_story(&story("x", Some("example.com"), None)));
        assert!(set.hides_story(&story("x", Some("blog.example.com"), None)));
        assert!(set.hides_story(&story("x", Some("www.example.com"), None)));
        assert!(!set.hides_story(&story("x", Some("notexample.com"), None)));
        assert!(!set.hides_story(&story("x", Some("example.com.evil.org"), None)));
        assert!(!set.hides_story(&story("x", Some("com"), None)));
    }

    #[test]
    fn users_are_case_sensitive_like_hn() {
        let set = FilterSet::compile(&[rule(RuleKind::User, "pg", Target::Both)]);
        assert!(set.hides_story(&story("x", None, Some("pg"))));
        assert!(!set.hides_story(&story("x", None, Some("PG"))));
        assert!(set.hides_comment(&CommentFacts { user: Some("pg"), text: None }));
    }

    #[test]
    fn disabled_rules_and_targets_are_respected() {
        let mut off = rule(RuleKind::Keyword, "rust", Target::Both);
        off.enabled = false;
        let set = FilterSet::compile(&[off, rule(RuleKind::Keyword, "go", Target::Comments)]);
        assert!(!set.hides_story(&story("rust go", None, None)));
        assert!(set.hides_comment(&CommentFacts { user: None, text: Some("I like Go") }));
        assert!(set.needs_comment_text());
        assert!(!set.has_story_rules());
    }

    #[test]
    fn validation_says_what_is_wrong() {
        assert_eq!(
            FilterRule::new(RuleKind::Domain, "not a domain", Target::Stories).validated(),
            Err(RuleError::BadDomain)
        );
        assert_eq!(FilterRule::new(RuleKind::User, "a b", Target::Both).validated(), Err(RuleError::BadUser));
        assert_eq!(FilterRule::new(RuleKind::Keyword, "  ", Target::Both).validated(), Err(RuleError::Empty));
        let mut short = FilterRule::new(RuleKind::Keyword, "a", Target::Both);
        short.substring = true;
        assert_eq!(short.validated(), Err(RuleError::TooBroad));
        assert_eq!(normalize_domain("Blog.Example.COM."), Some("blog.example.com".into()));
    }

    #[test]
    fn a_thousand_rules_compile_and_match() {
        let rules: Vec<FilterRule> =
            (0..1000).map(|i| rule(RuleKind::Keyword, &format!("word{i}"), Target::Both)).collect();
        let set = FilterSet::compile(&rules);
        assert!(set.hides_story(&story("this has word999 in it", None, None)));
        assert!(!set.hides_story(&story("this has word1000 in it", None, None)));
    }

    #[test]
    fn tag_rules_are_per_site_and_hide_tagged_stories() {
        let t = FilterRule::new(RuleKind::Tag, " #Rust ", Target::Both).on("lobsters").validated().unwrap();
        assert_eq!((t.pattern.as_str(), t.target), ("rust", Target::Stories));
        assert_eq!(t.key(), "lobsters/ts:rust");
        assert_eq!(FilterRule::new(RuleKind::Tag, "rust", Target::Stories).validated(), Err(RuleError::BadSite));
        assert_eq!(
            FilterRule::new(RuleKind::Tag, "a b", Target::Stories).on("lobsters").validated(),
            Err(RuleError::BadTag)
        );
        assert_eq!(
            FilterRule::new(RuleKind::User, "x", Target::Both).on("nowhere").validated(),
            Err(RuleError::BadSite)
        );
        // Lobsters names run longer than HN's.
        let long = "averyverylongname_1234567";
        assert!(FilterRule::new(RuleKind::User, long, Target::Both).on("lobsters").validated().is_ok());
        assert_eq!(FilterRule::new(RuleKind::User, long, Target::Both).validated(), Err(RuleError::BadUser));
        let set = FilterSet::compile(&[t]);
        let tags = ["lisp".to_string(), "rust".to_string()];
        assert!(set.has_story_rules() && !set.has_comment_rules());
        assert!(set.hides_story(&StoryFacts { title: "x", domain: None, user: None, tags: &tags }));
        assert!(!set.hides_story(&StoryFacts { title: "rust", domain: None, user: None, tags: &tags[..1] }));
        // HN's stored rules (no site) still read, and keep their keys.
        let old: FilterRule = serde_json::from_str(r#"{"kind":"keyword","pattern":"go"}"#).unwrap();
        assert_eq!((old.site.as_str(), old.key().as_str()), ("hn", "ks:go"));
        assert!(!serde_json::to_string(&old).unwrap().contains("site"));
    }
}
