//! The settings of several tenants (issue 19), validated from [`super::cli_tenancy`]: the
//! tenants file (loaded once here so a bad one exits 2 like a bad flag), the single tenant's
//! name, the reload endpoint and how this replica finds its shard.

use std::path::PathBuf;

use super::cli_tenancy::TenancyArgs;
use super::{ConfigError, Problem};

/// Several tenants, reloads and shards.
#[derive(Debug, Clone, Default)]
pub struct Tenancy {
    /// `--zpa.tenant-name`: the `tenant` label of the single tenant (default: its customer id).
    pub tenant_name: Option<String>,
    /// `--config.file`: the tenants file; when set, [`super::Config::target`] and the
    /// per-tenant settings are unused and every tenant comes from the file.
    pub tenants_file: Option<PathBuf>,
    /// `--web.enable-lifecycle`: serve `POST /-/reload`.
    pub enable_lifecycle: bool,
    /// Which tenants of the file this replica polls.
    pub shard: Shard,
}

/// How this replica finds its shard.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Shard {
    /// No sharding: every tenant.
    #[default]
    Sole,
    /// `--shard.index` / `--shard.total`.
    Fixed(crate::tenancy::Membership),
    /// `--shard.pod` / `--shard.namespace`: a StatefulSet's pod, followed.
    Kube {
        /// The pod's name.
        pod: String,
        /// Its namespace.
        namespace: String,
    },
}

impl Tenancy {
    /// Validates the flags; the tenants file's warnings join `warnings`.
    pub fn from_cli(
        args: &TenancyArgs,
        warnings: &mut Vec<String>,
    ) -> Result<Tenancy, ConfigError> {
        if let Some(name) = &args.tenant_name {
            if !crate::tenancy::config::is_tenant_name(name) {
                return Err(ConfigError::new(
                    "--zpa.tenant-name (ZPA_TENANT_NAME)",
                    Problem::TenantName(name.clone()),
                ));
            }
        }
        let shard = match (args.shard_index, args.shard_total, &args.shard_pod) {
            (Some(index), Some(total), _) => Shard::Fixed(
                crate::tenancy::Membership::fixed(index, total).ok_or_else(|| {
                    ConfigError::new("--shard.index", Problem::ShardIndex(index, total))
                })?,
            ),
            (_, _, Some(pod)) => {
                crate::tenancy::kube::parse_pod_name(pod).map_err(|_| {
                    ConfigError::new("--shard.pod", Problem::NotAPodName(pod.clone()))
                })?;
                Shard::Kube {
                    pod: pod.clone(),
                    namespace: args.shard_namespace.clone().unwrap_or_default(),
                }
            }
            _ => Shard::Sole,
        };
        if let Some(path) = &args.config_file {
            let file = crate::tenancy::config::load(path).map_err(|e| {
                ConfigError::new(
                    "--config.file (ZPA_EXPORTER_CONFIG_FILE)",
                    Problem::TenantsFile(e),
                )
            })?;
            warnings.extend(file.warnings);
        }
        Ok(Tenancy {
            tenant_name: args.tenant_name.clone(),
            tenants_file: args.config_file.clone(),
            enable_lifecycle: args.enable_lifecycle,
            shard,
        })
    }
}
