//! `itcost generate --national`: a small national dataset (20 municipalities × 3 years) in convert's layout runs
//! through the local engine from its own run config and equals its truth to the öre, per municipality and year.

use crate::util::{itcost, temp_dir};

#[test]
fn a_national_dataset_runs_to_its_truth() {
    let dir = temp_dir();
    let ds = dir.path().join("national");
    let out = itcost()
        .args(["generate", "--national"])
        .arg(&ds)
        .args([
            "--municipalities",
            "20",
            "--years",
            "3",
            "--lines",
            "200000",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("60 partitions, 200000 lines"));
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ds.join("truth.json")).unwrap()).unwrap();
    let parts = truth["partitions"].as_array().unwrap();
    assert_eq!(parts.len(), 60);
    // Convert's layout: one ledger.parquet per municipality and year, names escaped as convert escapes them.
    for p in parts {
        let name = p["municipality"].as_str().unwrap();
        let file = itcost::ingest::convert::partition_path(
            &ds,
            name,
            p["year"].as_i64().map(|y| y as i32),
        );
        assert!(file.is_file(), "{}", file.display());
        assert!(file.ends_with(p["file"].as_str().unwrap()));
    }
    // Uneven sizes: the largest municipality has many times the lines of the smallest.
    let lines = |i: usize| parts[i]["lines"].as_u64().unwrap();
    assert!(lines(0) > 5 * lines(57), "{} vs {}", lines(0), lines(57));

    let cfg = itcost::config::load(&ds.join("national.toml")).unwrap();
    assert_eq!(cfg.municipalities.len(), 60);
    let r = itcost::pipeline::run(cfg).unwrap();
    assert_eq!(r.engine, "local");
    assert_eq!(r.municipalities.len(), 60);
    for t in parts {
        let (name, year) = (
            t["municipality"].as_str().unwrap(),
            t["year"].as_i64().unwrap() as i32,
        );
        let m = r
            .municipalities
            .iter()
            .find(|m| m.name == name && m.year == Some(year))
            .unwrap_or_else(|| panic!("{name} {year} in the run"));
        let ore = |k: &str| t[k].as_i64().unwrap();
        let what = format!("{name} {year}");
        assert_eq!(m.lines, t["lines"].as_u64().unwrap(), "{what} lines");
        assert!(m.conservation.ok, "{what} conservation");
        assert_eq!(
            m.conservation.input_sum.0,
            ore("input_sum_ore"),
            "{what} input"
        );
        assert_eq!(
            m.central_it_cost.0,
            ore("central_it_ore"),
            "{what} central IT"
        );
        assert_eq!(
            m.outside_it_cost.0,
            ore("outside_it_ore"),
            "{what} outside IT"
        );
        assert_eq!(m.total_cost.0, ore("total_cost_ore"), "{what} total cost");
        assert_eq!(m.revenue.0, ore("revenue_ore"), "{what} revenue");
        assert_eq!(m.net_cost.0, ore("net_cost_ore"), "{what} net cost");
        assert_eq!(
            m.internal.costs.0,
            ore("internal_costs_ore"),
            "{what} internal costs"
        );
        assert_eq!(
            m.internal.revenues.0,
            ore("internal_revenues_ore"),
            "{what} internal revenues"
        );
        assert_eq!(m.excluded.0, ore("excluded_ore"), "{what} excluded");
        assert_eq!(
            m.central_it_cost_centres,
            t["central_it"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        );
    }
    let sum: i64 = r
        .municipalities
        .iter()
        .map(|m| m.conservation.input_sum.0)
        .sum();
    assert_eq!(sum, truth["input_sum_ore"].as_i64().unwrap());
}

#[test]
fn too_few_lines_for_the_partitions_are_refused() {
    let dir = temp_dir();
    let out = itcost()
        .args(["generate", "--national"])
        .arg(dir.path().join("n"))
        .args([
            "--municipalities",
            "290",
            "--years",
            "10",
            "--lines",
            "1000",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("give at least 69600"));
}
