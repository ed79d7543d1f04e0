//! `cargo run --release --example capacity`: how much of
//! `chrome.storage.sync` a heavy reader's state takes (10,000 follows of
//! usernames from the saved pages and names drawn like them, 1,000 filters,
//! 100 notes, 200 queued posts, 1,000 tombstones), the largest follow count
//! that fits beside the rest, and the time to encode and merge it.

use hn_replica::Fixtures;
use hn_sync::capacity::{self, Capacity};
use hn_sync::QUOTA_BYTES;

fn main() {
    let fixtures = Fixtures::load(&Fixtures::default_dir()).unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(1)
    });
    let real = capacity::usernames(fixtures.hn_pages().map(|f| f.body.as_slice()));
    println!("{}", summary(&capacity::measure(&real)));
}

fn summary(c: &Capacity) -> String {
    let s = c.shape;
    let what = format!(
        "{} follows ({} real usernames) + {} filters + {} notes + {} share items + {} tombstones",
        s.follows, c.real_names, s.filters, s.notes, s.share, s.tombstones
    );
    let fit = match c.encoded {
        Some((bytes, items)) => format!(
            "{what}: {bytes} bytes in {items} items ({}% of {QUOTA_BYTES}); encoded in {:.1} ms",
            bytes * 100 / QUOTA_BYTES,
            c.encode_ms
        ),
        None => format!("{what}: does not fit"),
    };
    format!(
        "{fit}\nlargest that fits with the same rest: {} follows made 37 s apart, {} made at random times 3 h apart\nmerge two full states: {:.2} ms\ndecode and merge another device's items: {:.2} ms",
        c.largest_follows, c.largest_follows_random, c.merge_ms, c.merge_items_ms
    )
}
