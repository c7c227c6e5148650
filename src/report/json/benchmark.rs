//! The `benchmark` object of `itcost.summary/1`: shares, rank, reference lines and the cost to the target.

use super::*;

/// The benchmark block of a run.
#[derive(Serialize)]
pub struct Benchmark<'a> {
    /// What a row is: `municipality`, or `it_org` when the config names IT organisations.
    pub unit: &'static str,
    /// The kind of figures every row is: `outcome`, `budget` or `forecast` (never mixed).
    pub kind: &'static str,
    /// Which IT cost is compared.
    pub numerator: &'static str,
    /// What it is divided by.
    pub denominator: &'static str,
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
    pub references: Vec<Reference<'a>>,
    /// Target share, if set.
    pub target_share: Option<f64>,
    /// Per municipality.
    pub rows: Vec<BenchmarkRow<'a>>,
    /// Totals: IT cost, denominator, at target, cost to target, increase.
    pub total: BenchmarkRow<'a>,
    /// Cost to reach the target, per municipality name (also in `rows`).
    pub cost_to_target: Option<Map<&'a str, f64>>,
}

impl<'a> From<&'a crate::compare::Benchmark> for Benchmark<'a> {
    fn from(v: &'a crate::compare::Benchmark) -> Self {
        Benchmark {
            unit: v.unit,
            kind: v.kind.key(),
            numerator: numerator(v.numerator),
            denominator: denominator(v.denominator),
            n: v.n,
            mean_share: v.mean_share,
            median_share: v.median_share,
            min_share: v.min_share,
            max_share: v.max_share,
            pooled_share: v.pooled_share,
            references: v.references.iter().map(Reference::from).collect(),
            target_share: v.target_share,
            rows: v.rows.iter().map(BenchmarkRow::from).collect(),
            total: BenchmarkRow::from(&v.total),
            cost_to_target: v
                .cost_to_target
                .as_ref()
                .map(|m| m.iter().map(|(k, x)| (k.as_str(), kr(*x))).collect()),
        }
    }
}

/// One municipality's row in the benchmark.
#[derive(Serialize)]
pub struct BenchmarkRow<'a> {
    /// Name.
    pub name: &'a str,
    /// Year.
    pub year: Option<i32>,
    /// The IT cost compared (see `numerator`).
    pub it_cost: f64,
    /// The denominator's value.
    pub denominator_value: f64,
    /// it_cost / denominator_value.
    pub share: Option<f64>,
    /// 1 = highest share.
    pub rank: usize,
    /// The IT cost at the target share (denominator × target), rounded to the öre.
    pub at_target: Option<f64>,
    /// at_target − it_cost: the cost of reaching the target.
    pub cost_to_target: Option<f64>,
    /// cost_to_target / it_cost.
    pub increase: Option<f64>,
    /// Comparable reference lines this municipality is below.
    pub below_references: &'a [String],
    /// The municipalities the row covers: its own name, or an IT organisation's members (`total`: all).
    pub members: &'a [String],
}

impl<'a> From<&'a crate::compare::BenchmarkRow> for BenchmarkRow<'a> {
    fn from(v: &'a crate::compare::BenchmarkRow) -> Self {
        BenchmarkRow {
            name: &v.name,
            year: v.year,
            it_cost: kr(v.it_cost),
            denominator_value: kr(v.denominator_value),
            share: v.share,
            rank: v.rank,
            at_target: v.at_target.map(kr),
            cost_to_target: v.cost_to_target.map(kr),
            increase: v.increase,
            below_references: &v.below_references,
            members: &v.members,
        }
    }
}

/// A reference line in the benchmark: a level measured elsewhere, with what it measures. It is counted and drawn
/// only when it measures what the run measures (see [`Reference::comparable`]).
#[derive(Serialize)]
pub struct Reference<'a> {
    /// What it is.
    pub label: &'a str,
    /// The label in Swedish (`label_sv` in the config; the built-in references have one; without it `label` is
    /// used in both languages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_sv: Option<&'a str>,
    /// The share as a fraction (for JSON).
    pub share: f64,
    /// Where the figure comes from.
    pub source: &'a str,
    /// The IT cost it measures.
    pub numerator: &'static str,
    /// The total it divides by.
    pub denominator: &'static str,
    /// True when it measures what the run measures; set by the benchmark (false: listed as "not comparable",
    /// not counted, not drawn).
    pub comparable: bool,
}

impl<'a> From<&'a crate::config::Reference> for Reference<'a> {
    fn from(v: &'a crate::config::Reference) -> Self {
        Reference {
            label: &v.label,
            label_sv: v.label_sv.as_deref(),
            share: v.share,
            source: &v.source,
            numerator: numerator(v.numerator),
            denominator: denominator(v.denominator),
            comparable: v.comparable,
        }
    }
}
