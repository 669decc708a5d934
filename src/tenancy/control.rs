//! What decides which tenants run: the configured tenants (the flags' one, or the tenants
//! file's, replaced by a reload) filtered by this replica's shard ([`Membership`]). A reload
//! and a shard change both end in one [`Supervisor::apply`]; a tenant gained from another
//! shard waits one rate window of its own before its first request, since its previous owner
//! may still be spending that tenant's budget.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{watch, Mutex};

use super::runtime::{Applied, Supervisor};
use super::status::Status;
use super::{FileError, Membership, Ownership, TenantSpec};

struct Inner {
    supervisor: Supervisor,
    configured: Vec<TenantSpec>,
    membership: Membership,
}

/// The tenants' control plane: reloads, shard changes and the stop.
pub struct Control {
    inner: Mutex<Inner>,
    status: Arc<Status>,
    file: Option<PathBuf>,
}

impl Control {
    /// Runs the `configured` tenants this shard owns at once; `file` is what a reload reads.
    pub async fn start(
        supervisor: Supervisor,
        configured: Vec<TenantSpec>,
        membership: Membership,
        status: Arc<Status>,
        file: Option<PathBuf>,
    ) -> (Control, Applied) {
        status.loaded(true, SystemTime::now());
        let mut inner = Inner {
            supervisor,
            configured,
            membership,
        };
        let applied = reconcile(&mut inner, &status, &BTreeSet::new()).await;
        let control = Control {
            inner: Mutex::new(inner),
            status,
            file,
        };
        (control, applied)
    }

    /// Loads and validates the tenants file, then applies it: added tenants this shard owns
    /// start at once, removed ones stop (their series go), changed ones restart, the others
    /// run on untouched. A file that does not validate changes nothing but the reload status.
    /// Without a file there is nothing to reload.
    pub async fn reload(&self) -> Result<Applied, FileError> {
        let Some(path) = self.file.clone() else {
            return Ok(Applied::default());
        };
        let loaded = tokio::task::spawn_blocking(move || super::config::load(&path))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        let file = match loaded {
            Ok(file) => file,
            Err(e) => {
                self.status.loaded(false, SystemTime::now());
                tracing::error!(error = %zpa_api::error::Chain(&e), "reload failed; the previous tenants keep running");
                return Err(e);
            }
        };
        for warning in &file.warnings {
            tracing::warn!("{warning}");
        }
        let mut inner = self.inner.lock().await;
        inner.configured = file.tenants;
        let applied = reconcile(&mut inner, &self.status, &BTreeSet::new()).await;
        self.status.loaded(true, SystemTime::now());
        tracing::info!(
            started = ?applied.started,
            stopped = ?applied.stopped,
            restarted = ?applied.restarted,
            "tenants file reloaded"
        );
        Ok(applied)
    }

    /// This replica's shard changed: lost tenants stop, gained ones start after a rate window.
    pub async fn membership(&self, after: Membership) -> Applied {
        let mut inner = self.inner.lock().await;
        let before = inner.membership;
        if before == after {
            return Applied::default();
        }
        let ownership = Ownership::between(
            inner.configured.iter().map(|t| t.name.as_str()),
            Some(before),
            after,
        );
        inner.membership = after;
        tracing::info!(
            ordinal = after.ordinal,
            total = after.total,
            gained = ownership.gained.len(),
            lost = ownership.lost.len(),
            "shard membership changed"
        );
        reconcile(&mut inner, &self.status, &ownership.gained).await
    }

    /// Follows `source` until it ends or `stop` turns true.
    pub async fn follow(
        &self,
        mut source: watch::Receiver<Membership>,
        mut stop: watch::Receiver<bool>,
    ) {
        let stopped = async move {
            let _ = stop.wait_for(|s| *s).await;
        };
        tokio::pin!(stopped);
        loop {
            tokio::select! {
                changed = source.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    let m = *source.borrow_and_update();
                    self.membership(m).await;
                }
                _ = &mut stopped => return,
            }
        }
    }

    /// Stops every tenant.
    pub async fn stop_all(&self) {
        self.inner.lock().await.supervisor.stop_all().await;
    }
}

/// Runs the configured tenants the membership owns; `gained` wait their rate window.
async fn reconcile(inner: &mut Inner, status: &Status, gained: &BTreeSet<String>) -> Applied {
    let m = inner.membership;
    status.sharded(
        m.ordinal,
        m.total,
        inner
            .configured
            .iter()
            .map(|t| (t.name.clone(), m.owns(&t.name)))
            .collect(),
    );
    let desired: Vec<(TenantSpec, Duration)> = inner
        .configured
        .iter()
        .filter(|t| m.owns(&t.name))
        .map(|t| {
            let hold_off = if gained.contains(&t.name) {
                t.rate_limit.period
            } else {
                Duration::ZERO
            };
            (t.clone(), hold_off)
        })
        .collect();
    inner.supervisor.apply(desired).await
}

#[cfg(test)]
#[path = "control_tests.rs"]
mod tests;
