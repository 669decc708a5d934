//! Browser Access (`zpn_http_trans_log`) records: one per HTTP exchange between a browser and
//! one of the tenant's web applications, through ZPA's clientless access. Most answers are
//! 2xx or 3xx, some 4xx; 5xx come almost only from one or two unhealthy applications, whose
//! servers also answer slowly, so a 5xx-ratio alert has something to find. A few failed
//! exchanges say why in `ConnectionStatus`/`ConnectionReason`; the rest leave them empty, as
//! ZPA's sample does.

use super::names::Names;
use super::template::{Fields, Value};
use super::web::{self, Phases};
use crate::tenant::Rng;

/// Status codes of a healthy application, per mille: content and cache hits, redirects, the
/// usual client errors, and almost never a server error.
const HEALTHY: [(u16, u64); 14] = [
    (200, 690),
    (204, 25),
    (206, 5),
    (301, 15),
    (302, 55),
    (304, 120),
    (400, 12),
    (401, 20),
    (403, 15),
    (404, 35),
    (405, 2),
    (408, 2),
    (429, 2),
    (500, 2),
];

/// Status codes of an unhealthy application: its backends fail close to a third of the time.
const UNHEALTHY: [(u16, u64); 9] = [
    (200, 560),
    (302, 40),
    (304, 80),
    (401, 10),
    (404, 20),
    (500, 60),
    (502, 120),
    (503, 70),
    (504, 40),
];

/// The unhealthy applications: the second and fifth most popular web applications (the most
/// popular one is the tenant's deliberately awkward name, which should stay readable and
/// healthy), or the only one there is.
pub fn unhealthy_web_apps(names: &Names) -> Vec<usize> {
    let web = web::web_apps(names);
    let picked: Vec<usize> = [1, 4].iter().filter_map(|&i| web.get(i).copied()).collect();
    if picked.is_empty() {
        web.into_iter().take(1).collect()
    } else {
        picked
    }
}

/// The Browser Access generator's state.
pub struct Browser {
    rng: Rng,
    web: Vec<usize>,
    unhealthy: Vec<usize>,
}

impl Browser {
    pub fn new(names: &Names, seed: u64) -> Browser {
        Browser {
            rng: Rng::new(seed ^ 0xB40A_CCE5),
            web: web::web_apps(names),
            unhealthy: unhealthy_web_apps(names),
        }
    }

    pub fn next(&mut self, names: &Names, now_us: u64) -> Fields {
        if self.web.is_empty() {
            return Fields::new();
        }
        let r = &mut self.rng;
        let app_index = web::pick_popular(r, &self.web);
        let app = &names.apps[app_index];
        let unhealthy = self.unhealthy.contains(&app_index);
        let method = web::weighted(r, &web::METHODS);
        let status = match (
            method,
            web::weighted(r, if unhealthy { &UNHEALTHY } else { &HEALTHY }),
        ) {
            ("OPTIONS", s) if s < 300 => 204,
            // Only reads are answered from the browser's cache.
            (m, 304) if m != "GET" => 200,
            (_, s) => s,
        };
        let request_size = web::request_size(r, method);
        let response_size = if method == "HEAD" {
            0
        } else {
            web::response_size(r, status)
        };
        let t = Phases::draw(r, status, request_size, response_size, unhealthy);
        let (user, client_ip, client_port) = web::user(r);
        let host = app.domains[0].as_str();
        let user_agent = *r.pick(&web::USER_AGENTS);
        let url = web::path(r, method);
        let (connection_status, connection_reason) = match status {
            502 => ("close", "EXPTR_MT_TLS_SETUP_FAIL_PEER"),
            503 => ("close", "EXPTR_FCONN_GONE"),
            _ => ("", ""),
        };

        // The exchange ends now; its phases run back from here, in order.
        let start = now_us.saturating_sub(t.total());
        let received = start + t.request_receive;
        let transmit_start = received + t.connection_setup;
        let transmitted = transmit_start + t.request_transmit;
        let response_start = transmitted + t.server_response;
        let response_received = response_start + t.response_receive;
        let time = |us: u64| Value::Time(Some(us));

        let mut f = Fields::new();
        f.insert("LogTimestamp", time(now_us));
        f.insert("ConnectionID", "".into());
        // ZPA's only sample says "unset"; what else it can hold is not documented.
        f.insert("Exporter", "unset".into());
        f.insert("TimestampRequestReceiveStart", time(start));
        f.insert(
            "TimestampRequestReceiveHeaderFinish",
            time(start + t.request_receive / 2),
        );
        f.insert("TimestampRequestReceiveFinish", time(received));
        f.insert("TimestampRequestTransmitStart", time(transmit_start));
        f.insert("TimestampRequestTransmitFinish", time(transmitted));
        f.insert("TimestampResponseReceiveStart", time(response_start));
        f.insert("TimestampResponseReceiveFinish", time(response_received));
        f.insert("TimestampResponseTransmitStart", time(response_start));
        f.insert("TimestampResponseTransmitFinish", time(now_us));
        f.insert("TotalTimeRequestReceive", t.request_receive.into());
        f.insert("TotalTimeRequestTransmit", t.request_transmit.into());
        f.insert("TotalTimeResponseReceive", t.response_receive.into());
        f.insert("TotalTimeResponseTransmit", t.response_transmit.into());
        f.insert("TotalTimeConnectionSetup", t.connection_setup.into());
        f.insert("TotalTimeServerResponse", t.server_response.into());
        f.insert("Method", method.into());
        f.insert(
            "Protocol",
            if app.port == 80 { "HTTP" } else { "HTTPS" }.into(),
        );
        f.insert("Host", host.into());
        f.insert("URL", url.into());
        f.insert("UserAgent", user_agent.into());
        f.insert("XFF", "".into());
        f.insert("NameID", user.into());
        f.insert("StatusCode", u64::from(status).into());
        f.insert("RequestSize", request_size.into());
        f.insert("ResponseSize", response_size.into());
        f.insert("ApplicationPort", u64::from(app.port).into());
        f.insert("ClientPublicIp", client_ip.into());
        f.insert("ClientPublicPort", u64::from(client_port).into());
        f.insert("ClientPrivateIp", "".into());
        f.insert("Customer", names.customer.as_str().into());
        f.insert("ConnectionStatus", connection_status.into());
        f.insert("ConnectionReason", connection_reason.into());
        // A preflight names the page that asked; plain exchanges carry no Origin.
        let origin = if method == "OPTIONS" {
            format!("https://portal.{host}")
        } else {
            String::new()
        };
        f.insert("Origin", origin.into());
        f.insert("CorsToken", "".into());
        f
    }
}
