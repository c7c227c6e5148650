//! `--out DIR`: summary.json, report.html, tables/*.csv, report.xlsx, benchmark.csv, pools.csv and
//! classified.parquet. Every file is written to a
//! temporary name and renamed, so an interrupted run never leaves a complete-looking half file.

use super::csv::CsvDialect;
use super::tables::Cell;
use crate::error::{Error, Result};
use crate::money::format_plain;
use crate::pipeline::RunResult;
use crate::rules::taxonomy::Pool;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` via a temporary file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = tmp_name(path);
    let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// The temporary name a file is written under before it is renamed.
pub fn tmp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.itcost-tmp"))
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', ';']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Creates the directory a file goes into (if it has one and it is missing).
fn create_parent(path: &Path) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

/// `--lenient`: writes the lines set aside to `path` (rejects.csv), creating its directory.
pub fn write_rejects(path: &Path, rejects: &[&crate::ingest::Reject]) -> Result<()> {
    create_parent(path)?;
    write_atomic(path, rejects_csv(rejects).as_bytes())
}

/// `--html FILE`: writes the self-contained HTML report, creating its directory.
pub fn write_html(r: &RunResult, path: &Path, lang: super::tables::Lang) -> Result<()> {
    create_parent(path)?;
    write_atomic(path, super::html::render(r, lang).as_bytes())
}

/// Rejected lines as CSV: file, line, raw text, reason, amount (kronor, where it could be read).
pub fn rejects_csv(rejects: &[&crate::ingest::Reject]) -> String {
    let mut out = String::from("file,line,raw,reason,amount\n");
    for r in rejects {
        out.push_str(&format!(
            "{},{},{},{},{}\n",
            csv_cell(&r.file),
            r.line,
            csv_cell(&r.raw),
            csv_cell(&r.reason),
            r.amount_ore.map(format_plain).unwrap_or_default()
        ));
    }
    out
}

/// An optional amount: the amount, or an empty cell.
fn kr_or_empty(k: Option<crate::aggregate::Kr>) -> Cell {
    k.map(|k| Cell::Kr(k.0))
        .unwrap_or_else(|| Cell::Text(String::new()))
}

/// The benchmark as CSV (machine dialect: amounts in kronor with a decimal point, shares as fractions).
pub fn benchmark_csv(r: &RunResult, dialect: CsvDialect) -> String {
    let b = &r.benchmark;
    let keys = [
        "municipality",
        "year",
        "numerator",
        "denominator",
        "it_cost",
        "denominator_value",
        "share",
        "rank",
        "at_target",
        "cost_to_target",
        "increase",
    ];
    let mut rows: Vec<Vec<Cell>> = b
        .rows
        .iter()
        .chain(std::iter::once(&b.total))
        .map(|row| {
            vec![
                Cell::Text(row.name.clone()),
                Cell::Text(row.year.map(|y| y.to_string()).unwrap_or_default()),
                Cell::Text(b.numerator.key().into()),
                Cell::Text(b.denominator.key().into()),
                Cell::Kr(row.it_cost.0),
                Cell::Kr(row.denominator_value.0),
                Cell::Share(row.share),
                Cell::Text(if row.rank > 0 {
                    row.rank.to_string()
                } else {
                    String::new()
                }),
                kr_or_empty(row.at_target),
                kr_or_empty(row.cost_to_target),
                Cell::Share(row.increase),
            ]
        })
        .collect();
    super::withhold::csv_rows(r, &mut rows, true);
    super::csv::write(dialect, &keys, &rows)
}

/// Municipality × pool × inside/outside central IT, as CSV.
pub fn pools_csv(r: &RunResult, dialect: CsvDialect) -> String {
    let keys = [
        "municipality",
        "year",
        "pool",
        "pool_sv",
        "central",
        "outside",
        "total",
        "central_part",
    ];
    let mut rows = Vec::new();
    for m in &r.municipalities {
        for p in Pool::ALL {
            let s = m.pools.get(p.name()).copied().unwrap_or_default();
            let total = s.central.0 + s.outside.0;
            rows.push(vec![
                Cell::Text(m.name.clone()),
                Cell::Text(m.year.map(|y| y.to_string()).unwrap_or_default()),
                Cell::Text(p.name().into()),
                Cell::Text(p.label_sv().into()),
                Cell::Kr(s.central.0),
                Cell::Kr(s.outside.0),
                Cell::Kr(total),
                Cell::Share(crate::aggregate::share(s.central.0, total)),
            ]);
        }
    }
    super::withhold::csv_rows(r, &mut rows, false);
    super::csv::write(dialect, &keys, &rows)
}

/// True when a ledger of the run is in an object store (`s3://…`): `--out` then writes no classified.parquet.
pub fn in_object_store(r: &RunResult) -> bool {
    r.config
        .municipalities
        .iter()
        .flat_map(|m| m.ledgers.iter())
        .any(|l| crate::engine::store::is_url(l))
}

/// Writes every output file into `dir` (created if missing).
pub fn write_all(r: &RunResult, dir: &Path, lang: super::tables::Lang) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut written = Vec::new();
    let p = dir.join("summary.json");
    write_atomic(&p, super::json::to_string(r).as_bytes())?;
    written.push(p);
    let p = dir.join("report.html");
    write_atomic(&p, super::html::render_with_csv(r, lang).as_bytes())?;
    written.push(p);
    let tdir = dir.join("tables");
    std::fs::create_dir_all(&tdir).map_err(|e| Error::io(&tdir, e))?;
    // CSVs are data: machine column names and TBM (English) names, whatever the report language.
    let dialect = r.config.csv_dialect;
    for t in super::tables::tables(r, super::tables::Lang::En) {
        let p = tdir.join(format!("{}.csv", t.id));
        write_atomic(&p, t.to_csv(dialect).as_bytes())?;
        written.push(p);
    }
    let p = dir.join("report.xlsx");
    super::xlsx::write(&p, r, lang)?;
    written.push(p);
    let p = dir.join("benchmark.csv");
    write_atomic(&p, benchmark_csv(r, dialect).as_bytes())?;
    written.push(p);
    let p = dir.join("pools.csv");
    write_atomic(&p, pools_csv(r, dialect).as_bytes())?;
    written.push(p);
    // Anonymised: every line of every municipality would name them all; the classified ledger is not written.
    if r.config.analysis.anonymise {
        return Ok(written);
    }
    // Ledgers in an object store: their lines stay there (the engine read them, the client never does), so the
    // classified ledger is not written; `itcost sql` or the engine's own SQL reads them where they are.
    if in_object_store(r) {
        return Ok(written);
    }
    let p = dir.join("classified.parquet");
    super::classified::write(r, &p)?;
    written.push(p);
    Ok(written)
}
