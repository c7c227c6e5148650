//! What tabular exports (delimited text and spreadsheets) share: finding the header row among title rows,
//! checking the explicit mapping, and turning one row of cells into one canonical ledger line.

use super::columns::{normalize, ColumnMap, Field};
use super::dates::{parse_date, parse_period};
use super::ledger::{KeySums, LineValues, CODED, KEY_FIELDS, TEXT_FIELDS};
use super::raw_keys::RawKeys;
use super::raw_text::Chunk;
use crate::error::{Error, Result};
use crate::money::parse_ore;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How many rows at the top of a table are searched for the header row (exports often have title rows).
pub const HEADER_SEARCH_LINES: usize = 30;

/// The error when no header row was found.
pub fn no_header(shown: &str) -> Error {
    Error::input(format!(
        "{shown}: expected a header row naming at least an account column (Konto/Account) and an amount \
         column (Belopp/Amount or Debet/Kredit) in the first {HEADER_SEARCH_LINES} lines, found none; \
         map other names with [municipality.columns] in the config or --column FIELD=HEADER"
    ))
}

/// No header recognised, with what was seen: the line that looks most like a header (the one with the most
/// fields among the top lines) and, for each required field (account, amount), the closest of its names.
pub fn no_header_seen(shown: &str, line: usize, headers: &[String]) -> Error {
    let required = [
        (Field::Account, "Konto/Account"),
        (Field::Amount, "Belopp/Utfall/Amount, or Debet and Kredit"),
    ];
    let mut closest = Vec::new();
    for (f, usual) in required {
        let mut near = f.closest(headers);
        if f == Field::Amount {
            near.extend(Field::Debit.closest(headers));
            near.extend(Field::Credit.closest(headers));
            near.dedup();
        }
        closest.push(format!(
            "{} ({usual}): {}",
            f.key(),
            if near.is_empty() {
                "no column comes close".to_string()
            } else {
                format!(
                    "closest {}",
                    near.iter()
                        .map(|n| format!("'{n}'"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
    }
    Error::input(format!(
        "{shown}: expected a header row naming at least an account column and an amount column in the first \
         {HEADER_SEARCH_LINES} lines, found none (no header row recognised); the line that looks most like one is \
         line {line}: {}\n  {}\n  map the columns with --column FIELD=HEADER (e.g. --column amount=\"{}\") or \
         [municipality.columns] in the config",
        headers.iter().map(|h| format!("'{h}'")).collect::<Vec<_>>().join(", "),
        closest.join("\n  "),
        Field::Amount
            .closest(headers)
            .first()
            .copied()
            .unwrap_or("Utfall")
    ))
}

/// Checks that every explicitly mapped column exists in the header, and that the amount is not ambiguous.
pub fn check_explicit(
    shown: &str,
    header_line: usize,
    explicit: &BTreeMap<Field, String>,
    columns: &ColumnMap,
    headers: &[String],
) -> Result<()> {
    let mut missing: Vec<(Field, &str)> = explicit
        .iter()
        .filter(|(f, _)| columns.get(**f).is_none())
        .map(|(f, n)| (*f, n.as_str()))
        .collect();
    for (f, n) in &columns.missing_explicit {
        if !missing.iter().any(|(m, _)| m == f) {
            missing.push((*f, n.as_str()));
        }
    }
    if !missing.is_empty() {
        let named: Vec<String> = missing
            .iter()
            .map(|(f, m)| {
                let near: Vec<String> = headers
                    .iter()
                    .map(|h| (strsim::jaro_winkler(&normalize(m), &normalize(h)), h))
                    .filter(|(s, _)| *s >= 0.8)
                    .map(|(_, h)| format!("'{h}'"))
                    .take(2)
                    .collect();
                format!(
                    "{}='{m}'{}",
                    f.key(),
                    if near.is_empty() {
                        String::new()
                    } else {
                        format!(" (did you mean {}?)", near.join(" or "))
                    }
                )
            })
            .collect();
        return Err(Error::input(format!(
            "{shown}:{header_line}: the column mapping (--column or [municipality.columns]) names {} but the \
             header has no such column; the file's headers are: {}",
            named.join(", "),
            headers
                .iter()
                .map(|h| format!("'{h}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if !columns.ambiguous_amount.is_empty() {
        let names = &columns.ambiguous_amount;
        return Err(Error::input(format!(
            "{shown}:{header_line}: {} columns could be the amount: {}; itcost never picks one silently: say which \
             with --column amount=\"{}\" (or amount = \"{}\" in [municipality.columns])",
            names.len(),
            names.iter().map(|h| format!("'{h}'")).collect::<Vec<_>>().join(" and "),
            names[0],
            names[0]
        )));
    }
    Ok(())
}

/// Turns rows of cells into ledger lines, for one header.
pub struct RowReader<'a> {
    shown: &'a str,
    header_line: usize,
    headers: Vec<String>,
    idx_text: Vec<Option<usize>>,
    amount: Option<usize>,
    debit: Option<usize>,
    credit: Option<usize>,
    date: Option<usize>,
    period: Option<usize>,
    /// Sum of the amounts pushed so far, in öre.
    pub sum: i64,
    /// Lenient mode: an unreadable row becomes a reject instead of an error.
    pub lenient: bool,
    /// Rows rejected in lenient mode, in order.
    pub rejects: Vec<super::Reject>,
}

impl<'a> RowReader<'a> {
    /// A reader for rows under this header.
    pub fn new(
        shown: &'a str,
        header_line: usize,
        headers: Vec<String>,
        columns: &ColumnMap,
    ) -> Self {
        let mut idx_text: Vec<Option<usize>> =
            TEXT_FIELDS.iter().map(|f| columns.get(*f)).collect();
        // An open supplier ledger has a department (förvaltning) but no cost centre: use it as the cost centre.
        if idx_text[2].is_none() {
            idx_text[2] = columns.get(Field::Department);
        }
        RowReader {
            shown,
            header_line,
            headers,
            idx_text,
            amount: columns.get(Field::Amount),
            debit: columns.get(Field::Debit),
            credit: columns.get(Field::Credit),
            date: columns.get(Field::Date),
            period: columns.get(Field::Period),
            sum: 0,
            lenient: false,
            rejects: Vec::new(),
        }
    }

    /// Reads one row (cells as text) into the builder. Blank rows are skipped (returns false).
    pub fn push<S: AsRef<str>>(
        &mut self,
        cells: &[S],
        line_no: usize,
        builder: &mut impl super::ledger::LineSink,
    ) -> Result<bool> {
        match self.push_strict(cells, line_no, builder) {
            Err(e) if self.lenient && e.kind == crate::error::ErrorKind::Input => {
                let prefix = format!("{}:{line_no}: ", self.shown);
                let reason = e
                    .message
                    .strip_prefix(&prefix)
                    .unwrap_or(&e.message)
                    .to_string();
                // The amount, where it can be read, so the conservation line can show what was set aside.
                let cell = |i: Option<usize>| {
                    i.and_then(|i| cells.get(i))
                        .map(|c| c.as_ref())
                        .unwrap_or("")
                };
                let amount_ore = match self.amount {
                    Some(_) => parse_ore(cell(self.amount)).ok().flatten(),
                    None => match (parse_ore(cell(self.debit)), parse_ore(cell(self.credit))) {
                        (Ok(d), Ok(c)) if d.is_some() || c.is_some() => {
                            Some(d.unwrap_or(0) - c.unwrap_or(0))
                        }
                        _ => None,
                    },
                };
                self.rejects.push(super::Reject {
                    file: self.shown.to_string(),
                    line: line_no,
                    raw: cells
                        .iter()
                        .map(|c| c.as_ref())
                        .collect::<Vec<_>>()
                        .join(";"),
                    reason,
                    amount_ore,
                });
                Ok(false)
            }
            other => other,
        }
    }

    fn push_strict<S: AsRef<str>>(
        &mut self,
        cells: &[S],
        line_no: usize,
        builder: &mut impl super::ledger::LineSink,
    ) -> Result<bool> {
        let shown = self.shown;
        if cells.iter().all(|f| f.as_ref().trim().is_empty()) {
            return Ok(false);
        }
        let n_fields = self.headers.len();
        let extra_empty = cells.len() > n_fields
            && cells
                .iter()
                .skip(n_fields)
                .all(|f| f.as_ref().trim().is_empty());
        if cells.len() != n_fields && !extra_empty {
            return Err(Error::input(format!(
                "{shown}:{line_no}: expected {n_fields} fields as in the header (line {}), found {}",
                self.header_line,
                cells.len()
            )));
        }
        let cell = |i: usize| cells.get(i).map(|c| c.as_ref()).unwrap_or("");
        let headers = &self.headers;
        let parse = |i: usize| {
            parse_ore(cell(i)).map_err(|e| {
                Error::input(format!("{shown}:{line_no}: column '{}': {e}", headers[i]))
            })
        };
        let amount = if let Some(i) = self.amount {
            parse(i)?.ok_or_else(|| {
                Error::input(format!(
                    "{shown}:{line_no}: column '{}': expected an amount, found an empty field",
                    headers[i]
                ))
            })?
        } else {
            let d = self.debit.map(parse).transpose()?.flatten();
            let c = self.credit.map(parse).transpose()?.flatten();
            if d.is_none() && c.is_none() {
                return Err(Error::input(format!(
                    "{shown}:{line_no}: expected an amount in Debet or Kredit, found both empty"
                )));
            }
            d.unwrap_or(0) - c.unwrap_or(0)
        };
        let (mut date, mut period) = (None, None);
        if let Some(i) = self.date {
            if let Some((d, p)) = parse_date(cell(i)).map_err(|m| {
                Error::input(format!("{shown}:{line_no}: column '{}': {m}", headers[i]))
            })? {
                date = Some(d);
                period = Some(p);
            }
        }
        if let Some(i) = self.period {
            if let Some(p) = parse_period(cell(i)).map_err(|m| {
                Error::input(format!("{shown}:{line_no}: column '{}': {m}", headers[i]))
            })? {
                period = Some(p);
            }
        }
        let mut text_vals: [&str; 12] = [""; 12];
        for (slot, idx) in text_vals.iter_mut().zip(self.idx_text.iter()) {
            *slot = idx.map(|i| cell(i).trim()).unwrap_or("");
        }
        // A line without an account code is a total, a subtotal or a repeated header, not a posting: counting it
        // would count money twice.
        if let Some(i) = self.idx_text[0] {
            let account = text_vals[0];
            if !account.bytes().any(|b| b.is_ascii_digit()) {
                let found = if account.is_empty() {
                    "an empty field".to_string()
                } else {
                    format!("'{account}'")
                };
                return Err(Error::input(format!(
                    "{shown}:{line_no}: column '{}': expected an account code like 6412, found {found} \
                     (a total row or a repeated header?)",
                    headers[i]
                )));
            }
        }
        self.sum = self
            .sum
            .checked_add(amount)
            .ok_or_else(|| Error::input(format!("{shown}:{line_no}: the running sum overflows")))?;
        builder.push(&LineValues {
            text: text_vals,
            line: line_no as u32,
            date,
            period,
            amount_ore: amount,
        });
        Ok(true)
    }
}

impl RowReader<'_> {
    /// Reads one record of raw bytes straight into key sums, as [`RowReader::push`] would read its decoded
    /// cells into them, when it is an ordinary line: as many cells as the header, an amount, readable dates,
    /// an account code. Returns false, having taken nothing, for any other record (a blank line, a total row,
    /// a bad amount, extra cells): the caller reads it with [`RowReader::push`], which says what is wrong.
    /// `cells` are the byte ranges of the cells in `chunk`.
    pub(super) fn push_raw(
        &mut self,
        chunk: Chunk<'_>,
        cells: &[(usize, usize)],
        line_no: usize,
        sums: &mut KeySums,
        raw: &mut RawKeys,
        buf: &mut String,
    ) -> bool {
        if cells.len() != self.headers.len() {
            return false;
        }
        let Some((amount, period)) = self.amount_and_period(chunk, cells) else {
            return false;
        };
        let field = |slot: usize| {
            self.idx_text[slot]
                .and_then(|i| cells.get(i))
                .map_or(&b""[..], |&r| chunk.trimmed(r))
        };
        let coded: [&[u8]; CODED] = std::array::from_fn(|i| field(KEY_FIELDS[i]));
        // A line without an account code is a total or a repeated header: the general path says so.
        if self.idx_text[0].is_some() && !coded[0].iter().any(u8::is_ascii_digit) {
            return false;
        }
        let Some(sum) = self.sum.checked_add(amount) else {
            return false;
        };
        self.sum = sum;
        let range = |slot: usize| self.idx_text[slot].and_then(|i| cells.get(i)).copied();
        let text = match range(10) {
            Some(r) => chunk.trimmed_text(r, buf),
            None => "",
        };
        raw.add(sums, &coded, text, line_no as u32, amount, chunk.decoder());
        if let Some(p) = period {
            sums.add_period(p, 1);
        }
        if sums.keep_vouchers {
            if let Some(r) = range(11) {
                let voucher = chunk.text(r);
                let voucher = voucher.trim();
                if !voucher.is_empty() && !sums.vouchers.contains(voucher) {
                    sums.vouchers.insert(Box::from(voucher));
                }
            }
        }
        true
    }

    /// A raw record's amount and period, as [`RowReader::push`] reads them; None when it would refuse them (the
    /// general path then reads the record and says why).
    fn amount_and_period(
        &self,
        chunk: Chunk<'_>,
        cells: &[(usize, usize)],
    ) -> Option<(i64, Option<i32>)> {
        let cell = |i: usize| cells.get(i).map_or(Cow::Borrowed(""), |&r| chunk.text(r));
        let ore = |i: usize| parse_ore(&cell(i)).ok();
        let amount = match self.amount {
            Some(i) => ore(i)??,
            None => {
                let d = match self.debit {
                    Some(i) => ore(i)?,
                    None => None,
                };
                let c = match self.credit {
                    Some(i) => ore(i)?,
                    None => None,
                };
                if d.is_none() && c.is_none() {
                    return None;
                }
                d.unwrap_or(0) - c.unwrap_or(0)
            }
        };
        let mut period = None;
        if let Some(i) = self.date {
            if let Some((_, p)) = parse_date(&cell(i)).ok()? {
                period = Some(p);
            }
        }
        if let Some(i) = self.period {
            if let Some(p) = parse_period(&cell(i)).ok()? {
                period = Some(p);
            }
        }
        Some((amount, period))
    }
}

/// True when a header looks like an open supplier ledger (öppna leverantörsreskontra, lankadedata.se spec):
/// lower-case snake-case names with a supplier name column and no cost centre.
pub fn is_open_supplier_ledger(headers: &[String], columns: &ColumnMap) -> bool {
    let snake = headers.iter().all(|h| {
        h.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    });
    let has = |n: &str| headers.iter().any(|h| h == n);
    snake
        && (has("leverantor_namn")
            || has("leverantor")
            || has("kopare_namn")
            || has("leverantor_id"))
        && columns.get(Field::CostCentre).is_none()
}
