//! `anonymise = true` holds: no other municipality's name, population or exact total occurs in anything written;
//! the letters' amounts are withheld (`null` in JSON, an empty CSV cell, "dolt (anonymiserat)" in the HTML).

use crate::util::{dalsland_config, itcost, root, temp_dir};

/// The Dalsland config with `anonymise = true`, written to `dir` with absolute paths to the samples.
pub(crate) fn anonymised_config(dir: &std::path::Path) -> std::path::PathBuf {
    let samples = root().join("sample-ledgers");
    let src = std::fs::read_to_string(dalsland_config()).unwrap();
    let mut out = String::new();
    for line in src.lines() {
        let line = if line.starts_with("ledgers = [\"") || line.starts_with("allocation_keys = \"")
        {
            let (head, rest) = line.split_once('"').unwrap();
            let (file, tail) = rest.split_once('"').unwrap();
            format!("{head}\"{}\"{tail}", samples.join(file).display())
        } else {
            line.to_string()
        };
        out.push_str(&line);
        out.push('\n');
        if line.starts_with("highlight = ") {
            out.push_str("anonymise = true\n");
        }
    }
    let p = dir.join("anonymised.toml");
    std::fs::write(&p, out).unwrap();
    p
}

/// Every cell of a workbook as text, numbers with two decimals and as Excel shows them unformatted.
fn xlsx_text(p: &std::path::Path) -> String {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto(p).unwrap();
    let mut out = String::new();
    for name in wb.sheet_names().to_vec() {
        for (_, _, d) in wb.worksheet_range(&name).unwrap().cells() {
            match d {
                Data::Float(f) => out.push_str(&format!("{f:.2}\n{f}\n")),
                d => out.push_str(&format!("{d}\n")),
            }
        }
    }
    out
}

#[test]
fn no_other_municipality_is_named_or_given_away_by_its_population() {
    let tmp = temp_dir();
    let cfg = anonymised_config(tmp.path());
    let out = tmp.path().join("out");
    let run = itcost()
        .args(["run", "--json", "--config"])
        .arg(&cfg)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    let mut written = vec![("stdout JSON".to_string(), stdout)];
    let mut dirs = vec![out.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "xlsx") {
                written.push((p.display().to_string(), xlsx_text(&p)));
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                written.push((p.display().to_string(), text));
            }
        }
    }
    assert!(
        !out.join("classified.parquet").exists(),
        "the classified ledger (every line) is not written"
    );
    assert!(written.len() > 10, "report, summary and CSV files written");
    // The exact totals of every other unit, as a run without anonymisation prints them: central IT, net cost and
    // total cost, plain (CSV/JSON: kronor with decimals in CSV, a number in JSON) and Swedish-formatted (HTML).
    let plain = itcost()
        .args(["run", "--json", "--config"])
        .arg(dalsland_config())
        .assert()
        .success();
    let plain: serde_json::Value = serde_json::from_slice(&plain.get_output().stdout).unwrap();
    let mut totals: Vec<String> = Vec::new();
    for m in plain["municipalities"].as_array().unwrap() {
        if m["name"] == "Mellerud" {
            continue;
        }
        for field in ["central_it_cost", "net_cost", "total_cost"] {
            let kr = m[field]
                .as_f64()
                .unwrap_or_else(|| panic!("{field} in {m}"));
            assert!(kr.abs() >= 10_000.0, "{field} is a real total: {kr}");
            let ore = (kr * 100.0).round() as i64;
            totals.push(format!("{}.{:02}", ore / 100, ore % 100));
            if ore % 100 == 0 {
                totals.push(format!("{}", ore / 100));
            }
            totals.push(itcost::money::format_kr(ore));
        }
    }
    assert!(totals.iter().any(|t| t == "688 000 000"), "{totals:?}");
    let population =
        regex::Regex::new(r"(^|[^0-9])(9[  ]?800|12[  ]?600|6[  ]?600)([^0-9]|$)").unwrap();
    for (file, text) in &written {
        for name in [
            "Bengtsfors",
            "Åmål",
            "Färgelanda",
            "bengtsfors",
            "amal-2024",
            "fargelanda",
        ] {
            assert!(!text.contains(name), "{file} names {name}");
        }
        for total in &totals {
            assert!(
                !text.contains(total.as_str()),
                "{file} gives an exact total away: {total}"
            );
        }
        if let Some(m) = population.find(text) {
            panic!("{file} gives a population away: {:?}", m.as_str());
        }
    }
    let html = &written
        .iter()
        .find(|(f, _)| f.ends_with("report.html"))
        .unwrap()
        .1;
    assert!(
        html.contains("Mellerud"),
        "the highlighted municipality keeps its name"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let names: Vec<&str> = json["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["A", "Mellerud", "C", "B", "Mellerud"],
        "the JSON keeps its fields; names are letters"
    );
    // The fields stay, the letters' amounts are null, their shares stay; the highlighted one keeps its amounts.
    for m in json["municipalities"].as_array().unwrap() {
        let lettered = m["name"] != "Mellerud";
        assert_eq!(m["central_it_cost"].is_null(), lettered, "{m}");
        assert!(m["lines"].is_number(), "a count is not an amount: {m}");
        assert!(m["central_part_of_it"].is_number(), "a share stays: {m}");
        assert_eq!(m["net_cost"].is_null(), lettered, "{m}");
        assert!(m["central_it_share"].is_number(), "{m}");
    }
    assert!(
        html.contains("dolt (anonymiserat)"),
        "the HTML says where an amount is withheld"
    );
    let bench = std::fs::read_to_string(out.join("benchmark.csv")).unwrap();
    let a_row = bench.lines().find(|l| l.starts_with("A,")).unwrap();
    assert!(
        a_row.contains(",central_it,net_cost,,,0.0"),
        "CSV: amounts empty, share kept: {a_row}"
    );
}
