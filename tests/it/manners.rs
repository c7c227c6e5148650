//! CLI manners (issue 12, item 7): usage errors exit 64, closed choices list themselves, `check` recognises a run
//! config, and a closed pipe is success.

use crate::util::{dalsland_config, itcost};

#[test]
fn usage_errors_exit_64_never_a_code_of_bad_input() {
    let out = itcost().args(["run", "--frobnicate"]).assert().code(64);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("unexpected argument '--frobnicate'"), "{err}");
    let out = itcost()
        .args(["run", "x.csv", "--denominator", "gross"])
        .assert()
        .code(64);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("invalid value 'gross' for '--denominator <DENOMINATOR>'")
            && err.contains("[possible values: total_cost, net_cost, external]"),
        "{err}"
    );
    itcost()
        .args(["run", "x.csv", "--lang", "de"])
        .assert()
        .code(64);
    itcost()
        .args(["convert", "x.csv", "--to", "csv", "--out", "y"])
        .assert()
        .code(64);
    let out = itcost()
        .args(["run", "x.csv", "--column", "kostnad=Belopp"])
        .assert()
        .code(64);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.starts_with("itcost: --column 'kostnad=Belopp': unknown field 'kostnad'"),
        "{err}"
    );
    // --help is not an error.
    itcost().args(["run", "--help"]).assert().code(0);
}

#[test]
fn run_help_lists_the_choices_the_column_fields_and_the_scope_pools() {
    let out = itcost().args(["run", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for needle in [
        "- total_cost: Operating cost",
        "- net_cost:",
        "- central_it: The central IT department's cost",
        "- sv: Swedish",
        "- excel-sv:",
        "account_text, cost_centre, department",
        "Facilities & Power",
        "usage error (unknown flag, bad value)",
    ] {
        assert!(help.contains(needle), "missing {needle:?} in:\n{help}");
    }
}

#[test]
fn check_given_a_run_config_says_to_use_config() {
    let cfg = dalsland_config();
    let out = itcost().arg("check").arg(&cfg).assert().code(64);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(
        err.trim_end(),
        format!(
            "itcost: {0} is a run config (it has [[municipality]]), not a rules file: check it with itcost check --config {0}",
            cfg.display()
        )
    );
}

#[test]
fn a_closed_pipe_is_success() {
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("itcost"))
        .args(["run", "--config"])
        .arg(dalsland_config())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
