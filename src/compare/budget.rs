//! Budget or forecast against outcome (issue 13, item 3; Dalsland's A8 measured budgets and forecasts): per
//! municipality and year where both exist, per pool when the budget is a ledger (`kind = "budget"` beside an
//! outcome ledger of the same name and year), or central IT and net cost when the budget is given as figures in
//! the config (`it_budget`, `net_cost_budget`).

use crate::aggregate::{Kr, MunicipalityResult};
use crate::config::{FigureKind, Municipality};
use crate::rules::taxonomy::Pool;

/// One figure, planned and booked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// What it is: a pool name, `central_it` or `net_cost`.
    pub item: String,
    /// The budget's or forecast's figure.
    pub planned: Kr,
    /// The outcome.
    pub outcome: Kr,
    /// outcome − planned (positive: more was spent than planned).
    pub difference: Kr,
}

/// A budget or forecast compared with the outcome of the same municipality and year.
#[derive(Debug, Clone)]
pub struct BudgetComparison {
    /// The municipality.
    pub municipality: String,
    /// The year.
    pub year: Option<i32>,
    /// Budget or forecast.
    pub kind: FigureKind,
    /// Where the planned figures come from: `ledger` or the config's `budget_source`.
    pub source: String,
    /// Central IT cost, net cost, and (ledger budgets) IT cost per pool, central and outside central IT together.
    pub rows: Vec<Planned>,
}

fn planned(item: &str, planned: Kr, outcome: Kr) -> Planned {
    Planned {
        item: item.to_string(),
        planned,
        outcome,
        difference: Kr(outcome.0 - planned.0),
    }
}

/// Every budget-or-forecast against outcome comparison the run allows, in the order of the config.
/// `config` and `results` are parallel (one result per `[[municipality]]`).
pub fn compare(config: &[Municipality], results: &[MunicipalityResult]) -> Vec<BudgetComparison> {
    let mut out = Vec::new();
    for (m, r) in config.iter().zip(results) {
        if r.kind != FigureKind::Outcome {
            continue;
        }
        // Budget or forecast ledgers of the same name and year.
        for (pm, p) in config.iter().zip(results) {
            if p.kind == FigureKind::Outcome || pm.name != m.name || p.year != r.year {
                continue;
            }
            let mut rows = vec![
                planned("central_it", p.central_it_cost, r.central_it_cost),
                planned("net_cost", p.net_cost, r.net_cost),
            ];
            for pool in Pool::ALL {
                let total = |x: &MunicipalityResult| {
                    x.pools
                        .get(pool.name())
                        .map(|s| s.central.0 + s.outside.0)
                        .unwrap_or(0)
                };
                let (a, b) = (total(p), total(r));
                if a != 0 || b != 0 {
                    rows.push(planned(pool.name(), Kr(a), Kr(b)));
                }
            }
            out.push(BudgetComparison {
                municipality: m.name.clone(),
                year: r.year,
                kind: p.kind,
                source: "ledger".into(),
                rows,
            });
        }
        // Figures from the config.
        if let Some(b) = &m.budget {
            let mut rows = Vec::new();
            if let Some(it) = b.it_ore {
                rows.push(planned("central_it", Kr(it), r.central_it_cost));
            }
            if let Some(net) = b.net_cost_ore {
                rows.push(planned("net_cost", Kr(net), r.net_cost));
            }
            out.push(BudgetComparison {
                municipality: m.name.clone(),
                year: r.year,
                kind: b.kind,
                source: b.source.clone(),
                rows,
            });
        }
    }
    out
}
