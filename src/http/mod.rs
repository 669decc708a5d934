//! The HTTP side: `/metrics`, the landing page and the health endpoints. Handlers only read the
//! registry and the current snapshot; nothing here calls ZPA.

pub mod landing;
pub mod listen;
pub mod webconfig;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::metrics::{self, Exposition, Format};
use crate::snapshot::SnapshotStore;

#[derive(Clone)]
pub struct AppState {
    pub exposition: Arc<Exposition>,
    pub store: Arc<SnapshotStore>,
    pub telemetry_path: String,
    /// `--web.max-requests`: one permit per scrape being answered; `None` is no limit.
    pub scrape_slots: Option<Arc<tokio::sync::Semaphore>>,
    /// Where the data comes from, for the landing page.
    pub connection: Arc<landing::Connection>,
}

pub fn router(state: AppState) -> Router {
    let telemetry_path = state.telemetry_path.clone();
    Router::new()
        .route("/", get(landing_page))
        .route(&telemetry_path, get(serve_metrics))
        .route("/-/healthy", get(healthy))
        .route("/-/ready", get(ready))
        .with_state(state)
}

async fn serve_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let header_text = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let format = Format::negotiate(header_text(header::ACCEPT));
    let gzip = metrics::accepts_gzip(header_text(header::ACCEPT_ENCODING));
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
    match state.exposition.scrape(format, gzip).await {
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

/// Rendered afresh on each request from the current snapshot; `no-store`, so a reload (or the
/// back button) never shows an old state.
async fn landing_page(State(state): State<AppState>) -> impl IntoResponse {
    let page = landing::render(
        &state.store.load(),
        &state.connection,
        &state.telemetry_path,
        std::time::SystemTime::now(),
    );
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Html(page),
    )
}

async fn healthy() -> &'static str {
    "Healthy\n"
}

/// Ready once every collector the API key may read has succeeded at least once and no
/// configuration error is known: before that `/metrics` is missing data.
async fn ready(State(state): State<AppState>) -> Response {
    let snapshot = state.store.load();
    if snapshot.ready() {
        return (StatusCode::OK, "Ready\n").into_response();
    }
    let why = match snapshot.config_problem() {
        Some(problem) => format!("configuration error: {problem}"),
        None => {
            let pending: Vec<&str> = snapshot.pending().map(|c| c.name).collect();
            format!("no successful run yet of: {}", pending.join(", "))
        }
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        format!("Not ready: {why}\n"),
    )
        .into_response()
}
