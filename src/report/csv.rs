//! CSV output in two dialects. `machine` (the default): `,` separator, decimal point, shares as fractions, UTF-8
//! without BOM — what scripts and the golden files read. `excel-sv`: what Swedish Excel opens with a double click:
//! `;` separator, decimal comma, UTF-8 with BOM, CRLF, shares as percentages under a header ending in ` %`, and
//! text cells that Excel would run as a formula (beginning with `=`, `+`, `-`, `@`, TAB or CR: OWASP CSV
//! injection) prefixed with `'` so they stay text.

use super::tables::Cell;
use serde::Serialize;

/// Which CSV flavour `--out` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum CsvDialect {
    /// `,`, decimal point, fractions, no BOM: for scripts (default).
    #[default]
    Machine,
    /// `;`, decimal comma, percentages, UTF-8 with BOM: for Swedish Excel.
    ExcelSv,
}

impl CsvDialect {
    /// Parses `machine` or `excel-sv` (also `excel_sv`).
    pub fn parse(s: &str) -> Option<CsvDialect> {
        match s.trim().to_lowercase().replace('_', "-").as_str() {
            "machine" => Some(CsvDialect::Machine),
            "excel-sv" => Some(CsvDialect::ExcelSv),
            _ => None,
        }
    }

    fn separator(self) -> char {
        match self {
            CsvDialect::Machine => ',',
            CsvDialect::ExcelSv => ';',
        }
    }
}

/// Writes a table: machine column names as the header (share columns get ` %` in `excel-sv`), then the rows.
pub fn write(dialect: CsvDialect, keys: &[&str], rows: &[Vec<Cell>]) -> String {
    let sep = dialect.separator();
    let eol = match dialect {
        CsvDialect::Machine => "\n",
        CsvDialect::ExcelSv => "\r\n",
    };
    let mut out = String::new();
    if dialect == CsvDialect::ExcelSv {
        out.push('\u{feff}');
    }
    let is_share: Vec<bool> = (0..keys.len())
        .map(|i| {
            rows.iter()
                .any(|r| matches!(r.get(i), Some(Cell::Share(_))))
        })
        .collect();
    let header: Vec<String> = keys
        .iter()
        .zip(&is_share)
        .map(|(k, share)| match (dialect, share) {
            (CsvDialect::ExcelSv, true) => quote(&format!("{k} %"), sep),
            _ => quote(k, sep),
        })
        .collect();
    out.push_str(&header.join(&sep.to_string()));
    out.push_str(eol);
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| cell(dialect, c)).collect();
        out.push_str(&cells.join(&sep.to_string()));
        out.push_str(eol);
    }
    out
}

/// One value in the dialect.
fn cell(dialect: CsvDialect, c: &Cell) -> String {
    let sep = dialect.separator();
    match dialect {
        CsvDialect::Machine => quote(&c.plain(), sep),
        CsvDialect::ExcelSv => match c {
            Cell::Text(s) => quote(&guard(s), sep),
            Cell::Share(s) => s
                .map(|v| format!("{:.4}", v * 100.0).replace('.', ","))
                .unwrap_or_default(),
            _ => c.plain().replace('.', ","),
        },
    }
}

/// A text that Excel would read as a formula gets a leading `'` (shown as text, not run).
fn guard(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Quotes a value that holds the separator, a quote, a line break or a `'` guard.
fn quote(s: &str, sep: char) -> String {
    if s.contains([sep, '"', '\n', '\r', ',', ';']) || s.starts_with('\'') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_dialect_uses_semicolons_decimal_commas_percent_and_guards_formulas() {
        let rows = vec![vec![
            Cell::Text("=HYPERLINK(\"http://x\",\"y\")".into()),
            Cell::Kr(-123_456),
            Cell::Share(Some(0.018164)),
        ]];
        assert_eq!(
            write(CsvDialect::ExcelSv, &["supplier", "amount", "share"], &rows),
            "\u{feff}supplier;amount;share %\r\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\";-1234,56;1,8164\r\n"
        );
        assert_eq!(
            write(CsvDialect::Machine, &["supplier", "amount", "share"], &rows),
            "supplier,amount,share\n\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-1234.56,0.018164\n"
        );
    }
}
