//! App Connectors and Private Service Edges with their groups: enrolment, control-channel
//! status, versions and upgrade state, and the nested runtime records with µs epochs.

use super::*;

impl Gen<'_> {
    /// Group plans, spread round-robin over microtenants with the first in Default.
    pub(super) fn groups(&mut self, n: usize, label: &str) -> Vec<Group> {
        (0..n)
            .map(|i| {
                let loc = i % LOCATIONS.len();
                Group {
                    id: self.id(),
                    name: format!(
                        "{}-{label}-{:02}",
                        LOCATIONS[loc].3.split(',').next().unwrap_or("Site"),
                        i + 1
                    ),
                    mt: i % self.mts.len(),
                    enabled: !(n >= 4 && i == 3),
                    profile: i % PROFILES.len(),
                    loc,
                }
            })
            .collect()
    }

    pub(super) fn group_common(&mut self, o: &mut Obj, g: &Group) {
        let (pid, pname, version) = PROFILES[g.profile];
        let (location, lat, lon, city, cc, _) = LOCATIONS[g.loc];
        let mut v = Obj::new();
        v.s("version_profile_gid", pid)
            .s("versionProfileName", pname)
            .s("sargeVersion", version)
            .s("childVersion", version)
            .s("latestPlatform", "el9");
        let version_obj = v.done();
        o.s("id", &g.id);
        self.stamp(o);
        o.s("name", &g.name)
            .b("enabled", g.enabled)
            .s("description", &format!("{} ({city})", g.name))
            .s("versionProfileId", pid)
            .b("overrideVersionProfile", g.profile != 0)
            .s("versionProfileName", pname)
            .s("upgradePriority", "WEEK")
            .s("versionProfileVisibilityScope", "ALL")
            .ns("upgradeTimeInSecs", 66_600)
            .s("upgradeDay", "SUNDAY")
            .raw("version", &version_obj)
            .s("location", location)
            .s("latitude", lat)
            .s("longitude", lon)
            .s("cityCountry", city)
            .s("countryCode", cc)
            .b("useInDrMode", false);
    }

    pub(super) fn connector_groups(&mut self, groups: &[Group]) {
        for g in groups {
            let mut o = Obj::new();
            self.group_common(&mut o, g);
            o.s("dnsQueryType", "IPV4_IPV6")
                .b("tcpQuickAckApp", false)
                .b("tcpQuickAckAssistant", false)
                .b("tcpQuickAckReadAssistant", false)
                .b("praEnabled", g.mt == 0)
                .s("connectorGroupType", "APP")
                .b("wafDisabled", false)
                .b("readOnly", false)
                .b("zscalerManaged", false);
            self.owner_fields(&mut o, g.mt);
            o.b("lssAppConnectorGroup", false);
            let json = o.done();
            self.push(Resource::AppConnectorGroup, g.id.clone(), g.mt, None, json);
        }
    }

    /// Runtime state of connector/edge `i` of `n`: mostly connected and current, one never
    /// connected, one with failed authentication, a few disconnected or outdated.
    pub(super) fn runtime(
        &mut self,
        i: usize,
        n: usize,
        expected: &str,
        allow_auth_failed: bool,
    ) -> Runtime {
        let never = n >= 3 && i == n - 1;
        let status = if never {
            None
        } else if allow_auth_failed && n >= 5 && i == n - 2 {
            Some("ZPN_STATUS_AUTH_FAILED")
        } else if (n >= 4 && i == 1) || self.rng.percent(12) {
            Some("ZPN_STATUS_DISCONNECTED")
        } else {
            Some("ZPN_STATUS_AUTHENTICATED")
        };
        let outdated = !never && ((n >= 4 && i == 2) || self.rng.percent(10));
        let current = (!never).then(|| {
            if outdated {
                let old = *self.rng.pick(&OLD_VERSIONS);
                old.to_string()
            } else {
                expected.to_string()
            }
        });
        let upgrade = match (never, outdated) {
            (true, _) => "UNKNOWN",
            (false, false) => "COMPLETE",
            (false, true) => *self.rng.pick(&["IN_PROGRESS", "FAILED", "UNKNOWN"]),
        };
        let connect = self.anchor - self.rng.range(600, 40 * DAY);
        let disconnect = (status == Some("ZPN_STATUS_DISCONNECTED"))
            .then(|| connect + self.rng.below(self.anchor - connect));
        let platform = self.rng.below(PLATFORMS.len() as u64) as usize;
        Runtime {
            status,
            current,
            expected: expected.to_string(),
            upgrade,
            platform,
            detail: PLATFORM_DETAILS[self.rng.below(PLATFORM_DETAILS.len() as u64) as usize],
            connect,
            disconnect,
            private_ip: self.ip(true),
            public_ip: self.ip(false),
        }
    }

    /// Top-level runtime fields of a connector or edge (epoch seconds); absent when it never
    /// connected.
    pub(super) fn runtime_fields(&mut self, o: &mut Obj, rt: &Runtime, broker: &str) {
        if let Some(status) = rt.status {
            o.s("controlChannelStatus", status);
        }
        if let Some(current) = &rt.current {
            o.s("currentVersion", current);
        }
        o.s("expectedVersion", &rt.expected)
            .s("upgradeStatus", rt.upgrade)
            .ns("upgradeAttempt", 0);
        if rt.status.is_some() {
            let up = rt.connect - self.rng.below(3 * DAY);
            o.ns("applicationStartTime", up)
                .ns("lastBrokerConnectTime", rt.connect)
                .s(
                    "lastBrokerConnectTimeDuration",
                    &duration_text(self.anchor - rt.connect),
                );
            if let Some(d) = rt.disconnect {
                o.ns("lastBrokerDisconnectTime", d).s(
                    "lastBrokerDisconnectTimeDuration",
                    &duration_text(self.anchor - d),
                );
            }
            o.s("ctrlBrokerName", broker)
                .s("privateIp", &rt.private_ip)
                .s("publicIp", &rt.public_ip);
        }
        let (platform, os) = PLATFORMS[rt.platform];
        o.s("platform", platform)
            .s("platformDetail", rt.detail)
            .s("runtimeOS", os);
    }

    pub(super) fn connectors(&mut self, groups: &[Group]) {
        let n = self.cfg.connectors;
        for i in 0..n {
            let id = self.id();
            let group = if groups.is_empty() {
                None
            } else if i == 0 {
                Some(&groups[0])
            } else {
                Some(&groups[self.rng.below(groups.len() as u64) as usize])
            };
            let mt = match group {
                Some(g) => g.mt,
                None if i == 0 => 0,
                None => self.pick_mt(),
            };
            let loc = group.map_or(i % LOCATIONS.len(), |g| g.loc);
            let expected = PROFILES[group.map_or(0, |g| g.profile)].2;
            let name = if i == 0 {
                TRICKY_CONNECTOR.to_string()
            } else {
                format!("conn-{}-{:04}", LOCATIONS[loc].4.to_lowercase(), i + 1)
            };
            let rt = self.runtime(i, n, expected, true);
            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            let fingerprint = self.fingerprint();
            o.s("name", &name)
                .s("description", &format!("App Connector {}", i + 1))
                .b("enabled", !(n >= 6 && i == 4))
                .s("fingerprint", &fingerprint)
                .ns("issuedCertId", 10_060_000 + i);
            if let Some(g) = group {
                o.s("appConnectorGroupId", &g.id)
                    .s("appConnectorGroupName", &g.name);
            }
            self.runtime_fields(&mut o, &rt, LOCATIONS[loc].5);
            let (_, lat, lon, city, _, _) = LOCATIONS[loc];
            o.s("latitude", lat)
                .s("longitude", lon)
                .s("location", city)
                .ns("provisioningKeyId", 58_856)
                .s("provisioningKeyName", "connector-provisioning-key");
            let mut cert = Obj::new();
            cert.ns("id", 6_573).s("name", "Connector");
            o.raw("enrollmentCert", &cert.done());
            if rt.status.is_some() {
                let av = self.assistant_version(&id, &rt, group.map(|g| g.id.as_str()));
                o.raw("assistantVersion", &av);
            }
            o.b("readOnly", false).b("zscalerManaged", false);
            self.owner_fields(&mut o, mt);
            let json = o.done();
            self.push(Resource::Connector, id, mt, None, json);
        }
    }

    /// The nested runtime record; its broker times are epoch microseconds.
    pub(super) fn assistant_version(
        &mut self,
        id: &str,
        rt: &Runtime,
        group: Option<&str>,
    ) -> String {
        let (platform, os) = PLATFORMS[rt.platform];
        let mut v = Obj::new();
        v.s("id", id);
        self.stamp(&mut v);
        if let Some(current) = &rt.current {
            v.s("currentVersion", current);
        }
        v.s("expectedVersion", &rt.expected)
            .ns(
                "systemStartTime",
                rt.connect - self.rng.range(DAY, 30 * DAY),
            )
            .ns("applicationStartTime", rt.connect - self.rng.below(3600))
            .ns("lastBrokerConnectTime", us(rt.connect, &mut self.rng));
        if let Some(d) = rt.disconnect {
            v.ns("lastBrokerDisconnectTime", us(d, &mut self.rng));
        }
        v.s("platform", platform)
            .s("platformDetail", rt.detail)
            .s("runtimeOS", os)
            .ns("brokerId", 72_057_594_037_934_933u64 + self.rng.below(1000))
            .s(
                "ctrlChannelStatus",
                rt.status.unwrap_or("ZPN_STATUS_DISCONNECTED"),
            )
            .s("privateIp", &rt.private_ip)
            .s("publicIp", &rt.public_ip)
            .b("loneWarrior", self.rng.percent(20))
            .s("mtunnelId", &format!("{:016x}", self.rng.next_u64()))
            .s("upgradeStatus", rt.upgrade)
            .ns("restartTimeInSec", 0);
        if let Some(g) = group {
            v.s("appConnectorGroupId", g);
        }
        v.done()
    }

    pub(super) fn service_edges(&mut self, groups: &[Group]) {
        let n = self.cfg.service_edges;
        let mut embedded: Vec<Vec<String>> = vec![Vec::new(); groups.len()];
        for i in 0..n {
            let id = self.id();
            let gi = (!groups.is_empty()).then(|| {
                if i == 0 {
                    0
                } else {
                    self.rng.below(groups.len() as u64) as usize
                }
            });
            let group = gi.map(|g| &groups[g]);
            let mt = group.map_or(0, |g| g.mt);
            let loc = group.map_or(i % LOCATIONS.len(), |g| g.loc);
            let expected = PROFILES[group.map_or(0, |g| g.profile)].2;
            let rt = self.runtime(i, n, expected, false);
            let name = format!("pse-{}-{:03}", LOCATIONS[loc].4.to_lowercase(), i + 1);
            let fingerprint = self.fingerprint();
            let pbv = (rt.status.is_some()).then(|| self.private_broker_version(&id, &rt, group));

            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            o.s("name", &name)
                .s("description", &format!("Private Service Edge {}", i + 1))
                .b("enabled", true)
                .s("fingerprint", &fingerprint)
                .ns("issuedCertId", 10_066_551 + i);
            if let Some(g) = group {
                o.s("serviceEdgeGroupId", &g.id)
                    .s("serviceEdgeGroupName", &g.name);
            }
            self.runtime_fields(&mut o, &rt, LOCATIONS[loc].5);
            o.strs("listenIps", std::slice::from_ref(&rt.private_ip))
                .strs("publishIps", std::slice::from_ref(&rt.public_ip))
                .b("publishIpv6", false)
                .ns("provisioningKeyId", 58_857)
                .s("provisioningKeyName", "service-edge-provisioning-key");
            let mut cert = Obj::new();
            cert.ns("id", 6_574).s("name", "Service Edge");
            o.raw("enrollmentCert", &cert.done());
            if let Some(pbv) = &pbv {
                o.raw("privateBrokerVersion", pbv);
            }
            o.b("readOnly", false).b("zscalerManaged", false);
            self.owner_fields(&mut o, mt);
            let json = o.done();
            self.push(Resource::ServiceEdge, id.clone(), mt, None, json);

            if let Some(gi) = gi {
                // Edges embedded in a group carry no top-level runtime fields (recording).
                let mut e = Obj::new();
                e.s("id", &id)
                    .s("name", &name)
                    .s("fingerprint", &fingerprint)
                    .ns("issuedCertId", 10_066_551 + i)
                    .b("enabled", true);
                if let Some(pbv) = &pbv {
                    e.raw("privateBrokerVersion", pbv);
                }
                e.ns("upgradeAttempt", 0).ns("provisioningKeyId", 58_857);
                embedded[gi].push(e.done());
            }
        }
        for (g, edges) in groups.iter().zip(embedded) {
            let mut o = Obj::new();
            self.group_common(&mut o, g);
            o.s(
                "isPublic",
                if g.mt == 0 && g.loc == 0 {
                    "TRUE"
                } else {
                    "FALSE"
                },
            )
            .b("exclusiveForBusinessContinuity", false)
            .b("graceDistanceEnabled", g.loc % 2 == 0)
            .ns("graceDistanceValue", "10.0")
            .s("graceDistanceValueUnit", "MILES")
            .raw("trustedNetworks", "[]")
            .b("readOnly", false)
            .b("zscalerManaged", false);
            self.owner_fields(&mut o, g.mt);
            if !edges.is_empty() {
                o.raw("serviceEdges", &json_array(&edges));
            }
            let json = o.done();
            self.push(Resource::ServiceEdgeGroup, g.id.clone(), g.mt, None, json);
        }
    }

    pub(super) fn private_broker_version(
        &mut self,
        id: &str,
        rt: &Runtime,
        group: Option<&Group>,
    ) -> String {
        let (platform, os) = PLATFORMS[rt.platform];
        let mut v = Obj::new();
        v.s("id", id);
        self.stamp(&mut v);
        if let Some(current) = &rt.current {
            v.s("currentVersion", current);
        }
        v.ns(
            "systemStartTime",
            rt.connect - self.rng.range(DAY, 30 * DAY),
        )
        .ns("applicationStartTime", rt.connect - self.rng.below(3600))
        .ns("lastConnectTime", us(rt.connect, &mut self.rng));
        if let Some(d) = rt.disconnect {
            v.ns("lastDisconnectTime", us(d, &mut self.rng));
        }
        let tunnel: String = (0..20)
            .map(|_| {
                let c = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
                c[self.rng.below(c.len() as u64) as usize] as char
            })
            .collect();
        v.s("platform", platform)
            .s("runtimeOS", os)
            .ns("brokerId", 72_057_594_037_934_933u64 + self.rng.below(1000))
            .s(
                "ctrlChannelStatus",
                rt.status.unwrap_or("ZPN_STATUS_DISCONNECTED"),
            )
            .s("privateIp", &rt.private_ip)
            .s("publicIp", &rt.public_ip)
            .b("loneWarrior", self.rng.percent(30))
            .s("tunnelId", &tunnel)
            .ns("upgradeAttempt", 0)
            .s("sargeVersion", &rt.expected)
            .s("platformDetail", rt.detail)
            .b("osUpgradeEnabled", false);
        if let Some(g) = group {
            v.s("serviceEdgeGroupId", &g.id);
        }
        v.done()
    }
}
