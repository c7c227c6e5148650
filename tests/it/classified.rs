//! `run --out`'s classified.parquet is written while the ledgers stream by (issue 11, item 5): it must equal the
//! whole ledger classified at once (every ledger read line by line, one join against the decisions, sorted by
//! file and line), row for row and column for column.

use crate::util::{dalsland, temp_dir};
use itcost::classify::{classified_lines, with_text_signatures};
use itcost::ingest::{read_ledger, ReadOptions};
use polars::prelude::*;

#[test]
fn streamed_classified_parquet_equals_the_whole_ledger_classified() {
    let r = dalsland();
    let dir = temp_dir();
    let path = dir.path().join("classified.parquet");
    itcost::report::classified::write(&r, &path).unwrap();
    let got = ParquetReader::new(std::fs::File::open(&path).unwrap())
        .finish()
        .unwrap();

    // The reference: each ledger read whole with the run's municipality and year, classified in one join.
    let jobs = r
        .config
        .municipalities
        .iter()
        .flat_map(|m| m.ledgers.iter().map(move |l| (m, l)));
    let mut frames = Vec::new();
    for ((m, ledger), report) in jobs.zip(&r.inputs) {
        let opts = ReadOptions {
            municipality: Some(report.municipality.clone()),
            year: report.year,
            columns: m.columns.clone(),
            sheet: m.sheet.clone(),
            ..ReadOptions::default()
        };
        let frame = read_ledger(ledger, &opts).unwrap().frame;
        let frame = with_text_signatures(frame, &r.rules).unwrap();
        frames.push(frame.lazy().with_column(lit(1i64).alias("lines")));
    }
    let all = concat(frames, UnionArgs::default()).unwrap();
    let want = classified_lines(all, &r.rules, &r.classified)
        .unwrap()
        .sort(
            ["file", "line"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .collect()
        .unwrap();

    assert!(want.height() > 1000, "the samples have lines");
    assert_eq!(got.get_column_names(), want.get_column_names());
    assert_eq!(got.schema(), want.schema());
    assert_eq!(got.height(), want.height());
    assert!(
        got.equals_missing(&want),
        "the streamed classified.parquet differs from the whole ledger classified"
    );
    // More than one row group would be needed only past 262 144 lines; the samples have one, written by the
    // row-group writer all the same.
    let sum: i64 = got
        .column("amount_ore")
        .unwrap()
        .i64()
        .unwrap()
        .sum()
        .unwrap();
    let input: i64 = r.inputs.iter().map(|i| i.sum_ore).sum();
    assert_eq!(sum, input, "every line is there once");
}
