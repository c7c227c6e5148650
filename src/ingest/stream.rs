//! A ledger's lines streamed as canonical frames of bounded size, in file order: what the commands that need the
//! lines themselves (`run --out`'s classified.parquet, `convert`, `explain --line`) read, so that their memory
//! holds a block of lines and not the file.
//!
//! Delimited text is read 16 MB at a time, each block cut at line ends outside quotes and parsed on every core
//! (the same header search, field splitting and line numbering as [`super::csv_text`]); Parquet row group by
//! row group ([`super::parquet::lines`]). UTF-16 text, SIE and spreadsheets are read whole and handed on as one
//! frame: SIE files and spreadsheets are bounded by their formats (a sheet holds at most 1 048 576 rows), and
//! UTF-16 exports are rare and small.

use super::csv_text::{
    chunk_bounds, decode_chunk, find_header, parse_lines, too_long, Header, MAX_LINE_BYTES,
};
use super::detect::Encoding;
use super::ledger::LedgerBuilder;
use super::table::HEADER_SEARCH_LINES;
use super::{detect_format, read_ledger, Format, ReadOptions};
use crate::error::{Error, Result};
use polars::prelude::*;
use rayon::prelude::*;
use std::io::Read;
use std::path::Path;

/// The municipality and year every streamed line is stamped with (known before the lines are read: from the
/// config, or from a first pass that summed the ledger).
#[derive(Debug, Clone, Default)]
pub struct Stamp {
    /// The municipality (a run's unit id).
    pub municipality: String,
    /// The fiscal year.
    pub year: Option<i32>,
}

/// Bytes of delimited text read and parsed at a time.
const BLOCK_BYTES: usize = 16 << 20;

/// Hands `each` every line of a ledger, in file order, as canonical frames ([`super::ledger`]'s columns) of at
/// most a block's lines. `encoding` is the text encoding a first pass found (None: found here, with one pass
/// that only validates UTF-8). `each` returns false to stop reading. Lines set aside by `lenient` are skipped
/// (a first pass reported them).
pub fn frames(
    path: &Path,
    opts: &ReadOptions,
    stamp: &Stamp,
    encoding: Option<Encoding>,
    each: &mut dyn FnMut(DataFrame) -> Result<bool>,
) -> Result<()> {
    let (format, _) = detect_format(path)?;
    match format {
        Format::Parquet => super::parquet::lines::stream(path, &opts.columns, stamp, each),
        Format::DelimitedText => {
            let utf8 = match encoding {
                Some(Encoding::Utf8 | Encoding::Utf8Bom) => Some(true),
                Some(Encoding::Windows1252) => Some(false),
                Some(_) => None,
                None => text_is_utf8(path)?,
            };
            match utf8 {
                Some(utf8) => text_frames(path, opts, stamp, utf8, BLOCK_BYTES, each),
                None => whole(path, opts, stamp, each),
            }
        }
        Format::Sie | Format::Spreadsheet => whole(path, opts, stamp, each),
    }
}

/// A ledger read whole and handed on as one frame.
fn whole(
    path: &Path,
    opts: &ReadOptions,
    stamp: &Stamp,
    each: &mut dyn FnMut(DataFrame) -> Result<bool>,
) -> Result<()> {
    let opts = ReadOptions {
        municipality: Some(stamp.municipality.clone()),
        year: stamp.year,
        summed: false,
        plan: None,
        ..opts.clone()
    };
    let ing = read_ledger(path, &opts)?;
    each(ing.frame).map(|_| ())
}

/// Whether a text file is UTF-8 (a BOM, or every byte valid UTF-8), decided as the whole-file reader decides;
/// None for UTF-16. Validates block by block without keeping the file.
pub fn text_is_utf8(path: &Path) -> Result<Option<bool>> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut buf = vec![0u8; BLOCK_BYTES];
    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    loop {
        let n = read_full(&mut file, &mut buf).map_err(|e| Error::io(path, e))?;
        if first {
            first = false;
            let head = &buf[..n];
            if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
                return Ok(None);
            }
            if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
                return Ok(Some(true));
            }
        }
        carry.extend_from_slice(&buf[..n]);
        match std::str::from_utf8(&carry) {
            Ok(_) => carry.clear(),
            // A character cut at the end of the block: keep its first bytes for the next block.
            Err(e) if e.error_len().is_none() && n > 0 => {
                carry.drain(..e.valid_up_to());
            }
            Err(_) => return Ok(Some(false)),
        }
        if n < buf.len() {
            return Ok(Some(carry.is_empty()));
        }
    }
}

/// Reads until `buf` is full or the file ends; returns the bytes read.
fn read_full(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        let n = file.read(&mut buf[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    Ok(got)
}

/// Delimited text block by block (`utf8`: the file's encoding, as a first pass decided it).
fn text_frames(
    path: &Path,
    opts: &ReadOptions,
    stamp: &Stamp,
    utf8: bool,
    block_bytes: usize,
    each: &mut dyn FnMut(DataFrame) -> Result<bool>,
) -> Result<()> {
    let shown = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut read_block = |buf: &mut Vec<u8>| -> Result<bool> {
        let start = buf.len();
        buf.resize(start + block_bytes, 0);
        let got = read_full(&mut file, &mut buf[start..]).map_err(|e| Error::io(path, e))?;
        buf.truncate(start + got);
        Ok(got < block_bytes)
    };
    let mut pending: Vec<u8> = Vec::with_capacity(block_bytes + (1 << 20));
    let mut eof = read_block(&mut pending)?;
    if pending.starts_with(&[0xEF, 0xBB, 0xBF]) {
        pending.drain(..3);
    }
    let threads = rayon::current_num_threads().max(1);
    let mut header: Option<Header> = None;
    let mut line_base = 0usize;
    loop {
        let has_quotes = pending.contains(&b'"');
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
        if header.is_none()
            && !eof
            && memchr::memchr_iter(b'\n', &pending[..cut]).count() < HEADER_SEARCH_LINES
        {
            eof = read_block(&mut pending)?;
            continue;
        }
        let region = &pending[..cut];
        let (body_start, first_line_no) = match &header {
            Some(_) => (0, line_base + 1),
            None => {
                let end = memchr::memchr_iter(b'\n', region)
                    .nth(HEADER_SEARCH_LINES - 1)
                    .map(|i| i + 1)
                    .unwrap_or(region.len());
                let top = decode_chunk(&region[..end], utf8);
                let h = find_header(&top.0, &opts.columns, &shown)?;
                super::table::check_explicit(&shown, h.0, &opts.columns, &h.3, &h.4)?;
                let header_line = h.0;
                header = Some(h);
                let off = memchr::memchr_iter(b'\n', region)
                    .nth(header_line - 1)
                    .map(|i| i + 1)
                    .unwrap_or(region.len());
                (off, header_line + 1)
            }
        };
        let Some((header_line, _, delim, columns, headers)) = &header else {
            return Err(super::table::no_header(&shown));
        };
        let body = &region[body_start..];
        let bounds = chunk_bounds(body, threads, has_quotes);
        let mut firsts = Vec::with_capacity(bounds.len());
        let mut at = first_line_no;
        for &(a, b) in &bounds {
            firsts.push(at);
            at += memchr::memchr_iter(b'\n', &body[a..b]).count();
        }
        let parsed: Vec<Result<DataFrame>> = bounds
            .par_iter()
            .zip(firsts.par_iter())
            .map(|(&(a, b), &first)| {
                let (text, _) = decode_chunk(&body[a..b], utf8);
                let mut rows =
                    super::table::RowReader::new(&shown, *header_line, headers.clone(), columns);
                rows.lenient = opts.lenient;
                let mut builder = LedgerBuilder::with_capacity((b - a) / 100 + 16);
                parse_lines(&text, first, *delim, &shown, &mut rows, &mut builder)?;
                builder.finish(&shown, &stamp.municipality, stamp.year)
            })
            .collect();
        for frame in parsed {
            let frame = frame?;
            if frame.height() > 0 && !each(frame)? {
                return Ok(());
            }
        }
        line_base = at - 1;
        pending.drain(..cut);
        if eof && pending.is_empty() {
            break;
        }
        if !eof {
            eof = read_block(&mut pending)?;
        }
    }
    if header.is_none() {
        return Err(super::table::no_header(&shown));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Streamed in blocks from 64 bytes up, a text ledger gives the same lines (numbers, fields, amounts) as
    /// the whole-file reader.
    #[test]
    fn blocks_of_any_size_give_the_whole_file_reader_s_lines() {
        let dir = std::env::temp_dir().join(format!("itcost-stream-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("l.csv");
        let mut text = String::from("Huvudbok 2024\n\nKonto;Ansvar;Text;Belopp;Datum\n");
        for i in 0..400 {
            let t = if i % 7 == 0 {
                format!("\"rad {i};\nmed radbrytning\"")
            } else {
                format!("rad {i} åäö")
            };
            text.push_str(&format!(
                "{};{};{t};{},{:02};2024-0{}-15\n",
                5000 + i % 13,
                1500 + i % 3,
                i * 3,
                i % 100,
                1 + i % 9
            ));
        }
        std::fs::write(&path, &text).unwrap();
        let opts = ReadOptions::default();
        let stamp = Stamp {
            municipality: "M".into(),
            year: Some(2024),
        };
        let reference = read_ledger(
            &path,
            &ReadOptions {
                municipality: Some("M".into()),
                year: Some(2024),
                ..ReadOptions::default()
            },
        )
        .unwrap()
        .frame;
        for block in [64, 100, 333, 4096, 1 << 20] {
            let mut parts: Vec<DataFrame> = Vec::new();
            text_frames(&path, &opts, &stamp, true, block, &mut |f| {
                parts.push(f);
                Ok(true)
            })
            .unwrap();
            let mut all = parts.remove(0);
            for p in parts {
                all.vstack_mut(&p).unwrap();
            }
            assert!(all.equals_missing(&reference), "block {block}");
        }
        assert_eq!(text_is_utf8(&path).unwrap(), Some(true));
        std::fs::remove_dir_all(&dir).ok();
    }
}
