//! What `/metrics` serves: the [`descriptors`] table, the exporter's own state written as
//! families ([`families`], [`live`], [`process`]; each collector's data writes its own through
//! [`families::Writer`]), and [`exposition`], which encodes each snapshot once and hands scrapes
//! shared bytes, gzip included.

pub mod assemble;
pub mod descriptors;
pub mod exposition;
pub mod families;
mod gzip;
mod live;
pub mod process;

pub use assemble::Assembler;
pub use exposition::Exposition;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const REVISION: &str = env!("ZPA_EXPORTER_REVISION");
pub const RUSTC_VERSION: &str = env!("ZPA_EXPORTER_RUSTC_VERSION");

/// The exposition formats `/metrics` can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    PrometheusText,
    OpenMetrics,
}

impl Format {
    /// Like the Go client: OpenMetrics only when the scraper asks for it.
    pub fn negotiate(accept: Option<&str>) -> Format {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Format::OpenMetrics,
            _ => Format::PrometheusText,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::PrometheusText => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// Whether an `Accept-Encoding` header accepts gzip (with a non-zero quality).
pub fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
    accept_encoding.is_some_and(|value| {
        value.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or_default();
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
    })
}

#[cfg(test)]
mod tests;
