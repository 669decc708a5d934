//! What every route reads from a request and the gates it passes before its own logic: which
//! front door it came through ([`Mount`]), its bearer token, form decoding, the fault stage, the
//! checks of an API GET (token, customer id, rate limit), and the record kept of it. It knows no
//! route; the route modules call it.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth::TokenKind;
use crate::faults::{FaultKind, TOKEN};
use crate::respond::{
    feature_denied, huge_body, malformed, only_through_oneapi, signin_failed, status_fault,
    too_many, unauthorized, zpa_error,
};
use crate::{RequestRecord, Shared};

/// Which front door a request came through: the legacy API at `/`, or the OneAPI gateway at
/// `/zpa` (the gateway puts [`Mount::OneApi`] into the request's extensions). Each accepts only
/// the tokens its own sign-in issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mount {
    Legacy,
    OneApi,
}

impl Mount {
    fn token_kind(self) -> TokenKind {
        match self {
            Mount::Legacy => TokenKind::Legacy,
            Mount::OneApi => TokenKind::OneApi,
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Mount {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Mount>()
            .copied()
            .unwrap_or(Mount::Legacy))
    }
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `application/x-www-form-urlencoded` decoding into name/value pairs, in order (also used for
/// query strings).
pub(crate) fn form_pairs(body: &[u8]) -> impl Iterator<Item = (String, String)> + '_ {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = |c: u8| (c as char).to_digit(16);
                    match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let p = String::from_utf8_lossy(p);
            let (k, v) = p.split_once('=').unwrap_or((&p, ""));
            (decode(k), decode(v))
        })
}

/// The fields of a form; a repeated name keeps its last value.
pub(crate) fn form_fields(body: &[u8]) -> HashMap<String, String> {
    form_pairs(body).collect()
}

/// Records the request with the status it is answered with.
pub(crate) fn finish(shared: &Shared, mut rec: RequestRecord, resp: Response) -> Response {
    rec.status = resp.status().as_u16();
    shared.record(rec);
    resp
}

/// A sign-in's (legacy or OneAPI) log record, before its status is known.
pub(crate) fn sign_record(shared: &Shared, endpoint: &str) -> RequestRecord {
    RequestRecord::new(shared, "POST", endpoint)
}

/// A GET's log record, before its status is known.
pub(crate) fn get_record(
    shared: &Shared,
    endpoint: &str,
    page: Option<u32>,
    microtenant_id: Option<String>,
) -> RequestRecord {
    RequestRecord {
        page,
        microtenant_id,
        ..RequestRecord::new(shared, "GET", endpoint)
    }
}

/// What the fault stage decided.
pub(crate) enum Gate {
    /// Answer this now.
    Respond(Response),
    /// Carry on; `Some` carries a fault that shapes the normal answer (truncate, repeat page,
    /// the token endpoint's refusal).
    Proceed(Option<FaultKind>),
}

/// Takes the first fault rule matching `endpoint` and turns it into an answer, a delay, or a
/// note for the route to shape its answer by.
pub(crate) async fn apply_fault(shared: &Shared, endpoint: &str, rec: &RequestRecord) -> Gate {
    let Some(kind) = shared.faults.take(endpoint) else {
        return Gate::Proceed(None);
    };
    let resp = match kind {
        FaultKind::Status(code) => status_fault(shared, code),
        FaultKind::RateLimit { retry_after } => too_many(shared, Some(&retry_after)),
        FaultKind::Delay(d) => {
            let mut stop = shared.shutdown.subscribe();
            tokio::select! {
                _ = tokio::time::sleep(d) => return Gate::Proceed(None),
                _ = stop.wait_for(|s| *s) => status_fault(shared, 503),
            }
        }
        FaultKind::Hang => {
            // Recorded now: a hung request may never finish.
            shared.record(RequestRecord {
                status: 0,
                ..rec.clone()
            });
            let mut stop = shared.shutdown.subscribe();
            let _ = stop.wait_for(|s| *s).await;
            return Gate::Respond(status_fault(shared, 503));
        }
        FaultKind::Malformed => malformed(shared),
        FaultKind::FeatureDenied => feature_denied(shared, endpoint),
        FaultKind::Forbidden => status_fault(shared, 403),
        FaultKind::Unauthorized => unauthorized(shared),
        // The token endpoint refuses in OAuth2's words, which only it knows.
        FaultKind::SigninRefused if endpoint == TOKEN => return Gate::Proceed(Some(kind)),
        FaultKind::SigninRefused => signin_failed(shared),
        FaultKind::HugeBody {
            status,
            bytes,
            chunked,
        } => huge_body(status, bytes, chunked),
        FaultKind::Truncated | FaultKind::RepeatPage => return Gate::Proceed(Some(kind)),
    };
    Gate::Respond(resp)
}

/// The gates every API GET passes after the OneAPI gateway (if any), in order: fault rules,
/// the OneAPI-only refusal (legacy mount), bearer token of this mount's kind (401), customer id
/// (403, when the path carries one), rate limit (429). `Ok` carries a fault that shapes the
/// normal answer; `Err` is the answer.
pub(crate) async fn gate_get(
    shared: &Shared,
    mount: Mount,
    endpoint: &str,
    rec: &RequestRecord,
    headers: &HeaderMap,
    cid: Option<&str>,
) -> Result<Option<FaultKind>, Response> {
    let shaping = match apply_fault(shared, endpoint, rec).await {
        Gate::Respond(resp) => return Err(resp),
        Gate::Proceed(kind) => kind,
    };
    if mount == Mount::Legacy && shared.oneapi_only.load(Ordering::Relaxed) {
        return Err(only_through_oneapi());
    }
    if !bearer(headers).is_some_and(|t| shared.tokens.kind(t) == Some(mount.token_kind())) {
        return Err(unauthorized(shared));
    }
    if let Some(cid) = cid.filter(|cid| *cid != shared.cfg.customer_id) {
        return Err(zpa_error(
            shared,
            StatusCode::FORBIDDEN,
            "customer.not.authorized",
            &format!("The token is not valid for customer {cid}"),
        ));
    }
    if let Err(quota) = shared.rate.check() {
        let secs = quota.reset_secs().max(1);
        return Err(too_many(shared, Some(&format!("{secs}s"))));
    }
    Ok(shaping)
}

/// What an API GET handler needs from the request besides its path.
pub(crate) struct Call {
    pub mount: Mount,
    pub headers: HeaderMap,
    pub params: HashMap<String, String>,
}

impl Call {
    /// The `microtenantId` query parameter, as sent.
    pub fn microtenant_id(&self) -> Option<String> {
        self.params.get("microtenantId").cloned()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Call {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(params) = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Ok(mount) = Mount::from_request_parts(parts, state).await;
        Ok(Call {
            mount,
            headers: parts.headers.clone(),
            params,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding() {
        let f = form_fields(b"client_id=a%2Bb&client_secret=x+y%3D%3D&empty=&bad=%zz");
        assert_eq!(f["client_id"], "a+b");
        assert_eq!(f["client_secret"], "x y==");
        assert_eq!(f["empty"], "");
        assert_eq!(f["bad"], "%zz");
    }
}
