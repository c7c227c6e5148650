//! IT investment beside operating IT (issue 13, item 4; Sundsvall A11/A13, brief "IT depreciation, leases and
//! investment"). Lines on investment accounts (Kommun-Bas 40, e.g. 4023 Datorer) are never operating cost; those
//! an IT rule takes are IT investment in that rule's pool. Shares are given excluding investment (the run's
//! share: IT cost / denominator) and including it: (IT cost + IT investment) / (denominator + all investment), so
//! both sides of the fraction count investment the same way.

use crate::aggregate::{share, Kr, MunicipalityResult};
use crate::rules::taxonomy::Pool;
use std::collections::BTreeMap;

/// One unit's IT investment.
#[derive(Debug, Clone)]
pub struct InvestmentRow {
    /// Label (name, or "name year").
    pub municipality: String,
    /// Operating IT cost (central + outside, in scope).
    pub it_cost: Kr,
    /// IT investment per pool (pools with investment only, in `Pool::ALL` order).
    pub pools: BTreeMap<&'static str, Kr>,
    /// Sum of `pools`.
    pub it_investment: Kr,
    /// Every line on an investment account.
    pub investment: Kr,
    /// The run's denominator.
    pub denominator_value: Kr,
    /// it_cost / denominator: the share excluding investment.
    pub it_share_excl: Option<f64>,
    /// (it_cost + it_investment) / (denominator + investment).
    pub it_share_incl: Option<f64>,
    /// it_investment / (it_cost + it_investment): how much of the IT money is investment.
    pub investment_part_of_it: Option<f64>,
}

/// IT investment of the benchmarked units and the group per pool.
#[derive(Debug, Clone)]
pub struct Investment {
    /// Per unit.
    pub municipalities: Vec<InvestmentRow>,
    /// The group's IT investment per pool.
    pub group: Vec<(&'static str, Kr)>,
}

/// Computes IT investment for the benchmarked units (labels as in the benchmark).
pub fn investment(results: &[&MunicipalityResult], labels: &[String]) -> Investment {
    let mut group: BTreeMap<&'static str, i64> = BTreeMap::new();
    let municipalities = results
        .iter()
        .zip(labels)
        .map(|(r, label)| {
            let pools: BTreeMap<&'static str, Kr> = r
                .it_investment
                .iter()
                .filter(|(_, k)| k.0 != 0)
                .map(|(p, k)| (*p, *k))
                .collect();
            for (p, k) in &pools {
                *group.entry(p).or_default() += k.0;
            }
            let inv: i64 = pools.values().map(|k| k.0).sum();
            let den = r.denominator_value.0;
            InvestmentRow {
                municipality: label.clone(),
                it_cost: r.it_cost,
                it_investment: Kr(inv),
                investment: r.investment,
                denominator_value: r.denominator_value,
                it_share_excl: share(r.it_cost.0, den),
                it_share_incl: (den != 0)
                    .then(|| share(r.it_cost.0 + inv, den + r.investment.0))
                    .flatten(),
                investment_part_of_it: share(inv, r.it_cost.0 + inv),
                pools,
            }
        })
        .collect();
    Investment {
        municipalities,
        group: Pool::ALL
            .iter()
            .filter_map(|p| group.get(p.name()).map(|v| (p.name(), Kr(*v))))
            .collect(),
    }
}
