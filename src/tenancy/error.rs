//! Why a tenant could not start: its LSS receiver, its client or its poller thread could not
//! be built. The
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
    /// Its LSS receiver could not start (an address taken, TLS files unusable).
    #[error("cannot start its LSS receiver")]
    Lss(#[source] crate::lss::ReceiverError),
    /// `lss.tls` without a certificate in `--web.config.file`.
    #[error("lss.tls needs tls_server_config in --web.config.file (the LSS listeners use its certificate)")]
    LssWithoutCertificate,
}

impl TenantStartError {
    /// Whether a setting is what cannot be used (an address taken, no certificate): at
    /// start-up, that is a configuration error.
    pub(crate) fn is_setting(&self) -> bool {
        matches!(
            self,
            TenantStartError::Lss(crate::lss::ReceiverError::Listen { .. })
                | TenantStartError::LssWithoutCertificate
        )
    }
}
