//! The analyses of the studies and the HTML report: figures in the report equal summary.json and the CSV tables,
//! the Dalsland savings cells to the krona, exact joint-organisation splits, trend decomposition, work areas from
//! allocation keys, suppliers, departments, the anonymised view, and refused allocation-keys files.

use crate::util::{dalsland, dalsland_config, itcost, root, temp_dir};
use std::collections::BTreeMap;
use std::path::Path;

/// The `data-v` values of one HTML table, row by row.
fn html_table(html: &str, id: &str) -> Option<Vec<Vec<String>>> {
    let start = html.find(&format!("<table id=\"t-{id}\">"))?;
    let body = &html[start..start + html[start..].find("</table>")?];
    let tbody = &body[body.find("<tbody>")?..];
    Some(
        tbody
            .split("<tr")
            .skip(1)
            .map(|row| {
                row.split("data-v=\"")
                    .skip(1)
                    .map(|c| {
                        c[..c.find('"').unwrap()]
                            .replace("&amp;", "&")
                            .replace("&quot;", "\"")
                            .replace("&lt;", "<")
                            .replace("&gt;", ">")
                    })
                    .collect()
            })
            .collect(),
    )
}

fn read_csv_rows(p: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(p).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            // The tables' CSV quotes only cells with separators; the numeric cells never are.
            let mut cells = Vec::new();
            let mut cur = String::new();
            let mut quoted = false;
            for ch in l.chars() {
                match ch {
                    '"' => quoted = !quoted,
                    ',' if !quoted => cells.push(std::mem::take(&mut cur)),
                    c => cur.push(c),
                }
            }
            cells.push(cur);
            cells
        })
        .collect()
}

#[test]
fn report_figures_equal_summary_json_and_the_csv_tables() {
    let dir = temp_dir();
    itcost()
        .args(["run", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("summary.json")).unwrap())
            .unwrap();

    // Self-contained: no script, no external resource (the SVG namespace is an identifier, not a fetch).
    assert!(!html.contains("<script"), "no script");
    assert_eq!(
        html.matches("http").count(),
        html.matches("http://www.w3.org/2000/svg").count(),
        "no network reference besides the SVG namespace"
    );
    assert!(
        html.matches("<svg class=\"chart\"").count() >= 5,
        "five charts"
    );

    // The benchmark table of the report holds the JSON's figures, row by row.
    let rows = html_table(&html, "benchmark").expect("benchmark table");
    let bench = summary["benchmark"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), bench.len() + 1, "rows and the total");
    for (row, b) in rows.iter().zip(bench) {
        assert_eq!(row[2], format!("{:.2}", b["it_cost"].as_f64().unwrap()));
        assert_eq!(
            row[3],
            format!("{:.2}", b["denominator_value"].as_f64().unwrap())
        );
        assert_eq!(row[4], format!("{:.6}", b["share"].as_f64().unwrap()));
        assert_eq!(
            row[7],
            format!("{:.2}", b["cost_to_target"].as_f64().unwrap())
        );
    }
    assert_eq!(rows[4][7], "27193755.00", "the Dalsland total increase");

    // Every numeric cell of every table in the report equals the CSV of that table.
    let mut compared = 0;
    for entry in std::fs::read_dir(dir.path().join("tables")).unwrap() {
        let p = entry.unwrap().path();
        let id = p.file_stem().unwrap().to_string_lossy().to_string();
        let Some(h) = html_table(&html, &id) else {
            continue; // a table the report does not show (empty, or the named table of an anonymised view)
        };
        let c = read_csv_rows(&p);
        assert_eq!(h.len(), c.len(), "{id}: row count");
        for (hr, cr) in h.iter().zip(&c) {
            assert_eq!(hr.len(), cr.len(), "{id}: cell count");
            for (hv, cv) in hr.iter().zip(cr) {
                if hv.parse::<f64>().is_ok() || cv.parse::<f64>().is_ok() {
                    assert_eq!(hv, cv, "{id}");
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 300, "compared {compared} numeric cells");

    // The same run gives the same bytes.
    let dir2 = temp_dir();
    itcost()
        .args(["run", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(dir2.path())
        .assert()
        .success();
    for f in ["report.html", "summary.json", "tables/work_areas.csv"] {
        assert_eq!(
            std::fs::read(dir.path().join(f)).unwrap(),
            std::fs::read(dir2.path().join(f)).unwrap(),
            "{f} is byte-identical across runs"
        );
    }
}

#[test]
fn english_report_has_english_labels() {
    let dir = temp_dir();
    let p = dir.path().join("r.html");
    itcost()
        .args(["run", "--lang", "en", "--config"])
        .arg(dalsland_config())
        .arg("--html")
        .arg(&p)
        .assert()
        .success();
    let html = std::fs::read_to_string(&p).unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Inside and outside central IT per cost pool"));
    assert!(html.contains("Run and development"));
    itcost()
        .args(["run", "--lang", "fi", "--config"])
        .arg(dalsland_config())
        .assert()
        .code(64)
        .stderr(predicates::str::contains(
            "invalid value 'fi' for '--lang <LANG>'",
        ));
}

/// A one-municipality ledger with the four cost items of Bengtsfors in the Dalsland study, on central IT.
fn bengtsfors_items(dir: &Path) -> std::path::PathBuf {
    let ledger = dir.join("b.csv");
    std::fs::write(
        &ledger,
        "Konto;Kontotext;Ansvar;Datum;Leverantör;Belopp\n\
         7412;IT-tjänster;2200;2024-03-01;Tieto;3 245 000,00\n\
         6412;Datorer och kringutrustning;2200;2024-03-01;Atea;1 244 000,00\n\
         6813;Datakommunikation;2200;2024-03-01;Telia;645 000,00\n\
         7415;IT-konsulter;2200;2024-03-01;Acme;430 000,00\n\
         5011;Månadsavlönade;2200;2024-03-01;;5 452 793,00\n\
         5011;Månadsavlönade;3000;2024-03-01;;600 000 000,00\n",
    )
    .unwrap();
    let cfg = dir.join("b.toml");
    std::fs::write(
        &cfg,
        format!(
            "[[municipality]]\nname = \"Bengtsfors\"\nyear = 2024\nledgers = [{:?}]\ncentral_it = [\"2200\"]\n\
             [[savings]]\nlabel = \"Dalsland 30 %\"\nrate = \"30%\"\npools = [\"Outside Services\", \"Hardware\", \"Telecom\", \"External Labor\"]\n",
            ledger.display().to_string()
        ),
    )
    .unwrap();
    cfg
}

#[test]
fn dalsland_savings_cells_to_the_krona() {
    let dir = temp_dir();
    let r = itcost::pipeline::run(itcost::config::load(&bengtsfors_items(dir.path())).unwrap())
        .unwrap();
    let s = &r.analyses.savings[0];
    let by_pool: BTreeMap<&str, (i64, i64)> = s
        .lines
        .iter()
        .map(|l| (l.pool, (l.base.0 / 100, l.saving.0 / 100)))
        .collect();
    // Study F6, Bengtsfors: IT-tjänster 3 245 000 – 973 500, IT-utrustning 1 244 000 – 373 200,
    // IT-kommunikation 645 000 – 193 500, Konsultstöd 430 000 – 129 000.
    assert_eq!(by_pool["Outside Services"], (3_245_000, 973_500));
    assert_eq!(by_pool["Hardware"], (1_244_000, 373_200));
    assert_eq!(by_pool["Telecom"], (645_000, 193_500));
    assert_eq!(by_pool["External Labor"], (430_000, 129_000));
    assert_eq!(s.total_base.0, 5_564_000 * 100);
    assert_eq!(s.total_saving.0, 1_669_200 * 100, "30 % of the four items");
    // The study's per-municipality "Totalsumma" (2 782 000) is 50 % of the same items: a known slip in the study.
    assert_ne!(s.total_saving.0, 2_782_000 * 100);
    assert_eq!(s.total_base.0 / 2, 2_782_000 * 100);
    assert!(s
        .lines
        .iter()
        .any(|l| l.arithmetic == "3 245 000 kr × 30 % = 973 500 kr"));
}

#[test]
fn joint_org_splits_sum_exactly_and_follow_the_keys() {
    let r = dalsland();
    let j = r.analyses.joint_org.as_ref().expect("configured");
    assert_eq!(j.cost.0, 45_939_995 * 100, "the four 2024 central IT costs");
    for (key, rows) in &j.splits {
        assert_eq!(
            rows.iter().map(|x| x.amount.0).sum::<i64>(),
            j.cost.0,
            "{key:?} sums to the cost, to the öre"
        );
    }
    let (_, equal) = &j.splits[0];
    assert!(equal.iter().all(|x| (x.amount.0 - j.cost.0 / 4).abs() <= 1));
    let (_, pop) = &j.splits[1];
    let total_pop: u64 = pop.iter().map(|x| x.driver).sum();
    assert_eq!(total_pop, 9_800 + 9_300 + 12_600 + 6_600);
    let b = &pop[0];
    assert_eq!(b.municipality, "Bengtsfors");
    let exact = j.cost.0 as f64 * 9_800.0 / total_pop as f64;
    assert!((b.amount.0 as f64 - exact).abs() <= 1.0);
    assert_eq!(b.difference.0, b.amount.0 - 12_496_743 * 100);
}

#[test]
fn trend_change_splits_into_it_and_denominator_effects() {
    let r = dalsland();
    let t = &r.analyses.trends;
    assert_eq!(t.years.len(), 2, "Mellerud 2023 and 2024");
    let c = &t.changes[0];
    assert_eq!(
        (c.municipality.as_str(), c.from, c.to),
        ("Mellerud", 2023, 2024)
    );
    assert_eq!(c.numerator_change.0, (12_536_252 - 11_874_000) * 100);
    assert_eq!(c.denominator_change.0, (720_000_000 - 692_500_000) * 100);
    let (s, it, den) = (
        c.share_change.unwrap(),
        c.it_effect.unwrap(),
        c.denominator_effect.unwrap(),
    );
    assert!((s - (it + den)).abs() < 1e-15, "the parts add up");
    assert!((s - (12_536_252.0 / 720_000_000.0 - 11_874_000.0 / 692_500_000.0)).abs() < 1e-15);
    assert!(it > 0.0 && den < 0.0, "IT grew, and so did the denominator");
    // The benchmark still compares 2024 only.
    assert_eq!(r.benchmark.n, 4);
}

#[test]
fn work_areas_come_from_rules_and_allocation_keys() {
    let r = dalsland();
    let wa = &r.analyses.work_areas;
    for m in &wa.municipalities {
        let sum: i64 = m.areas.iter().map(|a| a.total.0).sum::<i64>() + m.unallocated.0;
        assert_eq!(sum, m.central_it_cost.0, "{}: nothing lost", m.municipality);
        assert_eq!(
            m.run.0 + m.development.0 + m.unallocated.0,
            m.central_it_cost.0
        );
    }
    let res = |name: &str| {
        r.municipalities
            .iter()
            .find(|m| m.name == name && m.year == Some(2024))
            .unwrap()
    };
    let by = |name: &str| {
        wa.municipalities
            .iter()
            .find(|m| m.municipality == name)
            .unwrap()
    };
    // As the studies did it (issue 13, item 6): the keys spread central IT's labour (all of its Internal Labor,
    // whatever tower a rule gave it); other pools keep their rules' towers or stay unallocated.
    let labour = |name: &str| res(name).pools["Internal Labor"].central.0;
    let non_labour_untowered = |name: &str| {
        let m = res(name);
        m.towers["Unassigned"].central.0
            - m.central_labour_towers
                .get("Unassigned")
                .map(|k| k.0)
                .unwrap_or(0)
    };
    // Bengtsfors: staff 4 / 5 / 2 / 1 of its central IT labour.
    let l = labour("Bengtsfors");
    let b = by("Bengtsfors");
    let keys: Vec<i64> = b.areas.iter().map(|a| a.from_keys.0).collect();
    assert_eq!(keys.iter().sum::<i64>(), l);
    assert!((keys[0] as f64 - l as f64 * 4.0 / 12.0).abs() <= 1.0);
    assert!((keys[3] as f64 - l as f64 / 12.0).abs() <= 1.0);
    assert_eq!(b.unallocated.0, non_labour_untowered("Bengtsfors"));
    // Åmål: percentages summing to 95 %: 5 % of its labour stays unallocated, beside other pools without a tower.
    let unalloc = by("Åmål").unallocated.0 - non_labour_untowered("Åmål");
    assert!((unalloc as f64 - labour("Åmål") as f64 * 0.05).abs() <= 1.0);
    // Färgelanda gave no keys: its labour is unallocated, never spread silently; it is not in the group mean.
    assert_eq!(
        by("Färgelanda").unallocated.0,
        labour("Färgelanda") + non_labour_untowered("Färgelanda")
    );
    let with_keys: Vec<&str> = vec!["Bengtsfors", "Mellerud", "Åmål"];
    let mean0: f64 = with_keys
        .iter()
        .map(|n| by(n).areas[0].share.unwrap())
        .sum::<f64>()
        / 3.0;
    assert!(
        (wa.group_mean[0].1 - mean0).abs() < 1e-12,
        "mean over the units with keys"
    );
    assert!(by("Färgelanda").keys_source.is_empty());
    assert!(by("Mellerud")
        .keys_source
        .ends_with("dalsland-2024-work-areas.csv:6"));
}

#[test]
fn inside_outside_per_pool_and_department() {
    let r = dalsland();
    let g = &r.analyses.mix.group;
    let pools: Vec<&str> = g.iter().map(|x| x.pool).collect();
    assert_eq!(
        pools,
        ["Hardware", "Software", "Telecom"],
        "the narrow scope"
    );
    // The samples are built near Fyrbodal's 82/18, 38/62, 59/41.
    let shares: Vec<f64> = g.iter().map(|x| x.central_share.unwrap()).collect();
    assert!((shares[0] - 0.86).abs() < 0.02 && (shares[1] - 0.38).abs() < 0.02);
    for m in r.municipalities.iter() {
        let total: i64 = m.departments.iter().map(|d| d.total_cost.0).sum();
        assert_eq!(total, m.total_cost.0, "{}: departments add up", m.name);
        let it: i64 = m
            .departments
            .iter()
            .map(|d| d.central_it.0 + d.outside_it.0)
            .sum();
        assert_eq!(it, m.it_cost.0);
        assert!(m.departments.iter().all(|d| !d.department.is_empty()));
        let klf = m
            .departments
            .iter()
            .find(|d| d.central_it.0 > 0)
            .expect("central IT's department");
        assert_eq!(klf.central_it, m.central_it_cost);
    }
}

#[test]
fn suppliers_above_threshold_and_shared() {
    let r = dalsland();
    let s = &r.analyses.suppliers;
    assert_eq!(s.threshold.0, 100_000 * 100);
    for c in &s.counts {
        assert!(c.suppliers <= c.all_suppliers);
    }
    let atea = s
        .shared
        .iter()
        .find(|x| x.supplier == "Atea Sverige AB")
        .expect("Atea invoices every municipality");
    assert_eq!(atea.municipalities.len(), 4);
    let total: i64 = r
        .municipalities
        .iter()
        .filter(|m| m.year == Some(2024))
        .flat_map(|m| m.suppliers.iter())
        .filter(|x| x.supplier == "Atea Sverige AB")
        .map(|x| x.amount.0)
        .sum();
    assert_eq!(atea.amount.0, total);
    assert!(s.largest.windows(2).all(|w| w[0].amount >= w[1].amount));
}

#[test]
fn anonymised_view_uses_letters_and_keeps_the_highlight() {
    let dir = temp_dir();
    let text = std::fs::read_to_string(dalsland_config()).unwrap().replace(
        "highlight = \"Mellerud\"",
        "highlight = \"Åmål\"\nanonymise = true",
    );
    let cfg = root().join("sample-ledgers/.anon-test.toml");
    std::fs::write(&cfg, text).unwrap();
    let r = itcost::pipeline::run(itcost::config::load(&cfg).unwrap());
    let _ = std::fs::remove_file(&cfg);
    let r = r.unwrap();
    let labels: Vec<&str> = r
        .analyses
        .view
        .rows
        .iter()
        .map(|x| x.label.as_str())
        .collect();
    assert_eq!(
        labels,
        ["A", "B", "C", "Åmål"],
        "highest share first, Åmål last"
    );
    assert!(r.analyses.view.rows[3].highlighted);
    let d = &r.analyses.view.distribution;
    assert_eq!(d.n, 4);
    assert!((d.median.unwrap() - (0.0174027777 + 0.0161355535) / 2.0).abs() < 1e-6);
    // Per capita: Åmål's central IT cost over its inhabitants.
    assert!((r.analyses.view.rows[3].per_capita.unwrap() - 12_531_000.0 / 12_600.0).abs() < 1e-6);
    let html = itcost::report::html::render(&r, itcost::report::tables::Lang::Sv);
    assert!(
        !html.contains("id=\"t-benchmark\""),
        "the named table stays out of an anonymised report"
    );
    drop(dir);
}

#[test]
fn bad_allocation_keys_are_refused_with_file_and_line() {
    let dir = temp_dir();
    let cases = [
        (
            "kommun;år;arbetsområde;andel\nMellerud;2024;Infrastruktur;60%\nMellerud;2024;Drift;40%\n",
            "keys.csv:3: unknown work area 'Drift'; expected Infrastruktur, Slutanvändartjänster",
        ),
        (
            "kommun;år;arbetsområde;andel\nMellerud;2024;Infrastruktur;60%\nMellerud;2024;Styra och stödja;50%\n",
            "keys.csv:2: the shares of Mellerud 2024 add up to 110.0 %, more than 100 %",
        ),
        (
            "kommun;år;arbetsområde;andel\nMellerud;2024;Infrastruktur;60%\nMellerud;2024;Network;3\n",
            "keys.csv:2: Mellerud 2024 mixes percentages and staff counts",
        ),
        (
            "kommun;år;arbetsområde;andel\nMellerud;24x;Infrastruktur;60%\n",
            "keys.csv:2: expected a year like 2024, found '24x'",
        ),
        (
            "kommun;område\nMellerud;Infrastruktur\n",
            "keys.csv:1: expected the columns municipality, year, area and share (or fte)",
        ),
    ];
    let ledger = root().join("sample-ledgers/mellerud-2024.csv");
    for (keys, message) in cases {
        std::fs::write(dir.path().join("keys.csv"), keys).unwrap();
        let cfg = dir.path().join("c.toml");
        std::fs::write(
            &cfg,
            format!(
                "allocation_keys = \"keys.csv\"\n[[municipality]]\nname = \"Mellerud\"\nyear = 2024\nledgers = [{:?}]\ncentral_it = [\"1510\"]\n",
                ledger.display().to_string()
            ),
        )
        .unwrap();
        itcost()
            .args(["run", "--config"])
            .arg(&cfg)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(message));
    }
}

#[test]
fn every_table_is_defined_once_under_its_own_id() {
    use itcost::report::tables::{Lang, TABLES};
    let r = dalsland();
    let mut seen = std::collections::BTreeSet::new();
    for (id, table) in TABLES {
        assert!(seen.insert(id), "table id '{id}' listed twice");
        for lang in [Lang::Sv, Lang::En] {
            let t = table(&r, lang);
            assert_eq!(
                t.id, id,
                "TABLES lists '{id}' for a function building '{}'",
                t.id
            );
            assert_eq!(
                t.headers.len(),
                t.keys.len(),
                "{id}: a header per CSV column"
            );
            for row in &t.rows {
                assert_eq!(row.len(), t.keys.len(), "{id}: a cell per column");
            }
        }
    }
}
