//! Several simulated tenants behind one address, for multi-tenant tests and the demo stack:
//! each tenant is a complete single-tenant simulator ([`Control`], its own generated store,
//! keys, tokens, rate limiter, faults and statistics), and a dispatcher in front sends every
//! request to one of them.
//!
//! Tenant 0 is the configuration given; tenant `i` derives its customer id (`+ i`), seed
//! (`+ i`), customer name and keys (`sim-client-<i>`, `sim-secret-<i>`,
//! `sim-oneapi-client-<i>`, `sim-oneapi-secret-<i>`) from it ([`derive`]).
//!
//! Routing, in order:
//! * `GET /__sim/tenants` lists the tenants (customer id, name, client ids);
//!   `/__sim/tenants/{customerId}/...` is that tenant's control API (`.../faults`,
//!   `.../stats`, …), so a test can hang one tenant or refuse its key; other `/__sim/` paths
//!   are tenant 0's.
//! * `POST /signin` and `POST /oauth2/v1/token` go to the tenant whose client id the form
//!   names (else tenant 0, which refuses it); the token issued is remembered for routing.
//! * Anything else goes to the tenant that issued its bearer token, else to the tenant named
//!   by `/customers/{customerId}/` in the path, else to tenant 0. So one tenant's token used
//!   with another's customer id meets the issuing tenant's 403, as in ZPA.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tower_service::Service;
use zpa_api::Secret;

use crate::request::{bearer, form_pairs};
use crate::{router, Control, SimulatorConfig};

/// The most tenants one process serves.
pub const MAX_TENANTS: usize = 1000;
/// Tokens remembered for routing; past this the map starts over (tokens then route by the
/// customer id in their paths).
const MAX_TOKENS: usize = 100_000;
/// A sign-in form larger than this goes to tenant 0, which answers 413 as the single tenant
/// does.
const MAX_FORM_BYTES: usize = 16 * 1024;
/// A token response is small; a larger one is passed on without being remembered.
const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;

/// Tenant `i` of a multi-tenant simulator whose tenant 0 is `base`.
pub fn derive(base: &SimulatorConfig, i: usize) -> SimulatorConfig {
    if i == 0 {
        return base.clone();
    }
    let mut cfg = base.clone();
    cfg.seed = base.seed.wrapping_add(i as u64);
    cfg.customer_id = base
        .customer_id
        .parse::<u64>()
        .map(|id| id.wrapping_add(i as u64).to_string())
        .unwrap_or_else(|_| format!("{}{i}", base.customer_id));
    cfg.customer_name = format!("{} {i}", base.customer_name);
    cfg.client_id = format!("sim-client-{i}");
    cfg.client_secret = format!("sim-secret-{i}");
    cfg.oneapi.client_id = format!("sim-oneapi-client-{i}");
    if cfg.oneapi.client_secret.is_some() {
        cfg.oneapi.client_secret = Some(Secret::new(format!("sim-oneapi-secret-{i}")));
    }
    cfg
}

struct Tenant {
    control: Control,
    router: Router,
}

struct Dispatch {
    tenants: Vec<Tenant>,
    by_customer: HashMap<String, usize>,
    tokens: Mutex<HashMap<String, usize>>,
}

/// A multi-tenant simulator serving until [`RunningTenants::shutdown`] (or drop).
pub struct RunningTenants {
    addr: SocketAddr,
    controls: Vec<Control>,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningTenants {
    /// E.g. `http://127.0.0.1:40123`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Each tenant's control, in tenant order.
    pub fn tenants(&self) -> &[Control] {
        &self.controls
    }

    /// Stops accepting, releases hung requests, and waits (up to 5 s) for in-flight ones.
    pub async fn shutdown(mut self) {
        self.release();
        if let Some(mut server) = self.server.take() {
            if tokio::time::timeout(std::time::Duration::from_secs(5), &mut server)
                .await
                .is_err()
            {
                server.abort();
            }
        }
    }

    fn release(&self) {
        let _ = self.stop.send(true);
        for c in &self.controls {
            let _ = c.shared.shutdown.send(true);
        }
    }
}

impl Drop for RunningTenants {
    fn drop(&mut self) {
        self.release();
    }
}

/// Generates `n` tenants from `base` ([`derive`]) and serves them all on `addr`.
pub async fn spawn_tenants(
    base: SimulatorConfig,
    n: usize,
    addr: SocketAddr,
) -> std::io::Result<RunningTenants> {
    let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
    if !(1..=MAX_TENANTS).contains(&n) {
        return Err(invalid(format!("--tenants must be 1 to {MAX_TENANTS}")));
    }
    base.validate().map_err(invalid)?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let controls = tokio::task::spawn_blocking(move || {
        (0..n)
            .map(|i| Control::new(derive(&base, i)))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(std::io::Error::other)?;
    let by_customer = controls
        .iter()
        .enumerate()
        .map(|(i, c)| (c.config().customer_id.clone(), i))
        .collect();
    let dispatch = Arc::new(Dispatch {
        tenants: controls
            .iter()
            .map(|c| Tenant {
                control: c.clone(),
                router: router(c.clone()),
            })
            .collect(),
        by_customer,
        tokens: Mutex::new(HashMap::new()),
    });
    let (stop, mut stopped) = watch::channel(false);
    let app = Router::new()
        .fallback(dispatch_request)
        .with_state(dispatch);
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|s| *s).await;
            })
            .await
    });
    Ok(RunningTenants {
        addr,
        controls,
        stop,
        server: Some(server),
    })
}

async fn dispatch_request(State(d): State<Arc<Dispatch>>, req: Request) -> Response {
    let path = req.uri().path().to_string();
    if let Some(rest) = path.strip_prefix("/__sim/tenants") {
        return control(&d, rest.trim_start_matches('/'), req).await;
    }
    if path == "/signin" || path == "/oauth2/v1/token" {
        return sign_in(&d, path == "/signin", req).await;
    }
    let by_token = bearer(req.headers()).and_then(|t| {
        let tokens = d.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.get(t).copied()
    });
    let tenant = by_token
        .or_else(|| customer_in_path(&path).and_then(|c| d.by_customer.get(c).copied()))
        .unwrap_or(0);
    forward(&d, tenant, req).await
}

/// `…/customers/{cid}/…` → `cid`.
fn customer_in_path(path: &str) -> Option<&str> {
    let (_, after) = path.split_once("/customers/")?;
    after.split('/').next()
}

async fn forward(d: &Dispatch, tenant: usize, req: Request) -> Response {
    let mut router = d.tenants[tenant].router.clone();
    match router.call(req).await {
        Ok(resp) => resp,
        Err(never) => match never {},
    }
}

async fn control(d: &Dispatch, rest: &str, mut req: Request) -> Response {
    if rest.is_empty() {
        let list: Vec<serde_json::Value> = d
            .tenants
            .iter()
            .map(|t| {
                let cfg = t.control.config();
                serde_json::json!({
                    "customerId": cfg.customer_id,
                    "customerName": cfg.customer_name,
                    "clientId": cfg.client_id,
                    "oneapiClientId": cfg.oneapi.client_id,
                })
            })
            .collect();
        return axum::Json(list).into_response();
    }
    let (cid, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let Some(&tenant) = d.by_customer.get(cid) else {
        return (StatusCode::NOT_FOUND, "no such tenant\n").into_response();
    };
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    match format!("/__sim/{tail}{query}").parse::<Uri>() {
        Ok(uri) => *req.uri_mut() = uri,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    }
    forward(d, tenant, req).await
}

/// Routes a sign-in by the client id in its form and remembers the token it gets.
async fn sign_in(d: &Dispatch, legacy: bool, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        // Too large (or broken): tenant 0 answers 413 (or 400) as a single tenant would.
        let oversized = Body::from(vec![b'x'; MAX_FORM_BYTES + 1]);
        return forward(d, 0, Request::from_parts(parts, oversized)).await;
    };
    let client_id = form_pairs(&bytes)
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v);
    let tenant = client_id
        .and_then(|id| {
            d.tenants.iter().position(|t| {
                let cfg = t.control.config();
                if legacy {
                    cfg.client_id == id
                } else {
                    cfg.oneapi.client_id == id
                }
            })
        })
        .unwrap_or(0);
    let resp = forward(d, tenant, Request::from_parts(parts, Body::from(bytes))).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_TOKEN_RESPONSE_BYTES).await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let token = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v["access_token"].as_str().map(str::to_string));
    if let Some(token) = token {
        let mut tokens = d.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= MAX_TOKENS {
            tokens.clear();
        }
        tokens.insert(token, tenant);
    }
    Response::from_parts(parts, Body::from(bytes))
}
