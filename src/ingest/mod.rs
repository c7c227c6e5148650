//! Stage 1: every input file becomes the one canonical columnar ledger (see [`ledger`] for its columns).
//!
//! Formats are detected by content, not by extension ([`detect_format`]): delimited text exports (CSV with `;`,
//! `,`, TAB or `|`; UTF-8, UTF-16 or Windows-1252; Swedish or English column names; open supplier ledgers),
//! SIE 1–4, spreadsheets (xlsx, xlsm, xls, ods) and Parquet (itcost's own ledgers, a file or a Hive-style directory, and
//! other tools' exports).

pub mod columns;
pub mod convert;
pub mod csv_text;
pub mod dataset;
pub mod dates;
pub mod detect;
pub mod excel;
pub mod ledger;
pub mod parquet;
pub mod raw_keys;
pub mod raw_text;
pub mod sie;
pub mod stream;
pub mod table;
pub mod totals;

use crate::error::{Error, Result};
use columns::Field;
use ledger::LedgerBuilder;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;

/// Options for reading one ledger file.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Municipality name stamped on every line (default: the file stem, or the SIE organisation name).
    pub municipality: Option<String>,
    /// Fiscal year stamped on every line (default: `#RAR`, else the most common year of the dates/periods).
    pub year: Option<i32>,
    /// Explicit column mapping: canonical field → header name in the file.
    pub columns: BTreeMap<Field, String>,
    /// Spreadsheet sheet to read (default: the first).
    pub sheet: Option<String>,
    /// Strict: an unbalanced SIE voucher is an error rather than a warning.
    pub strict: bool,
    /// Lenient: an unreadable line of a CSV or spreadsheet export is set aside as a [`Reject`] and reading goes on.
    pub lenient: bool,
    /// Read delimited text as sums per key (streaming, memory flat in the number of lines): the frame then has one
    /// row per key with a `lines` column. Other formats are read line by line whatever this says.
    pub summed: bool,
    /// With `summed`: keep the distinct voucher numbers (for the overlap check when a municipality has several
    /// files; off otherwise, as they grow with the file).
    pub vouchers: bool,
    /// With `summed`: what the rules can see of a line's free text (see [`ledger::KeyPlan`]); None keeps the
    /// text itself in the key.
    pub plan: Option<ledger::KeyPlan>,
    /// With `summed`: the engine that sums a Parquet ledger per key (`local`, or DataFusion/Ballista in a build
    /// with the `cluster` feature). Other formats are always read by itcost's own readers.
    pub engine: crate::engine::Engine,
}

/// A line set aside in lenient mode (written to `rejects.csv`).
#[derive(Debug, Clone)]
pub struct Reject {
    /// The file.
    pub file: String,
    /// Its line (or sheet row).
    pub line: usize,
    /// The line's fields, joined with `;`.
    pub raw: String,
    /// What was expected and what was found.
    pub reason: String,
    /// Its amount in öre, where that could be read.
    pub amount_ore: Option<i64>,
}

/// An input format itcost reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text (CSV, semicolon, TAB).
    DelimitedText,
    /// SIE 1–4.
    Sie,
    /// xlsx, xlsm, xls, ods.
    Spreadsheet,
    /// Parquet: itcost's canonical ledger (file or directory) or another tool's export.
    Parquet,
}

impl Format {
    /// A name for people.
    pub fn name(self) -> &'static str {
        match self {
            Format::DelimitedText => "delimited text",
            Format::Sie => "SIE",
            Format::Spreadsheet => "spreadsheet",
            Format::Parquet => "Parquet",
        }
    }
}

/// Detects a file's format from its first bytes; returns the format and why.
pub fn detect_format(path: &Path) -> Result<(Format, String)> {
    if path.is_dir() {
        return Ok((
            Format::Parquet,
            "a directory: read as a (Hive-partitioned) Parquet dataset".into(),
        ));
    }
    let mut head = vec![0u8; 4096];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| Error::io(path, e))?;
    head.truncate(n);
    if head.starts_with(b"PAR1") {
        return Ok((
            Format::Parquet,
            "starts with the Parquet magic bytes PAR1".into(),
        ));
    }
    if head.starts_with(b"PK\x03\x04") {
        return Ok((
            Format::Spreadsheet,
            "a ZIP container (xlsx, xlsm or ods)".into(),
        ));
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Ok((Format::Spreadsheet, "an OLE2 compound file (xls)".into()));
    }
    if sie::looks_like_sie(&head) {
        return Ok((
            Format::Sie,
            "starts with SIE labels (#FLAGGA, #FORMAT, #SIETYP …)".into(),
        ));
    }
    if head.contains(&0) && !(head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF])) {
        return Err(Error::input(format!(
            "{}: a binary file that is not Parquet, xlsx/xls/ods or UTF-16 text; expected a ledger export \
             (CSV/semicolon/TAB text, SIE, Excel, ODS or Parquet)",
            path.display()
        )));
    }
    Ok((
        Format::DelimitedText,
        "text: delimiter and header row detected from the first lines".into(),
    ))
}

/// What was read from one file: shown by `itcost inspect`, carried into every run's output.
#[derive(Debug, Clone)]
pub struct IngestReport {
    /// The file as given.
    pub file: String,
    /// The detected format.
    pub format: Format,
    /// Why it was detected so.
    pub detected_by: String,
    /// Encoding, delimiter, header line and column mapping (delimited text and spreadsheets).
    pub layout: Option<csv_text::TextLayout>,
    /// The sheet read (spreadsheets).
    pub sheet: Option<String>,
    /// SIE details (type, organisation, fiscal year, dimensions, vouchers).
    pub sie: Option<sie::SieInfo>,
    /// True for an open supplier ledger: external purchases only, so no total cost can be computed from it.
    pub external_purchases_only: bool,
    /// Problems that did not stop reading.
    pub warnings: Vec<String>,
    /// Lines set aside in lenient mode.
    pub rejects: Vec<Reject>,
    /// Number of ledger lines read.
    pub lines: usize,
    /// Sum of all amounts read, in öre (the left side of the conservation check).
    pub sum_ore: i64,
    /// Months present (`YYYYMM`), sorted.
    pub months: Vec<i32>,
    /// Voucher numbers, when the ledger was read as sums per key (the frame then has no voucher column values).
    pub vouchers: Option<std::sync::Arc<polars::prelude::PlHashSet<Box<str>>>>,
    /// Municipality stamped on the lines.
    pub municipality: String,
    /// Year stamped on the lines, if known.
    pub year: Option<i32>,
    /// The objects read, for a ledger in an object store (`s3://…`): what the client listed before the engine
    /// read them, and what the audit trail names (their bytes never reach the client). Empty for a file.
    pub objects: Vec<crate::engine::store::ObjectInfo>,
}

impl IngestReport {
    /// An empty report for a file, to be filled while reading.
    pub fn new(path: &Path, format: Format, detected_by: String) -> Self {
        IngestReport {
            file: path.display().to_string(),
            format,
            detected_by,
            layout: None,
            sheet: None,
            sie: None,
            external_purchases_only: false,
            warnings: Vec::new(),
            rejects: Vec::new(),
            lines: 0,
            sum_ore: 0,
            months: Vec::new(),
            vouchers: None,
            municipality: String::new(),
            year: None,
            objects: Vec::new(),
        }
    }
}

/// A ledger file read into the canonical table.
pub struct Ingested {
    /// The canonical ledger (columns in [`ledger::column_names`] order).
    pub frame: DataFrame,
    /// What was detected and counted while reading.
    pub report: IngestReport,
}

/// Reads one ledger file (or Parquet directory), detecting its format by content.
pub fn read_ledger(path: &Path, opts: &ReadOptions) -> Result<Ingested> {
    if crate::engine::store::is_url(path) {
        return parquet::read_objects(path, opts);
    }
    std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let (format, detected_by) = detect_format(path)?;
    if opts.summed && opts.engine != crate::engine::Engine::Local && format != Format::Parquet {
        return Err(Error::usage(format!(
            "{}: {} ledger; the {} engine reads Parquet datasets only (text is never shipped to a cluster): \
             convert it first with itcost convert --config … --out DIR and run on the dataset",
            path.display(),
            format.name(),
            opts.engine.name()
        )));
    }
    if format == Format::Parquet {
        return parquet::read(path, opts, detected_by);
    }
    if format == Format::DelimitedText && opts.summed {
        if let Some(s) = csv_text::read_summed(
            path,
            &opts.columns,
            opts.lenient,
            opts.vouchers,
            opts.plan.as_ref(),
        )? {
            return summed_ledger(path, opts, detected_by, s);
        }
    }
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let mut builder = LedgerBuilder::with_capacity(if format == Format::DelimitedText {
        0
    } else {
        (size / 120) as usize + 16
    });
    let mut more: Vec<LedgerBuilder> = Vec::new();
    let mut report = IngestReport::new(path, format, detected_by);
    let mut default_name = None;
    let mut default_year = None;
    match format {
        Format::DelimitedText => {
            let (layout, builders, sum, rejects) =
                csv_text::read(path, &opts.columns, opts.lenient)?;
            more = builders;
            report.rejects = rejects;
            report.external_purchases_only = layout.open_supplier_ledger;
            report.layout = Some(layout);
            report.sum_ore = sum;
        }
        Format::Spreadsheet => {
            let (layout, sheet, sum, rejects) = excel::read(
                path,
                opts.sheet.as_deref(),
                &opts.columns,
                opts.lenient,
                &mut builder,
            )?;
            report.rejects = rejects;
            report.external_purchases_only = layout.open_supplier_ledger;
            report.layout = Some(layout);
            report.sheet = Some(sheet);
            report.sum_ore = sum;
        }
        Format::Sie => {
            let (info, sum, rejects) = sie::read(path, opts.strict, opts.lenient, &mut builder)?;
            report.sum_ore = sum;
            report.rejects = rejects;
            report.warnings.extend(info.warnings.iter().cloned());
            if !info.organisation.trim().is_empty() {
                default_name = Some(info.organisation.trim().to_string());
            }
            default_year = info.fiscal_year;
            report.sie = Some(info);
        }
        Format::Parquet => unreachable!("handled above"),
    }
    if report.external_purchases_only {
        report.warnings.push(supplier_ledger_warning(&report.file));
    }
    if !more.is_empty() {
        builder = more.remove(0);
    }
    let all_periods: Vec<Option<i32>> = std::iter::once(&builder)
        .chain(more.iter())
        .flat_map(|b| b.periods().iter().copied())
        .collect();
    let months: BTreeSet<i32> = all_periods.iter().flatten().copied().collect();
    report.year = opts
        .year
        .or(default_year)
        .or_else(|| most_common_year(&all_periods));
    report.municipality = opts
        .municipality
        .clone()
        .or(default_name)
        .unwrap_or_else(|| default_municipality(path));
    report.lines = builder.len() + more.iter().map(LedgerBuilder::len).sum::<usize>();
    report.months = months.into_iter().collect();
    let mut frame = builder.finish(&report.file, &report.municipality, report.year)?;
    for b in more {
        frame.vstack_mut(&b.finish(&report.file, &report.municipality, report.year)?)?;
    }
    Ok(Ingested { frame, report })
}

/// Builds the [`Ingested`] of a text ledger read as sums per key.
fn summed_ledger(
    path: &Path,
    opts: &ReadOptions,
    detected_by: String,
    s: csv_text::Summed,
) -> Result<Ingested> {
    let mut report = IngestReport::new(path, Format::DelimitedText, detected_by);
    report.rejects = s.rejects;
    report.external_purchases_only = s.layout.open_supplier_ledger;
    report.layout = Some(s.layout);
    report.sum_ore = s.sum;
    if report.external_purchases_only {
        report.warnings.push(supplier_ledger_warning(&report.file));
    }
    report.year = opts.year.or_else(|| most_common_year_of(&s.sums.periods));
    report.municipality = opts
        .municipality
        .clone()
        .unwrap_or_else(|| default_municipality(path));
    report.lines = s.sums.lines as usize;
    report.months = s.sums.periods.keys().copied().collect();
    let mut sums = s.sums;
    report.vouchers = Some(std::sync::Arc::new(std::mem::take(&mut sums.vouchers)));
    let frame = sums.finish(&report.file, &report.municipality, report.year)?;
    Ok(Ingested { frame, report })
}

/// The year that most periods fall in (ties: the later year).
pub fn most_common_year(periods: &[Option<i32>]) -> Option<i32> {
    let mut counts: BTreeMap<i32, u64> = BTreeMap::new();
    for p in periods.iter().flatten() {
        *counts.entry(*p).or_default() += 1;
    }
    most_common_year_of(&counts)
}

/// The year that most lines fall in, from line counts per period `YYYYMM` (ties: the later year).
pub fn most_common_year_of(periods: &BTreeMap<i32, u64>) -> Option<i32> {
    let mut by_year: BTreeMap<i32, u64> = BTreeMap::new();
    for (p, n) in periods {
        *by_year.entry(p / 100).or_default() += n;
    }
    by_year
        .into_iter()
        .max_by_key(|&(y, c)| (c, y))
        .map(|(y, _)| y)
}

/// The municipality name used when neither the config nor the file gives one: the file stem.
fn default_municipality(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "ledger".into())
}

/// The warning every open supplier ledger gets.
fn supplier_ledger_warning(file: &str) -> String {
    format!(
        "{file}: an open supplier ledger (leverantörsreskontra): external purchases only — no salaries, \
         depreciation or internal lines, so shares of total or net cost need external_total in the config"
    )
}
