//! Stage 1: every input file becomes the one canonical columnar ledger (see [`ledger`] for its columns).
//!
//! Today: delimited text exports (CSV with `;`, `,`, TAB or `|`; UTF-8 with or without BOM, UTF-16, Windows-1252;
//! Swedish or English column names; a signed amount or Debet/Kredit; dates or periods).

pub mod columns;
pub mod csv_text;
pub mod dates;
pub mod detect;
pub mod ledger;

use crate::error::{Error, Result};
use columns::Field;
use ledger::LedgerBuilder;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Options for reading one ledger file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Municipality name stamped on every line (default: the file stem).
    pub municipality: Option<String>,
    /// Fiscal year stamped on every line (default: the most common year of the dates/periods).
    pub year: Option<i32>,
    /// Explicit column mapping: canonical field → header name in the file.
    pub columns: BTreeMap<Field, String>,
}

/// What was read from one file: shown by `itcost inspect`, carried into every run's output.
#[derive(Debug, Clone, Serialize)]
pub struct IngestReport {
    /// The file as given.
    pub file: String,
    /// The detected format.
    pub format: &'static str,
    /// Encoding, delimiter, header line and column mapping.
    pub layout: csv_text::TextLayout,
    /// Number of ledger lines read.
    pub lines: usize,
    /// Sum of all amounts read, in öre (the left side of the conservation check).
    pub sum_ore: i64,
    /// Months present (`YYYYMM`), sorted.
    pub months: Vec<i32>,
    /// Municipality stamped on the lines.
    pub municipality: String,
    /// Year stamped on the lines, if known.
    pub year: Option<i32>,
}

/// A ledger file read into the canonical table.
pub struct Ingested {
    /// The canonical ledger (columns in [`ledger::column_names`] order).
    pub frame: DataFrame,
    /// What was detected and counted while reading.
    pub report: IngestReport,
}

/// Reads one ledger file, detecting its format by content.
pub fn read_ledger(path: &Path, opts: &ReadOptions) -> Result<Ingested> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::input(format!(
            "{}: expected a ledger file, found a directory",
            path.display()
        )));
    }
    let mut builder = LedgerBuilder::with_capacity((meta.len() / 120) as usize + 16);
    let (layout, sum_ore) = csv_text::read(path, &opts.columns, &mut builder)?;
    let months: BTreeSet<i32> = builder.periods().iter().flatten().copied().collect();
    let year = opts.year.or_else(|| most_common_year(builder.periods()));
    let municipality = opts.municipality.clone().unwrap_or_else(|| {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "ledger".into())
    });
    let lines = builder.len();
    let file = path.display().to_string();
    let frame = builder.finish(&file, &municipality, year)?;
    Ok(Ingested {
        frame,
        report: IngestReport {
            file,
            format: "delimited text",
            layout,
            lines,
            sum_ore,
            months: months.into_iter().collect(),
            municipality,
            year,
        },
    })
}

/// The year that most periods fall in (ties: the later year).
fn most_common_year(periods: &[Option<i32>]) -> Option<i32> {
    let mut counts: BTreeMap<i32, usize> = BTreeMap::new();
    for p in periods.iter().flatten() {
        *counts.entry(p / 100).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(y, c)| (c, y))
        .map(|(y, _)| y)
}
