//! The column names Swedish exports use, and what itcost says when it cannot tell: no header recognised (the
//! line it saw, the closest names per required field), a mapped column not in the file (the file's headers), two
//! columns that could both be the amount (both named, never a silent pick).

use crate::util::{itcost, temp_dir};

fn write(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn a_raindance_style_export_is_read_without_any_mapping() {
    let tmp = temp_dir();
    let p = write(
        tmp.path(),
        "raindance.csv",
        "Ansvarsenhet;Konto;Kontobenämning;Motpartskod;Leverantörsnamn;Fritext;Bokf.datum;Utfall period\n\
         1510;6412;Datorer;;Atea Sverige AB;Bärbara datorer;2024-03-01;1000,50\n\
         3000;5011;Löner;;;Lön;2024-03-25;2000,00\n",
    );
    let out = itcost()
        .args(["run", "--json", "--central-it", "1510"])
        .arg(&p)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let m = &v["municipalities"][0];
    assert_eq!(m["central_it_cost"].as_f64(), Some(1000.50), "{m}");
    assert_eq!(m["total_cost"].as_f64(), Some(3000.50), "{m}");
}

#[test]
fn no_header_shows_the_line_seen_and_the_closest_names() {
    let tmp = temp_dir();
    let p = write(
        tmp.path(),
        "odd.csv",
        "Rapport 2024\nKto;Ansv;Utfal;Beskr\n6412;1510;100,00;Datorer\n",
    );
    let out = itcost()
        .args(["run", "--central-it", "1510"])
        .arg(&p)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("no header row recognised"), "{err}");
    assert!(
        err.contains("line 2: 'Kto', 'Ansv', 'Utfal', 'Beskr'"),
        "{err}"
    );
    assert!(
        err.contains("account (Konto/Account): closest 'Kto'"),
        "{err}"
    );
    assert!(err.contains("closest 'Utfal'"), "{err}");
    assert!(err.contains("--column amount=\"Utfal\""), "{err}");
}

#[test]
fn a_mapped_column_not_in_the_file_is_named_with_the_files_headers() {
    let tmp = temp_dir();
    let p = write(
        tmp.path(),
        "f.tsv",
        "Ansvarsenhet\tKonto\tUtfall\n1510\t6412\t100,00\n",
    );
    let out = itcost()
        .args(["run", "--central-it", "1510", "--column", "amount=Utfal"])
        .arg(&p)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("amount='Utfal'"), "{err}");
    assert!(err.contains("has no such column"), "{err}");
    assert!(
        err.contains("the file's headers are: 'Ansvarsenhet', 'Konto', 'Utfall'"),
        "{err}"
    );
    assert!(err.contains("did you mean 'Utfall'"), "{err}");
}

#[test]
fn two_possible_amount_columns_are_an_error_naming_both() {
    let tmp = temp_dir();
    let p = write(
        tmp.path(),
        "two.csv",
        "Konto;Ansvar;Utfall period;Utfall ack\n6412;1510;100,00;1200,00\n",
    );
    let out = itcost()
        .args(["run", "--central-it", "1510"])
        .arg(&p)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("2 columns could be the amount: 'Utfall period' and 'Utfall ack'"),
        "{err}"
    );
    assert!(err.contains("never picks one silently"), "{err}");
    // Saying which one reads the file.
    let out = itcost()
        .args(["run", "--json", "--central-it", "1510"])
        .args(["--column", "amount=Utfall period"])
        .arg(&p)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        v["municipalities"][0]["central_it_cost"].as_f64(),
        Some(100.0)
    );
}
