//! `itcost check`: validate a rules file, and optionally a run config with its ledgers.

use crate::error::{Error, Result};
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

/// Prints the rules file's summary (notes go to stderr), then checks the config (an error lists every problem).
pub fn run(a: CheckArgs) -> Result<()> {
    if let Some(r) = &a.rules {
        if crate::check::is_run_config(r) {
            return Err(Error::usage(format!(
                "{0} is a run config (it has [[municipality]]), not a rules file: check it with itcost check --config {0}",
                r.display()
            )));
        }
    }
    let rules_path = crate::check::rules_path(a.rules.as_deref(), a.config.as_deref())?;
    let rules = RuleSet::load(rules_path.as_deref())?;
    let mut out = String::new();
    for line in crate::check::rules_summary(&rules) {
        match line.strip_prefix("note: ") {
            Some(note) => eprintln!("itcost: note: {note}"),
            None => {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    if let Some(c) = &a.config {
        out.push_str(&crate::check::run_config(c)?);
        out.push('\n');
    }
    super::emit(&out)
}
