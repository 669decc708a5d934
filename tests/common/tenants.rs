//! Tenants files pointing at a simulator's tenants, for the multi-tenant tests.

use std::path::{Path, PathBuf};
use std::time::Duration;

use zpa_exporter::Config;
use zpa_simulator::RunningTenants;

/// One tenant of a tenants file: its name, the simulator tenant it reads, and the secret to
/// sign in with (`None`: the right one).
pub struct FileTenant<'a> {
    pub name: &'a str,
    pub sim_tenant: usize,
    pub secret: Option<&'a str>,
}

/// Writes `tenants.yml` (and the secret files it names) into `dir`, every collector every
/// `interval`.
pub fn write_tenants_file(
    dir: &Path,
    sim: &RunningTenants,
    tenants: &[FileTenant],
    interval: Duration,
) -> PathBuf {
    let mut yaml = format!(
        "defaults:\n  poll_interval: {}s\n  rate_limit: 20/10s\ntenants:\n",
        interval.as_secs()
    );
    for t in tenants {
        let cfg = sim.tenants()[t.sim_tenant].config();
        let secret_file = format!("{}.secret", t.name);
        std::fs::write(
            dir.join(&secret_file),
            t.secret.unwrap_or(cfg.client_secret.as_str()),
        )
        .unwrap();
        yaml.push_str(&format!(
            "  - name: {}\n    customer_id: \"{}\"\n    base_url: {}\n    auth:\n      legacy:\n        client_id: {}\n        client_secret_file: {secret_file}\n",
            t.name,
            cfg.customer_id,
            sim.base_url(),
            cfg.client_id,
        ));
    }
    let path = dir.join("tenants.yml");
    std::fs::write(&path, yaml).unwrap();
    path
}

/// An exporter reading the tenants of `file` (only `collectors`), on a loopback port.
pub fn tenants_config(file: &Path, collectors: &[&'static str]) -> Config {
    let mut config = Config::for_tenants_file(file).expect("a valid tenants file");
    config.listen_addresses = vec![super::loopback()];
    config.request_timeout = Duration::from_secs(2);
    config.collectors = collectors.to_vec();
    config
}
