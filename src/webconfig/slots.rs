//! Connection slots: the cap on open connections (`--web.max-connections`), and which
//! connection gives way when it is full.
//!
//! A plain cap lets anyone lock out every scraper by opening that many connections and sending
//! nothing, or by pipelining requests and never reading. So when the slots are full, a new
//! connection takes the slot of the oldest one that is not doing its part: one that has not yet
//! delivered a complete request, or whose writes have made no progress for [`STALL_EVICTABLE`].
//! Connections that sent a request and read their answers keep their slots. When every slot
//! holds such a connection, the new one waits up to [`WAIT_FOR_SLOT`] (a few at a time, see
//! [`MAX_WAITING`]) for one to close or fall behind, and is closed after that. A fresh scrape sends its request within
//! milliseconds, so it would take hundreds of newer connections arriving in that time to evict
//! it. Nothing here is a crate's job: it joins the socket, which the acceptor sees, with the
//! request boundary, which only the connection's service sees ([`MarkRequested`]).

use std::collections::BTreeMap;
use std::future::poll_fn;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::task::AtomicWaker;
use tokio::time::Instant;

/// How long a write may wait on a client that does not read before its connection may give
/// way to a new one. Longer than a healthy reader ever pauses on loopback or a LAN, far shorter
/// than the write-stall timeout that closes it anyway.
pub(super) const STALL_EVICTABLE: Duration = Duration::from_secs(1);

/// How long a new connection may wait for a slot: long enough for a write that just stalled
/// to become evictable.
pub(super) const WAIT_FOR_SLOT: Duration = Duration::from_millis(1250);

/// New connections waiting for a slot at once; more are closed at once, so waiting cannot
/// become a way to hold unbounded file descriptors.
pub(super) const MAX_WAITING: usize = 64;

/// How often a waiting connection looks again.
const RETRY_EVERY: Duration = Duration::from_millis(50);

/// The open connections, oldest first.
pub(super) struct Slots {
    max: usize,
    epoch: Instant,
    state: Mutex<State>,
    waiting: AtomicUsize,
}

#[derive(Default)]
struct State {
    next_id: u64,
    /// By age: ids only grow.
    open: BTreeMap<u64, Arc<Slot>>,
}

/// One connection's standing, shared by its stream and the registry.
#[derive(Default)]
pub(super) struct Slot {
    /// A complete request arrived on it.
    requested: AtomicBool,
    /// When its current write started waiting, in ms since the epoch plus one; 0 when none.
    stalled_since: AtomicU64,
    evicted: AtomicBool,
    waker: AtomicWaker,
}

/// A connection's hold on its slot; dropping it frees the slot.
pub(super) struct Held {
    slots: Arc<Slots>,
    id: u64,
    pub(super) slot: Arc<Slot>,
}

impl Slots {
    pub(super) fn new(max: usize) -> Arc<Slots> {
        Arc::new(Slots {
            max,
            epoch: Instant::now(),
            state: Mutex::new(State::default()),
            waiting: AtomicUsize::new(0),
        })
    }

    /// A slot for a new connection: a free one, or the slot of the oldest connection
    /// that may give way (which is told to close). `None` when every connection is doing its
    /// part.
    pub(super) fn admit(self: &Arc<Self>) -> Option<Held> {
        let mut state = self.lock();
        if state.open.len() >= self.max {
            let now = self.now_ms();
            let (&id, victim) = state.open.iter().find(|(_, s)| s.may_give_way(now))?;
            victim.evict();
            state.open.remove(&id);
        }
        let id = state.next_id;
        state.next_id += 1;
        let slot = Arc::new(Slot::default());
        state.open.insert(id, slot.clone());
        Some(Held {
            slots: self.clone(),
            id,
            slot,
        })
    }

    /// [`admit`](Self::admit), or when every connection is doing its part, wait up to
    /// [`WAIT_FOR_SLOT`] for one to close or fall behind; `None` after that, or at once when
    /// [`MAX_WAITING`] connections are already waiting.
    pub(super) async fn admit_or_wait(self: &Arc<Self>) -> Option<Held> {
        if let Some(held) = self.admit() {
            return Some(held);
        }
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        let deadline = Instant::now() + WAIT_FOR_SLOT;
        let held = loop {
            tokio::time::sleep(RETRY_EVERY).await;
            if let Some(held) = self.admit() {
                break Some(held);
            }
            if Instant::now() >= deadline {
                break None;
            }
        };
        self.waiting.fetch_sub(1, Ordering::AcqRel);
        held
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The state, even after a panic while it was held: each change under the lock is one
    /// insert or remove, so the map is whole whatever happened, and refusing every later
    /// connection (or panicking again inside `Drop`) would be far worse.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.slots.lock().open.remove(&self.id);
    }
}

impl Held {
    /// A write is waiting on the client.
    pub(super) fn write_pending(&self) {
        let now = self.slots.now_ms() + 1;
        let _ =
            self.slot
                .stalled_since
                .compare_exchange(0, now, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// A write made progress.
    pub(super) fn write_progressed(&self) {
        self.slot.stalled_since.store(0, Ordering::Relaxed);
    }
}

impl Slot {
    /// The connection delivered a complete request.
    fn mark_requested(&self) {
        self.requested.store(true, Ordering::Relaxed);
    }

    fn may_give_way(&self, now_ms: u64) -> bool {
        if !self.requested.load(Ordering::Relaxed) {
            return true;
        }
        let since = self.stalled_since.load(Ordering::Relaxed);
        since != 0 && now_ms + 1 >= since + STALL_EVICTABLE.as_millis() as u64
    }

    fn evict(&self) {
        self.evicted.store(true, Ordering::Release);
        self.waker.wake();
    }

    /// Whether this connection was told to close; if not, `cx` is woken when it is.
    pub(super) fn poll_evicted(&self, cx: &mut Context<'_>) -> bool {
        self.waker.register(cx.waker());
        self.evicted.load(Ordering::Acquire)
    }

    /// Completes when this connection is told to close.
    pub(super) async fn evicted(&self) {
        poll_fn(|cx| {
            if self.poll_evicted(cx) {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        })
        .await;
    }
}

/// The connection's service, marking its slot when a request arrives complete: the connection
/// is doing its part and keeps its slot.
#[derive(Clone)]
pub(super) struct MarkRequested<S> {
    inner: S,
    slot: Arc<Slot>,
}

impl<S> MarkRequested<S> {
    pub(super) fn new(inner: S, slot: Arc<Slot>) -> Self {
        MarkRequested { inner, slot }
    }
}

impl<S: tower_service::Service<R>, R> tower_service::Service<R> for MarkRequested<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> S::Future {
        self.slot.mark_requested();
        self.inner.call(request)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_the_lock_was_held_does_not_stop_admitting_or_freeing() {
        let slots = Slots::new(1);
        let poisoner = slots.clone();
        let panicked = std::thread::spawn(move || {
            let _state = poisoner.state.lock().unwrap();
            panic!("poison the slots lock");
        })
        .join();
        assert!(panicked.is_err() && slots.state.is_poisoned());
        let held = slots.admit().expect("a free slot");
        held.slot.mark_requested();
        assert!(slots.admit().is_none(), "the one slot is taken");
        drop(held);
        assert!(slots.admit().is_some(), "dropping freed it");
    }

    #[tokio::test(start_paused = true)]
    async fn the_oldest_idle_connection_gives_way_and_busy_ones_never() {
        let slots = Slots::new(3);
        let a = slots.admit().unwrap();
        let b = slots.admit().unwrap();
        let c = slots.admit().unwrap();
        a.slot.mark_requested();
        // a sent a request: b, the oldest without one, gives way.
        let d = slots.admit().unwrap();
        assert!(!a.slot.evicted.load(Ordering::Relaxed));
        assert!(b.slot.evicted.load(Ordering::Relaxed));
        assert!(!c.slot.evicted.load(Ordering::Relaxed));
        c.slot.mark_requested();
        d.slot.mark_requested();
        // Everyone is doing its part: the next is refused.
        assert!(slots.admit().is_none());
        // A write waiting on a client that does not read: evictable only after a while.
        c.write_pending();
        tokio::time::advance(STALL_EVICTABLE / 2).await;
        assert!(slots.admit().is_none());
        tokio::time::advance(STALL_EVICTABLE).await;
        let e = slots.admit().unwrap();
        assert!(c.slot.evicted.load(Ordering::Relaxed));
        e.slot.mark_requested();
        // Progress resets the clock.
        d.write_pending();
        d.write_progressed();
        tokio::time::advance(STALL_EVICTABLE * 2).await;
        assert!(slots.admit().is_none());
        // A closed connection frees its slot.
        drop(a);
        assert!(slots.admit().is_some());
        drop((b, c, e));
    }

    #[tokio::test(start_paused = true)]
    async fn a_new_connection_waits_for_a_writer_to_fall_behind_but_not_forever() {
        let slots = Slots::new(1);
        let busy = slots.admit().unwrap();
        busy.slot.mark_requested();
        // Nobody falls behind: refused after the wait.
        let start = Instant::now();
        assert!(slots.admit_or_wait().await.is_none());
        assert!(start.elapsed() >= WAIT_FOR_SLOT);
        // A write that just started waiting on its client becomes evictable during the wait.
        busy.write_pending();
        let start = Instant::now();
        let held = slots.admit_or_wait().await;
        assert!(held.is_some() && busy.slot.evicted.load(Ordering::Relaxed));
        assert!(start.elapsed() >= STALL_EVICTABLE && start.elapsed() < WAIT_FOR_SLOT);
        held.as_ref().unwrap().slot.mark_requested();
        // Past MAX_WAITING, refused without waiting.
        let waiters: Vec<_> = (0..MAX_WAITING)
            .map(|_| {
                let slots = slots.clone();
                tokio::spawn(async move { slots.admit_or_wait().await.is_some() })
            })
            .collect();
        while slots.waiting.load(Ordering::Acquire) < MAX_WAITING {
            tokio::task::yield_now().await;
        }
        let start = Instant::now();
        assert!(slots.admit_or_wait().await.is_none());
        assert_eq!(start.elapsed(), Duration::ZERO);
        for waiter in waiters {
            assert!(!waiter.await.unwrap());
        }
        drop(held);
    }
}
