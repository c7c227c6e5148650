//! Reading delimited text exports (CSV, semicolon, TAB) into the canonical ledger.

use super::columns::{ColumnMap, Field};
use super::detect::{decode, delimiter_name, sniff_delimiter, Encoding};
use super::ledger::{KeyPlan, KeySums, LedgerBuilder};
use super::raw_keys::RawKeys;
use super::raw_text::Chunk;
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use super::table::HEADER_SEARCH_LINES;

/// What was detected while reading a text export.
#[derive(Debug, Clone)]
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

pub(super) fn too_long(shown: &str, line_no: usize, len: usize, what: &str) -> Error {
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
    crate::progress::advance(bytes.len() as u64);
    let (text, encoding) = decode(&bytes);
    drop(bytes);
    let shown = path.display().to_string();

    let (header_line, body_start, delim, columns, headers) = find_header(&text, explicit, &shown)?;
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

/// The header found in the top lines: (line number, byte offset after it, delimiter, column map, header names).
pub(super) type Header = (usize, usize, u8, ColumnMap, Vec<String>);

/// Finds the header: the first of the top lines that names an account and an amount column.
pub(super) fn find_header(
    text: &str,
    explicit: &BTreeMap<Field, String>,
    shown: &str,
) -> Result<Header> {
    let mut offset = 0usize;
    // The line that looks most like a header (the most fields, the first of equals), for the message.
    let mut seen: Option<(usize, Vec<String>)> = None;
    for (idx, raw_line) in text
        .split_inclusive('\n')
        .take(HEADER_SEARCH_LINES)
        .enumerate()
    {
        let line = raw_line.trim_end_matches(['\n', '\r']);
        if line.len() > MAX_LINE_BYTES {
            return Err(too_long(shown, idx + 1, line.len(), "the line"));
        }
        let delim = sniff_delimiter(line);
        let fields = split_header(line, delim);
        let map = ColumnMap::from_headers(&fields, explicit);
        offset += raw_line.len();
        if map.is_ledger_header() {
            return Ok((idx + 1, offset, delim, map, fields));
        }
        if seen.as_ref().is_none_or(|(_, f)| fields.len() > f.len()) {
            seen = Some((idx + 1, fields));
        }
    }
    match seen {
        Some((line, fields)) if fields.len() > 1 => {
            Err(super::table::no_header_seen(shown, line, &fields))
        }
        _ => Err(super::table::no_header(shown)),
    }
}

/// Bytes read from disk at a time by [`read_summed`].
const BLOCK_BYTES: usize = 32 << 20;

/// What [`read_summed`] returns: the layout, the sums per key, the sum of all amounts and the rejected lines.
pub struct Summed {
    /// What was detected.
    pub layout: TextLayout,
    /// Sums per key.
    pub sums: KeySums,
    /// Sum of every amount read, öre.
    pub sum: i64,
    /// Lines set aside (lenient).
    pub rejects: Vec<super::Reject>,
}

/// Reads a delimited text ledger block by block (32 MB at a time, each block parsed on every core) straight into
/// sums per key, so memory grows with the distinct keys and not with the file. Each block is decoded on its own
/// (UTF-8 when it is valid UTF-8, else Windows-1252). Returns None for UTF-16 files (read whole by [`read`]).
pub fn read_summed(
    path: &Path,
    explicit: &BTreeMap<Field, String>,
    lenient: bool,
    vouchers: bool,
    plan: Option<&KeyPlan>,
) -> Result<Option<Summed>> {
    read_summed_blocks(path, explicit, lenient, vouchers, plan, BLOCK_BYTES)
}

/// [`read_summed`] with a given block size (tests use tiny blocks to cross many block boundaries).
///
/// One encoding for the whole file, decided as the whole-file reader decides it (UTF-8 when every byte is valid
/// UTF-8, else Windows-1252), so a line never reads differently depending on the block it falls in. It is
/// decided without a serial pass over the file first: each chunk is validated as it is parsed, and the first
/// chunk that is not UTF-8 restarts the read as Windows-1252 (such files show it in their first block, where
/// the Swedish header and account texts are).
pub fn read_summed_blocks(
    path: &Path,
    explicit: &BTreeMap<Field, String>,
    lenient: bool,
    vouchers: bool,
    plan: Option<&KeyPlan>,
    block_bytes: usize,
) -> Result<Option<Summed>> {
    match read_pass(path, explicit, lenient, vouchers, plan, block_bytes, true)? {
        Some(done) => Ok(done),
        None => Ok(
            read_pass(path, explicit, lenient, vouchers, plan, block_bytes, false)?.unwrap_or(None),
        ),
    }
}

/// One read of [`read_summed_blocks`]: `try_utf8` reads as UTF-8 and returns None at the first chunk that is
/// not (the caller then reads again as Windows-1252); a file with a UTF-8 BOM is read as (lossy) UTF-8.
#[allow(clippy::too_many_arguments)]
fn read_pass(
    path: &Path,
    explicit: &BTreeMap<Field, String>,
    lenient: bool,
    vouchers: bool,
    plan: Option<&KeyPlan>,
    block_bytes: usize,
    try_utf8: bool,
) -> Result<Option<Option<Summed>>> {
    use std::io::Read;
    let shown = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    // Appends the next block; true at the end of the file. `read_to_end` reads into the buffer's spare capacity,
    // so the block is not zeroed first (a `resize` cost a pass over every byte).
    let mut read_block = |buf: &mut Vec<u8>| -> Result<bool> {
        let got = (&mut file)
            .take(block_bytes as u64)
            .read_to_end(buf)
            .map_err(|e| Error::io(path, e))?;
        crate::progress::advance(got as u64);
        Ok(got < block_bytes)
    };
    let mut pending: Vec<u8> = Vec::with_capacity(block_bytes + (1 << 20));
    let mut eof = read_block(&mut pending)?;
    if pending.starts_with(&[0xFF, 0xFE]) || pending.starts_with(&[0xFE, 0xFF]) {
        return Ok(Some(None));
    }
    let bom = pending.starts_with(&[0xEF, 0xBB, 0xBF]);
    if bom {
        pending.drain(..3);
    }
    let utf8 = bom || try_utf8;
    // Set by the chunk that finds the file is not UTF-8 after all (only when trying UTF-8 without a BOM).
    let strict = utf8 && !bom;
    let not_utf8 = std::sync::atomic::AtomicBool::new(false);

    let threads = rayon::current_num_threads().max(1);
    let mut accs: Vec<(KeySums, i64, Vec<super::Reject>, RawKeys)> = (0..threads)
        .map(|_| {
            let mut k = KeySums::with_plan(plan.cloned());
            k.keep_vouchers = vouchers;
            (k, 0, Vec::new(), RawKeys::default())
        })
        .collect();
    let mut header: Option<Header> = None;
    let mut cp1252 = false;
    let mut line_base = 0usize; // lines before the current region
    loop {
        // The region ends at the last line end outside quotes (or at the end of the file). Without any quote in
        // the block (the usual case) that is simply its last line end.
        let has_quotes = memchr::memchr(b'"', &pending).is_some();
        let cut = if eof {
            Some(pending.len())
        } else if !has_quotes {
            memchr::memrchr(b'\n', &pending).map(|i| i + 1)
        } else {
            let mut in_quotes = false;
            let mut last = None;
            for (i, &b) in pending.iter().enumerate() {
                match b {
                    b'"' => in_quotes = !in_quotes,
                    b'\n' if !in_quotes => last = Some(i + 1),
                    _ => {}
                }
            }
            last
        };
        let cut = match cut {
            Some(c) => c,
            None if pending.len() > MAX_LINE_BYTES => {
                return Err(too_long(&shown, line_base + 1, pending.len(), "the line"));
            }
            None => {
                eof = read_block(&mut pending)?;
                continue;
            }
        };
        // The header is searched in the top lines: read on until they are all in (or the file ends).
        if header.is_none() && !eof && count_lines(&pending[..cut]) < HEADER_SEARCH_LINES {
            eof = read_block(&mut pending)?;
            continue;
        }
        let region = &pending[..cut];
        // The first region holds the header: decode its top lines to find it.
        let (body_start, first_line_no) = match &header {
            Some(_) => (0, line_base + 1),
            None => {
                let mut end = region.len();
                let mut seen = 0;
                for (i, &b) in region.iter().enumerate() {
                    if b == b'\n' {
                        seen += 1;
                        if seen == HEADER_SEARCH_LINES {
                            end = i + 1;
                            break;
                        }
                    }
                }
                if strict && std::str::from_utf8(&region[..end]).is_err() {
                    return Ok(None);
                }
                let top = decode_chunk(&region[..end], utf8);
                let h = find_header(&top.0, explicit, &shown)?;
                super::table::check_explicit(&shown, h.0, explicit, &h.3, &h.4)?;
                let header_line = h.0;
                header = Some(h);
                let mut off = 0;
                for _ in 0..header_line {
                    off += region[off..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map(|p| p + 1)
                        .unwrap_or(region.len() - off);
                }
                (off, header_line + 1)
            }
        };
        let Some((header_line, _, delim, columns, headers)) = &header else {
            return Err(super::table::no_header(&shown));
        };
        let body = &region[body_start..];
        let bounds = chunk_bounds(body, threads, has_quotes);
        // Line numbers: each chunk's newlines, counted in parallel (SIMD), then summed up in order.
        let counts: Vec<usize> = bounds
            .par_iter()
            .map(|&(a, b)| count_lines(&body[a..b]))
            .collect();
        let mut firsts = Vec::with_capacity(counts.len());
        let mut at = first_line_no;
        for c in &counts {
            firsts.push(at);
            at += c;
        }
        let results: Vec<Result<bool>> = accs
            .par_iter_mut()
            .zip(bounds.par_iter().zip(firsts.par_iter()))
            .map(|(acc, (&(a, b), &first))| {
                // Validated once: a chunk that is UTF-8 is read in place, without a second (lossy) pass; a
                // Windows-1252 chunk is read as bytes, decoding only what is kept.
                let bytes = &body[a..b];
                let lossy;
                let chunk = if strict {
                    match std::str::from_utf8(bytes) {
                        Ok(t) => Chunk::Utf8(t),
                        Err(_) => {
                            not_utf8.store(true, std::sync::atomic::Ordering::Relaxed);
                            return Ok(false);
                        }
                    }
                } else if utf8 {
                    lossy = String::from_utf8_lossy(bytes);
                    Chunk::Utf8(&lossy)
                } else {
                    Chunk::Windows1252(bytes)
                };
                let mut rows =
                    super::table::RowReader::new(&shown, *header_line, headers.clone(), columns);
                rows.lenient = lenient;
                let (sums, _, _, raw) = acc;
                parse_summed(chunk, first, *delim, &shown, &mut rows, sums, raw)?;
                acc.1 = acc.1.checked_add(rows.sum).ok_or_else(|| {
                    Error::input(format!("{shown}: the sum of the amounts overflows"))
                })?;
                acc.2.extend(rows.rejects);
                Ok(!utf8)
            })
            .collect();
        if not_utf8.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(None);
        }
        for r in results {
            cp1252 |= r?;
        }
        line_base += count_lines(&region[..body_start]) + counts.iter().sum::<usize>();
        pending.drain(..cut);
        if eof && pending.is_empty() {
            break;
        }
        if !eof {
            eof = read_block(&mut pending)?;
        }
    }
    let Some((header_line, _, delim, columns, headers)) = header else {
        return Err(super::table::no_header(&shown));
    };
    let supplier_ledger = super::table::is_open_supplier_ledger(&headers, &columns);
    let mut iter = accs.into_iter().map(|(mut sums, sum, rejects, mut raw)| {
        raw.flush(&mut sums);
        (sums, sum, rejects)
    });
    let (mut sums, mut sum, mut rejects) = iter.next().unwrap_or_default();
    for (s2, x, r) in iter {
        sums.merge(s2);
        sum = sum
            .checked_add(x)
            .ok_or_else(|| Error::input(format!("{shown}: the sum of the amounts overflows")))?;
        rejects.extend(r);
    }
    rejects.sort_by_key(|r| r.line);
    Ok(Some(Some(Summed {
        layout: TextLayout {
            encoding: match (bom, cp1252) {
                (true, _) => Encoding::Utf8Bom,
                (false, true) => Encoding::Windows1252,
                (false, false) => Encoding::Utf8,
            },
            delimiter: delimiter_name(delim),
            header_line,
            columns,
            open_supplier_ledger: supplier_ledger,
        },
        sums,
        sum,
        rejects,
    })))
}

/// The line ends in `bytes`, counted with `memchr`'s vector count (the plain `filter().count()` loop compiles
/// to 4 bytes a step with SSE2 only, and cost 4 % of a run's CPU).
fn count_lines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// Decodes one chunk of a file whose encoding is known: UTF-8 in place (lossy, as the whole-file reader treats a
/// file with a BOM), else Windows-1252 (true).
pub(super) fn decode_chunk(bytes: &[u8], utf8: bool) -> (Cow<'_, str>, bool) {
    if utf8 {
        (String::from_utf8_lossy(bytes), false)
    } else {
        (
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0,
            true,
        )
    }
}

/// Cuts `body` into at most `n` byte ranges of about equal size, each ending at a line end (outside quotes when
/// the body has any).
pub(super) fn chunk_bounds(body: &[u8], n: usize, has_quotes: bool) -> Vec<(usize, usize)> {
    let target = body.len() / n.max(1) + 1;
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    if has_quotes {
        let mut in_quotes = false;
        for (i, &b) in body.iter().enumerate() {
            match b {
                b'"' => in_quotes = !in_quotes,
                b'\n' if !in_quotes && i + 1 - start >= target && out.len() + 1 < n => {
                    out.push((start, i + 1));
                    start = i + 1;
                }
                _ => {}
            }
        }
    } else {
        while out.len() + 1 < n && start + target < body.len() {
            match memchr::memchr(b'\n', &body[start + target..]) {
                Some(p) => {
                    let end = start + target + p + 1;
                    out.push((start, end));
                    start = end;
                }
                None => break,
            }
        }
    }
    if start < body.len() || out.is_empty() {
        out.push((start, body.len()));
    }
    out
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
pub(super) fn parse_lines(
    chunk: &str,
    first_line_no: usize,
    delim: u8,
    shown: &str,
    rows: &mut super::table::RowReader<'_>,
    builder: &mut impl super::ledger::LineSink,
) -> Result<()> {
    let mut lines = chunk.split('\n').enumerate();
    let mut fields: Vec<Cow<'_, str>> = Vec::with_capacity(16);
    while let Some((idx, first)) = lines.next() {
        let line_no = first_line_no + idx;
        if first.len() > MAX_LINE_BYTES {
            return Err(too_long(shown, line_no, first.len(), "the line"));
        }
        // A quoted field may span lines: join until the quotes balance (counted incrementally, bounded in size).
        let mut joined: Option<String> = None;
        let quotes = |s: &str| s.bytes().filter(|&b| b == b'"').count();
        if first.as_bytes().contains(&b'"') && quotes(first) % 2 == 1 {
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
        match joined {
            // A record over several lines: its own field list (rare).
            Some(j) => {
                let raw_line = j.strip_suffix('\r').unwrap_or(&j);
                let mut own: Vec<Cow<'_, str>> = Vec::with_capacity(16);
                split_record(raw_line, delim as char, &mut own);
                rows.push(&own, line_no, builder)?;
            }
            None => {
                let raw_line = first.strip_suffix('\r').unwrap_or(first);
                split_record(raw_line, delim as char, &mut fields);
                rows.push(&fields, line_no, builder)?;
            }
        }
    }
    Ok(())
}

/// Parses the lines of one chunk straight into key sums, reading the bytes in place: an ordinary line (no quote)
/// is split on bytes and summed by its raw coded bytes ([`RawKeys`]), decoding only the line text and the
/// values of combinations not met before; a line with quotes, and any line [`RowReader::push_raw`] does not
/// take (blank, a total row, a bad amount: where an error or a reject is made), is decoded and read as
/// [`parse_lines`] reads it. `first_line_no` is the file line number of the chunk's first line.
///
/// Hand-written rather than the `csv` crate's reader: that reader copies every record's fields into its own
/// buffer and has its own quoting rules, while this reader must keep the general path's (lenient `"a"b`, quoted
/// records over lines, the same errors and line numbers); an unquoted line is split in place at the `memchr`
/// positions of the delimiter, so the coded fields stay borrowed bytes of the block.
///
/// [`RowReader::push_raw`]: super::table::RowReader::push_raw
pub(super) fn parse_summed(
    chunk: Chunk<'_>,
    first_line_no: usize,
    delim: u8,
    shown: &str,
    rows: &mut super::table::RowReader<'_>,
    sums: &mut KeySums,
    raw: &mut RawKeys,
) -> Result<()> {
    let bytes = chunk.bytes();
    let mut cells: Vec<(usize, usize)> = Vec::with_capacity(16);
    let mut text_buf = String::new();
    let mut pos = 0;
    let mut line_no = first_line_no;
    loop {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |p| pos + p);
        let line = &bytes[pos..end];
        if line.len() > MAX_LINE_BYTES {
            return Err(too_long(shown, line_no, line.len(), "the line"));
        }
        let mut next = end + 1;
        if memchr::memchr(b'"', line).is_some() {
            // Quoted fields (maybe over several lines): decoded and read by the general path.
            let (record, taken) = quoted_record(bytes, pos, end, line_no, shown)?;
            next = (pos + record.len() + 1).min(bytes.len() + 1);
            let text = decode_record(chunk, record);
            let raw_line = text.strip_suffix('\r').unwrap_or(&text);
            let mut own: Vec<Cow<'_, str>> = Vec::with_capacity(16);
            split_record(raw_line, delim as char, &mut own);
            rows.push(&own, line_no, sums)?;
            line_no += taken;
        } else {
            let rec_end = if line.last() == Some(&b'\r') {
                end - 1
            } else {
                end
            };
            split_cells(bytes, pos, rec_end, delim, &mut cells);
            if !rows.push_raw(chunk, &cells, line_no, sums, raw, &mut text_buf) {
                let text = chunk.text((pos, rec_end));
                let mut own: Vec<Cow<'_, str>> = Vec::with_capacity(cells.len());
                split_record(&text, delim as char, &mut own);
                rows.push(&own, line_no, sums)?;
            }
            line_no += 1;
        }
        if next > bytes.len() {
            return Ok(());
        }
        pos = next;
    }
}

/// The byte ranges of the cells of the unquoted record `bytes[start..end]`, split at `delim`.
fn split_cells(bytes: &[u8], start: usize, end: usize, delim: u8, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut a = start;
    for p in memchr::memchr_iter(delim, &bytes[start..end]) {
        out.push((a, start + p));
        a = start + p + 1;
    }
    out.push((a, end));
}

/// The record that starts with the line `bytes[start..end]`, which holds a quote: that line, or, when its quotes
/// are open at its end, it and the lines up to the one that closes them (as [`parse_lines`] joins them). Returns
/// the record's bytes (without the last line end) and how many lines it spans.
fn quoted_record<'a>(
    bytes: &'a [u8],
    start: usize,
    end: usize,
    line_no: usize,
    shown: &str,
) -> Result<(&'a [u8], usize)> {
    let quotes = |s: &[u8]| memchr::memchr_iter(b'"', s).count();
    if quotes(&bytes[start..end]) % 2 == 0 {
        return Ok((&bytes[start..end], 1));
    }
    let mut open = true;
    let mut at = end;
    let mut taken = 1;
    while open {
        if at >= bytes.len() {
            return Err(Error::input(format!(
                "{shown}:{line_no}: a quoted field starts here and is never closed (expected a closing \")"
            )));
        }
        let from = at + 1;
        at = memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |p| from + p);
        taken += 1;
        if at - start > MAX_LINE_BYTES {
            return Err(too_long(
                shown,
                line_no,
                at - start,
                "the quoted record starting on this line",
            ));
        }
        if quotes(&bytes[from..at]) % 2 == 1 {
            open = false;
        }
    }
    Ok((&bytes[start..at], taken))
}

/// A record's bytes as text in the chunk's encoding.
fn decode_record<'a>(chunk: Chunk<'a>, record: &'a [u8]) -> Cow<'a, str> {
    match chunk {
        Chunk::Utf8(_) => String::from_utf8_lossy(record),
        Chunk::Windows1252(_) => super::raw_text::decode_1252(record),
    }
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
            // Delimiters are ASCII here (sniffed from `;`, TAB, `,`, `|`): a byte scan, and the slice ends fall on
            // character boundaries.
            let end = if delim.is_ascii() {
                bytes[i..]
                    .iter()
                    .position(|&b| b == d)
                    .map(|p| i + p)
                    .unwrap_or(bytes.len())
            } else {
                line[i..].find(delim).map(|p| i + p).unwrap_or(bytes.len())
            };
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
