//! External tools the tests drive (promtool, node, hadolint, docker-compose, …): found on PATH,
//! or skipped loudly — and a failure under `CI=true`, where `.ci/run` installs them.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

pub fn under_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

pub fn find_tool(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// The tool, or None after a loud SKIPPED message (a panic under CI=true).
pub fn require_tool(name: &str, install: &str, check: &str) -> Option<PathBuf> {
    let found = find_tool(name);
    if found.is_none() {
        assert!(
            !under_ci(),
            "{name} is required under CI=true for {check} ({install})"
        );
        // Straight to stderr, past the test harness's output capture, so that it shows.
        let _ = writeln!(
            std::io::stderr(),
            "\n**************************************************************************\n\
             *** SKIPPED: {check}: `{name}` not found ({install})\n\
             **************************************************************************\n"
        );
    }
    found
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

/// promtool, or None after a SKIPPED message.
pub fn promtool() -> Option<PathBuf> {
    require_tool("promtool", "apt-get install prometheus", "promtool checks")
}
