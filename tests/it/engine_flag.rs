//! `--engine` and `engine = …` (issue 15): bad values are usage errors, and a build without the `cluster` feature
//! says how to get the distributed engines instead of running something else.

use crate::util::{itcost, root, temp_dir};

#[test]
fn an_unknown_engine_is_a_usage_error() {
    let out = itcost()
        .args(["run", "--engine", "spark", "--central-it", "1510"])
        .arg(root().join("sample-ledgers/amal-2024.csv"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(64));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("local, datafusion or ballista://HOST:PORT"),
        "{err}"
    );
}

fn config_with_engine(dir: &std::path::Path, engine: &str) -> std::path::PathBuf {
    let cfg = dir.join("c.toml");
    std::fs::write(
        &cfg,
        format!(
            "engine = \"{engine}\"\n[[municipality]]\nname = \"Åmål\"\nledgers = [\"{}\"]\ncentral_it = [\"171\", \"172\"]\n",
            root().join("sample-ledgers/amal-2024.csv").display()
        ),
    )
    .expect("written");
    cfg
}

#[test]
fn a_bad_engine_in_the_config_names_the_file() {
    let dir = temp_dir();
    let cfg = config_with_engine(dir.path(), "ballista://nohost");
    let out = itcost()
        .args(["run", "--config"])
        .arg(&cfg)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("c.toml") && err.contains("ballista://HOST:PORT"),
        "{err}"
    );
}

#[test]
fn the_command_line_engine_wins_over_the_configs() {
    let dir = temp_dir();
    let cfg = config_with_engine(dir.path(), "datafusion");
    let out = itcost()
        .args(["run", "--config"])
        .arg(&cfg)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    if cfg!(feature = "cluster") {
        // The config's engine is used: it refuses a text ledger.
        assert!(err.contains("itcost convert"), "{err}");
    } else {
        assert!(err.contains("--features cluster"), "{err}");
    }
    let out = itcost()
        .args(["run", "--engine", "local", "--config"])
        .arg(&cfg)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(not(feature = "cluster"))]
#[test]
fn without_the_cluster_feature_the_engines_say_how_to_build_them() {
    for args in [
        vec!["run", "--engine", "datafusion", "--central-it", "1510"],
        vec![
            "run",
            "--engine",
            "ballista://localhost:50050",
            "--central-it",
            "1510",
        ],
    ] {
        let out = itcost()
            .args(&args)
            .arg(root().join("sample-ledgers/amal-2024.csv"))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(64), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("cargo build --release --features cluster"),
            "{err}"
        );
    }
    let out = itcost()
        .args(["sql", "SELECT 1", "--on", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--features cluster"));
}
