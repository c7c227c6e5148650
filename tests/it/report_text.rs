//! The report's defects (issue 12, item 4) and references compared like with like (item 2): above the target the
//! headline says so, no empty bars, CSV links only where the CSV is written, empty sections say why, a Swedish
//! report speaks Swedish, references that measure something else are listed as not comparable.

use crate::util::{dalsland_config, itcost, root, temp_dir};

fn html_of(args: &[&str]) -> String {
    let tmp = temp_dir();
    let p = tmp.path().join("r.html");
    itcost()
        .current_dir(root().join("tests/bad_input"))
        .args(args)
        .arg("--html")
        .arg(&p)
        .assert()
        .success();
    std::fs::read_to_string(&p).unwrap()
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let s = &html[html.find(&format!(r#"<section id="{id}">"#)).unwrap()..];
    &s[..s.find("</section>").unwrap()]
}

#[test]
fn above_the_target_the_headline_says_so_and_no_empty_bar_is_drawn() {
    let cfg = dalsland_config();
    let html = html_of(&["run", "--config", cfg.to_str().unwrap(), "--target", "1%"]);
    let summary = section(&html, "summary");
    assert!(
        summary.contains("över målet 1,00 % (andelen ligger 0,57 procentenheter över)"),
        "{summary}"
    );
    assert!(!summary.contains("ökning för att nå"), "{summary}");
    assert!(
        summary.contains("4 av 4 ligger under Riksgenomsnitt 2021, 2,5 % (som studien använde det"),
        "the sample's reference is counted, in Swedish: {summary}"
    );
    let whatif = section(&html, "what-if");
    assert!(
        !whatif.contains("Ökning för att nå"),
        "no chart of empty bars: {whatif}"
    );
    assert!(
        whatif
            .contains("Redan på eller över målet 1,00 %: Bengtsfors, Mellerud, Åmål, Färgelanda."),
        "{whatif}"
    );
}

#[test]
fn references_that_measure_something_else_are_listed_as_not_comparable() {
    // A default run: central IT / total cost. The national average measures all IT / net cost.
    let out = itcost()
        .current_dir(root().join("tests/bad_input"))
        .args(["run", "central-it.csv", "--central-it", "1410,1411"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("  reference 2.50 %: National average 2021: 2.5 % of net cost on IT — not comparable: measures all IT / net cost (Radar Group, via Dalsland IT-samverkan förstudie 2024)"),
        "{text}"
    );
    assert!(
        text.contains("  reference 2.00 %: Research level (SCDI): just under 2 % of operating cost on central IT — 0 of 1 below"),
        "{text}"
    );
    let html = html_of(&["run", "central-it.csv", "--central-it", "1410,1411"]);
    let bench = section(&html, "benchmark");
    assert!(
        bench.contains(r#"<p class="note muted">2,50 % Riksgenomsnitt 2021: 2,5 % av nettokostnaden på IT — inte jämförbar: mäter all IT / nettokostnad"#),
        "{bench}"
    );
    let chart = &bench[bench.find("<svg").unwrap()..bench.find("</svg>").unwrap()];
    assert!(
        chart.contains("Forskningsnivå (SCDI)") && !chart.contains("Riksgenomsnitt"),
        "only the comparable reference is drawn: {chart}"
    );
    // The Dalsland sample declares its 2.5 % as the study used it: counted, 4 of 4 below.
    let v: serde_json::Value = serde_json::from_slice(
        &itcost()
            .args(["run", "--json", "--config"])
            .arg(dalsland_config())
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    let refs = v["benchmark"]["references"].as_array().unwrap();
    assert_eq!(refs[0]["numerator"], "central_it");
    assert_eq!(refs[0]["denominator"], "net_cost");
    assert_eq!(refs[0]["comparable"], true);
    assert_eq!(
        refs[1]["comparable"], false,
        "the research level measures total cost"
    );
    assert_eq!(
        v["analyses"]["view"]["below_reference"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(v["analyses"]["view"]["below_reference"][0][1], 4);
}

#[test]
fn a_swedish_report_speaks_swedish_and_links_csv_only_when_written() {
    let html = html_of(&["run", "central-it.csv", "--central-it", "1410,1411"]);
    // Machine names in attributes (data-pool="Hardware") are not interface text.
    let visible = regex::Regex::new(r#"data-[a-z]+="[^"]*""#).unwrap();
    let html = visible.replace_all(&html, "").to_string();
    for english in [
        "Research level",
        "National average",
        "narrow",
        "Hardware",
        "Cloud services",
    ] {
        assert!(
            !html.contains(english),
            "English '{english}' in a Swedish report"
        );
    }
    assert!(
        html.contains("smalt (Hårdvara, Mjukvara, Telekom)"),
        "the scope in Swedish"
    );
    assert!(
        html.contains("Molntjänster, SaaS och licensavgifter"),
        "the rules' why_sv"
    );
    assert!(
        !html.contains("CSV: <code>"),
        "--html alone writes no CSV, so links to none"
    );
    assert!(
        section(&html, "suppliers")
            .contains("Ingen leverantörskolumn i huvudböckerna: leverantörer kan inte visas."),
        "an empty section says why"
    );
    let en = html_of(&[
        "run",
        "central-it.csv",
        "--central-it",
        "1410,1411",
        "--lang",
        "en",
    ]);
    for swedish in [
        "Forskningsnivå",
        "Riksgenomsnitt",
        "smalt",
        "Hårdvara",
        "Molntjänster",
    ] {
        assert!(
            !en.contains(swedish),
            "Swedish '{swedish}' in an English report"
        );
    }
    let tmp = temp_dir();
    itcost()
        .args(["run", "--config"])
        .arg(dalsland_config())
        .arg("--out")
        .arg(tmp.path())
        .assert()
        .success();
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(
        html.contains("CSV: <code>tables/benchmark_view.csv</code>"),
        "with --out the CSV is there"
    );
}

/// A run without central IT cost centres gives 0 % central IT: the report says why where the number stands, in
/// the reader's language (Swedish in a Swedish report, English in an English one, never the other).
#[test]
fn no_central_it_given_is_said_in_the_summary_in_the_readers_language() {
    let ledger = root().join("sample-ledgers/mellerud-2024.csv");
    let ledger = ledger.to_str().unwrap();
    let sv = html_of(&["run", ledger]);
    let summary = section(&sv, "summary");
    assert!(
        summary
            .contains("inga centrala IT-ansvar angivna för mellerud-2024: central IT-kostnad är 0"),
        "{summary}"
    );
    assert!(
        !sv.contains("no central IT cost centres given"),
        "no English in the Swedish report"
    );
    let en = html_of(&["run", ledger, "--lang", "en"]);
    assert!(
        section(&en, "summary")
            .contains("no central IT cost centres given for mellerud-2024: central IT cost is 0"),
        "the English report says it in English"
    );
    assert!(
        !en.contains("inga centrala IT-ansvar"),
        "no Swedish in the English report"
    );
}

/// The references' sources (built-in and the sample's) are written so that they read in both languages: no
/// English connective such as "cited in" in a Swedish report.
#[test]
fn reference_sources_read_in_both_languages() {
    let cfg = dalsland_config();
    let html = html_of(&["run", "--config", cfg.to_str().unwrap()]);
    assert!(!html.contains("cited in"), "English in the Swedish report");
    assert!(html.contains("Radar Group, via Dalsland IT-samverkan förstudie 2024"));
}
