// Alerts of the zpa-config group.
local fold = (import '../lib/text.libsonnet').fold;

{
  prometheusAlerts+:: {
    groups+: [
      {
        name: 'zpa-config',
        rules: [
          {
            alert: 'ZpaApplicationSegmentsDisabledJump',
            // Compared with the lowest count of the last hour, so it fires on the first scrape after
            // the application_segments run that shows the jump and clears an hour later (or as soon as
            // the segments are enabled again).
            expr: |||
              zpa_application_segments{enabled="false"}
                - min_over_time(zpa_application_segments{enabled="false"}[1h])
              >= 5
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'Many ZPA application segments were disabled within an hour.',
              description: fold(|||
                {{ $value }} more application segments are disabled in microtenant {{ $labels.microtenant }}
                than at the lowest point of the last hour (seen by {{ $labels.instance }}{{ with $labels.%(tenantLabel)s
                }} for tenant {{ . }}{{ end }}). Users lose access to the applications they publish.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaApplicationSegmentsDisabledJump'),
            },
          },
        ],
      },
    ],
  },
}
