//! The parts of the status page that are not one tenant's API data: the shown tenant's LSS
//! receiver (per listener: address, connections, bytes; records parsed and rejected, the
//! newest record's age) and, after a failed reload of the tenants file, a banner with why. Both
//! are inserted into a rendered page, as the tenants list is ([`super::with_tenants`]).

use std::fmt::Write;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::{escape, insert_after, since, span};
use crate::lss::ReceiverSummary;
use crate::tenancy::status::Reload;

/// `page` with the reload banner after its header (when the last reload failed) and the LSS
/// section before its collectors (when the tenant has a receiver).
pub(crate) fn with_receiver_and_reload(
    page: String,
    lss: Option<&ReceiverSummary>,
    reload: Option<&Reload>,
    now: SystemTime,
) -> String {
    let mut page = page;
    if let Some(Reload {
        at,
        error: Some(why),
    }) = reload
    {
        let banner = format!(
            "<section class=\"banner alert\" role=\"alert\"><strong>Reload failed</strong> {ago} \
             ago ({at}): <p class=\"msg\">{why}</p><p>The tenants from before it keep running; \
             <code>zpa_exporter_config_last_reload_successful</code> is 0 until a reload \
             succeeds.</p></section>\n",
            ago = span(since(now, *at)),
            at = humantime::format_rfc3339_seconds(*at),
            why = escape(why),
        );
        insert_after(&mut page, "<main>\n", &banner);
    }
    if let Some(lss) = lss {
        let section = section(lss, now);
        match page.find("<section aria-labelledby=\"h-coll\">") {
            Some(i) => page.insert_str(i, &section),
            None => insert_after(&mut page, "<main>\n", &section),
        }
    }
    page
}

fn section(lss: &ReceiverSummary, now: SystemTime) -> String {
    let newest = match lss.last_record {
        Some(at) => {
            let at = UNIX_EPOCH + Duration::from_secs_f64(at.max(0.0));
            format!("{} ago", span(since(now, at)))
        }
        None => "none yet".to_string(),
    };
    let mut out = format!(
        "<section aria-labelledby=\"h-lss\"><h2 id=\"h-lss\">LSS receiver</h2><dl>\
         <dt>Records</dt><dd>{} parsed, {} rejected</dd><dt>Newest record</dt><dd>{newest}</dd>\
         <dt>Transport</dt><dd>{}</dd></dl>\n<div class=\"scroll\"><table><thead><tr>\
         <th>listener</th><th>address</th><th>open</th><th>accepted</th>\
         <th>refused</th><th>bytes</th></tr></thead><tbody>\n",
        lss.parsed,
        lss.rejected,
        if lss.tls { "TLS" } else { "plain TCP" },
    );
    for l in &lss.listeners {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(l.label),
            escape(&l.addr.to_string()),
            l.open,
            l.accepted,
            l.refused,
            l.bytes,
        );
    }
    out.push_str("</tbody></table></div></section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lss::listen::ListenerSummary;

    const PAGE: &str = "<main>\n<section aria-labelledby=\"h-coll\">collectors</section>\n</main>";

    #[test]
    fn a_failed_reload_is_a_banner_and_the_receiver_a_section_before_the_collectors() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let lss = ReceiverSummary {
            listeners: vec![ListenerSummary {
                label: "user_activity",
                addr: "127.0.0.1:9901".parse().unwrap(),
                open: 2,
                accepted: 5,
                refused: 1,
                bytes: 4096,
            }],
            tls: true,
            parsed: 300,
            rejected: 4,
            last_record: Some(999_990.0),
        };
        let failed = Reload {
            at: now - Duration::from_secs(120),
            error: Some("tenants[1] \"b<x>\": lss.listen_addresses: taken".into()),
        };
        let page = with_receiver_and_reload(PAGE.into(), Some(&lss), Some(&failed), now);
        let banner = page.find("Reload failed").expect("banner");
        let section = page.find("LSS receiver").expect("section");
        assert!(
            banner < section && section < page.find("h-coll").unwrap(),
            "{page}"
        );
        assert!(
            page.contains("2m ago") && page.contains("b&lt;x&gt;"),
            "{page}"
        );
        assert!(
            page.contains("300 parsed, 4 rejected") && page.contains("10s ago"),
            "{page}"
        );
        assert!(
            page.contains(
                "<td><code>127.0.0.1:9901</code></td><td>2</td><td>5</td><td>1</td><td>4096</td>"
            ),
            "{page}"
        );
        // An applied reload and no receiver: the page as it was.
        let ok = Reload {
            at: now,
            error: None,
        };
        assert_eq!(
            with_receiver_and_reload(PAGE.into(), None, Some(&ok), now),
            PAGE
        );
    }
}
