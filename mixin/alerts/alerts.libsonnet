// prometheusAlerts: one file per alert group, in the order they are shipped. A new group is a
// new file here (copy one: `{ prometheusAlerts+:: { groups+: [ { name, rules } ] } }`) and one
// line below; a new alert is one more object in its group's `rules`.
(import 'exporter.libsonnet') +
(import 'fleet.libsonnet') +
(import 'certificates.libsonnet') +
(import 'segments.libsonnet') +
(import 'lss.libsonnet')
