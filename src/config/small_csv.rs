//! The small side files of a run config (maturity scores, allocation keys): a header row and a few hundred rows,
//! `;`, `,` or TAB separated (whichever the header has most of), UTF-8 (a BOM is skipped) or Windows-1252, blank
//! lines skipped. One reader for all of them, so they accept the same files and name lines the same way.

use crate::error::{Error, Result};
use std::path::Path;

/// A small CSV file read whole: its normalised column names and its rows with their line numbers.
pub struct SmallCsv {
    /// The path as shown in messages.
    pub shown: String,
    /// The header as written (for "found '…'" in messages).
    pub header: String,
    cols: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl SmallCsv {
    /// Reads `path`; `what` names the file and the header expected when it is empty
    /// (e.g. "maturity file; expected a header kommun;år;dimension;nivå").
    pub fn read(path: &Path, what: &str) -> Result<SmallCsv> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t.trim_start_matches('\u{feff}').to_string(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(&bytes).0.into_owned(),
        };
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let Some((_, header)) = lines.next() else {
            return Err(Error::input(format!("{shown}: empty {what}")));
        };
        let delim = [';', '\t', ',']
            .into_iter()
            .max_by_key(|d| header.matches(*d).count())
            .unwrap_or(';');
        let cols = header
            .split(delim)
            .map(crate::ingest::columns::normalize)
            .collect();
        // A decimal comma in a ','-separated file cannot be told from the separator: such files must use ';'.
        let rows = lines
            .map(|(i, l)| {
                (
                    i + 1,
                    l.split(delim).map(|f| f.trim().to_string()).collect(),
                )
            })
            .collect();
        Ok(SmallCsv {
            shown,
            header: header.to_string(),
            cols,
            rows,
        })
    }

    /// The first column whose normalised name is one of `names` (normalised: lower case, no accents).
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.cols.iter().position(|c| names.contains(&c.as_str()))
    }

    /// The rows: 1-based line number and fields (trimmed).
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(n, f)| Row { n: *n, fields: f })
    }
}

/// One row of a [`SmallCsv`].
pub struct Row<'a> {
    /// 1-based line number in the file.
    pub n: usize,
    fields: &'a [String],
}

impl Row<'_> {
    /// The field in column `c` ("" when the row is short).
    pub fn get(&self, c: usize) -> &str {
        self.fields.get(c).map(String::as_str).unwrap_or("")
    }
}
