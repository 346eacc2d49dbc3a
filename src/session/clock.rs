//! The server clock, estimated. Every expiry decision compares a server timestamp (`exp`)
//! with the local clock, so a laptop whose clock is off by minutes would refresh too late or
//! in a loop. The skew is estimated keycloak-js style from each token response: the token's
//! `iat` against the midpoint of the request's local start and end, then bounded and
//! smoothed, and reset when the local clock is seen to jump.

/// Largest skew believed (ms): beyond this a sample is more likely a bad `iat` than a clock
/// that far off, and is dropped. 24 hours.
pub const MAX_SKEW_MS: i64 = 24 * 3600 * 1000;
/// A sample from a request that took longer than this (ms) says too little: dropped.
pub const MAX_SAMPLE_RTT_MS: u64 = 30_000;
/// A sample further than this (ms, or the round trip if longer) from the estimate is a clock
/// step rather than noise.
pub const STEP_MS: i64 = 2_000;
/// A local-clock jump (wall clock moving differently from the monotonic clock) larger than
/// this (ms) resets the estimate.
pub const JUMP_MS: i64 = 5_000;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerClock {
    /// server time - local time, in ms. `None` until the first sample: then 0 is assumed.
    pub skew_ms: Option<i64>,
    pub samples: u32,
    last: Option<(u64, u64)>,
}

impl ServerClock {
    /// An estimate as a store kept it (the last reading is not stored: a restored clock
    /// starts its jump detection afresh).
    pub fn restored(skew_ms: Option<i64>, samples: u32) -> Self {
        Self { skew_ms, samples, last: None }
    }

    pub fn skew(&self) -> i64 {
        self.skew_ms.unwrap_or(0)
    }

    /// Estimated server time in ms for local time `now`.
    pub fn server_ms(&self, now: u64) -> i64 {
        now as i64 + self.skew()
    }

    /// Estimated server time in whole seconds (NumericDate).
    pub fn server_secs(&self, now: u64) -> i64 {
        self.server_ms(now).div_euclid(1000)
    }

    /// The local time (ms) at which the server's clock reads `server_secs`.
    pub fn local_ms(&self, server_secs: i64) -> u64 {
        (server_secs * 1000 - self.skew()).max(0) as u64
    }

    /// One observation: a token issued at `iat` (server seconds) by a request sent at local
    /// `sent` and answered at local `received` (ms).
    pub fn observe(&mut self, iat: i64, sent: u64, received: u64) {
        if received < sent || received - sent > MAX_SAMPLE_RTT_MS {
            return;
        }
        let midpoint = (sent + received) / 2;
        // iat has one-second granularity: the server's true time is in [iat, iat+1).
        let sample = iat * 1000 + 500 - midpoint as i64;
        if sample.abs() > MAX_SKEW_MS {
            return;
        }
        // A sample's error is at most half the round trip plus iat's one second; one further
        // off than that is a step of a clock (ours or the server's), taken at once, not smoothed.
        let noise = ((received - sent) as i64).max(STEP_MS);
        self.skew_ms = Some(match self.skew_ms {
            // Exponential smoothing (weight 1/2): quick to follow, halves one sample's noise.
            Some(old) if self.samples > 0 && (sample - old).abs() <= noise => old + (sample - old) / 2,
            _ => sample,
        });
        self.samples = self.samples.saturating_add(1);
    }

    /// Feed the local wall and (if known) monotonic clocks; a jump of one against the other,
    /// or the wall clock going backwards, resets the estimate. Returns whether it did.
    pub fn tick(&mut self, wall: u64, mono: Option<u64>) -> bool {
        let mut jumped = false;
        if let (Some((lw, lm)), Some(m)) = (self.last, mono) {
            let dw = wall as i64 - lw as i64;
            let dm = m as i64 - lm as i64;
            jumped = (dw - dm).abs() > JUMP_MS || dm < 0;
        }
        if jumped {
            self.skew_ms = None;
            self.samples = 0;
        }
        self.last = mono.map(|m| (wall, m));
        jumped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_from_the_midpoint_and_smooths() {
        let mut c = ServerClock::default();
        // Server 60 s ahead: iat 1060 s when local midpoint is 1000 s.
        c.observe(1060, 999_800, 1_000_200);
        assert_eq!(c.skew(), 60_500);
        c.observe(1070, 1_010_000, 1_010_000);
        // A sample within the round-trip noise of the estimate leaves it as it was.
        assert_eq!(c.skew(), 60_500);
        assert_eq!(c.server_secs(1_000_000), 1060);
        assert_eq!(c.local_ms(1060), 999_500);
    }

    #[test]
    fn a_step_is_taken_at_once() {
        let mut c = ServerClock::default();
        c.observe(1000, 1_000_000, 1_000_000);
        c.observe(1000 + 65, 1_000_000, 1_000_000); // the server's clock stepped 65 s
        assert_eq!(c.skew(), 65_500);
        c.observe(1000 + 66, 1_000_000, 1_000_000); // then noise: smoothed
        assert_eq!(c.skew(), 65_500 + 500);
    }

    #[test]
    fn bounded_and_reset_on_jump() {
        let mut c = ServerClock::default();
        c.observe(10_000_000, 0, 10); // 115 days: dropped
        assert_eq!(c.skew_ms, None);
        c.observe(1, 0, MAX_SAMPLE_RTT_MS + 1); // too slow to say anything
        assert_eq!(c.skew_ms, None);
        c.observe(100, 100_000, 100_000);
        assert!(c.skew_ms.is_some());
        assert!(!c.tick(1_000, Some(50)));
        assert!(!c.tick(2_000, Some(1_050)));
        assert!(c.tick(3_600_000, Some(2_050))); // wall jumped an hour, monotonic a second
        assert_eq!(c.skew_ms, None);
    }
}
