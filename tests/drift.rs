//! Markup drift: real 2026 pages (a front page and a thread with dead
//! comments) mutated the ways a site's markup changes or breaks — classes
//! renamed, elements and attributes removed, rows doubled, deep nesting,
//! truncation — then loaded with the extension and poked (hover, focus,
//! share, fold, scroll). None may raise a page error or fail the content
//! script; a feature that loses its anchors stays off.

use std::time::Duration;

use hacker_new::{Harness, Options};

type Mutation = (&'static str, fn(&str) -> String);

fn rename(from: &'static str, to: &'static str) -> impl Fn(&str) -> String {
    move |s: &str| s.replace(from, to)
}

/// Drops every `attr='…'` / `attr="…"` of that name.
fn strip_attr(s: &str, attr: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let needle = format!(" {attr}=");
    while let Some(i) = rest.find(&needle) {
        out.push_str(&rest[..i]);
        let after = &rest[i + needle.len()..];
        let quote = after.chars().next().unwrap_or(' ');
        rest = if quote == '\'' || quote == '"' {
            after[1..].find(quote).map_or("", |j| &after[j + 2..])
        } else {
            after.find([' ', '>']).map_or("", |j| &after[j..])
        };
    }
    out.push_str(rest);
    out
}

fn mutations() -> Vec<Mutation> {
    vec![
        ("athing renamed", |s| rename("athing", "thing")(s)),
        ("titleline renamed", |s| rename("titleline", "title-line")(s)),
        ("hnuser removed", |s| rename("class=\"hnuser\"", "")(s)),
        ("subtext renamed", |s| rename("subtext", "sub-text")(s)),
        ("comhead renamed", |s| rename("comhead", "com-head")(s)),
        ("commtext renamed", |s| rename("commtext", "comm-text")(s)),
        ("no ids", |s| strip_attr(s, "id")),
        ("no indent", |s| strip_attr(s, "indent")),
        ("no hrefs", |s| strip_attr(s, "href")),
        ("no classes", |s| strip_attr(s, "class")),
        ("rows doubled", |s| {
            // Every row twice: duplicate ids everywhere.
            s.replace("</tr>", "</tr>\n")
                .lines()
                .flat_map(|l| if l.contains("<tr") { vec![l, l] } else { vec![l] })
                .collect::<Vec<_>>()
                .join("\n")
        }),
        ("deep nesting", |s| {
            let open = "<div>".repeat(600);
            let close = "</div>".repeat(600);
            s.replacen("<body>", &format!("<body>{open}"), 1).replacen("</body>", &format!("{close}</body>"), 1)
        }),
        ("truncated", |s| s[..s.len() / 2].to_string()),
        ("tables only", |s| {
            // The page's text without its rows' markup.
            s.replace("<tr", "<div").replace("</tr>", "</div>").replace("<td", "<span").replace("</td>", "</span>")
        }),
        ("empty body", |s| {
            let start = s.find("<body").unwrap_or(0);
            format!("{}<body></body></html>", &s[..start])
        }),
        ("hostile text", |s| {
            // Names and titles that are markup as text: if any of it reached
            // the DOM as HTML, the handler would run (scripts the page's
            // own policy allows are none, so the test looks for the node).
            s.replace("class=\"hnuser\">", "class=\"hnuser\">&lt;img src=x class=pwned onerror=window.__pwned=1&gt;")
                .replace(
                    "<span class=\"titleline\"><a href=\"",
                    "<span class=\"titleline\"><a href=\"javascript:window.__pwned=1//",
                )
        }),
        ("unclosed tags", |s| s.replace("</td>", "").replace("</span>", "")),
        ("vote links gone", |s| strip_attr(&s.replace("votearrow", "arrow"), "onclick")),
    ]
}

#[test]
fn mutated_pages_load_without_errors() {
    let h = Harness::start(Options::default()).unwrap();
    let fixtures = h.replica.fixtures().clone();
    let sources = [
        ("/news?drift=", "news/ews-news-2026-03.html"),
        ("/item?id=1&drift=", "item/ews-story-artemis-withdead-2026-04.html"),
    ];
    let page = h.open("/news").unwrap();
    let mut tried = 0;
    for (base, rel) in sources {
        let original =
            String::from_utf8_lossy(&fixtures.by_rel(rel).unwrap_or_else(|| panic!("{rel} in the fixtures")).body)
                .to_string();
        for (i, (name, mutate)) in mutations().into_iter().enumerate() {
            let target = format!("{base}{i}");
            h.replica.mount(hn_replica::HN_HOST, &target, "text/html; charset=utf-8", mutate(&original).into_bytes());
            page.navigate(&target).unwrap();
            let finished = page.session.wait_until(
                "document.documentElement.dataset.hnewFeatures !== undefined || document.documentElement.dataset.hnewError",
                Duration::from_secs(15),
            );
            if finished.is_err() {
                page.fail(&format!("{name} on {rel}: the content script did not finish"));
            }
            let what = format!("{name} on {rel}");
            assert_eq!(page.value("document.documentElement.dataset.hnewError || ''"), "", "{what}: failed to start");
            // Poke every feature: hover and focus rows and names, open a
            // share menu, fold a thread, scroll to the end.
            // (As a reader does: the extension ignores events a page's
            // scripts make up.)
            let pokes = page
                .value(
                    "(() => { const pick = [...document.querySelectorAll('a.hnuser, tr.athing, span.titleline > a, \
                     a[href^=\"item?id=\"], td.subtext a, a, td')].slice(0, 12); \
                     pick.forEach((e, i) => e.setAttribute('data-poke', i)); return pick.length; })()",
                )
                .as_u64()
                .unwrap_or(0);
            for n in 0..pokes {
                page.hover_on(&format!("document.querySelector('[data-poke=\"{n}\"]')"));
            }
            page.value("document.querySelector('a.hnuser, a')?.focus(), true");
            for control in ["button.hnew-share", "button.hnew-fold"] {
                if page.value(&format!("!!document.querySelector('{control}')")) == true {
                    page.click(control);
                }
            }
            page.click_outside();
            page.press("End", 0);
            page.value("window.scrollTo(0, document.documentElement.scrollHeight), true");
            // What the scroll set off (a scroll event, the watch's answer)
            // runs within these frames.
            page.frames(3);
            let failed = page.value("document.documentElement.dataset.hnewFailed || ''");
            if failed != "" {
                page.fail(&format!("{what}: feature {failed} failed"));
            }
            assert_eq!(
                page.value("(window.__pwned || 0) + document.querySelectorAll('img.pwned').length"),
                0,
                "{what}: injected markup became HTML"
            );
            let errors = page.exceptions();
            assert!(errors.is_empty(), "{what}: page errors {errors:#?}");
            tried += 1;
        }
    }
    assert_eq!(tried, 2 * mutations().len());
    eprintln!("{tried} mutated pages loaded without errors");
}
