//! A small allocator for the content script's modules, in place of the
//! standard one (dlmalloc, about 7 KB of code in each module, which every
//! page compiles).
//!
//! Blocks come in power-of-two sizes from 8 bytes up; a freed block goes on
//! its size's list and is handed out again for the next request of that
//! size. New blocks are cut from the end of the heap, which grows a few
//! pages at a time. A page's content script makes many short-lived strings
//! and a few long-lived indexes, so rounding up (at most twice the bytes
//! asked for) and never merging free blocks cost little memory, and every
//! call is a few instructions.
//!
//! The bookkeeping ([`Classes`]) works on addresses only, so it is tested
//! natively over an ordinary buffer; [`Heap`] binds it to wasm's memory.

/// Size classes: 8 bytes (2^3) up to 2^31.
const MIN_SHIFT: u32 = 3;
const CLASSES: usize = 29;

/// The free lists and the untouched end of the heap, as addresses.
pub struct Classes {
    /// The first free block of each size, 0 when none; each free block
    /// holds the address of the next one in its first word.
    free: [usize; CLASSES],
    /// The untouched part of the heap: `top..end`.
    top: usize,
    end: usize,
}

impl Classes {
    pub const fn new() -> Self {
        Classes { free: [0; CLASSES], top: 0, end: 0 }
    }

    /// The class of a request, or `None` when it is larger than any.
    fn class(size: usize, align: usize) -> Option<usize> {
        let need = size.max(align).max(1 << MIN_SHIFT);
        let shift = usize::BITS - (need - 1).leading_zeros();
        let index = (shift - MIN_SHIFT) as usize;
        (index < CLASSES).then_some(index)
    }

    /// A block for `size` bytes aligned to `align`, or 0. `grow(bytes)`
    /// adds at least `bytes` to the heap and returns the new region's
    /// start and end, or `None`.
    ///
    /// # Safety
    /// Every address on a free list must be writable memory of its class
    /// that no one else uses (what [`Classes::release`] is given).
    pub unsafe fn take(
        &mut self,
        size: usize,
        align: usize,
        grow: impl FnOnce(usize) -> Option<(usize, usize)>,
    ) -> usize {
        let Some(class) = Self::class(size, align) else { return 0 };
        let head = self.free[class];
        if head != 0 && head.is_multiple_of(align) {
            // SAFETY: a free block's first word is the next free block.
            self.free[class] = unsafe { (head as *const usize).read() };
            return head;
        }
        let bytes = 1usize << (class as u32 + MIN_SHIFT);
        let align = align.max(core::mem::size_of::<usize>());
        let mut start = self.top.next_multiple_of(align);
        if self.top == 0 || start.checked_add(bytes).is_none_or(|e| e > self.end) {
            let Some((from, to)) = grow(bytes + align) else { return 0 };
            if from != self.end {
                // Not contiguous with the old end: the old rest is left unused.
                self.top = from;
            }
            self.end = to;
            start = self.top.next_multiple_of(align);
        }
        self.top = start + bytes;
        start
    }

    /// Gives back a block `take` returned for the same size and alignment.
    ///
    /// # Safety
    /// `ptr` came from `take(size, align)` and is not used afterwards.
    pub unsafe fn release(&mut self, ptr: usize, size: usize, align: usize) {
        if let Some(class) = Self::class(size, align) {
            // SAFETY: the block is ours again and at least a word long.
            unsafe { (ptr as *mut usize).write(self.free[class]) };
            self.free[class] = ptr;
        }
    }

    /// Whether a block taken for `old` bytes also holds `new` bytes.
    pub fn fits(old: usize, new: usize, align: usize) -> bool {
        Self::class(old, align) == Self::class(new, align)
    }
}

impl Default for Classes {
    fn default() -> Self {
        Self::new()
    }
}

/// The global allocator over wasm's linear memory.
#[cfg(target_arch = "wasm32")]
pub struct Heap(core::cell::UnsafeCell<Classes>);

// SAFETY: the content script's wasm runs on one thread.
#[cfg(target_arch = "wasm32")]
unsafe impl Sync for Heap {}

#[cfg(target_arch = "wasm32")]
impl Heap {
    pub const fn new() -> Self {
        Heap(core::cell::UnsafeCell::new(Classes::new()))
    }
}

#[cfg(target_arch = "wasm32")]
impl Default for Heap {
    fn default() -> Self {
        Heap::new()
    }
}

#[cfg(target_arch = "wasm32")]
unsafe impl core::alloc::GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        const PAGE: usize = 65536;
        let grow = |bytes: usize| {
            // At least 4 pages at a time: a page's first index needs a few.
            let pages = bytes.div_ceil(PAGE).max(4);
            let old = core::arch::wasm32::memory_grow(0, pages);
            (old != usize::MAX).then(|| (old * PAGE, (old + pages) * PAGE))
        };
        // SAFETY: one thread; the lists hold only blocks released to us.
        unsafe { (*self.0.get()).take(layout.size(), layout.align(), grow) as *mut u8 }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: core::alloc::Layout) {
        // SAFETY: the caller gives back a block we handed out for `layout`.
        unsafe { (*self.0.get()).release(ptr as usize, layout.size(), layout.align()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: core::alloc::Layout, new_size: usize) -> *mut u8 {
        if Classes::fits(layout.size(), new_size, layout.align()) {
            return ptr;
        }
        // SAFETY: as `alloc` and `dealloc`; the old block stays valid until
        // its bytes are copied.
        unsafe {
            let new = self.alloc(core::alloc::Layout::from_size_align_unchecked(new_size, layout.align()));
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A heap over an ordinary buffer, grown 4 KB at a time.
    struct Arena {
        buf: Vec<u64>,
        used: usize,
        classes: Classes,
    }

    impl Arena {
        fn new() -> Self {
            Arena { buf: vec![0; 1 << 20], used: 0, classes: Classes::new() }
        }
        fn take(&mut self, size: usize, align: usize) -> usize {
            let base = self.buf.as_mut_ptr() as usize;
            let cap = self.buf.len() * 8;
            let used = &mut self.used;
            let grow = |bytes: usize| {
                let add = bytes.next_multiple_of(4096);
                (*used + add <= cap).then(|| {
                    let from = base + *used;
                    *used += add;
                    (from, from + add)
                })
            };
            unsafe { self.classes.take(size, align, grow) }
        }
        fn release(&mut self, ptr: usize, size: usize, align: usize) {
            unsafe { self.classes.release(ptr, size, align) }
        }
    }

    #[test]
    fn blocks_are_aligned_apart_and_reused() {
        let mut a = Arena::new();
        let mut live: Vec<(usize, usize, usize)> = Vec::new();
        let mut seed = 7u64;
        for step in 0..20_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = (seed >> 33) as usize;
            if !live.is_empty() && (r.is_multiple_of(2) || live.len() >= 200) {
                let (p, s, al) = live.swap_remove(r % live.len());
                a.release(p, s, al);
                continue;
            }
            let size = [1, 3, 8, 9, 24, 100, 1000, 5000][r % 8] + step % 5;
            let align = [1, 2, 4, 8, 16, 64][(r >> 8) % 6];
            let p = a.take(size, align);
            assert_ne!(p, 0, "the arena ran out at step {step}");
            assert_eq!(p % align, 0);
            for &(q, s, _) in &live {
                assert!(p + size <= q || q + s <= p, "overlapping blocks");
            }
            live.push((p, size, align));
        }
        // Released blocks are handed out again: some 8 MB were asked for in
        // all, with at most 200 blocks live at once.
        assert!(a.used < 2 << 20, "used {} bytes", a.used);
    }

    #[test]
    fn a_freed_block_is_the_next_of_its_size() {
        let mut a = Arena::new();
        let p = a.take(40, 8);
        let q = a.take(40, 8);
        assert_ne!(p, q);
        a.release(p, 40, 8);
        assert_eq!(a.take(60, 8), p, "40 and 60 bytes share the 64-byte class");
        assert!(Classes::fits(40, 64, 8));
        assert!(!Classes::fits(40, 65, 8));
    }

    #[test]
    fn too_large_or_out_of_memory_is_null() {
        let mut a = Arena::new();
        assert_eq!(a.take(usize::MAX / 2, 8), 0);
        assert_eq!(a.take(16 << 20, 8), 0, "larger than the arena");
        assert_ne!(a.take(16, 8), 0, "a failed request leaves the heap usable");
    }
}
