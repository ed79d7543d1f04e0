//! Pages in Firefox: the same build, driven over WebDriver BiDi.

use hacker_new::firefox::FirefoxHarness;

#[test]
fn firefox_smoke() {
    let h = FirefoxHarness::start().unwrap();
    let tab = h.open("/news").unwrap();
    let state = h.wait(&tab, "document.documentElement.dataset.hnewState", "the page state");
    eprintln!("state {state}");
    eprintln!("{}", h.firefox.log().join("\n"));
}
