//! User Activity (`zpn_trans_log`): one record per connection event (open, active, close).
//! Counted per application, app group, connector group and microtenant by status,
//! InternalReason and its class; setup and policy times as histograms; bytes by direction.

use std::fmt;

use super::labels::{machine, microtenant, name, num, str_of};
use super::{Counting, LogTypeSpec, Tally, Telltale};
use crate::lss::fields::{lss_record, parse, Num, Reject, Text};
use crate::lss::reason;
use crate::lss::series::{Family, Histogram, Interner};
use crate::lss::LogType;
use crate::metric_model::{counter, histogram, Descriptor, Source, Writer};

const TYPE: &str = "zpn_trans_log";

pub(crate) const SPEC: LogTypeSpec = LogTypeSpec {
    log_type: LogType::UserActivity,
    families: &[&CONNECTIONS, &SERVER_SETUP, &POLICY_PROCESSING, &BYTES],
    telltale: Telltale {
        any: &["ConnectionStatus"],
        ..Telltale::NONE
    },
    detect_order: 0,
    tally: || Box::<UserActivity>::default(),
};

pub(crate) const CONNECTIONS: Descriptor = counter("zpa_lss_user_connections_total", &["microtenant", "application", "app_group", "connector_group", "status", "reason", "result"], Source::Lss(TYPE), "User Activity records: status is open, active, close or other; reason the InternalReason as sent (none when empty); result its class (success, error, policy_block, info, unknown).");
pub(crate) const SERVER_SETUP: Descriptor = histogram(
    "zpa_lss_server_setup_seconds",
    &["application", "connector_group"],
    Source::Lss(TYPE),
    "ServerSetupTime of User Activity records, when above zero.",
);
pub(crate) const POLICY_PROCESSING: Descriptor = histogram(
    "zpa_lss_policy_processing_seconds",
    &["application"],
    Source::Lss(TYPE),
    "PolicyProcessingTime of User Activity records, when above zero.",
);
pub(crate) const BYTES: Descriptor = counter("zpa_lss_user_bytes_total", &["application", "connector_group", "direction"], Source::Lss(TYPE), "Bytes through the Service Edge, summed from the per-record deltas (ZENBytes*); direction is from_client, to_client, from_connector or to_connector.");

/// `zpa_lss_server_setup_seconds` bounds.
pub(crate) const SETUP_BOUNDS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// `zpa_lss_policy_processing_seconds` bounds.
pub(crate) const POLICY_BOUNDS: [f64; 10] = [
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
];

const DIRECTIONS: [&str; 4] = ["from_client", "to_client", "from_connector", "to_connector"];

lss_record! {
    /// What the metrics read of a User Activity record.
    pub struct Record<'a> {
        ConnectionStatus: Text<'a>,
        InternalReason: Text<'a>,
        Application: Text<'a>,
        AppGroup: Text<'a>,
        AppMicroTenantID | "AppMicrotenantID": Text<'a>,
        Connector: Text<'a>,
        ServerSetupTime: Num,
        PolicyProcessingTime: Num,
        ZENBytesRxClient: Num,
        ZENBytesTxClient: Num,
        ZENBytesRxConnector: Num,
        ZENBytesTxConnector: Num,
    }
    ignored: [
        "LogTimestamp", "Customer", "SessionID", "ConnectionID", "IPProtocol",
        "DoubleEncryption", "Username", "ServicePort", "ClientPublicIP", "ClientPrivateIP",
        "ClientLatitude", "ClientLongitude", "ClientCountryCode", "ClientZEN", "Policy",
        "ConnectorZEN", "ConnectorIP", "ConnectorPort", "Host", "Server", "ServerIP",
        "ServerPort", "TimestampConnectionStart", "TimestampConnectionEnd", "TimestampCATx",
        "TimestampCARx", "TimestampAppLearnStart", "TimestampZENFirstRxClient",
        "TimestampZENFirstTxClient", "TimestampZENLastRxClient", "TimestampZENLastTxClient",
        "TimestampConnectorZENSetupComplete", "TimestampZENFirstRxConnector",
        "TimestampZENFirstTxConnector", "TimestampZENLastRxConnector",
        "TimestampZENLastTxConnector", "ZENTotalBytesRxClient", "ZENTotalBytesTxClient",
        "ZENTotalBytesRxConnector", "ZENTotalBytesTxConnector", "Idp", "ClientToClient",
        "ClientCity", "MicroTenantID", "PRAConnectionID", "PRAConsoleType", "PRAApprovalID",
        "PRACapabilityPolicyID", "PRACredentialPolicyID", "PRACredentialUserName",
        "PRACredentialLoginType", "PRAErrorStatus", "PRAFileTransferList",
        "PRARecordingStatus", "PRASharedUsersList", "PRASharedUserList", "PRASessionType",
        "PRASharedMode", "Platform", "Hostname", "AppLearnTime", "CAProcessingTime",
        "ConnectionSetupTime", "ConnectorZENSetupTime",
    ]
}

/// The User Activity series.
#[derive(Debug)]
pub(crate) struct UserActivity {
    /// microtenant, application, app_group, connector_group, status, reason, result.
    connections: Family<7, u64>,
    /// application, connector_group.
    server_setup: Family<2, Histogram<14>>,
    /// application.
    policy: Family<1, Histogram<11>>,
    /// application, connector_group → from_client, to_client, from_connector, to_connector.
    bytes: Family<2, [f64; 4]>,
}

impl Default for UserActivity {
    fn default() -> Self {
        UserActivity {
            connections: Family::new(
                CONNECTIONS.name,
                [true, true, true, true, false, true, false],
            ),
            server_setup: Family::new(SERVER_SETUP.name, [true, true]),
            policy: Family::new(POLICY_PROCESSING.name, [true]),
            bytes: Family::new(BYTES.name, [true, true]),
        }
    }
}

impl Tally for UserActivity {
    fn count(&mut self, line: &[u8], at: &mut Counting<'_>) -> Result<(), Reject> {
        let f: Record<'_> = parse(line)?;
        let status = connection_status(str_of(&f.ConnectionStatus));
        let code = str_of(&f.InternalReason).trim();
        let result = reason::classify(code, status).label();
        let reason = if code.is_empty() { "none" } else { code };
        let application = name(str_of(&f.Application));
        let app_group = name(str_of(&f.AppGroup));
        let (group, _) = machine(name(str_of(&f.Connector)), |n| at.names.connector(n));
        let microtenant = microtenant(at.names, str_of(&f.AppMicroTenantID));
        let (labels, cap) = (&mut *at.labels, at.cap);
        *self.connections.entry(
            labels,
            cap,
            [
                microtenant,
                application,
                app_group,
                group,
                status,
                reason,
                result,
            ],
        ) += 1;
        if let Some(us) = num(f.ServerSetupTime).filter(|v| *v > 0.0) {
            self.server_setup
                .entry(labels, cap, [application, group])
                .observe(&SETUP_BOUNDS, us / 1e6);
        }
        if let Some(us) = num(f.PolicyProcessingTime).filter(|v| *v > 0.0) {
            self.policy
                .entry(labels, cap, [application])
                .observe(&POLICY_BOUNDS, us / 1e6);
        }
        let deltas = [
            f.ZENBytesRxClient,
            f.ZENBytesTxClient,
            f.ZENBytesRxConnector,
            f.ZENBytesTxConnector,
        ]
        .map(|v| num(v).filter(|v| *v > 0.0).unwrap_or(0.0));
        if deltas.iter().any(|v| *v > 0.0) {
            let sums = self.bytes.entry(labels, cap, [application, group]);
            for (sum, delta) in sums.iter_mut().zip(deltas) {
                *sum += delta;
            }
        }
        Ok(())
    }

    fn write(&self, w: &mut Writer, labels: &Interner) -> fmt::Result {
        let n = |id: u32| labels.name(id);
        w.family(
            &CONNECTIONS,
            self.connections
                .iter()
                .map(|(k, v)| (k.map(n), *v)),
        )?;
        w.histogram(
            &SERVER_SETUP,
            &SETUP_BOUNDS,
            self.server_setup
                .iter()
                .map(|(k, h)| (k.map(n), h.buckets.to_vec(), h.sum, h.count)),
        )?;
        w.histogram(
            &POLICY_PROCESSING,
            &POLICY_BOUNDS,
            self.policy
                .iter()
                .map(|(k, h)| (k.map(n), h.buckets.to_vec(), h.sum, h.count)),
        )?;
        w.family(
            &BYTES,
            self.bytes.iter().flat_map(|(k, sums)| {
                DIRECTIONS
                    .iter()
                    .zip(sums)
                    .map(move |(dir, v)| ([n(k[0]), n(k[1]), dir], *v))
            }),
        )
    }

    fn dropped(&self) -> Vec<(&'static str, u64)> {
        vec![
            (self.connections.name, self.connections.dropped),
            (self.server_setup.name, self.server_setup.dropped),
            (self.policy.name, self.policy.dropped),
            (self.bytes.name, self.bytes.dropped),
        ]
    }
}

fn connection_status(raw: &str) -> &'static str {
    match raw.trim() {
        s if s.eq_ignore_ascii_case("open") => "open",
        s if s.eq_ignore_ascii_case("active") => "active",
        s if s.eq_ignore_ascii_case("close") => "close",
        _ => "other",
    }
}
