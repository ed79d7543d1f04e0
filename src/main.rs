//! `hacker-new`: the project's own commands (`cargo run -- <command>`).
//!
//! - `run` (the default): opens the built extension in Chromium on the local
//!   Hacker News; headless with screenshots when there is no display.
//!   `--live` uses the real site instead; `--headed` forces a window.
//! - `test`: installs what a fresh machine lacks, then runs every test.
//! - `package`: writes the Chrome Web Store zip of `dist/`.
//! - `bench`: the benchmarks (see README).
//! - `screenshots`: the README's pictures, into `docs/screenshots/`.

mod bench;
mod screens;
mod setup;

use std::process::ExitCode;
use std::time::Duration;

use hacker_new::{artifacts, Harness, Options, HN};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("run");
    let rest = if args.is_empty() { &args[..] } else { &args[1..] };
    let result = match command {
        "run" => run(rest),
        "test" => setup::test(rest),
        "package" => hacker_new::package::package(),
        "bench" => bench::bench(rest),
        "screenshots" => screens::screenshots(rest),
        "-h" | "--help" | "help" => {
            println!(
                "usage: cargo run -- [run [--live] [--headed] | test [cargo test args] | package | bench [--quick] | screenshots]"
            );
            Ok(())
        }
        other => Err(format!("unknown command `{other}`; try `cargo run -- help`").into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn run(args: &[String]) -> Result {
    setup::ensure_chromium()?;
    let live = args.iter().any(|a| a == "--live");
    let headed = args.iter().any(|a| a == "--headed")
        || (std::env::var_os("DISPLAY").is_some() && !args.iter().any(|a| a == "--headless"));
    let mut opts = Options { headed, ..Options::default() };
    if live {
        // Keep the replica for the harness, but do not map HN's hosts to it.
        opts.wait_for_rule = true;
        return run_live(opts);
    }
    let h = Harness::start(opts)?;
    println!("local Hacker News on https://127.0.0.1:{} (mapped as {HN})", h.replica.port());
    show(&h, headed)
}

fn run_live(opts: Options) -> Result {
    let profile =
        hacker_new::Launch { extensions: vec![hacker_new::dist()], args: vec![], profile: None, headed: opts.headed };
    let browser = hacker_new::Browser::launch(profile)?;
    let page = browser.open(&format!("{HN}/news"))?;
    if opts.headed {
        println!("Chromium is open on the live site; close it to finish.");
        wait_closed(&browser);
    } else {
        let shot = artifacts().join("run").join("live-news.png");
        std::thread::sleep(Duration::from_secs(2));
        page.screenshot(&shot)?;
        println!("screenshot: {}", shot.display());
    }
    Ok(())
}

fn show(h: &Harness, headed: bool) -> Result {
    let pages = [("front", "/news"), ("thread", "/item?id=30883015"), ("user", "/user?id=pg")];
    let dir = artifacts().join("run");
    for (name, target) in pages {
        let page = h.open(target)?;
        page.session
            .wait_until("document.documentElement.dataset.hnewFeatures !== undefined", Duration::from_secs(15))
            .map_err(|e| format!("the extension did not run on {target}: {e}"))?;
        let features = page.eval("document.documentElement.dataset.hnewFeatures")?;
        if !headed {
            let shot = dir.join(format!("{name}.png"));
            page.screenshot(&shot)?;
            println!("{target}: features [{}]; screenshot {}", features.as_str().unwrap_or(""), shot.display());
        } else {
            println!("{target}: features [{}]", features.as_str().unwrap_or(""));
        }
    }
    if headed {
        println!("Chromium is open on the local Hacker News; close it to finish.");
        wait_closed(&h.browser);
    }
    Ok(())
}

fn wait_closed(browser: &hacker_new::Browser) {
    while browser.version().is_ok() {
        std::thread::sleep(Duration::from_millis(500));
    }
}
