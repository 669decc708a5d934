// The files the mixin ships in this repository, by path from the repository root:
//   jsonnet -S -m . mixin/files.jsonnet   (what mixin/generate runs)
// tests/mixin.rs runs the same and compares each file byte for byte.
local mixin = import 'mixin.libsonnet';
local manifest = import 'lib/manifest.libsonnet';

local rulesHeader = |||
  # GENERATED from the monitoring mixin (mixin/) by mixin/generate: do not edit. Edit the mixin,
  # run mixin/generate, commit both (CONTRIBUTING.md); tests/mixin.rs fails when they differ.
  #
  # Prometheus alerting rules for zpa-exporter.
  #
  # Load with `rule_files: [alerts/zpa.rules.yml]` (a path relative to prometheus.yml, as in
  # deploy/compose/prometheus.yml); check with `promtool check rules alerts/zpa.rules.yml`; unit
  # tests live in alerts/tests/.
  #
  # Selector: ZpaExporterDown matches the scrape job with `up{job=~"zpa.*"}`. If your scrape job
  # is named differently (say `job="zscaler"`), change that one selector. Every other rule reads
  # only zpa_* metrics, which exist only on the exporter's targets, and keeps the `job`, `instance`
  # and `tenant` labels so several exporters, and several tenants of one exporter (--config.file),
  # alert separately. `tenant` is the exporter's own label: a scrape config that sets a `tenant`
  # target label of its own turns it into `exported_tenant` (README, Many tenants).
  #
  # Runbook: every alert links to its section in docs/runbook.md (anchor = alert name in lower case)
  # under one base URL, https://github.com/zpa-exporter/zpa-exporter/blob/main/docs/runbook.md. To link
  # to your own copy of the runbook, replace that base when you install the file:
  #   sed 's|https://github.com/zpa-exporter/zpa-exporter/blob/main/docs/runbook.md#|https://wiki.example.com/zpa-runbook#|' \
  #     alerts/zpa.rules.yml > /etc/prometheus/alerts/zpa.rules.yml
  # (deploy/kubernetes/generate-prometheusrule.sh does the same with RUNBOOK_BASE_URL.)
  #
  # Collectors run on their own intervals (zpa_collector_interval_seconds{collector}: 60 s for App
  # Connectors and Service Edges up to 1 h for certificates, stretched by the exporter when the API
  # budget is short), so nothing here assumes one refresh interval for the whole exporter.
|||;

{
  'alerts/zpa.rules.yml': rulesHeader + manifest.yaml({
    groups: mixin.prometheusRules.groups + mixin.prometheusAlerts.groups,
  }),
} + {
  ['dashboards/' + name]: manifest.json(mixin.grafanaDashboards[name])
  for name in std.objectFields(mixin.grafanaDashboards)
}
