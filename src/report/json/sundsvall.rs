//! `analyses.sundsvall`: Sundsvall's measures (A11–A13, A15; issue 13, item 5).

use super::*;

/// Sundsvall's measures.
#[derive(Serialize)]
pub struct Sundsvall<'a> {
    /// The scope the IT cost was counted with.
    pub scope: &'a str,
    /// Per unit that gives any input.
    pub rows: Vec<SundsvallRow<'a>>,
}

/// One unit's measures (null where inputs are missing).
#[derive(Serialize)]
pub struct SundsvallRow<'a> {
    /// Label.
    pub municipality: &'a str,
    /// Turnover, kr.
    pub omslutning: Option<f64>,
    /// Central IT cost, kr.
    pub central_it_cost: f64,
    /// Central and outside IT, kr.
    pub it_cost: f64,
    /// IT investment, kr.
    pub it_investment: f64,
    /// central IT / turnover.
    pub central_it_share_of_turnover: Option<f64>,
    /// IT / turnover.
    pub it_share_of_turnover: Option<f64>,
    /// Operating cost on the digitalisation cost centres, kr.
    pub digitalisation_cost: Option<f64>,
    /// Investment on them, kr.
    pub digitalisation_investment: Option<f64>,
    /// digitalisation / turnover, ‰.
    pub digitalisation_permille: Option<f64>,
    /// digitalisation / IT, excluding investment.
    pub digitalisation_part_of_it_excl: Option<f64>,
    /// including investment.
    pub digitalisation_part_of_it_incl: Option<f64>,
    /// IT FTE / all FTE, ‰.
    pub it_fte_permille: Option<f64>,
    /// digitalisation FTE / IT FTE.
    pub digitalisation_fte_part: Option<f64>,
    /// the same excluding temporary staff.
    pub digitalisation_fte_part_excl_temporary: Option<f64>,
    /// IT / central IT.
    pub multiplier: Option<f64>,
    /// 1 / uplift, years.
    pub renewal_cycle_years: Option<f64>,
    /// The uplift.
    pub uplift: Option<f64>,
}

impl<'a> From<&'a crate::compare::sundsvall::Sundsvall> for Sundsvall<'a> {
    fn from(v: &'a crate::compare::sundsvall::Sundsvall) -> Self {
        Sundsvall {
            scope: &v.scope,
            rows: v
                .rows
                .iter()
                .map(|r| SundsvallRow {
                    municipality: &r.municipality,
                    omslutning: r.omslutning.map(kr),
                    central_it_cost: kr(r.central_it_cost),
                    it_cost: kr(r.it_cost),
                    it_investment: kr(r.it_investment),
                    central_it_share_of_turnover: r.central_it_share_of_turnover,
                    it_share_of_turnover: r.it_share_of_turnover,
                    digitalisation_cost: r.digitalisation_cost.map(kr),
                    digitalisation_investment: r.digitalisation_investment.map(kr),
                    digitalisation_permille: r.digitalisation_permille,
                    digitalisation_part_of_it_excl: r.digitalisation_part_of_it_excl,
                    digitalisation_part_of_it_incl: r.digitalisation_part_of_it_incl,
                    it_fte_permille: r.it_fte_permille,
                    digitalisation_fte_part: r.digitalisation_fte_part,
                    digitalisation_fte_part_excl_temporary: r
                        .digitalisation_fte_part_excl_temporary,
                    multiplier: r.multiplier,
                    renewal_cycle_years: r.renewal_cycle_years,
                    uplift: r.uplift,
                })
                .collect(),
        }
    }
}

/// `analyses.maturity`: IT share beside DiMiOS maturity (A20).
#[derive(Serialize)]
pub struct Maturity<'a> {
    /// The named dimension, or null for the mean over the dimensions given.
    pub dimension: Option<&'a str>,
    /// Per unit with scores.
    pub points: Vec<MaturityPoint<'a>>,
    /// Benchmarked units without scores for their year.
    pub without_scores: &'a [String],
    /// Spearman's ρ of share and maturity.
    pub correlation: Correlation<'a>,
    /// The studies' caveat, Swedish.
    pub caveat_sv: &'a str,
    /// English.
    pub caveat_en: &'a str,
}

/// One unit's point.
#[derive(Serialize)]
pub struct MaturityPoint<'a> {
    /// Label.
    pub municipality: &'a str,
    /// Year.
    pub year: i32,
    /// Mean level (or the named dimension's).
    pub maturity: f64,
    /// Dimensions in the mean.
    pub dimensions: usize,
    /// The benchmark's share.
    pub share: f64,
}

impl<'a> From<&'a crate::compare::maturity::Maturity> for Maturity<'a> {
    fn from(v: &'a crate::compare::maturity::Maturity) -> Self {
        Maturity {
            dimension: v.dimension.as_deref(),
            points: v
                .points
                .iter()
                .map(|p| MaturityPoint {
                    municipality: &p.municipality,
                    year: p.year,
                    maturity: p.maturity,
                    dimensions: p.dimensions,
                    share: p.share,
                })
                .collect(),
            without_scores: &v.without_scores,
            correlation: Correlation::from(&v.correlation),
            caveat_sv: v.caveat_sv,
            caveat_en: v.caveat_en,
        }
    }
}
