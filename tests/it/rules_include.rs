//! Rules that build on the defaults: `include`, own rules tried first, extended sections, unreachable included
//! rules as notes, `rules init`, `rules suggest`, and rules/README.md's "add a rule at the top" followed literally.

use crate::util::{itcost, root, temp_dir};

/// The first ```toml block after `heading` in rules/README.md.
fn readme_block(heading: &str) -> String {
    let readme = std::fs::read_to_string(root().join("rules/README.md")).unwrap();
    let at = readme
        .find(heading)
        .expect("the heading is in rules/README.md");
    let start = readme[at..].find("```toml\n").expect("a toml block") + at + 8;
    let end = readme[start..].find("```").unwrap() + start;
    readme[start..end].to_string()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).to_string()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).to_string()
}

#[test]
fn the_readme_add_a_rule_at_the_top_works_when_followed_literally() {
    let tmp = temp_dir();
    let file = tmp.path().join("my-rules.toml");
    itcost()
        .current_dir(tmp.path())
        .args(["rules", "init", "my-rules.toml"])
        .assert()
        .success();
    // The starter checks as it is, and refuses to be overwritten.
    itcost().arg("check").arg(&file).assert().success();
    itcost()
        .current_dir(tmp.path())
        .args(["rules", "init", "my-rules.toml"])
        .assert()
        .code(64);
    // "paste the rule directly under the line …"
    let marker = itcostlib_marker();
    let starter = std::fs::read_to_string(&file).unwrap();
    let block = readme_block("### Add a rule at the top");
    let at = starter.find(&marker).expect("the marker is in the starter") + marker.len() + 1;
    let edited = format!("{}{}{}", &starter[..at], block, &starter[at..]);
    std::fs::write(&file, edited).unwrap();
    let check = itcost().arg("check").arg(&file).assert().success();
    let out = stdout(&check);
    assert!(out.contains("includes builtin:kommun-bas-13"), "{out}");
    let first = out
        .lines()
        .find(|l| l.trim_start().starts_with("1. "))
        .expect("an effective order");
    assert!(
        first.contains("own-6540-it-services") && first.contains("my-rules.toml:"),
        "{first}"
    );
    assert!(
        out.contains("builtin:kommun-bas-13:"),
        "the included rules follow: {out}"
    );
    let explain = itcost()
        .args([
            "explain",
            "--account",
            "6540",
            "--cost-centre",
            "3000",
            "--rules",
        ])
        .arg(&file)
        .assert()
        .success();
    let text = stdout(&explain);
    assert!(
        text.contains("decided by  rule 'own-6540-it-services' (line ")
            && text.contains("my-rules.toml)"),
        "{text}"
    );
    assert!(text.contains("pool Outside Services"), "{text}");
}

/// The marker line, as the library writes it.
fn itcostlib_marker() -> String {
    itcost::rules::include::MARKER.to_string()
}

#[test]
fn own_rules_come_first_sections_extend_and_unreachable_included_rules_are_notes() {
    let tmp = temp_dir();
    let base_dir = tmp.path().join("region");
    std::fs::create_dir_all(&base_dir).unwrap();
    std::fs::write(
        base_dir.join("region.toml"),
        r#"include = "builtin:kommun-bas-13"
name = "Region"

[suspect]
keywords = ["regionit"]

[[rule]]
id = "region-6540"
why = "Regional IT services"
account = "6540"
pool = "Outside Services"
it = true
"#,
    )
    .unwrap();
    let own = tmp.path().join("own.toml");
    std::fs::write(
        &own,
        r#"include = "region/region.toml"
name = "Mellerud"

[suspect]
keywords = ["kommunit"]

[[rule]]
id = "own-65"
why = "All of 65* is bought IT here"
account = "65*"
pool = "Software"
it = true
"#,
    )
    .unwrap();
    let check = itcost().arg("check").arg(&own).assert().success();
    let (out, err) = (stdout(&check), stderr(&check));
    assert!(
        out.contains("includes region/region.toml") || out.contains("region.toml"),
        "{out}"
    );
    let order: Vec<&str> = out.lines().filter(|l| l.contains(". ")).collect();
    assert!(order[0].contains("own-65"), "{out}");
    assert!(
        order[1].contains("region-6540") && order[1].contains("region.toml:"),
        "{out}"
    );
    assert!(
        err.contains("included rule 'region-6540' can never match: your rule 'own-65'"),
        "a note, not a refusal: {err}"
    );
    // [suspect] keywords extend: both files' keywords make suspects (the explain line says so).
    for kw in ["kommunit", "regionit", "dator"] {
        let e = itcost()
            .args([
                "explain",
                "--account",
                "7090",
                "--cost-centre",
                "3000",
                "--text",
            ])
            .arg(format!("Faktura {kw} mars"))
            .arg("--rules")
            .arg(&own)
            .assert()
            .success();
        assert!(
            stdout(&e).contains("suspect     yes"),
            "{kw}: {}",
            stdout(&e)
        );
    }
}

#[test]
fn an_include_cycle_and_a_missing_include_are_refused_with_file_and_line() {
    let tmp = temp_dir();
    let a = tmp.path().join("a.toml");
    let b = tmp.path().join("b.toml");
    std::fs::write(&a, "include = \"b.toml\"\n").unwrap();
    std::fs::write(&b, "name = \"b\"\ninclude = \"./a.toml\"\n").unwrap();
    let err = stderr(&itcost().arg("check").arg(&a).assert().code(3));
    assert!(
        err.contains("b.toml:2: include './a.toml': the file includes itself"),
        "{err}"
    );
    std::fs::write(&a, "include = \"nowhere.toml\"\n").unwrap();
    let err = stderr(&itcost().arg("check").arg(&a).assert().code(3));
    assert!(
        err.contains("a.toml:1: include 'nowhere.toml': cannot read"),
        "{err}"
    );
}

#[test]
fn suggested_rules_pasted_under_the_marker_move_suspects_into_it() {
    let tmp = temp_dir();
    let ledger = root().join("sample-ledgers/mellerud-2024.csv");
    let run = |rules: Option<&std::path::Path>| -> serde_json::Value {
        let mut c = itcost();
        c.args(["run", "--json", "--central-it", "1510,1511"])
            .arg(&ledger);
        if let Some(r) = rules {
            c.arg("--rules").arg(r);
        }
        serde_json::from_slice(&c.assert().success().get_output().stdout).unwrap()
    };
    let before = run(None);
    let s = itcost()
        .args([
            "rules",
            "suggest",
            "--central-it",
            "1510,1511",
            "--top",
            "3",
        ])
        .arg(&ledger)
        .assert()
        .success();
    let toml = stdout(&s);
    assert_eq!(toml.matches("[[rule]]").count(), 3, "{toml}");
    assert!(
        toml.contains("suspect line(s)") && toml.contains("likely pool"),
        "{toml}"
    );
    let file = tmp.path().join("mine.toml");
    itcost()
        .args(["rules", "init"])
        .arg(&file)
        .assert()
        .success();
    let starter = std::fs::read_to_string(&file).unwrap();
    let marker = itcostlib_marker();
    let at = starter.find(&marker).unwrap() + marker.len() + 1;
    std::fs::write(
        &file,
        format!("{}{}{}", &starter[..at], toml, &starter[at..]),
    )
    .unwrap();
    itcost().arg("check").arg(&file).assert().success();
    let after = run(Some(&file));
    let m0 = &before["municipalities"][0];
    let m1 = &after["municipalities"][0];
    let sus = |m: &serde_json::Value| m["unclassified_it_suspect"].as_f64().unwrap();
    let out = |m: &serde_json::Value| m["outside_it_cost"].as_f64().unwrap();
    assert!(sus(m1) < sus(m0), "suspects {} → {}", sus(m0), sus(m1));
    assert!(out(m1) > out(m0), "outside IT {} → {}", out(m0), out(m1));
    assert_eq!(
        m0["total_cost"], m1["total_cost"],
        "rules move money, never make it"
    );
}
