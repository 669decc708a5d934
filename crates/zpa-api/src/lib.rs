//! Everything that talks to the ZPA management API: sign-in, the client, paging, rate limits.

pub mod auth;
pub mod client;
pub mod cloud;
pub mod error;
pub mod paging;
pub mod ratelimit;
pub mod secret;
pub mod telemetry;

pub use client::{Client, Endpoint, RetryPolicy, Tenant};
pub use error::{Error, SignInFailure};
pub use secret::Secret;
