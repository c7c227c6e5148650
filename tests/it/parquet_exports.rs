//! Parquet written by other tools (DuckDB, polars) read with the export's own column names and types, to the öre
//! of the same ledger read as CSV; and the layout `itcost convert` writes.

use crate::util::{itcost, root, temp_dir};
use itcost::ingest::{read_ledger, ReadOptions};
use polars::prelude::*;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/parquet").join(name)
}

const EXPORTS: [&str; 3] = [
    "duckdb-decimal.parquet",
    "polars-text.parquet",
    "polars-float.parquet",
];

fn opts(summed: bool) -> ReadOptions {
    ReadOptions {
        municipality: Some("Åmål".into()),
        summed,
        ..Default::default()
    }
}

/// The key table of a summed read: (account, account text, cost centre, supplier, text, sum, lines), sorted.
fn key_table(df: &DataFrame) -> Vec<(String, String, String, String, String, i64, i64)> {
    let s = |c: &str| -> Vec<String> {
        df.column(c)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    };
    let (a, at, cc, sup, t) = (
        s("account"),
        s("account_text"),
        s("cost_centre"),
        s("supplier"),
        s("text"),
    );
    let sums: Vec<i64> = df
        .column("amount_ore")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let lines: Vec<i64> = df
        .column("lines")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let mut v: Vec<_> = (0..df.height())
        .map(|i| {
            (
                a[i].clone(),
                at[i].clone(),
                cc[i].clone(),
                sup[i].clone(),
                t[i].clone(),
                sums[i],
                lines[i],
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn exports_written_by_duckdb_and_polars_sum_to_the_ore_of_the_csv() {
    let csv = read_ledger(&fixture("huvudbok.csv"), &opts(true)).unwrap();
    assert_eq!(csv.report.lines, 2041);
    let csv_keys = key_table(&csv.frame);
    for name in EXPORTS {
        let p = read_ledger(&fixture(name), &opts(true)).unwrap();
        assert_eq!(p.report.lines, csv.report.lines, "{name}");
        assert_eq!(p.report.sum_ore, csv.report.sum_ore, "{name}");
        assert_eq!(p.report.months, csv.report.months, "{name}");
        assert_eq!(p.report.year, Some(2024), "{name}");
        assert_eq!(p.report.municipality, "Åmål");
        assert!(
            p.report.detected_by.contains("Belopp → amount"),
            "{name}: {}",
            p.report.detected_by
        );
        assert_eq!(
            key_table(&p.frame),
            csv_keys,
            "{name}: every key, to the öre"
        );
    }
}

#[test]
fn exports_read_line_by_line_keep_every_line_in_order() {
    let csv = read_ledger(&fixture("huvudbok.csv"), &opts(false)).unwrap();
    let col = |df: &DataFrame, c: &str| df.column(c).unwrap().as_materialized_series().clone();
    for name in EXPORTS {
        let p = read_ledger(&fixture(name), &opts(false)).unwrap();
        assert_eq!(p.report.lines, csv.report.lines, "{name}");
        assert_eq!(p.report.sum_ore, csv.report.sum_ore, "{name}");
        for c in [
            "account",
            "account_text",
            "cost_centre",
            "supplier",
            "text",
            "amount_ore",
            "period",
            "date",
        ] {
            assert!(
                col(&p.frame, c).equals_missing(&col(&csv.frame, c)),
                "{name}: column {c}"
            );
        }
        // Lines are numbered by their row in the file (the CSV's count from its header line).
        let lines = p.frame.column("line").unwrap().u32().unwrap();
        assert_eq!(lines.get(0), Some(1));
        assert_eq!(lines.get(2040), Some(2041));
    }
}

/// A whole run (`--json`) on each export gives the CSV's municipality, figure for figure to the öre: the whole
/// municipality object is compared apart from `files` (the paths differ). Line numbers are not compared because
/// they legitimately differ (an export's rows are numbered from 1, the CSV's lines from 2, after its header): the
/// municipality object carries none (its `lines` fields are counts), so a first line that differs cannot make this
/// fail, while any figure, count, month or warning that differs does.
#[test]
fn a_run_on_each_export_gives_the_figures_of_the_csv() {
    let run = |p: PathBuf| -> serde_json::Value {
        let out = itcost()
            .arg("run")
            .arg(&p)
            .args([
                "--central-it",
                "171,172",
                "--municipality",
                "Åmål",
                "--json",
            ])
            .assert()
            .success();
        let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        let mut m = v["municipalities"][0].clone();
        // The files differ; every figure must not.
        m.as_object_mut().unwrap().remove("files");
        m
    };
    let csv = run(fixture("huvudbok.csv"));
    assert!(csv["central_it_cost"].as_f64().unwrap() > 0.0);
    for name in EXPORTS {
        assert_eq!(run(fixture(name)), csv, "{name}");
    }
}

fn write(df: &mut DataFrame, name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = temp_dir();
    let p = dir.path().join(name);
    ParquetWriter::new(std::fs::File::create(&p).unwrap())
        .finish(df)
        .unwrap();
    (dir, p)
}

fn error_of(p: &Path, summed: bool) -> String {
    match read_ledger(p, &opts(summed)) {
        Ok(_) => panic!("{} was read", p.display()),
        Err(e) => e.message,
    }
}

#[test]
fn a_float_amount_off_the_ore_is_refused_with_its_row() {
    let mut df = df!(
        "Konto" => ["6412", "6412", "6540"],
        "Belopp" => [100.25, -0.1 - 0.2, 1.005],
    )
    .unwrap();
    let (_d, p) = write(&mut df, "float.parquet");
    for summed in [true, false] {
        let e = error_of(&p, summed);
        assert!(
            e.contains("float.parquet: row group 1, row 3 (row 3 of the file): column 'Belopp': expected an amount in whole öre, found the float 1.005"),
            "{e}"
        );
    }
    let mut ok = df!("Konto" => ["6412", "6412"], "Belopp" => [100.25, -0.1 - 0.2]).unwrap();
    let (_d, p) = write(&mut ok, "ok.parquet");
    let ing = read_ledger(&p, &opts(true)).unwrap();
    assert_eq!(ing.report.sum_ore, 10_025 - 30);
}

#[test]
fn bad_cells_name_the_file_row_and_what_was_expected() {
    let mut df = df!(
        "Konto" => ["6412", "Summa", "6540"],
        "Belopp" => ["1 234,50", "10,00", "12,345"],
    )
    .unwrap();
    let (_d, p) = write(&mut df, "text.parquet");
    let e = error_of(&p, true);
    assert!(
        e.contains("row 3 (row 3 of the file): column 'Belopp': amount '12,345' has more than two decimals"),
        "{e}"
    );
    let mut df = df!("Konto" => ["6412", "Summa"], "Belopp" => ["1 234,50", "10,00"]).unwrap();
    let (_d, p) = write(&mut df, "total.parquet");
    for summed in [true, false] {
        let e = error_of(&p, summed);
        assert!(
            e.contains("row 2 (row 2 of the file): column 'Konto': expected an account code like 6412, found 'Summa'"),
            "{e}"
        );
    }
    let mut df = df!("Kod" => ["6412"], "Pengar" => [1i64]).unwrap();
    let (_d, p) = write(&mut df, "odd.parquet");
    let e = error_of(&p, true);
    assert!(
        e.contains("odd.parquet: expected a ledger: a Parquet file with an account column")
            && e.contains("it has columns: Kod, Pengar"),
        "{e}"
    );
    // An explicit mapping reads it; whole numbers are kronor.
    let mut o = opts(true);
    o.columns
        .insert(itcost::ingest::columns::Field::Account, "Kod".into());
    o.columns
        .insert(itcost::ingest::columns::Field::Amount, "Pengar".into());
    assert_eq!(read_ledger(&p, &o).unwrap().report.sum_ore, 100);
    let mut df = df!("Konto" => ["6412"], "Belopp" => [true]).unwrap();
    let (_d, p) = write(&mut df, "bool.parquet");
    let e = error_of(&p, true);
    assert!(
        e.contains("column 'Belopp': expected an amount (text like -1 234,56, a decimal, a float or whole kronor), found Boolean"),
        "{e}"
    );
}

#[test]
fn convert_writes_dictionaries_clustered_by_account() {
    let dir = temp_dir();
    let out = dir.path().join("amal.parquet");
    itcost()
        .arg("convert")
        .arg(root().join("sample-ledgers/amal-2024.csv"))
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let f = std::fs::File::open(&out).unwrap();
    let reader = parquet::file::serialized_reader::SerializedFileReader::new(f).unwrap();
    use parquet::file::reader::FileReader;
    let meta = reader.metadata();
    let schema = meta.file_metadata().schema_descr();
    let rg = meta.row_group(0);
    for name in ["account", "account_text", "cost_centre", "supplier"] {
        let i = (0..schema.num_columns())
            .find(|&i| schema.column(i).name() == name)
            .unwrap();
        assert!(
            rg.column(i).dictionary_page_offset().is_some(),
            "{name} is dictionary-encoded"
        );
    }
    // Rows are clustered by account (then cost centre); reading the lines back restores the export's order.
    let df = ParquetReader::new(std::fs::File::open(&out).unwrap())
        .finish()
        .unwrap();
    let acc: Vec<&str> = df
        .column("account")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    assert!(acc.windows(2).all(|w| w[0] <= w[1]), "sorted by account");
    let back = read_ledger(&out, &ReadOptions::default()).unwrap();
    let lines = back.frame.column("line").unwrap().u32().unwrap();
    assert!(lines
        .iter()
        .collect::<Vec<_>>()
        .windows(2)
        .all(|w| w[0] < w[1]));
}

/// A ledger of `n` lines in row groups of 50 rows; `bad` rows have no account code.
fn many_row_groups(n: usize, bad: &[usize], name: &str) -> (tempfile::TempDir, PathBuf) {
    let konto: Vec<String> = (0..n)
        .map(|i| match bad.contains(&i) {
            true => "Summa".to_string(),
            false => format!("{}", [6412, 6540, 5410, 4010][i % 4]),
        })
        .collect();
    let ansvar: Vec<String> = (0..n).map(|i| format!("{}", 1500 + i % 13)).collect();
    let text: Vec<String> = (0..n)
        .map(|i| format!("Faktura {} Dustin", 9000 + i))
        .collect();
    let belopp: Vec<String> = (0..n)
        .map(|i| format!("{},{:02}", i * 7, i % 100))
        .collect();
    let mut df =
        df!("Konto" => konto, "Ansvar" => ansvar, "Text" => text, "Belopp" => belopp).unwrap();
    let dir = temp_dir();
    let p = dir.path().join(name);
    ParquetWriter::new(std::fs::File::create(&p).unwrap())
        .with_row_group_size(Some(50))
        .finish(&mut df)
        .unwrap();
    (dir, p)
}

#[test]
fn row_groups_summed_on_many_cores_give_the_frame_of_one_core_and_the_first_error() {
    let (_d, p) = many_row_groups(2_000, &[], "many.parquet");
    let on = |threads: usize, p: &Path| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| read_ledger(p, &opts(true)))
    };
    let one = on(1, &p).unwrap();
    assert_eq!(one.report.lines, 2_000);
    for threads in [2, 3, 8] {
        let many = on(threads, &p).unwrap();
        assert!(many.frame.equals_missing(&one.frame), "{threads} threads");
        assert_eq!(many.report.sum_ore, one.report.sum_ore);
    }
    // The whole run (rules, suspects' texts, the stamp) is the same on one core and on several.
    let run = |threads: &str| {
        let out = itcost()
            .env("RAYON_NUM_THREADS", threads)
            .args(["run", "--central-it", "1510", "--json"])
            .arg(&p)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    assert_eq!(run("1"), run("4"));
    // Rows 1 234 and 140 (0-based) have no account: the earliest, in row group 3, is reported on any core count.
    let (_d, p) = many_row_groups(2_000, &[1_234, 140], "bad.parquet");
    for threads in [1, 2, 8] {
        let e = match on(threads, &p) {
            Ok(_) => panic!("read"),
            Err(e) => e.message,
        };
        assert!(
            e.contains("bad.parquet: row group 3, row 41 (row 141 of the file): column 'Konto': expected an account code"),
            "{threads} threads: {e}"
        );
    }
}
