//! `itcost sql` (issue 15 item 5): DataFusion SQL over a run's --out directory (tables `lines`, `keys`,
//! `results`) and a converted dataset, printed or written as CSV and Parquet.

use crate::util::{dalsland_config, itcost, temp_dir};

fn sql(args: &[&str]) -> String {
    let out = itcost().arg("sql").args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "itcost sql {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn sql_answers_over_a_runs_tables_to_the_ore() {
    let dir = temp_dir();
    let run = dir.path().join("run");
    let out = itcost()
        .args(["run", "--quiet", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(&run)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).expect("summary"))
            .expect("json");
    let inputs = summary["inputs"].as_array().expect("inputs");
    let lines: u64 = inputs
        .iter()
        .map(|i| i["lines"].as_u64().expect("lines"))
        .sum();
    let on = run.to_string_lossy().into_owned();

    // Every line is in `lines`, and `keys` sums them to the same öre.
    let t = sql(&[
        "SELECT COUNT(*) AS n, SUM(amount_ore) AS ore FROM lines",
        "--on",
        &on,
    ]);
    assert!(t.contains(&format!("| {lines} ")), "{t}");
    let k = sql(&[
        "SELECT SUM(lines) AS n, SUM(amount_ore) AS ore FROM keys",
        "--on",
        &on,
    ]);
    let figures = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("| ") && l.chars().any(|c| c.is_ascii_digit()))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(figures(&t), figures(&k), "lines and keys sum alike");

    // One row per benchmarked municipality in `results`, and the total row's cost to target to the krona.
    let r = sql(&[
        "SELECT COUNT(*) AS n FROM results WHERE municipality <> 'Total'",
        "--on",
        &on,
    ]);
    assert!(r.contains("| 4 "), "{r}");
    let total = sql(&[
        "SELECT CAST(cost_to_target AS BIGINT) AS kr FROM results WHERE municipality = 'Total'",
        "--on",
        &on,
    ]);
    assert!(total.contains("| 27193755 "), "{total}");

    // CSV and Parquet answers.
    let csv = dir.path().join("pools.csv");
    sql(&[
        "SELECT pool, SUM(amount_ore) AS ore FROM lines GROUP BY pool ORDER BY pool",
        "--on",
        &on,
        "--csv",
        csv.to_str().expect("utf-8"),
    ]);
    let text = std::fs::read_to_string(&csv).expect("csv written");
    assert!(text.starts_with("pool,ore\n"), "{text}");
    let pq = dir.path().join("pools.parquet");
    sql(&[
        "SELECT pool, SUM(amount_ore) AS ore FROM lines GROUP BY pool",
        "--on",
        &on,
        "--parquet",
        pq.to_str().expect("utf-8"),
    ]);
    let back = sql(&["SELECT COUNT(*) AS n FROM lines", "--on", &on]);
    assert!(back.contains("| n"), "{back}");
    assert!(std::fs::metadata(&pq).expect("parquet written").len() > 0);

    // A bad query is a usage error naming the query.
    let out = itcost()
        .args(["sql", "SELECT nothing FROM nowhere", "--on", &on])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(64));
}

#[test]
fn sql_reads_a_converted_dataset() {
    let dir = temp_dir();
    let ds = dir.path().join("ds");
    let out = itcost()
        .args(["convert", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(&ds)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = sql(&[
        "SELECT COUNT(DISTINCT municipality) AS m FROM lines WHERE year = 2024",
        "--on",
        ds.to_str().expect("utf-8"),
    ]);
    assert!(t.contains("| 4 "), "{t}");
}
