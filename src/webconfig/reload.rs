//! Certificate rotation without restart: a background task looks at the certificate, key and
//! client CA files every [`CERT_RELOAD_INTERVAL`]; when their metadata changed it re-reads them,
//! and when their contents changed it builds a new rustls configuration and hands it to
//! axum-server's [`RustlsConfig::reload_from_config`]. Connections never wait for it: the accept
//! path only loads the current configuration. All file access happens on the blocking pool.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use axum_server::tls_rustls::RustlsConfig;
use rustls::ServerConfig;

use super::schema::LoadingFile;
use super::tls::{Material, TlsSettings};
use super::{WebConfig, WebConfigError, CERT_RELOAD_INTERVAL};

/// What a file looked like: enough metadata to notice a rewrite or a rename over it (cp,
/// cert-manager, a Kubernetes Secret's symlink swap). `None`: it could not be looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    #[cfg(unix)]
    inode: (u64, u64),
    #[cfg(unix)]
    changed: (i64, i64),
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt as _;
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            inode: (meta.dev(), meta.ino()),
            #[cfg(unix)]
            changed: (meta.ctime(), meta.ctime_nsec()),
        })
    }
}

/// A digest of the material rather than the bytes, so the watcher does not keep a second copy
/// of the private key around.
fn fingerprint(material: &Material) -> Vec<u8> {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in [
        Some(&material.cert),
        Some(&material.key),
        material.ca.as_ref(),
    ] {
        let part = part.map(Vec::as_slice).unwrap_or(&[]);
        ctx.update(&(part.len() as u64).to_be_bytes());
        ctx.update(part);
    }
    ctx.finish().as_ref().to_vec()
}

/// The state of the files that the serving configuration was built from.
pub(super) struct Baseline {
    stamps: Vec<Option<Stamp>>,
    loaded: Vec<u8>,
}

impl Baseline {
    /// Blocking: reads the files and builds the configuration, remembering what was read.
    pub(super) fn load(
        settings: &TlsSettings,
        ctx: &LoadingFile<'_>,
    ) -> Result<(ServerConfig, Baseline), WebConfigError> {
        // Metadata before contents: a change in between is seen on the next check.
        let stamps = settings.files().map(Stamp::of).collect();
        let material = settings.read_material(ctx)?;
        let config = settings.server_config(&material, ctx)?;
        let loaded = fingerprint(&material);
        Ok((config, Baseline { stamps, loaded }))
    }
}

/// The watcher's state between checks.
struct Watch {
    config: Arc<WebConfig>,
    current: Baseline,
    /// Fingerprint of contents that failed to load, so a half-rotated pair is logged once
    /// rather than on every check.
    failed: Option<Vec<u8>>,
}

impl Watch {
    /// Blocking. `Some` with a new configuration when the files changed and load.
    fn check(&mut self) -> Option<ServerConfig> {
        let tls = self.config.tls.as_ref()?;
        let stamps: Vec<_> = tls.files().map(Stamp::of).collect();
        if stamps == self.current.stamps {
            return None;
        }
        // Recorded before reading, so an unreadable file is reported once, not every second;
        // the next change to any of the files triggers another attempt.
        self.current.stamps = stamps;
        let ctx = LoadingFile {
            path: &self.config.path,
        };
        let result = tls.read_material(&ctx).and_then(|material| {
            let fingerprint = fingerprint(&material);
            if fingerprint == self.current.loaded || Some(&fingerprint) == self.failed.as_ref() {
                return Ok(None);
            }
            match tls.server_config(&material, &ctx) {
                Ok(config) => Ok(Some((config, fingerprint))),
                Err(e) => {
                    self.failed = Some(fingerprint);
                    Err(e)
                }
            }
        });
        match result {
            Ok(None) => None,
            Ok(Some((config, fingerprint))) => {
                self.current.loaded = fingerprint;
                self.failed = None;
                Some(config)
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot reload TLS certificate files; keeping the previous certificate");
                None
            }
        }
    }
}

/// Aborts the watcher when [`super::serve`] returns or is dropped.
pub(crate) struct Watcher(Option<tokio::task::JoinHandle<()>>);

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Some(task) = &self.0 {
            task.abort();
        }
    }
}

/// Reads the TLS files of `config` (on the blocking pool) and builds the configuration to serve
/// with, then watches the files, if there are any (inline PEM cannot change). The error: files
/// that [`WebConfig::load`] accepted can no longer be used.
pub(crate) async fn start(config: Arc<WebConfig>) -> io::Result<(RustlsConfig, Watcher)> {
    let loading = config.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        let tls = loading.tls.as_ref().ok_or("TLS is not configured")?;
        let ctx = LoadingFile {
            path: &loading.path,
        };
        Baseline::load(tls, &ctx).map_err(|e| e.to_string())
    })
    .await
    .map_err(io::Error::other)?;
    let (server_config, baseline) =
        loaded.map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let rustls = RustlsConfig::from_config(Arc::new(server_config));
    let watcher = watch(config, baseline, rustls.clone());
    Ok((rustls, watcher))
}

fn watch(config: Arc<WebConfig>, baseline: Baseline, rustls: RustlsConfig) -> Watcher {
    let has_files = config
        .tls
        .as_ref()
        .is_some_and(|t| t.files().next().is_some());
    if !has_files {
        return Watcher(None);
    }
    let mut state = Watch {
        current: baseline,
        failed: None,
        config,
    };
    Watcher(Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(CERT_RELOAD_INTERVAL);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let checked = tokio::task::spawn_blocking(move || {
                let update = state.check();
                (state, update)
            })
            .await;
            let Ok((returned, update)) = checked else {
                // The check panicked (a bug): stop rotating, keep serving what we have.
                tracing::error!("TLS certificate watcher failed; certificate rotation stopped");
                return;
            };
            state = returned;
            if let Some(server_config) = update {
                rustls.reload_from_config(Arc::new(server_config));
                tracing::info!(file = %state.config.path.display(), "reloaded TLS certificate files");
            }
        }
    })))
}
