//! The one allowlist sanitizer for HTML written by users (about texts,
//! comments). It parses into a small tree of allowed nodes — `p`, `a`, `i`,
//! `pre`, `code` and text — which the content script builds node by node
//! with `createElement`/`createTextNode`: no user string is ever parsed as
//! HTML by the browser. Links keep only an http(s) `href`.
//!
//! The tokenizer follows the HTML tokenizer's states closely enough that a
//! tag ends where a browser would end it; where it differs, it drops more.
//! Linear in the input; at most [`MAX_NODES`] nodes, [`MAX_DEPTH`] levels.

/// A sanitized node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Text(String),
    Element { tag: Tag, href: Option<String>, children: Vec<Node> },
}

/// The only elements that survive.
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
        [Tag::P, Tag::A, Tag::I, Tag::Pre, Tag::Code].into_iter().find(|t| t.name().eq_ignore_ascii_case(name))
    }
}

/// Rel value every rendered link gets.
pub const LINK_REL: &str = "noopener nofollow ugc";

/// Deepest nesting kept; deeper elements are flattened into their text.
pub const MAX_DEPTH: usize = 32;
/// Most nodes built; the input after that is dropped.
pub const MAX_NODES: usize = 10_000;

/// Elements whose content is raw text up to their end tag: dropped whole.
const RAW_TEXT: &[&str] = &["script", "style", "iframe", "noscript", "textarea", "title", "xmp", "noembed", "noframes"];
/// Elements whose content is markup: dropped whole, nesting counted.
/// (`embed` is void: it has no content, only its tag is dropped.)
const DROP_TREE: &[&str] = &["template", "object", "svg", "math", "select"];

/// Parses user HTML of Hacker News into allowed nodes only. Never fails.
pub fn sanitize(html: &str) -> Vec<Node> {
    sanitize_on(html, HN_HOST)
}

/// [`sanitize`] for user HTML of the site at `host` (a Lobsters about
/// text's relative links are Lobsters' pages, not HN's).
pub fn sanitize_on(html: &str, host: &str) -> Vec<Node> {
    let cleaned;
    let mut rest = if html.contains('\0') {
        cleaned = html.replace('\0', "");
        cleaned.as_str()
    } else {
        html
    };
    let mut b = Builder { host: host.to_string(), ..Builder::default() };
    while !rest.is_empty() && b.count < MAX_NODES {
        let Some(i) = rest.find('<') else {
            b.text(rest);
            break;
        };
        b.text(&rest[..i]);
        rest = b.markup(&rest[i + 1..]);
    }
    b.finish()
}

/// Plain text of nodes (for previews and filters); paragraphs on new lines.
pub fn text(nodes: &[Node]) -> String {
    let mut out = String::new();
    push_text(&mut out, nodes);
    out
}

fn push_text(out: &mut String, nodes: &[Node]) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Element { tag, children, .. } => {
                if matches!(tag, Tag::P | Tag::Pre) && !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                push_text(out, children);
            }
        }
    }
}

const HN_HOST: &str = "news.ycombinator.com";

/// A link target if it is safe to follow: absolute http(s) URLs, and
/// relative links resolved against `https://news.ycombinator.com/`.
/// Everything else — any spelling of `javascript:`, `data:`, `vbscript:`,
/// `mailto:`, protocol-relative `//host` — gives `None`. The result always
/// starts with `https://` or `http://`.
pub fn safe_url(raw: &str) -> Option<String> {
    safe_url_on(raw, HN_HOST)
}

/// [`safe_url`], relative links resolved against `https://<host>/`.
pub fn safe_url_on(raw: &str, host: &str) -> Option<String> {
    let decoded = decode_entities(raw);
    // As browsers do: trim C0 controls and spaces, remove tabs and newlines.
    let url: String =
        decoded.trim_matches(|c: char| c <= ' ').chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    if url.is_empty() || url.len() > 4096 {
        return None;
    }
    let head = url.find(['/', '?', '#']).map_or(url.as_str(), |e| &url[..e]);
    if let Some(colon) = head.find(':') {
        // A scheme: only exactly http or https; anything else, however spelled, is refused.
        let scheme = &url[..colon];
        let scheme = ["https", "http"].into_iter().find(|s| s.eq_ignore_ascii_case(scheme))?;
        let rest = url[colon + 1..].strip_prefix("//")?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        if host.is_empty() || host.contains('\\') {
            return None;
        }
        return encode(scheme, "://", rest);
    }
    // Relative: resolved against the site, never to another host.
    if url.starts_with("//") || url.contains('\\') {
        return None;
    }
    encode(&format!("https://{host}"), "/", url.strip_prefix('/').unwrap_or(&url))
}

/// `a + b + rest`, with the characters browsers would percent-encode
/// encoded; `None` if `rest` holds control characters.
fn encode(a: &str, b: &str, rest: &str) -> Option<String> {
    let mut out = String::with_capacity(a.len() + b.len() + rest.len());
    out.push_str(a);
    out.push_str(b);
    for c in rest.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '`' => out.push_str("%60"),
            c if c.is_control() => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Decodes character references: `amp lt gt quot apos nbsp` (and `colon`,
/// `Tab`, `NewLine`, which browsers also decode in links), and every numeric
/// one; NUL, surrogates and code points past U+10FFFF become U+FFFD.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match reference(after) {
            Some((c, used)) => {
                out.push(c);
                rest = after.get(used..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of the reference at the start of `s` (just after `&`) and
/// how many bytes of `s` it used.
fn reference(s: &str) -> Option<(char, usize)> {
    let semi = |end: usize| end + usize::from(s.as_bytes().get(end) == Some(&b';'));
    if let Some(num) = s.strip_prefix('#') {
        let (radix, digits) = match num.strip_prefix(['x', 'X']) {
            Some(hex) => (16, hex),
            None => (10, num),
        };
        let mut value: u32 = 0;
        let mut len = 0;
        for d in digits.chars().map_while(|c| c.to_digit(radix)) {
            value = value.saturating_mul(radix).saturating_add(d);
            len += 1;
        }
        if len == 0 {
            return None;
        }
        let c = char::from_u32(value).filter(|&c| c != '\0').unwrap_or('\u{fffd}');
        return Some((c, semi(s.len() - digits.len() + len)));
    }
    let len = s.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let with_semi = s.as_bytes().get(len) == Some(&b';');
    let c = match s.get(..len)? {
        // Legacy references, decoded even without ';'.
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "nbsp" => '\u{a0}',
        _ if !with_semi => return None,
        "apos" => '\'',
        "colon" => ':',
        "Tab" => '\t',
        "NewLine" => '\n',
        _ => return None,
    };
    Some((c, semi(len)))
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// A start or end tag, as the tokenizer sees it.
struct Token<'a> {
    name: &'a str,
    self_closing: bool,
    /// The raw value of the first `href` attribute.
    href: Option<&'a str>,
}

/// Reads a tag from `s`, which starts at its name; returns it and the input
/// after its `>`, or `None` if the input ends inside the tag (browsers drop
/// such a tag).
fn read_tag(s: &str) -> Option<(Token<'_>, &str)> {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied();
    let skip = |mut i: usize, stop: &dyn Fn(u8) -> bool| {
        while at(i).is_some_and(|c| !stop(c)) {
            i += 1;
        }
        i
    };
    let mut i = skip(0, &|c| is_space(c) || c == b'/' || c == b'>');
    let mut token = Token { name: s.get(..i)?, self_closing: false, href: None };
    loop {
        i = skip(i, &|c| !is_space(c));
        match at(i)? {
            b'>' => return Some((token, s.get(i + 1..)?)),
            b'/' => {
                i += 1;
                token.self_closing = at(i) == Some(b'>');
                continue;
            }
            _ => token.self_closing = false,
        }
        // Attribute name: its first character may be '='.
        let start = i;
        i = skip(i + 1, &|c| is_space(c) || matches!(c, b'/' | b'>' | b'='));
        let key = s.get(start..i)?;
        i = skip(i, &|c| !is_space(c));
        let mut value = "";
        if at(i) == Some(b'=') {
            i = skip(i + 1, &|c| !is_space(c));
            match at(i) {
                Some(q @ (b'"' | b'\'')) => {
                    let end = i + 1 + s.get(i + 1..)?.find(q as char)?;
                    value = s.get(i + 1..end)?;
                    i = end + 1;
                }
                _ => {
                    let start = i;
                    i = skip(i, &|c| is_space(c) || c == b'>');
                    value = s.get(start..i)?;
                }
            }
        }
        if token.href.is_none() && key.eq_ignore_ascii_case("href") {
            token.href = Some(value);
        }
    }
}

/// Skips raw text up to and including the end tag `</name>`.
fn skip_raw<'a>(s: &'a str, name: &str) -> &'a str {
    let mut from = 0;
    while let Some(p) = s.get(from..).and_then(|r| r.find("</")) {
        let start = from + p + 2;
        let end = start + name.len();
        let named = s.get(start..end).is_some_and(|n| n.eq_ignore_ascii_case(name));
        if named && s.as_bytes().get(end).is_none_or(|&c| is_space(c) || c == b'/' || c == b'>') {
            return s.get(start..).and_then(read_tag).map_or("", |(_, rest)| rest);
        }
        from = start;
    }
    ""
}

fn skip_past_gt(s: &str) -> &str {
    s.find('>').and_then(|e| s.get(e + 1..)).unwrap_or("")
}

fn lookup(list: &[&'static str], name: &str) -> Option<&'static str> {
    list.iter().copied().find(|n| n.eq_ignore_ascii_case(name))
}

struct Open {
    tag: Tag,
    /// False for a link without a safe target: its children are kept, not it.
    keep: bool,
    href: Option<String>,
    children: Vec<Node>,
}

#[derive(Default)]
struct Builder {
    /// The site relative links belong to.
    host: String,
    root: Vec<Node>,
    stack: Vec<Open>,
    count: usize,
    /// Inside an element dropped whole: its name and nesting.
    dropping: Option<(&'static str, usize)>,
}

impl Builder {
    fn top(&mut self) -> &mut Vec<Node> {
        match self.stack.last_mut() {
            Some(open) => &mut open.children,
            None => &mut self.root,
        }
    }

    fn text(&mut self, raw: &str) {
        if raw.is_empty() || self.dropping.is_some() {
            return;
        }
        let t = decode_entities(raw);
        if let Some(Node::Text(prev)) = self.top().last_mut() {
            prev.push_str(&t);
        } else {
            self.count += 1;
            self.top().push(Node::Text(t));
        }
    }

    /// Handles markup right after a `<`; returns the input after it.
    fn markup<'a>(&mut self, s: &'a str) -> &'a str {
        if let Some(c) = s.strip_prefix("!--") {
            if let Some(rest) = c.strip_prefix('>').or_else(|| c.strip_prefix("->")) {
                return rest;
            }
            return c.find("-->").and_then(|e| c.get(e + 3..)).unwrap_or("");
        }
        let (closing, body) = match s.strip_prefix('/') {
            Some(body) => (true, body),
            None => (false, s),
        };
        match body.as_bytes().first() {
            Some(c) if c.is_ascii_alphabetic() => {}
            Some(b'>') if closing => return body.get(1..).unwrap_or(""),
            Some(b'!' | b'?') if !closing => return skip_past_gt(body),
            Some(_) if closing => return skip_past_gt(body),
            // Not a tag: a literal '<'.
            _ => {
                self.text("<");
                return s;
            }
        }
        let Some((token, rest)) = read_tag(body) else { return "" };
        let name = token.name;
        if !closing {
            if let Some(raw) = lookup(RAW_TEXT, name) {
                return skip_raw(rest, raw);
            }
            if name.eq_ignore_ascii_case("plaintext") {
                return "";
            }
        }
        if let Some((dropped, depth)) = self.dropping {
            if name.eq_ignore_ascii_case(dropped) {
                let depth = if closing { depth - 1 } else { depth + usize::from(!token.self_closing) };
                self.dropping = (depth > 0).then_some((dropped, depth));
            }
            return rest;
        }
        if !closing {
            if let Some(tree) = lookup(DROP_TREE, name) {
                let empty = token.self_closing && matches!(tree, "svg" | "math");
                if !empty {
                    self.dropping = Some((tree, 1));
                }
                return rest;
            }
        }
        match Tag::from_name(name) {
            Some(tag) if closing => self.close(tag),
            Some(tag) => self.open(tag, token.href),
            None => {}
        }
        rest
    }

    fn open(&mut self, tag: Tag, href: Option<&str>) {
        match tag {
            // HN's <p> separates paragraphs: it closes an open one, as does <pre>.
            Tag::P | Tag::Pre => self.close(Tag::P),
            // Links do not nest.
            Tag::A => self.close(Tag::A),
            _ => {}
        }
        if self.stack.len() >= MAX_DEPTH {
            return;
        }
        let href = if tag == Tag::A { href.and_then(|h| safe_url_on(h, &self.host)) } else { None };
        self.count += 1;
        self.stack.push(Open { tag, keep: tag != Tag::A || href.is_some(), href, children: Vec::new() });
    }

    fn close(&mut self, tag: Tag) {
        if let Some(pos) = self.stack.iter().rposition(|o| o.tag == tag) {
            self.close_to(pos);
        }
    }

    /// Closes every open element down to and including index `pos`.
    fn close_to(&mut self, pos: usize) {
        while self.stack.len() > pos {
            let Some(open) = self.stack.pop() else { return };
            let parent = self.top();
            if open.keep {
                parent.push(Node::Element { tag: open.tag, href: open.href, children: open.children });
            } else {
                for child in open.children {
                    match (parent.last_mut(), child) {
                        (Some(Node::Text(prev)), Node::Text(t)) => prev.push_str(&t),
                        (_, child) => parent.push(child),
                    }
                }
            }
        }
    }

    fn finish(mut self) -> Vec<Node> {
        self.close_to(0);
        self.root
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Node {
        Node::Text(s.into())
    }

    fn el(tag: Tag, children: Vec<Node>) -> Node {
        Node::Element { tag, href: None, children }
    }

    fn link(href: &str, children: Vec<Node>) -> Node {
        Node::Element { tag: Tag::A, href: Some(href.into()), children }
    }

    #[test]
    fn real_about_texts() {
        let nodes = sanitize(
            r#"Writes <i>things</i>.<p>Site: <a href="https:&#x2F;&#x2F;example.com&#x2F;a?b=1&amp;c=2" rel="nofollow">https:&#x2F;&#x2F;example.com&#x2F;a?b=1&amp;c=2</a>"#,
        );
        let url = "https://example.com/a?b=1&c=2";
        assert_eq!(
            nodes,
            vec![
                t("Writes "),
                el(Tag::I, vec![t("things")]),
                t("."),
                el(Tag::P, vec![t("Site: "), link(url, vec![t(url)])]),
            ]
        );
        assert_eq!(
            sanitize("<pre><code>  x = 1\n</code></pre>"),
            vec![el(Tag::Pre, vec![el(Tag::Code, vec![t("  x = 1\n")])])]
        );
        assert_eq!(sanitize("<I>italic</I>"), vec![el(Tag::I, vec![t("italic")])]);
        // mailto is not followed: the address stays as text.
        let mail = sanitize(r#"Co-founder of YC.<p>Email: <a href="mailto:x@y.com" rel="nofollow">x@y.com</a>"#);
        assert_eq!(mail, vec![t("Co-founder of YC."), el(Tag::P, vec![t("Email: x@y.com")])]);
        assert_eq!(text(&mail), "Co-founder of YC.\nEmail: x@y.com");
        assert_eq!(text(&sanitize("it&#x27;s &quot;a&quot; &lt;b&gt; &amp; &#39;c&#39;")), "it's \"a\" <b> & 'c'");
    }

    #[test]
    fn structure() {
        assert_eq!(sanitize("a<p>b<p>c"), vec![t("a"), el(Tag::P, vec![t("b")]), el(Tag::P, vec![t("c")])]);
        assert_eq!(sanitize("<i>a</p>b</i></i>c"), vec![el(Tag::I, vec![t("ab")]), t("c")]);
        assert_eq!(sanitize("<b>bold</b> <u>u</u>"), vec![t("bold u")]);
        assert_eq!(sanitize("x<script>alert(1)</script >y"), vec![t("xy")]);
        assert_eq!(sanitize("x<svg><svg></svg>hidden</svg>y<svg/>z"), vec![t("xyz")]);
        assert_eq!(sanitize("x<embed src=a>y"), vec![t("xy")]);
        assert_eq!(sanitize("x<plaintext>everything</plaintext>"), vec![t("x")]);
        assert_eq!(sanitize("a<!-- <i>c</i> -->b<!-->c<!doctype html><![CDATA[x]]><?php x ?>"), vec![t("abc")]);
        assert_eq!(
            sanitize("<a href=https://a.example>1<a href=https://b.example>2"),
            vec![link("https://a.example", vec![t("1")]), link("https://b.example", vec![t("2")])]
        );
        assert_eq!(sanitize("<a href=x onclick=y>z</a>"), vec![link("https://news.ycombinator.com/x", vec![t("z")])]);
        assert_eq!(sanitize("<a>no target</a><a href>empty</a>"), vec![t("no targetempty")]);
        assert_eq!(
            sanitize("<a href=\"https://a.example\"\n   title='x>y'>q</a>"),
            vec![link("https://a.example", vec![t("q")])]
        );
    }

    #[test]
    fn relative_links_belong_to_the_site_of_the_text() {
        let lobsters = sanitize_on("<a href=\"/~pushcx\">me</a> <a href=\"s/abc\">x</a>", "lobste.rs");
        let hrefs: Vec<&str> = lobsters
            .iter()
            .filter_map(|n| match n {
                Node::Element { href: Some(h), .. } => Some(h.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(hrefs, ["https://lobste.rs/~pushcx", "https://lobste.rs/s/abc"]);
        assert_eq!(safe_url_on("javascript:x", "lobste.rs"), None);
        assert_eq!(safe_url_on("//evil.example/", "lobste.rs"), None);
    }

    #[test]
    fn safe_urls() {
        assert_eq!(safe_url("https://a.example/x").as_deref(), Some("https://a.example/x"));
        assert_eq!(safe_url("  HTTP://a.example/x y\"<>`").as_deref(), Some("http://a.example/x%20y%22%3C%3E%60"));
        assert_eq!(safe_url("ht\ttps://a.example").as_deref(), Some("https://a.example"));
        assert_eq!(safe_url("item?id=1").as_deref(), Some("https://news.ycombinator.com/item?id=1"));
        assert_eq!(safe_url("/user?id=x").as_deref(), Some("https://news.ycombinator.com/user?id=x"));
        assert_eq!(safe_url("/a:b").as_deref(), Some("https://news.ycombinator.com/a:b"));
        for bad in [
            "mailto:a@b.c",
            "\u{1}javascript:alert(1)",
            "java\nscript:alert(1)",
            "java\u{1}script:alert(1)",
            "&#106avascript:alert(1)",
            "&#0000106;avascript:alert(1)",
            "javascript&colon;alert(1)",
            "javascript&#58alert(1)",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "https:evil.example",
            "https:/evil.example",
            "https:\\\\evil.example",
            "https://",
            "https://a.example/\u{7f}",
            "data:text/html,x",
            "blob:https://a.example/1",
            "",
            " ",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("&#0;&#xD800;&#x110000;&#99999999999999;&#x;&#;&"),
            "\u{fffd}\u{fffd}\u{fffd}\u{fffd}&#x;&#;&"
        );
        assert_eq!(decode_entities("&amp&ampx&apos&apos;&nbsp;&#65&#x42;C"), "&&ampx&apos'\u{a0}ABC");
    }

    #[test]
    fn malformed_input_is_tolerated() {
        for input in [
            "<",
            "</",
            "<a",
            "<a href=",
            "<a href='",
            "<p><p><i>",
            "&#xZZ;",
            "&;",
            "a < b > c",
            "<i><p>x</i>",
            "<1>",
            "</ x>",
            "</>",
            "<!",
            "<!--",
            "<é>",
            "<a é=é>é",
            "<a\u{0}href=javascript:alert(1)>x</a>",
        ] {
            let _ = text(&sanitize(input));
        }
        assert_eq!(text(&sanitize("a < b, 1<2, </3 x>y")), "a < b, 1<2, y");
        assert_eq!(text(&sanitize("x</>y</")), "xy</");
        assert_eq!(sanitize("a\0b<i\0>c"), vec![t("ab"), el(Tag::I, vec![t("c")])]);
        let deep = "<i>".repeat(100) + "x";
        let nodes = sanitize(&deep);
        assert_eq!(text(&nodes), "x");
        fn depth(n: &[Node]) -> usize {
            n.iter()
                .map(|n| if let Node::Element { children, .. } = n { 1 + depth(children) } else { 0 })
                .max()
                .unwrap_or(0)
        }
        assert_eq!(depth(&nodes), MAX_DEPTH);
    }

    #[test]
    fn huge_inputs_are_capped() {
        let many = "<p>x".repeat(50_000);
        let nodes = sanitize(&many);
        assert!(nodes.len() <= MAX_NODES);
        for s in ["<a href=\"".repeat(100_000), "</".repeat(100_000), "&#".repeat(100_000), "<script>".repeat(100_000)]
        {
            let _ = sanitize(&s);
        }
    }
}
