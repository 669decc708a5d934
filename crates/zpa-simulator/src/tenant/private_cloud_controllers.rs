//! The tenant's Private Cloud Controllers and their groups, as a plan of names: what the LSS
//! Private Cloud Controller Status and Metrics streams name, and what an API endpoint for them
//! should serve so that the two join by name.
//!
//! The plan is derived from the seed and the service-edge size flags (half as many controllers
//! as Private Service Edges, rounded up, in at most as many groups as there are edge groups),
//! with a random stream of its own: adding it changed nothing else the tenant generator
//! produces.

use super::names::{LOCATIONS, PLATFORMS, PROFILES};
use super::Rng;
use crate::store::{Resource, Store};
use crate::SimulatorConfig;

/// One Private Cloud Controller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrivateCloudController {
    /// e.g. `pcc-us-001`.
    pub name: String,
    /// e.g. `San Jose-PrivateCloudControllerGroup-01`.
    pub group: String,
    /// The owning microtenant's id, `"0"` for Default.
    pub microtenant: String,
    pub version: String,
    pub platform: String,
    /// `cityCountry`-style location of its group.
    pub location: String,
}

/// The controllers of the tenant `cfg` describes; `store` is that tenant (for microtenant ids).
pub fn private_cloud_controllers(
    cfg: &SimulatorConfig,
    store: &Store,
) -> Vec<PrivateCloudController> {
    let count = cfg.service_edges.div_ceil(2);
    let groups = cfg.service_edge_groups.clamp(1, count.max(1));
    // Default plus the others, in the order the generator made them (Default is listed last).
    let mut microtenants = vec!["0".to_string()];
    microtenants.extend(
        store
            .rows(Resource::Microtenants)
            .iter()
            .map(|row| row.id.clone())
            .filter(|id| id != "0"),
    );
    let mut rng = Rng::new(cfg.seed ^ 0x9CC0_57A7);
    (0..count)
        .map(|i| {
            // The first controller is in the first group, so a one-group tenant is still whole.
            let g = if i == 0 {
                0
            } else {
                rng.below(groups as u64) as usize
            };
            let loc = g % LOCATIONS.len();
            let (_, _, _, city_country, country, _) = LOCATIONS[loc];
            let city = city_country.split(',').next().unwrap_or("Site");
            PrivateCloudController {
                name: format!("pcc-{}-{:03}", country.to_lowercase(), i + 1),
                group: format!("{city}-PrivateCloudControllerGroup-{:02}", g + 1),
                microtenant: microtenants[g % microtenants.len()].clone(),
                version: PROFILES[g % PROFILES.len()].2.to_string(),
                platform: PLATFORMS[rng.below(PLATFORMS.len() as u64) as usize]
                    .0
                    .to_string(),
                location: city_country.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_deterministic_set_in_the_edges_proportions() {
        let cfg = SimulatorConfig::default();
        let store = super::super::generate(&cfg, 1_780_000_000 / 86_400 * 86_400);
        let pccs = private_cloud_controllers(&cfg, &store);
        assert_eq!(pccs.len(), cfg.service_edges.div_ceil(2));
        assert_eq!(pccs, private_cloud_controllers(&cfg, &store), "same seed");
        assert!(pccs[0].group.ends_with("-01"), "{:?}", pccs[0]);
        let names: std::collections::HashSet<&str> = pccs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.len(), pccs.len(), "names are unique");
        let groups: std::collections::HashSet<&str> =
            pccs.iter().map(|p| p.group.as_str()).collect();
        assert!(groups.len() <= cfg.service_edge_groups);
        let none = SimulatorConfig {
            service_edges: 0,
            ..cfg.clone()
        };
        assert!(private_cloud_controllers(&none, &store).is_empty());
        let big = SimulatorConfig {
            service_edges: 41,
            service_edge_groups: 7,
            ..cfg
        };
        let many = private_cloud_controllers(&big, &store);
        assert_eq!(many.len(), 21);
        let groups: std::collections::HashSet<&str> =
            many.iter().map(|p| p.group.as_str()).collect();
        assert!(groups.len() > 2 && groups.len() <= 7, "{groups:?}");
    }
}
