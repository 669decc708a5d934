//! What the exporter starts from: the configured tenants (the tenants file's, or the one the
//! flags describe) and the source of this replica's shard membership.

use std::path::Path;

use tokio::sync::watch;

use super::{FileError, KubeError, KubeSettings, Membership, TenantSpec};
use crate::config::{Config, Shard, ZpaTarget};

/// The tenants of the file at `path`; its warnings are logged.
pub fn from_file(path: &Path) -> Result<Vec<TenantSpec>, FileError> {
    let file = super::config::load(path)?;
    for warning in &file.warnings {
        tracing::warn!("{warning}");
    }
    Ok(file.tenants)
}

/// The single tenant the flags describe: named `--zpa.tenant-name`, else by its customer id.
pub fn single(config: &Config, target: ZpaTarget) -> TenantSpec {
    TenantSpec {
        name: config
            .tenancy
            .tenant_name
            .clone()
            .unwrap_or_else(|| target.customer_id.clone()),
        target,
        rate_limit: config.rate_limit,
        poll_interval: config.poll_interval,
        collector_intervals: config.collector_intervals.clone(),
    }
}

/// This replica's membership from now on: fixed without sharding or with `--shard.index`,
/// followed on the StatefulSet with `--shard.pod`.
pub async fn membership(shard: &Shard) -> Result<watch::Receiver<Membership>, KubeError> {
    match shard {
        Shard::Sole => Ok(Membership::SOLE.receiver()),
        Shard::Fixed(m) => Ok(m.receiver()),
        Shard::Kube { pod, namespace } => {
            super::follow(KubeSettings::in_cluster(pod, namespace)?).await
        }
    }
}
