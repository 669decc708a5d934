//! The control plane's shard changes: a replica runs exactly the configured tenants its
//! membership owns, after every change, and reports what moved.

use std::collections::BTreeSet;
use std::sync::Arc;

use zpa_api::ratelimit::RateLimit;
use zpa_api::Secret;

use super::*;
use crate::config::{Config, ZpaTarget};
use crate::tenancy::shard;
use crate::tenancy::supervisor::Tenants;

/// Twenty tenants whose API is a closed loopback port: they start and fail, nothing more.
fn specs() -> Vec<TenantSpec> {
    (0..20)
        .map(|i| TenantSpec {
            name: format!("tenant-{i:02}"),
            target: ZpaTarget {
                base_url: "http://127.0.0.1:9".into(),
                customer_id: format!("{}", 1000 + i),
                client_id: "id".into(),
                client_secret: Secret::new(String::from("secret")),
                microtenant_id: None,
                auth: Default::default(),
            },
            rate_limit: RateLimit::ZPA_DEFAULT,
            poll_interval: None,
            collector_intervals: Default::default(),
            lss: None,
            shard: None,
        })
        .collect()
}

fn running(tenants: &Tenants) -> BTreeSet<String> {
    tenants.load().iter().map(|t| t.name.to_string()).collect()
}

fn owned(ordinal: u32, total: u32) -> BTreeSet<String> {
    let names: Vec<String> = specs().into_iter().map(|s| s.name).collect();
    shard::owned(names.iter().map(String::as_str), ordinal, total)
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_runs_exactly_what_its_shard_owns_after_every_change() {
    let view = Arc::new(Tenants::default());
    let mut config = Config::demo();
    config.collectors = vec!["service_edges"];
    let supervisor = Supervisor::new(config, false, view.clone());
    let status = Arc::new(Status::default());
    let first = Membership::fixed(1, 3).unwrap();
    let (control, applied) = Control::start(supervisor, specs(), first, status, None).await;
    assert_eq!(running(&view), owned(1, 3));
    assert_eq!(applied.started.len(), owned(1, 3).len());

    // 3 -> 2 replicas: this one (ordinal 1) keeps what it had and gains from ordinal 2.
    let applied = control.membership(Membership::fixed(1, 2).unwrap()).await;
    assert_eq!(running(&view), owned(1, 2));
    let gained: BTreeSet<String> = owned(1, 2).difference(&owned(1, 3)).cloned().collect();
    let lost: BTreeSet<String> = owned(1, 3).difference(&owned(1, 2)).cloned().collect();
    assert_eq!(
        applied.started.iter().cloned().collect::<BTreeSet<_>>(),
        gained
    );
    assert_eq!(
        applied.stopped.iter().cloned().collect::<BTreeSet<_>>(),
        lost
    );
    assert!(
        lost.is_empty(),
        "rendezvous hashing: shrinking never moves a kept shard's tenant"
    );
    assert!(applied.restarted.is_empty());

    // 2 -> 1: everything; then 1 -> 3 again: back to its third, the rest stopped.
    control.membership(Membership::SOLE).await;
    assert_eq!(running(&view).len(), 20);
    let applied = control.membership(first).await;
    assert_eq!(running(&view), owned(1, 3));
    assert_eq!(applied.stopped.len(), 20 - owned(1, 3).len());
    assert_eq!(
        control.membership(first).await,
        Applied::default(),
        "no change, nothing done"
    );
    control.stop_all().await;
    assert!(running(&view).is_empty());
}

/// A tenants file of `names`, each reading a closed loopback port (they start and fail).
fn tenants_file(dir: &std::path::Path, names: &[&str]) -> String {
    let mut yaml = String::from("tenants:\n");
    for (i, name) in names.iter().enumerate() {
        yaml.push_str(&format!(
            "  - name: {name}\n    customer_id: {}\n    base_url: http://127.0.0.1:9\n    auth:\n      legacy:\n        client_id: id\n        client_secret_file: {}\n",
            2000 + i,
            dir.join("secret").display()
        ));
    }
    yaml
}

/// Replaces the file at `path` at once (as a ConfigMap update or an editor's save does), so a
/// reload never reads half of it.
fn replace(path: &std::path::Path, text: &str) {
    let next = path.with_extension("next");
    std::fs::write(&next, text).unwrap();
    std::fs::rename(&next, path).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reloads_apply_one_at_a_time_and_the_last_file_wins() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("secret"), "s").unwrap();
    let path = dir.path().join("tenants.yml");
    let a = tenants_file(dir.path(), &["a-1", "a-2"]);
    let b = tenants_file(dir.path(), &["b-1", "b-2", "b-3"]);
    std::fs::write(&path, &a).unwrap();
    let view = Arc::new(Tenants::default());
    let mut config = Config::demo();
    config.collectors = vec!["service_edges"];
    let supervisor = Supervisor::new(config, false, view.clone());
    let status = Arc::new(Status::default());
    let configured = tenants_file::load(&path).unwrap().tenants;
    let (control, _) = Control::start(
        supervisor,
        configured,
        Membership::SOLE,
        status,
        Some(path.clone()),
    )
    .await;
    let control = Arc::new(control);
    // Alternate the file under reloads in flight: every reload reads, validates and applies
    // before the next reads, so whichever runs last read the last file written.
    let mut reloads = Vec::new();
    for round in 0..12 {
        replace(&path, if round % 2 == 0 { &b } else { &a });
        let control = control.clone();
        reloads.push(tokio::spawn(async move { control.reload().await }));
    }
    let last = &b;
    replace(&path, last);
    let control_last = control.clone();
    reloads.push(tokio::spawn(async move { control_last.reload().await }));
    for reload in reloads {
        reload.await.unwrap().expect("every file is valid");
    }
    assert_eq!(
        running(&view),
        ["b-1", "b-2", "b-3"]
            .map(String::from)
            .into_iter()
            .collect(),
        "the last file written is the one running"
    );
    // One at a time: every read is applied before the next read.
    let steps = control.steps.lock().unwrap().clone();
    assert_eq!(steps.len(), 26);
    assert!(
        steps.chunks(2).all(|pair| pair == ["read", "applied"]),
        "reads and applies interleaved: {steps:?}"
    );
    control.stop_all().await;
}
