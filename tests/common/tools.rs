//! External tools the tests drive (promtool, node, hadolint, docker-compose, …).
//!
//! Whether a tool is on PATH is decided when the tests are built: `build.rs` sets a `has_<tool>`
//! cfg (`-` as `_`) for each tool listed in `.ci/test-tools` (a new tool is one line there). A
//! test that needs a tool carries
//! `#[cfg_attr(not(has_promtool), ignore = "needs promtool (apt-get install prometheus)")]`, so
//! without it `cargo test` counts the test as ignored and prints the reason, rather than passing
//! a test that checked nothing; `.ci/run` fails when any test is ignored. Release builds do not
//! probe: under `cargo test --release` every such test is ignored.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The first `name` on PATH that can run: a regular file, or a symlink to one, with an execute
/// bit set (what `build.rs` probes for).
pub fn find_tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    // `metadata` follows symlinks: a dangling one, or one to a directory, is not a tool.
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
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

/// `promtool check metrics` on an exposition: (success, what it said). Lint findings fail it too.
pub fn promtool_check_metrics(exposition: &str) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new(tool("promtool"))
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run promtool");
    child
        .stdin
        .take()
        .expect("promtool's stdin")
        .write_all(exposition.as_bytes())
        .expect("promtool reads the exposition");
    let out = child.wait_with_output().expect("promtool ends");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), said)
}
