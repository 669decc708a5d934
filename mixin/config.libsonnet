// The settings of the ZPA mixin. Override them where you import it, e.g.
//   (import 'mixin/mixin.libsonnet') + { _config+:: { jobSelector: 'job="zscaler"' } }
{
  _config+:: {
    // Selects the exporter's scrape job(s) on Prometheus' own `up` (ZpaExporterDown). Every
    // other rule reads only zpa_* metrics, which exist only on the exporter's targets.
    jobSelector: 'job=~"zpa.*"',

    // The exporter's tenant label. A scrape config that sets a `tenant` target label of its own
    // turns the exporter's into `exported_tenant` (README, Many tenants): set that here then.
    // Rules group and join by it; the dashboards filter by it (their variable stays $tenant).
    tenantLabel: 'tenant',

    // Every alert's runbook_url is this base, '#', and the alert name in lower case.
    runbookBaseUrl: 'https://github.com/zpa-exporter/zpa-exporter/blob/main/docs/runbook.md',
    runbookUrl(alert):: self.runbookBaseUrl + '#' + std.asciiLower(alert),

    // Dashboards: uid = prefix + name, title = prefix + title, file = prefix + name + '.json'.
    dashboardUidPrefix: 'zpa-',
    dashboardTitlePrefix: 'ZPA / ',
    dashboardFilePrefix: 'zpa-',
    // Tags on every dashboard, and the tags of the "ZPA dashboards" link that lists them.
    dashboardTags: ['zpa', 'zscaler'],
    dashboardLinkTags: ['zpa'],
  },
}
