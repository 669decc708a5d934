//! Private Cloud Controllers and their groups: the simulated tenant's HTTP-side model of them
//! (`/privateCloudController`, `/privateCloudControllerGroup`). No recording exists; the shapes
//! are the help pages' examples (zpa-api.md, HELP managing-private-cloud-controller(-group)s-
//! using-api): controllers carry an App Connector's top-level runtime fields (epoch seconds)
//! and their group; a group's listing embeds its controllers (`siteControllers[]`) with the
//! nested `siteControllerVersion` record in epoch microseconds. All live in Default
//! (`scopeName`), as in the examples.
//!
//! With four or more controllers the second is disconnected, the third runs an outdated
//! version and the last never connected (the fleet's usual [`Gen::runtime`] plan).

use super::*;

/// What the controllers expect, and what an outdated one still runs (help page versions).
const PCC_VERSION: &str = "25.44.6";
const PCC_OLD_VERSIONS: [&str; 2] = ["25.42.4", "25.40.1"];

impl Gen<'_> {
    pub(super) fn private_cloud(&mut self) {
        let mut groups = self.groups(self.cfg.private_cloud_controller_groups, "PrivateCloud");
        for g in &mut groups {
            g.mt = 0;
        }
        let n = self.cfg.private_cloud_controllers;
        let mut embedded: Vec<Vec<String>> = vec![Vec::new(); groups.len()];
        for i in 0..n {
            let id = self.id();
            let gi = (!groups.is_empty()).then(|| i % groups.len());
            let group = gi.map(|g| &groups[g]);
            let loc = group.map_or(i % LOCATIONS.len(), |g| g.loc);
            let mut rt = self.runtime(i, n, PCC_VERSION, false);
            if rt.current.as_deref().is_some_and(|c| c != PCC_VERSION) {
                rt.current = Some(self.rng.pick(&PCC_OLD_VERSIONS).to_string());
            }
            let name = format!("pcc-{}-{:02}", LOCATIONS[loc].4.to_lowercase(), i + 1);
            let fingerprint = self.fingerprint();
            let version = rt
                .status
                .is_some()
                .then(|| self.site_controller_version(&id, &rt, group));

            let mut o = Obj::new();
            self.stamp(&mut o);
            o.s("id", &id)
                .s("scopeName", "Default")
                .s("fingerprint", &fingerprint)
                .ns("issuedCertId", 2_100 + i)
                .b("enabled", true)
                .s("name", &name)
                .ns("nonceId", 933)
                .s("nonceName", "pcc-provisioning-key");
            if let Some(g) = group {
                o.s("privateCloudControllerGroupId", &g.id)
                    .s("privateCloudControllerGroupName", &g.name);
            }
            let mut cert = Obj::new();
            cert.ns("id", 2_526).s("name", "Root");
            let (location, lat, lon, _, _, broker) = LOCATIONS[loc];
            o.raw("signingCert", &cert.done())
                .s("latitude", lat)
                .s("longitude", lon)
                .s("location", location)
                .s("siteSpDnsName", &format!("bcpsp-{id}.pcc.example.com"));
            self.runtime_fields(&mut o, &rt, broker);
            if rt.status.is_some() {
                o.ns("masterLastSyncTime", rt.connect + 600)
                    .ns("userdbLastSyncTime", rt.connect + 60)
                    .ns("shardLastSyncTime", rt.connect + 120);
            }
            o.s("sargeUpgradeStatus", "UNKNOWN")
                .s("osUpgradeStatus", "UNKNOWN")
                .s("platformVersion", "NA")
                .b("readOnly", false)
                .b("restrictedEntity", false)
                .b("zscalerManaged", false);
            let json = o.done();
            self.push(Resource::PrivateCloudController, id.clone(), 0, None, json);

            if let Some(gi) = gi {
                // As embedded in a group's listing: identity and the nested runtime record only.
                let mut e = Obj::new();
                e.s("id", &id);
                self.stamp(&mut e);
                e.s("name", &name)
                    .s("fingerprint", &fingerprint)
                    .ns("issuedCertId", 2_100 + i)
                    .b("enabled", true);
                if let Some(v) = &version {
                    e.raw("siteControllerVersion", v);
                }
                e.ns("nonceId", 933).ns("upgradeAttempt", 0);
                embedded[gi].push(e.done());
            }
        }
        for (g, controllers) in groups.iter().zip(embedded) {
            let mut o = Obj::new();
            self.group_common(&mut o, g);
            let site = self.id();
            o.s("scopeName", "Default")
                .s("siteId", &site)
                .s("siteName", &format!("{} site", g.name))
                .s("isPublic", "FALSE");
            if !controllers.is_empty() {
                o.raw("siteControllers", &json_array(&controllers));
            }
            o.b("readOnly", false)
                .b("restrictedEntity", false)
                .b("zscalerManaged", false);
            let json = o.done();
            self.push(
                Resource::PrivateCloudControllerGroup,
                g.id.clone(),
                0,
                None,
                json,
            );
        }
    }

    /// `siteControllerVersion`: the runtime record a group embeds, times in microseconds.
    fn site_controller_version(&mut self, id: &str, rt: &Runtime, group: Option<&Group>) -> String {
        let (platform, os) = PLATFORMS[rt.platform];
        let mut v = Obj::new();
        v.s("id", id);
        self.stamp(&mut v);
        v.s("expectedVersion", &rt.expected);
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
        v.ns("masterLastSyncTime", rt.connect + 600)
            .s("platform", platform)
            .s("runtimeOS", os)
            .ns("brokerId", 72_057_594_038_878_207u64 + self.rng.below(1000));
        if let Some(g) = group {
            v.s("siteControllerGroupId", &g.id);
        }
        v.s("upgradeStatus", rt.upgrade)
            .s(
                "ctrlChannelStatus",
                rt.status.unwrap_or("ZPN_STATUS_DISCONNECTED"),
            )
            .s("privateIp", &rt.private_ip)
            .s("publicIp", &rt.public_ip)
            .b("loneWarrior", self.rng.percent(50))
            .s("tunnelId", &format!("{:020x}", self.rng.next_u64()))
            .ns("upgradeAttempt", 0)
            .s("platformDetail", rt.detail)
            .s("platformVersion", "NA");
        v.done()
    }
}
