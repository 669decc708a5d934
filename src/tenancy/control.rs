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

use super::status::Status;
use super::supervisor::{Applied, Supervisor};
use super::{Membership, Ownership};
use crate::config::{tenants_file, FileError, TenantSpec};

/// What the control plane owns: the running tenants, the configured ones and this replica's
/// shard, changed only under its lock.
struct Running {
    supervisor: Supervisor,
    configured: Vec<TenantSpec>,
    membership: Membership,
}

/// The tenants' control plane: reloads, shard changes and the stop.
pub(crate) struct Control {
    running: Mutex<Running>,
    /// Held by a reload from before it reads the file until it has applied it, so reloads run
    /// one at a time and the last one read is the last one applied.
    reloading: Mutex<()>,
    status: Arc<Status>,
    file: Option<PathBuf>,
    /// What reloads did, in order (`read`, `applied`): the test of their order reads it.
    #[cfg(test)]
    steps: std::sync::Mutex<Vec<&'static str>>,
}

impl Control {
    /// Runs the `configured` tenants this shard owns at once; `file` is what a reload reads.
    pub(crate) async fn start(
        supervisor: Supervisor,
        configured: Vec<TenantSpec>,
        membership: Membership,
        status: Arc<Status>,
        file: Option<PathBuf>,
    ) -> (Control, Applied) {
        status.loaded(true, SystemTime::now());
        let mut running = Running {
            supervisor,
            configured,
            membership,
        };
        let applied = reconcile(&mut running, &status, &BTreeSet::new()).await;
        let control = Control {
            running: Mutex::new(running),
            reloading: Mutex::new(()),
            status,
            file,
            #[cfg(test)]
            steps: Default::default(),
        };
        (control, applied)
    }

    /// Loads and validates the tenants file, then applies it: added tenants this shard owns
    /// start at once, removed ones stop (their series go), changed ones restart, the others
    /// run on untouched. A file that does not validate changes nothing but the reload status.
    /// Without a file there is nothing to reload. Reloads run one at a time, each reading,
    /// validating and applying before the next reads.
    pub(crate) async fn reload(&self) -> Result<Applied, FileError> {
        let Some(path) = self.file.clone() else {
            return Ok(Applied::default());
        };
        let _one_at_a_time = self.reloading.lock().await;
        let loaded = tokio::task::spawn_blocking(move || tenants_file::load(&path))
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        #[cfg(test)]
        self.step("read");
        let file = match loaded {
            Ok(file) => file,
            Err(e) => {
                let why = zpa_api::error::Chain(&e).to_string();
                tracing::error!(error = %why, "reload failed; the previous tenants keep running");
                self.status.reloaded(SystemTime::now(), Some(why));
                return Err(e);
            }
        };
        for warning in &file.warnings {
            tracing::warn!("{warning}");
        }
        let mut running = self.running.lock().await;
        running.configured = file.tenants;
        let applied = reconcile(&mut running, &self.status, &BTreeSet::new()).await;
        #[cfg(test)]
        self.step("applied");
        self.status.reloaded(SystemTime::now(), None);
        tracing::info!(
            started = ?applied.started,
            stopped = ?applied.stopped,
            restarted = ?applied.restarted,
            "tenants file reloaded"
        );
        Ok(applied)
    }

    #[cfg(test)]
    fn step(&self, what: &'static str) {
        self.steps.lock().unwrap().push(what);
    }

    /// This replica's shard changed: lost tenants stop, gained ones start after a rate window.
    pub(crate) async fn membership(&self, after: Membership) -> Applied {
        let mut running = self.running.lock().await;
        let before = running.membership;
        if before == after {
            return Applied::default();
        }
        let ownership = Ownership::between(
            running
                .configured
                .iter()
                .map(|t| (t.name.as_str(), t.shard)),
            Some(before),
            after,
        );
        running.membership = after;
        tracing::info!(
            ordinal = after.ordinal,
            total = after.total,
            gained = ownership.gained.len(),
            lost = ownership.lost.len(),
            "shard membership changed"
        );
        reconcile(&mut running, &self.status, &ownership.gained).await
    }

    /// Follows `source` until it ends or `stop` turns true.
    pub(crate) async fn follow(
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
    pub(crate) async fn stop_all(&self) {
        self.running.lock().await.supervisor.stop_all().await;
    }
}

/// Runs the configured tenants the membership owns; `gained` wait their rate window.
async fn reconcile(running: &mut Running, status: &Status, gained: &BTreeSet<String>) -> Applied {
    let m = running.membership;
    status.sharded(
        m.ordinal,
        m.total,
        running
            .configured
            .iter()
            .map(|t| (t.name.clone(), m.runs(&t.name, t.shard)))
            .collect(),
    );
    for t in &running.configured {
        if t.shard.is_some_and(|pinned| pinned >= m.total) {
            tracing::warn!(
                tenant = %t.name,
                shard = t.shard,
                total = m.total,
                "the tenant is pinned to a shard beyond the replica count: no replica runs it"
            );
        }
    }
    let desired: Vec<(TenantSpec, Duration)> = running
        .configured
        .iter()
        .filter(|t| m.runs(&t.name, t.shard))
        .map(|t| {
            let hold_off = if gained.contains(&t.name) {
                t.rate_limit.period
            } else {
                Duration::ZERO
            };
            (t.clone(), hold_off)
        })
        .collect();
    running.supervisor.apply(desired).await
}

#[cfg(test)]
#[path = "control_tests.rs"]
mod tests;
