//! `analyses.investment`: IT investment beside operating IT (issue 13, item 4).

use super::*;

/// IT investment of the benchmarked units and the group per pool.
#[derive(Serialize)]
pub struct Investment<'a> {
    /// Per unit.
    pub municipalities: Vec<InvestmentRow<'a>>,
    /// The group's IT investment per pool.
    pub group: Vec<PoolAmount>,
}

impl<'a> From<&'a crate::compare::investment::Investment> for Investment<'a> {
    fn from(v: &'a crate::compare::investment::Investment) -> Self {
        Investment {
            municipalities: v.municipalities.iter().map(InvestmentRow::from).collect(),
            group: v
                .group
                .iter()
                .map(|(pool, k)| PoolAmount {
                    pool,
                    amount: kr(*k),
                })
                .collect(),
        }
    }
}

/// One unit's IT investment.
#[derive(Serialize)]
pub struct InvestmentRow<'a> {
    /// Label (name, or "name year").
    pub municipality: &'a str,
    /// Operating IT cost (central + outside).
    pub it_cost: f64,
    /// IT investment per pool.
    pub pools: Map<&'static str, f64>,
    /// Sum of `pools`.
    pub it_investment: f64,
    /// Every line on an investment account.
    pub investment: f64,
    /// The run's denominator.
    pub denominator_value: f64,
    /// it_cost / denominator (excluding investment).
    pub it_share_excl: Option<f64>,
    /// (it_cost + it_investment) / (denominator + investment).
    pub it_share_incl: Option<f64>,
    /// it_investment / (it_cost + it_investment).
    pub investment_part_of_it: Option<f64>,
}

impl<'a> From<&'a crate::compare::investment::InvestmentRow> for InvestmentRow<'a> {
    fn from(v: &'a crate::compare::investment::InvestmentRow) -> Self {
        InvestmentRow {
            municipality: &v.municipality,
            it_cost: kr(v.it_cost),
            pools: v.pools.iter().map(|(p, k)| (*p, kr(*k))).collect(),
            it_investment: kr(v.it_investment),
            investment: kr(v.investment),
            denominator_value: kr(v.denominator_value),
            it_share_excl: v.it_share_excl,
            it_share_incl: v.it_share_incl,
            investment_part_of_it: v.investment_part_of_it,
        }
    }
}

/// An amount of one pool.
#[derive(Serialize)]
pub struct PoolAmount {
    /// Pool.
    pub pool: &'static str,
    /// Amount, kr.
    pub amount: f64,
}

/// `analyses.hybrid_key`: the joint organisation's hybrid key (A17).
#[derive(Serialize)]
pub struct HybridKey<'a> {
    /// The joint organisation's label.
    pub label: &'a str,
    /// The cost split, kr.
    pub cost: f64,
    /// The base fraction shared equally.
    pub base_share: f64,
    /// The consumption key (`users`, `devices`, …).
    pub consumption_key: &'static str,
    /// cost × base_share, kr.
    pub base_total: f64,
    /// cost − base_total, kr.
    pub consumption_total: f64,
    /// Per member.
    pub rows: Vec<HybridRow<'a>>,
}

/// One member's part under the hybrid key.
#[derive(Serialize)]
pub struct HybridRow<'a> {
    /// Label.
    pub municipality: &'a str,
    /// Equal part of the base, kr.
    pub base: f64,
    /// Consumption value.
    pub driver: u64,
    /// Fraction of the consumption.
    pub driver_share: Option<f64>,
    /// Part of the consumption, kr.
    pub consumption: f64,
    /// base + consumption, kr.
    pub amount: f64,
    /// Central IT today, kr.
    pub today: f64,
    /// amount − today, kr.
    pub difference: f64,
}

impl<'a> From<&'a crate::compare::hybrid_key::HybridResult> for HybridKey<'a> {
    fn from(v: &'a crate::compare::hybrid_key::HybridResult) -> Self {
        HybridKey {
            label: &v.label,
            cost: kr(v.cost),
            base_share: v.base_share,
            consumption_key: v.consumption_key.key(),
            base_total: kr(v.base_total),
            consumption_total: kr(v.consumption_total),
            rows: v
                .rows
                .iter()
                .map(|r| HybridRow {
                    municipality: &r.municipality,
                    base: kr(r.base),
                    driver: r.driver,
                    driver_share: r.driver_share,
                    consumption: kr(r.consumption),
                    amount: kr(r.amount),
                    today: kr(r.today),
                    difference: kr(r.difference),
                })
                .collect(),
        }
    }
}
