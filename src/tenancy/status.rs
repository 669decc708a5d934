//! The process-wide state of tenancy, as metrics: how the last load of the tenants file went
//! (as Prometheus reports its own reloads), and this replica's shard and which configured
//! tenants it owns. Written once per scrape, without a `tenant` label of its own
//! ([`crate::metric_model::Source::Global`]).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::SystemTime;

use crate::catalog::own;
use crate::encode::GlobalFamilies;
use crate::metric_model::{unix, Writer};

#[derive(Debug, Clone)]
struct State {
    reload_ok: bool,
    reload_success: Option<SystemTime>,
    ordinal: u32,
    total: u32,
    /// Every configured tenant, and whether this shard owns it.
    owned: Vec<(String, bool)>,
    /// The last reload, if any since start.
    last_reload: Option<Reload>,
}

/// How the last reload of the tenants file went, for the status page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reload {
    pub at: SystemTime,
    /// Why it failed; `None`: it was applied.
    pub error: Option<String>,
}

/// Tenancy's process-wide state, shared by the supervisor (writer) and scrapes (readers).
#[derive(Debug)]
pub(crate) struct Status {
    state: Mutex<State>,
    version: AtomicU64,
}

impl Default for Status {
    fn default() -> Self {
        Status {
            state: Mutex::new(State {
                reload_ok: true,
                reload_success: None,
                ordinal: 0,
                total: 1,
                owned: Vec::new(),
                last_reload: None,
            }),
            version: AtomicU64::new(0),
        }
    }
}

impl Status {
    fn change(&self, f: impl FnOnce(&mut State)) {
        f(&mut self.state.lock().unwrap_or_else(|e| e.into_inner()));
        self.version.fetch_add(1, Ordering::Relaxed);
    }

    /// A load of the configuration finished, at `at`, with `ok`.
    pub(crate) fn loaded(&self, ok: bool, at: SystemTime) {
        self.change(|s| {
            s.reload_ok = ok;
            if ok {
                s.reload_success = Some(at);
            }
        });
    }

    /// A reload finished at `at`: applied, or refused for `error` (the old tenants run on).
    pub(crate) fn reloaded(&self, at: SystemTime, error: Option<String>) {
        let ok = error.is_none();
        self.loaded(ok, at);
        self.change(|s| s.last_reload = Some(Reload { at, error }));
    }

    /// The last reload since start, if any.
    pub(crate) fn last_reload(&self) -> Option<Reload> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .last_reload
            .clone()
    }

    /// This replica is shard `ordinal` of `total`, owning the tenants marked in `owned` among
    /// all configured ones.
    pub(crate) fn sharded(&self, ordinal: u32, total: u32, owned: Vec<(String, bool)>) {
        self.change(|s| {
            s.ordinal = ordinal;
            s.total = total;
            s.owned = owned;
        });
    }
}

impl GlobalFamilies for Status {
    fn version(&self) -> u64 {
        self.version.load(Ordering::Relaxed)
    }

    fn write(&self, w: &mut Writer) -> fmt::Result {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner()).clone();
        w.single(&own::CONFIG_LAST_RELOAD_SUCCESSFUL, s.reload_ok)?;
        if let Some(at) = s.reload_success {
            w.single(&own::CONFIG_LAST_RELOAD_SUCCESS, unix(at))?;
        }
        w.single(&own::SHARD_ORDINAL, u64::from(s.ordinal))?;
        w.single(&own::TOTAL_SHARDS, u64::from(s.total))?;
        w.family(
            &own::TENANT_OWNED,
            s.owned
                .iter()
                .map(|(name, owned)| ([name.as_str()], *owned)),
        )
    }
}
