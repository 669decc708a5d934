//! The encoded `/metrics` body: escaping, both formats, gzip, encoding once per snapshot.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use zpa_api::models::application::ApplicationSegment;
use zpa_api::stats::ApiStats;

use super::*;
use crate::collectors::application_segments::Segments;
use crate::collectors::fleet::{Fleet, Member, Status};
use crate::collectors::groups::{GroupCounts, GroupKind};
use crate::collectors::{Class, Data};
use crate::snapshot::{CollectorStatus, Snapshot, SnapshotStore};

fn succeeded(name: &'static str, data: Data) -> CollectorStatus {
    let mut status = CollectorStatus::new(name, Class::Inventory, Duration::from_secs(60));
    status.success = true;
    status.runs = 1;
    status.last_success = Some(SystemTime::now());
    status.data = Some(data);
    status
}

fn segments(microtenants: &[&str]) -> Data {
    let items: Vec<ApplicationSegment> = microtenants
        .iter()
        .enumerate()
        .map(|(i, mt)| {
            serde_json::from_value(serde_json::json!({
                "id": i.to_string(), "name": "n", "enabled": true, "microtenantName": mt,
            }))
            .unwrap()
        })
        .collect();
    Arc::new(Segments::build(items, &[], false))
}

fn segment_groups(known_microtenant: &str) -> Data {
    Arc::new(GroupCounts::build(
        GroupKind::Segment,
        Vec::new(),
        &[known_microtenant.to_string()],
    ))
}

fn exposition(collectors: Vec<CollectorStatus>) -> (Arc<SnapshotStore>, Arc<ApiStats>, Exposition) {
    let store = Arc::new(SnapshotStore::new(Snapshot::default()));
    store.update(|s| s.collectors = collectors);
    let stats = Arc::new(ApiStats::new());
    let exposition = Exposition::new(store.clone(), stats.clone(), "t".into());
    (store, stats, exposition)
}

async fn body(e: &Exposition, format: Format) -> String {
    String::from_utf8(e.scrape(format, false).await.unwrap().body.concat()).unwrap()
}

#[tokio::test]
async fn label_values_are_escaped_in_both_formats() {
    let (_, _, e) = exposition(vec![succeeded(
        "application_segments",
        segments(&["quote\"q", "back\\slash", "new\nline", "Ünïcødé 財務"]),
    )]);
    for format in [Format::PrometheusText, Format::OpenMetrics] {
        let body = body(&e, format).await;
        assert!(
            body.contains(r#"microtenant="quote\"q""#),
            "{format:?}\n{body}"
        );
        assert!(body.contains(r#"microtenant="back\\slash""#), "{format:?}");
        assert!(body.contains(r#"microtenant="new\nline""#), "{format:?}");
        assert!(body.contains(r#"microtenant="Ünïcødé 財務""#), "{format:?}");
        for line in body.lines() {
            assert!(!line.is_empty(), "no raw newline splits a sample: {body}");
        }
    }
}

#[tokio::test]
async fn counters_live_lines_and_formats() {
    let (_, stats, e) = exposition(vec![succeeded(
        "application_segments",
        segments(&["Default"]),
    )]);
    stats.record_request("application", Some(200));
    let text = body(&e, Format::PrometheusText).await;
    assert!(
        text.contains("# TYPE zpa_api_requests_total counter"),
        "{text}"
    );
    assert!(
        text.contains(r#"zpa_api_requests_total{tenant="t",endpoint="application",code="200"} 1"#)
    );
    assert!(
        text.contains("zpa_signin_failures_total{tenant=\"t\",reason=\"invalid_credentials\"} 0")
    );
    assert!(text.contains("zpa_up{tenant=\"t\"} 1"));
    assert!(
        text.contains("zpa_exporter_build_info{version=\""),
        "process-wide: no tenant"
    );
    assert!(
        text.contains("\nprocess_start_time_seconds "),
        "process-wide: no tenant"
    );
    assert!(!text.contains("# EOF"));
    assert!(
        !text.contains("zpa_token_expiry_timestamp_seconds"),
        "no token yet"
    );
    let om = body(&e, Format::OpenMetrics).await;
    assert!(om.ends_with("# EOF\n"));
    assert_eq!(om.matches("# EOF").count(), 1);
}

#[tokio::test]
async fn every_family_comes_from_the_table() {
    let members = vec![Member {
        id: "1".into(),
        name: "c".into(),
        group: "g".into(),
        microtenant: "Default".into(),
        enabled: true,
        status: Status::Authenticated,
        current_version: "1".into(),
        expected_version: "2".into(),
        upgrade_status: "COMPLETE".into(),
        platform: "el9".into(),
        runtime_os: "RHEL".into(),
        last_broker_connect: Some(1.0),
        modified_time: Some(2),
    }];
    let (_, stats, e) = exposition(vec![
        succeeded("application_segments", segments(&["Default"])),
        succeeded(
            "app_connectors",
            Arc::new(Fleet::new(
                &crate::collectors::app_connectors::FAMILIES,
                members,
            )),
        ),
    ]);
    stats.record_signin_success(SystemTime::now());
    let text = body(&e, Format::PrometheusText).await;
    for line in text.lines().filter(|l| l.starts_with("# TYPE ")) {
        let name = line.split_whitespace().nth(2).unwrap();
        let descriptor = crate::catalog::ALL
            .iter()
            .find(|d| d.family_name() == name || d.name == name)
            .unwrap_or_else(|| panic!("{name} is not in the table"));
        assert!(line.ends_with(descriptor.kind.name()), "{line}");
    }
    assert!(text.contains(
        r#"zpa_app_connectors{tenant="t",microtenant="Default",connector_group="g",status="never_connected"} 0"#
    ));
    assert!(text.contains(
        r#"zpa_app_connector_outdated{tenant="t",id="1",name="c",connector_group="g",microtenant="Default"} 1"#
    ));
    assert!(text.contains(r#"zpa_config_last_modified_timestamp_seconds{tenant="t",resource="app_connectors",microtenant="Default"} 2"#));
}

/// A family missing from the collector's spec would be served but missing from the README and
/// the dashboard contract: writing one fails in debug builds (every test run).
#[cfg(debug_assertions)]
#[test]
#[should_panic(expected = "not among its source's declared families")]
fn a_collector_writes_only_the_families_it_declares() {
    let spec = crate::collectors::spec("application_segments").unwrap();
    let _ = exposition::encode(Format::PrometheusText, move |w| {
        w.declared_only(spec.families);
        w.single(&crate::catalog::own::UP, 1u64)
    });
}

#[tokio::test]
async fn gzip_is_one_member_with_the_whole_body() {
    let (_, _, e) = exposition(vec![succeeded(
        "application_segments",
        segments(&["Default"]),
    )]);
    for format in [Format::PrometheusText, Format::OpenMetrics] {
        let plain = body(&e, format).await;
        let answer = e.scrape(format, true).await.unwrap();
        assert!(answer.gzip);
        let gz = answer.body.concat();
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        // The live lines may differ by a second's worth of process figures; the rest must not.
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.starts_with("process_"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(strip(&unzipped), strip(&plain), "{format:?}");
    }
}

#[tokio::test]
async fn a_new_result_is_encoded_once_and_unchanged_collectors_are_reused() {
    let (store, _, e) = exposition(vec![
        succeeded("application_segments", segments(&["Default"])),
        succeeded("segment_groups", segment_groups("Other")),
    ]);
    let text = Format::PrometheusText;
    let first = e.rendered(text).await.unwrap();
    assert!(
        Arc::ptr_eq(&first, &e.rendered(text).await.unwrap()),
        "no change, no encoding"
    );
    store.update_collector("segment_groups", |s| s.data = Some(segment_groups("Third")));
    let second = e.rendered(text).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &second));
    // Piece 0 is the exporter's state; 1 and 2 are the collectors.
    assert_eq!(
        first.pieces[1].as_ptr(),
        second.pieces[1].as_ptr(),
        "reused, not re-encoded"
    );
    assert_ne!(first.pieces[2].as_ptr(), second.pieces[2].as_ptr());
}

/// Only the formats scrapers ask for stay encoded: one asked for once is let go after two
/// snapshot changes in which only the other was asked for, and a format asked for the first
/// time never lets the other go.
#[tokio::test]
async fn a_format_nobody_asks_for_is_let_go() {
    let (store, _, e) = exposition(vec![succeeded(
        "application_segments",
        segments(&["Default"]),
    )]);
    let (text, om) = (Format::PrometheusText, Format::OpenMetrics);
    let encoded = |e: &Exposition, f: Format| e.holds(f);
    e.rendered(om).await.unwrap();
    e.rendered(text).await.unwrap(); // a one-off curl
    assert!(encoded(&e, om) && encoded(&e, text));
    for round in 1..=2 {
        store.update_collector("application_segments", |s| {
            s.data = Some(segments(&["Default", "Other"]))
        });
        e.rendered(om).await.unwrap();
        assert!(encoded(&e, om));
        assert_eq!(encoded(&e, text), round == 1, "round {round}");
    }
    // Both asked for between changes: both kept.
    e.rendered(text).await.unwrap();
    store.update_collector("application_segments", |s| {
        s.data = Some(segments(&["Third"]))
    });
    e.rendered(text).await.unwrap();
    e.rendered(om).await.unwrap();
    store.update_collector("application_segments", |s| {
        s.data = Some(segments(&["Fourth"]))
    });
    e.rendered(om).await.unwrap();
    assert!(encoded(&e, text), "asked for since the last change");
}

#[test]
fn negotiation() {
    assert_eq!(Format::negotiate(None), Format::PrometheusText);
    assert_eq!(
        Format::negotiate(Some(
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"
        )),
        Format::OpenMetrics
    );
    assert_eq!(
        Format::negotiate(Some("text/plain;version=0.0.4;q=0.9,*/*;q=0.1")),
        Format::PrometheusText
    );
    assert!(accepts_gzip(Some("gzip")));
    assert!(accepts_gzip(Some("identity, gzip;q=0.8")));
    assert!(accepts_gzip(Some("*")));
    assert!(!accepts_gzip(Some("gzip;q=0")));
    assert!(!accepts_gzip(Some("br, deflate")));
    assert!(!accepts_gzip(None));
}

/// Several tenants: each family once under one HELP/TYPE with every tenant's samples, in both
/// formats, gzip the same body, and the process-wide families once without a tenant.
#[tokio::test]
async fn tenants_share_each_family_under_one_header() {
    let tenant = |name: &str, microtenant: &str| {
        let store = Arc::new(SnapshotStore::new(Snapshot::default()));
        store.update(|s| {
            s.collectors = vec![succeeded("application_segments", segments(&[microtenant]))]
        });
        let stats = Arc::new(ApiStats::new());
        stats.record_request("application", Some(200));
        let exposition = Exposition::new(store.clone(), stats, name.into());
        (store, exposition)
    };
    let (a_store, a) = tenant("a", "Default");
    let (_b_store, b) = tenant("b", "Other");
    let assembler = Assembler::default();
    for format in [Format::PrometheusText, Format::OpenMetrics] {
        let both = [&a, &b];
        let scrape = |gzip| assemble::scrape(&both, &assembler, format, gzip);
        let text = String::from_utf8(scrape(false).await.unwrap().body.concat()).unwrap();
        for line in text.lines().filter(|l| l.starts_with("# TYPE ")) {
            assert_eq!(
                text.matches(&format!("{line}\n")).count(),
                1,
                "{line} twice:\n{text}"
            );
        }
        for t in ["a", "b"] {
            assert!(
                text.contains(&format!("zpa_up{{tenant=\"{t}\"}} 1")),
                "{text}"
            );
            assert!(text.contains(&format!(
                "zpa_collector_success{{tenant=\"{t}\",collector=\"application_segments\"}} 1"
            )));
        }
        assert_eq!(text.matches("zpa_exporter_build_info{").count(), 1);
        assert!(!text.contains("build_info{tenant"));
        // A family's samples are contiguous: no other family's line between two of its own.
        let names: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split(['{', ' ']).next().unwrap())
            .collect();
        let mut seen = std::collections::HashSet::new();
        for w in names.windows(2) {
            if w[0] != w[1] {
                assert!(seen.insert(w[0]), "{} is split:\n{text}", w[0]);
            }
        }
        let gz = scrape(true).await.unwrap().body.concat();
        let mut unzipped = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut unzipped)
            .unwrap();
        assert_eq!(unzipped, text, "gzip carries the same body");
        assert_eq!(
            text.matches("# EOF").count(),
            usize::from(format == Format::OpenMetrics)
        );
    }
    // A new snapshot of one tenant is assembled anew.
    a_store.update(|s| s.collectors[0].success = false);
    let text = String::from_utf8(
        assemble::scrape(&[&a, &b], &assembler, Format::PrometheusText, false)
            .await
            .unwrap()
            .body
            .concat(),
    )
    .unwrap();
    assert!(
        text.contains(r#"zpa_collector_success{tenant="a",collector="application_segments"} 0"#)
    );
}
