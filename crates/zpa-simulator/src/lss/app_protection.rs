//! AppProtection (`zpn_waf_http_exchanges_log`) records: one per HTTP exchange the inspection
//! engine looked at, for the tenant's web applications. `Application` and `ApplicationGroup`
//! carry the segment's and its segment group's ids, so a receiver joins them to names from the
//! API. Most exchanges match no control; some match low-severity controls and pass; a few are
//! blocked or redirected. One application is under attack: a scanner sends it a fifth of all
//! inspected traffic, and most of its exchanges are blocked.

use super::names::Names;
use super::template::{Fields, Value};
use super::web::{self, Phases};
use crate::tenant::Rng;

/// What the engine did about the controls an exchange matched. ZPA documents these only in
/// prose ("block, redirect, pass"); the upper-case spelling is ours, like its other enums.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Pass,
    Block,
    Redirect,
}

impl Action {
    fn word(self) -> &'static str {
        match self {
            Action::Pass => "PASS",
            Action::Block => "BLOCK",
            Action::Redirect => "REDIRECT",
        }
    }
}

/// An inspection control: (id, type, category, severity, what it looks for).
type Control = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// The ids and categories follow the OWASP Core Rule Set numbering the predefined controls use.
const CONTROLS: [Control; 10] = [
    (
        "930100",
        "PREDEFINED",
        "Local File Inclusion",
        "CRITICAL",
        "Path traversal in the request",
    ),
    (
        "932100",
        "PREDEFINED",
        "Remote Code Execution",
        "CRITICAL",
        "Shell command in a parameter",
    ),
    (
        "941100",
        "PREDEFINED",
        "Cross-Site Scripting",
        "CRITICAL",
        "Script injection in a parameter",
    ),
    (
        "942100",
        "PREDEFINED",
        "SQL Injection",
        "CRITICAL",
        "SQL injection in a parameter",
    ),
    (
        "921110",
        "PREDEFINED",
        "Request Smuggling",
        "ERROR",
        "Conflicting request framing headers",
    ),
    (
        "913100",
        "PREDEFINED",
        "Environment and Port Scanners",
        "ERROR",
        "User agent of a known scanner",
    ),
    (
        "920350",
        "PREDEFINED",
        "Protocol Issues",
        "WARNING",
        "Host header is an IP address",
    ),
    (
        "920300",
        "PREDEFINED",
        "Protocol Issues",
        "NOTICE",
        "Request has no Accept header",
    ),
    (
        "920440",
        "PREDEFINED",
        "Protocol Issues",
        "NOTICE",
        "File extension restricted by policy",
    ),
    (
        "4000001",
        "CUSTOM",
        "Custom",
        "INFO",
        "Administrative path requested",
    ),
];

/// Controls that block: the critical and error ones; the rest only ever pass.
fn blocking(control: usize) -> bool {
    matches!(CONTROLS[control].3, "CRITICAL" | "ERROR")
}

/// The inspection profiles the applications use. The simulated API serves no profiles, so
/// their ids sit just below the generated objects' id range (which starts 100 000 above the
/// customer id) and collide with none.
const PROFILE_OFFSETS: [u64; 2] = [50_001, 50_002];

/// The application under attack: the third most popular web application (the first is kept
/// healthy and readable, the second is unhealthy in Browser Access), or the only one there is.
pub fn attacked_app(names: &Names) -> Option<usize> {
    let web = web::web_apps(names);
    web.get(2).or(web.last()).copied()
}

struct Connection {
    id: String,
    app: usize,
    user: (String, String, u16),
    exchanges: u64,
}

/// The AppProtection generator's state.
pub struct AppProtection {
    rng: Rng,
    web: Vec<usize>,
    attacked: Option<usize>,
    connection: Option<Connection>,
}

impl AppProtection {
    pub fn new(names: &Names, seed: u64) -> AppProtection {
        AppProtection {
            rng: Rng::new(seed ^ 0xA990_7EC7),
            web: web::web_apps(names),
            attacked: attacked_app(names),
            connection: None,
        }
    }

    /// The connection of the next exchange: browsers send several over one.
    fn connection(&mut self) -> &mut Connection {
        let r = &mut self.rng;
        let keep = self.connection.as_ref().is_some_and(|c| c.exchanges < 20) && r.percent(70);
        if !keep {
            let app = match self.attacked {
                Some(a) if r.percent(20) => a,
                _ => web::pick_popular(r, &self.web),
            };
            let session = super::activity::token(r, 20);
            self.connection = Some(Connection {
                id: format!("{session},{}", super::activity::token(r, 20)),
                app,
                user: web::user(r),
                exchanges: 0,
            });
        }
        let c = self.connection.as_mut().expect("set above");
        c.exchanges += 1;
        c
    }

    pub fn next(&mut self, names: &Names, now_us: u64) -> Fields {
        if self.web.is_empty() {
            return Fields::new();
        }
        let (connection_id, app_index, (user, client_ip, client_port), sequence) = {
            let c = self.connection();
            (c.id.clone(), c.app, c.user.clone(), c.exchanges)
        };
        let attacked = Some(app_index) == self.attacked;
        let r = &mut self.rng;
        let app = &names.apps[app_index];
        let host = app.domains[0].as_str();

        // Which controls matched, and what was done about them.
        let matched = if attacked {
            r.percent(55)
        } else {
            r.percent(12)
        };
        let action = match (matched, r.below(100)) {
            (false, _) => Action::Pass,
            (true, x) if attacked => match x {
                0..=79 => Action::Block,
                80..=84 => Action::Redirect,
                _ => Action::Pass,
            },
            (true, 0..=24) => Action::Block,
            (true, 25..=29) => Action::Redirect,
            (true, _) => Action::Pass,
        };
        let mut hits: Vec<usize> = Vec::new();
        if matched {
            for _ in 0..r.range(1, 4) {
                let pool: Vec<usize> = (0..CONTROLS.len())
                    .filter(|&c| blocking(c) == (action != Action::Pass))
                    .collect();
                let c = *r.pick(&pool);
                if !hits.contains(&c) {
                    hits.push(c);
                }
            }
        }
        let list = |field: fn(&Control) -> &'static str| {
            Value::List(
                hits.iter()
                    .map(|&c| field(&CONTROLS[c]).to_string())
                    .collect(),
            )
        };

        let method = web::weighted(r, &web::METHODS);
        let status: u16 = match action {
            Action::Block => 403,
            Action::Redirect => 302,
            Action::Pass => web::weighted(r, &[(200, 800), (304, 120), (404, 60), (500, 20)]),
        };
        let request_body = match method {
            "POST" | "PUT" => web::request_size(r, method),
            _ => 0,
        };
        let response_body = web::response_size(r, status);
        let mut t = Phases::draw(r, status, request_body, response_body, false);
        if action == Action::Block {
            // Never sent on: the engine answers with its own page.
            t.connection_setup = 0;
            t.request_transmit = 0;
            t.server_response = 0;
        }
        let (request_headers, response_headers) = (r.range(300, 1_500), r.range(150, 800));
        let inspected_body = request_body > 0;
        let start = now_us.saturating_sub(t.total());
        let received = start + t.request_receive;
        let transmit_start = received + t.connection_setup;
        let transmitted = transmit_start + t.request_transmit;
        let response_received = transmitted + t.server_response + t.response_receive;
        let profile = app_index % PROFILE_OFFSETS.len();
        let customer_id: u64 = names.customer_id.parse().unwrap_or(0);
        let connector = app.connectors.first().map(|&c| &names.connectors[c]);
        let https = app.port != 80;

        let mut f = Fields::new();
        f.insert("LogTimestamp", Value::Time(Some(now_us)));
        f.insert("Customer", names.customer.as_str().into());
        f.insert("ConnectionID", connection_id.into());
        f.insert("UserID", user.into());
        f.insert(
            "AssistantID",
            connector.map_or("0", |c| c.id.as_str()).into(),
        );
        f.insert("ExchangeSequenceIndex", sequence.into());
        // Times are `%d` here: epoch microseconds, not the ISO text Browser Access sends.
        for (key, at) in [
            ("TimestampRequestReceiveStart", start),
            (
                "TimestampRequestReceiveHeaderFinish",
                start + t.request_receive / 2,
            ),
            ("TimestampRequestReceiveFinish", received),
            ("TimestampRequestTransmitStart", transmit_start),
            ("TimestampRequestTransmitFinish", transmitted),
            ("TimestampResponseReceiveFinish", response_received),
            ("TimestampResponseTransmitStart", response_received),
            ("TimestampResponseTransmitFinish", now_us),
        ] {
            f.insert(key, at.into());
        }
        f.insert("TotalTimeRequestReceive", t.request_receive.into());
        f.insert("TotalTimeRequestTransmit", t.request_transmit.into());
        f.insert("TotalTimeResponseReceive", t.response_receive.into());
        f.insert("TotalTimeResponseTransmit", t.response_transmit.into());
        f.insert("Domain", host.into());
        f.insert("Method", method.into());
        f.insert("Protocol", if https { "HTTPS" } else { "HTTP" }.into());
        f.insert(
            "ProtocolVersion",
            if https && r.percent(30) {
                "HTTP/2"
            } else {
                "HTTP/1.1"
            }
            .into(),
        );
        let url = web::path(r, method);
        let content = web::content_type(&url);
        f.insert("ContentType", content.into());
        f.insert(
            "ContentEncoding",
            if content.starts_with("image") {
                ""
            } else {
                "gzip"
            }
            .into(),
        );
        f.insert(
            "TransferEncoding",
            if response_body > 100_000 {
                "chunked"
            } else {
                ""
            }
            .into(),
        );
        f.insert("Host", host.into());
        f.insert(
            "Destination",
            format!(
                "10.{}.{}.{}:{}",
                20 + app_index % 200,
                app_index / 200 % 250,
                10,
                app.port
            )
            .into(),
        );
        f.insert("OriginDomain", "".into());
        f.insert("URL", url.into());
        f.insert("UserAgent", (*r.pick(&web::USER_AGENTS)).into());
        f.insert("HTTPError", "".into());
        f.insert("ClientPublicIp", client_ip.into());
        f.insert("ClientPort", u64::from(client_port).into());
        f.insert("UpgradeHeaderPresent", u64::from(r.percent(1)).into());
        f.insert("StatusCode", u64::from(status).into());
        f.insert("RequestHdrSize", request_headers.into());
        f.insert("ResponseHdrSize", response_headers.into());
        f.insert("RequestBodySize", request_body.into());
        f.insert("ResponseBodySize", response_body.into());
        f.insert("Application", app.id.as_str().into());
        f.insert("ApplicationGroup", app.group_id.as_str().into());
        let policy = names
            .inspection_rules
            .get(app_index % names.inspection_rules.len().max(1));
        f.insert(
            "InspectionPolicy",
            policy.map_or("0", String::as_str).into(),
        );
        f.insert(
            "InspectionProfile",
            (customer_id + PROFILE_OFFSETS[profile]).into(),
        );
        f.insert("ParanoiaLevel", (profile as u64 + 1).into());
        f.insert("InspectionControlsHitCount", (hits.len() as u64).into());
        f.insert("InspectionRuleProcessingTime", r.range(5, 80).into());
        f.insert(
            "InspectionReqHeadersProcessingTime",
            r.range(20, 300).into(),
        );
        f.insert(
            "InspectionReqBodyProcessingTime",
            if inspected_body {
                r.range(50, 3_000)
            } else {
                0
            }
            .into(),
        );
        let answered = action != Action::Block;
        f.insert(
            "InspectionRespHeadersProcessingTime",
            if answered { r.range(10, 200) } else { 0 }.into(),
        );
        f.insert(
            "InspectionRespBodyProcessingTime",
            if answered { r.range(20, 1_500) } else { 0 }.into(),
        );
        let certificate = names
            .certificates
            .get(app_index % names.certificates.len().max(1));
        f.insert(
            "CertificateId",
            certificate.map_or("0", String::as_str).into(),
        );
        f.insert("DoubleEncryption", 0u64.into());
        f.insert("SSLInspection", u64::from(https).into());
        f.insert(
            "TotalBytesProcessed",
            (request_headers + request_body + response_headers + response_body).into(),
        );
        f.insert("InspectionControlArray", list(|c| c.0));
        f.insert("ControlTypeArray", list(|c| c.1));
        f.insert("InspectionControlCategories", list(|c| c.2));
        f.insert(
            "Actions",
            Value::List(hits.iter().map(|_| action.word().to_string()).collect()),
        );
        f.insert("SeveritiesArray", list(|c| c.3));
        f.insert("DescriptiveExplanationsArray", list(|c| c.4));
        f
    }
}
