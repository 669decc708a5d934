//! User Status (`zpn_auth_log`): client sessions authenticated, failed or disconnected, per
//! microtenant and client type, and the posture profiles they hit or missed.

use std::fmt;

use super::labels::{microtenant, name, session_status, str_of};
use super::{Counting, LogTypeSpec, Tally, Telltale};
use crate::lss::fields::{lss_record, parse, List, Reject, Text};
use crate::lss::series::{Family, Interner};
use crate::lss::LogType;
use crate::metric_model::{counter, Descriptor, Source, Writer};

const TYPE: &str = "zpn_auth_log";

pub(crate) const SPEC: LogTypeSpec = LogTypeSpec {
    log_type: LogType::UserStatus,
    families: &[&SESSIONS, &POSTURES],
    telltale: Telltale {
        any: &["ClientType", "PosturesHit", "PosturesMiss", "PosturesMisses"],
        ..Telltale::NONE
    },
    detect_order: 5,
    tally: || Box::<UserStatus>::default(),
};

pub(crate) const SESSIONS: Descriptor = counter("zpa_lss_user_sessions_total", &["microtenant", "status", "client_type"], Source::Lss(TYPE), "User Status records by SessionStatus (authenticated, auth_failed, disconnected, other) and ClientType as sent.");
pub(crate) const POSTURES: Descriptor = counter(
    "zpa_lss_user_posture_checks_total",
    &["posture", "result"],
    Source::Lss(TYPE),
    "Posture profiles in User Status records: result hit (PosturesHit) or miss (PosturesMiss).",
);

lss_record! {
    /// What the metrics read of a User Status record.
    pub struct Record<'a> {
        MicroTenantID: Text<'a>,
        SessionStatus: Text<'a>,
        ClientType: Text<'a>,
        PosturesHit: List<'a>,
        PosturesMiss | "PosturesMisses": List<'a>,
    }
    ignored: [
        "LogTimestamp", "Customer", "Username", "SessionID", "Version", "ZEN", "CertificateCN",
        "PrivateIP", "PublicIP", "Latitude", "Longitude", "CountryCode",
        "TimestampAuthentication", "TimestampUnAuthentication", "TotalBytesRx", "TotalBytesTx",
        "Idp", "Hostname", "Platform", "TrustedNetworks", "TrustedNetworksNames",
        "SAMLAttributes", "ZENLatitude", "ZENLongitude", "ZENCountryCode", "FQDNRegistered",
        "FQDNRegisteredError", "City",
    ]
}

/// The User Status series.
#[derive(Debug)]
pub(crate) struct UserStatus {
    /// microtenant, status, client_type.
    sessions: Family<3, u64>,
    /// posture, result (hit|miss).
    postures: Family<2, u64>,
}

impl Default for UserStatus {
    fn default() -> Self {
        UserStatus {
            sessions: Family::new(SESSIONS.name, [true, false, true]),
            postures: Family::new(POSTURES.name, [true, false]),
        }
    }
}

impl Tally for UserStatus {
    fn count(&mut self, line: &[u8], at: &mut Counting<'_>) -> Result<(), Reject> {
        let f: Record<'_> = parse(line)?;
        let microtenant = microtenant(at.names, str_of(&f.MicroTenantID));
        let status = session_status(str_of(&f.SessionStatus));
        let client_type = name(str_of(&f.ClientType));
        let (labels, cap) = (&mut *at.labels, at.cap);
        *self
            .sessions
            .entry(labels, cap, [microtenant, status, client_type]) += 1;
        for (list, result) in [(&f.PosturesHit, "hit"), (&f.PosturesMiss, "miss")] {
            for posture in list.iter().flat_map(List::items) {
                *self.postures.entry(labels, cap, [posture, result]) += 1;
            }
        }
        Ok(())
    }

    fn write(&self, w: &mut Writer, labels: &Interner) -> fmt::Result {
        let n = |id: u32| labels.name(id);
        w.family(
            &SESSIONS,
            self.sessions.iter().map(|(k, v)| (k.map(n), *v)),
        )?;
        w.family(
            &POSTURES,
            self.postures.iter().map(|(k, v)| (k.map(n), *v)),
        )
    }

    fn dropped(&self) -> Vec<(&'static str, u64)> {
        vec![
            (self.sessions.name, self.sessions.dropped),
            (self.postures.name, self.postures.dropped),
        ]
    }
}
