//! One `/metrics` body from several tenants' encodings.
//!
//! Each tenant's snapshot is encoded on its own ([`super::exposition`]), in pieces that hold
//! whole families. The text formats want every family's samples together under one
//! `# HELP`/`# TYPE`, so with several tenants the pieces are cut at family boundaries
//! ([`split`], once per encoding) and laid out family by family: the header once, then each
//! tenant's samples of it. The result is kept until a tenant publishes again, gzip included,
//! so a scrape between two publications is still a copy of shared bytes. One tenant alone is
//! served from its own pieces, exactly as before tenants existed.
//!
//! The process-wide families (build info, reload and shard state, process figures) are
//! written once per scrape after the tenants' ([`crate::metric_model::Source::Global`]); a
//! tenant's LSS receiver's families are among its live lines.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::exposition::{answer, encode, Answer, Exposition};
use super::gzip::{Piece, Prefix};
use super::segments::{assemble, split};
use super::Format;
use crate::catalog::{process, state};
use crate::metric_model::Writer;

/// How long the process-wide lines of one scrape are reused by the next.
const GLOBAL_REUSE: Duration = Duration::from_secs(1);

/// Process-wide families beyond build info and the process's figures (reload, shards).
pub(crate) trait GlobalFamilies: Send + Sync {
    /// Changes whenever what [`GlobalFamilies::write`] writes does (beyond the clock).
    fn version(&self) -> u64;
    /// Writes the families.
    fn write(&self, w: &mut Writer) -> fmt::Result;
}

/// Several tenants' snapshots assembled, and what they were assembled from.
struct Assembled {
    from: Vec<(u64, u64)>,
    pieces: Vec<Bytes>,
    gzip: Prefix,
}

/// What the scrapes of several tenants share: the last assembly per format, and the
/// process-wide lines.
#[derive(Default)]
pub(crate) struct Assembler {
    assembled: [tokio::sync::Mutex<Option<Arc<Assembled>>>; 2],
    global: std::sync::Mutex<Option<(Format, u64, Instant, Bytes)>>,
    extra: Option<Arc<dyn GlobalFamilies>>,
}

impl Assembler {
    /// An assembler whose scrapes also carry `extra`'s process-wide families.
    pub(crate) fn new(extra: Arc<dyn GlobalFamilies>) -> Self {
        Assembler {
            extra: Some(extra),
            ..Assembler::default()
        }
    }

    /// The process-wide lines, with OpenMetrics' `# EOF` (reused for [`GLOBAL_REUSE`] while
    /// they do not change).
    fn global(&self, format: Format) -> Result<Bytes, fmt::Error> {
        let version = self.extra.as_ref().map_or(0, |e| e.version());
        let mut cached = self.global.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, _, bytes)) = cached
            .as_ref()
            .filter(|(f, v, at, _)| *f == format && *v == version && at.elapsed() < GLOBAL_REUSE)
        {
            return Ok(bytes.clone());
        }
        let process = process::read();
        let extra = self.extra.clone();
        let mut text = encode(format, move |w| {
            state::write_global(
                w,
                &|w| extra.as_ref().map_or(Ok(()), |e| e.write(w)),
                process.as_ref(),
            )
        })?;
        if format == Format::OpenMetrics {
            text.push_str("# EOF\n");
        }
        let bytes = Bytes::from(text);
        *cached = Some((format, version, Instant::now(), bytes.clone()));
        Ok(bytes)
    }
}

/// The body of one scrape of `tenants` (in the order given; none is a body of process-wide
/// families only).
pub(crate) async fn scrape(
    tenants: &[&Exposition],
    assembler: &Assembler,
    format: Format,
    gzip: bool,
) -> Result<Answer, fmt::Error> {
    let global = assembler.global(format)?;
    if let [alone] = tenants {
        return alone.scrape_alone(format, gzip, &global).await;
    }
    let mut rendered = Vec::with_capacity(tenants.len());
    for tenant in tenants {
        rendered.push(tenant.rendered(format).await?);
    }
    let from: Vec<(u64, u64)> = tenants
        .iter()
        .zip(&rendered)
        .map(|(t, r)| (t.id(), r.version))
        .collect();
    let prefix = {
        let mut slot = assembler.assembled[super::exposition::slot(format)]
            .lock()
            .await;
        match slot.as_ref().filter(|a| a.from == from) {
            Some(assembled) => assembled.clone(),
            None => {
                let pieces = assemble(rendered.iter().map(|r| r.families.as_slice()));
                let whole: Vec<u8> = pieces.iter().flat_map(|b| b.iter().copied()).collect();
                let assembled = Arc::new(Assembled {
                    from,
                    gzip: Prefix::new([&Piece::new(&whole)]),
                    pieces,
                });
                *slot = Some(assembled.clone());
                assembled
            }
        }
    };
    let mut live = Vec::with_capacity(tenants.len());
    for (tenant, rendered) in tenants.iter().zip(&rendered) {
        live.push(split(&tenant.live_lines(rendered, format)?));
    }
    let mut tail: Vec<u8> = assemble(live.iter().map(Vec::as_slice))
        .iter()
        .flat_map(|b| b.iter().copied())
        .collect();
    tail.extend_from_slice(&global);
    Ok(answer(format, gzip, &prefix.pieces, &prefix.gzip, tail))
}
