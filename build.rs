//! Records the git revision, build date, rustc version and target for `--version` and
//! `zpa_exporter_build_info`.
//!
//! The build date is the commit's date (or `SOURCE_DATE_EPOCH`), not the clock: the same
//! commit builds the same binary, and the build script does not rerun on every build.
//!
//! It also looks on PATH for the external tools the integration tests drive (promtool,
//! Chromium, …; listed in `.ci/test-tools`) and sets `has_<tool>` cfgs: a test whose tool is
//! missing is compiled as `#[ignore = "needs …"]`, so `cargo test` reports it as ignored, with
//! the reason, instead of passing it, and `.ci/run` fails on any ignored test.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    Command::new("git")
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    let revision = std::env::var("ZPA_EXPORTER_REVISION")
        .ok()
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]));
    let build_date = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .map(|secs| format!("@{secs}"))
        .or_else(|| git(&["log", "-1", "--format=%cd", "--date=format:%Y%m%d-%H:%M:%S"]));
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .and_then(|v| v.split_whitespace().nth(1).map(String::from));
    let unknown = || "unknown".to_string();
    println!(
        "cargo:rustc-env=ZPA_EXPORTER_REVISION={}",
        revision.unwrap_or_else(unknown)
    );
    println!(
        "cargo:rustc-env=ZPA_EXPORTER_BUILD_DATE={}",
        build_date.unwrap_or_else(unknown)
    );
    println!(
        "cargo:rustc-env=ZPA_EXPORTER_RUSTC_VERSION={}",
        rustc_version.unwrap_or_else(unknown)
    );
    println!(
        "cargo:rustc-env=ZPA_EXPORTER_TARGET={}",
        std::env::var("TARGET").unwrap_or_else(|_| unknown())
    );
    println!("cargo:rerun-if-env-changed=ZPA_EXPORTER_REVISION");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    // Where git keeps HEAD: `.git/` in a clone, elsewhere in a worktree. A path that does not
    // exist would rerun this script, and rebuild the crate, on every build.
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/HEAD");
    }
    if let Some(common) = git(&["rev-parse", "--path-format=absolute", "--git-common-dir"]) {
        println!("cargo:rerun-if-changed={common}/refs/heads");
    }
    probe_test_tools();
}

/// The tools the tests run, one a line with how CI installs and checks them; `build.rs` reads
/// only each line's first word. `.ci/run` reads the same file.
const TEST_TOOLS: &str = ".ci/test-tools";

/// Sets `has_<tool>` for each tool of [`TEST_TOOLS`] found on PATH (its name with `-` as `_`:
/// `docker-compose` gives `has_docker_compose`).
fn probe_test_tools() {
    let list = std::fs::read_to_string(TEST_TOOLS)
        .unwrap_or_else(|e| panic!("cannot read {TEST_TOOLS}, the tools the tests need: {e}"));
    println!("cargo:rerun-if-changed={TEST_TOOLS}");
    let tools: Vec<&str> = list
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| !name.starts_with('#'))
        .collect();
    let cfg = |tool: &str| format!("has_{}", tool.replace('-', "_"));
    println!("cargo:rerun-if-env-changed=PATH");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<_> = std::env::split_paths(&path)
        .filter(|dir| dir.is_dir())
        .collect();
    let mut watch_dirs = false;
    for tool in &tools {
        println!("cargo::rustc-check-cfg=cfg({})", cfg(tool));
        match dirs.iter().map(|dir| dir.join(tool)).find(|p| p.is_file()) {
            Some(found) => {
                println!("cargo:rustc-cfg={}", cfg(tool));
                // Gone or replaced: probe again.
                println!("cargo:rerun-if-changed={}", found.display());
            }
            None => watch_dirs = true,
        }
    }
    // A missing tool may be installed later without PATH changing: watch the directories it
    // would land in (only then: cargo stats every file below a watched directory).
    if watch_dirs {
        let mut seen = std::collections::BTreeSet::new();
        for dir in dirs.iter().filter(|dir| seen.insert(dir.as_path())) {
            println!("cargo:rerun-if-changed={}", dir.display());
        }
    }
}
