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
use calamine::{open_workbook_auto, Data, Reader, Xlsx};
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
///
/// `.xlsx`/`.xlsm` sheets are streamed cell by cell (memory stays flat however many rows); `.xls` and `.ods` are
/// read whole by calamine.
pub fn read(
    path: &Path,
    sheet: Option<&str>,
    explicit: &BTreeMap<Field, String>,
    lenient: bool,
    builder: &mut LedgerBuilder,
) -> Result<(super::csv_text::TextLayout, String, i64, Vec<super::Reject>)> {
    let shown = path.display().to_string();
    let pick = |names: Vec<String>| -> Result<String> {
        match sheet {
            Some(s) => names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(s))
                .cloned()
                .ok_or_else(|| {
                    Error::input(format!(
                        "{shown}: no sheet named '{s}'; the workbook has: {}",
                        names.join(", ")
                    ))
                }),
            None => names
                .first()
                .cloned()
                .ok_or_else(|| Error::input(format!("{shown}: the workbook has no sheets"))),
        }
    };
    // Streaming path for xlsx/xlsm.
    if let Ok(mut wb) = calamine::open_workbook::<Xlsx<_>, _>(path) {
        let name = pick(wb.sheet_names())?;
        let mut cells = wb
            .worksheet_cells_reader(&name)
            .map_err(|e| Error::input(format!("{shown}: sheet '{name}': {e}")))?;
        let mut current: Option<(u32, Vec<String>)> = None;
        let mut failed: Option<Error> = None;
        let mut finished = false;
        let rows = std::iter::from_fn(|| loop {
            if failed.is_some() || finished {
                return None;
            }
            match cells.next_cell() {
                Ok(Some(cell)) => {
                    let (r, c) = cell.get_position();
                    let text = cell_text(&Data::from(cell.get_value().clone()));
                    match &mut current {
                        Some((row, vals)) if *row == r => set(vals, c as usize, text),
                        _ => {
                            let mut vals = Vec::new();
                            set(&mut vals, c as usize, text);
                            if let Some((row, done)) = current.replace((r, vals)) {
                                return Some((row as usize + 1, done));
                            }
                        }
                    }
                }
                Ok(None) => {
                    finished = true;
                    return current.take().map(|(row, done)| (row as usize + 1, done));
                }
                Err(e) => {
                    failed = Some(Error::input(format!("{shown}: sheet '{name}': {e}")));
                    return None;
                }
            }
        });
        let (layout, sum, rejects) = read_rows(&shown, &name, explicit, lenient, rows, builder)?;
        if let Some(e) = failed {
            return Err(e);
        }
        return Ok((layout, name, sum, rejects));
    }
    let mut wb = open_workbook_auto(path)
        .map_err(|e| Error::input(format!("{shown}: expected a readable spreadsheet: {e}")))?;
    let name = pick(wb.sheet_names())?;
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| Error::input(format!("{shown}: sheet '{name}': {e}")))?;
    let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let rows = range.rows().enumerate().map(|(i, row)| {
        (
            first_row + i + 1,
            row.iter().map(cell_text).collect::<Vec<_>>(),
        )
    });
    let (layout, sum, rejects) = read_rows(&shown, &name, explicit, lenient, rows, builder)?;
    Ok((layout, name, sum, rejects))
}

fn set(vals: &mut Vec<String>, col: usize, text: String) {
    if vals.len() <= col {
        vals.resize(col + 1, String::new());
    }
    vals[col] = text;
}

/// Finds the header among the first rows (row numbers are the sheet's, 1-based) and reads the rest.
fn read_rows(
    shown: &str,
    name: &str,
    explicit: &BTreeMap<Field, String>,
    lenient: bool,
    mut rows: impl Iterator<Item = (usize, Vec<String>)>,
    builder: &mut LedgerBuilder,
) -> Result<(super::csv_text::TextLayout, i64, Vec<super::Reject>)> {
    let mut head: Vec<(usize, Vec<String>)> = Vec::new();
    for r in rows.by_ref() {
        head.push((r.0, r.1.iter().map(|c| c.trim().to_string()).collect()));
        if head.len() > HEADER_SEARCH_LINES {
            break;
        }
    }
    let mut header: Option<(usize, ColumnMap, Vec<String>)> = None;
    let mut prev: Vec<String> = Vec::new();
    for (i, (_, cells)) in head.iter().enumerate().take(HEADER_SEARCH_LINES) {
        let names: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(j, c)| {
                if c.is_empty() {
                    prev.get(j).cloned().unwrap_or_default()
                } else {
                    c.clone()
                }
            })
            .collect();
        for candidate in [cells, &names] {
            let map = ColumnMap::from_headers(candidate, explicit);
            if map.is_ledger_header() {
                header = Some((i, map, candidate.clone()));
                break;
            }
        }
        if header.is_some() {
            break;
        }
        prev = cells.clone();
    }
    let Some((mut hidx, mut columns, mut headers)) = header else {
        let shown = format!("{shown} (sheet '{name}')");
        let seen =
            head.iter()
                .take(HEADER_SEARCH_LINES)
                .fold(None::<&(usize, Vec<String>)>, |best, r| {
                    let filled = |c: &Vec<String>| c.iter().filter(|x| !x.is_empty()).count();
                    match best {
                        Some(b) if filled(&b.1) >= filled(&r.1) => Some(b),
                        _ => Some(r),
                    }
                });
        return Err(match seen {
            Some((line, cells)) if cells.iter().filter(|c| !c.is_empty()).count() > 1 => {
                super::table::no_header_seen(&shown, *line, cells)
            }
            _ => no_header(&shown),
        });
    };
    // A two-row header: `Belopp` merged over `Debet | Kredit` in the row below. When every filled cell of the
    // next row is a known column name, the next row completes the header.
    if let Some((_, next)) = head.get(hidx + 1) {
        let filled: Vec<String> = next.iter().filter(|c| !c.is_empty()).cloned().collect();
        if !filled.is_empty() && ColumnMap::from_headers(&filled, explicit).unused.is_empty() {
            let mut combined = headers.clone();
            for (j, n) in next.iter().enumerate() {
                if !n.is_empty() {
                    if j >= combined.len() {
                        combined.resize(j + 1, String::new());
                    }
                    combined[j] = n.clone();
                }
            }
            let map = ColumnMap::from_headers(&combined, explicit);
            if map.is_ledger_header() {
                hidx += 1;
                columns = map;
                headers = combined;
            }
        }
    }
    let header_line = head[hidx].0;
    check_explicit(shown, header_line, explicit, &columns, &headers)?;
    let supplier = is_open_supplier_ledger(&headers, &columns);
    let width = headers.len();
    let shown_sheet = format!("{shown} (sheet '{name}') row");
    let mut reader = RowReader::new(&shown_sheet, header_line, headers, &columns);
    reader.lenient = lenient;
    let rest = head.into_iter().skip(hidx + 1).chain(rows);
    for (line, mut cells) in rest {
        if cells.len() < width {
            cells.resize(width, String::new()); // sparse rows: trailing empty cells are not stored
        }
        reader.push(&cells, line, builder)?;
    }
    let layout = super::csv_text::TextLayout {
        encoding: Encoding::Binary,
        delimiter: "",
        header_line,
        columns,
        open_supplier_ledger: supplier,
    };
    Ok((layout, reader.sum, reader.rejects))
}
