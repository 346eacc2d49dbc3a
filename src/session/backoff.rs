//! Retry delays for transient failures: exponential, capped, with full jitter (so tabs and
//! instances that failed together do not retry together), and at least the server's
//! Retry-After.

use crate::oidc::pkce::Random;

/// First delay ceiling (ms). Default 1 s.
pub const BASE_MS: u64 = 1_000;
/// Largest delay (ms) from backoff alone. Default 60 s.
pub const CAP_MS: u64 = 60_000;
/// Largest Retry-After honoured (ms): a longer one is capped, not obeyed. Default 10 min.
pub const RETRY_AFTER_CAP_MS: u64 = 600_000;

/// Delay before retry number `attempt` (1-based).
pub fn delay(attempt: u32, retry_after_secs: Option<u64>, rng: &mut dyn Random) -> u64 {
    let ceiling = BASE_MS.saturating_mul(1u64 << attempt.saturating_sub(1).min(16)).min(CAP_MS);
    // Full jitter, but never below a quarter of the ceiling: some spacing is always kept.
    // Without randomness, the longest delay: no jitter, but never sooner than planned.
    let span = ceiling - ceiling / 4;
    let jittered = ceiling / 4 + rng.below(span).unwrap_or(span);
    let server = retry_after_secs.map_or(0, |s| s.saturating_mul(1000).min(RETRY_AFTER_CAP_MS));
    jittered.max(server)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oidc::pkce::NoRandomness;

    struct Max;
    impl Random for Max {
        fn fill(&mut self, buf: &mut [u8]) -> Result<(), NoRandomness> {
            buf.fill(0xff);
            Ok(())
        }
    }

    #[test]
    fn capped_exponential_and_retry_after() {
        assert!(delay(1, None, &mut Max) <= BASE_MS);
        assert!(delay(30, None, &mut Max) <= CAP_MS);
        assert!(delay(30, None, &mut Max) >= CAP_MS / 4);
        assert_eq!(delay(1, Some(120), &mut Max), 120_000);
        assert_eq!(delay(1, Some(86_400), &mut Max), RETRY_AFTER_CAP_MS);
    }

    #[test]
    fn without_randomness_the_longest_delay() {
        use crate::oidc::pkce::Dead;
        assert_eq!(delay(1, None, &mut Dead), BASE_MS);
        assert_eq!(delay(30, None, &mut Dead), CAP_MS);
    }
}
