//! IT share beside DiMiOS maturity (A20, study 002 §4; issue 13, item 8): per benchmarked unit with scores for its
//! year, the mean level over the dimensions given (or the one named with `dimension`), its share, and Spearman's ρ
//! between them. The studies give no quantitative link between cost and maturity; scores are self-assessed and
//! were probably overestimated (001:1703-1713); so the result says correlation only, never cause, with n.

use super::diagnostics::{correlation, Correlation};
use crate::config::maturity::MaturityConfig;

/// One unit's point.
#[derive(Debug, Clone)]
pub struct MaturityPoint {
    /// Label.
    pub municipality: String,
    /// Year of the scores (the unit's year).
    pub year: i32,
    /// The mean level (or the named dimension's level).
    pub maturity: f64,
    /// How many dimensions the mean is over.
    pub dimensions: usize,
    /// The benchmark's share.
    pub share: f64,
}

/// Maturity beside cost.
#[derive(Debug, Clone)]
pub struct Maturity {
    /// The named dimension, or None for the mean over the dimensions given.
    pub dimension: Option<String>,
    /// The points.
    pub points: Vec<MaturityPoint>,
    /// Benchmarked units without scores for their year.
    pub without_scores: Vec<String>,
    /// Spearman's ρ of share and maturity.
    pub correlation: Correlation,
    /// The studies' caveat, Swedish.
    pub caveat_sv: &'static str,
    /// The same, English.
    pub caveat_en: &'static str,
}

/// The caveat shown wherever the maturity overlay is.
pub const CAVEAT_SV: &str = "Studierna ger inget kvantitativt samband mellan IT-kostnad och mognad: ett samband här är ingen orsak. DiMiOS-poängen är självskattningar och överskattas ofta vid första mätningen (Fyrbodal). Sundsvall kallar IT-kostnaden en indikator på digital omställning, inte ett mål.";
/// The caveat in English.
pub const CAVEAT_EN: &str = "The studies give no quantitative link between IT cost and maturity: a correlation here is not a cause. DiMiOS scores are self-assessments and often overestimated at the first measurement (Fyrbodal). Sundsvall calls IT cost an indicator of digital transformation, not a target.";

/// Builds the overlay. `units` are (label, name, year, share) of the benchmarked rows.
pub fn maturity(
    m: &MaturityConfig,
    units: &[(String, String, Option<i32>, Option<f64>)],
) -> Maturity {
    let mut points = Vec::new();
    let mut without = Vec::new();
    for (label, name, year, share) in units {
        let levels: Vec<f64> = m
            .scores
            .iter()
            .filter(|s| &s.municipality == name && Some(s.year) == *year)
            .filter(|s| {
                m.dimension
                    .as_deref()
                    .is_none_or(|d| s.dimension.trim().eq_ignore_ascii_case(d.trim()))
            })
            .map(|s| s.level)
            .collect();
        match (levels.is_empty(), year, share) {
            (false, Some(y), Some(sh)) => points.push(MaturityPoint {
                municipality: label.clone(),
                year: *y,
                maturity: levels.iter().sum::<f64>() / levels.len() as f64,
                dimensions: levels.len(),
                share: *sh,
            }),
            _ => without.push(label.clone()),
        }
    }
    let pairs: Vec<(f64, f64)> = points.iter().map(|p| (p.share, p.maturity)).collect();
    Maturity {
        dimension: m.dimension.clone(),
        correlation: correlation(
            "maturity",
            pairs,
            ("mognare organisationer", "more mature organisations"),
        ),
        points,
        without_scores: without,
        caveat_sv: CAVEAT_SV,
        caveat_en: CAVEAT_EN,
    }
}
