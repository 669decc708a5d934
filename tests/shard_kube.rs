//! The StatefulSet membership source against a fake Kubernetes API server written here: axum
//! on loopback behind TLS from an rcgen CA, checking the bearer token, serving the StatefulSet
//! and a watch whose events the test pushes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use serde_json::json;
use tokio::sync::{mpsc, watch};
use zpa_exporter::Membership;
use zpa_exporter::{follow_statefulset as follow, KubeError, KubeSettings};

const NS: &str = "monitoring";
const STS: &str = "zpa-exporter";
/// Bounds the wait for something that happens at once on a healthy machine.
const PATIENCE: Duration = Duration::from_secs(20);

#[derive(Debug, Clone)]
struct Request {
    watch: bool,
    at: Instant,
    query: Vec<(String, String)>,
}

#[derive(Default)]
struct Fake {
    token: String,
    replicas: u32,
    version: u64,
    /// List requests still to answer with 500.
    failing_lists: u32,
    requests: Vec<Request>,
    /// The open watch's event stream; dropping it ends the watch.
    events: Option<mpsc::Sender<Result<String, std::io::Error>>>,
}

type Shared = Arc<Mutex<Fake>>;

fn status(code: StatusCode, reason: &str) -> Response {
    let body =
        json!({"kind": "Status", "status": "Failure", "reason": reason, "code": code.as_u16()});
    (code, axum::Json(body)).into_response()
}

fn sts_object(fake: &Fake) -> serde_json::Value {
    json!({
        "kind": "StatefulSet",
        "metadata": {"name": STS, "namespace": NS, "resourceVersion": fake.version.to_string()},
        "spec": {"replicas": fake.replicas},
    })
}

fn authorized(fake: &Fake, headers: &HeaderMap) -> bool {
    headers.get("authorization").and_then(|v| v.to_str().ok())
        == Some(format!("Bearer {}", fake.token).as_str())
}

async fn get_sts(
    State(fake): State<Shared>,
    Path((ns, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let mut fake = fake.lock().unwrap();
    fake.requests.push(Request {
        watch: false,
        at: Instant::now(),
        query: Vec::new(),
    });
    if !authorized(&fake, &headers) {
        return status(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    if fake.failing_lists > 0 {
        fake.failing_lists -= 1;
        return status(StatusCode::INTERNAL_SERVER_ERROR, "InternalError");
    }
    if (ns.as_str(), name.as_str()) != (NS, STS) {
        return status(StatusCode::NOT_FOUND, "NotFound");
    }
    axum::Json(sts_object(&fake)).into_response()
}

async fn watch_sts(
    State(fake): State<Shared>,
    Path(ns): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Response {
    let mut fake = fake.lock().unwrap();
    fake.requests.push(Request {
        watch: true,
        at: Instant::now(),
        query: query.clone(),
    });
    if !authorized(&fake, &headers) {
        return status(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let wanted = |k: &str, v: &str| query.iter().any(|(qk, qv)| qk == k && qv == v);
    if ns != NS
        || !wanted("watch", "true")
        || !wanted("fieldSelector", "metadata.name=zpa-exporter")
    {
        return status(StatusCode::BAD_REQUEST, "BadRequest");
    }
    let (tx, rx) = mpsc::channel(16);
    fake.events = Some(tx);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    Body::from_stream(stream).into_response()
}

struct Server {
    fake: Shared,
    addr: SocketAddr,
    dir: tempfile::TempDir,
    ca_pem: String,
}

impl Server {
    async fn start(replicas: u32) -> Server {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(vec!["127.0.0.1".to_string()])
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        let tls = axum_server::tls_rustls::RustlsConfig::from_pem(
            cert.pem().into_bytes(),
            key.serialize_pem().into_bytes(),
        )
        .await
        .unwrap();
        let fake: Shared = Arc::new(Mutex::new(Fake {
            token: "good-token".into(),
            replicas,
            version: 100,
            ..Fake::default()
        }));
        let app = Router::new()
            .route(
                "/apis/apps/v1/namespaces/{ns}/statefulsets/{name}",
                get(get_sts),
            )
            .route("/apis/apps/v1/namespaces/{ns}/statefulsets", get(watch_sts))
            .with_state(fake.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let server = axum_server::from_tcp_rustls(listener, tls).unwrap();
        tokio::spawn(server.serve(app.into_make_service()));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "good-token\n").unwrap();
        let ca_pem = ca.pem();
        std::fs::write(dir.path().join("ca.crt"), &ca_pem).unwrap();
        Server {
            fake,
            addr,
            dir,
            ca_pem,
        }
    }

    fn settings(&self, pod: &str) -> KubeSettings {
        KubeSettings {
            pod: pod.into(),
            namespace: NS.into(),
            api_url: format!("https://{}", self.addr),
            token_file: self.path("token"),
            ca_file: self.path("ca.crt"),
            request_timeout: Duration::from_secs(10),
            watch_timeout: Duration::from_secs(300),
            backoff_base: Duration::from_millis(40),
            backoff_cap: Duration::from_millis(320),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Fake> {
        self.fake.lock().unwrap()
    }

    /// Changes the replica count and sends the watch event saying so.
    async fn scale(&self, replicas: u32) {
        let (tx, line) = {
            let mut fake = self.lock();
            fake.replicas = replicas;
            fake.version += 1;
            let event = json!({"type": "MODIFIED", "object": sts_object(&fake)});
            (
                fake.events.clone().expect("a watch is open"),
                format!("{event}\n"),
            )
        };
        tx.send(Ok(line)).await.unwrap();
    }

    /// Waits until the client has opened `n` watches.
    async fn watches(&self, n: usize) {
        let deadline = Instant::now() + PATIENCE;
        while self.lock().requests.iter().filter(|r| r.watch).count() < n {
            assert!(
                Instant::now() < deadline,
                "no watch number {n}: {:?}",
                self.lock().requests
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    fn lists(&self) -> Vec<Request> {
        self.lock()
            .requests
            .iter()
            .filter(|r| !r.watch)
            .cloned()
            .collect()
    }
}

async fn next(rx: &mut watch::Receiver<Membership>) -> Membership {
    tokio::time::timeout(PATIENCE, rx.changed())
        .await
        .expect("a membership change in time")
        .expect("the source is alive");
    *rx.borrow_and_update()
}

#[tokio::test]
async fn replicas_one_three_two_through_watch_events() {
    let server = Server::start(1).await;
    let mut rx = follow(server.settings("zpa-exporter-1")).await.unwrap();
    assert_eq!(
        *rx.borrow(),
        Membership {
            ordinal: 1,
            total: 1
        },
        "scaled away: owns nothing"
    );
    server.watches(1).await;
    let first = server.lock().requests[1].clone();
    assert!(
        first
            .query
            .contains(&("resourceVersion".into(), "100".into())),
        "the watch starts at the listed version: {first:?}"
    );
    server.scale(3).await;
    assert_eq!(
        next(&mut rx).await,
        Membership {
            ordinal: 1,
            total: 3
        }
    );
    server.scale(2).await;
    assert_eq!(
        next(&mut rx).await,
        Membership {
            ordinal: 1,
            total: 2
        }
    );
    assert_eq!(server.lists().len(), 1, "events alone, no re-list");
}

#[tokio::test]
async fn gone_forces_a_relist() {
    let server = Server::start(2).await;
    let mut rx = follow(server.settings("zpa-exporter-0")).await.unwrap();
    server.watches(1).await;
    let tx = {
        let mut fake = server.lock();
        // Changed while the watch missed it: only a fresh GET can tell.
        fake.replicas = 5;
        fake.version = 200;
        fake.events.clone().unwrap()
    };
    let gone =
        json!({"type": "ERROR", "object": {"kind": "Status", "code": 410, "reason": "Expired"}});
    tx.send(Ok(format!("{gone}\n"))).await.unwrap();
    assert_eq!(
        next(&mut rx).await,
        Membership {
            ordinal: 0,
            total: 5
        }
    );
    server.watches(2).await;
    assert_eq!(server.lists().len(), 2);
    let second = server
        .lock()
        .requests
        .iter()
        .filter(|r| r.watch)
        .nth(1)
        .cloned()
        .unwrap();
    assert!(
        second
            .query
            .contains(&("resourceVersion".into(), "200".into())),
        "{second:?}"
    );
}

#[tokio::test]
async fn a_closed_stream_relists_with_a_fresh_token() {
    let server = Server::start(2).await;
    let mut rx = follow(server.settings("zpa-exporter-0")).await.unwrap();
    server.watches(1).await;
    server.scale(3).await;
    assert_eq!(next(&mut rx).await.total, 3);
    // The token rotates, the replica count changes unseen, and the stream ends.
    std::fs::write(server.path("token"), "rotated-token").unwrap();
    {
        let mut fake = server.lock();
        fake.token = "rotated-token".into();
        fake.replicas = 4;
        fake.version += 1;
        fake.events = None;
    }
    assert_eq!(
        next(&mut rx).await,
        Membership {
            ordinal: 0,
            total: 4
        }
    );
    server.watches(2).await;
    assert_eq!(server.lists().len(), 2);
}

#[tokio::test]
async fn a_bad_token_is_a_clear_error() {
    let server = Server::start(1).await;
    std::fs::write(server.path("token"), "stale-token").unwrap();
    let err = follow(server.settings("zpa-exporter-0")).await.unwrap_err();
    assert!(matches!(err, KubeError::Unauthorized(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("401") && text.contains("token"), "{text}");
    assert!(!text.contains("stale-token"), "{text}");

    let err = follow(server.settings("zpa-exporter")).await.unwrap_err();
    assert!(
        err.to_string().contains("not a StatefulSet pod name"),
        "{err}"
    );
    let err = follow(server.settings("other-0")).await.unwrap_err();
    assert!(
        matches!(err, KubeError::Unauthorized(_) | KubeError::NotFound(_)),
        "{err:?}"
    );
    // A server whose certificate the CA file does not vouch for is refused.
    std::fs::write(server.path("token"), "good-token").unwrap();
    let other = Server::start(1).await;
    let mut settings = server.settings("zpa-exporter-0");
    settings.ca_file = other.path("ca.crt");
    assert_ne!(server.ca_pem, other.ca_pem);
    let err = follow(settings).await.unwrap_err();
    assert!(matches!(err, KubeError::Request(..)), "{err:?}");
}

/// The waits between failed re-lists double from the base to the cap. Only lower bounds are
/// asserted (a sleep is never shorter), so a loaded machine cannot make this fail; without a
/// backoff the attempts would come back to back.
#[tokio::test]
async fn failures_back_off_doubling_to_the_cap() {
    let server = Server::start(2).await;
    let mut rx = follow(server.settings("zpa-exporter-1")).await.unwrap();
    server.watches(1).await;
    {
        let mut fake = server.lock();
        fake.failing_lists = 5;
        fake.replicas = 3;
        fake.events = None;
    }
    assert_eq!(
        next(&mut rx).await,
        Membership {
            ordinal: 1,
            total: 3
        }
    );
    let lists = server.lists();
    assert_eq!(lists.len(), 7, "the first, five failures, the success");
    let gaps: Vec<Duration> = lists
        .windows(2)
        .skip(1)
        .map(|w| w[1].at - w[0].at)
        .collect();
    // The stream ended with no event: failure 1 (40 ms); then each failed GET doubles it.
    let floors = [80, 160, 320, 320, 320];
    for (gap, floor) in gaps.iter().zip(floors) {
        assert!(*gap >= Duration::from_millis(floor), "{gaps:?}");
    }
    println!("gaps between re-lists: {gaps:?}");
}
