//! The simulator's responses: shapes that follow the recorded ZPA responses, the same tenant
//! from the same seed, a 100 000-segment tenant, an empty tenant, and a restart on the same
//! address.

mod common;

use common::*;
use serde_json::json;
use zpa_simulator::{self, Control, SimulatorConfig};

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
