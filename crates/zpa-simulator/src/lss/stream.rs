//! Sending a [`Generator`]'s records to a log receiver the way LSS does: one TCP (or TLS)
//! connection, newline-framed JSON, no buffering while the receiver is away. The rate is a hard
//! bound (at most `rate × elapsed + 1` records since the connection came up), the work per tick
//! is bounded, and reconnection backs off exponentially up to a cap, for a bounded number of
//! attempts when asked.

use std::io;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, MissedTickBehavior};

use super::{Generator, LogType, Names};

/// Why a stream ended early.
#[derive(Debug, thiserror::Error)]
pub enum LssError {
    #[error("cannot reach the log receiver at {to} after {attempts} attempts")]
    GaveUp {
        to: String,
        attempts: u32,
        #[source]
        source: io::Error,
    },
    #[error("the rate must be a positive number of records per second, not {0}")]
    BadRate(f64),
    #[error("{0:?} is not a valid TLS server name")]
    ServerName(String),
}

/// How reconnection waits: `initial`, doubling up to `max`; `max_attempts` consecutive failed
/// attempts end the stream (`None`: keep trying).
#[derive(Clone, Debug)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
    pub max_attempts: Option<u32>,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(10),
            max_attempts: Some(30),
        }
    }
}

/// TLS towards the receiver: the rustls client configuration (its roots trust the receiver)
/// and the name to verify.
#[derive(Clone)]
pub struct TlsClient {
    pub config: Arc<rustls::ClientConfig>,
    pub server_name: String,
}

impl std::fmt::Debug for TlsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsClient")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl TlsClient {
    /// Trusts the CA certificates of a PEM bundle (the receiver's CA).
    pub fn with_ca_pem(pem: &[u8], server_name: &str) -> Result<TlsClient, String> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::CertificateDer;
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert = cert.map_err(|e| format!("invalid PEM: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("unusable CA certificate: {e}"))?;
        }
        if roots.is_empty() {
            return Err("no certificate in the CA file".into());
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(TlsClient {
            config: Arc::new(config),
            server_name: server_name.to_string(),
        })
    }
}

/// What to stream where.
#[derive(Clone, Debug)]
pub struct StreamConfig {
    /// `HOST:PORT` of the receiver.
    pub to: String,
    pub log_type: LogType,
    /// Records per second.
    pub rate: f64,
    /// Stop after sending this many records.
    pub count: Option<u64>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    pub seed: u64,
    pub tls: Option<TlsClient>,
    pub backoff: Backoff,
}

impl StreamConfig {
    /// Ten records a second, until stopped, plain TCP, the default backoff.
    pub fn new(to: String, log_type: LogType, seed: u64) -> StreamConfig {
        StreamConfig {
            to,
            log_type,
            rate: 10.0,
            count: None,
            duration: None,
            seed,
            tls: None,
            backoff: Backoff::default(),
        }
    }
}

/// What a stream did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamReport {
    /// Records written to a connection.
    pub sent: u64,
    /// Records due but not delivered: while no connection was up (LSS drops them too), in a
    /// write that failed, or skipped after a stall.
    pub dropped: u64,
    /// Connections established.
    pub connections: u64,
}

/// The longest a tick sleeps: rates below 10/s tick once per record.
const MAX_TICK: Duration = Duration::from_millis(100);
/// Records written at once at most: a few MB of User Activity lines.
const MAX_BATCH: u64 = 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A write that takes longer means the receiver stopped reading: reconnect.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

type Conn = Box<dyn AsyncWrite + Unpin + Send>;

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

async fn connect(cfg: &StreamConfig) -> io::Result<Conn> {
    let tcp = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(&cfg.to))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))??;
    tcp.set_nodelay(true)?;
    let Some(tls) = &cfg.tls else {
        return Ok(Box::new(tcp));
    };
    let name = rustls_pki_types::ServerName::try_from(tls.server_name.clone())
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let connector = tokio_rustls::TlsConnector::from(tls.config.clone());
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, connector.connect(name, tcp))
        .await
        .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "TLS handshake timed out"))??;
    Ok(Box::new(stream))
}

/// How many records are due: at most `rate × t + 1` by time `t` since the connection came up,
/// and no more than a second's worth (nor [`MAX_BATCH`]) at once, so a stalled process skips
/// records rather than bursting to catch up, and the write buffer stays small.
#[derive(Debug)]
struct Pacer {
    rate: f64,
    max_batch: u64,
    /// Records sent or skipped since the connection came up.
    accounted: u64,
}

impl Pacer {
    fn new(rate: f64) -> Pacer {
        Pacer {
            rate,
            max_batch: (rate.ceil() as u64).clamp(1, MAX_BATCH),
            accounted: 0,
        }
    }

    /// (records to send now, records skipped) at `elapsed`; the skipped ones count as done.
    fn due(&mut self, elapsed: Duration) -> (u64, u64) {
        let allowed = (elapsed.as_secs_f64() * self.rate) as u64 + 1;
        let n = allowed.saturating_sub(self.accounted);
        let skipped = n.saturating_sub(self.max_batch);
        self.accounted += skipped;
        (n - skipped, skipped)
    }

    /// Records written (a new connection starts a new pacer).
    fn sent(&mut self, n: u64) {
        self.accounted += n;
    }
}

impl Backoff {
    /// The waits between consecutive failed attempts.
    fn delays(&self) -> impl Iterator<Item = Duration> + '_ {
        std::iter::successors(Some(self.initial), |d| Some((*d * 2).min(self.max)))
    }
}

/// Connects, retrying with backoff; `None` when the stream's time is up first.
async fn connect_with_backoff(
    cfg: &StreamConfig,
    deadline: Option<Instant>,
) -> Result<Option<Conn>, LssError> {
    let mut delays = cfg.backoff.delays();
    let mut attempts = 0u32;
    loop {
        attempts += 1;
        match connect(cfg).await {
            Ok(conn) => return Ok(Some(conn)),
            Err(e) => {
                if cfg.backoff.max_attempts.is_some_and(|max| attempts >= max) {
                    return Err(LssError::GaveUp {
                        to: cfg.to.clone(),
                        attempts,
                        source: e,
                    });
                }
                tracing::debug!(to = %cfg.to, error = %e, attempts, "log receiver unreachable");
            }
        }
        let delay = delays.next().unwrap_or(cfg.backoff.max);
        let wake = Instant::now() + delay;
        if deadline.is_some_and(|d| d <= wake) {
            if let Some(d) = deadline {
                tokio::time::sleep_until(d).await;
            }
            return Ok(None);
        }
        tokio::time::sleep_until(wake).await;
    }
}

/// Streams `cfg.log_type` records to `cfg.to` until `count` records are sent or `duration`
/// has passed (forever when neither is set).
pub async fn stream(cfg: StreamConfig, names: Arc<Names>) -> Result<StreamReport, LssError> {
    if !(cfg.rate.is_finite() && cfg.rate > 0.0) {
        return Err(LssError::BadRate(cfg.rate));
    }
    if let Some(tls) = &cfg.tls {
        rustls_pki_types::ServerName::try_from(tls.server_name.clone())
            .map_err(|_| LssError::ServerName(tls.server_name.clone()))?;
    }
    let started = Instant::now();
    let deadline = cfg.duration.map(|d| started + d);
    let mut generator = Generator::new(cfg.log_type, names, cfg.seed);
    let mut report = StreamReport::default();
    let tick = Duration::from_secs_f64(1.0 / cfg.rate).min(MAX_TICK);
    let mut buf = String::new();
    let mut down_since = None;

    'connections: loop {
        let Some(mut conn) = connect_with_backoff(&cfg, deadline).await? else {
            return Ok(report);
        };
        report.connections += 1;
        tracing::info!(to = %cfg.to, log_type = cfg.log_type.listener_name(), "streaming");
        let epoch = Instant::now();
        if let Some(since) = down_since.take() {
            report.dropped += (epoch.duration_since(since).as_secs_f64() * cfg.rate) as u64;
        }
        let mut pacer = Pacer::new(cfg.rate);
        let mut ticks = tokio::time::interval_at(epoch, tick);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            let now = ticks.tick().await;
            if deadline.is_some_and(|d| now >= d) {
                return Ok(report);
            }
            let (mut n, skipped) = pacer.due(now.duration_since(epoch));
            report.dropped += skipped;
            if let Some(count) = cfg.count {
                n = n.min(count - report.sent);
            }
            buf.clear();
            let at = now_us();
            for _ in 0..n {
                buf.push_str(&generator.next_line(at));
            }
            let write = async {
                conn.write_all(buf.as_bytes()).await?;
                conn.flush().await
            };
            match tokio::time::timeout(WRITE_TIMEOUT, write).await {
                Ok(Ok(())) => {
                    report.sent += n;
                    pacer.sent(n);
                }
                Ok(Err(e)) => {
                    tracing::info!(to = %cfg.to, error = %e, "log receiver went away; reconnecting");
                    report.dropped += n;
                    down_since = Some(Instant::now());
                    continue 'connections;
                }
                Err(_) => {
                    tracing::info!(to = %cfg.to, "log receiver stopped reading; reconnecting");
                    report.dropped += n;
                    down_since = Some(Instant::now());
                    continue 'connections;
                }
            }
            if cfg.count.is_some_and(|c| report.sent >= c) {
                let _ = conn.shutdown().await;
                return Ok(report);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pacer_never_exceeds_the_rate_and_skips_instead_of_bursting() {
        let mut p = Pacer::new(10.0);
        assert_eq!(
            p.due(Duration::ZERO),
            (1, 0),
            "the first record goes at once"
        );
        p.sent(1);
        assert_eq!(p.due(Duration::from_millis(99)), (0, 0));
        assert_eq!(p.due(Duration::from_millis(100)), (1, 0));
        p.sent(1);
        // a write that failed leaves its records due
        assert_eq!(p.due(Duration::from_millis(350)), (2, 0));
        p.sent(2);
        // stalled for 5 s: one second's worth now, the rest skipped
        assert_eq!(p.due(Duration::from_millis(5_350)), (10, 40));
        p.sent(10);
        assert_eq!(p.due(Duration::from_millis(5_399)), (0, 0));
        // however high the rate, a batch is bounded
        let mut p = Pacer::new(1e9);
        assert_eq!(
            p.due(Duration::from_secs(1)),
            (MAX_BATCH, 1_000_000_001 - MAX_BATCH)
        );
        // over any stretch: at most rate x t + 1
        let mut p = Pacer::new(7.3);
        for ms in (0..20_000).step_by(37) {
            let (n, _) = p.due(Duration::from_millis(ms));
            p.sent(n);
            assert!(p.accounted as f64 <= 7.3 * ms as f64 / 1000.0 + 1.0, "{ms}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let b = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
            max_attempts: None,
        };
        let ms: Vec<u128> = b.delays().take(6).map(|d| d.as_millis()).collect();
        assert_eq!(ms, [100, 200, 400, 800, 1000, 1000]);
    }
}
