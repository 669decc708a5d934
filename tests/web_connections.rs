//! Connections to the web layer: graceful shutdown lets an in-flight request finish, handlers
//! see the peer address, and slow clients are disconnected.

mod web;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;
use tokio::sync::oneshot;
use zpa_exporter::{serve_with_web_config as serve, ServeOptions};

use web::*;

#[tokio::test]
async fn graceful_shutdown_lets_in_flight_request_finish() {
    let server = Server::start(None, &[]).await;
    let url = server.http("/slow");
    let addr = server.addr;
    let in_flight = tokio::spawn(async move { plain_client().get(url).send().await });
    tokio::time::timeout(Duration::from_secs(10), server.slow_started.notified())
        .await
        .expect("slow request reached the handler");

    let started = Instant::now();
    server.shutdown().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "serve returned before the in-flight request finished"
    );
    let response = in_flight
        .await
        .unwrap()
        .expect("in-flight request completed");
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "finally\n");

    let after = tokio::net::TcpStream::connect(addr).await;
    assert!(after.is_err(), "listener still accepting after shutdown");
}

#[tokio::test]
async fn handlers_see_the_peer_address() {
    use axum::extract::ConnectInfo;
    let app = Router::new().route(
        "/peer",
        get(|ConnectInfo(peer): ConnectInfo<SocketAddr>| async move { peer.ip().to_string() }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(vec![listener], app, ServeOptions::default(), async {
        let _ = stopped.await;
    }));
    let response = plain_client()
        .get(format!("http://{addr}/peer"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "127.0.0.1");
    let _ = stop.send(());
    task.await.unwrap().unwrap();
}

/// Waits until the peer closes `stream` (or `limit` passes) and returns how long that took.
async fn time_until_closed(stream: &mut tokio::net::TcpStream, limit: Duration) -> Duration {
    use tokio::io::AsyncReadExt;
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout_at((start + limit).into(), stream.read(&mut buf)).await {
            Err(_) => panic!("connection still open after {limit:?}"),
            Ok(Ok(0) | Err(_)) => return start.elapsed(),
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test]
async fn slow_clients_are_disconnected() {
    use tokio::io::AsyncWriteExt;
    use zpa_exporter::{HEADER_READ_TIMEOUT, TLS_HANDSHAKE_TIMEOUT};
    let ca = Ca::new("test CA");
    let files = Files::new();
    files.server_cert(&ca.server("server-1", 1));
    let tls = Server::start(Some(files.config(&tls_yaml(""))), &[]).await;
    let plain = Server::start(None, &[]).await;
    let margin = Duration::from_secs(5);

    // Connects and never starts the TLS handshake.
    let silent = async {
        let mut stream = tokio::net::TcpStream::connect(tls.addr).await.unwrap();
        time_until_closed(&mut stream, TLS_HANDSHAKE_TIMEOUT + margin).await
    };
    // Starts a request head and never finishes it (slowloris).
    let slow_head = async {
        let mut stream = tokio::net::TcpStream::connect(plain.addr).await.unwrap();
        stream
            .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        time_until_closed(&mut stream, HEADER_READ_TIMEOUT + margin).await
    };
    let (silent, slow_head) = tokio::join!(silent, slow_head);
    assert!(
        silent >= TLS_HANDSHAKE_TIMEOUT - Duration::from_secs(1),
        "silent TLS client closed after {silent:?}, before the handshake timeout"
    );
    assert!(
        slow_head >= HEADER_READ_TIMEOUT - Duration::from_secs(1),
        "slow request head closed after {slow_head:?}, before the header timeout"
    );
    tls.shutdown().await.unwrap();
    plain.shutdown().await.unwrap();
}
