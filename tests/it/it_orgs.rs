//! IT organisations as the unit of the benchmark (issue 13, item 1), the kind of figures (item 3) and the audit
//! trail (item 9).
// Amounts in öre are written as kronor followed by _00 (12_536_252_00 = 12 536 252 kr), to read as the study's.
#![allow(clippy::inconsistent_digit_grouping)]

use crate::util::{dalsland_config, itcost, root, temp_dir};
use itcost::aggregate::Kr;
use serde_json::Value;
use std::path::Path;

/// Writes a config next to the sample ledgers (paths in it are relative to the config's folder), in a temporary
/// copy of `sample-ledgers/`.
fn sample_config(dir: &Path, body: &str) -> std::path::PathBuf {
    for f in std::fs::read_dir(root().join("sample-ledgers")).unwrap() {
        let f = f.unwrap().path();
        if f.is_file() {
            std::fs::copy(&f, dir.join(f.file_name().unwrap())).unwrap();
        }
    }
    let p = dir.join("run.toml");
    // Top-level keys first (after a [[table]] they would belong to it).
    std::fs::write(&p, format!("denominator = \"net_cost\"\n{body}")).unwrap();
    p
}

/// The four Dalsland 2024 municipalities with their central IT cost centres (`sample_config` sets net cost).
const DALSLAND_2024: &str = r#"
[[municipality]]
name = "Bengtsfors"
year = 2024
ledgers = ["bengtsfors-2024.csv"]
central_it = ["2200", "2210"]
[[municipality]]
name = "Mellerud"
year = 2024
ledgers = ["mellerud-2024.csv"]
central_it = ["1510", "1511"]
[[municipality]]
name = "Åmål"
year = 2024
ledgers = ["amal-2024.csv"]
central_it = ["171", "172"]
[[municipality]]
name = "Färgelanda"
year = 2024
ledgers = ["fargelanda-2024.tsv"]
central_it = ["K310"]
internal_counterparts = ["K100"]
columns = { cost_centre = "Ansvarsenhet", amount = "Utfall", text = "Fritext", account_text = "Kontobenämning" }
"#;

fn run(config: &Path) -> itcost::pipeline::RunResult {
    itcost::pipeline::run(itcost::config::load(config).expect("config loads")).expect("run")
}

#[test]
fn bengtsfors_mellerud_amal_as_one_it_organisation() {
    let dir = temp_dir();
    let cfg = sample_config(
        dir.path(),
        &format!(
            "[[it_org]]\nname = \"BMÅ-IT\"\nmembers = [\"Bengtsfors\", \"Mellerud\", \"Åmål\"]\n{DALSLAND_2024}"
        ),
    );
    let r = run(&cfg);
    // 12 496 743 + 12 536 252 + 12 531 000 = 37 563 995 kr; 688 + 720 + 998 = 2 406 million kr (brief.md, F5).
    assert_eq!(r.it_orgs.len(), 1);
    let org = &r.it_orgs[0].result;
    assert_eq!(org.central_it_cost, Kr(37_563_995_00));
    assert_eq!(org.net_cost, Kr(2_406_000_000_00));
    assert_eq!(r.benchmark.unit, "it_org");
    let rows: Vec<(&str, i64)> = r
        .benchmark
        .rows
        .iter()
        .map(|x| (x.name.as_str(), x.it_cost.0))
        .collect();
    assert_eq!(
        rows,
        [("BMÅ-IT", 37_563_995_00), ("Färgelanda", 8_376_000_00)]
    );
    assert_eq!(
        r.benchmark.rows[0].members,
        ["Bengtsfors", "Mellerud", "Åmål"]
    );
    assert_eq!(r.benchmark.rows[1].members, ["Färgelanda"]);
    // The pooled share of the two rows: (37 563 995 + 8 376 000) / (2 406 000 000 + 519 350 000).
    assert_eq!(r.benchmark.total.it_cost, Kr(45_939_995_00));
    // The members' own results are unchanged.
    let names: Vec<&str> = r.municipalities.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Bengtsfors", "Mellerud", "Åmål", "Färgelanda"]);
    assert_eq!(r.municipalities[1].central_it_cost, Kr(12_536_252_00));
    // Conservation holds for the organisation as for each member.
    assert!(org.conservation.ok);
    assert_eq!(
        org.conservation.input_sum.0,
        r.municipalities[..3]
            .iter()
            .map(|m| m.conservation.input_sum.0)
            .sum::<i64>()
    );
}

#[test]
fn a_members_central_it_code_never_matches_another_members_lines() {
    // Bengtsfors' central IT cost centres 2200 and 2210 are school cost centres in Mellerud's ledger (22*): one
    // unit with all three ledgers and all their codes counted them as IT (59 428 083 kr, issue 13).
    let mellerud =
        std::fs::read_to_string(root().join("sample-ledgers/mellerud-2024.csv")).unwrap();
    assert!(
        mellerud
            .lines()
            .any(|l| l.split(',').nth(2) == Some("2200")),
        "the trap is in the sample: Mellerud has lines on cost centre 2200"
    );
    let dir = temp_dir();
    let cfg = sample_config(
        dir.path(),
        &format!(
            "[[it_org]]\nname = \"BMÅ-IT\"\nmembers = [\"Bengtsfors\", \"Mellerud\", \"Åmål\"]\n{DALSLAND_2024}"
        ),
    );
    let r = run(&cfg);
    let sum: i64 = r.municipalities[..3]
        .iter()
        .map(|m| m.central_it_cost.0)
        .sum();
    assert_eq!(sum, 37_563_995_00);
    assert_eq!(r.it_orgs[0].result.central_it_cost.0, sum);
    assert_ne!(sum, 59_428_083_00);
}

#[test]
fn a_charge_between_members_is_eliminated_on_both_sides() {
    // tests/fixtures/it_org: Värdby hosts VK-IT and charges Köpby. By hand (kr):
    //   Värdby:  central IT (cc 1510) = 3 000 000 (staff) + 1 200 000 (licences) = 4 200 000
    //            total cost = 4 200 000 + 20 000 000 (school staff) = 24 200 000
    //            revenue = −900 000 (IT services to Köpby, counterpart K200) − 2 000 000 (fees) = −2 900 000
    //   Köpby:   central IT (cc 2100) = 850 000 (IT services from Värdby kommun) + 400 000 (staff) = 1 250 000
    //            IT outside central IT = 30 000 (software via VÄRDBY KOMMUN, cc 4000)
    //            total cost = 1 250 000 + 30 000 + 5 000 000 (school staff on cc 1510: not IT in Köpby)
    //                         + 10 000 000 + 200 000 (rent from Värdby Energi AB: not a member) = 16 480 000
    //            revenue = −1 000 000
    //   Between members: costs 850 000 + 30 000 = 880 000 (850 000 of it on central IT, 30 000 outside IT),
    //            revenues −900 000, imbalance 880 000 − 900 000 = −20 000, 3 lines.
    //   VK-IT:   central IT = 4 200 000 + 1 250 000 − 850 000 = 4 600 000
    //            IT = 4 600 000 + (30 000 − 30 000) = 4 600 000
    //            total cost = 24 200 000 + 16 480 000 − 880 000 = 39 800 000
    //            revenue = −2 900 000 − 1 000 000 + 900 000 = −3 000 000; net cost = 36 800 000
    //            share = 4 600 000 / 39 800 000 = 11.56 %
    let r = run(&root().join("tests/fixtures/it_org/vk-it.toml"));
    let v = &r.municipalities[0];
    let k = &r.municipalities[1];
    assert_eq!(
        (v.central_it_cost, v.total_cost, v.revenue),
        (Kr(4_200_000_00), Kr(24_200_000_00), Kr(-2_900_000_00))
    );
    assert_eq!(
        (
            k.central_it_cost,
            k.outside_it_cost,
            k.total_cost,
            k.revenue
        ),
        (
            Kr(1_250_000_00),
            Kr(30_000_00),
            Kr(16_480_000_00),
            Kr(-1_000_000_00)
        )
    );
    let o = &r.it_orgs[0];
    let b = &o.between;
    assert_eq!(
        (
            b.costs,
            b.revenues,
            b.imbalance,
            b.lines,
            b.central_it,
            b.outside_it
        ),
        (
            Kr(880_000_00),
            Kr(-900_000_00),
            Kr(-20_000_00),
            3,
            Kr(850_000_00),
            Kr(30_000_00)
        )
    );
    let x = &o.result;
    assert_eq!(x.central_it_cost, Kr(4_600_000_00));
    assert_eq!(x.it_cost, Kr(4_600_000_00));
    assert_eq!(x.total_cost, Kr(39_800_000_00));
    assert_eq!(x.revenue, Kr(-3_000_000_00));
    assert_eq!(x.net_cost, Kr(36_800_000_00));
    assert!(x.conservation.ok);
    let row = &r.benchmark.rows[0];
    assert_eq!(
        (row.name.as_str(), row.it_cost, row.denominator_value),
        ("VK-IT", Kr(4_600_000_00), Kr(39_800_000_00))
    );
    assert_eq!(format!("{:.4}", row.share.unwrap()), "0.1156");
    assert_eq!(r.benchmark.rows.len(), 1);
}

#[test]
fn it_org_json_and_report() {
    let out = itcost()
        .args(["run", "--config"])
        .arg(root().join("tests/fixtures/it_org/vk-it.toml"))
        .args(["--json", "-q"])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["benchmark"]["unit"], "it_org");
    assert_eq!(v["benchmark"]["kind"], "outcome");
    assert_eq!(v["benchmark"]["rows"][0]["name"], "VK-IT");
    assert_eq!(
        v["benchmark"]["rows"][0]["members"],
        serde_json::json!(["Värdby", "Köpby"])
    );
    assert_eq!(v["municipalities"].as_array().unwrap().len(), 2);
    let e = &v["it_orgs"][0]["eliminated_between_members"];
    assert_eq!(e["costs"], 880000.0);
    assert_eq!(e["revenues"], -900000.0);
    assert_eq!(e["imbalance"], -20000.0);
    let dir = temp_dir();
    let html = dir.path().join("r.html");
    itcost()
        .args(["run", "--config"])
        .arg(root().join("tests/fixtures/it_org/vk-it.toml"))
        .arg("--html")
        .arg(&html)
        .arg("-q")
        .assert()
        .success();
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(
        text.contains("Eliminerat mellan medlemmar") || text.contains("Eliminated between members")
    );
    assert!(
        text.contains("−20 000") || text.contains("-20 000"),
        "the imbalance is shown"
    );
}

#[test]
fn it_org_config_errors_name_what_is_wrong() {
    let dir = temp_dir();
    let cases = [
        ("[[it_org]]\nname = \"X\"\nmembers = [\"Bengtsfors\", \"Melerud\"]\n", "member 'Melerud' is not a municipality"),
        (
            "[[it_org]]\nname = \"X\"\nmembers = [\"Bengtsfors\"]\n[[it_org]]\nname = \"Y\"\nmembers = [\"Åmål\", \"Bengtsfors\"]\n",
            "member of two IT organisations",
        ),
        ("[[it_org]]\nname = \"X\"\nmembers = [\"Åmål\"]\nmember_codes = { \"Mellerud\" = [\"K1\"] }\n", "member_codes names 'Mellerud'"),
    ];
    for (head, want) in cases {
        let cfg = sample_config(dir.path(), &format!("{head}{DALSLAND_2024}"));
        let out = itcost()
            .args(["run", "--config"])
            .arg(&cfg)
            .arg("-q")
            .assert()
            .failure();
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(err.contains(want), "{want:?} not in {err}");
        assert!(
            err.contains("run.toml"),
            "the error names the config: {err}"
        );
    }
}

#[test]
fn one_benchmark_never_mixes_kinds() {
    let dir = temp_dir();
    // Mellerud 2024 once more, as a budget ledger (the same file stands in for a budget here).
    let extra = "[[municipality]]\nname = \"Mellerud\"\nyear = 2024\nkind = \"budget\"\nledgers = [\"mellerud-2023.csv\"]\ncentral_it = [\"1510\", \"1511\"]\n";
    let cfg = sample_config(dir.path(), &format!("{DALSLAND_2024}{extra}"));
    let out = itcost()
        .args(["run", "--config"])
        .arg(&cfg)
        .arg("-q")
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("would mix outcome and budget"), "{err}");
    assert!(
        err.contains("blanda utfall och budget"),
        "Swedish too: {err}"
    );
    // With benchmark_kind the benchmark is all outcome, and budget is compared with outcome per pool.
    let cfg = sample_config(
        dir.path(),
        &format!("benchmark_kind = \"utfall\"\n{DALSLAND_2024}{extra}"),
    );
    let r = run(&cfg);
    assert_eq!(r.benchmark.rows.len(), 4);
    assert!(r.benchmark.rows.iter().all(|x| x.members.len() == 1));
    assert_eq!(r.budget.len(), 1);
    let b = &r.budget[0];
    assert_eq!(
        (b.municipality.as_str(), b.kind.key(), b.source.as_str()),
        ("Mellerud", "budget", "ledger")
    );
    let central = b.rows.iter().find(|p| p.item == "central_it").unwrap();
    assert_eq!(central.outcome, Kr(12_536_252_00));
    assert_eq!(central.difference.0, central.outcome.0 - central.planned.0);
    assert!(b.rows.iter().any(|p| p.item == "Software"), "per pool");
}

#[test]
fn budget_figures_need_a_source() {
    let dir = temp_dir();
    let body = DALSLAND_2024.replace(
        "central_it = [\"K310\"]",
        "central_it = [\"K310\"]\nit_budget = 8376000\nnet_cost_budget = \"519 350 000\"",
    );
    let cfg = sample_config(dir.path(), &body);
    let out = itcost()
        .args(["run", "--config"])
        .arg(&cfg)
        .arg("-q")
        .assert()
        .failure();
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("budget_source"));
    let body = body.replace("it_budget = 8376000", "it_budget = 8376000\nbudget_source = \"Färgelanda MRP 2024–26\"\nbudget_kind = \"prognos\"");
    let cfg = sample_config(dir.path(), &body);
    let r = run(&cfg);
    let b = &r.budget[0];
    assert_eq!(
        (b.municipality.as_str(), b.kind.key()),
        ("Färgelanda", "forecast")
    );
    assert_eq!(b.rows[0].planned, Kr(8_376_000_00));
    assert_eq!(b.rows[1].planned, Kr(519_350_000_00));
}

#[test]
fn audit_trail_traces_every_input() {
    let out = itcost()
        .current_dir(root())
        .args([
            "run",
            "--config",
            "sample-ledgers/dalsland-2024.toml",
            "--json",
            "-q",
        ])
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let a = &v["audit"];
    assert_eq!(a["itcost_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        a["rules"]["sha256"],
        itcost::audit::sha256_hex(itcost::rules::KOMMUN_BAS_13.as_bytes())
    );
    let config = std::fs::read(dalsland_config()).unwrap();
    assert_eq!(a["config"]["sha256"], itcost::audit::sha256_hex(&config));
    let inputs = a["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 5);
    let bengtsfors = std::fs::read(root().join("sample-ledgers/bengtsfors-2024.csv")).unwrap();
    let first = &inputs[0];
    assert_eq!(first["sha256"], itcost::audit::sha256_hex(&bengtsfors));
    assert_eq!(first["bytes"], bengtsfors.len() as u64);
    assert_eq!(
        first["lines"],
        bengtsfors.iter().filter(|&&b| b == b'\n').count() as u64
    );
    // Identical inputs, identical bytes.
    let again = itcost()
        .current_dir(root())
        .args([
            "run",
            "--config",
            "sample-ledgers/dalsland-2024.toml",
            "--json",
            "-q",
        ])
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, again.get_output().stdout);
}
