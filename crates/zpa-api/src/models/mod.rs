//! The ZPA objects the exporter reads, as ZPA sends them, and the endpoints that list them.
//!
//! Only the fields the exporter uses are modelled; serde skips the rest without building them.
//! Every number may come as a JSON string or a number, ids keep their exact decimal text, and a
//! missing field is `None` (ZPA omits rather than nulls).
//!
//! Fields are named after ZPA's JSON keys (camelCase in snake_case) and mean what ZPA means by
//! them, so only the fields that need a note carry one.
#![allow(missing_docs)]

pub mod application;
pub mod application_limit;
pub mod certificate;
pub mod connector;
pub mod fleet;
pub mod group;
pub mod idp;
pub mod lss_config;
pub mod microtenant;
pub mod policy;
pub mod private_cloud;
pub mod provisioning_key;
pub mod scim;
pub mod service_edge;
