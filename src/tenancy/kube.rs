//! The StatefulSet membership source: this pod's ordinal from its name (`<statefulset>-<n>`,
//! `--shard.pod` from the downward API) and the shard count from its StatefulSet's
//! `spec.replicas`, read once and then followed with a watch, published as a
//! `watch::Receiver<Membership>`.
//!
//! It talks to the API server directly (reqwest, rustls, serde_json: already dependencies)
//! rather than through the `kube` crate: it needs one GET and one watch of one object, and
//! `kube` with `k8s-openapi` would add minutes of build on a 2-core machine for that.
//!
//! In a pod it uses the service account: `KUBERNETES_SERVICE_HOST`/`_PORT`, the CA at
//! `ca.crt` and the token, re-read on every connection because projected tokens rotate
//! (about hourly). The watch is re-established from a fresh GET when the server says the
//! resource version is gone (410) and whenever the stream ends; errors wait a doubling backoff,
//! bounded, and a watch silent for longer than the server's own timeout is dropped. The task
//! ends when the last receiver is dropped.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::{StatusCode, Url};
use serde_json::Value;
use tokio::sync::watch;
use zpa_api::backoff::doubling;
use zpa_api::Secret;

use super::Membership;

const SERVICE_ACCOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";
/// One watch event (a StatefulSet object) larger than this is refused.
pub(crate) const MAX_EVENT_BYTES: usize = 1 << 20;

/// Where and how to reach the API server, and how patiently.
#[derive(Debug, Clone)]
pub struct KubeSettings {
    /// This pod's name (`--shard.pod`).
    pub pod: String,
    /// Its namespace (`--shard.namespace`).
    pub namespace: String,
    /// The API server, e.g. `https://10.96.0.1:443`.
    pub api_url: String,
    /// The service account token, re-read on every connection.
    pub token_file: PathBuf,
    /// The CA that signed the API server's certificate.
    pub ca_file: PathBuf,
    /// Timeout of a GET and of connecting.
    pub request_timeout: Duration,
    /// `timeoutSeconds` of a watch; a watch silent for this plus 30 s is dropped.
    pub watch_timeout: Duration,
    /// The first wait after a failure; it doubles up to `backoff_cap`.
    pub backoff_base: Duration,
    /// The longest wait between attempts.
    pub backoff_cap: Duration,
}

impl KubeSettings {
    /// The in-cluster settings: the service account's files and the API server the
    /// `KUBERNETES_SERVICE_*` variables name.
    pub fn in_cluster(pod: &str, namespace: &str) -> Result<KubeSettings, KubeError> {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        let (Some(host), Some(port)) = (
            var("KUBERNETES_SERVICE_HOST"),
            var("KUBERNETES_SERVICE_PORT"),
        ) else {
            return Err(KubeError::NotInCluster);
        };
        // An IPv6 service address needs brackets in a URL.
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host
        };
        let dir = Path::new(SERVICE_ACCOUNT);
        Ok(KubeSettings {
            pod: pod.to_string(),
            namespace: namespace.to_string(),
            api_url: format!("https://{host}:{port}"),
            token_file: dir.join("token"),
            ca_file: dir.join("ca.crt"),
            request_timeout: Duration::from_secs(30),
            watch_timeout: Duration::from_secs(300),
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(60),
        })
    }
}

/// Why the membership cannot be read.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)] // Each variant's message is its documentation.
pub enum KubeError {
    #[error("--shard.pod {0:?} is not a StatefulSet pod name (<statefulset>-<ordinal>)")]
    PodName(String),
    #[error("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set: --shard.pod needs to run in a Kubernetes pod")]
    NotInCluster,
    #[error("cannot read {}", .0.display())]
    Read(PathBuf, #[source] std::io::Error),
    #[error("{} is empty", .0.display())]
    EmptyToken(PathBuf),
    #[error("{} holds no usable CA certificate", .0.display())]
    Ca(PathBuf, #[source] reqwest::Error),
    #[error("{0:?} is not a URL")]
    Url(String),
    #[error("cannot build the HTTP client")]
    Client(#[source] reqwest::Error),
    #[error("the Kubernetes API at {0} cannot be reached")]
    Request(String, #[source] reqwest::Error),
    #[error("the Kubernetes API refused the service account token in {} (401 Unauthorized)", .0.display())]
    Unauthorized(PathBuf),
    #[error("the Kubernetes API forbids reading statefulset {0} (403): its Role must allow get, list and watch on it")]
    Forbidden(String),
    #[error("statefulset {0} does not exist (404): is --shard.pod a StatefulSet's pod?")]
    NotFound(String),
    #[error("the Kubernetes API answered {1} for statefulset {0}")]
    Status(String, StatusCode),
    #[error("the Kubernetes API sent an unexpected answer: {0}")]
    Malformed(String),
    #[error("a watch event is larger than {MAX_EVENT_BYTES} bytes")]
    EventTooLarge,
    #[error("the watch sent nothing for {0:?}")]
    Idle(Duration),
    #[error("the watch reported error {0}: {1}")]
    WatchError(u64, String),
}

/// The StatefulSet and ordinal of `pod` (`<statefulset>-<ordinal>`).
pub(crate) fn parse_pod_name(pod: &str) -> Result<(String, u32), KubeError> {
    crate::config::parse_pod_name(pod).ok_or_else(|| KubeError::PodName(pod.to_string()))
}

/// Reads the StatefulSet, then follows it in a task; fails (on a bad pod name, token, RBAC or
/// address) only on this first read, so a misconfiguration stops the start. Later errors are
/// logged and retried. A pod whose ordinal is not below the replica count (being scaled away)
/// owns nothing.
pub async fn follow(settings: KubeSettings) -> Result<watch::Receiver<Membership>, KubeError> {
    let (sts, ordinal) = parse_pod_name(&settings.pod)?;
    let api = Api::new(settings, sts)?;
    let listed = api.get().await?;
    let (tx, rx) = watch::channel(Membership {
        ordinal,
        total: listed.replicas,
    });
    tokio::spawn(async move {
        tokio::select! {
            _ = tx.closed() => {}
            _ = api.run(ordinal, listed.resource_version, &tx) => {}
        }
    });
    Ok(rx)
}

struct Listed {
    replicas: u32,
    resource_version: String,
}

/// How a watch ended without an error.
enum End {
    /// The stream closed; `true` when it delivered an event first.
    Closed(bool),
    /// 410: the resource version is too old.
    Gone,
}

struct Api {
    s: KubeSettings,
    sts: String,
    object: Url,
    collection: Url,
}

impl Api {
    fn new(s: KubeSettings, sts: String) -> Result<Api, KubeError> {
        let base = Url::parse(&s.api_url).map_err(|_| KubeError::Url(s.api_url.clone()))?;
        let mut collection = base.clone();
        collection
            .path_segments_mut()
            .map_err(|_| KubeError::Url(s.api_url.clone()))?
            .pop_if_empty()
            .extend([
                "apis",
                "apps",
                "v1",
                "namespaces",
                &s.namespace,
                "statefulsets",
            ]);
        let mut object = collection.clone();
        object
            .path_segments_mut()
            .map_err(|_| KubeError::Url(s.api_url.clone()))?
            .push(&sts);
        Ok(Api {
            s,
            sts,
            object,
            collection,
        })
    }

    fn name(&self) -> String {
        format!("{}/{}", self.s.namespace, self.sts)
    }

    /// A client and token for one connection: both files are read again each time.
    fn connect(&self) -> Result<(reqwest::Client, Secret), KubeError> {
        let read = |p: &Path| std::fs::read(p).map_err(|e| KubeError::Read(p.to_path_buf(), e));
        let token = String::from_utf8_lossy(&read(&self.s.token_file)?)
            .trim()
            .to_string();
        if token.is_empty() {
            return Err(KubeError::EmptyToken(self.s.token_file.clone()));
        }
        let ca = reqwest::Certificate::from_pem(&read(&self.s.ca_file)?)
            .map_err(|e| KubeError::Ca(self.s.ca_file.clone(), e))?;
        let client = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(ca)
            .connect_timeout(self.s.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(KubeError::Client)?;
        Ok((client, Secret::new(token)))
    }

    async fn send(
        &self,
        url: Url,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, KubeError> {
        let (client, token) = self.connect()?;
        let mut request = client.get(url).bearer_auth(token.expose());
        if let Some(t) = timeout {
            request = request.timeout(t);
        }
        let response = request
            .send()
            .await
            .map_err(|e| KubeError::Request(self.s.api_url.clone(), e))?;
        match response.status() {
            s if s.is_success() => Ok(response),
            StatusCode::UNAUTHORIZED => Err(KubeError::Unauthorized(self.s.token_file.clone())),
            StatusCode::FORBIDDEN => Err(KubeError::Forbidden(self.name())),
            StatusCode::NOT_FOUND => Err(KubeError::NotFound(self.name())),
            s => Err(KubeError::Status(self.name(), s)),
        }
    }

    async fn get(&self) -> Result<Listed, KubeError> {
        let response = self
            .send(self.object.clone(), Some(self.s.request_timeout))
            .await?;
        let object: Value = response
            .json()
            .await
            .map_err(|e| KubeError::Request(self.s.api_url.clone(), e))?;
        let (replicas, resource_version) = replicas_and_version(&object)?;
        Ok(Listed {
            replicas,
            resource_version,
        })
    }

    /// Follows the StatefulSet until the task is dropped.
    async fn run(
        &self,
        ordinal: u32,
        mut resource_version: String,
        tx: &watch::Sender<Membership>,
    ) {
        let mut failures = 0u32;
        let mut listed = true;
        loop {
            if !listed {
                match self.get().await {
                    Ok(l) => {
                        publish(tx, ordinal, l.replicas);
                        resource_version = l.resource_version;
                    }
                    Err(e) => {
                        failures += 1;
                        self.wait(failures, &e).await;
                        continue;
                    }
                }
            }
            listed = false;
            match self.watch(ordinal, &mut resource_version, tx).await {
                Ok(End::Gone) | Ok(End::Closed(true)) => failures = 0,
                // A watch that ends at once, again and again, must not become a busy loop.
                Ok(End::Closed(false)) => {
                    failures += 1;
                    tokio::time::sleep(doubling(self.s.backoff_base, failures, self.s.backoff_cap))
                        .await;
                }
                Err(e) => {
                    failures += 1;
                    self.wait(failures, &e).await;
                }
            }
        }
    }

    async fn wait(&self, failures: u32, error: &KubeError) {
        let delay = doubling(self.s.backoff_base, failures, self.s.backoff_cap);
        tracing::warn!(
            error = %zpa_api::error::Chain(error),
            retry_in = ?delay,
            statefulset = %self.name(),
            "cannot follow the shard count"
        );
        tokio::time::sleep(delay).await;
    }

    async fn watch(
        &self,
        ordinal: u32,
        resource_version: &mut String,
        tx: &watch::Sender<Membership>,
    ) -> Result<End, KubeError> {
        let mut url = self.collection.clone();
        url.query_pairs_mut()
            .append_pair("watch", "true")
            .append_pair("fieldSelector", &format!("metadata.name={}", self.sts))
            .append_pair("resourceVersion", resource_version)
            .append_pair("allowWatchBookmarks", "true")
            .append_pair(
                "timeoutSeconds",
                &self.s.watch_timeout.as_secs().to_string(),
            );
        let mut response = match self.send(url, None).await {
            Err(KubeError::Status(_, StatusCode::GONE)) => return Ok(End::Gone),
            other => other?,
        };
        let idle = self.s.watch_timeout + Duration::from_secs(30);
        let mut buffer: Vec<u8> = Vec::new();
        let mut delivered = false;
        loop {
            let chunk = tokio::time::timeout(idle, response.chunk())
                .await
                .map_err(|_| KubeError::Idle(idle))?
                .map_err(|e| KubeError::Request(self.s.api_url.clone(), e))?;
            let Some(chunk) = chunk else {
                return Ok(End::Closed(delivered));
            };
            buffer.extend_from_slice(&chunk);
            while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = buffer.drain(..=end).collect();
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                let event: Value = serde_json::from_slice(&line)
                    .map_err(|e| KubeError::Malformed(format!("a watch event is not JSON: {e}")))?;
                delivered = true;
                if let Some(end) = self.apply(&event, ordinal, resource_version, tx)? {
                    return Ok(end);
                }
            }
            if buffer.len() > MAX_EVENT_BYTES {
                return Err(KubeError::EventTooLarge);
            }
        }
    }

    /// One watch event; `Some` when it ends the watch.
    fn apply(
        &self,
        event: &Value,
        ordinal: u32,
        resource_version: &mut String,
        tx: &watch::Sender<Membership>,
    ) -> Result<Option<End>, KubeError> {
        let object = &event["object"];
        match event["type"].as_str() {
            Some("ADDED" | "MODIFIED") => {
                let (replicas, version) = replicas_and_version(object)?;
                publish(tx, ordinal, replicas);
                *resource_version = version;
            }
            Some("BOOKMARK") => {
                if let Some(v) = object["metadata"]["resourceVersion"].as_str() {
                    *resource_version = v.to_string();
                }
            }
            Some("DELETED") => {
                // The pods go with it; until then keep the last count.
                tracing::warn!(statefulset = %self.name(), "the StatefulSet was deleted");
            }
            Some("ERROR") => {
                let code = object["code"].as_u64().unwrap_or(0);
                if code == 410 {
                    return Ok(Some(End::Gone));
                }
                let message = object["message"].as_str().unwrap_or("").to_string();
                return Err(KubeError::WatchError(code, message));
            }
            other => {
                return Err(KubeError::Malformed(format!(
                    "unknown watch event type {other:?}"
                )))
            }
        }
        Ok(None)
    }
}

fn publish(tx: &watch::Sender<Membership>, ordinal: u32, total: u32) {
    let next = Membership { ordinal, total };
    tx.send_if_modified(|current| {
        let changed = *current != next;
        if changed {
            tracing::info!(ordinal, total, "shard count changed");
            *current = next;
        }
        changed
    });
}

/// `spec.replicas` (1 when absent, as Kubernetes defaults it) and `metadata.resourceVersion`.
fn replicas_and_version(object: &Value) -> Result<(u32, String), KubeError> {
    let replicas = match &object["spec"]["replicas"] {
        Value::Null => 1,
        v => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| KubeError::Malformed(format!("spec.replicas is {v}")))?,
    };
    let version = object["metadata"]["resourceVersion"]
        .as_str()
        .ok_or_else(|| KubeError::Malformed("no metadata.resourceVersion".into()))?;
    Ok((replicas, version.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_names() {
        assert_eq!(
            parse_pod_name("zpa-exporter-12").unwrap(),
            ("zpa-exporter".to_string(), 12)
        );
        assert_eq!(parse_pod_name("a-0").unwrap(), ("a".to_string(), 0));
        for bad in [
            "zpa",
            "zpa-",
            "-1",
            "zpa-x1",
            "zpa-1a",
            "zpa-99999999999",
            "zpa-+1",
        ] {
            assert!(parse_pod_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn replicas_default_to_one_and_must_be_numbers() {
        let obj =
            |spec: Value| serde_json::json!({"metadata": {"resourceVersion": "7"}, "spec": spec});
        assert_eq!(
            replicas_and_version(&obj(serde_json::json!({}))).unwrap(),
            (1, "7".into())
        );
        assert_eq!(
            replicas_and_version(&obj(serde_json::json!({"replicas": 3})))
                .unwrap()
                .0,
            3
        );
        assert!(replicas_and_version(&obj(serde_json::json!({"replicas": "3"}))).is_err());
        assert!(replicas_and_version(&serde_json::json!({"spec": {}})).is_err());
    }
}
