//! The run config (TOML): which municipalities, their ledgers and central IT cost centres, the denominator, the
//! target share and reference lines. Paths in it are relative to the config file. Documented in README.

pub mod analysis;
pub mod dataset;
pub mod flags;
pub mod it_org;
pub mod maturity;
pub mod small_csv;
pub mod sundsvall;

use crate::error::{Error, Result};
use crate::ingest::columns::Field;
use crate::money::parse_share_ppm;
use crate::rules::pattern::CodePattern;
use crate::rules::taxonomy::Pool;
pub use analysis::{AnalysisConfig, WorkArea};
pub use flags::{parse_column_flags, RunFlags};
pub use it_org::{BudgetFigures, FigureKind, ItOrg};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which total the IT cost is divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Denominator {
    /// Operating cost incl. depreciation, after internal eliminations (Fyrbodal; default).
    #[value(name = "total_cost", alias = "total")]
    TotalCost,
    /// Total cost minus external operating revenue (Dalsland).
    #[value(name = "net_cost", alias = "net")]
    NetCost,
    /// A total given per municipality and year in the config (annual report, SCB).
    #[value(name = "external", alias = "external_total")]
    External,
}

impl Denominator {
    /// Parses `total_cost`, `net_cost` or `external` (also `total`, `net`).
    pub fn parse(s: &str) -> Option<Denominator> {
        match s.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "total_cost" | "total" => Some(Denominator::TotalCost),
            "net_cost" | "net" => Some(Denominator::NetCost),
            "external" | "external_total" => Some(Denominator::External),
            _ => None,
        }
    }
    /// The key used in output.
    pub fn key(self) -> &'static str {
        match self {
            Denominator::TotalCost => "total_cost",
            Denominator::NetCost => "net_cost",
            Denominator::External => "external_total",
        }
    }
}

/// Which IT cost the benchmark compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Numerator {
    /// The central IT department's cost (Fyrbodal, Dalsland; default).
    #[value(name = "central_it")]
    CentralIt,
    /// Central IT plus IT outside central IT.
    #[value(name = "it", alias = "it_cost")]
    It,
}

impl Numerator {
    /// Parses `central_it` or `it` (also `it_cost`).
    pub fn parse(s: &str) -> Option<Numerator> {
        match s.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
            "central_it" => Some(Numerator::CentralIt),
            "it" | "it_cost" => Some(Numerator::It),
            _ => None,
        }
    }
    /// The key used in output.
    pub fn key(self) -> &'static str {
        match self {
            Numerator::CentralIt => "central_it",
            Numerator::It => "it",
        }
    }
}

/// What a share measures: which IT cost over which total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    /// The IT cost.
    pub numerator: Numerator,
    /// The total it is divided by.
    pub denominator: Denominator,
}

impl Measure {
    /// `central IT / total cost`, in the reader's language (`sv` true: Swedish).
    pub fn text(self, sv: bool) -> String {
        // "central IT" and "all IT" read the same in Swedish.
        let num = match self.numerator {
            Numerator::CentralIt => "central IT",
            Numerator::It => "all IT",
        };
        let den = match (self.denominator, sv) {
            (Denominator::TotalCost, false) => "total cost",
            (Denominator::TotalCost, true) => "total kostnad",
            (Denominator::NetCost, false) => "net cost",
            (Denominator::NetCost, true) => "nettokostnad",
            (Denominator::External, false) => "external total",
            (Denominator::External, true) => "extern totalkostnad",
        };
        format!("{num} / {den}")
    }
}

/// A reference line in the benchmark: a level measured elsewhere, with what it measures. It is counted and drawn
/// only when it measures what the run measures (see [`Reference::comparable`]).
#[derive(Debug, Clone)]
pub struct Reference {
    /// What it is.
    pub label: String,
    /// The label in Swedish (`label_sv` in the config; the built-in references have one; without it `label` is
    /// used in both languages).
    pub label_sv: Option<String>,
    /// The share, parts per million.
    pub share_ppm: i64,
    /// The share as a fraction (for JSON).
    pub share: f64,
    /// Where the figure comes from.
    pub source: String,
    /// The IT cost it measures.
    pub numerator: Numerator,
    /// The total it divides by.
    pub denominator: Denominator,
    /// True when it measures what the run measures; set by the benchmark (false: listed as "not comparable",
    /// not counted, not drawn).
    pub comparable: bool,
}

impl Reference {
    /// What the reference measures.
    pub fn measure(&self) -> Measure {
        Measure {
            numerator: self.numerator,
            denominator: self.denominator,
        }
    }
    /// The label in the reader's language.
    pub fn label_in(&self, sv: bool) -> &str {
        match (&self.label_sv, sv) {
            (Some(l), true) => l,
            _ => &self.label,
        }
    }
}

/// The default reference lines (brief.md), each with what it measures.
pub fn default_references() -> Vec<Reference> {
    vec![
        Reference {
            label: "Research level (SCDI): just under 2 % of operating cost on central IT".into(),
            label_sv: Some(
                "Forskningsnivå (SCDI): strax under 2 % av driftkostnaden på central IT".into(),
            ),
            share_ppm: 20_000,
            share: 0.02,
            source:
                "SCDI / Forskningskonsortiet Digital Förvaltning, via Fyrbodal Digital motor 2021"
                    .into(),
            numerator: Numerator::CentralIt,
            denominator: Denominator::TotalCost,
            comparable: false,
        },
        Reference {
            label: "National average 2021: 2.5 % of net cost on IT".into(),
            label_sv: Some("Riksgenomsnitt 2021: 2,5 % av nettokostnaden på IT".into()),
            share_ppm: 25_000,
            share: 0.025,
            source: "Radar Group, via Dalsland IT-samverkan förstudie 2024".into(),
            numerator: Numerator::It,
            denominator: Denominator::NetCost,
            comparable: false,
        },
    ]
}

/// One municipality (and year) in a run.
#[derive(Debug, Clone)]
pub struct Municipality {
    /// Its name, as shown in outputs.
    pub name: String,
    /// The fiscal year (None: taken from the ledger's dates).
    pub year: Option<i32>,
    /// Its ledger files.
    pub ledgers: Vec<PathBuf>,
    /// Cost-centre patterns of the central IT department.
    pub central_it: Vec<CodePattern>,
    /// The same, as written (for output).
    pub central_it_raw: Vec<String>,
    /// Counterpart codes meaning the own organisation (internal), in addition to the rules file's.
    pub internal_counterparts: Vec<CodePattern>,
    /// A total cost from outside the ledger, in öre (annual report, SCB), for the `external` denominator.
    pub external_total_ore: Option<i64>,
    /// Inhabitants, for per-capita figures.
    pub population: Option<u64>,
    /// Explicit column mapping for its exports.
    pub columns: BTreeMap<Field, String>,
    /// Spreadsheet sheet to read (default: the first).
    pub sheet: Option<String>,
    /// Department (förvaltning/bolag) name → cost-centre patterns, for ledgers without a department column.
    pub departments: Vec<(String, Vec<CodePattern>)>,
    /// Employees, for the joint-organisation keys.
    pub employees: Option<u64>,
    /// IT users, for the joint-organisation keys.
    pub users: Option<u64>,
    /// Devices (computers), for the joint-organisation keys.
    pub devices: Option<u64>,
    /// What its ledgers hold: outcome (default), budget or forecast (`kind`).
    pub kind: FigureKind,
    /// Budget or forecast figures given in the config (`it_budget`, `net_cost_budget`), with their source.
    pub budget: Option<BudgetFigures>,
    /// Sundsvall's measures' inputs (turnover, FTE, digitalisation, staff_it, uplift).
    pub sundsvall: sundsvall::SundsvallInputs,
}

/// Everything a run needs besides the ledgers' content.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Title of the run.
    pub title: String,
    /// Rules file (None: the embedded Kommun-Bas 13 defaults).
    pub rules: Option<PathBuf>,
    /// Denominator for every share.
    pub denominator: Denominator,
    /// Numerator of the benchmark.
    pub numerator: Numerator,
    /// Target share for the cost-to-target table, parts per million.
    pub target_ppm: Option<i64>,
    /// Pools that count as IT outside central IT.
    pub outside_scope: Vec<Pool>,
    /// The scope's name (`narrow`, `wide`, or `custom`).
    pub scope_name: String,
    /// Strict reading: unbalanced SIE vouchers are errors.
    pub strict: bool,
    /// Lenient reading: unreadable lines are set aside (rejects.csv) instead of stopping the run.
    pub lenient: bool,
    /// Reference lines.
    pub references: Vec<Reference>,
    /// Municipalities in the run.
    pub municipalities: Vec<Municipality>,
    /// Settings of the analyses (benchmark view, suppliers, what-ifs, work-area keys).
    pub analysis: AnalysisConfig,
    /// Keep every ledger line in memory (for `--out`'s classified.parquet); false: text ledgers are read as sums
    /// per key, streaming.
    pub keep_lines: bool,
    /// The CSV dialect `--out` writes (`csv_dialect = "excel-sv"` or `--csv-dialect`).
    pub csv_dialect: crate::report::csv::CsvDialect,
    /// IT organisations (`[[it_org]]`): when any is given, the benchmark's rows are IT organisations.
    pub it_orgs: Vec<ItOrg>,
    /// The kind the benchmark compares (`benchmark_kind`); None: the one kind the benchmarked units have.
    pub benchmark_kind: Option<FigureKind>,
    /// The engine that sums Parquet ledgers per key (`engine = "local" | "datafusion" | "ballista://HOST:PORT"`,
    /// or `--engine`, which wins); see [`crate::engine`].
    pub engine: crate::engine::Engine,
    /// The config file as given and the SHA-256 of its bytes (None: a run from command-line flags).
    pub config_file: Option<(String, String)>,
    /// The Parquet dataset the ledgers come from (`dataset = "DIR"`, resolved against the config's folder); None:
    /// each municipality's `ledgers`.
    pub dataset: Option<PathBuf>,
}

/// The narrow (Fyrbodal) scope: Hardware, Software, Telecom.
pub fn narrow_scope() -> Vec<Pool> {
    vec![Pool::Hardware, Pool::Software, Pool::Telecom]
}

/// The wide (Sundsvall) scope: also local IT staff, IT consultants and bought IT services.
pub fn wide_scope() -> Vec<Pool> {
    vec![
        Pool::Hardware,
        Pool::Software,
        Pool::Telecom,
        Pool::InternalLabor,
        Pool::ExternalLabor,
        Pool::OutsideServices,
    ]
}

/// Parses a scope: `narrow`, `wide`, or a comma-separated list of pools.
pub fn parse_scope(s: &str) -> std::result::Result<(Vec<Pool>, String), String> {
    match s.trim().to_lowercase().as_str() {
        "narrow" | "fyrbodal" => Ok((narrow_scope(), "narrow".into())),
        "wide" | "sundsvall" => Ok((wide_scope(), "wide".into())),
        _ => {
            let pools: std::result::Result<Vec<Pool>, String> = s
                .split(',')
                .map(|p| {
                    Pool::parse(p).ok_or_else(|| {
                        format!(
                            "unknown pool '{}' in scope; expected narrow, wide or pools from {}",
                            p.trim(),
                            Pool::names()
                        )
                    })
                })
                .collect();
            Ok((pools?, "custom".into()))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    rules: Option<String>,
    denominator: Option<String>,
    numerator: Option<String>,
    target_share: Option<toml::Value>,
    scope: Option<String>,
    strict: Option<bool>,
    lenient: Option<bool>,
    #[serde(default)]
    reference: Vec<RawReference>,
    #[serde(default)]
    municipality: Vec<RawMunicipality>,
    benchmark_year: Option<i32>,
    highlight: Option<String>,
    anonymise: Option<bool>,
    supplier_threshold: Option<toml::Value>,
    allocation_keys: Option<String>,
    annualise: Option<bool>,
    #[serde(default)]
    savings: Vec<RawSavings>,
    joint_org: Option<RawJointOrg>,
    csv_dialect: Option<String>,
    #[serde(default)]
    it_org: Vec<it_org::RawItOrg>,
    benchmark_kind: Option<String>,
    maturity: Option<RawMaturity>,
    dataset: Option<String>,
    engine: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaturity {
    file: String,
    dimension: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSavings {
    label: String,
    rate: toml::Value,
    pools: Vec<String>,
    of: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJointOrg {
    label: Option<String>,
    cost: Option<toml::Value>,
    keys: Vec<String>,
    base_share: Option<toml::Value>,
    consumption: Option<String>,
}

/// Reads kronor written as an integer, a float or a string (`"45 939 995"`, `"1 234,50"`) into öre.
fn kronor_from_value(v: &toml::Value) -> std::result::Result<i64, String> {
    match v {
        toml::Value::Integer(i) => i
            .checked_mul(100)
            .ok_or_else(|| format!("{i} kr is too large")),
        toml::Value::Float(f) => Ok((f * 100.0).round() as i64),
        toml::Value::String(s) => crate::money::parse_ore(s)
            .map_err(|e| e.0)?
            .ok_or_else(|| "expected an amount in kronor, found an empty string".to_string()),
        other => Err(format!("expected an amount in kronor, found {other}")),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReference {
    label: String,
    label_sv: Option<String>,
    share: toml::Value,
    source: Option<String>,
    numerator: Option<String>,
    denominator: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMunicipality {
    name: String,
    year: Option<i32>,
    #[serde(default)]
    ledgers: Vec<String>,
    #[serde(default)]
    central_it: Vec<String>,
    #[serde(default)]
    internal_counterparts: Vec<String>,
    external_total: Option<toml::Value>,
    population: Option<u64>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    sheet: Option<String>,
    #[serde(default)]
    departments: BTreeMap<String, Vec<String>>,
    employees: Option<u64>,
    users: Option<u64>,
    devices: Option<u64>,
    kind: Option<String>,
    it_budget: Option<toml::Value>,
    net_cost_budget: Option<toml::Value>,
    budget_source: Option<String>,
    budget_kind: Option<String>,
    omslutning: Option<toml::Value>,
    fte_it: Option<toml::Value>,
    fte_digitalisation: Option<toml::Value>,
    fte_temporary: Option<toml::Value>,
    fte_total: Option<toml::Value>,
    #[serde(default)]
    digitalisation: Vec<String>,
    #[serde(default)]
    staff_it: Vec<String>,
    uplift: Option<toml::Value>,
}

/// Reads a share written as `"2.5%"`, `0.025` or `2.5` … numbers above 1 are refused as ambiguous unless a string
/// with `%`.
pub fn share_from_value(v: &toml::Value) -> std::result::Result<i64, String> {
    match v {
        toml::Value::String(s) => parse_share_ppm(s).map_err(|e| e.0),
        toml::Value::Float(f) if *f >= 0.0 && *f < 1.0 => {
            parse_share_ppm(&format!("{f}")).map_err(|e| e.0)
        }
        toml::Value::Integer(0) => Ok(0),
        other => Err(format!(
            "expected a share like \"2.5%\" or 0.025, found {other}"
        )),
    }
}

/// Splits code lists as written (`1510,1511`, `15*`, `"1410 1411"`) into single codes: commas and spaces both
/// separate (a range is written without spaces, `1500-1599`; `1500 - 1599` is read as that range too).
pub fn split_codes(list: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for item in list {
        for part in item.split(',') {
            let tokens: Vec<&str> = part.split_whitespace().collect();
            let mut k = 0;
            while k < tokens.len() {
                // `1500 - 1599` (spaced range) stays one code.
                if k + 2 < tokens.len() && tokens[k + 1] == "-" {
                    out.push(format!("{}-{}", tokens[k], tokens[k + 2]));
                    k += 3;
                } else {
                    out.push(tokens[k].to_string());
                    k += 1;
                }
            }
        }
    }
    out
}

/// Parses a code list such as `1510,1511`, `15*` or `1410 1411` (see [`split_codes`]).
pub fn parse_codes(list: &[String]) -> std::result::Result<Vec<CodePattern>, String> {
    split_codes(list)
        .iter()
        .map(|s| CodePattern::parse(s))
        .collect()
}

/// File name endings that mark a command-line code as a file name the shell put there.
const FILE_ENDINGS: &[&str] = &[
    ".csv", ".tsv", ".txt", ".se", ".si", ".sie", ".xlsx", ".xls", ".ods", ".parquet", ".toml",
    ".json", ".html",
];

/// Parses `--central-it` values given on the command line: the patterns and the codes as written. A value that is
/// a file name (an unquoted `15*` that the shell expanded into the names of files in the folder) is refused with
/// an explanation, as is a value that is not a code.
pub fn cli_codes(flag: &str, values: &[String]) -> Result<(Vec<CodePattern>, Vec<String>)> {
    let raw = split_codes(values);
    for v in &raw {
        let lower = v.to_lowercase();
        if v.contains('/')
            || v.contains('\\')
            || FILE_ENDINGS.iter().any(|e| lower.ends_with(e))
            || Path::new(v).is_file()
        {
            return Err(Error::usage(format!(
                "{flag} '{v}' is a file name, not a cost centre: the shell expanded an unquoted pattern such as \
                 15* into the names of the files in this folder (and any further names became ledgers); \
                 quote the pattern: {flag} '15*'"
            )));
        }
    }
    let patterns = raw
        .iter()
        .map(|s| CodePattern::parse(s))
        .collect::<std::result::Result<Vec<_>, String>>()
        .map_err(|e| Error::usage(format!("{flag}: {e}")))?;
    Ok((patterns, raw))
}

/// A ledger or dataset of the config: a path relative to the config's folder, or an object-store URL as given.
fn resolved(base: &Path, given: &str) -> PathBuf {
    let p = Path::new(given);
    if crate::engine::store::is_url(p) {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// Loads and validates a run config.
pub fn load(path: &Path) -> Result<RunConfig> {
    load_for(path, None)
}

/// Loads and validates a run config for a run on `engine` (`--engine`, which wins over the config's `engine`;
/// None: the config's). An object-store dataset (`dataset = "s3://…"`) is listed only for an engine that reads
/// object stores: the local engine is refused first, with a usage error saying which engines do.
pub fn load_for(path: &Path, run_engine: Option<&crate::engine::Engine>) -> Result<RunConfig> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let config_sha = crate::audit::sha256_hex(&bytes);
    let src = String::from_utf8(bytes).map_err(|e| {
        Error::rules(format!(
            "{}: not UTF-8 text at byte {}: save the config as UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let shown = path.display().to_string();
    let line_of = |off: usize| {
        src.as_bytes()[..off.min(src.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    let raw: RawConfig = toml::from_str(&src).map_err(|e| match e.span() {
        Some(s) => Error::rules(format!(
            "{shown}:{}: {}",
            line_of(s.start),
            e.message().trim()
        )),
        None => Error::rules(format!("{shown}: {}", e.message().trim())),
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let bad = |m: String| Error::rules(format!("{shown}: {m}"));
    let denominator = match raw.denominator.as_deref() {
        None => Denominator::TotalCost,
        Some(d) => Denominator::parse(d).ok_or_else(|| {
            bad(format!(
                "denominator: expected total_cost, net_cost or external, found '{d}'"
            ))
        })?,
    };
    let numerator = match raw.numerator.as_deref() {
        None => Numerator::CentralIt,
        Some(n) => Numerator::parse(n)
            .ok_or_else(|| bad(format!("numerator: expected central_it or it, found '{n}'")))?,
    };
    let target_ppm = raw
        .target_share
        .as_ref()
        .map(share_from_value)
        .transpose()
        .map_err(|m| bad(format!("target_share: {m}")))?;
    let (outside_scope, scope_name) =
        parse_scope(raw.scope.as_deref().unwrap_or("narrow")).map_err(bad)?;
    let references = if raw.reference.is_empty() {
        default_references()
    } else {
        raw.reference
            .iter()
            .map(|r| {
                let ppm = share_from_value(&r.share)
                    .map_err(|m| bad(format!("reference '{}': {m}", r.label)))?;
                let (Some(n), Some(d)) = (&r.numerator, &r.denominator) else {
                    return Err(bad(format!(
                        "reference '{}': say what it measures with numerator = \"central_it\" or \"it\" and \
                         denominator = \"total_cost\", \"net_cost\" or \"external_total\" (it is compared only \
                         with shares measured the same way)",
                        r.label
                    )));
                };
                let numerator = Numerator::parse(n).ok_or_else(|| {
                    bad(format!(
                        "reference '{}': numerator: expected central_it or it, found '{n}'",
                        r.label
                    ))
                })?;
                let denominator = Denominator::parse(d).ok_or_else(|| {
                    bad(format!(
                        "reference '{}': denominator: expected total_cost, net_cost or external_total, found '{d}'",
                        r.label
                    ))
                })?;
                Ok(Reference {
                    label: r.label.clone(),
                    label_sv: r.label_sv.clone(),
                    share_ppm: ppm,
                    share: ppm as f64 / 1e6,
                    source: r.source.clone().unwrap_or_default(),
                    numerator,
                    denominator,
                    comparable: false,
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    let csv_dialect = match raw.csv_dialect.as_deref() {
        None => Default::default(),
        Some(d) => crate::report::csv::CsvDialect::parse(d).ok_or_else(|| {
            bad(format!(
                "csv_dialect: expected machine or excel-sv, found '{d}'"
            ))
        })?,
    };
    let engine = match raw.engine.as_deref() {
        None => crate::engine::Engine::Local,
        Some(e) => crate::engine::Engine::parse_name(e).map_err(|e| bad(format!("engine: {e}")))?,
    };
    let engine_of_config = engine.clone();
    if raw.municipality.is_empty() {
        return Err(bad(
            "expected at least one [[municipality]] with name, ledgers and central_it".into(),
        ));
    }
    let mut municipalities = Vec::new();
    for m in raw.municipality {
        let kind = it_org::parse_kind(&m.name, "kind", m.kind.as_deref()).map_err(bad)?;
        let budget = it_org::parse_budget(
            &m.name,
            it_org::RawBudget {
                it: m.it_budget.as_ref(),
                net_cost: m.net_cost_budget.as_ref(),
                source: m.budget_source.as_deref(),
                kind: m.budget_kind.as_deref(),
            },
        )
        .map_err(bad)?;
        let central_it = parse_codes(&m.central_it)
            .map_err(|e| bad(format!("municipality '{}': central_it: {e}", m.name)))?;
        let internal_counterparts = parse_codes(&m.internal_counterparts).map_err(|e| {
            bad(format!(
                "municipality '{}': internal_counterparts: {e}",
                m.name
            ))
        })?;
        let mut columns = BTreeMap::new();
        for (k, v) in &m.columns {
            let f = Field::from_key(k).ok_or_else(|| {
                bad(format!(
                    "municipality '{}': columns: unknown field '{k}'; expected one of {}",
                    m.name,
                    Field::keys()
                ))
            })?;
            columns.insert(f, v.clone());
        }
        let external_total_ore = match &m.external_total {
            None => None,
            Some(toml::Value::Integer(i)) => Some(
                i.checked_mul(100)
                    .ok_or_else(|| bad("external_total too large".into()))?,
            ),
            Some(toml::Value::Float(f)) => Some((f * 100.0).round() as i64),
            Some(toml::Value::String(s)) => Some(
                crate::money::parse_ore(s)
                    .map_err(|e| bad(format!("municipality '{}': external_total: {e}", m.name)))?
                    .ok_or_else(|| {
                        bad(format!(
                            "municipality '{}': external_total is empty",
                            m.name
                        ))
                    })?,
            ),
            Some(o) => {
                return Err(bad(format!(
                    "municipality '{}': external_total: expected kronor, found {o}",
                    m.name
                )))
            }
        };
        if denominator == Denominator::External && external_total_ore.is_none() {
            return Err(bad(format!(
                "municipality '{}': denominator is external but no external_total is given",
                m.name
            )));
        }
        if m.ledgers.is_empty() && raw.dataset.is_none() {
            return Err(bad(format!(
                "municipality '{}': expected at least one ledger file (ledgers = […], or dataset = \"DIR\" for \
                 a Parquet dataset)",
                m.name
            )));
        }
        let departments = m
            .departments
            .iter()
            .map(|(name, codes)| {
                parse_codes(codes)
                    .map(|p| (name.clone(), p))
                    .map_err(|e| bad(format!("municipality '{}': departments: {e}", m.name)))
            })
            .collect::<Result<Vec<_>>>()?;
        let sundsvall = {
            let name = &m.name;
            let fte = |key: &str, v: &Option<toml::Value>| -> Result<Option<f64>> {
                v.as_ref()
                    .map(|v| {
                        sundsvall::fte(v)
                            .map_err(|e| bad(format!("municipality '{name}': {key}: {e}")))
                    })
                    .transpose()
            };
            let s = sundsvall::SundsvallInputs {
                omslutning_ore: m
                    .omslutning
                    .as_ref()
                    .map(|v| {
                        kronor_from_value(v)
                            .map_err(|e| bad(format!("municipality '{name}': omslutning: {e}")))
                    })
                    .transpose()?,
                fte_it: fte("fte_it", &m.fte_it)?,
                fte_digitalisation: fte("fte_digitalisation", &m.fte_digitalisation)?,
                fte_temporary: fte("fte_temporary", &m.fte_temporary)?,
                fte_total: fte("fte_total", &m.fte_total)?,
                digitalisation: parse_codes(&m.digitalisation)
                    .map_err(|e| bad(format!("municipality '{name}': digitalisation: {e}")))?,
                digitalisation_raw: split_codes(&m.digitalisation),
                staff_it: parse_codes(&m.staff_it)
                    .map_err(|e| bad(format!("municipality '{name}': staff_it: {e}")))?,
                uplift_ppm: m
                    .uplift
                    .as_ref()
                    .map(|v| {
                        share_from_value(v)
                            .map_err(|e| bad(format!("municipality '{name}': uplift: {e}")))
                    })
                    .transpose()?,
            };
            if let (Some(d), Some(t)) = (s.fte_digitalisation, s.fte_temporary) {
                if t > d {
                    return Err(bad(format!(
                        "municipality '{name}': fte_temporary ({t}) is more than fte_digitalisation ({d}); temporary staff are counted within the digitalisation FTE"
                    )));
                }
            }
            s
        };
        municipalities.push(Municipality {
            sundsvall,
            name: m.name,
            year: m.year,
            ledgers: m.ledgers.iter().map(|l| resolved(&base, l)).collect(),
            central_it,
            central_it_raw: split_codes(&m.central_it),
            internal_counterparts,
            external_total_ore,
            population: m.population,
            columns,
            sheet: m.sheet,
            departments,
            employees: m.employees,
            users: m.users,
            devices: m.devices,
            kind,
            budget,
        });
    }
    let dataset = raw.dataset.as_ref().map(|d| resolved(&base, d));
    if let Some(root) = dataset.as_ref().filter(|d| crate::engine::store::is_url(d)) {
        let on = run_engine.unwrap_or(&engine_of_config);
        if *on == crate::engine::Engine::Local {
            return Err(crate::engine::store::local_refusal(root));
        }
        on.available()?;
    }
    if let Some(root) = &dataset {
        municipalities = dataset::resolve(root, municipalities, &shown)?;
    }
    let mut names: Vec<&str> = Vec::new();
    for m in &municipalities {
        if !names.contains(&m.name.as_str()) {
            names.push(&m.name);
        }
    }
    let it_orgs = it_org::parse_it_orgs(raw.it_org, &names).map_err(bad)?;
    if !it_orgs.is_empty() && raw.anonymise == Some(true) {
        return Err(bad(
            "anonymise = true with [[it_org]] is not supported: an IT organisation's name and members identify it; \
             leave out anonymise, or the it_org blocks"
                .into(),
        ));
    }
    let benchmark_kind = raw
        .benchmark_kind
        .as_deref()
        .map(|k| {
            FigureKind::parse(k).ok_or_else(|| {
                bad(format!(
                    "benchmark_kind: expected {}, found '{k}'",
                    FigureKind::EXPECTED
                ))
            })
        })
        .transpose()?;
    let mut analysis = AnalysisConfig {
        benchmark_year: raw.benchmark_year,
        highlight: raw.highlight.clone(),
        anonymise: raw.anonymise.unwrap_or(false),
        annualise: raw.annualise.unwrap_or(false),
        ..Default::default()
    };
    if let Some(h) = &raw.highlight {
        if !municipalities.iter().any(|m| &m.name == h) {
            return Err(bad(format!(
                "highlight: '{h}' is not one of the municipalities of the run"
            )));
        }
    }
    if let Some(t) = &raw.supplier_threshold {
        analysis.supplier_threshold_ore =
            kronor_from_value(t).map_err(|e| bad(format!("supplier_threshold: {e}")))?;
    }
    for sv in &raw.savings {
        let rate_ppm = share_from_value(&sv.rate)
            .map_err(|e| bad(format!("savings '{}': rate: {e}", sv.label)))?;
        let pools = sv
            .pools
            .iter()
            .map(|p| {
                Pool::parse(p).ok_or_else(|| {
                    bad(format!(
                        "savings '{}': unknown pool '{p}'; expected one of {}",
                        sv.label,
                        Pool::names()
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let of = match sv.of.as_deref() {
            None | Some("central_it") => analysis::SavingsBase::CentralIt,
            Some("it") => analysis::SavingsBase::It,
            Some(o) => {
                return Err(bad(format!(
                    "savings '{}': of: expected central_it or it, found '{o}'",
                    sv.label
                )))
            }
        };
        analysis.savings.push(analysis::SavingsScenario {
            label: sv.label.clone(),
            rate_ppm,
            pools,
            of,
        });
    }
    if let Some(j) = &raw.joint_org {
        let keys = j
            .keys
            .iter()
            .map(|k| {
                analysis::AllocationBasis::parse(k).ok_or_else(|| {
                    bad(format!(
                        "joint_org: unknown key '{k}'; expected equal, population, employees, users or devices"
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        for key in &keys {
            let missing: Vec<&str> = municipalities
                .iter()
                .filter(|m| match key {
                    analysis::AllocationBasis::Equal => false,
                    analysis::AllocationBasis::Population => m.population.is_none(),
                    analysis::AllocationBasis::Employees => m.employees.is_none(),
                    analysis::AllocationBasis::Users => m.users.is_none(),
                    analysis::AllocationBasis::Devices => m.devices.is_none(),
                })
                .map(|m| m.name.as_str())
                .collect();
            if !missing.is_empty() {
                return Err(bad(format!(
                    "joint_org: key '{}' needs {} = … for {}",
                    key.key(),
                    key.key(),
                    missing.join(", ")
                )));
            }
        }
        let cost_ore = match &j.cost {
            None => None,
            Some(toml::Value::String(s)) if s == "central_it" => None,
            Some(v) => {
                Some(kronor_from_value(v).map_err(|e| bad(format!("joint_org: cost: {e}")))?)
            }
        };
        let hybrid = match (&j.base_share, &j.consumption) {
            (None, None) => None,
            (None, Some(_)) => {
                return Err(bad(
                    "joint_org: consumption is given but base_share is not; the hybrid key needs the base fraction shared equally (base_share = \"40%\"; there is no default)".into(),
                ))
            }
            (Some(v), c) => {
                let base_share_ppm = share_from_value(v)
                    .map_err(|e| bad(format!("joint_org: base_share: {e}")))?;
                if !(0..=1_000_000).contains(&base_share_ppm) {
                    return Err(bad("joint_org: base_share must be between 0 % and 100 %".into()));
                }
                let raw = c.as_deref().unwrap_or("");
                let consumption = analysis::AllocationBasis::parse(raw)
                    .filter(|k| *k != analysis::AllocationBasis::Equal)
                    .ok_or_else(|| {
                        bad(format!(
                            "joint_org: consumption = '{raw}'; the hybrid key charges use by users or devices (or employees, population): expected consumption = \"users\" or \"devices\""
                        ))
                    })?;
                let missing: Vec<&str> = municipalities
                    .iter()
                    .filter(|m| {
                        match consumption {
                            analysis::AllocationBasis::Population => m.population,
                            analysis::AllocationBasis::Employees => m.employees,
                            analysis::AllocationBasis::Users => m.users,
                            _ => m.devices,
                        }
                        .is_none()
                    })
                    .map(|m| m.name.as_str())
                    .collect();
                if !missing.is_empty() {
                    return Err(bad(format!(
                        "joint_org: the hybrid key's consumption '{}' needs {} = … for {}",
                        consumption.key(),
                        consumption.key(),
                        missing.join(", ")
                    )));
                }
                Some(analysis::HybridKey {
                    base_share_ppm,
                    consumption,
                })
            }
        };
        analysis.joint_org = Some(analysis::JointOrg {
            hybrid,
            label: j
                .label
                .clone()
                .unwrap_or_else(|| "Joint IT organisation".into()),
            cost_ore,
            keys,
        });
    }
    if let Some(mt) = &raw.maturity {
        let scores = maturity::read_maturity(&base.join(&mt.file))?;
        if let Some(d) = &mt.dimension {
            if !scores
                .iter()
                .any(|s| s.dimension.trim().eq_ignore_ascii_case(d.trim()))
            {
                let mut known: Vec<&str> = scores.iter().map(|s| s.dimension.as_str()).collect();
                known.sort_unstable();
                known.dedup();
                return Err(bad(format!(
                    "maturity: dimension '{d}' is not in {}; it has {}",
                    mt.file,
                    known.join(", ")
                )));
            }
        }
        analysis.maturity = Some(maturity::MaturityConfig {
            scores,
            dimension: mt.dimension.clone(),
            file: mt.file.clone(),
        });
    }
    if let Some(k) = &raw.allocation_keys {
        let keys = analysis::read_allocation_keys(&base.join(k))?;
        for key in &keys {
            if !municipalities.iter().any(|m| m.name == key.municipality) {
                return Err(Error::input(format!(
                    "{}: '{}' is not one of the municipalities of the run",
                    key.source, key.municipality
                )));
            }
        }
        analysis.allocation_keys = keys;
    }
    Ok(RunConfig {
        title: raw.title.unwrap_or_else(|| shown.clone()),
        rules: raw.rules.map(|r| {
            if r.starts_with("builtin:") {
                PathBuf::from(r)
            } else {
                base.join(r)
            }
        }),
        denominator,
        numerator,
        target_ppm,
        outside_scope,
        scope_name,
        strict: raw.strict.unwrap_or(false),
        lenient: raw.lenient.unwrap_or(false),
        references,
        municipalities,
        analysis,
        keep_lines: false,
        csv_dialect,
        it_orgs,
        benchmark_kind,
        engine,
        config_file: Some((shown, config_sha)),
        dataset,
    })
}
