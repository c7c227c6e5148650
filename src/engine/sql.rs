//! `itcost sql`: DataFusion SQL over what a run wrote, so an analyst can ask what the report does not.
//!
//! Tables, registered from `--on DIR`:
//! - a run's `--out` directory: `lines` = `classified.parquet` (every line with its decision: `kind`, `scope`,
//!   `pool`, `sub_pool`, `tower`, `rule_id`, `is_it`, `it_suspect`), `keys` = those lines summed per key and
//!   decision (`amount_ore`, `lines`), `results` = `benchmark.csv` (one row per municipality or IT organisation);
//! - a Parquet dataset written by `itcost convert` (no `classified.parquet` in it): `lines` = its ledger lines.
//!
//! `--dataset DIR` adds the dataset as table `ledger` beside a run's tables. Money is integer öre in every table
//! but `results` (benchmark.csv's kronor and shares as the run wrote them).

use super::datafusion::{engine_error, runtime, session};
use super::Engine;
use crate::error::{Error, Result};
use datafusion::dataframe::DataFrameWriteOptions;
use datafusion::prelude::*;
use std::path::{Path, PathBuf};

/// Where the answer goes.
#[derive(Debug, Clone)]
pub enum Output {
    /// Printed as a table (returned as text).
    Table,
    /// Written as CSV with a header row.
    Csv(PathBuf),
    /// Written as one Parquet file.
    Parquet(PathBuf),
}

/// The columns `keys` groups `lines` by: the key fields and the decision.
const KEY_COLUMNS: [&str; 17] = [
    "municipality",
    "year",
    "account",
    "account_text",
    "cost_centre",
    "department",
    "project",
    "counterpart",
    "supplier",
    "kind",
    "scope",
    "pool",
    "sub_pool",
    "tower",
    "rule_id",
    "is_it",
    "it_suspect",
];

/// Runs `query` over the tables of `on` (and `dataset`); returns the printed table, or a line saying where the
/// answer was written.
pub fn query(query: &str, on: &Path, dataset: Option<&Path>, out: &Output) -> Result<String> {
    let rt = runtime()?;
    let engine = Engine::DataFusion;
    let fail = |doing: &str, e: &dyn std::fmt::Display| engine_error(&engine, doing, e);
    rt.block_on(async {
        let ctx = session(&engine).await?;
        register(&ctx, on, dataset).await?;
        let df = ctx
            .sql(query)
            .await
            .map_err(|e| Error::usage(format!("the query: {e}")))?;
        match out {
            Output::Table => {
                let batches = df
                    .collect()
                    .await
                    .map_err(|e| fail("running the query", &e))?;
                let table = datafusion::arrow::util::pretty::pretty_format_batches(&batches)
                    .map_err(|e| fail("printing the answer", &e))?;
                Ok(format!("{table}\n"))
            }
            Output::Csv(p) => {
                df.write_csv(
                    &p.to_string_lossy(),
                    DataFrameWriteOptions::new().with_single_file_output(true),
                    None,
                )
                .await
                .map_err(|e| fail(&format!("writing {}", p.display()), &e))?;
                Ok(format!("itcost: wrote {}\n", p.display()))
            }
            Output::Parquet(p) => {
                df.write_parquet(
                    &p.to_string_lossy(),
                    DataFrameWriteOptions::new().with_single_file_output(true),
                    None,
                )
                .await
                .map_err(|e| fail(&format!("writing {}", p.display()), &e))?;
                Ok(format!("itcost: wrote {}\n", p.display()))
            }
        }
    })
}

/// Registers the tables of a run directory or a dataset.
async fn register(ctx: &SessionContext, on: &Path, dataset: Option<&Path>) -> Result<()> {
    if !on.is_dir() {
        return Err(Error::usage(format!(
            "--on {}: expected a run's --out directory or a Parquet dataset written by itcost convert",
            on.display()
        )));
    }
    let bad =
        |what: &Path, e: &dyn std::fmt::Display| Error::input(format!("{}: {e}", what.display()));
    let classified = on.join("classified.parquet");
    if classified.is_file() {
        ctx.register_parquet(
            "lines",
            classified.to_string_lossy().as_ref(),
            ParquetReadOptions::default(),
        )
        .await
        .map_err(|e| bad(&classified, &e))?;
        let schema = ctx
            .table("lines")
            .await
            .map_err(|e| bad(&classified, &e))?
            .schema()
            .clone();
        let cols: Vec<String> = KEY_COLUMNS
            .iter()
            .filter(|c| schema.field_with_unqualified_name(c).is_ok())
            .map(|c| format!("\"{c}\""))
            .collect();
        let list = cols.join(", ");
        ctx.sql(&format!(
            "CREATE VIEW keys AS SELECT {list}, SUM(amount_ore) AS amount_ore, COUNT(*) AS lines FROM lines \
             GROUP BY {list}"
        ))
        .await
        .map_err(|e| bad(&classified, &e))?;
        let bench = on.join("benchmark.csv");
        if bench.is_file() {
            ctx.register_csv(
                "results",
                bench.to_string_lossy().as_ref(),
                CsvReadOptions::new().has_header(true),
            )
            .await
            .map_err(|e| bad(&bench, &e))?;
        }
    } else {
        register_dataset(ctx, "lines", on).await?;
    }
    if let Some(d) = dataset {
        register_dataset(ctx, "ledger", d).await?;
    }
    Ok(())
}

/// Registers every `.parquet` file under `dir` (a dataset's `municipality=…/year=…/ledger.parquet`) as one table;
/// the files' own `municipality` and `year` columns serve the filters (row-group statistics prune).
async fn register_dataset(ctx: &SessionContext, name: &str, dir: &Path) -> Result<()> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    if files.is_empty() {
        return Err(Error::usage(format!(
            "{}: no classified.parquet and no .parquet files under it; expected a run's --out directory or a \
             dataset written by itcost convert",
            dir.display()
        )));
    }
    let paths: Vec<String> = files
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let df = ctx
        .read_parquet(paths, ParquetReadOptions::default())
        .await
        .map_err(|e| Error::input(format!("{}: {e}", dir.display())))?;
    ctx.register_table(name, df.into_view())
        .map_err(|e| Error::input(format!("{}: {e}", dir.display())))?;
    Ok(())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let p = e.map_err(|e| Error::io(dir, e))?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
    Ok(())
}
