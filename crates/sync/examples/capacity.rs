//! `cargo run -p hn-sync --release --example capacity`: the largest state
//! that fits `chrome.storage.sync`, and the time to merge and encode it.

use hn_sync::QUOTA_BYTES;

fn main() {
    let c = hn_sync::capacity::measure();
    match c.encoded {
        Some((bytes, items)) => println!(
            "{} follows + {} filters + {} notes + {} share items + {} tombstones: {bytes} bytes in {items} items ({}% of {QUOTA_BYTES}); encoded in {:.2} ms",
            c.follows,
            c.filters,
            c.notes,
            c.share,
            c.follows / 5,
            bytes * 100 / QUOTA_BYTES,
            c.encode_ms
        ),
        None => println!("does not fit"),
    }
    println!("largest that fits: {} follows with the same filters, notes and share items", c.largest_follows);
    println!("merge two full states: {:.2} ms", c.merge_ms);
    println!("decode and merge another device's items: {:.2} ms", c.merge_items_ms);
}
