//! Reading delimited text exports (CSV, semicolon, TAB) into the canonical ledger.

use super::columns::{ColumnMap, Field};
use super::detect::{decode, delimiter_name, sniff_delimiter, Encoding};
use super::ledger::LedgerBuilder;
use crate::error::{Error, Result};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use super::table::HEADER_SEARCH_LINES;

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
    /// True when the header is an open supplier ledger (external purchases only).
    pub open_supplier_ledger: bool,
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
        return Err(super::table::no_header(&shown));
    };
    super::table::check_explicit(&shown, header_line, explicit, &columns, &headers)?;
    let supplier_ledger = super::table::is_open_supplier_ledger(&headers, &columns);
    let mut rows = super::table::RowReader::new(&shown, header_line, headers, &columns);
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
        let mut fields: Vec<Cow<'_, str>> = Vec::with_capacity(16);
        split_record(raw_line, delim as char, &mut fields);
        rows.push(&fields, line_no, builder)?;
    }
    let sum = rows.sum;
    Ok((
        TextLayout {
            encoding,
            delimiter: delimiter_name(delim),
            header_line,
            columns,
            open_supplier_ledger: supplier_ledger,
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
