//! The tenants this exporter runs ([`Tenants`], as scrapes see them) and the one component that
//! starts and stops them ([`Supervisor`]).
//!
//! [`Supervisor::apply`] moves the running set to a desired one, by tenant name: a tenant no
//! longer wanted is stopped and leaves the exposition at once; a changed one is restarted; a
//! new one is started, after a hold-off when it was gained from another shard. Start-up, a
//! reload and a shard change are all one call of it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

use super::tenant::{Tenant, TenantView};
use crate::config::{AuthMethod, Config, TenantSpec};

/// The running tenants in order, as scrapes see them: swapped whole, never locked.
#[derive(Default)]
pub(crate) struct Tenants {
    current: ArcSwap<Vec<Arc<TenantView>>>,
}

impl Tenants {
    /// The tenants running now.
    pub(crate) fn load(&self) -> Arc<Vec<Arc<TenantView>>> {
        self.current.load_full()
    }

    /// The running tenant named `name`.
    pub(crate) fn get(&self, name: &str) -> Option<Arc<TenantView>> {
        self.load().iter().find(|t| &*t.name == name).cloned()
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
    /// Of those, the ones a setting kept from starting (an LSS address taken), with why.
    pub unusable: Vec<(String, String)>,
}

/// Owns the running tenants and publishes them to [`Tenants`].
pub(crate) struct Supervisor {
    config: Config,
    demo: bool,
    running: Vec<Tenant>,
    view: Arc<Tenants>,
}

impl Supervisor {
    /// No tenant running yet; `config` holds the process's settings.
    pub(crate) fn new(config: Config, demo: bool, view: Arc<Tenants>) -> Self {
        Supervisor {
            config,
            demo,
            running: Vec::new(),
            view,
        }
    }

    /// Runs exactly `desired` (in its order), each `(spec, hold-off)`; tenants that are
    /// running with the same spec keep running untouched.
    pub(crate) async fn apply(&mut self, desired: Vec<(TenantSpec, Duration)>) -> Applied {
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
            match Tenant::start(&self.config, spec, hold_off, self.demo).await {
                Ok(t) => next[i] = Some(t),
                Err(e) => {
                    let why = zpa_api::error::Chain(&e).to_string();
                    tracing::error!(tenant = %name, error = %why, "cannot start the tenant");
                    if e.is_setting() {
                        applied.unusable.push((name.clone(), why));
                    }
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
    pub(crate) async fn stop_all(&mut self) {
        self.publish(std::iter::empty());
        futures_util::future::join_all(self.running.drain(..).map(Tenant::stop)).await;
    }
}
