//! The planner: do the requested refresh intervals fit the rate budget, and if not, which
//! intervals to stretch.
//!
//! A collector that needs `c` API calls per run every `i` seconds uses `c / i` requests per
//! second of the budget. The schedule fits when the sum stays under [`TARGET_UTILIZATION`] of
//! what the limiter lets through; the rest is headroom for retries, sign-ins and shared IdP
//! listings. When it does not fit, whole classes are stretched by one factor each, in the order
//! reference data, inventory, health: the App Connector and Service Edge intervals are the last
//! to grow, and only once the others are at [`MAX_INTERVAL`]. A first pass stretches reference
//! data and inventory at most [`GENTLE_STRETCH`] times each, so a slight shortfall costs both a
//! little instead of costing reference data everything; a second pass goes up to the cap.
//!
//! Pure functions of their inputs, so the arithmetic is tested without a clock.

use std::fmt::Write;
use std::time::Duration;

use crate::collectors::Class;

/// The share of the budget a schedule may plan to use.
pub(crate) const TARGET_UTILIZATION: f64 = 0.8;

/// No interval is stretched beyond a day (nor below what was asked).
pub(crate) const MAX_INTERVAL: Duration = Duration::from_secs(24 * 3600);

/// How far the first pass stretches a class.
pub(crate) const GENTLE_STRETCH: f64 = 4.0;

/// What one collector asks of the budget.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Demand {
    pub name: &'static str,
    pub class: Class,
    /// The interval the user (or the default) asked for.
    pub requested: Duration,
    /// API calls per run: measured after a successful run, estimated before.
    pub calls_per_run: f64,
}

impl Demand {
    fn load(&self, interval: Duration) -> f64 {
        self.calls_per_run / interval.as_secs_f64()
    }
}

/// The intervals chosen, in the order of the demands, and what they cost.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plan {
    pub intervals: Vec<Duration>,
    /// Fraction of the budget the chosen intervals use.
    pub utilization: f64,
    /// Fraction of the budget the requested intervals would use.
    pub requested_utilization: f64,
}

impl Plan {
    pub(crate) fn stretched(&self, demands: &[Demand]) -> bool {
        self.intervals
            .iter()
            .zip(demands)
            .any(|(i, d)| *i > d.requested)
    }

    /// One log line: the budget, the utilization and every interval (stretched ones marked).
    pub(crate) fn describe(&self, demands: &[Demand], budget: &str) -> String {
        let mut line = format!(
            "budget {budget}, schedule uses {:.0}% of it",
            self.utilization * 100.0
        );
        if self.stretched(demands) {
            let _ = write!(
                line,
                " (the requested intervals would need {:.0}%)",
                self.requested_utilization * 100.0
            );
        }
        line.push(':');
        for (interval, d) in self.intervals.iter().zip(demands) {
            let _ = write!(
                line,
                " {}={}",
                d.name,
                humantime::format_duration(*interval)
            );
            if *interval > d.requested {
                let _ = write!(
                    line,
                    " (stretched from {})",
                    humantime::format_duration(d.requested)
                );
            }
        }
        line
    }
}

/// Chooses intervals for `demands` within `requests_per_second`.
pub(crate) fn plan(demands: &[Demand], requests_per_second: f64) -> Plan {
    let capacity = requests_per_second * TARGET_UTILIZATION;
    let mut intervals: Vec<Duration> = demands.iter().map(|d| d.requested).collect();
    let load = |intervals: &[Duration], pick: &dyn Fn(usize) -> bool| -> f64 {
        demands
            .iter()
            .zip(intervals)
            .enumerate()
            .filter(|(i, _)| pick(*i))
            .map(|(_, (d, i))| d.load(*i))
            .sum()
    };
    let requested_load = load(&intervals, &|_| true);
    let requested: Vec<Duration> = demands.iter().map(|d| d.requested).collect();
    let steps = [
        (Class::Reference, GENTLE_STRETCH),
        (Class::Inventory, GENTLE_STRETCH),
        (Class::Reference, f64::INFINITY),
        (Class::Inventory, f64::INFINITY),
        (Class::Health, f64::INFINITY),
    ];
    for (class, stretch_limit) in steps {
        if load(&intervals, &|_| true) <= capacity {
            break;
        }
        let cap = |d: &Demand| {
            let limit = d.requested.as_secs_f64() * stretch_limit;
            if limit >= MAX_INTERVAL.as_secs_f64() {
                MAX_INTERVAL.max(d.requested)
            } else {
                Duration::from_secs(limit.ceil() as u64)
            }
        };
        // Water-filling: stretch the class's members by one factor; members that hit the cap
        // stay there and the others share what is left.
        loop {
            let stretchable: Vec<bool> = demands
                .iter()
                .zip(&intervals)
                .map(|(d, i)| d.class == class && *i < cap(d))
                .collect();
            let fixed = load(&intervals, &|i| !stretchable[i]);
            let movable = load(&requested, &|i| stretchable[i]);
            if movable <= 0.0 {
                break;
            }
            let room = capacity - fixed;
            let factor = if room > 0.0 {
                (movable / room).max(1.0)
            } else {
                f64::INFINITY
            };
            let mut capped_now = false;
            for (i, d) in demands.iter().enumerate() {
                if !stretchable[i] {
                    continue;
                }
                let cap = cap(d);
                let wanted = d.requested.as_secs_f64() * factor;
                intervals[i] = if wanted >= cap.as_secs_f64() {
                    capped_now = true;
                    cap
                } else {
                    // Whole seconds read better and err on the side of fitting.
                    Duration::from_secs(wanted.ceil() as u64).max(d.requested)
                };
            }
            if !capped_now {
                break;
            }
        }
    }
    Plan {
        utilization: load(&intervals, &|_| true) / requests_per_second,
        requested_utilization: requested_load / requests_per_second,
        intervals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demand(name: &'static str, class: Class, requested_s: u64, calls: f64) -> Demand {
        Demand {
            name,
            class,
            requested: Duration::from_secs(requested_s),
            calls_per_run: calls,
        }
    }

    /// 20 GETs per 10 s.
    const RPS: f64 = 2.0;

    #[test]
    fn a_schedule_that_fits_is_left_alone() {
        let demands = [
            demand("app_connectors", Class::Health, 60, 4.0),
            demand("application_segments", Class::Inventory, 300, 200.0),
            demand("certificates", Class::Reference, 3600, 3.0),
        ];
        let p = plan(&demands, RPS);
        assert_eq!(
            p.intervals,
            demands.iter().map(|d| d.requested).collect::<Vec<_>>()
        );
        assert!(!p.stretched(&demands));
        let expected = (4.0 / 60.0 + 200.0 / 300.0 + 3.0 / 3600.0) / RPS;
        assert!((p.utilization - expected).abs() < 1e-9);
        assert_eq!(p.utilization, p.requested_utilization);
    }

    #[test]
    fn reference_data_stretches_before_inventory_and_health() {
        let demands = [
            demand("app_connectors", Class::Health, 60, 6.0),
            demand("application_segments", Class::Inventory, 300, 100.0),
            demand("scim_groups", Class::Reference, 60, 90.0),
        ];
        let p = plan(&demands, RPS);
        assert_eq!(p.intervals[0], Duration::from_secs(60), "health untouched");
        assert_eq!(
            p.intervals[1],
            Duration::from_secs(300),
            "inventory untouched"
        );
        assert!(p.intervals[2] > Duration::from_secs(60));
        assert!(p.utilization <= TARGET_UTILIZATION + 1e-9, "{p:?}");
        assert!(p.requested_utilization > TARGET_UTILIZATION);
        // The reference class takes exactly the room left.
        let room = RPS * TARGET_UTILIZATION - 6.0 / 60.0 - 100.0 / 300.0;
        let expected = (90.0 / room).ceil() as u64;
        assert_eq!(p.intervals[2], Duration::from_secs(expected));
    }

    #[test]
    fn health_is_stretched_only_when_nothing_else_can_give() {
        // Health alone needs more than the budget.
        let demands = [
            demand("app_connectors", Class::Health, 60, 150.0),
            demand("certificates", Class::Reference, 3600, 1.0),
        ];
        let p = plan(&demands, RPS);
        assert_eq!(p.intervals[1], MAX_INTERVAL, "reference first, all the way");
        assert!(p.intervals[0] > Duration::from_secs(60));
        assert!(p.utilization <= TARGET_UTILIZATION + 1e-9, "{p:?}");
    }

    #[test]
    fn a_slight_shortfall_costs_each_class_a_little_not_one_class_everything() {
        // Everything at 2 s does not fit; reference data is stretched four times, inventory a
        // little, health not at all.
        let demands = [
            demand("microtenants", Class::Reference, 2, 1.0),
            demand("application_segments", Class::Inventory, 2, 3.0),
            demand("app_connectors", Class::Health, 2, 1.0),
        ];
        let p = plan(&demands, RPS);
        assert_eq!(p.intervals[0], Duration::from_secs(8));
        assert!(
            p.intervals[1] > Duration::from_secs(2) && p.intervals[1] < Duration::from_secs(8),
            "{p:?}"
        );
        assert_eq!(p.intervals[2], Duration::from_secs(2));
    }

    #[test]
    fn a_deep_shortfall_stretches_reference_data_to_the_cap_before_health_moves_further() {
        let demands = [
            demand("certificates", Class::Reference, 60, 2.0),
            demand("application_segments", Class::Inventory, 60, 400.0),
            demand("app_connectors", Class::Health, 60, 60.0),
        ];
        let p = plan(&demands, RPS);
        assert_eq!(p.intervals[0], MAX_INTERVAL);
        assert!(p.utilization <= TARGET_UTILIZATION + 1e-9, "{p:?}");
        assert!(p.intervals[2] >= Duration::from_secs(60));
    }

    #[test]
    fn one_factor_per_class_keeps_the_ratios() {
        let demands = [
            demand("segment_groups", Class::Inventory, 300, 60.0),
            demand("policy_rules", Class::Inventory, 600, 120.0),
            demand("app_connectors", Class::Health, 60, 30.0),
        ];
        let p = plan(&demands, RPS);
        let ratio = p.intervals[1].as_secs_f64() / p.intervals[0].as_secs_f64();
        assert!((ratio - 2.0).abs() < 0.01, "{p:?}");
        assert_eq!(p.intervals[2], Duration::from_secs(60));
    }

    #[test]
    fn the_description_names_every_interval_and_each_stretch() {
        let demands = [
            demand("app_connectors", Class::Health, 60, 1.0),
            demand("scim_groups", Class::Reference, 60, 200.0),
        ];
        let p = plan(&demands, RPS);
        let line = p.describe(&demands, "20/10s");
        assert!(
            line.starts_with("budget 20/10s, schedule uses 80% of it"),
            "{line}"
        );
        assert!(line.contains("app_connectors=1m "), "{line}");
        assert!(line.contains("(stretched from 1m)"), "{line}");
        assert!(!line.contains('\n'));
    }
}
