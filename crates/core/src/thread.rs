//! Thread operations over the flat list of comment depths a page shows.

/// The range of indices (after `index`) that are `index`'s descendants:
/// every following comment deeper than it, up to the first that is not.
pub fn descendants(depths: &[u32], index: usize) -> std::ops::Range<usize> {
    let Some(&d) = depths.get(index) else { return index..index };
    let end = depths[index + 1..].iter().position(|&x| x <= d).map_or(depths.len(), |p| index + 1 + p);
    index + 1..end
}

/// The index of the nearest ancestor at depth 0 (the root of the
/// subthread `index` is in).
pub fn root_of(depths: &[u32], index: usize) -> usize {
    (0..=index.min(depths.len().saturating_sub(1))).rev().find(|&i| depths[i] == 0).unwrap_or(0)
}

/// The index of the parent comment, if any.
pub fn parent_of(depths: &[u32], index: usize) -> Option<usize> {
    let d = *depths.get(index)?;
    (0..index).rev().find(|&i| depths[i] < d)
}

#[cfg(test)]
mod tests {
    use super::*;

    //            0  1  2  3  4  5  6
    const D: &[u32] = &[0, 1, 2, 1, 0, 1, 0];

    #[test]
    fn descendants_stop_at_the_next_sibling_or_shallower() {
        assert_eq!(descendants(D, 0), 1..4);
        assert_eq!(descendants(D, 1), 2..3);
        assert_eq!(descendants(D, 2), 3..3);
        assert_eq!(descendants(D, 4), 5..6);
        assert_eq!(descendants(D, 6), 7..7);
        assert_eq!(descendants(D, 99), 99..99);
    }

    #[test]
    fn roots_and_parents() {
        assert_eq!(root_of(D, 2), 0);
        assert_eq!(root_of(D, 5), 4);
        assert_eq!(parent_of(D, 2), Some(1));
        assert_eq!(parent_of(D, 3), Some(0));
        assert_eq!(parent_of(D, 4), None);
    }
}
