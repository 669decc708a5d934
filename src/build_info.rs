//! What this binary is: its version, git revision, rustc version, build date and target, as
//! `build.rs` recorded them. `--version`, `zpa_exporter_build_info` and the status page read
//! them from here.

/// The crate's version.
pub(crate) const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git revision it was built from (`unknown` outside a checkout).
pub(crate) const REVISION: &str = env!("ZPA_EXPORTER_REVISION");
/// The rustc that built it.
pub(crate) const RUSTC_VERSION: &str = env!("ZPA_EXPORTER_RUSTC_VERSION");
/// The commit's date (or `SOURCE_DATE_EPOCH`), so the same commit builds the same binary.
pub(crate) const BUILD_DATE: &str = env!("ZPA_EXPORTER_BUILD_DATE");
/// The target triple.
pub(crate) const TARGET: &str = env!("ZPA_EXPORTER_TARGET");

/// `zpa-exporter --version`, in the Prometheus exporters' style.
pub fn version_text() -> String {
    format!(
        "zpa-exporter, version {VERSION} (revision: {REVISION})\n  build date:    {BUILD_DATE}\n  rustc version: {RUSTC_VERSION}\n  target:        {TARGET}",
    )
}
