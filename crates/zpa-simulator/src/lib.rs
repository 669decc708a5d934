//! A ZPA management API look-alike: a real HTTP server that tests, benchmarks and the exporter's
//! `--demo` mode run against. It serves a generated tenant (see [`tenant`]) in the exact shapes
//! of the recorded production responses, through both front doors ZPA has (the legacy API key
//! sign-in, and OneAPI: ZIdentity OAuth2 plus the API gateway), enforces sign-in and the rate
//! limits like production, and can be made to misbehave on purpose ([`Fault`]).
//!
//! # Legacy front door (routes at `/`)
//!
//! * `POST /signin`, form `client_id`, `client_secret` → `{"token_type":"Bearer",
//!   "access_token":"<JWT>","expires_in":"3600"}` (a string, as legacy ZPA sends it); wrong
//!   credentials → 401 `{"id":"authentication.failed",…}`. Bodies over 16 KiB → 413.
//! * `POST /signout` with the bearer token → 200, token invalidated.
//! * The API routes below accept legacy tokens only; a OneAPI token gets ZPA's 401.
//! * A OneAPI-only tenant ([`SimulatorConfig::oneapi_only`]) refuses every legacy request,
//!   sign-in included and whatever token it carries, with 403 `text/plain` "This API endpoint
//!   can be accessed only through Zscaler OneAPI" (right after the fault rules). Zscaler's Go
//!   SDK recognises any non-2xx, non-JSON answer containing "only through zscaler oneapi" and
//!   reports it as a 401 `ONLY_ONEAPI_SUPPORTED` (see `respond::only_through_oneapi`).
//!
//! # OneAPI front door
//!
//! * `POST /oauth2/v1/token` (endpoint name `token`; production serves it on
//!   `{vanity}.zslogin.net`), form `grant_type=client_credentials`, `client_id`,
//!   `audience=https://api.zscaler.com` and either `client_secret` or `client_assertion` +
//!   `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer` (an RS256
//!   JWT with `iss` = `sub` = client id, `aud` = the audience, not expired; verified against
//!   [`OneApiConfig::public_key_pem`]) → `{"access_token":"<JWT>","token_type":"Bearer",
//!   "expires_in":86399}` (a number). Headers as production's: `content-type:
//!   application/json;charset=UTF-8`, `server: ingress-gateway`, `x-ratelimit-limit: 500,
//!   500;w=1, 100000;w=60`, `x-ratelimit-remaining`, `x-ratelimit-reset`. Failures are OAuth2
//!   errors `{"error","error_description"}`: `invalid_client` 401 (bad id, secret or
//!   assertion), `invalid_request` 400 (missing/repeated fields, wrong audience, not a form,
//!   oversized assertion), `unsupported_grant_type` 400, 413 for a body over 16 KiB. Nothing the
//!   client sent is echoed.
//! * `/zpa/...`: the API routes below behind the gateway, which accepts OneAPI tokens only. A
//!   missing, invalid or legacy token → the gateway's 401 `{"detail":"unauthorized","type":"",
//!   "title":"","status":""}` with `x-oneapi-api-category: public`, `x-oneapi-host`,
//!   `x-oneapi-request-id` (endpoint name `gateway`; `/zpa/signin` is one of these). Every
//!   request it lets through counts against [`OneApiConfig::gateway_quota`] (default 5000 per
//!   fixed 60 s window), and its answer, success or ZPA error, carries `x-oneapi-host`,
//!   `x-oneapi-request-id`, `x-oneapi-version`, `x-ratelimit-limit: N, N;w=<window s>`,
//!   `x-ratelimit-remaining`, `x-ratelimit-reset` (seconds until the window ends). Quota spent
//!   → 429 with `x-ratelimit-remaining: 0` and no `retry-after` (endpoint name `gateway`).
//!   ZPA's own 20-GET limit still applies behind it, with its `retry-after`.
//!
//! # API routes (both front doors)
//!
//! * List endpoints (`GET`, bearer token required, `{cid}` must be the configured customer id):
//!   `/mgmtconfig/v1/admin/customers/{cid}/{microtenants|application|connector|serviceEdge|
//!   appConnectorGroup|serviceEdgeGroup|segmentGroup|serverGroup|privateCloudController|
//!   privateCloudControllerGroup}`,
//!   `/mgmtconfig/v2/admin/customers/{cid}/{clientlessCertificate/issued|enrollmentCert|idp|
//!   lssConfig}`,
//!   `/mgmtconfig/v1/admin/customers/{cid}/associationType/{CONNECTOR_GRP|SERVICE_EDGE_GRP}/
//!   provisioningKey` (endpoint name `provisioningKey`; `NP_ASSISTANT_GRP` lists empty, other
//!   types → 400), `/mgmtconfig/v1/admin/customers/{cid}/policySet/rules/policyType/{TYPE}`
//!   (ACCESS_POLICY, TIMEOUT_POLICY, CLIENT_FORWARDING_POLICY, ISOLATION_POLICY,
//!   INSPECTION_POLICY; other known types list empty) and
//!   `/userconfig/v1/customers/{cid}/scimgroup/idpId/{idpId}` (real JSON numbers; an unknown IdP
//!   → 400 `resource.not.found`).
//! * Shapes without a recording follow the help pages' examples (zpa-api.md): log receivers
//!   (`lssConfig`: `config.{sourceLogType,lssHost,lssPort (a string),useTls,enabled}`,
//!   `connectorGroups[]`, `policyRule`), Private Cloud Controllers (an App Connector's runtime
//!   fields plus `privateCloudControllerGroupId/Name`) and their groups (`siteControllers[]`
//!   with µs times in `siteControllerVersion`); provisioning keys follow the recording plus
//!   `expirationInEpochSec` (Go SDK name) on keys that expire.
//! * `search` on every list: `<field> <OP> <value>` (`EQ`, `NE`, `LIKE`, `GT`, `LT`, `GTEQ`,
//!   `LTEQ`; clauses joined by `AND`; spaces or `+` between words, so the SDKs'
//!   `name%2BEQ%2B<value>` works); only matching objects are paged and counted. Anything else
//!   → 400 `bad.request`; SCIM groups take a plain string matched against the name. Details in
//!   `search.rs`.
//! * Single objects (endpoint name `<resource>/{id}`, e.g. `application/{id}`), the object
//!   exactly as listed: `/mgmtconfig/v1/admin/customers/{cid}/{resource}/{id}` for the v1 lists
//!   above plus `certificate/{id}`, `enrollmentCert/{id}` and `idp/{id}` (v1, as ZPA reads
//!   them), `/mgmtconfig/v2/admin/customers/{cid}/lssConfig/{id}`,
//!   `…/associationType/{TYPE}/provisioningKey/{id}`, `…/policySet/{policySetId}/rule/{id}`,
//!   `/userconfig/v1/customers/{cid}/scimgroup/{id}`. Unknown id (or one outside the
//!   `microtenantId` asked for, or under another association type or policy set) → 400
//!   `{"id":"resource.not.found","reason":"resource.not.found","params":["<id>"]}`.
//! * `GET /mgmtconfig/v1/admin/customers/{cid}/application/count/currentAndMaxLimit` (endpoint
//!   name `applicationLimit`) → `{"currentAppsCount":"<segments held now>","maxAppsLimit":"<
//!   SimulatorConfig::max_applications>"}`.
//! * Unlicensed features ([`SimulatorConfig::unlicensed`], [`Feature`]): `privateCloud`
//!   (both Private Cloud Controller endpoints) and `logStreaming` (`lssConfig`) answer lists
//!   and reads by id with 401 `{"id":"authz.featureflag.permission.denied","reason":"Feature
//!   flag feature.ddil.config disabled for customer <cid>"}` (`feature.lss.config` for LSS).
//! * Paging: `page` (1-based, default 1), `pagesize` (default 20, clamped to 1..=500). Envelope
//!   `{"totalPages":"N","totalCount":"N","list":[…]}`; `list` is omitted past the last page and
//!   for an empty collection (`{"totalPages":"0","totalCount":"0"}`). `microtenantId`: `0` =
//!   Default only, an id = that microtenant only, absent = all (ignored by IdPs, enrollment
//!   certificates, SCIM groups and policy rules, which are not microtenant-scoped). An id that
//!   names no microtenant → 403 `{"id":"authz.access.denied",…}`; with a microtenant-scoped key
//!   ([`SimulatorConfig::key_microtenant`]) every scoped list must name exactly that
//!   microtenant, else the same 403.
//! * `GET /mgmtconfig/v1/admin/me` (endpoint name `me`) → `{"customerId","customerName"}`, plus
//!   `microtenantId`/`microtenantName` for a microtenant-scoped key.
//! * `GET /mgmtconfig/v1/admin/customers/{cid}/microtenants/{id}` (endpoint name `microtenant`)
//!   → the object as listed (`0` = Default); unknown → 400
//!   `{"id":"resource.not.found","reason":"resource.not.found","params":["<id>"]}`; another
//!   microtenant than a scoped key's → 403.
//! * Rate limit: at most `rate_limit.0` API GETs (lists, single objects, `me`) per fixed window
//!   of `rate_limit.1` starting at the first GET → 429 with the real body and
//!   `retry-after: <seconds>s`. Sign-in (`/signin`, `/oauth2/v1/token`) and the control API do
//!   not count.
//! * Order of checks per request: (under `/zpa`: gateway token, gateway quota), fault rules,
//!   (legacy routes: the OneAPI-only refusal), bearer token (401), customer id (403), rate
//!   limit (429), licence (401), microtenant scope (403), parameters and `search` (400), then
//!   the page or object.
//!
//! # Control API (JSON, no auth; never counted, rate-limited or faulted)
//!
//! * Several tenants in one process ([`tenants`], `--tenants N`): `GET /__sim/tenants` lists
//!   them and `/__sim/tenants/{customerId}/…` is one tenant's control API (e.g. its faults).
//! * `POST /__sim/faults` a [`Fault`] or an array of them (JSON form in [`faults`]);
//!   `GET /__sim/faults` lists the active ones; `DELETE /__sim/faults` clears them.
//! * `POST /__sim/tokens/revoke`: every issued token, legacy and OneAPI, becomes invalid.
//! * `POST /__sim/oneapi-only` `{"enabled":true}` makes the tenant OneAPI-only (`false`
//!   undoes it) → 204; `GET /__sim/oneapi-only` → `{"enabled":…}`.
//! * `GET /__sim/stats` → `{"requests":{"application":3,…},"statuses":{"application":{"200":3}}}`;
//!   `GET /__sim/requests` → the recent request log; `DELETE /__sim/stats` resets both.
//! * `GET /__sim/objects/{resource}` → array; `POST` an object → 201 `{"id":"…"}` (id
//!   generated when absent; an existing id is replaced); `PATCH /__sim/objects/{resource}/{id}`
//!   with a JSON merge patch (RFC 7386) → 204; `DELETE …/{id}` → 204; 404 when unknown.
//!   Resources are named like the endpoints (`application`, `connector`, `microtenants`, `idp`,
//!   `scimgroup`, `provisioningKey`, `lssConfig`, `privateCloudController`, …); policy rules are
//!   `policyRules` and need a `policyType`, given as the name (`"ACCESS_POLICY"`) or ZPA's
//!   numeric string (`"1"`); it is stored as the number. A provisioning key needs an
//!   `associationType` (`CONNECTOR_GRP`, `SERVICE_EDGE_GRP`), kept out of the served object.
//! * `POST /__sim/connectors/{id}/status` `{"status":"ZPN_STATUS_DISCONNECTED"}` (or `null` to
//!   remove the field, as for a never-connected connector); also accepts a service edge id.
//! * `POST /__sim/certificates/{resource}/{id}/expire`: `validToInEpochSec` (or, for an `idp`,
//!   every `certificates[].validToInSec`) becomes now − 1 s.
//!
//! # Log Streaming Service
//!
//! [`lss`] streams LSS records of the same generated tenant to a log receiver (the binary's
//! `lss` subcommand, and [`lss::spawn_demo_streams`] for the exporter's `--demo`).

#![forbid(unsafe_code)]

mod auth;
mod control_api;
pub mod faults;
mod gateway;
mod identity;
mod json_text;
mod licence;
mod lists;
pub mod lss;
mod objects;
mod oneapi;
mod request;
mod respond;
mod router;
mod search;
mod signin;
pub mod store;
pub mod tenant;
pub mod tenants;

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use crate::faults::{Fault, FaultKind};
pub use crate::licence::Feature;
pub use crate::oneapi::{OneApiConfig, ASSERTION_TYPE, AUDIENCE};
pub use crate::router::router;
use crate::store::{Resource, Store};
pub use crate::tenants::{spawn_tenants, RunningTenants};

/// The tenant to simulate and how the server behaves. `Debug` leaves the client secret out.
#[derive(Clone)]
pub struct SimulatorConfig {
    /// Same seed, same tenant (on the same UTC day: times are relative to its start).
    pub seed: u64,
    pub customer_id: String,
    /// What `GET /mgmtconfig/v1/admin/me` calls the customer.
    pub customer_name: String,
    /// The microtenant the API key is scoped to; `None` = a tenant-wide key. A scoped key must
    /// name its microtenant in every microtenant-scoped list, and `/me` reports it.
    pub key_microtenant: Option<String>,
    pub client_id: String,
    pub client_secret: String,
    /// Token lifetime; `expires_in` reports it in whole seconds, as a JSON string.
    pub token_ttl: Duration,
    /// The OneAPI (ZIdentity) API client and the gateway's quota.
    pub oneapi: OneApiConfig,
    /// A tenant migrated to ZIdentity: the legacy front door refuses everything (sign-in and
    /// API calls, even with a token issued earlier) the way production does; OneAPI works.
    /// Switchable at run time ([`Control::set_oneapi_only`], `POST /__sim/oneapi-only`).
    pub oneapi_only: bool,
    /// API GETs allowed per fixed window, per customer; `None` = unlimited.
    pub rate_limit: Option<(u32, Duration)>,
    /// Microtenants besides Default.
    pub microtenants: usize,
    /// Application segments, spread over microtenants, about 10 % disabled.
    pub segments: usize,
    pub connectors: usize,
    pub connector_groups: usize,
    pub service_edges: usize,
    pub service_edge_groups: usize,
    pub segment_groups: usize,
    pub server_groups: usize,
    /// Identity providers; every other one (starting with the first) has SCIM enabled.
    pub idps: usize,
    pub scim_groups_per_idp: usize,
    /// Rules per policy type, the last of each being `Default_Rule`.
    pub policy_rules_per_type: usize,
    /// Private Cloud Controllers (with four or more: one disconnected, one outdated, one
    /// never connected), spread over their groups.
    pub private_cloud_controllers: usize,
    pub private_cloud_controller_groups: usize,
    /// The tenant's maximum number of application segments (`maxAppsLimit`); `None`: the
    /// smallest multiple of 1000 that leaves a quarter of `segments` free.
    pub application_limit: Option<u64>,
    /// Features the tenant is not licensed for: their endpoints answer 401
    /// `authz.featureflag.permission.denied` (switchable at run time:
    /// [`Control::set_licensed`], `POST /__sim/features/{feature}`).
    pub unlicensed: BTreeSet<Feature>,
}

impl Default for SimulatorConfig {
    /// A small, realistic demo tenant.
    fn default() -> Self {
        SimulatorConfig {
            seed: 1,
            customer_id: "216196257331281920".into(),
            customer_name: "Simulated Customer".into(),
            key_microtenant: None,
            client_id: "sim-client".into(),
            client_secret: "sim-secret".into(),
            token_ttl: Duration::from_secs(3600),
            oneapi: OneApiConfig::default(),
            oneapi_only: false,
            rate_limit: Some((20, Duration::from_secs(10))),
            microtenants: 3,
            segments: 120,
            connectors: 12,
            connector_groups: 4,
            service_edges: 4,
            service_edge_groups: 2,
            segment_groups: 8,
            server_groups: 6,
            idps: 3,
            scim_groups_per_idp: 25,
            policy_rules_per_type: 6,
            private_cloud_controllers: 4,
            private_cloud_controller_groups: 2,
            application_limit: None,
            unlicensed: BTreeSet::new(),
        }
    }
}

impl std::fmt::Debug for SimulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Spelled out so that a new field cannot leak by default: add it here by hand.
        f.debug_struct("SimulatorConfig")
            .field("seed", &self.seed)
            .field("customer_id", &self.customer_id)
            .field("customer_name", &self.customer_name)
            .field("key_microtenant", &self.key_microtenant)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("token_ttl", &self.token_ttl)
            .field("oneapi", &self.oneapi)
            .field("oneapi_only", &self.oneapi_only)
            .field("rate_limit", &self.rate_limit)
            .field("microtenants", &self.microtenants)
            .field("segments", &self.segments)
            .field("connectors", &self.connectors)
            .field("connector_groups", &self.connector_groups)
            .field("service_edges", &self.service_edges)
            .field("service_edge_groups", &self.service_edge_groups)
            .field("segment_groups", &self.segment_groups)
            .field("server_groups", &self.server_groups)
            .field("idps", &self.idps)
            .field("scim_groups_per_idp", &self.scim_groups_per_idp)
            .field("policy_rules_per_type", &self.policy_rules_per_type)
            .field("private_cloud_controllers", &self.private_cloud_controllers)
            .field(
                "private_cloud_controller_groups",
                &self.private_cloud_controller_groups,
            )
            .field("application_limit", &self.application_limit)
            .field("unlicensed", &self.unlicensed)
            .finish()
    }
}

impl SimulatorConfig {
    /// Checks what the server cannot work without: a parseable OneAPI public key, positive
    /// quota numbers. [`spawn`] refuses to start otherwise.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(pem) = &self.oneapi.public_key_pem {
            oneapi::parse_public_key(pem)?;
        }
        let (n, window) = self.oneapi.gateway_quota;
        if n == 0 || window.is_zero() {
            return Err("the OneAPI gateway quota needs a positive count and window".into());
        }
        Ok(())
    }

    /// `maxAppsLimit`: as configured, else derived from the tenant's size.
    pub fn max_applications(&self) -> u64 {
        self.application_limit.unwrap_or_else(|| {
            let wanted = (self.segments as u64).saturating_mul(5).div_ceil(4);
            wanted.div_ceil(1000).max(1) * 1000
        })
    }
}

/// One request as the simulator saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequestRecord {
    /// When it arrived, since the simulator started.
    #[serde(rename = "atMs", serialize_with = "millis")]
    pub at: Duration,
    pub method: String,
    /// Endpoint name (`application`, `signin`, `token`, `me`, …; `gateway` for requests the
    /// OneAPI gateway refused; `unknown` for unrouted paths).
    pub endpoint: String,
    /// Status sent; 0 for a request held by a `Hang` fault (recorded when it arrives).
    pub status: u16,
    /// The page served (1 when the request named none); `None` for sign-in/out, `token`,
    /// `gateway`, `me` and `microtenant`.
    pub page: Option<u32>,
    /// The `microtenantId` query parameter, as sent.
    pub microtenant_id: Option<String>,
}

impl RequestRecord {
    /// A request arriving now, before its status is known; no page, no microtenant.
    pub(crate) fn new(shared: &Shared, method: &str, endpoint: &str) -> RequestRecord {
        RequestRecord {
            at: shared.started.elapsed(),
            method: method.into(),
            endpoint: endpoint.into(),
            status: 0,
            page: None,
            microtenant_id: None,
        }
    }
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

const LOG_LIMIT: usize = 10_000;

#[derive(Debug, Default)]
struct Stats {
    counts: HashMap<String, u64>,
    statuses: HashMap<String, BTreeMap<u16, u64>>,
    log: VecDeque<RequestRecord>,
}

/// Everything the server and the control handle share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub cfg: SimulatorConfig,
    pub started: Instant,
    pub store: RwLock<Store>,
    pub tokens: auth::Tokens,
    pub faults: faults::Faults,
    pub rate: auth::RateLimiter,
    /// The OneAPI gateway's quota on requests under `/zpa`.
    pub gateway_rate: auth::RateLimiter,
    /// The token endpoint's per-second window, only reported in its headers.
    pub token_rate: auth::RateLimiter,
    pub assertion_key: oneapi::AssertionKey,
    /// See [`SimulatorConfig::oneapi_only`].
    pub oneapi_only: AtomicBool,
    /// See [`SimulatorConfig::unlicensed`].
    pub unlicensed: licence::Unlicensed,
    stats: Mutex<Stats>,
    pub shutdown: watch::Sender<bool>,
    pub transactions: AtomicU64,
}

impl Shared {
    pub fn record(&self, rec: RequestRecord) {
        let mut stats = self.stats.lock().unwrap_or_else(|e| e.into_inner());
        *stats.counts.entry(rec.endpoint.clone()).or_default() += 1;
        *stats
            .statuses
            .entry(rec.endpoint.clone())
            .or_default()
            .entry(rec.status)
            .or_default() += 1;
        if stats.log.len() == LOG_LIMIT {
            stats.log.pop_front();
        }
        stats.log.push_back(rec);
    }

    pub fn read_store(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_store(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

/// In-process control of a simulator: the same powers as the `/__sim/` HTTP API. Cheap to
/// clone.
#[derive(Clone, Debug)]
pub struct Control {
    pub(crate) shared: Arc<Shared>,
}

impl Control {
    /// Generates the tenant; serve it with [`router`] (or use [`spawn`]). CPU-bound for large
    /// tenants (about a second per 100 000 segments in release builds).
    pub fn new(cfg: SimulatorConfig) -> Control {
        let day = unix_now() / 86_400 * 86_400;
        let store = tenant::generate(&cfg, day);
        let (shutdown, _) = watch::channel(false);
        let assertion_key = cfg.oneapi.public_key_pem.as_deref().and_then(|pem| {
            oneapi::parse_public_key(pem)
                .inspect_err(|e| tracing::warn!("client assertions disabled: {e}"))
                .ok()
        });
        Control {
            shared: Arc::new(Shared {
                rate: auth::RateLimiter::new(cfg.rate_limit),
                gateway_rate: auth::RateLimiter::new(Some(cfg.oneapi.gateway_quota)),
                token_rate: auth::RateLimiter::new(Some((500, Duration::from_secs(1)))),
                assertion_key: oneapi::AssertionKey(assertion_key),
                oneapi_only: AtomicBool::new(cfg.oneapi_only),
                unlicensed: licence::Unlicensed::new(&cfg.unlicensed),
                cfg,
                started: Instant::now(),
                store: RwLock::new(store),
                tokens: auth::Tokens::default(),
                faults: faults::Faults::default(),
                stats: Mutex::new(Stats::default()),
                shutdown,
                transactions: AtomicU64::new(0),
            }),
        }
    }

    pub fn config(&self) -> &SimulatorConfig {
        &self.shared.cfg
    }

    /// Adds a fault rule (after the existing ones).
    pub fn set_fault(&self, fault: Fault) {
        self.shared.faults.add(fault);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// The active fault rules, with their remaining counts.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.faults.list()
    }

    /// Every issued token, legacy and OneAPI, becomes invalid: the next call with one gets a
    /// 401.
    pub fn revoke_tokens(&self) {
        self.shared.tokens.revoke_all();
    }

    /// Makes the tenant OneAPI-only (or not): see [`SimulatorConfig::oneapi_only`].
    pub fn set_oneapi_only(&self, enabled: bool) {
        self.shared.oneapi_only.store(enabled, Ordering::Relaxed);
    }

    pub fn oneapi_only(&self) -> bool {
        self.shared.oneapi_only.load(Ordering::Relaxed)
    }

    /// Licenses `feature` (or takes the licence away): see [`SimulatorConfig::unlicensed`].
    pub fn set_licensed(&self, feature: Feature, licensed: bool) {
        self.shared.unlicensed.set(feature, licensed);
    }

    pub fn licensed(&self, feature: Feature) -> bool {
        self.shared.unlicensed.licensed(feature)
    }

    /// Requests seen for an endpoint name, whatever their outcome.
    pub fn request_count(&self, endpoint: &str) -> u64 {
        let stats = self.shared.stats.lock().unwrap_or_else(|e| e.into_inner());
        stats.counts.get(endpoint).copied().unwrap_or(0)
    }

    /// Responses per status code for an endpoint name.
    pub fn status_counts(&self, endpoint: &str) -> BTreeMap<u16, u64> {
        let stats = self.shared.stats.lock().unwrap_or_else(|e| e.into_inner());
        stats.statuses.get(endpoint).cloned().unwrap_or_default()
    }

    /// The recent request log (the last 10 000), oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        let stats = self.shared.stats.lock().unwrap_or_else(|e| e.into_inner());
        stats.log.iter().cloned().collect()
    }

    pub fn reset_stats(&self) {
        *self.shared.stats.lock().unwrap_or_else(|e| e.into_inner()) = Stats::default();
    }

    pub(crate) fn stats_json(&self) -> Value {
        let stats = self.shared.stats.lock().unwrap_or_else(|e| e.into_inner());
        let statuses: serde_json::Map<String, Value> = stats
            .statuses
            .iter()
            .map(|(endpoint, codes)| {
                let codes: serde_json::Map<String, Value> = codes
                    .iter()
                    .map(|(code, n)| (code.to_string(), Value::from(*n)))
                    .collect();
                (endpoint.clone(), Value::Object(codes))
            })
            .collect();
        serde_json::json!({"requests": stats.counts, "statuses": statuses})
    }

    /// Adds an object to a resource and returns its id (generated when absent; an object
    /// with an existing id replaces it). Panics on an unknown resource or a non-object, which
    /// are test bugs; the HTTP API answers 400/404 instead.
    pub fn add_object(&self, resource: &str, obj: Value) -> String {
        let res = Resource::from_name(resource)
            .unwrap_or_else(|| panic!("simulator has no resource {resource:?}"));
        self.shared
            .write_store()
            .add(res, obj)
            .unwrap_or_else(|e| panic!("cannot add to {resource}: {e}"))
    }

    pub(crate) fn try_add_object(&self, res: Resource, obj: Value) -> Result<String, String> {
        self.shared.write_store().add(res, obj)
    }

    /// Applies a JSON merge patch (RFC 7386); false when the resource or id is unknown.
    pub fn patch_object(&self, resource: &str, id: &str, patch: Value) -> bool {
        Resource::from_name(resource)
            .is_some_and(|res| self.shared.write_store().patch(res, id, &patch))
    }

    pub fn delete_object(&self, resource: &str, id: &str) -> bool {
        Resource::from_name(resource).is_some_and(|res| self.shared.write_store().delete(res, id))
    }

    /// All objects of a resource, in listing order; empty for an unknown resource.
    pub fn objects(&self, resource: &str) -> Vec<Value> {
        Resource::from_name(resource)
            .map(|res| self.shared.read_store().objects(res))
            .unwrap_or_default()
    }

    /// Sets (or with `None` removes) a connector's `controlChannelStatus` and its nested
    /// `assistantVersion.ctrlChannelStatus`; a service edge id works too.
    pub fn set_connector_status(&self, id: &str, status: Option<&str>) -> bool {
        let mut store = self.shared.write_store();
        let set = |nested: &'static str| {
            move |v: &mut Value| {
                let Some(map) = v.as_object_mut() else { return };
                match status {
                    Some(s) => {
                        map.insert("controlChannelStatus".into(), s.into());
                        if let Some(n) = map.get_mut(nested).and_then(Value::as_object_mut) {
                            n.insert("ctrlChannelStatus".into(), s.into());
                        }
                    }
                    None => {
                        map.remove("controlChannelStatus");
                    }
                }
            }
        };
        store.modify(Resource::Connector, id, set("assistantVersion"))
            || store.modify(Resource::ServiceEdge, id, set("privateBrokerVersion"))
    }

    /// Makes a certificate expired as of one second ago (for an IdP: all its certificates).
    pub fn expire_certificate(&self, resource: &str, id: &str) -> bool {
        let Some(res) = Resource::from_name(resource) else {
            return false;
        };
        let past = Value::from((unix_now() - 1).to_string());
        self.shared.write_store().modify(res, id, |v| {
            if res == Resource::Idp {
                if let Some(certs) = v.get_mut("certificates").and_then(Value::as_array_mut) {
                    for c in certs.iter_mut().filter_map(Value::as_object_mut) {
                        c.insert("validToInSec".into(), past.clone());
                    }
                }
            } else if let Some(map) = v.as_object_mut() {
                map.insert("validToInEpochSec".into(), past.clone());
            }
        })
    }
}

/// A simulator serving on a socket until [`RunningSimulator::shutdown`] (or drop).
#[derive(Debug)]
pub struct RunningSimulator {
    addr: SocketAddr,
    control: Control,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl RunningSimulator {
    /// E.g. `http://127.0.0.1:40123`; the legacy API root (OneAPI style: append `/zpa`).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Stops accepting, releases hung requests, and waits (up to 5 s) for in-flight ones.
    pub async fn shutdown(mut self) {
        let _ = self.control.shared.shutdown.send(true);
        if let Some(mut server) = self.server.take() {
            match tokio::time::timeout(Duration::from_secs(5), &mut server).await {
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "simulator server failed"),
                Ok(_) => {}
                Err(_) => server.abort(),
            }
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        let _ = self.control.shared.shutdown.send(true);
    }
}

/// Generates the tenant and serves it on `addr` (port 0 = ephemeral). Fails with
/// `InvalidInput` when [`SimulatorConfig::validate`] does.
pub async fn spawn(cfg: SimulatorConfig, addr: SocketAddr) -> std::io::Result<RunningSimulator> {
    cfg.validate()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let control = tokio::task::spawn_blocking(move || Control::new(cfg))
        .await
        .map_err(std::io::Error::other)?;
    let mut stop = control.shared.shutdown.subscribe();
    let app = router(control.clone());
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|stop| *stop).await;
            })
            .await
    });
    tracing::debug!(%addr, "ZPA simulator listening");
    Ok(RunningSimulator {
        addr,
        control,
        server: Some(server),
    })
}
