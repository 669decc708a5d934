//! Deterministic generation of a realistic ZPA tenant from a seed: microtenants, application
//! segments, connectors, service edges, their groups, certificates, IdPs, SCIM groups and policy
//! rules, in the shapes of the recorded production responses (numbers as strings on mgmtconfig,
//! real numbers on userconfig, fields omitted rather than null, µs epochs inside nested runtime
//! records).
//!
//! All times derive from `anchor`, the start of the current UTC day, so two simulators with the
//! same seed started on the same day serve identical data while expiries stay relative to now.

use crate::store::{json_array, Obj, Resource, Row, Store, POLICY_TYPES};
use crate::SimulatorConfig;

const DAY: u64 = 86_400;

/// splitmix64: tiny, fast, and good enough for test data; no `rand` dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo))
    }

    pub fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const MICROTENANT_NAMES: [&str; 10] = [
    "Finance",
    "Engineering",
    "Retail EMEA",
    "Research & Development",
    "Logistics",
    "Legal",
    "Manufacturing",
    "Healthcare",
    "Partners",
    "Subsidiary-APAC",
];

/// (id, name, version) of the version profiles; connectors expect their group's version.
const PROFILES: [(&str, &str, &str); 3] = [
    ("0", "Default", "24.692.9"),
    ("1", "Previous Default", "24.566.1"),
    ("2", "New Release", "26.52.3"),
];
const OLD_VERSIONS: [&str; 3] = ["23.402.1", "24.121.7", "24.313.2"];

/// (location, latitude, longitude, cityCountry, countryCode, public broker)
const LOCATIONS: [(&str, &str, &str, &str, &str, &str); 6] = [
    (
        "San Jose, CA, USA",
        "37.3382082",
        "-121.8863286",
        "San Jose, US",
        "US",
        "US-CA-9396",
    ),
    (
        "Frankfurt, Germany",
        "50.1109221",
        "8.6821267",
        "Frankfurt, DE",
        "DE",
        "DE-FRA-2201",
    ),
    (
        "Tokyo, Japan",
        "35.6761919",
        "139.6503106",
        "Tokyo, JP",
        "JP",
        "JP-TYO-1102",
    ),
    (
        "London, UK",
        "51.5072178",
        "-0.1275862",
        "London, GB",
        "GB",
        "GB-LDN-3304",
    ),
    (
        "São Paulo, Brazil",
        "-23.5557714",
        "-46.6395571",
        "Sao Paulo, BR",
        "BR",
        "BR-SAO-1407",
    ),
    (
        "Sydney, NSW, Australia",
        "-33.8688197",
        "151.2092955",
        "Sydney, AU",
        "AU",
        "AU-SYD-1810",
    ),
];

/// (platform, runtimeOS)
const PLATFORMS: [(&str, &str); 4] = [
    ("el9", "Red Hat Enterprise Linux 9.5"),
    ("el9", "Rocky Linux 9.4 (Blue Onyx)"),
    ("el8", "Red Hat Enterprise Linux 8.10 (Ootpa)"),
    ("el7", "CentOS Linux 7 (Core)"),
];
const PLATFORM_DETAILS: [&str; 5] = [
    "ESXi",
    "AWS",
    "Azure",
    "GCP",
    "Docker-Zscaler RedHat Image - ZSIVersion: 2024.11",
];

/// (name prefix, tcp port pairs, udp port pairs)
type AppKind = (&'static str, &'static [(u16, u16)], &'static [(u16, u16)]);
const APP_KINDS: [AppKind; 15] = [
    ("crm", &[(443, 443)], &[]),
    ("erp", &[(443, 443), (8443, 8443)], &[]),
    ("wiki", &[(443, 443), (80, 80)], &[]),
    ("git", &[(443, 443), (22, 22)], &[]),
    ("jira", &[(443, 443)], &[]),
    ("ssh-bastion", &[(22, 22)], &[]),
    ("rdp-farm", &[(3389, 3389)], &[(3389, 3389)]),
    ("hr-portal", &[(443, 443)], &[]),
    ("grafana", &[(3000, 3000)], &[]),
    ("vault", &[(8200, 8201)], &[]),
    ("k8s-api", &[(6443, 6443)], &[]),
    ("db-primary", &[(5432, 5432), (1433, 1433)], &[]),
    ("intranet", &[(80, 80), (443, 443)], &[]),
    ("dns-resolver", &[(53, 53)], &[(53, 53)]),
    ("build-farm", &[(8000, 8999)], &[]),
];
const CORP_DOMAINS: [&str; 3] = ["corp.example.com", "int.example.net", "apps.example.org"];

const SCIM_GROUP_NAMES: [&str; 12] = [
    "All Employees",
    "Engineering",
    "Finance",
    "Sales EMEA",
    "Contractors",
    "IT Admins",
    "Support Tier 2",
    "R&D",
    "Ops-oncall",
    "Executives",
    "Interns",
    "Ventas \"LatAm\" \\ 営業",
];

/// Names that exercise escaping in every consumer; the first segment and connector of the
/// Default microtenant always carry one.
const TRICKY_SEGMENT: &str = "Payroll \"Legacy\" \\ 給与システム";
const TRICKY_CONNECTOR: &str = "conn \"東京\" \\ edge-01";

struct Mt {
    id: String,
    name: String,
}

struct Group {
    id: String,
    name: String,
    mt: usize,
    enabled: bool,
    profile: usize,
    loc: usize,
}

struct Runtime {
    status: Option<&'static str>,
    current: Option<String>,
    expected: String,
    upgrade: &'static str,
    platform: usize,
    detail: &'static str,
    connect: u64,
    disconnect: Option<u64>,
    private_ip: String,
    public_ip: String,
}

struct Gen<'c> {
    cfg: &'c SimulatorConfig,
    rng: Rng,
    next_id: u64,
    anchor: u64,
    admin: String,
    mts: Vec<Mt>,
    store: Store,
}

/// Generates the whole tenant. `anchor` is the start of the current UTC day (epoch seconds).
pub fn generate(cfg: &SimulatorConfig, anchor: u64) -> Store {
    let base = cfg
        .customer_id
        .parse::<u64>()
        .unwrap_or(216_196_257_331_281_920);
    let mut g = Gen {
        cfg,
        rng: Rng::new(cfg.seed),
        next_id: base + 100_000,
        anchor,
        admin: (base + 1).to_string(),
        mts: Vec::new(),
        store: Store::new(0, 0),
    };
    g.microtenants();
    let connector_groups = g.groups(cfg.connector_groups, "AppConnectorGroup");
    g.connector_groups(&connector_groups);
    g.connectors(&connector_groups);
    let edge_groups = g.groups(cfg.service_edge_groups, "ServiceEdgeGroup");
    g.service_edges(&edge_groups);
    g.applications_and_groups(&connector_groups);
    g.clientless_certificates();
    g.enrollment_certificates();
    let scim = g.idps_and_scim_groups();
    g.policy_rules(&scim);
    let mut store = g.store;
    store.next_id = g.next_id + 1_000_000;
    store.next_scim_id = 3_900_000;
    store
}

fn us(secs: u64, rng: &mut Rng) -> u64 {
    secs * 1_000_000 + rng.below(1_000_000)
}

/// `01d 11h 57m 54s` / `17h 32m 50s`, as ZPA words it.
fn duration_text(secs: u64) -> String {
    let (d, h, m, s) = (secs / DAY, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d:02}d {h:02}h {m:02}m {s:02}s")
    } else {
        format!("{h:02}h {m:02}m {s:02}s")
    }
}

impl Gen<'_> {
    fn id(&mut self) -> String {
        self.next_id += 1;
        (self.next_id - 1).to_string()
    }

    /// Half of everything lives in Default, the rest spreads over the other microtenants.
    fn pick_mt(&mut self) -> usize {
        if self.mts.len() <= 1 || self.rng.percent(50) {
            0
        } else {
            1 + self.rng.below(self.mts.len() as u64 - 1) as usize
        }
    }

    fn owner(&self, mt: usize) -> Option<String> {
        (mt != 0).then(|| self.mts[mt].id.clone())
    }

    fn owner_fields(&self, o: &mut Obj, mt: usize) {
        if mt != 0 {
            o.s("microtenantId", &self.mts[mt].id);
        }
        o.s("microtenantName", &self.mts[mt].name);
    }

    /// `modifiedTime`, `creationTime`, `modifiedBy`, as every mgmtconfig object starts.
    fn stamp(&mut self, o: &mut Obj) -> u64 {
        let created = self.anchor - self.rng.range(30 * DAY, 900 * DAY);
        let modified = created + self.rng.below(self.anchor - created);
        o.ns("modifiedTime", modified)
            .ns("creationTime", created)
            .s("modifiedBy", &self.admin);
        created
    }

    fn push(
        &mut self,
        res: Resource,
        id: String,
        mt: usize,
        key: Option<String>,
        mut json: String,
    ) {
        // Rows live as long as the simulator; growth slack would cost a third more memory.
        json.shrink_to_fit();
        let owner = self.owner(mt);
        self.store.push(
            res,
            Row {
                id,
                owner,
                key,
                json,
            },
        );
    }

    fn ip(&mut self, private: bool) -> String {
        if private {
            format!(
                "10.{}.{}.{}",
                self.rng.below(256),
                self.rng.below(256),
                self.rng.range(2, 255)
            )
        } else {
            let net = *self.rng.pick(&["203.0.113", "198.51.100", "192.0.2"]);
            format!("{net}.{}", self.rng.range(2, 255))
        }
    }

    fn fingerprint(&mut self) -> String {
        use base64::Engine as _;
        let bytes: Vec<u8> = (0..32).map(|_| self.rng.next_u64() as u8).collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    fn uuid(&mut self) -> String {
        let a = self.rng.next_u64();
        let b = self.rng.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }

    fn microtenants(&mut self) {
        self.mts.push(Mt {
            id: "0".into(),
            name: "Default".into(),
        });
        for i in 0..self.cfg.microtenants {
            let id = self.id();
            let name = MICROTENANT_NAMES
                .get(i)
                .map(|s| s.to_string())
                .unwrap_or_else(|| format!("Microtenant-{:03}", i + 1));
            let domain = format!(
                "{}.example.com",
                name.to_lowercase()
                    .replace(|c: char| !c.is_alphanumeric(), "-")
            );
            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            o.s("name", &name)
                .s("description", &format!("{name} business unit"))
                .b("enabled", i != 2)
                .s("operator", "OR")
                .s("criteriaAttribute", "AuthDomain")
                .strs("criteriaAttributeValues", &[domain])
                .b("privilegedApprovalsEnabled", i % 2 == 0)
                .ns("scopeOrder", i + 1);
            let json = o.done();
            self.store.push(
                Resource::Microtenants,
                Row {
                    id: id.clone(),
                    owner: Some(id.clone()),
                    key: None,
                    json,
                },
            );
            self.mts.push(Mt { id, name });
        }
        let mut o = Obj::new();
        o.s("id", "0")
            .s("name", "Default")
            .s(
                "description",
                "This is the default Microtenant for users not associated to any Microtenant",
            )
            .b("enabled", true)
            .s("operator", "OR")
            .b("privilegedApprovalsEnabled", true)
            .ns("scopeOrder", self.cfg.microtenants + 1);
        let json = o.done();
        self.push(Resource::Microtenants, "0".into(), 0, None, json);
    }

    /// Group plans, spread round-robin over microtenants with the first in Default.
    fn groups(&mut self, n: usize, label: &str) -> Vec<Group> {
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

    fn group_common(&mut self, o: &mut Obj, g: &Group) {
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

    fn connector_groups(&mut self, groups: &[Group]) {
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
    fn runtime(&mut self, i: usize, n: usize, expected: &str, allow_auth_failed: bool) -> Runtime {
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
    fn runtime_fields(&mut self, o: &mut Obj, rt: &Runtime, broker: &str) {
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

    fn connectors(&mut self, groups: &[Group]) {
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
    fn assistant_version(&mut self, id: &str, rt: &Runtime, group: Option<&str>) -> String {
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

    fn service_edges(&mut self, groups: &[Group]) {
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

    fn private_broker_version(&mut self, id: &str, rt: &Runtime, group: Option<&Group>) -> String {
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

    /// Segments first as plans, so that segment and server groups can embed their members.
    fn applications_and_groups(&mut self, connector_groups: &[Group]) {
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

    fn clientless_certificates(&mut self) {
        let names = [
            "portal", "jenkins", "pra01", "grafana", "wiki", "crm", "sso", "status",
        ];
        let n = 4 + self.cfg.microtenants;
        for i in 0..n {
            let id = self.id();
            let mt = if i < 2 { 0 } else { i % self.mts.len() };
            let host = format!(
                "{}.{}",
                names[i % names.len()],
                CORP_DOMAINS[i % CORP_DOMAINS.len()]
            );
            let (from, to) = match i {
                // Expired ten days ago, like the real BA certificate in the recordings.
                0 => (self.anchor - 375 * DAY, self.anchor - 10 * DAY),
                // Due within 30 days.
                1 => (self.anchor - 345 * DAY, self.anchor + 20 * DAY),
                _ => {
                    let from = self.anchor - self.rng.range(10 * DAY, 300 * DAY);
                    (from, from + self.rng.range(400 * DAY, 1100 * DAY))
                }
            };
            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            let serial = format!("{}{:020}", 7359, self.rng.next_u64());
            o.s("name", &host)
                .s("description", &host)
                .ns("validFromInEpochSec", from)
                .ns("validToInEpochSec", to)
                .s("certificate", &fake_pem("CERTIFICATE", &host))
                .s(
                    "issuedTo",
                    &format!("CN={host},OU=IT,O=Example Corp,L=San Jose,ST=CA,C=US"),
                )
                .s(
                    "issuedBy",
                    "CN=Example Corp Issuing CA 01,DC=example,DC=com",
                )
                .s("serialNo", &serial)
                .s("publicKey", &fake_pem("PUBLIC KEY", &host))
                .strs("san", std::slice::from_ref(&host))
                .b("readOnly", false)
                .b("zscalerManaged", false)
                .s("cName", &host);
            self.owner_fields(&mut o, mt);
            let json = o.done();
            self.push(Resource::ClientlessCertificate, id, mt, None, json);
        }
    }

    fn enrollment_certificates(&mut self) {
        let cid = self.cfg.customer_id.clone();
        let far = self.anchor + 24_000 * DAY;
        // (name, valid from, valid to: None for a CSR-only entry, signing, client type)
        let certs: [(&str, u64, Option<u64>, bool, &str); 7] = [
            ("Root", self.anchor - 1800 * DAY, Some(far), true, "NONE"),
            (
                "Client",
                self.anchor - 1800 * DAY,
                Some(far),
                true,
                "ZAPP_CLIENT",
            ),
            (
                "Connector",
                self.anchor - 1800 * DAY,
                Some(far),
                true,
                "NONE",
            ),
            (
                "Service Edge",
                self.anchor - 1800 * DAY,
                Some(far),
                true,
                "NONE",
            ),
            (
                "Legacy Connector 2019",
                self.anchor - 1500 * DAY,
                Some(self.anchor - 40 * DAY),
                false,
                "NONE",
            ),
            (
                "Partner Intermediate",
                self.anchor - 700 * DAY,
                Some(self.anchor + 12 * DAY),
                true,
                "NONE",
            ),
            ("Pending CSR", self.anchor - 2 * DAY, None, false, "NONE"),
        ];
        for (i, (name, from, to, signing, client)) in certs.into_iter().enumerate() {
            let id = (6_571 + i).to_string();
            let cn = format!("{cid}.zpa-customer.com/{name}");
            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            o.s("cName", &cn);
            if let Some(to) = to {
                o.ns("validFromInEpochSec", from)
                    .ns("validToInEpochSec", to)
                    .s("certificate", &fake_pem("CERTIFICATE", &cn))
                    .s("issuedTo", &format!("O=Zscaler,OU=Private Access,CN={cn}"))
                    .s(
                        "issuedBy",
                        &format!("O=Zscaler,OU=Private Access,CN={cid}.zpa-customer.com/Root"),
                    )
                    .s("serialNo", &format!("9213{:020}", self.rng.next_u64()));
            }
            o.s("name", name)
                .b("allowSigning", signing)
                .b("privateKeyPresent", to.is_some())
                .s("clientCertType", client);
            if i > 0 {
                o.ns("parentCertId", 6_571).s("parentCertName", "Root");
            }
            if to.is_none() {
                o.s("csr", &fake_pem("CERTIFICATE REQUEST", &cn));
            }
            o.b("storeInHsm", false)
                .b("readOnly", false)
                .b("zscalerManaged", false);
            let json = o.done();
            self.push(Resource::EnrollmentCert, id, 0, None, json);
        }
    }

    /// Returns `(idp id, SCIM group ids)` of each SCIM-enabled IdP, for policy conditions.
    fn idps_and_scim_groups(&mut self) -> Vec<(u64, String, Vec<u64>)> {
        let mut scim = Vec::new();
        let mut next_group = 3_000_000u64;
        let names = [
            "Okta Workforce",
            "ZSlogin",
            "Entra ID",
            "Ping Federate",
            "Google Workspace",
        ];
        for i in 0..self.cfg.idps {
            let id_num = self.next_id;
            let id = self.id();
            let admin = i == 1;
            let scim_enabled = i % 2 == 0;
            let name = if admin {
                format!("ZSlogin_{}", self.cfg.customer_id)
            } else if i < names.len() {
                names[i].to_string()
            } else {
                format!("IdP-{:02}", i + 1)
            };
            let (from, to) = if i == 3 {
                (self.anchor - 340 * DAY, self.anchor + 25 * DAY)
            } else {
                let from = self.anchor - self.rng.range(30 * DAY, 700 * DAY);
                (from, from + 3650 * DAY)
            };
            let mut cert = Obj::new();
            cert.s("cName", &format!("idp-{}.example.com", i + 1))
                .s("serialNo", &self.rng.next_u64().to_string())
                .s("certificate", &fake_pem("CERTIFICATE", &name))
                .ns("validFromInSec", from)
                .ns("validToInSec", to);
            let cert = cert.done();
            let sp = "https://config.private.zscaler.com/auth";
            let mut meta = Obj::new();
            meta.s("spEntityId", &format!("{sp}/metadata/{id}"))
                .s("spPostUrl", &format!("{sp}/{id}/sso"))
                .s("certificateUrl", &format!("{sp}/{id}/certificate"))
                .s("spMetadataUrl", &format!("{sp}/{id}/metadata"))
                .s("spBaseUrl", sp);
            let mut o = Obj::new();
            o.s("id", &id);
            self.stamp(&mut o);
            o.s("name", &name)
                .raw("certificates", &json_array(&[cert]))
                .s(
                    "loginUrl",
                    &format!("https://idp{}.example.com/sso/saml", i + 1),
                )
                .s(
                    "idpEntityId",
                    &format!("http://idp{}.example.com/{:x}", i + 1, self.rng.next_u64()),
                )
                .ns("autoProvision", 0)
                .ns("signSamlRequest", 1)
                .strs("ssoType", &[if admin { "ADMIN" } else { "USER" }])
                .strs("domainList", &["example.com"])
                .b("useCustomSPMetadata", true)
                .b("scimEnabled", scim_enabled)
                .b("enableScimBasedPolicy", scim_enabled)
                .b("disableSamlBasedPolicy", false)
                .b("reauthOnUserUpdate", false)
                .ns("userSpSigningCertId", 0)
                .ns("enableArbitraryAuthDomains", u8::from(admin))
                .raw(
                    if admin {
                        "adminMetadata"
                    } else {
                        "userMetadata"
                    },
                    &meta.done(),
                )
                .b("oneIdentityEnabled", false);
            if scim_enabled {
                o.s(
                    "scimServiceProviderEndpoint",
                    &format!("https://scim1.private.zscaler.com/scim/1/{id}/v2"),
                )
                .b("scimSharedSecretExists", true);
            }
            o.b("forceAuth", false)
                .b("loginHint", true)
                .b("enabled", i != 4)
                .s(
                    "delta",
                    &format!("{:016x}{:016x}", self.rng.next_u64(), self.rng.next_u64()),
                )
                .b("redirectBinding", false);
            let json = o.done();
            self.push(Resource::Idp, id.clone(), 0, None, json);

            if scim_enabled {
                let mut groups = Vec::new();
                for j in 0..self.cfg.scim_groups_per_idp {
                    let gid = next_group;
                    next_group += 1;
                    let gname = if j < SCIM_GROUP_NAMES.len() {
                        SCIM_GROUP_NAMES[j].to_string()
                    } else {
                        format!("{}-{j}", SCIM_GROUP_NAMES[j % SCIM_GROUP_NAMES.len()])
                    };
                    let created = self.anchor - self.rng.range(DAY, 800 * DAY);
                    let modified = created + self.rng.below(self.anchor - created);
                    let uuid = self.uuid();
                    let mut g = Obj::new();
                    g.n("id", gid)
                        .n("modifiedTime", modified)
                        .n("creationTime", created)
                        .s("name", &gname)
                        .n("idpId", id_num)
                        .null("idpGroupId")
                        .s("internalId", &uuid);
                    let json = g.done();
                    self.push(
                        Resource::ScimGroup,
                        gid.to_string(),
                        0,
                        Some(id.clone()),
                        json,
                    );
                    groups.push(gid);
                }
                scim.push((id_num, name, groups));
            }
        }
        scim
    }

    fn policy_rules(&mut self, scim: &[(u64, String, Vec<u64>)]) {
        let n = self.cfg.policy_rules_per_type;
        for (ptype, num, _) in POLICY_TYPES {
            let set_id = self.id();
            let (actions, default_action): (&[&str], &str) = match ptype {
                "ACCESS_POLICY" => (
                    &["ALLOW", "ALLOW", "ALLOW", "DENY", "REQUIRE_APPROVAL"],
                    "DENY",
                ),
                "TIMEOUT_POLICY" => (&["RE_AUTH"], "RE_AUTH"),
                "CLIENT_FORWARDING_POLICY" => (
                    &["INTERCEPT", "BYPASS", "INTERCEPT_ACCESSIBLE"],
                    "INTERCEPT",
                ),
                "ISOLATION_POLICY" => (&["ISOLATE", "BYPASS_ISOLATE"], "BYPASS_ISOLATE"),
                _ => (&["INSPECT", "BYPASS_INSPECT"], "BYPASS_INSPECT"),
            };
            for i in 0..n {
                let default = i == n - 1;
                let id = self.id();
                let mut o = Obj::new();
                o.s("id", &id);
                self.stamp(&mut o);
                let name = if default {
                    "Default_Rule".to_string()
                } else {
                    format!(
                        "{}-rule-{:02}",
                        ptype.split('_').next().unwrap_or("rule").to_lowercase(),
                        i + 1
                    )
                };
                let action = if default {
                    default_action
                } else {
                    *self.rng.pick(actions)
                };
                o.s("name", &name)
                    .s("description", &format!("{name} ({ptype})"))
                    .ns("ruleOrder", i + 1)
                    .ns("priority", n - i)
                    .s("policyType", num)
                    .s("operator", "AND")
                    .s("action", action);
                if ptype == "TIMEOUT_POLICY" {
                    let (t, idle) = if default {
                        (-1i64, -1i64)
                    } else {
                        (3_456_000, 2_592_000)
                    };
                    o.ns("reauthTimeout", t).ns("reauthIdleTimeout", idle);
                }
                let disabled = !default && self.rng.percent(15);
                o.ns("disabled", u8::from(disabled))
                    .b("extranetEnabled", false)
                    .b("devicePostureFailureNotificationEnabled", false)
                    .s("policySetId", &set_id);
                if !default && !scim.is_empty() {
                    let conditions = self.conditions(&id, scim);
                    o.raw("conditions", &conditions);
                }
                o.s("defaultRuleName", "Default_Rule")
                    .b("defaultRule", default)
                    .b("readOnly", false)
                    .b("zscalerManaged", false);
                if ptype == "ISOLATION_POLICY" && action == "ISOLATE" {
                    o.ns("zpnIsolationProfileId", self.next_id + 9_000);
                }
                let json = o.done();
                self.push(Resource::PolicyRules, id, 0, Some(ptype.to_string()), json);
            }
        }
    }

    fn conditions(&mut self, rule: &str, scim: &[(u64, String, Vec<u64>)]) -> String {
        let (idp, idp_name, groups) = self.rng.pick(scim).clone();
        let cond_id = 46_277_000 + self.rng.below(100_000);
        let mut operands = Vec::new();
        for k in 0..(1 + self.rng.below(2)) {
            if groups.is_empty() {
                break;
            }
            let g = *self.rng.pick(&groups);
            let mut op = Obj::new();
            op.ns("id", cond_id + 1 + k);
            self.stamp(&mut op);
            op.s("objectType", "SCIM_GROUP")
                .ns("lhs", idp)
                .ns("rhs", g)
                .ns("idpId", idp)
                .s("idpName", &idp_name)
                .ns("conditionId", cond_id);
            operands.push(op.done());
        }
        if operands.is_empty() || self.rng.percent(30) {
            let mut op = Obj::new();
            op.ns("id", cond_id + 9);
            self.stamp(&mut op);
            op.s("objectType", "CLIENT_TYPE")
                .s("lhs", "id")
                .s("rhs", "zpn_client_type_zapp")
                .s("name", "zpn_client_type_zapp")
                .ns("conditionId", cond_id);
            operands.push(op.done());
        }
        let mut c = Obj::new();
        c.ns("id", cond_id);
        self.stamp(&mut c);
        c.s("operator", "OR")
            .b("negated", false)
            .raw("operands", &json_array(&operands))
            .s("ruleGid", rule);
        json_array(&[c.done()])
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

/// A PEM-shaped placeholder: real shape, no real key material.
fn fake_pem(label: &str, subject: &str) -> String {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD
        .encode(format!("zpa-simulator placeholder {label} for {subject}"));
    format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_text_matches_zpa_wording() {
        assert_eq!(duration_text(43 * 3600 + 57 * 60 + 54), "01d 19h 57m 54s");
        assert_eq!(duration_text(17 * 3600 + 32 * 60 + 50), "17h 32m 50s");
    }

    #[test]
    fn every_generated_row_is_valid_json_with_its_id() {
        let cfg = SimulatorConfig::default();
        let store = generate(&cfg, 1_780_000_000 / DAY * DAY);
        for res in Resource::ALL {
            assert!(!store.rows(res).is_empty(), "{res:?} is empty");
            for row in store.rows(res) {
                let v: serde_json::Value = serde_json::from_str(&row.json)
                    .unwrap_or_else(|e| panic!("{res:?}: {e}: {}", row.json));
                let id = crate::store::id_text(&v["id"]).unwrap();
                assert_eq!(id, row.id, "{res:?}");
            }
        }
    }
}
