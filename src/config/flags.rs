//! A run config from command-line flags: ledgers given directly (`itcost run LEDGER… --central-it LIST`), or a
//! config file with flags that override it. The command line hands over the flags' raw text in [`RunFlags`];
//! everything they mean (defaults, parsing, which combinations are refused) is decided here.

use super::{
    cli_codes, default_references, narrow_scope, parse_scope, Denominator, Municipality, Numerator,
    RunConfig,
};
use crate::error::{Error, Result};
use crate::ingest::columns::Field;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The run-related flags of `itcost run`, as written on the command line (not yet parsed).
#[derive(Debug, Clone, Default)]
pub struct RunFlags {
    /// Ledger files of one municipality (exclusive with `config`).
    pub ledgers: Vec<PathBuf>,
    /// A run config file.
    pub config: Option<PathBuf>,
    /// `--central-it`, each possibly comma-separated.
    pub central_it: Vec<String>,
    /// `--municipality`.
    pub municipality: Option<String>,
    /// `--year`.
    pub year: Option<i32>,
    /// `--rules`.
    pub rules: Option<PathBuf>,
    /// `--denominator` (clap checked the value).
    pub denominator: Option<Denominator>,
    /// `--numerator` (clap checked the value).
    pub numerator: Option<Numerator>,
    /// `--target`.
    pub target: Option<String>,
    /// `--scope`.
    pub scope: Option<String>,
    /// `--column FIELD=HEADER`, repeatable.
    pub columns: Vec<String>,
    /// `--sheet`.
    pub sheet: Option<String>,
    /// `--strict` (added to the config's `strict`).
    pub strict: bool,
    /// `--lenient` (added to the config's `lenient`).
    pub lenient: bool,
    /// Keep every ledger line (true when `--out` writes classified.parquet).
    pub keep_lines: bool,
    /// `--csv-dialect` (overrides the config's `csv_dialect`).
    pub csv_dialect: Option<crate::report::csv::CsvDialect>,
    /// `--engine` (overrides the config's `engine`).
    pub engine: Option<crate::engine::Engine>,
}

impl RunConfig {
    /// The run config the flags describe: the config file with the flags applied, or one municipality made of the
    /// ledgers on the command line. A flag that cannot be (a bad value, a file name for a code, ledgers and a config
    /// together) is a usage error (exit 64) naming the flag.
    pub fn from_flags(f: &RunFlags) -> Result<RunConfig> {
        let mut cfg = match &f.config {
            Some(p) => {
                if !f.ledgers.is_empty() {
                    return Err(Error::usage(
                        "give either ledger files or --config, not both",
                    ));
                }
                super::load_for(p, f.engine.as_ref())?
            }
            None => {
                let Some(first) = f.ledgers.first() else {
                    return Err(Error::usage(
                        "no ledger given: itcost run LEDGER... --central-it LIST, or itcost run --config FILE (see itcost run --help)",
                    ));
                };
                let name = f.municipality.clone().unwrap_or_else(|| {
                    first
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "ledger".into())
                });
                let (central_it, central_it_raw) = cli_codes("--central-it", &f.central_it)?;
                let mut m = Municipality::new(name, f.year, f.ledgers.clone());
                m.central_it = central_it;
                m.central_it_raw = central_it_raw;
                m.columns = parse_column_flags(&f.columns)?;
                m.sheet = f.sheet.clone();
                RunConfig::single(m)
            }
        };
        if let Some(r) = &f.rules {
            cfg.rules = Some(r.clone());
        }
        if let Some(d) = f.denominator {
            cfg.denominator = d;
            if cfg.denominator == Denominator::External
                && cfg
                    .municipalities
                    .iter()
                    .any(|m| m.external_total_ore.is_none())
            {
                return Err(Error::rules(
                    "--denominator external needs external_total for every municipality in the config",
                ));
            }
        }
        if let Some(n) = f.numerator {
            cfg.numerator = n;
        }
        if let Some(d) = f.csv_dialect {
            cfg.csv_dialect = d;
        }
        if let Some(e) = &f.engine {
            cfg.engine = e.clone();
        }
        if let Some(t) = &f.target {
            cfg.target_ppm = Some(
                crate::money::parse_share_ppm(t)
                    .map_err(|e| Error::usage(format!("--target: {e}")))?,
            );
        }
        if let Some(s) = &f.scope {
            let (pools, name) =
                parse_scope(s).map_err(|e| Error::usage(format!("--scope: {e}")))?;
            cfg.outside_scope = pools;
            cfg.scope_name = name;
        }
        if f.config.is_some() && (!f.central_it.is_empty() || !f.columns.is_empty()) {
            return Err(Error::usage("--central-it and --column apply to ledgers on the command line; with --config, set them per municipality"));
        }
        cfg.strict = cfg.strict || f.strict;
        cfg.lenient = cfg.lenient || f.lenient;
        cfg.keep_lines = f.keep_lines;
        Ok(cfg)
    }

    /// The size in bytes of every ledger file of the run (for the progress bar; unreadable ones count 0).
    pub fn ledger_bytes(&self) -> u64 {
        self.municipalities
            .iter()
            .flat_map(|m| m.ledgers.iter())
            .filter_map(|p| std::fs::metadata(p).ok().map(|m| m.len()))
            .sum()
    }

    /// A run of one municipality with every setting at its default (titled with the municipality's name).
    pub fn single(m: Municipality) -> RunConfig {
        RunConfig {
            title: m.name.clone(),
            rules: None,
            denominator: Denominator::TotalCost,
            numerator: Numerator::CentralIt,
            target_ppm: None,
            outside_scope: narrow_scope(),
            scope_name: "narrow".into(),
            strict: false,
            lenient: false,
            references: default_references(),
            municipalities: vec![m],
            analysis: Default::default(),
            keep_lines: false,
            csv_dialect: Default::default(),
            it_orgs: Vec::new(),
            benchmark_kind: None,
            engine: Default::default(),
            config_file: None,
            dataset: None,
        }
    }
}

impl Municipality {
    /// A municipality with its name, year and ledgers, and nothing else set (no central IT cost centres).
    pub fn new(name: String, year: Option<i32>, ledgers: Vec<PathBuf>) -> Municipality {
        Municipality {
            name,
            year,
            ledgers,
            central_it: Vec::new(),
            central_it_raw: Vec::new(),
            internal_counterparts: Vec::new(),
            external_total_ore: None,
            population: None,
            columns: BTreeMap::new(),
            sheet: None,
            departments: Vec::new(),
            employees: None,
            users: None,
            devices: None,
            kind: Default::default(),
            budget: None,
            sundsvall: Default::default(),
        }
    }
}

/// Parses `--column FIELD=HEADER` flags into a column mapping; an unknown field or a missing `=` is a usage error
/// naming the flag and the fields expected.
pub fn parse_column_flags(args: &[String]) -> Result<BTreeMap<Field, String>> {
    let mut map = BTreeMap::new();
    for a in args {
        let (k, v) = a.split_once('=').ok_or_else(|| {
            Error::usage(format!(
                "--column '{a}': expected FIELD=HEADER, e.g. cost_centre=Ansvarsenhet"
            ))
        })?;
        let f = Field::from_key(k).ok_or_else(|| {
            Error::usage(format!(
                "--column '{a}': unknown field '{k}'; expected one of {}",
                Field::keys()
            ))
        })?;
        map.insert(f, v.to_string());
    }
    Ok(map)
}
