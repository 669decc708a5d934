//! What talks to the Zscaler Private Access (ZPA) management API.
//!
//! * [`auth`]: signing in and keeping a valid bearer token ([`auth::TokenSource`] for each way
//!   in: the legacy API key, a OneAPI API client; [`auth::Authenticator`] for caching, renewal
//!   and backoff). [`cloud`] derives where each way in lives.
//! * [`Client`]: one tenant's authenticated, rate-limited ([`ratelimit`]), retrying GET with
//!   bounded bodies ([`body`]), behind the [`Api`] trait so tests can put a fake in its place;
//!   [`api::list`] follows `totalPages` ([`paging`] copes with ZPA's number-as-string quirks);
//!   through OneAPI it also keeps within the gateway's quota ([`quota`]).
//! * [`models`]: the objects the exporter reads, and the endpoints that list them.
//! * [`stats`]: what the client did, as plain counters for the exporter to publish.
//! * [`lss`]: the Log Streaming Service's log types, as its sender and receiver name them.
//!
//! Nothing here knows about Prometheus; nothing here prints a secret ([`Secret`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod api;
pub mod auth;
pub mod backoff;
pub mod body;
mod client;
pub mod cloud;
pub mod error;
pub mod lss;
pub mod models;
pub mod paging;
pub mod quota;
pub mod ratelimit;
mod secret;
pub mod stats;

use std::future::Future;
use std::pin::Pin;

pub use api::{Api, Endpoint};
pub use client::{Client, RetryPolicy, Tenant};
pub use error::{Error, SignInFailure};
pub use secret::Secret;

/// A boxed future, for the object-safe async traits ([`Api`], [`auth::TokenSource`]).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
