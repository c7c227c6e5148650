//! `itcost convert`: ledgers in any readable format stacked into one canonical ledger per municipality and written
//! as Parquet — one file, or Hive-style partitions `municipality=NAME/year=YYYY/ledger.parquet` under a directory.
//!
//! The Hive path escaping ([`hive_escape`]) and the reading of a dataset's partitions live in
//! [`super::dataset`], so that the layout is defined in one place.

use super::columns::Field;
use super::parquet::writer::ClusteredWriter;
use super::stream::{frames, Stamp};
use super::ReadOptions;
use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One municipality to convert.
#[derive(Debug, Clone)]
pub struct ConvertJob {
    /// Municipality name stamped on the lines.
    pub name: String,
    /// Fiscal year stamped on the lines (None: from the ledgers).
    pub year: Option<i32>,
    /// Its ledger files, stacked in this order.
    pub ledgers: Vec<PathBuf>,
    /// Explicit column mapping for its exports.
    pub columns: BTreeMap<Field, String>,
    /// Spreadsheet sheet to read.
    pub sheet: Option<String>,
}

/// What one conversion wrote.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The municipality.
    pub name: String,
    /// Ledger lines written.
    pub lines: usize,
    /// Their sum, in öre.
    pub sum_ore: i64,
    /// The Parquet file written.
    pub target: PathBuf,
}

/// Whether `out` is a directory of partitions rather than one `.parquet` file: several municipalities, an existing
/// directory, or a name not ending in `.parquet`.
pub fn writes_partitions(jobs: usize, out: &Path) -> bool {
    jobs > 1 || out.is_dir() || out.extension().is_none_or(|e| e != "parquet")
}

/// The partition file of a municipality and year under `dir`: `municipality=NAME/year=YYYY/ledger.parquet`
/// (`year=unknown` when no year is known).
pub fn partition_path(dir: &Path, municipality: &str, year: Option<i32>) -> PathBuf {
    let y = year
        .map(|y| y.to_string())
        .unwrap_or_else(|| "unknown".into());
    dir.join(format!("municipality={}", hive_escape(municipality)))
        .join(format!("year={y}"))
        .join("ledger.parquet")
}

/// Reads a job's ledgers, stacks them and writes the canonical ledger: to `out` itself, or to its partition under
/// `out` when `partitioned`. Warnings from reading are handed to `warn` as they come. None when the job has no
/// ledgers.
///
/// Streaming, in two passes per ledger: the first sums it per coded key (its lines, sum, year and encoding, in
/// memory that grows with the distinct codes), the second streams its lines block by block into a
/// [`ClusteredWriter`] (each window of two row groups sorted by account, cost centre, file and line). The lines
/// written must equal the lines the first pass counted.
pub fn convert(
    job: &ConvertJob,
    out: &Path,
    partitioned: bool,
    strict: bool,
    warn: &mut dyn FnMut(&str),
) -> Result<Option<Converted>> {
    if job.ledgers.is_empty() {
        return Ok(None);
    }
    let opts = ReadOptions {
        municipality: Some(job.name.clone()),
        year: job.year,
        columns: job.columns.clone(),
        sheet: job.sheet.clone(),
        strict,
        ..ReadOptions::default()
    };
    let mut firsts = Vec::with_capacity(job.ledgers.len());
    let mut lines = 0;
    let mut sum = 0i64;
    let mut year_seen = job.year;
    for l in &job.ledgers {
        let report = super::totals::overview(l, &opts)?.report;
        for w in &report.warnings {
            warn(w);
        }
        lines += report.lines;
        sum += report.sum_ore;
        year_seen = year_seen.or(report.year);
        firsts.push(report);
    }
    let target = if partitioned {
        partition_path(out, &job.name, year_seen)
    } else {
        out.to_path_buf()
    };
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let tmp = target.with_extension("parquet.itcost-tmp");
    let mut writer = ClusteredWriter::create(&tmp)?;
    for (l, report) in job.ledgers.iter().zip(&firsts) {
        let stamp = Stamp {
            municipality: job.name.clone(),
            year: report.year,
        };
        let encoding = report.layout.as_ref().map(|x| x.encoding);
        frames(l, &opts, &stamp, encoding, &mut |f| {
            writer.push(f)?;
            Ok(true)
        })?;
    }
    let written = writer.finish()?;
    if written != lines {
        return Err(Error::internal(format!(
            "{}: converting {}: {written} lines written, {lines} read",
            target.display(),
            job.name
        )));
    }
    std::fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
    Ok(Some(Converted {
        name: job.name.clone(),
        lines,
        sum_ore: sum,
        target,
    }))
}

/// Partition names are escaped as the dataset reader decodes them (UTF-8 bytes as `%XX`).
pub use super::dataset::hive_escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_names_escape_what_a_path_cannot_hold() {
        assert_eq!(hive_escape("Åmål"), "Åmål");
        assert_eq!(hive_escape("Dals-Ed kommun"), "Dals-Ed kommun");
        assert_eq!(hive_escape("a/b=c"), "a%2Fb%3Dc");
        assert_eq!(
            partition_path(Path::new("out"), "x/y", None),
            Path::new("out/municipality=x%2Fy/year=unknown/ledger.parquet")
        );
    }

    #[test]
    fn one_parquet_file_unless_several_or_a_directory() {
        assert!(!writes_partitions(1, Path::new("no-such-dir/m.parquet")));
        assert!(writes_partitions(2, Path::new("no-such-dir/m.parquet")));
        assert!(writes_partitions(1, Path::new("no-such-dir/out")));
    }
}
