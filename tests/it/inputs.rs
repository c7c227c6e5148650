//! Every format of the formats issue: SIE 1–4 (the real exports in tests/fixtures/sie, copied from
//! shared/data/sie, MIT licence), spreadsheets, Parquet round trips and open supplier ledgers.

use crate::util::{dalsland, dalsland_config, itcost, root, temp_dir};
use itcost::ingest::{read_ledger, Format, ReadOptions};
use itcost::report::json::{Benchmark, Municipality};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

fn per_account(df: &DataFrame) -> BTreeMap<String, i64> {
    let acc = df.column("account").unwrap().str().unwrap().clone();
    let amt = df.column("amount_ore").unwrap().i64().unwrap().clone();
    let mut m = BTreeMap::new();
    for (a, v) in acc.iter().zip(amt.iter()) {
        *m.entry(a.unwrap_or("").to_string()).or_insert(0i64) += v.unwrap();
    }
    m
}

/// An independent count of a type-4 file: a plain scan of the #TRANS/#RTRANS/#BTRANS rows, without the parser.
fn independent_totals(path: &Path) -> (BTreeMap<String, i64>, usize) {
    let bytes = std::fs::read(path).unwrap();
    let text: String = bytes
        .iter()
        .map(|&b| if b < 128 { b as char } else { '?' })
        .collect();
    let mut totals = BTreeMap::new();
    let mut rows = 0;
    let mut skip_next = false;
    for line in text.lines() {
        let l = line.trim_start();
        let label = l.split_whitespace().next().unwrap_or("");
        if !matches!(label, "#TRANS" | "#RTRANS" | "#BTRANS") {
            continue;
        }
        if label == "#BTRANS" {
            continue;
        }
        if label == "#TRANS" && skip_next {
            skip_next = false;
            continue;
        }
        skip_next = label == "#RTRANS";
        let account = l.split_whitespace().nth(1).unwrap().to_string();
        let after = &l[l.find('}').unwrap() + 1..];
        let amount = after.split_whitespace().next().unwrap();
        let (int, frac) = amount.split_once('.').unwrap_or((amount, ""));
        let neg = int.starts_with('-');
        let int: i64 = int.trim_start_matches('-').parse().unwrap();
        let frac: i64 = format!("{frac:0<2}")[..2].parse().unwrap();
        let ore = int * 100 + frac;
        *totals.entry(account).or_insert(0) += if neg { -ore } else { ore };
        rows += 1;
    }
    (totals, rows)
}

#[test]
fn every_type_4_sie_file_agrees_with_an_independent_count() {
    let dir = fixture("sie");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("LICENSE") {
            continue;
        }
        let ing =
            read_ledger(&p, &ReadOptions::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ing.report.format, Format::Sie, "{name}");
        let sie = ing.report.sie.as_ref().unwrap();
        if sie.sie_type != 4 {
            continue;
        }
        let (expected, rows) = independent_totals(&p);
        assert_eq!(ing.report.lines, rows, "{name}: rows");
        assert_eq!(
            per_account(&ing.frame),
            expected,
            "{name}: per-account totals"
        );
        assert_eq!(
            ing.report.sum_ore,
            expected.values().sum::<i64>(),
            "{name}: sum"
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} type-4 files checked");
}

#[test]
fn sie_details_dimensions_and_rtrans() {
    let ing = read_ledger(
        &fixture("sie/MAMUT_SIE4_EXPORT.SE"),
        &ReadOptions::default(),
    )
    .unwrap();
    let cc = ing
        .frame
        .column("cost_centre")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    assert!(
        cc.iter().any(|v| v == Some("2")),
        "dimension 1 becomes the cost centre"
    );
    let obj = ing.frame.column("object").unwrap().str().unwrap().clone();
    assert!(
        obj.iter().any(|v| v == Some("10=12")),
        "other dimensions are kept as dim=object"
    );
    assert_eq!(ing.report.municipality, "Mamut_SIE");
    let bl = read_ledger(&fixture("sie/BL0001_typ4.SE"), &ReadOptions::default()).unwrap();
    let s = bl.report.sie.unwrap();
    assert_eq!(s.fiscal_year, Some(2010));
    assert!(bl.report.warnings.is_empty(), "{:?}", bl.report.warnings);
    let at = bl
        .frame
        .column("account_text")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    assert!(
        at.iter().all(|t| t.is_some_and(|t| !t.is_empty())),
        "#KONTO names become the account text"
    );
}

#[test]
fn unbalanced_voucher_is_reported_precisely() {
    let p = fixture("sie/transaktioner_ovnbolag-bad-balance.se");
    let ing = read_ledger(&p, &ReadOptions::default()).unwrap();
    let expected = format!(
        "{}:3905: voucher B-1 does not balance: its rows sum to -12771.00 (expected 0)",
        p.display()
    );
    assert!(
        ing.report.warnings.contains(&expected),
        "{:?}",
        ing.report.warnings
    );
    let err = read_ledger(
        &p,
        &ReadOptions {
            strict: true,
            ..Default::default()
        },
    )
    .err()
    .unwrap();
    assert_eq!(err.message, expected);
    let good = read_ledger(
        &fixture("sie/transaktioner_ovnbolag.se"),
        &ReadOptions {
            strict: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(good
        .report
        .warnings
        .iter()
        .all(|w| !w.contains("does not balance")));
}

#[test]
fn sie_balance_files_read_as_aggregated_ledgers() {
    for (file, kind) in [
        ("sie/BL0001_typ1.SE", "SIE 1 (year balances)"),
        ("sie/typ3.se", "SIE 3 (balances per object)"),
        ("sie/objektsaldo_ovnbolag.se", "SIE 3 (balances per object)"),
    ] {
        let ing = read_ledger(&fixture(file), &ReadOptions::default()).unwrap();
        assert_eq!(ing.report.sie.as_ref().unwrap().kind, kind, "{file}");
        assert!(ing.report.lines > 0, "{file}");
    }
    // Per account and period, the lines add up to the object-less #PSALDO total of the file, where it has one.
    let ing = read_ledger(
        &fixture("sie/objektsaldo_ovnbolag.se"),
        &ReadOptions::default(),
    )
    .unwrap();
    let text: String = std::fs::read(fixture("sie/objektsaldo_ovnbolag.se"))
        .unwrap()
        .iter()
        .map(|&b| b as char)
        .collect();
    let mut totals: BTreeMap<(String, i32), i64> = BTreeMap::new();
    for l in text
        .lines()
        .filter(|l| l.starts_with("#PSALDO 0 ") && l.contains(" {} "))
    {
        let parts: Vec<&str> = l.split_whitespace().collect();
        let ore = itcost::money::parse_ore(parts[5]).unwrap().unwrap();
        *totals
            .entry((parts[3].to_string(), parts[2].parse().unwrap()))
            .or_default() += ore;
    }
    let acc = ing.frame.column("account").unwrap().str().unwrap().clone();
    let per = ing.frame.column("period").unwrap().i32().unwrap().clone();
    let amt = ing
        .frame
        .column("amount_ore")
        .unwrap()
        .i64()
        .unwrap()
        .clone();
    let mut got: BTreeMap<(String, i32), i64> = BTreeMap::new();
    for ((a, p), v) in acc.iter().zip(per.iter()).zip(amt.iter()) {
        *got.entry((a.unwrap().to_string(), p.unwrap_or(0)))
            .or_default() += v.unwrap();
    }
    assert!(totals.len() > 50);
    for (key, total) in &totals {
        assert_eq!(
            got.get(key).copied().unwrap_or(0),
            *total,
            "account and period {key:?}"
        );
    }
    assert!(
        ing.report
            .warnings
            .iter()
            .any(|w| w.contains("account 1460 period 201101: no object-less #PSALDO total")),
        "{:?}",
        ing.report.warnings
    );
    let cc = ing
        .frame
        .column("cost_centre")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    assert!(
        cc.iter()
            .any(|v| v == Some("Nord") || v.is_some_and(|s| !s.is_empty())),
        "dimension-1 objects become cost centres"
    );
}

#[test]
fn spreadsheet_with_title_rows_and_merged_header_cells() {
    let p = fixture("huvudbok-titlerows.xlsx");
    let ing = read_ledger(&p, &ReadOptions::default()).unwrap();
    assert_eq!(ing.report.format, Format::Spreadsheet);
    assert_eq!(ing.report.sheet.as_deref(), Some("Huvudbok"));
    assert_eq!(ing.report.layout.as_ref().unwrap().header_line, 5);
    let amounts: Vec<i64> = ing
        .frame
        .column("amount_ore")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    assert_eq!(amounts, vec![123456, 99990, -250000, 4500000]);
    let cc: Vec<String> = ing
        .frame
        .column("cost_centre")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap().to_string())
        .collect();
    assert_eq!(cc, vec!["1510", "3000", "3000", "1510"]);
    assert_eq!(ing.report.months, vec![202401, 202402, 202403]);
    let other = read_ledger(
        &p,
        &ReadOptions {
            sheet: Some("annat".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(other.report.sum_ore, 1050);
    let err = read_ledger(
        &p,
        &ReadOptions {
            sheet: Some("Saknas".into()),
            ..Default::default()
        },
    )
    .err()
    .unwrap();
    assert!(
        err.message
            .contains("no sheet named 'Saknas'; the workbook has: Huvudbok, Annat"),
        "{}",
        err.message
    );
}

#[test]
fn parquet_round_trip_keeps_every_line_and_the_sums() {
    let dir = temp_dir();
    let out = dir.path().join("dalsland");
    itcost()
        .args(["convert", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(out
        .join("municipality=Bengtsfors/year=2024/ledger.parquet")
        .exists());
    let original = read_ledger(
        &root().join("sample-ledgers/amal-2024.csv"),
        &ReadOptions {
            municipality: Some("Åmål".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let copy = read_ledger(&out.join("municipality=Åmål"), &ReadOptions::default()).unwrap();
    assert_eq!(copy.report.format, Format::Parquet);
    assert_eq!(copy.report.lines, original.report.lines);
    assert_eq!(copy.report.sum_ore, original.report.sum_ore);
    assert_eq!(copy.report.municipality, "Åmål");
    assert!(
        copy.frame.equals_missing(&original.frame),
        "every column of every line survives the round trip"
    );

    // A run on the Parquet copies gives the same figures as on the original exports.
    let cfg_text = std::fs::read_to_string(dalsland_config()).unwrap();
    let cfg_text = cfg_text
        .replace(
            "\"bengtsfors-2024.csv\"",
            &format!(
                "{:?}",
                out.join("municipality=Bengtsfors/year=2024")
                    .display()
                    .to_string()
            ),
        )
        .replace(
            "\"mellerud-2024.csv\"",
            &format!(
                "{:?}",
                out.join("municipality=Mellerud/year=2024")
                    .display()
                    .to_string()
            ),
        )
        .replace(
            "\"mellerud-2023.csv\"",
            &format!(
                "{:?}",
                out.join("municipality=Mellerud/year=2023")
                    .display()
                    .to_string()
            ),
        )
        .replace(
            "\"dalsland-2024-work-areas.csv\"",
            &format!(
                "{:?}",
                root()
                    .join("sample-ledgers/dalsland-2024-work-areas.csv")
                    .display()
                    .to_string()
            ),
        )
        .replace(
            "\"amal-2024.csv\"",
            &format!(
                "{:?}",
                out.join("municipality=Åmål/year=2024")
                    .display()
                    .to_string()
            ),
        )
        .replace(
            "\"fargelanda-2024.tsv\"",
            &format!(
                "{:?}",
                out.join("municipality=Färgelanda/year=2024")
                    .display()
                    .to_string()
            ),
        );
    let cfg_path = dir.path().join("parquet.toml");
    std::fs::write(&cfg_path, cfg_text).unwrap();
    let a = dalsland();
    let b = itcost::pipeline::run(itcost::config::load(&cfg_path).unwrap()).unwrap();
    assert_eq!(
        serde_json::to_value(Benchmark::from(&a.benchmark)).unwrap(),
        serde_json::to_value(Benchmark::from(&b.benchmark)).unwrap(),
        "benchmark from Parquet equals benchmark from the exports"
    );
    for (x, y) in a.municipalities.iter().zip(&b.municipalities) {
        assert_eq!(
            serde_json::to_value(Municipality::from(x)).unwrap()["pools"],
            serde_json::to_value(Municipality::from(y)).unwrap()["pools"]
        );
        assert_eq!(x.conservation.input_sum, y.conservation.input_sum);
    }
}

#[test]
fn open_supplier_ledger_is_recognised() {
    let dir = temp_dir();
    let p = dir.path().join("leverantorsreskontra-2024.csv");
    std::fs::write(
        &p,
        "kopare_namn,kopare_id,leverantor_namn,leverantor_id,konto,kontotext,belopp,bokforingsdatum,forvaltning,verifikationsnummer\n\
         Exempels kommun,212000-0000,Dustin Sverige AB,556000-0001,6412,Datorer,\"12345.50\",2024-02-01,IT-avdelningen,1001\n\
         Exempels kommun,212000-0000,Telia Sverige AB,556000-0002,6812,Mobiltelefoni,800.00,2024-02-03,Skolförvaltningen,1002\n",
    )
    .unwrap();
    let ing = read_ledger(&p, &ReadOptions::default()).unwrap();
    assert!(ing.report.external_purchases_only);
    assert!(ing
        .report
        .warnings
        .iter()
        .any(|w| w.contains("open supplier ledger")));
    let out = itcost()
        .arg("run")
        .arg(&p)
        .args(["--central-it", "IT-avdelningen", "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let m = &v["municipalities"][0];
    assert_eq!(m["central_it_cost"], 12345.5);
    assert_eq!(m["outside_it_cost"], 800.0);
    assert!(
        m["central_it_share"].is_null(),
        "no share without an external total"
    );
    assert_eq!(m["external_purchases_only"], true);
}

#[test]
fn unreadable_files_say_what_was_expected() {
    let dir = temp_dir();
    let p = dir.path().join("image.png");
    std::fs::write(&p, [0x89u8, b'P', b'N', b'G', 0, 0, 0, 13, 1, 2, 3]).unwrap();
    let err = read_ledger(&p, &ReadOptions::default()).err().unwrap();
    assert!(
        err.message.contains(
            "expected a ledger export (CSV/semicolon/TAB text, SIE, Excel, ODS or Parquet)"
        ),
        "{}",
        err.message
    );
    let p = dir.path().join("broken.xlsx");
    std::fs::write(&p, b"PK\x03\x04garbage").unwrap();
    let err = read_ledger(&p, &ReadOptions::default()).err().unwrap();
    assert!(
        err.message.contains("expected a readable spreadsheet"),
        "{}",
        err.message
    );
}

/// Sums per key of a canonical frame (a full ledger, or a summed one with its `lines` column).
fn key_sums(df: &DataFrame) -> std::collections::BTreeMap<Vec<String>, (i64, i64)> {
    let keys = [
        "account",
        "account_text",
        "cost_centre",
        "department",
        "counterpart",
        "supplier",
        "text",
    ];
    let cols: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            df.column(k)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.unwrap_or("").to_string())
                .collect()
        })
        .collect();
    let amount: Vec<i64> = df
        .column("amount_ore")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let lines: Vec<i64> = match df.column("lines") {
        Ok(c) => c.i64().unwrap().iter().map(|v| v.unwrap()).collect(),
        Err(_) => vec![1; df.height()],
    };
    let mut out = std::collections::BTreeMap::new();
    for i in 0..df.height() {
        let k: Vec<String> = cols.iter().map(|c| c[i].clone()).collect();
        let e = out.entry(k).or_insert((0i64, 0i64));
        e.0 += amount[i];
        e.1 += lines[i];
    }
    out
}

/// Sums per (coded values, line-text signature), and per (coded values, text) for the rows whose signature is not
/// empty: what a summed ledger with a plan holds. The signature is read from `text_sig` when the frame has it,
/// else computed from `text`.
type SigSums = (
    BTreeMap<(Vec<String>, Vec<u8>), (i64, i64)>,
    BTreeMap<(Vec<String>, String), (i64, i64)>,
);

fn sig_sums(df: &DataFrame, kw: &itcost::rules::keywords::TextKeywords) -> SigSums {
    let coded = [
        "account",
        "account_text",
        "cost_centre",
        "department",
        "project",
        "counterpart",
        "supplier",
    ];
    let s = |c: &str| -> Vec<String> {
        df.column(c)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect()
    };
    let cols: Vec<Vec<String>> = coded.iter().map(|c| s(c)).collect();
    let text = s("text");
    let sigs: Vec<Vec<u8>> = match df.column("text_sig") {
        Ok(c) => c
            .binary()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_vec())
            .collect(),
        Err(_) => text.iter().map(|t| kw.signature(t).0).collect(),
    };
    let amount: Vec<i64> = df
        .column("amount_ore")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    let lines: Vec<i64> = match df.column("lines") {
        Ok(c) => c.i64().unwrap().iter().map(|v| v.unwrap()).collect(),
        Err(_) => vec![1; df.height()],
    };
    let (mut by_sig, mut by_text) = (BTreeMap::new(), BTreeMap::new());
    for i in 0..df.height() {
        let k: Vec<String> = cols.iter().map(|c| c[i].clone()).collect();
        let e = by_sig.entry((k.clone(), sigs[i].clone())).or_insert((0, 0));
        e.0 += amount[i];
        e.1 += lines[i];
        if !sigs[i].is_empty() {
            let e = by_text.entry((k, text[i].clone())).or_insert((0, 0));
            e.0 += amount[i];
            e.1 += lines[i];
        }
    }
    (by_sig, by_text)
}

/// Keeps the texts of every key whose line text holds a keyword.
struct KeepHits;

impl itcost::ingest::ledger::KeepTexts for KeepHits {
    fn keeps_texts(&self, _coded: &[&str; itcost::ingest::ledger::CODED], sig: &[u8]) -> bool {
        !sig.is_empty()
    }
}

#[test]
fn streaming_sums_equal_the_full_ledger_whatever_the_block_size() {
    let dir = temp_dir();
    // A quoted field over two lines, a quoted delimiter, and (lenient) a bad line, next to the samples.
    let tricky = dir.path().join("tricky.csv");
    let mut text = String::from("Konto;Kontotext;Ansvar;Leverantör;Text;Datum;Belopp\n");
    for i in 0..3000 {
        text.push_str(&format!(
            "64{:02};\"Datorer; och\nkringutrustning\";15{:02};\"Atea \"\"AB\"\"\";rad {i};2024-{:02}-01;{},{:02}\n",
            i % 20,
            i % 7,
            1 + i % 12,
            i * 3,
            i % 100
        ));
        if i == 1500 {
            text.push_str("6412;Datorer;1510;;;2024-05-01;#REF!\n");
        }
    }
    std::fs::write(&tricky, text).unwrap();
    let mut files: Vec<PathBuf> = ["bengtsfors-2024.csv", "mellerud-2024.csv", "amal-2024.csv"]
        .iter()
        .map(|f| root().join("sample-ledgers").join(f))
        .collect();
    files.push(tricky);
    // Found by the csv_reader fuzz target: mostly UTF-8 with one broken sequence in the header. The streaming
    // reader decoded block by block and read the NBSP amounts that the whole-file reader (Windows-1252) rejects.
    files.push(root().join("tests/bad_input/fuzz/csv-mixed-utf8-header.csv"));
    // Keywords that the texts above and the samples' texts hold, short (whole words) and long.
    let words: Vec<String> = ["rad 1", "3", "faktura", "material", "it", "dator"]
        .iter()
        .map(|w| w.to_string())
        .collect();
    let matcher = itcost::rules::pattern::TextMatch::keywords(&words).unwrap();
    let keywords = std::sync::Arc::new(itcost::rules::keywords::TextKeywords::new([&matcher]));
    for path in files {
        let full = read_ledger(
            &path,
            &ReadOptions {
                lenient: true,
                ..Default::default()
            },
        )
        .unwrap();
        let want = key_sums(&full.frame);
        let want_sig = sig_sums(&full.frame, &keywords);
        assert!(!want_sig.1.is_empty() || !path.ends_with("tricky.csv"));
        for block in [64, 1000, 64 << 10, 32 << 20] {
            let s = itcost::ingest::csv_text::read_summed_blocks(
                &path,
                &Default::default(),
                true,
                false,
                None,
                block,
            )
            .unwrap()
            .unwrap();
            assert_eq!(
                s.sum,
                full.report.sum_ore,
                "{} block {block}: sum",
                path.display()
            );
            assert_eq!(
                s.sums.lines as usize,
                full.report.lines,
                "{} block {block}: lines",
                path.display()
            );
            assert_eq!(
                s.rejects.iter().map(|r| r.line).collect::<Vec<_>>(),
                full.report
                    .rejects
                    .iter()
                    .map(|r| r.line)
                    .collect::<Vec<_>>(),
                "rejected line numbers"
            );
            let months: Vec<i32> = s.sums.periods.keys().copied().collect();
            assert_eq!(months, full.report.months);
            let df = s.sums.finish("f", "m", None).unwrap();
            assert_eq!(
                key_sums(&df),
                want,
                "{} block {block}: sums per key",
                path.display()
            );
            // With a plan: the key holds the text's keyword signature, and the keys with a keyword keep their
            // texts; the sums per (coded values, signature) and per kept text equal the full ledger's.
            let plan = itcost::ingest::ledger::KeyPlan {
                keywords: keywords.clone(),
                keep_texts: Some(std::sync::Arc::new(KeepHits)),
            };
            let s = itcost::ingest::csv_text::read_summed_blocks(
                &path,
                &Default::default(),
                true,
                false,
                Some(&plan),
                block,
            )
            .unwrap()
            .unwrap();
            assert_eq!(s.sum, full.report.sum_ore);
            let df = s.sums.finish("f", "m", None).unwrap();
            assert_eq!(
                sig_sums(&df, &keywords),
                want_sig,
                "{} block {block}: sums per signature",
                path.display()
            );
        }
    }
}

/// The first line of each key (coded values and text) of a summed or full frame.
fn key_firsts(df: &DataFrame) -> BTreeMap<Vec<String>, u32> {
    let keys = [
        "account",
        "account_text",
        "cost_centre",
        "department",
        "project",
        "counterpart",
        "supplier",
        "text",
    ];
    let cols: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            df.column(k)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.unwrap_or("").to_string())
                .collect()
        })
        .collect();
    let line = df.column("line").unwrap().u32().unwrap().clone();
    let mut out = BTreeMap::new();
    for (i, l) in line.iter().enumerate() {
        let k: Vec<String> = cols.iter().map(|c| c[i].clone()).collect();
        let e = out.entry(k).or_insert(u32::MAX);
        *e = (*e).min(l.unwrap());
    }
    out
}

/// Cells the raw-bytes reader must read as the decoding reader does: whitespace and NBSP around values,
/// Swedish letters, Windows-1252 punctuation, empty cells, quotes, amounts with NBSP or bad, dates good and bad.
const CELLS: [&str; 16] = [
    "6412",
    " 6412 ",
    "Datorer",
    "Löner\u{a0}",
    "\u{a0}Åtgärd ",
    "",
    "  ",
    "Summa",
    "\"Atea; AB\"",
    "Tjänst – “IT”",
    "Faktura 17 dator",
    "x\u{b}",
    "€ 5",
    "rad 3",
    "ÿ",
    "1510",
];
const AMOUNTS: [&str; 8] = [
    "1 234,56",
    "-17",
    "1\u{a0}000,5",
    " 12,00 ",
    "#REF!",
    "",
    "3.5",
    "9",
];
const DATES: [&str; 5] = ["2024-03-15", "20241201", "", "2024-13-01", " 2024-02-29"];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
    /// The streaming reader (raw bytes, one probe per line; any line it does not take goes to the general path)
    /// gives the sums, first lines, months, sums per signature and rejects of the whole-file reader, in
    /// Windows-1252 and in UTF-8, at a tiny and a large block size.
    #[test]
    fn raw_byte_reading_equals_the_decoding_reader(
        rows in proptest::collection::vec(
            (proptest::collection::vec(0usize..16, 7), 0usize..8, 0usize..5, 0usize..4),
            1..60,
        ),
        utf8 in proptest::prelude::any::<bool>(),
    ) {
        let mut text = String::from("Konto;Kontotext;Ansvar;Verksamhet;Projekt;Motpart;Leverantör;Text;Datum;Belopp\n");
        for (cells, amount, date, shape) in &rows {
            let c: Vec<&str> = cells.iter().map(|&i| CELLS[i]).collect();
            let line = format!(
                "{};{};{};{};{};{};{};{};{};{}",
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[0].trim().to_string() + c[1],
                DATES[*date], AMOUNTS[*amount]
            );
            match shape {
                0 => text.push_str(&format!("{line}\r\n")),
                1 => text.push_str(&format!("{line};\n")),
                2 => text.push('\n'),
                _ => text.push_str(&format!("{line}\n")),
            }
        }
        let dir = temp_dir();
        let path = dir.path().join("l.csv");
        let bytes = if utf8 {
            text.clone().into_bytes()
        } else {
            encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
        };
        std::fs::write(&path, bytes).unwrap();
        let Ok(full) = read_ledger(&path, &ReadOptions { lenient: true, ..Default::default() }) else {
            // The whole-file reader refuses it (no body line it can read): so must the streaming one.
            let s = itcost::ingest::csv_text::read_summed_blocks(&path, &Default::default(), true, false, None, 64);
            proptest::prop_assert!(s.is_err() || s.unwrap().is_none_or(|s| s.sums.lines == 0));
            return Ok(());
        };
        let words: Vec<String> = ["rad 3", "dator", "it", "löner"].iter().map(|w| w.to_string()).collect();
        let matcher = itcost::rules::pattern::TextMatch::keywords(&words).unwrap();
        let keywords = std::sync::Arc::new(itcost::rules::keywords::TextKeywords::new([&matcher]));
        let plan = itcost::ingest::ledger::KeyPlan { keywords: keywords.clone(), keep_texts: Some(std::sync::Arc::new(KeepHits)) };
        for block in [64, 32 << 20] {
            let s = itcost::ingest::csv_text::read_summed_blocks(&path, &Default::default(), true, false, None, block)
                .unwrap()
                .unwrap();
            proptest::prop_assert_eq!(s.sum, full.report.sum_ore);
            proptest::prop_assert_eq!(s.sums.lines as usize, full.report.lines);
            proptest::prop_assert_eq!(
                s.rejects.iter().map(|r| (r.line, r.reason.clone())).collect::<Vec<_>>(),
                full.report.rejects.iter().map(|r| (r.line, r.reason.clone())).collect::<Vec<_>>()
            );
            let months: Vec<i32> = s.sums.periods.keys().copied().collect();
            proptest::prop_assert_eq!(&months, &full.report.months);
            let df = s.sums.finish("f", "m", None).unwrap();
            proptest::prop_assert_eq!(key_sums(&df), key_sums(&full.frame));
            proptest::prop_assert_eq!(key_firsts(&df), key_firsts(&full.frame));
            let s = itcost::ingest::csv_text::read_summed_blocks(&path, &Default::default(), true, false, Some(&plan), block)
                .unwrap()
                .unwrap();
            let df = s.sums.finish("f", "m", None).unwrap();
            proptest::prop_assert_eq!(sig_sums(&df, &keywords), sig_sums(&full.frame, &keywords));
        }
    }
}
