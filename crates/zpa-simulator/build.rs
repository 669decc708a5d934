//! Looks for the Python that carries Zscaler's own SDK (`zscaler-sdk-python`), which
//! `tests/zscaler_sdk.rs` drives against the simulator. It is named by the `ZPA_SDK_PYTHON`
//! environment variable (an absolute path to a venv's `python`; `.ci/run` sets it). When that
//! Python imports `zscaler`, the build sets the `has_zscaler_sdk` cfg and passes the path on as
//! `ZPA_SDK_PYTHON_PROBED`; otherwise the test is compiled as `#[ignore = "needs …"]`, so
//! `cargo test` counts it as ignored rather than passed (and `.ci/run` fails on that).
//!
//! The probe reruns when the variable changes, or when the Python or the SDK's package file it
//! found changes or disappears.

use std::path::PathBuf;
use std::process::Command;

const VAR: &str = "ZPA_SDK_PYTHON";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(has_zscaler_sdk)");
    println!("cargo:rerun-if-env-changed={VAR}");
    let Some(python) = std::env::var_os(VAR).filter(|p| !p.is_empty()) else {
        return;
    };
    let python = PathBuf::from(python);
    println!("cargo:rerun-if-changed={}", python.display());
    let probe = Command::new(&python)
        .args(["-c", "import zscaler; print(zscaler.__file__)"])
        .output();
    match probe {
        Ok(out) if out.status.success() => {
            let package = String::from_utf8_lossy(&out.stdout).trim().to_string();
            println!("cargo:rerun-if-changed={package}");
            println!("cargo:rustc-cfg=has_zscaler_sdk");
            println!("cargo:rustc-env=ZPA_SDK_PYTHON_PROBED={}", python.display());
        }
        _ => println!(
            "cargo:warning={VAR}={} cannot import zscaler (pip install zscaler-sdk-python); \
             the SDK test is ignored",
            python.display()
        ),
    }
}
