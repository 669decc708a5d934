// Alerts of the zpa-exporter group.
local fold = (import '../lib/text.libsonnet').fold;

{
  prometheusAlerts+:: {
    groups+: [
      {
        name: 'zpa-exporter',
        rules: [
          {
            alert: 'ZpaExporterDown',
            expr: 'up{%(jobSelector)s} == 0' % $._config,
            'for': '5m',
            labels: {
              severity: 'critical',
            },
            annotations: {
              summary: 'The ZPA exporter cannot be scraped.',
              description: fold(|||
                Prometheus has failed to scrape {{ $labels.instance }} (job {{ $labels.job }}) for 5 minutes.
                Every other ZPA alert is blind until the exporter is back.
              |||),
              runbook_url: $._config.runbookUrl('ZpaExporterDown'),
            },
          },
          {
            alert: 'ZpaConfigError',
            // The exporter detected a configuration error (wrong customer id, unknown or mismatching
            // microtenant id, every collector refused at once) and exports no ZPA data: every other
            // ZPA alert is blind. Two minutes so that a single odd answer from ZPA does not page.
            expr: 'zpa_config_error == 1',
            'for': '2m',
            labels: {
              severity: 'critical',
            },
            annotations: {
              summary: 'The ZPA exporter is misconfigured and exports no ZPA data.',
              description: fold(|||
                {{ $labels.instance }} (job {{ $labels.job }}{{ with $labels.%(tenantLabel)s }}, tenant {{ . }}{{ end }})
                has detected a configuration error and exports no ZPA data: a wrong tenant id (ZPA answers
                customer.not.authorized), an unknown or mismatching microtenant id, or an API key that may read
                none of the resources. Check --zpa.customer-id (ZPA_CUSTOMER_ID), --zpa.microtenant-id
                (ZPA_MICROTENANT_ID) and the API key's role; the exporter's log names the setting.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaConfigError'),
            },
          },
          {
            alert: 'ZpaCollectorFailing',
            // A collector whose resource is not licensed or not readable (zpa_collector_unavailable 1)
            // reports success 0 but is not a failure. zpa_collector_success is the result of the
            // collector's last run, and a failed run is retried after 1 s, 2 s, 4 s ... up to the
            // collector's interval: 15 minutes at 0 means ZPA kept failing that resource, whatever
            // the interval (the description names it).
            expr: |||
              zpa_collector_success == 0
              unless on (job, instance, %(tenantLabel)s, collector)
                zpa_collector_unavailable == 1
            ||| % $._config,
            'for': '15m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'A ZPA collector has been failing for 15 minutes.',
              description: fold(|||
                The {{ $labels.collector }} collector of {{ $labels.instance }} (job {{ $labels.job }}{{ with
                $labels.%(tenantLabel)s }}, tenant {{ . }}{{ end }}) has had no successful run for 15 minutes: its last
                run failed{{ with printf
                "zpa_collector_interval_seconds{job=%%q,instance=%%q,%(tenantLabel)s=%%q,collector=%%q}" $labels.job
                $labels.instance $labels.%(tenantLabel)s $labels.collector | query }}{{ with first . }} (it runs every {{
                .Value | humanizeDuration }}){{ end }}{{ end }}. Its last good values are still served, so the
                dashboards and alerts for that resource are working on old data.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaCollectorFailing'),
            },
          },
          {
            alert: 'ZpaDataStale',
            // Older than three of the collector's own intervals (zpa_collector_interval_seconds, the
            // effective interval after any stretching by the exporter's planner): its runs fail, or
            // they no longer happen at all (zpa_collector_success still shows the last run's result).
            // An hourly collector is stale after 3 h, a one-minute collector after 3 min. A collector
            // that has never succeeded has no timestamp: ZpaCollectorFailing covers it.
            // `for: 30s`: two evaluations in a row at the usual 15-30 s evaluation interval.
            expr: |||
              (
                time() - zpa_collector_last_success_timestamp_seconds
                  > on (job, instance, %(tenantLabel)s, collector)
                3 * zpa_collector_interval_seconds
              )
              unless on (job, instance, %(tenantLabel)s, collector)
                zpa_collector_unavailable == 1
            ||| % $._config,
            'for': '30s',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: "ZPA data is older than three of its collector's intervals.",
              description: fold(|||
                The {{ $labels.collector }} collector of {{ $labels.instance }} (job {{ $labels.job }}{{ with
                $labels.%(tenantLabel)s }}, tenant {{ . }}{{ end }}) last succeeded {{ $value | humanizeDuration }} ago,
                more than three times its interval{{ with printf
                "zpa_collector_interval_seconds{job=%%q,instance=%%q,%(tenantLabel)s=%%q,collector=%%q}" $labels.job
                $labels.instance $labels.%(tenantLabel)s $labels.collector | query }}{{ with first . }} of {{ .Value |
                humanizeDuration }}{{ end }}{{ end }}.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaDataStale'),
            },
          },
          {
            alert: 'ZpaApiRateLimited',
            expr: |||
              tenant:zpa_api_requests_rate_limited:increase15m > 0
            |||,
            'for': '15m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'The ZPA API keeps answering 429 Too Many Requests.',
              description: fold(|||
                The ZPA API has rate-limited {{ $labels.instance }} (job {{ $labels.job }}{{ with $labels.%(tenantLabel)s
                }}, tenant {{ . }}{{ end }}) for 15 minutes ({{ $value | humanize }} requests answered 429 in
                the last 15 minutes). Collector runs wait for retry-after and take longer, so data refreshes
                later than scheduled; another client probably shares the API key's budget.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaApiRateLimited'),
            },
          },
          {
            alert: 'ZpaSigninFailing',
            expr: 'zpa_signin_consecutive_failures >= 3',
            'for': '5m',
            labels: {
              severity: 'critical',
            },
            annotations: {
              summary: 'The ZPA exporter cannot sign in to the ZPA API.',
              description: fold(|||
                {{ $labels.instance }} (job {{ $labels.job }}{{ with $labels.%(tenantLabel)s }}, tenant {{ . }}{{ end }})
                has failed {{ $value }} sign-ins in a row. No collector can run until sign-in works again; the
                reason is in zpa_signin_failures_total{reason} and the exporter's log.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaSigninFailing'),
            },
          },
        ],
      },
    ],
  },
}
