//! `itcost explain`: how one ledger line (or a made-up one) is classified, and why.

use super::emit;
use crate::classify::{decide, MunicipalityKeys, OwnedKey};
use crate::config::{self, parse_column_flags};
use crate::error::{Error, Result};
use crate::ingest::totals::{find_line, LineFields};
use crate::ingest::ReadOptions;
use crate::money::format_sv;
use crate::report::explain::{text, Explained};
use crate::rules::RuleSet;
use clap::Args;
use std::path::PathBuf;

/// The flags of `itcost explain`.
#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A ledger to take the line from (with --line).
    ledger: Option<PathBuf>,
    /// The line number in the ledger (as in error messages and classified.parquet).
    #[arg(long, requires = "ledger")]
    line: Option<u32>,
    /// Account.
    #[arg(long)]
    account: Option<String>,
    /// Account text.
    #[arg(long, default_value = "")]
    account_text: String,
    /// Cost centre.
    #[arg(long, default_value = "")]
    cost_centre: String,
    /// Supplier.
    #[arg(long, default_value = "")]
    supplier: String,
    /// Line text.
    #[arg(long, default_value = "")]
    text: String,
    /// Counterpart (Motpart).
    #[arg(long, default_value = "")]
    counterpart: String,
    /// Central IT cost centres.
    #[arg(long, value_name = "LIST")]
    central_it: Vec<String>,
    /// Pools counted outside central IT: narrow (default), wide, or a list.
    #[arg(long, default_value = "narrow")]
    scope: String,
    /// Rules file (default: the embedded Kommun-Bas 13 rules).
    #[arg(short, long)]
    rules: Option<PathBuf>,
    /// Map an export's column: FIELD=HEADER; repeatable.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
}

/// Classifies the line and prints the explanation.
pub fn run(a: ExplainArgs) -> Result<()> {
    let rules = RuleSet::load(a.rules.as_deref())?;
    let (scope_pools, scope_name) =
        config::parse_scope(&a.scope).map_err(|e| Error::usage(format!("--scope: {e}")))?;
    let (central, _) = config::cli_codes("--central-it", &a.central_it)?;
    let (line, origin) = match (&a.ledger, a.line) {
        (Some(ledger), Some(n)) => {
            let opts = ReadOptions {
                columns: parse_column_flags(&a.columns)?,
                ..Default::default()
            };
            let line = find_line(ledger, &opts, n)?;
            let origin = format!(
                "{}:{n}, amount {} kr",
                ledger.display(),
                format_sv(line.amount_ore)
            );
            (line, origin)
        }
        _ => {
            let Some(account) = a.account else {
                return Err(Error::usage("explain: give --account … (and optionally --account-text, --cost-centre, …) or LEDGER --line N"));
            };
            let line = LineFields {
                account,
                account_text: a.account_text,
                cost_centre: a.cost_centre,
                supplier: a.supplier,
                text: a.text,
                counterpart: a.counterpart,
                amount_ore: 0,
            };
            (line, String::from("as given on the command line"))
        }
    };
    let muni = MunicipalityKeys {
        central_it: central,
        internal_counterparts: Vec::new(),
        member_counterparts: false,
        staff_it: Vec::new(),
    };
    let key = OwnedKey::new(&line, &rules);
    let decision = decide(&rules, &scope_pools, &muni, &key.view(&rules, &muni));
    emit(&text(&Explained {
        origin,
        line: &line,
        rules: &rules,
        muni: &muni,
        scope: (&scope_pools, &scope_name),
        decision: &decision,
        key: &key,
    }))
}
