//! Application segments, segment groups and server groups, with their port ranges and the
//! connector groups that serve them.

use super::*;

impl Gen<'_> {
    /// Segments first as plans, so that segment and server groups can embed their members.
    pub(super) fn applications_and_groups(&mut self, connector_groups: &[Group]) {
        struct Seg {
            id: String,
            name: String,
            mt: usize,
            enabled: bool,
            kind: usize,
            domains: Vec<String>,
            segment_group: Option<usize>,
            server_groups: Vec<usize>,
        }
        let nmt = self.mts.len();
        let seg_groups: Vec<(String, String, usize)> = (0..self.cfg.segment_groups)
            .map(|i| {
                let name = format!("{}-apps", APP_KINDS[i % APP_KINDS.len()].0);
                (
                    self.id(),
                    if i < APP_KINDS.len() {
                        name
                    } else {
                        format!("{name}-{i}")
                    },
                    i % nmt,
                )
            })
            .collect();
        let srv_groups: Vec<(String, String, usize)> = (0..self.cfg.server_groups)
            .map(|i| {
                (
                    self.id(),
                    format!(
                        "servers-{}-{:02}",
                        LOCATIONS[i % LOCATIONS.len()].4.to_lowercase(),
                        i + 1
                    ),
                    i % nmt,
                )
            })
            .collect();
        // Groups of the same microtenant, falling back to any group.
        let by_mt = |groups: &[(String, String, usize)], mt: usize| -> Vec<usize> {
            let same: Vec<usize> = (0..groups.len()).filter(|&g| groups[g].2 == mt).collect();
            if same.is_empty() {
                (0..groups.len()).collect()
            } else {
                same
            }
        };
        let seg_by_mt: Vec<Vec<usize>> = (0..nmt).map(|m| by_mt(&seg_groups, m)).collect();
        let srv_by_mt: Vec<Vec<usize>> = (0..nmt).map(|m| by_mt(&srv_groups, m)).collect();

        let mut segs = Vec::with_capacity(self.cfg.segments);
        for i in 0..self.cfg.segments {
            let mt = if i == 0 { 0 } else { self.pick_mt() };
            let kind = self.rng.below(APP_KINDS.len() as u64) as usize;
            let prefix = APP_KINDS[kind].0;
            let domain = *self.rng.pick(&CORP_DOMAINS);
            let name = if i == 0 {
                TRICKY_SEGMENT.to_string()
            } else {
                format!("{prefix}-{i:05}")
            };
            let mut domains = vec![format!("{prefix}-{i}.{domain}")];
            if self.rng.percent(25) {
                domains.push(format!("{prefix}-{i}-alt.{domain}"));
            }
            if self.rng.percent(5) {
                domains.push(format!("*.{prefix}-{i}.{domain}"));
            }
            let segment_group = (!seg_by_mt[mt].is_empty()).then(|| *self.rng.pick(&seg_by_mt[mt]));
            let mut server_groups = Vec::new();
            if !srv_by_mt[mt].is_empty() {
                server_groups.push(*self.rng.pick(&srv_by_mt[mt]));
                if self.rng.percent(20) {
                    let extra = *self.rng.pick(&srv_by_mt[mt]);
                    if extra != server_groups[0] {
                        server_groups.push(extra);
                    }
                }
            }
            segs.push(Seg {
                id: self.id(),
                name,
                mt,
                enabled: i == 0 || !self.rng.percent(10),
                kind,
                domains,
                segment_group,
                server_groups,
            });
        }

        // Embedded server groups, rendered once and shared by every segment using them.
        let mut srv_embedded = Vec::with_capacity(srv_groups.len());
        for (i, (id, name, _)) in srv_groups.iter().enumerate() {
            let mut o = Obj::new();
            o.s("id", id);
            self.stamp(&mut o);
            o.s("name", name)
                .b("enabled", true)
                .s("description", &format!("Servers for {name}"))
                .s("configSpace", "DEFAULT")
                .b("extranetEnabled", false)
                .b("dynamicDiscovery", i % 5 != 4);
            srv_embedded.push(o.done());
        }

        let mut seg_members: Vec<Vec<String>> = vec![Vec::new(); seg_groups.len()];
        let mut srv_members: Vec<Vec<String>> = vec![Vec::new(); srv_groups.len()];
        for s in &segs {
            if let Some(g) = s.segment_group {
                let mut a = Obj::new();
                a.s("id", &s.id)
                    .s("name", &s.name)
                    .s("domainName", &s.domains[0])
                    .strs("domainNames", &s.domains)
                    .b("enabled", s.enabled);
                seg_members[g].push(a.done());
            }
            for &g in &s.server_groups {
                let mut a = Obj::new();
                a.s("id", &s.id).s("name", &s.name).b("enabled", s.enabled);
                srv_members[g].push(a.done());
            }
        }

        for (gi, (id, name, mt)) in seg_groups.iter().enumerate() {
            let mut o = Obj::new();
            o.s("id", id);
            self.stamp(&mut o);
            o.s("name", name)
                .s("description", &format!("{name} segment group"))
                .b("enabled", !(seg_groups.len() >= 5 && gi == 4))
                .s("configSpace", "DEFAULT")
                .ns("tcpKeepAliveEnabled", 0)
                .b("policyMigrated", true);
            if !seg_members[gi].is_empty() {
                o.raw("applications", &json_array(&seg_members[gi]));
            }
            o.b("readOnly", false).b("zscalerManaged", false);
            self.owner_fields(&mut o, *mt);
            let json = o.done();
            self.push(Resource::SegmentGroup, id.clone(), *mt, None, json);
        }

        for (gi, (id, name, mt)) in srv_groups.iter().enumerate() {
            let mut o = Obj::new();
            o.s("id", id);
            self.stamp(&mut o);
            o.b("enabled", true)
                .s("name", name)
                .s("description", &format!("Servers for {name}"));
            if !srv_members[gi].is_empty() {
                o.raw("applications", &json_array(&srv_members[gi]));
            }
            o.b("ipAnchored", false)
                .s("configSpace", "DEFAULT")
                .b("extranetEnabled", false)
                .b("readOnly", false)
                .b("zscalerManaged", false);
            self.owner_fields(&mut o, *mt);
            o.b("dynamicDiscovery", gi % 5 != 4);
            let acgs: Vec<String> = connector_groups
                .iter()
                .filter(|g| g.mt == *mt)
                .take(2)
                .map(|g| {
                    let mut a = Obj::new();
                    a.s("id", &g.id)
                        .s("name", &g.name)
                        .b("enabled", g.enabled)
                        .s("connectorGroupType", "APP");
                    a.done()
                })
                .collect();
            if !acgs.is_empty() {
                o.raw("appConnectorGroups", &json_array(&acgs));
            }
            let json = o.done();
            self.push(Resource::ServerGroup, id.clone(), *mt, None, json);
        }

        for s in segs {
            let (_, tcp, udp) = APP_KINDS[s.kind];
            let mut o = Obj::with_capacity(2048);
            self.stamp(&mut o);
            o.s("id", &s.id)
                .strs("domainNames", &s.domains)
                .s("name", &s.name)
                .s("description", &format!("{} ({})", s.name, s.domains[0]));
            if !s.server_groups.is_empty() {
                let embedded: Vec<&str> = s
                    .server_groups
                    .iter()
                    .map(|&g| srv_embedded[g].as_str())
                    .collect();
                o.raw("serverGroups", &json_array(&embedded));
            }
            o.b("enabled", s.enabled).b("passiveHealthEnabled", true);
            port_ranges(&mut o, "tcp", tcp);
            port_ranges(&mut o, "udp", udp);
            let health = match self.rng.below(10) {
                0 => "NONE",
                1 | 2 => "CONTINUOUS",
                _ => "ON_ACCESS",
            };
            let bypass = match self.rng.below(100) {
                0..=2 => "ALWAYS",
                3..=9 => "ON_NET",
                _ => "NEVER",
            };
            let icmp = match self.rng.below(10) {
                0 => "PING_TRACEROUTING",
                1 | 2 => "PING",
                _ => "NONE",
            };
            o.b("doubleEncrypt", self.rng.percent(5))
                .s("configSpace", "DEFAULT")
                .s("bypassType", bypass)
                .s(
                    "healthCheckType",
                    if health == "NONE" { "NONE" } else { "DEFAULT" },
                )
                .s("icmpAccessType", icmp)
                .b("isCnameEnabled", true)
                .b("ipAnchored", false)
                .b("bypassOnReauth", false)
                .b("inspectTrafficWithZia", self.rng.percent(5))
                .s("healthReporting", health)
                .b("useInDrMode", false)
                .ns("tcpKeepAlive", u8::from(self.rng.percent(20)))
                .b("selectConnectorCloseToApp", false)
                .s(
                    "matchStyle",
                    if self.rng.percent(80) {
                        "EXCLUSIVE"
                    } else {
                        "INCLUSIVE"
                    },
                )
                .b("isIncompleteDRConfig", false)
                .b("adpEnabled", false)
                .b("autoAppProtectEnabled", false)
                .b("apiProtectionEnabled", false)
                .b("fqdnDnsCheck", false)
                .b("weightedLoadBalancing", false)
                .b("extranetEnabled", false)
                .s("policyStyle", "NONE")
                .b("readOnly", false)
                .b("zscalerManaged", false);
            self.owner_fields(&mut o, s.mt);
            if let Some(g) = s.segment_group {
                o.s("segmentGroupId", &seg_groups[g].0)
                    .s("segmentGroupName", &seg_groups[g].1);
            }
            let json = o.done();
            self.push(Resource::Application, s.id, s.mt, None, json);
        }
    }
}

fn port_ranges(o: &mut Obj, proto: &str, pairs: &[(u16, u16)]) {
    if pairs.is_empty() {
        return;
    }
    let flat: Vec<String> = pairs
        .iter()
        .flat_map(|(a, b)| [a.to_string(), b.to_string()])
        .collect();
    let objs: Vec<String> = pairs
        .iter()
        .map(|(a, b)| {
            let mut r = Obj::new();
            r.ns("from", a).ns("to", b);
            r.done()
        })
        .collect();
    o.strs(&format!("{proto}PortRanges"), &flat)
        .raw(&format!("{proto}PortRange"), &json_array(&objs));
}
