// Alerts of the zpa-fleet group.
local fold = (import '../lib/text.libsonnet').fold;

{
  prometheusAlerts+:: {
    groups+: [
      {
        name: 'zpa-fleet',
        rules: [
          {
            alert: 'ZpaAppConnectorDown',
            // Enabled connectors that have connected before (they have a last broker connection);
            // never-connected and disabled connectors are not "down".
            expr: |||
              zpa_app_connector_up == 0
              and on (job, instance, %(tenantLabel)s, id) zpa_app_connector_info{enabled="true"}
              and on (job, instance, %(tenantLabel)s, id) zpa_app_connector_last_broker_connect_timestamp_seconds
            ||| % $._config,
            'for': '10m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'An App Connector has been disconnected for 10 minutes.',
              description: fold(|||
                App Connector {{ $labels.name }} (id {{ $labels.id }}) in connector group {{
                $labels.connector_group }}, microtenant {{ $labels.microtenant }}, has had no authenticated
                control channel for 10 minutes (seen by {{ $labels.instance }}{{ with $labels.%(tenantLabel)s }} for
                tenant {{ . }}{{ end }}).
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaAppConnectorDown'),
            },
          },
          {
            alert: 'ZpaAppConnectorGroupDown',
            // No authenticated connector in a group whose connectors have connected before. A group
            // of only never-connected connectors (still being deployed) does not fire.
            expr: |||
              sum by (job, instance, %(tenantLabel)s, microtenant, connector_group) (zpa_app_connectors{status="authenticated"}) == 0
              and on (job, instance, %(tenantLabel)s, microtenant, connector_group)
                sum by (job, instance, %(tenantLabel)s, microtenant, connector_group) (zpa_app_connectors{status!="never_connected"}) > 0
            ||| % $._config,
            'for': '5m',
            labels: {
              severity: 'critical',
            },
            annotations: {
              summary: 'An App Connector group has no connected App Connector.',
              description: fold(|||
                Connector group {{ $labels.connector_group }} in microtenant {{ $labels.microtenant }} has had
                no authenticated App Connector for 5 minutes: the application segments it serves are unreachable
                (seen by {{ $labels.instance }}{{ with $labels.%(tenantLabel)s }} for tenant {{ . }}{{ end }}).
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaAppConnectorGroupDown'),
            },
          },
          {
            alert: 'ZpaAppConnectorVersionDrift',
            expr: |||
              zpa_app_connector_outdated == 1
              and on (job, instance, %(tenantLabel)s, id) zpa_app_connector_info{enabled="true"}
            ||| % $._config,
            'for': '24h',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'An App Connector has not run its expected version for a day.',
              description: fold(|||
                App Connector {{ $labels.name }} (id {{ $labels.id }}) in connector group {{
                $labels.connector_group }}, microtenant {{ $labels.microtenant }}, {{ with printf
                "zpa_app_connector_info{job=%%q,instance=%%q,%(tenantLabel)s=%%q,id=%%q}" $labels.job $labels.instance
                $labels.%(tenantLabel)s $labels.id | query }}{{ with first . }}runs version {{ .Labels.current_version }}
                instead of {{ .Labels.expected_version }} (upgrade status {{ .Labels.upgrade_status }}){{ end
                }}{{ else }}does not run its expected version{{ end }} and has not been upgraded for 24 hours.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaAppConnectorVersionDrift'),
            },
          },
          {
            alert: 'ZpaServiceEdgeDown',
            expr: |||
              zpa_service_edge_up == 0
              and on (job, instance, %(tenantLabel)s, id) zpa_service_edge_info{enabled="true"}
              and on (job, instance, %(tenantLabel)s, id) zpa_service_edge_last_broker_connect_timestamp_seconds
            ||| % $._config,
            'for': '10m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'A Private Service Edge has been disconnected for 10 minutes.',
              description: fold(|||
                Private Service Edge {{ $labels.name }} (id {{ $labels.id }}) in service edge group {{
                $labels.service_edge_group }}, microtenant {{ $labels.microtenant }}, has had no authenticated
                control channel for 10 minutes (seen by {{ $labels.instance }}{{ with $labels.%(tenantLabel)s }} for
                tenant {{ . }}{{ end }}).
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaServiceEdgeDown'),
            },
          },
          {
            alert: 'ZpaServiceEdgeGroupDown',
            expr: |||
              sum by (job, instance, %(tenantLabel)s, microtenant, service_edge_group) (zpa_service_edges{status="authenticated"}) == 0
              and on (job, instance, %(tenantLabel)s, microtenant, service_edge_group)
                sum by (job, instance, %(tenantLabel)s, microtenant, service_edge_group) (zpa_service_edges{status!="never_connected"}) > 0
            ||| % $._config,
            'for': '5m',
            labels: {
              severity: 'critical',
            },
            annotations: {
              summary: 'A Private Service Edge group has no connected Service Edge.',
              description: fold(|||
                Service edge group {{ $labels.service_edge_group }} in microtenant {{ $labels.microtenant }} has
                had no authenticated Private Service Edge for 5 minutes: users routed to it fall back to the
                public cloud or lose access (seen by {{ $labels.instance }}{{ with $labels.%(tenantLabel)s }} for tenant
                {{ . }}{{ end }}).
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaServiceEdgeGroupDown'),
            },
          },
          {
            alert: 'ZpaServiceEdgeVersionDrift',
            expr: |||
              zpa_service_edge_outdated == 1
              and on (job, instance, %(tenantLabel)s, id) zpa_service_edge_info{enabled="true"}
            ||| % $._config,
            'for': '24h',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'A Private Service Edge has not run its expected version for a day.',
              description: fold(|||
                Private Service Edge {{ $labels.name }} (id {{ $labels.id }}) in service edge group {{
                $labels.service_edge_group }}, microtenant {{ $labels.microtenant }}, {{ with printf
                "zpa_service_edge_info{job=%%q,instance=%%q,%(tenantLabel)s=%%q,id=%%q}" $labels.job $labels.instance
                $labels.%(tenantLabel)s $labels.id | query }}{{ with first . }}runs version {{ .Labels.current_version }}
                instead of {{ .Labels.expected_version }} (upgrade status {{ .Labels.upgrade_status }}){{ end
                }}{{ else }}does not run its expected version{{ end }} and has not been upgraded for 24 hours.
              ||| % $._config),
              runbook_url: $._config.runbookUrl('ZpaServiceEdgeVersionDrift'),
            },
          },
        ],
      },
    ],
  },
}
