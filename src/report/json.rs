//! The JSON summary `itcost.summary/1`: a documented contract (README "JSON contract") that other tools read.
//!
//! The contract has its own wire types, here and in the submodules (one per top-level object), converted from
//! the internal results: the internal types can change without changing a byte of the contract, and a change of
//! the contract is a change of this module (and of the README section a test holds against it). The wire types
//! keep today's spellings exactly, inconsistencies included; README lists those to unify in `itcost.summary/2`.

mod analyses;
mod audit;
mod benchmark;
mod diagnostics;
mod inputs;
mod investment;
mod it_orgs;
mod municipality;
mod sundsvall;

pub use analyses::*;
pub use audit::*;
pub use benchmark::*;
pub use diagnostics::*;
pub use inputs::*;
pub use investment::*;
pub use it_orgs::*;
pub use municipality::*;
pub use sundsvall::*;

use crate::config::analysis::SavingsBase;
use crate::config::{Denominator, Numerator};
use crate::ingest::detect::Encoding;
use crate::ingest::Format;
use crate::money::Kr;
use crate::pipeline::RunResult;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// Version of the JSON contract; bumped only on breaking changes.
pub const SCHEMA: &str = "itcost.summary/1";

/// The top-level JSON document of `itcost run --json` and `summary.json`.
#[derive(Serialize)]
pub struct Summary<'a> {
    /// Contract version.
    pub schema: &'static str,
    /// itcost version that wrote it.
    pub itcost_version: &'static str,
    /// The engine that computed the per-key sums: `local`, `datafusion` or `ballista` (issue 15).
    pub engine: &'a str,
    /// Title of the run.
    pub title: &'a str,
    /// The rules used.
    pub rules: RulesInfo<'a>,
    /// Pools counted outside central IT.
    pub scope: ScopeInfo,
    /// Denominator of every share.
    pub denominator: &'static str,
    /// Per municipality and year.
    pub municipalities: Vec<Municipality<'a>>,
    /// The comparison.
    pub benchmark: Benchmark<'a>,
    /// What was read, per file.
    pub inputs: Vec<Input<'a>>,
    /// Distinct key tuples the rules were evaluated on.
    pub distinct_keys: usize,
    /// The analyses of the studies (added in 0.2 without breaking `itcost.summary/1`).
    pub analyses: Analyses<'a>,
    /// The IT organisations of the benchmark (empty without `[[it_org]]`).
    pub it_orgs: Vec<ItOrg<'a>>,
    /// Budgets and forecasts against outcome, where both exist.
    pub budget_outcome: Vec<BudgetOutcome<'a>>,
    /// What the figures can be traced to: version, rules, config and input files with their SHA-256.
    pub audit: Audit<'a>,
}

/// Which rules were used.
#[derive(Serialize)]
pub struct RulesInfo<'a> {
    /// Path or `builtin:NAME`.
    pub source: &'a str,
    /// Name from the file.
    pub name: &'a str,
    /// Chart of accounts.
    pub chart: &'a str,
    /// Number of `[[rule]]` blocks.
    pub rules: usize,
}

/// The outside-central-IT scope.
#[derive(Serialize)]
pub struct ScopeInfo {
    /// `narrow`, `wide` or `custom`.
    pub name: String,
    /// The pools.
    pub pools: Vec<&'static str>,
}

/// Builds the summary document.
pub fn summary(r: &RunResult) -> Summary<'_> {
    Summary {
        schema: SCHEMA,
        itcost_version: env!("CARGO_PKG_VERSION"),
        engine: &r.engine,
        title: &r.config.title,
        rules: RulesInfo {
            source: &r.rules.source,
            name: &r.rules.name,
            chart: &r.rules.chart,
            rules: r.rules.rules.len(),
        },
        scope: ScopeInfo {
            name: r.config.scope_name.clone(),
            pools: r.config.outside_scope.iter().map(|p| p.name()).collect(),
        },
        // The top level spells the external denominator `external_total`; `benchmark` and the municipalities
        // spell it `external` (to unify in itcost.summary/2, see README).
        denominator: r.config.denominator.key(),
        municipalities: r.municipalities.iter().map(Municipality::from).collect(),
        benchmark: Benchmark::from(&r.benchmark),
        inputs: r.inputs.iter().map(Input::from).collect(),
        distinct_keys: r.distinct_keys,
        analyses: Analyses::from(&r.analyses),
        it_orgs: r.it_orgs.iter().map(ItOrg::from).collect(),
        budget_outcome: r.budget.iter().map(BudgetOutcome::from).collect(),
        audit: Audit::from(&r.audit),
    }
}

/// The summary as pretty JSON text.
pub fn to_string(r: &RunResult) -> String {
    let text = serde_json::to_value(summary(r)).map(|mut doc| {
        // Anonymised: the letters' amounts are withheld (report::withhold); a no-op otherwise.
        super::withhold::json(r, &mut doc);
        serde_json::to_string_pretty(&doc)
    });
    match text {
        Ok(Ok(s)) => s,
        Ok(Err(e)) | Err(e) => format!("{{\"error\": \"{e}\"}}"),
    }
}

/// An amount in kronor: a JSON number with at most two decimals (öre / 100).
fn kr(k: Kr) -> f64 {
    crate::money::ore_to_kr_f64(k.0)
}

/// For `skip_serializing_if`: an empty text is left out.
fn is_empty(s: &&str) -> bool {
    s.is_empty()
}

/// A JSON object whose keys keep the order they are given in (the internal maps' order).
pub struct Map<K, V>(Vec<(K, V)>);

impl<K, V> FromIterator<(K, V)> for Map<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Map(iter.into_iter().collect())
    }
}

impl<K: Serialize, V: Serialize> Serialize for Map<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// A denominator as the municipalities and the benchmark spell it (`external`, where the top level says
/// `external_total`).
fn denominator(d: Denominator) -> &'static str {
    match d {
        Denominator::TotalCost => "total_cost",
        Denominator::NetCost => "net_cost",
        Denominator::External => "external",
    }
}

/// A numerator: `central_it` or `it`.
fn numerator(n: Numerator) -> &'static str {
    match n {
        Numerator::CentralIt => "central_it",
        Numerator::It => "it",
    }
}

/// What a savings scenario's rate applies to: `central_it` or `it`.
fn savings_base(b: SavingsBase) -> &'static str {
    match b {
        SavingsBase::CentralIt => "central_it",
        SavingsBase::It => "it",
    }
}

/// A file's encoding: `UTF-8 with BOM`, `UTF-8`, `UTF-16`, `Windows-1252` or `binary`.
fn encoding(e: Encoding) -> &'static str {
    match e {
        Encoding::Utf8Bom => "UTF-8 with BOM",
        Encoding::Utf8 => "UTF-8",
        Encoding::Utf16 => "UTF-16",
        Encoding::Windows1252 => "Windows-1252",
        Encoding::Binary => "binary",
    }
}

/// An input format: `delimited_text`, `sie`, `spreadsheet` or `parquet`.
fn format_key(f: Format) -> &'static str {
    match f {
        Format::DelimitedText => "delimited_text",
        Format::Sie => "sie",
        Format::Spreadsheet => "spreadsheet",
        Format::Parquet => "parquet",
    }
}
