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
