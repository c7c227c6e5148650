//! Every line of a Parquet ledger, row group by row group, as canonical frames (for the commands that look at
//! lines: `run --out`'s classified.parquet, `convert`, `explain --line`): memory holds a few row groups, never
//! the file.

use super::super::ledger::{LedgerBuilder, LineValues};
use super::super::stream::Stamp;
use super::cells::{self, Kind};
use super::row_groups::ParquetFile;
use crate::error::{Error, Result};
use polars::prelude::*;
use rayon::prelude::*;
use std::path::Path;

/// Hands `each` the lines of every file of a Parquet ledger (a file, or a dataset's files sorted by path), one
/// frame per row group in file order, stamped with `stamp`'s municipality and year. The `file` column is the
/// canonical ledger's own `file` (the original export) for files written by itcost, else the Parquet file.
/// Row groups are decoded two at a time (on two cores), so memory holds two row groups whatever the machine. `each` returns false to stop early.
pub fn stream(
    path: &Path,
    explicit: &std::collections::BTreeMap<super::super::columns::Field, String>,
    stamp: &Stamp,
    each: &mut dyn FnMut(DataFrame) -> Result<bool>,
) -> Result<()> {
    let at_once = rayon::current_num_threads().clamp(1, 2);
    for f in super::files_of(path)? {
        let file = ParquetFile::open(&f, explicit)?;
        let all: Vec<usize> = (0..12).collect();
        let mut projection = file.layout.projection(&all);
        let file_col = file
            .layout
            .canonical
            .then(|| file.layout.names.iter().position(|n| n == "file"))
            .flatten();
        if let Some(i) = file_col {
            projection.push(i);
            projection.sort_unstable();
            projection.dedup();
        }
        let groups: Vec<usize> = (0..file.meta.num_row_groups()).collect();
        for window in groups.chunks(at_once) {
            let frames: Vec<Result<DataFrame>> = window
                .par_iter()
                .map(|&rg| row_group_frame(&file, rg, &projection, file_col, stamp))
                .collect();
            for frame in frames {
                if !each(frame?)? {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

/// One row group's lines as a canonical frame.
fn row_group_frame(
    file: &ParquetFile,
    rg: usize,
    projection: &[usize],
    file_col: Option<usize>,
    stamp: &Stamp,
) -> Result<DataFrame> {
    let rows = file.meta.row_group(rg).num_rows().max(0) as usize;
    let mut b = LedgerBuilder::with_capacity(rows);
    let mut files: Vec<String> = Vec::new();
    file.read_row_group(rg, projection, |batch| {
        let amounts = batch.amounts()?;
        let lines = batch.lines();
        let dates = batch.dates()?;
        let periods = batch.periods(dates.as_deref())?;
        let cols: Vec<cells::Coded<'_>> = (0..12)
            .map(|s| batch.coded(s, if s == 10 { Kind::Text } else { Kind::Code }))
            .collect();
        let origin = file_col
            .and_then(|i| batch.column(i))
            .map(|c| cells::Coded::of(c, Kind::Code));
        for r in 0..batch.rows() {
            let text: [&str; 12] =
                std::array::from_fn(|k| cols[k].values[cols[k].ids[r] as usize].as_ref());
            if let Some(e) = batch.account_error(r, text[0]) {
                return Err(e);
            }
            b.push(&LineValues {
                text,
                line: lines[r],
                date: dates.as_ref().and_then(|d| d[r].map(|d| d.0)),
                period: periods[r],
                amount_ore: amounts[r],
            });
            if let Some(o) = &origin {
                files.push(o.values[o.ids[r] as usize].to_string());
            }
        }
        Ok(())
    })?;
    let mut df = b.finish(&file.shown, &stamp.municipality, stamp.year)?;
    if file_col.is_some() {
        df.with_column(Column::new("file".into(), files))
            .map_err(|e| Error::internal(format!("{}: the file column: {e}", file.shown)))?;
    }
    Ok(df)
}
