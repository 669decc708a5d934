//! The mixes of Browser Access, AppProtection, Audit and the Private Cloud Controller pair:
//! drawn from the simulated tenant, with the trouble concentrated where the module docs say.

use std::collections::{HashMap, HashSet};

use super::*;

fn records(log_type: LogType, n: usize, seed: u64) -> Vec<Json> {
    lines(log_type, n, seed)
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn share(part: usize, whole: usize) -> f64 {
    part as f64 / whole.max(1) as f64
}

fn quantile(mut xs: Vec<u64>, p: f64) -> u64 {
    xs.sort_unstable();
    xs[((xs.len() - 1) as f64 * p) as usize]
}

#[test]
fn browser_access_is_mostly_2xx_and_3xx_with_5xx_on_the_unhealthy_apps() {
    let names = names();
    let rs = records(LogType::BrowserAccess, 20_000, 21);
    let unhealthy: HashSet<(&str, u64)> = unhealthy_web_apps(&names)
        .iter()
        .map(|&i| {
            let a = &names.apps[i];
            (a.domains[0].as_str(), u64::from(a.port))
        })
        .collect();
    assert!(!unhealthy.is_empty());
    let web: HashSet<(&str, u64)> = web_apps(&names)
        .iter()
        .map(|&i| {
            (
                names.apps[i].domains[0].as_str(),
                u64::from(names.apps[i].port),
            )
        })
        .collect();
    let class = |r: &Json| r["StatusCode"].as_u64().unwrap() / 100;
    let on_unhealthy = |r: &Json| {
        unhealthy.contains(&(
            r["Host"].as_str().unwrap(),
            r["ApplicationPort"].as_u64().unwrap(),
        ))
    };
    for r in &rs {
        let app = (
            r["Host"].as_str().unwrap(),
            r["ApplicationPort"].as_u64().unwrap(),
        );
        assert!(web.contains(&app), "{app:?} is not a tenant web app");
    }
    let by_class = |c: u64| rs.iter().filter(|r| class(r) == c).count();
    let ok = share(by_class(2) + by_class(3), rs.len());
    assert!(ok > 0.85, "2xx/3xx share {ok}");
    let client_errors = share(by_class(4), rs.len());
    assert!((0.03..0.12).contains(&client_errors), "4xx {client_errors}");
    let errors: Vec<&Json> = rs.iter().filter(|r| class(r) == 5).collect();
    let concentrated = share(
        errors.iter().filter(|r| on_unhealthy(r)).count(),
        errors.len(),
    );
    assert!(
        errors.len() > 100 && concentrated > 0.8,
        "{} 5xx, {concentrated} on the unhealthy apps",
        errors.len()
    );
    let ratio = |sick: bool| {
        let rs: Vec<&Json> = rs.iter().filter(|r| on_unhealthy(r) == sick).collect();
        share(rs.iter().filter(|r| class(r) == 5).count(), rs.len())
    };
    assert!(
        ratio(true) > 0.2 && ratio(false) < 0.01,
        "{} {}",
        ratio(true),
        ratio(false)
    );

    let field = |k: &str| -> Vec<u64> { rs.iter().map(|r| r[k].as_u64().unwrap()).collect() };
    let server = field("TotalTimeServerResponse");
    assert!((5_000..100_000).contains(&quantile(server, 0.5)));
    let setup = field("TotalTimeConnectionSetup");
    assert!(quantile(setup.clone(), 0.5) < 50_000 && quantile(setup, 0.99) > 100_000);
    assert!(field("ResponseSize").iter().any(|&s| s > 100_000));
    let explained = rs.iter().filter(|r| r["ConnectionStatus"] != "").count();
    assert!(share(explained, rs.len()) < 0.05, "{explained}");
    for r in rs.iter().filter(|r| r["ConnectionStatus"] != "") {
        assert!(matches!(r["StatusCode"].as_u64(), Some(502 | 503)), "{r}");
        assert!(r["ConnectionReason"]
            .as_str()
            .unwrap()
            .starts_with("EXPTR_"));
    }
    let methods: HashSet<&str> = rs.iter().map(|r| r["Method"].as_str().unwrap()).collect();
    assert!(methods.len() >= 5, "{methods:?}");
    // The phases run in order and end when the record is logged.
    let r = &rs[0];
    let start = r["TimestampRequestReceiveStart"].as_str().unwrap();
    let end = r["TimestampResponseTransmitFinish"].as_str().unwrap();
    assert!(
        start <= end && end.starts_with("2026-06-13T12:00:00."),
        "{start} {end}"
    );
}

#[test]
fn app_protection_names_segments_by_id_and_blocks_mostly_one_app() {
    let names = names();
    let rs = records(LogType::AppProtection, 20_000, 22);
    let apps: HashMap<u64, (u64, &str)> = names
        .apps
        .iter()
        .map(|a| {
            (
                a.id.parse().unwrap(),
                (a.group_id.parse().unwrap(), a.domains[0].as_str()),
            )
        })
        .collect();
    let attacked: u64 = names.apps[attacked_app(&names).unwrap()]
        .id
        .parse()
        .unwrap();
    let line = &lines(LogType::AppProtection, 1, 22)[0];
    assert!(line.contains(&format!(r#""Application": {}"#, rs[0]["Application"])));
    let (mut blocks, mut blocks_on_attacked, mut clean) = (0, 0, 0);
    for r in &rs {
        let app = r["Application"].as_u64().expect("a bare 64-bit id");
        let (group, domain) = apps[&app];
        assert_eq!(r["ApplicationGroup"].as_u64(), Some(group), "{r}");
        assert_eq!(r["Domain"], domain);
        let hits = r["InspectionControlsHitCount"].as_u64().unwrap() as usize;
        for key in [
            "InspectionControls",
            "Actions",
            "Severities",
            "Descriptions",
        ] {
            assert_eq!(r[key].as_array().unwrap().len(), hits, "{key}: {r}");
        }
        for s in r["Severities"].as_array().unwrap() {
            let s = s.as_str().unwrap();
            assert!(
                ["CRITICAL", "ERROR", "WARNING", "NOTICE", "INFO"].contains(&s),
                "{s}"
            );
        }
        let actions: HashSet<&str> = r["Actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert!(actions.len() <= 1, "one verdict per exchange: {r}");
        if actions.contains("BLOCK") {
            blocks += 1;
            blocks_on_attacked += usize::from(app == attacked);
            assert_eq!(r["StatusCode"], 403);
            assert_eq!(r["InspectionRespBodyProcessingTime"], 0);
        }
        if actions.contains("REDIRECT") {
            assert_eq!(r["StatusCode"], 302);
        }
        clean += usize::from(hits == 0);
        let processed = [
            "RequestHdrSize",
            "RequestBodySize",
            "ResponseHdrSize",
            "ResponseBodySize",
        ]
        .iter()
        .map(|k| r[k].as_u64().unwrap())
        .sum::<u64>();
        assert_eq!(r["TotalBytesProcessed"].as_u64(), Some(processed));
        assert!(r["InspectionPolicy"].as_u64().unwrap() > 0);
    }
    assert!(share(clean, rs.len()) > 0.6, "{clean} without a hit");
    assert!(
        blocks > 500 && share(blocks_on_attacked, blocks) > 0.5,
        "{blocks_on_attacked} of {blocks} blocks on the attacked app"
    );
    let sequences: Vec<u64> = rs
        .iter()
        .map(|r| r["ExchangeSequenceIndex"].as_u64().unwrap())
        .collect();
    assert!(sequences.contains(&1) && sequences.iter().any(|&s| s > 3));
}

#[test]
fn audit_ids_are_exact_64_bit_numbers_and_sessions_start_with_a_sign_in() {
    let names = names();
    let raw = lines(LogType::Audit, 3_000, 23);
    let rs: Vec<Json> = raw
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let customer: u64 = names.customer_id.parse().unwrap();
    let known: HashMap<u64, (&str, &str)> = names
        .audit_objects
        .iter()
        .map(|o| (o.id.parse().unwrap(), (o.kind, o.name.as_str())))
        .collect();
    let mut operations: HashMap<&str, usize> = HashMap::new();
    let mut sessions: HashMap<&str, &str> = HashMap::new();
    for (r, line) in rs.iter().zip(&raw) {
        assert!(r.get("LogTimestamp").is_none());
        for key in ["ModifiedBy", "ObjectID", "CustomerID"] {
            let n = r[key]
                .as_u64()
                .unwrap_or_else(|| panic!("{key} is a bare integer: {line}"));
            assert!(
                n > 1 << 53,
                "{key} {n} fits a double: not the 64-bit id it should be"
            );
            assert!(line.contains(&format!(r#""{key}":{n}"#)), "{line}");
        }
        assert_eq!(r["CustomerID"].as_u64(), Some(customer));
        let op = r["AuditOperationType"].as_str().unwrap();
        *operations.entry(op).or_default() += 1;
        let session = r["SessionID"].as_str().unwrap();
        assert_eq!(session.len(), 25);
        let first = *sessions.entry(session).or_insert(op);
        assert_eq!(first, "Sign In", "session {session} began with {first}");
        let id = r["ObjectID"].as_u64().unwrap();
        match op {
            "Update" => {
                let (kind, name) = known[&id];
                assert_eq!(
                    (
                        r["ObjectType"].as_str().unwrap(),
                        r["ObjectName"].as_str().unwrap()
                    ),
                    (kind, name)
                );
                let old: Json = serde_json::from_str(r["AuditOldValue"].as_str().unwrap()).unwrap();
                let new: Json = serde_json::from_str(r["AuditNewValue"].as_str().unwrap()).unwrap();
                assert_eq!(old["id"], id.to_string());
                assert_ne!(old, new, "an update changes something");
            }
            "Create" => {
                assert_eq!(r["AuditOldValue"], "");
                assert_eq!(r["ModifiedTime"], r["CreationTime"]);
            }
            "Delete" => assert_eq!(r["AuditNewValue"], ""),
            "Sign In" | "Sign Out" => assert_eq!(r["User"], r["ObjectName"]),
            other => panic!("unexpected operation {other}"),
        }
    }
    for op in ["Sign In", "Sign Out", "Update", "Create", "Delete"] {
        assert!(
            operations.get(op).copied().unwrap_or(0) > 20,
            "{op}: {operations:?}"
        );
    }
    assert!(
        operations["Update"] > operations["Create"] && operations["Create"] > operations["Delete"]
    );
    let kinds: HashSet<&str> = rs
        .iter()
        .map(|r| r["ObjectType"].as_str().unwrap())
        .collect();
    for kind in [
        "Application Segment",
        "Server Group",
        "Connector Group",
        "Policy",
    ] {
        assert!(kinds.contains(kind), "{kinds:?}");
    }
}

#[test]
fn private_cloud_controllers_report_like_edges_under_their_own_names() {
    let names = names();
    let pccs = &names.private_cloud_controllers;
    // The API's controllers (privateCloudController), less the one that never connected.
    let default = SimulatorConfig::default();
    assert_eq!(
        pccs.len(),
        default.private_cloud_controllers - 1,
        "{pccs:?}"
    );
    assert!(pccs
        .iter()
        .all(|p| p.name.starts_with("pcc-") && p.id != "0"));
    let mut statuses: HashMap<String, usize> = HashMap::new();
    for r in records(LogType::PrivateCloudControllerStatus, 1_000, 24) {
        let pcc = pccs
            .iter()
            .find(|p| p.name == r["PrivateCloudController"])
            .expect("a tenant controller");
        assert_eq!(r["PrivateCloudControllerGroup"], pcc.group.as_str());
        assert_eq!(r["MicroTenantID"], pcc.microtenant.as_str());
        assert_eq!(r["SessionType"], "ZPN_TUNNEL_CONTROL");
        assert!(r["PrivateCloudControllerStartTime"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .is_ok());
        assert!(r["CPUUtilization"].as_u64().unwrap() < 50);
        *statuses
            .entry(r["SessionStatus"].as_str().unwrap().into())
            .or_default() += 1;
    }
    assert!(statuses["ZPN_STATUS_AUTHENTICATED"] > 850, "{statuses:?}");
    assert!(
        statuses.contains_key("ZPN_STATUS_DISCONNECTED"),
        "{statuses:?}"
    );
    let metrics = records(LogType::PrivateCloudControllerMetrics, pccs.len() * 3, 24);
    let seen: HashSet<&str> = metrics
        .iter()
        .map(|r| r["PrivateCloudController"].as_str().unwrap())
        .collect();
    assert_eq!(
        seen.len(),
        pccs.len(),
        "round robin reaches every controller"
    );
    for r in &metrics {
        // Metrics logs send numbers as strings.
        let ports: u64 = r["AvailablePorts"].as_str().unwrap().parse().unwrap();
        assert!(ports > 27_000, "{r}");
    }
}
