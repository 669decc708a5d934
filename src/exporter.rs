//! The exporter's life: [`start`] wires the client, the scheduler (on the poller's own thread),
//! the metrics and the HTTP server together; [`RunningExporter::shutdown`] stops them within
//! [`STOP_BOUND`]; [`run`] does both around the process's signals.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use zpa_api::stats::ApiStats;

use crate::config::{Config, Target};
#[cfg(feature = "demo")]
use crate::demo;
use crate::schedule::{Scheduled, Scheduler, Upstream};
use crate::snapshot::{Snapshot, SnapshotStore};
use crate::{collectors, connect, http, lss, metrics, poller};

/// The longest a stop takes: scrapes in flight get the server's grace period (5 s) while, in
/// parallel, the poller stops its collectors at once and signs out within 2 s; a second more
/// for the rest. Below the 30 s that systemd's `TimeoutStopSec` and Kubernetes'
/// `terminationGracePeriodSeconds` allow by default.
pub const STOP_BOUND: Duration = Duration::from_secs(7);

/// Why the exporter could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The listen address is taken or not ours.
    #[error("--web.listen-address: cannot listen on {addr}")]
    Listen {
        /// The address asked for.
        addr: SocketAddr,
        /// Why the bind failed.
        #[source]
        source: std::io::Error,
    },
    /// `--web.systemd-socket` without usable sockets from systemd.
    #[error("--web.systemd-socket: cannot serve on the sockets systemd passed")]
    SystemdSocket(#[source] std::io::Error),
    /// The in-process simulator of `--demo` did not start.
    #[error("--demo: cannot start the built-in ZPA simulator")]
    Demo(#[source] std::io::Error),
    /// `--demo` in a build without the `demo` feature.
    #[error("--demo: this build has no demo tenant (built without the `demo` feature)")]
    NoDemo,
    /// The HTTPS client could not be built (its TLS setup failed).
    #[error("cannot build the HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// The poller's thread or runtime could not be created.
    #[error("cannot start the poller thread")]
    Poller(#[source] std::io::Error),
    /// The LSS receiver could not start.
    #[error(transparent)]
    Lss(lss::ReceiverError),
}

impl StartError {
    /// The process's exit code: 2 when a flag's value cannot be used (like a bad flag), 1
    /// when the machine failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            StartError::Listen { .. } | StartError::SystemdSocket(_) | StartError::NoDemo => 2,
            StartError::Lss(lss::ReceiverError::Listen { .. }) => 2,
            StartError::Lss(_) => 1,
            StartError::Demo(_) | StartError::HttpClient(_) | StartError::Poller(_) => 1,
        }
    }
}

/// A running exporter: the scheduler and the HTTP server, until [`RunningExporter::shutdown`].
pub struct RunningExporter {
    /// Where it listens, one per `--web.listen-address`; never empty.
    local_addrs: Vec<SocketAddr>,
    store: Arc<SnapshotStore>,
    shutdown: watch::Sender<bool>,
    poller: poller::Poller,
    server: JoinHandle<std::io::Result<()>>,
    /// The LSS receiver, when `--lss.listen-address` is given.
    lss: Option<lss::Receiver>,
    #[cfg(feature = "demo")]
    demo: Option<demo::Demo>,
}

impl RunningExporter {
    /// Where the HTTP server listens on the first `--web.listen-address` (the port chosen by
    /// the OS when `:0` was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addrs[0]
    }

    /// Where the LSS receiver listens, one per `--lss.listen-address` (empty when it is off).
    pub fn lss_addrs(&self) -> Vec<SocketAddr> {
        self.lss
            .as_ref()
            .map_or_else(Vec::new, |r| r.local_addrs().to_vec())
    }

    /// What the exporter knows now.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.store.load()
    }

    /// Where the simulated tenant behind `--demo` listens, if this is a demo run.
    pub fn demo_url(&self) -> Option<String> {
        #[cfg(feature = "demo")]
        return self.demo.as_ref().map(demo::Demo::base_url);
        #[cfg(not(feature = "demo"))]
        None
    }

    /// Every snapshot from now on, as the collectors publish it: wait for a state with
    /// [`watch::Receiver::wait_for`] instead of polling [`RunningExporter::snapshot`].
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.store.subscribe()
    }

    /// Stops the collectors and signs out while in-flight scrapes finish; returns within
    /// [`STOP_BOUND`] whatever ZPA or the clients do.
    pub async fn shutdown(mut self) {
        // LSS senders keep what they could not deliver; closing at once loses nothing a
        // grace period would save.
        if let Some(mut lss) = self.lss.take() {
            lss.stop();
        }
        let _ = self.shutdown.send(true);
        let poller = self
            .poller
            .stopped(poller::SIGN_OUT_TIMEOUT + Duration::from_secs(1));
        let server = tokio::time::timeout(
            http::webconfig::SHUTDOWN_GRACE + Duration::from_secs(1),
            self.server,
        );
        let (poller, server) = tokio::join!(poller, server);
        if !poller {
            tracing::warn!("the poller did not stop in time; exiting without waiting for it");
        }
        match server {
            Ok(Ok(Err(e))) => tracing::warn!(error = %e, "HTTP server ended with an error"),
            Ok(Err(e)) => tracing::warn!(error = %e, "HTTP server task failed"),
            Err(_) => tracing::warn!("the HTTP server did not stop in time; exiting anyway"),
            Ok(Ok(Ok(()))) => {}
        }
        #[cfg(feature = "demo")]
        if let Some(demo) = self.demo {
            demo.stop().await;
        }
        tracing::info!("zpa-exporter stopped");
    }
}

/// Starts the scheduler and the HTTP server (and, for `--demo`, the simulator).
pub async fn start(config: Config) -> Result<RunningExporter, StartError> {
    // The port first: a taken one is a configuration error, said before anything else starts.
    let (listeners, local_addrs) = if config.systemd_socket {
        let listeners = http::listen::from_systemd().map_err(StartError::SystemdSocket)?;
        let addrs = listeners
            .iter()
            .map(tokio::net::TcpListener::local_addr)
            .collect::<Result<Vec<_>, _>>()
            .map_err(StartError::SystemdSocket)?;
        (listeners, addrs)
    } else {
        let listeners = http::listen::bind_all(&config.listen_addresses)
            .map_err(|(addr, source)| StartError::Listen { addr, source })?;
        let addrs = listeners
            .iter()
            .zip(&config.listen_addresses)
            .map(|(listener, &addr)| {
                listener
                    .local_addr()
                    .map_err(|source| StartError::Listen { addr, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        (listeners, addrs)
    };
    #[cfg(feature = "demo")]
    let (target, mut demo) = match &config.target {
        Target::Zpa(t) => (t.clone(), None),
        Target::Demo => {
            let (demo, target) = demo::Demo::start().await.map_err(StartError::Demo)?;
            (target, Some(demo))
        }
    };
    #[cfg(not(feature = "demo"))]
    let target = match &config.target {
        Target::Zpa(t) => t.clone(),
        Target::Demo => return Err(StartError::NoDemo),
    };

    let stats = Arc::new(ApiStats::new());
    let client = Arc::new(connect::client(&config, &target, stats.clone())?);
    let scheduled: Vec<Scheduled> = collectors::ALL
        .iter()
        .filter(|spec| config.collectors.contains(&spec.name))
        .map(|spec| Scheduled {
            collector: (spec.build)(&config.collector_options),
            class: spec.class,
            requested: config.requested_interval(spec),
            estimated_calls: spec.estimated_calls,
        })
        .collect();
    let store = Arc::new(SnapshotStore::new(Snapshot::default()));
    let upstream = Upstream {
        api: client.clone(),
        budget: client.limiter().clone(),
        customer_id: target.customer_id.clone(),
        microtenant_id: target.microtenant_id.clone(),
    };
    let scheduler = Scheduler::new(upstream, scheduled, store.clone());
    let mut lss_options = config.lss.clone();
    #[cfg(feature = "demo")]
    if demo.is_some() {
        lss_options.listeners = demo::lss_listeners(&lss_options.listeners);
    }
    let lss = if lss_options.listeners.is_empty() {
        None
    } else {
        let join = lss::join::Join::new(store.clone());
        let specs = lss_options.listeners.clone();
        let receiver = lss::Receiver::start(lss_options, join, config.web_config.clone())
            .await
            .map_err(StartError::Lss)?;
        #[cfg(feature = "demo")]
        if let Some(demo) = demo.as_mut() {
            let bound: Vec<_> = specs
                .into_iter()
                .zip(receiver.local_addrs().iter().copied())
                .collect();
            demo.stream_lss(&bound, config.lss.tls);
        }
        #[cfg(not(feature = "demo"))]
        drop(specs);
        Some(receiver)
    };
    let exposition = Arc::new(
        metrics::Exposition::new(store.clone(), stats).with_lss(lss.as_ref().map(|r| r.metrics())),
    );

    let (shutdown_tx, shutdown_rx) = watch::channel(false);

    let app = http::router(http::AppState {
        exposition,
        store: store.clone(),
        telemetry_path: config.telemetry_path.clone(),
        scrape_slots: (config.max_requests > 0)
            .then(|| Arc::new(tokio::sync::Semaphore::new(config.max_requests))),
        connection: Arc::new(http::landing::Connection {
            demo: matches!(config.target, Target::Demo),
            auth_method: client.auth_method().to_string(),
            base_url: target.base_url.clone(),
            customer_id: target.customer_id.clone(),
            microtenant_id: target.microtenant_id.clone(),
        }),
    });
    let mut server_shutdown = shutdown_rx.clone();
    let serve_options = http::webconfig::ServeOptions {
        web_config: config.web_config.clone(),
        unauthenticated_paths: if config.unauthenticated_health {
            vec!["/-/healthy".to_string(), "/-/ready".to_string()]
        } else {
            Vec::new()
        },
        max_connections: config.max_connections,
    };
    let server = tokio::spawn(http::webconfig::serve(
        listeners,
        app,
        serve_options,
        async move {
            let _ = server_shutdown.wait_for(|stop| *stop).await;
        },
    ));

    for warning in &config.warnings {
        tracing::warn!("{warning}");
    }
    tracing::info!(
        addresses = %local_addrs
            .iter()
            .map(SocketAddr::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        tls = config.web_config.as_ref().is_some_and(|w| w.tls_enabled()),
        telemetry_path = %config.telemetry_path,
        zpa = %target.base_url,
        "zpa-exporter started"
    );
    tracing::info!("schedule: {}", scheduler.describe_plan());
    let poller = poller::spawn(scheduler, client, shutdown_rx).map_err(StartError::Poller)?;
    Ok(RunningExporter {
        local_addrs,
        store,
        shutdown: shutdown_tx,
        poller,
        server,
        lss,
        #[cfg(feature = "demo")]
        demo,
    })
}

/// Runs until SIGINT or SIGTERM, then shuts down cleanly.
pub async fn run(config: Config) -> Result<(), StartError> {
    raise_open_file_limit();
    let demo = matches!(config.target, Target::Demo);
    let path = config.telemetry_path.clone();
    let scheme = if config.web_config.as_ref().is_some_and(|w| w.tls_enabled()) {
        "https"
    } else {
        "http"
    };
    let exporter = start(config).await?;
    if demo {
        let addr = exporter.local_addr();
        let base = format!("{scheme}://{}", browsable(addr));
        let everywhere = if addr.ip().is_unspecified() {
            format!(" (listening on all interfaces, port {})", addr.port())
        } else {
            String::new()
        };
        println!(
            "zpa-exporter demo: collecting from a simulated ZPA tenant at {}\nmetrics: {base}{path}{everywhere}\nlanding page: {base}/\nPress Ctrl-C to stop.",
            exporter.demo_url().unwrap_or_default(),
        );
    }
    wait_for_signal().await;
    tracing::info!("shutdown signal received");
    exporter.shutdown().await;
    Ok(())
}

/// Raises the soft limit on open files to the hard limit, as Go's runtime does at start: each
/// scrape connection is a file, and a soft limit of 1024 would fail accepts long before
/// `--web.max-connections`.
fn raise_open_file_limit() {
    #[cfg(unix)]
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => tracing::debug!(limit, "open-file limit raised to the hard limit"),
        Err(e) => tracing::warn!(error = %e, "cannot raise the open-file limit"),
    }
}

/// An address a browser on this machine can open: loopback for "all interfaces".
fn browsable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from(([127, 0, 0, 1], addr.port()))
        }
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
