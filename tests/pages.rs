//! Every saved Hacker News page, 2011 to 2026, through the extension: no page
//! errors anywhere, and on current markup every selector of the site module
//! finds what `counts.tsv` (counted independently) says is there.

use std::time::Duration;

use hacker_new::{Harness, Options};
use hn_core::site::hn::SELECTORS;

#[test]
fn every_saved_page_loads_without_errors_and_selectors_match() {
    let h = Harness::start(Options::default()).unwrap();
    let fixtures = h.replica.fixtures().clone();
    let expected = hacker_new::counts(&fixtures.dir);
    // A template (`{}` for a name) is checked with a name found on the
    // saved pages (pg's, on the poll page).
    let selectors: Vec<(&str, String)> =
        SELECTORS.named().into_iter().map(|(n, s)| (n, s.replace("{}", "pg"))).collect();
    let selectors_js = serde_json::to_string(&selectors).unwrap();
    let page = h.open("/news").unwrap();
    let mut checked = 0;
    let mut mismatches = Vec::new();
    let mut seen: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for fixture in fixtures.hn_pages() {
        let address = fixtures.address_of(&fixture.rel).unwrap();
        page.navigate(&address).unwrap();
        let ran = page
            .session
            .wait_until(
                "document.documentElement.dataset.hnewFeatures !== undefined || document.documentElement.dataset.hnewError",
                Duration::from_secs(15),
            )
            .is_ok();
        if !ran {
            page.fail(&format!("the extension did not finish on {} ({address})", fixture.rel));
        }
        assert_eq!(
            page.value("document.documentElement.dataset.hnewError || ''"),
            "",
            "{}: the content script failed to start",
            fixture.rel
        );
        assert_eq!(
            page.value("document.documentElement.dataset.hnewFailed || ''"),
            "",
            "{}: a feature failed",
            fixture.rel
        );
        let found = page.value(&format!(
            "Object.fromEntries({selectors_js}.map(([name, sel]) => [name, document.querySelectorAll(sel).length]))"
        ));
        if let Some(row) = expected.get(&fixture.rel) {
            // Current markup (rows with `athing`, a.hnuser): counts must match.
            let modern = row.get("hnuser").is_some_and(|v| v != "0");
            if modern {
                // counts.tsv counts a comment permalink's head as neither story
                // nor comment; for the extension it is a comment like any other.
                let permalink_head = u64::from(row["op"] == "item" && row["stories"] == "0");
                for (column, selector) in [("comments", "comment"), ("hnuser", "user_link"), ("age", "age")] {
                    let mut want: u64 = row[column].parse().unwrap_or(0);
                    if column == "comments" {
                        want += permalink_head;
                    }
                    let got = found[selector].as_u64().unwrap_or(0);
                    if want != got {
                        mismatches.push(format!(
                            "{}: {selector} found {got}, counts.tsv says {column} = {want}",
                            fixture.rel
                        ));
                    }
                }
                let stories: u64 = row["stories"].parse().unwrap_or(0);
                let got = found["story"].as_u64().unwrap_or(0);
                if stories != got {
                    mismatches.push(format!("{}: story found {got}, counts.tsv says stories = {stories}", fixture.rel));
                }
                let more = row["morelink_any"] != "0";
                if more != (found["more_link"].as_u64().unwrap_or(0) > 0) {
                    mismatches.push(format!("{}: more_link disagrees with counts.tsv", fixture.rel));
                }
            }
        }
        // Every named selector is valid here (the query above would have
        // thrown) and counted towards being found somewhere.
        for (name, _) in &selectors {
            *seen.entry(*name).or_insert(0) += found[*name].as_u64().unwrap_or(0);
        }
        checked += 1;
    }
    // Every selector HN has is found on some saved page (one that matches
    // nothing anywhere is a selector nobody checked).
    let never: Vec<&str> = selectors
        .iter()
        .filter(|(name, selector)| selector != ":not(*)" && seen.get(name).copied().unwrap_or(0) == 0)
        .map(|(name, _)| *name)
        .collect();
    assert!(never.is_empty(), "selectors matching nothing on any saved page: {never:?}");
    let errors = page.exceptions();
    assert!(errors.is_empty(), "page errors: {errors:#?}");
    assert!(checked >= 40, "only {checked} pages checked");
    assert!(mismatches.is_empty(), "selector counts differ:\n{}", mismatches.join("\n"));
}
