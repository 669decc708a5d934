// The frame every ZPA dashboard shares (uid and title prefixes, tags, the dashboards link, time
// settings, annotations) and the row layout.
//
// A dashboard is a list of rows; a row is `row(id, title, panels)`, its panels' gridPos.y
// counted from the top of the row (0 = just below the row's title). `dashboard` stacks the rows
// in order, each one below the tallest panel of the row before, so adding, removing or resizing
// a row never means moving the rows after it. Panel ids are explicit and unique per dashboard
// (tests/dashboards.rs checks): a new panel takes the next free id.
{
  row(id, title, panels):: { id: id, title: title, panels: panels },

  // Absolute grid positions for `rows`: each row's title, then its panels.
  layout(rows)::
    local step(acc, r) =
      local height = std.foldl(function(m, p) std.max(m, p.gridPos.y + p.gridPos.h), r.panels, 0);
      {
        y: acc.y + 1 + height,
        panels: acc.panels + [{
          type: 'row',
          title: r.title,
          id: r.id,
          collapsed: false,
          gridPos: { h: 1, w: 24, x: 0, y: acc.y },
          panels: [],
        }] + [p { gridPos+: { y: acc.y + 1 + p.gridPos.y } } for p in r.panels],
      };
    std.foldl(step, rows, { y: 0, panels: [] }).panels,

  // d: { uid, title (both without the config's prefixes), description, time, variables, rows,
  // extraTags (optional) }.
  dashboard(config, d):: {
    uid: config.dashboardUidPrefix + d.uid,
    title: config.dashboardTitlePrefix + d.title,
    description: d.description,
    tags: config.dashboardTags + std.get(d, 'extraTags', []),
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    timezone: 'browser',
    time: d.time,
    refresh: '1m',
    fiscalYearStartMonth: 0,
    liveNow: false,
    timepicker: {},
    links: [
      {
        title: 'ZPA dashboards',
        type: 'dashboards',
        tags: config.dashboardLinkTags,
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        icon: 'external link',
        targetBlank: false,
        tooltip: '',
        url: '',
      },
    ],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: { list: d.variables },
    panels: $.layout(d.rows),
  },
}
