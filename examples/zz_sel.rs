use hacker_new::{Harness, Options};
fn main() {
    let h = Harness::start(Options::default()).unwrap();
    let f = h.replica().fixtures();
    let template = f.by_rel("item/easyhn-item-48350598.html").unwrap();
    let template = String::from_utf8_lossy(&template.body).to_string();
    let html = hn_replica::synth::thread(&template, 3000, 90_000_000, 7).unwrap();
    h.replica().mount(hn_replica::HN_HOST, "/item?id=80003000", "text/html; charset=utf-8", html.into_bytes());
    let js = std::fs::read_to_string("/tmp/sel.js").unwrap();
    for _ in 0..2 {
        let page = h.open("/item?id=80003000").unwrap();
        page.expect("document.documentElement.dataset.hnewState === 'applied'", "ready");
        println!("{}", page.value(&format!("(function(){{ {js} }})()")));
        page.session.close().ok();
    }
}
