//! The `it_orgs[]` and `budget_outcome[]` objects of `itcost.summary/1` (issue 13, items 1 and 3): the IT
//! organisations of the benchmark with the charges eliminated between their members, and budgets or forecasts
//! against outcome.

use super::*;

/// One IT organisation of the benchmark.
#[derive(Serialize)]
pub struct ItOrg<'a> {
    /// Its name (the benchmark row's `name`).
    pub name: &'a str,
    /// Year.
    pub year: Option<i32>,
    /// `outcome`, `budget` or `forecast`.
    pub kind: &'static str,
    /// Its member municipalities.
    pub members: &'a [String],
    /// The members' central IT cost, less charges between members booked on central IT.
    pub central_it_cost: f64,
    /// Central plus outside IT, less charges between members.
    pub it_cost: f64,
    /// The members' total cost, less charges between members.
    pub total_cost: f64,
    /// The members' external revenue, less charges between members.
    pub revenue: f64,
    /// total_cost + revenue.
    pub net_cost: f64,
    /// The benchmark's denominator.
    pub denominator_value: f64,
    /// Charges between members, eliminated on both sides.
    pub eliminated_between_members: Between,
}

/// Charges between members.
#[derive(Serialize)]
pub struct Between {
    /// The payers' cost lines.
    pub costs: f64,
    /// The hosts' revenue lines (negative).
    pub revenues: f64,
    /// costs + revenues (0: both sides booked the same).
    pub imbalance: f64,
    /// Lines eliminated.
    pub lines: u64,
    /// Of the costs: on members' central IT cost centres.
    pub central_it: f64,
    /// Of the costs: IT outside central IT.
    pub outside_it: f64,
}

impl<'a> From<&'a crate::aggregate::it_org::OrgResult> for ItOrg<'a> {
    fn from(v: &'a crate::aggregate::it_org::OrgResult) -> Self {
        let r = &v.result;
        let b = &v.between;
        ItOrg {
            name: &v.name,
            year: r.year,
            kind: r.kind.key(),
            members: &v.members,
            central_it_cost: kr(r.central_it_cost),
            it_cost: kr(r.it_cost),
            total_cost: kr(r.total_cost),
            revenue: kr(r.revenue),
            net_cost: kr(r.net_cost),
            denominator_value: kr(r.denominator_value),
            eliminated_between_members: Between {
                costs: kr(b.costs),
                revenues: kr(b.revenues),
                imbalance: kr(b.imbalance),
                lines: b.lines,
                central_it: kr(b.central_it),
                outside_it: kr(b.outside_it),
            },
        }
    }
}

/// A budget or forecast against the outcome of the same municipality and year.
#[derive(Serialize)]
pub struct BudgetOutcome<'a> {
    /// The municipality.
    pub municipality: &'a str,
    /// Year.
    pub year: Option<i32>,
    /// `budget` or `forecast`.
    pub kind: &'static str,
    /// `ledger`, or the config's `budget_source`.
    pub source: &'a str,
    /// `central_it`, `net_cost` and (ledger budgets) each pool.
    pub rows: Vec<Planned<'a>>,
}

/// One figure, planned and booked.
#[derive(Serialize)]
pub struct Planned<'a> {
    /// `central_it`, `net_cost` or a pool name.
    pub item: &'a str,
    /// The budget's or forecast's figure.
    pub planned: f64,
    /// The outcome.
    pub outcome: f64,
    /// outcome − planned.
    pub difference: f64,
}

impl<'a> From<&'a crate::compare::budget::BudgetComparison> for BudgetOutcome<'a> {
    fn from(v: &'a crate::compare::budget::BudgetComparison) -> Self {
        BudgetOutcome {
            municipality: &v.municipality,
            year: v.year,
            kind: v.kind.key(),
            source: &v.source,
            rows: v
                .rows
                .iter()
                .map(|p| Planned {
                    item: &p.item,
                    planned: kr(p.planned),
                    outcome: kr(p.outcome),
                    difference: kr(p.difference),
                })
                .collect(),
        }
    }
}
