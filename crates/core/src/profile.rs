//! A user's profile, from HN's API or, when that fails, from the profile
//! page's HTML. The about text stays raw here: it is sanitized when shown.

use crate::text;
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

/// The longest about text kept (HN's own form takes far less): a longer one
/// is cut, on a character boundary (it is sanitized when shown, so a cut
/// tag is harmless).
pub const ABOUT_MAX_BYTES: usize = 8_000;

fn capped(about: &str) -> String {
    let mut end = about.len().min(ABOUT_MAX_BYTES);
    while !about.is_char_boundary(end) {
        end -= 1;
    }
    about[..end].to_string()
}

/// From the fields of the API's `/v0/user/<id>.json`.
pub fn from_api_json_fields(
    id: &str,
    karma: Option<i64>,
    created: Option<i64>,
    about: Option<&str>,
    submitted_len: usize,
) -> Profile {
    Profile {
        id: id.to_string(),
        karma,
        created,
        about: capped(about.unwrap_or("")),
        submitted: u32::try_from(submitted_len).unwrap_or(u32::MAX),
    }
}

/// A time as Lobsters' JSON writes it (`2014-01-02T03:04:05.000-06:00`,
/// or `... 03:04:05 -0600`) in Unix seconds.
pub fn iso_seconds(text: &str) -> Option<i64> {
    let t = text.trim();
    let num = |r: std::ops::Range<usize>| t.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    // The zone: `Z`, `+hh:mm`, `-hhmm`, after any fraction and space.
    let rest = t[19..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit()).trim();
    let offset = match rest.chars().next() {
        None | Some('Z') => 0,
        Some(sign @ ('+' | '-')) => {
            let digits: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let hh = digits.get(0..2)?.parse::<i64>().ok()?;
            let mm = digits.get(2..4).map_or(Some(0), |m| m.parse::<i64>().ok())?;
            let secs = hh * 3600 + mm * 60;
            if sign == '-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let days = crate::schedule::days_from_civil(y, mo as u32, d as u32);
    Some(days * 86_400 + h * 3600 + mi * 60 + s - offset)
}

/// From the HTML of `/user?id=<id>`, logged out or logged in (one's own
/// profile is a form); `None` when the page is not a profile ("No such
/// user.", the rate-limit apology, anything else). The page shows no count
/// of submissions: `submitted` is 0.
pub fn from_user_page(html: &str) -> Option<Profile> {
    let (attrs, user) = cell(html, ">user:</td>")?;
    let id = plain(user);
    let id = id.trim();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let created = attribute(attrs, "timestamp")
        .and_then(|t| t.trim().parse().ok())
        .or_else(|| cell(html, ">created:</td>").and_then(|(_, c)| created_from_day(c)));
    let karma = cell(html, ">karma:</td>").and_then(|(_, k)| plain(k).trim().parse().ok());
    let about = cell(html, ">about:</td>").map_or(String::new(), |(_, a)| capped(&about_html(a)));
    Some(Profile { id: id.to_string(), karma, created, about, submitted: 0 })
}

/// The opening tag's attributes and the inner HTML of the cell after the
/// label cell `label`.
fn cell<'a>(html: &'a str, label: &str) -> Option<(&'a str, &'a str)> {
    let rest = html.get(html.find(label)? + label.len()..)?;
    let rest = rest.get(rest.find("<td")? + 3..)?;
    let gt = rest.find('>')?;
    let body = rest.get(gt + 1..)?;
    Some((rest.get(..gt)?, body.get(..body.find("</td>").unwrap_or(body.len()))?))
}

fn attribute<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        let at = rest.find(name)?;
        let before = rest.get(..at)?;
        rest = rest.get(at + name.len()..)?;
        if before.ends_with(|c: char| c.is_ascii_whitespace()) {
            if let Some(v) = rest.strip_prefix("=\"") {
                return v.get(..v.find('"')?);
            }
        }
    }
}

/// Text of an HTML fragment with its tags removed (entities left alone).
fn plain(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(rest.get(..lt).unwrap_or(""));
        rest = rest.get(lt..).and_then(|r| r.find('>').and_then(|gt| r.get(gt + 1..))).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The about text: the cell's HTML, or on one's own profile the text of the
/// `about` box. The box holds HN's source form, escaped (so already safe
/// HTML text), with blank lines between paragraphs, which become `<p>`.
fn about_html(cell: &str) -> String {
    let Some(box_at) = cell.find("<textarea") else { return cell.trim().to_string() };
    let Some(inner) = cell.get(box_at..).and_then(|b| b.find('>').and_then(|gt| b.get(gt + 1..))) else {
        return String::new();
    };
    let inner = inner.get(..inner.find("</textarea>").unwrap_or(inner.len())).unwrap_or("");
    let inner = inner.replace("\r\n", "\n");
    let paragraphs: Vec<&str> = inner.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    paragraphs.join("<p>")
}

/// The account's birth day from the created cell's `front?day=YYYY-MM-DD`
/// link, as unix seconds at midnight UTC; pages without the `timestamp`
/// attribute need it.
fn created_from_day(cell: &str) -> Option<i64> {
    let day = cell.get(cell.find("day=")? + 4..)?.get(..10)?;
    let mut parts = day.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    // Days from civil (H. Hinnant), for years from 1970.
    let y = if m <= 2 { y - 1 } else { y };
    let (era, yoe) = (y / 400, y % 400);
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400)
}

/// How long ago `created` was, in whole units, without floats: "today",
/// "1 day", "12 days", "3 months", "1 year", "15 years".
pub fn account_age(created: i64, now: i64) -> String {
    let days = now.saturating_sub(created).max(0) / 86_400;
    // A month is 1461/48 days, a year 1461/4: the Julian average.
    let (n, one, many): (i64, &str, fn(i64) -> String) = match days {
        0 => return text::AGE_TODAY.into(),
        1..=29 => (days, text::AGE_DAY, text::age_days),
        _ if days * 4 < 1461 => ((days * 48 / 1461).max(1), text::AGE_MONTH, text::age_months),
        _ => (days * 4 / 1461, text::AGE_YEAR, text::age_years),
    };
    if n == 1 {
        one.to_string()
    } else {
        many(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> String {
        let dir = std::env::var("HN_FIXTURES")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/fixtures").to_string());
        let path = format!("{dir}/{path}");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn logged_out_profile() {
        let pg = from_user_page(&fixture("user/easyhn-user-pg-2026.html")).unwrap();
        assert_eq!(
            pg,
            Profile {
                id: "pg".into(),
                karma: Some(157316),
                created: Some(1160418092),
                about: "Bug fixer.".into(),
                submitted: 0
            }
        );
    }

    #[test]
    fn own_profile_about_is_the_box_text() {
        let own = from_user_page(&fixture("user/ews-user-own-profile-ewsbr-loggedin-2026.html")).unwrap();
        assert_eq!(
            own,
            Profile {
                id: "ewsbr".into(),
                karma: Some(1),
                created: Some(1713136760),
                about: "¯\\_(ツ)_/¯".into(),
                submitted: 0
            }
        );
        let form = r#"<td valign="top">user:</td><td timestamp="5"><a href="user?id=me" class="hnuser">me</a></td></tr>
            <tr><td valign="top">about:</td><td><textarea name="about" rows="5">one &lt;b&gt;
two

three</textarea>&nbsp;<a href="formatdoc">help</a></td>"#;
        let p = from_user_page(form).unwrap();
        assert_eq!(p.about, "one &lt;b&gt;\ntwo<p>three");
        assert_eq!(crate::sanitize::text(&crate::sanitize::sanitize(&p.about)), "one <b>\ntwo\nthree");
    }

    #[test]
    fn a_long_about_text_is_cut() {
        let long = "é".repeat(100_000);
        let p = from_api_json_fields("x", None, None, Some(&long), 0);
        assert!(p.about.len() <= ABOUT_MAX_BYTES && p.about.len() > ABOUT_MAX_BYTES - 2);
        assert!(p.about.chars().all(|c| c == 'é'));
    }

    #[test]
    fn about_with_html() {
        let p = from_user_page(&fixture("user/ews-user-sbinnee-about-html-2026.html")).unwrap();
        assert_eq!((p.id.as_str(), p.karma, p.created), ("sbinnee", Some(218), Some(1647542919)));
        assert_eq!(p.about, "ML and AI researcher<p>Based in Seoul, Korea</p><p>https://sbinnee.github.io/</p>");
    }

    #[test]
    fn created_day_is_the_fallback() {
        let page = fixture("user/easyhn-user-pg-2026.html").replace(r#" timestamp="1160418092""#, "");
        // October 9, 2006, midnight UTC.
        assert_eq!(from_user_page(&page).unwrap().created, Some(1160352000));
        assert_eq!(created_from_day("front?day=1970-01-01"), Some(0));
        assert_eq!(created_from_day("front?day=2024-03-01"), Some(1709251200));
        assert_eq!(created_from_day("front?day=2024-13-01"), None);
    }

    #[test]
    fn non_profiles_give_none() {
        assert_eq!(from_user_page("No such user."), None);
        assert_eq!(from_user_page("<html><body>No such user.</body></html>"), None);
        assert_eq!(from_user_page("Sorry, we're not able to serve your requests this quickly."), None);
        assert_eq!(from_user_page(""), None);
        assert_eq!(from_user_page(">user:</td>"), None);
        assert_eq!(from_user_page(">user:</td><td><a>\"evil</a></td>"), None);
    }

    #[test]
    fn ages() {
        let day = 86_400;
        assert_eq!(account_age(0, 10), "today");
        assert_eq!(account_age(10, 0), "today");
        assert_eq!(account_age(0, day), "1 day");
        assert_eq!(account_age(0, 12 * day), "12 days");
        assert_eq!(account_age(0, 29 * day), "29 days");
        assert_eq!(account_age(0, 30 * day), "1 month");
        assert_eq!(account_age(0, 92 * day), "3 months");
        assert_eq!(account_age(0, 365 * day), "11 months");
        assert_eq!(account_age(0, 366 * day), "1 year");
        assert_eq!(account_age(0, 729 * day), "1 year");
        assert_eq!(account_age(0, 731 * day), "2 years");
        assert_eq!(account_age(1160418092, 1160418092 + 15 * 365 * day + 4 * day), "15 years");
        assert_eq!(account_age(1160418092, 1160418092 + 15 * 365 * day), "14 years");
        assert_eq!(account_age(i64::MIN, i64::MAX), format!("{} years", i64::MAX / day * 4 / 1461));
    }

    #[test]
    fn api_fields() {
        let json: serde_json::Value =
            serde_json::from_str(&fixture("api-firebase/official-readme-user-jl.json")).unwrap();
        let submitted = json["submitted"].as_array().map_or(0, Vec::len);
        let p = from_api_json_fields(
            json["id"].as_str().unwrap(),
            json["karma"].as_i64(),
            json["created"].as_i64(),
            json["about"].as_str(),
            submitted,
        );
        assert_eq!(
            p,
            Profile {
                id: "jl".into(),
                karma: Some(2937),
                created: Some(1173923446),
                about: "This is a test".into(),
                submitted: submitted as u32
            }
        );
        assert!(submitted > 200);
        assert_eq!(from_api_json_fields("x", None, None, None, 0).about, "");
    }

    #[test]
    fn lobsters_times_read_in_any_zone() {
        assert_eq!(iso_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(iso_seconds("2022-07-22T14:04:36.000-05:00"), Some(1658516676));
        assert_eq!(iso_seconds("2022-07-22 14:04:36 -0500"), Some(1658516676));
        assert_eq!(iso_seconds("2022-07-22T19:04:36+00:00"), Some(1658516676));
        assert_eq!(iso_seconds("2022-13-22T19:04:36Z"), None);
        assert_eq!(iso_seconds("yesterday"), None);
    }
}
