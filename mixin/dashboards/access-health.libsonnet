// The ZPA / Access health dashboard (zpa-access-health.json).
local g = import '../lib/dashboard.libsonnet';

{
  grafanaDashboards+:: {
    [$._config.dashboardFilePrefix + 'access-health.json']: g.dashboard($._config, {
      uid: 'access-health',
      title: 'Access health',
      description: "From the LSS receiver: connection success and failure per application with the failure reasons, server setup and policy times, traffic, App Connector and Private Service Edge saturation, user sessions, and the receiver's own health.",
      extraTags: ["lss"],
      time: {
        from: 'now-3h',
        to: 'now',
      },
      variables: [
        {
          type: 'datasource',
          name: 'datasource',
          label: 'Data Source',
          query: 'prometheus',
          description: 'The Prometheus that scrapes zpa-exporter.',
          options: [],
          refresh: 1,
          regex: '',
          hide: 0,
          multi: false,
          includeAll: false,
          skipUrlSync: false,
        },
        {
          type: 'query',
          name: 'job',
          label: 'Job',
          description: 'Prometheus scrape job(s) of the exporter.',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_up, job)',
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.+',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          options: [],
          regex: '',
          hide: 0,
          skipUrlSync: false,
        },
        {
          type: 'query',
          name: 'instance',
          label: 'Instance',
          description: 'Exporter instance(s): one per ZPA tenant or microtenant scope.',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_up{job=~"$job"}, instance)',
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.+',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          options: [],
          regex: '',
          hide: 0,
          skipUrlSync: false,
        },
        {
          type: 'query',
          name: 'tenant',
          label: 'Tenant',
          description: "ZPA tenant(s): the exporter's `tenant` label (the tenants file's names, or the customer id of a single tenant).",
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_up{job=~"$job", instance=~"$instance"}, tenant)',
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.*',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          options: [],
          regex: '',
          hide: 0,
          skipUrlSync: false,
        },
        {
          type: 'query',
          name: 'microtenant',
          label: 'Microtenant',
          description: 'ZPA microtenant of the application or connector (the Default tenant is "Default"; an id when the exporter cannot name it).',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_lss_user_connections_total{job=~"$job", instance=~"$instance", tenant=~"$tenant"}, microtenant)',
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.*',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          options: [],
          regex: '',
          hide: 0,
          skipUrlSync: false,
        },
        {
          type: 'query',
          name: 'application',
          label: 'Application',
          description: 'Application segment(s) shown in the access and setup-time panels.',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_lss_user_connections_total{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant"}, application)',
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.*',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          options: [],
          regex: '',
          hide: 0,
          skipUrlSync: false,
        },
        {
          type: 'query',
          name: 'connector_group',
          label: 'App Connector group',
          description: 'App Connector group(s): of the connector that served a connection (`none` when no connector was involved, `unknown` when the API does not know it), and of the connectors in the saturation row.',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_lss_user_connections_total{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant"}, connector_group)',
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.*',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          options: [],
          regex: '',
          hide: 0,
          skipUrlSync: false,
        },
        {
          type: 'query',
          name: 'service_edge_group',
          label: 'Service Edge group',
          description: 'Private Service Edge group(s) shown in the Private Service Edge row.',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_lss_service_edge_cpu_utilization_ratio{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant"}, service_edge_group)',
          refresh: 2,
          sort: 1,
          multi: true,
          includeAll: true,
          allValue: '.*',
          current: {
            selected: true,
            text: [
              'All',
            ],
            value: [
              '$__all',
            ],
          },
          options: [],
          regex: '',
          hide: 0,
          skipUrlSync: false,
        },
      ],
      rows: [
        g.row(1, 'Access health', [
          {
            type: 'stat',
            title: 'Success ratio',
            description: 'Share of the connections closed in the selected applications that ended normally (result success: BRK_MT_TERMINATED, AST_MT_TERMINATED).',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum(rate(zpa_lss_user_connections_total{status="close", result="success", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval])) / sum(rate(zpa_lss_user_connections_total{status="close", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval]))',
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'thresholds',
                },
                mappings: [],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'red',
                      value: null,
                    },
                    {
                      color: 'orange',
                      value: 0.8,
                    },
                    {
                      color: 'green',
                      value: 0.95,
                    },
                  ],
                },
                decimals: 1,
              },
              overrides: [],
            },
            options: {
              reduceOptions: {
                calcs: [
                  'lastNotNull',
                ],
                fields: '',
                values: false,
              },
              colorMode: 'background',
              graphMode: 'area',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 2,
            gridPos: {
              h: 4,
              w: 6,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Failure ratio',
            description: 'Share of closed connections that ended in an Error reason (policy blocks and Info closes such as idle timeouts excluded); ZpaAccessFailureRatioHigh fires per application above 20 %.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum(rate(zpa_lss_user_connections_total{status="close", result="error", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval])) / sum(rate(zpa_lss_user_connections_total{status="close", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval]))',
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'thresholds',
                },
                mappings: [],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'orange',
                      value: 0.05,
                    },
                    {
                      color: 'red',
                      value: 0.2,
                    },
                  ],
                },
                decimals: 1,
              },
              overrides: [],
            },
            options: {
              reduceOptions: {
                calcs: [
                  'lastNotNull',
                ],
                fields: '',
                values: false,
              },
              colorMode: 'background',
              graphMode: 'area',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 3,
            gridPos: {
              h: 4,
              w: 6,
              x: 6,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Connections closed',
            description: 'Connections closed per second in the selected applications, whatever the outcome.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum(rate(zpa_lss_user_connections_total{status="close", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval]))',
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'thresholds',
                },
                mappings: [],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'blue',
                      value: null,
                    },
                  ],
                },
              },
              overrides: [],
            },
            options: {
              reduceOptions: {
                calcs: [
                  'lastNotNull',
                ],
                fields: '',
                values: false,
              },
              colorMode: 'background',
              graphMode: 'area',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 4,
            gridPos: {
              h: 4,
              w: 6,
              x: 12,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Server setup p95',
            description: "95th percentile of ServerSetupTime (the App Connector's connection setup to the server) over the selected applications.",
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'histogram_quantile(0.95, sum by (le) (rate(zpa_lss_server_setup_seconds_bucket{job=~"$job", instance=~"$instance", tenant=~"$tenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval])))',
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 's',
                color: {
                  mode: 'thresholds',
                },
                mappings: [],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'orange',
                      value: 0.5,
                    },
                    {
                      color: 'red',
                      value: 2,
                    },
                  ],
                },
              },
              overrides: [],
            },
            options: {
              reduceOptions: {
                calcs: [
                  'lastNotNull',
                ],
                fields: '',
                values: false,
              },
              colorMode: 'background',
              graphMode: 'area',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 5,
            gridPos: {
              h: 4,
              w: 6,
              x: 18,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Success ratio per application',
            description: 'Per application (and microtenant): connections closed normally divided by all closed connections over 5 minutes, from the recording rule tenant_application:zpa_lss_user_connection_successes:ratio_rate5m (over every connector group: the Connector group variable does not apply). The 10 applications with the lowest ratio.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'bottomk(10, tenant_application:zpa_lss_user_connection_successes:ratio_rate5m{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application"})',
                legendFormat: '{{application}} ({{microtenant}})',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'red',
                      value: null,
                    },
                    {
                      color: 'green',
                      value: 0.8,
                    },
                  ],
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 6,
            gridPos: {
              h: 8,
              w: 12,
              x: 0,
              y: 4,
            },
          },
          {
            type: 'timeseries',
            title: 'Failure ratio per application',
            description: 'Per application (and microtenant): closed connections with an Error reason divided by all closed connections over 5 minutes, the recording rule tenant_application:zpa_lss_user_connection_failures:ratio_rate5m that ZpaAccessFailureRatioHigh reads (line at 20 %; over every connector group: the Connector group variable does not apply). The 10 highest.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'topk(10, tenant_application:zpa_lss_user_connection_failures:ratio_rate5m{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application"})',
                legendFormat: '{{application}} ({{microtenant}})',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 0.2,
                    },
                  ],
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 7,
            gridPos: {
              h: 8,
              w: 12,
              x: 12,
              y: 4,
            },
          },
          {
            type: 'bargauge',
            title: 'Top failure reasons',
            description: 'The 10 most frequent InternalReason codes of connections that closed in error or were blocked by policy, per second now.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'topk(10, sum by (reason, result) (rate(zpa_lss_user_connections_total{status="close", result=~"error|policy_block", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval])))',
                legendFormat: '{{reason}} ({{result}})',
                range: false,
                instant: true,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'thresholds',
                },
                mappings: [],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'orange',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 1,
                    },
                  ],
                },
                min: 0,
              },
              overrides: [],
            },
            options: {
              reduceOptions: {
                calcs: [
                  'lastNotNull',
                ],
                fields: '',
                values: false,
              },
              orientation: 'horizontal',
              displayMode: 'gradient',
              valueMode: 'color',
              namePlacement: 'auto',
              showUnfilled: true,
              sizing: 'auto',
              minVizWidth: 8,
              minVizHeight: 16,
              maxVizHeight: 300,
            },
            id: 8,
            gridPos: {
              h: 8,
              w: 12,
              x: 0,
              y: 12,
            },
          },
          {
            type: 'timeseries',
            title: 'Outcomes',
            description: 'Closed connections per second by outcome class: success, error, policy_block, info (normal ends for other reasons such as idle timeouts) and unknown codes.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (result) (rate(zpa_lss_user_connections_total{status="close", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval]))',
                legendFormat: '{{result}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 10,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'normal',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 9,
            gridPos: {
              h: 8,
              w: 12,
              x: 12,
              y: 12,
            },
          },
        ]),
        g.row(10, 'Connection setup and traffic', [
          {
            type: 'timeseries',
            title: 'Server setup time per application',
            description: 'ServerSetupTime percentiles (p50, p95, p99) per application: how long the App Connector took to set up the connection to the server.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'histogram_quantile(0.5, sum by (le, application) (rate(zpa_lss_server_setup_seconds_bucket{job=~"$job", instance=~"$instance", tenant=~"$tenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval])))',
                legendFormat: '{{application}} p50',
                range: true,
                instant: false,
                refId: 'A',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'histogram_quantile(0.95, sum by (le, application) (rate(zpa_lss_server_setup_seconds_bucket{job=~"$job", instance=~"$instance", tenant=~"$tenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval])))',
                legendFormat: '{{application}} p95',
                range: true,
                instant: false,
                refId: 'B',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'histogram_quantile(0.99, sum by (le, application) (rate(zpa_lss_server_setup_seconds_bucket{job=~"$job", instance=~"$instance", tenant=~"$tenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval])))',
                legendFormat: '{{application}} p99',
                range: true,
                instant: false,
                refId: 'C',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 's',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 11,
            gridPos: {
              h: 8,
              w: 12,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Server setup p95 per connector group',
            description: '95th percentile of ServerSetupTime per App Connector group: a slow group points at its connectors or their network.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'histogram_quantile(0.95, sum by (le, connector_group) (rate(zpa_lss_server_setup_seconds_bucket{job=~"$job", instance=~"$instance", tenant=~"$tenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval])))',
                legendFormat: '{{connector_group}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 's',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 12,
            gridPos: {
              h: 8,
              w: 12,
              x: 12,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Policy processing p99',
            description: '99th percentile of PolicyProcessingTime per application: how long the Service Edge took to evaluate the access policy.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'histogram_quantile(0.99, sum by (le, application) (rate(zpa_lss_policy_processing_seconds_bucket{job=~"$job", instance=~"$instance", tenant=~"$tenant", application=~"$application"}[$__rate_interval])))',
                legendFormat: '{{application}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 's',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 13,
            gridPos: {
              h: 8,
              w: 12,
              x: 0,
              y: 8,
            },
          },
          {
            type: 'timeseries',
            title: 'Bytes by direction',
            description: 'Application traffic through the Service Edges per second, by direction: from/to the client, from/to the App Connector.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (direction) (rate(zpa_lss_user_bytes_total{job=~"$job", instance=~"$instance", tenant=~"$tenant", application=~"$application", connector_group=~"$connector_group"}[$__rate_interval]))',
                legendFormat: '{{direction}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'Bps',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 10,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 14,
            gridPos: {
              h: 8,
              w: 12,
              x: 12,
              y: 8,
            },
          },
        ]),
        g.row(15, 'App Connector saturation', [
          {
            type: 'timeseries',
            title: 'App Connector CPU',
            description: 'CPUUtilization of each App Connector (the maximum over the 5 minutes before each report); ZpaAppConnectorCpuHigh fires above 90 % for 15 minutes.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_app_connector_cpu_utilization_ratio{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}',
                legendFormat: '{{connector}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 0.9,
                    },
                  ],
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 16,
            gridPos: {
              h: 8,
              w: 8,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'App Connector memory',
            description: 'System (whole VM) and process memory utilization of each App Connector.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_app_connector_system_memory_utilization_ratio{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}',
                legendFormat: '{{connector}} system',
                range: true,
                instant: false,
                refId: 'A',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_app_connector_process_memory_utilization_ratio{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}',
                legendFormat: '{{connector}} process',
                range: true,
                instant: false,
                refId: 'B',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 17,
            gridPos: {
              h: 8,
              w: 8,
              x: 8,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Source ports used',
            description: 'Source ports in use (TCP and UDP, IPv4 and IPv6) out of used plus available, per App Connector; ZpaAppConnectorPortsExhausting fires above 90 % for 10 minutes.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (connector) (zpa_lss_app_connector_used_ports{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}) / (sum by (connector) (zpa_lss_app_connector_used_ports{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}) + sum by (connector) (zpa_lss_app_connector_available_ports{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}))',
                legendFormat: '{{connector}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 0.9,
                    },
                  ],
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 18,
            gridPos: {
              h: 8,
              w: 8,
              x: 16,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Ports used and available',
            description: 'Source ports in use by protocol and IP version, and the available ports, per App Connector.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (connector, protocol, ip_version) (zpa_lss_app_connector_used_ports{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})',
                legendFormat: '{{connector}} used {{protocol}}/IPv{{ip_version}}',
                range: true,
                instant: false,
                refId: 'A',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_app_connector_available_ports{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}',
                legendFormat: '{{connector}} available',
                range: true,
                instant: false,
                refId: 'B',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'short',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 19,
            gridPos: {
              h: 8,
              w: 8,
              x: 0,
              y: 8,
            },
          },
          {
            type: 'timeseries',
            title: 'File descriptors used',
            description: 'File descriptors used out of the maximum, per App Connector, for the connector process and the whole system; ZpaAppConnectorFileDescriptorsExhausting fires above 90 % for 10 minutes.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_app_connector_file_descriptors{state="used", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"} / ignoring (state) (zpa_lss_app_connector_file_descriptors{state="max", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"} > 0)',
                legendFormat: '{{connector}} {{scope}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 0.9,
                    },
                  ],
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 20,
            gridPos: {
              h: 8,
              w: 8,
              x: 8,
              y: 8,
            },
          },
          {
            type: 'timeseries',
            title: 'Active application connections',
            description: 'Application connections (M-Tunnels) active on each App Connector at its last report.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_app_connector_app_connections_active{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}',
                legendFormat: '{{connector}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'short',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 21,
            gridPos: {
              h: 8,
              w: 8,
              x: 16,
              y: 8,
            },
          },
          {
            type: 'timeseries',
            title: 'App Connector session events',
            description: 'App Connector control-session events per second by status, from the App Connector Status log (auth_failed and disconnected deserve a look).',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (connector_group, status) (rate(zpa_lss_app_connector_session_events_total{job=~"$job", instance=~"$instance", tenant=~"$tenant", connector_group=~"$connector_group"}[$__rate_interval]))',
                legendFormat: '{{connector_group}} {{status}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 10,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 22,
            gridPos: {
              h: 8,
              w: 12,
              x: 0,
              y: 16,
            },
          },
          {
            type: 'timeseries',
            title: 'Alive targets',
            description: 'Targets (servers) each App Connector monitors, and how many are alive.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_app_connector_targets{state="alive", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"} / ignoring (state) (zpa_lss_app_connector_targets{state="total", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"} > 0)',
                legendFormat: '{{connector}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 23,
            gridPos: {
              h: 8,
              w: 12,
              x: 12,
              y: 16,
            },
          },
        ]),
        g.row(24, 'Private Service Edge saturation', [
          {
            type: 'timeseries',
            title: 'Service Edge CPU',
            description: 'CPUUtilization of each Private Service Edge; ZpaServiceEdgeCpuHigh fires above 90 % for 15 minutes.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_service_edge_cpu_utilization_ratio{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"}',
                legendFormat: '{{service_edge}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 0.9,
                    },
                  ],
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 25,
            gridPos: {
              h: 8,
              w: 8,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Service Edge source ports used',
            description: 'Source ports in use out of used plus available, per Private Service Edge.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (service_edge) (zpa_lss_service_edge_used_ports{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"}) / (sum by (service_edge) (zpa_lss_service_edge_used_ports{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"}) + sum by (service_edge) (zpa_lss_service_edge_available_ports{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"}))',
                legendFormat: '{{service_edge}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 0.9,
                    },
                  ],
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 26,
            gridPos: {
              h: 8,
              w: 8,
              x: 8,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Service Edge file descriptors used',
            description: 'File descriptors used out of the maximum per Private Service Edge, process and system.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_lss_service_edge_file_descriptors{state="used", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"} / ignoring (state) (zpa_lss_service_edge_file_descriptors{state="max", job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"} > 0)',
                legendFormat: '{{service_edge}} {{scope}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 0.9,
                    },
                  ],
                },
                min: 0,
                max: 1,
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 27,
            gridPos: {
              h: 8,
              w: 8,
              x: 16,
              y: 0,
            },
          },
        ]),
        g.row(28, 'User sessions', [
          {
            type: 'timeseries',
            title: 'User sessions by status',
            description: 'Client sessions per second by status (authenticated, auth_failed, disconnected) and client type, from the User Status log.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (status, client_type) (rate(zpa_lss_user_sessions_total{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant"}[$__rate_interval]))',
                legendFormat: '{{status}} {{client_type}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 10,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'normal',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 29,
            gridPos: {
              h: 8,
              w: 12,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'bargauge',
            title: 'Posture checks missed',
            description: 'The posture profiles devices fail most often, per second now.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'topk(10, sum by (posture) (rate(zpa_lss_user_posture_checks_total{result="miss", job=~"$job", instance=~"$instance", tenant=~"$tenant"}[$__rate_interval])))',
                legendFormat: '{{posture}}',
                range: false,
                instant: true,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'thresholds',
                },
                mappings: [],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'orange',
                      value: null,
                    },
                  ],
                },
                min: 0,
              },
              overrides: [],
            },
            options: {
              reduceOptions: {
                calcs: [
                  'lastNotNull',
                ],
                fields: '',
                values: false,
              },
              orientation: 'horizontal',
              displayMode: 'gradient',
              valueMode: 'color',
              namePlacement: 'auto',
              showUnfilled: true,
              sizing: 'auto',
              minVizWidth: 8,
              minVizHeight: 16,
              maxVizHeight: 300,
            },
            id: 30,
            gridPos: {
              h: 8,
              w: 12,
              x: 12,
              y: 0,
            },
          },
        ]),
        g.row(31, 'LSS receiver', [
          {
            type: 'timeseries',
            title: 'Records received by type',
            description: "Lines received per second by log type (ZPA's sourceLogType id).",
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (log_type) (rate(zpa_lss_records_received_total{job=~"$job", instance=~"$instance", tenant=~"$tenant"}[$__rate_interval]))',
                legendFormat: '{{log_type}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 10,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'normal',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 32,
            gridPos: {
              h: 8,
              w: 8,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Records rejected by reason',
            description: 'Lines the receiver could not use, per second: invalid or non-JSON lines (a CSV/TSV or custom template), lines too long, binary data, unknown types, TLS sent to a plain listener.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (log_type, reason) (rate(zpa_lss_records_rejected_total{job=~"$job", instance=~"$instance", tenant=~"$tenant"}[$__rate_interval]))',
                legendFormat: '{{log_type}} {{reason}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 10,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 33,
            gridPos: {
              h: 8,
              w: 8,
              x: 8,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Time since the last record',
            description: 'Seconds since the last parsed record of each log type; ZpaLssStreamStopped fires after 15 minutes of silence.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'time() - zpa_lss_last_record_timestamp_seconds{job=~"$job", instance=~"$instance", tenant=~"$tenant"}',
                legendFormat: '{{log_type}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 's',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'line',
                  },
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 900,
                    },
                  ],
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 34,
            gridPos: {
              h: 8,
              w: 8,
              x: 16,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Open connections',
            description: 'TCP connections open on each LSS listener (App Connectors forwarding the streams).',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (listener) (zpa_lss_receiver_connections{job=~"$job", instance=~"$instance", tenant=~"$tenant"})',
                legendFormat: '{{listener}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'short',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 0,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 35,
            gridPos: {
              h: 8,
              w: 8,
              x: 0,
              y: 8,
            },
          },
          {
            type: 'timeseries',
            title: 'Connections by result',
            description: 'Connections per second per listener: accepted, refused over the cap, TLS handshake failed, closed for idleness.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (listener, result) (rate(zpa_lss_receiver_connections_total{job=~"$job", instance=~"$instance", tenant=~"$tenant"}[$__rate_interval]))',
                legendFormat: '{{listener}} {{result}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 10,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 36,
            gridPos: {
              h: 8,
              w: 8,
              x: 8,
              y: 8,
            },
          },
          {
            type: 'timeseries',
            title: 'Series dropped',
            description: 'Samples folded into the `other` bucket per second because a family reached --lss.max-series: raise it, or find the label that grows.',
            datasource: {
              type: 'prometheus',
              uid: '${datasource}',
            },
            targets: [
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum by (family) (rate(zpa_lss_series_dropped_total{job=~"$job", instance=~"$instance", tenant=~"$tenant"}[$__rate_interval]))',
                legendFormat: '{{family}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'ops',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 10,
                  showPoints: 'never',
                  spanNulls: false,
                  axisPlacement: 'auto',
                  pointSize: 4,
                  lineInterpolation: 'linear',
                  stacking: {
                    mode: 'none',
                    group: 'A',
                  },
                  thresholdsStyle: {
                    mode: 'off',
                  },
                },
              },
              overrides: [],
            },
            options: {
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
                calcs: [],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 37,
            gridPos: {
              h: 8,
              w: 8,
              x: 16,
              y: 8,
            },
          },
        ]),
      ],
    }),
  },
}
