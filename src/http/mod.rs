//! The HTTP side: `/metrics`, the landing page and the health endpoints. Handlers only read the
//! registry and the current snapshot; nothing here calls ZPA.

pub mod landing;
pub mod webconfig;

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::registry::Registry;

use crate::metrics::{self, Format};
use crate::snapshot::SnapshotStore;

#[derive(Clone)]
pub struct AppState {
    pub registry: Arc<Registry>,
    pub store: Arc<SnapshotStore>,
    pub telemetry_path: String,
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
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let format = Format::negotiate(accept);
    match metrics::encode(&state.registry, format) {
        Ok(body) => ([(header::CONTENT_TYPE, format.content_type())], body).into_response(),
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

async fn landing_page(State(state): State<AppState>) -> Html<String> {
    Html(landing::render(&state.store.load(), &state.telemetry_path))
}

async fn healthy() -> &'static str {
    "Healthy\n"
}

/// Ready once a poll cycle has succeeded for every collector: before that `/metrics` has no data.
async fn ready(State(state): State<AppState>) -> Response {
    if state.store.load().ever_succeeded {
        (StatusCode::OK, "Ready\n").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "Not ready: no successful poll of the ZPA API yet\n",
        )
            .into_response()
    }
}
