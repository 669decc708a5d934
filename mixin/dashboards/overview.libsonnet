// The ZPA / Overview dashboard (zpa-overview.json).
local g = import '../lib/dashboard.libsonnet';

{
  grafanaDashboards+:: {
    [$._config.dashboardFilePrefix + 'overview.json']: g.dashboard($._config, {
      uid: 'overview',
      title: 'Overview',
      description: 'Zscaler Private Access seen by zpa-exporter: exporter health, application segments, App Connector and Service Edge fleet, certificates and configuration changes.',
      time: {
        from: 'now-6h',
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
          description: 'ZPA microtenant (the Default tenant is "Default").',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_application_segments{job=~"$job", instance=~"$instance", tenant=~"$tenant"}, microtenant)',
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
        g.row(1, 'Exporter health', [
          {
            type: 'stat',
            title: 'Exporter health',
            description: "zpa_up: 1 when no configuration error is detected and every enabled, available collector's last run succeeded with data younger than about twice its own interval. Unavailable (unlicensed) collectors do not count.",
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
                expr: 'min(zpa_up{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                color: {
                  mode: 'thresholds',
                },
                mappings: [
                  {
                    type: 'value',
                    options: {
                      "0": {
                        text: 'Unhealthy',
                        index: 0,
                      },
                      "1": {
                        text: 'OK',
                        index: 1,
                      },
                    },
                  },
                ],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'red',
                      value: null,
                    },
                    {
                      color: 'green',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 2,
            gridPos: {
              h: 4,
              w: 3,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Scrape up',
            description: "Prometheus' own up metric for the exporter's targets (1 = scraped).",
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
                expr: 'min(up{job=~"$job", instance=~"$instance"})',
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                color: {
                  mode: 'thresholds',
                },
                mappings: [
                  {
                    type: 'value',
                    options: {
                      "0": {
                        text: 'Down',
                        color: 'red',
                        index: 0,
                      },
                      "1": {
                        text: 'Up',
                        color: 'green',
                        index: 1,
                      },
                    },
                  },
                ],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'red',
                      value: null,
                    },
                    {
                      color: 'green',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 3,
            gridPos: {
              h: 4,
              w: 2,
              x: 3,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Configuration error',
            description: "zpa_config_error: 1 when the exporter detected a configuration error (wrong customer id, unknown or mismatching microtenant id, every collector refused); it exports no ZPA data then and ZpaConfigError pages. Check --zpa.customer-id, --zpa.microtenant-id and the API key's role; the exporter log names the setting.",
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
                expr: 'max(zpa_config_error{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                color: {
                  mode: 'thresholds',
                },
                mappings: [
                  {
                    type: 'value',
                    options: {
                      "0": {
                        text: 'None',
                        color: 'green',
                        index: 0,
                      },
                      "1": {
                        text: 'Config error',
                        color: 'red',
                        index: 1,
                      },
                    },
                  },
                ],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'red',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 46,
            gridPos: {
              h: 4,
              w: 3,
              x: 5,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Failing collectors',
            description: 'Collectors whose last run failed, not counting unavailable ones (the recording rule tenant:zpa_collectors_failing:sum). Their last good values are still served (ZpaCollectorFailing after 15 minutes).',
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
                expr: 'sum(tenant:zpa_collectors_failing:sum{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      color: 'red',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 4,
            gridPos: {
              h: 4,
              w: 2,
              x: 8,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Unavailable collectors',
            description: 'Collectors the API key may not read (feature not licensed, or 403). Not a failure; the exporter asks again from time to time.',
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
                expr: 'sum(zpa_collector_unavailable{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      color: 'blue',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 5,
            gridPos: {
              h: 4,
              w: 2,
              x: 10,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Stalest collector',
            description: "The largest data age of any available collector, in units of that collector's own interval (1 = one interval since its last success). zpa_up turns 0 at about 2; ZpaDataStale fires above 3.",
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
                expr: 'max((time() - zpa_collector_last_success_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}) / on (job, instance, %(tenantLabel)s, collector) zpa_collector_interval_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"} unless on (job, instance, %(tenantLabel)s, collector) zpa_collector_unavailable{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"} == 1)' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'suffix:× interval',
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
                      value: 2,
                    },
                    {
                      color: 'red',
                      value: 3,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 6,
            gridPos: {
              h: 4,
              w: 3,
              x: 12,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'API budget needed',
            description: "zpa_api_budget_utilization: the share of the client-side GET budget (--zpa.rate-limit, ZPA allows 20 per 10 s) that the collectors' schedule needs. Normally at most 80 %; above 100 % the schedule cannot keep up and data refreshes later than planned.",
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
                expr: 'max(zpa_api_budget_utilization{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
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
                      value: 0.8,
                    },
                    {
                      color: 'red',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 7,
            gridPos: {
              h: 4,
              w: 3,
              x: 15,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Sign-in failures in a row',
            description: 'zpa_signin_consecutive_failures: failed sign-ins since the last success; ZpaSigninFailing fires at 3.',
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
                expr: 'max(zpa_signin_consecutive_failures{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      value: 1,
                    },
                    {
                      color: 'red',
                      value: 3,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 8,
            gridPos: {
              h: 4,
              w: 3,
              x: 18,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Exporter version',
            description: 'zpa_exporter_build_info: version and git revision of the running exporter(s).',
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
                expr: 'zpa_exporter_build_info{job=~"$job", instance=~"$instance"}',
                legendFormat: '{{version}} ({{revision}})',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
              colorMode: 'none',
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'name',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 9,
            gridPos: {
              h: 4,
              w: 3,
              x: 21,
              y: 0,
            },
          },
          {
            type: 'state-timeline',
            title: 'Collector status',
            description: 'Per collector: OK (last run succeeded), Failing (last good values still served), Unavailable (not licensed or forbidden; not a failure).',
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
                expr: 'max by (instance, %(tenantLabel)s, collector) (zpa_collector_success{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"} + 2 * zpa_collector_unavailable{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: '{{instance}} {{tenant}} {{collector}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                color: {
                  mode: 'thresholds',
                },
                mappings: [
                  {
                    type: 'value',
                    options: {
                      "0": {
                        text: 'Failing',
                        color: 'red',
                        index: 0,
                      },
                      "1": {
                        text: 'OK',
                        color: 'green',
                        index: 1,
                      },
                      "2": {
                        text: 'Unavailable',
                        color: 'blue',
                        index: 2,
                      },
                    },
                  },
                ],
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'red',
                      value: null,
                    },
                    {
                      color: 'green',
                      value: 1,
                    },
                  ],
                },
                custom: {
                  fillOpacity: 80,
                  lineWidth: 0,
                  hideFrom: {
                    legend: false,
                    tooltip: false,
                    viz: false,
                  },
                },
              },
              overrides: [],
            },
            options: {
              showValue: 'never',
              rowHeight: 0.9,
              mergeValues: true,
              alignValue: 'left',
              legend: {
                displayMode: 'list',
                placement: 'bottom',
                showLegend: true,
              },
              tooltip: {
                mode: 'single',
                sort: 'none',
              },
            },
            id: 10,
            gridPos: {
              h: 9,
              w: 12,
              x: 0,
              y: 4,
            },
          },
          {
            type: 'timeseries',
            title: 'Data age per collector, in intervals',
            description: "Time since each collector's last success divided by that collector's own interval (zpa_collector_interval_seconds), so a 1-minute and an hourly collector compare: 1 = one interval old. zpa_up turns 0 above about 2 (orange line); ZpaDataStale fires above 3 (red line).",
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
                expr: '(time() - zpa_collector_last_success_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}) / on (job, instance, %(tenantLabel)s, collector) zpa_collector_interval_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"} unless on (job, instance, %(tenantLabel)s, collector) zpa_collector_unavailable{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"} == 1' % $._config,
                legendFormat: '{{instance}} {{tenant}} {{collector}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'suffix:× interval',
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
                    mode: 'dashed',
                  },
                },
                decimals: 1,
                min: 0,
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'transparent',
                      value: null,
                    },
                    {
                      color: 'orange',
                      value: 2,
                    },
                    {
                      color: 'red',
                      value: 3,
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
            id: 11,
            gridPos: {
              h: 9,
              w: 12,
              x: 12,
              y: 4,
            },
          },
          {
            type: 'table',
            title: 'Collector schedule',
            description: 'One row per collector: the age of its data against its own interval and the stale threshold (3 × interval, ZpaDataStale), its effective interval (stretched by the exporter when the API budget is short), when it runs next (negative: overdue), the GET requests and time its last run took, and its status. Stalest first.',
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
                expr: 'time() - zpa_collector_last_success_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'A',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_collector_interval_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'B',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: '3 * zpa_collector_interval_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'C',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: '(time() - zpa_collector_last_success_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}) / on (job, instance, %(tenantLabel)s, collector) zpa_collector_interval_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'D',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_collector_next_run_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"} - time()' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'E',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_collector_last_run_requests{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'F',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_collector_duration_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'G',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_collector_success{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"} + 2 * zpa_collector_unavailable{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'H',
                format: 'table',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 's',
                decimals: 0,
                color: {
                  mode: 'thresholds',
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                  ],
                },
                custom: {
                  align: 'auto',
                  cellOptions: {
                    type: 'auto',
                  },
                  inspect: false,
                  filterable: true,
                },
              },
              overrides: [
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #A',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Data age',
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #B',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Interval',
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #C',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Stale after',
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #D',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Age / interval',
                    },
                    {
                      id: 'unit',
                      value: 'suffix:×',
                    },
                    {
                      id: 'decimals',
                      value: 1,
                    },
                    {
                      id: 'thresholds',
                      value: {
                        mode: 'absolute',
                        steps: [
                          {
                            color: 'green',
                            value: null,
                          },
                          {
                            color: 'orange',
                            value: 2,
                          },
                          {
                            color: 'red',
                            value: 3,
                          },
                        ],
                      },
                    },
                    {
                      id: 'custom.cellOptions',
                      value: {
                        type: 'color-background',
                      },
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #E',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Next run in',
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #F',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Requests (last run)',
                    },
                    {
                      id: 'unit',
                      value: 'none',
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #G',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Last run took',
                    },
                    {
                      id: 'decimals',
                      value: 1,
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #H',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Status',
                    },
                    {
                      id: 'unit',
                      value: 'none',
                    },
                    {
                      id: 'mappings',
                      value: [
                        {
                          type: 'value',
                          options: {
                            "0": {
                              text: 'Failing',
                              color: 'red',
                              index: 0,
                            },
                            "1": {
                              text: 'OK',
                              color: 'green',
                              index: 1,
                            },
                            "2": {
                              text: 'Unavailable',
                              color: 'blue',
                              index: 2,
                            },
                            "3": {
                              text: 'Unavailable',
                              color: 'blue',
                              index: 3,
                            },
                          },
                        },
                      ],
                    },
                    {
                      id: 'custom.cellOptions',
                      value: {
                        type: 'color-text',
                      },
                    },
                  ],
                },
              ],
            },
            options: {
              showHeader: true,
              cellHeight: 'sm',
              sortBy: [
                {
                  displayName: 'Age / interval',
                  desc: true,
                },
              ],
              footer: {
                show: false,
                reducer: [
                  'sum',
                ],
                countRows: false,
                fields: '',
              },
            },
            transformations: [
              {
                id: 'merge',
                options: {},
              },
              {
                id: 'organize',
                options: {
                  excludeByName: {
                    Time: true,
                    job: true,
                  },
                  renameByName: {
                    collector: 'Collector',
                    instance: 'Instance',
                  },
                  indexByName: {
                    collector: 0,
                    "Value #H": 1,
                    "Value #D": 2,
                    "Value #A": 3,
                    "Value #C": 4,
                    "Value #B": 5,
                    "Value #E": 6,
                    "Value #F": 7,
                    "Value #G": 8,
                    instance: 9,
                  },
                },
              },
            ],
            id: 47,
            gridPos: {
              h: 9,
              w: 16,
              x: 0,
              y: 13,
            },
          },
          {
            type: 'timeseries',
            title: 'API budget utilization',
            description: "zpa_api_budget_utilization: the share of the client-side GET budget (--zpa.rate-limit) the collectors' schedule needs. Green below 80 %, orange up to 100 %, red at or above 100 %: the schedule cannot keep up, the exporter stretches low-priority intervals and data refreshes later.",
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
                expr: 'zpa_api_budget_utilization{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '{{instance}} {{tenant}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'percentunit',
                min: 0,
                color: {
                  mode: 'thresholds',
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                    {
                      color: 'orange',
                      value: 0.8,
                    },
                    {
                      color: 'red',
                      value: 1,
                    },
                  ],
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 2,
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
                    mode: 'dashed',
                  },
                  gradientMode: 'scheme',
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
            id: 48,
            gridPos: {
              h: 9,
              w: 8,
              x: 16,
              y: 13,
            },
          },
          {
            type: 'timeseries',
            title: 'Effective interval per collector',
            description: "zpa_collector_interval_seconds: how often each collector runs, after any stretching by the exporter's planner when the API budget is short (defaults: App Connectors and Service Edges 1 min, certificates 1 h).",
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
                expr: 'zpa_collector_interval_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '{{instance}} {{tenant}} {{collector}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 's',
                min: 0,
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
                  lineInterpolation: 'stepAfter',
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
            id: 49,
            gridPos: {
              h: 8,
              w: 8,
              x: 0,
              y: 22,
            },
          },
          {
            type: 'bargauge',
            title: 'Requests per run',
            description: "zpa_collector_last_run_requests: GET requests each collector's last run sent (one per page of 500 objects, more for policy rules and SCIM groups). Together with the intervals this is what the API budget has to carry.",
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
                expr: 'sort_desc(zpa_collector_last_run_requests{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: '{{instance}} {{tenant}} {{collector}}',
                range: false,
                instant: true,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                min: 0,
                color: {
                  mode: 'thresholds',
                },
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
              orientation: 'horizontal',
              displayMode: 'basic',
              showUnfilled: true,
              valueMode: 'color',
              namePlacement: 'auto',
              sizing: 'auto',
              minVizHeight: 16,
              minVizWidth: 8,
              maxVizHeight: 300,
            },
            id: 50,
            gridPos: {
              h: 8,
              w: 8,
              x: 8,
              y: 22,
            },
          },
          {
            type: 'timeseries',
            title: 'Collector duration',
            description: "How long each collector's last run took, waiting for the shared client-side rate limit included.",
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
                expr: 'zpa_collector_duration_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}' % $._config,
                legendFormat: '{{instance}} {{tenant}} {{collector}}',
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
            id: 12,
            gridPos: {
              h: 8,
              w: 8,
              x: 16,
              y: 22,
            },
          },
          {
            type: 'timeseries',
            title: 'API requests by status code',
            description: 'Requests the exporter sent to the ZPA API per second, by HTTP status (`error` = no response: timeout, connection failure).',
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
                expr: 'sum by (instance, %(tenantLabel)s, code) (rate(zpa_api_requests_total{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}[$__rate_interval]))' % $._config,
                legendFormat: '{{instance}} {{tenant}} {{code}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'reqps',
                color: {
                  mode: 'palette-classic',
                },
                custom: {
                  drawStyle: 'line',
                  lineWidth: 1,
                  fillOpacity: 30,
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
            id: 13,
            gridPos: {
              h: 8,
              w: 8,
              x: 0,
              y: 30,
            },
          },
          {
            type: 'timeseries',
            title: 'Rate limiting and retries',
            description: "429 answers from the ZPA API and the retries the exporter made, by reason. Persistent 429s fire ZpaApiRateLimited: another client shares the key's budget.",
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
                expr: 'sum by (instance, %(tenantLabel)s, endpoint) (rate(zpa_api_requests_total{code="429", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}[$__rate_interval]))' % $._config,
                legendFormat: '429 {{instance}} {{tenant}} {{endpoint}}',
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
                expr: 'sum by (instance, %(tenantLabel)s, reason) (rate(zpa_api_retries_total{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}[$__rate_interval]))' % $._config,
                legendFormat: 'retry {{instance}} {{tenant}} {{reason}}',
                range: true,
                instant: false,
                refId: 'B',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'reqps',
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
              w: 8,
              x: 8,
              y: 30,
            },
          },
          {
            type: 'timeseries',
            title: 'Sign-ins',
            description: 'Sign-in attempts and failures by reason, per rate interval. A token is renewed before it expires, so a few attempts per day are normal.',
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
                expr: 'sum by (instance, %(tenantLabel)s) (increase(zpa_signin_attempts_total{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}[$__rate_interval]))' % $._config,
                legendFormat: 'attempts {{instance}} {{tenant}}',
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
                expr: 'sum by (instance, %(tenantLabel)s, reason) (increase(zpa_signin_failures_total{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"}[$__rate_interval]))' % $._config,
                legendFormat: 'failed {{instance}} {{tenant}} {{reason}}',
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
                  drawStyle: 'bars',
                  lineWidth: 1,
                  fillOpacity: 60,
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
            id: 15,
            gridPos: {
              h: 8,
              w: 8,
              x: 16,
              y: 30,
            },
          },
          {
            type: 'timeseries',
            title: 'Token validity left',
            description: 'Time until the current bearer token expires; it is renewed before expiry and once on a 401.',
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
                expr: 'zpa_token_expiry_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"} - time()' % $._config,
                legendFormat: '{{instance}} {{tenant}}',
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
            id: 16,
            gridPos: {
              h: 8,
              w: 8,
              x: 0,
              y: 38,
            },
          },
          {
            type: 'timeseries',
            title: 'Exporter memory and open files',
            description: 'Resident memory (left axis) and open file descriptors (right axis) of the exporter process.',
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
                expr: 'process_resident_memory_bytes{job=~"$job", instance=~"$instance"}',
                legendFormat: 'resident {{instance}} {{tenant}}',
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
                expr: 'process_open_fds{job=~"$job", instance=~"$instance"}',
                legendFormat: 'open fds {{instance}} {{tenant}}',
                range: true,
                instant: false,
                refId: 'B',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'bytes',
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
              overrides: [
                {
                  matcher: {
                    id: 'byFrameRefID',
                    options: 'B',
                  },
                  properties: [
                    {
                      id: 'unit',
                      value: 'short',
                    },
                    {
                      id: 'custom.axisPlacement',
                      value: 'right',
                    },
                  ],
                },
              ],
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
              y: 38,
            },
          },
          {
            type: 'timeseries',
            title: 'Exporter CPU',
            description: 'CPU used by the exporter process (100 % = one core).',
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
                expr: 'rate(process_cpu_seconds_total{job=~"$job", instance=~"$instance"}[$__rate_interval])',
                legendFormat: '{{instance}} {{tenant}}',
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
            id: 18,
            gridPos: {
              h: 8,
              w: 8,
              x: 16,
              y: 38,
            },
          },
        ]),
        g.row(19, 'Application segments', [
          {
            type: 'timeseries',
            title: 'Application segments per microtenant',
            description: 'Application segments per microtenant, stacked enabled and disabled. A jump in disabled segments fires ZpaApplicationSegmentsDisabledJump.',
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
                expr: 'sum by (microtenant, enabled) (zpa_application_segments{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '{{microtenant}} enabled={{enabled}}',
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
                  fillOpacity: 40,
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
              overrides: [
                {
                  matcher: {
                    id: 'byRegexp',
                    options: '.*enabled=false',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'orange',
                      },
                    },
                  ],
                },
              ],
            },
            options: {
              legend: {
                displayMode: 'table',
                placement: 'bottom',
                showLegend: true,
                calcs: [
                  'lastNotNull',
                  'max',
                ],
              },
              tooltip: {
                mode: 'multi',
                sort: 'desc',
              },
            },
            id: 20,
            gridPos: {
              h: 9,
              w: 16,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'bargauge',
            title: 'Segments now',
            description: 'Current enabled and disabled application segments per microtenant.',
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
                expr: 'sum by (microtenant) (zpa_application_segments{enabled="true", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '{{microtenant}} enabled',
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
                expr: 'sum by (microtenant) (zpa_application_segments{enabled="false", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '{{microtenant}} disabled',
                range: true,
                instant: false,
                refId: 'B',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'short',
                color: {
                  mode: 'thresholds',
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
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
              orientation: 'horizontal',
              displayMode: 'basic',
              showUnfilled: true,
              valueMode: 'color',
              namePlacement: 'auto',
              sizing: 'auto',
              minVizHeight: 16,
              minVizWidth: 8,
              maxVizHeight: 300,
            },
            id: 21,
            gridPos: {
              h: 9,
              w: 8,
              x: 16,
              y: 0,
            },
          },
          {
            type: 'bargauge',
            title: 'Groups',
            description: 'Segment groups, server groups, App Connector groups and Service Edge groups (enabled and disabled) in the selected microtenants.',
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
                expr: 'sum(zpa_segment_groups{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: 'segment groups',
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
                expr: 'sum(zpa_server_groups{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: 'server groups',
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
                expr: 'sum(zpa_app_connector_groups{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: 'App Connector groups',
                range: true,
                instant: false,
                refId: 'C',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'sum(zpa_service_edge_groups{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: 'Service Edge groups',
                range: true,
                instant: false,
                refId: 'D',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'short',
                color: {
                  mode: 'thresholds',
                },
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
              orientation: 'horizontal',
              displayMode: 'basic',
              showUnfilled: true,
              valueMode: 'color',
              namePlacement: 'auto',
              sizing: 'auto',
              minVizHeight: 16,
              minVizWidth: 8,
              maxVizHeight: 300,
            },
            id: 22,
            gridPos: {
              h: 7,
              w: 8,
              x: 0,
              y: 9,
            },
          },
          {
            type: 'bargauge',
            title: 'Policy rules',
            description: 'Policy rules by policy type and enabled state. Policy rules are tenant-wide: the Microtenant variable does not apply to this panel.',
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
                expr: 'sum by (policy_type, enabled) (zpa_policy_rules{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: '{{policy_type}} enabled={{enabled}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'short',
                color: {
                  mode: 'thresholds',
                },
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
              orientation: 'horizontal',
              displayMode: 'basic',
              showUnfilled: true,
              valueMode: 'color',
              namePlacement: 'auto',
              sizing: 'auto',
              minVizHeight: 16,
              minVizWidth: 8,
              maxVizHeight: 300,
            },
            id: 23,
            gridPos: {
              h: 7,
              w: 8,
              x: 8,
              y: 9,
            },
          },
          {
            type: 'bargauge',
            title: 'Identity providers and SCIM groups',
            description: 'Identity providers by SSO type, and SCIM groups per SCIM-enabled IdP. IdPs and SCIM groups are tenant-wide: the Microtenant variable does not apply to this panel.',
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
                expr: 'count by (sso_type) (zpa_identity_provider_info{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: 'IdPs {{sso_type}}',
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
                expr: 'sum by (idp) (zpa_scim_groups{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant"})' % $._config,
                legendFormat: 'SCIM groups {{idp}}',
                range: true,
                instant: false,
                refId: 'B',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'short',
                color: {
                  mode: 'thresholds',
                },
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
              orientation: 'horizontal',
              displayMode: 'basic',
              showUnfilled: true,
              valueMode: 'color',
              namePlacement: 'auto',
              sizing: 'auto',
              minVizHeight: 16,
              minVizWidth: 8,
              maxVizHeight: 300,
            },
            id: 24,
            gridPos: {
              h: 7,
              w: 8,
              x: 16,
              y: 9,
            },
          },
        ]),
        g.row(25, 'App Connector and Service Edge fleet', [
          {
            type: 'stat',
            title: 'App Connectors authenticated',
            description: 'App Connectors with an authenticated control channel.',
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
                expr: 'sum(zpa_app_connectors{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 26,
            gridPos: {
              h: 4,
              w: 3,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'App Connectors not authenticated',
            description: 'App Connectors disconnected, failing authentication, never connected or in another state (everything but authenticated).',
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
                expr: 'sum(zpa_app_connectors{status!="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 27,
            gridPos: {
              h: 4,
              w: 3,
              x: 3,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'App Connectors outdated',
            description: 'App Connectors not running their expected version (ZpaAppConnectorVersionDrift fires after a day).',
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
                expr: 'sum(zpa_app_connector_outdated{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 28,
            gridPos: {
              h: 4,
              w: 3,
              x: 6,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'App Connector groups with none connected',
            description: 'Groups with App Connectors but none authenticated; the critical group-down alert fires on these (groups of only never-connected machines excepted).',
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
                expr: 'count((sum by (instance, %(tenantLabel)s, microtenant, connector_group) (zpa_app_connectors{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"}) == 0) and on (instance, %(tenantLabel)s, microtenant, connector_group) (sum by (instance, %(tenantLabel)s, microtenant, connector_group) (zpa_app_connectors{status!="never_connected", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"}) > 0)) or vector(0)' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      color: 'red',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 29,
            gridPos: {
              h: 4,
              w: 3,
              x: 9,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Service Edges authenticated',
            description: 'Service Edges with an authenticated control channel.',
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
                expr: 'sum(zpa_service_edges{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 30,
            gridPos: {
              h: 4,
              w: 3,
              x: 12,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Service Edges not authenticated',
            description: 'Service Edges disconnected, failing authentication, never connected or in another state.',
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
                expr: 'sum(zpa_service_edges{status!="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 31,
            gridPos: {
              h: 4,
              w: 3,
              x: 15,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Service Edges outdated',
            description: 'Service Edges not running their expected version (ZpaServiceEdgeVersionDrift fires after a day).',
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
                expr: 'sum(zpa_service_edge_outdated{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 32,
            gridPos: {
              h: 4,
              w: 3,
              x: 18,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Service Edge groups with none connected',
            description: 'Groups with Service Edges but none authenticated; the critical group-down alert fires on these (groups of only never-connected machines excepted).',
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
                expr: 'count((sum by (instance, %(tenantLabel)s, microtenant, service_edge_group) (zpa_service_edges{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"}) == 0) and on (instance, %(tenantLabel)s, microtenant, service_edge_group) (sum by (instance, %(tenantLabel)s, microtenant, service_edge_group) (zpa_service_edges{status!="never_connected", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"}) > 0)) or vector(0)' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      color: 'red',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 33,
            gridPos: {
              h: 4,
              w: 3,
              x: 21,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'App Connectors by status',
            description: 'App Connectors per control-channel status over time.',
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
                expr: 'sum by (status) (zpa_app_connectors{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '{{status}}',
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
                  fillOpacity: 40,
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
              overrides: [
                {
                  matcher: {
                    id: 'byName',
                    options: 'authenticated',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'green',
                      },
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'disconnected',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'red',
                      },
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'auth_failed',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'purple',
                      },
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'never_connected',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'blue',
                      },
                    },
                  ],
                },
              ],
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
              w: 6,
              x: 0,
              y: 4,
            },
          },
          {
            type: 'bargauge',
            title: 'Authenticated App Connectors per group',
            description: 'Authenticated App Connectors in each group; red at 0 (nothing serves that group).',
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
                expr: 'sum by (microtenant, connector_group) (zpa_app_connectors{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '{{microtenant}} / {{connector_group}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                color: {
                  mode: 'thresholds',
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'red',
                      value: null,
                    },
                    {
                      color: 'orange',
                      value: 1,
                    },
                    {
                      color: 'green',
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
              orientation: 'horizontal',
              displayMode: 'basic',
              showUnfilled: true,
              valueMode: 'color',
              namePlacement: 'auto',
              sizing: 'auto',
              minVizHeight: 16,
              minVizWidth: 8,
              maxVizHeight: 300,
            },
            id: 35,
            gridPos: {
              h: 8,
              w: 6,
              x: 6,
              y: 4,
            },
          },
          {
            type: 'timeseries',
            title: 'Service Edges by status',
            description: 'Service Edges per control-channel status over time.',
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
                expr: 'sum by (status) (zpa_service_edges{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '{{status}}',
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
                  fillOpacity: 40,
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
              overrides: [
                {
                  matcher: {
                    id: 'byName',
                    options: 'authenticated',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'green',
                      },
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'disconnected',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'red',
                      },
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'auth_failed',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'purple',
                      },
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'never_connected',
                  },
                  properties: [
                    {
                      id: 'color',
                      value: {
                        mode: 'fixed',
                        fixedColor: 'blue',
                      },
                    },
                  ],
                },
              ],
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
              w: 6,
              x: 12,
              y: 4,
            },
          },
          {
            type: 'bargauge',
            title: 'Authenticated Service Edges per group',
            description: 'Authenticated Service Edges in each group; red at 0 (nothing serves that group).',
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
                expr: 'sum by (microtenant, service_edge_group) (zpa_service_edges{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '{{microtenant}} / {{service_edge_group}}',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                color: {
                  mode: 'thresholds',
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'red',
                      value: null,
                    },
                    {
                      color: 'orange',
                      value: 1,
                    },
                    {
                      color: 'green',
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
              orientation: 'horizontal',
              displayMode: 'basic',
              showUnfilled: true,
              valueMode: 'color',
              namePlacement: 'auto',
              sizing: 'auto',
              minVizHeight: 16,
              minVizWidth: 8,
              maxVizHeight: 300,
            },
            id: 37,
            gridPos: {
              h: 8,
              w: 6,
              x: 18,
              y: 4,
            },
          },
        ]),
        g.row(38, 'Certificates', [
          {
            type: 'table',
            title: 'Certificate expiry (soonest first)',
            description: 'Browser-access, enrollment and IdP certificates, the one expiring soonest first. Orange under 30 days, red under 7 days or expired (ZpaCertificateExpiring).',
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
                expr: 'zpa_certificate_expiry_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"} - time()' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'A',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_certificate_expiry_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"} * 1000' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'B',
                format: 'table',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                color: {
                  mode: 'thresholds',
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                  ],
                },
                custom: {
                  align: 'auto',
                  cellOptions: {
                    type: 'auto',
                  },
                  inspect: false,
                  filterable: true,
                },
              },
              overrides: [
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #A',
                  },
                  properties: [
                    {
                      id: 'unit',
                      value: 'dtdurations',
                    },
                    {
                      id: 'displayName',
                      value: 'Expires in',
                    },
                    {
                      id: 'thresholds',
                      value: {
                        mode: 'absolute',
                        steps: [
                          {
                            color: 'red',
                            value: null,
                          },
                          {
                            color: 'orange',
                            value: 604800,
                          },
                          {
                            color: 'green',
                            value: 2592000,
                          },
                        ],
                      },
                    },
                    {
                      id: 'custom.cellOptions',
                      value: {
                        type: 'color-background',
                      },
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #B',
                  },
                  properties: [
                    {
                      id: 'unit',
                      value: 'dateTimeAsIso',
                    },
                    {
                      id: 'displayName',
                      value: 'Expires at',
                    },
                  ],
                },
              ],
            },
            options: {
              showHeader: true,
              cellHeight: 'sm',
              sortBy: [
                {
                  displayName: 'Expires in',
                  desc: false,
                },
              ],
              footer: {
                show: false,
                reducer: [
                  'sum',
                ],
                countRows: false,
                fields: '',
              },
            },
            transformations: [
              {
                id: 'merge',
                options: {},
              },
              {
                id: 'organize',
                options: {
                  excludeByName: {
                    Time: true,
                    job: true,
                  },
                  renameByName: {
                    kind: 'Kind',
                    name: 'Name',
                    id: 'ID',
                    microtenant: 'Microtenant',
                    instance: 'Instance',
                  },
                  indexByName: {
                    kind: 0,
                    name: 1,
                    microtenant: 2,
                    "Value #A": 3,
                    "Value #B": 4,
                    id: 5,
                    instance: 6,
                  },
                },
              },
            ],
            id: 39,
            gridPos: {
              h: 10,
              w: 16,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Expiring within 30 days',
            description: 'Certificates whose expiry is less than 30 days away (expired ones included).',
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
                expr: 'sum(zpa_certificate_expiry_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"} - time() < bool 30 * 86400)' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 40,
            gridPos: {
              h: 5,
              w: 4,
              x: 16,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Expiring within 7 days',
            description: 'Certificates whose expiry is less than 7 days away, expired ones included: ZpaCertificateExpiring (critical).',
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
                expr: 'sum(zpa_certificate_expiry_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"} - time() < bool 7 * 86400)' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
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
                      color: 'red',
                      value: 1,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 41,
            gridPos: {
              h: 5,
              w: 4,
              x: 20,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Soonest expiry',
            description: 'Time left on the certificate that expires first (negative: expired).',
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
                expr: 'min(zpa_certificate_expiry_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"}) - time()' % $._config,
                legendFormat: '__auto',
                range: true,
                instant: false,
                refId: 'A',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'dtdurations',
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
                      value: 604800,
                    },
                    {
                      color: 'green',
                      value: 2592000,
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
              graphMode: 'none',
              justifyMode: 'auto',
              orientation: 'auto',
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 42,
            gridPos: {
              h: 5,
              w: 8,
              x: 16,
              y: 5,
            },
          },
        ]),
        g.row(43, 'Configuration changes', [
          {
            type: 'table',
            title: 'Last change per resource',
            description: 'Newest modifiedTime per resource and microtenant, most recent first: who changed what is in the ZPA admin console audit log.',
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
                expr: 'time() - zpa_config_last_modified_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'A',
                format: 'table',
              },
              {
                datasource: {
                  type: 'prometheus',
                  uid: '${datasource}',
                },
                editorMode: 'code',
                expr: 'zpa_config_last_modified_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"} * 1000' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'B',
                format: 'table',
              },
            ],
            fieldConfig: {
              defaults: {
                unit: 'none',
                color: {
                  mode: 'thresholds',
                },
                thresholds: {
                  mode: 'absolute',
                  steps: [
                    {
                      color: 'green',
                      value: null,
                    },
                  ],
                },
                custom: {
                  align: 'auto',
                  cellOptions: {
                    type: 'auto',
                  },
                  inspect: false,
                  filterable: true,
                },
              },
              overrides: [
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #A',
                  },
                  properties: [
                    {
                      id: 'unit',
                      value: 'dtdurations',
                    },
                    {
                      id: 'displayName',
                      value: 'Changed',
                    },
                  ],
                },
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #B',
                  },
                  properties: [
                    {
                      id: 'unit',
                      value: 'dateTimeAsIso',
                    },
                    {
                      id: 'displayName',
                      value: 'At',
                    },
                  ],
                },
              ],
            },
            options: {
              showHeader: true,
              cellHeight: 'sm',
              sortBy: [
                {
                  displayName: 'Changed',
                  desc: false,
                },
              ],
              footer: {
                show: false,
                reducer: [
                  'sum',
                ],
                countRows: false,
                fields: '',
              },
            },
            transformations: [
              {
                id: 'merge',
                options: {},
              },
              {
                id: 'organize',
                options: {
                  excludeByName: {
                    Time: true,
                    job: true,
                  },
                  renameByName: {
                    resource: 'Resource',
                    microtenant: 'Microtenant',
                    instance: 'Instance',
                  },
                  indexByName: {
                    resource: 0,
                    microtenant: 1,
                    "Value #A": 2,
                    "Value #B": 3,
                    instance: 4,
                  },
                },
              },
            ],
            id: 44,
            gridPos: {
              h: 9,
              w: 10,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'timeseries',
            title: 'Time since last change',
            description: "Time since the newest change per resource in the selected microtenants (the newest modifiedTime the exporter saw); it drops when something changes in ZPA, as soon as that resource's collector has run again.",
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
                expr: 'time() - max by (resource) (zpa_config_last_modified_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant"})' % $._config,
                legendFormat: '{{resource}}',
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
            id: 45,
            gridPos: {
              h: 9,
              w: 14,
              x: 10,
              y: 0,
            },
          },
        ]),
      ],
    }),
  },
}
