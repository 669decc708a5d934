//! What Browser Access and AppProtection records share: the tenant's web applications and how
//! popular each is, the requests browsers send them (methods, paths, user agents, sizes) and
//! how long each phase of an HTTP exchange takes, in microseconds as both templates count.

use super::names::{App, Names};
use crate::tenant::Rng;

/// Ports a browser reaches an application on.
const WEB_PORTS: [u16; 6] = [80, 443, 3000, 8080, 8200, 8443];

/// The applications browsers use: the segments on a web port, most popular first (the order
/// of the tenant). A tenant without any falls back to every application with a domain.
pub fn web_apps(names: &Names) -> Vec<usize> {
    let with_domain = |a: &App| !a.domains.is_empty();
    let web: Vec<usize> = (0..names.apps.len())
        .filter(|&i| with_domain(&names.apps[i]) && WEB_PORTS.contains(&names.apps[i].port))
        .collect();
    if web.is_empty() {
        (0..names.apps.len())
            .filter(|&i| with_domain(&names.apps[i]))
            .collect()
    } else {
        web
    }
}

/// One of `web` by popularity: a few applications carry most requests.
pub(super) fn pick_popular(rng: &mut Rng, web: &[usize]) -> usize {
    let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
    web[((web.len() as f64) * u * u * u) as usize % web.len()]
}

/// Picks from `(item, weight)` pairs in proportion to the weights.
pub(super) fn weighted<T: Copy>(rng: &mut Rng, table: &[(T, u64)]) -> T {
    let total: u64 = table.iter().map(|(_, w)| w).sum();
    let mut x = rng.below(total);
    for &(item, w) in table {
        if x < w {
            return item;
        }
        x -= w;
    }
    table[0].0
}

pub(super) const METHODS: [(&str, u64); 6] = [
    ("GET", 820),
    ("POST", 110),
    ("PUT", 25),
    ("OPTIONS", 25),
    ("DELETE", 10),
    ("HEAD", 10),
];

const GET_PATHS: [&str; 10] = [
    "/",
    "/index.html",
    "/login",
    "/dashboard",
    "/api/v1/items",
    "/api/v1/search?q=quarterly+report",
    "/static/app.js",
    "/static/app.css",
    "/images/logo.png",
    "/favicon.ico",
];

const WRITE_PATHS: [&str; 4] = [
    "/api/v1/items",
    "/login",
    "/api/v1/upload",
    "/api/v1/session",
];

pub(super) const USER_AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
];

/// The path `method` asks for.
pub(super) fn path(rng: &mut Rng, method: &str) -> String {
    match method {
        "GET" | "HEAD" | "OPTIONS" => rng.pick(&GET_PATHS).to_string(),
        "POST" => rng.pick(&WRITE_PATHS).to_string(),
        _ => format!("/api/v1/items/{}", rng.range(1, 5_000)),
    }
}

/// The type of what `path` answers with.
pub(super) fn content_type(path: &str) -> &'static str {
    let path = path.split('?').next().unwrap_or(path);
    if path.starts_with("/api/") {
        "application/json"
    } else if path.ends_with(".js") {
        "application/javascript"
    } else if path.ends_with(".css") {
        "text/css"
    } else if path.ends_with(".png") {
        "image/png"
    } else if path.ends_with(".ico") {
        "image/x-icon"
    } else {
        "text/html"
    }
}

/// Bytes of a request: headers only for reads, a body for writes.
pub(super) fn request_size(rng: &mut Rng, method: &str) -> u64 {
    match method {
        "POST" | "PUT" => rng.range(1_000, 60_000),
        _ => rng.range(400, 1_800),
    }
}

/// Bytes of a response with `status`: small for redirects, errors and cache hits, long-tailed
/// for content.
pub(super) fn response_size(rng: &mut Rng, status: u16) -> u64 {
    match status {
        304 => rng.range(150, 400),
        204 => rng.range(100, 300),
        300..=399 => rng.range(200, 600),
        400..=599 => rng.range(200, 2_000),
        _ => match rng.below(100) {
            0..=69 => rng.range(1_000, 30_000),
            70..=94 => rng.range(30_000, 500_000),
            _ => rng.range(500_000, 5_000_000),
        },
    }
}

/// How long each phase of one exchange took, in microseconds.
#[derive(Clone, Copy, Debug)]
pub(super) struct Phases {
    pub request_receive: u64,
    pub connection_setup: u64,
    pub request_transmit: u64,
    pub server_response: u64,
    pub response_receive: u64,
    pub response_transmit: u64,
}

impl Phases {
    /// An exchange answered with `status` after `response_size` bytes; `slow` servers take
    /// three times as long.
    pub fn draw(
        rng: &mut Rng,
        status: u16,
        request_size: u64,
        response_size: u64,
        slow: bool,
    ) -> Phases {
        // Mostly a few ms to reach the server; sometimes a cold path takes hundreds.
        let connection_setup = match rng.below(100) {
            0..=79 => rng.range(2_000, 40_000),
            80..=96 => rng.range(40_000, 150_000),
            _ => rng.range(150_000, 900_000),
        };
        let server_response = match status {
            // A gateway timeout waited for the server in vain.
            504 => rng.range(30_000_000, 60_000_000),
            // Refused at once: nothing there to answer.
            502 | 503 => rng.range(500, 5_000),
            _ => {
                let us = match rng.below(100) {
                    0..=69 => rng.range(5_000, 60_000),
                    70..=94 => rng.range(60_000, 250_000),
                    _ => rng.range(250_000, 2_000_000),
                };
                if slow {
                    us * 3
                } else {
                    us
                }
            }
        };
        Phases {
            request_receive: 20 + request_size / 40 + rng.below(300),
            connection_setup,
            request_transmit: 10 + request_size / 100 + rng.below(150),
            server_response,
            response_receive: 20 + response_size / 50 + rng.below(200),
            response_transmit: 10 + response_size / 200 + rng.below(250),
        }
    }

    /// The whole exchange.
    pub fn total(&self) -> u64 {
        self.request_receive
            + self.connection_setup
            + self.request_transmit
            + self.server_response
            + self.response_receive
            + self.response_transmit
    }
}

/// A browser user: the name it signs in with and where it comes from.
pub(super) fn user(rng: &mut Rng) -> (String, String, u16) {
    let n = rng.below(400);
    (
        format!("user{n:03}@example.com"),
        format!("198.51.100.{}", 2 + n % 250),
        rng.range(1_024, 65_535) as u16,
    )
}
