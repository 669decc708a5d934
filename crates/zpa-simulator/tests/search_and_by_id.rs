//! `search` on every list endpoint and reads by id of every listed resource: the SDKs' encoded
//! `name+EQ+<value>`, the Go SDK's spaces, clauses, durations, what is refused; the object read
//! by id is exactly the one listed, and unknown ids, other microtenants, association types and
//! policy sets answer ZPA's 400 `resource.not.found`.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn v2(rest: &str) -> String {
    format!("/mgmtconfig/v2/admin/customers/{CID}/{rest}")
}

fn userconfig(rest: &str) -> String {
    format!("/userconfig/v1/customers/{CID}/{rest}")
}

/// The path an object is read at by id.
type ById = Box<dyn Fn(&Value) -> String>;

/// Every list the simulator serves, and how its objects are read by id.
fn endpoints(scim_idp: &str) -> Vec<(String, ById)> {
    let mut out: Vec<(String, ById)> = Vec::new();
    for r in [
        "microtenants",
        "application",
        "connector",
        "serviceEdge",
        "appConnectorGroup",
        "serviceEdgeGroup",
        "segmentGroup",
        "serverGroup",
        "privateCloudController",
        "privateCloudControllerGroup",
    ] {
        out.push((v1(r), Box::new(move |o| v1(&format!("{r}/{}", id(o))))));
    }
    out.push((
        v2("clientlessCertificate/issued"),
        Box::new(|o| v1(&format!("certificate/{}", id(o)))),
    ));
    for r in ["enrollmentCert", "idp"] {
        out.push((v2(r), Box::new(move |o| v1(&format!("{r}/{}", id(o))))));
    }
    out.push((
        v2("lssConfig"),
        Box::new(|o| v2(&format!("lssConfig/{}", id(o)))),
    ));
    for t in ["CONNECTOR_GRP", "SERVICE_EDGE_GRP"] {
        let base = format!("associationType/{t}/provisioningKey");
        let by = base.clone();
        out.push((v1(&base), Box::new(move |o| v1(&format!("{by}/{}", id(o))))));
    }
    out.push((
        v1("policySet/rules/policyType/ACCESS_POLICY"),
        Box::new(|o| {
            v1(&format!(
                "policySet/{}/rule/{}",
                o["policySetId"].as_str().unwrap(),
                id(o)
            ))
        }),
    ));
    out.push((
        userconfig(&format!("scimgroup/idpId/{scim_idp}")),
        Box::new(|o| userconfig(&format!("scimgroup/{}", id(o)))),
    ));
    out
}

fn id(o: &Value) -> String {
    match &o["id"] {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

async fn listed(c: &Client, path: &str) -> Vec<Value> {
    let (status, body) = c.get(&format!("{path}?pagesize=500")).await;
    assert_eq!(status, 200, "{path}: {body}");
    body["list"].as_array().cloned().unwrap_or_default()
}

async fn search(c: &Client, path: &str, search: &str) -> (StatusCode, Value) {
    let resp = c
        .http
        .get(format!("{}{path}", c.base))
        .query(&[("search", search), ("pagesize", "500")])
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    (resp.status(), body_json(resp).await)
}

fn names(body: &Value) -> Vec<String> {
    body["list"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|o| {
                    o.get("name")
                        .or_else(|| o["config"].get("name"))
                        .and_then(Value::as_str)
                        .unwrap()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default()
}

fn scim_idp(sim: &zpa_simulator::RunningSimulator) -> String {
    sim.control()
        .objects("scimgroup")
        .first()
        .map(|g| g["idpId"].to_string())
        .expect("SCIM groups")
}

#[tokio::test]
async fn every_listed_object_reads_back_by_id_exactly() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let idp = scim_idp(&sim);
    for (list, by_id) in endpoints(&idp) {
        let objects = listed(&c, &list).await;
        assert!(!objects.is_empty(), "{list} lists nothing");
        for o in [&objects[0], &objects[objects.len() - 1]] {
            let path = by_id(o);
            let (status, body) = c.get(&path).await;
            assert_eq!(status, 200, "{path}: {body}");
            assert_eq!(&body, o, "{path} is the object as listed");
        }
        let unknown = by_id(&json!({"id": "4040404", "policySetId": "1"}));
        let (status, body) = c.get(&unknown).await;
        assert_eq!(status, 400, "{unknown}");
        assert_eq!(
            body,
            json!({"id": "resource.not.found", "reason": "resource.not.found", "params": ["4040404"]}),
            "{unknown}"
        );
    }
    let stats = sim.control();
    assert_eq!(stats.request_count("application/{id}"), 3);
    assert_eq!(stats.request_count("provisioningKey/{id}"), 6);
    assert_eq!(
        c.get(&v1("nosuchthing/1")).await.0,
        404,
        "a path naming no resource"
    );
}

#[tokio::test]
async fn reads_by_id_respect_scope_paths_faults_and_the_oneapi_door() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let segment = sim
        .control()
        .objects("application")
        .into_iter()
        .find(|s| s.get("microtenantId").is_some())
        .expect("a segment outside Default");
    let (sid, mt) = (id(&segment), segment["microtenantId"].as_str().unwrap());
    let path = v1(&format!("application/{sid}"));
    assert_eq!(c.get(&format!("{path}?microtenantId={mt}")).await.0, 200);
    let (status, body) = c.get(&format!("{path}?microtenantId=0")).await;
    assert_eq!(
        (status.as_u16(), body["id"].as_str()),
        (400, Some("resource.not.found"))
    );

    let key = v1("associationType/SERVICE_EDGE_GRP/provisioningKey/58856");
    assert_eq!(c.get(&key).await.0, 400, "58856 is a connector key");
    let rule = sim.control().objects("policyRules")[0].clone();
    let wrong_set = v1(&format!("policySet/1/rule/{}", id(&rule)));
    assert_eq!(c.get(&wrong_set).await.0, 400);

    sim.control().set_fault(zpa_simulator::Fault {
        endpoint: "application/{id}".into(),
        kind: zpa_simulator::FaultKind::Status(503),
        count: Some(1),
        skip: 0,
    });
    assert_eq!(
        c.get(&path).await.0,
        503,
        "faults match the by-id endpoint name"
    );
    assert_eq!(c.get(&path).await.0, 200);

    let one = Client::oneapi(&sim).await;
    let (status, body) = one.get(&path).await;
    assert_eq!(status, 200);
    assert_eq!(body["id"], json!(sid));
}

#[tokio::test]
async fn search_by_name_on_every_list_as_the_sdks_send_it() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let idp = scim_idp(&sim);
    for (list, _) in endpoints(&idp) {
        if list.contains("scimgroup") {
            continue;
        }
        let objects = listed(&c, &list).await;
        let wanted = names(&json!({ "list": [objects.last().unwrap()] })).remove(0);
        // The Python SDK: literal plus signs (reqwest encodes them as %2B), spaces as `+`.
        let (status, body) = search(&c, &list, &format!("name+EQ+{wanted}")).await;
        assert_eq!(status, 200, "{list}: {body}");
        let found = names(&body);
        assert!(!found.is_empty(), "{list}: {wanted:?} not found");
        assert!(
            found.iter().all(|n| n.eq_ignore_ascii_case(&wanted)),
            "{list}: {found:?}"
        );
        assert_eq!(body["totalCount"], found.len().to_string(), "{list}");
        // The Go SDK: spaces.
        let (_, spaced) = search(&c, &list, &format!("name EQ {wanted}")).await;
        assert_eq!(spaced, body, "{list}");
        let (_, none) = search(&c, &list, "name EQ no such object at all").await;
        assert_eq!(
            none,
            json!({"totalPages": "0", "totalCount": "0"}),
            "{list}"
        );
    }
    // The tricky names survive the round trip.
    let tricky = "Payroll \"Legacy\" \\ 給与システム";
    let (_, body) = search(&c, &v1("application"), &format!("name+EQ+{tricky}")).await;
    assert_eq!(names(&body), vec![tricky.to_string()]);
}

#[tokio::test]
async fn search_clauses_operators_and_what_is_refused() {
    let sim = start(base_config()).await;
    let c = Client::new(&sim).await;
    let connectors = sim.control().objects("connector");
    let disconnected = connectors
        .iter()
        .filter(|c| c["controlChannelStatus"] == "ZPN_STATUS_DISCONNECTED")
        .count();
    assert!(disconnected > 0);
    let (_, body) = search(
        &c,
        &v1("connector"),
        "controlChannelStatus EQ ZPN_STATUS_DISCONNECTED",
    )
    .await;
    assert_eq!(body["totalCount"], disconnected.to_string());
    let (_, both) = search(
        &c,
        &v1("connector"),
        "controlChannelStatus EQ ZPN_STATUS_DISCONNECTED AND lastBrokerDisconnectTimeDuration GT 0d",
    )
    .await;
    assert_eq!(both["totalCount"], disconnected.to_string());
    let (_, none) = search(
        &c,
        &v1("connector"),
        "controlChannelStatus+EQ+ZPN_STATUS_DISCONNECTED+AND+lastBrokerDisconnectTimeDuration+GT+9999d",
    )
    .await;
    assert_eq!(none["totalCount"], "0");
    let (_, ne) = search(
        &c,
        &v1("connector"),
        "controlChannelStatus NE ZPN_STATUS_AUTHENTICATED",
    )
    .await;
    let authenticated = connectors
        .iter()
        .filter(|c| c["controlChannelStatus"] == "ZPN_STATUS_AUTHENTICATED")
        .count();
    assert_eq!(
        ne["totalCount"],
        (connectors.len() - authenticated).to_string(),
        "the never-connected one has no status, so it is not AUTHENTICATED"
    );

    let keys = v1("associationType/CONNECTOR_GRP/provisioningKey");
    let (_, heavy) = search(&c, &keys, "usageCount GTEQ 19").await;
    assert!(names(&heavy).iter().any(|n| n.contains("bulk enrolment")));
    let (_, like) = search(&c, &v1("connector"), "name LIKE CONN-").await;
    let conn = connectors
        .iter()
        .filter(|c| c["name"].as_str().unwrap().contains("conn-"))
        .count();
    assert!(conn > 1);
    assert_eq!(
        like["totalCount"],
        conn.to_string(),
        "LIKE: contains, any case"
    );
    let (_, enabled) = search(&c, &v2("lssConfig"), "enabled EQ false").await;
    assert_eq!(enabled["totalCount"], "1", "the receiver that is off");
    let (_, by_type) = search(&c, &v2("lssConfig"), "sourceLogType EQ zpn_trans_log").await;
    assert_eq!(by_type["totalCount"], "1");

    // Paging applies to what the search found.
    let resp = c
        .http
        .get(format!("{}{}", c.base, v1("application")))
        .query(&[
            ("search", "enabled EQ true"),
            ("pagesize", "7"),
            ("page", "2"),
        ])
        .bearer_auth(&c.token)
        .send()
        .await
        .unwrap();
    let page = body_json(resp).await;
    let enabled_segments = sim
        .control()
        .objects("application")
        .iter()
        .filter(|s| s["enabled"] == true)
        .count();
    assert_eq!(page["totalCount"], enabled_segments.to_string());
    assert_eq!(page["totalPages"], enabled_segments.div_ceil(7).to_string());
    assert_eq!(page["list"].as_array().unwrap().len(), 7);

    for bad in ["Engineering", "name EQ", "name CONTAINS x", "name eq x"] {
        let (status, body) = search(&c, &v1("application"), bad).await;
        assert_eq!(status, 400, "{bad:?}");
        assert_eq!(body["id"], "bad.request", "{bad:?}");
    }
    let (status, _) = search(&c, &v1("application"), "").await;
    assert_eq!(status, 200, "an empty search filters nothing");

    // SCIM groups take the plain string.
    let idp = scim_idp(&sim);
    let path = userconfig(&format!("scimgroup/idpId/{idp}"));
    let (status, body) = search(&c, &path, "engineering").await;
    assert_eq!(status, 200);
    let found = names(&body);
    assert!(!found.is_empty());
    assert!(found
        .iter()
        .all(|n| n.to_lowercase().contains("engineering")));
    assert_eq!(
        body["totalCount"],
        json!(found.len()),
        "numbers stay numbers"
    );
}
