//! The one allowlist sanitizer for HTML written by users (about texts,
//! comments). It parses into a small tree of allowed nodes — `p`, `a`, `i`,
//! `pre`, `code` and text — which the content script builds node by node
//! with `createElement`/`createTextNode`: no user string is ever parsed as
//! HTML by the browser. Links keep only an http(s) `href`.

/// A sanitized node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Text(String),
    Element { tag: Tag, href: Option<String>, children: Vec<Node> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tag {
    P,
    A,
    I,
    Pre,
    Code,
}

impl Tag {
    pub fn name(self) -> &'static str {
        match self {
            Tag::P => "p",
            Tag::A => "a",
            Tag::I => "i",
            Tag::Pre => "pre",
            Tag::Code => "code",
        }
    }

    fn from_name(name: &str) -> Option<Tag> {
        match name {
            "p" => Some(Tag::P),
            "a" => Some(Tag::A),
            "i" => Some(Tag::I),
            "pre" => Some(Tag::Pre),
            "code" => Some(Tag::Code),
            _ => None,
        }
    }
}

/// Rel value every rendered link gets.
pub const LINK_REL: &str = "noopener nofollow ugc";

/// Elements whose whole content is dropped, text included.
const DROP_CONTENT: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math", "textarea", "title",
    "xmp", "noembed", "noframes", "plaintext", "select", "option",
];
const MAX_DEPTH: usize = 32;
const MAX_NODES: usize = 10_000;

/// Parses user HTML into allowed nodes only. Never fails.
pub fn sanitize(html: &str) -> Vec<Node> {
    let mut b = Builder::default();
    let mut rest = html;
    while !rest.is_empty() && b.count < MAX_NODES {
        match rest.find('<') {
            None => {
                b.text(rest);
                break;
            }
            Some(i) => {
                b.text(&rest[..i]);
                rest = b.markup(&rest[i..]);
            }
        }
    }
    b.finish()
}

/// Plain text of nodes (for previews and filters).
pub fn text(nodes: &[Node]) -> String {
    let mut out = String::new();
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element { tag, children, .. } => {
                if *tag == Tag::P && !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&text(children));
            }
        }
    }
    out
}

/// A link target if it is safe to follow: absolute http(s) URLs, and HN's
/// own relative links resolved against the site. Everything else — any
/// spelling of `javascript:`, `data:`, `vbscript:`, protocol-relative
/// links — gives `None`.
pub fn safe_url(raw: &str) -> Option<String> {
    let decoded = decode_entities(raw);
    // Browsers ignore ASCII whitespace and control characters in schemes.
    let trimmed: String = decoded.trim_matches(|c: char| c.is_ascii_whitespace() || c.is_control()).to_string();
    if trimmed.is_empty() || trimmed.len() > 2048 {
        return None;
    }
    let compact: String = trimmed.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).collect();
    let lower = compact.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        if trimmed.chars().any(|c| c.is_control()) || trimmed.contains(['"', '<', '>']) {
            return None;
        }
        return Some(trimmed);
    }
    let scheme_like = compact.find(':').is_some_and(|c| compact[..c].chars().all(|x| x.is_ascii_alphanumeric() || "+-.".contains(x)));
    if scheme_like || compact.starts_with("//") || compact.starts_with('\\') || trimmed.contains(['"', '<', '>']) {
        return None;
    }
    let path = trimmed.trim_start_matches('/');
    let first = path.split(['?', '#', '/']).next().unwrap_or("");
    let hn_page = matches!(first, "item" | "user" | "from" | "submitted" | "threads" | "news" | "newest" | "ask" | "show" | "jobs" | "front" | "favorites");
    hn_page.then(|| format!("https://news.ycombinator.com/{path}"))
}

/// Decodes HTML entities: the named ones HN uses, and all numeric ones.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).map(|e| e + 1);
        let (name, consumed) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], e + 1),
            Some(e) => (&rest[1..e], e),
            None => (&rest[1..], rest.len()),
        };
        match entity(name) {
            Some(c) => {
                out.push(c);
                rest = &rest[consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    let named = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        "colon" => Some(':'),
        "Tab" => Some('\t'),
        "NewLine" => Some('\n'),
        _ => None,
    };
    if named.is_some() {
        return named;
    }
    let num = name.strip_prefix('#')?;
    let code = match num.strip_prefix(['x', 'X']) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => num.parse::<u32>().ok(),
    }?;
    Some(char::from_u32(code).filter(|&c| c != '\0').unwrap_or('\u{fffd}'))
}

#[derive(Default)]
struct Open {
    tag: Option<Tag>,
    href: Option<String>,
    children: Vec<Node>,
}

struct Builder {
    stack: Vec<Open>,
    count: usize,
    /// Inside an element whose content is dropped: its name.
    dropping: Option<String>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder { stack: vec![Open::default()], count: 0, dropping: None }
    }
}

impl Builder {
    fn text(&mut self, raw: &str) {
        if raw.is_empty() || self.dropping.is_some() {
            return;
        }
        let t: String = decode_entities(raw).chars().filter(|&c| c != '\0').collect();
        if t.is_empty() {
            return;
        }
        self.count += 1;
        let top = &mut self.stack.last_mut().expect("the root is never popped").children;
        if let Some(Node::Text(prev)) = top.last_mut() {
            prev.push_str(&t);
        } else {
            top.push(Node::Text(t));
        }
    }

    /// Handles markup starting at `s` (which begins with '<'); returns the rest.
    fn markup<'a>(&mut self, s: &'a str) -> &'a str {
        if let Some(rest) = s.strip_prefix("<!--") {
            return rest.find("-->").map_or("", |e| &rest[e + 3..]);
        }
        if s.starts_with("<!") || s.starts_with("<?") {
            return s.find('>').map_or("", |e| &s[e + 1..]);
        }
        let closing = s.starts_with("</");
        let name_start = if closing { 2 } else { 1 };
        let name_len = s[name_start..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(s.len() - name_start);
        if name_len == 0 {
            // Not a tag: a literal '<'.
            self.text("<");
            return &s[1..];
        }
        let name = s[name_start..name_start + name_len].to_ascii_lowercase();
        let (attrs, rest) = tag_body(&s[name_start + name_len..]);
        if let Some(dropping) = &self.dropping {
            if closing && *dropping == name {
                self.dropping = None;
            }
            return rest;
        }
        if !closing && DROP_CONTENT.contains(&name.as_str()) {
            if !attrs.trim_end().ends_with('/') {
                self.dropping = Some(name);
            }
            return rest;
        }
        match Tag::from_name(&name) {
            Some(tag) if closing => self.close(tag),
            Some(tag) => self.open(tag, attrs),
            None => {}
        }
        rest
    }

    fn open(&mut self, tag: Tag, attrs: &str) {
        if tag == Tag::P {
            // HN's <p> separates paragraphs: it closes an open one.
            if let Some(pos) = self.stack.iter().rposition(|o| o.tag == Some(Tag::P)) {
                self.close_to(pos);
            }
        }
        let href = if tag == Tag::A { attribute(attrs, "href").and_then(|h| safe_url(&h)) } else { None };
        if self.stack.len() > MAX_DEPTH {
            return;
        }
        self.count += 1;
        // A link without a safe target keeps its text, without the element.
        let tag = if tag == Tag::A && href.is_none() { None } else { Some(tag) };
        if tag.is_none() {
            self.stack.push(Open { tag: None, href: None, children: Vec::new() });
            return;
        }
        self.stack.push(Open { tag, href, children: Vec::new() });
    }

    fn close(&mut self, tag: Tag) {
        let pos = self.stack.iter().rposition(|o| o.tag == Some(tag) || (tag == Tag::A && o.tag.is_none()));
        if let Some(pos) = pos.filter(|&p| p > 0) {
            self.close_to(pos);
        }
    }

    /// Closes every open element down to and including `pos`.
    fn close_to(&mut self, pos: usize) {
        while self.stack.len() > pos.max(1) {
            let Some(open) = self.stack.pop() else { return };
            let parent = &mut self.stack.last_mut().expect("the root is never popped").children;
            match open.tag {
                Some(tag) => parent.push(Node::Element { tag, href: open.href, children: open.children }),
                None => parent.extend(open.children),
            }
        }
    }

    fn finish(mut self) -> Vec<Node> {
        self.close_to(1);
        self.stack.pop().map(|r| r.children).unwrap_or_default()
    }
}

/// Splits what follows a tag name into its attribute text and the rest of
/// the input, honouring quotes.
fn tag_body(s: &str) -> (&str, &str) {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return (&s[..i], &s[i + 1..]),
            _ => {}
        }
    }
    (s, "")
}

/// The raw value of attribute `name` in a tag's attribute text.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let key_len = rest.find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '>').unwrap_or(rest.len());
        let key = rest[..key_len].to_ascii_lowercase();
        rest = rest[key_len..].trim_start();
        let value = if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (v, r) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = &after[1..];
                    let end = body.find(q).unwrap_or(body.len());
                    (&body[..end], body.get(end + 1..).unwrap_or(""))
                }
                _ => {
                    let end = after.find(|c: char| c.is_ascii_whitespace()).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            rest = r;
            v.to_string()
        } else {
            if key_len == 0 {
                rest = rest.get(1..).unwrap_or("");
                continue;
            }
            String::new()
        };
        if key == name {
            return Some(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_safe(nodes: &[Node]) {
        for n in nodes {
            if let Node::Element { href, children, .. } = n {
                if let Some(h) = href {
                    assert!(h.starts_with("https://") || h.starts_with("http://"), "unsafe href {h}");
                }
                check_safe(children);
            }
        }
    }

    #[test]
    fn real_about_texts() {
        let nodes = sanitize(r#"Writes <i>things</i>.<p>Site: <a href="https:&#x2F;&#x2F;example.com&#x2F;a?b=1&amp;c=2" rel="nofollow">https:&#x2F;&#x2F;example.com&#x2F;a?b=1&amp;c=2</a>"#);
        assert_eq!(
            nodes,
            vec![
                Node::Text("Writes ".into()),
                Node::Element { tag: Tag::I, href: None, children: vec![Node::Text("things".into())] },
                Node::Text(".".into()),
                Node::Element {
                    tag: Tag::P,
                    href: None,
                    children: vec![
                        Node::Text("Site: ".into()),
                        Node::Element {
                            tag: Tag::A,
                            href: Some("https://example.com/a?b=1&c=2".into()),
                            children: vec![Node::Text("https://example.com/a?b=1&c=2".into())]
                        }
                    ]
                }
            ]
        );
        assert_eq!(text(&sanitize("<pre><code>  x = 1\n</code></pre>")), "  x = 1\n");
    }

    #[test]
    fn dangerous_things_are_dropped() {
        let payloads = [
            r#"<img src=x onerror=alert(1)>"#,
            r#"<script>alert(1)</script>"#,
            r#"<a href="javascript:alert(1)">x</a>"#,
            r#"<a href="JaVaScRiPt:alert(1)">x</a>"#,
            r#"<a href="&#106;avascript:alert(1)">x</a>"#,
            r#"<a href="&#x6A;avascript:alert(1)">x</a>"#,
            "<a href=\"java\tscript:alert(1)\">x</a>",
            r#"<a href="jav&#x09;ascript:alert(1)">x</a>"#,
            r#"<a href=" javascript:alert(1)">x</a>"#,
            r#"<a href="javascript&colon;alert(1)">x</a>"#,
            r#"<a href="data:text/html,<script>alert(1)</script>">x</a>"#,
            r#"<a href="vbscript:msgbox(1)">x</a>"#,
            r#"<a href="//evil.example/">x</a>"#,
            r#"<svg onload=alert(1)><a href="https://ok.example">x</a></svg>"#,
            r#"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"#,
            r#"<noscript><p title="</noscript><img src=x onerror=alert(1)>">"#,
            r#"<iframe srcdoc="<script>alert(1)</script>"></iframe>"#,
            r#"<a href="https://ok.example" onclick="alert(1)" style="x">ok</a>"#,
            r#"<p onmouseover=alert(1)>hi"#,
            r#"<a href='https://ok.example/"onmouseover="alert(1)'>x</a>"#,
            "<a\u{0}href=javascript:alert(1)>x</a>",
            r#"<<script>alert(1)//<</script>"#,
            r#"<base href="javascript:alert(1)//"><a href="x">x</a>"#,
            r#"<form action="javascript:alert(1)"><button>x</button></form>"#,
            r#"<meta http-equiv="refresh" content="0;url=javascript:alert(1)">"#,
        ];
        for p in payloads {
            let nodes = sanitize(p);
            check_safe(&nodes);
            let t = text(&nodes);
            assert!(!t.contains("alert(1)") || !p.contains("<script") || p.contains("<<"), "{p} -> {t}");
        }
        assert_eq!(sanitize(r#"<a href="javascript:alert(1)">x</a>"#), vec![Node::Text("x".into())]);
        assert_eq!(safe_url("https://ok.example/\"x"), None);
    }

    #[test]
    fn safe_urls() {
        assert_eq!(safe_url("https://a.example/x").as_deref(), Some("https://a.example/x"));
        assert_eq!(safe_url("item?id=1").as_deref(), Some("https://news.ycombinator.com/item?id=1"));
        assert_eq!(safe_url("mailto:a@b.c"), None);
        assert_eq!(safe_url("\u{1}javascript:alert(1)"), None);
        assert_eq!(safe_url("java\nscript:alert(1)"), None);
    }

    #[test]
    fn malformed_input_is_tolerated() {
        for input in ["<", "</", "<a", "<a href=", "<p><p><i>", "&#xZZ;", "&#0;", "&;", "a < b > c", "<i><p>x</i>"] {
            let _ = sanitize(input);
        }
        assert_eq!(text(&sanitize("a < b")), "a < b");
        assert_eq!(text(&sanitize("&#0;&lt;")), "\u{fffd}<");
        let deep = "<i>".repeat(100) + "x";
        assert_eq!(text(&sanitize(&deep)), "x");
    }
}
