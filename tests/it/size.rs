//! Correctness at size: a generated ledger's run equals the generator's truth (timing is never asserted here;
//! speed is measured in benches/).

use crate::util::{itcost, temp_dir};
use itcost::generate::LargeOptions;

const REPEATING: LargeOptions = LargeOptions {
    unique_text: false,
    utf8: false,
};
const UNIQUE: LargeOptions = LargeOptions {
    unique_text: true,
    utf8: true,
};

#[test]
fn large_generated_ledger_matches_its_truth_in_csv_and_parquet() {
    generated_ledger_matches_its_truth(200_000, REPEATING);
}

/// 1M lines whose every text names its own invoice (UTF-8): the key holds the text's keyword signature, the
/// figures stay exact.
#[test]
fn million_lines_with_unique_texts_match_their_truth() {
    generated_ledger_matches_its_truth(1_000_000, UNIQUE);
}

/// 1M lines with repeating texts (Windows-1252).
#[test]
fn million_lines_with_repeating_texts_match_their_truth() {
    generated_ledger_matches_its_truth(1_000_000, REPEATING);
}

/// The 10M-line checks of the engine issues (a few minutes and 2 GB of disk in the temp dir):
/// `cargo test --release -- --ignored ten_million`.
#[test]
#[ignore]
fn ten_million_lines_match_their_truth() {
    generated_ledger_matches_its_truth(10_000_000, REPEATING);
}

/// As [`ten_million_lines_match_their_truth`], with unique texts.
#[test]
#[ignore]
fn ten_million_lines_with_unique_texts_match_their_truth() {
    generated_ledger_matches_its_truth(10_000_000, UNIQUE);
}

fn generated_ledger_matches_its_truth(lines: usize, opts: LargeOptions) {
    let dir = temp_dir();
    let csv = dir.path().join("big.csv");
    let truth = itcost::generate::write_large_with(&csv, lines, 42, opts).unwrap();
    let parquet = dir.path().join("big.parquet");
    itcost()
        .arg("convert")
        .arg(&csv)
        .arg("--out")
        .arg(&parquet)
        .assert()
        .success();
    for input in [&csv, &parquet] {
        let out = itcost()
            .arg("run")
            .arg(input)
            .args(["--central-it", "1510,1511", "--json"])
            .assert()
            .success();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let m = &v["municipalities"][0];
        let ore = |x: &serde_json::Value| (x.as_f64().unwrap() * 100.0).round() as i64;
        assert_eq!(m["lines"].as_u64().unwrap(), truth.lines);
        assert_eq!(ore(&m["conservation"]["input_sum"]), truth.input_sum_ore);
        assert_eq!(ore(&m["central_it_cost"]), truth.central_it_ore);
        assert_eq!(ore(&m["outside_it_cost"]), truth.outside_it_ore);
        assert_eq!(ore(&m["total_cost"]), truth.total_cost_ore);
        assert_eq!(ore(&m["revenue"]), truth.revenue_ore);
        assert_eq!(ore(&m["internal"]["costs"]), truth.internal_costs_ore);
        assert_eq!(ore(&m["internal"]["revenues"]), truth.internal_revenues_ore);
        assert_eq!(ore(&m["excluded"]), truth.excluded_ore);
    }
}
