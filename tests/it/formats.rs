//! Each encoding, delimiter, number and date format of the CSV reader, on small real-shaped exports.

use crate::util::temp_dir;
use itcost::ingest::columns::Field;
use itcost::ingest::detect::Encoding;
use itcost::ingest::{read_ledger, ReadOptions};
use polars::prelude::*;
use std::collections::BTreeMap;

fn read(
    bytes: &[u8],
    name: &str,
    columns: BTreeMap<Field, String>,
) -> itcost::error::Result<itcost::ingest::Ingested> {
    let dir = temp_dir();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    read_ledger(
        &p,
        &ReadOptions {
            columns,
            ..Default::default()
        },
    )
}

fn col_str(df: &DataFrame, c: &str) -> Vec<String> {
    df.column(c)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.unwrap_or("").to_string())
        .collect()
}

fn amounts(df: &DataFrame) -> Vec<i64> {
    df.column("amount_ore")
        .unwrap()
        .i64()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect()
}

#[test]
fn raindance_windows_1252_semicolon_with_title_rows() {
    let text = "Huvudbok Exempel kommun\r\nUtskriven 2025-01-10\r\n\r\nKonto;Kontotext;Ansvar;Leverantör;Bokföringsdatum;Belopp\r\n\
                6412;Datorer;1510;Dustin Sverige AB;2024-03-15;-1 234 567,89\r\n6811;Telefoni;2000;Telia;20240401;12,5\r\n";
    let bytes = encoding_rs::WINDOWS_1252.encode(text).0.into_owned();
    let ing = read(&bytes, "rd.csv", BTreeMap::new()).unwrap();
    assert_eq!(
        ing.report.layout.as_ref().unwrap().encoding,
        Encoding::Windows1252
    );
    assert_eq!(ing.report.layout.as_ref().unwrap().delimiter, ";");
    assert_eq!(ing.report.layout.as_ref().unwrap().header_line, 4);
    assert_eq!(amounts(&ing.frame), vec![-123456789, 1250]);
    assert_eq!(col_str(&ing.frame, "supplier")[0], "Dustin Sverige AB");
    assert_eq!(ing.report.months, vec![202403, 202404]);
    assert_eq!(ing.report.year, Some(2024));
    assert_eq!(ing.report.sum_ore, -123456789 + 1250);
    let lines: Vec<u32> = ing
        .frame
        .column("line")
        .unwrap()
        .u32()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    assert_eq!(lines, vec![5, 6]);
}

#[test]
fn unit4_utf8_bom_comma_with_quotes_and_periods() {
    let text = "\u{feff}Account,Account text,Cost centre,Period,Description,Amount\n\
                7412,IT-tjänster,1510,202401,\"Drift, januari\",1234.56\n5011,Månadsavlönade,3000,2024-02,Lön,\"1,000.00\"\n";
    let ing = read(text.as_bytes(), "u4.csv", BTreeMap::new()).unwrap();
    assert_eq!(
        ing.report.layout.as_ref().unwrap().encoding,
        Encoding::Utf8Bom
    );
    assert_eq!(ing.report.layout.as_ref().unwrap().delimiter, ",");
    assert_eq!(
        col_str(&ing.frame, "account_text"),
        vec!["IT-tjänster", "Månadsavlönade"]
    );
    assert_eq!(col_str(&ing.frame, "text")[0], "Drift, januari");
    assert_eq!(amounts(&ing.frame), vec![123456, 100000]);
    assert_eq!(ing.report.months, vec![202401, 202402]);
}

#[test]
fn debet_kredit_with_nbsp_thousands() {
    let text = "Kst;Konto;Datum;Debet;Kredit\n100;6412;20240105;1\u{a0}000,50;\n100;3411;20240106;;2\u{a0}500,00\n";
    let ing = read(text.as_bytes(), "dk.csv", BTreeMap::new()).unwrap();
    assert_eq!(ing.report.layout.as_ref().unwrap().encoding, Encoding::Utf8);
    assert_eq!(amounts(&ing.frame), vec![100050, -250000]);
    assert_eq!(col_str(&ing.frame, "cost_centre"), vec!["100", "100"]);
}

#[test]
fn tab_delimited_with_explicit_mapping() {
    let text = "Ansvarsenhet\tKonto\tUtfall\tFritext\nK310\t6412\t100,00\tDatorer\n";
    let mut map = BTreeMap::new();
    map.insert(Field::CostCentre, "Ansvarsenhet".to_string());
    map.insert(Field::Amount, "Utfall".to_string());
    map.insert(Field::Text, "Fritext".to_string());
    let ing = read(text.as_bytes(), "t.tsv", map.clone()).unwrap();
    assert_eq!(ing.report.layout.as_ref().unwrap().delimiter, "TAB");
    assert_eq!(col_str(&ing.frame, "cost_centre"), vec!["K310"]);
    assert_eq!(col_str(&ing.frame, "text"), vec!["Datorer"]);
    assert_eq!(amounts(&ing.frame), vec![10000]);
    // Without the mapping the same columns are recognised by their Swedish names (issue 14).
    let plain = read(text.as_bytes(), "t.tsv", BTreeMap::new()).unwrap();
    assert_eq!(col_str(&plain.frame, "cost_centre"), vec!["K310"]);
    assert_eq!(amounts(&plain.frame), vec![10000]);
    // A mapping naming a column that is not there is refused with the header's names.
    map.insert(Field::Supplier, "Leverantörsnamn".to_string());
    let err = read(text.as_bytes(), "t.tsv", map).err().unwrap();
    assert!(
        err.message
            .contains(":1: the column mapping (--column or [municipality.columns]) names supplier='Leverantörsnamn'"),
        "{}",
        err.message
    );
}

#[test]
fn trailing_delimiters_blank_lines_and_utf16() {
    let text = "Konto;Belopp\n6412;1;\n\n6413;2;\n";
    let ing = read(text.as_bytes(), "x.csv", BTreeMap::new()).unwrap();
    assert_eq!(amounts(&ing.frame), vec![100, 200]);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "Konto\tBelopp\n6412\t3,5\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let ing = read(&utf16, "w.txt", BTreeMap::new()).unwrap();
    assert_eq!(
        ing.report.layout.as_ref().unwrap().encoding,
        Encoding::Utf16
    );
    assert_eq!(amounts(&ing.frame), vec![350]);
}

#[test]
fn wrong_field_count_and_bad_dates_are_refused_with_their_line() {
    let err = read(
        b"Konto;Ansvar;Belopp\n6412;100;1\n6412;2\n",
        "f.csv",
        BTreeMap::new(),
    )
    .err()
    .unwrap();
    assert!(
        err.message
            .ends_with("f.csv:3: expected 3 fields as in the header (line 1), found 2"),
        "{}",
        err.message
    );
    let err = read(
        b"Konto;Datum;Belopp\n6412;2024-02-30;1\n",
        "d.csv",
        BTreeMap::new(),
    )
    .err()
    .unwrap();
    assert!(err.message.ends_with("d.csv:2: column 'Datum': expected a date like 2024-03-15 or 20240315, found '2024-02-30'"), "{}", err.message);
    let err = read(b"Konto;Belopp\n6412;1,234\n", "a.csv", BTreeMap::new())
        .err()
        .unwrap();
    assert!(
        err.message
            .contains("a.csv:2: column 'Belopp': amount '1,234' has more than two decimals"),
        "{}",
        err.message
    );
    let err = read(b"Konto;Belopp\n6412;\n", "e.csv", BTreeMap::new())
        .err()
        .unwrap();
    assert!(
        err.message
            .ends_with("e.csv:2: column 'Belopp': expected an amount, found an empty field"),
        "{}",
        err.message
    );
}
