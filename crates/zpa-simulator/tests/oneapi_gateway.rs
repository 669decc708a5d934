//! The OneAPI gateway in front of `/zpa`: which tokens open which routes, its quota headers and
//! 429 without retry-after, ZPA's own 429 behind it, the end of OneAPI tokens, and a tenant moved
//! to OneAPI refusing the legacy front door.

mod common;

use std::time::Duration;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zpa_simulator::{self, OneApiConfig, SimulatorConfig};

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
