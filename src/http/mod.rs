//! The HTTP side: `/metrics`, the landing page and the health endpoints. Handlers only read the
//! registry and the current snapshot; nothing here calls ZPA.

pub(crate) mod landing;
pub(crate) mod listen;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::encode::{self, Assembler, Exposition, Format};
use crate::lss::ReceiverFamilies;
use crate::tenancy::control::Control;
use crate::tenancy::status::Status;
use crate::tenancy::Tenants;

#[derive(Clone)]
pub(crate) struct AppState {
    /// The tenants running now: their snapshots, encodings and connections.
    pub tenants: Arc<Tenants>,
    /// Joins the tenants' encodings into one body.
    pub assembler: Arc<Assembler>,
    pub telemetry_path: String,
    /// `--web.max-requests`: one permit per scrape being answered; `None` is no limit.
    pub scrape_slots: Option<Arc<tokio::sync::Semaphore>>,
    /// `POST /-/reload`, with `--web.enable-lifecycle`.
    pub reload: Option<Arc<Control>>,
    /// How the last reload went (the status page's banner).
    pub status: Arc<Status>,
}

pub(crate) fn router(state: AppState) -> Router {
    let telemetry_path = state.telemetry_path.clone();
    Router::new()
        .route("/", get(landing_page))
        .route(&telemetry_path, get(serve_metrics))
        .route("/-/healthy", get(healthy))
        .route("/-/ready", get(ready))
        .route("/-/reload", post(reload).put(reload))
        .with_state(state)
}

async fn serve_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let format = Format::negotiate(header_text(header::ACCEPT));
    let gzip = encode::accepts_gzip(header_text(header::ACCEPT_ENCODING));
    // As node_exporter: past the limit a scrape is refused at once rather than queued.
    let slot = match &state.scrape_slots {
        Some(slots) => match slots.clone().try_acquire_owned() {
            Ok(slot) => Some(slot),
            Err(_) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Too many concurrent scrapes (--web.max-requests); try again\n",
                )
                    .into_response()
            }
        },
        None => None,
    };
    let tenants = state.tenants.load();
    let expositions: Vec<&Exposition> = tenants.iter().map(|t| &*t.exposition).collect();
    match encode::assemble::scrape(&expositions, &state.assembler, format, gzip).await {
        Ok(answer) => {
            let mut response = Response::new(Body::new(answer.body.holding(slot)));
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(answer.content_type),
            );
            h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
            if answer.gzip {
                h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            response
        }
        Err(_) => {
            tracing::error!("encoding /metrics failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "encoding metrics failed\n",
            )
                .into_response()
        }
    }
}

/// Rendered afresh on each request from the current snapshots; `no-store`, so a reload (or
/// the back button) never shows an old state. With several tenants, `?tenant=<name>` picks the
/// one whose details are shown (the first by default) and a list links to every one.
async fn landing_page(
    State(state): State<AppState>,
    Query(query): Query<TenantQuery>,
) -> impl IntoResponse {
    let tenants = state.tenants.load();
    let now = std::time::SystemTime::now();
    let shown = query
        .tenant
        .as_deref()
        .and_then(|name| tenants.iter().find(|t| &*t.name == name))
        .or(tenants.first());
    let page = match shown {
        Some(t) => {
            let page = landing::render(&t.store.load(), &t.connection, &state.telemetry_path, now);
            let lss = t.lss.as_ref().map(ReceiverFamilies::summary);
            let reload = state.status.last_reload();
            let page = landing::with_receiver_and_reload(page, lss.as_ref(), reload.as_ref(), now);
            if tenants.len() > 1 {
                let list: Vec<landing::TenantLine> = tenants
                    .iter()
                    .map(|t| {
                        let s = t.store.load();
                        landing::TenantLine {
                            name: t.name.to_string(),
                            up: s.up(now),
                            ready: s.ready(),
                        }
                    })
                    .collect();
                landing::with_tenants(page, &list, &t.name)
            } else {
                page
            }
        }
        None => landing::no_tenants(&state.telemetry_path),
    };
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Html(page),
    )
}

async fn healthy() -> &'static str {
    "Healthy\n"
}

#[derive(serde::Deserialize)]
struct TenantQuery {
    tenant: Option<String>,
}

/// Why a tenant is not ready.
fn not_ready(snapshot: &crate::snapshot::Snapshot) -> String {
    match snapshot.config_problem() {
        Some(problem) => format!("configuration error: {problem}"),
        None => {
            let pending: Vec<&str> = snapshot.pending().map(|c| c.name).collect();
            format!("no successful run yet of: {}", pending.join(", "))
        }
    }
}

/// A tenant is ready once every collector its API key may read has succeeded at least once
/// and no configuration error is known: before that `/metrics` is missing its data. The
/// exporter is ready when at least one of its tenants is, or when it runs none (a shard that
/// owns no tenant has nothing to wait for): one tenant's bad key must not take a shard serving
/// a hundred others out of its Service. Each tenant's state is in the body, and per tenant in
/// `zpa_up` and `zpa_config_error`.
async fn ready(State(state): State<AppState>) -> Response {
    let tenants = state.tenants.load();
    let snapshots: Vec<_> = tenants.iter().map(|t| (t, t.store.load())).collect();
    let any = snapshots.is_empty() || snapshots.iter().any(|(_, s)| s.ready());
    let body = match snapshots.as_slice() {
        [] => "Ready: no tenant owned by this shard\n".to_string(),
        [(_, s)] if s.ready() => "Ready\n".to_string(),
        [(_, s)] => format!("Not ready: {}\n", not_ready(s)),
        many => many
            .iter()
            .map(|(t, s)| {
                if s.ready() {
                    format!("{}: ready\n", t.name)
                } else {
                    format!("{}: not ready: {}\n", t.name, not_ready(s))
                }
            })
            .collect(),
    };
    let status = if any {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body).into_response()
}

/// Reloads the tenants file, as Prometheus' lifecycle endpoint does: 200 when it loaded, 500
/// with the reason when it did not (the previous tenants keep running), 403 without
/// `--web.enable-lifecycle`.
async fn reload(State(state): State<AppState>) -> Response {
    let Some(control) = &state.reload else {
        return (
            StatusCode::FORBIDDEN,
            "Lifecycle API is not enabled (--web.enable-lifecycle).\n",
        )
            .into_response();
    };
    match control.reload().await {
        Ok(_) => (StatusCode::OK, "Reloaded\n").into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("failed to reload config: {}\n", zpa_api::error::Chain(&e)),
        )
            .into_response(),
    }
}
