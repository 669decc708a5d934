//! LSS helpers: the real sample records (tests/fixtures/lss), sending lines to a listener, and
//! waiting for what a scrape shows.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use zpa_exporter::RunningExporter;

use super::{scrape, sum};

pub const USER_ACTIVITY: &str = include_str!("../fixtures/lss/user_activity.jsonl");
pub const USER_STATUS: &str = include_str!("../fixtures/lss/user_status.jsonl");
pub const CONNECTOR_STATUS: &str = include_str!("../fixtures/lss/app_connector_status.jsonl");
pub const CONNECTOR_METRICS: &str = include_str!("../fixtures/lss/app_connector_metrics.jsonl");
pub const EDGE_STATUS: &str = include_str!("../fixtures/lss/service_edge_status.jsonl");
/// The help page's PSE metrics example with its two template slips fixed (the original, in
/// service_edge_metrics_broken.jsonl, is not JSON).
pub const EDGE_METRICS: &str = r#"{"LogTimestamp":"Fri May  6 11:40:00 2022","PrivateSE":"TestPrivateServiceEdge","CPUUtilization":"1","SystemMemoryUtilization":"7","ProcessMemoryUtilization":"3","UsedTCPPortsIPv4":"1","UsedUDPPortsIPv4":"4","UsedTCPPortsIPv6":"1","UsedUDPPortsIPv6":"5","AvailablePorts":"28223","SystemMaximumFileDescriptors":"960344","SystemUsedFileDescriptors":"1211","ProcessMaximumFileDescriptors":"421000","ProcessUsedFileDescriptors":"122","AvailableDiskBytes":"261886394368", "MicroTenantID": "145257480799129312"}
"#;

/// Every sample record of the six types: 12 lines.
pub fn every_sample() -> String {
    [
        USER_ACTIVITY,
        USER_STATUS,
        CONNECTOR_STATUS,
        CONNECTOR_METRICS,
        EDGE_STATUS,
        EDGE_METRICS,
    ]
    .concat()
}

/// Connects to `addr`, writes `bytes`, and closes.
pub async fn send(addr: SocketAddr, bytes: &[u8]) {
    let mut stream = TcpStream::connect(addr)
        .await
        .expect("LSS listener accepts");
    stream.write_all(bytes).await.expect("LSS listener reads");
    stream.shutdown().await.ok();
}

/// Scrapes until the sum of `name{labels}` reaches `at_least` (within 20 s); the last body.
pub async fn wait_for_sum(
    exporter: &RunningExporter,
    name: &str,
    labels: &[(&str, &str)],
    at_least: f64,
) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let body = scrape(exporter).await;
        if sum(&body, name, labels) >= at_least {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{name}{labels:?} did not reach {at_least}:\n{}",
            body.lines()
                .filter(|l| l.starts_with("zpa_lss_"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
