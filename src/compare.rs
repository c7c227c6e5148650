//! Stage 5: the benchmark across municipalities — shares, mean, median, min/max, rank, reference lines and the
//! cost of raising each municipality to a target share (the Dalsland table).

use crate::aggregate::{share, Kr, MunicipalityResult};
use crate::config::{Denominator, Numerator, Reference};
use crate::money::round_div;
use serde::Serialize;

/// One municipality's row in the benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkRow {
    /// Name.
    pub name: String,
    /// Year.
    pub year: Option<i32>,
    /// The IT cost compared (see `numerator`).
    pub it_cost: Kr,
    /// The denominator's value.
    pub denominator_value: Kr,
    /// it_cost / denominator_value.
    pub share: Option<f64>,
    /// 1 = highest share.
    pub rank: usize,
    /// The IT cost at the target share (denominator × target), rounded to the öre.
    pub at_target: Option<Kr>,
    /// at_target − it_cost: the cost of reaching the target.
    pub cost_to_target: Option<Kr>,
    /// cost_to_target / it_cost.
    pub increase: Option<f64>,
    /// Reference lines this municipality is below.
    pub below_references: Vec<String>,
}

/// The benchmark block of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Benchmark {
    /// Which IT cost is compared.
    pub numerator: Numerator,
    /// What it is divided by.
    pub denominator: Denominator,
    /// Number of municipalities (n).
    pub n: usize,
    /// Mean of the shares.
    pub mean_share: Option<f64>,
    /// Median of the shares.
    pub median_share: Option<f64>,
    /// Lowest share.
    pub min_share: Option<f64>,
    /// Highest share.
    pub max_share: Option<f64>,
    /// Sum of IT cost / sum of denominators (the group as one).
    pub pooled_share: Option<f64>,
    /// Reference lines.
    pub references: Vec<Reference>,
    /// Target share, if set.
    pub target_share: Option<f64>,
    /// Per municipality.
    pub rows: Vec<BenchmarkRow>,
    /// Totals: IT cost, denominator, at target, cost to target, increase.
    pub total: BenchmarkRow,
    /// Cost to reach the target, per municipality name (also in `rows`).
    pub cost_to_target: Option<std::collections::BTreeMap<String, Kr>>,
}

/// A row's label: its name, or "name year" when the name occurs for several years.
pub fn row_label(rows: &[BenchmarkRow], row: &BenchmarkRow) -> String {
    match (
        rows.iter().filter(|r| r.name == row.name).count() > 1,
        row.year,
    ) {
        (true, Some(y)) => format!("{} {y}", row.name),
        _ => row.name.clone(),
    }
}

/// Builds the benchmark from the municipality results.
pub fn benchmark(
    results: &[MunicipalityResult],
    numerator: Numerator,
    references: &[Reference],
    target_ppm: Option<i64>,
) -> Benchmark {
    let denominator = results
        .first()
        .map(|r| r.denominator)
        .unwrap_or(Denominator::TotalCost);
    let num = |r: &MunicipalityResult| match numerator {
        Numerator::CentralIt => r.central_it_cost.0,
        Numerator::It => r.it_cost.0,
    };
    let target = |it: i64, den: i64| {
        target_ppm.map(|ppm| {
            let at = round_div(den as i128 * ppm as i128, 1_000_000) as i64;
            (Kr(at), Kr(at - it), share(at - it, it))
        })
    };
    let mut rows: Vec<BenchmarkRow> = results
        .iter()
        .map(|r| {
            let it = num(r);
            let den = r.denominator_value.0;
            let s = share(it, den);
            let t = target(it, den);
            BenchmarkRow {
                name: r.name.clone(),
                year: r.year,
                it_cost: Kr(it),
                denominator_value: Kr(den),
                share: s,
                rank: 0,
                at_target: t.map(|x| x.0),
                cost_to_target: t.map(|x| x.1),
                increase: t.and_then(|x| x.2),
                below_references: references
                    .iter()
                    .filter(|rf| s.is_some_and(|s| (s * 1e6) < rf.share_ppm as f64))
                    .map(|rf| rf.label.clone())
                    .collect(),
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by(|&a, &b| {
        rows[b]
            .share
            .unwrap_or(f64::MIN)
            .total_cmp(&rows[a].share.unwrap_or(f64::MIN))
    });
    for (rank, &i) in order.iter().enumerate() {
        rows[i].rank = rank + 1;
    }
    let mut shares: Vec<f64> = rows.iter().filter_map(|r| r.share).collect();
    shares.sort_by(f64::total_cmp);
    let n = shares.len();
    let median = match n {
        0 => None,
        _ if n % 2 == 1 => Some(shares[n / 2]),
        _ => Some((shares[n / 2 - 1] + shares[n / 2]) / 2.0),
    };
    let it_total: i64 = rows.iter().map(|r| r.it_cost.0).sum();
    let den_total: i64 = rows.iter().map(|r| r.denominator_value.0).sum();
    let at_total: Option<i64> =
        target_ppm.map(|_| rows.iter().filter_map(|r| r.at_target.map(|k| k.0)).sum());
    let total = BenchmarkRow {
        name: "Total".into(),
        year: None,
        it_cost: Kr(it_total),
        denominator_value: Kr(den_total),
        share: share(it_total, den_total),
        rank: 0,
        at_target: at_total.map(Kr),
        cost_to_target: at_total.map(|a| Kr(a - it_total)),
        increase: at_total.and_then(|a| share(a - it_total, it_total)),
        below_references: Vec::new(),
    };
    Benchmark {
        numerator,
        denominator,
        n: rows.len(),
        mean_share: (n > 0).then(|| shares.iter().sum::<f64>() / n as f64),
        median_share: median,
        min_share: shares.first().copied(),
        max_share: shares.last().copied(),
        pooled_share: total.share,
        references: references.to_vec(),
        target_share: target_ppm.map(|p| p as f64 / 1e6),
        cost_to_target: target_ppm.map(|_| {
            rows.iter()
                .filter_map(|r| r.cost_to_target.map(|c| (row_label(&rows, r), c)))
                .collect()
        }),
        rows,
        total,
    }
}
