//! The command-line flags of several tenants: the tenants file, the single tenant's
//! name, the reload endpoint and the shard. Flattened into [`super::cli::Cli`]; clap's argument
//! ids are global, so `requires`/`conflicts_with` name flags of either struct.

use std::path::PathBuf;

/// `--config.file`, `--zpa.tenant-name`, `--web.enable-lifecycle`, `--shard.*`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TenancyArgs {
    /// Tenants file (YAML: defaults and tenants, docs/config-file.md); replaces the --zpa.*
    /// tenant flags; reloaded on SIGHUP and POST /-/reload
    #[arg(
        long = "config.file",
        env = "ZPA_EXPORTER_CONFIG_FILE",
        conflicts_with = "demo"
    )]
    pub config_file: Option<PathBuf>,

    /// The tenant label of the one tenant the --zpa.* flags describe [default: its customer id]
    #[arg(
        long = "zpa.tenant-name",
        env = "ZPA_TENANT_NAME",
        conflicts_with = "config_file"
    )]
    pub tenant_name: Option<String>,

    /// Serve POST /-/reload (reload the tenants file), as Prometheus' flag of the same name;
    /// SIGHUP reloads either way
    #[arg(long = "web.enable-lifecycle")]
    pub enable_lifecycle: bool,

    /// This replica's shard among --shard.total (0-based): it polls only the tenants that
    /// rendezvous hashing gives it
    #[arg(
        long = "shard.index",
        requires = "shard_total",
        requires = "config_file"
    )]
    pub shard_index: Option<u32>,

    /// How many replicas share the tenants (with --shard.index)
    #[arg(long = "shard.total", requires = "shard_index", value_parser = parse_shard_total)]
    pub shard_total: Option<u32>,

    /// This pod's name in a StatefulSet of shards (the ordinal is its -<n> suffix; the replica
    /// count is followed from the StatefulSet); usually $(POD_NAME) from the downward API
    #[arg(
        long = "shard.pod",
        requires = "shard_namespace",
        requires = "config_file",
        conflicts_with = "shard_index"
    )]
    pub shard_pod: Option<String>,

    /// The namespace of --shard.pod's StatefulSet; usually $(POD_NAMESPACE)
    #[arg(long = "shard.namespace", requires = "shard_pod")]
    pub shard_namespace: Option<String>,
}

fn parse_shard_total(value: &str) -> Result<u32, String> {
    match value.trim().parse::<u32>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{value:?} is not a whole number")),
    }
}
