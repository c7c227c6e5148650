//! The run config (TOML): which municipalities, their ledgers and central IT cost centres, the denominator, the
//! target share and reference lines. Paths in it are relative to the config file. Documented in README.

pub mod analysis;
pub mod flags;

use crate::error::{Error, Result};
use crate::ingest::columns::Field;
use crate::money::parse_share_ppm;
use crate::rules::pattern::CodePattern;
use crate::rules::taxonomy::Pool;
pub use analysis::{AnalysisConfig, WorkArea};
pub use flags::{parse_column_flags, RunFlags};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Which total the IT cost is divided by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denominator {
    /// Operating cost incl. depreciation, after internal eliminations (Fyrbodal; default).
    TotalCost,
    /// Total cost minus external operating revenue (Dalsland).
    NetCost,
    /// A total given per municipality and year in the config (annual report, SCB).
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numerator {
    /// The central IT department's cost (Fyrbodal, Dalsland).
    CentralIt,
    /// Central IT plus IT outside central IT.
    It,
}

/// A reference line in the benchmark.
#[derive(Debug, Clone)]
pub struct Reference {
    /// What it is.
    pub label: String,
    /// The share, parts per million.
    pub share_ppm: i64,
    /// The share as a fraction (for JSON).
    pub share: f64,
    /// Where the figure comes from.
    pub source: String,
}

/// The default reference lines (brief.md).
pub fn default_references() -> Vec<Reference> {
    vec![
        Reference {
            label: "Research level (SCDI): just under 2 % of operating cost on central IT".into(),
            share_ppm: 20_000,
            share: 0.02,
            source: "SCDI / Forskningskonsortiet Digital Förvaltning, cited in Fyrbodal Digital motor 2021".into(),
        },
        Reference {
            label: "National average 2021: 2.5 % of net cost on IT".into(),
            share_ppm: 25_000,
            share: 0.025,
            source: "Radar Group, cited in Dalsland IT-samverkan förstudie 2024".into(),
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
    share: toml::Value,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMunicipality {
    name: String,
    year: Option<i32>,
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

/// Parses a comma-separated code list such as `1510,1511` or `15*`.
pub fn parse_codes(list: &[String]) -> std::result::Result<Vec<CodePattern>, String> {
    list.iter()
        .flat_map(|s| s.split(','))
        .filter(|s| !s.trim().is_empty())
        .map(CodePattern::parse)
        .collect()
}

/// Loads and validates a run config.
pub fn load(path: &Path) -> Result<RunConfig> {
    let src = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
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
        None | Some("central_it") => Numerator::CentralIt,
        Some("it") | Some("it_cost") => Numerator::It,
        Some(o) => {
            return Err(bad(format!(
                "numerator: expected central_it or it, found '{o}'"
            )))
        }
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
                Ok(Reference {
                    label: r.label.clone(),
                    share_ppm: ppm,
                    share: ppm as f64 / 1e6,
                    source: r.source.clone().unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    if raw.municipality.is_empty() {
        return Err(bad(
            "expected at least one [[municipality]] with name, ledgers and central_it".into(),
        ));
    }
    let mut municipalities = Vec::new();
    for m in raw.municipality {
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
        if m.ledgers.is_empty() {
            return Err(bad(format!(
                "municipality '{}': expected at least one ledger file",
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
        municipalities.push(Municipality {
            name: m.name,
            year: m.year,
            ledgers: m.ledgers.iter().map(|l| base.join(l)).collect(),
            central_it,
            central_it_raw: m.central_it.clone(),
            internal_counterparts,
            external_total_ore,
            population: m.population,
            columns,
            sheet: m.sheet,
            departments,
            employees: m.employees,
            users: m.users,
            devices: m.devices,
        });
    }
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
        analysis.joint_org = Some(analysis::JointOrg {
            label: j
                .label
                .clone()
                .unwrap_or_else(|| "Joint IT organisation".into()),
            cost_ore,
            keys,
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
    })
}
