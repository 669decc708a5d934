//! The composition root, and the exporter's life: [`start`] wires the HTTP server, the tenants
//! (each its client and its scheduler on its own poller thread, [`crate::tenancy`]), the LSS
//! receiver and, for `--demo`, the simulator; [`RunningExporter::shutdown`] stops them within
//! [`STOP_BOUND`]; [`run`] does both around the process's signals, and reloads the tenants file
//! on SIGHUP. This is the only module that knows all of them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

#[cfg(feature = "demo")]
mod demo;

use crate::config::{Config, FileError};
use crate::encode::Assembler;
use crate::snapshot::Snapshot;
use crate::tenancy::control::Control;
use crate::tenancy::status::Status;
use crate::tenancy::{poller, Applied, KubeError, Supervisor, Tenants};
use crate::{http, lss, webconfig};

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
    /// A tenant could not be started (the log says why).
    #[error("cannot start tenant {0:?}")]
    Tenant(String),
    /// A tenant's setting cannot be used (its LSS address is taken).
    #[error("cannot start tenant {0:?}: {1}")]
    TenantSetting(String, String),
    /// The StatefulSet of `--shard.pod` cannot be read.
    #[error("--shard.pod: cannot read the StatefulSet")]
    Kube(#[source] KubeError),
}

impl StartError {
    /// The process's exit code: 2 when a flag's value cannot be used (like a bad flag), 1
    /// when the machine failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            StartError::Listen { .. }
            | StartError::SystemdSocket(_)
            | StartError::NoDemo
            | StartError::TenantSetting(..) => 2,
            StartError::Demo(_) | StartError::Tenant(_) | StartError::Kube(_) => 1,
        }
    }
}

/// A running exporter: its tenants' schedulers and the HTTP server, until
/// [`RunningExporter::shutdown`].
pub struct RunningExporter {
    /// Where it listens, one per `--web.listen-address`; never empty.
    local_addrs: Vec<SocketAddr>,
    tenants: Arc<Tenants>,
    control: Arc<Control>,
    shutdown: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    #[cfg(feature = "demo")]
    demo: Option<demo::Demo>,
}

impl RunningExporter {
    /// Where the HTTP server listens on the first `--web.listen-address` (the port chosen by
    /// the OS when `:0` was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addrs[0]
    }

    /// Where the LSS receivers listen: every running tenant's, in tenant order, each in the
    /// order of its listen addresses (empty when none has a receiver).
    pub fn lss_addrs(&self) -> Vec<SocketAddr> {
        self.tenants
            .load()
            .iter()
            .filter_map(|t| t.lss.as_ref())
            .flat_map(|l| l.local_addrs().iter().copied())
            .collect()
    }

    /// Where the running tenant `name`'s LSS receiver listens.
    pub fn lss_addrs_of(&self, name: &str) -> Vec<SocketAddr> {
        self.tenants
            .get(name)
            .and_then(|t| t.lss.clone())
            .map_or_else(Vec::new, |l| l.local_addrs().to_vec())
    }

    /// What the exporter knows now of its first tenant (the only one without a tenants file);
    /// an empty snapshot when it runs none.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.tenants
            .load()
            .first()
            .map_or_else(Arc::default, |t| t.store.load())
    }

    /// What the exporter knows now of the tenant named `name`, if it runs it.
    pub fn tenant_snapshot(&self, name: &str) -> Option<Arc<Snapshot>> {
        self.tenants.get(name).map(|t| t.store.load())
    }

    /// The names of the tenants running now, in order.
    pub fn tenant_names(&self) -> Vec<String> {
        self.tenants
            .load()
            .iter()
            .map(|t| t.name.to_string())
            .collect()
    }

    /// Where the simulated tenant behind `--demo` listens, if this is a demo run.
    pub fn demo_url(&self) -> Option<String> {
        #[cfg(feature = "demo")]
        return self.demo.as_ref().map(demo::Demo::base_url);
        #[cfg(not(feature = "demo"))]
        None
    }

    /// Every snapshot of the first tenant from now on, as the collectors publish it: wait for a
    /// state with [`watch::Receiver::wait_for`] instead of polling [`RunningExporter::snapshot`].
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        match self.tenants.load().first() {
            Some(t) => t.store.subscribe(),
            None => watch::channel(Arc::default()).1,
        }
    }

    /// [`RunningExporter::subscribe`] for the tenant named `name`, if it runs it.
    pub fn subscribe_tenant(&self, name: &str) -> Option<watch::Receiver<Arc<Snapshot>>> {
        self.tenants.get(name).map(|t| t.store.subscribe())
    }

    /// Reloads the tenants file (as SIGHUP and `POST /-/reload` do): validated first, a bad
    /// file keeps the running tenants and sets `zpa_exporter_config_last_reload_successful`
    /// to 0.
    pub async fn reload(&self) -> Result<Applied, FileError> {
        self.control.reload().await
    }

    /// Stops the collectors and signs out while in-flight scrapes finish; returns within
    /// [`STOP_BOUND`] whatever ZPA or the clients do.
    pub async fn shutdown(self) {
        // Each tenant's LSS listeners close with it, at once: LSS senders keep what they could
        // not deliver, so a grace period would save nothing.
        let _ = self.shutdown.send(true);
        let control = self.control.clone();
        // Tenants stop in parallel, each within the sign-out bound and a second; a reload in
        // progress holds the control no longer than its own stops and starts.
        let tenants = tokio::time::timeout(
            poller::SIGN_OUT_TIMEOUT + Duration::from_secs(2),
            async move { control.stop_all().await },
        );
        let server = tokio::time::timeout(
            webconfig::SHUTDOWN_GRACE + Duration::from_secs(1),
            self.server,
        );
        let (tenants, server) = tokio::join!(tenants, server);
        if tenants.is_err() {
            tracing::warn!("the pollers did not stop in time; exiting without waiting for them");
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

/// Starts the tenants' schedulers and the HTTP server (and, for `--demo`, the simulator).
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
    #[cfg_attr(not(feature = "demo"), allow(unused_mut))] // only --demo adds a tenant
    let mut specs = config.tenants.clone();
    let is_demo = config.demo.is_some();
    #[cfg(feature = "demo")]
    let mut demo = match &config.demo {
        Some(tenant) => {
            let (demo, target) = demo::Demo::start().await.map_err(StartError::Demo)?;
            specs.push(tenant.spec(target));
            Some(demo)
        }
        None => None,
    };
    #[cfg(not(feature = "demo"))]
    if is_demo {
        return Err(StartError::NoDemo);
    }

    let membership = crate::tenancy::membership(&config.tenancy.shard)
        .await
        .map_err(StartError::Kube)?;
    let tenants = Arc::new(Tenants::default());
    lss_from_flags(&config, &mut specs, is_demo);
    let status = Arc::new(Status::default());
    let supervisor = Supervisor::new(config.clone(), is_demo, tenants.clone());
    let count = specs.len();
    // The demo tenant is the last: what its receiver listens for, to stream into.
    #[cfg(feature = "demo")]
    let demo_lss = specs
        .last()
        .filter(|_| is_demo)
        .and_then(|s| Some((s.name.clone(), s.lss.clone()?.listeners)));
    let first = *membership.borrow();
    let (control, applied) = Control::start(
        supervisor,
        specs,
        first,
        status.clone(),
        config.tenancy.tenants_file.clone(),
    )
    .await;
    if let Some(name) = applied.failed.first() {
        control.stop_all().await;
        return Err(match applied.unusable.first() {
            Some((name, why)) => StartError::TenantSetting(name.clone(), why.clone()),
            None => StartError::Tenant(name.clone()),
        });
    }
    #[cfg(feature = "demo")]
    if let (Some(demo), Some((name, listeners))) = (demo.as_mut(), demo_lss) {
        if let Some(lss) = tenants.get(&name).and_then(|t| t.lss.clone()) {
            let bound: Vec<_> = listeners
                .into_iter()
                .zip(lss.local_addrs().iter().copied())
                .collect();
            demo.stream_lss(&bound, config.lss.tls);
        }
    }
    let control = Arc::new(control);

    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let follower = control.clone();
    let stop = shutdown_rx.clone();
    tokio::spawn(async move { follower.follow(membership, stop).await });
    let app = http::router(http::AppState {
        tenants: tenants.clone(),
        assembler: Arc::new(Assembler::new(status.clone())),
        status,
        reload: config.tenancy.enable_lifecycle.then(|| control.clone()),
        telemetry_path: config.telemetry_path.clone(),
        scrape_slots: (config.max_requests > 0)
            .then(|| Arc::new(tokio::sync::Semaphore::new(config.max_requests))),
    });
    let mut server_shutdown = shutdown_rx.clone();
    let serve_options = webconfig::ServeOptions {
        web_config: config.web_config.clone(),
        unauthenticated_paths: if config.unauthenticated_health {
            vec!["/-/healthy".to_string(), "/-/ready".to_string()]
        } else {
            Vec::new()
        },
        max_connections: config.max_connections,
    };
    let server = tokio::spawn(webconfig::serve(
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
        tenants = count,
        "zpa-exporter started"
    );
    Ok(RunningExporter {
        local_addrs,
        tenants,
        control,
        shutdown: shutdown_tx,
        server,
        #[cfg(feature = "demo")]
        demo,
    })
}

/// Runs until SIGINT or SIGTERM, then shuts down cleanly.
pub async fn run(config: Config) -> Result<(), StartError> {
    raise_open_file_limit();
    let demo = config.demo.is_some();
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
    reload_on_sighup_until_stopped(&exporter).await;
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

/// Reloads on every SIGHUP until SIGINT or SIGTERM.
async fn reload_on_sighup_until_stopped(exporter: &RunningExporter) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut hup) = signal(SignalKind::hangup()) {
            let stop = wait_for_signal();
            tokio::pin!(stop);
            loop {
                tokio::select! {
                    _ = &mut stop => return,
                    _ = hup.recv() => {
                        tracing::info!("SIGHUP: reloading the tenants file");
                        let _ = exporter.reload().await;
                    }
                }
            }
        }
    }
    wait_for_signal().await;
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

/// The `--lss.*` flags' receiver for the one tenant the flags (or `--demo`) describe, so its
/// series carry that tenant's name as a tenants file's tenants' do; `--demo` without listeners
/// gets one per log type on loopback, fed by the demo tenant's streams. (With a tenants file
/// the flags are refused: each tenant has its own `lss:` block.)
fn lss_from_flags(config: &Config, specs: &mut [crate::config::TenantSpec], demo: bool) {
    if config.tenancy.tenants_file.is_some() {
        return;
    }
    #[cfg_attr(not(feature = "demo"), allow(unused_mut))] // only --demo adds listeners
    let mut listeners = config.lss.listeners.clone();
    #[cfg(feature = "demo")]
    if demo {
        listeners = demo::lss_listeners(&listeners);
    }
    #[cfg(not(feature = "demo"))]
    let _ = demo;
    if listeners.is_empty() {
        return;
    }
    for spec in specs.iter_mut().filter(|s| s.lss.is_none()) {
        spec.lss = Some(lss::TenantLss {
            listeners: listeners.clone(),
            tls: config.lss.tls,
            client_ca_file: None,
        });
    }
}
