//! The benchmark as the studies publish it: anonymised (letters), one municipality highlighted, the distribution
//! (n, quartiles) instead of a single mean, and per-capita figures where the population is given.

use super::{Benchmark, BenchmarkRow};
use crate::aggregate::MunicipalityResult;
use crate::money::Kr;

/// One bar of the published view.
#[derive(Debug, Clone)]
pub struct ViewRow {
    /// What the report shows: the name (highlighted or not anonymised) or a letter.
    pub label: String,
    /// True for the highlighted municipality.
    pub highlighted: bool,
    /// The benchmark's numerator.
    pub it_cost: Kr,
    /// The denominator.
    pub denominator_value: Kr,
    /// Share.
    pub share: Option<f64>,
    /// Numerator per inhabitant, kr (where population is given).
    pub per_capita: Option<f64>,
    /// Total IT cost (central + outside) per inhabitant, kr.
    pub it_per_capita: Option<f64>,
}

/// Distribution of the shares (quartiles by linear interpolation, as Excel's QUARTILE.INC).
#[derive(Debug, Clone, Default)]
pub struct Distribution {
    /// Number of values.
    pub n: usize,
    /// Minimum.
    pub min: Option<f64>,
    /// First quartile.
    pub q1: Option<f64>,
    /// Median.
    pub median: Option<f64>,
    /// Third quartile.
    pub q3: Option<f64>,
    /// Maximum.
    pub max: Option<f64>,
    /// Mean.
    pub mean: Option<f64>,
}

impl Distribution {
    /// The distribution of `values` (order does not matter).
    pub fn of(values: &[f64]) -> Distribution {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n == 0 {
            return Distribution::default();
        }
        let q = |p: f64| {
            let h = (n - 1) as f64 * p;
            let lo = h.floor() as usize;
            let hi = h.ceil() as usize;
            v[lo] + (h - lo as f64) * (v[hi] - v[lo])
        };
        Distribution {
            n,
            min: Some(v[0]),
            q1: Some(q(0.25)),
            median: Some(q(0.5)),
            q3: Some(q(0.75)),
            max: Some(v[n - 1]),
            mean: Some(v.iter().sum::<f64>() / n as f64),
        }
    }
}

/// The published benchmark view.
#[derive(Debug, Clone)]
pub struct BenchmarkView {
    /// Whether the others are shown as letters.
    pub anonymised: bool,
    /// The highlighted municipality's name, if any.
    pub highlight: Option<String>,
    /// Rows, highest share first.
    pub rows: Vec<ViewRow>,
    /// Distribution of the shares.
    pub distribution: Distribution,
    /// Distribution of the numerator per inhabitant (kr), over the rows with a population.
    pub per_capita: Distribution,
    /// For each comparable reference line: how many lie below it.
    pub below_reference: Vec<(String, usize)>,
}

/// Builds the view from the benchmark and its municipalities (same order as the benchmark rows).
pub fn view(
    b: &Benchmark,
    results: &[&MunicipalityResult],
    highlight: Option<&str>,
    anonymise: bool,
) -> BenchmarkView {
    let mut order: Vec<usize> = (0..b.rows.len()).collect();
    order.sort_by_key(|&i| b.rows[i].rank);
    let mut rows = Vec::new();
    for &i in &order {
        let row: &BenchmarkRow = &b.rows[i];
        let r = results[i];
        let highlighted = highlight == Some(row.name.as_str());
        // Anonymised runs arrive with letters for names already (compare::anonymise).
        let label = super::row_label(&b.rows, row);
        let per = |k: Kr| {
            r.population
                .filter(|p| *p > 0)
                .map(|p| k.0 as f64 / 100.0 / p as f64)
        };
        rows.push(ViewRow {
            label,
            highlighted,
            it_cost: row.it_cost,
            denominator_value: row.denominator_value,
            share: row.share,
            per_capita: per(row.it_cost),
            it_per_capita: per(r.it_cost),
        });
    }
    let shares: Vec<f64> = rows.iter().filter_map(|r| r.share).collect();
    let pcs: Vec<f64> = rows.iter().filter_map(|r| r.per_capita).collect();
    BenchmarkView {
        anonymised: anonymise,
        highlight: highlight.map(str::to_string),
        distribution: Distribution::of(&shares),
        per_capita: Distribution::of(&pcs),
        below_reference: b
            .references
            .iter()
            .filter(|rf| rf.comparable)
            .map(|rf| {
                (
                    rf.label.clone(),
                    shares
                        .iter()
                        .filter(|s| **s * 1e6 < rf.share_ppm as f64)
                        .count(),
                )
            })
            .collect(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::Distribution;

    #[test]
    fn quartiles_interpolate_like_excel() {
        let d = Distribution::of(&[0.0126, 0.0161, 0.0174, 0.0182]);
        assert_eq!(d.n, 4);
        assert!((d.median.unwrap() - 0.01675).abs() < 1e-12);
        assert!((d.q1.unwrap() - 0.015225).abs() < 1e-12);
        assert!((d.q3.unwrap() - 0.0176).abs() < 1e-12);
        assert_eq!(Distribution::of(&[]).n, 0);
    }
}
