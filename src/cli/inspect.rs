//! `itcost inspect`: what itcost reads from ledgers before classifying them.

use super::emit;
use crate::config::parse_column_flags;
use crate::error::Result;
use crate::ingest::{totals, ReadOptions};
use clap::Args;
use std::path::PathBuf;

/// The flags of `itcost inspect`.
#[derive(Args, Debug)]
pub struct InspectArgs {
    /// Ledger files.
    #[arg(required = true)]
    ledgers: Vec<PathBuf>,
    /// Map an export's column: FIELD=HEADER; repeatable.
    #[arg(long = "column", value_name = "FIELD=HEADER")]
    columns: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// List every account and cost centre (default: the 20 largest of each).
    #[arg(long)]
    all: bool,
    /// Spreadsheet sheet to read (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Unbalanced SIE vouchers are errors, not warnings.
    #[arg(long)]
    strict: bool,
}

/// Reads every ledger, totals it per account and cost centre, and prints the overview as text or JSON.
pub fn run(a: InspectArgs) -> Result<()> {
    let opts = ReadOptions {
        columns: parse_column_flags(&a.columns)?,
        sheet: a.sheet,
        strict: a.strict,
        ..Default::default()
    };
    let docs = a
        .ledgers
        .iter()
        .map(|path| totals::overview(path, &opts))
        .collect::<Result<Vec<_>>>()?;
    if a.json {
        emit(&crate::report::inspect::json(&docs))
    } else {
        emit(&crate::report::inspect::text(&docs, a.all))
    }
}
