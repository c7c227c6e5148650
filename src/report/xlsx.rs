//! The Excel workbook (`--xlsx FILE`, and `report.xlsx` in `--out DIR`), written with `rust_xlsxwriter`.
//!
//! - The first sheet (`Sammanfattning` / `Summary`) holds the measure, the key figures, the conservation check,
//!   the method and a list of the other sheets, each a link.
//! - Then one sheet per table of the report ([`super::tables::TABLES`], in report order), named by the table's id
//!   — the stem of its `tables/ID.csv` — with the column headers in the report's language in a frozen first row
//!   (with a filter), and the rows below. Every cell holds what the CSV file holds (the CSV files are data, in
//!   English whatever the report language: TBM pool names, `Total`): amounts as numbers in kronor
//!   (to the öre), shares as fractions shown in percent format, counts as numbers, text as text (never a formula).
//!   The number formats are Excel's locale-neutral codes (`#,##0`, `0.00%`), which Swedish Excel shows as
//!   `1 234 567` and `1,82 %`.
//! - Anonymised runs: a withheld amount is an empty grey cell, as it is an empty cell in the CSV
//!   ([`super::withhold`]); the summary says what the grey cells mean and withholds the group's total amounts when
//!   the group is too small.
//!
//! The same run gives the same bytes: the document's creation time is fixed.

use super::tables::{Cell, Lang, Table};
use crate::error::{Error, Result};
use crate::pipeline::RunResult;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatBorder, FormatPattern, IgnoreError, Url, Workbook,
    Worksheet, XlsxError,
};
use std::path::Path;

/// Excel's sheet-name limit (characters).
const SHEET_NAME_MAX: usize = 31;
/// Narrowest and widest column (characters).
const WIDTH: (usize, usize) = (8, 60);
/// The grey of withheld cells.
const GREY: u32 = 0xE7E6E6;

/// Writes the workbook to `path` (via a temporary file; the directory is created if missing).
pub fn write(path: &Path, r: &RunResult, lang: Lang) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let bytes = to_bytes(r, lang)
        .map_err(|e| Error::internal(format!("{}: writing Excel: {e}", path.display())))?;
    super::files::write_atomic(path, &bytes)
}

/// The workbook as bytes (for a download, or [`write`]).
pub fn to_bytes(r: &RunResult, lang: Lang) -> std::result::Result<Vec<u8>, XlsxError> {
    // The cells are the CSV files' (written in English: TBM names, "Total"); headers and titles are in the
    // report's language.
    let mut tables = super::tables::tables(r, Lang::En);
    for (t, labelled) in tables.iter_mut().zip(super::tables::tables(r, lang)) {
        t.title = labelled.title;
        t.headers = labelled.headers;
    }
    let mut wb = Workbook::new();
    // A fixed creation time: the same run gives the same file.
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&r.config.title)
            .set_author("itcost")
            .set_creation_datetime(&created),
    );
    let f = Formats::new();
    summary_sheet(wb.add_worksheet(), r, lang, &tables, &f)?;
    for t in &tables {
        table_sheet(wb.add_worksheet(), t, &f)?;
    }
    wb.save_to_buffer()
}

/// The cell formats of the workbook.
struct Formats {
    header: Format,
    title: Format,
    bold: Format,
    wrap: Format,
    link: Format,
    withheld: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0xD9E1F2)
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            wrap: Format::new().set_text_wrap(),
            link: Format::new()
                .set_font_color(0x0563C1)
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            withheld: Format::new()
                .set_pattern(FormatPattern::Solid)
                .set_background_color(GREY),
        }
    }
}

/// The number format of a cell kind (Excel codes; Swedish Excel shows space thousands and a decimal comma).
fn num_format(c: &Cell) -> Option<String> {
    match c {
        Cell::Kr(_) | Cell::Int(_) => Some("#,##0".into()),
        Cell::Share(_) => Some("0.00%".into()),
        Cell::Num(_, 0) => Some("#,##0".into()),
        Cell::Num(_, d) => Some(format!("#,##0.{}", "0".repeat(*d))),
        Cell::Text(_) | Cell::Withheld(_) => None,
    }
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(SHEET_NAME_MAX)
        .collect()
}

/// Writes one cell as the CSV holds it: a number (with its format), a text, or nothing.
fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    c: &Cell,
    bold: bool,
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    let mut fmt = match num_format(c) {
        Some(code) => Format::new().set_num_format(code),
        None => Format::new(),
    };
    if bold {
        fmt = fmt.set_bold();
    }
    match c {
        Cell::Text(s) if s.is_empty() => {}
        Cell::Text(s) => {
            ws.write_string_with_format(row, col, s, &fmt)?;
        }
        Cell::Kr(o) => {
            ws.write_number_with_format(row, col, *o as f64 / 100.0, &fmt)?;
        }
        Cell::Int(n) => {
            ws.write_number_with_format(row, col, *n as f64, &fmt)?;
        }
        Cell::Share(Some(v)) | Cell::Num(Some(v), _) => {
            ws.write_number_with_format(row, col, *v, &fmt)?;
        }
        Cell::Share(None) | Cell::Num(None, _) => {}
        Cell::Withheld(_) => {
            ws.write_blank(row, col, &f.withheld)?;
        }
    }
    Ok(())
}

/// One table: headers in a frozen first row with a filter, the rows below, readable column widths.
fn table_sheet(ws: &mut Worksheet, t: &Table, f: &Formats) -> std::result::Result<(), XlsxError> {
    ws.set_name(sheet_name(t.id))?;
    let ncols = t.headers.len();
    let mut widths: Vec<usize> = t.headers.iter().map(|h| h.chars().count()).collect();
    for (col, h) in t.headers.iter().enumerate() {
        ws.write_string_with_format(0, col as u16, h, &f.header)?;
    }
    let last = t.rows.len();
    for (i, r) in t.rows.iter().enumerate() {
        let bold = t.total_row && i + 1 == last;
        for (col, c) in r.iter().enumerate().take(ncols) {
            write_cell(ws, i as u32 + 1, col as u16, c, bold, f)?;
            widths[col] = widths[col].max(c.display().chars().count());
        }
    }
    for (col, w) in widths.iter().enumerate() {
        ws.set_column_width(col as u16, (*w + 2).clamp(WIDTH.0, WIDTH.1) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if ncols > 0 {
        ws.autofilter(0, 0, last as u32, ncols as u16 - 1)?;
        // Codes and years are text, as in the CSV (a code's leading zeros stay): no green triangles.
        ws.ignore_error_range(
            1,
            0,
            (last as u32).max(1),
            ncols as u16 - 1,
            IgnoreError::NumberStoredAsText,
        )?;
    }
    Ok(())
}

/// The first sheet: the measure, the key figures, the conservation check, the method and the sheets.
fn summary_sheet(
    ws: &mut Worksheet,
    r: &RunResult,
    l: Lang,
    tables: &[Table],
    f: &Formats,
) -> std::result::Result<(), XlsxError> {
    ws.set_name(l.t("Sammanfattning", "Summary"))?;
    ws.set_column_width(0, 44)?;
    ws.set_column_width(1, 90)?;
    let b = &r.benchmark;
    let mut row = 0u32;
    ws.write_string_with_format(row, 0, &r.config.title, &f.title)?;
    row += 2;
    let num = match b.numerator {
        crate::config::Numerator::CentralIt => l.t("central IT-kostnad", "central IT cost"),
        crate::config::Numerator::It => l.t(
            "IT-kostnad (central och utanför)",
            "IT cost (central and outside)",
        ),
    };
    let den = super::html::den_label(r, l);
    let facts = [
        (l.t("Täljare", "Numerator"), num.to_string()),
        (l.t("Nämnare", "Denominator"), den),
        (
            l.t("Regler", "Rules"),
            format!(
                "{} ({}, {} {})",
                r.rules.source,
                r.rules.name,
                r.rules.rules.len(),
                l.t("regler", "rules")
            ),
        ),
        (
            l.t(
                "IT utanför central IT räknas i poolerna",
                "IT outside central IT counts in the pools",
            ),
            super::html::scope_label(r, l),
        ),
        ("itcost", env!("CARGO_PKG_VERSION").to_string()),
    ];
    for (k, v) in facts {
        ws.write_string_with_format(row, 0, k, &f.bold)?;
        ws.write_string_with_format(row, 1, &v, &f.wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, l.t("Nyckeltal", "Key figures"), &f.title)?;
    row += 1;
    let withhold = super::withhold::Withhold::of(r);
    let totals_shown = withhold.as_ref().is_none_or(|w| w.group_ok);
    let it_total: i64 = r.municipalities.iter().map(|m| m.it_cost.0).sum();
    let central_total: i64 = r.municipalities.iter().map(|m| m.central_it_cost.0).sum();
    let mut figures: Vec<(String, Cell)> = vec![
        (
            format!(
                "{} ({} {})",
                l.t("Gruppens andel", "The group's share"),
                b.n,
                l.t("organisationer", "organisations")
            ),
            Cell::Share(b.pooled_share),
        ),
        (
            l.t("Median", "Median").to_string(),
            Cell::Share(r.analyses.view.distribution.median),
        ),
        (
            format!("{} {} (kr)", num, l.t("totalt", "in total")),
            if totals_shown {
                Cell::Kr(b.total.it_cost.0)
            } else {
                Cell::Withheld("")
            },
        ),
    ];
    if let (Some(c), Some(target)) = (b.total.cost_to_target, b.target_share) {
        let label = if c.0 >= 0 {
            l.t("Ökning för att nå", "Increase to reach")
        } else {
            l.t("Över målet", "Above the target")
        };
        figures.push((
            format!("{label} {} (kr)", super::tables::pct(target)),
            if totals_shown {
                Cell::Kr(c.0.abs())
            } else {
                Cell::Withheld("")
            },
        ));
    }
    figures.push((
        l.t(
            "Andel av all IT som ligger i central IT",
            "Share of all IT that sits in central IT",
        )
        .to_string(),
        Cell::Share(crate::aggregate::share(central_total, it_total)),
    ));
    for (label, c) in &figures {
        ws.write_string(row, 0, label)?;
        write_cell(ws, row, 1, c, true, f)?;
        row += 1;
    }
    let ok = r.municipalities.iter().all(|m| m.conservation.ok);
    ws.write_string_with_format(
        row,
        1,
        if ok {
            l.t(
                "Varje krona är redovisad: summan av det som lästes är lika med summan av där raderna hamnade, i varje kommun.",
                "Every krona is accounted for: the sum read equals the sum of where the lines landed, in every municipality.",
            )
        } else {
            l.t(
                "Bevarandekontrollen misslyckades.",
                "The conservation check failed.",
            )
        },
        &f.wrap,
    )?;
    row += 1;
    for n in &r.notices {
        ws.write_string_with_format(row, 1, l.t(&n.sv, &n.en), &f.wrap)?;
        row += 1;
    }
    if withhold.is_some() {
        ws.write_blank(row, 0, &f.withheld)?;
        ws.write_string_with_format(
            row,
            1,
            l.t(
                "Anonymiserad rapport: grå tomma celler är belopp som döljs (en kommuns exakta belopp skulle avslöja den); andelarna visas.",
                "Anonymised report: grey empty cells are amounts withheld (a municipality's exact amounts would identify it); the shares are shown.",
            ),
            &f.wrap,
        )?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, l.t("Metod", "Method"), &f.title)?;
    row += 1;
    for text in [
        super::html::method_intro(l),
        super::html::method_note(l),
        l.t(
            "Varje tabell har ett eget blad, med samma värden som CSV-filen med samma namn (tables/NAMN.csv): belopp i kronor (visas i hela kronor, lagras på öret), andelar i procent.",
            "Each table has a sheet of its own, with the same values as the CSV file of the same name (tables/NAME.csv): amounts in kronor (shown in whole kronor, stored to the öre), shares in percent.",
        ),
    ] {
        ws.write_string_with_format(row, 1, text, &f.wrap)?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, l.t("Blad", "Sheets"), &f.title)?;
    row += 1;
    for t in tables {
        let name = sheet_name(t.id);
        ws.write_url_with_format(
            row,
            0,
            Url::new(format!("internal:'{name}'!A1")).set_text(&name),
            &f.link,
        )?;
        ws.write_string(row, 1, &t.title)?;
        row += 1;
    }
    ws.set_active(true);
    Ok(())
}
