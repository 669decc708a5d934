// Access health per application, from the LSS receiver's User Activity series: what the
// Access health dashboard and ZpaAccessFailureRatioHigh compute. Level `tenant_application`: the
// series keep job, instance, the tenant label (config.tenantLabel; the LSS series carry it once
// the receiver is per tenant, until then it is simply absent), microtenant and application.
local by = 'job, instance, %(tenantLabel)s, microtenant, application';
local quantile(config, q) = {
  record: 'tenant_application:zpa_lss_server_setup_seconds:histogram_quantile_rate5m',
  expr: 'histogram_quantile(%(q)s, sum by (le, %(by)s) (rate(zpa_lss_server_setup_seconds_bucket[5m])))'
        % { q: q, by: by % config },
  labels: { quantile: q },
};

{
  prometheusRules+:: {
    groups+: [
      {
        name: 'zpa-lss.rules',
        rules: [
          {
            // Connections closed per second, whatever their result.
            record: 'tenant_application:zpa_lss_user_connections_closed:rate5m',
            expr: 'sum by (%(by)s) (rate(zpa_lss_user_connections_total{status="close"}[5m]))'
                  % { by: by % $._config },
          },
          {
            // Closed connections that ended in an error (not policy blocks, not Info closes).
            record: 'tenant_application:zpa_lss_user_connection_failures:rate5m',
            expr: 'sum by (%(by)s) (rate(zpa_lss_user_connections_total{status="close", result="error"}[5m]))'
                  % { by: by % $._config },
          },
          {
            record: 'tenant_application:zpa_lss_user_connection_failures:ratio_rate5m',
            expr: |||
              tenant_application:zpa_lss_user_connection_failures:rate5m
                /
              tenant_application:zpa_lss_user_connections_closed:rate5m
            |||,
          },
          {
            record: 'tenant_application:zpa_lss_user_connection_successes:ratio_rate5m',
            expr: |||
              sum by (%(by)s) (rate(zpa_lss_user_connections_total{status="close", result="success"}[5m]))
                /
              tenant_application:zpa_lss_user_connections_closed:rate5m
            ||| % { by: by % $._config },
          },
          // Server setup time (ServerSetupTime) quantiles, one series per quantile label.
          quantile($._config, '0.5'),
          quantile($._config, '0.95'),
          quantile($._config, '0.99'),
        ],
      },
    ],
  },
}
