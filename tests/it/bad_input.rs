//! One file per class of bad input in `tests/bad_input/`, each with the exact message and exit code; plus the
//! pathological sizes (a 10 MB field, a file without line breaks) generated here, and lenient mode's rejects.

use crate::util::{itcost, root, temp_dir};
use std::path::PathBuf;

fn dir() -> PathBuf {
    root().join("tests/bad_input")
}

/// Runs `itcost run FILE --central-it 1510 [extra]` in tests/bad_input and checks the exit code and stderr.
fn refused(file: &str, extra: &[&str], code: i32, message: &str) {
    let out = itcost()
        .current_dir(dir())
        .args(["run", file, "--central-it", "1510"])
        .args(extra)
        .assert()
        .code(code);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(err.trim_end(), message, "{file}");
}

#[test]
fn each_class_of_bad_input_is_refused_with_file_line_and_what_was_expected() {
    let cases: &[(&str, &[&str], i32, &str)] = &[
        ("excel-ref-error.csv", &[], 2,
         "itcost: excel-ref-error.csv:3: column 'Belopp': expected an amount like -1 234,56, found '#REF!'"),
        ("amount-garbage.csv", &[], 2,
         "itcost: amount-garbage.csv:4: column 'Belopp': expected an amount like -1 234,56, found '12abc'"),
        ("impossible-date.csv", &[], 2,
         "itcost: impossible-date.csv:2: column 'Datum': expected a date like 2024-03-15 or 20240315, found '2024-02-30'"),
        ("truncated.csv", &[], 2,
         "itcost: truncated.csv:3: expected 5 fields as in the header (line 1), found 3"),
        ("second-header.csv", &[], 2,
         "itcost: second-header.csv:3: column 'Belopp': expected an amount like -1 234,56, found 'Belopp'"),
        ("summary-row.csv", &[], 2,
         "itcost: summary-row.csv:3: column 'Konto': expected an account code like 6412, found 'Summa' (a total row or a repeated header?)"),
        ("unclosed-quote.csv", &[], 2,
         "itcost: unclosed-quote.csv:2: a quoted field starts here and is never closed (expected a closing \")"),
        ("empty.csv", &[], 2,
         "itcost: empty.csv: expected a header row naming at least an account column (Konto/Account) and an amount column (Belopp/Amount or Debet/Kredit) in the first 30 lines, found none; map other names with [municipality.columns] in the config or --column FIELD=HEADER"),
        ("not-a-ledger.csv", &[], 2,
         "itcost: not-a-ledger.csv: expected a header row naming at least an account column and an amount column in the first 30 lines, found none (no header row recognised); the line that looks most like one is line 1: 'Namn', 'Adress'\n  account (Konto/Account): no column comes close\n  amount (Belopp/Utfall/Amount, or Debet and Kredit): no column comes close\n  map the columns with --column FIELD=HEADER (e.g. --column amount=\"Utfall\") or [municipality.columns] in the config"),
        ("binary.csv", &[], 2,
         "itcost: binary.csv: a binary file that is not Parquet, xlsx/xls/ods or UTF-16 text; expected a ledger export (CSV/semicolon/TAB text, SIE, Excel, ODS or Parquet)"),
        ("unbalanced-voucher.se", &["--strict"], 2,
         "itcost: unbalanced-voucher.se:3905: voucher B-1 does not balance: its rows sum to -12771.00 (expected 0)"),
        ("sie-bad-amount.se", &[], 2,
         "itcost: sie-bad-amount.se:14: expected an amount like -1234.50, found '12,34,56'"),
        ("missing-file.csv", &[], 4,
         "itcost: missing-file.csv: No such file or directory (os error 2)"),
        ("excel-ref-error.csv", &["--rules", "unknown-pool.toml"], 3,
         "itcost: unknown-pool.toml: invalid rules file (3 problems):\n  unknown-pool.toml:7: rule 'hw': unknown pool 'Hardwear'; expected one of Internal Labor, External Labor, Outside Services, Hardware, Software, Facilities & Power, Telecom, Other, Internal Services\n  unknown-pool.toml:9: duplicate rule id 'hw' (first used on line 4)\n  unknown-pool.toml:11: bad regex '(unclosed': error: unclosed group"),
    ];
    for (file, extra, code, message) in cases {
        refused(file, extra, *code, message);
    }
}

#[test]
fn the_same_file_twice_is_refused() {
    let out = itcost()
        .current_dir(dir())
        .args([
            "run",
            "summary-row.csv",
            "summary-row.csv",
            "--central-it",
            "1510",
            "--lenient",
        ])
        .arg("--rejects")
        .arg(std::env::temp_dir().join("itcost-twice-rejects.csv"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("summary-row.csv and summary-row.csv are the same ledger (identical content): it would be counted twice"),
        "{err}"
    );
}

#[test]
fn lenient_mode_sets_every_bad_line_aside_and_counts_it() {
    let tmp = temp_dir();
    let rejects = tmp.path().join("rejects.csv");
    let out = itcost()
        .current_dir(dir())
        .args([
            "run",
            "amount-garbage.csv",
            "--central-it",
            "1510",
            "--lenient",
            "--json",
        ])
        .arg("--rejects")
        .arg(&rejects)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let c = &v["municipalities"][0]["conservation"];
    assert_eq!(c["rejected_lines"], 1);
    assert_eq!(c["rejected_without_amount"], 1);
    assert_eq!(
        c["lines_read"], 2,
        "1.234,50 and (500) are amounts, 12abc is not"
    );
    assert_eq!(c["input_sum"].as_f64().unwrap(), 1234.50 - 500.0);
    let text = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(
        text,
        "file,line,raw,reason,amount\namount-garbage.csv,4,\"6412;Datorer;1510;2024-03-01;12abc\",\"column 'Belopp': expected an amount like -1 234,56, found '12abc'\",\n"
    );
}

#[test]
fn a_huge_field_or_a_file_without_line_breaks_is_refused_not_loaded() {
    let tmp = temp_dir();
    // A 10 MB text field on line 3.
    let mut big = String::from(
        "Konto;Kontotext;Ansvar;Datum;Belopp\n6412;Datorer;1510;2024-03-01;1 000,00\n6412;",
    );
    big.push_str(&"x".repeat(10 << 20));
    big.push_str(";1510;2024-03-01;5,00\n");
    let p = tmp.path().join("huge-field.csv");
    std::fs::write(&p, big).unwrap();
    itcost()
        .args(["run"])
        .arg(&p)
        .args(["--central-it", "1510"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "huge-field.csv:3: the line is 10.0 MB long; a ledger line is at most 1 MB (a file without line breaks, or a quote that is never closed?)",
        ));
    // 9.8 MB without a single line break.
    let p = tmp.path().join("no-newline.csv");
    std::fs::write(&p, "Konto;Belopp;".repeat(3 << 18)).unwrap();
    itcost()
        .args(["run"])
        .arg(&p)
        .args(["--central-it", "1510"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no-newline.csv:1: the line is 9.8 MB long",
        ));
    // A quote opened on line 2 and never closed, over 2 MB of lines.
    let mut runaway =
        String::from("Konto;Kontotext;Ansvar;Datum;Belopp\n6412;\"Datorer;1510;2024-03-01;1,00\n");
    for _ in 0..40_000 {
        runaway.push_str("6412;Datorer;1510;2024-03-01;1 000,00\n");
    }
    let p = tmp.path().join("runaway.csv");
    std::fs::write(&p, runaway).unwrap();
    itcost()
        .args(["run"])
        .arg(&p)
        .args(["--central-it", "1510"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "runaway.csv:2: the quoted record starting on this line is 1.0 MB long",
        ));
}

#[test]
fn lenient_sie_sets_an_unreadable_transaction_aside() {
    let tmp = temp_dir();
    let rejects = tmp.path().join("rejects.csv");
    let out = itcost()
        .current_dir(dir())
        .args([
            "run",
            "sie-bad-amount.se",
            "--central-it",
            "1510",
            "--lenient",
            "--json",
        ])
        .arg("--rejects")
        .arg(&rejects)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let c = &v["municipalities"][0]["conservation"];
    assert_eq!(c["rejected_lines"], 1);
    assert_eq!(c["lines_read"], 3);
    assert_eq!(c["input_sum"].as_f64().unwrap(), 1000.0 - 1000.0 - 500.0);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("voucher A-2 does not balance"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "file,line,raw,reason,amount\nsie-bad-amount.se,14,\"#TRANS 6412 {} 12,34,56\",\"expected an amount like -1234.50, found '12,34,56'\",\n"
    );
}
