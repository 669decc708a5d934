//! The status page of an exporter with several tenants: the list of tenants, each a link to
//! its own details (`/?tenant=<name>`), and the page of a shard that owns none.

use std::fmt::Write;

use super::{escape, header, insert_after};

/// One tenant in the list shown when the exporter runs several.
#[derive(Debug, Clone)]
pub(crate) struct TenantLine {
    /// The `tenant` label.
    pub name: String,
    /// Its `zpa_up`.
    pub up: bool,
    /// Whether it is ready.
    pub ready: bool,
}

/// `page` (one tenant's) with the list of every tenant at the top of its main part, each a
/// link to its own page; `shown` is the tenant whose details follow.
pub(crate) fn with_tenants(page: String, tenants: &[TenantLine], shown: &str) -> String {
    let mut list = String::from(
        "<section aria-labelledby=\"tenants\"><h2 id=\"tenants\">Tenants</h2>\n<table>\
         <thead><tr><th>tenant</th><th>up</th><th>ready</th></tr></thead><tbody>\n",
    );
    for t in tenants {
        let link: String = t
            .name
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        put!(
            list,
            "<tr><td><a href=\"/?tenant={link}\">{name}</a>{here}</td><td>{up}</td><td>{ready}</td></tr>\n",
            name = escape(&t.name),
            here = if t.name == shown { " (shown below)" } else { "" },
            up = if t.up { "up" } else { "DOWN" },
            ready = if t.ready { "ready" } else { "not ready" },
        );
    }
    list.push_str("</tbody></table></section>\n");
    let mut page = page;
    insert_after(&mut page, "<main>\n", &list);
    page
}

/// The page of an exporter that runs no tenant (a shard that owns none).
pub(crate) fn no_tenants(telemetry_path: &str) -> String {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>ZPA Exporter: no tenant</title>\n</head>\n<body>\n",
    );
    header(&mut page, telemetry_path);
    page.push_str(
        "<main>\n<p>This exporter polls no tenant now: every configured tenant is owned by \
         another shard (see <code>zpa_exporter_tenant_owned</code>).</p>\n</main>\n</body>\n</html>\n",
    );
    page
}
