//! A token bucket: what the background does at most so often (profile
//! fetches, `chrome.storage.sync` writes), shared by both.

use std::cell::Cell;

/// `burst` at once, then one every `refill_ms`.
pub struct Bucket {
    burst: f64,
    refill_ms: f64,
    /// Tokens left, and when that was counted (0: never, full).
    state: Cell<(f64, f64)>,
}

impl Bucket {
    pub const fn new(burst: f64, refill_ms: f64) -> Bucket {
        Bucket { burst, refill_ms, state: Cell::new((burst, 0.0)) }
    }

    /// Takes `n` tokens, owing up to `may_owe` more than there are:
    /// `Ok(ms)` to wait before acting (0 when they were there), counted;
    /// `Err(ms)` until enough would be there, nothing counted.
    pub fn take(&self, n: f64, may_owe: f64) -> Result<f64, f64> {
        let now = js_sys::Date::now();
        let (tokens, at) = self.state.get();
        let tokens =
            if at == 0.0 { self.burst } else { (tokens + (now - at).max(0.0) / self.refill_ms).min(self.burst) };
        let after = tokens - n;
        if after < -may_owe {
            self.state.set((tokens, now));
            return Err((-after - may_owe) * self.refill_ms);
        }
        self.state.set((after, now));
        Ok((-after).max(0.0) * self.refill_ms)
    }
}
