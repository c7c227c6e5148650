//! Which column of a Parquet file feeds which canonical field, and the Arrow type each is read as.
//!
//! A file is either itcost's canonical ledger (it has `account` and `amount_ore`, written by `itcost convert`) or
//! an export written by another tool (DuckDB, polars, Spark …): its columns are then recognised by the same names
//! as a CSV header's (`Konto`, `Ansvar`, `Belopp` …, see [`ColumnMap`]), and explicit mappings from the config or
//! `--column` apply. String columns whose every data page in a row group is dictionary-encoded are read as
//! `Dictionary(Int32, Utf8)`, so arrow-rs hands back the dictionary without materialising one string per row;
//! other string columns are read as `Utf8View` (views into the decoded pages, no copy).

use super::super::columns::{ColumnMap, Field};
use super::super::ledger::TEXT_FIELDS;
use crate::error::{Error, Result};
use arrow_schema::{DataType, Schema, SchemaRef, TimeUnit};
use parquet::basic::Encoding;
use parquet::file::metadata::ParquetMetaData;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a line's amount comes from.
#[derive(Debug, Clone, Copy)]
pub enum AmountSource {
    /// itcost's `amount_ore`: integer öre.
    Ore(usize),
    /// A signed amount column (text, decimal, float or integer kronor).
    Amount(usize),
    /// Debit minus credit.
    DebitCredit(Option<usize>, Option<usize>),
}

/// The columns of one Parquet file, mapped to the canonical ledger.
pub struct Layout {
    /// Root column names, in file order.
    pub names: Vec<String>,
    /// The Arrow schema inferred from the Parquet schema alone (an embedded Arrow schema is ignored).
    pub base: SchemaRef,
    /// For each root column, its leaf column index (None for a nested column).
    leaf: Vec<Option<usize>>,
    /// True for itcost's canonical ledger.
    pub canonical: bool,
    /// Which column fed which field (for `inspect` and messages).
    pub columns: ColumnMap,
    /// The column of each text field in [`TEXT_FIELDS`] order (the cost centre falls back to the department,
    /// as for CSV open supplier ledgers).
    pub text: [Option<usize>; 12],
    /// The amount.
    pub amount: AmountSource,
    /// Posting date.
    pub date: Option<usize>,
    /// Period `YYYYMM`.
    pub period: Option<usize>,
    /// The canonical `line` (the line in the original export); other files number their rows.
    pub line: Option<usize>,
    /// The canonical `municipality`.
    pub municipality: Option<usize>,
    /// The canonical `year`.
    pub year: Option<usize>,
    /// True for an open supplier ledger (external purchases only).
    pub open_supplier_ledger: bool,
}

fn is_stringy(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Binary
            | DataType::LargeBinary
            | DataType::BinaryView
    )
}

fn is_integer(t: &DataType) -> bool {
    t.is_integer()
}

/// A column type name for people.
pub fn type_name(t: &DataType) -> String {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "text".into(),
        other => other.to_string(),
    }
}

impl Layout {
    /// Maps a file's columns. `explicit` (field → column name) applies to files not written by itcost.
    pub fn of(
        shown: &str,
        meta: &ParquetMetaData,
        explicit: &BTreeMap<Field, String>,
    ) -> Result<Layout> {
        let descr = meta.file_metadata().schema_descr();
        let base = parquet::arrow::parquet_to_arrow_schema(descr, None).map_err(|e| {
            Error::input(format!("{shown}: expected a readable Parquet schema: {e}"))
        })?;
        let names: Vec<String> = base.fields().iter().map(|f| f.name().clone()).collect();
        let mut leaves_of_root = vec![Vec::new(); names.len()];
        for j in 0..descr.num_columns() {
            let r = descr.get_column_root_idx(j);
            if let Some(v) = leaves_of_root.get_mut(r) {
                v.push(j);
            }
        }
        let leaf = leaves_of_root
            .iter()
            .zip(base.fields().iter())
            .map(|(l, f)| {
                l.first()
                    .copied()
                    .filter(|_| l.len() == 1 && !f.data_type().is_nested())
            })
            .collect();
        let idx = |n: &str| names.iter().position(|c| c == n);
        let canonical = idx("account").is_some() && idx("amount_ore").is_some();
        let columns = if canonical {
            ColumnMap::from_headers(&names, &BTreeMap::new())
        } else {
            let m = ColumnMap::from_headers(&names, explicit);
            let missing: Vec<String> = explicit
                .iter()
                .filter(|(f, _)| m.get(**f).is_none())
                .map(|(_, n)| format!("'{n}'"))
                .collect();
            if !missing.is_empty() {
                return Err(Error::input(format!(
                    "{shown}: the config maps column(s) {} but the Parquet file has no such column; it has: {}",
                    missing.join(", "),
                    names.join(", ")
                )));
            }
            if !m.is_ledger_header() {
                return Err(Error::input(format!(
                    "{shown}: expected a ledger: a Parquet file with an account column (Konto/Account) and an \
                     amount column (Belopp/Amount, Debet/Kredit, or itcost's amount_ore); it has columns: {}; \
                     map other names with [municipality.columns] in the config or --column FIELD=NAME",
                    names.join(", ")
                )));
            }
            m
        };
        let mut text: [Option<usize>; 12] = std::array::from_fn(|i| columns.get(TEXT_FIELDS[i]));
        if text[2].is_none() {
            text[2] = columns.get(Field::Department);
        }
        let amount = match (canonical, columns.get(Field::Amount)) {
            (true, _) => AmountSource::Ore(idx("amount_ore").unwrap_or_default()),
            (false, Some(i)) => AmountSource::Amount(i),
            (false, None) => {
                AmountSource::DebitCredit(columns.get(Field::Debit), columns.get(Field::Credit))
            }
        };
        let open_supplier_ledger =
            !canonical && super::super::table::is_open_supplier_ledger(&names, &columns);
        let layout = Layout {
            leaf,
            canonical,
            text,
            amount,
            date: columns.get(Field::Date),
            period: columns.get(Field::Period),
            line: if canonical { idx("line") } else { None },
            municipality: if canonical { idx("municipality") } else { None },
            year: if canonical { idx("year") } else { None },
            open_supplier_ledger,
            names,
            base: Arc::new(base),
            columns,
        };
        layout.check_types(shown)?;
        Ok(layout)
    }

    fn data_type(&self, i: usize) -> &DataType {
        self.base.field(i).data_type()
    }

    /// Refuses, before any row is read, a mapped column whose type cannot hold what it feeds.
    fn check_types(&self, shown: &str) -> Result<()> {
        let bad = |i: usize, expected: &str| {
            Error::input(format!(
                "{shown}: column '{}': expected {expected}, found {}",
                self.names[i],
                type_name(self.data_type(i))
            ))
        };
        for i in self.text.iter().flatten() {
            if self.leaf[*i].is_none() {
                return Err(bad(*i, "a plain column (text or whole numbers)"));
            }
            let t = self.data_type(*i);
            if !(is_stringy(t) || is_integer(t)) {
                return Err(bad(*i, "text or whole numbers"));
            }
        }
        let amounts = match self.amount {
            AmountSource::Ore(i) | AmountSource::Amount(i) => vec![i],
            AmountSource::DebitCredit(d, c) => d.into_iter().chain(c).collect(),
        };
        for i in amounts {
            let t = self.data_type(i);
            let ok = is_stringy(t)
                || is_integer(t)
                || matches!(
                    t,
                    DataType::Float16
                        | DataType::Float32
                        | DataType::Float64
                        | DataType::Decimal32(..)
                        | DataType::Decimal64(..)
                        | DataType::Decimal128(..)
                        | DataType::Decimal256(..)
                );
            if !ok || self.leaf[i].is_none() {
                return Err(bad(
                    i,
                    "an amount (text like -1 234,56, a decimal, a float or whole kronor)",
                ));
            }
        }
        for i in self.date.iter().chain(&self.period) {
            let t = self.data_type(*i);
            let ok = is_stringy(t)
                || is_integer(t)
                || matches!(
                    t,
                    DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _)
                );
            if !ok || self.leaf[*i].is_none() {
                return Err(bad(
                    *i,
                    "a date (a date, timestamp or text like 2024-03-15)",
                ));
            }
        }
        for i in self.line.iter().chain(&self.year) {
            if !is_integer(self.data_type(*i)) {
                return Err(bad(*i, "whole numbers"));
            }
        }
        Ok(())
    }

    /// The root columns a read needs: the given text fields (indexes into [`TEXT_FIELDS`]), the amount, the date
    /// and period, the canonical line, municipality and year. Sorted, without repeats.
    pub fn projection(&self, fields: &[usize]) -> Vec<usize> {
        let mut v: Vec<usize> = fields.iter().filter_map(|&f| self.text[f]).collect();
        match self.amount {
            AmountSource::Ore(i) | AmountSource::Amount(i) => v.push(i),
            AmountSource::DebitCredit(d, c) => v.extend(d.into_iter().chain(c)),
        }
        v.extend(
            [
                self.date,
                self.period,
                self.line,
                self.municipality,
                self.year,
            ]
            .into_iter()
            .flatten(),
        );
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The Arrow schema to read row group `rg` with: string columns in `projected` that are dictionary-encoded
    /// throughout the row group as `Dictionary(Int32, Utf8)`, other string columns as `Utf8View`, the rest as
    /// inferred. Timestamps with a time zone are read as they are (their day is taken in UTC).
    pub fn read_schema(&self, meta: &ParquetMetaData, rg: usize, projected: &[usize]) -> SchemaRef {
        let row_group = meta.row_group(rg);
        let fields: Vec<arrow_schema::FieldRef> = self
            .base
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| {
                if !projected.contains(&i) || !is_stringy(f.data_type()) {
                    return f.clone();
                }
                let dict = self.leaf[i].is_some_and(|l| {
                    let c = row_group.column(l);
                    c.dictionary_page_offset().is_some()
                        && c.page_encoding_stats_mask().is_none_or(|m| {
                            m.is_only(Encoding::PLAIN_DICTIONARY)
                                || m.is_only(Encoding::RLE_DICTIONARY)
                        })
                });
                let t = if dict {
                    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
                } else {
                    DataType::Utf8View
                };
                Arc::new(f.as_ref().clone().with_data_type(t))
            })
            .collect();
        Arc::new(Schema::new(fields))
    }

    /// What the file's columns fed, for the input's description: `Konto → account, Belopp → amount …`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self
            .columns
            .fields
            .iter()
            .map(|(f, (_, name))| format!("{name} → {}", f.key()))
            .collect();
        if let (None, Some(i)) = (self.columns.get(Field::CostCentre), self.text[2]) {
            parts.push(format!("{} → cost_centre", self.names[i]));
        }
        parts.join(", ")
    }
}

/// Days since 1970-01-01 of a timestamp value in `unit` (UTC day).
pub fn timestamp_days(v: i64, unit: &TimeUnit) -> i32 {
    let per_day: i64 = match unit {
        TimeUnit::Second => 86_400,
        TimeUnit::Millisecond => 86_400_000,
        TimeUnit::Microsecond => 86_400_000_000,
        TimeUnit::Nanosecond => 86_400_000_000_000,
    };
    v.div_euclid(per_day) as i32
}
