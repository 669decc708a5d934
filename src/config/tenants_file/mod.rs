//! The tenants file (`--config.file`, YAML): `defaults:` plus `tenants:`, validated into one
//! [`TenantSpec`] per tenant holding the same facts a single tenant's flags give
//! ([`crate::config::ZpaTarget`], rate limit, intervals), so the rest of the exporter cannot
//! tell where a tenant came from. The example file with every key is `docs/config-file.md`.
//!
//! Rules, each checked before a file is used (a reload keeps the old tenants on any error):
//! unknown keys are refused; secrets come only from files (`*_file`, relative to the file's
//! directory, as Prometheus resolves paths) or environment variables (`*_env`), never inline;
//! `cloud` and `base_url` exclude each other; names are unique and usable as label values;
//! intervals are named by collector and lie between 1 s and 7 days.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use zpa_api::auth::{OneApiCredential, PrivateKey};
use zpa_api::cloud::{Cloud, OneApiCloud};
use zpa_api::ratelimit::RateLimit;
use zpa_api::Secret;

mod error;
mod raw;

pub use error::FileError;
pub(crate) use error::{FieldProblem, TenantError};
use raw::{RawDefaults, RawFile, RawLegacy, RawLss, RawOneApi, RawTenant};

use super::tenant::{is_tenant_name, TenantSpec, ZpaTarget};
use super::{listener, read_secret_file, tenant_checks, validate_base_url, Auth, AuthMethod};
use crate::collectors::ALL as ALL_COLLECTORS;
use crate::lss::TenantLss;

/// A tenants file larger than this is refused unread.
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 20;
/// Tenants one exporter (one shard) is built for: each has its own client and scheduler.
pub(crate) const MAX_TENANTS: usize = 1000;
/// The longest collector interval accepted.
pub(crate) const MAX_INTERVAL: Duration = Duration::from_secs(7 * 86_400);
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// A loaded tenants file.
#[derive(Debug, Clone)]
pub struct TenantsFile {
    /// In file order.
    pub tenants: Vec<TenantSpec>,
    /// Accepted but worth a warning, one line each.
    pub warnings: Vec<String>,
}

/// Reads and validates `path`, taking `*_env` secrets from the process environment.
pub fn load(path: &Path) -> Result<TenantsFile, FileError> {
    load_with_env(path, &|name| std::env::var(name).ok())
}

/// [`load`] with the environment given, so tests need not touch the process's.
pub fn load_with_env(
    path: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<TenantsFile, FileError> {
    let text = read_bounded(path)?;
    let raw: RawFile = serde_yaml_ng::from_str(&text).map_err(|source| FileError::Parse {
        path: path.to_path_buf(),
        source,
    })?;
    if raw.tenants.is_empty() {
        return Err(FileError::NoTenants {
            path: path.to_path_buf(),
        });
    }
    if raw.tenants.len() > MAX_TENANTS {
        return Err(FileError::TooManyTenants {
            path: path.to_path_buf(),
            count: raw.tenants.len(),
            max: MAX_TENANTS,
        });
    }
    let ctx = FileReader {
        path,
        dir: path.parent().unwrap_or(Path::new(".")),
        env,
    };
    let defaults = ctx.defaults(&raw.defaults)?;
    let mut tenants = Vec::with_capacity(raw.tenants.len());
    let mut warnings = Vec::new();
    let mut names: HashMap<String, usize> = HashMap::new();
    let mut customers: HashMap<String, usize> = HashMap::new();
    let mut addresses: Vec<(SocketAddr, String)> = Vec::new();
    for (i, t) in raw.tenants.iter().enumerate() {
        let who = format!("tenants[{i}] {:?}", t.name);
        let fail = |field: &str, problem| ctx.error(&who, field, problem);
        if !is_tenant_name(&t.name) {
            return Err(fail("name", FieldProblem::BadName(t.name.clone())));
        }
        if let Some(&first) = names.get(&t.name) {
            return Err(fail(
                "name",
                FieldProblem::DuplicateName(t.name.clone(), first),
            ));
        }
        names.insert(t.name.clone(), i);
        let spec = ctx.tenant(&who, t, &defaults)?;
        for listener in spec.lss.iter().flat_map(|l| &l.listeners) {
            if let Some((_, first)) = addresses.iter().find(|(a, _)| overlap(*a, listener.addr)) {
                return Err(ctx.error(
                    &who,
                    "lss.listen_addresses",
                    FieldProblem::AddressTwice(listener.addr, first.clone()),
                ));
            }
            addresses.push((listener.addr, who.clone()));
        }
        if let Some(&first) = customers.get(&spec.target.customer_id) {
            warnings.push(format!(
                "{who} reads the same customer id as tenants[{first}]: ZPA's rate limit is per \
                 customer and source IP, so both share one budget"
            ));
        } else {
            customers.insert(spec.target.customer_id.clone(), i);
        }
        if above_zpa_budget(spec.rate_limit) {
            warnings.push(format!(
                "{who}: rate_limit {} is above ZPA's documented budget of 20 GETs per 10 s per \
                 tenant and source IP: expect 429 responses",
                spec.rate_limit
            ));
        }
        tenants.push(spec);
    }
    Ok(TenantsFile { tenants, warnings })
}

/// Whether two listen addresses would take the same port (port 0: the OS picks, never).
fn overlap(a: SocketAddr, b: SocketAddr) -> bool {
    a.port() != 0
        && a.port() == b.port()
        && (a.ip() == b.ip() || a.ip().is_unspecified() || b.ip().is_unspecified())
}

fn above_zpa_budget(l: RateLimit) -> bool {
    let per_second = |l: RateLimit| f64::from(l.max) / l.period.as_secs_f64();
    per_second(l) > per_second(RateLimit::ZPA_DEFAULT) || l.max > RateLimit::ZPA_DEFAULT.max
}

fn read_bounded(path: &Path) -> Result<String, FileError> {
    let read_error = |source| FileError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(read_error)?;
    let mut text = String::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(read_error)?;
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(FileError::TooLarge {
            path: path.to_path_buf(),
            max: MAX_FILE_BYTES,
        });
    }
    Ok(text)
}

/// What `defaults:` says, validated.
struct Defaults {
    cloud: Option<String>,
    rate_limit: RateLimit,
    poll_interval: Option<Duration>,
    intervals: BTreeMap<&'static str, Duration>,
}

/// What validating a tenant reads besides the YAML: the file (for errors), its directory (for
/// relative secret paths) and the environment (for `*_env` secrets).
struct FileReader<'a> {
    path: &'a Path,
    dir: &'a Path,
    env: &'a dyn Fn(&str) -> Option<String>,
}

impl FileReader<'_> {
    fn error(&self, who: &str, field: &str, problem: FieldProblem) -> FileError {
        FileError::Tenant(Box::new(TenantError {
            path: self.path.to_path_buf(),
            tenant: who.to_string(),
            field: field.to_string(),
            problem,
        }))
    }

    fn defaults(&self, raw: &RawDefaults) -> Result<Defaults, FileError> {
        let who = "defaults";
        let rate_limit = match &raw.rate_limit {
            Some(text) => parse_rate_limit(text).map_err(|p| self.error(who, "rate_limit", p))?,
            None => RateLimit::ZPA_DEFAULT,
        };
        Ok(Defaults {
            cloud: raw.cloud.clone(),
            rate_limit,
            poll_interval: self.optional_interval(who, "poll_interval", &raw.poll_interval)?,
            intervals: self.intervals(who, &raw.intervals)?,
        })
    }

    fn tenant(&self, who: &str, t: &RawTenant, d: &Defaults) -> Result<TenantSpec, FileError> {
        let fail = |field: &str, problem| self.error(who, field, problem);
        let customer_id = tenant_checks::customer_id(&t.customer_id.text())
            .map_err(|p| fail("customer_id", FieldProblem::Setting(p)))?;
        let microtenant_id = match &t.microtenant_id {
            None => None,
            Some(id) => Some(
                tenant_checks::numeric_id(&id.text(), "microtenant id")
                    .map_err(|p| fail("microtenant_id", FieldProblem::Setting(p)))?,
            ),
        };
        if t.cloud.is_some() && t.base_url.is_some() {
            return Err(fail("cloud", FieldProblem::Exclusive("cloud and base_url")));
        }
        let rate_limit = match &t.rate_limit {
            Some(text) => parse_rate_limit(text).map_err(|p| fail("rate_limit", p))?,
            None => d.rate_limit,
        };
        let poll_interval = self
            .optional_interval(who, "poll_interval", &t.poll_interval)?
            .or(d.poll_interval);
        let mut collector_intervals = d.intervals.clone();
        collector_intervals.extend(self.intervals(who, &t.intervals)?);
        let (base_url, client_id, client_secret, method, reason) =
            match (&t.auth.legacy, &t.auth.oneapi) {
                (Some(legacy), None) => self.legacy(who, t, legacy, d)?,
                (None, Some(oneapi)) => self.oneapi(who, t, oneapi, d)?,
                (Some(_), Some(_)) => {
                    return Err(fail("auth", FieldProblem::Exclusive("legacy and oneapi")))
                }
                (None, None) => {
                    return Err(fail("auth", FieldProblem::Missing("legacy or oneapi")))
                }
            };
        let lss = match &t.lss {
            None => None,
            Some(raw) => Some(self.lss(who, raw)?),
        };
        Ok(TenantSpec {
            lss,
            shard: t.shard,
            name: t.name.clone(),
            target: ZpaTarget {
                base_url,
                customer_id,
                client_id,
                client_secret,
                microtenant_id,
                auth: Auth { method, reason },
            },
            rate_limit,
            poll_interval,
            collector_intervals,
        })
    }

    fn lss(&self, who: &str, raw: &RawLss) -> Result<TenantLss, FileError> {
        let fail = |field: &str, problem| self.error(who, field, problem);
        let listeners = raw
            .listen_addresses
            .iter()
            .map(|value| {
                listener(value).map_err(|p| fail("lss.listen_addresses", FieldProblem::Setting(p)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if listeners.is_empty() {
            return Err(fail(
                "lss.listen_addresses",
                FieldProblem::Missing("at least one [TYPE=]HOST:PORT"),
            ));
        }
        if raw.client_ca_file.is_some() && !raw.tls {
            return Err(fail(
                "lss.client_ca_file",
                FieldProblem::Invalid("needs lss.tls: true (client certificates are TLS)".into()),
            ));
        }
        Ok(TenantLss {
            listeners,
            tls: raw.tls,
            client_ca_file: raw.client_ca_file.as_ref().map(|p| self.dir.join(p)),
        })
    }

    fn legacy(
        &self,
        who: &str,
        t: &RawTenant,
        a: &RawLegacy,
        d: &Defaults,
    ) -> Result<SignIn, FileError> {
        let fail = |field: &str, problem| self.error(who, field, problem);
        if a.client_secret.is_some() {
            return Err(fail(
                "auth.legacy.client_secret",
                FieldProblem::InlineSecret("client_secret_file or client_secret_env"),
            ));
        }
        let base_url = match (&t.base_url, t.cloud.as_ref().or(d.cloud.as_ref())) {
            (Some(url), _) => validate_base_url(url).map_err(|e| fail("base_url", setting(e)))?,
            (None, Some(name)) => name
                .parse::<Cloud>()
                .map_err(|e| fail("cloud", FieldProblem::Invalid(e)))?
                .base_url()
                .to_string(),
            (None, None) => Cloud::Production.base_url().to_string(),
        };
        let client_id = required(&a.client_id).map_err(|p| fail("auth.legacy.client_id", p))?;
        let secret = match (&a.client_secret_file, &a.client_secret_env) {
            (Some(_), Some(_)) => {
                return Err(fail(
                    "auth.legacy",
                    FieldProblem::Exclusive("client_secret_file and client_secret_env"),
                ))
            }
            (Some(file), None) => self
                .secret_file(file)
                .map_err(|p| fail("auth.legacy.client_secret_file", p))?,
            (None, Some(var)) => self
                .secret_env(var)
                .map_err(|p| fail("auth.legacy.client_secret_env", p))?,
            (None, None) => {
                return Err(fail(
                    "auth.legacy",
                    FieldProblem::Missing("client_secret_file or client_secret_env"),
                ))
            }
        };
        Ok((
            base_url,
            client_id,
            secret,
            AuthMethod::Legacy,
            "auth: legacy in --config.file",
        ))
    }

    fn oneapi(
        &self,
        who: &str,
        t: &RawTenant,
        a: &RawOneApi,
        d: &Defaults,
    ) -> Result<SignIn, FileError> {
        let fail = |field: &str, problem| self.error(who, field, problem);
        if a.client_secret.is_some() || a.private_key.is_some() {
            let field = if a.client_secret.is_some() {
                "auth.oneapi.client_secret"
            } else {
                "auth.oneapi.private_key"
            };
            return Err(fail(
                field,
                FieldProblem::InlineSecret(
                    "client_secret_file, client_secret_env or private_key_file",
                ),
            ));
        }
        let cloud = match t.cloud.as_ref().or(d.cloud.as_ref()) {
            Some(name) => name
                .parse::<OneApiCloud>()
                .map_err(|e| fail("cloud", FieldProblem::Invalid(e)))?,
            None => OneApiCloud::Production,
        };
        let gateway = match &t.base_url {
            Some(url) => validate_base_url(url).map_err(|e| fail("base_url", setting(e)))?,
            None => cloud.api_base_url(),
        };
        let token_url = match (&a.token_url, &a.vanity_domain) {
            (Some(_), Some(_)) => {
                return Err(fail(
                    "auth.oneapi",
                    FieldProblem::Exclusive("token_url and vanity_domain"),
                ))
            }
            (Some(url), None) => {
                validate_base_url(url).map_err(|e| fail("auth.oneapi.token_url", setting(e)))?
            }
            (None, Some(vanity)) => tenant_checks::vanity_token_url(vanity, &cloud)
                .map_err(|p| fail("auth.oneapi.vanity_domain", FieldProblem::Setting(p)))?,
            (None, None) => {
                return Err(fail(
                    "auth.oneapi",
                    FieldProblem::Missing("vanity_domain or token_url"),
                ))
            }
        };
        let client_id = required(&a.client_id).map_err(|p| fail("auth.oneapi.client_id", p))?;
        let given = [
            a.client_secret_file.is_some(),
            a.client_secret_env.is_some(),
            a.private_key_file.is_some(),
        ];
        const CREDENTIALS: &str = "client_secret_file, client_secret_env or private_key_file";
        let credential = match given.iter().filter(|g| **g).count() {
            0 => return Err(fail("auth.oneapi", FieldProblem::Missing(CREDENTIALS))),
            1 => {
                if let Some(file) = &a.client_secret_file {
                    OneApiCredential::Secret(
                        self.secret_file(file)
                            .map_err(|p| fail("auth.oneapi.client_secret_file", p))?,
                    )
                } else if let Some(var) = &a.client_secret_env {
                    OneApiCredential::Secret(
                        self.secret_env(var)
                            .map_err(|p| fail("auth.oneapi.client_secret_env", p))?,
                    )
                } else {
                    let file = a.private_key_file.as_deref().unwrap_or(Path::new(""));
                    OneApiCredential::PrivateKey(
                        self.private_key(file)
                            .map_err(|p| fail("auth.oneapi.private_key_file", p))?,
                    )
                }
            }
            _ => return Err(fail("auth.oneapi", FieldProblem::Exclusive(CREDENTIALS))),
        };
        Ok((
            tenant_checks::oneapi_api_root(&gateway),
            client_id,
            Secret::new(""),
            AuthMethod::OneApi {
                token_url,
                credential,
            },
            "auth: oneapi in --config.file",
        ))
    }

    fn resolve(&self, file: &Path) -> PathBuf {
        self.dir.join(file)
    }

    fn secret_file(&self, file: &Path) -> Result<Secret, FieldProblem> {
        read_secret_file(&self.resolve(file), "").map_err(setting)
    }

    fn secret_env(&self, var: &str) -> Result<Secret, FieldProblem> {
        match (self.env)(var.trim()) {
            Some(value) if !value.is_empty() => Ok(Secret::new(value)),
            _ => Err(FieldProblem::EnvUnset(var.trim().to_string())),
        }
    }

    fn private_key(&self, file: &Path) -> Result<PrivateKey, FieldProblem> {
        tenant_checks::private_key(&self.resolve(file)).map_err(FieldProblem::Setting)
    }

    fn optional_interval(
        &self,
        who: &str,
        field: &str,
        text: &Option<String>,
    ) -> Result<Option<Duration>, FileError> {
        text.as_deref()
            .map(parse_interval)
            .transpose()
            .map_err(|p| self.error(who, field, p))
    }

    fn intervals(
        &self,
        who: &str,
        raw: &BTreeMap<String, String>,
    ) -> Result<BTreeMap<&'static str, Duration>, FileError> {
        let mut out = BTreeMap::new();
        for (name, text) in raw {
            let field = format!("intervals.{name}");
            let spec = ALL_COLLECTORS
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = ALL_COLLECTORS.iter().map(|s| s.name).collect();
                    self.error(
                        who,
                        &field,
                        FieldProblem::UnknownCollector(name.clone(), names.join(", ")),
                    )
                })?;
            let interval = parse_interval(text).map_err(|p| self.error(who, &field, p))?;
            out.insert(spec.name, interval);
        }
        Ok(out)
    }
}

/// Where a tenant's API is, who signs in, with what, how, and why that way.
type SignIn = (String, String, Secret, AuthMethod, &'static str);

/// The flag-level check's problem; its setting name is the flag's, not this file's field.
fn setting(e: crate::config::ConfigError) -> FieldProblem {
    FieldProblem::Setting(e.problem)
}

fn required(value: &str) -> Result<String, FieldProblem> {
    match value.trim() {
        "" => Err(FieldProblem::Invalid("is required".into())),
        v => Ok(v.to_string()),
    }
}

fn parse_rate_limit(text: &str) -> Result<RateLimit, FieldProblem> {
    text.parse().map_err(FieldProblem::Invalid)
}

fn parse_interval(text: &str) -> Result<Duration, FieldProblem> {
    let d = humantime::parse_duration(text.trim()).map_err(|e| {
        FieldProblem::Invalid(format!(
            "{text:?} is not a duration ({e}); use e.g. 60s, 5m"
        ))
    })?;
    if !(MIN_INTERVAL..=MAX_INTERVAL).contains(&d) {
        return Err(FieldProblem::IntervalRange(text.to_string()));
    }
    Ok(d)
}

#[cfg(test)]
mod tests;
