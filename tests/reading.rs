//! The reading features, end to end on real saved pages served with HN's
//! policy: follow, the user card (quick profile, sanitized), filters,
//! collapsible threads, readability.

use hacker_new::{Harness, Options, Page};
use serde_json::{json, Value};

fn harness() -> Harness {
    Harness::start(Options::default()).expect("start the replica and Chromium with the extension")
}

/// Waits until the page has received and applied the user's state.
/// Sends a request to the background from an extension page, as the popup does.
fn ask(h: &Harness, request: Value) -> Value {
    let worker = h.worker().unwrap();
    let _ = worker; // the worker must be up
    let popup = h.open_extension("popup/popup.html").unwrap();
    let answer = popup.value(&format!(
        "chrome.runtime.sendMessage({})",
        json!({"v": 1})
            .as_object()
            .map(|v| {
                let mut m = v.clone();
                if let Some(r) = request.as_object() {
                    m.extend(r.clone());
                }
                Value::Object(m)
            })
            .unwrap()
    ));
    popup.session.close().ok();
    answer
}

fn hover(page: &Page, selector_js: &str) {
    page.hover_on(selector_js);
}

#[test]
fn follow_from_a_front_page_highlights_the_user_in_a_thread() {
    let h = harness();
    let front = h.open("/news").unwrap();
    front.ready();
    hover(&front, "[...document.querySelectorAll('a.hnuser')].find(a => a.textContent === 'tosh')");
    front.expect("document.querySelector('.hnew-card:not([hidden]) .hnew-card-follow')", "the card opened");
    assert_eq!(front.value("document.querySelector('.hnew-card-follow').textContent"), "Follow");
    front.click(".hnew-card-follow");
    front.expect(
        "document.querySelectorAll('a.hnuser.hnew-followed').length === [...document.querySelectorAll('a.hnuser')].filter(a => a.textContent === 'tosh').length && document.querySelector('tr.athing.hnew-followed-item')",
        "tosh and tosh's story are highlighted on the front page",
    );
    assert_eq!(front.value("document.querySelector('.hnew-card-follow').getAttribute('aria-pressed')"), "true");

    // tosh submitted the 273-comment thread: its story row and name are
    // highlighted there.
    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    thread.expect(
        "document.querySelector('tr.athing.hnew-followed-item:not(.comtr)') && document.querySelector('.fatitem a.hnuser.hnew-followed')",
        "tosh's story is highlighted in the thread",
    );
    // Follow a commenter from the thread: every one of their comments lights up.
    hover(&thread, "[...document.querySelectorAll('tr.comtr a.hnuser')].find(a => a.textContent === 'tptacek')");
    thread.expect(
        "document.querySelector('.hnew-card:not([hidden]) .hnew-card-follow[aria-pressed=false]')",
        "the card offers Follow",
    );
    thread.click(".hnew-card-follow");
    let expected = thread.value("[...document.querySelectorAll('tr.comtr')].filter(r => r.querySelector('a.hnuser')?.textContent === 'tptacek').length");
    assert!(expected.as_u64().unwrap() > 1);
    thread.expect(
        &format!("document.querySelectorAll('tr.comtr.hnew-followed-item').length === {expected}"),
        "tptacek's comments are highlighted in the thread",
    );
    // Names are compared as HN does: exactly.
    assert_eq!(
        thread.value(
            "[...document.querySelectorAll('a.hnew-followed')].every(a => ['tosh', 'tptacek'].includes(a.textContent))"
        ),
        true
    );
    let again = h.open("/item?id=30883015").unwrap();
    again.ready();
    again.expect(
        &format!("document.querySelectorAll('tr.comtr.hnew-followed-item').length === {expected}"),
        "highlighted in a new tab too",
    );

    // Unfollowing in one tab updates the others at once.
    hover(&front, "[...document.querySelectorAll('a.hnuser')].find(a => a.textContent === 'tosh')");
    front.expect(
        "document.querySelector('.hnew-card:not([hidden]) .hnew-card-follow[aria-pressed=true]')",
        "the card shows Unfollow",
    );
    front.click(".hnew-card-follow");
    front.expect(
        "document.querySelectorAll('.hnew-followed, .hnew-followed-item').length === 0",
        "unfollowed on the front page",
    );
    thread.expect("!document.querySelector('tr.athing.hnew-followed-item:not(.comtr)')", "and in the thread");
}

#[test]
fn usernames_are_case_sensitive() {
    let h = harness();
    let answer = ask(&h, json!({"kind": "set_follow", "site": "hn", "user": "TOSH", "follow": true}));
    assert_eq!(answer["kind"], "done");
    let front = h.open("/news").unwrap();
    front.ready();
    assert_eq!(front.value("document.querySelectorAll('.hnew-followed').length"), 0, "TOSH is not tosh");
}

#[test]
fn the_user_card_shows_the_profile_and_renders_about_text_safely() {
    let h = harness();
    h.replica.mount(
        hn_replica::API_HOST,
        "/v0/user/tosh.json",
        "application/json",
        json!({
            "id": "tosh", "karma": 12345, "created": 1_200_000_000,
            "about": "Writes <i>things</i>.<p>Site: <a href=\"https:&#x2F;&#x2F;example.com&#x2F;\" rel=\"nofollow\">example.com</a><p><img src=x onerror=\"document.documentElement.dataset.pwned=1\"><a href=\"javascript:document.documentElement.dataset.pwned=2\">click</a><script>document.documentElement.dataset.pwned=3</script>",
            "submitted": [1, 2, 3]
        })
        .to_string()
        .into_bytes(),
    );
    let front = h.open("/news").unwrap();
    front.ready();
    hover(&front, "[...document.querySelectorAll('a.hnuser')].find(a => a.textContent === 'tosh')");
    front.expect("document.querySelector('.hnew-card-facts')", "the profile loaded");
    let facts = front.value("document.querySelector('.hnew-card-facts').textContent");
    assert!(facts.as_str().unwrap().contains("12345 karma"), "{facts}");
    assert!(facts.as_str().unwrap().contains("3 submissions"), "{facts}");
    let about = front.value(
        "(() => { const a = document.querySelector('.hnew-card-about'); return { tags: [...a.querySelectorAll('*')].map(e => e.localName), links: [...a.querySelectorAll('a')].map(l => [l.getAttribute('href'), l.rel]) }; })()",
    );
    let tags: Vec<&str> = about["tags"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(tags.iter().all(|t| ["p", "a", "i", "pre", "code"].contains(t)), "tags: {tags:?}");
    assert_eq!(about["links"], json!([["https://example.com/", "noopener nofollow ugc"]]));
    loads_settled(&front);
    assert_eq!(front.value("document.documentElement.dataset.pwned || ''"), "");
    // Escape closes it.
    front.press("Escape", 0);
    front.expect("document.querySelector('.hnew-card[hidden]')", "Escape closed the card");
}

#[test]
fn a_domain_filter_hides_the_right_stories_and_counts_them() {
    let h = harness();
    let front = h.open("/news").unwrap();
    front.ready();
    let expected = front.value(
        "[...document.querySelectorAll('tr.athing.submission')].filter(r => /(^|\\.)google\\.com(\\/|$)/.test(r.querySelector('.sitestr')?.textContent || '')).map(r => r.id)",
    );
    assert_eq!(expected.as_array().unwrap().len(), 1, "the fixture has one google.com story");
    let answer = ask(
        &h,
        json!({"kind": "save_filter", "rule": {"kind": "domain", "pattern": "google.com", "target": "stories"}}),
    );
    assert_eq!(answer["kind"], "done", "{answer}");
    front.expect("document.documentElement.dataset.hnewHidden === '1'", "one story hidden");
    let hidden = front.value("[...document.querySelectorAll('tr.athing.hnew-hidden')].map(r => r.id)");
    assert_eq!(hidden, expected);
    assert_eq!(front.value(&format!("getComputedStyle(document.getElementById({})).display", expected[0])), "none");
    assert_eq!(
        front.value("document.querySelector('.hnew-filter-count').textContent"),
        "1 story hidden by your filters"
    );
    // Reveal, then hide again.
    front.click(".hnew-filter-reveal");
    assert_eq!(
        front.value(&format!("getComputedStyle(document.getElementById({})).display", expected[0])),
        "table-row"
    );
    // A keyword rule on comments hides comments but keeps their replies.
    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    let answer =
        ask(&h, json!({"kind": "save_filter", "rule": {"kind": "user", "pattern": "tptacek", "target": "comments"}}));
    assert_eq!(answer["kind"], "done", "{answer}");
    thread.expect("document.querySelectorAll('tr.comtr.hnew-filtered').length > 0", "tptacek's comments filtered");
    let check = thread.value(
        "(() => { const rows = [...document.querySelectorAll('tr.comtr')]; const i = rows.findIndex(r => r.classList.contains('hnew-filtered')); const next = rows[i + 1]; return { textHidden: getComputedStyle(rows[i].querySelector('.comment')).display, replyShown: next ? getComputedStyle(next).display : 'table-row', all: rows.filter(r => r.classList.contains('hnew-filtered')).every(r => r.querySelector('a.hnuser').textContent === 'tptacek') }; })()",
    );
    assert_eq!(check["textHidden"], "none");
    assert_eq!(check["replyShown"], "table-row");
    assert_eq!(check["all"], true);
}

#[test]
fn folding_a_subthread_hides_exactly_its_descendants_and_survives_a_reload() {
    let h = harness();
    let thread = h.open("/item?id=30883015").unwrap();
    thread.ready();
    // A deep comment inside the first top-level subthread with replies.
    let plan = thread.value(
        "(() => { const rows = [...document.querySelectorAll('tr.comtr')]; const d = r => +r.querySelector('td.ind').getAttribute('indent'); \
          const root = rows.findIndex((r, i) => d(r) === 0 && rows[i + 1] && d(rows[i + 1]) > 0); \
          let end = root + 1; while (end < rows.length && d(rows[end]) > 0) end++; \
          return { root: rows[root].id, deep: rows[end - 1].id, descendants: rows.slice(root + 1, end).map(r => r.id), visible: rows.filter(r => getComputedStyle(r).display !== 'none').length }; })()",
    );
    let descendants: Vec<&str> = plan["descendants"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(descendants.len() > 1);
    // The control appears when the reader reaches the comment.
    let deep = plan["deep"].as_str().unwrap();
    thread.hover_on(&format!("document.getElementById('{deep}').querySelector('td.default')"));
    thread.expect(
        &format!("document.getElementById('{deep}').querySelector('button.hnew-fold')"),
        "the fold control appeared",
    );
    thread.click_on(&format!("document.getElementById('{deep}').querySelector('button.hnew-fold')"));
    thread.expect(
        &format!("document.getElementById('{}').classList.contains('coll')", plan["root"].as_str().unwrap()),
        "the root folded",
    );
    let hidden = thread.value(
        "[...document.querySelectorAll('tr.comtr')].filter(r => getComputedStyle(r).display === 'none').map(r => r.id)",
    );
    assert_eq!(hidden, json!(descendants), "exactly the root's descendants are hidden");
    let label = thread.value(&format!(
        "document.getElementById('{}').querySelector('a.togg').textContent",
        plan["root"].as_str().unwrap()
    ));
    assert_eq!(label, format!("[{} more]", descendants.len() + 1));

    thread.reload().unwrap();
    thread.ready();
    thread.expect("document.documentElement.dataset.hnewFoldsRestored === '1'", "the fold was restored");
    let hidden = thread.value(
        "[...document.querySelectorAll('tr.comtr')].filter(r => getComputedStyle(r).display === 'none').map(r => r.id)",
    );
    assert_eq!(hidden, json!(descendants));
    // Unfolding with HN's own toggle restores exactly what was there.
    thread.click_on(&format!("document.getElementById('{}').querySelector('a.togg')", plan["root"].as_str().unwrap()));
    thread.expect(
        &format!("[...document.querySelectorAll('tr.comtr')].filter(r => getComputedStyle(r).display !== 'none').length === {}", plan["visible"]),
        "everything is visible again",
    );
}

#[test]
fn reading_settings_apply_live_to_open_tabs() {
    let h = harness();
    let front = h.open("/news").unwrap();
    front.ready();
    assert_eq!(front.value("document.documentElement.classList.contains('hnew-theme-system')"), true);
    let answer = ask(
        &h,
        json!({"kind": "save_settings", "settings": {"font_scale": 150, "width": 70, "line_height": 150, "theme": "dark", "high_contrast": true, "crisp_assets": true}}),
    );
    assert_eq!(answer["kind"], "settings", "{answer}");
    front.expect("document.documentElement.classList.contains('hnew-theme-dark')", "dark mode applied live");
    assert_eq!(front.value("getComputedStyle(document.body).backgroundColor"), "rgb(22, 24, 26)");
    assert_eq!(front.value("document.documentElement.style.getPropertyValue('--hnew-font-scale')"), "1.5");
    let size = front.value("parseFloat(getComputedStyle(document.querySelector('.titleline > a')).fontSize)");
    assert!((size.as_f64().unwrap() - 20.0).abs() < 0.5, "10pt x 1.5 = 20px, got {size}");
    // The vote arrow is drawn by CSS (a gradient), not a bitmap.
    let arrow = front.value("getComputedStyle(document.querySelector('.votearrow')).backgroundImage");
    let arrow = arrow.as_str().unwrap();
    assert!(arrow.starts_with("conic-gradient(") && !arrow.contains("url("), "{arrow}");
}

/// Which of the look's classes the root has.
const LOOK_CLASSES: &str =
    "['hnew', 'hnew-read', 'hnew-theme-dark', 'hnew-theme-system', 'hnew-contrast', 'hnew-crisp']\
    .filter(c => document.documentElement.classList.contains(c)).join(' ')";

/// The reader's look is on the root before the page is parsed (so the
/// first style pass has it and the content script restyles nothing); a
/// damaged look record only costs that restyle.
#[test]
fn the_look_is_in_place_before_the_page_is_styled() {
    let h = harness();
    let answer = ask(
        &h,
        json!({"kind": "save_settings", "settings": {"font_scale": 125, "theme": "dark", "high_contrast": true, "crisp_assets": false}}),
    );
    assert_eq!(answer["kind"], "settings", "{answer}");
    let worker = h.worker().unwrap();
    let look = worker.eval("chrome.storage.session.get('look').then(r => r.look)").unwrap();
    assert_eq!(look["classes"], json!(["hnew-read", "hnew-theme-dark", "hnew-contrast"]), "{look}");
    let page = h.open("/item?id=30883015").unwrap();
    page.ready();
    assert_eq!(
        page.value("document.documentElement.dataset.hnewLook"),
        "early",
        "nothing changed after the first style"
    );
    assert_eq!(page.value(LOOK_CLASSES), "hnew hnew-read hnew-theme-dark hnew-contrast");
    assert_eq!(page.value("document.documentElement.style.getPropertyValue('--hnew-font-scale')"), "1.25");
    assert_eq!(page.value("getComputedStyle(document.body).backgroundColor"), "rgb(22, 24, 26)");

    // A damaged record: skipped before parsing, the content script applies
    // the look itself (one restyle), and the page loses nothing.
    worker
        .eval("chrome.storage.session.set({ look: { classes: 'hnew-theme-dark <b>', vars: [['color', 'red'], ['--hnew-width', 'url(x)']] } }).then(() => true)")
        .unwrap();
    let page = h.open("/item?id=30883015").unwrap();
    page.ready();
    assert_eq!(page.value("document.documentElement.dataset.hnewLook"), "changed");
    assert_eq!(page.value(LOOK_CLASSES), "hnew hnew-read hnew-theme-dark hnew-contrast");
    assert_eq!(page.value("document.documentElement.style.getPropertyValue('--hnew-width')"), "85%");
    assert_eq!(page.value("document.documentElement.style.getPropertyValue('color')"), "");
}

/// OWASP-style payloads in a user's about text, each rendered by the user
/// card on a page that allows inline scripts (HN's policy does): none may
/// execute, and only the allowlisted elements reach the DOM.
/// Waits until an image asked for now (`src=x`, as the payloads' are) has
/// failed to load and its handler ran: an injected image's `onerror`,
/// asked for earlier, would have run by then.
fn loads_settled(page: &Page) {
    page.expect(
        "new Promise(r => { const i = new Image(); i.onerror = i.onload = () => r(true); i.src = 'x?' + Math.random(); })",
        "a control image loaded or failed",
    );
    page.frames(2);
}

const XSS: &[&str] = &[
    "<img src=x onerror=\"document.documentElement.dataset.pwned=1\">",
    "<script>document.documentElement.dataset.pwned=1</script>",
    "<svg onload=\"document.documentElement.dataset.pwned=1\"></svg>",
    "<svg><script>document.documentElement.dataset.pwned=1</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=\"document.documentElement.dataset.pwned=1\">",
    "<noscript><p title=\"</noscript><img src=x onerror=document.documentElement.dataset.pwned=1>\">",
    "<a href=\"javascript:document.documentElement.dataset.pwned=1\">click</a>",
    "<a href=\"JaVaScRiPt:document.documentElement.dataset.pwned=1\">click</a>",
    "<a href=\"&#106;avascript:document.documentElement.dataset.pwned=1\">click</a>",
    "<a href=\"&#x6A;avascript:document.documentElement.dataset.pwned=1\">click</a>",
    "<a href=\"java\tscript:document.documentElement.dataset.pwned=1\">click</a>",
    "<a href=\"jav&#x09;ascript:document.documentElement.dataset.pwned=1\">click</a>",
    "<a href=\"javascript&colon;document.documentElement.dataset.pwned=1\">click</a>",
    "<a href=\"data:text/html,<script>parent.document.documentElement.dataset.pwned=1</script>\">click</a>",
    "<a href=\"vbscript:msgbox(1)\">click</a>",
    "<a href=\"//evil.example/\">click</a>",
    "<a href=\"https://ok.example\" onmouseover=\"document.documentElement.dataset.pwned=1\" style=\"position:fixed;inset:0\">ok</a>",
    "<a href='https://ok.example/\"onmouseover=\"document.documentElement.dataset.pwned=1'>x</a>",
    "<p onclick=\"document.documentElement.dataset.pwned=1\">hi</p>",
    "<iframe srcdoc=\"<script>parent.document.documentElement.dataset.pwned=1</script>\"></iframe>",
    "<object data=\"javascript:document.documentElement.dataset.pwned=1\"></object>",
    "<embed src=\"javascript:document.documentElement.dataset.pwned=1\">",
    "<form action=\"javascript:document.documentElement.dataset.pwned=1\"><button>go</button></form>",
    "<base href=\"javascript:document.documentElement.dataset.pwned=1//\"><a href=\"item?id=1\">x</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:document.documentElement.dataset.pwned=1\">",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<details open ontoggle=\"document.documentElement.dataset.pwned=1\">",
    "<video><source onerror=\"document.documentElement.dataset.pwned=1\"></video>",
    "<<img src=x onerror=document.documentElement.dataset.pwned=1>>",
    "<img src=x onerror=document.documentElement.dataset.pwned=1//",
    "&lt;img src=x onerror=document.documentElement.dataset.pwned=1&gt;",
    "<a href=\"https://ok.example\"><i><pre><code onmouseover=\"document.documentElement.dataset.pwned=1\">x</code></pre></i></a>",
    "<textarea><img src=x onerror=document.documentElement.dataset.pwned=1></textarea>",
    "<template><img src=x onerror=document.documentElement.dataset.pwned=1></template>",
    "<a\u{0}href=javascript:document.documentElement.dataset.pwned=1>x</a>",
];

#[test]
fn xss_payloads_in_about_text_never_execute() {
    let h = harness();
    for (i, payload) in XSS.iter().enumerate() {
        h.replica.mount(
            hn_replica::API_HOST,
            &format!("/v0/user/xss{i}.json"),
            "application/json",
            json!({ "id": format!("xss{i}"), "karma": 1, "created": 1_600_000_000, "about": payload })
                .to_string()
                .into_bytes(),
        );
    }
    let page = h.open("/news").unwrap();
    page.ready();
    for i in 0..XSS.len() {
        page.value(&format!(
            "(() => {{ const a = document.createElement('a'); a.className = 'hnuser'; a.href = 'user?id=xss{i}'; a.textContent = 'xss{i}'; a.id = 'xss-link-{i}'; document.querySelector('.subline, .subtext').appendChild(a); return true; }})()"
        ));
        hover(&page, &format!("document.getElementById('xss-link-{i}')"));
        page.expect(
            &format!("document.querySelector('.hnew-card:not([hidden])')?.getAttribute('aria-label') === 'Profile of xss{i}' && document.querySelector('.hnew-card-facts')"),
            &format!("the card for payload {i} rendered"),
        );
        // Hover and click inside the card, as a reader would.
        let inside = page.value("document.querySelectorAll('.hnew-card-about *').length").as_u64().unwrap_or(0);
        for n in 0..inside {
            page.hover_on(&format!("document.querySelectorAll('.hnew-card-about *')[{n}]"));
        }
        let tags = page.value("[...document.querySelectorAll('.hnew-card-about *')].map(e => e.localName + ':' + [...e.attributes].map(a => a.name).join(','))");
        for t in tags.as_array().unwrap() {
            let t = t.as_str().unwrap();
            let (tag, attrs) = t.split_once(':').unwrap();
            assert!(["p", "a", "i", "pre", "code"].contains(&tag), "payload {i}: element {tag} reached the DOM");
            assert!(
                attrs.split(',').all(|a| ["", "href", "rel", "target"].contains(&a)),
                "payload {i}: attributes {attrs}"
            );
        }
        let hrefs = page.value("[...document.querySelectorAll('.hnew-card-about a')].map(a => a.getAttribute('href'))");
        for href in hrefs.as_array().unwrap() {
            let href = href.as_str().unwrap();
            assert!(href.starts_with("https://") || href.starts_with("http://"), "payload {i}: href {href}");
        }
        page.press("Escape", 0);
    }
    loads_settled(&page);
    assert_eq!(page.value("document.documentElement.dataset.pwned || ''"), "", "a payload executed");
    eprintln!("{} payloads rendered, none executed", XSS.len());
}
