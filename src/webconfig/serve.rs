//! Serving: axum-server runs the accept loop of each listen address, the TLS handshake (rustls, bounded by
//! [`TLS_HANDSHAKE_TIMEOUT`]), HTTP/1.1 (request heads bounded by [`HEADER_READ_TIMEOUT`]) and
//! graceful shutdown (bounded by [`SHUTDOWN_GRACE`]). Around the router sit, outermost first:
//! the configured response headers (tower-http), the rate limit, then basic auth.
//!
//! Connection-level policy (limits on connections, on requests per connection) belongs in the
//! acceptor chain built in [`serve`], next to the TLS acceptor.

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::Router;
use axum_server::accept::DefaultAcceptor;
use axum_server::tls_rustls::RustlsAcceptor;
use axum_server::{Control, Handle, Server};
use futures_util::future::try_join_all;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

use super::conn::Limited;
use super::slots::Slots;
use super::{
    auth, limit, reload, ServeOptions, HEADER_READ_TIMEOUT, SHUTDOWN_GRACE, TLS_HANDSHAKE_TIMEOUT,
};

/// Serves `app` on every listener until `shutdown` completes: plain HTTP, or TLS when the web
/// config has a certificate; with the config's headers, basic auth and rate limit. The
/// connection cap and the shutdown are shared by all listeners (one axum-server `Control`).
/// After `shutdown` no new connection is accepted and in-flight requests get
/// [`SHUTDOWN_GRACE`] to finish. Errors on single connections are logged and never end the
/// server. The only error is at start: TLS files that
/// [`WebConfig::load`](super::WebConfig::load) accepted can no longer be used.
pub async fn serve(
    listeners: Vec<TcpListener>,
    app: Router,
    opts: ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let slots = Slots::new(opts.max_connections);
    let app = layered(app, &opts);
    let control = Control::new();
    let failures = Arc::new(FailureLog::default());
    // Lets handlers use axum's ConnectInfo<SocketAddr> extractor.
    let make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    let servers = listeners
        .into_iter()
        .map(|listener| server(listener, &control, &failures));
    // One acceptor, cloned per listener: its connection slots are shared.
    let limited = |tls_port| Limited::new(DefaultAcceptor::new(), slots.clone(), tls_port);
    match opts.web_config.filter(|c| c.tls_enabled()) {
        None => {
            let acceptor = limited(false);
            let serving = servers.map(|server| {
                server
                    .acceptor(acceptor.clone())
                    .serve(make_service.clone())
            });
            until_shutdown(try_join_all(serving), control, shutdown).await
        }
        Some(config) => {
            // The watcher stops with this function.
            let (rustls, _watcher) = reload::start(config).await?;
            let acceptor = RustlsAcceptor::new(rustls)
                .handshake_timeout(TLS_HANDSHAKE_TIMEOUT)
                .acceptor(limited(true));
            let serving = servers.map(|server| {
                server
                    .acceptor(acceptor.clone())
                    .serve(make_service.clone())
            });
            until_shutdown(try_join_all(serving), control, shutdown).await
        }
    }
}

/// One listener's server: HTTP/1.1 with bounded request heads, failures before the first
/// request logged through `failures`, shut down by `control`.
fn server(
    listener: TcpListener,
    control: &Control,
    failures: &Arc<FailureLog>,
) -> Server<SocketAddr> {
    let failures = failures.clone();
    let mut server = Server::from_listener(listener)
        .http1_only()
        .accept_error_handler(
            move |peer: Option<&SocketAddr>, error: &io::Error| match peer {
                // A connection that failed before its first request: TLS handshake error or
                // timeout, plain HTTP on the TLS port, the connection cap.
                Some(peer) => failures.record(*peer, error),
                // Usually EMFILE; axum-server pauses briefly and carries on.
                None => tracing::warn!(%error, "accepting a connection failed"),
            },
        );
    server
        .http_builder()
        .http1()
        .header_read_timeout(HEADER_READ_TIMEOUT);
    // The same bound by axum-server's own clock for the first request; it would also cover
    // hyper's protocol detection, were HTTP/2 ever served.
    server
        .first_request_timeout(HEADER_READ_TIMEOUT)
        .handle(Handle::with_control(control.clone()))
}

/// The router with the web config's layers; each `Router::layer` wraps the previous ones, so
/// the last added runs first.
fn layered(mut app: Router, opts: &ServeOptions) -> Router {
    let Some(config) = opts.web_config.as_deref() else {
        return app;
    };
    if !config.users.is_empty() {
        app = app.layer(auth::layer(&config.users, &opts.unauthenticated_paths));
    }
    if let Some(rate_limit) = config.rate_limit {
        app = limit::apply(app, rate_limit);
    }
    // Outermost, so they are on every response, 401 and 429 included.
    for (name, value) in &config.headers {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name.clone(),
            value.clone(),
        ));
    }
    app
}

/// Drives `serving` until `shutdown`, then shuts it down gracefully.
async fn until_shutdown(
    serving: impl Future<Output = io::Result<Vec<()>>>,
    control: Control,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    // Were this future dropped instead of shut down, its connections (each on its own task)
    // would outlive it; this cuts them.
    let _close = CloseOnDrop(control.clone());
    let mut serving = std::pin::pin!(serving);
    tokio::select! {
        result = &mut serving => return result.map(drop),
        () = shutdown => {}
    }
    // Stops accepting, lets in-flight requests finish (idle keep-alive connections close now)
    // and cuts the rest after the grace period.
    control.graceful_shutdown(Some(SHUTDOWN_GRACE));
    let result = serving.await.map(drop);
    // axum-server returns with connections left only when the grace period ran out.
    let remaining = control.connection_count();
    if remaining > 0 {
        tracing::warn!(
            remaining,
            "requests still running after the shutdown grace period; closing their connections"
        );
    }
    result
}

/// Logs connections that failed before their first request at info level, at most once per
/// [`FAILURE_LOG_EVERY`] with how many were not logged: visible without flooding the log when
/// a scanner or a misconfigured client keeps trying.
#[derive(Default)]
struct FailureLog {
    /// When the last line was logged, in seconds since the first failure (0: never).
    last: AtomicU64,
    suppressed: AtomicU64,
    start: std::sync::OnceLock<std::time::Instant>,
}

const FAILURE_LOG_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

impl FailureLog {
    fn record(&self, peer: SocketAddr, error: &io::Error) {
        let start = self.start.get_or_init(std::time::Instant::now);
        let now = start.elapsed().as_secs() + 1;
        let last = self.last.load(Ordering::Relaxed);
        let due = last == 0 || now >= last + FAILURE_LOG_EVERY.as_secs();
        if due
            && self
                .last
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            let suppressed = self.suppressed.swap(0, Ordering::Relaxed);
            tracing::info!(
                %peer,
                %error,
                similar_not_logged = suppressed,
                "connection failed before HTTP"
            );
        } else {
            self.suppressed.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(%peer, %error, "connection failed before HTTP");
        }
    }
}

struct CloseOnDrop(Control);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.shutdown();
    }
}
