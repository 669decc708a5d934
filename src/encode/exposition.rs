//! `/metrics` bodies, encoded once per snapshot (as kube-state-metrics does), so a scrape is a
//! copy of shared bytes.
//!
//! The snapshot's families are encoded in pieces — one for the exporter's state, one per
//! collector — plain and deflate-compressed ([`super::gzip`]), in the format a scraper asks for
//! (Prometheus text 0.0.4 or OpenMetrics). A collector's piece is encoded again only when it
//! published new data, so an App Connector run every minute does not re-encode 100 000
//! segment rows. A format is encoded on the first scrape that asks for it, and let go when
//! nobody asked for it since the snapshot before: memory holds the encodings in use (one format,
//! for Prometheus), not both. A scrape adds the
//! few lines that must be fresh ([`crate::catalog::state::write_live`], cached for a second) and hands out the pieces
//! by reference: no copy of the body, and with `Accept-Encoding: gzip` no recompression of it.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use bytes::Bytes;
use prometheus_client::collector::Collector as PromCollector;
use prometheus_client::encoding::DescriptorEncoder;
use prometheus_client::registry::Registry;
use zpa_api::stats::ApiStats;

use super::gzip::{Piece, Prefix};
use super::segments::{split, Segment};
use super::Format;
use crate::catalog::state;
use crate::collectors;
use crate::lss::ReceiverFamilies;
use crate::metric_model::Writer;
use crate::snapshot::CollectorData;
use crate::snapshot::{Snapshot, SnapshotStore};

/// How long the live lines of one scrape are reused by the next.
const LIVE_REUSE: Duration = Duration::from_secs(1);

/// Encodes `/metrics` for one tenant's snapshot store.
pub(crate) struct Exposition {
    /// The `tenant` label of its tenant-scoped families.
    tenant: Arc<str>,
    /// Unique in the process: a tenant restarted under the same name starts its snapshot
    /// versions again, and an assembly of the old one must not pass for the new one's.
    id: u64,
    store: Arc<SnapshotStore>,
    stats: Arc<ApiStats>,
    /// Per format ([`slot`]), the last snapshot encoded in it.
    rendered: [ArcSwap<Rendered>; 2],
    /// Per format, the pieces to reuse; held while encoding, so concurrent scrapes of a new
    /// snapshot encode it once.
    encoding: tokio::sync::Mutex<[PieceCache; 2]>,
    live: std::sync::Mutex<Option<LiveLines>>,
    /// The tenant's LSS receiver's families, when it has one.
    lss: Option<ReceiverFamilies>,
    /// Per format, their last encoding: served when a connection holds the counts, so a
    /// scrape never waits on ingest.
    lss_last: std::sync::Mutex<[Option<String>; 2]>,
}

/// One scrape's answer: the content type, whether it is gzip, and the body in shared pieces.
pub(crate) struct Answer {
    pub content_type: &'static str,
    pub gzip: bool,
    pub body: ChunkedBody,
}

/// The answer whose body is the encoded `pieces` (or their gzip, continued from `gzip_prefix`)
/// followed by `tail`, the lines encoded for this scrape.
pub(super) fn answer(
    format: Format,
    gzip: bool,
    pieces: &[Bytes],
    gzip_prefix: &Prefix,
    tail: Vec<u8>,
) -> Answer {
    let chunks = if gzip {
        gzip_prefix.finish(&tail)
    } else {
        let mut chunks = pieces.to_vec();
        chunks.push(Bytes::from(tail));
        chunks
    };
    Answer {
        content_type: format.content_type(),
        gzip,
        body: ChunkedBody::new(chunks),
    }
}

impl Exposition {
    pub(crate) fn new(store: Arc<SnapshotStore>, stats: Arc<ApiStats>, tenant: Arc<str>) -> Self {
        static IDS: AtomicU64 = AtomicU64::new(0);
        Exposition {
            tenant,
            id: IDS.fetch_add(1, Ordering::Relaxed),
            store,
            stats,
            rendered: Default::default(),
            encoding: Default::default(),
            live: std::sync::Mutex::new(None),
            lss: None,
            lss_last: Default::default(),
        }
    }

    /// Serves the families of the tenant's LSS receiver too, with its live lines.
    pub(crate) fn with_lss(mut self, lss: Option<ReceiverFamilies>) -> Self {
        self.lss = lss;
        self
    }

    /// The LSS families in `format`: encoded now unless a connection is adding a batch to the
    /// counts, then as last encoded.
    fn lss_lines(&self, lss: &ReceiverFamilies, format: Format) -> Result<String, fmt::Error> {
        let busy = Arc::new(AtomicBool::new(false));
        let (families, flag) = (lss.clone(), busy.clone());
        let fresh = encode_for(format, Some(self.tenant.clone()), move |w| {
            families.try_write(w).unwrap_or_else(|| {
                flag.store(true, Ordering::Relaxed);
                Err(fmt::Error)
            })
        });
        let mut last = self.lss_last.lock().unwrap_or_else(|e| e.into_inner());
        let slot = &mut last[slot(format)];
        match fresh {
            Ok(text) => {
                *slot = Some(text.clone());
                Ok(text)
            }
            Err(_) if busy.load(Ordering::Relaxed) => match slot {
                Some(text) => Ok(text.clone()),
                None => {
                    let families = lss.clone();
                    let text = encode_for(format, Some(self.tenant.clone()), move |w| {
                        families.write(w)
                    })?;
                    *slot = Some(text.clone());
                    Ok(text)
                }
            },
            Err(e) => Err(e),
        }
    }

    /// This exposition among all of the process's, past and present.
    pub(super) fn id(&self) -> u64 {
        self.id
    }

    /// The body for one scrape of this tenant alone.
    #[cfg(test)]
    pub(crate) async fn scrape(&self, format: Format, gzip: bool) -> Result<Answer, fmt::Error> {
        super::assemble::scrape(
            &[self],
            &super::assemble::Assembler::default(),
            format,
            gzip,
        )
        .await
    }

    /// The body of a scrape of this tenant alone: its pieces as they are, no assembly.
    pub(super) async fn scrape_alone(
        &self,
        format: Format,
        gzip: bool,
        global: &[u8],
    ) -> Result<Answer, fmt::Error> {
        let rendered = self.rendered(format).await?;
        let mut tail = self.live_lines(&rendered, format)?.to_vec();
        tail.extend_from_slice(global);
        Ok(answer(format, gzip, &rendered.pieces, &rendered.gzip, tail))
    }

    /// The snapshot encoded in `format`, encoding it first if it changed.
    pub(super) async fn rendered(&self, format: Format) -> Result<Arc<Rendered>, fmt::Error> {
        let (this, other) = (slot(format), 1 - slot(format));
        let current = self.rendered[this].load_full();
        if current.version == self.store.load().version {
            return Ok(current);
        }
        let mut caches = self.encoding.lock().await;
        let snapshot = self.store.load();
        let current = self.rendered[this].load_full();
        if current.version == snapshot.version {
            return Ok(current);
        }
        // The other format, unless asked for since this one was last encoded, is let go (a
        // format asked for the first time lets nothing go: it may be a one-off `curl`).
        let first_time = current.version == u64::MAX;
        if !first_time && self.rendered[other].load().version < current.version {
            self.rendered[other].store(Arc::default());
            caches[other] = PieceCache::default();
        }
        let pieces = std::mem::take(&mut caches[this]);
        let tenant = self.tenant.clone();
        // Encoding a large tenant takes milliseconds of CPU: off the async workers.
        let (pieces, rendered) = tokio::task::spawn_blocking(move || {
            let mut pieces = pieces;
            let rendered = pieces.render(format, &tenant, snapshot);
            (pieces, rendered)
        })
        .await
        .map_err(|_| fmt::Error)?;
        caches[this] = pieces;
        let rendered = Arc::new(rendered?);
        self.rendered[this].store(rendered.clone());
        Ok(rendered)
    }

    /// Whether `format` holds an encoding now.
    #[cfg(test)]
    pub(super) fn holds(&self, format: Format) -> bool {
        !self.rendered[slot(format)].load().pieces.is_empty()
    }

    /// The tenant's lines written fresh on every scrape (reused for [`LIVE_REUSE`]).
    pub(super) fn live_lines(
        &self,
        rendered: &Rendered,
        format: Format,
    ) -> Result<Bytes, fmt::Error> {
        let mut cached = self.live.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(lines) = cached.as_ref().filter(|l| {
            l.format == format && l.version == rendered.version && l.at.elapsed() < LIVE_REUSE
        }) {
            return Ok(lines.bytes.clone());
        }
        let snapshot = rendered.snapshot.clone();
        let stats = self.stats.snapshot();
        let mut text = encode_for(format, Some(self.tenant.clone()), move |w| {
            state::write_live(w, &snapshot, &stats, SystemTime::now())
        })?;
        if let Some(lss) = &self.lss {
            text.push_str(&self.lss_lines(lss, format)?);
        }
        let bytes = Bytes::from(text);
        *cached = Some(LiveLines {
            format,
            version: rendered.version,
            at: Instant::now(),
            bytes: bytes.clone(),
        });
        Ok(bytes)
    }
}

struct LiveLines {
    format: Format,
    version: u64,
    at: Instant,
    bytes: Bytes,
}

/// Where a format's encodings live in [`Exposition`].
pub(super) fn slot(format: Format) -> usize {
    match format {
        Format::PrometheusText => 0,
        Format::OpenMetrics => 1,
    }
}

/// One snapshot, encoded in one format.
pub(super) struct Rendered {
    pub(super) version: u64,
    snapshot: Arc<Snapshot>,
    pub(super) pieces: Vec<Bytes>,
    /// The pieces cut at family boundaries, for assembling several tenants.
    pub(super) families: Vec<Segment>,
    gzip: Prefix,
}

impl Default for Rendered {
    /// Nothing encoded yet: a version no snapshot has.
    fn default() -> Self {
        Rendered {
            version: u64::MAX,
            snapshot: Arc::default(),
            pieces: Vec::new(),
            families: Vec::new(),
            gzip: Prefix::new([]),
        }
    }
}

/// One encoded piece, plain, compressed and cut into families.
struct Encoded {
    plain: Bytes,
    gzip: Piece,
    families: Vec<Segment>,
}

impl Encoded {
    fn encode(
        format: Format,
        tenant: &Arc<str>,
        write: impl Fn(&mut Writer) -> fmt::Result + Send + Sync + 'static,
    ) -> Result<Encoded, fmt::Error> {
        let plain = Bytes::from(encode_for(format, Some(tenant.clone()), write)?);
        Ok(Encoded {
            gzip: Piece::new(&plain),
            families: split(&plain),
            plain,
        })
    }
}

/// Each collector's last encoded piece in one format, with the result it was encoded from.
///
/// The result is recognised by pointer ([`Weak::ptr_eq`]), not content: comparing 100 000
/// segment rows would cost what encoding them does. The `Weak` keeps the allocation's address
/// from being reused by a later result while the rows themselves are freed with the snapshot
/// that held them, so a new result can never pass for the old one.
#[derive(Default)]
struct PieceCache {
    by_collector: HashMap<&'static str, (Weak<dyn CollectorData>, Arc<Encoded>)>,
}

impl PieceCache {
    fn render(
        &mut self,
        format: Format,
        tenant: &Arc<str>,
        snapshot: Arc<Snapshot>,
    ) -> Result<Rendered, fmt::Error> {
        let mut pieces: Vec<Arc<Encoded>> = Vec::with_capacity(snapshot.collectors.len() + 1);
        let state = snapshot.clone();
        pieces.push(Arc::new(Encoded::encode(format, tenant, move |w| {
            state::write_state(w, &state)
        })?));
        let mut kept = HashMap::new();
        for status in &snapshot.collectors {
            let Some(data) = &status.data else { continue };
            let result = Arc::downgrade(data);
            let piece = match self.by_collector.get(status.name) {
                Some((encoded_from, piece)) if Weak::ptr_eq(encoded_from, &result) => piece.clone(),
                _ => {
                    let data = data.clone();
                    let declared = collectors::spec(status.name).map(|spec| spec.families);
                    Arc::new(Encoded::encode(format, tenant, move |w| {
                        if let Some(families) = declared {
                            w.declared_only(families);
                        }
                        data.write(w)
                    })?)
                }
            };
            kept.insert(status.name, (result, piece.clone()));
            pieces.push(piece);
        }
        self.by_collector = kept;
        Ok(Rendered {
            version: snapshot.version,
            pieces: pieces.iter().map(|p| p.plain.clone()).collect(),
            families: pieces.iter().flat_map(|p| p.families.clone()).collect(),
            gzip: Prefix::new(pieces.iter().map(|p| &p.gzip)),
            snapshot,
        })
    }
}

/// Families written by a closure for a tenant (or for the process), as a prometheus-client
/// collector.
struct Families<F>(Option<Arc<str>>, F);

impl<F> fmt::Debug for Families<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Families")
    }
}

impl<F> PromCollector for Families<F>
where
    F: Fn(&mut Writer) -> fmt::Result + Send + Sync + 'static,
{
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        (self.1)(&mut Writer::new(&mut encoder).for_tenant(self.0.clone()))
    }
}

/// Encodes the families `write` writes, in `format`, without OpenMetrics' `# EOF` (a body is
/// made of several such pieces; the scrape adds the end).
pub(crate) fn encode(
    format: Format,
    write: impl Fn(&mut Writer) -> fmt::Result + Send + Sync + 'static,
) -> Result<String, fmt::Error> {
    encode_for(format, None, write)
}

/// [`encode`] for `tenant`: its tenant-scoped families carry its name.
pub(crate) fn encode_for(
    format: Format,
    tenant: Option<Arc<str>>,
    write: impl Fn(&mut Writer) -> fmt::Result + Send + Sync + 'static,
) -> Result<String, fmt::Error> {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(Families(tenant, write)));
    let mut out = String::new();
    match format {
        Format::PrometheusText => {
            prometheus_client::encoding::prometheus_text::encode(&mut out, &registry)?
        }
        Format::OpenMetrics => {
            prometheus_client::encoding::text::encode_registry(&mut out, &registry)?
        }
    }
    Ok(out)
}

/// A response body made of shared pieces, with its exact length known up front.
pub(crate) struct ChunkedBody {
    chunks: VecDeque<Bytes>,
    remaining: u64,
    /// Held until the body is sent or dropped: the scrape's slot under `--web.max-requests`.
    _slot: Option<tokio::sync::OwnedSemaphorePermit>,
}

impl ChunkedBody {
    pub(crate) fn new(chunks: Vec<Bytes>) -> Self {
        let remaining = chunks.iter().map(|c| c.len() as u64).sum();
        ChunkedBody {
            chunks: chunks.into_iter().filter(|c| !c.is_empty()).collect(),
            remaining,
            _slot: None,
        }
    }

    /// Keeps `slot` until the whole body has been sent (or the client went away).
    pub(crate) fn holding(mut self, slot: Option<tokio::sync::OwnedSemaphorePermit>) -> Self {
        self._slot = slot;
        self
    }

    /// The whole body in one buffer.
    #[cfg(test)]
    pub(crate) fn concat(self) -> Vec<u8> {
        self.chunks.into_iter().flat_map(|c| c.to_vec()).collect()
    }
}

impl http_body::Body for ChunkedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.chunks.pop_front().map(|chunk| {
            self.remaining -= chunk.len() as u64;
            Ok(http_body::Frame::data(chunk))
        }))
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.remaining)
    }
}
