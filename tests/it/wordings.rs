//! The default rules on account wordings they were not written for (issue 13, item 4): at least 60 IT and 60
//! non-IT account texts as municipalities word them (`tests/fixtures/wordings/kommun-bas-13.csv`, with where
//! each wording comes from). The test prints the hit rate and the misses, and requires at least 95 %.

use itcost::classify::{decide, MunicipalityKeys};
use itcost::config::narrow_scope;
use itcost::rules::{KeyView, RuleSet};

/// One wording of the set.
struct Wording {
    line: usize,
    account: String,
    text: String,
    pool: String,
    it: bool,
}

fn wordings() -> Vec<Wording> {
    let path = crate::util::root().join("tests/fixtures/wordings/kommun-bas-13.csv");
    let src = std::fs::read_to_string(&path).expect("the wording set");
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        if line.starts_with('#') || line.starts_with("account;") || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(';').collect();
        assert_eq!(
            f.len(),
            5,
            "{}:{}: expected 5 fields",
            path.display(),
            i + 1
        );
        assert!(
            matches!(f[3], "yes" | "no"),
            "{}:{}: it must be yes or no",
            path.display(),
            i + 1
        );
        assert!(
            !f[4].is_empty(),
            "{}:{}: every wording names its source",
            path.display(),
            i + 1
        );
        out.push(Wording {
            line: i + 1,
            account: f[0].into(),
            text: f[1].into(),
            pool: f[2].into(),
            it: f[3] == "yes",
        });
    }
    out
}

#[test]
fn default_rules_classify_at_least_95_percent_of_municipal_wordings() {
    let set = wordings();
    let (it, not_it) = (
        set.iter().filter(|w| w.it).count(),
        set.iter().filter(|w| !w.it).count(),
    );
    assert!(
        it >= 60 && not_it >= 60,
        "the set has {it} IT and {not_it} non-IT wordings"
    );
    let rules = RuleSet::load(None).unwrap();
    let scope = narrow_scope();
    let m = MunicipalityKeys::default();
    let mut misses = Vec::new();
    for w in &set {
        let lower = w.text.to_lowercase();
        let k = KeyView {
            account: &w.account,
            account_text: &lower,
            cost_centre: "300",
            supplier: "",
            text: itcost::rules::keywords::FreeText::empty(),
            counterpart: "",
            central_it: false,
        };
        let d = decide(&rules, &scope, &m, &k);
        let pool = d.pool.map(|p| p.name()).unwrap_or("-");
        if pool != w.pool || d.it != w.it {
            misses.push(format!(
                "  line {}: {} {:?}: expected {} (it {}), got {} (it {}, rule {})",
                w.line, w.account, w.text, w.pool, w.it, pool, d.it, d.rule_id
            ));
        }
    }
    let hits = set.len() - misses.len();
    let rate = hits as f64 / set.len() as f64;
    eprintln!(
        "default rules on {} wordings ({it} IT, {not_it} not IT): {hits} right, {:.1} %",
        set.len(),
        rate * 100.0
    );
    for m in &misses {
        eprintln!("{m}");
    }
    assert!(
        rate >= 0.95,
        "hit rate {:.1} % is below 95 %; misses:\n{}",
        rate * 100.0,
        misses.join("\n")
    );
}
