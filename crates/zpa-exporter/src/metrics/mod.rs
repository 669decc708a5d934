//! The `/metrics` registry: the current snapshot (health and inventory), the client's counters,
//! build info and process metrics, in Prometheus text or OpenMetrics.

pub mod process;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::DescriptorEncoder;
use prometheus_client::registry::Registry;

use crate::collectors::MetricWriter;
use crate::snapshot::SnapshotStore;
use zpa_api::telemetry::ApiTelemetry;

/// Encodes the current snapshot on every scrape; never calls ZPA.
#[derive(Debug)]
pub struct SnapshotCollector {
    store: Arc<SnapshotStore>,
}

impl SnapshotCollector {
    pub fn new(store: Arc<SnapshotStore>) -> Self {
        SnapshotCollector { store }
    }
}

fn unix_seconds(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl Collector for SnapshotCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let snapshot = self.store.load();
        let now = SystemTime::now();
        let mut out = MetricWriter::new(&mut encoder, "");
        out.gauge(
            "zpa_up",
            "1 when no configuration error is known and every enabled collector that the API key may read succeeded in its last run, with data younger than about twice its interval; else 0.",
            [(NoLabels, i64::from(snapshot.up(now)))],
        )?;
        out.gauge(
            "zpa_config_error",
            "1 when the exporter found a configuration error (wrong customer id, unknown microtenant, every collector refused); the log names the setting to check.",
            [(NoLabels, i64::from(snapshot.config_problem().is_some()))],
        )?;
        out.gauge(
            "zpa_api_budget_utilization",
            "Fraction of the client-side GET budget (--zpa.rate-limit) the collectors' schedule needs; above 0.8 intervals are stretched, above 1 the schedule cannot keep up.",
            [(NoLabels, snapshot.budget.utilization)],
        )?;
        let collectors = &snapshot.collectors;
        out.gauge(
            "zpa_collector_success",
            "1 when the collector's last run succeeded; its last good values are served while it is 0.",
            collectors
                .iter()
                .map(|c| ([("collector", c.name)], i64::from(c.success))),
        )?;
        out.gauge(
            "zpa_collector_unavailable",
            "1 when the API key may not read the collector's resource (feature not licensed, or forbidden); such a collector does not count against zpa_up.",
            collectors
                .iter()
                .map(|c| ([("collector", c.name)], i64::from(c.unavailable))),
        )?;
        out.gauge(
            "zpa_collector_duration_seconds",
            "How long the collector's last run took, waiting for the rate limit included.",
            collectors
                .iter()
                .filter(|c| c.last_attempt.is_some())
                .map(|c| ([("collector", c.name)], c.duration.as_secs_f64())),
        )?;
        out.gauge(
            "zpa_collector_last_success_timestamp_seconds",
            "When the collector's last successful run finished (Unix time).",
            collectors.iter().filter_map(|c| {
                c.last_success
                    .map(|t| ([("collector", c.name)], unix_seconds(t)))
            }),
        )?;
        out.gauge(
            "zpa_collector_interval_seconds",
            "How often the collector refreshes: its configured interval, or longer when the planner stretched it to fit the rate budget.",
            collectors
                .iter()
                .map(|c| ([("collector", c.name)], c.interval.as_secs_f64())),
        )?;
        out.gauge(
            "zpa_collector_next_run_timestamp_seconds",
            "When the collector's next run is due (Unix time).",
            collectors.iter().filter_map(|c| {
                c.next_run
                    .map(|t| ([("collector", c.name)], unix_seconds(t)))
            }),
        )?;
        out.gauge(
            "zpa_collector_last_run_requests",
            "API requests the collector's last run sent (its cost in the rate budget).",
            collectors
                .iter()
                .filter(|c| c.runs > 0)
                .map(|c| ([("collector", c.name)], c.last_run_requests as i64)),
        )?;
        let mut last_modified = BTreeMap::new();
        for status in collectors {
            if let Some(part) = &status.part {
                // No quotes: OpenMetrics does not allow them unescaped in HELP.
                let freshness = format!(
                    "Refreshed in the background from the ZPA API on the schedule of the {} collector (zpa_collector_interval_seconds).",
                    status.name
                );
                part.encode(&mut MetricWriter::new(&mut encoder, &freshness))?;
                for (microtenant, at) in part.last_modified() {
                    last_modified.insert((status.name, microtenant), at);
                }
            }
        }
        MetricWriter::new(&mut encoder, "").gauge(
            "zpa_config_last_modified_timestamp_seconds",
            "Newest modifiedTime among the objects of a resource, per microtenant (Unix time).",
            last_modified.iter().map(|((resource, mt), at)| {
                ([("resource", *resource), ("microtenant", mt.as_str())], *at)
            }),
        )
    }
}

/// An empty label set for unlabelled gauges.
#[derive(Debug, Clone, Copy)]
pub struct NoLabels;

impl prometheus_client::encoding::EncodeLabelSet for NoLabels {
    fn encode(
        &self,
        _encoder: &mut prometheus_client::encoding::LabelSetEncoder,
    ) -> Result<(), fmt::Error> {
        Ok(())
    }
}

/// `zpa_exporter_build_info{version,revision,rustc_version} 1`
#[derive(Debug)]
struct BuildInfo;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const REVISION: &str = env!("ZPA_EXPORTER_REVISION");
pub const RUSTC_VERSION: &str = env!("ZPA_EXPORTER_RUSTC_VERSION");

impl Collector for BuildInfo {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let mut out = MetricWriter::new(&mut encoder, "");
        out.gauge(
            "zpa_exporter_build_info",
            "Build information of the running zpa-exporter; value is always 1.",
            [(
                [
                    ("version", VERSION),
                    ("revision", REVISION),
                    ("rustc_version", RUSTC_VERSION),
                ],
                1i64,
            )],
        )
    }
}

/// Everything `/metrics` serves.
pub fn build_registry(store: Arc<SnapshotStore>, telemetry: &Arc<ApiTelemetry>) -> Registry {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(SnapshotCollector::new(store)));
    telemetry.register(&mut registry);
    registry.register_collector(Box::new(BuildInfo));
    registry.register_collector(Box::new(process::ProcessCollector::new()));
    registry
}

/// The exposition formats `/metrics` can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    PrometheusText,
    OpenMetrics,
}

impl Format {
    /// Like the Go client: OpenMetrics only when the scraper asks for it.
    pub fn negotiate(accept: Option<&str>) -> Format {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Format::OpenMetrics,
            _ => Format::PrometheusText,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::PrometheusText => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

pub fn encode(registry: &Registry, format: Format) -> Result<String, fmt::Error> {
    let mut body = String::with_capacity(16 * 1024);
    match format {
        Format::PrometheusText => {
            prometheus_client::encoding::prometheus_text::encode(&mut body, registry)?
        }
        Format::OpenMetrics => prometheus_client::encoding::text::encode(&mut body, registry)?,
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::collectors::application_segments::{ApplicationSegment, SegmentsPart};
    use crate::collectors::Class;
    use crate::snapshot::{CollectorStatus, Snapshot};

    fn registry_with_segments(microtenants: &[&str]) -> Registry {
        registry_and_telemetry(microtenants).0
    }

    fn registry_and_telemetry(microtenants: &[&str]) -> (Registry, Arc<ApiTelemetry>) {
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
        let part = SegmentsPart::build(items, Vec::new(), false);
        let mut status = CollectorStatus::new(
            "application_segments",
            Class::Inventory,
            std::time::Duration::from_secs(60),
        );
        status.success = true;
        status.runs = 1;
        status.last_success = Some(SystemTime::now());
        status.part = Some(Arc::new(part));
        let store = Arc::new(SnapshotStore::new(Snapshot::new(vec![status])));
        let telemetry = Arc::new(ApiTelemetry::new());
        (build_registry(store, &telemetry), telemetry)
    }

    #[test]
    fn label_values_are_escaped_in_both_formats() {
        let registry =
            registry_with_segments(&["quote\"q", "back\\slash", "new\nline", "Ünïcødé 財務"]);
        for format in [Format::PrometheusText, Format::OpenMetrics] {
            let body = encode(&registry, format).unwrap();
            assert!(
                body.contains(r#"microtenant="quote\"q""#),
                "{format:?}\n{body}"
            );
            assert!(body.contains(r#"microtenant="back\\slash""#), "{format:?}");
            assert!(body.contains(r#"microtenant="new\nline""#), "{format:?}");
            assert!(body.contains(r#"microtenant="Ünïcødé 財務""#), "{format:?}");
            assert!(body.contains(
                "Refreshed in the background from the ZPA API on the schedule of the application_segments collector (zpa_collector_interval_seconds)."
            ), "{body}");
            for line in body.lines() {
                assert!(!line.is_empty(), "no raw newline splits a sample: {body}");
            }
        }
    }

    #[test]
    fn counters_and_formats() {
        let (registry, telemetry) = registry_and_telemetry(&["Default"]);
        telemetry.record_request("application", Some(200));
        let text = encode(&registry, Format::PrometheusText).unwrap();
        assert!(
            text.contains("# TYPE zpa_api_requests_total counter"),
            "{text}"
        );
        assert!(text.contains("zpa_signin_failures_total{reason=\"invalid_credentials\"} 0"));
        assert!(text.contains("zpa_up 1"));
        assert!(text.contains("zpa_exporter_build_info{version=\""));
        assert!(!text.contains("# EOF"));
        let om = encode(&registry, Format::OpenMetrics).unwrap();
        assert!(om.ends_with("# EOF\n"));
        assert!(
            !text.contains("zpa_token_expiry_timestamp_seconds"),
            "no token yet"
        );
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
    }
}
