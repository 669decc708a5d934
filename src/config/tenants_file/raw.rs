//! The tenants file as written: serde's model of `--config.file`, before validation
//! ([`super::config`] turns it into [`super::TenantSpec`]s). Every struct refuses unknown keys.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::de::IgnoredAny;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    #[serde(default)]
    pub(super) defaults: RawDefaults,
    #[serde(default)]
    pub(super) tenants: Vec<RawTenant>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefaults {
    pub(super) cloud: Option<String>,
    pub(super) rate_limit: Option<String>,
    pub(super) poll_interval: Option<String>,
    #[serde(default)]
    pub(super) intervals: BTreeMap<String, String>,
}

/// Ids are numbers, and YAML reads an unquoted one as such.
#[derive(Deserialize, Clone)]
#[serde(untagged)]
pub(super) enum Id {
    Number(u64),
    Text(String),
}

impl Id {
    pub(super) fn text(&self) -> String {
        match self {
            Id::Number(n) => n.to_string(),
            Id::Text(s) => s.trim().to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTenant {
    pub(super) name: String,
    pub(super) customer_id: Id,
    pub(super) cloud: Option<String>,
    pub(super) base_url: Option<String>,
    pub(super) microtenant_id: Option<Id>,
    pub(super) rate_limit: Option<String>,
    pub(super) poll_interval: Option<String>,
    #[serde(default)]
    pub(super) intervals: BTreeMap<String, String>,
    pub(super) auth: RawAuth,
    pub(super) lss: Option<RawLss>,
    pub(super) shard: Option<u32>,
}

/// The tenant's own LSS receiver.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLss {
    #[serde(default)]
    pub(super) listen_addresses: Vec<String>,
    #[serde(default)]
    pub(super) tls: bool,
    pub(super) client_ca_file: Option<PathBuf>,
}

/// Exactly one of the two; a struct rather than an enum because YAML enums need `!tags`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAuth {
    pub(super) legacy: Option<RawLegacy>,
    pub(super) oneapi: Option<RawOneApi>,
}

/// `client_secret` is a field only so that writing one is refused by name, its value unread.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLegacy {
    pub(super) client_id: String,
    pub(super) client_secret_file: Option<PathBuf>,
    pub(super) client_secret_env: Option<String>,
    pub(super) client_secret: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOneApi {
    pub(super) client_id: String,
    pub(super) client_secret_file: Option<PathBuf>,
    pub(super) client_secret_env: Option<String>,
    pub(super) private_key_file: Option<PathBuf>,
    pub(super) vanity_domain: Option<String>,
    pub(super) token_url: Option<String>,
    pub(super) client_secret: Option<IgnoredAny>,
    pub(super) private_key: Option<IgnoredAny>,
}
