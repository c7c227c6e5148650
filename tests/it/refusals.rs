//! Never a confident wrong number (issue 12): settings and inputs that cannot be right are refused with the exact
//! message, or, with `--lenient`, said where the number stands.

use crate::util::{itcost, root, temp_dir};
use std::path::PathBuf;

fn dir() -> PathBuf {
    root().join("tests/bad_input")
}

/// Runs itcost in tests/bad_input with `args`; checks the exit code and returns stdout and stderr.
fn run_in(cwd: &std::path::Path, args: &[&str], code: i32) -> (String, String) {
    let out = itcost().current_dir(cwd).args(args).assert().code(code);
    let o = out.get_output();
    (
        String::from_utf8_lossy(&o.stdout).to_string(),
        String::from_utf8_lossy(&o.stderr).to_string(),
    )
}

const CORRECT: &str = "correct the central IT cost centres (--central-it, or central_it in the config), or run with --lenient to go on with a warning";

#[test]
fn a_central_it_code_that_matches_no_line_is_refused_naming_the_closest_codes_and_the_column() {
    let (_, err) = run_in(
        &dir(),
        &["run", "central-it.csv", "--central-it", "1401"],
        3,
    );
    assert_eq!(
        err.trim_end(),
        format!(
            "itcost: central-it: central IT cost centre '1401' matches no line of its ledgers (cost centres read from \
             column 'Ansvar' of central-it.csv: 4 distinct); the closest that exist: 1410, 1411, 4100\n{CORRECT}"
        )
    );
    // A prefix and a range are checked alike, and every problem is named at once.
    let (_, err) = run_in(
        &dir(),
        &[
            "run",
            "central-it.csv",
            "--central-it",
            "1410,19*,3000-3099",
        ],
        3,
    );
    assert_eq!(
        err.trim_end(),
        format!(
            "itcost: central-it: central IT cost centre '19*' matches no line of its ledgers (cost centres read from \
             column 'Ansvar' of central-it.csv: 4 distinct); the closest that exist: 1410, 1411, 2300\n\
             itcost: central-it: central IT cost centre '3000-3099' matches no line of its ledgers (cost centres read \
             from column 'Ansvar' of central-it.csv: 4 distinct); the closest that exist: 2300, 4100, 1410\n{CORRECT}"
        )
        .replace("\nitcost: central-it", "\ncentral-it")
    );
}

#[test]
fn no_recognised_cost_centre_column_is_said_with_the_columns_not_used() {
    let (_, err) = run_in(
        &dir(),
        &["run", "no-cost-centre.csv", "--central-it", "1410"],
        3,
    );
    assert_eq!(
        err.trim_end(),
        format!(
            "itcost: no-cost-centre: central IT cost centre '1410' matches no line of its ledgers: no cost-centre \
             column was recognised in no-cost-centre.csv (columns not used: Organisationsdel); name it with --column \
             cost_centre=HEADER (in a config: columns = {{ cost_centre = \"HEADER\" }})\n{CORRECT}"
        )
    );
    // The suggested mapping works.
    let (out, _) = run_in(
        &dir(),
        &[
            "run",
            "no-cost-centre.csv",
            "--central-it",
            "1410",
            "--column",
            "cost_centre=Organisationsdel",
        ],
        0,
    );
    assert!(out.contains("Central IT cost (1410)"), "{out}");
}

#[test]
fn space_separated_codes_are_split_and_a_shell_expanded_glob_is_explained() {
    let (out, _) = run_in(
        &dir(),
        &["run", "central-it.csv", "--central-it", "1410 1411"],
        0,
    );
    assert!(
        out.contains("Central IT cost (1410, 1411)")
            && out.contains("8 000 kr  88.89 % of total cost"),
        "{out}"
    );
    // `--central-it 15*` unquoted in a folder holding 15-jan.csv and 15-feb.csv: the shell passes file names.
    let tmp = temp_dir();
    let ledger = tmp.path().join("ledger.csv");
    std::fs::copy(dir().join("central-it.csv"), &ledger).unwrap();
    for f in ["15-jan.csv", "15-feb.csv"] {
        std::fs::write(tmp.path().join(f), "x").unwrap();
    }
    let (_, err) = run_in(
        tmp.path(),
        &[
            "run",
            "ledger.csv",
            "--central-it",
            "15-feb.csv",
            "15-jan.csv",
        ],
        64,
    );
    assert_eq!(
        err.trim_end(),
        "itcost: --central-it '15-feb.csv' is a file name, not a cost centre: the shell expanded an unquoted pattern \
         such as 15* into the names of the files in this folder (and any further names became ledgers); quote the \
         pattern: --central-it '15*'"
    );
}

#[test]
fn lenient_turns_the_refusal_into_a_warning_in_the_summary_in_the_readers_language() {
    let tmp = temp_dir();
    let sv = tmp.path().join("sv.html");
    let en = tmp.path().join("en.html");
    let (out, err) = run_in(
        &dir(),
        &[
            "run",
            "central-it.csv",
            "--central-it",
            "1401",
            "--lenient",
            "--html",
            sv.to_str().unwrap(),
        ],
        0,
    );
    let en_text = "central-it: central IT cost centre '1401' matches no line of its ledgers (cost centres read from \
                   column 'Ansvar' of central-it.csv: 4 distinct); the closest that exist: 1410, 1411, 4100";
    assert!(
        err.contains(&format!("itcost: warning: {en_text}")),
        "{err}"
    );
    assert!(out.contains(&format!("  ! {en_text}")), "{out}");
    let html = std::fs::read_to_string(&sv).unwrap();
    assert!(
        !html.contains("matches no line"),
        "the Swedish report carries the warning in Swedish only (summary and data-quality table)"
    );
    let summary = &html[html.find(r#"<section id="summary">"#).unwrap()..];
    let summary = &summary[..summary.find("</section>").unwrap()];
    assert!(
        summary.contains(
            "central-it: central IT-kostnadsstället '1401' finns inte på någon rad i huvudboken \
             (kostnadsställen lästa ur kolumnen 'Ansvar' i central-it.csv: 4 olika); närmast av dem som finns: \
             1410, 1411, 4100"
        ),
        "{summary}"
    );
    run_in(
        &dir(),
        &[
            "run",
            "central-it.csv",
            "--central-it",
            "1401",
            "--lenient",
            "--lang",
            "en",
            "--html",
            en.to_str().unwrap(),
        ],
        0,
    );
    let html = std::fs::read_to_string(&en).unwrap();
    assert!(
        html.contains(en_text),
        "the English report carries the English notice"
    );
}

#[test]
fn check_config_names_a_central_it_code_that_matches_nothing() {
    let tmp = temp_dir();
    std::fs::copy(dir().join("central-it.csv"), tmp.path().join("b.csv")).unwrap();
    let cfg = tmp.path().join("run.toml");
    std::fs::write(
        &cfg,
        "[[municipality]]\nname = \"B\"\nledgers = [\"b.csv\"]\ncentral_it = [\"1401\"]\n",
    )
    .unwrap();
    let (_, err) = run_in(tmp.path(), &["check", "--config", "run.toml"], 3);
    assert!(
        err.contains("B: central IT cost centre '1401' matches no line of its ledgers (cost centres read from column 'Ansvar' of b.csv: 4 distinct); the closest that exist: 1410, 1411, 4100"),
        "{err}"
    );
}

#[test]
fn a_header_only_export_is_refused_naming_the_header_line() {
    let (_, err) = run_in(
        &dir(),
        &["run", "header-only.csv", "--central-it", "1510"],
        2,
    );
    assert_eq!(
        err.trim_end(),
        "itcost: header-only.csv: no ledger lines after the header on line 3"
    );
}

#[test]
fn a_ledger_without_dates_tells_one_story_everywhere() {
    let tmp = temp_dir();
    for year in [None, Some("2024")] {
        let html = tmp.path().join("r.html");
        let mut args = vec![
            "run",
            "undated.csv",
            "--central-it",
            "1510",
            "--html",
            html.to_str().unwrap(),
        ];
        args.extend(year.iter().flat_map(|y| ["--year", *y]));
        let (out, _) = run_in(&dir(), &args, 0);
        let head = format!(
            "undated {} — 3 lines, no dates in this ledger; treated as one year, undated.csv",
            year.unwrap_or("year unknown")
        );
        assert!(out.contains(&head), "{out}");
        assert!(!out.contains("month"), "{out}");
        let html = std::fs::read_to_string(&html).unwrap();
        let quality = &html[html.find(r#"<section id="quality">"#).unwrap()..];
        let quality = &quality[..quality.find("</section>").unwrap()];
        assert!(
            quality.contains("undated: inga datum i huvudboken; behandlas som ett år"),
            "{quality}"
        );
        assert!(!quality.contains("saknas"), "{quality}");
        assert!(!quality.contains("2024-01"), "{quality}");
        args.retain(|a| !a.ends_with("r.html") && *a != "--html");
        args.push("--json");
        let (json, _) = run_in(&dir(), &args, 0);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let m = &v["municipalities"][0];
        assert_eq!(
            m["months_note"],
            "no dates in this ledger; treated as one year"
        );
        assert_eq!(m["months_missing"], serde_json::json!([]));
        let q = &v["analyses"]["quality"]["rows"][0];
        assert_eq!(
            q["months_note"],
            "no dates in this ledger; treated as one year"
        );
        assert_eq!(q["incomplete"], false);
    }
    std::fs::copy(dir().join("undated.csv"), tmp.path().join("u.csv")).unwrap();
    std::fs::write(
        tmp.path().join("run.toml"),
        "[[municipality]]\nname = \"U\"\nledgers = [\"u.csv\"]\ncentral_it = [\"1510\"]\n",
    )
    .unwrap();
    let (out, _) = run_in(tmp.path(), &["check", "--config", "run.toml"], 0);
    assert!(
        out.contains("run.toml: ok — 1 municipalities, their ledgers read, every central IT cost centre found, no dates in this ledger; treated as one year"),
        "{out}"
    );
}
