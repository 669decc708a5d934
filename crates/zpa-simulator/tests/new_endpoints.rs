//! Provisioning keys, the application limit, log receivers and Private Cloud Controllers: their
//! shapes (the recorded key set where a recording exists), the states a monitoring setup should
//! see (a key near its maximum, one about to expire, a disconnected and an outdated controller,
//! a disabled receiver), that zpa-api's models read them, and unlicensed features refusing as
//! ZPA does while the rest of the tenant answers.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::{json, Value};
use zpa_api::models::application_limit::ApplicationLimit;
use zpa_api::models::lss_config::LogReceiver;
use zpa_api::models::private_cloud::PrivateCloudController;
use zpa_api::models::provisioning_key::ProvisioningKey;
use zpa_api::paging::parse_page;
use zpa_simulator::{Feature, SimulatorConfig};

fn keys_path(association: &str) -> String {
    v1(&format!(
        "associationType/{association}/provisioningKey?pagesize=500"
    ))
}

fn v2(rest: &str) -> String {
    format!("/mgmtconfig/v2/admin/customers/{CID}/{rest}")
}

fn num(v: &Value) -> u64 {
    v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a string number"))
        .parse()
        .unwrap()
}

/// The keys of a recorded provisioning key (TestAppConnectorGroupProvisioningKey, list page).
const RECORDED_KEY_FIELDS: [&str; 16] = [
    "id",
    "modifiedTime",
    "creationTime",
    "modifiedBy",
    "name",
    "usageCount",
    "maxUsage",
    "zcomponentId",
    "enabled",
    "zcomponentName",
    "exportable",
    "readOnly",
    "zscalerManaged",
    "enrollmentCertId",
    "enrollmentCertName",
    "provisioningKey",
];

#[tokio::test]
async fn provisioning_keys_in_the_recorded_shape_with_keys_near_their_limits() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let now = unix_now();
    let (status, body) = c.get(&keys_path("CONNECTOR_GRP")).await;
    assert_eq!(status, 200);
    let keys = body["list"].as_array().unwrap();
    assert_eq!(body["totalCount"], keys.len().to_string());
    let groups: BTreeSet<String> = all(&c, "appConnectorGroup")
        .await
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    for k in keys {
        let fields: BTreeSet<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
        let extra: BTreeSet<&str> = ["expirationInEpochSec", "microtenantId", "microtenantName"]
            .into_iter()
            .collect();
        for f in RECORDED_KEY_FIELDS {
            assert!(fields.contains(f), "{f} missing from {k}");
        }
        for f in &fields {
            assert!(
                RECORDED_KEY_FIELDS.contains(f) || extra.contains(f),
                "{f} is in no recording"
            );
        }
        assert!(num(&k["usageCount"]) <= num(&k["maxUsage"]));
        assert!(groups.contains(k["zcomponentId"].as_str().unwrap()));
        assert_eq!(k["enrollmentCertName"], "Connector");
        assert!(k["provisioningKey"].as_str().unwrap().starts_with("3|"));
    }
    let ratio = |k: &Value| num(&k["usageCount"]) as f64 / num(&k["maxUsage"]) as f64;
    assert!(
        keys.iter().any(|k| k["enabled"] == true && ratio(k) >= 0.9),
        "an enabled key at 90 % or more of its maximum"
    );
    let expires = |k: &Value| k.get("expirationInEpochSec").map(num);
    assert!(
        keys.iter().any(|k| k["enabled"] == true
            && expires(k).is_some_and(|t| t > now && t < now + 14 * 86_400)),
        "an enabled key expiring within 14 days"
    );
    assert!(keys.iter().any(|k| k["enabled"] == false));
    assert!(
        keys.iter().any(|k| k.get("expirationInEpochSec").is_none()),
        "keys that never expire carry no expiry"
    );
    // The key the generated connectors name exists, and counts them.
    let main = keys.iter().find(|k| k["id"] == "58856").expect("key 58856");
    assert_eq!(num(&main["usageCount"]), 12);
    assert!(
        main.get("microtenantName").is_none(),
        "Default keys name none"
    );

    let edges = c.get(&keys_path("SERVICE_EDGE_GRP")).await.1;
    let edge_keys = edges["list"].as_array().unwrap();
    assert!(edge_keys.iter().any(|k| k["id"] == "58857"));
    assert!(edge_keys
        .iter()
        .all(|k| k["enrollmentCertName"] == "Service Edge"));
    assert!(
        edge_keys
            .iter()
            .all(|k| keys.iter().all(|c| c["id"] != k["id"])),
        "each association type has its own keys"
    );

    // zpa-api reads the page; the secret does not survive it.
    let raw = c
        .get_raw(&keys_path("CONNECTOR_GRP"))
        .await
        .bytes()
        .await
        .unwrap();
    let parsed = parse_page::<ProvisioningKey>(&raw).unwrap().items;
    assert_eq!(parsed.len(), keys.len());
    assert!(parsed
        .iter()
        .any(|k| k.usage_count == Some(19) && k.max_usage == Some(20)));
    assert!(!format!("{parsed:?}").contains("api.private.zscaler.com"));

    // Keys live in their group's microtenant.
    let some_mt = keys
        .iter()
        .find_map(|k| k["microtenantId"].as_str())
        .expect("a key outside Default");
    let scoped = c
        .get(&format!(
            "{}&microtenantId={some_mt}",
            keys_path("CONNECTOR_GRP")
        ))
        .await
        .1;
    assert!(scoped["list"]
        .as_array()
        .unwrap()
        .iter()
        .all(|k| k["microtenantId"] == some_mt));

    assert_eq!(
        c.get(&keys_path("NP_ASSISTANT_GRP")).await,
        (
            reqwest::StatusCode::OK,
            json!({"totalPages": "0", "totalCount": "0"})
        )
    );
    let (status, body) = c.get(&keys_path("BRANCH_GRP")).await;
    assert_eq!(
        (status.as_u16(), body["id"].as_str()),
        (400, Some("invalid.association.type"))
    );
}

#[tokio::test]
async fn application_limit_counts_the_segments_held_now() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let path = v1("application/count/currentAndMaxLimit");
    let (status, body) = c.get(&path).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"currentAppsCount": "120", "maxAppsLimit": "1000"})
    );
    sim.control()
        .add_object("application", json!({"name": "one-more", "enabled": true}));
    let raw = c.get_raw(&path).await.bytes().await.unwrap();
    let limit: ApplicationLimit = serde_json::from_slice(&raw).unwrap();
    assert_eq!(
        (limit.current_apps_count, limit.max_apps_limit),
        (Some(121), Some(1000))
    );
    assert_eq!(sim.control().request_count("applicationLimit"), 2);

    let big = SimulatorConfig {
        segments: 5_000,
        application_limit: None,
        ..base_config()
    };
    assert_eq!(
        big.max_applications(),
        7_000,
        "a quarter free, in thousands"
    );
    let fixed = SimulatorConfig {
        application_limit: Some(130),
        ..base_config()
    };
    assert_eq!(fixed.max_applications(), 130);
}

#[tokio::test]
async fn log_receivers_cover_several_log_types_and_one_is_off() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let (status, body) = c.get(&v2("lssConfig?pagesize=500")).await;
    assert_eq!(status, 200);
    let receivers = body["list"].as_array().unwrap();
    let types: BTreeSet<&str> = receivers
        .iter()
        .map(|r| r["config"]["sourceLogType"].as_str().unwrap())
        .collect();
    for t in [
        "zpn_trans_log",
        "zpn_auth_log",
        "zpn_ast_auth_log",
        "zpn_sys_auth_log",
    ] {
        assert!(types.contains(t), "{t} missing from {types:?}");
    }
    assert!(types.len() >= 5);
    let off: Vec<&Value> = receivers
        .iter()
        .filter(|r| r["config"]["enabled"] == false)
        .collect();
    assert_eq!(off.len(), 1, "one receiver is switched off");
    let groups: BTreeSet<String> = all(&c, "appConnectorGroup")
        .await
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_string())
        .collect();
    for r in receivers {
        assert_eq!(r["id"], r["config"]["id"]);
        assert!(r["config"]["lssPort"].is_string(), "lssPort is a string");
        assert!(r["config"]["useTls"].is_boolean());
        assert!(r["config"]["format"].as_str().unwrap().ends_with("\\n"));
        assert_eq!(r["policyRule"]["policyType"], "3");
        assert_eq!(r["policyRule"]["action"], "LOG");
        for g in r["connectorGroups"].as_array().unwrap() {
            assert!(groups.contains(g["name"].as_str().unwrap()));
        }
    }
    assert!(
        receivers.iter().any(|r| r["config"]["useTls"] == true)
            && receivers.iter().any(|r| r["config"]["useTls"] == false)
    );

    let raw = c
        .get_raw(&v2("lssConfig?pagesize=500"))
        .await
        .bytes()
        .await
        .unwrap();
    let parsed = parse_page::<LogReceiver>(&raw).unwrap().items;
    assert_eq!(parsed.len(), receivers.len());
    assert!(parsed
        .iter()
        .all(|r| r.config.lss_port.is_some() && !r.connector_groups.is_empty()));
}

#[tokio::test]
async fn private_cloud_controllers_shaped_like_app_connectors() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let controllers = all(&c, "privateCloudController").await;
    assert_eq!(controllers.len(), 4);
    let groups = all(&c, "privateCloudControllerGroup").await;
    assert_eq!(groups.len(), 2);
    let status = |s: &str| {
        controllers
            .iter()
            .filter(|c| c["controlChannelStatus"] == s)
            .count()
    };
    assert!(status("ZPN_STATUS_DISCONNECTED") >= 1);
    assert!(status("ZPN_STATUS_AUTHENTICATED") >= 1);
    assert!(
        controllers
            .iter()
            .any(|c| c["currentVersion"].is_string() && c["currentVersion"] != c["expectedVersion"]),
        "one runs an outdated version"
    );
    let never: Vec<&Value> = controllers
        .iter()
        .filter(|c| c.get("controlChannelStatus").is_none())
        .collect();
    assert_eq!(never.len(), 1);
    assert!(never[0].get("currentVersion").is_none());
    for ctl in &controllers {
        let group = groups
            .iter()
            .find(|g| g["id"] == ctl["privateCloudControllerGroupId"])
            .expect("its group is listed");
        assert_eq!(group["name"], ctl["privateCloudControllerGroupName"]);
        let embedded = group["siteControllers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == ctl["id"])
            .expect("embedded in its group");
        if let Some(v) = embedded.get("siteControllerVersion") {
            let micros = num(&v["lastConnectTime"]);
            assert_eq!(micros / 1_000_000, num(&ctl["lastBrokerConnectTime"]));
            assert_eq!(v["ctrlChannelStatus"], ctl["controlChannelStatus"]);
        } else {
            assert!(ctl.get("controlChannelStatus").is_none());
        }
    }
    let raw = c
        .get_raw(&v1("privateCloudController"))
        .await
        .bytes()
        .await
        .unwrap();
    let parsed = parse_page::<PrivateCloudController>(&raw).unwrap().items;
    assert!(parsed
        .iter()
        .all(|p| p.private_cloud_controller_group_name.is_some()));
    assert!(parsed
        .iter()
        .any(|p| p.machine.current_version != p.machine.expected_version));
}

#[tokio::test]
async fn unlicensed_features_refuse_as_zpa_does_and_the_rest_answers() {
    let sim = start(SimulatorConfig {
        unlicensed: [Feature::PrivateCloud].into_iter().collect(),
        ..base_config()
    })
    .await;
    let c = Client::new(&sim).await;
    let some_controller = sim.control().objects("privateCloudController")[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        v1("privateCloudController"),
        v1("privateCloudControllerGroup"),
        v1(&format!("privateCloudController/{some_controller}")),
    ] {
        let (status, body) = c.get(&path).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["id"], "authz.featureflag.permission.denied", "{path}");
        assert_eq!(
            body["reason"],
            format!("Feature flag feature.ddil.config disabled for customer {CID}")
        );
    }
    assert_eq!(c.get(&v2("lssConfig")).await.0, 200, "licensed");
    assert_eq!(c.get(&v1("connector")).await.0, 200);
    assert_eq!(
        c.get(&v1("privateCloudController")).await.0,
        401,
        "the token is fine: it keeps working"
    );

    // Switched at run time, over the control API.
    let url = |p: &str| format!("{}/__sim/features{p}", sim.base_url());
    let post = |p: &'static str, body: Value| c.http.post(url(p)).json(&body).send();
    assert_eq!(
        post("/privateCloud", json!({"licensed": true}))
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(c.get(&v1("privateCloudController")).await.0, 200);
    assert_eq!(
        post("/logStreaming", json!({"licensed": false}))
            .await
            .unwrap()
            .status(),
        204
    );
    let (status, body) = c.get(&v2("lssConfig")).await;
    assert_eq!(
        (status.as_u16(), body["id"].as_str()),
        (401, Some("authz.featureflag.permission.denied"))
    );
    let listed: Value = c
        .http
        .get(url(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed,
        json!({"licensed": {"privateCloud": true, "logStreaming": false}})
    );
    assert_eq!(
        post("/teleport", json!({"licensed": true}))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        post("/logStreaming", json!({"on": 1}))
            .await
            .unwrap()
            .status(),
        400
    );
}
