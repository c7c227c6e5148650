//! `itcost check`: validate a rules file, and optionally a run config with its ledgers.

use crate::error::Result;
use crate::rules::RuleSet;
use clap::Args;
use std::path::PathBuf;

/// The flags of `itcost check`.
#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Rules file (default: the embedded Kommun-Bas 13 rules).
    rules: Option<PathBuf>,
    /// Also validate this run config (and the rules it names).
    #[arg(short, long)]
    config: Option<PathBuf>,
}

/// Prints the rules file's summary and notes, then checks the config (an error lists every problem).
pub fn run(a: CheckArgs) -> Result<()> {
    let rules_path = crate::check::rules_path(a.rules.as_deref(), a.config.as_deref())?;
    let rules = RuleSet::load(rules_path.as_deref())?;
    for line in crate::check::rules_summary(&rules) {
        println!("{line}");
    }
    if let Some(c) = &a.config {
        println!("{}", crate::check::run_config(c)?);
    }
    Ok(())
}
