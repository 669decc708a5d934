//! `--demo`: a simulated tenant started in-process on loopback, so the exporter can be tried
//! without credentials, with live LSS records streamed into the receiver so the access-health
//! families move too. Only in builds with the `demo` feature (on by default).

use std::net::SocketAddr;

use zpa_api::Secret;
use zpa_simulator::lss::{spawn_demo_streams, DemoStreams};
use zpa_simulator::{RunningSimulator, SimulatorConfig};

use crate::config::ZpaTarget;
use crate::lss::ListenerSpec;

/// Records per second of each demo stream (User Activity gets ten times this): enough for the
/// dashboards to move, little enough to leave the demo machine idle.
const DEMO_LSS_RATE: f64 = 5.0;

/// The running demo tenant, and its LSS streams once [`Demo::stream_lss`] started them.
pub(super) struct Demo {
    sim: RunningSimulator,
    config: SimulatorConfig,
    streams: Option<DemoStreams>,
}

/// The LSS listeners of a demo run: the configured ones, or when there are none, one per log
/// type on a loopback port the OS picks (nothing outside the machine can send to them).
pub(super) fn lss_listeners(configured: &[ListenerSpec]) -> Vec<ListenerSpec> {
    if !configured.is_empty() {
        return configured.to_vec();
    }
    crate::lss::received_types()
        .map(|log_type| ListenerSpec {
            log_type: Some(log_type),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        })
        .collect()
}

impl Demo {
    /// Starts the simulator and returns it with the target that reads it.
    pub(super) async fn start() -> std::io::Result<(Demo, ZpaTarget)> {
        let config = SimulatorConfig::default();
        let sim =
            zpa_simulator::spawn(config.clone(), SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let target = ZpaTarget {
            base_url: sim.base_url(),
            customer_id: config.customer_id.clone(),
            client_id: config.client_id.clone(),
            client_secret: Secret::new(config.client_secret.clone()),
            microtenant_id: None,
            auth: Default::default(),
        };
        let demo = Demo {
            sim,
            config,
            streams: None,
        };
        Ok((demo, target))
    }

    /// Streams the demo tenant's LSS records to each listener of a named type (`bound` pairs a
    /// listener with the address it got). Over `--lss.tls` it streams nothing: the demo's
    /// sender speaks plain TCP, and a TLS listener would count its lines as a bad handshake.
    pub(super) fn stream_lss(&mut self, bound: &[(ListenerSpec, SocketAddr)], tls: bool) {
        if tls {
            tracing::info!("--demo with --lss.tls: no demo LSS records are streamed");
            return;
        }
        let targets: Vec<_> = bound
            .iter()
            .filter_map(|(spec, addr)| {
                let name = spec.log_type?.listener_name();
                Some((name.parse().ok()?, *addr))
            })
            .collect();
        self.streams = Some(spawn_demo_streams(&self.config, &targets, DEMO_LSS_RATE));
    }

    pub(super) fn base_url(&self) -> String {
        self.sim.base_url()
    }

    pub(super) async fn stop(self) {
        drop(self.streams);
        self.sim.shutdown().await;
    }
}
