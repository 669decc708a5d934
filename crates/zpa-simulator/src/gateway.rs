//! The OneAPI gateway in front of `/zpa/...` (zpa-api.md §1b, §3a, §4): it accepts only live
//! OneAPI tokens (its own 401 otherwise), counts every request it lets through against a
//! per-client quota (a 429 without `retry-after` when spent), and stamps its `x-oneapi-*` and
//! `x-ratelimit-*` headers on the ZPA answer behind it, success or error.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::{Quota, TokenKind};
use crate::request::{bearer, finish, form_pairs, Mount};
use crate::{RequestRecord, Shared};

/// Endpoint name of requests the gateway itself answers (401, 429), in stats and the log.
pub const GATEWAY: &str = "gateway";
/// As in the recordings (zpa-api.md §1b).
const ONEAPI_HOST: &str = "https://apiusw2.zsapi.net";
const ONEAPI_VERSION: &str = "109.1.146";
const GATEWAY_401: &str = r#"{"detail":"unauthorized","type":"","title":"","status":""}"#;
/// No recording shows the gateway's own 429; this reuses the shape of its 401.
const GATEWAY_429: &str = r#"{"detail":"too many requests","type":"","title":"","status":""}"#;

/// A request id in the shape production sends (`5a98bb18-4e47-9e3e-ab46-adb7bd924a36`).
fn request_id() -> String {
    let n = fastrand::u128(..);
    let hex = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn set(h: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        h.insert(name, v);
    }
}

/// The headers of every answer the gateway lets through or makes on quota grounds.
fn gateway_headers(h: &mut HeaderMap, request_id: &str, q: &Quota) {
    set(h, "x-oneapi-host", ONEAPI_HOST);
    set(h, "x-oneapi-request-id", request_id);
    set(h, "x-oneapi-version", ONEAPI_VERSION);
    let window = q.window.as_secs().max(1);
    set(
        h,
        "x-ratelimit-limit",
        &format!("{}, {};w={window}", q.limit, q.limit),
    );
    set(h, "x-ratelimit-remaining", &q.remaining.to_string());
    set(h, "x-ratelimit-reset", &q.reset_secs().to_string());
}

/// The gateway's own 401, as recorded (zpa-api.md §4: body and these three headers). It carries
/// no rate-limit headers: an unauthenticated request has no client, hence no quota.
fn gateway_unauthorized(request_id: &str) -> Response {
    let mut resp = (StatusCode::UNAUTHORIZED, GATEWAY_401).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    set(h, "x-oneapi-api-category", "public");
    set(h, "x-oneapi-host", ONEAPI_HOST);
    set(h, "x-oneapi-request-id", request_id);
    resp
}

/// Quota exhausted: 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`, and on purpose
/// no `retry-after`, so clients must fall back to `x-ratelimit-reset` (as GO and PY do, §3b).
fn gateway_too_many(request_id: &str, q: &Quota) -> Response {
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, GATEWAY_429).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    gateway_headers(h, request_id, q);
    resp
}

/// Middleware on the `/zpa` routes: only live OneAPI tokens pass, each passing request counts
/// against the quota, and the ZPA answer behind it gets the gateway headers.
pub(crate) async fn gateway(
    State(shared): State<Arc<Shared>>,
    mut req: Request,
    next: Next,
) -> Response {
    let id = request_id();
    let rec = || RequestRecord {
        microtenant_id: req.uri().query().and_then(|q| {
            form_pairs(q.as_bytes())
                .find(|(k, _)| k == "microtenantId")
                .map(|(_, v)| v)
        }),
        ..RequestRecord::new(&shared, req.method().as_str(), GATEWAY)
    };
    let authorised =
        bearer(req.headers()).is_some_and(|t| shared.tokens.kind(t) == Some(TokenKind::OneApi));
    if !authorised {
        let rec = rec();
        return finish(&shared, rec, gateway_unauthorized(&id));
    }
    let q = shared
        .gateway_rate
        .take()
        .expect("the gateway's limiter is built with the configured quota");
    if !q.allowed {
        let rec = rec();
        return finish(&shared, rec, gateway_too_many(&id, &q));
    }
    req.extensions_mut().insert(Mount::OneApi);
    let mut resp = next.run(req).await;
    gateway_headers(resp.headers_mut(), &id, &q);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_production() {
        let id = request_id();
        let parts: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12], "{id}");
        assert_ne!(id, request_id());
    }
}
