//! The tenants this exporter polls, each a unit: its own ZPA client (token, rate limiter,
//! retries), its scheduler on its own poller thread, and its snapshot store and encoder.
//! Nothing is shared between two tenants but the HTTP side's read of their encodings, so one
//! tenant's bad key, outage or hang cannot slow another.
//!
//! [`Supervisor::apply`] moves the running set to a desired one, by tenant name: a tenant no
//! longer wanted is stopped and leaves the exposition at once; a changed one is restarted; a
//! new one is started, after a hold-off when it was gained from another shard. Start-up, a
//! reload and a shard change are all one call of it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::sync::watch;
use zpa_api::stats::ApiStats;

use super::TenantSpec;
use crate::config::{AuthMethod, Config, Target};
use crate::exporter::StartError;
use crate::http::landing::Connection;
use crate::metrics::Exposition;
use crate::schedule::{Scheduled, Scheduler, Upstream};
use crate::snapshot::{Snapshot, SnapshotStore};
use crate::{collectors, connect, poller};

/// What the HTTP side reads of one running tenant.
pub struct TenantView {
    /// The `tenant` label.
    pub name: Arc<str>,
    /// Its snapshots.
    pub store: Arc<SnapshotStore>,
    /// Its encodings.
    pub exposition: Arc<Exposition>,
    /// Where its data comes from, for the landing page.
    pub connection: Arc<Connection>,
}

/// The running tenants in order, as scrapes see them: swapped whole, never locked.
#[derive(Default)]
pub struct Tenants {
    current: ArcSwap<Vec<Arc<TenantView>>>,
}

impl Tenants {
    /// The tenants running now.
    pub fn load(&self) -> Arc<Vec<Arc<TenantView>>> {
        self.current.load_full()
    }

    /// The running tenant named `name`.
    pub fn get(&self, name: &str) -> Option<Arc<TenantView>> {
        self.load().iter().find(|t| &*t.name == name).cloned()
    }
}

/// One running tenant: what the HTTP side reads, and how to stop it.
struct Tenant {
    view: Arc<TenantView>,
    spec: TenantSpec,
    shutdown: watch::Sender<bool>,
    poller: poller::Poller,
}

/// The exporter's flags for one tenant: the process's settings with the tenant's own target,
/// budget and intervals.
pub fn tenant_config(config: &Config, spec: &TenantSpec) -> Config {
    let mut c = config.clone();
    c.target = Target::Zpa(spec.target.clone());
    c.rate_limit = spec.rate_limit;
    c.poll_interval = spec.poll_interval;
    c.collector_intervals = spec.collector_intervals.clone();
    c
}

impl Tenant {
    /// Starts `spec`'s client and scheduler; polling begins after `hold_off`.
    fn start(
        config: &Config,
        spec: TenantSpec,
        hold_off: Duration,
        demo: bool,
    ) -> Result<Tenant, StartError> {
        let config = tenant_config(config, &spec);
        let target = &spec.target;
        let stats = Arc::new(ApiStats::new());
        let client = Arc::new(connect::client(&config, target, stats.clone())?);
        let scheduled: Vec<Scheduled> = collectors::ALL
            .iter()
            .filter(|s| config.collectors.contains(&s.name))
            .map(|s| Scheduled {
                collector: (s.build)(&config.collector_options),
                class: s.class,
                requested: config.requested_interval(s),
                estimated_calls: s.estimated_calls,
            })
            .collect();
        let store = Arc::new(SnapshotStore::new(Snapshot::default()));
        let upstream = Upstream {
            api: client.clone(),
            budget: client.limiter().clone(),
            customer_id: target.customer_id.clone(),
            microtenant_id: target.microtenant_id.clone(),
        };
        let scheduler = Scheduler::new(upstream, scheduled, store.clone());
        let name: Arc<str> = spec.name.as_str().into();
        tracing::info!(tenant = %name, "schedule: {}", scheduler.describe_plan());
        let view = Arc::new(TenantView {
            exposition: Arc::new(Exposition::new(store.clone(), stats, name.clone())),
            name,
            store,
            connection: Arc::new(Connection {
                demo,
                auth_method: client.auth_method().to_string(),
                base_url: target.base_url.clone(),
                customer_id: target.customer_id.clone(),
                microtenant_id: target.microtenant_id.clone(),
            }),
        });
        let (shutdown, shutdown_rx) = watch::channel(false);
        let poller =
            poller::spawn(scheduler, client, shutdown_rx, hold_off).map_err(StartError::Poller)?;
        Ok(Tenant {
            view,
            spec,
            shutdown,
            poller,
        })
    }

    /// Stops polling and signs out, within [`poller::SIGN_OUT_TIMEOUT`] and a second.
    async fn stop(self) {
        let _ = self.shutdown.send(true);
        if !self
            .poller
            .stopped(poller::SIGN_OUT_TIMEOUT + Duration::from_secs(1))
            .await
        {
            tracing::warn!(tenant = %self.view.name, "the tenant's poller did not stop in time");
        }
    }
}

/// Whether two specs poll the same way: everything, secrets included (their `Debug` hides
/// them, so they are compared on their own).
fn same(a: &TenantSpec, b: &TenantSpec) -> bool {
    let secret = |s: &TenantSpec| match &s.target.auth.method {
        AuthMethod::OneApi {
            credential: zpa_api::auth::OneApiCredential::Secret(secret),
            ..
        } => Some(secret.expose().to_string()),
        _ => None,
    };
    format!("{a:?}") == format!("{b:?}")
        && a.target.client_secret == b.target.client_secret
        && secret(a) == secret(b)
}

/// What one [`Supervisor::apply`] did, by tenant name.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Started, not running before.
    pub started: Vec<String>,
    /// Stopped, not wanted any more.
    pub stopped: Vec<String>,
    /// Stopped and started again with a changed spec.
    pub restarted: Vec<String>,
    /// Could not start (the reason is logged); retried by the next apply.
    pub failed: Vec<String>,
}

/// Owns the running tenants and publishes them to [`Tenants`].
pub struct Supervisor {
    config: Config,
    demo: bool,
    running: Vec<Tenant>,
    view: Arc<Tenants>,
}

impl Supervisor {
    /// No tenant running yet; `config` holds the process's settings.
    pub fn new(config: Config, demo: bool, view: Arc<Tenants>) -> Self {
        Supervisor {
            config,
            demo,
            running: Vec::new(),
            view,
        }
    }

    /// Runs exactly `desired` (in its order), each `(spec, hold-off)`; tenants that are
    /// running with the same spec keep running untouched.
    pub async fn apply(&mut self, desired: Vec<(TenantSpec, Duration)>) -> Applied {
        let mut applied = Applied::default();
        let mut running: HashMap<String, Tenant> = self
            .running
            .drain(..)
            .map(|t| (t.spec.name.clone(), t))
            .collect();
        let mut to_stop = Vec::new();
        let mut next = Vec::with_capacity(desired.len());
        let mut to_start = Vec::new();
        for (spec, hold_off) in desired {
            match running.remove(&spec.name) {
                Some(t) if same(&t.spec, &spec) => next.push(Some(t)),
                Some(t) => {
                    applied.restarted.push(spec.name.clone());
                    to_stop.push(t);
                    next.push(None);
                    to_start.push((next.len() - 1, spec, Duration::ZERO));
                }
                None => {
                    applied.started.push(spec.name.clone());
                    next.push(None);
                    to_start.push((next.len() - 1, spec, hold_off));
                }
            }
        }
        for (name, t) in running {
            applied.stopped.push(name);
            to_stop.push(t);
        }
        // Series of stopped tenants leave the exposition before their threads end.
        self.publish(next.iter().flatten());
        futures_util::future::join_all(to_stop.into_iter().map(Tenant::stop)).await;
        for (i, spec, hold_off) in to_start {
            let name = spec.name.clone();
            match Tenant::start(&self.config, spec, hold_off, self.demo) {
                Ok(t) => next[i] = Some(t),
                Err(e) => {
                    tracing::error!(tenant = %name, error = %zpa_api::error::Chain(&e), "cannot start the tenant");
                    applied.started.retain(|n| *n != name);
                    applied.restarted.retain(|n| *n != name);
                    applied.failed.push(name);
                }
            }
        }
        self.running = next.into_iter().flatten().collect();
        self.publish(self.running.iter());
        applied
    }

    fn publish<'a>(&self, tenants: impl Iterator<Item = &'a Tenant>) {
        self.view
            .current
            .store(Arc::new(tenants.map(|t| t.view.clone()).collect()));
    }

    /// Stops every tenant, in parallel, within [`poller::SIGN_OUT_TIMEOUT`] and a second.
    pub async fn stop_all(&mut self) {
        self.publish(std::iter::empty());
        futures_util::future::join_all(self.running.drain(..).map(Tenant::stop)).await;
    }
}
