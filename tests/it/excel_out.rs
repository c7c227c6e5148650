//! The Excel workbook (`--xlsx FILE`, `report.xlsx` in `--out DIR`): a summary sheet, then one sheet per table of
//! `tables/*.csv`, in report order; every cell read back (calamine) equals the CSV file's value — also in an
//! anonymised run, where a withheld amount is an empty cell in both.

use crate::anonymised::anonymised_config;
use crate::csv_dialects::read_csv;
use crate::util::{dalsland_config, itcost, temp_dir};
use calamine::{open_workbook_auto, Data, Reader};
use std::path::Path;

/// A workbook cell as the machine CSV writes the same value: numbers with the CSV's decimals.
fn as_csv(cell: Option<&Data>, csv: &str) -> String {
    match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => {
            let decimals = csv.split_once('.').map(|(_, d)| d.len()).unwrap_or(0);
            format!("{f:.decimals$}")
        }
        Some(Data::Int(i)) => i.to_string(),
        Some(other) => panic!("unexpected cell {other:?} where the CSV holds {csv:?}"),
    }
}

/// Compares every sheet of `xlsx` with `tables/ID.csv` of the same run, cell by cell; returns the cells compared.
fn assert_same_as_csv(xlsx: &Path, tables: &Path, summary: &str) -> usize {
    let mut wb = open_workbook_auto(xlsx).expect("the workbook opens");
    let names = wb.sheet_names().to_vec();
    let ids: Vec<&str> = itcost::report::tables::TABLES.iter().map(|t| t.0).collect();
    assert_eq!(names[0], summary, "the summary comes first");
    assert_eq!(
        &names[1..],
        &ids[..],
        "one sheet per table, in report order"
    );
    let mut compared = 0;
    let mut numbers = 0;
    for id in ids {
        let csv = read_csv(
            &std::fs::read_to_string(tables.join(format!("{id}.csv"))).unwrap(),
            ',',
        );
        let range = wb.worksheet_range(id).expect("the sheet reads");
        assert_eq!(range.start(), Some((0, 0)), "{id}: the header starts at A1");
        let (height, _) = range.get_size();
        assert_eq!(height, csv.len(), "{id}: a header row and the CSV's rows");
        for (r, row) in csv.iter().enumerate().skip(1) {
            for (c, want) in row.iter().enumerate() {
                let cell = range.get((r, c));
                numbers += usize::from(matches!(cell, Some(Data::Float(_))));
                assert_eq!(
                    as_csv(cell, want),
                    *want,
                    "{id}: row {r}, column {} ({})",
                    c + 1,
                    csv[0][c]
                );
                compared += 1;
            }
        }
        // The header row: one (translated) header per CSV column, none empty.
        for c in 0..csv[0].len() {
            assert!(
                matches!(range.get((0, c)), Some(Data::String(s)) if !s.is_empty()),
                "{id}: header of column {}",
                c + 1
            );
        }
    }
    assert!(numbers > 100, "amounts and shares are numbers, not text");
    compared
}

#[test]
fn every_cell_of_the_workbook_equals_the_csv_value() {
    let tmp = temp_dir();
    let out = tmp.path().join("out");
    itcost()
        .args(["run", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let n = assert_same_as_csv(
        &out.join("report.xlsx"),
        &out.join("tables"),
        "Sammanfattning",
    );
    assert!(n > 500, "{n} cells compared");
    // The benchmark sheet holds the group's shares as fractions (percent format), to the CSV's precision.
    let mut wb = open_workbook_auto(out.join("report.xlsx")).unwrap();
    let bench = wb.worksheet_range("benchmark").unwrap();
    let shares: Vec<String> = (1..bench.height())
        .filter_map(|r| match bench.get((r, 4)) {
            Some(Data::Float(f)) => Some(format!("{:.2}", f * 100.0)),
            _ => None,
        })
        .collect();
    for want in ["1.82", "1.74", "1.26", "1.61"] {
        assert!(shares.iter().any(|s| s == want), "{want} in {shares:?}");
    }
}

#[test]
fn xlsx_flag_writes_the_workbook_with_a_summary_and_method_in_the_report_language() {
    let tmp = temp_dir();
    let path = tmp.path().join("sub/dalsland.xlsx");
    itcost()
        .args(["run", "--lang", "en", "--config"])
        .arg(dalsland_config())
        .arg("--xlsx")
        .arg(&path)
        .assert()
        .success();
    let mut wb = open_workbook_auto(&path).expect("the workbook opens");
    assert_eq!(wb.sheet_names()[0], "Summary");
    let summary = wb.worksheet_range("Summary").unwrap();
    let text: Vec<String> = summary.cells().map(|(_, _, d)| d.to_string()).collect();
    for want in [
        "Method",
        "Key figures",
        "Every krona is accounted for",
        "suppliers_largest",
    ] {
        assert!(
            text.iter().any(|t| t.contains(want)),
            "{want} on the summary sheet: {text:?}"
        );
    }
    // The group's pooled share is a number (a fraction), shown in percent format.
    assert!(
        summary.cells().any(
            |(_, c, d)| c == 1 && matches!(d, Data::Float(f) if (f * 100.0 - 1.55).abs() < 1.0)
        ),
        "the group's share is a number"
    );
}

#[test]
fn an_anonymised_workbook_withholds_what_the_csv_withholds() {
    let tmp = temp_dir();
    let cfg = anonymised_config(tmp.path());
    let out = tmp.path().join("out");
    itcost()
        .args(["run", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_same_as_csv(
        &out.join("report.xlsx"),
        &out.join("tables"),
        "Sammanfattning",
    );
    let mut wb = open_workbook_auto(out.join("report.xlsx")).unwrap();
    for name in wb.sheet_names().to_vec() {
        for (_, _, d) in wb.worksheet_range(&name).unwrap().cells() {
            let s = d.to_string();
            for other in ["Bengtsfors", "Åmål", "Färgelanda"] {
                assert!(!s.contains(other), "{name} names {other}: {s}");
            }
        }
    }
}
