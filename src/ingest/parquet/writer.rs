//! Writing Parquet row group by row group: frames are appended as they are read, never the whole ledger held.
//! [`RowGroupWriter`] writes row groups of a fixed size in the order given (`run --out`'s classified.parquet);
//! [`ClusteredWriter`] sorts each window of two row groups by [`super::SORT_COLUMNS`] first (`itcost convert`).

use crate::error::{Error, Result};
use polars::prelude::*;
use std::path::Path;

/// Appends frames to a Parquet file in row groups of [`ROW_GROUP_ROWS`] rows (the last may be shorter).
pub struct RowGroupWriter {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
    writer: Option<polars::io::parquet::write::BatchedWriter<std::fs::File>>,
    pending: Vec<DataFrame>,
    rows: usize,
    row_group_rows: usize,
    /// Rows written so far.
    pub written: usize,
}

impl RowGroupWriter {
    /// A writer to `path` (created, or truncated), with row groups of `row_group_rows` rows.
    pub fn create(path: &Path, row_group_rows: usize) -> Result<RowGroupWriter> {
        let f = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
        Ok(RowGroupWriter {
            path: path.to_path_buf(),
            file: Some(f),
            writer: None,
            pending: Vec::new(),
            rows: 0,
            row_group_rows: row_group_rows.max(1),
            written: 0,
        })
    }

    fn bad(&self, e: PolarsError) -> Error {
        Error::internal(format!("{}: writing Parquet: {e}", self.path.display()))
    }

    /// Adds rows (every frame must have the first frame's schema); full row groups are written at once.
    pub fn push(&mut self, df: DataFrame) -> Result<()> {
        if self.writer.is_none() {
            let schema = df.schema().as_ref().clone();
            let Some(f) = self.file.take() else {
                return Err(Error::internal("Parquet writer used after finish"));
            };
            let w = ParquetWriter::new(f)
                .batched(&schema)
                .map_err(|e| self.bad(e))?;
            self.writer = Some(w);
        }
        self.rows += df.height();
        self.pending.push(df);
        while self.rows >= self.row_group_rows {
            self.flush(self.row_group_rows)?;
        }
        Ok(())
    }

    /// Writes the first `n` pending rows as one row group.
    fn flush(&mut self, n: usize) -> Result<()> {
        let mut all = std::mem::take(&mut self.pending);
        let mut group = match all.len() {
            0 => return Ok(()),
            _ => all.remove(0),
        };
        for p in &all {
            group.vstack_mut(p).map_err(|e| self.bad(e))?;
        }
        let rest = group.slice(n as i64, group.height().saturating_sub(n));
        let mut head = group.slice(0, n);
        drop(group);
        head.rechunk_mut_par();
        if let Some(w) = self.writer.as_mut() {
            w.write_batch(&head)
                .map_err(|e| Error::internal(format!("writing Parquet: {e}")))?;
        }
        self.written += head.height();
        self.rows -= head.height();
        if rest.height() > 0 {
            self.pending.push(rest);
        }
        Ok(())
    }

    /// Rows taken but not yet written.
    pub fn pending_rows(&self) -> usize {
        self.rows
    }

    /// Writes what is pending and the footer.
    pub fn finish(mut self) -> Result<()> {
        if self.rows > 0 {
            self.flush(self.rows)?;
        }
        if let Some(w) = &self.writer {
            w.finish().map_err(|e| self.bad(e))?;
        }
        Ok(())
    }
}

/// Lines per window that [`ClusteredWriter`] sorts: two row groups.
pub const WINDOW_ROWS: usize = 2 * super::ROW_GROUP_ROWS;

/// Writes canonical ledger frames clustered: each window of [`WINDOW_ROWS`] lines, in the order they come, is
/// sorted by [`super::SORT_COLUMNS`] (account, cost centre, then the export's file and line) and written as row
/// groups of [`super::ROW_GROUP_ROWS`] rows. A row group then holds about half the accounts of its window and
/// neighbouring rows share their codes, so polars' writer dictionary-encodes every column that repeats (all but
/// unique texts) and the reader sums per dictionary index; memory holds one window.
pub struct ClusteredWriter {
    out: RowGroupWriter,
    window: Vec<DataFrame>,
    rows: usize,
}

impl ClusteredWriter {
    /// A writer to `path` (created, or truncated).
    pub fn create(path: &Path) -> Result<ClusteredWriter> {
        Ok(ClusteredWriter {
            out: RowGroupWriter::create(path, super::ROW_GROUP_ROWS)?,
            window: Vec::new(),
            rows: 0,
        })
    }

    /// Adds lines; each full window is sorted and written.
    pub fn push(&mut self, df: DataFrame) -> Result<()> {
        self.rows += df.height();
        self.window.push(df);
        while self.rows >= WINDOW_ROWS {
            let all = self.stacked()?;
            let rest = all.slice(WINDOW_ROWS as i64, all.height() - WINDOW_ROWS);
            self.write_sorted(all.slice(0, WINDOW_ROWS))?;
            self.rows = rest.height();
            if self.rows > 0 {
                self.window.push(rest);
            }
        }
        Ok(())
    }

    fn stacked(&mut self) -> Result<DataFrame> {
        let mut parts = std::mem::take(&mut self.window).into_iter();
        let mut all = parts.next().unwrap_or_default();
        for p in parts {
            all.vstack_mut(&p)?;
        }
        Ok(all)
    }

    fn write_sorted(&mut self, df: DataFrame) -> Result<()> {
        let sorted = df.sort(
            super::SORT_COLUMNS,
            SortMultipleOptions::default().with_maintain_order(true),
        )?;
        drop(df);
        self.out.push(sorted)
    }

    /// Writes the last window and the footer; returns the lines written.
    pub fn finish(mut self) -> Result<usize> {
        if self.rows > 0 {
            let all = self.stacked()?;
            self.write_sorted(all)?;
        }
        let n = self.out.written + self.out.pending_rows();
        self.out.finish()?;
        Ok(n)
    }
}
