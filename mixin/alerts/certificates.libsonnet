// Alerts of the zpa-certificates group.
local fold = (import '../lib/text.libsonnet').fold;

{
  prometheusAlerts+:: {
    groups+: [
      {
        name: 'zpa-certificates',
        rules: [
          {
            alert: 'ZpaCertificateExpiring',
            // One alert name, two severities (the kubernetes-mixin convention): both fire inside
            // 7 days; inhibit the warning with the critical in Alertmanager (see docs/runbook.md).
            expr: 'zpa_certificate_expiry_timestamp_seconds - time() < 30 * 86400',
            'for': '15m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'A ZPA certificate expires within 30 days.',
              description: fold(|||
                The {{ $labels.kind }} certificate {{ $labels.name }} (id {{ $labels.id }}, microtenant {{
                $labels.microtenant }}) {{ if lt $value 0.0 }}expired {{ $value | humanizeDuration |
                reReplaceAll "^-" "" }} ago{{ else }}expires in {{ $value | humanizeDuration }}{{ end }}.
              |||),
              runbook_url: $._config.runbookUrl('ZpaCertificateExpiring'),
            },
          },
          {
            alert: 'ZpaCertificateExpiring',
            // Includes certificates that have already expired (a negative time left).
            expr: 'zpa_certificate_expiry_timestamp_seconds - time() < 7 * 86400',
            'for': '15m',
            labels: {
              severity: 'critical',
            },
            annotations: {
              summary: 'A ZPA certificate expires within 7 days or has expired.',
              description: fold(|||
                The {{ $labels.kind }} certificate {{ $labels.name }} (id {{ $labels.id }}, microtenant {{
                $labels.microtenant }}) {{ if lt $value 0.0 }}expired {{ $value | humanizeDuration |
                reReplaceAll "^-" "" }} ago{{ else }}expires in {{ $value | humanizeDuration }}{{ end }}.
              |||),
              runbook_url: $._config.runbookUrl('ZpaCertificateExpiring'),
            },
          },
          {
            alert: 'ZpaTenantOwnership',
            // Shards (a StatefulSet of exporters sharing a tenants file) each export
            // zpa_exporter_tenant_owned{tenant} for every configured tenant: 1 on the shard that polls
            // it, 0 on the others. Summed over the shards every tenant must be 1: 0 is a tenant nobody
            // polls, 2 a tenant polled twice (double the API budget). During a scale the shards
            // disagree for the seconds their StatefulSet watches take; 10 minutes is well past that.
            // `tenant` here is the exporter's label: a scrape config that sets its own `tenant`
            // target label turns it into exported_tenant (see the README, Many tenants).
            expr: 'tenant:zpa_exporter_tenant_owned:sum != 1',
            'for': '10m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'A configured ZPA tenant is polled by no shard, or by more than one.',
              description: fold(|||
                Tenant {{ $labels.%(tenantLabel)s }} is owned by {{ $value }} exporter shards instead of exactly one: {{
                if eq $value 0.0 }}nobody polls it and its series are missing{{ else }}it is polled several
                times over, spending its API budget that many times{{ end }}.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaTenantOwnership'),
            },
          },
        ],
      },
    ],
  },
}
