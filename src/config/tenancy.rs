//! The settings of several tenants, validated from [`super::cli_tenancy`]: the tenants file
//! (loaded here, so a bad one exits 2 like a bad flag), the single tenant's name, the reload
//! endpoint and how this replica finds its shard.

use std::path::PathBuf;

use super::cli_tenancy::TenancyArgs;
use super::tenant::{is_tenant_name, TenantSpec};
use super::{tenants_file, ConfigError, Problem};

/// Reloads and shards.
#[derive(Debug, Clone, Default)]
pub struct Tenancy {
    /// `--config.file`: the tenants file, read again on every reload.
    pub tenants_file: Option<PathBuf>,
    /// `--web.enable-lifecycle`: serve `POST /-/reload`.
    pub enable_lifecycle: bool,
    /// Which tenants this replica polls.
    pub shard: Shard,
}

/// How this replica finds its shard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Shard {
    /// No sharding: every tenant.
    #[default]
    Sole,
    /// `--shard.index` / `--shard.total`: replica `index` of `total` (`index < total`).
    Fixed {
        /// This replica, 0-based.
        index: u32,
        /// How many replicas share the tenants.
        total: u32,
    },
    /// `--shard.pod` / `--shard.namespace`: a StatefulSet's pod, followed.
    Kube {
        /// The pod's name (`<statefulset>-<ordinal>`).
        pod: String,
        /// Its namespace.
        namespace: String,
    },
}

/// The StatefulSet and ordinal of a StatefulSet pod's name (`<statefulset>-<ordinal>`).
pub(crate) fn parse_pod_name(pod: &str) -> Option<(String, u32)> {
    let (sts, ordinal) = pod.rsplit_once('-')?;
    if sts.is_empty() || ordinal.is_empty() || !ordinal.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((sts.to_string(), ordinal.parse().ok()?))
}

impl Tenancy {
    /// Validates the flags, and the tenants file when one is given: its tenants are returned,
    /// its warnings join `warnings`.
    pub fn from_cli(
        args: &TenancyArgs,
        warnings: &mut Vec<String>,
    ) -> Result<(Tenancy, Option<Vec<TenantSpec>>), ConfigError> {
        if let Some(name) = &args.tenant_name {
            if !is_tenant_name(name) {
                return Err(ConfigError::new(
                    "--zpa.tenant-name (ZPA_TENANT_NAME)",
                    Problem::TenantName(name.clone()),
                ));
            }
        }
        let shard = match (args.shard_index, args.shard_total, &args.shard_pod) {
            (Some(index), Some(total), _) if index < total => Shard::Fixed { index, total },
            (Some(index), Some(total), _) => {
                return Err(ConfigError::new(
                    "--shard.index",
                    Problem::ShardIndex(index, total),
                ))
            }
            (_, _, Some(pod)) => {
                parse_pod_name(pod).ok_or_else(|| {
                    ConfigError::new("--shard.pod", Problem::NotAPodName(pod.clone()))
                })?;
                Shard::Kube {
                    pod: pod.clone(),
                    namespace: args.shard_namespace.clone().unwrap_or_default(),
                }
            }
            _ => Shard::Sole,
        };
        let tenants = match &args.config_file {
            Some(path) => {
                let file = tenants_file::load(path).map_err(|e| {
                    ConfigError::new(
                        "--config.file (ZPA_EXPORTER_CONFIG_FILE)",
                        Problem::TenantsFile(e),
                    )
                })?;
                warnings.extend(file.warnings);
                Some(file.tenants)
            }
            None => None,
        };
        let tenancy = Tenancy {
            tenants_file: args.config_file.clone(),
            enable_lifecycle: args.enable_lifecycle,
            shard,
        };
        Ok((tenancy, tenants))
    }
}
