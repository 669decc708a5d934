//! Every collector against the simulator: its metrics agree with the simulated tenant, a change
//! in ZPA shows on the next poll, and an unlicensed feature (401
//! `authz.featureflag.permission.denied`) marks only that collector unavailable.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::{json, Value};
use zpa_api::ratelimit::RateLimit;
use zpa_exporter::RunningExporter;
use zpa_simulator::{Fault, FaultKind, RunningSimulator, SimulatorConfig};

/// Every collector, polled every second: the rate limit is lifted on both sides because these
/// tests are about what is collected, not about pacing (tests/faults.rs keeps it on).
async fn start_all() -> (RunningSimulator, RunningExporter) {
    let sim_config = SimulatorConfig {
        rate_limit: None,
        ..small_tenant()
    };
    let sim = start_simulator(sim_config.clone()).await;
    let mut config = exporter_config(&sim, &sim_config, Duration::from_secs(1));
    config.tenant_mut().rate_limit = RateLimit {
        max: 1000,
        period: Duration::from_secs(1),
    };
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;
    (sim, exporter)
}

async fn next_poll(exporter: &RunningExporter) -> String {
    // The run going on now may have started before the change: wait for the one after it.
    let now = rounds(&exporter.snapshot());
    wait_rounds(exporter, now + 2).await;
    scrape(exporter).await
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_default()
}

fn microtenant(v: &Value) -> String {
    v["microtenantName"]
        .as_str()
        .unwrap_or("Default")
        .to_string()
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[tokio::test]
async fn app_connectors_and_service_edges() {
    let (sim, exporter) = start_all().await;
    let body = scrape(&exporter).await;
    for (resource, prefix, count_metric, group_key, group_label) in [
        (
            "connector",
            "zpa_app_connector",
            "zpa_app_connectors",
            "appConnectorGroupName",
            "connector_group",
        ),
        (
            "serviceEdge",
            "zpa_service_edge",
            "zpa_service_edges",
            "serviceEdgeGroupName",
            "service_edge_group",
        ),
    ] {
        let objects = sim.control().objects(resource);
        assert!(!objects.is_empty());
        assert_eq!(
            sum(&body, count_metric, &[]),
            objects.len() as f64,
            "{resource}"
        );
        // Every status value is present for every group, zeros included.
        let groups: std::collections::BTreeSet<_> =
            objects.iter().map(|o| str_field(o, group_key)).collect();
        for g in &groups {
            for status in [
                "authenticated",
                "disconnected",
                "auth_failed",
                "never_connected",
                "other",
            ] {
                assert!(
                    sample(&body, count_metric, &[(group_label, g), ("status", status)]).is_some(),
                    "{g}/{status}"
                );
            }
        }
        for o in &objects {
            let id = str_field(o, "id");
            let up = sample(&body, &format!("{prefix}_up"), &[("id", id)]).unwrap();
            assert_eq!(
                up == 1.0,
                str_field(o, "controlChannelStatus") == "ZPN_STATUS_AUTHENTICATED",
                "{resource} {id}"
            );
            assert!(sample(&body, &format!("{prefix}_info"), &[("id", id)]).is_some());
            let connected = sample(
                &body,
                &format!("{prefix}_last_broker_connect_timestamp_seconds"),
                &[("id", id)],
            );
            if o.get("controlChannelStatus").is_none() && o.get("lastBrokerConnectTime").is_none() {
                assert_eq!(connected, None, "never connected: no timestamp");
            } else if let Some(t) = connected {
                // Seconds, not microseconds: within the last few years.
                assert!(t > now() - 5.0 * 365.0 * 86400.0 && t <= now() + 1.0, "{t}");
            }
        }
        let never = objects
            .iter()
            .filter(|o| o.get("controlChannelStatus").is_none())
            .count();
        assert_eq!(
            sum(&body, count_metric, &[("status", "never_connected")]),
            never as f64
        );
    }
    // Some simulated connectors run an old version.
    assert!(sum(&body, "zpa_app_connector_outdated", &[]) >= 1.0);

    let victim = sim
        .control()
        .objects("connector")
        .into_iter()
        .find(|c| str_field(c, "controlChannelStatus") == "ZPN_STATUS_AUTHENTICATED")
        .unwrap();
    let id = str_field(&victim, "id").to_string();
    let authenticated = sum(&body, "zpa_app_connectors", &[("status", "authenticated")]);
    assert!(sim
        .control()
        .set_connector_status(&id, Some("ZPN_STATUS_DISCONNECTED")));
    let after = next_poll(&exporter).await;
    assert_eq!(
        sample(&after, "zpa_app_connector_up", &[("id", &id)]),
        Some(0.0)
    );
    assert_eq!(
        sum(&after, "zpa_app_connectors", &[("status", "authenticated")]),
        authenticated - 1.0
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn groups_count_per_microtenant_and_state() {
    let (sim, exporter) = start_all().await;
    let body = scrape(&exporter).await;
    for (resource, metric) in [
        ("appConnectorGroup", "zpa_app_connector_groups"),
        ("serviceEdgeGroup", "zpa_service_edge_groups"),
        ("segmentGroup", "zpa_segment_groups"),
        ("serverGroup", "zpa_server_groups"),
    ] {
        let objects = sim.control().objects(resource);
        let mut expected: BTreeMap<(String, bool), f64> = BTreeMap::new();
        for o in &objects {
            *expected
                .entry((microtenant(o), o["enabled"].as_bool().unwrap_or(true)))
                .or_default() += 1.0;
        }
        for ((mt, enabled), n) in &expected {
            let e = if *enabled { "true" } else { "false" };
            assert_eq!(
                sample(&body, metric, &[("microtenant", mt), ("enabled", e)]),
                Some(*n),
                "{metric} {mt} {e}"
            );
        }
        assert_eq!(sum(&body, metric, &[]), objects.len() as f64);
        let enabled = objects
            .iter()
            .find(|o| o["enabled"].as_bool() == Some(true))
            .unwrap();
        sim.control().patch_object(
            resource,
            str_field(enabled, "id"),
            json!({"enabled": false}),
        );
    }
    let after = next_poll(&exporter).await;
    for metric in [
        "zpa_app_connector_groups",
        "zpa_service_edge_groups",
        "zpa_segment_groups",
        "zpa_server_groups",
    ] {
        assert_eq!(
            sum(&after, metric, &[("enabled", "false")]),
            sum(&body, metric, &[("enabled", "false")]) + 1.0,
            "{metric}"
        );
    }
    assert!(!samples(
        &after,
        "zpa_config_last_modified_timestamp_seconds",
        &[("resource", "segment_groups")]
    )
    .is_empty());
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn certificates_identity_providers_and_scim_groups() {
    let (sim, exporter) = start_all().await;
    let body = scrape(&exporter).await;
    let control = sim.control();
    let browser = control.objects("clientlessCertificate");
    let enrollment = control.objects("enrollmentCert");
    let idps = control.objects("idp");
    assert_eq!(
        samples(
            &body,
            "zpa_certificate_expiry_timestamp_seconds",
            &[("kind", "browser_access")]
        )
        .len(),
        browser
            .iter()
            .filter(|c| c.get("validToInEpochSec").is_some())
            .count()
    );
    assert_eq!(
        samples(
            &body,
            "zpa_certificate_expiry_timestamp_seconds",
            &[("kind", "enrollment")]
        )
        .len(),
        enrollment
            .iter()
            .filter(|c| c.get("validToInEpochSec").is_some())
            .count()
    );
    let idp_certs: usize = idps
        .iter()
        .map(|i| i["certificates"].as_array().map_or(0, |c| c.len()))
        .sum();
    assert_eq!(
        samples(
            &body,
            "zpa_certificate_expiry_timestamp_seconds",
            &[("kind", "idp")]
        )
        .len(),
        idp_certs
    );
    assert!(
        !body.contains("BEGIN CERTIFICATE") && !body.contains("PRIVATE KEY"),
        "no PEM bodies"
    );

    assert_eq!(
        samples(&body, "zpa_identity_provider_info", &[]).len(),
        idps.len()
    );
    let scim_idps: Vec<_> = idps
        .iter()
        .filter(|i| i["scimEnabled"].as_bool() == Some(true))
        .collect();
    assert!(!scim_idps.is_empty());
    assert_eq!(
        samples(&body, "zpa_scim_groups", &[]).len(),
        scim_idps.len(),
        "only SCIM-enabled IdPs are asked"
    );
    // Collectors run on their own, so a run may be in flight while the counts are read:
    // bracket the request counts between the runs finished before and after reading them.
    let runs = |name: &str| exporter.snapshot().collector(name).unwrap().runs;
    let consumers = ["identity_providers", "certificates", "scim_groups"];
    let before: Vec<u64> = consumers.iter().map(|c| runs(c)).collect();
    let (scim_requests, idp_requests) = (
        control.request_count("scimgroup"),
        control.request_count("idp"),
    );
    let after: Vec<u64> = consumers.iter().map(|c| runs(c)).collect();
    let per_run = scim_idps.len() as u64;
    assert!(
        scim_requests >= per_run * before[2] && scim_requests <= per_run * (after[2] + 1),
        "one listing per SCIM IdP per run: {scim_requests} requests, {before:?}..{after:?} runs"
    );
    assert!(
        idp_requests < before.iter().sum::<u64>(),
        "the IdP listing is shared: {idp_requests} listings for {before:?} runs"
    );
    assert!(
        idp_requests <= after.iter().max().unwrap() + 1,
        "about one IdP listing per round: {idp_requests} listings for {after:?} runs"
    );
    let scim_idp = scim_idps[0];
    let idp_name = str_field(scim_idp, "name").to_string();
    let groups = sum(&body, "zpa_scim_groups", &[("idp", &idp_name)]);

    let cert_id = str_field(&browser[0], "id").to_string();
    assert!(control.expire_certificate("clientlessCertificate", &cert_id));
    let idp_number: u64 = scim_idp["id"].as_str().unwrap().parse().unwrap();
    control.add_object(
        "scimgroup",
        json!({"name": "new-group", "idpId": idp_number}),
    );
    let after = next_poll(&exporter).await;
    let expiry = sample(
        &after,
        "zpa_certificate_expiry_timestamp_seconds",
        &[("id", &cert_id)],
    )
    .unwrap();
    assert!(expiry < now(), "expired certificate shows a past timestamp");
    assert_eq!(
        sum(&after, "zpa_scim_groups", &[("idp", &idp_name)]),
        groups + 1.0
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn policy_rules_per_type() {
    let (sim, exporter) = start_all().await;
    let body = scrape(&exporter).await;
    let rules = sim.control().objects("policyRules");
    assert_eq!(sum(&body, "zpa_policy_rules", &[]), rules.len() as f64);
    for t in [
        "access",
        "timeout",
        "client_forwarding",
        "isolation",
        "inspection",
    ] {
        assert!(
            sample(
                &body,
                "zpa_policy_rules",
                &[("policy_type", t), ("enabled", "true")]
            )
            .is_some(),
            "{t}"
        );
        assert!(
            sample(
                &body,
                "zpa_policy_rules",
                &[("policy_type", t), ("enabled", "false")]
            )
            .is_some(),
            "{t}"
        );
    }
    let access = rules
        .iter()
        .find(|r| str_field(r, "policyType") == "1" && str_field(r, "disabled") != "1")
        .unwrap();
    let disabled_before = sample(
        &body,
        "zpa_policy_rules",
        &[("policy_type", "access"), ("enabled", "false")],
    )
    .unwrap();
    sim.control().patch_object(
        "policyRules",
        str_field(access, "id"),
        json!({"disabled": "1"}),
    );
    let after = next_poll(&exporter).await;
    assert_eq!(
        sample(
            &after,
            "zpa_policy_rules",
            &[("policy_type", "access"), ("enabled", "false")]
        ),
        Some(disabled_before + 1.0)
    );
    exporter.shutdown().await;
    sim.shutdown().await;
}

/// An unlicensed feature marks that collector unavailable, keeps `zpa_up` at 1, and drops the
/// collector's series (it is asked again every 30 polls, see the poller).
#[tokio::test]
async fn unlicensed_features_are_unavailable_not_failing() {
    let (sim, exporter) = start_all().await;
    for (endpoint, collector, metric) in [
        ("connector", "app_connectors", "zpa_app_connectors"),
        ("serviceEdge", "service_edges", "zpa_service_edges"),
        ("segmentGroup", "segment_groups", "zpa_segment_groups"),
        (
            "clientlessCertificate",
            "certificates",
            "zpa_certificate_expiry_timestamp_seconds",
        ),
        ("policyRules", "policy_rules", "zpa_policy_rules"),
    ] {
        sim.control().set_fault(Fault {
            endpoint: endpoint.into(),
            kind: FaultKind::FeatureDenied,
            count: None,
            skip: 0,
        });
        let during = next_poll(&exporter).await;
        assert_eq!(
            sample(
                &during,
                "zpa_collector_unavailable",
                &[("collector", collector)]
            ),
            Some(1.0),
            "{collector}"
        );
        assert_eq!(
            sample(&during, "zpa_up", &[]),
            Some(1.0),
            "{collector} unavailable does not hold zpa_up at 0"
        );
        assert!(
            samples(&during, metric, &[]).is_empty(),
            "{metric} is not served for an unavailable resource"
        );
        sim.control().clear_faults();
    }
    // A 403 means the key may not read it: unavailable as well.
    sim.control().set_fault(Fault {
        endpoint: "idp".into(),
        kind: FaultKind::Forbidden,
        count: None,
        skip: 0,
    });
    let during = next_poll(&exporter).await;
    assert_eq!(
        sample(
            &during,
            "zpa_collector_unavailable",
            &[("collector", "identity_providers")]
        ),
        Some(1.0)
    );
    assert_eq!(sample(&during, "zpa_up", &[]), Some(1.0));
    exporter.shutdown().await;
    sim.shutdown().await;
}
