//! Microtenants (`/microtenants`): one info row each, and the names that per-microtenant counts
//! of other collectors fill with zeros.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use zpa_api::models::microtenant::{Microtenant, LIST};
use zpa_api::{BoxFuture, Error};

use super::{Class, Collector, CollectorSpec, Data, CollectorData, RunContext, MINUTE};
use crate::metric_model::{gauge, Descriptor, Source};
use crate::metric_model::{bool_label, Writer};

pub(crate) const NAME: &str = "microtenants";

pub(crate) const SPEC: CollectorSpec = CollectorSpec {
    name: NAME,
    default_enabled: true,
    class: Class::Reference,
    default_interval: MINUTE.saturating_mul(15),
    estimated_calls: 1,
    families: &[&INFO],
    build: |_| Box::new(Microtenants),
};

const INFO: Descriptor = gauge(
    "zpa_microtenant_info",
    &["microtenant_id", "microtenant", "enabled"],
    Source::Collector(NAME),
    "One series per ZPA microtenant (from /microtenants); value is always 1.",
);

pub(crate) struct Microtenants;

impl Collector for Microtenants {
    fn name(&self) -> &'static str {
        NAME
    }

    fn collect<'a>(&'a self, run: &'a RunContext<'a>) -> BoxFuture<'a, Result<Data, Error>> {
        Box::pin(async move {
            let items: Vec<Microtenant> = run.list(&LIST).await?;
            let list = MicrotenantList::from_items(items);
            run.shared.set_known_microtenants(list.names());
            Ok(Arc::new(list) as Data)
        })
    }
}

#[derive(Debug, PartialEq)]
pub(crate) struct MicrotenantRow {
    pub id: String,
    pub name: String,
    pub enabled: bool,
}

#[derive(Debug, PartialEq)]
pub(crate) struct MicrotenantList {
    pub rows: Vec<MicrotenantRow>,
}

impl MicrotenantList {
    pub(crate) fn from_items(items: Vec<Microtenant>) -> Self {
        let mut rows: Vec<MicrotenantRow> = items
            .into_iter()
            .map(|m| {
                let name = m.name.unwrap_or_default();
                let id = m.id.unwrap_or_else(|| {
                    if name.eq_ignore_ascii_case("default") {
                        "0".to_string()
                    } else {
                        String::new()
                    }
                });
                MicrotenantRow {
                    id,
                    name: super::microtenant_label(Some(&name)),
                    enabled: m.enabled.unwrap_or(true),
                }
            })
            .collect();
        rows.sort_by(|a, b| a.id.cmp(&b.id));
        MicrotenantList { rows }
    }

    pub(crate) fn names(&self) -> BTreeSet<String> {
        self.rows.iter().map(|r| r.name.clone()).collect()
    }
}

impl CollectorData for MicrotenantList {
    fn write(&self, w: &mut Writer) -> fmt::Result {
        w.family(
            &INFO,
            self.rows.iter().map(|r| {
                (
                    [r.id.as_str(), r.name.as_str(), bool_label(r.enabled)],
                    1u64,
                )
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zpa_api::models::microtenant::Microtenant;
    use zpa_api::paging::parse_page;

    /// Shaped like a real `/microtenants` page: string numbers, Default with id "0".
    const FIXTURE: &str = r#"{"totalPages":"1","totalCount":"2","list":[
        {"id":"216196257331404644","modifiedTime":"1773369896","creationTime":"1773369895",
         "modifiedBy":"216196257331372705","name":"tests-micro-vcr0001","description":"x",
         "enabled":true,"operator":"OR","criteriaAttribute":"AuthDomain",
         "privilegedApprovalsEnabled":true,"scopeOrder":"1"},
        {"id":"0","name":"Default","description":"default","enabled":true,"operator":"OR",
         "privilegedApprovalsEnabled":true,"scopeOrder":"2"}]}"#;

    #[test]
    fn parses_real_shape() {
        let page = parse_page::<Microtenant>(FIXTURE.as_bytes()).unwrap();
        let part = MicrotenantList::from_items(page.items);
        assert_eq!(
            part.rows,
            vec![
                MicrotenantRow {
                    id: "0".into(),
                    name: "Default".into(),
                    enabled: true
                },
                MicrotenantRow {
                    id: "216196257331404644".into(),
                    name: "tests-micro-vcr0001".into(),
                    enabled: true
                },
            ]
        );
    }

    #[test]
    fn default_without_id_gets_zero() {
        let page =
            parse_page::<Microtenant>(br#"{"list":[{"name":"default","enabled":true}]}"#).unwrap();
        let part = MicrotenantList::from_items(page.items);
        assert_eq!(part.rows[0].id, "0");
    }
}
