//! The legacy front door's sign-in and sign-out (zpa-api.md §1a): `POST /signin` takes the API
//! key's client id and secret as a form and issues a JWT-shaped token whose `expires_in` is a
//! string; `POST /signout` revokes the bearer token it is called with.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth::TokenKind;
use crate::faults::{FaultKind, SIGNIN, SIGNOUT};
use crate::request::{apply_fault, bearer, finish, form_fields, sign_record, Gate};
use crate::respond::{
    json, only_through_oneapi, signin_failed, truncate, unauthorized, with_headers, zpa_error,
    JSON_UTF8,
};
use crate::Shared;

/// Legacy `/signin` bodies are two short fields; larger ones are refused unread.
const MAX_SIGNIN_BYTES: usize = 16 * 1024;

/// `POST /signin`.
pub(crate) async fn signin(State(shared): State<Arc<Shared>>, body: Body) -> Response {
    let rec = sign_record(&shared, SIGNIN);
    let truncated = match apply_fault(&shared, SIGNIN, &rec).await {
        Gate::Respond(resp) => return finish(&shared, rec, resp),
        Gate::Proceed(kind) => kind == Some(FaultKind::Truncated),
    };
    if shared.oneapi_only.load(Ordering::Relaxed) {
        return finish(&shared, rec, only_through_oneapi());
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_SIGNIN_BYTES).await else {
        let resp = zpa_error(
            &shared,
            StatusCode::PAYLOAD_TOO_LARGE,
            "request.too.large",
            "Request body too large",
        );
        return finish(&shared, rec, resp);
    };
    let form = form_fields(&body);
    let cfg = &shared.cfg;
    let ok = form.get("client_id") == Some(&cfg.client_id)
        && form.get("client_secret") == Some(&cfg.client_secret);
    if !ok {
        return finish(&shared, rec, signin_failed(&shared));
    }
    let token = shared.tokens.issue(
        TokenKind::Legacy,
        &cfg.client_id,
        &cfg.customer_id,
        cfg.token_ttl,
    );
    let mut body = serde_json::json!({
        "token_type": "Bearer",
        "access_token": token,
        "expires_in": cfg.token_ttl.as_secs().to_string(),
    })
    .to_string();
    if truncated {
        body = truncate(&body);
    }
    finish(&shared, rec, json(&shared, StatusCode::OK, body))
}

/// `POST /signout`.
pub(crate) async fn signout(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let rec = sign_record(&shared, SIGNOUT);
    if let Gate::Respond(resp) = apply_fault(&shared, SIGNOUT, &rec).await {
        return finish(&shared, rec, resp);
    }
    if shared.oneapi_only.load(Ordering::Relaxed) {
        return finish(&shared, rec, only_through_oneapi());
    }
    let resp = match bearer(&headers) {
        Some(token) if shared.tokens.kind(token) == Some(TokenKind::Legacy) => {
            shared.tokens.revoke(token);
            with_headers(&shared, StatusCode::OK.into_response(), JSON_UTF8)
        }
        _ => unauthorized(&shared),
    };
    finish(&shared, rec, resp)
}
