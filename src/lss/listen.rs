//! The listeners: accept loops with one connection cap for all of them, optional TLS with the
//! web config's certificate, and per connection a read loop that frames, parses and counts —
//! reading nothing more while it counts, so a receiver that falls behind pushes back through
//! TCP instead of buffering.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinHandle, JoinSet};
use tokio::time::Instant;

use super::aggregate::{State, UNKNOWN_SLOT};
use super::frame::{Framer, Span};
use super::join::{Join, Names};
use super::ratelog::RateLog;
use super::record::{self, Reject};
use super::LogType;
use crate::http::webconfig::{self, WebConfig};
use crate::metrics::families::Writer;

/// `--lss.listen-address`: where, and the log type if named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerSpec {
    /// The type every line on this listener is (else detected per line).
    pub log_type: Option<LogType>,
    /// Where to listen.
    pub addr: SocketAddr,
}

impl ListenerSpec {
    /// The `listener` label: the type's listener name, or `auto`.
    pub fn label(&self) -> &'static str {
        self.log_type.map_or("auto", LogType::listener_name)
    }
}

/// The receiver's settings (`--lss.*`).
#[derive(Debug, Clone)]
pub struct LssOptions {
    /// `--lss.listen-address`; none: the receiver is off.
    pub listeners: Vec<ListenerSpec>,
    /// `--lss.max-line-bytes`.
    pub max_line_bytes: usize,
    /// `--lss.max-connections`, all listeners together.
    pub max_connections: usize,
    /// `--lss.max-series`, per family.
    pub max_series: usize,
    /// `--lss.idle-timeout`: the longest a connection may go without a complete line.
    pub idle_timeout: Duration,
    /// `--lss.tls`: serve TLS with the web config's certificate.
    pub tls: bool,
}

impl Default for LssOptions {
    fn default() -> Self {
        LssOptions {
            listeners: Vec::new(),
            max_line_bytes: 64 * 1024,
            max_connections: 1024,
            max_series: 20_000,
            idle_timeout: Duration::from_secs(300),
            tls: false,
        }
    }
}

/// One listener label's counts (listeners with the same label share them).
#[derive(Debug, Default)]
pub struct ListenerStats {
    pub bytes: AtomicU64,
    pub open: AtomicI64,
    /// Per [`ListenerStats::RESULTS`].
    pub results: [AtomicU64; 4],
}

impl ListenerStats {
    /// The `result` labels of `zpa_lss_receiver_connections_total`.
    pub const RESULTS: [&'static str; 4] =
        ["accepted", "refused_over_cap", "tls_failed", "idle_timeout"];
    const ACCEPTED: usize = 0;
    const REFUSED: usize = 1;
    const TLS_FAILED: usize = 2;
    const IDLE: usize = 3;
}

/// What every connection shares.
struct Shared {
    state: Mutex<State>,
    join: Join,
    log: RateLog,
    options: LssOptions,
    listeners: Vec<(&'static str, Arc<ListenerStats>)>,
}

/// A running receiver: its listeners until [`Receiver::stop`] (or drop).
pub struct Receiver {
    shared: Arc<Shared>,
    addrs: Vec<SocketAddr>,
    /// The accept loops; each owns its connections, which end with it.
    tasks: Vec<JoinHandle<()>>,
    _tls: Option<webconfig::TlsWatcher>,
}

/// Why the receiver could not start.
#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    /// A listen address is taken or not ours.
    #[error("--lss.listen-address: cannot listen on {addr}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: io::Error,
    },
    /// `--lss.tls` and the web config's TLS files cannot be loaded any more.
    #[error("--lss.tls: cannot load the TLS settings of --web.config.file")]
    Tls(#[source] io::Error),
}

impl Receiver {
    /// Binds every listener (all or none), then serves them. `web_config` gives the TLS
    /// settings when `options.tls`.
    pub async fn start(
        options: LssOptions,
        join: Join,
        web_config: Option<Arc<WebConfig>>,
    ) -> Result<Receiver, ReceiverError> {
        let mut bound = Vec::new();
        for spec in &options.listeners {
            // Bound here, served on the receiver's thread: a taken port is an error of start.
            let listener = bind(spec.addr).map_err(|source| ReceiverError::Listen {
                addr: spec.addr,
                source,
            })?;
            let addr = listener
                .local_addr()
                .map_err(|source| ReceiverError::Listen {
                    addr: spec.addr,
                    source,
                })?;
            bound.push((spec.clone(), listener, addr));
        }
        let (tls, watcher) = match (options.tls, web_config) {
            (true, Some(web)) if web.tls_enabled() => {
                let (config, watcher) = webconfig::tls_config(web)
                    .await
                    .map_err(ReceiverError::Tls)?;
                (Some(config), Some(watcher))
            }
            _ => (None, None),
        };
        let mut listeners: Vec<(&'static str, Arc<ListenerStats>)> = Vec::new();
        for (spec, _, _) in &bound {
            if !listeners.iter().any(|(l, _)| *l == spec.label()) {
                listeners.push((spec.label(), Arc::default()));
            }
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new(options.max_series)),
            join,
            log: RateLog::default(),
            options: options.clone(),
            listeners,
        });
        let slots = Arc::new(Semaphore::new(options.max_connections));
        let mut addrs = Vec::new();
        let mut loops = Vec::new();
        for (spec, listener, addr) in bound {
            addrs.push(addr);
            let stats = shared
                .listeners
                .iter()
                .find(|(l, _)| *l == spec.label())
                .map(|(_, s)| s.clone())
                .expect("every label has stats");
            let conn = Arc::new(Conn {
                addr,
                shared: shared.clone(),
                stats,
                label: spec.label(),
                log_type: spec.log_type,
                tls: tls.clone(),
            });
            loops.push((listener, conn));
            tracing::info!(address = %addr, listener = spec.label(), tls = tls.is_some(), "LSS receiver listening");
        }
        // On the caller's runtime, next to the HTTP server: tokio's cooperative budget makes a
        // full-speed connection yield every 128 reads, so scrapes interleave with it. (A
        // dedicated thread ingested twice as fast but took a whole core from scrapes: p99 5×;
        // yielding after every batch starved ingest to a few thousand records/s.)
        let mut tasks = Vec::new();
        for (listener, conn) in loops {
            let listener =
                TcpListener::from_std(listener).map_err(|source| ReceiverError::Listen {
                    addr: conn.addr,
                    source,
                })?;
            tasks.push(tokio::spawn(accept_loop(listener, conn, slots.clone())));
        }
        Ok(Receiver {
            shared,
            addrs,
            tasks,
            _tls: watcher,
        })
    }

    /// A receiver whose names come from nothing (benchmarks, tests without an API snapshot).
    pub async fn standalone(options: LssOptions) -> Result<Receiver, ReceiverError> {
        Receiver::start(options, Join::fixed(Names::default()), None).await
    }

    /// Where each listener listens, in `--lss.listen-address` order.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Records parsed so far, all types together.
    pub fn parsed(&self) -> u64 {
        self.shared.lock().parsed.iter().sum()
    }

    /// A handle for `/metrics`.
    pub fn metrics(&self) -> Metrics {
        Metrics(self.shared.clone())
    }

    /// Stops accepting and closes every connection.
    pub fn stop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The receiver's families, written at scrape time.
#[derive(Clone)]
pub struct Metrics(Arc<Shared>);

impl Metrics {
    /// Writes every LSS family; holds the state's lock while it encodes.
    pub fn write(&self, w: &mut Writer) -> std::fmt::Result {
        let listeners: Vec<(&str, &ListenerStats)> =
            self.0.listeners.iter().map(|(l, s)| (*l, &**s)).collect();
        let state = self.0.lock();
        super::encode::write(w, &state, &listeners)
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a listener's connections share.
struct Conn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stats: Arc<ListenerStats>,
    label: &'static str,
    log_type: Option<LogType>,
    tls: Option<axum_server::tls_rustls::RustlsConfig>,
}

/// How many connections the kernel completes ahead of the accept loop (tokio's default).
const BACKLOG: i32 = 1024;

/// A non-blocking listening socket on `addr`, as `tokio::net::TcpListener::bind` makes one.
fn bind(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// How long an accept loop waits after the OS refused an accept (out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

async fn accept_loop(listener: TcpListener, conn: Arc<Conn>, slots: Arc<Semaphore>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let Ok(slot) = slots.clone().try_acquire_owned() else {
                        conn.stats.results[ListenerStats::REFUSED].fetch_add(1, Relaxed);
                        conn.shared.log.warn("refused_over_cap", conn.label, &peer.to_string(),
                            "connection closed: --lss.max-connections reached");
                        drop(stream);
                        continue;
                    };
                    conn.stats.results[ListenerStats::ACCEPTED].fetch_add(1, Relaxed);
                    connections.spawn(connection(stream, peer, slot, conn.clone()));
                }
                Err(e) => {
                    conn.shared.log.warn("accept_failed", conn.label, "", &format!("accept failed: {e}"));
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Counts a connection as open while it lives.
struct Open(Arc<ListenerStats>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Relaxed);
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    _slot: OwnedSemaphorePermit,
    conn: Arc<Conn>,
) {
    conn.stats.open.fetch_add(1, Relaxed);
    let _open = Open(conn.stats.clone());
    let peer = peer.to_string();
    let Some(tls) = &conn.tls else {
        return read_loop(stream, true, &conn, &peer).await;
    };
    // The web's server configuration offers ALPN http/1.1; LSS speaks no HTTP.
    let mut config = (*tls.get_inner()).clone();
    config.alpn_protocols.clear();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    match tokio::time::timeout(webconfig::TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => read_loop(stream, false, &conn, &peer).await,
        Ok(Err(e)) => {
            conn.stats.results[ListenerStats::TLS_FAILED].fetch_add(1, Relaxed);
            conn.shared.log.warn(
                "tls_failed",
                conn.label,
                &peer,
                &format!("TLS handshake failed: {e}"),
            );
        }
        Err(_) => {
            conn.stats.results[ListenerStats::TLS_FAILED].fetch_add(1, Relaxed);
            conn.shared
                .log
                .warn("tls_failed", conn.label, &peer, "TLS handshake timed out");
        }
    }
}

/// A parsed line, or why it is not a record, with the type slot it counts under.
type Parsed<'a> = Result<(LogType, record::Fields<'a>), (usize, Reject)>;

async fn read_loop<S: AsyncRead + Unpin>(mut stream: S, plain: bool, conn: &Conn, peer: &str) {
    let shared = &conn.shared;
    let idle = shared.options.idle_timeout;
    let mut framer = Framer::new(shared.options.max_line_bytes);
    let mut spans = Vec::new();
    let mut deadline = Instant::now() + idle;
    let mut first = plain;
    let own_slot = conn.log_type.map_or(UNKNOWN_SLOT, LogType::index);
    loop {
        let n = match tokio::time::timeout_at(deadline, stream.read(framer.spare())).await {
            Err(_) => {
                conn.stats.results[ListenerStats::IDLE].fetch_add(1, Relaxed);
                let why = if framer.partial() {
                    "a line did not complete"
                } else {
                    "no data"
                };
                shared.log.warn(
                    "idle_timeout",
                    conn.label,
                    peer,
                    &format!("connection closed: {why} within --lss.idle-timeout"),
                );
                return;
            }
            Ok(Ok(0)) | Ok(Err(_)) => return,
            Ok(Ok(n)) => n,
        };
        conn.stats.bytes.fetch_add(n as u64, Relaxed);
        if std::mem::take(&mut first) && record::looks_like_tls(&framer.spare()[..n.min(3)]) {
            shared.lock().reject(own_slot, Reject::TlsOnPlain);
            shared.log.warn(
                "tls_on_plain",
                conn.label,
                peer,
                "a TLS handshake on a plain listener (the log receiver has TLS on; set --lss.tls)",
            );
            return;
        }
        spans.clear();
        framer.filled(n, &mut spans);
        if spans.is_empty() {
            continue;
        }
        deadline = Instant::now() + idle;
        let parsed: Vec<Parsed<'_>> = spans
            .iter()
            .map(|span| match span {
                Span::Line(range) => {
                    let fields =
                        record::parse(framer.line(range.clone())).map_err(|r| (own_slot, r))?;
                    match conn.log_type.or_else(|| record::detect(&fields)) {
                        Some(t) => Ok((t, fields)),
                        None => Err((UNKNOWN_SLOT, Reject::UnknownType)),
                    }
                }
                Span::TooLong { binary: true } => Err((own_slot, Reject::Binary)),
                Span::TooLong { binary: false } => Err((own_slot, Reject::LineTooLong)),
            })
            .collect();
        let names = shared.join.names();
        let now = unix_now();
        let mut first_reject = None;
        {
            let mut state = shared.lock();
            for p in &parsed {
                match p {
                    Ok((log_type, fields)) => state.record(*log_type, fields, &names, now),
                    Err((slot, reason)) => {
                        state.reject(*slot, *reason);
                        first_reject.get_or_insert(*reason);
                    }
                }
            }
        }
        if let Some(reason) = first_reject {
            shared.log.warn(
                reason.label(),
                conn.label,
                peer,
                &format!("line rejected: {}", reason.label()),
            );
        }
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
