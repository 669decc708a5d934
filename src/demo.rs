//! `--demo`: a simulated tenant started in-process on loopback, so the exporter can be tried
//! without credentials. Only in builds with the `demo` feature (on by default).

use std::net::SocketAddr;

use zpa_api::Secret;
use zpa_simulator::{RunningSimulator, SimulatorConfig};

use crate::config::ZpaTarget;

/// The running demo tenant.
pub struct Demo(RunningSimulator);

impl Demo {
    /// Starts the simulator and returns it with the target that reads it.
    pub async fn start() -> std::io::Result<(Demo, ZpaTarget)> {
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
        Ok((Demo(sim), target))
    }

    pub fn base_url(&self) -> String {
        self.0.base_url()
    }

    pub async fn stop(self) {
        self.0.shutdown().await;
    }
}
