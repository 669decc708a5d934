//! One running tenant, as a unit: its own ZPA client (token, rate limiter, retries), its
//! scheduler on its own poller thread, its snapshot store and its encoder. Nothing is shared
//! between two tenants but the HTTP side's read of their encodings, so one tenant's bad key,
//! outage or hang cannot slow another.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use zpa_api::stats::ApiStats;

use tracing::Instrument;

use super::error::TenantStartError;
use super::names::SnapshotNames;
use super::{client, poller};
use crate::collectors;
use crate::config::{Config, TenantSpec};
use crate::encode::Exposition;
use crate::lss::{Receiver, ReceiverFamilies, TenantLss};
use crate::schedule::{Scheduled, Scheduler, Upstream};
use crate::snapshot::{Snapshot, SnapshotStore};

/// Where the data comes from, fixed at start: what the page's connection section says.
#[derive(Debug, Clone)]
pub(crate) struct Connection {
    /// `--demo`: the built-in simulator, no credentials.
    pub demo: bool,
    /// How the client signs in, in words, as the client says it.
    pub auth_method: String,
    /// The API root the client calls (the simulator's in demo mode).
    pub base_url: String,
    /// The tenant.
    pub customer_id: String,
    /// The microtenant every call is scoped to, if any.
    pub microtenant_id: Option<String>,
}
/// What the HTTP side reads of one running tenant.
pub(crate) struct TenantView {
    /// The `tenant` label.
    pub name: Arc<str>,
    /// Its snapshots.
    pub store: Arc<SnapshotStore>,
    /// Its encodings.
    pub exposition: Arc<Exposition>,
    /// Where its data comes from, for the status page.
    pub connection: Arc<Connection>,
    /// Its LSS receiver's families and addresses, when it has one.
    pub lss: Option<ReceiverFamilies>,
}

/// One running tenant: what the HTTP side reads, and how to stop it.
pub(super) struct Tenant {
    pub(super) view: Arc<TenantView>,
    pub(super) spec: TenantSpec,
    shutdown: watch::Sender<bool>,
    poller: poller::Poller,
    receiver: Option<Receiver>,
}

impl Tenant {
    /// Starts `spec`'s LSS receiver (its listeners first: a taken address starts nothing),
    /// client and scheduler with the process's settings in `config`; polling begins after
    /// `hold_off`.
    pub(super) async fn start(
        config: &Config,
        spec: TenantSpec,
        hold_off: Duration,
        demo: bool,
    ) -> Result<Tenant, TenantStartError> {
        let store = Arc::new(SnapshotStore::new(Snapshot::default()));
        let receiver = match &spec.lss {
            Some(lss) if !lss.listeners.is_empty() => {
                let span = tracing::info_span!("tenant", tenant = %spec.name);
                Some(start_receiver(config, lss, &store).instrument(span).await?)
            }
            _ => None,
        };
        let target = &spec.target;
        let stats = Arc::new(ApiStats::new());
        let client = Arc::new(client::client(config, &spec, stats.clone())?);
        let scheduled: Vec<Scheduled> = collectors::ALL
            .iter()
            .filter(|s| config.collectors.contains(&s.name))
            .map(|s| Scheduled {
                collector: (s.build)(&config.collector_options),
                class: s.class,
                requested: spec.requested_interval(s),
                estimated_calls: s.estimated_calls,
            })
            .collect();
        let upstream = Upstream {
            api: client.clone(),
            budget: client.limiter().clone(),
            customer_id: target.customer_id.clone(),
            microtenant_id: target.microtenant_id.clone(),
        };
        let scheduler = Scheduler::new(upstream, scheduled, store.clone());
        let name: Arc<str> = spec.name.as_str().into();
        tracing::info!(tenant = %name, "schedule: {}", scheduler.describe_plan());
        let lss = receiver.as_ref().map(Receiver::families);
        let view = Arc::new(TenantView {
            exposition: Arc::new(
                Exposition::new(store.clone(), stats, name.clone()).with_lss(lss.clone()),
            ),
            lss,
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
        let poller = poller::spawn(scheduler, client, shutdown_rx, hold_off)
            .map_err(TenantStartError::Poller)?;
        Ok(Tenant {
            view,
            spec,
            shutdown,
            poller,
            receiver,
        })
    }

    /// Stops polling and signs out, within [`poller::SIGN_OUT_TIMEOUT`] and a second.
    pub(super) async fn stop(self) {
        let _ = self.shutdown.send(true);
        if let Some(receiver) = self.receiver {
            receiver.shut_down().await;
        }
        if !self
            .poller
            .stopped(poller::SIGN_OUT_TIMEOUT + Duration::from_secs(1))
            .await
        {
            tracing::warn!(tenant = %self.view.name, "the tenant's poller did not stop in time");
        }
    }
}

/// The tenant's receiver: the process's caps with its listeners, names from its own snapshots,
/// and with `client_ca_file` only its own App Connectors' certificates accepted.
async fn start_receiver(
    config: &Config,
    lss: &TenantLss,
    store: &Arc<SnapshotStore>,
) -> Result<Receiver, TenantStartError> {
    let web_config = match (&lss.client_ca_file, &config.web_config) {
        (Some(ca), Some(web)) => web.requiring_clients_of(ca).map(Arc::new),
        _ => config.web_config.clone(),
    };
    if lss.tls && !web_config.as_ref().is_some_and(|w| w.tls_enabled()) {
        return Err(TenantStartError::LssWithoutCertificate);
    }
    let store = store.clone();
    let names = SnapshotNames::new(move || Some(store.load()));
    Receiver::start(lss.options(&config.lss), Arc::new(names), web_config)
        .await
        .map_err(TenantStartError::Lss)
}
