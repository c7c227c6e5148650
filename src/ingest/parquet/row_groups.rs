//! Reading one row group of one Parquet file (a task of its own) into the columns a ledger line needs.

use super::cells::{self, CellError, Coded, DayPeriod, Kind};
use super::layout::{AmountSource, Layout};
use crate::error::{Error, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{Int64Type, UInt32Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::file::metadata::ParquetMetaData;
use std::path::PathBuf;
use std::sync::Arc;

/// Rows decoded at a time (a row group larger than this, as Spark writes, is read in several batches; each batch
/// reuses the row group's dictionaries).
const MAX_BATCH_ROWS: usize = 1 << 20;

/// One Parquet file: where it is, its metadata, its layout and where each row group starts.
pub struct ParquetFile {
    /// The path.
    pub path: PathBuf,
    /// The path for messages.
    pub shown: String,
    /// Its size in bytes (for the progress bar).
    pub bytes: u64,
    /// Parsed footer.
    pub meta: Arc<ParquetMetaData>,
    /// Column mapping.
    pub layout: Layout,
    /// The first row (0-based, in the file) of each row group.
    pub starts: Vec<u64>,
}

impl ParquetFile {
    /// Opens a file and maps its columns.
    pub fn open(
        path: &std::path::Path,
        explicit: &std::collections::BTreeMap<super::super::columns::Field, String>,
    ) -> Result<ParquetFile> {
        let shown = path.display().to_string();
        let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let bytes = f.metadata().map(|m| m.len()).unwrap_or(0);
        let meta = parquet::file::metadata::ParquetMetaDataReader::new()
            .parse_and_finish(&f)
            .map_err(|e| Error::input(format!("{shown}: expected a readable Parquet file: {e}")))?;
        ParquetFile::of_footer(path, bytes, meta, explicit)
    }

    /// A file known by its footer alone (an object in an object store: the client reads no row of it).
    pub fn of_footer(
        path: &std::path::Path,
        bytes: u64,
        meta: ParquetMetaData,
        explicit: &std::collections::BTreeMap<super::super::columns::Field, String>,
    ) -> Result<ParquetFile> {
        let shown = path.display().to_string();
        let layout = Layout::of(&shown, &meta, explicit)?;
        let mut starts = Vec::with_capacity(meta.num_row_groups());
        let mut at = 0u64;
        for rg in meta.row_groups() {
            starts.push(at);
            at += rg.num_rows().max(0) as u64;
        }
        Ok(ParquetFile {
            path: path.to_path_buf(),
            shown,
            bytes,
            meta: Arc::new(meta),
            layout,
            starts,
        })
    }

    /// Number of rows.
    pub fn rows(&self) -> u64 {
        self.meta.file_metadata().num_rows().max(0) as u64
    }

    /// Reads row group `rg` (the columns in `projection`, root indexes, sorted) batch by batch.
    pub fn read_row_group(
        &self,
        rg: usize,
        projection: &[usize],
        mut each: impl FnMut(Batch<'_>) -> Result<()>,
    ) -> Result<()> {
        let bad = |e: parquet::errors::ParquetError| {
            Error::input(format!(
                "{}: row group {}: expected a readable Parquet file: {e}",
                self.shown,
                rg + 1
            ))
        };
        let schema = self.layout.read_schema(&self.meta, rg, projection);
        let meta = ArrowReaderMetadata::try_new(
            self.meta.clone(),
            ArrowReaderOptions::new().with_schema(schema),
        )
        .map_err(bad)?;
        let f = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
        let mask = ProjectionMask::roots(
            self.meta.file_metadata().schema_descr(),
            projection.iter().copied(),
        );
        let rows = self.meta.row_group(rg).num_rows().max(0) as usize;
        let reader = ParquetRecordBatchReaderBuilder::new_with_metadata(f, meta)
            .with_projection(mask)
            .with_row_groups(vec![rg])
            .with_batch_size(rows.clamp(1, MAX_BATCH_ROWS))
            .build()
            .map_err(bad)?;
        let mut row0 = 0usize;
        for b in reader {
            let b = b.map_err(|e| {
                Error::input(format!(
                    "{}: row group {}: expected a readable Parquet file: {e}",
                    self.shown,
                    rg + 1
                ))
            })?;
            let n = b.num_rows();
            each(Batch {
                file: self,
                rg,
                row0,
                projection,
                batch: b,
            })?;
            row0 += n;
        }
        Ok(())
    }
}

/// One decoded batch of a row group.
pub struct Batch<'a> {
    file: &'a ParquetFile,
    rg: usize,
    /// The batch's first row within the row group.
    row0: usize,
    projection: &'a [usize],
    batch: RecordBatch,
}

impl Batch<'_> {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.batch.num_rows()
    }

    /// A root column, if it was projected.
    pub fn column(&self, root: usize) -> Option<&ArrayRef> {
        self.projection
            .binary_search(&root)
            .ok()
            .map(|p| self.batch.column(p))
    }

    /// Where row `r` of the batch is, for messages: `FILE: row group G, row R (row N of the file)`.
    pub fn at(&self, r: usize) -> String {
        let in_rg = self.row0 + r;
        format!(
            "{}: row group {}, row {} (row {} of the file)",
            self.file.shown,
            self.rg + 1,
            in_rg + 1,
            self.file.starts[self.rg] + in_rg as u64 + 1
        )
    }

    fn cell_error(&self, root: usize, (r, msg): CellError) -> Error {
        Error::input(format!(
            "{}: column '{}': {msg}",
            self.at(r),
            self.file.layout.names[root]
        ))
    }

    /// The text field `slot` (index into `TEXT_FIELDS`) as ids into its distinct values.
    pub fn coded(&self, slot: usize, kind: Kind) -> Coded<'_> {
        match self.file.layout.text[slot].and_then(|i| self.column(i)) {
            Some(c) => Coded::of(c, kind),
            None => Coded::empty(self.rows()),
        }
    }

    /// The text field `slot` with one id per row ([`Coded::rows`]), for a free-text field only its signature reads.
    pub fn coded_rows(&self, slot: usize) -> Coded<'_> {
        match self.file.layout.text[slot].and_then(|i| self.column(i)) {
            Some(c) => Coded::rows(c),
            None => Coded::empty(self.rows()),
        }
    }

    /// Each row's amount in öre; a missing amount is an error naming the row.
    pub fn amounts(&self) -> Result<Vec<i64>> {
        let one = |i: usize, ore: bool| -> Result<Vec<Option<i64>>> {
            match self.column(i) {
                Some(c) => cells::amounts(c, ore).map_err(|e| self.cell_error(i, e)),
                None => Ok(vec![None; self.rows()]),
            }
        };
        match self.file.layout.amount {
            AmountSource::Ore(i) => {
                if let Some(c) = self.column(i) {
                    if c.null_count() == 0 {
                        if let Some(a) = c.as_primitive_opt::<Int64Type>() {
                            return Ok(a.values().to_vec());
                        }
                    }
                }
                self.required(i, one(i, true)?)
            }
            AmountSource::Amount(i) => self.required(i, one(i, false)?),
            AmountSource::DebitCredit(d, c) => {
                let d = match d {
                    Some(i) => one(i, false)?,
                    None => vec![None; self.rows()],
                };
                let c = match c {
                    Some(i) => one(i, false)?,
                    None => vec![None; self.rows()],
                };
                d.into_iter()
                    .zip(c)
                    .enumerate()
                    .map(|(r, (d, c))| match (d, c) {
                        (None, None) => Err(Error::input(format!(
                            "{}: expected an amount in Debet or Kredit, found both empty",
                            self.at(r)
                        ))),
                        (d, c) => d.unwrap_or(0).checked_sub(c.unwrap_or(0)).ok_or_else(|| {
                            Error::input(format!("{}: the amount overflows", self.at(r)))
                        }),
                    })
                    .collect()
            }
        }
    }

    fn required(&self, i: usize, v: Vec<Option<i64>>) -> Result<Vec<i64>> {
        v.into_iter()
            .enumerate()
            .map(|(r, a)| {
                a.ok_or_else(|| {
                    Error::input(format!(
                        "{}: column '{}': expected an amount, found an empty field",
                        self.at(r),
                        self.file.layout.names[i]
                    ))
                })
            })
            .collect()
    }

    /// Each row's date (days, period) from the date column, if there is one.
    pub fn dates(&self) -> Result<Option<Vec<Option<DayPeriod>>>> {
        match self
            .file
            .layout
            .date
            .and_then(|i| self.column(i).map(|c| (i, c)))
        {
            Some((i, c)) => cells::dates(c).map(Some).map_err(|e| self.cell_error(i, e)),
            None => Ok(None),
        }
    }

    /// Each row's period: the period column where it has a value, else the date's month.
    pub fn periods(&self, dates: Option<&[Option<DayPeriod>]>) -> Result<Vec<Option<i32>>> {
        let mut out: Vec<Option<i32>> = match dates {
            Some(d) => d.iter().map(|d| d.map(|d| d.1)).collect(),
            None => vec![None; self.rows()],
        };
        if let Some((i, c)) = self
            .file
            .layout
            .period
            .and_then(|i| self.column(i).map(|c| (i, c)))
        {
            let p = cells::periods(c).map_err(|e| self.cell_error(i, e))?;
            for (o, p) in out.iter_mut().zip(p) {
                if p.is_some() {
                    *o = p;
                }
            }
        }
        Ok(out)
    }

    /// Each row's line: the canonical `line` (the line in the original export), else the row's number in the
    /// file (1-based).
    pub fn lines(&self) -> Vec<u32> {
        if let Some(c) = self.file.layout.line.and_then(|i| self.column(i)) {
            if let Some(a) = c.as_primitive_opt::<UInt32Type>() {
                return (0..a.len())
                    .map(|r| if a.is_valid(r) { a.value(r) } else { 0 })
                    .collect();
            }
            return cells::integers(c)
                .into_iter()
                .map(|v| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(0))
                .collect();
        }
        let first = self.file.starts[self.rg] + self.row0 as u64 + 1;
        (0..self.rows() as u64)
            .map(|r| u32::try_from(first + r).unwrap_or(u32::MAX))
            .collect()
    }

    /// The canonical municipality and year of the batch's first row.
    pub fn stamp(&self) -> (Option<String>, Option<i32>) {
        let l = &self.file.layout;
        let muni = l
            .municipality
            .and_then(|i| self.column(i))
            .and_then(cells::first_text);
        let year = l.year.and_then(|i| self.column(i)).and_then(|c| {
            cells::integers(c)
                .into_iter()
                .flatten()
                .next()
                .and_then(|y| i32::try_from(y).ok())
        });
        (muni, year)
    }

    /// The error for a line without an account code (a total row or a repeated header), as for CSV.
    pub fn account_error(&self, r: usize, account: &str) -> Option<Error> {
        let i = self.file.layout.text[0]?;
        if account.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let found = if account.is_empty() {
            "an empty field".to_string()
        } else {
            format!("'{account}'")
        };
        Some(Error::input(format!(
            "{}: column '{}': expected an account code like 6412, found {found} (a total row or a repeated header?)",
            self.at(r),
            self.file.layout.names[i]
        )))
    }
}
