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
pub const SIGN_OUT_TIMEOUT: Duration = Duration::from_secs(2);

/// The running poller thread.
pub(crate) struct Poller {
    done: oneshot::Receiver<()>,
}

/// Starts `scheduler` on its own thread; it runs until `shutdown` turns true.
pub(crate) fn spawn(
    scheduler: Scheduler,
    client: Arc<Client>,
    shutdown: watch::Receiver<bool>,
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

impl Poller {
    /// Waits for the thread to finish, at most `limit`; `false` when it did not (the process
    /// exits regardless, taking the thread with it).
    pub async fn stopped(self, limit: Duration) -> bool {
        matches!(tokio::time::timeout(limit, self.done).await, Ok(Ok(())))
    }
}
