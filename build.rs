//! Records the git revision, build date, rustc version and target for `--version` and
//! `zpa_exporter_build_info`.
//!
//! The build date is the commit's date (or `SOURCE_DATE_EPOCH`), not the clock: the same
//! commit builds the same binary, and the build script does not rerun on every build.
//!
//! It also looks on PATH for the external tools the integration tests drive (promtool,
//! Chromium, …; listed in `.ci/test-tools`) and sets `has_<tool>` cfgs: a test whose tool is
//! missing is compiled as `#[ignore = "needs …"]`, so `cargo test` reports it as ignored, with
//! the reason, instead of passing it, and `.ci/run` fails on any ignored test. Release builds
//! skip that probe, so installing packages does not rebuild a release binary.

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
    watch_head();
    probe_test_tools();
}

/// Reruns this script when the commit checked out changes, and only then: HEAD (another branch
/// or a detached commit) and the ref of the branch it names (a commit on it), not every
/// branch's, so a commit elsewhere in a shared repository (another worktree) does not rebuild
/// the exporter. A path that does not exist would rerun the script, and rebuild the crate, on
/// every build, so only existing paths are named.
fn watch_head() {
    // Where git keeps HEAD: `.git/` in a clone, elsewhere in a worktree.
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/HEAD");
    }
    let (Some(common), Some(branch)) = (
        git(&["rev-parse", "--path-format=absolute", "--git-common-dir"]),
        git(&["symbolic-ref", "-q", "HEAD"]),
    ) else {
        return; // detached: HEAD holds the commit itself
    };
    let common = std::path::Path::new(&common);
    let loose = common.join(&branch);
    if loose.is_file() {
        println!("cargo:rerun-if-changed={}", loose.display());
        return;
    }
    // The ref is packed (or the branch unborn): the next commit writes it as a loose file, below
    // the nearest directory that exists.
    let packed = common.join("packed-refs");
    if packed.is_file() {
        println!("cargo:rerun-if-changed={}", packed.display());
    }
    if let Some(dir) = loose.ancestors().skip(1).find(|d| d.is_dir()) {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
}

/// The tools the tests run, one a line with how CI installs and checks them; `build.rs` reads
/// only each line's first word. `.ci/run` reads the same file.
const TEST_TOOLS: &str = ".ci/test-tools";

/// Sets `has_<tool>` for each tool of [`TEST_TOOLS`] found on PATH (its name with `-` as `_`:
/// `docker-compose` gives `has_docker_compose`).
///
/// Only where tests are built: a release build (`PROFILE=release`: `--release`, `cargo bench`,
/// the container image) declares the cfgs but probes nothing and watches nothing of PATH, so
/// installing a package or a tool does not rerun this script and rebuild the exporter. `cargo
/// test --release` therefore reports every tool test as ignored.
fn probe_test_tools() {
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let list = match std::fs::read_to_string(TEST_TOOLS) {
        Ok(list) => list,
        // The container image's build context holds no .ci/ and builds no test.
        Err(_) if release => return,
        Err(e) => panic!("cannot read {TEST_TOOLS}, the tools the tests need: {e}"),
    };
    println!("cargo:rerun-if-changed={TEST_TOOLS}");
    let tools: Vec<&str> = list
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| !name.starts_with('#'))
        .collect();
    let cfg = |tool: &str| format!("has_{}", tool.replace('-', "_"));
    for tool in &tools {
        println!("cargo::rustc-check-cfg=cfg({})", cfg(tool));
    }
    if release {
        return;
    }
    println!("cargo:rerun-if-env-changed=PATH");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<_> = std::env::split_paths(&path)
        .filter(|dir| dir.is_dir())
        .collect();
    let mut watch_dirs = false;
    for tool in &tools {
        match dirs
            .iter()
            .map(|dir| dir.join(tool))
            .find(|p| is_executable(p))
        {
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

/// What a shell would run: a regular file, or a symlink to one, with an execute bit set (the
/// same test as `find_tool` in `tests/common/tools.rs`).
fn is_executable(path: &std::path::Path) -> bool {
    // `metadata` follows symlinks: a dangling one, or one to a directory, is not a tool.
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    let runnable = {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o111 != 0
    };
    #[cfg(not(unix))]
    let runnable = true;
    meta.is_file() && runnable
}
