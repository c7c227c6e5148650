//! `dataset = "DIR"` in a run config: the Dalsland samples converted to a Hive-partitioned Parquet dataset give
//! the same summary as the CSV run, apart from what describes the input files; and the refusals of selection.

use crate::util::{dalsland_config, itcost, root, temp_dir};
use serde_json::Value;
use std::path::Path;

/// The Dalsland config reading its ledgers from `dataset` (ledgers left out; columns kept: not used).
fn dataset_config(dataset: &Path, extra: &str) -> String {
    let text = std::fs::read_to_string(dalsland_config()).unwrap();
    let mut out = format!("dataset = {:?}\n{extra}", dataset.display().to_string());
    for line in text.lines() {
        if line.starts_with("ledgers = ") {
            continue;
        }
        let line = line.replace(
            "\"dalsland-2024-work-areas.csv\"",
            &format!(
                "{:?}",
                root()
                    .join("sample-ledgers/dalsland-2024-work-areas.csv")
                    .display()
                    .to_string()
            ),
        );
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn convert(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("dalsland-dataset");
    itcost()
        .args(["convert", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

fn summary(config: &Path) -> Value {
    let out = itcost()
        .args(["run", "--config"])
        .arg(config)
        .args(["--json", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Removes what describes the input files rather than the figures.
fn without_inputs(mut v: Value) -> Value {
    let o = v.as_object_mut().unwrap();
    o.remove("inputs");
    let audit = o["audit"].as_object_mut().unwrap();
    audit.remove("inputs");
    audit.remove("config");
    for m in v["municipalities"].as_array_mut().unwrap() {
        m.as_object_mut().unwrap().remove("files");
    }
    v
}

#[test]
fn a_dataset_run_equals_the_csv_run_but_for_the_files() {
    let dir = temp_dir();
    let dataset = convert(dir.path());
    let cfg = dir.path().join("dalsland-dataset.toml");
    std::fs::write(&cfg, dataset_config(&dataset, "")).unwrap();
    let by_csv = summary(&dalsland_config());
    let by_dataset = summary(&cfg);
    assert_eq!(by_dataset["engine"], "local");
    // The inputs are the Parquet files of the partitions, named by size and modification time.
    let files: Vec<&str> = by_dataset["audit"]["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(f.get("sha256").is_none());
            assert!(f["modified"].as_str().unwrap().ends_with('Z'));
            assert!(f["bytes"].as_u64().unwrap() > 0);
            f["file"].as_str().unwrap()
        })
        .collect();
    assert_eq!(files.len(), 5);
    assert!(files
        .iter()
        .any(|f| f.ends_with("municipality=Mellerud/year=2023/ledger.parquet")));
    let inputs = by_dataset["inputs"].as_array().unwrap();
    assert!(inputs.iter().all(|i| i["format"] == "parquet"));
    for (a, b) in by_csv["inputs"].as_array().unwrap().iter().zip(inputs) {
        assert_eq!(
            (&a["lines"], &a["sum_ore"], &a["months"]),
            (&b["lines"], &b["sum_ore"], &b["months"])
        );
    }
    assert_eq!(without_inputs(by_dataset), without_inputs(by_csv));
}

#[test]
fn an_entry_without_year_takes_every_year_and_a_missing_partition_is_refused() {
    let dir = temp_dir();
    let dataset = convert(dir.path());
    // Mellerud without a year: both years, one unit each (here the 2024 entry claims 2024, so 2023 is left).
    let text = dataset_config(&dataset, "").replace(
        "name = \"Mellerud\"\nyear = 2023\n",
        "name = \"Mellerud\"\n",
    );
    let cfg = dir.path().join("no-year.toml");
    std::fs::write(&cfg, &text).unwrap();
    let v = summary(&cfg);
    let years: Vec<(String, i64)> = v["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name"].as_str().unwrap().to_string(),
                m["year"].as_i64().unwrap(),
            )
        })
        .collect();
    assert!(years.contains(&("Mellerud".into(), 2023)));
    assert!(years.contains(&("Mellerud".into(), 2024)));

    // A year the dataset lacks: refused, naming the partition directory and the years there are.
    let cfg = dir.path().join("missing.toml");
    std::fs::write(
        &cfg,
        dataset_config(&dataset, "").replace("year = 2023", "year = 2022"),
    )
    .unwrap();
    let out = itcost()
        .args(["run", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("missing.toml")
            && err.contains("municipality=Mellerud/year=2022")
            && err.contains("2023, 2024"),
        "{err}"
    );

    // Ledgers and a dataset both: refused.
    let cfg = dir.path().join("both.toml");
    std::fs::write(
        &cfg,
        dataset_config(&dataset, "").replace(
            "name = \"Åmål\"\n",
            "name = \"Åmål\"\nledgers = [\"x.csv\"]\n",
        ),
    )
    .unwrap();
    let out = itcost()
        .args(["run", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("leave ledgers out"));
}
