//! Log Streaming Service receivers (v2 `/lssConfig`): the tenant's SIEM and metrics receivers,
//! one log type each, as a SOC and a monitoring team set them up — several types, TLS and
//! plain, one switched off. No recording exists; the shape is the help page's example
//! (zpa-api.md, HELP managing-log-streaming-service-configurations-using-api): `config` holds
//! the receiver (`lssPort` a string), `connectorGroups` embeds the App Connector groups whole,
//! `policyRule` is its SIEM selection rule (`policyType` `"3"`, action `LOG`). The `format`
//! templates are abbreviated (lss-formats.md has the full defaults): nothing here parses them.

use super::*;

/// (name, sourceLogType, host, port, TLS, enabled, how many connector groups carry it)
type Receiver = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    usize,
);

const RECEIVERS: [Receiver; 7] = [
    (
        "Splunk - User Activity",
        "zpn_trans_log",
        "splunk-hf01.corp.example.com",
        "9514",
        true,
        true,
        2,
    ),
    (
        "Splunk - User Status",
        "zpn_auth_log",
        "splunk-hf01.corp.example.com",
        "9515",
        true,
        true,
        2,
    ),
    (
        "SIEM - App Connector Status",
        "zpn_ast_auth_log",
        "10.20.30.40",
        "49003",
        false,
        true,
        1,
    ),
    (
        "Monitoring - App Connector Metrics",
        "zpn_ast_comprehensive_stats",
        "zpa-exporter.monitoring.example.com",
        "5514",
        true,
        true,
        1,
    ),
    (
        "SIEM - Private Service Edge Status",
        "zpn_sys_auth_log",
        "10.20.30.40",
        "49004",
        false,
        true,
        1,
    ),
    (
        "Old SIEM - Browser Access",
        "zpn_http_trans_log",
        "qradar-legacy.corp.example.com",
        "514",
        false,
        false,
        1,
    ),
    (
        "Splunk - Audit Log",
        "zpn_audit_log",
        "splunk-hf01.corp.example.com",
        "9516",
        true,
        true,
        1,
    ),
];

/// An abbreviated JSON template of `log_type`'s default (the first fields, the closing newline).
fn format_for(log_type: &str) -> String {
    let fields: &[&str] = match log_type {
        "zpn_trans_log" => &[
            "LogTimestamp:time",
            "Customer",
            "SessionID",
            "ConnectionID",
            "Username",
        ],
        "zpn_auth_log" => &["LogTimestamp:time", "Customer", "Username", "SessionStatus"],
        "zpn_audit_log" => &["modifiedTime:iso8601", "objectType", "objectName"],
        _ => &[
            "LogTimestamp:time",
            "Customer",
            "SessionStatus",
            "Connector",
        ],
    };
    let body: Vec<String> = fields
        .iter()
        .map(|f| {
            let key = f.split(':').next().unwrap_or(f);
            format!("\"{key}\": %j{{{f}}}")
        })
        .collect();
    format!("{{{}}}\\n", body.join(","))
}

impl Gen<'_> {
    pub(super) fn log_receivers(&mut self, connector_groups: &[Group]) {
        let policy_set = self.id();
        let groups: Vec<String> = connector_groups
            .iter()
            .filter_map(|g| self.store.get(Resource::AppConnectorGroup, &g.id))
            .map(|row| row.json.clone())
            .collect();
        for (i, (name, log_type, host, port, tls, enabled, carriers)) in
            RECEIVERS.into_iter().enumerate()
        {
            let id = self.id();
            let mut c = Obj::new();
            c.s("id", &id);
            self.stamp(&mut c);
            c.s("name", name)
                .s("description", &format!("{name} ({log_type})"))
                .b("enabled", enabled)
                .s("sourceLogType", log_type)
                .s("lssHost", host)
                .s("lssPort", port)
                .b("useTls", tls)
                .s("format", &format_for(log_type));
            if log_type == "zpn_ast_auth_log" {
                c.strs(
                    "filter",
                    &["ZPN_STATUS_AUTH_FAILED", "ZPN_STATUS_DISCONNECTED"],
                );
            }
            let config = c.done();
            let rule_id = self.id();
            let mut r = Obj::new();
            r.s("id", &rule_id);
            self.stamp(&mut r);
            r.s("name", &format!("LSS selection rule for {name}"))
                .ns("ruleOrder", i + 1)
                .ns("priority", i + 1)
                .ns("policyType", 3)
                .s("operator", "AND")
                .s("actionId", &id)
                .s("action", "LOG")
                .s("policySetId", &policy_set)
                .b("defaultRule", false)
                .b("lssDefaultRule", false);
            let rule = r.done();

            let mut o = Obj::new();
            o.s("id", &id).raw("config", &config);
            if !groups.is_empty() {
                // Receivers rotate over the groups, each carried by its first `carriers`.
                let carried: Vec<&String> = (0..carriers.min(groups.len()))
                    .map(|k| &groups[(i + k) % groups.len()])
                    .collect();
                o.raw("connectorGroups", &json_array(&carried));
            }
            o.raw("policyRule", &rule);
            let json = o.done();
            self.push(Resource::LssConfig, id, 0, None, json);
        }
    }
}
