//! Bad input is logged at most once per [`EVERY`] per reason, with how many were not logged
//! since: a flood of garbage must not become a flood of log lines.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The least time between two log lines of one reason.
pub(super) const EVERY: Duration = Duration::from_secs(10);

/// Per reason: when it was last logged and how many were held back since.
#[derive(Debug, Default)]
pub(super) struct RateLog {
    last: Mutex<HashMap<&'static str, (Instant, u64)>>,
}

impl RateLog {
    /// Whether a line for `reason` may be logged now; `Some(held back since the last one)`.
    pub(super) fn allow(&self, reason: &'static str) -> Option<u64> {
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        match last.get_mut(reason) {
            Some((at, held)) if now.duration_since(*at) < EVERY => {
                *held += 1;
                None
            }
            Some((at, held)) => {
                let since = std::mem::take(held);
                *at = now;
                Some(since)
            }
            None => {
                last.insert(reason, (now, 0));
                Some(0)
            }
        }
    }

    /// Logs `message` about `reason` from `peer` at warn level, if [`RateLog::allow`]s.
    pub(super) fn warn(&self, reason: &'static str, listener: &str, peer: &str, message: &str) {
        if let Some(held) = self.allow(reason) {
            tracing::warn!(
                reason,
                listener,
                peer,
                suppressed = held,
                "LSS receiver: {message}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn once_per_ten_seconds_per_reason() {
        let log = RateLog::default();
        assert_eq!(log.allow("binary"), Some(0));
        assert_eq!(log.allow("binary"), None);
        assert_eq!(log.allow("not_json"), Some(0), "reasons are independent");
        tokio::time::advance(Duration::from_secs(9)).await;
        assert_eq!(log.allow("binary"), None);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(log.allow("binary"), Some(2), "with the count held back");
        assert_eq!(log.allow("binary"), None);
    }
}
