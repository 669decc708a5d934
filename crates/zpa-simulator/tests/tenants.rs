//! Several tenants in one simulator process: distinct customer ids, keys, stores and budgets,
//! routing by client id, token and customer id, and per-tenant faults.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use zpa_simulator::tenants::derive;
use zpa_simulator::{spawn_tenants, RunningTenants, SimulatorConfig};

fn base() -> SimulatorConfig {
    SimulatorConfig {
        segments: 30,
        rate_limit: Some((5, Duration::from_secs(60))),
        ..SimulatorConfig::default()
    }
}

async fn start(n: usize) -> RunningTenants {
    spawn_tenants(base(), n, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap()
}

async fn sign_in(http: &reqwest::Client, url: &str, id: &str, secret: &str) -> reqwest::Response {
    http.post(format!("{url}/signin"))
        .form(&[("client_id", id), ("client_secret", secret)])
        .send()
        .await
        .unwrap()
}

async fn token(http: &reqwest::Client, url: &str, cfg: &SimulatorConfig) -> String {
    let resp = sign_in(http, url, &cfg.client_id, &cfg.client_secret).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

async fn segments(http: &reqwest::Client, url: &str, token: &str, cid: &str) -> reqwest::Response {
    http.get(format!(
        "{url}/mgmtconfig/v1/admin/customers/{cid}/application?pagesize=500"
    ))
    .bearer_auth(token)
    .send()
    .await
    .unwrap()
}

#[tokio::test]
async fn three_tenants_each_with_its_own_keys_data_and_budget() {
    let sim = start(3).await;
    let url = sim.base_url();
    let http = reqwest::Client::new();
    let cfgs: Vec<SimulatorConfig> = sim.tenants().iter().map(|c| c.config().clone()).collect();
    assert_eq!(
        cfgs[0].customer_id,
        base().customer_id,
        "tenant 0 is the base"
    );
    assert_eq!(cfgs[0].client_id, "sim-client");
    assert_eq!(cfgs[2].client_id, "sim-client-2");
    let derived = derive(&base(), 2);
    assert_eq!(
        (&cfgs[2].customer_id, cfgs[2].seed, &cfgs[2].client_secret),
        (
            &derived.customer_id,
            base().seed + 2,
            &"sim-secret-2".to_string()
        )
    );
    assert_eq!(cfgs[1].customer_id, "216196257331281921");
    let listed: Vec<Value> = http
        .get(format!("{url}/__sim/tenants"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[1]["customerId"], cfgs[1].customer_id.as_str());

    let mut names = Vec::new();
    for cfg in &cfgs {
        let token = token(&http, &url, cfg).await;
        let resp = segments(&http, &url, &token, &cfg.customer_id).await;
        assert_eq!(resp.status(), StatusCode::OK, "{}", cfg.customer_id);
        let body: Value = resp.json().await.unwrap();
        names.push(body["list"].to_string());
        let me: Value = http
            .get(format!("{url}/mgmtconfig/v1/admin/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            me["customerId"],
            cfg.customer_id.as_str(),
            "routed by token"
        );
    }
    assert!(
        names[0] != names[1] && names[1] != names[2] && names[0] != names[2],
        "each tenant has its own, differently seeded store"
    );

    // A key is valid only at its own tenant, and a token only for its own customer id.
    let wrong = sign_in(&http, &url, &cfgs[1].client_id, &cfgs[0].client_secret).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let t1 = token(&http, &url, &cfgs[1]).await;
    let cross = segments(&http, &url, &t1, &cfgs[0].customer_id).await;
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);

    // Each tenant has its own budget: tenant 1 spends all of it, tenant 2 is untouched.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            segments(&http, &url, &t1, &cfgs[1].customer_id)
                .await
                .status(),
        );
    }
    assert_eq!(
        statuses.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let t2 = token(&http, &url, &cfgs[2]).await;
    assert_eq!(
        segments(&http, &url, &t2, &cfgs[2].customer_id)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(sim.tenants()[2].request_count("application"), 2);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_fault_on_one_tenant_leaves_the_others_alone() {
    let sim = start(2).await;
    let url = sim.base_url();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let cfgs: Vec<SimulatorConfig> = sim.tenants().iter().map(|c| c.config().clone()).collect();
    let (t0, t1) = (
        token(&http, &url, &cfgs[0]).await,
        token(&http, &url, &cfgs[1]).await,
    );
    let hang = json!({"endpoint": "application", "kind": "hang"});
    let resp = http
        .post(format!(
            "{url}/__sim/tenants/{}/faults",
            cfgs[1].customer_id
        ))
        .json(&hang)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let refuse = json!({"endpoint": "signin", "kind": "signinRefused"});
    http.post(format!(
        "{url}/__sim/tenants/{}/faults",
        cfgs[1].customer_id
    ))
    .json(&refuse)
    .send()
    .await
    .unwrap();
    assert_eq!(sim.tenants()[1].faults().len(), 2);
    assert!(sim.tenants()[0].faults().is_empty());

    // Tenant 1's listing hangs while tenant 0 answers at once.
    let hung = {
        let (http, url, t1, cid) = (
            http.clone(),
            url.clone(),
            t1.clone(),
            cfgs[1].customer_id.clone(),
        );
        tokio::spawn(async move { segments(&http, &url, &t1, &cid).await.status() })
    };
    assert_eq!(
        segments(&http, &url, &t0, &cfgs[0].customer_id)
            .await
            .status(),
        StatusCode::OK
    );
    assert!(!hung.is_finished());
    let refused = sign_in(&http, &url, &cfgs[1].client_id, &cfgs[1].client_secret).await;
    assert_eq!(
        refused.status(),
        StatusCode::UNAUTHORIZED,
        "its key is now wrong"
    );
    assert_eq!(
        sign_in(&http, &url, &cfgs[0].client_id, &cfgs[0].client_secret)
            .await
            .status(),
        StatusCode::OK
    );
    let unknown = http
        .get(format!("{url}/__sim/tenants/42/faults"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    // Shutting down releases the hung request.
    sim.shutdown().await;
    let _ = tokio::time::timeout(Duration::from_secs(20), hung)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_number_of_tenants_is_bounded() {
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    for n in [0, 1001] {
        let err = spawn_tenants(base(), n, addr).await.err().unwrap();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }
}
