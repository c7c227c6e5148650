//! itcost's canonical ledger as Parquet: written by `itcost convert`, read back by `run` and `inspect`.
//!
//! Schema = the canonical ledger ([`super::ledger`]): `file` (String, the original export), `line` (UInt32, the
//! line in that export), `municipality` (String), `year` (Int32), the twelve text fields (String), `date` (Date),
//! `period` (Int32, YYYYMM), `amount_ore` (Int64). Extra columns (e.g. a `classified.parquet`) are ignored.
//! Several municipalities are written Hive-style: `DIR/municipality=NAME/year=YYYY/ledger.parquet`; a directory
//! is read by reading every `.parquet` file under it (sorted by path).

use super::ledger::{column_names, LineSink, TEXT_FIELDS};
use super::{Format, IngestReport, Ingested, ReadOptions};
use crate::error::{Error, Result};
use polars::prelude::*;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

fn parquet_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for e in entries {
        let p = e.map_err(|e| Error::io(dir, e))?.path();
        if p.is_dir() {
            parquet_files(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "parquet") {
            out.push(p);
        }
    }
    Ok(())
}

/// The canonical schema's dtype for a column.
fn dtype_of(name: &str) -> DataType {
    match name {
        "line" => DataType::UInt32,
        "year" | "period" => DataType::Int32,
        "date" => DataType::Date,
        "amount_ore" => DataType::Int64,
        _ => DataType::String,
    }
}

fn read_one(path: &Path) -> Result<DataFrame> {
    let shown = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let df = ParquetReader::new(f)
        .finish()
        .map_err(|e| Error::input(format!("{shown}: expected a readable Parquet file: {e}")))?;
    let names = column_names();
    let missing: Vec<&str> = ["account", "amount_ore"]
        .into_iter()
        .filter(|c| df.column(c).is_err())
        .collect();
    if !missing.is_empty() {
        return Err(Error::input(format!(
            "{shown}: expected an itcost canonical ledger (written by `itcost convert`), missing column(s): {}",
            missing.join(", ")
        )));
    }
    let n = df.height();
    let mut cols = Vec::with_capacity(names.len());
    for name in names {
        let c = match df.column(name) {
            Ok(c) => c
                .cast(&dtype_of(name))
                .map_err(|e| Error::input(format!("{shown}: column '{name}': {e}")))?,
            Err(_)
                if TEXT_FIELDS.iter().any(|f| f.key() == name)
                    || name == "file"
                    || name == "municipality" =>
            {
                Column::new_scalar(
                    name.into(),
                    Scalar::new(DataType::String, AnyValue::StringOwned("".into())),
                    n,
                )
            }
            Err(_) => Column::full_null(name.into(), n, &dtype_of(name)),
        };
        cols.push(c);
    }
    Ok(DataFrame::new(n, cols)?)
}

/// Reads a Parquet ledger (file or directory).
pub fn read(path: &Path, opts: &ReadOptions, detected_by: String) -> Result<Ingested> {
    let files = files_of(path)?;
    if opts.summed {
        return read_summed(path, &files, opts, detected_by);
    }
    read_lines(path, files, opts, detected_by)
}

fn files_of(path: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if path.is_dir() {
        parquet_files(path, &mut files)?;
        files.sort();
        if files.is_empty() {
            return Err(Error::input(format!("{}: a directory without .parquet files; expected a ledger file or a Parquet dataset", path.display())));
        }
    } else {
        files.push(path.to_path_buf());
    }
    Ok(files)
}

/// Rows per row group in the Parquet files itcost writes.
pub const ROW_GROUP_ROWS: usize = 1 << 18;

/// Rows read at a time by [`read_summed`] (four row groups).
const SLICE_ROWS: usize = 4 * ROW_GROUP_ROWS;

/// Reads a Parquet ledger a slice of rows at a time (only the columns a run needs) and sums it per key, as
/// [`super::csv_text::read_summed`] does for text: memory grows with the distinct keys, not the rows.
fn read_summed(
    path: &Path,
    files: &[PathBuf],
    opts: &ReadOptions,
    detected_by: String,
) -> Result<Ingested> {
    let keys: Vec<&str> = super::ledger::KEY_FIELDS
        .iter()
        .map(|&i| TEXT_FIELDS[i].key())
        .collect();
    let mut accs: Vec<super::ledger::KeySums> = (0..rayon::current_num_threads().max(1))
        .map(|_| Default::default())
        .collect();
    let mut periods: std::collections::BTreeMap<i32, u64> = Default::default();
    let mut vouchers: PlHashSet<Box<str>> = Default::default();
    let (mut rows, mut sum_ore) = (0usize, 0i64);
    let (mut first_muni, mut first_year) = (None, None);
    for f in files {
        let shown = f.display().to_string();
        let open = || std::fs::File::open(f).map_err(|e| Error::io(f, e));
        let bad = |e: PolarsError| {
            Error::input(format!("{shown}: expected a readable Parquet file: {e}"))
        };
        let schema = ParquetReader::new(open()?).schema().map_err(bad)?;
        let have = |c: &str| schema.contains(c);
        for c in ["account", "amount_ore"] {
            if !have(c) {
                return Err(Error::input(format!(
                    "{shown}: expected an itcost canonical ledger (written by `itcost convert`), missing column(s): {c}"
                )));
            }
        }
        let mut wanted: Vec<String> = keys
            .iter()
            .filter(|k| have(k))
            .map(|k| k.to_string())
            .collect();
        for c in ["line", "period", "amount_ore", "municipality", "year"] {
            if have(c) {
                wanted.push(c.into());
            }
        }
        if opts.vouchers && have("voucher") {
            wanted.push("voucher".into());
        }
        let n = ParquetReader::new(open()?).num_rows().map_err(bad)?;
        let file_bytes = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        let mut off = 0;
        while off < n {
            let take = SLICE_ROWS.min(n - off);
            let df = ParquetReader::new(open()?)
                .with_columns(Some(wanted.clone()))
                .with_slice(Some((off, take)))
                .finish()
                .map_err(bad)?;
            off += take;
            rows += df.height();
            crate::progress::advance(file_bytes * take as u64 / n.max(1) as u64);
            let amounts = df.column("amount_ore")?.cast(&DataType::Int64)?;
            for v in amounts.i64()?.iter() {
                sum_ore = sum_ore.checked_add(v.unwrap_or(0)).ok_or_else(|| {
                    Error::input(format!("{shown}: the sum of amount_ore overflows"))
                })?;
            }
            if let Ok(p) = df.column("period") {
                for v in p.cast(&DataType::Int32)?.i32()?.iter().flatten() {
                    *periods.entry(v).or_default() += 1;
                }
            }
            if let Ok(v) = df.column("voucher") {
                vouchers.extend(
                    v.str()?
                        .iter()
                        .flatten()
                        .filter(|s| !s.is_empty())
                        .map(Box::from),
                );
            }
            if first_muni.is_none() {
                first_muni = df
                    .column("municipality")
                    .ok()
                    .and_then(|c| c.str().ok()?.iter().flatten().next().map(str::to_string));
                first_year = df.column("year").ok().and_then(|c| {
                    c.cast(&DataType::Int32)
                        .ok()?
                        .i32()
                        .ok()?
                        .iter()
                        .flatten()
                        .next()
                });
            }
            // Sum per key in Rust (as the text reader does), each core on its share of the slice's rows.
            let text: Vec<Option<StringChunked>> = keys
                .iter()
                .map(|k| {
                    df.column(k)
                        .ok()
                        .and_then(|c| c.cast(&DataType::String).ok())
                        .and_then(|c| c.str().ok().cloned())
                })
                .collect();
            let lines_col = df
                .column("line")
                .ok()
                .and_then(|c| c.cast(&DataType::UInt32).ok())
                .and_then(|c| c.u32().ok().cloned());
            let amounts = amounts.i64()?.clone();
            let rows_here = df.height();
            let parts = accs.len();
            accs.par_iter_mut().enumerate().for_each(|(p, acc)| {
                let lo = rows_here * p / parts;
                let hi = rows_here * (p + 1) / parts;
                let t: Vec<Option<StringChunked>> = text
                    .iter()
                    .map(|c| c.as_ref().map(|c| c.slice(lo as i64, hi - lo)))
                    .collect();
                let iters: Vec<Box<dyn Iterator<Item = Option<&str>> + '_>> = t
                    .iter()
                    .map(|c| match c {
                        Some(c) => Box::new(c.iter()) as Box<dyn Iterator<Item = Option<&str>>>,
                        None => Box::new(std::iter::repeat(None)),
                    })
                    .collect();
                let mut iters = iters;
                let am = amounts.slice(lo as i64, hi - lo);
                let ln = lines_col.as_ref().map(|c| c.slice(lo as i64, hi - lo));
                let mut ln_iter = ln.as_ref().map(|c| c.iter());
                for a in am.iter() {
                    let mut v = [""; 12];
                    for (slot, it) in super::ledger::KEY_FIELDS.iter().zip(iters.iter_mut()) {
                        v[*slot] = it.next().flatten().unwrap_or("");
                    }
                    let line = ln_iter
                        .as_mut()
                        .and_then(|i| i.next().flatten())
                        .unwrap_or(0);
                    acc.push(&super::ledger::LineValues {
                        text: v,
                        line,
                        date: None,
                        period: None,
                        amount_ore: a.unwrap_or(0),
                    });
                }
            });
        }
    }
    let municipality = opts.municipality.clone().or(first_muni).unwrap_or_default();
    let year = opts
        .year
        .or(first_year)
        .or_else(|| super::most_common_year_of(&periods));
    let mut report = IngestReport::new(
        path,
        Format::Parquet,
        format!(
            "{detected_by} ({} file{}, read as sums per key)",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        ),
    );
    let mut acc_iter = accs.into_iter();
    let mut sums = acc_iter.next().unwrap_or_default();
    for a in acc_iter {
        sums.merge(a);
    }
    let frame = sums.finish(&report.file, &municipality, year)?;
    report.lines = rows;
    report.sum_ore = sum_ore;
    report.months = periods.keys().copied().collect();
    report.municipality = municipality;
    report.year = year;
    report.vouchers = Some(std::sync::Arc::new(vouchers));
    Ok(Ingested { frame, report })
}

/// Reads every line of a Parquet ledger.
fn read_lines(
    path: &Path,
    files: Vec<PathBuf>,
    opts: &ReadOptions,
    detected_by: String,
) -> Result<Ingested> {
    let mut frame: Option<DataFrame> = None;
    for f in &files {
        let df = read_one(f)?;
        frame = Some(match frame {
            None => df,
            Some(mut acc) => {
                acc.vstack_mut(&df)?;
                acc
            }
        });
    }
    let mut frame = frame.unwrap_or_default();
    let n = frame.height();
    if let Some(m) = &opts.municipality {
        frame.with_column(Column::new_scalar(
            "municipality".into(),
            Scalar::new(DataType::String, AnyValue::StringOwned(m.as_str().into())),
            n,
        ))?;
    }
    if let Some(y) = opts.year {
        frame.with_column(Column::new_scalar(
            "year".into(),
            Scalar::new(DataType::Int32, AnyValue::Int32(y)),
            n,
        ))?;
    }
    let sum_ore = frame
        .column("amount_ore")?
        .i64()?
        .iter()
        .try_fold(0i64, |acc, v| acc.checked_add(v.unwrap_or(0)));
    let sum_ore = sum_ore.ok_or_else(|| {
        Error::input(format!(
            "{}: the sum of amount_ore overflows",
            path.display()
        ))
    })?;
    let periods: Vec<Option<i32>> = frame.column("period")?.i32()?.iter().collect();
    let months: std::collections::BTreeSet<i32> = periods.iter().flatten().copied().collect();
    let first_str = |c: &str| -> Option<String> {
        frame
            .column(c)
            .ok()?
            .str()
            .ok()?
            .iter()
            .flatten()
            .next()
            .map(str::to_string)
    };
    let municipality = opts
        .municipality
        .clone()
        .or_else(|| first_str("municipality"))
        .unwrap_or_default();
    let year = opts
        .year
        .or_else(|| {
            frame
                .column("year")
                .ok()?
                .i32()
                .ok()?
                .iter()
                .flatten()
                .next()
        })
        .or_else(|| super::most_common_year(&periods));
    Ok(Ingested {
        report: IngestReport {
            lines: n,
            sum_ore,
            months: months.into_iter().collect(),
            municipality,
            year,
            ..IngestReport::new(
                path,
                Format::Parquet,
                format!(
                    "{detected_by} ({} file{})",
                    files.len(),
                    if files.len() == 1 { "" } else { "s" }
                ),
            )
        },
        frame,
    })
}

/// Writes one canonical ledger frame to a Parquet file (via a temporary name).
pub fn write(frame: &mut DataFrame, path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let tmp = path.with_extension("parquet.itcost-tmp");
    let f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    // Row groups of 256k rows let `run` read a large ledger a slice at a time.
    ParquetWriter::new(f)
        .with_row_group_size(Some(ROW_GROUP_ROWS))
        .finish(frame)
        .map_err(|e| Error::internal(format!("{}: writing Parquet: {e}", path.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
