//! Why a tenant could not start: its client or its poller thread could not be built. The
//! supervisor logs it with the tenant's name and retries on the next apply.

/// Why a tenant could not start.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TenantStartError {
    /// The HTTPS client could not be built (its TLS setup failed).
    #[error("cannot build the HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// The poller's thread or runtime could not be created.
    #[error("cannot start the poller thread")]
    Poller(#[source] std::io::Error),
}
