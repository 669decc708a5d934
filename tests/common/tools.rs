//! External tools the tests drive (promtool, node, hadolint, docker-compose, …).
//!
//! Whether a tool is on PATH is decided when the tests are built: `build.rs` sets a `has_<tool>`
//! cfg (`-` as `_`). A test that needs a tool carries
//! `#[cfg_attr(not(has_promtool), ignore = "needs promtool (apt-get install prometheus)")]`, so
//! without it `cargo test` counts the test as ignored and prints the reason, rather than passing
//! a test that checked nothing; `.ci/run` fails when any test is ignored.

use std::path::PathBuf;
use std::process::Command;

pub fn find_tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The tool's path. Only called by tests built with its `has_<tool>` cfg, so a missing tool
/// here is one that vanished since the build, a failure.
pub fn tool(name: &str) -> PathBuf {
    find_tool(name).unwrap_or_else(|| {
        panic!("`{name}` was on PATH when the tests were built and is not now: rebuild them")
    })
}

/// (success, stdout + stderr)
pub fn run(cmd: &mut Command) -> (bool, String) {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

pub fn promtool() -> PathBuf {
    tool("promtool")
}
