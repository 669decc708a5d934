//! The Log Streaming Service's wire facts: which log types LSS streams, the `sourceLogType` id
//! each goes by in ZPA's `lssConfig`, the name the ZPA Admin Portal shows, and the snake-case
//! name a receiver's listener (or a sender's `--type`) uses for it. Both ends of a stream, the
//! exporter's receiver and the simulator's sender, name log types through [`LogType`], so they
//! cannot drift apart.
//!
//! The eleven types are those whose default JSON templates ZPA documents
//! (`GET …/lssConfig/logType/formats`); the inspection and microsegmentation logs are left out.

use std::fmt;
use std::str::FromStr;

/// One LSS log type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogType {
    /// User Activity (`zpn_trans_log`): one record per application connection event.
    UserActivity = 0,
    /// User Status (`zpn_auth_log`): Client Connector sessions authenticating and ending.
    UserStatus = 1,
    /// App Connector Status (`zpn_ast_auth_log`): each connector's control session, periodically.
    AppConnectorStatus = 2,
    /// App Connector Metrics (`zpn_ast_comprehensive_stats`): each connector's load, periodically.
    AppConnectorMetrics = 3,
    /// Private Service Edge Status (`zpn_sys_auth_log`).
    ServiceEdgeStatus = 4,
    /// Private Service Edge Metrics (`zpn_pbroker_comprehensive_stats`).
    ServiceEdgeMetrics = 5,
    /// Browser Access (`zpn_http_trans_log`): one record per HTTP exchange.
    BrowserAccess = 6,
    /// AppProtection (`zpn_waf_http_exchanges_log`): one record per inspected HTTP exchange.
    AppProtection = 7,
    /// Audit Logs (`zpn_audit_log`): administrators' changes to the configuration.
    Audit = 8,
    /// Private Cloud Controller Status (`zpn_sitec_auth_log`).
    PrivateCloudControllerStatus = 9,
    /// Private Cloud Controller Metrics (`zpn_sitec_comprehensive_stats`).
    PrivateCloudControllerMetrics = 10,
}

impl LogType {
    /// Every type, in [`LogType::index`] order: the six the exporter has always received
    /// first, so their indexes (and anything keyed by them) stay put.
    pub const ALL: [LogType; 11] = [
        LogType::UserActivity,
        LogType::UserStatus,
        LogType::AppConnectorStatus,
        LogType::AppConnectorMetrics,
        LogType::ServiceEdgeStatus,
        LogType::ServiceEdgeMetrics,
        LogType::BrowserAccess,
        LogType::AppProtection,
        LogType::Audit,
        LogType::PrivateCloudControllerStatus,
        LogType::PrivateCloudControllerMetrics,
    ];

    /// ZPA's `sourceLogType` id, e.g. `zpn_trans_log`.
    pub const fn id(self) -> &'static str {
        match self {
            LogType::UserActivity => "zpn_trans_log",
            LogType::UserStatus => "zpn_auth_log",
            LogType::AppConnectorStatus => "zpn_ast_auth_log",
            LogType::AppConnectorMetrics => "zpn_ast_comprehensive_stats",
            LogType::ServiceEdgeStatus => "zpn_sys_auth_log",
            LogType::ServiceEdgeMetrics => "zpn_pbroker_comprehensive_stats",
            LogType::BrowserAccess => "zpn_http_trans_log",
            LogType::AppProtection => "zpn_waf_http_exchanges_log",
            LogType::Audit => "zpn_audit_log",
            LogType::PrivateCloudControllerStatus => "zpn_sitec_auth_log",
            LogType::PrivateCloudControllerMetrics => "zpn_sitec_comprehensive_stats",
        }
    }

    /// The snake-case name on command lines, e.g. `user_activity` (`--lss.listen-address
    /// TYPE=…`, `zpa-simulator lss --type TYPE`).
    pub const fn listener_name(self) -> &'static str {
        match self {
            LogType::UserActivity => "user_activity",
            LogType::UserStatus => "user_status",
            LogType::AppConnectorStatus => "app_connector_status",
            LogType::AppConnectorMetrics => "app_connector_metrics",
            LogType::ServiceEdgeStatus => "service_edge_status",
            LogType::ServiceEdgeMetrics => "service_edge_metrics",
            LogType::BrowserAccess => "browser_access",
            LogType::AppProtection => "app_protection",
            LogType::Audit => "audit",
            LogType::PrivateCloudControllerStatus => "private_cloud_controller_status",
            LogType::PrivateCloudControllerMetrics => "private_cloud_controller_metrics",
        }
    }

    /// The name the ZPA Admin Portal gives the log type, e.g. `App Connector Metrics`.
    pub const fn display_name(self) -> &'static str {
        match self {
            LogType::UserActivity => "User Activity",
            LogType::UserStatus => "User Status",
            LogType::AppConnectorStatus => "App Connector Status",
            LogType::AppConnectorMetrics => "App Connector Metrics",
            LogType::ServiceEdgeStatus => "Private Service Edge Status",
            LogType::ServiceEdgeMetrics => "Private Service Edge Metrics",
            LogType::BrowserAccess => "Browser Access",
            LogType::AppProtection => "AppProtection",
            LogType::Audit => "Audit Logs",
            LogType::PrivateCloudControllerStatus => "Private Cloud Controller Status",
            LogType::PrivateCloudControllerMetrics => "Private Cloud Controller Metrics",
        }
    }

    /// The type a listener name or a `sourceLogType` id names, exactly as spelled.
    pub fn from_name(name: &str) -> Option<LogType> {
        LogType::ALL
            .into_iter()
            .find(|t| t.listener_name() == name || t.id() == name)
    }

    /// Its place in [`LogType::ALL`], for per-type arrays.
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for LogType {
    /// The listener name, so that what is printed parses back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.listener_name())
    }
}

/// A name that is neither a log type's listener name nor its `sourceLogType` id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLogType(pub String);

impl fmt::Display for UnknownLogType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown log type {:?} (one of ", self.0)?;
        for (i, t) in LogType::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(t.listener_name())?;
        }
        f.write_str(", or their zpn_* ids)")
    }
}

impl std::error::Error for UnknownLogType {}

impl FromStr for LogType {
    type Err = UnknownLogType;

    /// [`LogType::from_name`], with an error that lists the valid names.
    fn from_str(s: &str) -> Result<LogType, UnknownLogType> {
        LogType::from_name(s).ok_or_else(|| UnknownLogType(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_name_and_id_round_trips() {
        for (i, t) in LogType::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i, "{t:?}");
            assert_eq!(LogType::from_name(t.listener_name()), Some(t));
            assert_eq!(LogType::from_name(t.id()), Some(t));
            assert_eq!(t.to_string().parse::<LogType>(), Ok(t));
            assert_eq!(t.id().parse::<LogType>(), Ok(t));
        }
    }

    #[test]
    fn names_ids_and_display_names_are_distinct_and_well_formed() {
        let distinct = |f: fn(LogType) -> &'static str| {
            LogType::ALL
                .into_iter()
                .map(f)
                .collect::<HashSet<_>>()
                .len()
        };
        assert_eq!(distinct(LogType::id), LogType::ALL.len());
        assert_eq!(distinct(LogType::listener_name), LogType::ALL.len());
        assert_eq!(distinct(LogType::display_name), LogType::ALL.len());
        for t in LogType::ALL {
            let name = t.listener_name();
            assert!(
                name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{name}"
            );
            assert!(t.id().starts_with("zpn_"), "{}", t.id());
            // No type may be named by another type's id, or the two spellings would clash.
            assert!(LogType::ALL.iter().all(|o| o.id() != name), "{name}");
        }
    }

    #[test]
    fn the_six_original_types_keep_their_places() {
        let first: Vec<&str> = LogType::ALL[..6].iter().map(|t| t.id()).collect();
        assert_eq!(
            first,
            [
                "zpn_trans_log",
                "zpn_auth_log",
                "zpn_ast_auth_log",
                "zpn_ast_comprehensive_stats",
                "zpn_sys_auth_log",
                "zpn_pbroker_comprehensive_stats"
            ]
        );
    }

    #[test]
    fn unknown_names_are_refused_with_the_valid_ones_listed() {
        for bad in [
            "",
            "User_Activity",
            "zpn_trans_log ",
            "flow",
            "zms_flow_log",
        ] {
            assert_eq!(LogType::from_name(bad), None, "{bad:?}");
            let e = bad.parse::<LogType>().unwrap_err();
            assert_eq!(e.0, bad);
            let text = e.to_string();
            for t in LogType::ALL {
                assert!(text.contains(t.listener_name()), "{text}");
            }
        }
    }
}
