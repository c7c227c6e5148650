//! Sundsvall's measures (A11–A13, A15; issue 13, item 5), for every benchmarked unit that gives at least one of
//! their inputs: IT as a share of turnover (omslutning), digitalisation in ‰ of turnover and as a share of IT
//! (excluding and including investment), IT FTE in ‰ of all FTE, digitalisation FTE as a share of IT FTE including
//! and excluding temporary staff, total IT ÷ central IT (the multiplier, A13) and the renewal cycle a cost-plus
//! uplift implies (1 / uplift, A15). Sundsvall counts four categories of IT (M8): the multiplier means what it
//! says only with `--scope wide` and the local IT staff named by `staff_it`; the result carries the scope.
//! Digitalisation is kept apart from IT as Sundsvall asks ("IT-kostnader ej förväxlas med
//! digitaliseringskostnader"): its cost is what is booked on the configured digitalisation cost centres, whatever
//! the rules call it.

use crate::aggregate::{share, Kr, MunicipalityResult};
use crate::config::sundsvall::SundsvallInputs;

/// One unit's measures; a measure whose inputs are missing is None.
#[derive(Debug, Clone)]
pub struct SundsvallRow {
    /// Label.
    pub municipality: String,
    /// Turnover, if given.
    pub omslutning: Option<Kr>,
    /// Central IT cost.
    pub central_it_cost: Kr,
    /// Central and outside IT (the run's scope).
    pub it_cost: Kr,
    /// IT investment (class 40, IT rules).
    pub it_investment: Kr,
    /// central IT / turnover.
    pub central_it_share_of_turnover: Option<f64>,
    /// IT / turnover.
    pub it_share_of_turnover: Option<f64>,
    /// Operating cost on the digitalisation cost centres (None when none are configured).
    pub digitalisation_cost: Option<Kr>,
    /// Investment on the digitalisation cost centres.
    pub digitalisation_investment: Option<Kr>,
    /// digitalisation / turnover × 1000.
    pub digitalisation_permille: Option<f64>,
    /// digitalisation / IT, excluding investment.
    pub digitalisation_part_of_it_excl: Option<f64>,
    /// (digitalisation + its investment) / (IT + IT investment).
    pub digitalisation_part_of_it_incl: Option<f64>,
    /// IT FTE / all FTE × 1000.
    pub it_fte_permille: Option<f64>,
    /// digitalisation FTE / IT FTE.
    pub digitalisation_fte_part: Option<f64>,
    /// (digitalisation FTE − temporary) / (IT FTE − temporary).
    pub digitalisation_fte_part_excl_temporary: Option<f64>,
    /// IT / central IT.
    pub multiplier: Option<f64>,
    /// 1 / uplift, years.
    pub renewal_cycle_years: Option<f64>,
    /// The uplift, as a fraction.
    pub uplift: Option<f64>,
}

/// Sundsvall's measures of the run.
#[derive(Debug, Clone, Default)]
pub struct Sundsvall {
    /// The scope the IT cost was counted with (`narrow`, `wide`, …).
    pub scope: String,
    /// Per unit that gives any input.
    pub rows: Vec<SundsvallRow>,
}

/// Computes the measures. `inputs[i]` belongs to `results[i]`.
pub fn sundsvall(
    results: &[&MunicipalityResult],
    labels: &[String],
    inputs: &[Option<&SundsvallInputs>],
    scope: &str,
) -> Sundsvall {
    let rows = results
        .iter()
        .zip(labels)
        .zip(inputs)
        .filter_map(|((r, label), s)| {
            let s = s.filter(|s| s.any())?;
            let om = s.omslutning_ore;
            let per = |a: i64| om.and_then(|o| share(a, o));
            let it_inv: i64 = r.it_investment.values().map(|k| k.0).sum();
            let has_digi = !s.digitalisation.is_empty();
            let digi = has_digi.then_some(r.digitalisation_cost);
            let digi_inv = has_digi.then_some(r.digitalisation_investment);
            let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) if b > 0.0 => Some(a / b),
                _ => None,
            };
            let temp = s.fte_temporary.unwrap_or(0.0);
            Some(SundsvallRow {
                municipality: label.clone(),
                omslutning: om.map(Kr),
                central_it_cost: r.central_it_cost,
                it_cost: r.it_cost,
                it_investment: Kr(it_inv),
                central_it_share_of_turnover: per(r.central_it_cost.0),
                it_share_of_turnover: per(r.it_cost.0),
                digitalisation_cost: digi,
                digitalisation_investment: digi_inv,
                digitalisation_permille: digi.and_then(|d| per(d.0)).map(|v| v * 1000.0),
                digitalisation_part_of_it_excl: digi.and_then(|d| share(d.0, r.it_cost.0)),
                digitalisation_part_of_it_incl: digi
                    .zip(digi_inv)
                    .and_then(|(d, i)| share(d.0 + i.0, r.it_cost.0 + it_inv)),
                it_fte_permille: ratio(s.fte_it, s.fte_total).map(|v| v * 1000.0),
                digitalisation_fte_part: ratio(s.fte_digitalisation, s.fte_it),
                digitalisation_fte_part_excl_temporary: ratio(
                    s.fte_digitalisation.map(|d| d - temp),
                    s.fte_it.map(|i| i - temp),
                ),
                multiplier: share(r.it_cost.0, r.central_it_cost.0),
                renewal_cycle_years: s
                    .uplift_ppm
                    .filter(|u| *u > 0)
                    .map(|u| 1_000_000.0 / u as f64),
                uplift: s.uplift_ppm.map(|u| u as f64 / 1e6),
            })
        })
        .collect();
    Sundsvall {
        scope: scope.to_string(),
        rows,
    }
}
