// prometheusRules: the recording rules, one file per group, evaluated before the alerts (they
// come first in alerts/zpa.rules.yml). A new group is a new file and one line here.
(import 'tenants.libsonnet') +
(import 'lss.libsonnet')
