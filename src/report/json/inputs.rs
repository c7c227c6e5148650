//! The `inputs[]` objects of `itcost.summary/1` (also what `itcost inspect --json` prints per file): what was read
//! from each file.

use super::*;

/// What was read from one file: shown by `itcost inspect`, carried into every run's output.
#[derive(Serialize)]
pub struct Input<'a> {
    /// The file as given.
    pub file: &'a str,
    /// The detected format.
    pub format: &'static str,
    /// Why it was detected so.
    pub detected_by: &'a str,
    /// Encoding, delimiter, header line and column mapping (delimited text and spreadsheets).
    pub layout: Option<TextLayout<'a>>,
    /// The sheet read (spreadsheets).
    pub sheet: Option<&'a str>,
    /// SIE details (type, organisation, fiscal year, dimensions, vouchers).
    pub sie: Option<SieInfo<'a>>,
    /// True for an open supplier ledger: external purchases only, so no total cost can be computed from it.
    pub external_purchases_only: bool,
    /// Problems that did not stop reading.
    pub warnings: &'a [String],
    /// Lines set aside in lenient mode.
    pub rejects: Vec<Reject<'a>>,
    /// Number of ledger lines read.
    pub lines: usize,
    /// Sum of all amounts read, in öre (the left side of the conservation check).
    pub sum_ore: i64,
    /// Months present (`YYYYMM`), sorted.
    pub months: &'a [i32],
    /// Municipality stamped on the lines.
    pub municipality: &'a str,
    /// Year stamped on the lines, if known.
    pub year: Option<i32>,
}

impl<'a> From<&'a crate::ingest::IngestReport> for Input<'a> {
    fn from(v: &'a crate::ingest::IngestReport) -> Self {
        Input {
            file: &v.file,
            format: format_key(v.format),
            detected_by: &v.detected_by,
            layout: v.layout.as_ref().map(TextLayout::from),
            sheet: v.sheet.as_deref(),
            sie: v.sie.as_ref().map(SieInfo::from),
            external_purchases_only: v.external_purchases_only,
            warnings: &v.warnings,
            rejects: v.rejects.iter().map(Reject::from).collect(),
            lines: v.lines,
            sum_ore: v.sum_ore,
            months: &v.months,
            municipality: &v.municipality,
            year: v.year,
        }
    }
}

/// A line set aside in lenient mode (written to `rejects.csv`).
#[derive(Serialize)]
pub struct Reject<'a> {
    /// The file.
    pub file: &'a str,
    /// Its line (or sheet row).
    pub line: usize,
    /// The line's fields, joined with `;`.
    pub raw: &'a str,
    /// What was expected and what was found.
    pub reason: &'a str,
    /// Its amount in öre, where that could be read.
    pub amount_ore: Option<i64>,
}

impl<'a> From<&'a crate::ingest::Reject> for Reject<'a> {
    fn from(v: &'a crate::ingest::Reject) -> Self {
        Reject {
            file: &v.file,
            line: v.line,
            raw: &v.raw,
            reason: &v.reason,
            amount_ore: v.amount_ore,
        }
    }
}

/// What was detected while reading a text export.
#[derive(Serialize)]
pub struct TextLayout<'a> {
    /// The detected encoding.
    pub encoding: &'static str,
    /// The detected delimiter, printable (`;`, `,`, `TAB`, `|`).
    pub delimiter: &'static str,
    /// 1-based line number of the header row.
    pub header_line: usize,
    /// Which columns fed which fields.
    pub columns: ColumnMap<'a>,
    /// True when the header is an open supplier ledger (external purchases only).
    pub open_supplier_ledger: bool,
}

impl<'a> From<&'a crate::ingest::csv_text::TextLayout> for TextLayout<'a> {
    fn from(v: &'a crate::ingest::csv_text::TextLayout) -> Self {
        TextLayout {
            encoding: encoding(v.encoding),
            delimiter: v.delimiter,
            header_line: v.header_line,
            columns: ColumnMap::from(&v.columns),
            open_supplier_ledger: v.open_supplier_ledger,
        }
    }
}

/// Which export column (by index) feeds which canonical field.
#[derive(Serialize)]
pub struct ColumnMap<'a> {
    /// Field → (column index, header as written in the file).
    pub fields: Map<&'static str, (usize, &'a str)>,
    /// Headers that fed no field (kept out of the canonical ledger; reported by `inspect`).
    pub unused: &'a [String],
}

impl<'a> From<&'a crate::ingest::columns::ColumnMap> for ColumnMap<'a> {
    fn from(v: &'a crate::ingest::columns::ColumnMap) -> Self {
        ColumnMap {
            fields: v
                .fields
                .iter()
                .map(|(k, (i, h))| (k.key(), (*i, h.as_str())))
                .collect(),
            unused: &v.unused,
        }
    }
}

/// What the SIE reader found, beyond the lines.
#[derive(Serialize)]
pub struct SieInfo<'a> {
    /// `#SIETYP` (1–4).
    pub sie_type: u8,
    /// What that type is.
    pub kind: &'static str,
    /// `#FNAMN`.
    pub organisation: &'a str,
    /// `#ORGNR`.
    pub orgnr: &'a str,
    /// `#PROGRAM`.
    pub program: &'a str,
    /// Fiscal year from `#RAR 0` (the year of its end date).
    pub fiscal_year: Option<i32>,
    /// Dimension names from `#DIM` / `#UNDERDIM`.
    pub dimensions: &'a BTreeMap<String, String>,
    /// Vouchers read.
    pub vouchers: usize,
    /// Problems that did not stop reading (encoding, unbalanced vouchers in lenient mode).
    pub warnings: &'a [String],
}

impl<'a> From<&'a crate::ingest::sie::SieInfo> for SieInfo<'a> {
    fn from(v: &'a crate::ingest::sie::SieInfo) -> Self {
        SieInfo {
            sie_type: v.sie_type,
            kind: v.kind,
            organisation: &v.organisation,
            orgnr: &v.orgnr,
            program: &v.program,
            fiscal_year: v.fiscal_year,
            dimensions: &v.dimensions,
            vouchers: v.vouchers,
            warnings: &v.warnings,
        }
    }
}
