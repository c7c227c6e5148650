//! `classified.parquet` (`run --out`): every input line with its decision, written row group by row group while
//! the inputs are read a second time, so memory holds a block of lines and never the ledger.
//!
//! The run itself reads each ledger as sums per key; this second pass streams each input's lines
//! ([`crate::ingest::stream::frames`]), gives each line its key's decision (the same join as the whole-ledger
//! [`crate::classify::classified_lines`], done per block against the run's decision table) and appends them.
//! Rows come input by input, inputs in the order of their file names, each in its own line order: for text,
//! SIE and spreadsheet exports that is sorted by `file`, then `line`, as when the whole ledger was sorted; a
//! Parquet ledger written by `itcost convert` is read in its stored order (clustered by account and cost
//! centre, see the README's convert section).

use crate::classify::{lines_with_decisions, with_text_signatures};
use crate::error::{Error, Result};
use crate::ingest::parquet::writer::RowGroupWriter;
use crate::ingest::stream::{frames, Stamp};
use crate::ingest::ReadOptions;
use crate::pipeline::RunResult;
use polars::prelude::*;
use std::path::Path;

/// Rows per row group of classified.parquet (polars' default row group size).
const ROW_GROUP_ROWS: usize = 512 * 512;

/// Writes `classified.parquet` of a run to `path` (via a temporary name in the same directory).
pub fn write(r: &RunResult, path: &Path) -> Result<()> {
    let tmp = super::files::tmp_name(path);
    let mut out = RowGroupWriter::create(&tmp, ROW_GROUP_ROWS)?;
    // Each input with its municipality's reading options, in the order the run read them.
    let mut inputs: Vec<(&crate::ingest::IngestReport, ReadOptions, &Path)> = Vec::new();
    let jobs = r
        .config
        .municipalities
        .iter()
        .flat_map(|m| m.ledgers.iter().map(move |l| (m, l)));
    for ((m, ledger), report) in jobs.zip(&r.inputs) {
        let opts = ReadOptions {
            columns: m.columns.clone(),
            sheet: m.sheet.clone(),
            strict: r.config.strict,
            lenient: r.config.lenient,
            ..ReadOptions::default()
        };
        inputs.push((report, opts, ledger.as_path()));
    }
    inputs.sort_by(|a, b| a.0.file.cmp(&b.0.file));
    let decisions = r.classified.decision_frame()?;
    let mut schema_frame: Option<DataFrame> = None;
    for (report, opts, ledger) in inputs {
        let stamp = Stamp {
            municipality: report.municipality.clone(),
            year: report.year,
        };
        let encoding = report.layout.as_ref().map(|l| l.encoding);
        frames(ledger, &opts, &stamp, encoding, &mut |lines| {
            let df = classify_block(r, &decisions, lines)?;
            if schema_frame.is_none() {
                schema_frame = Some(df.clear());
            }
            out.push(df)?;
            Ok(true)
        })?;
    }
    if out.written == 0 && schema_frame.is_none() {
        // No line at all: an empty file with the columns.
        let empty = crate::ingest::ledger::LedgerBuilder::with_capacity(0).finish("", "", None)?;
        out.push(classify_block(r, &decisions, empty)?)?;
    }
    out.finish()?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// One block of canonical lines with their decisions (the columns of [`crate::classify::classified_lines`]).
fn classify_block(r: &RunResult, decisions: &DataFrame, lines: DataFrame) -> Result<DataFrame> {
    let lines = with_text_signatures(lines, &r.rules)?;
    let lf = lines.lazy().with_column(lit(1i64).alias("lines"));
    let keys = &r.classified.key_columns;
    Ok(lines_with_decisions(lf, &r.rules, keys, decisions.clone())?.collect()?)
}
