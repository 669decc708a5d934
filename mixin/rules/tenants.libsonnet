// Per-tenant rollups of the exporter's own health, for the Overview dashboard and the alerts
// that would otherwise compute them on every evaluation. Level `tenant`: the series keep job,
// instance and the tenant label (config.tenantLabel), except the cross-shard ones, which keep
// only the tenant.
{
  prometheusRules+:: {
    groups+: [
      {
        name: 'zpa-exporter.rules',
        rules: [
          {
            // 1 when some exporter (shard) polls the tenant successfully, whatever job or
            // instance it is.
            record: 'tenant:zpa_up:max',
            expr: 'max by (%(tenantLabel)s) (zpa_up)' % $._config,
          },
          {
            // Collectors whose last run failed, not counting those whose resource the API key
            // may not read (zpa_collector_unavailable 1). Overview: Failing collectors.
            record: 'tenant:zpa_collectors_failing:sum',
            expr: |||
              sum by (job, instance, %(tenantLabel)s) (
                (1 - zpa_collector_success) * (1 - zpa_collector_unavailable)
              )
            ||| % $._config,
          },
          {
            // Requests answered 429 Too Many Requests in the last 15 minutes (ZpaApiRateLimited).
            record: 'tenant:zpa_api_requests_rate_limited:increase15m',
            expr: 'sum by (job, instance, %(tenantLabel)s) (increase(zpa_api_requests_total{code="429"}[15m]))' % $._config,
          },
          {
            // Shards that poll the tenant, summed over every shard (ZpaTenantOwnership): must be 1.
            record: 'tenant:zpa_exporter_tenant_owned:sum',
            expr: 'sum by (%(tenantLabel)s) (zpa_exporter_tenant_owned)' % $._config,
          },
        ],
      },
    ],
  },
}
