//! itcost's canonical ledger as Parquet: written by `itcost convert`, read back by `run` and `inspect`.
//!
//! Schema = the canonical ledger ([`super::ledger`]): `file` (String, the original export), `line` (UInt32, the
//! line in that export), `municipality` (String), `year` (Int32), the twelve text fields (String), `date` (Date),
//! `period` (Int32, YYYYMM), `amount_ore` (Int64). Extra columns (e.g. a `classified.parquet`) are ignored.
//! Several municipalities are written Hive-style: `DIR/municipality=NAME/year=YYYY/ledger.parquet`; a directory
//! is read by reading every `.parquet` file under it (sorted by path).

mod cells;
mod layout;
pub mod lines;
mod row_groups;
mod summed;
pub mod writer;

use super::ledger::{column_names, LedgerBuilder, LineValues, TEXT_FIELDS};
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

/// Reads a Parquet ledger (one file or a dataset) straight into sums per key, one row group per task on every
/// core: memory grows with the distinct keys, not the rows. Row groups are merged in file order, so the keys come
/// out in the same order whichever core read which row group.
fn read_summed(
    path: &Path,
    files: &[PathBuf],
    opts: &ReadOptions,
    detected_by: String,
) -> Result<Ingested> {
    let opened: Vec<row_groups::ParquetFile> = files
        .par_iter()
        .map(|f| row_groups::ParquetFile::open(f, &opts.columns))
        .collect::<Result<_>>()?;
    let tasks: Vec<(usize, usize)> = opened
        .iter()
        .enumerate()
        .flat_map(|(i, f)| (0..f.meta.num_row_groups()).map(move |rg| (i, rg)))
        .collect();
    let shown = path.display().to_string();
    if opts.engine != crate::engine::Engine::Local {
        return read_on_engine(path, files, opts, detected_by, &opened);
    }
    let part = sum_tasks(&opened, &tasks, opts, &shown)?;
    summed_ingested(
        path,
        opts,
        detected_by,
        &opened,
        part.sums,
        part.sum_ore,
        part.stamp,
    )
}

/// Reads a ledger in an object store (`s3://bucket/key.parquet`, or a prefix: every `.parquet` object under it)
/// as sums per key on a distributed engine: the client lists the objects and reads their footers only (the
/// canonical-ledger check and the description); the engine reads the rows. The local engine is refused
/// ([`crate::engine::store::local_refusal`]), and so is a run that keeps every line (`serve`'s classified lines).
pub fn read_objects(path: &Path, opts: &ReadOptions) -> Result<Ingested> {
    use crate::engine::store;
    if opts.engine == crate::engine::Engine::Local {
        return Err(store::local_refusal(path));
    }
    opts.engine.available()?;
    if !opts.summed {
        return Err(Error::usage(format!(
            "{}: the lines of a ledger in an object store are not read by the client (only its sums per key, \
             computed by the {} engine); run without keeping the lines",
            path.display(),
            opts.engine.name()
        )));
    }
    let objects = store::parquet_objects(&path.to_string_lossy())?;
    let opened: Vec<row_groups::ParquetFile> = objects
        .iter()
        .map(|o| {
            let meta = store::footer(o)?;
            row_groups::ParquetFile::of_footer(Path::new(&o.url), o.bytes, meta, &opts.columns)
        })
        .collect::<Result<_>>()?;
    let files: Vec<PathBuf> = objects.iter().map(|o| PathBuf::from(&o.url)).collect();
    let detected_by = if files.len() == 1 && path.to_string_lossy().ends_with(".parquet") {
        "an object-store Parquet object (its footer read)".to_string()
    } else {
        "an object-store prefix: read as a (Hive-partitioned) Parquet dataset".to_string()
    };
    let mut read = read_on_engine(path, &files, opts, detected_by, &opened)?;
    read.report.objects = objects;
    Ok(read)
}

/// Reads canonical Parquet ledgers as sums per key on a distributed engine (issue 15): DataFusion in this
/// process or a Ballista cluster computes the key table ([`crate::engine`]); what was read is reported exactly
/// as the local reader reports it.
fn read_on_engine(
    path: &Path,
    files: &[PathBuf],
    opts: &ReadOptions,
    detected_by: String,
    opened: &[row_groups::ParquetFile],
) -> Result<Ingested> {
    if let Some(f) = opened.iter().find(|f| !f.layout.canonical) {
        return Err(Error::usage(format!(
            "{}: the {} engine reads itcost's canonical Parquet ledgers; convert this file first (itcost convert \
             --config … --out DIR) and run on the dataset",
            f.shown,
            opts.engine.name()
        )));
    }
    let got = crate::engine::sum_files(&opts.engine, &path.display().to_string(), files, opts)?;
    summed_ingested(
        path,
        opts,
        detected_by,
        opened,
        got.sums,
        got.sum_ore,
        got.stamp,
    )
}

/// The [`Ingested`] of a Parquet ledger summed per key (by any engine).
fn summed_ingested(
    path: &Path,
    opts: &ReadOptions,
    detected_by: String,
    opened: &[row_groups::ParquetFile],
    mut sums: super::ledger::KeySums,
    sum_ore: i64,
    stamp: (Option<String>, Option<i32>),
) -> Result<Ingested> {
    let (first_muni, first_year) = stamp;
    let municipality = opts.municipality.clone().or(first_muni).unwrap_or_else(|| {
        match opened.iter().all(|f| f.layout.canonical) {
            true => String::new(),
            false => super::default_municipality(path),
        }
    });
    let year = opts
        .year
        .or(first_year)
        .or_else(|| super::most_common_year_of(&sums.periods));
    let mut report = IngestReport::new(path, Format::Parquet, describe(detected_by, opened, true));
    note_foreign(&mut report, opened);
    report.lines = sums.lines as usize;
    report.sum_ore = sum_ore;
    report.months = sums.periods.keys().copied().collect();
    report.vouchers = Some(std::sync::Arc::new(std::mem::take(&mut sums.vouchers)));
    let frame = sums.finish(&report.file, &municipality, year)?;
    report.municipality = municipality;
    report.year = year;
    Ok(Ingested { frame, report })
}

/// Sums every task (file, row group) on every core: one [`summed::Part`] per core for the whole read, each core
/// taking the next row group as it finishes one, the parts merged at the end. A part that met a key decides once
/// whether it keeps its texts, so the rules are asked once per key and core. On an error no core starts another
/// row group, and the error of the earliest row group is the one reported (every earlier row group was taken
/// before it, and is finished), so the message does not depend on timing.
fn sum_tasks(
    opened: &[row_groups::ParquetFile],
    tasks: &[(usize, usize)],
    opts: &ReadOptions,
    shown: &str,
) -> Result<summed::Part> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let workers = rayon::current_num_threads().clamp(1, tasks.len().max(1));
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let parts: Vec<std::result::Result<summed::Part, (usize, Error)>> = (0..workers)
        .into_par_iter()
        .map(|_| {
            let mut part = summed::Part::new(opts.plan.clone(), opts.vouchers);
            while !failed.load(Ordering::Acquire) {
                let t = next.fetch_add(1, Ordering::AcqRel);
                let Some(&(i, rg)) = tasks.get(t) else {
                    break;
                };
                if let Err(e) = summed::sum_row_group(&opened[i], rg, t, &mut part) {
                    failed.store(true, Ordering::Release);
                    return Err((t, e));
                }
            }
            Ok(part)
        })
        .collect();
    let mut first_error: Option<(usize, Error)> = None;
    let mut merged: Option<summed::Part> = None;
    for p in parts {
        match p {
            Err((t, e)) => {
                if first_error.as_ref().is_none_or(|(f, _)| t < *f) {
                    first_error = Some((t, e));
                }
            }
            Ok(p) if first_error.is_none() => {
                merged = Some(match merged {
                    None => p,
                    Some(m) => m.merge(p, shown)?,
                });
            }
            Ok(_) => {}
        }
    }
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    Ok(merged.unwrap_or_else(|| summed::Part::new(opts.plan.clone(), opts.vouchers)))
}

/// The input's description: how it was detected, how many files, and for files not written by itcost which
/// column fed which field.
fn describe(detected_by: String, files: &[row_groups::ParquetFile], summed: bool) -> String {
    let mut s = format!(
        "{detected_by} ({} file{}{})",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if summed { ", read as sums per key" } else { "" }
    );
    if let Some(f) = files.iter().find(|f| !f.layout.canonical) {
        s.push_str(&format!("; columns: {}", f.layout.describe()));
    }
    s
}

/// Warnings for files not written by itcost (an open supplier ledger).
fn note_foreign(report: &mut IngestReport, files: &[row_groups::ParquetFile]) {
    if files.iter().any(|f| f.layout.open_supplier_ledger) {
        report.external_purchases_only = true;
        report
            .warnings
            .push(super::supplier_ledger_warning(&report.file));
    }
}

/// Reads every line of Parquet files not written by itcost (an export from DuckDB, polars, Spark …) through
/// their column mapping, row group by row group on every core.
fn read_foreign_lines(file: &row_groups::ParquetFile) -> Result<(Vec<LedgerBuilder>, i64)> {
    let all: Vec<usize> = (0..12).collect();
    let projection = file.layout.projection(&all);
    let parts: Vec<Result<(LedgerBuilder, i64)>> = (0..file.meta.num_row_groups())
        .into_par_iter()
        .map(|rg| {
            let mut b =
                LedgerBuilder::with_capacity(file.meta.row_group(rg).num_rows().max(0) as usize);
            let mut sum = 0i64;
            file.read_row_group(rg, &projection, |batch| {
                let amounts = batch.amounts()?;
                let lines = batch.lines();
                let dates = batch.dates()?;
                let periods = batch.periods(dates.as_deref())?;
                let cols: Vec<cells::Coded<'_>> = (0..12)
                    .map(|s| {
                        batch.coded(
                            s,
                            if s == 10 {
                                cells::Kind::Text
                            } else {
                                cells::Kind::Code
                            },
                        )
                    })
                    .collect();
                for r in 0..batch.rows() {
                    let text: [&str; 12] =
                        std::array::from_fn(|k| cols[k].values[cols[k].ids[r] as usize].as_ref());
                    if let Some(e) = batch.account_error(r, text[0]) {
                        return Err(e);
                    }
                    sum = sum.checked_add(amounts[r]).ok_or_else(|| {
                        Error::input(format!("{}: the running sum overflows", batch.at(r)))
                    })?;
                    b.push(&LineValues {
                        text,
                        line: lines[r],
                        date: dates.as_ref().and_then(|d| d[r].map(|d| d.0)),
                        period: periods[r],
                        amount_ore: amounts[r],
                    });
                }
                Ok(())
            })?;
            Ok((b, sum))
        })
        .collect();
    let mut builders = Vec::with_capacity(parts.len());
    let mut total = 0i64;
    for p in parts {
        let (b, sum) = p?;
        total = total.checked_add(sum).ok_or_else(|| {
            Error::input(format!("{}: the sum of the amounts overflows", file.shown))
        })?;
        builders.push(b);
    }
    Ok((builders, total))
}

/// Reads every line of a Parquet ledger.
fn read_lines(
    path: &Path,
    files: Vec<PathBuf>,
    opts: &ReadOptions,
    detected_by: String,
) -> Result<Ingested> {
    let mut frame: Option<DataFrame> = None;
    let mut opened = Vec::with_capacity(files.len());
    for f in &files {
        let pf = row_groups::ParquetFile::open(f, &opts.columns)?;
        let df = if pf.layout.canonical {
            // Written clustered by account (see [`write`]): back in the export's order.
            let df = read_one(f)?;
            df.sort(
                ["file", "line"],
                SortMultipleOptions::default().with_maintain_order(true),
            )?
        } else {
            // An export written by another tool: its lines, stamped like a CSV export's.
            let (builders, _sum) = read_foreign_lines(&pf)?;
            let periods: Vec<Option<i32>> = builders
                .iter()
                .flat_map(|b| b.periods().iter().copied())
                .collect();
            let municipality = opts
                .municipality
                .clone()
                .unwrap_or_else(|| super::default_municipality(f));
            let year = opts.year.or_else(|| super::most_common_year(&periods));
            let mut df: Option<DataFrame> = None;
            for b in builders {
                let part = b.finish(&pf.shown, &municipality, year)?;
                df = Some(match df {
                    None => part,
                    Some(mut acc) => {
                        acc.vstack_mut(&part)?;
                        acc
                    }
                });
            }
            df.unwrap_or_default()
        };
        opened.push(pf);
        frame = Some(match frame {
            None => df,
            Some(mut acc) => {
                acc.vstack_mut(&df)?;
                acc
            }
        });
    }
    let mut frame = frame.unwrap_or_default();
    if frame.width() == 0 {
        frame = LedgerBuilder::with_capacity(0).finish("", "", None)?;
    }
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
    let mut report = IngestReport {
        lines: n,
        sum_ore,
        months: months.into_iter().collect(),
        municipality,
        year,
        ..IngestReport::new(path, Format::Parquet, describe(detected_by, &opened, false))
    };
    note_foreign(&mut report, &opened);
    Ok(Ingested { report, frame })
}

/// The order `itcost convert` sorts each window of lines in ([`writer::ClusteredWriter`]): clustered by account
/// and cost centre (so a row group holds few distinct accounts and cost centres, its dictionaries are small and
/// neighbouring rows share a key), then in the export's order.
pub const SORT_COLUMNS: [&str; 4] = ["account", "cost_centre", "file", "line"];
