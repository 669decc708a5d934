//! User Activity (`zpn_trans_log`) records: application connections that open, sometimes report
//! as active, and close, with the mix a real tenant shows. Most close normally
//! (`BRK_MT_TERMINATED`), some end for an Info reason (idle timeout), some fail (by error code)
//! or are blocked by policy, each failure as a single `close` record as ZPA sends it. One
//! application is troubled (a third of its connections cannot reach the server), and
//! connections through the saturated App Connector set up slowly and sometimes run out of source
//! ports or file descriptors. Server setup times are long-tailed.

use std::collections::VecDeque;

use super::names::Names;
use super::template::{Fields, Value};
use crate::tenant::Rng;

/// How many connections may be open at once; beyond it the oldest are closed first, so the
/// generator's memory is bounded whatever the rate.
const MAX_OPEN: usize = 256;

/// What kind of end a close reason is (the receiver's `result` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Class {
    Success,
    Info,
    Error,
    PolicyBlock,
}

/// Close reasons with their class and weight (per mille) for an ordinary application. `Before`
/// marks failures that happen before a connector is chosen (`"Connector": "0"`).
const NORMAL: &[(&str, Class, u32, Stage)] = &[
    ("BRK_MT_TERMINATED", Class::Success, 720, Stage::Done),
    ("AST_MT_TERMINATED", Class::Success, 100, Stage::Done),
    (
        "BRK_MT_TERMINATED_IDLE_TIMEOUT",
        Class::Info,
        40,
        Stage::Done,
    ),
    (
        "MT_CLOSED_TLS_CONN_GONE_CLIENT_CLOSED",
        Class::Info,
        20,
        Stage::Done,
    ),
    ("APP_NOT_REACHABLE", Class::Error, 30, Stage::Before),
    (
        "AST_MT_SETUP_TIMEOUT_CANNOT_CONN_TO_SERVER",
        Class::Error,
        20,
        Stage::Connector,
    ),
    ("NO_CONNECTOR_AVAILABLE", Class::Error, 10, Stage::Before),
    ("INVALID_DOMAIN", Class::Error, 10, Stage::Connector),
    ("BRK_MT_SETUP_TIMEOUT", Class::Error, 10, Stage::Connector),
    (
        "BRK_MT_SETUP_FAIL_REJECTED_BY_POLICY",
        Class::PolicyBlock,
        30,
        Stage::Policy,
    ),
    (
        "BRK_MT_SETUP_FAIL_NO_POLICY_FOUND",
        Class::PolicyBlock,
        5,
        Stage::Before,
    ),
    (
        "BRK_MT_SETUP_FAIL_SAML_EXPIRED",
        Class::PolicyBlock,
        5,
        Stage::Before,
    ),
];

/// The troubled application: its servers are often unreachable.
const TROUBLED: &[(&str, Class, u32, Stage)] = &[
    ("BRK_MT_TERMINATED", Class::Success, 600, Stage::Done),
    ("APP_NOT_REACHABLE", Class::Error, 250, Stage::Before),
    (
        "AST_MT_SETUP_TIMEOUT_CANNOT_CONN_TO_SERVER",
        Class::Error,
        150,
        Stage::Connector,
    ),
];

/// Extra failures of connections through the saturated connector (per mille, tried first).
const SATURATED: &[(&str, Class, u32, Stage)] = &[
    (
        "AST_MT_SETUP_ERR_NO_EPHEMERAL_PORT",
        Class::Error,
        80,
        Stage::Connector,
    ),
    (
        "AST_MT_SETUP_ERR_NO_PROCESS_FD",
        Class::Error,
        40,
        Stage::Connector,
    ),
];

/// Where a connection ends; decides which fields are set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Set up and later closed.
    Done,
    /// Failed at the connector: a connector is named, no server answered.
    Connector,
    /// Blocked by an access rule: the rule is named, no connector.
    Policy,
    /// Failed before policy or connector selection: `"0"` ids.
    Before,
}

/// The class of a close reason this generator emits (`None` for a reason it never sends).
pub fn class_of(reason: &str) -> Option<Class> {
    NORMAL
        .iter()
        .chain(TROUBLED)
        .chain(SATURATED)
        .find(|(r, ..)| *r == reason)
        .map(|(_, c, ..)| *c)
}

struct Conn {
    app: usize,
    connector: Option<usize>,
    user: usize,
    session: String,
    id: String,
    reason: &'static str,
    stage: Stage,
    policy: String,
    start_us: u64,
    setup_us: u64,
    policy_us: u64,
    /// Running totals: from client, to client, from connector, to connector.
    totals: [u64; 4],
    connector_port: u16,
    server_ip: String,
    reported_active: bool,
}

/// The User Activity generator's state.
pub struct Activity {
    rng: Rng,
    open: VecDeque<Conn>,
    troubled: usize,
    saturated: usize,
}

const CITIES: [(&str, &str, f64, f64, &str); 5] = [
    ("San Jose", "US", 37.33, -121.88, "US-CA-9396"),
    ("Frankfurt", "DE", 50.11, 8.68, "DE-FRA-2201"),
    ("London", "GB", 51.5, -0.12, "GB-LDN-3304"),
    ("Tokyo", "JP", 35.67, 139.65, "JP-TYO-1102"),
    ("Sydney", "AU", -33.86, 151.2, "AU-SYD-1810"),
];

/// Distinct users the stream draws from; the receiver never labels by user.
const USERS: u64 = 400;

pub(super) fn token(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char)
        .collect()
}

fn pick_weighted(
    rng: &mut Rng,
    table: &'static [(&'static str, Class, u32, Stage)],
) -> (&'static str, Stage) {
    let total: u32 = table.iter().map(|t| t.2).sum();
    let mut x = rng.below(u64::from(total)) as u32;
    for (reason, _, w, stage) in table {
        if x < *w {
            return (reason, *stage);
        }
        x -= w;
    }
    (table[0].0, table[0].3)
}

/// Microseconds of server setup: mostly milliseconds, with a long tail to seconds.
fn setup_time(rng: &mut Rng, slow: bool) -> u64 {
    let us = match rng.below(100) {
        0..=69 => rng.range(800, 20_000),
        70..=89 => rng.range(20_000, 150_000),
        90..=97 => rng.range(150_000, 1_000_000),
        _ => rng.range(1_000_000, 6_000_000),
    };
    if slow {
        us * 8
    } else {
        us
    }
}

impl Activity {
    pub fn new(names: &Names, seed: u64) -> Activity {
        Activity {
            rng: Rng::new(seed ^ 0x7A11),
            open: VecDeque::new(),
            troubled: troubled_app(names),
            saturated: super::saturated_connector(names),
        }
    }

    /// The next record's fields at `now_us`.
    pub fn next(&mut self, names: &Names, now_us: u64) -> Fields {
        if names.apps.is_empty() {
            return Fields::new();
        }
        let take_open =
            !self.open.is_empty() && (self.open.len() >= MAX_OPEN || self.rng.percent(45));
        if take_open {
            let i = if self.open.len() >= MAX_OPEN {
                0
            } else {
                self.rng.below(self.open.len() as u64) as usize
            };
            let mut conn = self.open.remove(i).expect("index in range");
            if !conn.reported_active && self.open.len() < MAX_OPEN && self.rng.percent(25) {
                conn.reported_active = true;
                let f = self.fields(names, &mut conn, "active", now_us);
                self.open.push_back(conn);
                return f;
            }
            return self.fields(names, &mut conn, "close", now_us);
        }
        let mut conn = self.new_conn(names, now_us);
        if conn.stage == Stage::Done {
            let f = self.fields(names, &mut conn, "open", now_us);
            self.open.push_back(conn);
            f
        } else {
            self.fields(names, &mut conn, "close", now_us)
        }
    }

    fn new_conn(&mut self, names: &Names, now_us: u64) -> Conn {
        let n = names.apps.len() as u64;
        // Popularity is skewed: a few applications carry most connections.
        let u = self.rng.below(1 << 20) as f64 / f64::from(1 << 20);
        let app = ((n as f64) * u * u * u) as usize % n as usize;
        let a = &names.apps[app];
        let connector = (!a.connectors.is_empty())
            .then(|| a.connectors[self.rng.below(a.connectors.len() as u64) as usize]);
        let through_saturated = connector == Some(self.saturated);
        let (reason, stage) = if through_saturated && self.rng.below(1000) < 120 {
            pick_weighted(&mut self.rng, SATURATED)
        } else if app == self.troubled {
            pick_weighted(&mut self.rng, TROUBLED)
        } else {
            pick_weighted(&mut self.rng, NORMAL)
        };
        let (reason, stage) = match (connector, stage) {
            // nothing can serve it: ZPA says so before any connector is involved
            (None, Stage::Done | Stage::Connector) => ("NO_CONNECTOR_AVAILABLE", Stage::Before),
            other => (reason, other.1),
        };
        let session = token(&mut self.rng, 20);
        let id = format!("{session},{}", token(&mut self.rng, 20));
        let policy = if names.access_rules.is_empty() {
            "0".to_string()
        } else {
            self.rng.pick(&names.access_rules).clone()
        };
        let policy_us = if self.rng.percent(3) {
            self.rng.range(1_000, 5_000)
        } else {
            self.rng.range(20, 150)
        };
        let setup_us = setup_time(&mut self.rng, through_saturated);
        Conn {
            app,
            connector: if matches!(stage, Stage::Before | Stage::Policy) {
                None
            } else {
                connector
            },
            user: self.rng.below(USERS) as usize,
            session,
            id,
            reason,
            stage,
            policy: if stage == Stage::Before {
                "0".into()
            } else {
                policy
            },
            start_us: now_us.saturating_sub(setup_us + policy_us),
            setup_us: if stage == Stage::Done { setup_us } else { 0 },
            policy_us,
            totals: [0; 4],
            connector_port: self.rng.range(32_768, 61_000) as u16,
            server_ip: format!(
                "10.{}.{}.{}",
                20 + app % 200,
                self.rng.below(256),
                self.rng.range(2, 255)
            ),
            reported_active: false,
        }
    }

    fn fields(&mut self, names: &Names, c: &mut Conn, status: &str, now_us: u64) -> Fields {
        let app = &names.apps[c.app];
        let (city, country, lat, lon, zen) = CITIES[c.user % CITIES.len()];
        let done = c.stage == Stage::Done;
        // Per-record byte deltas, summed into the running totals ZPA also reports.
        let deltas = if done {
            let up = self.rng.range(500, 40_000);
            let down = self.rng.range(2_000, 400_000);
            [up, down, down, up]
        } else {
            [0; 4]
        };
        for (t, d) in c.totals.iter_mut().zip(deltas) {
            *t += d;
        }
        let reason = match status {
            "close" => c.reason,
            "open" => "OPEN_OR_ACTIVE_CONNECTION",
            _ => "",
        };
        let connector = c.connector.map(|i| &names.connectors[i]);
        let mut f = Fields::new();
        let time = |us: u64| Value::Time(Some(us));
        let ms = 1_000;
        f.insert("LogTimestamp", time(now_us));
        f.insert("Customer", names.customer.as_str().into());
        f.insert("SessionID", c.session.as_str().into());
        f.insert("ConnectionID", c.id.as_str().into());
        f.insert("InternalReason", reason.into());
        f.insert("ConnectionStatus", status.into());
        f.insert("IPProtocol", Value::Int(6));
        f.insert("DoubleEncryption", Value::Int(0));
        f.insert(
            "Username",
            format!("user{:03}@{}", c.user, "example.com").into(),
        );
        f.insert("ServicePort", Value::Int(i64::from(app.port)));
        f.insert(
            "ClientPublicIP",
            format!("198.51.100.{}", 2 + c.user % 250).into(),
        );
        f.insert(
            "ClientPrivateIP",
            format!("192.168.{}.{}", c.user / 250, 2 + c.user % 250).into(),
        );
        f.insert("ClientLatitude", Value::Float(lat));
        f.insert("ClientLongitude", Value::Float(lon));
        f.insert("ClientCountryCode", country.into());
        f.insert("ClientZEN", zen.into());
        f.insert("Policy", c.policy.as_str().into());
        f.insert(
            "Connector",
            connector.map_or("0", |n| n.name.as_str()).into(),
        );
        f.insert(
            "ConnectorZEN",
            (if connector.is_some() { zen } else { "0" }).into(),
        );
        if connector.is_some() {
            f.insert(
                "ConnectorIP",
                format!("203.0.113.{}", 2 + c.connector.unwrap_or(0) % 250).into(),
            );
            f.insert("ConnectorPort", Value::Int(i64::from(c.connector_port)));
        }
        let host = app.domains.first().map_or("", String::as_str);
        f.insert("Host", host.into());
        f.insert("Application", app.name.as_str().into());
        f.insert("AppGroup", app.group.as_str().into());
        f.insert("Server", "0".into());
        if done {
            f.insert("ServerIP", c.server_ip.as_str().into());
        }
        f.insert("ServerPort", Value::Int(i64::from(app.port)));
        f.insert("PolicyProcessingTime", Value::Int(c.policy_us as i64));
        f.insert("ServerSetupTime", Value::Int(c.setup_us as i64));
        f.insert("TimestampConnectionStart", time(c.start_us));
        f.insert(
            "TimestampConnectionEnd",
            Value::Time((status == "close").then_some(now_us)),
        );
        f.insert("TimestampCATx", time(c.start_us + c.policy_us));
        if c.stage != Stage::Before {
            f.insert("TimestampCARx", time(c.start_us + c.policy_us + ms));
        }
        if done {
            let setup = c.start_us + c.policy_us + c.setup_us;
            for key in [
                "TimestampZENFirstRxClient",
                "TimestampZENFirstTxConnector",
                "TimestampConnectorZENSetupComplete",
            ] {
                f.insert(key, time(setup));
            }
            for key in [
                "TimestampZENFirstTxClient",
                "TimestampZENFirstRxConnector",
                "TimestampZENLastRxClient",
                "TimestampZENLastTxClient",
                "TimestampZENLastRxConnector",
                "TimestampZENLastTxConnector",
            ] {
                f.insert(key, time(now_us.max(setup)));
            }
        }
        let keys = [
            ("ZENTotalBytesRxClient", "ZENBytesRxClient"),
            ("ZENTotalBytesTxClient", "ZENBytesTxClient"),
            ("ZENTotalBytesRxConnector", "ZENBytesRxConnector"),
            ("ZENTotalBytesTxConnector", "ZENBytesTxConnector"),
        ];
        for (i, (total, delta)) in keys.into_iter().enumerate() {
            f.insert(total, c.totals[i].into());
            f.insert(delta, deltas[i].into());
        }
        let idp = if names.idps.is_empty() || c.stage == Stage::Before {
            "0"
        } else {
            names.idps[c.user % names.idps.len()].as_str()
        };
        f.insert("Idp", idp.into());
        f.insert("c2c", "0".into());
        f.insert("ClientCity", city.into());
        f.insert("MicroTenantID", "0".into());
        f.insert("AppMicroTenantID", app.microtenant.as_str().into());
        f
    }
}

/// The troubled application: the second most popular one (the most popular is often the
/// tenant's deliberately awkward name, which should stay healthy and readable).
pub fn troubled_app(names: &Names) -> usize {
    names
        .apps
        .iter()
        .position(|a| !a.connectors.is_empty())
        .map_or(0, |first| {
            names
                .apps
                .iter()
                .enumerate()
                .skip(first + 1)
                .find(|(_, a)| !a.connectors.is_empty())
                .map_or(first, |(i, _)| i)
        })
}
