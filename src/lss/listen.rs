//! The receiver: its listeners (accept loops with one connection cap for all of them,
//! optional TLS with the web config's certificate) and per connection a read loop that frames,
//! parses and counts — reading nothing more while it counts, so a receiver that falls behind
//! pushes back through TCP instead of buffering.

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
use tracing::Instrument;

use super::detect::detect;
use super::fields::{looks_like_tls, Reject};
use super::frame::{Framer, Span};
use super::names::{FixedNames, NameSource};
use super::options::LssOptions;
use super::ratelog::RateLog;
use super::tally::{Counts, Slot};
use super::LogType;
use crate::metric_model::{counter, gauge, Descriptor, Source, Writer};
use crate::webconfig::{self, WebConfig};

const RECEIVER: Source = Source::Lss("receiver");

pub(crate) const RECEIVED_BYTES: Descriptor = counter(
    "zpa_lss_received_bytes_total",
    &["listener"],
    RECEIVER,
    "Bytes read from LSS connections, by listener (its log type name, or auto).",
);
pub(crate) const CONNECTIONS: Descriptor = gauge(
    "zpa_lss_receiver_connections",
    &["listener"],
    RECEIVER,
    "Open LSS connections, by listener.",
);
pub(crate) const CONNECTIONS_TOTAL: Descriptor = counter("zpa_lss_receiver_connections_total", &["listener", "result"], RECEIVER, "LSS connections by how they were handled: accepted, refused_over_cap (--lss.max-connections), tls_failed, idle_timeout (no complete line for --lss.idle-timeout).");

/// One listener label's counts (listeners with the same label share them).
#[derive(Debug, Default)]
pub(crate) struct ListenerStats {
    pub bytes: AtomicU64,
    pub open: AtomicI64,
    /// Per [`ListenerStats::RESULTS`].
    pub results: [AtomicU64; 4],
}

impl ListenerStats {
    /// The `result` labels of `zpa_lss_receiver_connections_total`.
    pub(crate) const RESULTS: [&'static str; 4] =
        ["accepted", "refused_over_cap", "tls_failed", "idle_timeout"];
    const ACCEPTED: usize = 0;
    const REFUSED: usize = 1;
    const TLS_FAILED: usize = 2;
    const IDLE: usize = 3;
}

/// What every connection of a receiver shares: the counts, where names come from, the log.
struct Ingest {
    counts: Mutex<Counts>,
    /// Where each listener listens, in `--lss.listen-address` order.
    addrs: Vec<SocketAddr>,
    /// Each listener's label, in the same order.
    labels: Vec<&'static str>,
    /// Whether they serve TLS.
    tls: bool,
    names: Arc<dyn NameSource>,
    log: RateLog,
    options: LssOptions,
    listeners: Vec<(&'static str, Arc<ListenerStats>)>,
}

/// A running receiver: its listeners until [`Receiver::stop`] (or drop).
pub struct Receiver {
    ingest: Arc<Ingest>,
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
        names: Arc<dyn NameSource>,
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
        let ingest = Arc::new(Ingest {
            counts: Mutex::new(Counts::new(options.max_series)),
            addrs: bound.iter().map(|(_, _, addr)| *addr).collect(),
            labels: bound.iter().map(|(spec, _, _)| spec.label()).collect(),
            tls: tls.is_some(),
            names,
            log: RateLog::default(),
            options: options.clone(),
            listeners,
        });
        let slots = Arc::new(Semaphore::new(options.max_connections));
        let mut loops = Vec::new();
        for (spec, listener, addr) in bound {
            let stats = ingest
                .listeners
                .iter()
                .find(|(l, _)| *l == spec.label())
                .map(|(_, s)| s.clone())
                .expect("every label has stats");
            let listener_ctx = Arc::new(Listener {
                addr,
                ingest: ingest.clone(),
                stats,
                label: spec.label(),
                log_type: spec.log_type,
                tls: tls.clone(),
            });
            loops.push((listener, listener_ctx));
            tracing::info!(address = %addr, listener = spec.label(), tls = tls.is_some(), "LSS receiver listening");
        }
        // On the caller's runtime, next to the HTTP server: tokio's cooperative budget makes a
        // full-speed connection yield every 128 reads, so scrapes interleave with it. (A
        // dedicated thread ingested twice as fast but took a whole core from scrapes: p99 5×;
        // yielding after every batch starved ingest to a few thousand records/s.)
        let mut tasks = Vec::new();
        for (socket, listener) in loops {
            let socket = TcpListener::from_std(socket).map_err(|source| ReceiverError::Listen {
                addr: listener.addr,
                source,
            })?;
            // In the caller's span: its log lines name the tenant.
            tasks.push(tokio::spawn(
                accept_loop(socket, listener, slots.clone()).in_current_span(),
            ));
        }
        Ok(Receiver {
            ingest,
            tasks,
            _tls: watcher,
        })
    }

    /// A receiver whose names come from nothing (benchmarks, tests without an API snapshot).
    pub async fn standalone(options: LssOptions) -> Result<Receiver, ReceiverError> {
        Receiver::start(options, Arc::new(FixedNames::default()), None).await
    }

    /// Where each listener listens, in `--lss.listen-address` order.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.ingest.addrs
    }

    /// Records parsed so far, all types together.
    pub fn parsed(&self) -> u64 {
        self.ingest.lock().parsed()
    }

    /// What `/metrics` reads of the receiver.
    pub fn families(&self) -> ReceiverFamilies {
        ReceiverFamilies(self.ingest.clone())
    }

    /// Stops accepting and closes every connection.
    pub fn stop(&mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
        }
    }

    /// [`Receiver::stop`], returning once every listening socket is closed, so that whoever
    /// listens on the same addresses next (the tenant restarted by a reload) can bind them.
    pub async fn shut_down(mut self) {
        let tasks: Vec<_> = self.tasks.drain(..).collect();
        for task in &tasks {
            task.abort();
        }
        for task in tasks {
            // A cancelled task has been dropped, and its socket with it.
            let _ = task.await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A receiver's families, as `/metrics` writes them at scrape time.
#[derive(Clone)]
pub struct ReceiverFamilies(Arc<Ingest>);

impl ReceiverFamilies {
    /// Writes every LSS family, waiting for the counts if a connection is adding a batch.
    pub fn write(&self, w: &mut Writer) -> std::fmt::Result {
        let listeners = &self.0.listeners;
        let counts = self.0.lock();
        counts.write(w, |w| write_listeners(w, listeners))
    }

    /// [`ReceiverFamilies::write`] unless a connection holds the counts right now (`None`):
    /// a scrape then serves the previous encoding rather than wait on ingest.
    pub fn try_write(&self, w: &mut Writer) -> Option<std::fmt::Result> {
        let counts = match self.0.counts.try_lock() {
            Ok(counts) => counts,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        };
        Some(counts.write(w, |w| write_listeners(w, &self.0.listeners)))
    }

    /// Where its listeners listen.
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.0.addrs
    }

    /// What the status page shows of the receiver (waits for a batch being added, as a
    /// page view is rare).
    pub(crate) fn summary(&self) -> ReceiverSummary {
        let listeners = self
            .0
            .labels
            .iter()
            .zip(&self.0.addrs)
            .map(|(label, addr)| {
                let stats = self.0.listeners.iter().find(|(l, _)| l == label);
                let load = |f: &dyn Fn(&ListenerStats) -> u64| stats.map_or(0, |(_, s)| f(s));
                ListenerSummary {
                    label,
                    addr: *addr,
                    open: load(&|s| s.open.load(Relaxed).max(0) as u64),
                    accepted: load(&|s| s.results[ListenerStats::ACCEPTED].load(Relaxed)),
                    refused: load(&|s| {
                        (s.results[ListenerStats::REFUSED].load(Relaxed))
                            + s.results[ListenerStats::TLS_FAILED].load(Relaxed)
                    }),
                    bytes: load(&|s| s.bytes.load(Relaxed)),
                }
            })
            .collect();
        let counts = self.0.lock();
        ReceiverSummary {
            listeners,
            tls: self.0.tls,
            parsed: counts.parsed(),
            rejected: counts.rejected(),
            last_record: counts.last_record(),
        }
    }
}

/// One listener as the status page shows it (listeners of one label share the counts).
#[derive(Debug, Clone)]
pub(crate) struct ListenerSummary {
    pub label: &'static str,
    pub addr: SocketAddr,
    pub open: u64,
    pub accepted: u64,
    /// Refused over the cap, or failed the TLS handshake.
    pub refused: u64,
    pub bytes: u64,
}

/// A receiver as the status page shows it.
#[derive(Debug, Clone)]
pub(crate) struct ReceiverSummary {
    pub listeners: Vec<ListenerSummary>,
    pub tls: bool,
    pub parsed: u64,
    pub rejected: u64,
    /// Unix seconds.
    pub last_record: Option<f64>,
}

/// The listeners' own families.
fn write_listeners(
    w: &mut Writer,
    listeners: &[(&'static str, Arc<ListenerStats>)],
) -> std::fmt::Result {
    w.family(
        &RECEIVED_BYTES,
        listeners.iter().map(|(l, s)| ([*l], s.bytes.load(Relaxed))),
    )?;
    w.family(
        &CONNECTIONS,
        listeners
            .iter()
            .map(|(l, s)| ([*l], s.open.load(Relaxed).max(0) as u64)),
    )?;
    w.family(
        &CONNECTIONS_TOTAL,
        listeners.iter().flat_map(|(l, s)| {
            ListenerStats::RESULTS
                .iter()
                .enumerate()
                .map(move |(i, r)| ([*l, r], s.results[i].load(Relaxed)))
        }),
    )
}

impl Ingest {
    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a listener's connections share.
struct Listener {
    addr: SocketAddr,
    ingest: Arc<Ingest>,
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

async fn accept_loop(socket: TcpListener, listener: Arc<Listener>, slots: Arc<Semaphore>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = socket.accept() => match accepted {
                Ok((stream, peer)) => {
                    let Ok(slot) = slots.clone().try_acquire_owned() else {
                        listener.stats.results[ListenerStats::REFUSED].fetch_add(1, Relaxed);
                        listener.ingest.log.warn("refused_over_cap", listener.label, &peer.to_string(),
                            "connection closed: --lss.max-connections reached");
                        drop(stream);
                        continue;
                    };
                    listener.stats.results[ListenerStats::ACCEPTED].fetch_add(1, Relaxed);
                    connections.spawn(connection(stream, peer, slot, listener.clone()));
                }
                Err(e) => {
                    listener.ingest.log.warn("accept_failed", listener.label, "", &format!("accept failed: {e}"));
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Counts a connection as open while it lives.
struct OpenConnection(Arc<ListenerStats>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Relaxed);
    }
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    _slot: OwnedSemaphorePermit,
    conn: Arc<Listener>,
) {
    conn.stats.open.fetch_add(1, Relaxed);
    let _open = OpenConnection(conn.stats.clone());
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
            conn.ingest.log.warn(
                "tls_failed",
                conn.label,
                &peer,
                &format!("TLS handshake failed: {e}"),
            );
        }
        Err(_) => {
            conn.stats.results[ListenerStats::TLS_FAILED].fetch_add(1, Relaxed);
            conn.ingest
                .log
                .warn("tls_failed", conn.label, &peer, "TLS handshake timed out");
        }
    }
}

/// A line with the slot it counts under, or why it is not a record and where that counts.
type Typed<'a> = Result<(Slot, &'a [u8]), (Slot, Reject)>;

async fn read_loop<S: AsyncRead + Unpin>(mut stream: S, plain: bool, conn: &Listener, peer: &str) {
    let ingest = &conn.ingest;
    let idle = ingest.options.idle_timeout;
    let mut framer = Framer::new(ingest.options.max_line_bytes);
    let mut spans = Vec::new();
    let mut deadline = Instant::now() + idle;
    let mut first = plain;
    let own_slot = conn.log_type.map_or(Slot::UNKNOWN, Slot::of);
    loop {
        let n = match tokio::time::timeout_at(deadline, stream.read(framer.spare())).await {
            Err(_) => {
                conn.stats.results[ListenerStats::IDLE].fetch_add(1, Relaxed);
                let why = if framer.partial() {
                    "a line did not complete"
                } else {
                    "no data"
                };
                ingest.log.warn(
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
        if std::mem::take(&mut first) && looks_like_tls(&framer.spare()[..n.min(3)]) {
            ingest.lock().reject(own_slot, Reject::TlsOnPlain);
            ingest.log.warn(
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
        // What each line is, told before taking the lock: the listener's type, else detected.
        let typed: Vec<Typed<'_>> = spans
            .iter()
            .map(|span| match span {
                Span::Line(range) => {
                    let line = framer.line(range.clone());
                    match conn.log_type {
                        Some(_) => Ok((own_slot, line)),
                        None => detect(line)
                            .map(|spec| (Slot::of(spec.log_type), line))
                            .map_err(|r| (Slot::UNKNOWN, r)),
                    }
                }
                Span::TooLong { binary: true } => Err((own_slot, Reject::Binary)),
                Span::TooLong { binary: false } => Err((own_slot, Reject::LineTooLong)),
            })
            .collect();
        let names = ingest.names.names();
        let now = unix_now();
        let mut first_reject = None;
        {
            let mut counts = ingest.lock();
            for line in &typed {
                let outcome = match line {
                    Ok((slot, line)) => counts.record(*slot, line, &names, now),
                    Err((slot, reason)) => {
                        counts.reject(*slot, *reason);
                        Err(*reason)
                    }
                };
                if let Err(reason) = outcome {
                    first_reject.get_or_insert(reason);
                }
            }
        }
        if let Some(reason) = first_reject {
            ingest.log.warn(
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
