//! The exporter binary as a separate process: a command with a clean environment, a free port,
//! blocking HTTP probes (usable outside the async runtime) and SIGTERM.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_zpa-exporter");

/// The binary with none of its environment variables set and its output captured.
pub fn exporter_command() -> Command {
    clean(Command::new(BIN))
}

/// The binary started by a shell that first lowers the soft open-file limit to `soft` (the
/// hard limit stays), as many distributions' default of 1024 does.
pub fn exporter_command_with_soft_nofile(soft: u64) -> Command {
    exporter_command_in_shell(&format!("ulimit -Sn {soft} && exec \"$0\" \"$@\""))
}

/// The binary started by `sh -c script`, where `"$0"` is the binary: for wrappers (limits,
/// systemd-socket-activate). Same clean environment and captured output.
pub fn exporter_command_in_shell(script: &str) -> Command {
    let mut cmd = clean(Command::new("sh"));
    cmd.args(["-c", script, BIN]);
    cmd
}

/// Removes every `ZPA_*` and `ZSCALER_*` variable of this environment, so only what a test sets
/// counts, and captures the output.
fn clean(mut cmd: Command) -> Command {
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("ZPA_") || text.starts_with("ZSCALER_") {
            cmd.env_remove(&name);
        }
    }
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn run_to_end(mut cmd: Command) -> (i32, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

pub fn wait_for_http(port: u16, path: &str, timeout: Duration) -> Option<(u16, String)> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(answer) = http_get(port, path) {
            return Some(answer);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

/// Polls `path` until it answers `status`; the last answer, or `None` when nothing answered.
pub fn wait_for_status(
    port: u16,
    path: &str,
    status: u16,
    timeout: Duration,
) -> Option<(u16, String)> {
    poll_until(port, path, timeout, |s, _| s == status)
}

/// Polls `path` until `done` accepts the answer; the last answer either way.
pub fn poll_until(
    port: u16,
    path: &str,
    timeout: Duration,
    done: impl Fn(u16, &str) -> bool,
) -> Option<(u16, String)> {
    let deadline = Instant::now() + timeout;
    let mut last = None;
    while Instant::now() < deadline {
        last = http_get(port, path).or(last);
        if last.as_ref().is_some_and(|(s, b)| done(*s, b)) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    last
}

/// A minimal blocking HTTP/1.0 GET: these tests run outside the async runtime.
pub fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    http_get_at(std::net::SocketAddr::from(([127, 0, 0, 1], port)), path)
}

/// [`http_get`] at any address.
pub fn http_get_at(addr: std::net::SocketAddr, path: &str) -> Option<(u16, String)> {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

pub fn terminate(child: &mut Child) -> (Option<i32>, String) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr)
}
