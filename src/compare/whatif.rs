//! What-if: savings scenarios (a rate on chosen pools, per municipality and in total, with the arithmetic) and
//! the split of a joint IT organisation's cost over its municipalities by several keys. All in öre, exact:
//! a saving is rounded half away from zero; a split gives its remainder öre to the largest fractions.

use crate::aggregate::MunicipalityResult;
use crate::config::analysis::{AllocationBasis, JointOrg, SavingsBase, SavingsScenario};
use crate::money::{allocate, format_kr, round_div};
use crate::money::{share, Kr};

/// One line of a savings scenario.
#[derive(Debug, Clone)]
pub struct SavingsLine {
    /// Label (name, or "name year"); "Total" for the sum.
    pub municipality: String,
    /// Pool.
    pub pool: &'static str,
    /// The cost the rate applies to.
    pub base: Kr,
    /// base × rate.
    pub saving: Kr,
    /// The arithmetic, e.g. "3 245 000 kr × 30 % = 973 500 kr".
    pub arithmetic: String,
}

/// A scenario's result.
#[derive(Debug, Clone)]
pub struct SavingsResult {
    /// The scenario.
    pub scenario: SavingsScenario,
    /// Per municipality and pool.
    pub lines: Vec<SavingsLine>,
    /// Per municipality: (label, base, saving, saving / the municipality's numerator cost).
    pub per_municipality: Vec<(String, Kr, Kr, Option<f64>)>,
    /// Sum of the bases.
    pub total_base: Kr,
    /// Sum of the savings (= sum of the rounded lines).
    pub total_saving: Kr,
}

fn rate_text(ppm: i64) -> String {
    let pct = ppm as f64 / 10_000.0;
    if (pct - pct.round()).abs() < 1e-9 {
        format!("{} %", pct.round() as i64)
    } else {
        format!("{pct} %").replace('.', ",")
    }
}

/// Applies every scenario.
pub fn savings(
    scenarios: &[SavingsScenario],
    results: &[&MunicipalityResult],
    labels: &[String],
) -> Vec<SavingsResult> {
    scenarios
        .iter()
        .map(|sc| {
            let mut lines = Vec::new();
            let mut per = Vec::new();
            for (r, label) in results.iter().zip(labels) {
                let (mut b_sum, mut s_sum) = (0i64, 0i64);
                for pool in &sc.pools {
                    let split = r.pools.get(pool.name()).copied().unwrap_or_default();
                    let base = match sc.of {
                        SavingsBase::CentralIt => split.central.0,
                        SavingsBase::It => split.central.0 + split.outside.0,
                    };
                    let saving = round_div(base as i128 * sc.rate_ppm as i128, 1_000_000) as i64;
                    b_sum += base;
                    s_sum += saving;
                    lines.push(SavingsLine {
                        municipality: label.clone(),
                        pool: pool.name(),
                        base: Kr(base),
                        saving: Kr(saving),
                        arithmetic: format!(
                            "{} kr × {} = {} kr",
                            format_kr(base),
                            rate_text(sc.rate_ppm),
                            format_kr(saving)
                        ),
                    });
                }
                let cost = match sc.of {
                    SavingsBase::CentralIt => r.central_it_cost.0,
                    SavingsBase::It => r.it_cost.0,
                };
                per.push((label.clone(), Kr(b_sum), Kr(s_sum), share(s_sum, cost)));
            }
            let total_base = Kr(per.iter().map(|p| p.1 .0).sum());
            let total_saving = Kr(per.iter().map(|p| p.2 .0).sum());
            SavingsResult {
                scenario: sc.clone(),
                lines,
                per_municipality: per,
                total_base,
                total_saving,
            }
        })
        .collect()
}

/// One municipality's part under one key.
#[derive(Debug, Clone)]
pub struct JointShare {
    /// Label.
    pub municipality: String,
    /// The key's value for it (1 for equal).
    pub driver: u64,
    /// Its fraction of the key.
    pub share: Option<f64>,
    /// Its part of the joint cost.
    pub amount: Kr,
    /// Its own numerator cost today (central IT).
    pub today: Kr,
    /// amount − today.
    pub difference: Kr,
}

/// The joint organisation's split under every key.
#[derive(Debug, Clone)]
pub struct JointOrgResult {
    /// Label.
    pub label: String,
    /// The cost split.
    pub cost: Kr,
    /// True when the cost is the members' summed central IT cost (not a given amount).
    pub cost_is_sum_of_members: bool,
    /// Per key: the parts (they sum to `cost` exactly).
    pub splits: Vec<(AllocationBasis, Vec<JointShare>)>,
}

/// Splits the joint organisation's cost by each key. `drivers[i]` gives (population, employees, users, devices).
pub fn joint_org(
    j: &JointOrg,
    results: &[&MunicipalityResult],
    labels: &[String],
    drivers: &[[Option<u64>; 4]],
) -> JointOrgResult {
    let today: Vec<i64> = results.iter().map(|r| r.central_it_cost.0).collect();
    let cost = j.cost_ore.unwrap_or_else(|| today.iter().sum());
    let splits = j
        .keys
        .iter()
        .map(|key| {
            let values: Vec<u64> = drivers
                .iter()
                .map(|d| match key {
                    AllocationBasis::Equal => 1,
                    AllocationBasis::Population => d[0].unwrap_or(0),
                    AllocationBasis::Employees => d[1].unwrap_or(0),
                    AllocationBasis::Users => d[2].unwrap_or(0),
                    AllocationBasis::Devices => d[3].unwrap_or(0),
                })
                .collect();
            let total: u64 = values.iter().sum();
            let weights: Vec<i64> = values.iter().map(|&v| v as i64).collect();
            let parts = allocate(cost, &weights);
            let rows = labels
                .iter()
                .enumerate()
                .map(|(i, label)| JointShare {
                    municipality: label.clone(),
                    driver: values[i],
                    share: (total > 0).then(|| values[i] as f64 / total as f64),
                    amount: Kr(parts[i]),
                    today: Kr(today[i]),
                    difference: Kr(parts[i] - today[i]),
                })
                .collect();
            (*key, rows)
        })
        .collect();
    JointOrgResult {
        label: j.label.clone(),
        cost: Kr(cost),
        cost_is_sum_of_members: j.cost_ore.is_none(),
        splits,
    }
}
