//! Features a ZPA tenant may not be licensed for, and what their endpoints answer then: 401
//! `authz.featureflag.permission.denied` (zpa-api.md §4, seen on `/privateCloudControllerGroup`;
//! a 401 that is not about the token). Lists and reads by id of the feature's resources answer
//! so; its objects stay in the store, ready for when the licence is switched back on.

use std::collections::BTreeSet;

use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::respond::feature_denied;
use crate::store::Resource;
use crate::Shared;

/// A licensable feature, as [`crate::SimulatorConfig::unlicensed`] and the control API name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Feature {
    /// Private Cloud Controllers and their groups.
    PrivateCloud,
    /// Log Streaming Service receivers (`lssConfig`).
    LogStreaming,
}

impl Feature {
    pub const ALL: [Feature; 2] = [Feature::PrivateCloud, Feature::LogStreaming];

    /// The name in the control API and on the command line (`privateCloud`, `logStreaming`).
    pub fn name(self) -> &'static str {
        match self {
            Feature::PrivateCloud => "privateCloud",
            Feature::LogStreaming => "logStreaming",
        }
    }

    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The feature flag the refusal names: production's for Private Cloud (`feature.ddil.config`,
    /// zpa-api.md §4); no refusal of the others is on record, so theirs follow the same pattern.
    fn flag(self) -> &'static str {
        match self {
            Feature::PrivateCloud => "ddil",
            Feature::LogStreaming => "lss",
        }
    }

    fn of(res: Resource) -> Option<Feature> {
        match res {
            Resource::PrivateCloudController | Resource::PrivateCloudControllerGroup => {
                Some(Feature::PrivateCloud)
            }
            Resource::LssConfig => Some(Feature::LogStreaming),
            _ => None,
        }
    }
}

/// The features switched off now (starts as the configuration says; the control API changes it).
#[derive(Debug, Default)]
pub(crate) struct Unlicensed(std::sync::Mutex<BTreeSet<Feature>>);

impl Unlicensed {
    pub fn new(initial: &BTreeSet<Feature>) -> Unlicensed {
        Unlicensed(std::sync::Mutex::new(initial.clone()))
    }

    pub fn set(&self, feature: Feature, licensed: bool) {
        let mut off = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if licensed {
            off.remove(&feature);
        } else {
            off.insert(feature);
        }
    }

    pub fn licensed(&self, feature: Feature) -> bool {
        !self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&feature)
    }
}

/// `Err` is the refusal to send when `res` belongs to a feature the tenant is not licensed for.
pub(crate) fn check(shared: &Shared, res: Resource) -> Result<(), Box<Response>> {
    match Feature::of(res) {
        Some(f) if !shared.unlicensed.licensed(f) => {
            Err(Box::new(feature_denied(shared, f.flag())))
        }
        _ => Ok(()),
    }
}
