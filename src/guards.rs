//! Guards a run passes between reading and reporting, so that a setting that cannot be right stops the run
//! instead of producing a confident figure: a central IT cost centre that matches no line of its
//! municipality-year's ledgers (the headline would say 0 %). What `--lenient` lets through becomes a
//! [`Notice`], shown in the report's summary in the reader's language.

use crate::ingest::columns::Field;
use crate::ingest::IngestReport;
use crate::rules::pattern::CodePattern;
use serde::Serialize;
use std::collections::BTreeSet;

/// Something the reader of the figures must see beside them, in both report languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// English text.
    pub en: String,
    /// Swedish text.
    pub sv: String,
}

/// What every output says of a ledger without a date or period column.
pub const NO_DATES: &str = "no dates in this ledger; treated as one year";

/// The same in Swedish.
pub const NO_DATES_SV: &str = "inga datum i huvudboken; behandlas som ett år";

/// A ledger file with a header and no ledger line under it is an error (exit 2), never a report full of n/a.
pub fn empty_ledger(r: &IngestReport) -> Option<crate::error::Error> {
    if r.lines > 0 || !r.rejects.is_empty() {
        return None;
    }
    let what = match (&r.layout, &r.sie) {
        (Some(l), _) if !l.delimiter.is_empty() => {
            format!("no ledger lines after the header on line {}", l.header_line)
        }
        (Some(l), _) => format!(
            "no ledger lines after the header on row {}{}",
            l.header_line,
            r.sheet
                .as_ref()
                .map(|s| format!(" of sheet '{s}'"))
                .unwrap_or_default()
        ),
        (None, Some(_)) => {
            "no #TRANS or #PSALDO rows: the SIE file holds no ledger lines".to_string()
        }
        (None, None) => "no ledger lines".to_string(),
    };
    Some(crate::error::Error::input(format!("{}: {what}", r.file)))
}

/// One municipality-year as the central IT check sees it.
pub struct CentralItUnit<'a> {
    /// Name shown in messages (the name, or "name year" when the name occurs for several years).
    pub label: &'a str,
    /// The central IT patterns and how they were written.
    pub patterns: Vec<(&'a CodePattern, &'a str)>,
    /// Every distinct cost centre of its ledgers (the empty code included when lines have none).
    pub codes: BTreeSet<&'a str>,
    /// What was read for it, per file.
    pub reports: Vec<&'a IngestReport>,
}

/// How many existing codes a message names as the closest.
const CLOSEST: usize = 3;

/// Checks every central IT pattern against the cost centres of its own municipality-year. Returns one problem
/// per pattern that matches no line, each naming the closest codes that exist and the column read (or that no
/// cost-centre column was recognised, with the headers seen).
pub fn central_it(unit: &CentralItUnit<'_>) -> Vec<Notice> {
    let mut out = Vec::new();
    for (pattern, raw) in &unit.patterns {
        if unit
            .codes
            .iter()
            .any(|c| !c.is_empty() && pattern.matches(c))
        {
            continue;
        }
        let head_en = format!(
            "{}: central IT cost centre '{raw}' matches no line of its ledgers",
            unit.label
        );
        let head_sv = format!(
            "{}: central IT-kostnadsstället '{raw}' finns inte på någon rad i huvudboken",
            unit.label
        );
        let has_codes = unit.codes.iter().any(|c| !c.is_empty());
        if !has_codes {
            let (en, sv) = no_column(&unit.reports);
            out.push(Notice {
                en: format!("{head_en}: {en}"),
                sv: format!("{head_sv}: {sv}"),
            });
            continue;
        }
        let closest = closest(raw, &unit.codes);
        let read = column_read(&unit.reports);
        let n = unit.codes.iter().filter(|c| !c.is_empty()).count();
        out.push(Notice {
            en: format!(
                "{head_en} (cost centres read from {}: {n} distinct); the closest that exist: {}",
                read.0,
                closest.join(", ")
            ),
            sv: format!(
                "{head_sv} (kostnadsställen lästa ur {}: {n} olika); närmast av dem som finns: {}",
                read.1,
                closest.join(", ")
            ),
        });
    }
    out
}

/// The text a pattern is compared with: a prefix without its `*`, a range's lower end.
fn comparable(raw: &str) -> String {
    let s = raw.trim().trim_end_matches('*');
    s.split_once('-')
        .map(|(a, _)| a.trim())
        .unwrap_or(s)
        .to_string()
}

/// The existing codes closest to `raw`: fewest edits (a swap of two neighbours is one), then the longest shared
/// beginning, then the nearest number, then the code itself.
fn closest(raw: &str, codes: &BTreeSet<&str>) -> Vec<String> {
    let want = comparable(raw);
    let num = |s: &str| s.parse::<i64>().ok();
    let mut ranked: Vec<(usize, std::cmp::Reverse<usize>, i64, &str)> = codes
        .iter()
        .filter(|c| !c.is_empty())
        .map(|c| {
            let c: &str = c;
            let probe = if raw.trim().ends_with('*') {
                c.get(..want.len()).unwrap_or(c)
            } else {
                c
            };
            let shared = want
                .chars()
                .zip(c.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let gap = match (num(&want), num(c)) {
                (Some(a), Some(b)) => (a - b).abs(),
                _ => i64::MAX,
            };
            (
                strsim::osa_distance(&want, probe),
                std::cmp::Reverse(shared),
                gap,
                c,
            )
        })
        .collect();
    ranked.sort();
    ranked
        .into_iter()
        .take(CLOSEST)
        .map(|r| r.3.to_string())
        .collect()
}

/// Where the cost centres were read from, in English and Swedish: "column 'Cost centre' of b.csv".
fn column_read(reports: &[&IngestReport]) -> (String, String) {
    let mut en = Vec::new();
    let mut sv = Vec::new();
    for r in reports {
        let name = file_name(&r.file);
        if let Some(l) = &r.layout {
            if let Some((_, h)) = l.columns.fields.get(&Field::CostCentre) {
                en.push(format!("column '{h}' of {name}"));
                sv.push(format!("kolumnen '{h}' i {name}"));
            }
        } else if r.sie.is_some() {
            en.push(format!("dimension 1 (cost centre) of {name}"));
            sv.push(format!("dimension 1 (kostnadsställe) i {name}"));
        } else {
            en.push(format!("column 'cost_centre' of {name}"));
            sv.push(format!("kolumnen 'cost_centre' i {name}"));
        }
    }
    (en.join(", "), sv.join(", "))
}

/// The file's name without its folder (messages stay short; the path is in the run's input list).
fn file_name(path: &str) -> String {
    std::path::Path::new(path)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}

/// Why no line has a cost centre: no column was recognised (with the headers not used, which may be it), the
/// file has none, or the column is empty.
fn no_column(reports: &[&IngestReport]) -> (String, String) {
    let mut unused: Vec<String> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    let mut mapped = Vec::new();
    let mut sie = false;
    for r in reports {
        match &r.layout {
            Some(l) => {
                if let Some((_, h)) = l.columns.fields.get(&Field::CostCentre) {
                    mapped.push(format!("'{h}' of {}", file_name(&r.file)));
                }
                let mut by_index: Vec<&(usize, String)> = l.columns.fields.values().collect();
                by_index.sort();
                used.extend(by_index.into_iter().map(|(_, h)| h.clone()));
                unused.extend(l.columns.unused.iter().cloned());
            }
            None => sie |= r.sie.is_some(),
        }
    }
    let files: Vec<String> = reports.iter().map(|r| file_name(&r.file)).collect();
    let files = files.join(", ");
    if !mapped.is_empty() {
        let m = mapped.join(", ");
        return (
            format!("the cost-centre column {m} is empty on every line"),
            format!("kostnadsställekolumnen {m} är tom på varje rad"),
        );
    }
    if sie && used.is_empty() {
        return (
            format!("{files} has no cost centres (no dimension 1 on its #TRANS rows)"),
            format!("{files} saknar kostnadsställen (ingen dimension 1 på dess #TRANS-rader)"),
        );
    }
    if unused.is_empty() {
        let seen = used.join(", ");
        return (
            format!("{files} has no cost-centre column (its columns: {seen})"),
            format!("{files} saknar kolumn för kostnadsställe (dess kolumner: {seen})"),
        );
    }
    let seen = unused.join(", ");
    (
        format!(
            "no cost-centre column was recognised in {files} (columns not used: {seen}); \
             name it with --column cost_centre=HEADER (in a config: columns = {{ cost_centre = \"HEADER\" }})"
        ),
        format!(
            "ingen kolumn för kostnadsställe kändes igen i {files} (kolumner som inte används: {seen}); \
             ange den med --column cost_centre=RUBRIK (i en konfiguration: columns = {{ cost_centre = \"RUBRIK\" }})"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_codes_rank_swaps_and_single_edits_first() {
        let codes: BTreeSet<&str> = ["1410", "1411", "1510", "2375", "4100"].into();
        assert_eq!(closest("1401", &codes), ["1410", "1411", "1510"]);
        assert_eq!(closest("14*", &codes), ["1410", "1411", "1510"]);
        assert_eq!(closest("1500-1599", &codes), ["1510", "1410", "4100"]);
    }
}
