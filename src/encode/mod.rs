//! The `/metrics` body: each tenant's snapshot encoded once per publication ([`exposition`],
//! in pieces, plain and gzip), several tenants' encodings assembled family by family with the
//! process-wide lines ([`assemble`]), in the format the scraper asks for ([`Format`]). A scrape
//! copies shared bytes; what the families are and how they are written is the catalog's.

pub(crate) mod assemble;
pub(crate) mod exposition;
mod gzip;
mod segments;

pub(crate) use assemble::{Assembler, GlobalFamilies};
pub(crate) use exposition::Exposition;

/// The exposition formats `/metrics` can answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    PrometheusText,
    OpenMetrics,
}

impl Format {
    /// Like the Go client: OpenMetrics only when the scraper asks for it.
    pub(crate) fn negotiate(accept: Option<&str>) -> Format {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Format::OpenMetrics,
            _ => Format::PrometheusText,
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Format::PrometheusText => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// Whether an `Accept-Encoding` header accepts gzip (with a non-zero quality).
pub(crate) fn accepts_gzip(accept_encoding: Option<&str>) -> bool {
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
