//! Spreadsheets (`.xlsx`, `.xlsm`, `.xls`, `.ods`) into the canonical ledger, through calamine.
//!
//! The first sheet unless `--sheet NAME`; the header row is found among title rows as in CSV; a header cell left
//! empty by a merged cell takes the text of the cell above it (two-row headers such as `Belopp` over
//! `Debet | Kredit` then read as `Debet`, `Kredit`). Numbers become öre exactly (a float that is not a whole number
//! of öre is refused); Excel date cells become dates.
//!
//! calamine holds one sheet in memory (about 100 bytes a cell); ledgers beyond a few million lines are better
//! converted once with `itcost convert` to Parquet.

use super::columns::{ColumnMap, Field};
use super::detect::Encoding;
use super::ledger::LedgerBuilder;
use super::table::{
    check_explicit, is_open_supplier_ledger, no_header, RowReader, HEADER_SEARCH_LINES,
};
use crate::error::{Error, Result};
use calamine::{open_workbook_auto, Data, Reader};
use std::collections::BTreeMap;
use std::path::Path;

/// Cell text as the CSV reader would see it.
fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                let cents = (f * 100.0).round();
                if ((f * 100.0) - cents).abs() < 1e-6 {
                    // Binary floating point: 1234.56 is stored as 1234.5599999…; it is 123 456 öre.
                    let c = cents as i64;
                    format!(
                        "{}{}.{:02}",
                        if c < 0 { "-" } else { "" },
                        c.abs() / 100,
                        c.abs() % 100
                    )
                } else {
                    format!("{f}")
                }
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_datetime() && serial > 0.0 {
                let (y, m, day) = super::dates::civil_from_days(serial.floor() as i32 - 25_569);
                format!("{y:04}-{m:02}-{day:02}")
            } else {
                format!("{serial}")
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads one sheet of a workbook; returns the layout, the sheet's name and the sum, in öre.
pub fn read(
    path: &Path,
    sheet: Option<&str>,
    explicit: &BTreeMap<Field, String>,
    builder: &mut LedgerBuilder,
) -> Result<(super::csv_text::TextLayout, String, i64)> {
    let shown = path.display().to_string();
    let mut wb = open_workbook_auto(path)
        .map_err(|e| Error::input(format!("{shown}: expected a readable spreadsheet: {e}")))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(s))
            .cloned()
            .ok_or_else(|| {
                Error::input(format!(
                    "{shown}: no sheet named '{s}'; the workbook has: {}",
                    names.join(", ")
                ))
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::input(format!("{shown}: the workbook has no sheets")))?,
    };
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| Error::input(format!("{shown}: sheet '{name}': {e}")))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let width = range.width();
    let mut prev: Vec<String> = vec![String::new(); width];
    let mut header: Option<(usize, ColumnMap, Vec<String>)> = None;
    for (i, row) in range.rows().take(HEADER_SEARCH_LINES).enumerate() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| cell_text(c).trim().to_string())
            .collect();
        let names: Vec<String> = cells
            .iter()
            .zip(prev.iter())
            .map(|(c, p)| if c.is_empty() { p.clone() } else { c.clone() })
            .collect();
        for candidate in [&cells, &names] {
            let map = ColumnMap::from_headers(candidate, explicit);
            if map.is_ledger_header() {
                header = Some((i, map, candidate.clone()));
                break;
            }
        }
        if header.is_some() {
            break;
        }
        prev = cells;
    }
    let Some((mut hidx, mut columns, mut headers)) = header else {
        return Err(no_header(&format!("{shown} (sheet '{name}')")));
    };
    // A two-row header: `Belopp` merged over `Debet | Kredit` in the row below. When every filled cell of the
    // next row is a known column name, the next row completes the header.
    if let Some(next) = range.rows().nth(hidx + 1) {
        let cells: Vec<String> = next
            .iter()
            .map(|c| cell_text(c).trim().to_string())
            .collect();
        let filled: Vec<String> = cells.iter().filter(|c| !c.is_empty()).cloned().collect();
        if !filled.is_empty() && ColumnMap::from_headers(&filled, explicit).unused.is_empty() {
            let combined: Vec<String> = cells
                .iter()
                .zip(headers.iter())
                .map(|(n, h)| if n.is_empty() { h.clone() } else { n.clone() })
                .collect();
            let map = ColumnMap::from_headers(&combined, explicit);
            if map.is_ledger_header() {
                hidx += 1;
                columns = map;
                headers = combined;
            }
        }
    }
    let header_line = first_row + hidx + 1;
    check_explicit(&shown, header_line, explicit, &columns, &headers)?;
    let supplier = is_open_supplier_ledger(&headers, &columns);
    let shown_row = format!("{shown} (sheet '{name}') row");
    let mut rows = RowReader::new(&shown_row, header_line, headers, &columns);
    for (i, row) in range.rows().enumerate().skip(hidx + 1) {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        rows.push(&cells, first_row + i + 1, builder)?;
    }
    let sum = rows.sum;
    Ok((
        super::csv_text::TextLayout {
            encoding: Encoding::Binary,
            delimiter: "",
            header_line,
            columns,
            open_supplier_ledger: supplier,
        },
        name,
        sum,
    ))
}
