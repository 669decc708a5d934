//! Binding every `--web.listen-address`, as exporter-toolkit serves each one it is given, or
//! taking the sockets systemd passes (`--web.systemd-socket`, socket activation).
//!
//! Written on socket2 rather than `TcpListener::bind` for one reason: on Linux an IPv6
//! wildcard socket also takes the IPv4 port by default (`net.ipv6.bindv6only=0`), so
//! `--web.listen-address=0.0.0.0:9891 --web.listen-address=[::]:9891`, the common way to serve
//! both families, would fail with "address in use". An IPv6 address whose port is also given
//! for IPv4 is therefore bound IPv6-only; alone, it keeps the system's dual-stack default.

use std::io;
use std::net::SocketAddr;

use socket2::{Domain, Socket, Type};
use tokio::net::TcpListener;

/// Pending connections the kernel holds per listener before accept, as tokio's `bind` sets.
const BACKLOG: i32 = 1024;

/// Binds each of `addrs` in order; the first that fails is returned with its error.
pub(crate) fn bind_all(addrs: &[SocketAddr]) -> Result<Vec<TcpListener>, (SocketAddr, io::Error)> {
    addrs
        .iter()
        .map(|&addr| {
            let v6_only = addr.is_ipv6()
                && addrs
                    .iter()
                    .any(|other| other.is_ipv4() && other.port() == addr.port());
            bind(addr, v6_only).map_err(|e| (addr, e))
        })
        .collect()
}

/// The TCP sockets systemd passed to this process (`LISTEN_FDS`, `LISTEN_PID`), in order.
/// None, or one that is not a listening TCP socket, is an error: the unit's `.socket` is
/// missing or wrong, and serving nothing would look healthy to nobody.
pub(crate) fn from_systemd() -> io::Result<Vec<TcpListener>> {
    let mut fds = listenfd::ListenFd::from_env();
    if fds.len() == 0 {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            "systemd passed no socket (LISTEN_FDS and LISTEN_PID are not set for this process; \
             start it from a .socket unit)",
        ));
    }
    (0..fds.len())
        .map(|i| {
            let listener = fds
                .take_tcp_listener(i)?
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a TCP socket"))?;
            listener.set_nonblocking(true)?;
            TcpListener::from_std(listener)
        })
        .collect()
}

fn bind(addr: SocketAddr, v6_only: bool) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    if v6_only {
        socket.set_only_v6(true)?;
    }
    // As Go and tokio do: a restart can take the port while old connections linger in
    // TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    TcpListener::from_std(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ipv4_and_ipv6_wildcards_share_a_port() {
        // Find a port free on both families, then take it twice.
        let probe = bind_all(&["0.0.0.0:0".parse().unwrap()]).unwrap();
        let port = probe[0].local_addr().unwrap().port();
        drop(probe);
        let v4 = SocketAddr::from(([0, 0, 0, 0], port));
        let v6 = SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, port));
        match bind_all(&[v4, v6]) {
            Ok(listeners) => assert_eq!(listeners.len(), 2),
            // A machine without IPv6 cannot have the clash this guards against.
            Err((addr, e)) if addr == v6 && e.kind() == io::ErrorKind::AddrNotAvailable => {}
            Err((addr, e)) if addr == v6 && e.raw_os_error() == Some(97) => {} // EAFNOSUPPORT
            Err((addr, e)) => panic!("{addr}: {e}"),
        }
    }

    #[tokio::test]
    async fn a_taken_address_names_itself() {
        let first = bind_all(&["127.0.0.1:0".parse().unwrap()]).unwrap();
        let taken = first[0].local_addr().unwrap();
        let free = SocketAddr::from(([127, 0, 0, 1], 0));
        let (addr, e) = bind_all(&[free, taken]).unwrap_err();
        assert_eq!(addr, taken);
        assert_eq!(e.kind(), io::ErrorKind::AddrInUse);
    }
}
