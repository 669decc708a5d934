//! Deterministic generation of a realistic ZPA tenant from a seed: microtenants, application
//! segments, connectors, service edges, their groups, certificates, IdPs, SCIM groups, policy
//! rules, provisioning keys, log receivers and Private Cloud Controllers, in the shapes of the
//! recorded production responses (numbers as strings on mgmtconfig,
//! real numbers on userconfig, fields omitted rather than null, µs epochs inside nested runtime
//! records).
//!
//! All times derive from `anchor`, the start of the current UTC day, so two simulators with the
//! same seed started on the same day serve identical data while expiries stay relative to now.

use crate::store::{json_array, Obj, Resource, Row, Store, POLICY_TYPES};
use crate::SimulatorConfig;

mod applications;
mod fleet;
mod identity;
mod log_receivers;
mod names;
mod private_cloud;
mod provisioning;

use names::*;

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
    // Generated last, so the objects above stay exactly what the same seed always made.
    g.provisioning_keys(&connector_groups, &edge_groups);
    g.log_receivers(&connector_groups);
    g.private_cloud();
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
