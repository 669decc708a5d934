// prometheusRules: the recording rules, one file per group.
{ prometheusRules+:: { groups+: [] } }
