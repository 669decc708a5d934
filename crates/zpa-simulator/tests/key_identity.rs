//! Key identity and microtenant scope: `/me`, `/microtenants/{id}`, and the microtenantId
//! checks a scoped key meets.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};
use zpa_simulator::{self, Control, SimulatorConfig};

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
