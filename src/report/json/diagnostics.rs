//! `analyses.pool_diagnostics`, `analyses.drivers` and `analyses.size_correlation`: why an organisation stands
//! out (issue 13, item 2; A2, A6).

use super::*;

/// Per pool: the group's distribution of the pool's share of IT cost and every unit's deviation.
#[derive(Serialize)]
pub struct PoolDiagnostics<'a> {
    /// Which IT cost the shares are of: the benchmark's numerator (`central_it` or `it`).
    pub numerator: &'static str,
    /// Per pool.
    pub pools: Vec<PoolDiagnostic<'a>>,
}

/// One pool over the group.
#[derive(Serialize)]
pub struct PoolDiagnostic<'a> {
    /// Pool.
    pub pool: &'static str,
    /// Units with IT cost.
    pub n: usize,
    /// Mean share.
    pub mean: Option<f64>,
    /// Median share.
    pub median: Option<f64>,
    /// First quartile.
    pub q1: Option<f64>,
    /// Third quartile.
    pub q3: Option<f64>,
    /// q3 − q1.
    pub iqr: Option<f64>,
    /// Per unit.
    pub units: Vec<Deviation<'a>>,
}

/// One unit's deviation in one pool.
#[derive(Serialize)]
pub struct Deviation<'a> {
    /// Unit label.
    pub municipality: &'a str,
    /// The pool's share of the unit's IT cost.
    pub share: Option<f64>,
    /// share − median, percentage points.
    pub deviation_pp: Option<f64>,
    /// (share − median) × IT cost, kr.
    pub deviation: Option<f64>,
}

impl<'a> PoolDiagnostics<'a> {
    /// From the internal diagnostics and the benchmark's numerator.
    pub fn new(v: &'a crate::compare::diagnostics::Diagnostics, numerator: Numerator) -> Self {
        PoolDiagnostics {
            numerator: numerator.key(),
            pools: v
                .pools
                .iter()
                .map(|p| PoolDiagnostic {
                    pool: p.pool,
                    n: p.distribution.n,
                    mean: p.distribution.mean,
                    median: p.distribution.median,
                    q1: p.distribution.q1,
                    q3: p.distribution.q3,
                    iqr: p.iqr,
                    units: p
                        .units
                        .iter()
                        .map(|d| Deviation {
                            municipality: &d.municipality,
                            share: d.share,
                            deviation_pp: d.deviation_pp,
                            deviation: d.deviation.map(kr),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Why one unit stands out.
#[derive(Serialize)]
pub struct DriverResult<'a> {
    /// Unit label.
    pub municipality: &'a str,
    /// Its share.
    pub share: f64,
    /// `above_q3` and/or the comparable reference lines it is above.
    pub reasons: &'a [String],
    /// IT cost − the median share × its denominator, kr.
    pub excess: f64,
    /// The driving pools, biggest first.
    pub drivers: Vec<Driver<'a>>,
    /// Sum of the drivers' deviations, kr.
    pub drivers_total: f64,
    /// The drivers reach half of the excess.
    pub covers_half: bool,
}

impl<'a> From<&'a crate::compare::diagnostics::DriverResult> for DriverResult<'a> {
    fn from(v: &'a crate::compare::diagnostics::DriverResult) -> Self {
        DriverResult {
            municipality: &v.municipality,
            share: v.share,
            reasons: &v.reasons,
            excess: kr(v.excess),
            drivers: v
                .drivers
                .iter()
                .map(|d| Driver {
                    pool: d.pool,
                    share: d.share,
                    group_median: d.group_median,
                    deviation: kr(d.deviation),
                    text_sv: &d.text_sv,
                    text_en: &d.text_en,
                })
                .collect(),
            drivers_total: kr(v.drivers_total),
            covers_half: v.covers_half,
        }
    }
}

/// A pool that drives a unit's excess.
#[derive(Serialize)]
pub struct Driver<'a> {
    /// Pool.
    pub pool: &'static str,
    /// Its share of the unit's IT cost.
    pub share: f64,
    /// The group's median share.
    pub group_median: f64,
    /// Deviation, kr.
    pub deviation: f64,
    /// Swedish sentence.
    pub text_sv: &'a str,
    /// English sentence.
    pub text_en: &'a str,
}

/// Spearman's ρ of a share with population.
#[derive(Serialize)]
pub struct Correlation<'a> {
    /// `share` or a pool name.
    pub measure: &'a str,
    /// Pairs.
    pub n: usize,
    /// ρ; null when n < 5 ("too few to say") or no spread.
    pub rho: Option<f64>,
    /// Verdict, Swedish.
    pub verdict_sv: &'a str,
    /// Verdict, English.
    pub verdict_en: &'a str,
}

impl<'a> From<&'a crate::compare::diagnostics::Correlation> for Correlation<'a> {
    fn from(v: &'a crate::compare::diagnostics::Correlation) -> Self {
        Correlation {
            measure: &v.measure,
            n: v.n,
            rho: v.rho,
            verdict_sv: &v.verdict_sv,
            verdict_en: &v.verdict_en,
        }
    }
}
