//! The simulator's control API: mutations show in the next listing; SCIM groups keep real
//! numbers and exact big ids.

mod common;

use common::*;
use serde_json::{json, Value};

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
