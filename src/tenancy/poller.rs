//! The poller's own thread: the scheduler runs on a dedicated OS thread with a single-threaded
//! tokio runtime, so that no amount of scrape traffic on the HTTP server's runtime can delay a
//! collector run, the rate limiter's timers or the decoding of a page. The two sides share only
//! the snapshot store (an atomic swap) and counters.
//!
//! The thread also owns the end of polling: when shutdown is signalled the collectors stop at
//! once (an in-flight request is dropped), then the client signs out within
//! [`SIGN_OUT_TIMEOUT`], so a hung ZPA cannot hold up the process's stop.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{oneshot, watch};
use zpa_api::Client;

use crate::schedule::Scheduler;

/// The longest the sign-out at shutdown may take.
pub(crate) const SIGN_OUT_TIMEOUT: Duration = Duration::from_secs(2);

/// The running poller thread.
pub(crate) struct Poller {
    done: oneshot::Receiver<()>,
}

/// Starts `scheduler` on its own thread after `hold_off` (a tenant gained from another shard
/// waits for the rate window its previous owner may still be spending); it runs until
/// `shutdown` turns true.
pub(crate) fn spawn(
    scheduler: Scheduler,
    client: Arc<Client>,
    shutdown: watch::Receiver<bool>,
    hold_off: Duration,
) -> std::io::Result<Poller> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .thread_name("zpa-poller")
        .build()?;
    let (done_tx, done) = oneshot::channel();
    std::thread::Builder::new()
        .name("zpa-poller".into())
        .spawn(move || {
            runtime.block_on(async move {
                let mut shutdown = shutdown;
                if !held_off(hold_off, &mut shutdown).await {
                    return;
                }
                scheduler.run(shutdown).await;
                if tokio::time::timeout(SIGN_OUT_TIMEOUT, client.sign_out())
                    .await
                    .is_err()
                {
                    tracing::warn!(
                        "signing out of ZPA took longer than {SIGN_OUT_TIMEOUT:?}; stopping anyway"
                    );
                }
            });
            // Nothing may linger: tasks still queued are dropped with the runtime.
            runtime.shutdown_timeout(Duration::from_millis(100));
            let _ = done_tx.send(());
        })?;
    Ok(Poller { done })
}

/// Waits `delay`, or less if `shutdown` turns true first: `false` then (nothing to poll).
pub(crate) async fn held_off(delay: Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    if delay.is_zero() {
        return true;
    }
    tokio::select! {
        _ = tokio::time::sleep(delay) => true,
        _ = shutdown.wait_for(|stop| *stop) => false,
    }
}

impl Poller {
    /// Waits for the thread to finish, at most `limit`; `false` when it did not (the process
    /// exits regardless, taking the thread with it).
    pub(crate) async fn stopped(self, limit: Duration) -> bool {
        matches!(tokio::time::timeout(limit, self.done).await, Ok(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_gained_tenant_waits_its_rate_window_unless_stopped() {
        let window = Duration::from_secs(10);
        let (stop, mut shutdown) = watch::channel(false);
        let start = tokio::time::Instant::now();
        assert!(held_off(window, &mut shutdown).await);
        assert_eq!(
            start.elapsed(),
            window,
            "exactly one window on the paused clock"
        );

        let waiting = tokio::spawn(async move { held_off(window, &mut shutdown).await });
        tokio::time::sleep(Duration::from_secs(3)).await;
        stop.send(true).unwrap();
        assert!(
            !waiting.await.unwrap(),
            "a stop ends the wait: nothing is polled"
        );
        assert!(start.elapsed() < window * 2);
    }
}
