//! The simulator's legacy front door over real HTTP: sign-in and JWT-shaped tokens, what ends a
//! token (revoke, sign-out, expiry), paging with string envelopes, page size limits, and
//! microtenant scoping.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use zpa_simulator::{self, SimulatorConfig};

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
