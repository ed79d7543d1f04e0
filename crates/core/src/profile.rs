//! A user's profile, from HN's API or, when that fails, from the profile
//! page's HTML. The about text stays raw here: it is sanitized when shown.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: String,
    pub karma: Option<i64>,
    /// Unix seconds.
    pub created: Option<i64>,
    /// The user's own HTML; render only through [`crate::sanitize`].
    pub about: String,
    /// How many items they submitted (stories and comments), when known.
    pub submitted: u32,
}

/// From the fields of the API's `/v0/user/<id>.json`.
pub fn from_api_json_fields(id: &str, karma: Option<i64>, created: Option<i64>, about: Option<&str>, submitted_len: usize) -> Profile {
    Profile {
        id: id.to_string(),
        karma,
        created,
        about: about.unwrap_or("").to_string(),
        submitted: u32::try_from(submitted_len).unwrap_or(u32::MAX),
    }
}

/// From the HTML of `/user?id=<id>`; `None` when the page is not a profile
/// ("No such user.", the rate-limit apology, anything else).
pub fn from_user_page(html: &str) -> Option<Profile> {
    let user_row = html.find(">user:</td>")?;
    let rest = &html[user_row..];
    let created = attr_after(rest, "timestamp=\"").and_then(|t| t.parse().ok());
    let id = between(rest, "class=\"hnuser\">", "<")?.to_string();
    let karma = html
        .find(">karma:</td>")
        .and_then(|k| between(&html[k..], "<td>", "</td>"))
        .and_then(|k| k.trim().parse().ok());
    let about = html.find(">about:</td>").map_or(String::new(), |a| about_cell(&html[a..]));
    Some(Profile { id, karma, created, about, submitted: 0 })
}

fn about_cell(rest: &str) -> String {
    let Some(cell_start) = rest.find("<td").and_then(|i| rest[i..].find('>').map(|j| i + j + 1)) else {
        return String::new();
    };
    let cell = &rest[cell_start..];
    // One's own profile shows the about text in an editable box.
    if let Some(t) = cell.find("<textarea") {
        if t < cell.find("</td>").unwrap_or(usize::MAX) {
            let body_start = cell[t..].find('>').map_or(cell.len(), |j| t + j + 1);
            let end = cell[body_start..].find("</textarea>").map_or(cell.len(), |e| body_start + e);
            return cell[body_start..end].to_string();
        }
    }
    cell[..cell.find("</td>").unwrap_or(cell.len())].to_string()
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let a = s.find(start)? + start.len();
    let b = s[a..].find(end)? + a;
    Some(&s[a..b])
}

fn attr_after<'a>(s: &'a str, start: &str) -> Option<&'a str> {
    between(s, start, "\"")
}

/// How long ago `created` was, in whole units, without floats.
pub fn account_age(created: i64, now: i64) -> String {
    let days = (now - created).max(0) / 86_400;
    let (n, unit) = match days {
        0 => return "today".into(),
        1..=59 => (days, "day"),
        60..=729 => (days / 30, "month"),
        _ => (days / 365, "year"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let dir = std::env::var("HN_FIXTURES")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures").to_string());
        std::fs::read_to_string(format!("{dir}/user/{name}")).expect("fixture")
    }

    #[test]
    fn real_profile_pages() {
        let pg = from_user_page(&fixture("easyhn-user-pg-2026.html")).unwrap();
        assert_eq!((pg.id.as_str(), pg.karma, pg.created, pg.about.as_str()), ("pg", Some(157316), Some(1160418092), "Bug fixer."));
        let own = from_user_page(&fixture("ews-user-own-profile-ewsbr-loggedin-2026.html")).unwrap();
        assert_eq!((own.id.as_str(), own.karma, own.about.as_str()), ("ewsbr", Some(1), "¯\\_(ツ)_/¯"));
        let html = from_user_page(&fixture("ews-user-sbinnee-about-html-2026.html")).unwrap();
        assert_eq!(html.karma, Some(218));
        assert!(html.about.starts_with("ML and AI researcher<p>"));
    }

    #[test]
    fn non_profiles_give_none() {
        assert_eq!(from_user_page("No such user."), None);
        assert_eq!(from_user_page(crate::message::RATE_LIMITED), None);
    }

    #[test]
    fn ages() {
        let day = 86_400;
        assert_eq!(account_age(0, 10), "today");
        assert_eq!(account_age(0, day), "1 day");
        assert_eq!(account_age(0, 45 * day), "45 days");
        assert_eq!(account_age(0, 90 * day), "3 months");
        assert_eq!(account_age(0, 400 * day), "13 months");
        assert_eq!(account_age(0, 800 * day), "2 years");
        assert_eq!(account_age(10, 0), "today");
    }

    #[test]
    fn api_fields() {
        let p = from_api_json_fields("jl", Some(2937), Some(1173923446), Some("This is a test"), 3);
        assert_eq!(p.submitted, 3);
        assert_eq!(p.about, "This is a test");
    }
}
