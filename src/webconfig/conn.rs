//! Connection-level limits, as the first acceptor in axum-server's chain (before TLS):
//!
//! * a cap on open connections ([`Slots`]) — one more takes the slot of the oldest connection
//!   that sent no request or stopped reading, or is closed at once when there is none;
//! * a stall timeout on writes — a client that stops reading (pipelining scrapes it never
//!   reads) loses its connection instead of pinning a task forever;
//! * on the TLS port, a plain-HTTP request gets a readable `400` (as Go's servers answer)
//!   instead of a TLS alert the user cannot read.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum_server::accept::Accept;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

use super::slots::{Held, MarkRequested, Slots};
use super::WRITE_STALL_TIMEOUT;

/// What Go's `net/http` answers when plain HTTP reaches a TLS listener.
const PLAIN_HTTP_ON_TLS: &[u8] = b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n";

/// The first byte of a TLS record carrying a handshake.
const TLS_HANDSHAKE: u8 = 0x16;

/// Limits every accepted connection, then hands it to `inner` (TLS or nothing).
#[derive(Clone)]
pub(super) struct Limited<A> {
    inner: A,
    slots: Arc<Slots>,
    /// Answer plain HTTP with a readable 400: set on the TLS listener.
    tls_port: bool,
}

impl<A> Limited<A> {
    pub(super) fn new(inner: A, slots: Arc<Slots>, tls_port: bool) -> Self {
        Limited {
            inner,
            slots,
            tls_port,
        }
    }
}

impl<A, S> Accept<TcpStream, S> for Limited<A>
where
    A: Accept<Guarded, MarkRequested<S>> + Clone + Send + Sync + 'static,
    A::Future: Send,
    S: Send + 'static,
{
    type Stream = A::Stream;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(A::Stream, A::Service)>> + Send>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let Some(held) = this.slots.admit_or_wait().await else {
                return Err(io::Error::other(
                    "connection limit reached and every connection is busy; closing the connection",
                ));
            };
            stream.set_nodelay(true)?;
            let is_tls = this.tls_port
                && tokio::select! {
                    tls = starts_like_tls(&stream) => tls,
                    () = held.slot.evicted() => Err(evicted()),
                }?;
            if this.tls_port && !is_tls {
                // Best effort, a second at most: the client may already be gone.
                let _ =
                    tokio::time::timeout(Duration::from_secs(1), answer_plain_http(stream)).await;
                return Err(io::Error::other("plain HTTP on the TLS port; answered 400"));
            }
            let service = MarkRequested::new(service, held.slot.clone());
            let guarded = Guarded {
                inner: stream,
                held,
                stalled_since: None,
            };
            this.inner.accept(guarded, service).await
        })
    }
}

/// Writes the 400 and closes cleanly: the request still unread would make the kernel reset the
/// connection, and a reset can destroy the answer before the client reads it.
async fn answer_plain_http(mut stream: TcpStream) -> io::Result<()> {
    stream.write_all(PLAIN_HTTP_ON_TLS).await?;
    stream.shutdown().await?;
    let mut sink = [0u8; 1024];
    while tokio::io::AsyncReadExt::read(&mut stream, &mut sink).await? > 0 {}
    Ok(())
}

/// Whether the connection's first byte opens a TLS handshake. A client that sends nothing
/// within the handshake timeout, or goes away, is dropped here.
async fn starts_like_tls(stream: &TcpStream) -> io::Result<bool> {
    let mut first = [0u8; 1];
    match tokio::time::timeout(super::TLS_HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await {
        Err(_) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "nothing received within the TLS handshake timeout",
        )),
        Ok(Ok(0)) => Err(io::ErrorKind::UnexpectedEof.into()),
        Ok(Ok(_)) => Ok(first[0] == TLS_HANDSHAKE),
        Ok(Err(e)) => Err(e),
    }
}

fn evicted() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionAborted,
        "connection limit reached; this connection sent no request or stopped reading, and gave way",
    )
}

/// A connection holding its slot until it closes (or gives way), whose writes may stall only
/// so long.
pub(super) struct Guarded {
    inner: TcpStream,
    held: Held,
    stalled_since: Option<Pin<Box<Sleep>>>,
}

impl Guarded {
    /// A write finished: the stall clocks stop.
    fn progressed<T>(&mut self, result: io::Result<T>) -> io::Result<T> {
        self.stalled_since = None;
        self.held.write_progressed();
        result
    }

    /// Fails the write when it has made no progress for [`WRITE_STALL_TIMEOUT`].
    fn check_stall(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.held.write_pending();
        let timer = self.stalled_since.get_or_insert_with(|| {
            Box::pin(tokio::time::sleep_until(
                Instant::now() + WRITE_STALL_TIMEOUT,
            ))
        });
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.held.slot.poll_evicted(cx) {
            return Poll::Ready(Err(evicted()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.held.slot.poll_evicted(cx) {
            return Poll::Ready(Err(evicted()));
        }
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(result) => Poll::Ready(self.progressed(result)),
            Poll::Pending => self.check_stall(cx).map(|r| r.map(|()| 0)),
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.held.slot.poll_evicted(cx) {
            return Poll::Ready(Err(evicted()));
        }
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => Poll::Ready(self.progressed(result)),
            Poll::Pending => self.check_stall(cx).map(|r| r.map(|()| 0)),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.held.slot.poll_evicted(cx) {
            return Poll::Ready(Err(evicted()));
        }
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Ready(result) => Poll::Ready(self.progressed(result)),
            Poll::Pending => self.check_stall(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
