//! The HTTP side: the router, the ZPA routes (legacy sign-in, list endpoints) with
//! production-like headers and error bodies, fault application, and the gates every API GET
//! passes. The OneAPI token endpoint lives in [`oneapi`], its gateway in [`gateway`], `/me`
//! and microtenant scope in [`identity`], the `/__sim/` control API in [`control_api`].

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Router};

use crate::auth::TokenKind;
use crate::faults::{FaultKind, SIGNIN, SIGNOUT, TOKEN};
use crate::identity::{self, check_list_scope};
use crate::store::{OwnerFilter, PageQuery, Resource, KNOWN_POLICY_TYPES, POLICY_TYPES};
use crate::{control_api, gateway, oneapi, Control, RequestRecord, Shared};

type St = State<Arc<Shared>>;
type Params = Query<HashMap<String, String>>;

const JSON_UTF8: &str = "application/json;charset=utf-8";
const TOO_MANY: &str = r#"{"exception":"invalid.toomanyrequests","id":"invalid.toomanyrequests","reason":"Exceeded the number of requests allowed."}"#;

/// Legacy `/signin` bodies are two short fields; larger ones are refused unread.
const MAX_SIGNIN_BYTES: usize = 16 * 1024;

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

/// The simulator's routes: the legacy API at `/` (with `/signin`, `/signout`), the same API
/// paths under `/zpa` behind the OneAPI gateway, the OneAPI token endpoint, and `/__sim/`.
pub fn router(control: Control) -> Router {
    let shared = control.shared;
    // Legacy sign-in is not mounted under /zpa: OneAPI has no such route, so there it meets
    // the gateway's 401 (or a 404 with a OneAPI token), as in production.
    let zpa = api_routes()
        .fallback(unknown)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            gateway::gateway,
        ));
    Router::new()
        .merge(
            api_routes()
                .route("/signin", post(signin))
                .route("/signout", post(signout)),
        )
        .nest("/zpa", zpa)
        .route("/oauth2/v1/token", post(oneapi::token))
        .merge(control_api::routes())
        .fallback(unknown)
        .with_state(shared)
}

/// The ZPA API routes both front doors serve.
fn api_routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/mgmtconfig/v1/admin/me", get(identity::me))
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/microtenants/{id}",
            get(identity::microtenant),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/policySet/rules/policyType/{ptype}",
            get(policy_rules),
        )
        .route(
            "/mgmtconfig/v1/admin/customers/{cid}/{resource}",
            get(list_v1),
        )
        .route(
            "/mgmtconfig/v2/admin/customers/{cid}/clientlessCertificate/issued",
            get(clientless),
        )
        .route(
            "/mgmtconfig/v2/admin/customers/{cid}/{resource}",
            get(list_v2),
        )
        .route(
            "/userconfig/v1/customers/{cid}/scimgroup/idpId/{idp}",
            get(scim_groups),
        )
}

// ---------------------------------------------------------------------------------------------
// Responses

fn with_headers(shared: &Shared, mut resp: Response, content_type: &'static str) -> Response {
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

fn too_many(shared: &Shared, retry_after: Option<&str>) -> Response {
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

fn unauthorized(shared: &Shared) -> Response {
    zpa_error(
        shared,
        StatusCode::UNAUTHORIZED,
        "invalid.token",
        "The bearer token is missing, invalid, expired or revoked",
    )
}

fn signin_failed(shared: &Shared) -> Response {
    zpa_error(
        shared,
        StatusCode::UNAUTHORIZED,
        "authentication.failed",
        "Authentication failed: invalid client_id or client_secret",
    )
}

fn status_fault(shared: &Shared, code: u16) -> Response {
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

/// Cuts a body in the middle (on a character boundary), as a dropped connection would.
pub(crate) fn truncate(body: &str) -> String {
    let mut cut = body.len() / 2;
    while !body.is_char_boundary(cut) {
        cut -= 1;
    }
    body[..cut].to_string()
}

// ---------------------------------------------------------------------------------------------
// Fault and gate handling shared by all API routes

/// What the fault stage decided.
pub(crate) enum Gate {
    /// Answer this now.
    Respond(Response),
    /// Carry on; `Some` carries a fault that shapes the normal answer (truncate, repeat page).
    Proceed(Option<FaultKind>),
}

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
        FaultKind::Malformed => json(
            shared,
            StatusCode::OK,
            r#"{"totalPages":"1","totalCount":"2","list":[{"id":"216196257331281921",,}]"#.into(),
        ),
        FaultKind::FeatureDenied => zpa_error(
            shared,
            StatusCode::UNAUTHORIZED,
            "authz.featureflag.permission.denied",
            &format!(
                "Feature flag feature.{endpoint}.config disabled for customer {}",
                shared.cfg.customer_id
            ),
        ),
        FaultKind::Forbidden => status_fault(shared, 403),
        FaultKind::Unauthorized => unauthorized(shared),
        FaultKind::SigninRefused if endpoint == TOKEN => oneapi::refused(shared),
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

/// `bytes` of JSON whitespace, produced chunk by chunk as the client reads, so a body of any size
/// costs the simulator one static chunk.
fn huge_body(status: u16, bytes: u64, chunked: bool) -> Response {
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

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub(crate) fn finish(shared: &Shared, mut rec: RequestRecord, resp: Response) -> Response {
    rec.status = resp.status().as_u16();
    shared.record(rec);
    resp
}

// ---------------------------------------------------------------------------------------------
// Sign-in / sign-out

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
fn form_fields(body: &[u8]) -> HashMap<String, String> {
    form_pairs(body).collect()
}

pub(crate) fn sign_record(shared: &Shared, endpoint: &str) -> RequestRecord {
    RequestRecord::new(shared, "POST", endpoint)
}

async fn signin(State(shared): St, body: Body) -> Response {
    let rec = sign_record(&shared, SIGNIN);
    let truncated = match apply_fault(&shared, SIGNIN, &rec).await {
        Gate::Respond(resp) => return finish(&shared, rec, resp),
        Gate::Proceed(kind) => kind == Some(FaultKind::Truncated),
    };
    if shared.oneapi_only.load(Ordering::Relaxed) {
        return finish(&shared, rec, oneapi::legacy_refused());
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

async fn signout(State(shared): St, headers: HeaderMap) -> Response {
    let rec = sign_record(&shared, SIGNOUT);
    if let Gate::Respond(resp) = apply_fault(&shared, SIGNOUT, &rec).await {
        return finish(&shared, rec, resp);
    }
    if shared.oneapi_only.load(Ordering::Relaxed) {
        return finish(&shared, rec, oneapi::legacy_refused());
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

// ---------------------------------------------------------------------------------------------
// List endpoints

/// Which rows of a resource a list route serves.
enum Scope {
    All,
    /// SCIM groups of one IdP, policy rules of one type.
    Key(String),
    /// A valid request for something the simulator has none of (e.g. SIEM_POLICY rules).
    Nothing,
    /// An invalid one: answer this.
    Reject(Response),
}

fn parse_num(params: &HashMap<String, String>, name: &str) -> Result<Option<u32>, String> {
    match params.get(name) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) => v
            .parse::<u32>()
            .map(Some)
            .map_err(|_| format!("Invalid value {v:?} for {name}")),
    }
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
        return Err(oneapi::legacy_refused());
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

/// What a list handler needs from the request besides its path.
pub(crate) struct Call {
    mount: Mount,
    headers: HeaderMap,
    params: HashMap<String, String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Call {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Query(params) = Params::from_request_parts(parts, state)
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

async fn list(
    shared: Arc<Shared>,
    endpoint: &str,
    res: Option<Resource>,
    cid: &str,
    scope: impl FnOnce(&Shared) -> Scope,
    call: &Call,
) -> Response {
    let Call {
        mount,
        headers,
        params,
    } = call;
    let mount = *mount;
    let page = parse_num(params, "page");
    let pagesize = parse_num(params, "pagesize");
    let microtenant_id = params.get("microtenantId").cloned();
    let rec = get_record(
        &shared,
        endpoint,
        page.as_ref().ok().map(|p| p.unwrap_or(1).max(1)),
        microtenant_id.clone(),
    );
    let Some(res) = res else {
        let resp = zpa_error(
            &shared,
            StatusCode::NOT_FOUND,
            "resource.not.found",
            "resource.not.found",
        );
        return finish(&shared, rec, resp);
    };
    let shaping = match gate_get(&shared, mount, endpoint, &rec, headers, Some(cid)).await {
        Ok(shaping) => shaping,
        Err(resp) => return finish(&shared, rec, resp),
    };
    if let Err(resp) = check_list_scope(&shared, res, microtenant_id.as_deref()) {
        return finish(&shared, rec, *resp);
    }
    let (page, pagesize) = match (page, pagesize) {
        (Ok(p), Ok(s)) => (p.unwrap_or(1).max(1), s.unwrap_or(20).clamp(1, 500)),
        (Err(e), _) | (_, Err(e)) => {
            let resp = zpa_error(&shared, StatusCode::BAD_REQUEST, "bad.request", &e);
            return finish(&shared, rec, resp);
        }
    };
    let key = match scope(&shared) {
        Scope::All => None,
        Scope::Key(k) => Some(k),
        Scope::Nothing => {
            let body = if res.numeric_envelope() {
                r#"{"totalPages":0,"totalCount":0}"#
            } else {
                r#"{"totalPages":"0","totalCount":"0"}"#
            };
            return finish(&shared, rec, json(&shared, StatusCode::OK, body.into()));
        }
        Scope::Reject(resp) => return finish(&shared, rec, resp),
    };
    let query = PageQuery {
        owner: OwnerFilter::from_query(microtenant_id.as_deref()),
        key: key.as_deref(),
        page,
        pagesize,
        repeat: shaping == Some(FaultKind::RepeatPage),
    };
    let mut body = shared.read_store().render_page(res, &query);
    if shaping == Some(FaultKind::Truncated) {
        body = truncate(&body);
    }
    finish(&shared, rec, json(&shared, StatusCode::OK, body))
}

const V1: [Resource; 8] = [
    Resource::Microtenants,
    Resource::Application,
    Resource::Connector,
    Resource::ServiceEdge,
    Resource::AppConnectorGroup,
    Resource::ServiceEdgeGroup,
    Resource::SegmentGroup,
    Resource::ServerGroup,
];

async fn list_v1(
    State(shared): St,
    Path((cid, resource)): Path<(String, String)>,
    call: Call,
) -> Response {
    list_named(shared, &cid, &resource, &V1, &call).await
}

async fn list_v2(
    State(shared): St,
    Path((cid, resource)): Path<(String, String)>,
    call: Call,
) -> Response {
    const V2: [Resource; 2] = [Resource::EnrollmentCert, Resource::Idp];
    list_named(shared, &cid, &resource, &V2, &call).await
}

/// A list route whose last path segment names the resource, among `known`.
async fn list_named(
    shared: Arc<Shared>,
    cid: &str,
    resource: &str,
    known: &[Resource],
    call: &Call,
) -> Response {
    let res = known.iter().copied().find(|r| r.name() == resource);
    let endpoint = if res.is_some() { resource } else { "unknown" };
    list(shared, endpoint, res, cid, |_| Scope::All, call).await
}

async fn clientless(State(shared): St, Path(cid): Path<String>, call: Call) -> Response {
    let res = Resource::ClientlessCertificate;
    list(shared, res.name(), Some(res), &cid, |_| Scope::All, &call).await
}

async fn scim_groups(
    State(shared): St,
    Path((cid, idp)): Path<(String, String)>,
    call: Call,
) -> Response {
    let res = Resource::ScimGroup;
    let scope = |shared: &Shared| {
        if shared.read_store().get(Resource::Idp, &idp).is_some() {
            Scope::Key(idp.clone())
        } else {
            let body = serde_json::json!({
                "params": ["idpId"], "id": "resource.not.found", "reason": "resource.not.found"
            });
            Scope::Reject(json(shared, StatusCode::BAD_REQUEST, body.to_string()))
        }
    };
    list(shared.clone(), res.name(), Some(res), &cid, scope, &call).await
}

async fn policy_rules(
    State(shared): St,
    Path((cid, ptype)): Path<(String, String)>,
    call: Call,
) -> Response {
    let res = Resource::PolicyRules;
    let scope = |shared: &Shared| {
        if POLICY_TYPES.iter().any(|(name, _, _)| *name == ptype) {
            Scope::Key(ptype.clone())
        } else if KNOWN_POLICY_TYPES.contains(&ptype.as_str()) {
            Scope::Nothing
        } else {
            Scope::Reject(zpa_error(
                shared,
                StatusCode::BAD_REQUEST,
                "invalid.policy.type",
                &format!("Invalid policy type {ptype}"),
            ))
        }
    };
    list(shared.clone(), res.name(), Some(res), &cid, scope, &call).await
}

async fn unknown(State(shared): St, method: Method, uri: Uri) -> Response {
    let resp = zpa_error(
        &shared,
        StatusCode::NOT_FOUND,
        "resource.not.found",
        &format!("No route for {} {}", method, uri.path()),
    );
    if uri.path().starts_with("/__sim/") {
        return resp;
    }
    let rec = RequestRecord::new(&shared, method.as_str(), "unknown");
    finish(&shared, rec, resp)
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

    #[test]
    fn truncation_respects_utf8() {
        let s = "{\"name\":\"給与システム\"}";
        let t = truncate(s);
        assert!(t.len() < s.len() && s.starts_with(&t));
    }
}
