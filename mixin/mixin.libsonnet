// The zpa-exporter monitoring mixin (https://monitoring.mixins.dev conventions):
//   prometheusAlerts   alerting rules, { groups: [...] }
//   prometheusRules    recording rules, { groups: [...] }
//   grafanaDashboards  { 'zpa-overview.json': {...}, ... }
//   _config            selectors and names (config.libsonnet)
// The repository's alerts/zpa.rules.yml and dashboards/*.json are generated from it by
// mixin/generate (files.jsonnet says which file holds what); tests/mixin.rs fails when they
// differ from what it generates.
(import 'config.libsonnet') +
(import 'rules/rules.libsonnet') +
(import 'alerts/alerts.libsonnet') +
(import 'dashboards/dashboards.libsonnet')
