// grafanaDashboards: one file per dashboard, keyed by its file name. A new row is one more
// `g.row(id, title, panels)` in a dashboard's `rows` (see ../lib/dashboard.libsonnet).
(import 'overview.libsonnet') +
(import 'connectors.libsonnet') +
(import 'access-health.libsonnet')
