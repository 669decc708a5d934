// The ZPA / App Connectors and Service Edges dashboard (zpa-connectors.json).
local g = import '../lib/dashboard.libsonnet';

{
  grafanaDashboards+:: {
    [$._config.dashboardFilePrefix + 'connectors.json']: g.dashboard($._config, {
      uid: 'connectors',
      title: 'App Connectors and Service Edges',
      description: 'Per App Connector and Private Service Edge: up/down timeline, running vs expected version, upgrade status and time since the last broker connection; filter by microtenant and group.',
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
          query: 'label_values(zpa_app_connectors{job=~"$job", instance=~"$instance", tenant=~"$tenant"}, microtenant)',
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
          description: 'App Connector group(s) shown in the App Connectors row.',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_app_connectors{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant"}, connector_group)',
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
          description: 'Service Edge group(s) shown in the Private Service Edges row.',
          datasource: {
            type: 'prometheus',
            uid: '${datasource}',
          },
          query: 'label_values(zpa_service_edges{job=~"$job", instance=~"$instance", tenant=~"$tenant", microtenant=~"$microtenant"}, service_edge_group)',
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
        g.row(1, 'App Connectors', [
          {
            type: 'stat',
            title: 'App Connectors',
            description: 'App Connectors in the selected groups.',
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
                expr: 'sum(zpa_app_connectors{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
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
            id: 2,
            gridPos: {
              h: 4,
              w: 4,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Authenticated',
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
                expr: 'sum(zpa_app_connectors{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
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
              w: 4,
              x: 4,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Disconnected or failing',
            description: 'App Connectors disconnected, failing authentication or in another state (not authenticated, and not never-connected).',
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
                expr: 'sum(zpa_app_connectors{status=~"disconnected|auth_failed|other", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
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
              w: 4,
              x: 8,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Never connected',
            description: 'App Connectors provisioned but never connected (not alerted on).',
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
                expr: 'sum(zpa_app_connectors{status="never_connected", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
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
              w: 4,
              x: 12,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Outdated',
            description: 'App Connectors whose running version differs from the expected version.',
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
                expr: 'sum(zpa_app_connector_outdated{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
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
            id: 6,
            gridPos: {
              h: 4,
              w: 4,
              x: 16,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Oldest broker connection',
            description: 'Longest time since one of the App Connectors last connected to a ZPA broker.',
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
                expr: 'max(time() - zpa_app_connector_last_broker_connect_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
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
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 7,
            gridPos: {
              h: 4,
              w: 4,
              x: 20,
              y: 0,
            },
          },
          {
            type: 'state-timeline',
            title: 'App Connectors up/down',
            description: 'Control channel per machine: Up = authenticated. ZpaAppConnectorDown fires after 10 minutes down.',
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
                expr: 'max by (connector_group, name) (zpa_app_connector_up{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
                legendFormat: '{{connector_group}} / {{name}}',
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
            id: 8,
            gridPos: {
              h: 10,
              w: 24,
              x: 0,
              y: 4,
            },
          },
          {
            type: 'table',
            title: 'App Connectors: versions, upgrades and broker connections',
            description: 'One row per machine: up, running vs expected version, upgrade status, platform, and how long ago it last connected to a ZPA broker. Down machines first.',
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
                expr: 'zpa_app_connector_info{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}' % $._config,
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
                expr: 'zpa_app_connector_up{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}' % $._config,
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
                expr: 'zpa_app_connector_outdated{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}' % $._config,
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
                expr: 'time() - zpa_app_connector_last_broker_connect_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'D',
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
                    options: 'Value #B',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Up',
                    },
                    {
                      id: 'mappings',
                      value: [
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
                    },
                    {
                      id: 'custom.cellOptions',
                      value: {
                        type: 'color-text',
                      },
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
                      value: 'Outdated',
                    },
                    {
                      id: 'mappings',
                      value: [
                        {
                          type: 'value',
                          options: {
                            "0": {
                              text: 'no',
                              color: 'green',
                              index: 0,
                            },
                            "1": {
                              text: 'yes',
                              color: 'orange',
                              index: 1,
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
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #D',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Last broker connect',
                    },
                    {
                      id: 'unit',
                      value: 'dtdurations',
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
                  displayName: 'Up',
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
                    "Value #A": true,
                    __name__: true,
                  },
                  renameByName: {
                    name: 'Name',
                    connector_group: 'Group',
                    microtenant: 'Microtenant',
                    current_version: 'Version',
                    expected_version: 'Expected version',
                    upgrade_status: 'Upgrade status',
                    platform: 'Platform',
                    runtime_os: 'OS',
                    enabled: 'Enabled',
                    id: 'ID',
                    instance: 'Instance',
                  },
                  indexByName: {
                    name: 0,
                    connector_group: 1,
                    microtenant: 2,
                    "Value #B": 3,
                    current_version: 4,
                    expected_version: 5,
                    "Value #C": 6,
                    upgrade_status: 7,
                    "Value #D": 8,
                    platform: 9,
                    runtime_os: 10,
                    enabled: 11,
                    id: 12,
                    instance: 13,
                  },
                },
              },
            ],
            id: 9,
            gridPos: {
              h: 10,
              w: 24,
              x: 0,
              y: 14,
            },
          },
          {
            type: 'bargauge',
            title: 'Running versions',
            description: 'App Connectors per running version.',
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
                expr: 'count by (current_version) (zpa_app_connector_info{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
                legendFormat: '{{current_version}}',
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
            id: 10,
            gridPos: {
              h: 7,
              w: 8,
              x: 0,
              y: 24,
            },
          },
          {
            type: 'bargauge',
            title: 'Upgrade status',
            description: 'App Connectors per upgrade status reported by ZPA.',
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
                expr: 'count by (upgrade_status) (zpa_app_connector_info{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
                legendFormat: '{{upgrade_status}}',
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
            id: 11,
            gridPos: {
              h: 7,
              w: 8,
              x: 8,
              y: 24,
            },
          },
          {
            type: 'timeseries',
            title: 'Status per group',
            description: 'App Connectors per group and control-channel status over time.',
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
                expr: 'sum by (connector_group, status) (zpa_app_connectors{status!="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
                legendFormat: '{{connector_group}} {{status}}',
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
                expr: 'sum by (connector_group) (zpa_app_connectors{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", connector_group=~"$connector_group"})' % $._config,
                legendFormat: '{{connector_group}} authenticated',
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
              h: 7,
              w: 8,
              x: 16,
              y: 24,
            },
          },
        ]),
        g.row(13, 'Private Service Edges', [
          {
            type: 'stat',
            title: 'Service Edges',
            description: 'Private Service Edges in the selected groups.',
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
                expr: 'sum(zpa_service_edges{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
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
            id: 14,
            gridPos: {
              h: 4,
              w: 4,
              x: 0,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Authenticated',
            description: 'Private Service Edges with an authenticated control channel.',
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
                expr: 'sum(zpa_service_edges{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
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
            id: 15,
            gridPos: {
              h: 4,
              w: 4,
              x: 4,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Disconnected or failing',
            description: 'Private Service Edges disconnected, failing authentication or in another state (not authenticated, and not never-connected).',
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
                expr: 'sum(zpa_service_edges{status=~"disconnected|auth_failed|other", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
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
            id: 16,
            gridPos: {
              h: 4,
              w: 4,
              x: 8,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Never connected',
            description: 'Private Service Edges provisioned but never connected (not alerted on).',
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
                expr: 'sum(zpa_service_edges{status="never_connected", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
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
            id: 17,
            gridPos: {
              h: 4,
              w: 4,
              x: 12,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Outdated',
            description: 'Private Service Edges whose running version differs from the expected version.',
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
                expr: 'sum(zpa_service_edge_outdated{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
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
            id: 18,
            gridPos: {
              h: 4,
              w: 4,
              x: 16,
              y: 0,
            },
          },
          {
            type: 'stat',
            title: 'Oldest broker connection',
            description: 'Longest time since one of the Private Service Edges last connected to a ZPA broker.',
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
                expr: 'max(time() - zpa_service_edge_last_broker_connect_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
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
              textMode: 'auto',
              wideLayout: true,
              showPercentChange: false,
            },
            id: 19,
            gridPos: {
              h: 4,
              w: 4,
              x: 20,
              y: 0,
            },
          },
          {
            type: 'state-timeline',
            title: 'Private Service Edges up/down',
            description: 'Control channel per machine: Up = authenticated. ZpaServiceEdgeDown fires after 10 minutes down.',
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
                expr: 'max by (service_edge_group, name) (zpa_service_edge_up{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
                legendFormat: '{{service_edge_group}} / {{name}}',
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
            id: 20,
            gridPos: {
              h: 10,
              w: 24,
              x: 0,
              y: 4,
            },
          },
          {
            type: 'table',
            title: 'Private Service Edges: versions, upgrades and broker connections',
            description: 'One row per machine: up, running vs expected version, upgrade status, platform, and how long ago it last connected to a ZPA broker. Down machines first.',
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
                expr: 'zpa_service_edge_info{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"}' % $._config,
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
                expr: 'zpa_service_edge_up{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"}' % $._config,
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
                expr: 'zpa_service_edge_outdated{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"}' % $._config,
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
                expr: 'time() - zpa_service_edge_last_broker_connect_timestamp_seconds{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"}' % $._config,
                legendFormat: '',
                range: false,
                instant: true,
                refId: 'D',
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
                    options: 'Value #B',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Up',
                    },
                    {
                      id: 'mappings',
                      value: [
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
                    },
                    {
                      id: 'custom.cellOptions',
                      value: {
                        type: 'color-text',
                      },
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
                      value: 'Outdated',
                    },
                    {
                      id: 'mappings',
                      value: [
                        {
                          type: 'value',
                          options: {
                            "0": {
                              text: 'no',
                              color: 'green',
                              index: 0,
                            },
                            "1": {
                              text: 'yes',
                              color: 'orange',
                              index: 1,
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
                {
                  matcher: {
                    id: 'byName',
                    options: 'Value #D',
                  },
                  properties: [
                    {
                      id: 'displayName',
                      value: 'Last broker connect',
                    },
                    {
                      id: 'unit',
                      value: 'dtdurations',
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
                  displayName: 'Up',
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
                    "Value #A": true,
                    __name__: true,
                  },
                  renameByName: {
                    name: 'Name',
                    service_edge_group: 'Group',
                    microtenant: 'Microtenant',
                    current_version: 'Version',
                    expected_version: 'Expected version',
                    upgrade_status: 'Upgrade status',
                    platform: 'Platform',
                    runtime_os: 'OS',
                    enabled: 'Enabled',
                    id: 'ID',
                    instance: 'Instance',
                  },
                  indexByName: {
                    name: 0,
                    service_edge_group: 1,
                    microtenant: 2,
                    "Value #B": 3,
                    current_version: 4,
                    expected_version: 5,
                    "Value #C": 6,
                    upgrade_status: 7,
                    "Value #D": 8,
                    platform: 9,
                    runtime_os: 10,
                    enabled: 11,
                    id: 12,
                    instance: 13,
                  },
                },
              },
            ],
            id: 21,
            gridPos: {
              h: 10,
              w: 24,
              x: 0,
              y: 14,
            },
          },
          {
            type: 'bargauge',
            title: 'Running versions',
            description: 'Private Service Edges per running version.',
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
                expr: 'count by (current_version) (zpa_service_edge_info{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
                legendFormat: '{{current_version}}',
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
              y: 24,
            },
          },
          {
            type: 'bargauge',
            title: 'Upgrade status',
            description: 'Private Service Edges per upgrade status reported by ZPA.',
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
                expr: 'count by (upgrade_status) (zpa_service_edge_info{job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
                legendFormat: '{{upgrade_status}}',
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
              y: 24,
            },
          },
          {
            type: 'timeseries',
            title: 'Status per group',
            description: 'Private Service Edges per group and control-channel status over time.',
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
                expr: 'sum by (service_edge_group, status) (zpa_service_edges{status!="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
                legendFormat: '{{service_edge_group}} {{status}}',
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
                expr: 'sum by (service_edge_group) (zpa_service_edges{status="authenticated", job=~"$job", instance=~"$instance", %(tenantLabel)s=~"$tenant", microtenant=~"$microtenant", service_edge_group=~"$service_edge_group"})' % $._config,
                legendFormat: '{{service_edge_group}} authenticated',
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
            id: 24,
            gridPos: {
              h: 7,
              w: 8,
              x: 16,
              y: 24,
            },
          },
        ]),
      ],
    }),
  },
}
