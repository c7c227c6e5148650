//! `--csv-dialect`: the machine dialect (default, the golden files) and `excel-sv` (Swedish Excel), both read back;
//! a supplier named like a formula stays text in the Excel dialect.

use crate::util::{dalsland_config, itcost, root, temp_dir};
use std::path::Path;

/// Splits CSV text into rows of fields (quotes, doubled quotes, `sep`), as a spreadsheet reads it.
pub(crate) fn read_csv(text: &str, sep: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) if c == sep => row.push(std::mem::take(&mut field)),
            (false, c) => field.push(c),
        }
    }
    rows
}

fn run_out(config: &Path, dir: &Path, extra: &[&str]) {
    itcost()
        .args(["run", "--config"])
        .arg(config)
        .arg("--out")
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn both_dialects_read_back_to_the_same_figures() {
    let machine = temp_dir();
    let excel = temp_dir();
    run_out(&dalsland_config(), machine.path(), &[]);
    run_out(
        &dalsland_config(),
        excel.path(),
        &["--csv-dialect", "excel-sv"],
    );
    for f in ["benchmark.csv", "pools.csv", "tables/benchmark_view.csv"] {
        let m = std::fs::read_to_string(machine.path().join(f)).unwrap();
        let e = std::fs::read_to_string(excel.path().join(f)).unwrap();
        assert!(
            !m.starts_with('\u{feff}'),
            "{f}: the machine dialect has no BOM"
        );
        let e = e
            .strip_prefix('\u{feff}')
            .expect("excel-sv starts with a BOM");
        assert!(e.contains("\r\n"), "{f}: excel-sv ends lines with CRLF");
        let (m, e) = (read_csv(&m, ','), read_csv(e, ';'));
        assert_eq!(m.len(), e.len(), "{f}: same rows");
        for (col, (mh, eh)) in m[0].iter().zip(&e[0]).enumerate() {
            let share = eh.ends_with(" %");
            if share {
                assert_eq!(eh, &format!("{mh} %"), "{f}: a share column is marked %");
            } else {
                assert_eq!(eh, mh, "{f}: same header");
            }
            for (mr, er) in m[1..].iter().zip(&e[1..]) {
                let (mv, ev) = (&mr[col], &er[col]);
                match mv.parse::<f64>() {
                    Ok(x) if !mv.is_empty() && mh != "year" && mh != "rank" => {
                        let y: f64 = ev.replace(',', ".").parse().unwrap_or_else(|_| {
                            panic!("{f}: '{ev}' is not a decimal-comma number")
                        });
                        let want = if share { x * 100.0 } else { x };
                        assert!((want - y).abs() < 1e-3, "{f} {mh}: {mv} vs {ev}");
                        if mv.contains('.') {
                            assert!(ev.contains(',') && !ev.contains('.'), "{f}: {ev}");
                        }
                    }
                    _ => assert_eq!(mv, ev, "{f} {mh}"),
                }
            }
        }
    }
    // The machine dialect is unchanged: the golden files.
    let golden = std::fs::read_to_string(root().join("tests/golden/benchmark.csv")).unwrap();
    assert_eq!(
        std::fs::read_to_string(machine.path().join("benchmark.csv")).unwrap(),
        golden
    );
    let e = std::fs::read_to_string(excel.path().join("benchmark.csv")).unwrap();
    assert!(
        e.contains("Bengtsfors;2024;central_it;net_cost;12496743,00;688000000,00;1,8164;1;17200000,00;4703257,00;37,6359\r\n"),
        "{e}"
    );
}

#[test]
fn a_supplier_named_like_a_formula_stays_text_in_the_excel_dialect() {
    let tmp = temp_dir();
    let evil = "=HYPERLINK(\"http://example.invalid\",\"Klicka\")";
    let mut ledger = String::from("Konto;Kontotext;Ansvar;Leverantör;Period;Belopp\n");
    for m in 1..=12 {
        ledger.push_str(&format!(
            "6412;Datorer;1510;\"{}\";2024{m:02};50 000,00\n",
            evil.replace('"', "\"\"")
        ));
        ledger.push_str(&format!(
            "6412;Datorer;1510;+46 Telefon AB;2024{m:02};40 000,00\n"
        ));
        ledger.push_str(&format!("4010;Löner;2300;;2024{m:02};900 000,00\n"));
    }
    std::fs::write(tmp.path().join("b.csv"), ledger).unwrap();
    std::fs::write(
        tmp.path().join("run.toml"),
        "csv_dialect = \"excel-sv\"\n[[municipality]]\nname = \"B\"\nledgers = [\"b.csv\"]\ncentral_it = [\"1510\"]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    run_out(&tmp.path().join("run.toml"), &out, &[]);
    let text = std::fs::read_to_string(out.join("tables/suppliers_largest.csv")).unwrap();
    let rows = read_csv(text.trim_start_matches('\u{feff}'), ';');
    let cells: Vec<&String> = rows.iter().flatten().collect();
    assert!(
        cells.iter().any(|c| **c == format!("'{evil}")),
        "the formula is guarded with a leading ': {text}"
    );
    assert!(cells.iter().any(|c| *c == "'+46 Telefon AB"), "{text}");
    assert!(
        !cells
            .iter()
            .any(|c| c.starts_with(['=', '+', '-', '@'])
                && c.replace(',', ".").parse::<f64>().is_err()),
        "no cell starts like a formula: {text}"
    );
}
