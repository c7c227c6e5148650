//! Stage 5: the benchmark across municipalities — shares, mean, median, min/max, rank, reference lines and the
//! cost of raising each municipality to a target share (the Dalsland table).

pub mod anonymise;
pub mod diagnostics;
pub mod hybrid_key;
pub mod investment;
pub mod maturity;
pub mod mix;
pub mod quality;
pub mod sundsvall;
pub mod suppliers;
pub mod trends;
pub mod view;
pub mod whatif;
pub mod work_areas;

use crate::aggregate::MunicipalityResult;
use crate::config::{Denominator, Numerator, Reference};
use crate::money::round_div;
use crate::money::{share, Kr};

/// One municipality's row in the benchmark.
#[derive(Debug, Clone)]
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
    /// Comparable reference lines this municipality is below.
    pub below_references: Vec<String>,
}

/// The benchmark block of a run.
#[derive(Debug, Clone)]
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
    /// Reference lines, each marked comparable or not with what the run measures.
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
    // A reference is compared only with shares measured the same way (brief: never mix denominators).
    let references: Vec<Reference> = references
        .iter()
        .map(|rf| Reference {
            comparable: rf.numerator == numerator && rf.denominator == denominator,
            ..rf.clone()
        })
        .collect();
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
                    .filter(|rf| {
                        rf.comparable && s.is_some_and(|s| (s * 1e6) < rf.share_ppm as f64)
                    })
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
        references,
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

/// Letters for anonymised rows: A … Z, then AA, AB, ….
pub fn letter(i: usize) -> String {
    let mut n = i;
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (n % 26) as u8);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Every analysis of the studies beyond the benchmark (the `analyses` object of the JSON contract).
#[derive(Debug, Clone)]
pub struct Analyses {
    /// The year the benchmark and the group analyses cover (None: every unit).
    pub benchmark_year: Option<i32>,
    /// The published benchmark view.
    pub view: view::BenchmarkView,
    /// Pool mix and inside/outside central IT.
    pub mix: mix::Mix,
    /// Towers and work areas.
    pub work_areas: work_areas::WorkAreas,
    /// Suppliers.
    pub suppliers: suppliers::SupplierAnalysis,
    /// Savings scenarios.
    pub savings: Vec<whatif::SavingsResult>,
    /// The joint organisation's split.
    pub joint_org: Option<whatif::JointOrgResult>,
    /// Trends over years.
    pub trends: trends::Trends,
    /// Data quality.
    pub quality: quality::Quality,
    /// IT investment beside operating IT (issue 13, item 4).
    pub investment: investment::Investment,
    /// Pool diagnostics, drivers and size correlation (A2, A6; issue 13, item 2).
    pub diagnostics: diagnostics::Diagnostics,
    /// IT share beside DiMiOS maturity (A20), when a maturity file is configured.
    pub maturity: Option<maturity::Maturity>,
    /// Sundsvall's measures (A11–A13, A15), for the units that give their inputs.
    pub sundsvall: sundsvall::Sundsvall,
    /// The joint organisation's hybrid key (A17), when `base_share` is configured (not when anonymised).
    pub hybrid_key: Option<hybrid_key::HybridResult>,
    /// The benchmark's numerator (what the pool shares of the diagnostics are of).
    pub numerator: Numerator,
}

/// The benchmark's rows as the diagnostics see them: the numerator per pool (central IT, or central and outside
/// IT, as the benchmark compares) and the population.
pub fn diagnostic_units(
    bench: &Benchmark,
    sel: &[&MunicipalityResult],
    labels: &[String],
) -> Vec<diagnostics::Unit> {
    bench
        .rows
        .iter()
        .zip(sel)
        .zip(labels)
        .map(|((row, r), label)| diagnostics::Unit {
            label: label.clone(),
            it_cost: row.it_cost,
            denominator_value: row.denominator_value,
            share: row.share,
            pools: r
                .pools
                .iter()
                .map(|(p, s)| {
                    let v = match bench.numerator {
                        Numerator::CentralIt => s.central.0,
                        Numerator::It => s.central.0 + s.outside.0,
                    };
                    (*p, Kr(v))
                })
                .collect(),
            population: r.population,
        })
        .collect()
}

/// The municipalities the benchmark covers: those of `year`, or all.
pub fn benchmarked(results: &[MunicipalityResult], year: Option<i32>) -> Vec<usize> {
    (0..results.len())
        .filter(|&i| year.is_none() || results[i].year == year)
        .collect()
}

/// Runs every analysis over the results of a run: the group analyses over the benchmarked units (in their order,
/// each under its `label`; `bench` is the benchmark over them), trends and data quality over every unit (under
/// its `id`).
pub fn analyse(
    config: &crate::config::RunConfig,
    rules: &crate::rules::RuleSet,
    results: &[MunicipalityResult],
    bench: &Benchmark,
) -> Analyses {
    let a = &config.analysis;
    let sel: Vec<&MunicipalityResult> = results.iter().filter(|r| r.benchmarked).collect();
    let labels: Vec<String> = sel.iter().map(|r| r.label.clone()).collect();
    let drivers: Vec<[Option<u64>; 4]> = sel
        .iter()
        .map(|r| [r.population, r.employees, r.users, r.devices])
        .collect();
    let ids: Vec<String> = results.iter().map(|r| r.id.clone()).collect();
    Analyses {
        benchmark_year: a.benchmark_year,
        view: view::view(bench, &sel, a.highlight.as_deref(), a.anonymise),
        mix: mix::mix(&sel, &labels, &config.outside_scope),
        work_areas: work_areas::work_areas(&sel, &labels, &a.allocation_keys),
        suppliers: suppliers::suppliers(&sel, &labels, a.supplier_threshold_ore),
        savings: whatif::savings(&a.savings, &sel, &labels),
        // Anonymised: the split is not computed (its key values and "today" column would identify the members).
        joint_org: a
            .joint_org
            .as_ref()
            .filter(|_| !a.anonymise)
            .map(|j| whatif::joint_org(j, &sel, &labels, &drivers)),
        trends: trends::trends(results, config.numerator),
        quality: quality::quality(results, &ids, rules, a.annualise),
        investment: investment::investment(&sel, &labels),
        maturity: a.maturity.as_ref().map(|m| {
            let units: Vec<(String, String, Option<i32>, Option<f64>)> = bench
                .rows
                .iter()
                .zip(&labels)
                .map(|(row, l)| (l.clone(), row.name.clone(), row.year, row.share))
                .collect();
            maturity::maturity(m, &units)
        }),
        sundsvall: sundsvall::sundsvall(
            &sel,
            &labels,
            &sel.iter()
                .map(|r| {
                    config
                        .municipalities
                        .iter()
                        .find(|m| m.name == r.name && (m.year.is_none() || m.year == r.year))
                        .map(|m| &m.sundsvall)
                })
                .collect::<Vec<_>>(),
            &config.scope_name,
        ),
        hybrid_key: a.joint_org.as_ref().filter(|_| !a.anonymise).and_then(|j| {
            let key = j.hybrid.as_ref()?;
            let today: Vec<i64> = sel.iter().map(|r| r.central_it_cost.0).collect();
            let cost = j.cost_ore.unwrap_or_else(|| today.iter().sum());
            let slot = match key.consumption {
                crate::config::analysis::AllocationBasis::Population => 0,
                crate::config::analysis::AllocationBasis::Employees => 1,
                crate::config::analysis::AllocationBasis::Users => 2,
                _ => 3,
            };
            let values: Vec<u64> = drivers.iter().map(|d| d[slot].unwrap_or(0)).collect();
            Some(hybrid_key::hybrid(
                &j.label, key, cost, &labels, &values, &today,
            ))
        }),
        numerator: bench.numerator,
        diagnostics: diagnostics::diagnostics(
            &diagnostic_units(bench, &sel, &labels),
            &bench
                .references
                .iter()
                .filter(|r| r.comparable)
                .map(|r| (r.label.as_str(), r.share_ppm as f64 / 1e6))
                .collect::<Vec<_>>(),
        ),
    }
}
