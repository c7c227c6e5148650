//! The real binary on the bundled samples and on small fixtures: terminal output, JSON contract, output files,
//! error messages and exit codes.

use crate::util::{assert_golden, dalsland_config, itcost, root, temp_dir};
use polars::prelude::*;

#[test]
fn run_prints_the_dalsland_table() {
    let out = itcost()
        .args(["run", "--config"])
        .arg(dalsland_config())
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for needle in [
        "Bengtsfors           12 496 743      688 000 000   1.82 %",
        "Mellerud             12 536 252      720 000 000   1.74 %",
        "Åmål                 12 531 000      998 000 000   1.26 %",
        "Färgelanda            8 376 000      519 350 000   1.61 %",
        "73 133 750   27 193 755 (+59 %)",
        "14287 of 14287 lines OK",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn json_carries_the_contract_fields() {
    let out = itcost()
        .args(["run", "--json", "--config"])
        .arg(dalsland_config())
        .assert()
        .success();
    let v: serde_json::Value =
        serde_json::from_slice(&out.get_output().stdout).expect("valid JSON");
    assert_eq!(v["schema"], "itcost.summary/1");
    assert_eq!(v["denominator"], "net_cost");
    let m = &v["municipalities"][0];
    for field in [
        "name",
        "year",
        "lines",
        "total_cost",
        "net_cost",
        "central_it_cost",
        "central_it_share",
        "outside_it_cost",
        "it_cost",
        "it_share",
        "internal_eliminated",
        "unclassified_it_suspect",
        "pools",
        "months",
        "conservation",
        "denominator",
    ] {
        assert!(!m[field].is_null(), "municipalities[0].{field} missing");
    }
    assert_eq!(m["name"], "Bengtsfors");
    assert_eq!(m["central_it_cost"], 12496743.0);
    assert_eq!(m["net_cost"], 688000000.0);
    assert_eq!(m["denominator"], "net_cost");
    assert_eq!(m["months"].as_array().unwrap().len(), 12);
    assert_eq!(
        m["conservation"]["input_sum"],
        m["conservation"]["accounted_sum"]
    );
    assert!(m["pools"]["Software"]["central"].as_f64().unwrap() > 0.0);
    assert!(m["pools"]["Software"]["outside"].as_f64().unwrap() > 0.0);
    let b = &v["benchmark"];
    assert_eq!(b["target_share"], 0.025);
    assert_eq!(b["cost_to_target"]["Åmål"], 12419000.0);
    assert_eq!(b["total"]["cost_to_target"], 27193755.0);
    assert_eq!(b["n"], 4);
    assert!(b["median_share"].as_f64().is_some() && b["references"].as_array().unwrap().len() == 2);
}

#[test]
fn out_dir_files_match_the_golden_copies() {
    let dir = temp_dir();
    itcost()
        .args(["run", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    for f in ["benchmark.csv", "pools.csv"] {
        assert_golden(&dir.path().join(f));
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(
        summary["municipalities"].as_array().unwrap().len(),
        5,
        "four municipalities for 2024 and Mellerud 2023"
    );
    // The classified ledger holds every input line, with its place and the rule that decided it.
    let f = std::fs::File::open(dir.path().join("classified.parquet")).unwrap();
    let df = ParquetReader::new(f).finish().unwrap();
    let lines: u64 = summary["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["lines"].as_u64().unwrap())
        .sum();
    assert_eq!(df.height() as u64, lines);
    for c in [
        "scope",
        "pool",
        "sub_pool",
        "tower",
        "rule_id",
        "kind",
        "amount_ore",
        "file",
        "line",
    ] {
        assert!(df.column(c).is_ok(), "classified.parquet lacks {c}");
    }
    assert_eq!(
        df.column("rule_id").unwrap().null_count(),
        0,
        "every line carries a rule id"
    );
    let sum: i64 = df
        .column("amount_ore")
        .unwrap()
        .i64()
        .unwrap()
        .sum()
        .unwrap();
    let input: f64 = summary["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["conservation"]["input_sum"].as_f64().unwrap())
        .sum();
    assert_eq!(sum, (input * 100.0).round() as i64);
    assert!(!dir.path().join(".summary.json.itcost-tmp").exists());
}

#[test]
fn single_ledger_with_central_it_flag() {
    let ledger = root().join("sample-ledgers/mellerud-2024.csv");
    let out = itcost()
        .arg("run")
        .arg(&ledger)
        .args(["--central-it", "1510,1511", "--json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let m = &v["municipalities"][0];
    assert_eq!(m["name"], "mellerud-2024");
    assert_eq!(m["year"], 2024);
    assert_eq!(m["central_it_cost"], 12536252.0);
    assert_eq!(m["denominator"], "total_cost");
    assert_eq!(m["total_cost"], 871200000.0);
}

#[test]
fn inspect_shows_what_was_read() {
    let ledger = root().join("sample-ledgers/bengtsfors-2024.csv");
    let out = itcost().arg("inspect").arg(&ledger).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("Windows-1252, delimiter ;, header on line 4"),
        "{text}"
    );
    assert!(text.contains("cost_centre ← 'Ansvar'"), "{text}");
    assert!(text.contains("lines       14287"), "{text}");
    assert!(text.contains("months      12 (2024-01"), "{text}");
    let out = itcost()
        .arg("inspect")
        .arg(&ledger)
        .arg("--json")
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v[0]["layout"]["encoding"], "Windows-1252");
    assert_eq!(v[0]["format"], "delimited_text");
    assert_eq!(v[0]["lines"], 14287);
    let accounts = v[0]["accounts"].as_array().unwrap();
    let total: f64 = accounts.iter().map(|a| a["amount"].as_f64().unwrap()).sum();
    assert!((total - v[0]["sum"].as_f64().unwrap()).abs() < 0.005);
}

#[test]
fn bad_amount_names_file_line_and_column() {
    let dir = temp_dir();
    let p = dir.path().join("bad.csv");
    std::fs::write(
        &p,
        "Konto;Ansvar;Belopp\n6412;100;1 000,00\n6412;100;#REF!\n",
    )
    .unwrap();
    let out = itcost()
        .arg("run")
        .arg(&p)
        .args(["--central-it", "100"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert_eq!(
        err.trim(),
        format!(
            "itcost: {}:3: column 'Belopp': expected an amount like -1 234,56, found '#REF!'",
            p.display()
        )
    );
}

#[test]
fn missing_header_is_explained() {
    let dir = temp_dir();
    let p = dir.path().join("noheader.csv");
    std::fs::write(&p, "a;b;c\n1;2;3\n").unwrap();
    let out = itcost().arg("inspect").arg(&p).assert().code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("expected a header row naming at least an account column"),
        "{err}"
    );
}

#[test]
fn missing_file_is_an_io_error() {
    let out = itcost()
        .args(["run", "/nonexistent/ledger.csv", "--central-it", "1"])
        .assert()
        .code(4);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.starts_with("itcost: /nonexistent/ledger.csv: "),
        "{err}"
    );
}

#[test]
fn check_accepts_the_shipped_rules() {
    itcost().arg("check").assert().success();
    itcost()
        .arg("check")
        .arg(root().join("rules/bas.toml"))
        .assert()
        .success();
    itcost()
        .args(["check", "--config"])
        .arg(dalsland_config())
        .assert()
        .success();
}

#[test]
fn readme_walkthrough_is_real_output() {
    // Every line of the README's walk-through that is not abbreviated (…) appears verbatim in the real output.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("```text\nitcost — mellerud-2024")
        .expect("walk-through block");
    let block = &readme[start + 8..];
    let block = &block[..block.find("```").unwrap()];
    let out = itcost()
        .current_dir(root())
        .args([
            "run",
            "sample-ledgers/mellerud-2024.csv",
            "--central-it",
            "1510,1511",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let mut checked = 0;
    for line in block
        .lines()
        .filter(|l| !l.contains('…') && !l.trim().is_empty())
    {
        assert!(
            text.lines().any(|t| t == line),
            "README line not in the output: {line:?}\n{text}"
        );
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} lines checked");
}

#[test]
fn one_municipality_over_several_years() {
    let dir = temp_dir();
    let ledger = root().join("sample-ledgers/mellerud-2024.csv");
    let cfg = dir.path().join("years.toml");
    std::fs::write(
        &cfg,
        format!(
            "target_share = \"2.5%\"\nlenient = true\n[[municipality]]\nname = \"Mellerud\"\nyear = 2023\nledgers = [{l:?}]\ncentral_it = [\"1510\", \"1511\"]\n\
             [[municipality]]\nname = \"Mellerud\"\nyear = 2024\nledgers = [{l:?}]\ncentral_it = [\"1510\"]\n",
            l = ledger.display().to_string()
        ),
    )
    .unwrap();
    let out = itcost()
        .args(["run", "--json", "--config"])
        .arg(&cfg)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let ms = v["municipalities"].as_array().unwrap();
    assert_eq!(ms.len(), 2);
    assert_eq!(
        (ms[0]["year"].as_i64(), ms[1]["year"].as_i64()),
        (Some(2023), Some(2024))
    );
    assert_eq!(ms[0]["central_it_cost"], 12536252.0);
    assert!(
        ms[1]["central_it_cost"].as_f64().unwrap() < 12536252.0,
        "each year keeps its own central IT list"
    );
    assert_eq!(ms[0]["lines"], ms[1]["lines"]);
    assert!(v["benchmark"]["cost_to_target"]["Mellerud 2023"].is_number());
    assert!(v["benchmark"]["cost_to_target"]["Mellerud 2024"].is_number());
    // The same name twice without years cannot be told apart.
    std::fs::write(&cfg, format!("[[municipality]]\nname = \"M\"\nledgers = [{l:?}]\n[[municipality]]\nname = \"M\"\nledgers = [{l:?}]\n", l = ledger.display().to_string())).unwrap();
    let out = itcost()
        .args(["run", "--config"])
        .arg(&cfg)
        .assert()
        .code(3);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("give each entry its year"));
}

#[test]
fn explain_names_the_deciding_rule_and_the_shadowed_ones() {
    let out = itcost()
        .args([
            "explain",
            "--account",
            "6412",
            "--account-text",
            "Datorer och kringutrustning",
            "--cost-centre",
            "3000",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("decided by  rule 'kb64-hardware' (line "),
        "{text}"
    );
    assert!(
        text.contains(
            "place outside_it · pool Hardware · sub-pool expense · tower End User · IT rule: yes"
        ),
        "{text}"
    );
    assert!(text.contains("also match  'kb64-66-other'"), "{text}");
    let out = itcost()
        .current_dir(root())
        .args([
            "explain",
            "sample-ledgers/mellerud-2024.csv",
            "--line",
            "2",
            "--central-it",
            "1510,1511",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("line        sample-ledgers/mellerud-2024.csv:2, amount "),
        "{text}"
    );
    itcost()
        .current_dir(root())
        .args(["explain", "sample-ledgers/mellerud-2024.csv", "--line", "1"])
        .assert()
        .code(2);
}

#[test]
fn a_central_it_code_that_occurs_nowhere_is_refused_or_with_lenient_flagged() {
    itcost()
        .current_dir(root())
        .args([
            "run",
            "sample-ledgers/mellerud-2024.csv",
            "--central-it",
            "1510,9999",
        ])
        .assert()
        .code(3)
        .stderr(predicates::str::starts_with(
            "itcost: mellerud-2024: central IT cost centre '9999' matches no line of its ledgers (cost centres read from column 'Cost centre' of mellerud-2024.csv: 35 distinct)",
        ));
    let out = itcost()
        .current_dir(root())
        .args([
            "run",
            "sample-ledgers/mellerud-2024.csv",
            "--central-it",
            "1510,9999",
            "--json",
            "--lenient",
        ])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("itcost: warning: mellerud-2024: central IT cost centre '9999' matches no line of its ledgers"), "{err}");
    assert!(!err.contains("'1510' matches no line"), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(
        v["municipalities"][0]["warnings"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn lenient_sets_unreadable_lines_aside_in_rejects_csv() {
    let dir = temp_dir();
    let p = dir.path().join("messy.csv");
    std::fs::write(
        &p,
        "Konto;Ansvar;Datum;Belopp\n6412;100;2024-01-05;1 000,00\n6412;100;2024-02-30;250,00\n6811;100;2024-01-07;#REF!\n6811;100\n5011;1510;2024-01-09;500,00\n",
    )
    .unwrap();
    // Strict (default): the first unreadable line stops the run.
    let out = itcost()
        .arg("run")
        .arg(&p)
        .args(["--central-it", "1510"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("messy.csv:3: column 'Datum': expected a date like 2024-03-15 or 20240315, found '2024-02-30'"), "{err}");
    // Lenient: the run goes on; every rejected line is in rejects.csv with file, line, raw text and reason.
    let out_dir = dir.path().join("out");
    let out = itcost()
        .arg("run")
        .arg(&p)
        .args(["--central-it", "1510", "--lenient", "--json", "--out"])
        .arg(&out_dir)
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let c = &v["municipalities"][0]["conservation"];
    assert_eq!(c["input_sum"], 1500.0);
    assert_eq!(c["rejected_lines"], 3);
    assert_eq!(c["rejected_amount"], 250.0);
    assert_eq!(c["rejected_without_amount"], 2);
    let rejects = std::fs::read_to_string(out_dir.join("rejects.csv")).unwrap();
    let lines: Vec<&str> = rejects.lines().collect();
    assert_eq!(lines[0], "file,line,raw,reason,amount");
    assert_eq!(lines.len(), 4);
    assert!(lines[1].ends_with(",3,\"6412;100;2024-02-30;250,00\",\"column 'Datum': expected a date like 2024-03-15 or 20240315, found '2024-02-30'\",250.00"), "{}", lines[1]);
    assert!(
        lines[3]
            .ends_with(",5,\"6811;100\",\"expected 4 fields as in the header (line 1), found 2\","),
        "{}",
        lines[3]
    );
}

#[test]
fn the_same_ledger_twice_or_overlapping_months_are_refused() {
    let dir = temp_dir();
    let a = dir.path().join("jan.csv");
    let b = dir.path().join("jan-again.csv");
    let text = "Konto;Ansvar;Verifikation;Datum;Belopp\n6412;100;V1;2024-01-05;100,00\n";
    std::fs::write(&a, text).unwrap();
    std::fs::write(&b, text).unwrap();
    let out = itcost()
        .arg("run")
        .arg(&a)
        .arg(&b)
        .args(["--central-it", "100"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("are the same ledger (identical content): it would be counted twice"),
        "{err}"
    );
    let c = dir.path().join("jan-other.csv");
    std::fs::write(
        &c,
        "Konto;Ansvar;Verifikation;Datum;Belopp\n6413;100;V1;2024-01-09;50,00\n",
    )
    .unwrap();
    let out = itcost()
        .arg("run")
        .arg(&a)
        .arg(&c)
        .args(["--central-it", "100"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("both hold 2024-01: overlapping periods would count money twice"),
        "{err}"
    );
    let out = itcost()
        .arg("run")
        .arg(&a)
        .arg(&c)
        .args(["--central-it", "100", "--lenient"])
        .assert()
        .success();
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("1 voucher(s) appear in both"), "{err}");
}

#[test]
fn check_reads_the_ledgers_and_reports_every_problem_at_once() {
    let dir = temp_dir();
    let ledger = dir.path().join("h.csv");
    std::fs::write(
        &ledger,
        "Konto;Ansvar;Datum;Belopp\n6412;100;2024-01-05;100,00\n6412;100;2024-13-01;1,00\n",
    )
    .unwrap();
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "[[municipality]]\nname = \"X\"\nyear = 2024\nledgers = [\"h.csv\"]\ncentral_it = [\"1510\"]\n").unwrap();
    let out = itcost()
        .args(["check", "--config"])
        .arg(&cfg)
        .assert()
        .code(3);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("3 problems:"), "{err}");
    assert!(err.contains("h.csv:3: column 'Datum': expected a date like 2024-03-15 or 20240315, found '2024-13-01'"), "{err}");
    assert!(
        err.contains("X: central IT cost centre '1510' matches no line of its ledgers (cost centres read from column 'Ansvar' of h.csv: 1 distinct); the closest that exist: 100"),
        "{err}"
    );
    assert!(
        err.contains("municipality 'X': months missing from the ledger: 2024-02, 2024-03"),
        "{err}"
    );
}
