//! itcost's canonical ledger as Parquet: written by `itcost convert`, read back by `run` and `inspect`.
//!
//! Schema = the canonical ledger ([`super::ledger`]): `file` (String, the original export), `line` (UInt32, the
//! line in that export), `municipality` (String), `year` (Int32), the twelve text fields (String), `date` (Date),
//! `period` (Int32, YYYYMM), `amount_ore` (Int64). Extra columns (e.g. a `classified.parquet`) are ignored.
//! Several municipalities are written Hive-style: `DIR/municipality=NAME/year=YYYY/ledger.parquet`; a directory
//! is read by reading every `.parquet` file under it (sorted by path).

use super::ledger::{column_names, TEXT_FIELDS};
use super::{Format, IngestReport, Ingested, ReadOptions};
use crate::error::{Error, Result};
use polars::prelude::*;
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
    ParquetWriter::new(f)
        .finish(frame)
        .map_err(|e| Error::internal(format!("{}: writing Parquet: {e}", path.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}
