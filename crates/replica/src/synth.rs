//! Pages the saved fixtures lack, generated from their real markup: long
//! threads of any size, built by repeating a real thread's comment rows with
//! fresh ids and a deterministic reply structure.

/// Markers of a comment row in current and older markup.
const ROW_MARKERS: [&str; 2] = ["<tr class=\"athing comtr", "<tr class='athing comtr"];

/// A thread page of `comments` comments, built from `template` (a saved
/// thread page). Ids start at `first_id`; depths follow a deterministic walk
/// from `seed`. `None` if the template has no comment rows.
pub fn thread(template: &str, comments: usize, first_id: u64, seed: u64) -> Option<String> {
    let marker = ROW_MARKERS.iter().copied().find(|m| template.contains(m))?;
    let start = template.find(marker)?;
    let last = template.rfind(marker)?;
    let row_end = "</table></td></tr>";
    let end = last + template[last..].find(row_end)? + row_end.len();
    let rows: Vec<&str> = split_rows(&template[start..end], marker);
    let mut out = String::with_capacity(template.len() + comments * 1200);
    out.push_str(&template[..start]);
    let mut rng = seed | 1;
    let mut depth: u32 = 0;
    for i in 0..comments {
        let row = rows[i % rows.len()];
        let original = row_id(row)?;
        depth = if i == 0 {
            0
        } else {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (rng >> 33) as u32;
            (r % (depth + 2)).min(12)
        };
        let id = (first_id + i as u64).to_string();
        out.push_str(&set_depth(&row.replace(&original, &id), depth));
    }
    out.push_str(&template[end..]);
    Some(out)
}

fn split_rows<'a>(body: &'a str, marker: &str) -> Vec<&'a str> {
    let mut starts: Vec<usize> = body.match_indices(marker).map(|(i, _)| i).collect();
    starts.push(body.len());
    starts.windows(2).map(|w| &body[w[0]..w[1]]).collect()
}

fn row_id(row: &str) -> Option<String> {
    let at = row.find("id=")? + 4;
    let digits: String = row[at..].chars().take_while(char::is_ascii_digit).collect();
    (!digits.is_empty()).then_some(digits)
}

/// Rewrites the row's `indent` and the spacer width HN derives from it.
fn set_depth(row: &str, depth: u32) -> String {
    let Some(at) = row.find("indent=") else { return row.to_string() };
    let quote = &row[at + 7..at + 8];
    let value_start = at + 8;
    let Some(len) = row[value_start..].find(quote) else { return row.to_string() };
    let mut out = format!("{}{depth}{}", &row[..value_start], &row[value_start + len..]);
    let width = format!("width={quote}");
    if let Some(w) = out[at..].find(&width).map(|i| i + at + width.len()) {
        if let Some(wlen) = out[w..].find(quote) {
            out = format!("{}{}{}", &out[..w], depth * 40, &out[w + wlen..]);
        }
    }
    out
}

/// Lobsters' second page of stories, made from its front page: every story's
/// short id reversed (new items, same markup), and the pager pointing back
/// to page 1 and on to page 3 (which the replica does not have).
pub fn lobsters_page_two(front: &str) -> String {
    let mut ids: Vec<&str> = Vec::new();
    let marker = "data-shortid=\"";
    let mut rest = front;
    while let Some(i) = rest.find(marker) {
        rest = &rest[i + marker.len()..];
        if let Some(end) = rest.find('"') {
            ids.push(&rest[..end]);
        }
    }
    let mut out = front.to_string();
    for id in ids.into_iter().filter(|id| id.len() >= 4) {
        let new: String = id.chars().rev().collect();
        out = out.replace(id, &new);
    }
    out.replace(
        "<div class=\"morelink\"><a href=\"/page/2\">Page 2 &gt;&gt;</a></div>",
        "<div class=\"morelink\"><a href=\"/page/1\">&lt;&lt; Page 1</a> | <a href=\"/page/3\">Page 3 &gt;&gt;</a></div>",
    )
}

/// Whether a saved Lobsters page names user `name` (in a byline link).
pub fn lobsters_user_named(page: &[u8], name: &str) -> bool {
    let text = String::from_utf8_lossy(page);
    text.contains(&format!("href=\"/~{name}\"")) || text.contains(&format!("href=\"/u/{name}\""))
}

/// A user's JSON as Lobsters' `/~name.json` gives it (the fields the
/// extension reads), made up deterministically from the name; the `about`
/// holds markup the sanitizer must take apart.
pub fn lobsters_user_json(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 25 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return None;
    }
    let h = name.bytes().fold(2166136261u32, |h, b| (h ^ u32::from(b)).wrapping_mul(16777619));
    let karma = h % 5000;
    let year = 2013 + h % 10;
    let month = 1 + (h / 10) % 12;
    Some(format!(
        concat!(
            r#"{{"username":"{n}","created_at":"{y}-{m:02}-15T09:30:00.000-06:00","is_admin":false,"#,
            r#""about":"<p>Hi, I am {n}. <a href=\"https://example.com/{n}\">My site</a> <a href=\"/~pushcx\">who invited me</a>"#,
            r#"<img src=x onerror=alert(1)><script>alert(1)</script></p>","is_moderator":false,"karma":{k},"#,
            r#""avatar_url":"/avatars/{n}-100.png","invited_by_user":"pushcx"}}"#
        ),
        n = name,
        y = year,
        m = month,
        k = karma
    ))
}

/// An article on another site (`WEB_HOST`), titled after its path: a
/// heading, a paragraph to quote, a link and an image.
pub fn article(path: &str) -> String {
    let slug = path.trim_matches('/').rsplit('/').next().unwrap_or("");
    let title = if slug.is_empty() {
        "A blog".to_string()
    } else {
        let words = slug.replace(['-', '_'], " ");
        let mut c = words.chars();
        c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
    };
    format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title></head><body><article>\
         <h1>{title}</h1><p id=quote>Every byte a page compiles is paid by every reader, on every visit.</p>\
         <p>The measurements are in <a id=paper href=\"https://blog.example.org/papers/measured\">the paper</a>.</p>\
         <img id=chart src=/chart.svg alt=\"A chart\" width=200 height=100></article></body></html>"
    )
}

/// The article's image.
pub const CHART_SVG: &str = "<svg xmlns='http://www.w3.org/2000/svg' width='200' height='100'><rect width='200' height='100' fill='#ff6600'/></svg>";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fixtures;

    #[test]
    fn generates_the_asked_number_of_rows_with_fresh_ids() {
        let f = Fixtures::load(&Fixtures::default_dir()).unwrap();
        let template = String::from_utf8_lossy(&f.by_rel("item/easyhn-item-48350598.html").unwrap().body).to_string();
        let page = thread(&template, 1000, 90_000_000, 7).unwrap();
        assert_eq!(page.matches("<tr class=\"athing comtr").count(), 1000);
        assert!(page.contains("id=\"90000999\""));
        assert!(!page.contains("id=\"48351450\""), "original ids are replaced");
        // Depths never jump by more than one level.
        let depths: Vec<u32> = page
            .match_indices("indent=\"")
            .map(|(i, _)| page[i + 8..].split('"').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(depths[0], 0);
        assert!(depths.windows(2).all(|w| w[1] <= w[0] + 1));
        assert_eq!(thread(&template, 1000, 90_000_000, 7).unwrap(), page, "deterministic");
    }
}
