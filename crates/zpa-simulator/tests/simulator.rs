//! The ZPA simulator over real HTTP on loopback: sign-in, tokens, paging, microtenant scoping,
//! the rate limit, every fault kind, the control API, response shapes, and generation at scale.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};
use zpa_simulator::{
    self, Control, Fault, FaultKind, OneApiConfig, RunningSimulator, SimulatorConfig,
};

const CID: &str = "216196257331281920";

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

fn base_config() -> SimulatorConfig {
    SimulatorConfig {
        seed: 42,
        rate_limit: None,
        ..SimulatorConfig::default()
    }
}

struct Client {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Client {
    async fn new(sim: &RunningSimulator) -> Client {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let base = sim.base_url();
        let cfg = sim.control().config().clone();
        let token = signin(&http, &base, &cfg.client_id, &cfg.client_secret)
            .await
            .1["access_token"]
            .as_str()
            .expect("signed in")
            .to_string();
        Client { http, base, token }
    }

    /// A client of the OneAPI front door: a token from `/oauth2/v1/token` (the default id and
    /// secret), paths relative to `/zpa`.
    async fn oneapi(sim: &RunningSimulator) -> Client {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let resp = token_request(
            &http,
            &sim.base_url(),
            &secret_form("sim-oneapi-client", "sim-oneapi-secret"),
        )
        .await;
        assert_eq!(resp.status(), 200);
        let body: Value = resp.json().await.unwrap();
        Client {
            http,
            base: format!("{}/zpa", sim.base_url()),
            token: body["access_token"].as_str().unwrap().to_string(),
        }
    }

    async fn get_raw(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let resp = self.get_raw(path).await;
        let status = resp.status();
        let text = resp.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }
}

async fn signin(http: &reqwest::Client, base: &str, id: &str, secret: &str) -> (StatusCode, Value) {
    let resp = http
        .post(format!("{base}/signin"))
        .form(&[("client_id", id), ("client_secret", secret)])
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// `POST /oauth2/v1/token` with these form fields.
async fn token_request(
    http: &reqwest::Client,
    base: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    http.post(format!("{base}/oauth2/v1/token"))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Form fields of a token request.
type Form = Vec<(&'static str, String)>;

/// A client-credentials form authenticated with a secret, as the SDKs send it.
fn secret_form(id: &str, secret: &str) -> Form {
    vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", id.into()),
        ("client_secret", secret.into()),
        ("audience", "https://api.zscaler.com".into()),
    ]
}

fn v1(resource: &str) -> String {
    format!("/mgmtconfig/v1/admin/customers/{CID}/{resource}")
}

async fn all(c: &Client, resource: &str) -> Vec<Value> {
    let path = format!("{}?pagesize=500", v1(resource));
    c.get(&path).await.1["list"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn list_len(body: &Value) -> usize {
    body.get("list")
        .and_then(Value::as_array)
        .map_or(0, Vec::len)
}

async fn start(cfg: SimulatorConfig) -> RunningSimulator {
    zpa_simulator::spawn(cfg, loopback()).await.unwrap()
}

fn jwt_payload(token: &str) -> Value {
    use base64::Engine as _;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "JWT has three parts: {token}");
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .unwrap();
    serde_json::from_slice(&raw).unwrap()
}

#[tokio::test]
async fn signin_issues_jwt_shaped_tokens_with_a_string_expires_in() {
    let sim = start(base_config()).await;
    let http = reqwest::Client::new();
    let resp = http
        .post(format!("{}/signin", sim.base_url()))
        .form(&[("client_id", "sim-client"), ("client_secret", "sim-secret")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"],
        "application/json;charset=utf-8"
    );
    assert_eq!(resp.headers()["server"], "Zscaler");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(
        body["expires_in"],
        json!("3600"),
        "a JSON string, as legacy ZPA sends it"
    );
    let token = body["access_token"].as_str().unwrap();
    assert!(token.starts_with("eyJ"));
    let claims = jwt_payload(token);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = claims["exp"].as_u64().unwrap();
    assert!(
        (now + 3590..=now + 3600).contains(&exp),
        "exp {exp} vs now {now}"
    );
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3600
    );
    assert_eq!(claims["sub"], "sim-client");
    let (_, again) = signin(&http, &sim.base_url(), "sim-client", "sim-secret").await;
    assert_ne!(
        jwt_payload(again["access_token"].as_str().unwrap())["jti"],
        claims["jti"],
        "unique jti"
    );

    for (id, secret) in [("sim-client", "wrong"), ("other", "sim-secret"), ("", "")] {
        let (status, body) = signin(&http, &sim.base_url(), id, secret).await;
        assert_eq!(status, 401);
        assert_eq!(body["id"], "authentication.failed");
        assert!(body["reason"].is_string());
    }
    assert_eq!(sim.control().request_count("signin"), 5);
    assert_eq!(sim.control().status_counts("signin").get(&401), Some(&3));
    sim.shutdown().await;
}

#[tokio::test]
async fn tokens_are_required_and_die_on_revoke_signout_and_expiry() {
    let sim = start(SimulatorConfig {
        token_ttl: Duration::from_secs(1),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let path = v1("application");
    assert_eq!(c.get(&path).await.0, 200);

    let anon = c
        .http
        .get(format!("{}{path}", c.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 401, "no bearer");
    let bogus = c
        .http
        .get(format!("{}{path}", c.base))
        .bearer_auth("eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
        .send()
        .await
        .unwrap();
    assert_eq!(bogus.status(), 401, "unknown token");
    let body: Value = bogus.json().await.unwrap();
    assert!(
        body["id"].is_string() && body["reason"].is_string(),
        "{body}"
    );

    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(c.get(&path).await.0, 401, "expired after the TTL");

    let c = Client::new(&sim).await;
    assert_eq!(c.get(&path).await.0, 200);
    sim.control().revoke_tokens();
    assert_eq!(c.get(&path).await.0, 401, "revoked");

    let c = Client::new(&sim).await;
    let out = c
        .http
        .post(format!("{}/signout", c.base))
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    assert_eq!(c.get(&path).await.0, 401, "signed out");
    assert_eq!(sim.control().request_count("signout"), 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn pages_with_string_envelopes_and_omits_list_past_the_end() {
    let sim = start(SimulatorConfig {
        segments: 20,
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let mut ids = Vec::new();
    for page in 1..=3 {
        let (status, body) = c
            .get(&format!("{}?page={page}&pagesize=7", v1("application")))
            .await;
        assert_eq!(status, 200);
        assert_eq!(body["totalPages"], json!("3"), "numbers as strings");
        assert_eq!(body["totalCount"], json!("20"));
        assert_eq!(list_len(&body), if page == 3 { 6 } else { 7 });
        ids.extend(
            body["list"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["id"].clone()),
        );
    }
    ids.sort_by_key(|v| v.as_str().unwrap().to_string());
    ids.dedup();
    assert_eq!(ids.len(), 20, "pages do not overlap");
    let (_, past) = c
        .get(&format!("{}?page=4&pagesize=7", v1("application")))
        .await;
    assert_eq!(past, json!({"totalPages": "3", "totalCount": "20"}));

    let (_, default) = c.get(&v1("application")).await;
    assert_eq!(list_len(&default), 20, "default page size 20");

    let records: Vec<_> = sim
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "application")
        .map(|r| r.page)
        .collect();
    assert_eq!(records, vec![Some(1), Some(2), Some(3), Some(4), Some(1)]);
    sim.shutdown().await;
}

#[tokio::test]
async fn pagesize_is_clamped_to_500_and_bad_numbers_are_rejected() {
    let sim = start(SimulatorConfig {
        segments: 1234,
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let (_, body) = c.get(&format!("{}?pagesize=5000", v1("application"))).await;
    assert_eq!(list_len(&body), 500);
    assert_eq!(body["totalPages"], json!("3"));
    let (_, last) = c
        .get(&format!("{}?pagesize=500&page=3", v1("application")))
        .await;
    assert_eq!(list_len(&last), 234);
    let (status, body) = c.get(&format!("{}?pagesize=lots", v1("application"))).await;
    assert_eq!(status, 400);
    assert_eq!(body["id"], "bad.request");
    sim.shutdown().await;
}

#[tokio::test]
async fn microtenant_scoping_default_one_or_all() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let microtenants = sim.control().objects("microtenants");
    assert_eq!(microtenants.len(), 4, "Default + 3");
    let default = microtenants.iter().find(|m| m["id"] == "0").unwrap();
    assert_eq!(default["name"], "Default");
    let other = microtenants.iter().find(|m| m["id"] != "0").unwrap();
    let other_id = other["id"].as_str().unwrap();

    let all = c
        .get(&format!("{}?pagesize=500", v1("application")))
        .await
        .1;
    let only_default = c
        .get(&format!(
            "{}?pagesize=500&microtenantId=0",
            v1("application")
        ))
        .await
        .1;
    let only_other = c
        .get(&format!(
            "{}?pagesize=500&microtenantId={other_id}",
            v1("application")
        ))
        .await
        .1;
    assert_eq!(list_len(&all), 120);
    assert!(list_len(&only_default) > 0 && list_len(&only_other) > 0);
    for s in only_default["list"].as_array().unwrap() {
        assert_eq!(s["microtenantName"], "Default");
        assert!(
            s.get("microtenantId").is_none(),
            "Default objects carry no microtenantId: {s}"
        );
    }
    for s in only_other["list"].as_array().unwrap() {
        assert_eq!(s["microtenantId"], other_id);
        assert_eq!(s["microtenantName"], other["name"]);
    }
    let counted: usize = microtenants
        .iter()
        .map(|m| {
            let id = m["id"].as_str().unwrap();
            sim.control()
                .objects("application")
                .iter()
                .filter(|s| s["microtenantId"].as_str().unwrap_or("0") == id)
                .count()
        })
        .sum();
    assert_eq!(
        counted, 120,
        "every segment belongs to exactly one microtenant"
    );
    let scoped = c
        .get(&format!("{}?microtenantId={other_id}", v1("microtenants")))
        .await
        .1;
    assert_eq!(list_len(&scoped), 1);

    let log = sim.control().requests();
    assert_eq!(log[0].endpoint, "signin");
    assert_eq!(log[1].microtenant_id, None);
    assert_eq!(log[2].microtenant_id.as_deref(), Some("0"));
    assert_eq!(log[3].microtenant_id.as_deref(), Some(other_id));
    sim.shutdown().await;
}

#[tokio::test]
async fn rate_limit_answers_429_with_the_real_body_and_retry_after() {
    let sim = start(SimulatorConfig {
        rate_limit: Some((3, Duration::from_secs(10))),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    for _ in 0..3 {
        assert_eq!(c.get(&v1("connector")).await.0, 200);
    }
    let resp = c.get_raw(&v1("connector")).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["content-type"], "application/json");
    let retry = resp.headers()["retry-after"].to_str().unwrap().to_string();
    let secs: u64 = retry
        .strip_suffix('s')
        .expect("seconds suffix")
        .parse()
        .unwrap();
    assert!((1..=10).contains(&secs), "{retry}");
    assert_eq!(
        resp.text().await.unwrap(),
        r#"{"exception":"invalid.toomanyrequests","id":"invalid.toomanyrequests","reason":"Exceeded the number of requests allowed."}"#
    );
    // Sign-in is not rate-limited.
    let (status, _) = signin(&c.http, &c.base, "sim-client", "sim-secret").await;
    assert_eq!(status, 200);
    sim.shutdown().await;

    // A window of an hour: the third GET is refused however slowly the machine sends them.
    let sim = start(SimulatorConfig {
        rate_limit: Some((2, Duration::from_secs(3600))),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    assert_eq!(c.get(&v1("idp").replace("v1", "v2")).await.0, 200);
    assert_eq!(c.get(&v1("connector")).await.0, 200);
    assert_eq!(c.get(&v1("connector")).await.0, 429);
    sim.shutdown().await;

    // A short window: once it has passed (only a lower bound on time), GETs are served again.
    let sim = start(SimulatorConfig {
        rate_limit: Some((2, Duration::from_millis(300))),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    for _ in 0..3 {
        c.get(&v1("connector")).await;
    }
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(c.get(&v1("connector")).await.0, 200, "a new window");
    sim.shutdown().await;
}

#[tokio::test]
async fn status_rate_limit_and_auth_faults() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let ctl = sim.control();
    let path = v1("application");
    let fault = |kind, count| Fault {
        endpoint: "application".into(),
        kind,
        count,
        skip: 0,
    };

    ctl.set_fault(fault(FaultKind::Status(503), Some(2)));
    for _ in 0..2 {
        let (status, body) = c.get(&path).await;
        assert_eq!(status, 503);
        assert_eq!(body["id"], "service.unavailable");
    }
    assert_eq!(c.get(&path).await.0, 200, "count used up");
    assert_eq!(
        c.get(&v1("connector")).await.0,
        200,
        "other endpoints untouched"
    );

    ctl.set_fault(fault(
        FaultKind::RateLimit {
            retry_after: "Wed, 21 Oct 2026 07:28:00 GMT".into(),
        },
        Some(1),
    ));
    let resp = c.get_raw(&path).await;
    assert_eq!(resp.status(), 429);
    assert_eq!(
        resp.headers()["retry-after"],
        "Wed, 21 Oct 2026 07:28:00 GMT"
    );

    ctl.set_fault(fault(FaultKind::FeatureDenied, Some(1)));
    let (status, body) = c.get(&path).await;
    assert_eq!(status, 401);
    assert_eq!(body["id"], "authz.featureflag.permission.denied");

    ctl.set_fault(fault(FaultKind::Forbidden, Some(1)));
    assert_eq!(c.get(&path).await.0, 403);

    ctl.set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::Unauthorized,
        count: Some(1),
        skip: 1,
    });
    assert_eq!(c.get(&path).await.0, 200, "skipped");
    assert_eq!(c.get(&path).await.0, 401);
    assert_eq!(c.get(&path).await.0, 200, "the token itself is still good");

    ctl.set_fault(Fault {
        endpoint: "*".into(),
        kind: FaultKind::Status(500),
        count: None,
        skip: 0,
    });
    assert_eq!(
        c.get(&format!("/userconfig/v1/customers/{CID}/scimgroup/idpId/x"))
            .await
            .0,
        500
    );
    assert_eq!(c.get(&v1("serverGroup")).await.0, 500);
    let (status, _) = signin(&c.http, &c.base, "sim-client", "sim-secret").await;
    assert_eq!(status, 200, "`*` spares sign-in");
    ctl.clear_faults();
    assert_eq!(c.get(&v1("serverGroup")).await.0, 200);

    ctl.set_fault(Fault {
        endpoint: "signin".into(),
        kind: FaultKind::SigninRefused,
        count: None,
        skip: 0,
    });
    let (status, body) = signin(&c.http, &c.base, "sim-client", "sim-secret").await;
    assert_eq!(status, 401);
    assert_eq!(body["id"], "authentication.failed");
    assert_eq!(c.get(&path).await.0, 200, "existing tokens keep working");
    ctl.clear_faults();
    let statuses = ctl.status_counts("application");
    assert_eq!(statuses.get(&503), Some(&2));
    assert_eq!(statuses.get(&401), Some(&2));
    sim.shutdown().await;
}

#[tokio::test]
async fn body_faults_malformed_truncated_repeat_page() {
    let sim = start(SimulatorConfig {
        segments: 50,
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let ctl = sim.control();
    let path = format!("{}?pagesize=20", v1("application"));
    let good = c.get_raw(&path).await.text().await.unwrap();

    for kind in [FaultKind::Malformed, FaultKind::Truncated] {
        ctl.set_fault(Fault {
            endpoint: "application".into(),
            kind: kind.clone(),
            count: Some(1),
            skip: 0,
        });
        let resp = c.get_raw(&path).await;
        assert_eq!(resp.status(), 200, "{kind:?}");
        let text = resp.text().await.unwrap();
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "{kind:?}: {text}"
        );
        if kind == FaultKind::Truncated {
            assert!(good.starts_with(&text) && text.len() < good.len());
        }
    }

    ctl.set_fault(Fault {
        endpoint: "application".into(),
        kind: FaultKind::RepeatPage,
        count: None,
        skip: 0,
    });
    let (_, p1) = c.get(&format!("{path}&page=1")).await;
    let (_, p2) = c.get(&format!("{path}&page=2")).await;
    let (_, p9) = c.get(&format!("{path}&page=9")).await;
    assert_eq!(p1["totalPages"], json!("999999"));
    assert_eq!(p1["list"], p2["list"]);
    assert_eq!(p1["list"], p9["list"]);
    sim.shutdown().await;
}

#[tokio::test]
async fn delay_and_hang_faults() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let ctl = sim.control();
    ctl.set_fault(Fault {
        endpoint: "connector".into(),
        kind: FaultKind::Delay(Duration::from_millis(400)),
        count: Some(1),
        skip: 0,
    });
    let t = Instant::now();
    let (status, body) = c.get(&v1("connector")).await;
    assert!(t.elapsed() >= Duration::from_millis(400));
    assert_eq!(status, 200);
    assert!(list_len(&body) > 0);

    ctl.set_fault(Fault {
        endpoint: "connector".into(),
        kind: FaultKind::Hang,
        count: None,
        skip: 0,
    });
    let hung = c
        .http
        .get(format!("{}{}", c.base, v1("connector")))
        .bearer_auth(&c.token)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(hung.unwrap_err().is_timeout());
    assert_eq!(
        ctl.requests().last().unwrap().status,
        0,
        "recorded on arrival"
    );

    // A request still hanging must not keep shutdown waiting.
    let http = c.http.clone();
    let url = format!("{}{}", c.base, v1("connector"));
    let token = c.token.clone();
    let arrived = ctl.requests().len() + 1;
    let pending = tokio::spawn(async move { http.get(url).bearer_auth(token).send().await });
    // Shut down once the request hangs in the simulator, not after a guessed delay.
    let deadline = Instant::now() + Duration::from_secs(30);
    while ctl.requests().len() < arrived {
        assert!(Instant::now() < deadline, "the request never arrived");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let t = Instant::now();
    sim.shutdown().await;
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        t.elapsed()
    );
    let _ = pending.await;
}

#[tokio::test]
async fn control_mutations_show_in_the_next_listing() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let ctl = sim.control();

    let id = ctl.add_object(
        "application",
        json!({"name": "added-by-test", "enabled": true, "domainNames": ["x.example.com"]}),
    );
    let added = all(&c, "application").await;
    let found = added.iter().find(|s| s["id"] == json!(id)).expect("added");
    assert_eq!(
        found["microtenantName"], "Default",
        "filled in like ZPA does"
    );
    assert!(ctl.patch_object(
        "application",
        &id,
        json!({"enabled": false, "domainNames": null})
    ));
    let patched = all(&c, "application").await;
    let found = patched.iter().find(|s| s["id"] == json!(id)).unwrap();
    assert_eq!(found["enabled"], false);
    assert!(
        found.get("domainNames").is_none(),
        "merge patch null removes"
    );
    assert!(ctl.delete_object("application", &id));
    assert!(!ctl.delete_object("application", &id));
    assert!(!ctl.patch_object("application", &id, json!({})));
    assert_eq!(all(&c, "application").await.len(), 120);

    // The same through the HTTP control API.
    let http = &c.http;
    let url = |p: &str| format!("{}/__sim{p}", c.base);
    let resp = http
        .post(url("/objects/connector"))
        .json(&json!({"name": "conn-http", "microtenantId": "0"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let id = resp.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let listed: Value = http
        .get(url("/objects/connector"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let obj = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == json!(id))
        .unwrap()
        .clone();
    assert!(
        obj.get("microtenantId").is_none(),
        "microtenantId 0 means Default: {obj}"
    );
    let resp = http
        .patch(url(&format!("/objects/connector/{id}")))
        .json(&json!({"enabled": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let resp = http
        .delete(url(&format!("/objects/connector/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let resp = http
        .delete(url(&format!("/objects/connector/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    assert_eq!(
        http.get(url("/objects/nope"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Connector status, via HTTP.
    let connectors = all(&c, "connector").await;
    let target = connectors
        .iter()
        .find(|c| c["controlChannelStatus"] == "ZPN_STATUS_AUTHENTICATED")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let resp = http
        .post(url(&format!("/connectors/{target}/status")))
        .json(&json!({"status": "ZPN_STATUS_DISCONNECTED"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let now = all(&c, "connector").await;
    let conn = now.iter().find(|c| c["id"] == json!(target)).unwrap();
    assert_eq!(conn["controlChannelStatus"], "ZPN_STATUS_DISCONNECTED");
    assert_eq!(
        conn["assistantVersion"]["ctrlChannelStatus"],
        "ZPN_STATUS_DISCONNECTED"
    );
    http.post(url(&format!("/connectors/{target}/status")))
        .json(&json!({"status": null}))
        .send()
        .await
        .unwrap();
    let now = all(&c, "connector").await;
    assert!(now
        .iter()
        .find(|c| c["id"] == json!(target))
        .unwrap()
        .get("controlChannelStatus")
        .is_none());

    // Certificate expiry, via HTTP.
    let certs = c
        .get(&format!(
            "/mgmtconfig/v2/admin/customers/{CID}/clientlessCertificate/issued"
        ))
        .await
        .1;
    let cert = certs["list"][3]["id"].as_str().unwrap().to_string();
    let resp = http
        .post(url(&format!(
            "/certificates/clientlessCertificate/{cert}/expire"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    let certs = c
        .get(&format!(
            "/mgmtconfig/v2/admin/customers/{CID}/clientlessCertificate/issued"
        ))
        .await
        .1;
    let to: u64 = certs["list"][3]["validToInEpochSec"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(to < now && to + 10 > now);

    // Policy rules take a type name and store ZPA's number.
    let rule = ctl.add_object(
        "policyRules",
        json!({"name": "new-rule", "policyType": "TIMEOUT_POLICY", "disabled": "0"}),
    );
    let rules = c
        .get(&format!(
            "/mgmtconfig/v1/admin/customers/{CID}/policySet/rules/policyType/TIMEOUT_POLICY?pagesize=500"
        ))
        .await
        .1;
    let found = rules["list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == json!(rule))
        .unwrap();
    assert_eq!(found["policyType"], "2");
    assert!(found["policySetId"].is_string());

    // Faults and stats via HTTP.
    let resp = http
        .post(url("/faults"))
        .json(&json!({"endpoint": "idp", "kind": {"status": 502}, "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(ctl.faults().len(), 1);
    let (status, _) = c
        .get(&format!("/mgmtconfig/v2/admin/customers/{CID}/idp"))
        .await;
    assert_eq!(status, 502);
    let stats: Value = http
        .get(url("/stats"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats["statuses"]["idp"]["502"], 1);
    assert!(stats["requests"]["connector"].as_u64().unwrap() >= 3);
    assert_eq!(
        http.post(url("/faults"))
            .body("{}")
            .send()
            .await
            .unwrap()
            .status(),
        400
    );
    assert_eq!(
        http.post(url("/tokens/revoke"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(c.get(&v1("connector")).await.0, 401);
    assert_eq!(
        http.delete(url("/stats")).send().await.unwrap().status(),
        204
    );
    assert_eq!(ctl.request_count("connector"), 0);
    sim.shutdown().await;
}

#[tokio::test]
async fn scim_groups_use_real_numbers_and_exact_big_ids() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let idps = c
        .get(&format!("/mgmtconfig/v2/admin/customers/{CID}/idp"))
        .await
        .1;
    let list = idps["list"].as_array().unwrap();
    let scim_idp = list.iter().find(|i| i["scimEnabled"] == true).unwrap();
    let plain_idp = list.iter().find(|i| i["scimEnabled"] == false).unwrap();
    for idp in list {
        let cert = &idp["certificates"][0];
        assert!(
            cert["validToInSec"]
                .as_str()
                .unwrap()
                .parse::<u64>()
                .is_ok(),
            "{cert}"
        );
    }
    let idp_id = scim_idp["id"].as_str().unwrap();
    let path = format!("/userconfig/v1/customers/{CID}/scimgroup/idpId/{idp_id}?pagesize=10");
    let raw = c.get_raw(&path).await.text().await.unwrap();
    let body: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(body["totalPages"], json!(3), "a real number on userconfig");
    assert_eq!(body["totalCount"], json!(25));
    let group = &body["list"][0];
    assert!(group["id"].is_u64());
    assert!(group["creationTime"].is_u64() && group["modifiedTime"].is_u64());
    let big: u64 = idp_id.parse().unwrap();
    assert!(big > 1 << 53);
    assert_eq!(group["idpId"].as_u64(), Some(big), "exact beyond 2^53");
    assert!(raw.contains(&format!("\"idpId\":{idp_id}")));
    assert!(group["idpGroupId"].is_null(), "null, as recorded");

    let plain = plain_idp["id"].as_str().unwrap();
    let (status, body) = c
        .get(&format!(
            "/userconfig/v1/customers/{CID}/scimgroup/idpId/{plain}"
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"totalPages": 0, "totalCount": 0}),
        "empty: no list"
    );
    let (status, body) = c
        .get(&format!(
            "/userconfig/v1/customers/{CID}/scimgroup/idpId/123"
        ))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["id"], "resource.not.found");
    sim.shutdown().await;
}

#[tokio::test]
async fn shapes_follow_the_recordings() {
    let sim = start(SimulatorConfig {
        connectors: 20,
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let connectors = c.get(&format!("{}?pagesize=500", v1("connector"))).await.1;
    let connectors = connectors["list"].as_array().unwrap();
    let never: Vec<_> = connectors
        .iter()
        .filter(|c| c.get("controlChannelStatus").is_none())
        .collect();
    assert_eq!(never.len(), 1, "one never-connected connector");
    for field in [
        "currentVersion",
        "lastBrokerConnectTime",
        "assistantVersion",
    ] {
        assert!(never[0].get(field).is_none(), "never connected: no {field}");
    }
    let statuses: Vec<&str> = connectors
        .iter()
        .filter_map(|c| c["controlChannelStatus"].as_str())
        .collect();
    for s in [
        "ZPN_STATUS_AUTHENTICATED",
        "ZPN_STATUS_DISCONNECTED",
        "ZPN_STATUS_AUTH_FAILED",
    ] {
        assert!(statuses.contains(&s), "{s} missing");
    }
    assert!(
        connectors
            .iter()
            .any(|c| c["currentVersion"].is_string() && c["currentVersion"] != c["expectedVersion"]),
        "some outdated"
    );
    let tricky = connectors
        .iter()
        .find(|c| c["name"].as_str().unwrap().contains('"'))
        .unwrap();
    assert!(tricky["name"].as_str().unwrap().contains('\\'));
    assert_eq!(tricky["microtenantName"], "Default");
    for conn in connectors
        .iter()
        .filter(|c| c.get("assistantVersion").is_some())
    {
        let top: u64 = conn["lastBrokerConnectTime"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let nested: u64 = conn["assistantVersion"]["lastBrokerConnectTime"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            nested / 1_000_000,
            top,
            "seconds on top, microseconds nested"
        );
    }

    let edges = c.get(&v1("serviceEdge")).await.1;
    let edge = edges["list"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e.get("privateBrokerVersion").is_some())
        .unwrap();
    assert!(
        edge["privateBrokerVersion"]["lastConnectTime"]
            .as_str()
            .unwrap()
            .len()
            >= 16
    );

    let segments = c
        .get(&format!("{}?pagesize=500", v1("application")))
        .await
        .1;
    let segments = segments["list"].as_array().unwrap();
    let disabled = segments.iter().filter(|s| s["enabled"] == false).count();
    assert!(
        (2..=30).contains(&disabled),
        "about 10% disabled: {disabled}"
    );
    assert!(segments
        .iter()
        .any(|s| s["name"].as_str().unwrap().contains("給与")));
    for s in segments {
        assert!(s["domainNames"].as_array().is_some_and(|d| !d.is_empty()));
        assert!(s["modifiedTime"].as_str().unwrap().parse::<u64>().is_ok());
        assert!(s["tcpPortRanges"].as_array().is_some());
        assert!(
            s.as_object().unwrap().values().all(|v| !v.is_null()),
            "omitted, not null: {s}"
        );
    }

    let certs = c
        .get(&format!(
            "/mgmtconfig/v2/admin/customers/{CID}/clientlessCertificate/issued"
        ))
        .await
        .1;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expiries: Vec<u64> = certs["list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["validToInEpochSec"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(expiries.iter().any(|&t| t < now), "one expired");
    assert!(
        expiries.iter().any(|&t| t > now && t < now + 30 * 86_400),
        "one due soon"
    );
    let enrollment = c
        .get(&format!(
            "/mgmtconfig/v2/admin/customers/{CID}/enrollmentCert"
        ))
        .await
        .1;
    assert!(list_len(&enrollment) >= 4);

    for ptype in [
        "ACCESS_POLICY",
        "TIMEOUT_POLICY",
        "CLIENT_FORWARDING_POLICY",
        "ISOLATION_POLICY",
        "INSPECTION_POLICY",
    ] {
        let rules = c
            .get(&format!(
                "/mgmtconfig/v1/admin/customers/{CID}/policySet/rules/policyType/{ptype}"
            ))
            .await
            .1;
        assert_eq!(rules["totalCount"], json!("6"), "{ptype}");
        for r in rules["list"].as_array().unwrap() {
            assert!(["0", "1"].contains(&r["disabled"].as_str().unwrap()));
            assert!(r["policyType"].as_str().unwrap().parse::<u8>().is_ok());
        }
    }
    let siem = c
        .get(&format!(
            "/mgmtconfig/v1/admin/customers/{CID}/policySet/rules/policyType/SIEM_POLICY"
        ))
        .await
        .1;
    assert_eq!(siem, json!({"totalPages": "0", "totalCount": "0"}));

    // The OneAPI prefix serves the same thing to a OneAPI token.
    let (status, prefixed) = Client::oneapi(&sim)
        .await
        .get(&format!("{}?pagesize=500", v1("connector")))
        .await;
    assert_eq!(status, 200);
    assert_eq!(prefixed["list"].as_array().unwrap(), connectors);
    // Another customer's id is refused.
    let (status, body) = c.get("/mgmtconfig/v1/admin/customers/42/application").await;
    assert_eq!(status, 403);
    assert!(body["id"].is_string());
    let (status, _) = c
        .get(&format!("/mgmtconfig/v1/admin/customers/{CID}/nonsense"))
        .await;
    assert_eq!(status, 404);
    sim.shutdown().await;
}

#[tokio::test]
async fn same_seed_same_tenant() {
    let cfg = base_config();
    let a = Control::new(cfg.clone());
    let b = Control::new(cfg.clone());
    let c = Control::new(SimulatorConfig { seed: 43, ..cfg });
    for resource in [
        "microtenants",
        "application",
        "connector",
        "serviceEdge",
        "appConnectorGroup",
        "serviceEdgeGroup",
        "segmentGroup",
        "serverGroup",
        "clientlessCertificate",
        "enrollmentCert",
        "idp",
        "scimgroup",
        "policyRules",
    ] {
        let objects = a.objects(resource);
        assert!(!objects.is_empty(), "{resource}");
        assert_eq!(objects, b.objects(resource), "{resource}");
    }
    assert_ne!(a.objects("application"), c.objects("application"));
}

#[tokio::test]
async fn a_100k_segment_tenant_generates_and_pages() {
    let sim = start(SimulatorConfig {
        segments: 100_000,
        connectors: 2_000,
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let (status, body) = c
        .get(&format!("{}?page=200&pagesize=500", v1("application")))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["totalCount"], json!("100000"));
    assert_eq!(body["totalPages"], json!("200"));
    assert_eq!(list_len(&body), 500);
    let (_, default_only) = c
        .get(&format!("{}?microtenantId=0&pagesize=1", v1("application")))
        .await;
    let n: u64 = default_only["totalCount"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((40_000..60_000).contains(&n), "about half in Default: {n}");
    let (_, conns) = c.get(&format!("{}?pagesize=500", v1("connector"))).await;
    assert_eq!(conns["totalCount"], json!("2000"));
    sim.shutdown().await;
}

#[tokio::test]
async fn an_empty_tenant_lists_empty_envelopes() {
    let sim = start(SimulatorConfig {
        microtenants: 0,
        segments: 0,
        connectors: 0,
        connector_groups: 0,
        service_edges: 0,
        service_edge_groups: 0,
        segment_groups: 0,
        server_groups: 0,
        idps: 0,
        scim_groups_per_idp: 0,
        policy_rules_per_type: 0,
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    for r in [
        "application",
        "connector",
        "serviceEdge",
        "segmentGroup",
        "serverGroup",
    ] {
        assert_eq!(
            c.get(&v1(r)).await.1,
            json!({"totalPages": "0", "totalCount": "0"}),
            "{r}"
        );
    }
    let mts = c.get(&v1("microtenants")).await.1;
    assert_eq!(list_len(&mts), 1, "Default always exists");
    sim.shutdown().await;
}

#[tokio::test]
async fn restarts_on_the_same_address() {
    let sim = start(base_config()).await;
    let addr = sim.addr();
    let c = Client::new(&sim).await;
    assert_eq!(c.get(&v1("connector")).await.0, 200);
    sim.shutdown().await;
    assert!(c
        .http
        .get(format!("{}{}", c.base, v1("connector")))
        .send()
        .await
        .is_err());
    let sim = zpa_simulator::spawn(base_config(), addr)
        .await
        .expect("rebinds");
    assert_eq!(
        c.get(&v1("connector")).await.0,
        401,
        "old tokens are unknown"
    );
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Key identity and microtenant scope (/me, /microtenants/{id}, microtenantId checks)

const ME: &str = "/mgmtconfig/v1/admin/me";

/// A microtenant id other than Default's, from the tenant `cfg` generates.
fn some_microtenant(cfg: &SimulatorConfig) -> (String, String) {
    let mts = Control::new(cfg.clone()).objects("microtenants");
    let mt = mts.iter().find(|m| m["id"] != "0").expect("a microtenant");
    (
        mt["id"].as_str().unwrap().to_string(),
        mt["name"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn me_names_the_customer_and_a_tenant_wide_key_has_no_microtenant() {
    let sim = start(SimulatorConfig {
        customer_name: "ACME Corp".into(),
        rate_limit: Some((2, Duration::from_secs(10))),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let (status, body) = c.get(ME).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"customerId": CID, "customerName": "ACME Corp"}),
        "no microtenant fields for a tenant-wide key"
    );
    let anon = c.http.get(format!("{}{ME}", c.base)).send().await.unwrap();
    assert_eq!(anon.status(), 401);
    // Counted against the 20-GET limit like any other GET.
    assert_eq!(c.get(&v1("connector")).await.0, 200);
    let limited = c.get_raw(ME).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(sim.control().request_count("me"), 3);
    assert_eq!(
        sim.control().status_counts("me"),
        [(200, 1), (401, 1), (429, 1)].into_iter().collect()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn me_reports_the_microtenant_of_a_scoped_key() {
    let (mt, name) = some_microtenant(&base_config());
    let sim = start(SimulatorConfig {
        key_microtenant: Some(mt.clone()),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let (status, body) = c.get(ME).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({
            "customerId": CID,
            "customerName": "Simulated Customer",
            "microtenantId": mt,
            "microtenantName": name,
        })
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn microtenant_by_id_found_default_and_not_found() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let listed = all(&c, "microtenants").await;
    assert_eq!(listed.len(), 4);
    for mt in &listed {
        let id = mt["id"].as_str().unwrap();
        let (status, body) = c.get(&format!("{}/{id}", v1("microtenants"))).await;
        assert_eq!(status, 200, "{id}");
        assert_eq!(&body, mt, "same JSON as in the list");
    }
    let (_, default) = c.get(&format!("{}/0", v1("microtenants"))).await;
    assert_eq!(default["name"], "Default");

    let resp = c.get_raw(&format!("{}/4242", v1("microtenants"))).await;
    assert_eq!(resp.status(), 400, "ZPA's not-found is a 400");
    assert_eq!(
        resp.headers()["content-type"],
        "application/json;charset=utf-8"
    );
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({"id": "resource.not.found", "reason": "resource.not.found", "params": ["4242"]})
    );
    let (status, body) = c
        .get("/mgmtconfig/v1/admin/customers/42/microtenants/0")
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["id"], "customer.not.authorized");
    assert_eq!(sim.control().request_count("microtenant"), 7);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_microtenant_id_that_names_no_microtenant_is_forbidden() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    for resource in ["application", "connector", "microtenants", "serverGroup"] {
        let (status, body) = c
            .get(&format!("{}?microtenantId=999999", v1(resource)))
            .await;
        assert_eq!(status, 403, "{resource}");
        assert_eq!(body["id"], "authz.access.denied", "{resource}");
        assert!(body["reason"].is_string());
    }
    let (status, body) = c
        .get(&format!("{}?microtenantId=0", v1("application")))
        .await;
    assert_eq!(status, 200, "0 is Default");
    assert!(list_len(&body) > 0);
    // Resources that are not microtenant-scoped ignore the parameter.
    let idp = format!("/mgmtconfig/v2/admin/customers/{CID}/idp?microtenantId=999999");
    assert_eq!(c.get(&idp).await.0, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_scoped_key_must_name_its_own_microtenant() {
    let cfg = base_config();
    let (mt, _) = some_microtenant(&cfg);
    let other = Control::new(cfg.clone())
        .objects("microtenants")
        .into_iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .find(|id| id != "0" && *id != mt)
        .unwrap();
    let sim = start(SimulatorConfig {
        key_microtenant: Some(mt.clone()),
        ..cfg
    })
    .await;
    let c = Client::new(&sim).await;
    for query in [
        String::new(),
        format!("?microtenantId={other}"),
        "?microtenantId=0".into(),
    ] {
        let (status, body) = c.get(&format!("{}{query}", v1("application"))).await;
        assert_eq!(status, 403, "{query:?}");
        assert_eq!(body["id"], "authz.access.denied");
    }
    let (status, own) = c
        .get(&format!(
            "{}?pagesize=500&microtenantId={mt}",
            v1("application")
        ))
        .await;
    assert_eq!(status, 200);
    assert!(list_len(&own) > 0);
    assert!(own["list"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["microtenantId"] == mt.as_str()));
    // Not microtenant-scoped: no microtenantId needed.
    let idp = format!("/mgmtconfig/v2/admin/customers/{CID}/idp");
    assert_eq!(c.get(&idp).await.0, 200);
    assert_eq!(c.get(&format!("{}/{mt}", v1("microtenants"))).await.0, 200);
    assert_eq!(
        c.get(&format!("{}/{other}", v1("microtenants"))).await.0,
        403
    );
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// OneAPI: the ZIdentity token endpoint and the gateway in front of /zpa

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A 2048-bit RSA key pair (private PKCS#8 PEM, public SPKI PEM), generated once per test
/// binary: ring, which jsonwebtoken uses, verifies RSA but cannot generate keys.
fn rsa_keys() -> &'static (String, String) {
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
    static KEYS: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
        let private = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
        let public = key
            .to_public_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap();
        (private, public)
    })
}

/// An RS256 client assertion with these claims, signed with [`rsa_keys`].
fn assertion(claims: &Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(rsa_keys().0.as_bytes()).unwrap();
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        claims,
        &key,
    )
    .unwrap()
}

/// The claims the SDKs sign: iss = sub = client id, the OneAPI audience, ten minutes.
fn sdk_claims(client_id: &str) -> Value {
    let now = unix_now();
    json!({
        "iss": client_id,
        "sub": client_id,
        "aud": "https://api.zscaler.com",
        "iat": now,
        "exp": now + 600,
        "jti": format!("{:016x}", fastrand::u64(..)),
    })
}

fn assertion_form(client_id: &str, assertion: &str) -> Form {
    vec![
        ("grant_type", "client_credentials".into()),
        ("client_id", client_id.into()),
        ("client_assertion", assertion.into()),
        ("client_assertion_type", ASSERTION_TYPE.into()),
        ("audience", "https://api.zscaler.com".into()),
    ]
}

async fn body_json(resp: reqwest::Response) -> Value {
    let text = resp.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

#[tokio::test]
async fn oneapi_token_with_a_secret_has_a_numeric_expires_in_and_the_real_headers() {
    let sim = start(base_config()).await;
    let http = reqwest::Client::new();
    let resp = token_request(
        &http,
        &sim.base_url(),
        &secret_form("sim-oneapi-client", "sim-oneapi-secret"),
    )
    .await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    assert_eq!(h["content-type"], "application/json;charset=UTF-8");
    assert_eq!(h["server"], "ingress-gateway");
    assert_eq!(h["x-ratelimit-limit"], "500, 500;w=1, 100000;w=60");
    let remaining: u32 = h["x-ratelimit-remaining"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(remaining < 500);
    assert_eq!(h["x-ratelimit-reset"], "1");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], json!(86399), "a JSON number on OneAPI");
    let claims = jwt_payload(body["access_token"].as_str().unwrap());
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        86399
    );
    assert_eq!(claims["sub"], "sim-oneapi-client");
    assert_eq!(sim.control().request_count("token"), 1);
    sim.shutdown().await;

    // A short lifetime for renewal tests.
    let sim = start(SimulatorConfig {
        oneapi: OneApiConfig {
            token_ttl: Duration::from_secs(5),
            ..OneApiConfig::default()
        },
        ..base_config()
    })
    .await;
    let resp = token_request(
        &http,
        &sim.base_url(),
        &secret_form("sim-oneapi-client", "sim-oneapi-secret"),
    )
    .await;
    assert_eq!(resp.json::<Value>().await.unwrap()["expires_in"], json!(5));
    sim.shutdown().await;
}

#[tokio::test]
async fn oneapi_token_rejects_bad_requests_with_oauth2_errors_and_echoes_nothing() {
    let sim = start(base_config()).await;
    let http = reqwest::Client::new();
    let base = sim.base_url();
    let good = secret_form("sim-oneapi-client", "sim-oneapi-secret");
    let with = |name: &str, value: &str| -> Form {
        good.iter()
            .map(|(k, v)| {
                (
                    *k,
                    if *k == name {
                        value.to_string()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect()
    };
    let without =
        |name: &str| -> Form { good.iter().filter(|(k, _)| *k != name).cloned().collect() };
    let leaked_secret = "wrong-secret-d3adb33f";
    let mut both = good.clone();
    both.push(("client_assertion", "eyJ.e30.sig-c0ffee".into()));
    both.push(("client_assertion_type", ASSERTION_TYPE.into()));
    let cases: Vec<(&str, Form, u16, &str)> = vec![
        (
            "wrong secret",
            with("client_secret", leaked_secret),
            401,
            "invalid_client",
        ),
        (
            "unknown client",
            with("client_id", "someone-else"),
            401,
            "invalid_client",
        ),
        (
            "legacy credentials",
            secret_form("sim-client", "sim-secret"),
            401,
            "invalid_client",
        ),
        (
            "no client authentication",
            without("client_secret"),
            401,
            "invalid_client",
        ),
        (
            "password grant",
            with("grant_type", "password"),
            400,
            "unsupported_grant_type",
        ),
        (
            "no grant type",
            without("grant_type"),
            400,
            "invalid_request",
        ),
        ("no client id", without("client_id"), 400, "invalid_request"),
        (
            "wrong audience",
            with("audience", "https://evil.example"),
            400,
            "invalid_request",
        ),
        ("no audience", without("audience"), 400, "invalid_request"),
        ("secret and assertion", both, 400, "invalid_request"),
    ];
    for (what, form, status, error) in cases {
        let resp = token_request(&http, &base, &form).await;
        assert_eq!(resp.status(), status, "{what}");
        assert_eq!(
            resp.headers()["content-type"],
            "application/json;charset=UTF-8",
            "{what}"
        );
        let text = resp.text().await.unwrap();
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["error"], error, "{what}: {body}");
        assert!(body["error_description"].is_string(), "{what}");
        for secret in [leaked_secret, "sim-oneapi-secret", "c0ffee", "sim-secret"] {
            assert!(!text.contains(secret), "{what} echoed {secret}: {text}");
        }
    }
    // Not a form.
    let resp = http
        .post(format!("{base}/oauth2/v1/token"))
        .json(&json!({"grant_type": "client_credentials"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(body_json(resp).await["error"], "invalid_request");
    // Oversized bodies are refused unread.
    let huge = "x".repeat(64 * 1024);
    let resp = token_request(&http, &base, &with("client_secret", &huge)).await;
    assert_eq!(resp.status(), 413);
    assert_eq!(body_json(resp).await["error"], "invalid_request");
    // Repeated parameters are ambiguous (RFC 6749 §3.2).
    let mut twice = good.clone();
    twice.push(("client_id", "sim-oneapi-client".into()));
    let resp = token_request(&http, &base, &twice).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(sim.control().status_counts("token").get(&200), None);
    sim.shutdown().await;
}

#[tokio::test]
async fn oneapi_token_with_an_rs256_assertion() {
    let id = "sim-oneapi-client";
    let sim = start(SimulatorConfig {
        oneapi: OneApiConfig {
            // Assertions only: the secret door is shut.
            client_secret: None,
            public_key_pem: Some(rsa_keys().1.clone()),
            ..OneApiConfig::default()
        },
        ..base_config()
    })
    .await;
    let http = reqwest::Client::new();
    let base = sim.base_url();

    let good = assertion(&sdk_claims(id));
    let resp = token_request(&http, &base, &assertion_form(id, &good)).await;
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["expires_in"], json!(86399));
    let token = body["access_token"].as_str().unwrap();
    let zpa = http
        .get(format!("{base}/zpa{}", v1("connector")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(zpa.status(), 200, "the token opens /zpa");

    let claims = |f: &dyn Fn(&mut Value)| {
        let mut c = sdk_claims(id);
        f(&mut c);
        assertion(&c)
    };
    // Same header and claims, signature of other content: what a foreign key's signature
    // looks like to the verifier.
    let forged = {
        let other = assertion(&sdk_claims("someone-else"));
        let parts: Vec<&str> = good.split('.').collect();
        format!(
            "{}.{}.{}",
            parts[0],
            parts[1],
            other.split('.').nth(2).unwrap()
        )
    };
    // The public key used as an HMAC secret: the classic algorithm-confusion attack.
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &sdk_claims(id),
        &jsonwebtoken::EncodingKey::from_secret(rsa_keys().1.as_bytes()),
    )
    .unwrap();
    let cases = [
        ("bad signature", forged),
        (
            "wrong audience",
            claims(&|c| c["aud"] = json!("https://api.example.com")),
        ),
        ("expired", claims(&|c| c["exp"] = json!(unix_now() - 600))),
        (
            "iss is not the client",
            claims(&|c| c["iss"] = json!("someone-else")),
        ),
        (
            "sub is not the client",
            claims(&|c| c["sub"] = json!("someone-else")),
        ),
        (
            "no exp",
            claims(&|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
        ),
        ("HS256", hs256),
        ("not a JWT", "not.a.jwt".into()),
    ];
    for (what, jwt) in cases {
        let resp = token_request(&http, &base, &assertion_form(id, &jwt)).await;
        assert_eq!(resp.status(), 401, "{what}");
        let text = resp.text().await.unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&text).unwrap()["error"],
            "invalid_client",
            "{what}"
        );
        let signature = jwt.rsplit('.').next().unwrap();
        assert!(!text.contains(signature), "{what} echoed the assertion");
    }
    // A valid assertion for another client id is still another client.
    let other = assertion(&sdk_claims("someone-else"));
    let resp = token_request(&http, &base, &assertion_form("someone-else", &other)).await;
    assert_eq!(resp.status(), 401);
    // The assertion type must be the JWT-bearer one.
    let mut form = assertion_form(id, &good);
    form.retain(|(k, _)| *k != "client_assertion_type");
    assert_eq!(token_request(&http, &base, &form).await.status(), 400);
    // Oversized assertions are refused before any parsing.
    let big = format!("{good}{}", "A".repeat(10_000));
    let resp = token_request(&http, &base, &assertion_form(id, &big)).await;
    assert_eq!(resp.status(), 400);
    // No secret configured: the secret door answers like a wrong secret.
    let resp = token_request(&http, &base, &secret_form(id, "sim-oneapi-secret")).await;
    assert_eq!(resp.status(), 401);
    sim.shutdown().await;

    // Without a public key, assertions are refused and the secret still works.
    let sim = start(base_config()).await;
    let resp = token_request(&http, &sim.base_url(), &assertion_form(id, &good)).await;
    assert_eq!(resp.status(), 401);
    sim.shutdown().await;

    // A key that is not a PEM RSA public key is a configuration error.
    let bad = SimulatorConfig {
        oneapi: OneApiConfig {
            public_key_pem: Some(
                "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n".into(),
            ),
            ..OneApiConfig::default()
        },
        ..base_config()
    };
    assert!(bad.validate().is_err());
    let err = zpa_simulator::spawn(bad, loopback()).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn oneapi_tokens_open_only_zpa_and_legacy_tokens_only_the_legacy_routes() {
    let sim = start(base_config()).await;
    let legacy = Client::new(&sim).await;
    let oneapi = Client::oneapi(&sim).await;
    let path = v1("application");

    let (status, body) = oneapi.get(&path).await;
    assert_eq!(status, 200);
    assert_eq!(list_len(&body), 20);
    assert_eq!(oneapi.get(ME).await.0, 200, "/me under /zpa");

    // A OneAPI token on the legacy routes: ZPA's own 401.
    let resp = legacy
        .http
        .get(format!("{}{path}", legacy.base))
        .bearer_auth(&oneapi.token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(!resp.headers().contains_key("x-oneapi-request-id"));
    assert_eq!(body_json(resp).await["id"], "invalid.token");

    // A legacy token, a bogus one or none under /zpa: the gateway's 401.
    for token in [Some(legacy.token.as_str()), Some("eyJ.e30.bogus"), None] {
        let mut req = oneapi.http.get(format!("{}{path}", oneapi.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401);
        let h = resp.headers();
        assert_eq!(h["x-oneapi-api-category"], "public");
        assert_eq!(h["x-oneapi-host"], "https://apiusw2.zsapi.net");
        assert_eq!(h["x-oneapi-request-id"].len(), 36);
        assert!(
            !h.contains_key("x-ratelimit-remaining"),
            "no client, no quota"
        );
        assert_eq!(
            resp.text().await.unwrap(),
            r#"{"detail":"unauthorized","type":"","title":"","status":""}"#
        );
    }
    // Legacy sign-in does not exist behind the gateway.
    let resp = oneapi
        .http
        .post(format!("{}/signin", oneapi.base))
        .form(&[("client_id", "sim-client"), ("client_secret", "sim-secret")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(body_json(resp).await["detail"], "unauthorized");
    let resp = oneapi.get_raw("/signin").await;
    assert_eq!(resp.status(), 404, "with a OneAPI token: no such route");
    assert!(resp.headers().contains_key("x-oneapi-request-id"));

    // The gateway's refusals are counted under their own name.
    assert_eq!(sim.control().status_counts("gateway").get(&401), Some(&4));
    assert_eq!(sim.control().request_count("application"), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn gateway_headers_count_down_and_an_exhausted_quota_answers_429_without_retry_after() {
    let sim = start(SimulatorConfig {
        oneapi: OneApiConfig {
            gateway_quota: (3, Duration::from_secs(60)),
            ..OneApiConfig::default()
        },
        ..base_config()
    })
    .await;
    let c = Client::oneapi(&sim).await;
    let mut ids = Vec::new();
    // Errors behind the gateway carry its headers too (the 403 of another customer id).
    let paths = [
        v1("connector"),
        "/mgmtconfig/v1/admin/customers/42/connector".to_string(),
        v1("idp").replace("v1", "v2"),
    ];
    for (i, path) in paths.iter().enumerate() {
        let resp = c.get_raw(path).await;
        assert_eq!(resp.status(), if i == 1 { 403 } else { 200 }, "{path}");
        let h = resp.headers();
        assert_eq!(h["x-oneapi-host"], "https://apiusw2.zsapi.net");
        assert!(!h["x-oneapi-version"].is_empty());
        assert_eq!(h["x-ratelimit-limit"], "3, 3;w=60");
        assert_eq!(h["x-ratelimit-remaining"], (2 - i).to_string().as_str());
        let reset: u64 = h["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
        assert!((1..=60).contains(&reset), "{reset}");
        assert_eq!(h["server"], "Zscaler", "the ZPA answer behind the gateway");
        ids.push(h["x-oneapi-request-id"].to_str().unwrap().to_string());
    }
    ids.dedup();
    assert_eq!(ids.len(), 3, "a request id per request");

    let resp = c.get_raw(&v1("connector")).await;
    assert_eq!(resp.status(), 429);
    let h = resp.headers();
    assert!(
        !h.contains_key("retry-after"),
        "clients must use x-ratelimit-reset"
    );
    assert_eq!(h["x-ratelimit-remaining"], "0");
    let reset: u64 = h["x-ratelimit-reset"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&reset));
    assert!(h.contains_key("x-oneapi-request-id"));
    assert_eq!(sim.control().status_counts("gateway").get(&429), Some(&1));
    assert_eq!(
        sim.control().request_count("connector"),
        2,
        "the refused request never reached ZPA"
    );
    // The legacy door has no gateway quota.
    let legacy = Client::new(&sim).await;
    assert_eq!(legacy.get(&v1("connector")).await.0, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn zpa_own_429_keeps_retry_after_behind_the_gateway() {
    let sim = start(SimulatorConfig {
        rate_limit: Some((1, Duration::from_secs(10))),
        ..base_config()
    })
    .await;
    let c = Client::oneapi(&sim).await;
    assert_eq!(c.get(&v1("connector")).await.0, 200);
    let resp = c.get_raw(&v1("connector")).await;
    assert_eq!(resp.status(), 429);
    let h = resp.headers();
    let retry = h["retry-after"].to_str().unwrap();
    assert!(retry.ends_with('s'), "{retry}");
    assert_eq!(h["x-ratelimit-limit"], "5000, 5000;w=60");
    assert_eq!(h["x-ratelimit-remaining"], "4998", "the gateway counted it");
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(body_json(resp).await["id"], "invalid.toomanyrequests");
    sim.shutdown().await;
}

#[tokio::test]
async fn revocation_and_expiry_end_oneapi_tokens() {
    let sim = start(SimulatorConfig {
        oneapi: OneApiConfig {
            token_ttl: Duration::from_secs(1),
            ..OneApiConfig::default()
        },
        ..base_config()
    })
    .await;
    let c = Client::oneapi(&sim).await;
    assert_eq!(c.get(&v1("connector")).await.0, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = c.get(&v1("connector")).await;
    assert_eq!(
        (status.as_u16(), &body["detail"]),
        (401, &json!("unauthorized"))
    );

    let c = Client::oneapi(&sim).await;
    let legacy = Client::new(&sim).await;
    assert_eq!(c.get(&v1("connector")).await.0, 200);
    let resp = c
        .http
        .post(format!("{}/__sim/tokens/revoke", sim.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert_eq!(c.get(&v1("connector")).await.0, 401, "OneAPI token revoked");
    assert_eq!(legacy.get(&v1("connector")).await.0, 401, "legacy too");
    assert_eq!(
        Client::oneapi(&sim).await.get(&v1("connector")).await.0,
        200
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_oneapi_only_tenant_refuses_the_legacy_front_door_the_way_production_does() {
    let sim = start(base_config()).await;
    let legacy = Client::new(&sim).await;
    let oneapi = Client::oneapi(&sim).await;
    let switch = |enabled: Value| {
        let http = legacy.http.clone();
        let url = format!("{}/__sim/oneapi-only", sim.base_url());
        async move {
            http.post(url)
                .json(&json!({"enabled": enabled}))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(switch(json!(true)).await.status(), 204);
    let state: Value = legacy
        .http
        .get(format!("{}/__sim/oneapi-only", sim.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state, json!({"enabled": true}));
    assert!(sim.control().oneapi_only());

    // What Zscaler's Go SDK turns into ONLY_ONEAPI_SUPPORTED: a non-2xx, non-JSON answer that
    // contains "only through zscaler oneapi".
    let is_refusal = |status: StatusCode, content_type: &str, body: &str| {
        !status.is_success()
            && !content_type.contains("application/json")
            && body.to_lowercase().contains("only through zscaler oneapi")
    };
    let resp = legacy
        .http
        .post(format!("{}/signin", legacy.base))
        .form(&[("client_id", "sim-client"), ("client_secret", "sim-secret")])
        .send()
        .await
        .unwrap();
    let (status, ct) = (resp.status(), resp.headers()["content-type"].clone());
    assert_eq!(status, 403);
    assert!(is_refusal(
        status,
        ct.to_str().unwrap(),
        &resp.text().await.unwrap()
    ));
    // A token issued before the switch is refused as well.
    let resp = legacy.get_raw(&v1("connector")).await;
    let (status, ct) = (resp.status(), resp.headers()["content-type"].clone());
    assert!(is_refusal(
        status,
        ct.to_str().unwrap(),
        &resp.text().await.unwrap()
    ));
    assert_eq!(legacy.get(ME).await.0, 403);
    assert_eq!(sim.control().status_counts("signin").get(&403), Some(&1));
    // OneAPI is unaffected.
    assert_eq!(oneapi.get(&v1("connector")).await.0, 200);

    assert_eq!(switch(json!(false)).await.status(), 204);
    assert_eq!(legacy.get(&v1("connector")).await.0, 200, "switched back");
    assert_eq!(switch(json!("yes")).await.status(), 400);
    sim.shutdown().await;

    // Configured from the start.
    let sim = start(SimulatorConfig {
        oneapi_only: true,
        ..base_config()
    })
    .await;
    let (status, _) = signin(
        &reqwest::Client::new(),
        &sim.base_url(),
        "sim-client",
        "sim-secret",
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(Client::oneapi(&sim).await.get(ME).await.0, 200);
    sim.shutdown().await;
}
