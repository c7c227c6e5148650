//! The canonical ledger: one columnar table every input format becomes, and the builder that fills it.
//!
//! Columns (polars dtypes), in this order:
//!
//! | column | dtype | meaning |
//! |---|---|---|
//! | `file` | String | the input file the line came from |
//! | `line` | UInt32 | its 1-based line number in that file |
//! | `municipality` | String | from the config or `--municipality` (default: the file stem) |
//! | `year` | Int32 | from the config or `--year`, else the most common year of the dates |
//! | `account` … `voucher` | String | the text fields of [`Field`](super::columns::Field), `""` when absent |
//! | `date` | Date (nullable) | posting date |
//! | `period` | Int32 (nullable) | `YYYYMM`, from the period column or the date |
//! | `amount_ore` | Int64 | signed amount in öre, debit positive (debet − kredit) |

use super::columns::Field;
use crate::error::Result;
use polars::prelude::*;

/// The text fields of the canonical ledger, in column order.
pub const TEXT_FIELDS: [Field; 12] = [
    Field::Account,
    Field::AccountText,
    Field::CostCentre,
    Field::Department,
    Field::Function,
    Field::Activity,
    Field::Project,
    Field::Object,
    Field::Counterpart,
    Field::Supplier,
    Field::Text,
    Field::Voucher,
];

/// Accumulates ledger lines column by column.
pub struct LedgerBuilder {
    text: Vec<StringChunkedBuilder>,
    line: Vec<u32>,
    date: Vec<Option<i32>>,
    period: Vec<Option<i32>>,
    amount: Vec<i64>,
}

/// One line's values, borrowed from the reader's record.
pub struct LineValues<'a> {
    /// Text values in [`TEXT_FIELDS`] order (`""` when absent).
    pub text: [&'a str; 12],
    /// Line number in the file.
    pub line: u32,
    /// Date as days since 1970-01-01.
    pub date: Option<i32>,
    /// Period `YYYYMM`.
    pub period: Option<i32>,
    /// Amount in öre.
    pub amount_ore: i64,
}

impl LedgerBuilder {
    /// An empty builder with room for `capacity` lines.
    pub fn with_capacity(capacity: usize) -> Self {
        LedgerBuilder {
            text: TEXT_FIELDS
                .iter()
                .map(|f| StringChunkedBuilder::new(f.key().into(), capacity))
                .collect(),
            line: Vec::with_capacity(capacity),
            date: Vec::with_capacity(capacity),
            period: Vec::with_capacity(capacity),
            amount: Vec::with_capacity(capacity),
        }
    }

    /// Appends one line.
    pub fn push(&mut self, v: &LineValues<'_>) {
        for (b, s) in self.text.iter_mut().zip(v.text.iter()) {
            b.append_value(s);
        }
        self.line.push(v.line);
        self.date.push(v.date);
        self.period.push(v.period);
        self.amount.push(v.amount_ore);
    }

    /// Number of lines so far.
    pub fn len(&self) -> usize {
        self.amount.len()
    }

    /// True when no line was added.
    pub fn is_empty(&self) -> bool {
        self.amount.is_empty()
    }

    /// The periods seen so far (for choosing the year).
    pub fn periods(&self) -> &[Option<i32>] {
        &self.period
    }

    /// Builds the canonical table, stamping every line with its file, municipality and year.
    pub fn finish(self, file: &str, municipality: &str, year: Option<i32>) -> Result<DataFrame> {
        let n = self.amount.len();
        let mut cols: Vec<Column> = Vec::with_capacity(20);
        cols.push(Column::new_scalar(
            "file".into(),
            Scalar::new(DataType::String, AnyValue::StringOwned(file.into())),
            n,
        ));
        cols.push(Column::new("line".into(), self.line));
        cols.push(Column::new_scalar(
            "municipality".into(),
            Scalar::new(DataType::String, AnyValue::StringOwned(municipality.into())),
            n,
        ));
        let year_val = match year {
            Some(y) => AnyValue::Int32(y),
            None => AnyValue::Null,
        };
        cols.push(Column::new_scalar(
            "year".into(),
            Scalar::new(DataType::Int32, year_val),
            n,
        ));
        for b in self.text {
            cols.push(b.finish().into_series().into());
        }
        let date = Int32Chunked::from_iter_options("date".into(), self.date.into_iter())
            .into_series()
            .into_date();
        cols.push(date.into());
        cols.push(Column::new("period".into(), self.period));
        cols.push(Column::new("amount_ore".into(), self.amount));
        Ok(DataFrame::new(n, cols)?)
    }
}

/// The canonical column names, in order.
pub fn column_names() -> Vec<&'static str> {
    let mut v = vec!["file", "line", "municipality", "year"];
    v.extend(TEXT_FIELDS.iter().map(|f| f.key()));
    v.extend(["date", "period", "amount_ore"]);
    v
}
