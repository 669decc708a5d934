//! Log receivers (v2 `/lssConfig`): where the Log Streaming Service sends each log type, over
//! which App Connector groups, and whether it is on.
//!
//! No recorded response exists; the shape is the help page's example (zpa-api.md, HELP
//! managing-log-streaming-service-configurations-using-api): the receiver's own fields sit in a
//! nested `config`, its App Connector groups in `connectorGroups`, and `lssPort` is a string.

use serde::Deserialize;

use crate::api::{Area, Endpoint};
use crate::paging::{id_string, opt_bool, opt_id_string, opt_u64};

/// `GET /mgmtconfig/v2/admin/customers/{id}/lssConfig`
pub const LIST: Endpoint = Endpoint::new("lssConfig", Area::MgmtV2, "lssConfig");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogReceiver {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub config: ReceiverConfig,
    /// The groups whose connectors carry the stream; embedded whole, only id and name kept.
    #[serde(default)]
    pub connector_groups: Vec<GroupRef>,
}

/// `config`: what the receiver is.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiverConfig {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub enabled: Option<bool>,
    /// `zpn_trans_log`, `zpn_auth_log`, `zpn_ast_auth_log`, … (lss-formats.md §1).
    #[serde(default)]
    pub source_log_type: Option<String>,
    #[serde(default)]
    pub lss_host: Option<String>,
    /// A string in ZPA's answers (`"49003"`); kept as text.
    #[serde(default, deserialize_with = "opt_id_string")]
    pub lss_port: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub use_tls: Option<bool>,
    #[serde(default, deserialize_with = "opt_u64")]
    pub modified_time: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRef {
    #[serde(deserialize_with = "id_string")]
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::paging::parse_page;

    /// Shaped like the help page's example: nested config, embedded groups with connectors.
    const FIXTURE: &str = r#"{"totalPages":"1","list":[
      {"id":"217246660303025321","config":{"id":"217246660303025321","creationTime":"1628702175",
        "name":"Sample-log-receiver","enabled":true,"sourceLogType":"zpn_ast_auth_log",
        "lssHost":"10.66.62.101","lssPort":"49003","useTls":false,"format":"{}\\n"},
       "connectorGroups":[{"id":"217246660303024864","name":"Sample_connector_group",
        "enabled":true,"connectors":[{"id":"1","name":"c"}]}],
       "policyRule":{"id":"2","action":"LOG","policyType":"3"}},
      {"id":"9","config":{"name":"off","enabled":false,"lssPort":514,"useTls":"true"}}]}"#;

    #[test]
    fn receivers_with_their_groups() {
        let r = parse_page::<LogReceiver>(FIXTURE.as_bytes()).unwrap().items;
        let c = &r[0].config;
        assert_eq!(c.source_log_type.as_deref(), Some("zpn_ast_auth_log"));
        assert_eq!(c.lss_host.as_deref(), Some("10.66.62.101"));
        assert_eq!(c.lss_port.as_deref(), Some("49003"));
        assert_eq!((c.enabled, c.use_tls), (Some(true), Some(false)));
        assert_eq!(r[0].connector_groups[0].id, "217246660303024864");
        assert_eq!(
            r[0].connector_groups[0].name.as_deref(),
            Some("Sample_connector_group")
        );
        assert_eq!(r[1].config.lss_port.as_deref(), Some("514"));
        assert_eq!(
            (r[1].config.enabled, r[1].config.use_tls),
            (Some(false), Some(true))
        );
        assert!(r[1].connector_groups.is_empty());
    }
}
