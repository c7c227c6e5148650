//! Reading delimited text exports (CSV, semicolon, TAB) into the canonical ledger.

use super::columns::{ColumnMap, Field};
use super::dates::{parse_date, parse_period};
use super::detect::{decode, delimiter_name, sniff_delimiter, Encoding};
use super::ledger::{LedgerBuilder, LineValues, TEXT_FIELDS};
use crate::error::{Error, Result};
use crate::money::parse_ore;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

/// How many lines at the top of a file are searched for the header row (exports often have title rows).
pub const HEADER_SEARCH_LINES: usize = 30;

/// What was detected while reading a text export.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TextLayout {
    /// The detected encoding.
    pub encoding: Encoding,
    /// The detected delimiter, printable (`;`, `,`, `TAB`, `|`).
    pub delimiter: &'static str,
    /// 1-based line number of the header row.
    pub header_line: usize,
    /// Which columns fed which fields.
    pub columns: ColumnMap,
}

/// Reads a delimited text ledger into `builder`; returns the layout and the sum of amounts read, in öre.
pub fn read(
    path: &Path,
    explicit: &BTreeMap<Field, String>,
    builder: &mut LedgerBuilder,
) -> Result<(TextLayout, i64)> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let (text, encoding) = decode(&bytes);
    drop(bytes);
    let shown = path.display().to_string();

    // Find the header: the first of the top lines that names an account and an amount column.
    let mut offset = 0usize;
    let mut header: Option<(usize, usize, u8, ColumnMap, Vec<String>)> = None; // (line no, byte offset after, delim, map, headers)
    for (idx, raw_line) in text
        .split_inclusive('\n')
        .take(HEADER_SEARCH_LINES)
        .enumerate()
    {
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let delim = sniff_delimiter(line);
        let fields = split_header(line, delim);
        let map = ColumnMap::from_headers(&fields, explicit);
        offset += raw_line.len();
        if map.is_ledger_header() {
            header = Some((idx + 1, offset, delim, map, fields));
            break;
        }
    }
    let Some((header_line, body_start, delim, columns, headers)) = header else {
        return Err(Error::input(format!(
            "{shown}: expected a header row naming at least an account column (Konto/Account) and an amount \
             column (Belopp/Amount or Debet/Kredit) in the first {HEADER_SEARCH_LINES} lines, found none; \
             map other names with [municipality.columns] in the config"
        )));
    };
    let missing: Vec<&str> = explicit
        .iter()
        .filter(|(f, _)| columns.get(**f).is_none())
        .map(|(_, name)| name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(Error::input(format!(
            "{shown}:{header_line}: the config maps column(s) {} but the header has no such column; it has: {}",
            missing.iter().map(|m| format!("'{m}'")).collect::<Vec<_>>().join(", "),
            headers.join(", ")
        )));
    }

    let idx_text: Vec<Option<usize>> = TEXT_FIELDS.iter().map(|f| columns.get(*f)).collect();
    let idx_amount = columns.get(Field::Amount);
    let idx_debit = columns.get(Field::Debit);
    let idx_credit = columns.get(Field::Credit);
    let idx_date = columns.get(Field::Date);
    let idx_period = columns.get(Field::Period);
    let n_fields = headers.len();

    let mut sum: i64 = 0;
    let mut lines = text[body_start..].split('\n').enumerate();
    while let Some((idx, first)) = lines.next() {
        let line_no = header_line + 1 + idx;
        // A quoted field may span lines: join until the quotes balance.
        let mut joined: Option<String> = None;
        if first.bytes().filter(|&b| b == b'"').count() % 2 == 1 {
            let mut acc = first.to_string();
            loop {
                match lines.next() {
                    Some((_, more)) => {
                        acc.push('\n');
                        acc.push_str(more);
                        if acc.bytes().filter(|&b| b == b'"').count() % 2 == 0 {
                            break;
                        }
                    }
                    None => {
                        return Err(Error::input(format!(
                            "{shown}:{line_no}: a quoted field starts here and is never closed (expected a closing \")"
                        )))
                    }
                }
            }
            joined = Some(acc);
        }
        let raw_line = joined.as_deref().unwrap_or(first);
        let raw_line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let mut fields: Vec<Cow<'_, str>> = Vec::with_capacity(n_fields + 2);
        split_record(raw_line, delim as char, &mut fields);
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue; // a blank line (or one of only delimiters) carries no money
        }
        // Some exports end every data line with a delimiter the header lacks: extra empty fields are harmless.
        let extra_empty =
            fields.len() > n_fields && fields.iter().skip(n_fields).all(|f| f.trim().is_empty());
        if fields.len() != n_fields && !extra_empty {
            return Err(Error::input(format!(
                "{shown}:{line_no}: expected {n_fields} fields as in the header (line {header_line}), found {}",
                fields.len()
            )));
        }
        let record = &fields;
        let field = |i: Option<usize>| {
            i.and_then(|i| record.get(i))
                .map(|c| c.as_ref())
                .unwrap_or("")
        };
        let amount = read_amount(record, idx_amount, idx_debit, idx_credit, &headers)
            .map_err(|m| Error::input(format!("{shown}:{line_no}: {m}")))?;
        let (mut date, mut period) = (None, None);
        if let Some(i) = idx_date {
            if let Some((d, p)) = parse_date(field(Some(i))).map_err(|m| {
                Error::input(format!("{shown}:{line_no}: column '{}': {m}", headers[i]))
            })? {
                date = Some(d);
                period = Some(p);
            }
        }
        if let Some(i) = idx_period {
            if let Some(p) = parse_period(field(Some(i))).map_err(|m| {
                Error::input(format!("{shown}:{line_no}: column '{}': {m}", headers[i]))
            })? {
                period = Some(p);
            }
        }
        let mut text_vals: [&str; 12] = [""; 12];
        for (slot, idx) in text_vals.iter_mut().zip(idx_text.iter()) {
            *slot = field(*idx).trim();
        }
        sum = sum
            .checked_add(amount)
            .ok_or_else(|| Error::input(format!("{shown}:{line_no}: the running sum overflows")))?;
        builder.push(&LineValues {
            text: text_vals,
            line: line_no as u32,
            date,
            period,
            amount_ore: amount,
        });
    }
    Ok((
        TextLayout {
            encoding,
            delimiter: delimiter_name(delim),
            header_line,
            columns,
        },
        sum,
    ))
}

/// Splits a header line with CSV quoting rules.
fn split_header(line: &str, delim: u8) -> Vec<String> {
    let mut out = Vec::new();
    split_record(line, delim as char, &mut out);
    out.iter().map(|s| s.trim().to_string()).collect()
}

/// Splits one record into fields (RFC 4180 quoting: `"a;b"` is one field, `""` inside quotes is a quote).
/// Unquoted fields borrow from the line; quoted ones are unescaped copies.
pub fn split_record<'a>(line: &'a str, delim: char, out: &mut Vec<Cow<'a, str>>) {
    out.clear();
    let bytes = line.as_bytes();
    let d = delim as u8;
    let mut i = 0;
    loop {
        if i < bytes.len() && bytes[i] == b'"' {
            // Quoted field.
            let mut value = String::new();
            let mut j = i + 1;
            let mut seg = j;
            while j < bytes.len() {
                if bytes[j] == b'"' {
                    if j + 1 < bytes.len() && bytes[j + 1] == b'"' {
                        value.push_str(&line[seg..=j]);
                        j += 2;
                        seg = j;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            value.push_str(&line[seg..j.min(bytes.len())]);
            // Skip the closing quote and anything up to the next delimiter (lenient about `"a"b`).
            let mut k = (j + 1).min(bytes.len());
            while k < bytes.len() && bytes[k] != d {
                k += 1;
            }
            if k > j + 1 {
                value.push_str(&line[j + 1..k]);
            }
            out.push(Cow::Owned(value));
            if k >= bytes.len() {
                return;
            }
            i = k + 1;
        } else {
            let end = line[i..].find(delim).map(|p| i + p).unwrap_or(bytes.len());
            out.push(Cow::Borrowed(&line[i..end]));
            if end >= bytes.len() {
                return;
            }
            i = end + delim.len_utf8();
        }
    }
}

/// The line's amount in öre: the amount column, or debet − kredit.
fn read_amount(
    record: &[Cow<'_, str>],
    amount: Option<usize>,
    debit: Option<usize>,
    credit: Option<usize>,
    headers: &[String],
) -> std::result::Result<i64, String> {
    let cell = |i: usize| record.get(i).map(|c| c.as_ref()).unwrap_or("");
    let parse = |i: usize| parse_ore(cell(i)).map_err(|e| format!("column '{}': {e}", headers[i]));
    if let Some(i) = amount {
        return parse(i)?.ok_or_else(|| {
            format!(
                "column '{}': expected an amount, found an empty field",
                headers[i]
            )
        });
    }
    let d = match debit {
        Some(i) => parse(i)?,
        None => None,
    };
    let c = match credit {
        Some(i) => parse(i)?,
        None => None,
    };
    match (d, c) {
        (None, None) => Err("expected an amount in Debet or Kredit, found both empty".to_string()),
        (d, c) => Ok(d.unwrap_or(0) - c.unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str, d: char) -> Vec<String> {
        let mut v = Vec::new();
        split_record(s, d, &mut v);
        v.into_iter().map(|c| c.into_owned()).collect()
    }

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(split("a;b;;c", ';'), vec!["a", "b", "", "c"]);
        assert_eq!(
            split("\"a;b\";\"say \"\"hi\"\"\";x", ';'),
            vec!["a;b", "say \"hi\"", "x"]
        );
        assert_eq!(split("a;", ';'), vec!["a", ""]);
        assert_eq!(split("", ';'), vec![""]);
        assert_eq!(split("\"unterminated", ';'), vec!["unterminated"]);
    }
}
