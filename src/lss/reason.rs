//! InternalReason (User Activity) → outcome class: the 186 codes of the session status code
//! documentation, the statusCodes API and Google SecOps' parser (their union), as data in one
//! sorted table. The set is open: a code not here is kept as sent and classed `unknown`.

/// What a connection's InternalReason says about it (`result` label of
/// `zpa_lss_user_connections_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// A normal open, active update or close.
    Success,
    /// The documentation's *Error* group: the user did not reach the application.
    Error,
    /// The *Policy Block* group: access or timeout policy denied it.
    PolicyBlock,
    /// The *Info* group other than the successes: client slept, idle timeout, drain.
    Info,
    /// A code not in the table (the set grows over time).
    Unknown,
}

impl Class {
    /// The `result` label value.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Success => "success",
            Error => "error",
            PolicyBlock => "policy_block",
            Info => "info",
            Class::Unknown => "unknown",
        }
    }
}

/// The class of `code` as sent with a record whose ConnectionStatus is `status`. An empty code
/// on an open or active record is a success (the templates send `""` there); an empty code on
/// a close says nothing, so it is `unknown`.
pub(crate) fn classify(code: &str, status: &str) -> Class {
    if code.is_empty() {
        return if matches!(status, "open" | "active") {
            Success
        } else {
            Class::Unknown
        };
    }
    TABLE
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .map_or(Class::Unknown, |i| TABLE[i].1)
}

use Class::{Error, Info, PolicyBlock, Success};

/// Sorted by code (binary search). Codes in the documentation take its group; the six only the
/// statusCodes API names take its `status` (Error → error, Info → info).
static TABLE: &[(&str, Class)] = &[
    ("APP_NOT_AVAILABLE", Error),
    ("APP_NOT_REACHABLE", Error),
    ("AST_MT_SETUP_ERR_APP_NOT_FOUND", Error),
    ("AST_MT_SETUP_ERR_AST_CFG_DISABLE", Error),
    ("AST_MT_SETUP_ERR_AST_CFG_DISABLED", Error),
    ("AST_MT_SETUP_ERR_AST_IN_PAUSE_STATE_FOR_UPGRADE", Error),
    ("AST_MT_SETUP_ERR_BIND_ACK", Error),
    ("AST_MT_SETUP_ERR_BIND_GLOBAL_OWNER", Error),
    ("AST_MT_SETUP_ERR_BIND_TO_AST_LOCAL_OWNER", Error),
    ("AST_MT_SETUP_ERR_BRK_HASH_TBL_FULL", Error),
    ("AST_MT_SETUP_ERR_BROKER_BIND_FAIL", Error),
    ("AST_MT_SETUP_ERR_CONN_PEER", Error),
    ("AST_MT_SETUP_ERR_CPU_LIMIT_REACHED", Error),
    ("AST_MT_SETUP_ERR_DUP_MT_ID", Error),
    ("AST_MT_SETUP_ERR_HASH_TBL_FULL", Error),
    ("AST_MT_SETUP_ERR_INIT_FOHH_MCONN", Error),
    ("AST_MT_SETUP_ERR_MAX_SESSIONS_REACHED", Error),
    ("AST_MT_SETUP_ERR_MEM_LIMIT_REACHED", Error),
    ("AST_MT_SETUP_ERR_NO_DNS_TO_SERVER", Error),
    ("AST_MT_SETUP_ERR_NO_EPHEMERAL_PORT", Error),
    ("AST_MT_SETUP_ERR_NO_PROCESS_FD", Error),
    ("AST_MT_SETUP_ERR_NO_SYSTEM_FD", Error),
    ("AST_MT_SETUP_ERR_OPEN_BROKER_CONN", Error),
    ("AST_MT_SETUP_ERR_OPEN_SERVER_CLOSE", Error),
    ("AST_MT_SETUP_ERR_OPEN_SERVER_CONN", Error),
    ("AST_MT_SETUP_ERR_OPEN_SERVER_ERROR", Error),
    ("AST_MT_SETUP_ERR_OPEN_SERVER_TIMEOUT", Error),
    ("AST_MT_SETUP_ERR_PRA_UNAVAILABLE", Error),
    ("AST_MT_SETUP_ERR_RATE_LIMIT_REACHED", Error),
    ("AST_MT_SETUP_TIMEOUT", Error),
    ("AST_MT_SETUP_TIMEOUT_CANNOT_CONN_TO_BROKER", Error),
    ("AST_MT_SETUP_TIMEOUT_CANNOT_CONN_TO_SERVER", Error),
    ("AST_MT_SETUP_TIMEOUT_NO_ACK_TO_BIND", Error),
    ("AST_MT_TERMINATED", Success),
    ("BRK_CONN_UPGRADE_REQUEST_FAILED", Error),
    ("BRK_CONN_UPGRADE_REQUEST_FORBIDDEN", Error),
    ("BRK_MT_AUTH_ALREADY_FAILED", Error),
    ("BRK_MT_AUTH_NO_SAML_ASSERTION_IN_MSG", Error),
    ("BRK_MT_AUTH_SAML_CANNOT_ADD_ATTR_TO_HASH", Error),
    ("BRK_MT_AUTH_SAML_CANNOT_ADD_ATTR_TO_HEAP", Error),
    ("BRK_MT_AUTH_SAML_DECODE_FAIL", Error),
    ("BRK_MT_AUTH_SAML_FAILURE", Error),
    ("BRK_MT_AUTH_SAML_FINGER_PRINT_FAIL", Error),
    ("BRK_MT_AUTH_SAML_NO_USER_ID", Error),
    ("BRK_MT_AUTH_TWO_SAML_ASSERTION_IN_MSG", Error),
    ("BRK_MT_BROKER_REQUEST_FAIL_SEND_TO_ZVPN", Error),
    ("BRK_MT_BROKER_REQUEST_ZVPN_NOT_FOUND", Error),
    ("BRK_MT_CLOSED_FROM_ASSISTANT", Info),
    ("BRK_MT_CLOSED_FROM_CLIENT", Info),
    ("BRK_MT_CLOSED_ZIA_CONN_GONE_CLOSED", Error),
    ("BRK_MT_REJECT_EXTRANET_CLIENT_NOT_ENABLED", Error),
    ("BRK_MT_REJECT_EXTRANET_NOT_ENABLED", Error),
    ("BRK_MT_REJECT_HARD_DISABLED_EXTRANET", Error),
    ("BRK_MT_REJECT_MAX_WTAG_EXCEEDED", Error),
    ("BRK_MT_RESET_FROM_SERVER", Info),
    ("BRK_MT_SETUP_FAIL_ACCESS_DENIED", Error),
    ("BRK_MT_SETUP_FAIL_APP_NOT_FOUND", Error),
    ("BRK_MT_SETUP_FAIL_BIND_RECV_IN_BAD_STATE", Error),
    ("BRK_MT_SETUP_FAIL_BIND_TO_AST_LOCAL_OWNER", Error),
    ("BRK_MT_SETUP_FAIL_BIND_TO_CLIENT_LOCAL_OWNER", Error),
    ("BRK_MT_SETUP_FAIL_CANNOT_PROMOTE", Error),
    ("BRK_MT_SETUP_FAIL_CANNOT_SEND_MT_COMPLETE", Error),
    ("BRK_MT_SETUP_FAIL_CANNOT_SEND_TO_DISPATCHER", Error),
    ("BRK_MT_SETUP_FAIL_CONNECTOR_GROUPS_MISSING", Error),
    ("BRK_MT_SETUP_FAIL_CTRL_BRK_CANNOT_FIND_CONNECTOR", Error),
    ("BRK_MT_SETUP_FAIL_DUPLICATE_TAG_ID", Error),
    ("BRK_MT_SETUP_FAIL_ICMP_RATE_LIMIT_EXCEEDED", Error),
    ("BRK_MT_SETUP_FAIL_ICMP_RATE_LIMIT_NUM_APP_EXCEEDED", Error),
    ("BRK_MT_SETUP_FAIL_NO_POLICY_FOUND", PolicyBlock),
    ("BRK_MT_SETUP_FAIL_RATE_LIMIT_EXCEEDED", Error),
    ("BRK_MT_SETUP_FAIL_RATE_LIMIT_LOOP_DETECTED", Error),
    ("BRK_MT_SETUP_FAIL_RATE_LIMIT_NUM_APP_EXCEEDED", Error),
    ("BRK_MT_SETUP_FAIL_REAUTH_EXPIRED_WITH_AL", Error),
    ("BRK_MT_SETUP_FAIL_REAUTH_WITH_AL", Error),
    ("BRK_MT_SETUP_FAIL_REJECTED_BY_POLICY", PolicyBlock),
    ("BRK_MT_SETUP_FAIL_REJECTED_BY_POLICY_APPROVAL", Error),
    ("BRK_MT_SETUP_FAIL_REPEATED_DISPATCH", Error),
    ("BRK_MT_SETUP_FAIL_SAML_EXPIRED", PolicyBlock),
    ("BRK_MT_SETUP_FAIL_SCIM_INACTIVE", Error),
    ("BRK_MT_SETUP_FAIL_TOO_MANY_FAILED_ATTEMPTS", Error),
    ("BRK_MT_SETUP_FAIL_WEBPROBE_HTTPS_DISABLED", Error),
    ("BRK_MT_SETUP_TIMEOUT", Error),
    ("BRK_MT_TERMINATED", Success),
    ("BRK_MT_TERMINATED_APPROVAL_TIMEOUT", Error),
    ("BRK_MT_TERMINATED_BRK_SWITCHED", Error),
    ("BRK_MT_TERMINATED_IDLE_TIMEOUT", Info),
    ("BRK_MT_ZVPN_ERROR", Error),
    ("BROKER_NOT_ENABLED", Error),
    ("C2C_CLIENT_CONN_EXPIRED", Error),
    ("C2C_CLIENT_NOT_FOUND", Error),
    ("C2C_MTUNNEL_BAD_STATE", Error),
    ("C2C_MTUNNEL_FAILED_FORWARD", Error),
    ("C2C_MTUNNEL_NOT_FOUND", Error),
    ("C2C_NOT_AVAILABLE", Error),
    ("CLT_CONN_FAILED", Error),
    ("CLT_DOUBLEENCRYPT_NOT_SUPPORTED", Error),
    ("CLT_DUPLICATE_TAG", Error),
    ("CLT_INVALID_CLIENT", Error),
    ("CLT_INVALID_DOMAIN", Error),
    ("CLT_INVALID_TAG", Error),
    ("CLT_PORT_UNREACHABLE", Error),
    ("CLT_PROBE_FAILED", Error),
    ("CLT_PROTOCOL_NOT_SUPPORTED", Error),
    ("CLT_READ_FAILED", Error),
    ("CLT_WRONG_PORT", Error),
    ("CUSTOMER_NOT_ENABLED", Error),
    ("DSP_MT_SETUP_FAIL_CANNOT_SEND_TO_BROKER", Error),
    ("DSP_MT_SETUP_FAIL_DISCOVERY_TIMEOUT", Error),
    ("DSP_MT_SETUP_FAIL_MISSING_HEALTH", Error),
    ("EAS_MT_PARTNER_TO_PARTNER_NOT_SUPPORTED", Error),
    ("EXPTR_FCONN_GONE", Error),
    ("EXPTR_MT_TLS_SETUP_FAIL_CERT_CHAIN_ISSUE", Error),
    ("EXPTR_MT_TLS_SETUP_FAIL_NOT_TRUSTED_CA", Error),
    ("EXPTR_MT_TLS_SETUP_FAIL_PEER", Error),
    ("EXPTR_MT_TLS_SETUP_FAIL_VERSION_MISMATCH", Error),
    ("FOHH_CLOSE_REASON_AST_DATA_CONN_FLOW_CONTROL", Info),
    ("FOHH_CLOSE_REASON_AST_PBRK_CTRL_CONN_CFG_CHG", Info),
    ("FOHH_CLOSE_REASON_AST_PBRK_DATA_DOWN", Info),
    ("FOHH_CLOSE_REASON_AST_PBRK_VERIFY_FAILED", Info),
    ("FOHH_CLOSE_REASON_BRK_DATA_CONN_FLOW_CONTROL", Info),
    ("FOHH_CLOSE_REASON_CALLBACK_ERR", Error),
    ("FOHH_CLOSE_REASON_CERT_VERIFY", Info),
    ("FOHH_CLOSE_REASON_CONNECT_TIMEOUT", Info),
    ("FOHH_CLOSE_REASON_DATA_CONN_FLOW_CONTROL", Info),
    ("FOHH_CLOSE_REASON_HTTP_RESPONSE", Info),
    ("FOHH_CLOSE_REASON_LOG_RECONN", Info),
    ("FOHH_CLOSE_REASON_MEMORY", Error),
    ("FOHH_CLOSE_REASON_OPS", Info),
    ("FOHH_CLOSE_REASON_PROXY_DNS", Error),
    ("FOHH_CLOSE_REASON_PROXY_FAIL", Error),
    ("FOHH_CLOSE_REASON_PROXY_IDLE", Info),
    ("FOHH_CLOSE_REASON_PROXY_NOT_200", Info),
    ("FOHH_CLOSE_REASON_PROXY_PARSE", Error),
    ("FOHH_CLOSE_REASON_PROXY_TIMEOUT", Info),
    ("FOHH_CLOSE_REASON_REDIRECT", Info),
    ("FOHH_CLOSE_REASON_REGISTRATION", Error),
    ("FOHH_CLOSE_REASON_RX_TIMEOUT", Info),
    ("FOHH_CLOSE_REASON_SERIALIZE", Error),
    ("FOHH_CLOSE_REASON_SETSOCKOPT", Error),
    ("FOHH_CLOSE_REASON_SNI_MISSING", Info),
    ("FOHH_CLOSE_REASON_SNI_SLOW", Info),
    ("FOHH_CLOSE_REASON_SNI_TIMEOUT", Info),
    ("FOHH_CLOSE_REASON_SOCKET_CLOSE", Info),
    ("FOHH_CLOSE_REASON_SOCKET_ERR", Error),
    ("FOHH_CLOSE_REASON_SSL_CTX_NONE", Info),
    ("FOHH_CLOSE_REASON_TIMEOUT", Info),
    ("FOHH_CLOSE_REASON_TLV_CALLBACK", Info),
    ("FOHH_CLOSE_REASON_TLV_DESERIALIZE", Info),
    ("FOHH_CLOSE_REASON_TLV_LEN", Info),
    ("FOHH_CLOSE_REASON_TLV_NO_CALLBACK", Info),
    ("FQDN_BAD_REGEX", Error),
    ("FQDN_BAD_SCHEMA", Error),
    ("FQDN_EMPTY", Error),
    ("FQDN_NO_ENTRIES", Error),
    ("FQDN_NO_MATCH", Error),
    ("FQDN_TOO_MANY_REGEX", Error),
    ("INVALID_DOMAIN", Error),
    ("MT_CLOSED_DTLS_CONN_GONE", Info),
    ("MT_CLOSED_DTLS_CONN_GONE_AST_CLOSED", Info),
    ("MT_CLOSED_DTLS_CONN_GONE_CLIENT_CLOSED", Info),
    ("MT_CLOSED_INTERNAL_ERROR", Error),
    ("MT_CLOSED_TERMINATED", Info),
    ("MT_CLOSED_TLS_CONN_GONE", Info),
    ("MT_CLOSED_TLS_CONN_GONE_AST_CLOSED", Info),
    ("MT_CLOSED_TLS_CONN_GONE_CLIENT_CLOSED", Info),
    ("MT_CLOSED_TLS_CONN_GONE_MANUAL_DRAIN", Error),
    ("MT_CLOSED_TLS_CONN_GONE_SCIM_USER_DISABLE", Info),
    ("MT_CLOSED_TLS_CONN_GONE_UPGRADE", Info),
    ("MULTIPLE_CLIENT_REGISTRATIONS_FOR_DOMAIN", Error),
    ("NO_CONNECTOR_AVAILABLE", Error),
    ("OPEN_OR_ACTIVE_CONNECTION", Success),
    ("ZIA_MT_BLOCKED_BY_INSPECTION", Error),
    ("ZIA_MT_BLOCKED_BY_SYSTEM_ERROR", Error),
    ("ZPN_ERR_AUTH_APP_FAIL", Error),
    ("ZPN_ERR_AUTH_CUSTOMER_FAIL", Error),
    ("ZPN_ERR_AUTH_CUSTOMER_MISSING", Error),
    ("ZPN_ERR_AUTH_EXPIRED", Error),
    ("ZPN_ERR_AUTH_NOT_COMPLETE", Error),
    ("ZPN_ERR_AUTH_SAML_EXPIRED", Error),
    ("ZPN_ERR_AUTH_SERVICE_DISABLED", Error),
    ("ZPN_ERR_AUTH_TIMEOUT", Error),
    ("ZPN_ERR_CERT_EXPIRED", Error),
    ("ZPN_ERR_CUSTOMER_DISABLED", Error),
    ("ZPN_ERR_EXTRANET_NO_LOCATIONS_ASSOCIATED", Error),
    ("ZPN_ERR_EXTRANET_NO_TUNNEL_AVAILABLE", Error),
    ("ZPN_ERR_SCIM_INACTIVE", Error),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_without_repeats_and_complete() {
        assert_eq!(TABLE.len(), 186);
        assert!(
            TABLE.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, no repeats"
        );
        let count = |c: Class| TABLE.iter().filter(|(_, k)| *k == c).count();
        assert_eq!(count(Success), 3);
        assert_eq!(count(PolicyBlock), 3);
        assert_eq!(count(Info), 39);
        assert_eq!(count(Error), 141);
    }

    #[test]
    fn documented_codes_take_their_group() {
        assert_eq!(classify("BRK_MT_TERMINATED", "close"), Success);
        assert_eq!(classify("AST_MT_TERMINATED", "close"), Success);
        assert_eq!(classify("OPEN_OR_ACTIVE_CONNECTION", "open"), Success);
        assert_eq!(classify("APP_NOT_REACHABLE", "close"), Error);
        assert_eq!(
            classify("BRK_MT_SETUP_FAIL_REJECTED_BY_POLICY", "close"),
            PolicyBlock
        );
        assert_eq!(
            classify("BRK_MT_SETUP_FAIL_SAML_EXPIRED", "close"),
            PolicyBlock
        );
        assert_eq!(classify("BRK_MT_TERMINATED_IDLE_TIMEOUT", "close"), Info);
        assert_eq!(classify("BRK_MT_CLOSED_FROM_CLIENT", "close"), Info);
        // Only in the statusCodes API.
        assert_eq!(classify("MT_CLOSED_DTLS_CONN_GONE", "close"), Info);
        assert_eq!(classify("BRK_MT_SETUP_FAIL_ACCESS_DENIED", "close"), Error);
    }

    #[test]
    fn empty_and_unknown_codes() {
        assert_eq!(classify("", "open"), Success);
        assert_eq!(classify("", "active"), Success);
        assert_eq!(classify("", "close"), Class::Unknown);
        assert_eq!(classify("BRK_MT_SOMETHING_NEW", "close"), Class::Unknown);
        // Codes are case-sensitive as sent.
        assert_eq!(classify("app_not_reachable", "close"), Class::Unknown);
    }
}
