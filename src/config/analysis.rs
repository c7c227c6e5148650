//! The run config's analysis settings: benchmark view, supplier threshold, savings scenarios, the joint IT
//! organisation's allocation keys, and the allocation-keys file (work areas as the IT manager reports them).

use super::small_csv::SmallCsv;
use crate::error::{Error, Result};
use crate::rules::taxonomy::{Pool, Tower};
use std::path::Path;

/// What the analyses need besides the ledgers (all optional; defaults give every analysis that needs no input).
#[derive(Debug, Clone)]
pub struct AnalysisConfig {
    /// Benchmark only units of this year (None: every unit of the run).
    pub benchmark_year: Option<i32>,
    /// The municipality shown by name in the anonymised benchmark view.
    pub highlight: Option<String>,
    /// Show the other municipalities as letters (A, B, …) in the report's benchmark view.
    pub anonymise: bool,
    /// Suppliers count in the supplier analysis from this amount (öre) per pool and municipality.
    pub supplier_threshold_ore: i64,
    /// Savings scenarios.
    pub savings: Vec<SavingsScenario>,
    /// How to split a joint IT organisation's cost over the municipalities.
    pub joint_org: Option<JointOrg>,
    /// Work-area (or tower) keys per municipality and year.
    pub allocation_keys: Vec<AllocationKey>,
    /// Scale ledgers with missing months to twelve months in an extra, labelled column.
    pub annualise: bool,
    /// DiMiOS maturity scores to set beside the shares (A20).
    pub maturity: Option<super::maturity::MaturityConfig>,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            benchmark_year: None,
            highlight: None,
            anonymise: false,
            supplier_threshold_ore: DEFAULT_SUPPLIER_THRESHOLD_ORE,
            savings: Vec::new(),
            joint_org: None,
            allocation_keys: Vec::new(),
            annualise: false,
            maturity: None,
        }
    }
}

/// 100 000 kr: the studies' own threshold was lost in OCR; this is a round default, configurable.
pub const DEFAULT_SUPPLIER_THRESHOLD_ORE: i64 = 10_000_000;

/// A savings scenario: `rate` applied to the chosen pools of central IT (or all IT).
#[derive(Debug, Clone)]
pub struct SavingsScenario {
    /// Label shown in the report.
    pub label: String,
    /// Rate, parts per million.
    pub rate_ppm: i64,
    /// Pools it applies to.
    pub pools: Vec<Pool>,
    /// `central_it` (default) or `it` (central and outside).
    pub of: SavingsBase,
}

/// Which cost a savings scenario applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavingsBase {
    /// Central IT cost per pool.
    CentralIt,
    /// Central and outside IT cost per pool.
    It,
}

/// A joint IT organisation and the keys to compare for splitting its cost.
#[derive(Debug, Clone)]
pub struct JointOrg {
    /// Label shown in the report.
    pub label: String,
    /// A fixed cost in öre; None: the summed numerator (central IT cost) of the benchmarked municipalities.
    pub cost_ore: Option<i64>,
    /// The keys to compare.
    pub keys: Vec<AllocationBasis>,
    /// Dalsland's hybrid key (A17), when `base_share` is given: base IT shared equally, the rest by use.
    pub hybrid: Option<HybridKey>,
}

/// Dalsland's hybrid key (004:803-848): a base fraction of the joint cost shared equally ("delas i lika delar"),
/// the rest charged by use (users or devices, 004:769-770). The base fraction has no default: it is a political
/// choice the config must state (`base_share = "40%"`).
#[derive(Debug, Clone, Copy)]
pub struct HybridKey {
    /// The base fraction, parts per million.
    pub base_share_ppm: i64,
    /// The consumption key: users or devices (or employees, population).
    pub consumption: AllocationBasis,
}

/// A key for splitting a joint cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllocationBasis {
    /// Equal shares.
    Equal,
    /// By inhabitants (`population`).
    Population,
    /// By employees (`employees`).
    Employees,
    /// By IT users (`users`).
    Users,
    /// By devices (`devices`).
    Devices,
}

impl AllocationBasis {
    /// Parses `equal`, `population`, `employees`, `users`, `devices` (and Swedish: lika, invånare, anställda,
    /// användare, enheter/datorer).
    pub fn parse(s: &str) -> Option<AllocationBasis> {
        Some(match s.trim().to_lowercase().as_str() {
            "equal" | "lika" => AllocationBasis::Equal,
            "population" | "inhabitants" | "invånare" => AllocationBasis::Population,
            "employees" | "anställda" => AllocationBasis::Employees,
            "users" | "användare" => AllocationBasis::Users,
            "devices" | "enheter" | "datorer" => AllocationBasis::Devices,
            _ => return None,
        })
    }

    /// The config key.
    pub fn key(self) -> &'static str {
        match self {
            AllocationBasis::Equal => "equal",
            AllocationBasis::Population => "population",
            AllocationBasis::Employees => "employees",
            AllocationBasis::Users => "users",
            AllocationBasis::Devices => "devices",
        }
    }
}

/// The four work areas of the Fyrbodal study (over the TBM towers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkArea {
    /// Infrastruktur: data centre, servers, storage, network, platform, central print.
    Infrastructure,
    /// Slutanvändartjänster: help desk, workplace, telephony.
    EndUser,
    /// Applikationsverksamhet: application maintenance and development.
    Application,
    /// Styra och stödja: IT management, strategy, service management, IT security.
    SteerSupport,
}

impl WorkArea {
    /// In report order.
    pub const ALL: [WorkArea; 4] = [
        WorkArea::Infrastructure,
        WorkArea::EndUser,
        WorkArea::Application,
        WorkArea::SteerSupport,
    ];

    /// English name (data, JSON, CSV).
    pub fn name(self) -> &'static str {
        match self {
            WorkArea::Infrastructure => "Infrastructure",
            WorkArea::EndUser => "End-user services",
            WorkArea::Application => "Application services",
            WorkArea::SteerSupport => "Steer and support",
        }
    }

    /// Swedish label (reports).
    pub fn label_sv(self) -> &'static str {
        match self {
            WorkArea::Infrastructure => "Infrastruktur",
            WorkArea::EndUser => "Slutanvändartjänster",
            WorkArea::Application => "Applikationsverksamhet",
            WorkArea::SteerSupport => "Styra och stödja",
        }
    }

    /// Run (drift) areas: Infrastruktur and Slutanvändartjänster; the others are development.
    pub fn is_run(self) -> bool {
        matches!(self, WorkArea::Infrastructure | WorkArea::EndUser)
    }

    /// The work area a TBM tower belongs to.
    pub fn of_tower(t: Tower) -> WorkArea {
        match t {
            Tower::DataCenter
            | Tower::Compute
            | Tower::Storage
            | Tower::Network
            | Tower::Platform
            | Tower::Output => WorkArea::Infrastructure,
            Tower::EndUser => WorkArea::EndUser,
            Tower::Application | Tower::Delivery => WorkArea::Application,
            Tower::SecurityCompliance | Tower::ItManagement => WorkArea::SteerSupport,
        }
    }

    /// Parses a work-area name (Swedish or English, case and punctuation ignored).
    pub fn parse(raw: &str) -> Option<WorkArea> {
        let k = crate::ingest::columns::normalize(raw);
        WorkArea::ALL.into_iter().find(|a| {
            k == crate::ingest::columns::normalize(a.name())
                || k == crate::ingest::columns::normalize(a.label_sv())
        })
    }
}

/// One row of the allocation-keys file, resolved to a work area.
#[derive(Debug, Clone)]
pub struct AllocationKey {
    /// Municipality name.
    pub municipality: String,
    /// Year (None: every year of that municipality).
    pub year: Option<i32>,
    /// Work area (a tower in the file is mapped to its work area).
    pub area: WorkArea,
    /// Weight: parts per million of the unassigned central IT cost when `percent`, else staff (FTE × 1000).
    pub weight: i64,
    /// True when the file gives percentages (the rest stays unallocated); false for staff counts (normalised).
    pub percent: bool,
    /// Where it came from, `file:line`.
    pub source: String,
}

/// Reads an allocation-keys file: a CSV (`;`, `,` or TAB) with the columns municipality/kommun, year/år (may be
/// empty), area/arbetsområde (a work area or a TBM tower), and share/andel (`35%`) or fte/årsarbetare (`4.5`).
/// Per municipality and year the values are either all percentages (their sum ≤ 100 %; the rest stays
/// unallocated) or all staff counts (normalised to 100 %).
pub fn read_allocation_keys(path: &Path) -> Result<Vec<AllocationKey>> {
    let csv = SmallCsv::read(
        path,
        "allocation-keys file; expected a header like municipality;year;area;share",
    )?;
    let shown = &csv.shown;
    let m_col = csv.column(&["municipality", "kommun"]);
    let y_col = csv.column(&["year", "ar"]);
    let a_col = csv.column(&["area", "arbetsomrade", "workarea", "tower", "torn"]);
    let v_col = csv.column(&["share", "andel", "fte", "arsarbetare", "staff", "personal"]);
    let (Some(m_col), Some(a_col), Some(v_col)) = (m_col, a_col, v_col) else {
        return Err(Error::input(format!(
            "{shown}:1: expected the columns municipality, year, area and share (or fte), found '{}'",
            csv.header
        )));
    };
    let mut out = Vec::new();
    for row in csv.rows() {
        let n = row.n;
        let get = |c: usize| row.get(c);
        let municipality = get(m_col).to_string();
        if municipality.is_empty() {
            return Err(Error::input(format!(
                "{shown}:{n}: expected a municipality name, found an empty field"
            )));
        }
        let year = match y_col.map(get).filter(|y| !y.is_empty()) {
            None => None,
            Some(y) => Some(y.parse::<i32>().map_err(|_| {
                Error::input(format!(
                    "{shown}:{n}: expected a year like 2024, found '{y}'"
                ))
            })?),
        };
        let raw_area = get(a_col);
        let area = WorkArea::parse(raw_area)
            .or_else(|| Tower::parse(raw_area).map(WorkArea::of_tower))
            .ok_or_else(|| {
                Error::input(format!(
                    "{shown}:{n}: unknown work area '{raw_area}'; expected Infrastruktur, Slutanvändartjänster, \
                     Applikationsverksamhet, Styra och stödja, or a tower ({})",
                    Tower::names()
                ))
            })?;
        let raw_value = get(v_col);
        let percent = raw_value.ends_with('%');
        let weight = if percent {
            crate::money::parse_share_ppm(raw_value).ok()
        } else {
            crate::money::parse_fixed(raw_value, 3)
        }
        .filter(|w| *w >= 0)
        .ok_or_else(|| {
            Error::input(format!(
                "{shown}:{n}: expected a share like 35% or a staff count like 4.5, found '{raw_value}'"
            ))
        })?;
        out.push(AllocationKey {
            municipality,
            year,
            area,
            weight,
            percent,
            source: format!("{shown}:{n}"),
        });
    }
    // Per municipality and year: one kind of value, percentages at most 100 %.
    let mut groups: std::collections::BTreeMap<(String, Option<i32>), Vec<&AllocationKey>> =
        Default::default();
    for k in &out {
        groups
            .entry((k.municipality.clone(), k.year))
            .or_default()
            .push(k);
    }
    for ((m, y), keys) in groups {
        let year = y.map(|y| format!(" {y}")).unwrap_or_default();
        if keys.iter().any(|k| k.percent) && keys.iter().any(|k| !k.percent) {
            return Err(Error::input(format!(
                "{}: {m}{year} mixes percentages and staff counts; use one kind per municipality",
                keys[0].source
            )));
        }
        let sum: i64 = keys.iter().filter(|k| k.percent).map(|k| k.weight).sum();
        if sum > 1_000_000 {
            return Err(Error::input(format!(
                "{}: the shares of {m}{year} add up to {:.1} %, more than 100 %",
                keys[0].source,
                sum as f64 / 10_000.0
            )));
        }
    }
    Ok(out)
}
