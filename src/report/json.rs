//! The JSON summary: a documented contract (README "JSON contract") that other tools read.

use crate::aggregate::MunicipalityResult;
use crate::compare::Benchmark;
use crate::ingest::IngestReport;
use crate::pipeline::RunResult;
use serde::Serialize;

/// Version of the JSON contract; bumped only on breaking changes.
pub const SCHEMA: &str = "itcost.summary/1";

/// The top-level JSON document of `itcost run --json` and `summary.json`.
#[derive(Serialize)]
pub struct Summary<'a> {
    /// Contract version.
    pub schema: &'static str,
    /// itcost version that wrote it.
    pub itcost_version: &'static str,
    /// Title of the run.
    pub title: &'a str,
    /// The rules used.
    pub rules: RulesInfo<'a>,
    /// Pools counted outside central IT.
    pub scope: ScopeInfo,
    /// Denominator of every share.
    pub denominator: &'static str,
    /// Per municipality and year.
    pub municipalities: &'a [MunicipalityResult],
    /// The comparison.
    pub benchmark: &'a Benchmark,
    /// What was read, per file.
    pub inputs: &'a [IngestReport],
    /// Distinct key tuples the rules were evaluated on.
    pub distinct_keys: usize,
    /// The analyses of the studies (added in 0.2 without breaking `itcost.summary/1`).
    pub analyses: &'a crate::compare::Analyses,
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
        denominator: r.config.denominator.key(),
        municipalities: &r.municipalities,
        benchmark: &r.benchmark,
        inputs: &r.inputs,
        distinct_keys: r.distinct_keys,
        analyses: &r.analyses,
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
