//! The `analyses` object of `itcost.summary/1`: the studies' analyses beyond the benchmark.

use super::*;

/// Every analysis of the studies beyond the benchmark (the `analyses` object of the JSON contract).
#[derive(Serialize)]
pub struct Analyses<'a> {
    /// The year the benchmark and the group analyses cover (None: every unit).
    pub benchmark_year: Option<i32>,
    /// The published benchmark view.
    pub view: BenchmarkView<'a>,
    /// Pool mix and inside/outside central IT.
    pub mix: Mix<'a>,
    /// Towers and work areas.
    pub work_areas: WorkAreas<'a>,
    /// Suppliers.
    pub suppliers: SupplierAnalysis<'a>,
    /// Savings scenarios.
    pub savings: Vec<SavingsResult<'a>>,
    /// The joint organisation's split.
    pub joint_org: Option<JointOrgResult<'a>>,
    /// Trends over years.
    pub trends: Trends<'a>,
    /// Data quality.
    pub quality: Quality<'a>,
    /// IT investment beside operating IT.
    pub investment: Investment<'a>,
    /// Per pool: the group's share distribution and each unit's deviation.
    pub pool_diagnostics: PoolDiagnostics<'a>,
    /// Units above a reference or Q3 and the pools that drive them.
    pub drivers: Vec<DriverResult<'a>>,
    /// Shares against population (Spearman's ρ).
    pub size_correlation: Vec<Correlation<'a>>,
    /// Sundsvall's measures.
    pub sundsvall: Sundsvall<'a>,
    /// IT share beside DiMiOS maturity (null without a maturity file).
    pub maturity: Option<Maturity<'a>>,
    /// The joint organisation's hybrid key (null unless `base_share` is configured).
    pub hybrid_key: Option<HybridKey<'a>>,
}

impl<'a> From<&'a crate::compare::Analyses> for Analyses<'a> {
    fn from(v: &'a crate::compare::Analyses) -> Self {
        Analyses {
            benchmark_year: v.benchmark_year,
            view: BenchmarkView::from(&v.view),
            mix: Mix::from(&v.mix),
            work_areas: WorkAreas::from(&v.work_areas),
            suppliers: SupplierAnalysis::from(&v.suppliers),
            savings: v.savings.iter().map(SavingsResult::from).collect(),
            joint_org: v.joint_org.as_ref().map(JointOrgResult::from),
            trends: Trends::from(&v.trends),
            quality: Quality::from(&v.quality),
            investment: Investment::from(&v.investment),
            pool_diagnostics: PoolDiagnostics::new(&v.diagnostics, v.numerator),
            drivers: v
                .diagnostics
                .drivers
                .iter()
                .map(DriverResult::from)
                .collect(),
            size_correlation: v
                .diagnostics
                .size_correlation
                .iter()
                .map(Correlation::from)
                .collect(),
            sundsvall: Sundsvall::from(&v.sundsvall),
            maturity: v.maturity.as_ref().map(Maturity::from),
            hybrid_key: v.hybrid_key.as_ref().map(HybridKey::from),
        }
    }
}

/// The published benchmark view.
#[derive(Serialize)]
pub struct BenchmarkView<'a> {
    /// Whether the others are shown as letters.
    pub anonymised: bool,
    /// The highlighted municipality's name, if any.
    pub highlight: Option<&'a str>,
    /// Rows, highest share first.
    pub rows: Vec<ViewRow<'a>>,
    /// Distribution of the shares.
    pub distribution: Distribution,
    /// Distribution of the numerator per inhabitant (kr), over the rows with a population.
    pub per_capita: Distribution,
    /// For each comparable reference line: how many lie below it.
    pub below_reference: Vec<(&'a str, usize)>,
}

impl<'a> From<&'a crate::compare::view::BenchmarkView> for BenchmarkView<'a> {
    fn from(v: &'a crate::compare::view::BenchmarkView) -> Self {
        BenchmarkView {
            anonymised: v.anonymised,
            highlight: v.highlight.as_deref(),
            rows: v.rows.iter().map(ViewRow::from).collect(),
            distribution: Distribution::from(&v.distribution),
            per_capita: Distribution::from(&v.per_capita),
            below_reference: v
                .below_reference
                .iter()
                .map(|(s, n)| (s.as_str(), *n))
                .collect(),
        }
    }
}

/// One bar of the published view.
#[derive(Serialize)]
pub struct ViewRow<'a> {
    /// What the report shows: the name (highlighted or not anonymised) or a letter.
    pub label: &'a str,
    /// True for the highlighted municipality.
    pub highlighted: bool,
    /// The benchmark's numerator.
    pub it_cost: f64,
    /// The denominator.
    pub denominator_value: f64,
    /// Share.
    pub share: Option<f64>,
    /// Numerator per inhabitant, kr (where population is given).
    pub per_capita: Option<f64>,
    /// Total IT cost (central + outside) per inhabitant, kr.
    pub it_per_capita: Option<f64>,
}

impl<'a> From<&'a crate::compare::view::ViewRow> for ViewRow<'a> {
    fn from(v: &'a crate::compare::view::ViewRow) -> Self {
        ViewRow {
            label: &v.label,
            highlighted: v.highlighted,
            it_cost: kr(v.it_cost),
            denominator_value: kr(v.denominator_value),
            share: v.share,
            per_capita: v.per_capita,
            it_per_capita: v.it_per_capita,
        }
    }
}

/// Distribution of the shares (quartiles by linear interpolation, as Excel's QUARTILE.INC).
#[derive(Serialize)]
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

impl From<&crate::compare::view::Distribution> for Distribution {
    fn from(v: &crate::compare::view::Distribution) -> Self {
        Distribution {
            n: v.n,
            min: v.min,
            q1: v.q1,
            median: v.median,
            q3: v.q3,
            max: v.max,
            mean: v.mean,
        }
    }
}

/// Pool mix and inside/outside, per municipality and for the group.
#[derive(Serialize)]
pub struct Mix<'a> {
    /// Per municipality.
    pub municipalities: Vec<PoolMixRow<'a>>,
    /// The group, per pool of the outside-IT scope.
    pub group: Vec<InsideOutside>,
}

impl<'a> From<&'a crate::compare::mix::Mix> for Mix<'a> {
    fn from(v: &'a crate::compare::mix::Mix) -> Self {
        Mix {
            municipalities: v.municipalities.iter().map(PoolMixRow::from).collect(),
            group: v.group.iter().map(InsideOutside::from).collect(),
        }
    }
}

/// One municipality's IT cost per pool.
#[derive(Serialize)]
pub struct PoolMixRow<'a> {
    /// Label (name, or "name year").
    pub municipality: &'a str,
    /// IT cost (central + outside) per pool, in `Pool::ALL` order, pools with cost only.
    pub pools: Map<&'static str, PoolSplit>,
    /// Total IT cost.
    pub it_cost: f64,
}

impl<'a> From<&'a crate::compare::mix::PoolMixRow> for PoolMixRow<'a> {
    fn from(v: &'a crate::compare::mix::PoolMixRow) -> Self {
        PoolMixRow {
            municipality: &v.municipality,
            pools: v
                .pools
                .iter()
                .map(|(k, x)| (*k, PoolSplit::from(x)))
                .collect(),
            it_cost: kr(v.it_cost),
        }
    }
}

/// Inside vs outside central IT for one pool, over the group.
#[derive(Serialize)]
pub struct InsideOutside {
    /// Pool.
    pub pool: &'static str,
    /// Booked on central IT.
    pub central: f64,
    /// Booked outside central IT (in scope).
    pub outside: f64,
    /// central / (central + outside).
    pub central_share: Option<f64>,
}

impl From<&crate::compare::mix::InsideOutside> for InsideOutside {
    fn from(v: &crate::compare::mix::InsideOutside) -> Self {
        InsideOutside {
            pool: v.pool,
            central: kr(v.central),
            outside: kr(v.outside),
            central_share: v.central_share,
        }
    }
}

/// Work areas for the group.
#[derive(Serialize)]
pub struct WorkAreas<'a> {
    /// Per municipality.
    pub municipalities: Vec<WorkAreaResult<'a>>,
    /// Mean over municipalities of each area's share of central IT cost.
    pub group_mean: Vec<(&'static str, f64)>,
    /// Mean run share.
    pub group_run_share: Option<f64>,
    /// IT cost per tower and municipality (rules only).
    pub towers: Vec<TowerAmount<'a>>,
}

impl<'a> From<&'a crate::compare::work_areas::WorkAreas> for WorkAreas<'a> {
    fn from(v: &'a crate::compare::work_areas::WorkAreas) -> Self {
        WorkAreas {
            municipalities: v.municipalities.iter().map(WorkAreaResult::from).collect(),
            group_mean: v.group_mean.iter().map(|(a, x)| (a.name(), *x)).collect(),
            group_run_share: v.group_run_share,
            towers: v.towers.iter().map(TowerAmount::from).collect(),
        }
    }
}

/// Work areas of one municipality's central IT.
#[derive(Serialize)]
pub struct WorkAreaResult<'a> {
    /// Label (name, or "name year").
    pub municipality: &'a str,
    /// Central IT cost (= sum of the areas + unallocated).
    pub central_it_cost: f64,
    /// The four areas.
    pub areas: Vec<AreaAmount>,
    /// Central IT cost in no area (no tower from the rules and no key, or the keys' shares sum below 100 %).
    pub unallocated: f64,
    /// Infrastruktur + Slutanvändartjänster.
    pub run: f64,
    /// Applikationsverksamhet + Styra och stödja.
    pub development: f64,
    /// run / (run + development).
    pub run_share: Option<f64>,
    /// Where the keys came from (`file:line` of the first key), or empty when none.
    pub keys_source: &'a str,
}

impl<'a> From<&'a crate::compare::work_areas::WorkAreaResult> for WorkAreaResult<'a> {
    fn from(v: &'a crate::compare::work_areas::WorkAreaResult) -> Self {
        WorkAreaResult {
            municipality: &v.municipality,
            central_it_cost: kr(v.central_it_cost),
            areas: v.areas.iter().map(AreaAmount::from).collect(),
            unallocated: kr(v.unallocated),
            run: kr(v.run),
            development: kr(v.development),
            run_share: v.run_share,
            keys_source: &v.keys_source,
        }
    }
}

/// One work area of one municipality.
#[derive(Serialize)]
pub struct AreaAmount {
    /// Work area.
    pub area: &'static str,
    /// Central IT cost with a tower from the rules in this area.
    pub from_rules: f64,
    /// Central IT cost without a tower, given to this area by the allocation keys.
    pub from_keys: f64,
    /// from_rules + from_keys.
    pub total: f64,
    /// total / central IT cost.
    pub share: Option<f64>,
}

impl From<&crate::compare::work_areas::AreaAmount> for AreaAmount {
    fn from(v: &crate::compare::work_areas::AreaAmount) -> Self {
        AreaAmount {
            area: v.area.name(),
            from_rules: kr(v.from_rules),
            from_keys: kr(v.from_keys),
            total: kr(v.total),
            share: v.share,
        }
    }
}

/// One tower of one municipality (central and outside IT).
#[derive(Serialize)]
pub struct TowerAmount<'a> {
    /// Label (name, or "name year").
    pub municipality: &'a str,
    /// Tower name, or "Unassigned".
    pub tower: &'static str,
    /// Central IT.
    pub central: f64,
    /// Outside central IT.
    pub outside: f64,
}

impl<'a> From<&'a crate::compare::work_areas::TowerAmount> for TowerAmount<'a> {
    fn from(v: &'a crate::compare::work_areas::TowerAmount) -> Self {
        TowerAmount {
            municipality: &v.municipality,
            tower: v.tower,
            central: kr(v.central),
            outside: kr(v.outside),
        }
    }
}

/// The supplier analysis.
#[derive(Serialize)]
pub struct SupplierAnalysis<'a> {
    /// Threshold per supplier, pool and municipality.
    pub threshold: f64,
    /// Per municipality and pool.
    pub counts: Vec<SupplierCount<'a>>,
    /// Distinct suppliers at or above the threshold somewhere, per pool, over the group.
    pub group_counts: &'a [(&'static str, usize)],
    /// The largest suppliers over the group (at most 15).
    pub largest: Vec<SupplierRow<'a>>,
    /// Suppliers invoicing two or more municipalities, largest first.
    pub shared: Vec<SupplierRow<'a>>,
}

impl<'a> From<&'a crate::compare::suppliers::SupplierAnalysis> for SupplierAnalysis<'a> {
    fn from(v: &'a crate::compare::suppliers::SupplierAnalysis) -> Self {
        SupplierAnalysis {
            threshold: kr(v.threshold),
            counts: v.counts.iter().map(SupplierCount::from).collect(),
            group_counts: &v.group_counts,
            largest: v.largest.iter().map(SupplierRow::from).collect(),
            shared: v.shared.iter().map(SupplierRow::from).collect(),
        }
    }
}

/// Count of suppliers at or above the threshold, for one municipality and pool.
#[derive(Serialize)]
pub struct SupplierCount<'a> {
    /// Label (name, or "name year").
    pub municipality: &'a str,
    /// Pool.
    pub pool: &'static str,
    /// Suppliers invoicing at least the threshold in this pool.
    pub suppliers: usize,
    /// Their amount.
    pub amount: f64,
    /// All suppliers in this pool (any amount).
    pub all_suppliers: usize,
}

impl<'a> From<&'a crate::compare::suppliers::SupplierCount> for SupplierCount<'a> {
    fn from(v: &'a crate::compare::suppliers::SupplierCount) -> Self {
        SupplierCount {
            municipality: &v.municipality,
            pool: v.pool,
            suppliers: v.suppliers,
            amount: kr(v.amount),
            all_suppliers: v.all_suppliers,
        }
    }
}

/// One supplier over the group.
#[derive(Serialize)]
pub struct SupplierRow<'a> {
    /// Name as most often written.
    pub supplier: &'a str,
    /// IT amount over the group.
    pub amount: f64,
    /// Municipalities it invoices (any amount), in run order.
    pub municipalities: &'a [String],
    /// Pools.
    pub pools: &'a [&'static str],
}

impl<'a> From<&'a crate::compare::suppliers::SupplierRow> for SupplierRow<'a> {
    fn from(v: &'a crate::compare::suppliers::SupplierRow) -> Self {
        SupplierRow {
            supplier: &v.supplier,
            amount: kr(v.amount),
            municipalities: &v.municipalities,
            pools: &v.pools,
        }
    }
}

/// A scenario's result.
#[derive(Serialize)]
pub struct SavingsResult<'a> {
    /// The scenario.
    pub scenario: SavingsScenario<'a>,
    /// Per municipality and pool.
    pub lines: Vec<SavingsLine<'a>>,
    /// Per municipality: (label, base, saving, saving / the municipality's numerator cost).
    pub per_municipality: Vec<(&'a str, f64, f64, Option<f64>)>,
    /// Sum of the bases.
    pub total_base: f64,
    /// Sum of the savings (= sum of the rounded lines).
    pub total_saving: f64,
}

impl<'a> From<&'a crate::compare::whatif::SavingsResult> for SavingsResult<'a> {
    fn from(v: &'a crate::compare::whatif::SavingsResult) -> Self {
        SavingsResult {
            scenario: SavingsScenario::from(&v.scenario),
            lines: v.lines.iter().map(SavingsLine::from).collect(),
            per_municipality: v
                .per_municipality
                .iter()
                .map(|(m, b, s, r)| (m.as_str(), kr(*b), kr(*s), *r))
                .collect(),
            total_base: kr(v.total_base),
            total_saving: kr(v.total_saving),
        }
    }
}

/// A savings scenario: `rate` applied to the chosen pools of central IT (or all IT).
#[derive(Serialize)]
pub struct SavingsScenario<'a> {
    /// Label shown in the report.
    pub label: &'a str,
    /// Rate, parts per million.
    pub rate_ppm: i64,
    /// Pools it applies to.
    pub pools: Vec<&'static str>,
    /// `central_it` (default) or `it` (central and outside).
    pub of: &'static str,
}

impl<'a> From<&'a crate::config::analysis::SavingsScenario> for SavingsScenario<'a> {
    fn from(v: &'a crate::config::analysis::SavingsScenario) -> Self {
        SavingsScenario {
            label: &v.label,
            rate_ppm: v.rate_ppm,
            pools: v.pools.iter().map(|p| p.name()).collect(),
            of: savings_base(v.of),
        }
    }
}

/// One line of a savings scenario.
#[derive(Serialize)]
pub struct SavingsLine<'a> {
    /// Label (name, or "name year"); "Total" for the sum.
    pub municipality: &'a str,
    /// Pool.
    pub pool: &'static str,
    /// The cost the rate applies to.
    pub base: f64,
    /// base × rate.
    pub saving: f64,
    /// The arithmetic, e.g. "3 245 000 kr × 30 % = 973 500 kr".
    pub arithmetic: &'a str,
}

impl<'a> From<&'a crate::compare::whatif::SavingsLine> for SavingsLine<'a> {
    fn from(v: &'a crate::compare::whatif::SavingsLine) -> Self {
        SavingsLine {
            municipality: &v.municipality,
            pool: v.pool,
            base: kr(v.base),
            saving: kr(v.saving),
            arithmetic: &v.arithmetic,
        }
    }
}

/// The joint organisation's split under every key.
#[derive(Serialize)]
pub struct JointOrgResult<'a> {
    /// Label.
    pub label: &'a str,
    /// The cost split.
    pub cost: f64,
    /// True when the cost is the members' summed central IT cost (not a given amount).
    pub cost_is_sum_of_members: bool,
    /// Per key: the parts (they sum to `cost` exactly).
    pub splits: Vec<(&'static str, Vec<JointShare<'a>>)>,
}

impl<'a> From<&'a crate::compare::whatif::JointOrgResult> for JointOrgResult<'a> {
    fn from(v: &'a crate::compare::whatif::JointOrgResult) -> Self {
        JointOrgResult {
            label: &v.label,
            cost: kr(v.cost),
            cost_is_sum_of_members: v.cost_is_sum_of_members,
            splits: v
                .splits
                .iter()
                .map(|(k, v)| (k.key(), v.iter().map(JointShare::from).collect()))
                .collect(),
        }
    }
}

/// One municipality's part under one key.
#[derive(Serialize)]
pub struct JointShare<'a> {
    /// Label.
    pub municipality: &'a str,
    /// The key's value for it (1 for equal).
    pub driver: u64,
    /// Its fraction of the key.
    pub share: Option<f64>,
    /// Its part of the joint cost.
    pub amount: f64,
    /// Its own numerator cost today (central IT).
    pub today: f64,
    /// amount − today.
    pub difference: f64,
}

impl<'a> From<&'a crate::compare::whatif::JointShare> for JointShare<'a> {
    fn from(v: &'a crate::compare::whatif::JointShare) -> Self {
        JointShare {
            municipality: &v.municipality,
            driver: v.driver,
            share: v.share,
            amount: kr(v.amount),
            today: kr(v.today),
            difference: kr(v.difference),
        }
    }
}

/// Trends of every municipality that appears for two or more years.
#[derive(Serialize)]
pub struct Trends<'a> {
    /// Which numerator the changes follow.
    pub numerator: Option<&'static str>,
    /// One row per municipality and year (only municipalities with two or more years).
    pub years: Vec<TrendYear<'a>>,
    /// One row per consecutive pair of years.
    pub changes: Vec<TrendChange<'a>>,
}

impl<'a> From<&'a crate::compare::trends::Trends> for Trends<'a> {
    fn from(v: &'a crate::compare::trends::Trends) -> Self {
        Trends {
            numerator: v.numerator.map(numerator),
            years: v.years.iter().map(TrendYear::from).collect(),
            changes: v.changes.iter().map(TrendChange::from).collect(),
        }
    }
}

/// One year of one municipality.
#[derive(Serialize)]
pub struct TrendYear<'a> {
    /// Name.
    pub municipality: &'a str,
    /// Year.
    pub year: i32,
    /// Central IT cost.
    pub central_it_cost: f64,
    /// IT cost (central + outside).
    pub it_cost: f64,
    /// Total cost.
    pub total_cost: f64,
    /// Net cost.
    pub net_cost: f64,
    /// The run's denominator.
    pub denominator_value: f64,
    /// Central IT share.
    pub central_it_share: Option<f64>,
    /// IT share.
    pub it_share: Option<f64>,
}

impl<'a> From<&'a crate::compare::trends::TrendYear> for TrendYear<'a> {
    fn from(v: &'a crate::compare::trends::TrendYear) -> Self {
        TrendYear {
            municipality: &v.municipality,
            year: v.year,
            central_it_cost: kr(v.central_it_cost),
            it_cost: kr(v.it_cost),
            total_cost: kr(v.total_cost),
            net_cost: kr(v.net_cost),
            denominator_value: kr(v.denominator_value),
            central_it_share: v.central_it_share,
            it_share: v.it_share,
        }
    }
}

/// The change from one year to the next.
#[derive(Serialize)]
pub struct TrendChange<'a> {
    /// Name.
    pub municipality: &'a str,
    /// From year.
    pub from: i32,
    /// To year.
    pub to: i32,
    /// Numerator change (kr).
    pub numerator_change: f64,
    /// Numerator change (relative).
    pub numerator_change_rel: Option<f64>,
    /// Denominator change (kr).
    pub denominator_change: f64,
    /// Denominator change (relative).
    pub denominator_change_rel: Option<f64>,
    /// Share change (fraction points).
    pub share_change: Option<f64>,
    /// The part due to the change in IT cost.
    pub it_effect: Option<f64>,
    /// The part due to the change in the denominator.
    pub denominator_effect: Option<f64>,
}

impl<'a> From<&'a crate::compare::trends::TrendChange> for TrendChange<'a> {
    fn from(v: &'a crate::compare::trends::TrendChange) -> Self {
        TrendChange {
            municipality: &v.municipality,
            from: v.from,
            to: v.to,
            numerator_change: kr(v.numerator_change),
            numerator_change_rel: v.numerator_change_rel,
            denominator_change: kr(v.denominator_change),
            denominator_change_rel: v.denominator_change_rel,
            share_change: v.share_change,
            it_effect: v.it_effect,
            denominator_effect: v.denominator_effect,
        }
    }
}

/// The panel.
#[derive(Serialize)]
pub struct Quality<'a> {
    /// Per municipality and year.
    pub rows: Vec<QualityRow<'a>>,
    /// Every rule of the rules file, in file order.
    pub rules: Vec<RuleCoverage<'a>>,
    /// Ids of the rules that never fired.
    pub never_fired: &'a [String],
}

impl<'a> From<&'a crate::compare::quality::Quality> for Quality<'a> {
    fn from(v: &'a crate::compare::quality::Quality) -> Self {
        Quality {
            rows: v.rows.iter().map(QualityRow::from).collect(),
            rules: v.rules.iter().map(RuleCoverage::from).collect(),
            never_fired: &v.never_fired,
        }
    }
}

/// One municipality and year.
#[derive(Serialize)]
pub struct QualityRow<'a> {
    /// Label.
    pub municipality: &'a str,
    /// Months with lines.
    pub months_present: usize,
    /// Months of the year without a line.
    pub months_missing: &'a [String],
    /// Fewer than twelve months (false for a ledger without dates: see `months_note`).
    pub incomplete: bool,
    /// Set when the ledger has no dates: "no dates in this ledger; treated as one year".
    pub months_note: Option<&'static str>,
    /// Central IT cost × 12 / months (only when `annualise = true` and months are missing).
    pub annualised_central_it_cost: Option<f64>,
    /// Total cost × 12 / months (same condition). Shares do not change: both sides scale alike.
    pub annualised_total_cost: Option<f64>,
    /// Unclassified IT-suspect amount.
    pub suspect_amount: f64,
    /// Its largest accounts, suppliers and texts.
    pub suspect_top: Vec<(&'a str, TopItem<'a>)>,
    /// Internal costs + internal revenues.
    pub internal_imbalance: f64,
    /// Lines set aside (lenient mode).
    pub rejected_lines: u64,
    /// Their amount where readable.
    pub rejected_amount: f64,
    /// Lines read.
    pub lines: u64,
    /// Warnings.
    pub warnings: &'a [String],
}

impl<'a> From<&'a crate::compare::quality::QualityRow> for QualityRow<'a> {
    fn from(v: &'a crate::compare::quality::QualityRow) -> Self {
        QualityRow {
            municipality: &v.municipality,
            months_present: v.months_present,
            months_missing: &v.months_missing,
            incomplete: v.incomplete,
            months_note: v.months_note,
            annualised_central_it_cost: v.annualised_central_it_cost.map(kr),
            annualised_total_cost: v.annualised_total_cost.map(kr),
            suspect_amount: kr(v.suspect_amount),
            suspect_top: v
                .suspect_top
                .iter()
                .map(|(by, x)| (by.as_str(), TopItem::from(x)))
                .collect(),
            internal_imbalance: kr(v.internal_imbalance),
            rejected_lines: v.rejected_lines,
            rejected_amount: kr(v.rejected_amount),
            lines: v.lines,
            warnings: &v.warnings,
        }
    }
}

/// Coverage of one rule over the run.
#[derive(Serialize)]
pub struct RuleCoverage<'a> {
    /// Rule id.
    pub id: &'a str,
    /// Its reason.
    pub why: &'a str,
    /// Its reason in Swedish, when the rules file gives one.
    pub why_sv: Option<&'a str>,
    /// Line in the rules file.
    pub line: usize,
    /// Lines it decided, over all municipalities.
    pub lines: u64,
    /// Their amount.
    pub amount: f64,
    /// In how many municipalities (units) it fired.
    pub units: usize,
}

impl<'a> From<&'a crate::compare::quality::RuleCoverage> for RuleCoverage<'a> {
    fn from(v: &'a crate::compare::quality::RuleCoverage) -> Self {
        RuleCoverage {
            id: &v.id,
            why: &v.why,
            why_sv: v.why_sv.as_deref(),
            line: v.line,
            lines: v.lines,
            amount: kr(v.amount),
            units: v.units,
        }
    }
}
