//! Stand-ins for HN's static files, which the saved pages reference but do
//! not contain: a stylesheet close enough to HN's look for screenshots, a
//! script with HN's comment toggle, and the small images.

pub(crate) struct Asset {
    pub content_type: &'static str,
    pub body: &'static [u8],
}

/// A transparent 1x1 GIF, HN's `s.gif` spacer.
const SPACER_GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

const LOGO_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="4 4 188 188"><path d="m4 4h188v188h-188z" fill="#f60"/><path d="m73.252 42.883 23.552 44.736 23.552-44.736h14.976l-31.616 60.416v36.608h-13.824v-36.608l-31.616-60.416z" fill="#fff"/></svg>"##;

const TRIANGLE_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" viewBox="0 0 10 10"><path d="M5 1 9 9H1z" fill="#999"/></svg>"##;

/// HN's stylesheet of about 2020, beside the saved pages (`SOURCES.md` says
/// where it comes from): its real rules, fonts, comment widths and media
/// queries, so pages lay out as on HN.
pub(crate) const STYLESHEET: &str = "assets/news-css-2020.css";

/// What today's markup needs beyond the 2020 rules: the `titleline` and
/// `subline` that replaced `storylink`, HN's word breaking in titles, the
/// vote arrow drawn from the SVG the replica serves (the GIFs are spacers
/// here), and the fold classes HN's script sets.
const RULES_2026: &str = r#"
/* Hacker New's local HN: rules today's HN adds to the 2020 stylesheet above. */
.titleline { font-size: 10pt; }
.titleline > a { font-size: 10pt; }
.title a { word-break: break-word; }
.sitebit { font-size: 8pt; }
.subline { font-family: Verdana, Geneva, sans-serif; font-size: 7pt; color: #828282; }
.subline a:link, .subline a:visited { color: #828282; }
.commtext { font-size: 9pt; }
.c00, .c00 a:link { color: #000000; }
.c5a, .c5a a:link, .c5a a:visited { color: #5a5a5a; }
.c73, .c73 a:link, .c73 a:visited { color: #737373; }
.coll .comment, .coll .votelinks, .coll .reply { display: none; }
.votearrow { background: url("triangle.svg") no-repeat; background-size: 10px; }
.toptext { color: #000000; }
"#;

/// The stylesheet the local HN serves: HN's 2020 rules (`stand_in`, when the
/// fixtures have it) with today's additions, else a short approximation.
pub(crate) fn stylesheet(stand_in: Option<&str>) -> String {
    match stand_in {
        Some(css) => format!("{css}\n{RULES_2026}"),
        None => NEWS_CSS.to_string(),
    }
}

/// Used when the saved stylesheet is missing: close enough for tests.
const NEWS_CSS: &str = r#"body{font-family:Verdana,Geneva,sans-serif;font-size:10pt;color:#828282}
td{font-family:Verdana,Geneva,sans-serif;font-size:10pt;color:#828282}
a:link{color:#000;text-decoration:none}a:visited{color:#828282;text-decoration:none}
.pagetop{font-size:10pt;color:#222}.pagetop a:visited{color:#000}
.title{font-size:10pt;color:#828282;overflow:hidden}.titleline>a{font-size:10pt}
.subtext,.subline{font-size:7pt}.subtext a:link,.subtext a:visited{color:#828282}
.comhead{font-size:8pt;color:#828282}.comhead a:link,.comhead a:visited{color:#828282}
.commtext{font-size:9pt;color:#000}.c00,.c00 a:link{color:#000}.c5a{color:#5a5a5a}.c73{color:#737373}
.votearrow{width:10px;height:10px;border:0;margin:3px 2px 6px;background:url("triangle.svg");background-size:10px;background-repeat:no-repeat}
.nosee{visibility:hidden;pointer-events:none;cursor:default}
.noshow{display:none}.coll .comment,.coll .votelinks{display:none}
.rank{color:#828282}.morelink{color:#000}.sitebit{font-size:8pt}
"#;

/// HN's comment toggle, as its own script behaves: the `[–]` link folds the
/// comment and hides the rows below it that are deeper.
const HN_JS: &str = r#"(function(){
function ind(tr){var c=tr.querySelector('td.ind');return c?parseInt(c.getAttribute('indent')||'0',10):0}
document.addEventListener('click',function(e){
 var a=e.target.closest&&e.target.closest('a.togg');if(!a)return;e.preventDefault();
 var tr=a.closest('tr.athing');if(!tr)return;var coll=!tr.classList.contains('coll');
 tr.classList.toggle('coll',coll);var d=ind(tr),n=0,r=tr.nextElementSibling;
 while(r&&r.classList.contains('comtr')&&ind(r)>d){r.classList.toggle('noshow',coll);n++;r=r.nextElementSibling}
 a.textContent=coll?'['+(n+1)+' more]':'[\u2013]';
});})();
"#;

/// An HN page with the frame of a list but no rows: what HN sometimes sends
/// when it is overloaded, without any apology.
pub(crate) const EMPTY_PAGE: &str = r##"<html lang="en" op="news"><head><link rel="stylesheet" type="text/css" href="news.css"><title>Hacker News</title></head><body><center><table id="hnmain" border="0" cellpadding="0" cellspacing="0" width="85%" bgcolor="#f6f6ef"><tr><td bgcolor="#ff6600"></td></tr><tr id="bigbox"><td><table border="0" cellpadding="0" cellspacing="0"></table></td></tr></table></center></body></html>"##;

pub(crate) fn get(path: &str) -> Option<Asset> {
    let (content_type, body): (&str, &[u8]) = match path {
        "/hn.js" => ("text/javascript", HN_JS.as_bytes()),
        "/s.gif" => ("image/gif", SPACER_GIF),
        "/y18.svg" => ("image/svg+xml", LOGO_SVG.as_bytes()),
        "/triangle.svg" => ("image/svg+xml", TRIANGLE_SVG.as_bytes()),
        // Older pages ask for bitmaps; the spacer keeps layout and avoids
        // noise in the request log.
        "/y18.gif" | "/grayarrow.gif" | "/grayarrow2x.gif" | "/favicon.ico" => ("image/gif", SPACER_GIF),
        _ => return None,
    };
    Some(Asset { content_type, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_is_hns_own_rules_with_todays_additions() {
        let dir = crate::Fixtures::default_dir();
        let stand_in = std::fs::read_to_string(dir.join(STYLESHEET)).expect("the saved stylesheet is beside the pages");
        let css = stylesheet(Some(&stand_in));
        assert!(css.starts_with(&stand_in), "HN's rules, unchanged");
        assert!(css.contains(".comment { max-width: 1215px"), "HN's comment width rule");
        assert!(css.contains(".titleline") && css.contains(".subline"), "the rules 2026 markup needs");
        assert_eq!(stylesheet(None), NEWS_CSS, "without it, the approximation");
    }
}
