//! Every table of the report, one function each ([`TABLES`] lists them in report order with their ids), built once
//! from the run and rendered twice: as HTML (Swedish or English labels, Swedish number format) and as CSV
//! (`--out DIR/tables/*.csv`, plain numbers for the analysts' own tools). The HTML and the CSV therefore always
//! show the same figures, and both come from the structs `summary.json` holds. A further output (Excel) renders
//! the same [`Table`]s. Each function's doc comment names the studies' analysis it answers (A1…A20 and the
//! methodological rules M1…M13 of `shared/reference/studies.md`).

use crate::compare::row_label;
use crate::config::WorkArea;
use crate::money::Kr;
use crate::money::{format_kr, format_plain};
use crate::pipeline::RunResult;
use crate::rules::taxonomy::{Pool, Tower};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    /// Swedish (default).
    #[default]
    #[value(name = "sv", alias = "swedish", alias = "svenska")]
    Sv,
    /// English.
    #[value(name = "en", alias = "english", alias = "engelska")]
    En,
}

impl Lang {
    /// Parses `sv` or `en`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_lowercase().as_str() {
            "sv" | "swedish" | "svenska" => Some(Lang::Sv),
            "en" | "english" | "engelska" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the text of this language.
    pub fn t<'a>(self, sv: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Sv => sv,
            Lang::En => en,
        }
    }

    /// A pool's label.
    pub fn pool(self, name: &str) -> String {
        match (self, Pool::parse(name)) {
            (Lang::Sv, Some(p)) => p.label_sv().to_string(),
            _ => name.to_string(),
        }
    }

    /// A tower's label.
    pub fn tower(self, name: &str) -> String {
        match (self, Tower::parse(name)) {
            (Lang::Sv, Some(t)) => t.label_sv().to_string(),
            (Lang::Sv, None) if name == crate::aggregate::UNASSIGNED_TOWER => "Utan torn".into(),
            _ => name.to_string(),
        }
    }

    /// A work area's label.
    pub fn area(self, a: WorkArea) -> &'static str {
        match self {
            Lang::Sv => a.label_sv(),
            Lang::En => a.name(),
        }
    }
}

/// One cell: what it shows and what the CSV holds.
#[derive(Debug, Clone)]
pub enum Cell {
    /// Text.
    Text(String),
    /// An amount in öre (HTML: whole kronor with spaces; CSV: kronor with two decimals).
    Kr(i64),
    /// A fraction shown as a percentage with two decimals (CSV: the fraction, six decimals).
    Share(Option<f64>),
    /// A count.
    Int(u64),
    /// A number with the given decimals.
    Num(Option<f64>, usize),
    /// A number withheld (anonymised): the text shown in the HTML; the CSV cell is empty.
    Withheld(&'static str),
}

impl Cell {
    /// The HTML text (Swedish number format in both languages: space thousands, decimal comma).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Kr(o) => format_kr(*o),
            Cell::Share(s) => s.map(pct).unwrap_or_else(|| "–".into()),
            Cell::Int(n) => format_kr(*n as i64 * 100),
            Cell::Num(v, d) => v
                .map(|v| format!("{v:.*}", *d).replace('.', ","))
                .unwrap_or_else(|| "–".into()),
            Cell::Withheld(s) => s.to_string(),
        }
    }

    /// The CSV value (also the HTML cell's `data-v`).
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Kr(o) => format_plain(*o),
            Cell::Share(s) => s.map(|v| format!("{v:.6}")).unwrap_or_default(),
            Cell::Int(n) => n.to_string(),
            Cell::Num(v, d) => v.map(|v| format!("{v:.*}", *d)).unwrap_or_default(),
            Cell::Withheld(_) => String::new(),
        }
    }

    /// True for right-aligned (numeric) cells.
    pub fn numeric(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }
}

/// A fraction as "1,82 %".
pub fn pct(v: f64) -> String {
    format!("{:.2} %", v * 100.0).replace('.', ",")
}

/// A table of the report.
#[derive(Debug, Clone)]
pub struct Table {
    /// File stem of its CSV and HTML id.
    pub id: &'static str,
    /// Title in the report's language.
    pub title: String,
    /// Column headers in the report's language.
    pub headers: Vec<String>,
    /// Machine column names (CSV header).
    pub keys: Vec<&'static str>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// Bold last row (a total).
    pub total_row: bool,
}

impl Table {
    fn new(id: &'static str, title: &str, cols: &[(&'static str, &str)]) -> Table {
        Table {
            id,
            title: title.to_string(),
            headers: cols.iter().map(|c| c.1.to_string()).collect(),
            keys: cols.iter().map(|c| c.0).collect(),
            rows: Vec::new(),
            total_row: false,
        }
    }

    /// The table as CSV in a dialect (machine: comma, quoted where needed, plain numbers).
    pub fn to_csv(&self, dialect: super::csv::CsvDialect) -> String {
        super::csv::write(dialect, &self.keys, &self.rows)
    }
}

fn year(y: Option<i32>) -> Cell {
    Cell::Text(y.map(|y| y.to_string()).unwrap_or_default())
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn kr(k: Kr) -> Cell {
    Cell::Kr(k.0)
}
/// Builds a table of the report from a run, in the report's language.
pub type TableFn = fn(&RunResult, Lang) -> Table;

/// Every table of the report, in report order, by id (the CSV file stem and the HTML table id): each is defined
/// once, by its function, and rendered as HTML and as CSV from that one definition.
pub const TABLES: [(&str, TableFn); 27] = [
    ("benchmark", benchmark),
    ("benchmark_view", benchmark_view),
    ("distribution", distribution),
    ("pools", pools),
    ("inside_outside", inside_outside),
    ("pool_diagnostics", pool_diagnostics),
    ("drivers", drivers),
    ("size_correlation", size_correlation),
    ("it_investment", it_investment),
    ("it_investment_pools", it_investment_pools),
    ("sundsvall", sundsvall),
    ("maturity", maturity),
    ("departments", departments),
    ("work_areas", work_areas),
    ("run_development", run_development),
    ("towers", towers),
    ("supplier_counts", supplier_counts),
    ("suppliers_largest", suppliers_largest),
    ("suppliers_shared", suppliers_shared),
    ("savings", savings),
    ("joint_org", joint_org),
    ("hybrid_key", hybrid_key),
    ("trends", trends),
    ("trend_changes", trend_changes),
    ("data_quality", data_quality),
    ("suspects", suspects),
    ("rule_coverage", rule_coverage),
];

/// Builds every table of the report, in report order.
pub fn tables(r: &RunResult, lang: Lang) -> Vec<Table> {
    let mut out: Vec<Table> = TABLES.iter().map(|(_, f)| f(r, lang)).collect();
    // Anonymised: the letters' amounts are withheld in every table as written (report::withhold).
    super::withhold::tables(r, lang, &mut out);
    out
}

/// The benchmark (A1 central IT share, A8 IT share of net cost, A9 the cost of raising each to the target share):
/// one row per municipality and a total row.
pub fn benchmark(r: &RunResult, l: Lang) -> Table {
    let b = &r.benchmark;
    let num_label = match b.numerator {
        crate::config::Numerator::CentralIt => l.t("Central IT-kostnad", "Central IT cost"),
        crate::config::Numerator::It => l.t("IT-kostnad", "IT cost"),
    };
    let mut tb = Table::new(
        "benchmark",
        l.t(
            "Jämförelse: andel av nämnaren",
            "Benchmark: share of the denominator",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("year", l.t("År", "Year")),
            ("it_cost", num_label),
            ("denominator_value", l.t("Nämnare", "Denominator")),
            ("share", l.t("Andel", "Share")),
            ("rank", l.t("Rang", "Rank")),
            ("at_target", l.t("Vid målnivå", "At target")),
            (
                "cost_to_target",
                l.t("Ökning till mål", "Increase to target"),
            ),
            ("increase", l.t("Ökning %", "Increase %")),
        ],
    );
    for row in b.rows.iter().chain(std::iter::once(&b.total)) {
        let is_total = row.rank == 0;
        tb.rows.push(vec![
            t(if is_total {
                l.t("Totalt", "Total").to_string()
            } else {
                row_label(&b.rows, row)
            }),
            year(row.year),
            kr(row.it_cost),
            kr(row.denominator_value),
            Cell::Share(row.share),
            if is_total {
                t("")
            } else {
                Cell::Int(row.rank as u64)
            },
            row.at_target.map(kr).unwrap_or(t("")),
            row.cost_to_target.map(kr).unwrap_or(t("")),
            Cell::Share(row.increase),
        ]);
    }
    tb.total_row = true;
    tb
}

/// The benchmark as published (A1: own organisation highlighted, optionally anonymised; A19: kronor per inhabitant).
pub fn benchmark_view(r: &RunResult, l: Lang) -> Table {
    let v = &r.analyses.view;
    let mut tv = Table::new(
        "benchmark_view",
        if v.anonymised {
            l.t(
                "Jämförelse som den publiceras (anonymiserad)",
                "Benchmark as published (anonymised)",
            )
        } else {
            l.t(
                "Jämförelse med fördelning och per invånare",
                "Benchmark with distribution and per inhabitant",
            )
        },
        &[
            ("label", l.t("Organisation", "Organisation")),
            ("highlighted", l.t("Egen", "Own")),
            ("share", l.t("Andel", "Share")),
            ("per_capita", l.t("Kr per invånare", "kr per inhabitant")),
            (
                "it_per_capita",
                l.t("All IT, kr per invånare", "All IT, kr per inhabitant"),
            ),
        ],
    );
    for row in &v.rows {
        tv.rows.push(vec![
            t(row.label.clone()),
            t(if row.highlighted { "●" } else { "" }),
            Cell::Share(row.share),
            Cell::Num(row.per_capita, 0),
            Cell::Num(row.it_per_capita, 0),
        ]);
    }
    tv
}

/// The spread of the shares and of kronor per inhabitant: n, min, quartiles, max, mean (A2 gap check, A6 peer median
/// and IQR, A19).
pub fn distribution(r: &RunResult, l: Lang) -> Table {
    let v = &r.analyses.view;
    let mut td = Table::new(
        "distribution",
        l.t("Fördelning", "Distribution"),
        &[
            ("measure", l.t("Mått", "Measure")),
            ("n", "n"),
            ("min", "min"),
            ("q1", "Q1"),
            ("median", l.t("median", "median")),
            ("q3", "Q3"),
            ("max", "max"),
            ("mean", l.t("medel", "mean")),
        ],
    );
    let d = &v.distribution;
    td.rows.push(vec![
        t(l.t("Andel", "Share")),
        Cell::Int(d.n as u64),
        Cell::Share(d.min),
        Cell::Share(d.q1),
        Cell::Share(d.median),
        Cell::Share(d.q3),
        Cell::Share(d.max),
        Cell::Share(d.mean),
    ]);
    let p = &v.per_capita;
    if p.n > 0 {
        td.rows.push(vec![
            t(l.t("Kr per invånare", "kr per inhabitant")),
            Cell::Int(p.n as u64),
            Cell::Num(p.min, 0),
            Cell::Num(p.q1, 0),
            Cell::Num(p.median, 0),
            Cell::Num(p.q3, 0),
            Cell::Num(p.max, 0),
            Cell::Num(p.mean, 0),
        ]);
    }
    td
}

/// IT cost per TBM cost pool, central IT and outside, per municipality (A3a).
pub fn pools(r: &RunResult, l: Lang) -> Table {
    let a = &r.analyses;
    let mut tp = Table::new(
        "pools",
        l.t(
            "IT-kostnad per kostnadspool (central IT och IT utanför)",
            "IT cost per cost pool (central IT and IT outside)",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("pool", l.t("Kostnadspool", "Cost pool")),
            ("central", l.t("Central IT", "Central IT")),
            ("outside", l.t("Utanför central IT", "Outside central IT")),
            ("total", l.t("Summa", "Total")),
            ("share_of_it", l.t("Andel av IT", "Share of IT")),
        ],
    );
    for m in &a.mix.municipalities {
        for pool in Pool::ALL {
            if let Some(s) = m.pools.get(pool.name()) {
                let total = s.central.0 + s.outside.0;
                tp.rows.push(vec![
                    t(m.municipality.clone()),
                    t(l.pool(pool.name())),
                    kr(s.central),
                    kr(s.outside),
                    Cell::Kr(total),
                    Cell::Share(crate::money::share(total, m.it_cost.0)),
                ]);
            }
        }
    }
    tp
}

/// Inside and outside central IT per cost pool for the whole group (A4).
pub fn inside_outside(r: &RunResult, l: Lang) -> Table {
    let a = &r.analyses;
    let mut ti = Table::new(
        "inside_outside",
        l.t(
            "Inom och utanför central IT per kostnadspool, hela gruppen",
            "Inside and outside central IT per cost pool, whole group",
        ),
        &[
            ("pool", l.t("Kostnadspool", "Cost pool")),
            ("central", l.t("Central IT", "Central IT")),
            ("outside", l.t("Utanför central IT", "Outside central IT")),
            (
                "central_share",
                l.t("Andel inom central IT", "Share inside central IT"),
            ),
        ],
    );
    for g in &a.mix.group {
        ti.rows.push(vec![
            t(l.pool(g.pool)),
            kr(g.central),
            kr(g.outside),
            Cell::Share(g.central_share),
        ]);
    }
    ti
}

/// Total cost, central IT and IT outside central IT per department or company (A14).
pub fn departments(r: &RunResult, l: Lang) -> Table {
    let b = &r.benchmark;
    let a = &r.analyses;
    let mut tdep = Table::new(
        "departments",
        l.t(
            "IT per förvaltning eller bolag",
            "IT per department or company",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("department", l.t("Förvaltning/bolag", "Department/company")),
            ("total_cost", l.t("Total kostnad", "Total cost")),
            ("central_it", l.t("Central IT", "Central IT")),
            (
                "outside_it",
                l.t("IT utanför central IT", "IT outside central IT"),
            ),
            ("it_share", l.t("IT-andel", "IT share")),
        ],
    );
    for (i, &mi) in crate::compare::benchmarked(&r.municipalities, a.benchmark_year)
        .iter()
        .enumerate()
    {
        let m = &r.municipalities[mi];
        let label = row_label(&b.rows, &b.rows[i]);
        for dep in &m.departments {
            let it = dep.central_it.0 + dep.outside_it.0;
            tdep.rows.push(vec![
                t(label.clone()),
                t(if dep.department.is_empty() {
                    l.t("(ej angiven)", "(not given)").to_string()
                } else {
                    dep.department.clone()
                }),
                kr(dep.total_cost),
                kr(dep.central_it),
                kr(dep.outside_it),
                Cell::Share(crate::money::share(it, dep.total_cost.0)),
            ]);
        }
    }
    tdep
}

/// Central IT cost per work area, from the rules' towers and the allocation keys, against the group mean (A5).
pub fn work_areas(r: &RunResult, l: Lang) -> Table {
    let wa = &r.analyses.work_areas;
    let mut tw = Table::new(
        "work_areas",
        l.t("Central IT per arbetsområde", "Central IT per work area"),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("area", l.t("Arbetsområde", "Work area")),
            ("from_rules", l.t("Från regler", "From rules")),
            (
                "from_keys",
                l.t("Från fördelningsnycklar", "From allocation keys"),
            ),
            ("total", l.t("Summa", "Total")),
            ("share", l.t("Andel av central IT", "Share of central IT")),
            ("group_mean", l.t("Gruppens medel", "Group mean")),
        ],
    );
    for m in &wa.municipalities {
        for (i, ar) in m.areas.iter().enumerate() {
            tw.rows.push(vec![
                t(m.municipality.clone()),
                t(l.area(ar.area)),
                kr(ar.from_rules),
                kr(ar.from_keys),
                kr(ar.total),
                Cell::Share(ar.share),
                Cell::Share(
                    wa.group_mean
                        .iter()
                        .find(|g| g.0 == WorkArea::ALL[i])
                        .map(|g| g.1),
                ),
            ]);
        }
        tw.rows.push(vec![
            t(m.municipality.clone()),
            t(l.t("Ej fördelat", "Unallocated")),
            t(""),
            t(""),
            kr(m.unallocated),
            Cell::Share(crate::money::share(m.unallocated.0, m.central_it_cost.0)),
            t(""),
        ]);
    }
    tw
}

/// Run (Infrastructure + End-user services) against development, per municipality and the group mean (A5, derived).
pub fn run_development(r: &RunResult, l: Lang) -> Table {
    let wa = &r.analyses.work_areas;
    let mut trd = Table::new(
        "run_development",
        l.t("Drift och utveckling", "Run and development"),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("run", l.t("Drift", "Run")),
            ("development", l.t("Utveckling", "Development")),
            ("unallocated", l.t("Ej fördelat", "Unallocated")),
            ("run_share", l.t("Driftandel", "Run share")),
            ("keys", l.t("Nycklar", "Keys")),
        ],
    );
    for m in &wa.municipalities {
        trd.rows.push(vec![
            t(m.municipality.clone()),
            kr(m.run),
            kr(m.development),
            kr(m.unallocated),
            Cell::Share(m.run_share),
            t(if m.keys_source.is_empty() {
                l.t("inga", "none").to_string()
            } else {
                m.keys_source.clone()
            }),
        ]);
    }
    trd.rows.push(vec![
        t(l.t("Gruppens medel", "Group mean")),
        t(""),
        t(""),
        t(""),
        Cell::Share(wa.group_run_share),
        t(""),
    ]);
    trd.total_row = true;
    trd
}

/// IT cost per TBM tower as the rules give it, inside and outside central IT (A5, M4).
pub fn towers(r: &RunResult, l: Lang) -> Table {
    let wa = &r.analyses.work_areas;
    let mut tt = Table::new(
        "towers",
        l.t(
            "IT per TBM-torn (från regler)",
            "IT per TBM tower (from rules)",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("tower", l.t("Torn", "Tower")),
            ("central", l.t("Central IT", "Central IT")),
            ("outside", l.t("Utanför central IT", "Outside central IT")),
        ],
    );
    for tw in &wa.towers {
        tt.rows.push(vec![
            t(tw.municipality.clone()),
            t(l.tower(tw.tower)),
            kr(tw.central),
            kr(tw.outside),
        ]);
    }
    tt
}

/// IT suppliers invoicing at least the threshold, per municipality and pool and for the whole group (A7).
pub fn supplier_counts(r: &RunResult, l: Lang) -> Table {
    let s = &r.analyses.suppliers;
    let mut tsc = Table::new(
        "supplier_counts",
        &format!(
            "{} {} kr",
            l.t(
                "IT-leverantörer som fakturerat minst",
                "IT suppliers invoicing at least"
            ),
            format_kr(s.threshold.0)
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("pool", l.t("Kostnadspool", "Cost pool")),
            (
                "suppliers",
                l.t("Leverantörer över gränsen", "Suppliers above threshold"),
            ),
            ("amount", l.t("Deras belopp", "Their amount")),
            ("all_suppliers", l.t("Alla leverantörer", "All suppliers")),
        ],
    );
    for c in &s.counts {
        tsc.rows.push(vec![
            t(c.municipality.clone()),
            t(l.pool(c.pool)),
            Cell::Int(c.suppliers as u64),
            kr(c.amount),
            Cell::Int(c.all_suppliers as u64),
        ]);
    }
    for (pool, n) in &s.group_counts {
        tsc.rows.push(vec![
            t(l.t("Hela gruppen", "Whole group")),
            t(l.pool(pool)),
            Cell::Int(*n as u64),
            t(""),
            t(""),
        ]);
    }
    tsc
}

/// The largest IT suppliers, with the municipalities and pools they invoice (A7).
pub fn suppliers_largest(r: &RunResult, l: Lang) -> Table {
    supplier_list(
        "suppliers_largest",
        l.t("Största IT-leverantörerna", "Largest IT suppliers"),
        &r.analyses.suppliers.largest,
        l,
    )
}

/// IT suppliers that several municipalities use: the overlap that points to joint sourcing (A7).
pub fn suppliers_shared(r: &RunResult, l: Lang) -> Table {
    supplier_list(
        "suppliers_shared",
        l.t(
            "IT-leverantörer som flera kommuner anlitar",
            "IT suppliers shared between municipalities",
        ),
        &r.analyses.suppliers.shared,
        l,
    )
}

/// A list of suppliers: amount, municipalities, pools.
fn supplier_list(
    id: &'static str,
    title: &str,
    list: &[crate::compare::suppliers::SupplierRow],
    l: Lang,
) -> Table {
    let mut tl = Table::new(
        id,
        title,
        &[
            ("supplier", l.t("Leverantör", "Supplier")),
            ("amount", l.t("Belopp", "Amount")),
            ("municipalities", l.t("Kommuner", "Municipalities")),
            ("pools", l.t("Kostnadspooler", "Cost pools")),
        ],
    );
    for row in list {
        tl.rows.push(vec![
            t(row.supplier.clone()),
            kr(row.amount),
            t(row.municipalities.join("; ")),
            t(row
                .pools
                .iter()
                .map(|p| l.pool(p))
                .collect::<Vec<_>>()
                .join("; ")),
        ]);
    }
    tl
}

/// Savings scenarios per municipality and pool, with the arithmetic of every cell (A10).
pub fn savings(r: &RunResult, l: Lang) -> Table {
    let a = &r.analyses;
    let mut tsav = Table::new(
        "savings",
        l.t("Besparingsscenarier", "Savings scenarios"),
        &[
            ("scenario", l.t("Scenario", "Scenario")),
            ("municipality", l.t("Kommun", "Municipality")),
            ("pool", l.t("Kostnadspool", "Cost pool")),
            ("base", l.t("Kostnad", "Cost")),
            ("saving", l.t("Besparing", "Saving")),
            ("arithmetic", l.t("Uträkning", "Arithmetic")),
        ],
    );
    for sv in &a.savings {
        for line in &sv.lines {
            tsav.rows.push(vec![
                t(sv.scenario.label.clone()),
                t(line.municipality.clone()),
                t(l.pool(line.pool)),
                kr(line.base),
                kr(line.saving),
                t(line.arithmetic.clone()),
            ]);
        }
        for (m, base, saving, rel) in &sv.per_municipality {
            tsav.rows.push(vec![
                t(sv.scenario.label.clone()),
                t(m.clone()),
                t(l.t("Summa", "Total")),
                kr(*base),
                kr(*saving),
                t(rel
                    .map(|x| format!("{} {}", pct(x), l.t("av kostnaden", "of the cost")))
                    .unwrap_or_default()),
            ]);
        }
        tsav.rows.push(vec![
            t(sv.scenario.label.clone()),
            t(l.t("Totalt", "Total")),
            t(""),
            kr(sv.total_base),
            kr(sv.total_saving),
            t(""),
        ]);
    }
    tsav
}

/// A joint IT organisation's cost split over the municipalities by each key, against today's central IT (A17).
pub fn joint_org(r: &RunResult, l: Lang) -> Table {
    let a = &r.analyses;
    let mut tj = Table::new(
        "joint_org",
        l.t(
            "Gemensam IT-organisation: kostnad per kommun och nyckel",
            "Joint IT organisation: cost per municipality and key",
        ),
        &[
            ("key", l.t("Nyckel", "Key")),
            ("municipality", l.t("Kommun", "Municipality")),
            ("driver", l.t("Värde", "Value")),
            ("share", l.t("Andel", "Share")),
            ("amount", l.t("Kostnad", "Cost")),
            ("today", l.t("Central IT i dag", "Central IT today")),
            ("difference", l.t("Skillnad", "Difference")),
        ],
    );
    if let Some(j) = &a.joint_org {
        for (key, rows) in &j.splits {
            for row in rows {
                tj.rows.push(vec![
                    t(key_label(l, *key)),
                    t(row.municipality.clone()),
                    Cell::Int(row.driver),
                    Cell::Share(row.share),
                    kr(row.amount),
                    kr(row.today),
                    kr(row.difference),
                ]);
            }
        }
    }
    tj
}

/// Central IT, all IT, total and net cost and the shares per municipality and year (A18).
pub fn trends(r: &RunResult, l: Lang) -> Table {
    let tr = &r.analyses.trends;
    let mut ty = Table::new(
        "trends",
        l.t("Utveckling över åren", "Trends over the years"),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("year", l.t("År", "Year")),
            ("central_it_cost", l.t("Central IT", "Central IT")),
            ("it_cost", l.t("All IT", "All IT")),
            ("total_cost", l.t("Total kostnad", "Total cost")),
            ("net_cost", l.t("Nettokostnad", "Net cost")),
            (
                "central_it_share",
                l.t("Central IT-andel", "Central IT share"),
            ),
            ("it_share", l.t("IT-andel", "IT share")),
        ],
    );
    for y in &tr.years {
        ty.rows.push(vec![
            t(y.municipality.clone()),
            Cell::Text(y.year.to_string()),
            kr(y.central_it_cost),
            kr(y.it_cost),
            kr(y.total_cost),
            kr(y.net_cost),
            Cell::Share(y.central_it_share),
            Cell::Share(y.it_share),
        ]);
    }
    ty
}

/// The change of a share between years, split into the part of the IT cost and the part of the denominator (A18, the
/// share → nominal reconciliation).
pub fn trend_changes(r: &RunResult, l: Lang) -> Table {
    let tr = &r.analyses.trends;
    let mut tc = Table::new(
        "trend_changes",
        l.t(
            "Förändring av andelen: IT-kostnadens och nämnarens bidrag",
            "Change of the share: the part of IT cost and of the denominator",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("from", l.t("Från", "From")),
            ("to", l.t("Till", "To")),
            (
                "numerator_change",
                l.t("Ändrad IT-kostnad", "IT cost change"),
            ),
            ("numerator_change_rel", "%"),
            (
                "denominator_change",
                l.t("Ändrad nämnare", "Denominator change"),
            ),
            ("denominator_change_rel", "%"),
            (
                "share_change",
                l.t("Ändrad andel (procentenheter)", "Share change (points)"),
            ),
            ("it_effect", l.t("varav IT-kostnad", "of which IT cost")),
            (
                "denominator_effect",
                l.t("varav nämnare", "of which denominator"),
            ),
        ],
    );
    for c in &tr.changes {
        tc.rows.push(vec![
            t(c.municipality.clone()),
            Cell::Text(c.from.to_string()),
            Cell::Text(c.to.to_string()),
            kr(c.numerator_change),
            Cell::Share(c.numerator_change_rel),
            kr(c.denominator_change),
            Cell::Share(c.denominator_change_rel),
            Cell::Share(c.share_change),
            Cell::Share(c.it_effect),
            Cell::Share(c.denominator_effect),
        ]);
    }
    tc
}

/// Data quality per municipality: lines, months present and missing, annualised figures, suspects, internal
/// imbalance, rejected lines, warnings (M1, M9).
pub fn data_quality(r: &RunResult, l: Lang) -> Table {
    let q = &r.analyses.quality;
    let mut tq = Table::new(
        "data_quality",
        l.t("Datakvalitet", "Data quality"),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("lines", l.t("Rader", "Lines")),
            ("months", l.t("Månader", "Months")),
            ("months_missing", l.t("Saknade månader", "Missing months")),
            (
                "annualised_central_it",
                l.t("Central IT helårsomräknad", "Central IT annualised"),
            ),
            (
                "suspects",
                l.t("Oklassad IT-misstänkt", "Unclassified IT suspects"),
            ),
            (
                "internal_imbalance",
                l.t("Intern obalans", "Internal imbalance"),
            ),
            ("rejected_lines", l.t("Avvisade rader", "Rejected lines")),
            ("rejected_amount", l.t("Avvisat belopp", "Rejected amount")),
            ("warnings", l.t("Varningar", "Warnings")),
        ],
    );
    for row in &q.rows {
        tq.rows.push(vec![
            t(row.municipality.clone()),
            Cell::Int(row.lines),
            Cell::Int(row.months_present as u64),
            t(match row.months_note {
                Some(_) => l
                    .t(crate::guards::NO_DATES_SV, crate::guards::NO_DATES)
                    .to_string(),
                None => row.months_missing.join(" "),
            }),
            row.annualised_central_it_cost.map(kr).unwrap_or(t("")),
            kr(row.suspect_amount),
            kr(row.internal_imbalance),
            Cell::Int(row.rejected_lines),
            kr(row.rejected_amount),
            // Warnings the run also has in Swedish (the notices) are shown in the report's language.
            t(row
                .warnings
                .iter()
                .map(|w| match (l, r.notices.iter().find(|n| &n.en == w)) {
                    (Lang::Sv, Some(n)) => n.sv.clone(),
                    _ => w.clone(),
                })
                .collect::<Vec<_>>()
                .join(" | ")),
        ]);
    }
    tq
}

/// Lines that look like IT but that no IT rule took, largest first (M3, M10: IT the rules may have missed).
pub fn suspects(r: &RunResult, l: Lang) -> Table {
    let q = &r.analyses.quality;
    let mut ts = Table::new(
        "suspects",
        l.t(
            "IT-misstänkta rader som ingen IT-regel tog (störst först)",
            "IT-suspect lines no IT rule took (largest first)",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("by", l.t("Efter", "By")),
            ("key", l.t("Värde", "Value")),
            ("label", l.t("Benämning", "Label")),
            ("amount", l.t("Belopp", "Amount")),
            ("lines", l.t("Rader", "Lines")),
        ],
    );
    for row in &q.rows {
        for (by, item) in &row.suspect_top {
            ts.rows.push(vec![
                t(row.municipality.clone()),
                t(match by.as_str() {
                    "account" => l.t("konto", "account"),
                    "supplier" => l.t("leverantör", "supplier"),
                    _ => l.t("text", "text"),
                }),
                t(item.key.clone()),
                t(item.label.clone()),
                kr(item.amount),
                Cell::Int(item.lines),
            ]);
        }
    }
    ts
}

/// How many lines and kronor each rule decided, in how many municipalities (the rules file's audit trail, M4).
pub fn rule_coverage(r: &RunResult, l: Lang) -> Table {
    let q = &r.analyses.quality;
    let mut tcov = Table::new(
        "rule_coverage",
        l.t("Regeltäckning", "Rule coverage"),
        &[
            ("rule", l.t("Regel", "Rule")),
            ("line", l.t("Rad", "Line")),
            ("lines", l.t("Rader den avgjorde", "Lines decided")),
            ("amount", l.t("Belopp", "Amount")),
            ("units", l.t("Kommuner", "Municipalities")),
            ("why", l.t("Varför", "Why")),
        ],
    );
    for c in &q.rules {
        tcov.rows.push(vec![
            t(c.id.clone()),
            Cell::Int(c.line as u64),
            Cell::Int(c.lines),
            kr(c.amount),
            Cell::Int(c.units as u64),
            t(match (l, &c.why_sv) {
                (Lang::Sv, Some(sv)) => sv.clone(),
                _ => c.why.clone(),
            }),
        ]);
    }
    tcov
}
/// A joint-organisation key's label.
pub fn key_label(l: Lang, k: crate::config::analysis::AllocationBasis) -> String {
    use crate::config::analysis::AllocationBasis as B;
    match k {
        B::Equal => l.t("Lika delar", "Equal shares"),
        B::Population => l.t("Invånare", "Inhabitants"),
        B::Employees => l.t("Anställda", "Employees"),
        B::Users => l.t("Användare", "Users"),
        B::Devices => l.t("Enheter", "Devices"),
    }
    .to_string()
}

/// IT investment beside operating IT, with the IT share excluding and including investment (issue 13, item 4;
/// Sundsvall A11/A13).
pub fn it_investment(r: &RunResult, l: Lang) -> Table {
    let mut ti = Table::new(
        "it_investment",
        l.t(
            "IT-investeringar bredvid IT-driftkostnad, andel exkl. och inkl. investeringar",
            "IT investment beside operating IT, share excluding and including investment",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("it_cost", l.t("IT-driftkostnad", "Operating IT cost")),
            ("it_investment", l.t("IT-investeringar", "IT investment")),
            ("investment", l.t("Alla investeringar", "All investment")),
            (
                "it_share_excl",
                l.t("IT-andel exkl. investeringar", "IT share excl. investment"),
            ),
            (
                "it_share_incl",
                l.t("IT-andel inkl. investeringar", "IT share incl. investment"),
            ),
            (
                "investment_part_of_it",
                l.t("Investeringarnas del av IT", "Investment part of IT"),
            ),
        ],
    );
    for m in &r.analyses.investment.municipalities {
        ti.rows.push(vec![
            t(m.municipality.clone()),
            kr(m.it_cost),
            kr(m.it_investment),
            kr(m.investment),
            Cell::Share(m.it_share_excl),
            Cell::Share(m.it_share_incl),
            Cell::Share(m.investment_part_of_it),
        ]);
    }
    ti
}

/// IT investment per cost pool and municipality (issue 13, item 4).
pub fn it_investment_pools(r: &RunResult, l: Lang) -> Table {
    let mut tp = Table::new(
        "it_investment_pools",
        l.t(
            "IT-investeringar per kostnadspool",
            "IT investment per cost pool",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("pool", l.t("Kostnadspool", "Cost pool")),
            ("amount", l.t("IT-investeringar", "IT investment")),
        ],
    );
    for m in &r.analyses.investment.municipalities {
        for pool in Pool::ALL {
            if let Some(k) = m.pools.get(pool.name()) {
                tp.rows.push(vec![
                    t(m.municipality.clone()),
                    t(l.pool(pool.name())),
                    kr(*k),
                ]);
            }
        }
    }
    tp
}

/// Per pool: the group's mean, median and IQR of the pool's share of IT cost, and each unit's deviation from the
/// median in percentage points and kronor (A6).
pub fn pool_diagnostics(r: &RunResult, l: Lang) -> Table {
    let mut td = Table::new(
        "pool_diagnostics",
        l.t(
            "Kostnadspoolernas andel av IT: gruppens median och spridning, avvikelse per organisation",
            "Cost pools' share of IT: the group's median and spread, deviation per organisation",
        ),
        &[
            ("pool", l.t("Kostnadspool", "Cost pool")),
            ("municipality", l.t("Organisation", "Organisation")),
            ("share", l.t("Andel av IT", "Share of IT")),
            ("group_mean", l.t("Gruppens medel", "Group mean")),
            ("group_median", l.t("Gruppens median", "Group median")),
            ("group_iqr", l.t("Kvartilavstånd", "IQR")),
            ("deviation_pp", l.t("Avvikelse, %-enheter", "Deviation, pp")),
            ("deviation", l.t("Avvikelse, kr", "Deviation, kr")),
        ],
    );
    for p in &r.analyses.diagnostics.pools {
        for u in &p.units {
            td.rows.push(vec![
                t(l.pool(p.pool)),
                t(u.municipality.clone()),
                Cell::Share(u.share),
                Cell::Share(p.distribution.mean),
                Cell::Share(p.distribution.median),
                Cell::Share(p.iqr),
                Cell::Num(u.deviation_pp, 1),
                u.deviation.map(kr).unwrap_or(t("")),
            ]);
        }
    }
    td
}

/// The organisations above a comparable reference or above the group's Q3, and the pools that drive them: the
/// largest positive deviations in kronor until they account for half of the excess over the group median (A2).
pub fn drivers(r: &RunResult, l: Lang) -> Table {
    let mut td = Table::new(
        "drivers",
        l.t(
            "Varför en organisation sticker ut: de poster som driver dess överskott",
            "Why an organisation stands out: the pools that drive its excess",
        ),
        &[
            ("municipality", l.t("Organisation", "Organisation")),
            ("share", l.t("Andel", "Share")),
            (
                "excess",
                l.t("Över gruppens median, kr", "Above the group median, kr"),
            ),
            ("pool", l.t("Kostnadspool", "Cost pool")),
            ("deviation", l.t("Avvikelse, kr", "Deviation, kr")),
            ("text", l.t("Förklaring", "Explanation")),
        ],
    );
    for d in &r.analyses.diagnostics.drivers {
        for x in &d.drivers {
            td.rows.push(vec![
                t(d.municipality.clone()),
                Cell::Share(Some(d.share)),
                kr(d.excess),
                t(l.pool(x.pool)),
                kr(x.deviation),
                t(l.t(&x.text_sv, &x.text_en).to_string()),
            ]);
        }
    }
    td
}

/// Spearman's ρ of the share and of each pool's share of IT with population, with n ("too few to say" under 5;
/// A6: the studies found no correlation with size).
pub fn size_correlation(r: &RunResult, l: Lang) -> Table {
    let mut tc = Table::new(
        "size_correlation",
        l.t(
            "Samband med kommunstorlek (Spearmans ρ mot invånare)",
            "Relation with size (Spearman's ρ against population)",
        ),
        &[
            ("measure", l.t("Mått", "Measure")),
            ("n", l.t("n", "n")),
            ("rho", l.t("ρ", "ρ")),
            ("verdict", l.t("Slutsats", "Verdict")),
        ],
    );
    for c in &r.analyses.diagnostics.size_correlation {
        let measure = if c.measure == "share" {
            l.t(
                "Andel (jämförelsens mått)",
                "Share (the benchmark's measure)",
            )
            .to_string()
        } else {
            format!(
                "{} {}",
                l.pool(&c.measure),
                l.t("andel av IT", "share of IT")
            )
        };
        tc.rows.push(vec![
            t(measure),
            Cell::Int(c.n as u64),
            Cell::Num(c.rho, 2),
            t(l.t(&c.verdict_sv, &c.verdict_en).to_string()),
        ]);
    }
    tc
}

/// The joint organisation's hybrid key per member: the equal base part, the consumption part, the sum and today's
/// central IT (A17; issue 13, item 7).
pub fn hybrid_key(r: &RunResult, l: Lang) -> Table {
    let mut th = Table::new(
        "hybrid_key",
        l.t(
            "Hybridnyckel: bas delad lika plus förbrukning",
            "Hybrid key: base shared equally plus consumption",
        ),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("base", l.t("Basdel", "Base part")),
            ("driver", l.t("Förbrukningsvärde", "Consumption value")),
            (
                "driver_share",
                l.t("Andel av förbrukningen", "Share of consumption"),
            ),
            ("consumption", l.t("Förbrukningsdel", "Consumption part")),
            ("amount", l.t("Summa", "Total")),
            ("today", l.t("Central IT i dag", "Central IT today")),
            ("difference", l.t("Skillnad", "Difference")),
        ],
    );
    if let Some(h) = &r.analyses.hybrid_key {
        for row in &h.rows {
            th.rows.push(vec![
                t(row.municipality.clone()),
                kr(row.base),
                Cell::Int(row.driver),
                Cell::Share(row.driver_share),
                kr(row.consumption),
                kr(row.amount),
                kr(row.today),
                kr(row.difference),
            ]);
        }
    }
    th
}

/// Sundsvall's measures per unit (A11–A13, A15): IT of turnover, digitalisation in ‰ and of IT incl./excl.
/// investment, IT FTE in ‰, digitalisation FTE incl./excl. temporary staff, the multiplier, the renewal cycle.
pub fn sundsvall(r: &RunResult, l: Lang) -> Table {
    let mut ts = Table::new(
        "sundsvall",
        l.t("Sundsvalls mått", "Sundsvall's measures"),
        &[
            ("municipality", l.t("Kommun", "Municipality")),
            ("omslutning", l.t("Omslutning", "Turnover")),
            (
                "central_it_share_of_turnover",
                l.t("Central IT / omslutning", "Central IT / turnover"),
            ),
            (
                "it_share_of_turnover",
                l.t("IT / omslutning", "IT / turnover"),
            ),
            (
                "digitalisation_cost",
                l.t("Digitalisering", "Digitalisation"),
            ),
            (
                "digitalisation_permille",
                l.t(
                    "Digitalisering, ‰ av omslutning",
                    "Digitalisation, ‰ of turnover",
                ),
            ),
            (
                "digitalisation_part_of_it_excl",
                l.t(
                    "Digitalisering / IT exkl. inv.",
                    "Digitalisation / IT excl. inv.",
                ),
            ),
            (
                "digitalisation_part_of_it_incl",
                l.t(
                    "Digitalisering / IT inkl. inv.",
                    "Digitalisation / IT incl. inv.",
                ),
            ),
            (
                "it_fte_permille",
                l.t("IT-årsarbetare, ‰ av alla", "IT FTE, ‰ of all"),
            ),
            (
                "digitalisation_fte_part",
                l.t("Digitaliseringsårsarbetare / IT", "Digitalisation FTE / IT"),
            ),
            (
                "digitalisation_fte_part_excl_temporary",
                l.t("… exkl. tillfällig personal", "… excl. temporary staff"),
            ),
            (
                "multiplier",
                l.t("Total IT / central IT", "Total IT / central IT"),
            ),
            (
                "renewal_cycle_years",
                l.t(
                    "Förnyelsecykel, år (1 / påslag)",
                    "Renewal cycle, years (1 / uplift)",
                ),
            ),
        ],
    );
    for x in &r.analyses.sundsvall.rows {
        ts.rows.push(vec![
            t(x.municipality.clone()),
            x.omslutning.map(kr).unwrap_or(t("")),
            Cell::Share(x.central_it_share_of_turnover),
            Cell::Share(x.it_share_of_turnover),
            x.digitalisation_cost.map(kr).unwrap_or(t("")),
            Cell::Num(x.digitalisation_permille, 1),
            Cell::Share(x.digitalisation_part_of_it_excl),
            Cell::Share(x.digitalisation_part_of_it_incl),
            Cell::Num(x.it_fte_permille, 1),
            Cell::Share(x.digitalisation_fte_part),
            Cell::Share(x.digitalisation_fte_part_excl_temporary),
            Cell::Num(x.multiplier, 2),
            Cell::Num(x.renewal_cycle_years, 0),
        ]);
    }
    ts
}

/// IT share beside DiMiOS maturity per unit (A20), and the correlation with n; correlation, not cause.
pub fn maturity(r: &RunResult, l: Lang) -> Table {
    let mut tm = Table::new(
        "maturity",
        l.t(
            "IT-andel och digital mognad (DiMiOS)",
            "IT share and digital maturity (DiMiOS)",
        ),
        &[
            ("municipality", l.t("Organisation", "Organisation")),
            ("year", l.t("År", "Year")),
            ("maturity", l.t("Mognad", "Maturity")),
            ("dimensions", l.t("Dimensioner", "Dimensions")),
            ("share", l.t("Andel", "Share")),
        ],
    );
    if let Some(m) = &r.analyses.maturity {
        for p in &m.points {
            tm.rows.push(vec![
                t(p.municipality.clone()),
                year(Some(p.year)),
                Cell::Num(Some(p.maturity), 2),
                Cell::Int(p.dimensions as u64),
                Cell::Share(Some(p.share)),
            ]);
        }
    }
    tm
}
