//! Zscaler's own Python SDK (`zscaler-sdk-python`, its legacy API key client) against the
//! simulator on loopback: it signs in, pages, searches and reads by id segments, connectors,
//! provisioning keys, the application limit, log receivers and Private Cloud Controllers, and
//! gets exactly the objects the simulator holds. The SDK keeps to ZPA's 20 GETs per 10 s on its
//! own; the simulator enforces the same limit, so a 429 it cannot handle would fail the run.
//!
//! Needs a Python with the SDK named by `ZPA_SDK_PYTHON` when the tests are built (see
//! `build.rs`; `.ci/run` installs it into a venv); without it the test shows as ignored.

mod common;

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Stdio};

use common::*;
use serde_json::{json, Value};
use zpa_simulator::SimulatorConfig;

const DRIVER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/sdk/drive_zscaler_sdk.py"
);

/// The Python build.rs found the SDK in.
#[cfg(has_zscaler_sdk)]
const SDK_PYTHON: &str = env!("ZPA_SDK_PYTHON_PROBED");
#[cfg(not(has_zscaler_sdk))]
const SDK_PYTHON: &str = "";

fn id(v: &Value) -> String {
    v["id"].as_str().expect("string id").to_string()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(id).collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// `v` with every `list` replaced by its length, on one line.
fn summary(v: &Value) -> String {
    fn shrink(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| match (k.as_str(), v) {
                        ("list", Value::Array(a)) => (k.clone(), json!(a.len())),
                        _ => (k.clone(), shrink(v)),
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }
    shrink(v).to_string()
}

/// Runs the driver with `plan` on stdin; its JSON answer.
fn drive(python: &str, base_url: &str, cfg: &SimulatorConfig, plan: &Value) -> Value {
    let mut child = Command::new(python)
        .arg(DRIVER)
        .env("ZPA_SIM_BASE_URL", base_url)
        .env("ZPA_CUSTOMER_ID", &cfg.customer_id)
        .env("ZPA_CLIENT_ID", &cfg.client_id)
        .env("ZPA_CLIENT_SECRET", &cfg.client_secret)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(plan.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the SDK driver failed:\n{stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "the driver printed no JSON ({e}):\n{}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(has_zscaler_sdk),
    ignore = "needs zscaler-sdk-python: set ZPA_SDK_PYTHON to a python that has it (see .ci/run)"
)]
async fn zscalers_python_sdk_lists_searches_and_reads_what_the_simulator_holds() {
    assert!(
        !SDK_PYTHON.is_empty(),
        "built without the SDK: set ZPA_SDK_PYTHON and rebuild"
    );
    let python = SDK_PYTHON.to_string();
    // Production's own rate limit, as SimulatorConfig::default() has it.
    let cfg = SimulatorConfig::default();
    let sim = start(cfg.clone()).await;
    let ctl = sim.control();

    let segments = ctl.objects("application");
    let segment = &segments[5];
    let connectors = ctl.objects("connector");
    let keys = ctl.objects("provisioningKey");
    let of_kind = |cert: &str| -> Vec<Value> {
        keys.iter()
            .filter(|k| k["enrollmentCertName"] == cert)
            .cloned()
            .collect()
    };
    let (connector_keys, edge_keys) = (of_kind("Connector"), of_kind("Service Edge"));
    let near_limit = connector_keys
        .iter()
        .find(|k| k["usageCount"] == "19")
        .expect("the key at 95 %");
    let receivers = ctl.objects("lssConfig");
    let controllers = ctl.objects("privateCloudController");
    let outdated = controllers
        .iter()
        .find(|c| c["currentVersion"].is_string() && c["currentVersion"] != c["expectedVersion"])
        .expect("an outdated controller");
    let groups = ctl.objects("privateCloudControllerGroup");
    let plan = json!({
        "segment": {"id": id(segment), "name": segment["name"]},
        "connector": id(&connectors[1]),
        "keys": {
            "connector": {"id": id(near_limit), "name": near_limit["name"]},
            "service_edge": {"id": id(&edge_keys[0]), "name": edge_keys[0]["name"]},
        },
        "lss": id(&receivers[2]),
        "pcc": {"id": id(outdated), "name": outdated["name"]},
        "pcc_group": id(&groups[1]),
    });

    let base = sim.base_url();
    let got = tokio::task::spawn_blocking({
        let cfg = cfg.clone();
        move || drive(&python, &base, &cfg, &plan)
    })
    .await
    .unwrap();
    println!("zscaler-sdk-python got (lists as their lengths):");
    for (section, v) in got.as_object().unwrap() {
        println!("  {section}: {}", summary(v));
    }

    let s = &got["segments"];
    assert_eq!(
        strings(&s["list"]),
        ids(&segments),
        "every segment, in order"
    );
    assert_eq!(
        s["pages"], 3,
        "120 segments in pages of 50, followed by the SDK"
    );
    assert_eq!(strings(&s["search"]), vec![id(segment)]);
    assert_eq!(
        s["get"],
        json!({"id": id(segment), "name": segment["name"], "enabled": segment["enabled"]})
    );

    let c = &got["connectors"];
    assert_eq!(strings(&c["list"]), ids(&connectors));
    let disconnected: Vec<String> = connectors
        .iter()
        .filter(|c| c["controlChannelStatus"] == "ZPN_STATUS_DISCONNECTED")
        .map(id)
        .collect();
    assert!(!disconnected.is_empty());
    assert_eq!(strings(&c["search"]), disconnected);
    assert_eq!(
        c["get"],
        json!({"id": id(&connectors[1]), "status": connectors[1]["controlChannelStatus"]})
    );

    for (kind, held, wanted) in [
        ("connector", &connector_keys, near_limit),
        ("service_edge", &edge_keys, &edge_keys[0]),
    ] {
        let k = &got["keys"][kind];
        assert_eq!(strings(&k["list"]), ids(held), "{kind} keys");
        assert_eq!(strings(&k["search"]), vec![id(wanted)], "{kind} key search");
        assert_eq!(
            k["get"],
            json!({"id": id(wanted), "usage": wanted["usageCount"], "max": wanted["maxUsage"],
                   "group": wanted["zcomponentId"]}),
            "{kind} key by id"
        );
    }

    assert_eq!(
        got["limit"],
        json!({"currentAppsCount": segments.len().to_string(), "maxAppsLimit": "1000"})
    );

    let l = &got["lss"];
    let held: Vec<Value> = receivers
        .iter()
        .map(|r| {
            let c = &r["config"];
            json!([id(r), c["sourceLogType"], c["lssPort"], c["enabled"]])
        })
        .collect();
    assert_eq!(l["list"], json!(held));
    let wanted_groups: Vec<String> = ids(receivers[2]["connectorGroups"].as_array().unwrap());
    assert_eq!(
        l["get"],
        json!({"id": id(&receivers[2]), "type": receivers[2]["config"]["sourceLogType"],
               "groups": wanted_groups})
    );

    let p = &got["pcc"];
    assert_eq!(strings(&p["list"]), ids(&controllers));
    assert_eq!(strings(&p["search"]), vec![id(outdated)]);
    assert_eq!(
        p["get"],
        json!({"id": id(outdated), "status": outdated["controlChannelStatus"],
               "current": outdated["currentVersion"], "expected": outdated["expectedVersion"],
               "group": outdated["privateCloudControllerGroupName"]})
    );
    let g = &got["pcc_groups"];
    assert_eq!(strings(&g["list"]), ids(&groups));
    assert_eq!(
        g["get"],
        json!({"id": id(&groups[1]), "name": groups[1]["name"]})
    );

    // The SDK signed in once and every call it made succeeded (a 429 it waited out is fine).
    assert_eq!(ctl.request_count("signin"), 1);
    let answered: usize = ctl.requests().iter().filter(|r| r.method == "GET").count();
    let limited = ctl.requests().iter().filter(|r| r.status == 429).count();
    println!("  the simulator answered {answered} GETs, {limited} of them 429");
    let mut seen = BTreeSet::new();
    for r in ctl.requests() {
        seen.insert(r.endpoint.clone());
        assert!(
            r.status == 200 || r.status == 429,
            "{} {} answered {}",
            r.method,
            r.endpoint,
            r.status
        );
    }
    for endpoint in [
        "application",
        "application/{id}",
        "connector/{id}",
        "provisioningKey",
        "provisioningKey/{id}",
        "applicationLimit",
        "lssConfig/{id}",
        "privateCloudController",
        "privateCloudControllerGroup/{id}",
    ] {
        assert!(seen.contains(endpoint), "{endpoint} never called: {seen:?}");
    }
    sim.shutdown().await;
}
