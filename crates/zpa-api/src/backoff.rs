//! How long to wait after consecutive failures: a doubling from a base, capped. One rule for
//! the client's retries, the sign-in and the exporter's collector runs.

use std::time::Duration;

/// `base`, `2 × base`, `4 × base` … after 1, 2, 3 … consecutive failures, never above `cap`.
pub fn doubling(base: Duration, failures: u32, cap: Duration) -> Duration {
    let exp = failures.saturating_sub(1).min(16);
    base.saturating_mul(1u32 << exp).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_up_to_the_cap() {
        let second = Duration::from_secs(1);
        let cap = Duration::from_secs(60);
        let waits: Vec<u64> = (1..=8)
            .map(|n| doubling(second, n, cap).as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert_eq!(
            doubling(second, 3, Duration::from_secs(2)),
            Duration::from_secs(2)
        );
        let max = Duration::from_secs(300);
        assert_eq!(doubling(second, 1, max), Duration::from_secs(1));
        assert_eq!(doubling(second, 4, max), Duration::from_secs(8));
        assert_eq!(doubling(second, 40, max), max);
        assert_eq!(doubling(second, 0, max), second, "no failure yet: the base");
    }
}
