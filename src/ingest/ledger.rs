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
use std::hash::BuildHasher;

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

/// Where a reader puts the lines it parses: the full ledger ([`LedgerBuilder`]) or sums per key ([`KeySums`]).
pub trait LineSink {
    /// Takes one parsed line.
    fn push(&mut self, v: &LineValues<'_>);
}

impl LineSink for LedgerBuilder {
    fn push(&mut self, v: &LineValues<'_>) {
        LedgerBuilder::push(self, v);
    }
}

/// The text fields (indexes into [`TEXT_FIELDS`]) that a summed ledger keeps per key: everything rules,
/// departments, suppliers and suspects look at. Function, activity, project, object and voucher are not kept.
pub const KEY_FIELDS: [usize; 7] = [0, 1, 2, 3, 8, 9, 10];

struct KeyEntry {
    /// The key's fields packed into one allocation: seven u32 lengths, then the bytes (one memory region to
    /// compare, instead of seven pointers to chase).
    key: Box<[u8]>,
    first_line: u32,
    sum: i64,
    lines: u64,
    next: u32,
}

/// Lines summed per distinct key (account, account text, cost centre, department, counterpart, supplier, text),
/// with the months, the year's periods and the vouchers seen: what a run needs, in memory that grows with the
/// distinct keys, not with the lines.
#[derive(Default)]
pub struct KeySums {
    index: PlHashMap<u64, u32>,
    entries: Vec<KeyEntry>,
    hasher: PlRandomState,
    packed: Vec<u8>,
    /// Lines per period `YYYYMM` (for the months present and the most common year).
    pub periods: std::collections::BTreeMap<i32, u64>,
    /// Distinct voucher numbers (for the overlap check between files).
    pub vouchers: PlHashSet<Box<str>>,
    /// Lines taken.
    pub lines: u64,
    /// Whether to keep `vouchers`.
    pub keep_vouchers: bool,
}

fn pack(out: &mut Vec<u8>, key: &[&str; 7]) {
    out.clear();
    for f in key {
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
    }
    for f in key {
        out.extend_from_slice(f.as_bytes());
    }
}

fn unpack(key: &[u8]) -> [&str; 7] {
    let mut at = 28;
    std::array::from_fn(|i| {
        let mut len = [0u8; 4];
        len.copy_from_slice(&key[i * 4..i * 4 + 4]);
        let n = u32::from_le_bytes(len) as usize;
        let s = std::str::from_utf8(&key[at..at + n]).unwrap_or("");
        at += n;
        s
    })
}

impl KeySums {
    fn add_packed(&mut self, first_line: u32, sum: i64, lines: u64) {
        let h = self.hasher.hash_one(&self.packed[..]);
        let mut at = self.index.get(&h).copied().unwrap_or(u32::MAX);
        let head = at;
        while at != u32::MAX {
            let e = &mut self.entries[at as usize];
            if *e.key == self.packed[..] {
                e.sum += sum;
                e.lines += lines;
                e.first_line = e.first_line.min(first_line);
                return;
            }
            at = e.next;
        }
        self.entries.push(KeyEntry {
            key: self.packed.as_slice().into(),
            first_line,
            sum,
            lines,
            next: head,
        });
        self.index.insert(h, (self.entries.len() - 1) as u32);
    }

    /// Number of distinct keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when no line was taken.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds another chunk's sums.
    pub fn merge(&mut self, other: KeySums) {
        for e in other.entries {
            self.packed.clear();
            self.packed.extend_from_slice(&e.key);
            self.add_packed(e.first_line, e.sum, e.lines);
        }
        for (p, n) in other.periods {
            *self.periods.entry(p).or_default() += n;
        }
        self.vouchers.extend(other.vouchers);
        self.lines += other.lines;
    }

    /// The summed ledger in the canonical columns plus `lines` (lines per key); `line` is the key's first line,
    /// non-key text fields are empty, `date` and `period` are null.
    pub fn finish(self, file: &str, municipality: &str, year: Option<i32>) -> Result<DataFrame> {
        let n = self.entries.len();
        let mut b = LedgerBuilder::with_capacity(n);
        let mut lines = Vec::with_capacity(n);
        for e in &self.entries {
            let mut text = [""; 12];
            for (slot, f) in KEY_FIELDS.iter().zip(unpack(&e.key)) {
                text[*slot] = f;
            }
            b.push(&LineValues {
                text,
                line: e.first_line,
                date: None,
                period: None,
                amount_ore: e.sum,
            });
            lines.push(e.lines as i64);
        }
        let mut df = b.finish(file, municipality, year)?;
        df.with_column(Column::new("lines".into(), lines))?;
        Ok(df)
    }
}

impl LineSink for KeySums {
    fn push(&mut self, v: &LineValues<'_>) {
        let key: [&str; 7] = std::array::from_fn(|i| v.text[KEY_FIELDS[i]]);
        pack(&mut self.packed, &key);
        self.add_packed(v.line, v.amount_ore, 1);
        if let Some(p) = v.period {
            *self.periods.entry(p).or_default() += 1;
        }
        let voucher = v.text[11];
        if self.keep_vouchers && !voucher.is_empty() && !self.vouchers.contains(voucher) {
            self.vouchers.insert(Box::from(voucher));
        }
        self.lines += 1;
    }
}
