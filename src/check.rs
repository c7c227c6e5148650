//! `itcost check`: a rules file validated, and a run config checked the way a run would read it — every ledger
//! there, every line readable, every central IT cost centre found, twelve months each — with every problem
//! reported at once rather than the first one.

use crate::config;
use crate::error::{Error, Result};
use crate::pipeline;
use crate::rules::RuleSet;
use std::path::Path;

/// The rules file to check: the one given, else the run config's, else the embedded default (None).
pub fn rules_path(
    rules: Option<&Path>,
    config: Option<&Path>,
) -> Result<Option<std::path::PathBuf>> {
    Ok(match (rules, config) {
        (Some(r), _) => Some(r.to_path_buf()),
        (None, Some(c)) => config::load(c)?.rules,
        (None, None) => None,
    })
}

/// The lines printed for a valid rules file: a summary, then its notes.
pub fn rules_summary(rules: &RuleSet) -> Vec<String> {
    let mut out = vec![format!(
        "{}: ok — {} rules, {} account classes, chart '{}'",
        rules.source,
        rules.rules.len(),
        rules.accounts.len(),
        rules.chart
    )];
    if !rules.includes.is_empty() {
        out.push(format!(
            "includes {}: its own rules are tried first",
            rules.includes.join(", which includes ")
        ));
    }
    out.push("effective order (the first rule that matches decides):".into());
    out.extend(rules.order_lines());
    out.extend(rules.notes.iter().map(|n| format!("note: {n}")));
    out
}

/// Checks a run config by reading its ledgers as a (lenient) run would. Ok: the line to print; Err: a config
/// error listing every problem (missing ledgers first, on their own; then unreadable lines, warnings and missing
/// months).
pub fn run_config(c: &Path) -> Result<String> {
    let cfg = config::load(c)?;
    let mut problems = Vec::new();
    for m in &cfg.municipalities {
        for l in &m.ledgers {
            if !l.exists() {
                problems.push(format!(
                    "{}: municipality '{}': ledger {} does not exist",
                    c.display(),
                    m.name,
                    l.display()
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(Error::rules(problems.join("\n")));
    }
    // Read the ledgers too: what a run would warn about is a problem here, all of it reported at once.
    let n = cfg.municipalities.len();
    let mut cfg = cfg;
    cfg.lenient = true;
    let result = pipeline::run(cfg)?;
    for r in &result.inputs {
        problems.extend(r.warnings.iter().cloned());
        for x in &r.rejects {
            problems.push(format!("{}:{}: {}", x.file, x.line, x.reason));
        }
    }
    for m in &result.municipalities {
        problems.extend(m.warnings.iter().map(|w| format!("{}: {w}", c.display())));
        if !m.months_missing.is_empty() && !m.months.is_empty() {
            problems.push(format!(
                "{}: municipality '{}': months missing from the ledger: {}",
                c.display(),
                m.name,
                m.months_missing.join(", ")
            ));
        }
    }
    if !problems.is_empty() {
        let k = problems.len();
        return Err(Error::rules(format!(
            "{}: {k} problem{}:\n  {}",
            c.display(),
            if k == 1 { "" } else { "s" },
            problems.join("\n  ")
        )));
    }
    let undated: Vec<&str> = result
        .municipalities
        .iter()
        .filter(|m| m.months_note.is_some())
        .map(|m| m.name.as_str())
        .collect();
    let months = match (undated.len(), n) {
        (0, _) => "12 months each".to_string(),
        (u, n) if u == n => crate::guards::NO_DATES.to_string(),
        _ => format!(
            "12 months each, except {} ({})",
            undated.join(", "),
            crate::guards::NO_DATES
        ),
    };
    Ok(format!("{}: ok — {n} municipalities, their ledgers read, every central IT cost centre found, {months}", c.display()))
}

/// True when `path` is TOML with `[[municipality]]`: a run config given where a rules file was expected.
pub fn is_run_config(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("municipality"))
}
