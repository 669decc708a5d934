//! The landing page in a real browser: the exporter against the simulator with a failing, an
//! unavailable, a pending collector and ZPA data that tries to inject markup, then headless
//! Chromium renders `/`, dumps the DOM it built and takes a screenshot (its path is printed and
//! it is copied to `target/landing-page.png`). A second test does the same in `--demo` mode on a
//! phone-sized window.
//!
//! Chromium comes from Debian (`apt-get install chromium`); without it on PATH when the tests are
//! built, they are ignored with that reason (`.ci/run` installs it, and fails on ignored tests).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use zpa_exporter::Config;
use zpa_exporter::{RunningExporter, Snapshot};
use zpa_simulator::FaultKind;

/// What a microtenant's `enabled` field says in the hostile test: ZPA text that ends up quoted
/// in the collector's error.
const HOSTILE: &str = "<script>alert('zpa')</script> & Ωμέγα 日本語";

/// Runs headless Chromium on `url` with `args`, stdout to a file; its output, or a panic with
/// Chromium's own words. Blocking: call it from `spawn_blocking`, the exporter shares this
/// runtime.
fn run_chromium(chromium: &Path, work: &Path, window: &str, args: &[String], url: &str) -> String {
    let stdout = work.join("stdout");
    let stderr = work.join("stderr");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            // Chromium's own background traffic is refused on test machines; these keep it from
            // trying.
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!(
            "--user-data-dir={}",
            work.join("profile").display()
        ))
        .arg(format!("--window-size={window}"))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).unwrap())
        .stderr(std::fs::File::create(&stderr).unwrap())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium did not finish in 90 s: {}",
                std::fs::read_to_string(&stderr).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "chromium failed ({status}): {}",
        std::fs::read_to_string(&stderr).unwrap_or_default()
    );
    std::fs::read_to_string(&stdout).unwrap()
}

/// The DOM Chromium built from `url`, and a screenshot of it at `window` (`width,height`),
/// copied to `target/<name>.png` and announced on stderr.
async fn browse(url: String, window: &'static str, name: &'static str) -> (String, PathBuf) {
    let chromium = tool("chromium");
    tokio::task::spawn_blocking(move || {
        let work = tempfile::tempdir().unwrap();
        let dom = run_chromium(&chromium, work.path(), window, &["--dump-dom".into()], &url);
        let shot = work.path().join(format!("{name}.png"));
        run_chromium(
            &chromium,
            work.path(),
            window,
            &[format!("--screenshot={}", shot.display())],
            &url,
        );
        let png = std::fs::read(&shot).expect("chromium wrote the screenshot");
        check_png(&png, window);
        let target = target_dir();
        std::fs::create_dir_all(&target).unwrap();
        let kept = target.canonicalize().unwrap().join(format!("{name}.png"));
        std::fs::write(&kept, &png).unwrap();
        // Past the harness's capture, so that the path shows in every test run.
        let _ = writeln!(
            std::io::stderr(),
            "landing page screenshot ({window}, {} bytes): {}",
            png.len(),
            kept.display()
        );
        (dom, kept)
    })
    .await
    .unwrap()
}

/// A PNG of the window's size with more in it than a blank page.
fn check_png(png: &[u8], window: &str) {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "a PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    let size = format!("{},{}", be(16), be(20));
    assert_eq!(size, window, "the screenshot is the window");
    assert!(
        png.len() > 20_000,
        "a rendered page, not a blank one: only {} bytes",
        png.len()
    );
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
}

/// Waits until `ready` holds for the exporter's snapshot.
async fn wait_until(exporter: &RunningExporter, what: &str, ready: impl Fn(&Snapshot) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let snapshot = exporter.snapshot();
        if ready(&snapshot) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} did not happen in 60 s: {snapshot:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The serialized `<tr>` of collector `name` in Chromium's DOM.
fn row<'a>(dom: &'a str, name: &str) -> &'a str {
    let marker = format!("<code>{name}</code>");
    let at = dom
        .find(&marker)
        .unwrap_or_else(|| panic!("no row for {name} in {dom}"));
    let start = dom[..at].rfind("<tr").unwrap();
    &dom[start..at + dom[at..].find("</tr>").unwrap()]
}

#[tokio::test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs chromium (apt-get install --no-install-recommends chromium fonts-dejavu-core)"
)]
async fn the_landing_page_in_headless_chromium() {
    let sim_config = small_tenant();
    let sim = start_simulator(sim_config.clone()).await;
    // ZPA data that is not what the model expects: the collector's error quotes it.
    let microtenant = sim
        .control()
        .objects("microtenants")
        .into_iter()
        .find(|m| m["id"] != "0")
        .expect("a microtenant besides Default");
    assert!(sim.control().patch_object(
        "microtenants",
        microtenant["id"].as_str().unwrap(),
        serde_json::json!({"name": HOSTILE, "enabled": HOSTILE}),
    ));
    sim.control()
        .set_fault(fault("connector", FaultKind::Status(500)));
    sim.control()
        .set_fault(fault("serviceEdge", FaultKind::FeatureDenied));
    // Never answers: with a long request timeout, its first run is still going on.
    sim.control()
        .set_fault(fault("policyRules", FaultKind::Hang));
    let mut config = exporter_config(&sim, &sim_config, Duration::from_secs(300));
    config.request_timeout = Duration::from_secs(600);
    let exporter = start_exporter(config).await;
    wait_until(&exporter, "every collector but the hung one ran", |s| {
        s.collectors
            .iter()
            .all(|c| c.name == "policy_rules" || c.runs > 0)
    })
    .await;

    let url = format!("http://{}/", exporter.local_addr());
    let (dom, shot) = browse(url, "1200,1400", "landing-page").await;
    assert!(shot.is_file());

    // Markup that came from ZPA is text, not elements: the page has no script at all.
    assert!(!dom.contains("<script"), "{dom}");
    let quoted = "&lt;script&gt;alert('zpa')&lt;/script&gt; &amp; Ωμέγα 日本語";
    assert!(
        row(&dom, "microtenants").contains(quoted),
        "{}",
        row(&dom, "microtenants")
    );
    assert!(row(&dom, "microtenants").contains("✗ failing"));
    let connectors = row(&dom, "app_connectors");
    assert!(connectors.contains("✗ failing"), "{connectors}");
    assert!(connectors.contains("HTTP 500"), "{connectors}");
    let edges = row(&dom, "service_edges");
    assert!(edges.contains("⊘ unavailable"), "{edges}");
    assert!(edges.contains("recheck in"), "{edges}");
    let policy = row(&dom, "policy_rules");
    assert!(policy.contains("… pending"), "{policy}");
    assert!(policy.contains("no data yet"), "{policy}");
    let segments = row(&dom, "application_segments");
    assert!(segments.contains("✓ ok"), "{segments}");
    assert!(
        segments.contains(" of 5m"),
        "data age against the interval: {segments}"
    );

    assert!(dom.contains("<title>ZPA Exporter: DOWN</title>"));
    assert!(dom.contains("✗ down"));
    assert!(dom.contains("✗ not ready"));
    assert!(dom.contains("no successful run yet of: microtenants, app_connectors"));
    assert!(dom.contains("<dt>Sign-in</dt><dd>legacy API key</dd>"));
    assert!(dom.contains(&format!("<code>{}</code>", sim.base_url())));
    assert!(dom.contains(&format!("<code>{}</code>", sim_config.customer_id)));
    assert!(dom.contains("<code>20/10s</code>"));
    assert!(!dom.contains("Demo mode"));
    assert!(!dom.contains("role=\"alert\""), "no configuration error");

    exporter.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
#[cfg_attr(
    not(has_chromium),
    ignore = "needs chromium (apt-get install --no-install-recommends chromium fonts-dejavu-core)"
)]
async fn the_demo_banner_in_headless_chromium_on_a_narrow_screen() {
    let mut config = Config::demo();
    config.listen_addresses = vec![loopback()];
    let exporter = start_exporter(config).await;
    wait_rounds(&exporter, 1).await;

    let url = format!("http://{}/", exporter.local_addr());
    let (dom, _) = browse(url, "420,1600", "landing-page-demo-narrow").await;
    assert!(
        dom.contains("<title>ZPA Exporter (demo): up</title>"),
        "{dom}"
    );
    assert!(dom.contains("<strong>Demo mode.</strong>"));
    assert!(dom.contains("simulated by the built-in ZPA simulator"));
    assert!(dom.contains("No credentials are used"));
    assert!(dom.contains("<small>the built-in simulator</small>"));
    assert!(row(&dom, "application_segments").contains("✓ ok"));
    assert!(!dom.contains("<script"));

    exporter.shutdown().await;
}
