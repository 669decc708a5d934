// Alerts of the zpa-lss group.
// From the Log Streaming Service receiver (--lss.listen-address): access health per
// application and the saturation of App Connectors and Private Service Edges. The saturation
// gauges hold their last report, so every rule also asks for a report in the last hour: a
// connector that stopped reporting is not "at 95 % CPU" forever (ZpaLssStreamStopped covers a
// stream that stopped).
local fold = (import '../lib/text.libsonnet').fold;

{
  prometheusAlerts+:: {
    groups+: [
      {
        name: 'zpa-lss',
        rules: [
          {
            alert: 'ZpaAccessFailureRatioHigh',
            // Closed connections that ended in an error (not policy blocks, not Info closes such as
            // idle timeouts), per application, with at least 20 closed connections in 5 minutes so
            // that one failure out of two does not page. Both from the recording rules
            // (rules/lss.libsonnet); a per-second rate over 5 minutes times 300 is the increase.
            expr: |||
              tenant_application:zpa_lss_user_connection_failures:ratio_rate5m > 0.2
              and on (job, instance, %(tenantLabel)s, microtenant, application)
                tenant_application:zpa_lss_user_connections_closed:rate5m * 300 >= 20
            ||| % $._config,
            'for': '10m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'Many connections to a ZPA application are failing.',
              description: fold(|||
                {{ $value | humanizePercentage }} of the connections to application {{ $labels.application }}
                (microtenant {{ $labels.microtenant }}) closed with an error over the last 5 minutes, for 10
                minutes{{ with printf "topk(1, sum by (reason)
                (increase(zpa_lss_user_connections_total{job=%q,instance=%q,microtenant=%q,application=%q,status=\"close\",result=\"error\"}[5m])))"
                $labels.job $labels.instance $labels.microtenant $labels.application | query }}{{ with first .
                }}; the most frequent reason is {{ .Labels.reason }}{{ end }}{{ end }} (seen by {{
                $labels.instance }}).
              |||),
              runbook_url: $._config.runbookUrl('ZpaAccessFailureRatioHigh'),
            },
          },
          {
            alert: 'ZpaAppConnectorCpuHigh',
            // CPUUtilization is already the maximum over the 5 minutes before each report.
            expr: |||
              zpa_lss_app_connector_cpu_utilization_ratio > 0.9
              and on (job, instance, microtenant, connector_group, connector)
                time() - zpa_lss_app_connector_last_report_timestamp_seconds < 3600
            |||,
            'for': '15m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'An App Connector has been near full CPU for 15 minutes.',
              description: fold(|||
                App Connector {{ $labels.connector }} in connector group {{ $labels.connector_group }}
                (microtenant {{ $labels.microtenant }}) reports {{ $value | humanizePercentage }} CPU, above 90
                % for 15 minutes (seen by {{ $labels.instance }}). Connections through it set up slowly or fail.
              |||),
              runbook_url: $._config.runbookUrl('ZpaAppConnectorCpuHigh'),
            },
          },
          {
            alert: 'ZpaAppConnectorPortsExhausting',
            expr: |||
              (
                sum by (job, instance, tenant, microtenant, connector_group, connector) (zpa_lss_app_connector_used_ports)
                  /
                (
                  sum by (job, instance, tenant, microtenant, connector_group, connector) (zpa_lss_app_connector_used_ports)
                    +
                  sum by (job, instance, tenant, microtenant, connector_group, connector) (zpa_lss_app_connector_available_ports)
                )
              ) > 0.9
              and on (job, instance, microtenant, connector_group, connector)
                time() - zpa_lss_app_connector_last_report_timestamp_seconds < 3600
            |||,
            'for': '10m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'An App Connector is running out of source ports.',
              description: fold(|||
                App Connector {{ $labels.connector }} in connector group {{ $labels.connector_group }}
                (microtenant {{ $labels.microtenant }}) uses {{ $value | humanizePercentage }} of its source
                ports (seen by {{ $labels.instance }}). When none are left, new connections fail with
                AST_MT_SETUP_ERR_NO_EPHEMERAL_PORT.
              |||),
              runbook_url: $._config.runbookUrl('ZpaAppConnectorPortsExhausting'),
            },
          },
          {
            alert: 'ZpaAppConnectorFileDescriptorsExhausting',
            expr: |||
              (
                zpa_lss_app_connector_file_descriptors{state="used"}
                  / ignoring (state)
                (zpa_lss_app_connector_file_descriptors{state="max"} > 0)
              ) > 0.9
              and on (job, instance, microtenant, connector_group, connector)
                time() - zpa_lss_app_connector_last_report_timestamp_seconds < 3600
            |||,
            'for': '10m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'An App Connector is running out of file descriptors.',
              description: fold(|||
                App Connector {{ $labels.connector }} in connector group {{ $labels.connector_group }}
                (microtenant {{ $labels.microtenant }}) uses {{ $value | humanizePercentage }} of its {{
                $labels.scope }} file descriptors (seen by {{ $labels.instance }}). When none are left, new
                connections fail with AST_MT_SETUP_ERR_NO_{{ if eq $labels.scope "process" }}PROCESS{{ else
                }}SYSTEM{{ end }}_FD.
              |||),
              runbook_url: $._config.runbookUrl('ZpaAppConnectorFileDescriptorsExhausting'),
            },
          },
          {
            alert: 'ZpaServiceEdgeCpuHigh',
            expr: |||
              zpa_lss_service_edge_cpu_utilization_ratio > 0.9
              and on (job, instance, microtenant, service_edge_group, service_edge)
                time() - zpa_lss_service_edge_last_report_timestamp_seconds < 3600
            |||,
            'for': '15m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'A Private Service Edge has been near full CPU for 15 minutes.',
              description: fold(|||
                Private Service Edge {{ $labels.service_edge }} in service edge group {{
                $labels.service_edge_group }} (microtenant {{ $labels.microtenant }}) reports {{ $value |
                humanizePercentage }} CPU, above 90 % for 15 minutes (seen by {{ $labels.instance }}).
              |||),
              runbook_url: $._config.runbookUrl('ZpaServiceEdgeCpuHigh'),
            },
          },
          {
            alert: 'ZpaServiceEdgePortsExhausting',
            expr: |||
              (
                sum by (job, instance, tenant, microtenant, service_edge_group, service_edge) (zpa_lss_service_edge_used_ports)
                  /
                (
                  sum by (job, instance, tenant, microtenant, service_edge_group, service_edge) (zpa_lss_service_edge_used_ports)
                    +
                  sum by (job, instance, tenant, microtenant, service_edge_group, service_edge) (zpa_lss_service_edge_available_ports)
                )
              ) > 0.9
              and on (job, instance, microtenant, service_edge_group, service_edge)
                time() - zpa_lss_service_edge_last_report_timestamp_seconds < 3600
            |||,
            'for': '10m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'A Private Service Edge is running out of source ports.',
              description: fold(|||
                Private Service Edge {{ $labels.service_edge }} in service edge group {{
                $labels.service_edge_group }} (microtenant {{ $labels.microtenant }}) uses {{ $value |
                humanizePercentage }} of its source ports (seen by {{ $labels.instance }}).
              |||),
              runbook_url: $._config.runbookUrl('ZpaServiceEdgePortsExhausting'),
            },
          },
          {
            alert: 'ZpaServiceEdgeFileDescriptorsExhausting',
            expr: |||
              (
                zpa_lss_service_edge_file_descriptors{state="used"}
                  / ignoring (state)
                (zpa_lss_service_edge_file_descriptors{state="max"} > 0)
              ) > 0.9
              and on (job, instance, microtenant, service_edge_group, service_edge)
                time() - zpa_lss_service_edge_last_report_timestamp_seconds < 3600
            |||,
            'for': '10m',
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'A Private Service Edge is running out of file descriptors.',
              description: fold(|||
                Private Service Edge {{ $labels.service_edge }} in service edge group {{
                $labels.service_edge_group }} (microtenant {{ $labels.microtenant }}) uses {{ $value |
                humanizePercentage }} of its {{ $labels.scope }} file descriptors (seen by {{ $labels.instance
                }}).
              |||),
              runbook_url: $._config.runbookUrl('ZpaServiceEdgeFileDescriptorsExhausting'),
            },
          },
          {
            alert: 'ZpaLssStreamStopped',
            // The newest record of a log type, over the last day, is more than 15 minutes old while
            // the exporter is being scraped. max_over_time bridges an exporter restart: the receiver
            // forgets its timestamps, so a type that stopped across a restart still fires, and one
            // that resumes after it does not. A type never received has no timestamp (or 0) and
            // never fires; one gone for a day stops firing.
            expr: |||
              time() - max_over_time(zpa_lss_last_record_timestamp_seconds[1d]) > 900
              and
                max_over_time(zpa_lss_last_record_timestamp_seconds[1d]) > 0
              and on (job, instance)
                zpa_exporter_build_info
            |||,
            labels: {
              severity: 'warning',
            },
            annotations: {
              summary: 'The LSS receiver stopped receiving a log type it was receiving.',
              description: fold(|||
                {{ $labels.instance }} (job {{ $labels.job }}) last received a {{ $labels.log_type }} record {{
                $value | humanizeDuration }} ago. Its access-health and saturation metrics are frozen; check the
                LSS log receiver in ZPA and the connectors that forward it.
              |||),
              runbook_url: $._config.runbookUrl('ZpaLssStreamStopped'),
            },
          },
        ],
      },
    ],
  },
}
