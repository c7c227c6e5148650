//! Trends: a municipality that appears for several years gets every share and amount year over year, and each
//! change of share split in two parts that add up exactly:
//! IT effect = IT₁/D₀ − IT₀/D₀ (the change in IT cost at last year's denominator) and
//! denominator effect = IT₁/D₁ − IT₁/D₀ (the change in the denominator at this year's IT cost).

use crate::aggregate::MunicipalityResult;
use crate::config::Numerator;
use crate::money::{share, Kr};

/// One year of one municipality.
#[derive(Debug, Clone)]
pub struct TrendYear {
    /// Name.
    pub municipality: String,
    /// Year.
    pub year: i32,
    /// Central IT cost.
    pub central_it_cost: Kr,
    /// IT cost (central + outside).
    pub it_cost: Kr,
    /// Total cost.
    pub total_cost: Kr,
    /// Net cost.
    pub net_cost: Kr,
    /// The run's denominator.
    pub denominator_value: Kr,
    /// Central IT share.
    pub central_it_share: Option<f64>,
    /// IT share.
    pub it_share: Option<f64>,
}

/// The change from one year to the next.
#[derive(Debug, Clone)]
pub struct TrendChange {
    /// Name.
    pub municipality: String,
    /// From year.
    pub from: i32,
    /// To year.
    pub to: i32,
    /// Numerator change (kr).
    pub numerator_change: Kr,
    /// Numerator change (relative).
    pub numerator_change_rel: Option<f64>,
    /// Denominator change (kr).
    pub denominator_change: Kr,
    /// Denominator change (relative).
    pub denominator_change_rel: Option<f64>,
    /// Share change (fraction points).
    pub share_change: Option<f64>,
    /// The part due to the change in IT cost.
    pub it_effect: Option<f64>,
    /// The part due to the change in the denominator.
    pub denominator_effect: Option<f64>,
}

/// Trends of every municipality that appears for two or more years.
#[derive(Debug, Clone, Default)]
pub struct Trends {
    /// Which numerator the changes follow.
    pub numerator: Option<Numerator>,
    /// One row per municipality and year (only municipalities with two or more years).
    pub years: Vec<TrendYear>,
    /// One row per consecutive pair of years.
    pub changes: Vec<TrendChange>,
}

/// Computes the trends over all units of the run.
pub fn trends(results: &[MunicipalityResult], numerator: Numerator) -> Trends {
    let mut names: Vec<&str> = Vec::new();
    for r in results {
        if !names.contains(&r.name.as_str()) {
            names.push(&r.name);
        }
    }
    let mut out = Trends {
        numerator: Some(numerator),
        ..Default::default()
    };
    for name in names {
        let mut units: Vec<&MunicipalityResult> = results
            .iter()
            .filter(|r| r.name == name && r.year.is_some())
            .collect();
        if units.len() < 2 {
            continue;
        }
        units.sort_by_key(|r| r.year);
        for r in &units {
            out.years.push(TrendYear {
                municipality: name.to_string(),
                year: r.year.unwrap_or_default(),
                central_it_cost: r.central_it_cost,
                it_cost: r.it_cost,
                total_cost: r.total_cost,
                net_cost: r.net_cost,
                denominator_value: r.denominator_value,
                central_it_share: r.central_it_share,
                it_share: r.it_share,
            });
        }
        let num = |r: &MunicipalityResult| match numerator {
            Numerator::CentralIt => r.central_it_cost.0,
            Numerator::It => r.it_cost.0,
        };
        for pair in units.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let (n0, n1) = (num(a), num(b));
            let (d0, d1) = (a.denominator_value.0, b.denominator_value.0);
            let s0 = share(n0, d0);
            let s1 = share(n1, d1);
            let mid = share(n1, d0);
            out.changes.push(TrendChange {
                municipality: name.to_string(),
                from: a.year.unwrap_or_default(),
                to: b.year.unwrap_or_default(),
                numerator_change: Kr(n1 - n0),
                numerator_change_rel: share(n1 - n0, n0),
                denominator_change: Kr(d1 - d0),
                denominator_change_rel: share(d1 - d0, d0),
                share_change: s0.zip(s1).map(|(x, y)| y - x),
                it_effect: s0.zip(mid).map(|(x, m)| m - x),
                denominator_effect: mid.zip(s1).map(|(m, y)| y - m),
            });
        }
    }
    out
}
