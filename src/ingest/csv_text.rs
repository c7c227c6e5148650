//! Reading delimited text exports (CSV, semicolon, TAB) into the canonical ledger.

use super::columns::{ColumnMap, Field};
use super::detect::{decode, delimiter_name, sniff_delimiter, Encoding};
use super::ledger::LedgerBuilder;
use crate::error::{Error, Result};
use rayon::prelude::*;
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

/// Bytes of text per parallel parse chunk.
const CHUNK_BYTES: usize = 8 << 20;

/// The longest ledger line (or quoted record spanning lines) accepted: 1 MiB. A longer one is a file without line
/// breaks or a runaway quote, refused with its line number instead of being held in memory and parsed.
pub const MAX_LINE_BYTES: usize = 1 << 20;

fn too_long(shown: &str, line_no: usize, len: usize, what: &str) -> Error {
    Error::input(format!(
        "{shown}:{line_no}: {what} is {:.1} MB long; a ledger line is at most 1 MB \
         (a file without line breaks, or a quote that is never closed?)",
        len as f64 / 1_048_576.0
    ))
}

/// Reads a delimited text ledger; returns the layout, the lines (one builder per chunk, in file order) and the sum
/// of amounts read, in öre. The body is cut into chunks at line ends outside quoted fields and parsed in parallel.
pub fn read(
    path: &Path,
    explicit: &BTreeMap<Field, String>,
    lenient: bool,
) -> Result<(TextLayout, Vec<LedgerBuilder>, i64, Vec<super::Reject>)> {
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
        if line.len() > MAX_LINE_BYTES {
            return Err(too_long(&shown, idx + 1, line.len(), "the line"));
        }
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
    let body = &text[body_start..];
    let chunks = split_chunks(body, CHUNK_BYTES);
    let parsed: Vec<Result<(LedgerBuilder, i64, Vec<super::Reject>)>> = chunks
        .par_iter()
        .map(|(first_line, chunk)| {
            let mut builder = LedgerBuilder::with_capacity(chunk.len() / 100 + 16);
            let mut rows =
                super::table::RowReader::new(&shown, header_line, headers.clone(), &columns);
            rows.lenient = lenient;
            parse_lines(
                chunk,
                header_line + 1 + first_line,
                delim,
                &shown,
                &mut rows,
                &mut builder,
            )?;
            Ok((builder, rows.sum, rows.rejects))
        })
        .collect();
    let mut builders = Vec::with_capacity(parsed.len());
    let mut sum = 0i64;
    let mut rejects = Vec::new();
    for p in parsed {
        let (b, s, r) = p?;
        rejects.extend(r);
        sum = sum
            .checked_add(s)
            .ok_or_else(|| Error::input(format!("{shown}: the sum of the amounts overflows")))?;
        builders.push(b);
    }
    Ok((
        TextLayout {
            encoding,
            delimiter: delimiter_name(delim),
            header_line,
            columns,
            open_supplier_ledger: supplier_ledger,
        },
        builders,
        sum,
        rejects,
    ))
}

/// Cuts `body` into chunks of about `target` bytes, each ending at a line end outside quotes; returns each
/// chunk with the index of its first line (0-based, counted from the start of `body`).
fn split_chunks(body: &str, target: usize) -> Vec<(usize, &str)> {
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut start_line, mut line, mut in_quotes) = (0usize, 0usize, 0usize, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' => {
                line += 1;
                if !in_quotes && i + 1 - start >= target {
                    out.push((start_line, &body[start..=i]));
                    start = i + 1;
                    start_line = line;
                }
            }
            _ => {}
        }
    }
    if start < bytes.len() || out.is_empty() {
        out.push((start_line, &body[start..]));
    }
    out
}

/// Parses the lines of one chunk; `first_line_no` is the file line number of its first line.
fn parse_lines(
    chunk: &str,
    first_line_no: usize,
    delim: u8,
    shown: &str,
    rows: &mut super::table::RowReader<'_>,
    builder: &mut LedgerBuilder,
) -> Result<()> {
    let mut lines = chunk.split('\n').enumerate();
    while let Some((idx, first)) = lines.next() {
        let line_no = first_line_no + idx;
        if first.len() > MAX_LINE_BYTES {
            return Err(too_long(shown, line_no, first.len(), "the line"));
        }
        // A quoted field may span lines: join until the quotes balance (counted incrementally, bounded in size).
        let mut joined: Option<String> = None;
        let quotes = |s: &str| s.bytes().filter(|&b| b == b'"').count();
        if quotes(first) % 2 == 1 {
            let mut acc = first.to_string();
            let mut open = true;
            loop {
                match lines.next() {
                    Some((_, more)) => {
                        acc.push('\n');
                        acc.push_str(more);
                        if acc.len() > MAX_LINE_BYTES {
                            return Err(too_long(
                                shown,
                                line_no,
                                acc.len(),
                                "the quoted record starting on this line",
                            ));
                        }
                        if quotes(more) % 2 == 1 {
                            open = !open;
                        }
                        if !open {
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
    Ok(())
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
    fn chunks_end_at_line_ends_outside_quotes() {
        let body = "a;1\nb;\"x\ny\";2\nc;3\nd;4\n";
        let chunks = split_chunks(body, 4);
        let joined: String = chunks.iter().map(|c| c.1).collect();
        assert_eq!(joined, body, "chunks cover the body exactly");
        // The quoted newline (inside "x\ny") never ends a chunk; first-line indexes count every newline before.
        assert_eq!(
            chunks.iter().map(|c| c.0).collect::<Vec<_>>(),
            vec![0, 1, 3, 4]
        );
        assert_eq!(chunks[1].1, "b;\"x\ny\";2\n");
        assert_eq!(split_chunks("", 4), vec![(0, "")]);
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
