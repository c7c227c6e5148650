//! `itcost sql`: DataFusion SQL over a run's output directory or a Parquet dataset (issue 15 item 5), for the
//! questions the report does not answer. Needs the `cluster` feature.

use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// The flags of `itcost sql`.
#[derive(Args, Debug)]
pub struct SqlArgs {
    /// The query (DataFusion SQL), e.g. "SELECT pool, SUM(amount_ore) FROM lines GROUP BY pool".
    query: String,
    /// A run's --out directory (tables `lines` = classified.parquet, `keys` = its lines summed per key and
    /// decision, `results` = benchmark.csv) or a Parquet dataset written by `itcost convert` (table `lines`).
    #[arg(long, value_name = "DIR")]
    on: PathBuf,
    /// Also register the Parquet dataset DIR (written by `itcost convert`) as table `ledger`.
    #[arg(long, value_name = "DIR")]
    dataset: Option<PathBuf>,
    /// Write the answer as CSV to FILE instead of printing a table.
    #[arg(long, value_name = "FILE", conflicts_with = "parquet")]
    csv: Option<PathBuf>,
    /// Write the answer as Parquet to FILE instead of printing a table.
    #[arg(long, value_name = "FILE")]
    parquet: Option<PathBuf>,
}

/// Runs the query and prints or writes its answer.
#[cfg(feature = "cluster")]
pub fn run(a: SqlArgs) -> Result<()> {
    let out = match (a.csv, a.parquet) {
        (Some(p), _) => crate::engine::sql::Output::Csv(p),
        (_, Some(p)) => crate::engine::sql::Output::Parquet(p),
        _ => crate::engine::sql::Output::Table,
    };
    let text = crate::engine::sql::query(&a.query, &a.on, a.dataset.as_deref(), &out)?;
    super::emit(&text)
}

/// Without the `cluster` feature: the usage error saying how to build it.
#[cfg(not(feature = "cluster"))]
pub fn run(a: SqlArgs) -> Result<()> {
    let _ = (a.query, a.on, a.dataset, a.csv, a.parquet);
    Err(crate::error::Error::usage(
        "itcost sql needs itcost built with the cluster feature: cargo build --release --features cluster \
         (see docs/cluster.md)",
    ))
}
