//! What a ledger holds before any rule is applied: totals per account and per cost centre (`itcost inspect`), and
//! one line's fields by its line number (`itcost explain LEDGER --line N`).

use crate::error::{Error, Result};
use polars::prelude::*;
use std::path::Path;

/// The sum and line count of one value of a column (one account, one cost centre).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTotal {
    /// The value (empty when the lines have none).
    pub key: String,
    /// Sum of the lines' amounts, in öre.
    pub amount_ore: i64,
    /// Number of lines.
    pub lines: u64,
}

/// Totals per distinct value of a text column of a canonical ledger (`account`, `cost_centre`, …), sorted by value.
/// A summed ledger (with a `lines` column: lines per row) counts its rows' lines.
pub fn totals_by(frame: &DataFrame, column: &str) -> Result<Vec<KeyTotal>> {
    let summed = frame
        .get_column_names()
        .iter()
        .any(|c| c.as_str() == "lines");
    let lines = if summed {
        col("lines").sum().alias("lines")
    } else {
        len().alias("lines")
    };
    let df = frame
        .clone()
        .lazy()
        .group_by([col(column)])
        .agg([col("amount_ore").sum().alias("amount"), lines])
        .sort([column], SortMultipleOptions::default())
        .collect()?;
    let k = df.column(column)?.str()?.clone();
    let s = df.column("amount")?.i64()?.clone();
    let n = df.column("lines")?.cast(&DataType::UInt64)?.u64()?.clone();
    Ok(k.iter()
        .zip(s.iter())
        .zip(n.iter())
        .map(|((k, s), n)| KeyTotal {
            key: k.unwrap_or("").to_string(),
            amount_ore: s.unwrap_or(0),
            lines: n.unwrap_or(0),
        })
        .collect())
}

/// The fields of one ledger line that the rules can see, as written in the file, and its amount.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineFields {
    /// Account.
    pub account: String,
    /// Account text.
    pub account_text: String,
    /// Cost centre.
    pub cost_centre: String,
    /// Supplier.
    pub supplier: String,
    /// Line text.
    pub text: String,
    /// Counterpart (motpart).
    pub counterpart: String,
    /// Amount in öre.
    pub amount_ore: i64,
}

/// The line numbered `line` of a canonical ledger read from `path` (the number in error messages and
/// classified.parquet). An input error naming the file and line when no ledger line has that number.
pub fn line_fields(frame: &DataFrame, path: &Path, line: u32) -> Result<LineFields> {
    let lines = frame.column("line")?.u32()?.clone();
    let idx = lines.iter().position(|l| l == Some(line)).ok_or_else(|| {
        Error::input(format!(
            "{}:{line}: no ledger line there (header, title or blank line, or past the end)",
            path.display()
        ))
    })?;
    let text = |name: &str| -> Result<String> {
        Ok(frame
            .column(name)?
            .str()?
            .get(idx)
            .unwrap_or("")
            .to_string())
    };
    Ok(LineFields {
        account: text("account")?,
        account_text: text("account_text")?,
        cost_centre: text("cost_centre")?,
        supplier: text("supplier")?,
        text: text("text")?,
        counterpart: text("counterpart")?,
        amount_ore: frame.column("amount_ore")?.i64()?.get(idx).unwrap_or(0),
    })
}

/// The line numbered `line` of the ledger at `path`, streamed to: the ledger is read block by block (row group by
/// row group for Parquet) until a block holds the line, and only that line is kept. The same error as
/// [`line_fields`] when no ledger line has that number.
pub fn find_line(path: &Path, opts: &super::ReadOptions, line: u32) -> Result<LineFields> {
    let mut found: Option<LineFields> = None;
    super::stream::frames(
        path,
        opts,
        &super::stream::Stamp::default(),
        None,
        &mut |frame| {
            let has = frame.column("line")?.u32()?.iter().any(|l| l == Some(line));
            if has {
                found = Some(line_fields(&frame, path, line)?);
            }
            Ok(!has)
        },
    )?;
    found.ok_or_else(|| {
        Error::input(format!(
            "{}:{line}: no ledger line there (header, title or blank line, or past the end)",
            path.display()
        ))
    })
}

/// A ledger as `itcost inspect` shows it: what was read, and the totals per account and per cost centre.
#[derive(Debug, Clone)]
pub struct Overview {
    /// What was detected and counted while reading.
    pub report: super::IngestReport,
    /// Totals per account, sorted by account.
    pub accounts: Vec<KeyTotal>,
    /// Totals per cost centre, sorted by cost centre.
    pub cost_centres: Vec<KeyTotal>,
}

/// Reads a ledger and totals it per account and per cost centre. Text and Parquet ledgers are read as sums per
/// key (the coded values only: no rule looks at the line text here), so memory grows with the distinct codes,
/// not with the lines; SIE and spreadsheets are read line by line.
pub fn overview(path: &Path, opts: &super::ReadOptions) -> Result<Overview> {
    let opts = super::ReadOptions {
        summed: true,
        vouchers: false,
        plan: Some(super::ledger::KeyPlan {
            keywords: std::sync::Arc::new(crate::rules::keywords::TextKeywords::new(
                std::iter::empty(),
            )),
            keep_texts: None,
        }),
        ..opts.clone()
    };
    let ing = super::read_ledger(path, &opts)?;
    let accounts = totals_by(&ing.frame, "account")?;
    let cost_centres = totals_by(&ing.frame, "cost_centre")?;
    Ok(Overview {
        report: ing.report,
        accounts,
        cost_centres,
    })
}
