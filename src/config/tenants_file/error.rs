//! What can be wrong with a tenants file (`--config.file`): one [`FileError`] per load, naming
//! the file, and for a tenant's setting the tenant and the field, so `main` (and a reload) can
//! print it on one line. Nothing here ever holds a secret's value: inline secrets are refused
//! by field name, and values are echoed only for fields that cannot be secrets.

use std::fmt;
use std::path::PathBuf;

use crate::config::Problem;

/// A tenants file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file cannot be read.
    #[error("--config.file {}: cannot read it", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Bigger than any sensible tenants file: a wrong path, most likely.
    #[error("--config.file {}: larger than {max} bytes", .path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The bound.
        max: u64,
    },
    /// Not YAML of the expected shape (unknown keys included).
    #[error("--config.file {}: not a tenants file", .path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// serde's message, with the line and column.
        #[source]
        source: serde_yaml_ng::Error,
    },
    /// `tenants:` is empty or missing.
    #[error("--config.file {}: tenants: lists no tenant", .path.display())]
    NoTenants {
        /// The file.
        path: PathBuf,
    },
    /// More tenants than one exporter is built to poll.
    #[error("--config.file {}: tenants: {count} tenants, more than the {max} allowed", .path.display())]
    TooManyTenants {
        /// The file.
        path: PathBuf,
        /// Tenants listed.
        count: usize,
        /// The bound.
        max: usize,
    },
    /// One setting of one tenant (or of `defaults:`).
    #[error(transparent)]
    Tenant(#[from] Box<TenantError>),
}

/// One unusable setting: the file, the tenant (by name and position), the field and why.
#[derive(Debug)]
pub struct TenantError {
    /// The file.
    pub path: PathBuf,
    /// `tenants[3] "acme"`, or `defaults`.
    pub tenant: String,
    /// The field's path inside the tenant, e.g. `auth.legacy.client_secret_file`.
    pub field: String,
    /// What is wrong with it.
    pub problem: FieldProblem,
}

impl fmt::Display for TenantError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--config.file {}: {}: {}: {}",
            self.path.display(),
            self.tenant,
            self.field,
            self.problem
        )
    }
}

impl std::error::Error for TenantError {
    /// The problem's own cause: the problem itself is part of this error's message.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.problem)
    }
}

/// What is wrong with one field.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)] // Each variant's message is its documentation.
pub enum FieldProblem {
    /// The same check as the command line's flag (URLs, secret files, keys, numeric ids).
    #[error(transparent)]
    Setting(Problem),
    #[error(
        "{0:?} is not a tenant name: 1 to 63 letters, digits, '_', '.' or '-', starting with a \
         letter or digit"
    )]
    BadName(String),
    #[error("{0:?} is also the name of tenants[{1}]")]
    DuplicateName(String, usize),
    #[error("secrets are never written in this file; use {0}")]
    InlineSecret(&'static str),
    #[error("set only one of {0}")]
    Exclusive(&'static str),
    #[error("is required; set {0}")]
    Missing(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{0:?} is not a collector; expected one of {1}")]
    UnknownCollector(String, String),
    #[error("{0} is outside 1s to 7d")]
    IntervalRange(String),
    #[error("environment variable {0} is not set or is empty")]
    EnvUnset(String),
    #[error("{0} is also a listen address of {1}")]
    AddressTwice(std::net::SocketAddr, String),
}
