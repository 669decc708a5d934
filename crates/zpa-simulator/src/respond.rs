//! How the simulator answers, whatever the route: ZPA's headers, its error bodies (`{"id":…,
//! "reason":…}`), the rate-limit 429, the answers faults call for (a status, a cut or endless
//! body), and the plain-text refusal a OneAPI-only tenant's legacy front door sends. It knows no
//! route; every route module builds its answers from these.

use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::Shared;

pub(crate) const JSON_UTF8: &str = "application/json;charset=utf-8";
const TOO_MANY: &str = r#"{"exception":"invalid.toomanyrequests","id":"invalid.toomanyrequests","reason":"Exceeded the number of requests allowed."}"#;

/// The headers every ZPA answer carries (zpa-api.md §1b), with a fresh transaction id.
pub(crate) fn with_headers(
    shared: &Shared,
    mut resp: Response,
    content_type: &'static str,
) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::SERVER, HeaderValue::from_static("Zscaler"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let n = shared.transactions.fetch_add(1, Ordering::Relaxed);
    if let Ok(v) = HeaderValue::from_str(&format!("{:08x}-{n:012x}", shared.cfg.seed as u32)) {
        h.insert("x-transaction-id", v);
    }
    resp
}

pub(crate) fn json(shared: &Shared, status: StatusCode, body: String) -> Response {
    with_headers(shared, (status, body).into_response(), JSON_UTF8)
}

pub(crate) fn zpa_error(shared: &Shared, status: StatusCode, id: &str, reason: &str) -> Response {
    let body = serde_json::json!({"id": id, "reason": reason}).to_string();
    json(shared, status, body)
}

/// ZPA's "not found" for an object read by id: a 400, not a 404, naming what was asked for
/// (zpa-api.md §4, §9.7; the body of zscaler-terraformer issue #270).
pub(crate) fn object_not_found(shared: &Shared, param: &str) -> Response {
    let body = serde_json::json!({
        "id": "resource.not.found", "reason": "resource.not.found", "params": [param]
    });
    json(shared, StatusCode::BAD_REQUEST, body.to_string())
}

/// A parameter ZPA cannot use (a page number that is no number, a search it cannot parse).
pub(crate) fn bad_request(shared: &Shared, reason: &str) -> Response {
    zpa_error(shared, StatusCode::BAD_REQUEST, "bad.request", reason)
}

/// What an unlicensed feature answers (zpa-api.md §4: 401, not 403, with this id; the reason
/// names the feature flag, as production's "Feature flag feature.ddil.config disabled for
/// customer …" does).
pub(crate) fn feature_denied(shared: &Shared, flag: &str) -> Response {
    zpa_error(
        shared,
        StatusCode::UNAUTHORIZED,
        "authz.featureflag.permission.denied",
        &format!(
            "Feature flag feature.{flag}.config disabled for customer {}",
            shared.cfg.customer_id
        ),
    )
}

/// The real 429 body; `retry-after` carries its unit (`4s`), as production's does.
pub(crate) fn too_many(shared: &Shared, retry_after: Option<&str>) -> Response {
    let mut resp = with_headers(
        shared,
        (StatusCode::TOO_MANY_REQUESTS, TOO_MANY).into_response(),
        "application/json",
    );
    if let Some(v) = retry_after.and_then(|v| HeaderValue::from_str(v).ok()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

pub(crate) fn unauthorized(shared: &Shared) -> Response {
    zpa_error(
        shared,
        StatusCode::UNAUTHORIZED,
        "invalid.token",
        "The bearer token is missing, invalid, expired or revoked",
    )
}

pub(crate) fn signin_failed(shared: &Shared) -> Response {
    zpa_error(
        shared,
        StatusCode::UNAUTHORIZED,
        "authentication.failed",
        "Authentication failed: invalid client_id or client_secret",
    )
}

/// A `status` fault's answer: that status with the error id ZPA uses for it.
pub(crate) fn status_fault(shared: &Shared, code: u16) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (id, reason) = match status.as_u16() {
        // A bare 429 without retry-after: clients must cope with neither header.
        429 => return too_many(shared, None),
        400 => ("bad.request", "Bad request"),
        401 => (
            "invalid.token",
            "The bearer token is missing, invalid, expired or revoked",
        ),
        403 => ("authz.access.denied", "Access denied"),
        404 => ("resource.not.found", "resource.not.found"),
        409 => (
            "api.concurrent.access.error",
            "Unable to modify the resource due to concurrent change requests. Try again",
        ),
        500 => ("internal.server.error", "Internal server error"),
        502 => ("bad.gateway", "Bad gateway"),
        503 => (
            "service.unavailable",
            "The service is temporarily unavailable",
        ),
        504 => ("gateway.timeout", "Gateway timeout"),
        _ => ("simulated.error", "Simulated failure"),
    };
    zpa_error(shared, status, id, reason)
}

/// 200 with a body that is not JSON (the `malformed` fault).
pub(crate) fn malformed(shared: &Shared) -> Response {
    json(
        shared,
        StatusCode::OK,
        r#"{"totalPages":"1","totalCount":"2","list":[{"id":"216196257331281921",,}]"#.into(),
    )
}

/// Cuts a body in the middle (on a character boundary), as a dropped connection would.
pub(crate) fn truncate(body: &str) -> String {
    let mut cut = body.len() / 2;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    body[..cut].to_string()
}

/// `bytes` of JSON whitespace, produced chunk by chunk as the client reads, so a body of any size
/// costs the simulator one static chunk.
pub(crate) fn huge_body(status: u16, bytes: u64, chunked: bool) -> Response {
    static FILLER: [u8; 64 * 1024] = [b' '; 64 * 1024];
    let chunk = FILLER.len() as u64;
    let chunks = (0..bytes.div_ceil(chunk)).map(move |i| {
        let len = (bytes - i * chunk).min(chunk) as usize;
        Ok::<_, std::convert::Infallible>(&FILLER[..len])
    });
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
    *resp.status_mut() = status;
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if !chunked {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes));
    }
    resp
}

/// What the legacy front door of a tenant migrated to ZIdentity answers, to sign-in and API
/// calls alike.
///
/// Where the shape comes from: no recording of it exists (zpa-api.md §1a, §10). Zscaler's Go SDK
/// (`zscaler/errorx/errors.go`, `CheckErrorInResponse`, HEAD 4371c9b) matches any non-2xx answer
/// whose `Content-Type` does not contain `application/json` and whose body contains "only
/// through zscaler oneapi" (case-insensitive), and turns it into a synthetic 401 with code
/// `ONLY_ONEAPI_SUPPORTED` whatever the real status was; its ZIA client does the same on bodies
/// that are not JSON. The wording here is the sentence zscaler-terraformer's `cmd/import.go`
/// matches ("This API endpoint can be accessed only through Zscaler OneAPI"). The real status
/// is unknown; 403 and a non-JSON type follow the only example written down, the SDK's unit
/// test of this path (`errorx` tests of a later revision: 403, `text/html`).
///
/// Legacy tokens issued before the switch are refused too: the SDK looks for this answer in
/// its generic response check for every ZPA API call (`zscaler/zpa/v2_client.go`), not only at
/// sign-in, so production evidently enforces it per request at the legacy front door rather
/// than by declining new sign-ins.
pub(crate) fn only_through_oneapi() -> Response {
    let mut resp = (
        StatusCode::FORBIDDEN,
        "This API endpoint can be accessed only through Zscaler OneAPI",
    )
        .into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain;charset=UTF-8"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_utf8() {
        let s = "{\"name\":\"給与システム\"}";
        let t = truncate(s);
        assert!(t.len() < s.len() && s.starts_with(&t));
    }
}
