//! Which fixture answers which Hacker News URL.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::http::{Request, Response};
use crate::{assets, Fault, State, API_HOST, HN_HOST, RATE_LIMITED_BODY};

/// Environment variable naming the fixtures folder.
pub const FIXTURES_ENV: &str = "HN_FIXTURES";

/// Natural HN addresses of the saved pages that have one. Every page is also
/// reachable on any path with `fixture=<file stem>` in the query (HN ignores
/// unknown parameters), which is how older pages without a stable id are
/// opened.
const ROUTES: &[(&str, &str)] = &[
    ("/", "news/easyhn-news-2026-06.html"),
    ("/news", "news/easyhn-news-2026-06.html"),
    ("/news?p=2", "news/ews-news-2026-03.html"),
    ("/item?id=48350598", "item/easyhn-item-48350598.html"),
    ("/item?id=48351450", "item/easyhn-comment-permalink-48351450.html"),
    ("/item?id=47536778", "item/ews-comment-permalink-2026-03.html"),
    ("/item?id=126809", "item/ews-poll-126809-rendered-2026.html"),
    ("/item?id=47649721", "item/ews-story-artemis-withdead-2026-04.html"),
    ("/item?id=47536761", "item/ews-story-showhn-irc-2026-03.html"),
    ("/item?id=30883015", "item/telelink-item-database-for-2022-2022-04-273comments.html"),
    ("/item?id=28385024", "item/cliview-hn-2021-09.html"),
    ("/item?id=5002483", "item/brianc-simple-5002483-2013-01.html"),
    ("/active", "lists/ews-active-2026-04.html"),
    ("/asknew", "lists/ews-asknew-2026-04.html"),
    ("/best", "lists/ews-best-2026-04.html"),
    ("/bestcomments", "lists/ews-bestcomments-2026-04.html"),
    ("/classic", "lists/ews-classic-2026-04.html"),
    ("/favorites?id=cl3misch", "lists/ews-favorites-cl3misch-2026.html"),
    ("/front?day=2026-04-04", "lists/ews-front-past-2026-04-04.html"),
    // Pages 2 and 3 of the front page: other days' front pages, their "More"
    // links rewritten as HN's would be (see `paginate`).
    ("/news?p=3", "lists/ews-front-past-2026-04-04.html"),
    ("/highlights", "lists/ews-highlights-2026-04.html"),
    ("/invited", "lists/ews-invited-2026-04.html"),
    ("/jobs", "lists/ews-jobs-2026-03.html"),
    ("/launches", "lists/ews-launches-2026-03.html"),
    ("/leaders", "lists/ews-leaders-2026.html"),
    ("/newcomments", "lists/ews-newcomments-2026-03.html"),
    ("/noobcomments", "lists/ews-noobcomments-2026-04.html"),
    ("/noobstories", "lists/ews-noobstories-2026-04.html"),
    ("/shownew", "lists/ews-shownew-2026-04.html"),
    ("/submitted?id=whoishiring", "lists/ews-submitted-whoishiring-2026-04.html"),
    ("/threads?id=j0rg3", "lists/ews-threads-j0rg3-2026-03.html"),
    ("/user?id=pg", "user/easyhn-user-pg-2026.html"),
    ("/user?id=ewsbr", "user/ews-user-own-profile-ewsbr-loggedin-2026.html"),
    ("/user?id=sbinnee", "user/ews-user-sbinnee-about-html-2026.html"),
    ("/delete-confirm?id=47634661", "reply/ews-delete-confirm-2026-04.html"),
];

/// One saved page or API document.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Path relative to the fixtures folder, e.g. `news/easyhn-news-2026-06.html`.
    pub rel: String,
    pub stem: String,
    pub body: Arc<Vec<u8>>,
}

/// The saved pages, loaded once.
#[derive(Debug, Clone)]
pub struct Fixtures {
    pub dir: PathBuf,
    pages: Vec<Fixture>,
    by_stem: HashMap<String, usize>,
    routes: HashMap<String, usize>,
    api: HashMap<String, Arc<Vec<u8>>>,
    /// HN's stylesheet as served (see [`crate::assets::stylesheet`]).
    stylesheet: Arc<Vec<u8>>,
}

impl Fixtures {
    /// `$HN_FIXTURES`, else `../shared/fixtures` beside the workspace.
    pub fn default_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os(FIXTURES_ENV) {
            return PathBuf::from(dir);
        }
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
    }

    pub fn load(dir: &Path) -> io::Result<Fixtures> {
        let mut pages = Vec::new();
        let mut api = HashMap::new();
        for sub in ["news", "item", "lists", "user", "reply", "lobsters", "api-firebase"] {
            let folder = dir.join(sub);
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for path in files {
                let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_string) else {
                    continue;
                };
                let body = std::fs::read(&path)?;
                if sub == "api-firebase" {
                    if let Some(key) = api_key(&body) {
                        api.insert(key, Arc::new(body));
                    }
                    continue;
                }
                let stem = name.trim_end_matches(".html").to_string();
                pages.push(Fixture { rel: format!("{sub}/{name}"), stem, body: Arc::new(body) });
            }
        }
        if pages.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no saved pages in {} (set {FIXTURES_ENV} to the fixtures folder)", dir.display()),
            ));
        }
        let by_stem = pages.iter().enumerate().map(|(i, f)| (f.stem.clone(), i)).collect();
        let mut routes = HashMap::new();
        for (target, rel) in ROUTES {
            if let Some(i) = pages.iter().position(|f| f.rel == *rel) {
                routes.insert(target.to_string(), i);
            }
        }
        let stand_in = std::fs::read_to_string(dir.join(crate::assets::STYLESHEET)).ok();
        let stylesheet = Arc::new(crate::assets::stylesheet(stand_in.as_deref()).into_bytes());
        Ok(Fixtures { dir: dir.to_path_buf(), pages, by_stem, routes, api, stylesheet })
    }

    /// Every saved HN page (not Lobsters).
    pub fn hn_pages(&self) -> impl Iterator<Item = &Fixture> {
        self.pages.iter().filter(|f| !f.rel.starts_with("lobsters/"))
    }

    pub fn by_rel(&self, rel: &str) -> Option<&Fixture> {
        self.pages.iter().find(|f| f.rel == rel)
    }

    /// The address at which a saved page is served: its HN address when it
    /// has one, else a neutral one with its `fixture=` selector.
    pub fn address_of(&self, rel: &str) -> Option<String> {
        let i = self.pages.iter().position(|f| f.rel == rel)?;
        if let Some((target, _)) = ROUTES.iter().find(|(_, r)| *r == rel) {
            return Some(target.to_string());
        }
        let f = &self.pages[i];
        let path = match rel.split('/').next() {
            Some("news") => "/news",
            Some("item") => "/item",
            Some("user") => "/user",
            Some("reply") => "/reply",
            _ => "/news",
        };
        Some(format!("{path}?fixture={}", f.stem))
    }

    fn page_for(&self, target: &str) -> Option<&Fixture> {
        if let Some(stem) = query_param(target, "fixture") {
            return self.by_stem.get(stem).map(|&i| &self.pages[i]);
        }
        self.routes.get(target).map(|&i| &self.pages[i])
    }
}

fn api_key(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    match value.get("id")? {
        serde_json::Value::Number(n) => Some(format!("item/{n}")),
        serde_json::Value::String(s) => Some(format!("user/{s}")),
        _ => None,
    }
}

/// The value of `name` in the query of `target`, undecoded.
pub(crate) fn query_param<'a>(target: &'a str, name: &str) -> Option<&'a str> {
    let query = target.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then_some(v)
    })
}

fn path_of(target: &str) -> &str {
    target.split(['?', '#']).next().unwrap_or("/")
}

/// The last page of the replica's front page list.
pub const LAST_NEWS_PAGE: u32 = 3;

/// The saved front pages were each someone's page 1: point their "More"
/// link at the next page, as HN would, and drop it on the last page.
fn paginate(body: &[u8], target: &str) -> Vec<u8> {
    let n: u32 = query_param(target, "p").and_then(|p| p.parse().ok()).unwrap_or(1);
    let text = String::from_utf8_lossy(body);
    let Some(class_at) = text.find("morelink") else { return body.to_vec() };
    let Some(a_start) = text[..class_at].rfind("<a ") else { return body.to_vec() };
    let Some(a_end) = text[class_at..].find("</a>").map(|e| class_at + e + 4) else { return body.to_vec() };
    let replacement = if n >= LAST_NEWS_PAGE {
        String::new()
    } else {
        format!("<a href='?p={}' class='morelink' rel='next'>More</a>", n + 1)
    };
    format!("{}{}{}", &text[..a_start], replacement, &text[a_end..]).into_bytes()
}

pub(crate) fn route(state: &State, request: &Request) -> Response {
    if let Some(m) = crate::lock(&state.mounted).get(&(request.host.clone(), request.target.clone())) {
        let response = Response::shared(m.status, &m.content_type, m.body.clone());
        return if m.content_type.starts_with("text/html") { html_headers(state, response) } else { response };
    }
    match request.host.as_str() {
        API_HOST => api(state, request),
        crate::LOBSTERS_HOST => lobsters(state, request),
        crate::SEARCH_HOST if path_of(&request.target) == "/api/v1/search" => {
            let body = crate::search::answer(&state.fixtures, &request.target).to_string();
            Response::new(200, "application/json; charset=utf-8", body).with("Access-Control-Allow-Origin", "*")
        }
        crate::WEB_HOST => match path_of(&request.target) {
            "/chart.svg" => Response::new(200, "image/svg+xml", crate::synth::CHART_SVG),
            path => Response::new(200, "text/html; charset=utf-8", crate::synth::article(path)),
        },
        HN_HOST | "localhost" | "127.0.0.1" | "" => hn(state, request),
        _ => Response::new(404, "text/plain", "Unknown host."),
    }
}

fn hn(state: &State, request: &Request) -> Response {
    let path = path_of(&request.target);
    if path == "/news.css" {
        return Response::shared(200, "text/css", state.fixtures.stylesheet.clone())
            .with("Cache-Control", "max-age=86400");
    }
    if let Some(asset) = assets::get(path) {
        return Response::new(200, asset.content_type, asset.body).with("Cache-Control", "max-age=86400");
    }
    // The reply flow is emulated (see forms.rs); the saved reply page is
    // still reachable with `fixture=`.
    if path == "/reply" && query_param(&request.target, "fixture").is_none() {
        return crate::forms::reply_page(state, request);
    }
    if matches!(path, "/vote" | "/hide" | "/fave" | "/flag") {
        return crate::forms::act(state, request);
    }
    if path == "/comment" && request.method == "POST" {
        return crate::forms::post_comment(state, request);
    }
    // The reader's own comments (see forms.rs).
    match (path, request.method.as_str()) {
        ("/edit", "GET") => return crate::forms::edit_page(state, request),
        ("/xedit", "POST") => return crate::forms::post_edit(state, request),
        // The saved confirmation stays at its own address.
        ("/delete-confirm", "GET")
            if query_param(&request.target, "fixture").is_none()
                && state.fixtures.page_for(&request.target).is_none() =>
        {
            return crate::forms::delete_page(state, request)
        }
        ("/xdelete", "POST") => return crate::forms::post_delete(state, request),
        _ => {}
    }
    if let Some(page) = state.fixtures.page_for(&request.target) {
        if matches!(path, "/" | "/news") && query_param(&request.target, "fixture").is_none() {
            return html(state, 200, Arc::new(paginate(&page.body, &request.target)));
        }
        return html(state, 200, page.body.clone());
    }
    if path == "/item" {
        // HN answers an unknown item with a plain line, status 200.
        return html(state, 200, Arc::new(b"No such item.".to_vec()));
    }
    html(state, 404, Arc::new(b"Unknown.".to_vec()))
}

fn api(state: &State, request: &Request) -> Response {
    let path = path_of(&request.target);
    let key = path.trim_start_matches("/v0/").trim_end_matches(".json");
    match state.fixtures.api.get(key) {
        Some(body) => Response::shared(200, "application/json; charset=utf-8", body.clone()),
        // Firebase answers a missing item or user with `null`.
        None if path.starts_with("/v0/") => Response::new(200, "application/json; charset=utf-8", "null"),
        None => Response::new(404, "application/json", r#"{"error":"Permission denied"}"#),
    }
    .with("Access-Control-Allow-Origin", "*")
}

/// Lobsters' saved pages at their addresses, under a strict policy; a
/// second page of stories and users' JSON made from them.
fn lobsters(state: &State, request: &Request) -> Response {
    let path = path_of(&request.target);
    const FRONT: &str = "lobsters/lobsters-frontpage-2023-03.html";
    if path == "/page/2" {
        if let Some(page) = state.fixtures.by_rel(FRONT) {
            let body = crate::synth::lobsters_page_two(&String::from_utf8_lossy(&page.body));
            return Response::new(200, "text/html; charset=utf-8", body)
                .with("Content-Security-Policy", crate::LOBSTERS_CSP);
        }
    }
    if let Some(name) = path.strip_prefix("/~").and_then(|p| p.strip_suffix(".json")) {
        let known = state
            .fixtures
            .pages
            .iter()
            .filter(|f| f.rel.starts_with("lobsters/"))
            .any(|f| crate::synth::lobsters_user_named(&f.body, name));
        return match crate::synth::lobsters_user_json(name).filter(|_| known) {
            Some(json) => Response::new(200, "application/json; charset=utf-8", json),
            None => Response::new(404, "application/json; charset=utf-8", r#"{"error":"not found"}"#),
        };
    }
    let rel = match path {
        "/" | "/page/1" => Some("lobsters/lobsters-frontpage-2023-03.html"),
        p if p.starts_with("/s/tdfoqh") => Some("lobsters/lobsters-story-tdfoqh-2022-07-10comments.html"),
        p if p.starts_with("/s/zkndyy") => {
            Some("lobsters/lobsters-story-new-tag-sustainability-2023-03-18comments.html")
        }
        _ => None,
    };
    let (status, body) = match rel.and_then(|r| state.fixtures.by_rel(r)) {
        Some(page) => (200, page.body.clone()),
        None => (404, Arc::new(b"<!DOCTYPE html><title>Not found</title><p>Not found.</p>".to_vec())),
    };
    Response::shared(status, "text/html; charset=utf-8", body).with("Content-Security-Policy", crate::LOBSTERS_CSP)
}

pub(crate) fn html(state: &State, status: u16, body: Arc<Vec<u8>>) -> Response {
    html_headers(state, Response::shared(status, "text/html; charset=utf-8", body))
}

fn html_headers(state: &State, response: Response) -> Response {
    response
        .with("Content-Security-Policy", &state.policy())
        .with("Cache-Control", "private; max-age=0")
        .with("Referrer-Policy", "origin")
}

pub(crate) fn fault_response(state: &State, fault: &Fault) -> Response {
    match fault {
        Fault::Unavailable => html(state, 503, Arc::new(b"Sorry.".to_vec())),
        Fault::TooManyRequests => html(state, 429, Arc::new(b"Too many requests.".to_vec())),
        Fault::RateLimited => html(state, 200, Arc::new(RATE_LIMITED_BODY.as_bytes().to_vec())),
        Fault::EmptyPage => html(state, 200, Arc::new(assets::EMPTY_PAGE.as_bytes().to_vec())),
        Fault::Latency(_) | Fault::Drop => html(state, 500, Arc::new(b"Internal fault.".to_vec())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_params() {
        assert_eq!(query_param("/item?id=5&fixture=x", "fixture"), Some("x"));
        assert_eq!(query_param("/item?id=5", "fixture"), None);
        assert_eq!(query_param("/item", "id"), None);
    }

    #[test]
    fn every_route_names_a_saved_page() {
        let f = Fixtures::load(&Fixtures::default_dir()).expect("fixtures");
        for (target, rel) in ROUTES {
            assert!(f.by_rel(rel).is_some(), "{target} -> {rel} is missing");
        }
        for page in f.hn_pages() {
            let address = f.address_of(&page.rel).unwrap();
            assert_eq!(f.page_for(&address).map(|p| &p.rel), Some(&page.rel));
        }
    }
}
