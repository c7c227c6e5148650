//! Rules files: the shipped ones parse and decide as documented; invalid ones are refused with file, line, reason.

use crate::util::{itcost, temp_dir};
use itcost::classify::{decide, MunicipalityKeys, Scope};
use itcost::config::narrow_scope;
use itcost::rules::{parse_rules, KeyView, RuleSet, RulesSource};

fn refuse(src: &str) -> String {
    parse_rules(src, RulesSource::Builtin("test"))
        .expect_err("must be refused")
        .message
}

const HEAD: &str = "[accounts]\ncost = [\"4*\", \"5*\", \"6*\", \"7*\"]\nrevenue = [\"3*\"]\n";

#[test]
fn unknown_pool_bad_regex_duplicates_and_unreachable_rules_are_all_reported() {
    let src = format!(
        "{HEAD}\n[[rule]]\nid = \"a\"\naccount = \"68*\"\npool = \"Hardwre\"\n\n[[rule]]\nid = \"b\"\naccount_text = {{ regex = \"(\" }}\npool = \"Other\"\n\n\
         [[rule]]\nid = \"a\"\naccount = \"6841\"\npool = \"Telecom\"\n\n[[rule]]\nid = \"c\"\naccount = \"6400-6499\"\npool = \"Hardware\"\n"
    );
    let msg = refuse(&src);
    assert!(
        msg.starts_with("builtin:test: invalid rules file (4 problems):"),
        "{msg}"
    );
    assert!(
        msg.contains(
            "builtin:test:8: rule 'a': unknown pool 'Hardwre'; expected one of Internal Labor,"
        ),
        "{msg}"
    );
    assert!(msg.contains("builtin:test:12: bad regex '('"), "{msg}");
    assert!(
        msg.contains("builtin:test:16: duplicate rule id 'a' (first used on line 5)"),
        "{msg}"
    );
    assert!(
        msg.contains("builtin:test:15: rule 'a' can never match: rule 'a' (line 5) comes first"),
        "{msg}"
    );
}

#[test]
fn syntax_errors_and_unknown_keys_name_the_line() {
    let msg = refuse(&format!(
        "{HEAD}\n[[rule]]\nid = \"x\"\naccont = \"64*\"\npool = \"Other\"\n"
    ));
    assert!(
        msg.contains("\n  builtin:test:7: rule 'x': accont = \"64*\": unknown field `accont`"),
        "{msg}"
    );
    let msg = refuse("[accounts\n");
    assert!(msg.starts_with("builtin:test:1:"), "{msg}");
    let msg = refuse(&format!(
        "{HEAD}\n[[rule]]\nid = \"x\"\naccount = \"64*\"\n"
    ));
    assert!(msg.contains("expected exactly one of pool"), "{msg}");
    let msg = refuse("name = \"no accounts\"\n");
    assert!(msg.contains("expected an [accounts] section"), "{msg}");
}

#[test]
fn type_errors_name_rule_and_key_and_every_problem_is_reported_at_once() {
    let msg = refuse(&format!(
        "{HEAD}\n[[rule]]\nid = \"x\"\naccount = \"65 40\"\npool = \"Software\"\nit = \"ja\"\n\n         [[rule]]\nid = \"y\"\naccount = 6540\npool = \"Hardwre\"\n"
    ));
    assert_eq!(
        msg,
        "builtin:test: invalid rules file (4 problems):\n  \
         builtin:test:9: rule 'x': it = \"ja\": expected true or false\n  \
         builtin:test:13: rule 'y': account = 6540: expected a code in quotes or a list of them (\"6412\" or [\"64*\", \"65*\"])\n  \
         builtin:test:7: rule 'x': account: expected one code like 6540, 65* or 6500-6599, found '65 40': a code has no spaces (write it without the space, or as separate codes)\n  \
         builtin:test:14: rule 'y': unknown pool 'Hardwre'; expected one of Internal Labor, External Labor, Outside Services, Hardware, Software, Facilities & Power, Telecom, Other, Internal Services"
    );
}

#[test]
fn cli_check_refuses_with_exit_code_3() {
    let dir = temp_dir();
    let p = dir.path().join("bad.toml");
    std::fs::write(
        &p,
        format!("{HEAD}\n[[rule]]\nid = \"x\"\naccount = \"64*\"\npool = \"Hårdvaror\"\n"),
    )
    .unwrap();
    let out = itcost().arg("check").arg(&p).assert().code(3);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains(&format!(
            "{}:8: rule 'x': unknown pool 'Hårdvaror'",
            p.display()
        )),
        "{err}"
    );
}

fn key<'a>(account: &'a str, account_text: &'a str, cc: &'a str, central: bool) -> KeyView<'a> {
    KeyView {
        account,
        account_text,
        cost_centre: cc,
        supplier: "",
        text: itcost::rules::keywords::FreeText::empty(),
        counterpart: "",
        central_it: central,
    }
}

#[test]
fn default_rules_decide_as_documented() {
    let rules = RuleSet::load(None).unwrap();
    let scope = narrow_scope();
    let m = MunicipalityKeys::default();
    let d = |a: &str, t: &str, central: bool| {
        let lower = t.to_lowercase();
        decide(&rules, &scope, &m, &key(a, &lower, "100", central))
    };
    let x = d("6812", "Mobiltelefoni", false);
    assert_eq!(
        (x.scope, &*x.rule_id, x.pool.map(|p| p.name())),
        (Scope::OutsideIt, "kb68-mobile", Some("Telecom"))
    );
    assert_eq!(
        x.tower.map(|t| t.name()),
        Some("End User"),
        "telephony is an end-user service (A5)"
    );
    let x = d("6813", "Datakommunikation", false);
    assert_eq!(x.tower.map(|t| t.name()), Some("Network"));
    let x = d("6851", "Porto", false);
    assert_eq!((x.scope, &*x.rule_id), (Scope::NotIt, "kb68-post"));
    let x = d("6413", "Programvaror och licenser", false);
    assert_eq!((x.scope, &*x.rule_id), (Scope::OutsideIt, "kb64-software"));
    let x = d("7412", "IT-tjänster", false);
    assert_eq!(
        (x.scope, &*x.rule_id, x.it),
        (Scope::NotIt, "kb74-it-services", true),
        "out of the narrow scope"
    );
    let x = d("5011", "Månadsavlönade", true);
    assert_eq!(
        (x.scope, x.pool.map(|p| p.name())),
        (Scope::CentralIt, Some("Internal Labor"))
    );
    let x = d("7911", "Avskrivningar maskiner", true);
    assert_eq!(
        (&*x.rule_id, x.sub_pool.map(|s| s.name())),
        ("kb79-central-it", Some("depreciation"))
    );
    let x = d("6013", "Interna lokalhyror", false);
    assert_eq!(
        (x.scope, &*x.rule_id),
        (Scope::Internal, "internal.account_text")
    );
    let x = d("6813", "Internet och bredband", false);
    assert_eq!(x.scope, Scope::OutsideIt, "Internet is not internal");
    let x = d("1930", "Bank", false);
    assert_eq!(
        (x.scope, &*x.rule_id),
        (Scope::Excluded, "accounts.balance_sheet")
    );
    // Investment is never operating cost; an IT rule makes it IT investment in its pool (issue 13, item 4).
    let x = d("4023", "Datorer", true);
    assert_eq!(
        (x.scope, &*x.rule_id, x.pool.map(|p| p.name()), x.it),
        (Scope::Excluded, "kb40-hardware", Some("Hardware"), true)
    );
    let x = d("4011", "Byggnader", true);
    assert_eq!(
        (x.scope, &*x.rule_id, x.pool, x.it),
        (Scope::Excluded, "accounts.investment", None, false)
    );
    // Depreciation of IT outside central IT is IT, like a lease; IT consultants are External Labor.
    let x = d("7931", "Avskrivning datorer", false);
    assert_eq!(
        (
            x.scope,
            x.pool.map(|p| p.name()),
            x.sub_pool.map(|s| s.name())
        ),
        (Scope::OutsideIt, Some("Hardware"), Some("depreciation"))
    );
    let x = d("7415", "Konsulttjänster IT", false);
    assert_eq!(
        (&*x.rule_id, x.pool.map(|p| p.name()), x.it),
        ("kb74-it-consultants", Some("External Labor"), true)
    );
    let x = d("9999", "Okänt", false);
    assert_eq!(
        (x.scope, &*x.rule_id),
        (Scope::Excluded, "accounts.unknown")
    );
    let x = d("3411", "Taxor", true);
    assert_eq!(
        (x.scope, &*x.rule_id),
        (Scope::NotIt, "accounts.revenue"),
        "revenue is never central IT cost"
    );
    let x = d("6411", "Förbrukningsinventarier", false);
    assert!(!x.suspect);
    let lower = "förbrukningsinventarier".to_string();
    let mut k = key("6411", &lower, "100", false);
    k.supplier = "dustin sverige ab";
    assert!(
        decide(&rules, &scope, &m, &k).suspect,
        "an IT supplier on a non-IT account is a suspect"
    );
}

#[test]
fn bas_rules_use_the_company_chart() {
    let rules = RuleSet::load(Some(std::path::Path::new("builtin:bas"))).unwrap();
    let m = MunicipalityKeys::default();
    let x = decide(
        &rules,
        &narrow_scope(),
        &m,
        &key("5420", "programvaror", "", false),
    );
    assert_eq!(
        (x.scope, x.pool.map(|p| p.name())),
        (Scope::OutsideIt, Some("Software"))
    );
    let x = decide(
        &rules,
        &narrow_scope(),
        &m,
        &key("7010", "löner", "", false),
    );
    assert_eq!(x.pool.map(|p| p.name()), Some("Internal Labor"));
}

/// `decide_keys` decides each distinct (account, texts, supplier, counterpart, signature, cost-centre class) once
/// and copies the decision to the other keys: every key's decision must equal deciding that key on its own, with
/// cost centres that differ in central IT, `staff_it`, and a rule's cost-centre condition.
#[test]
fn decide_keys_equals_deciding_each_key_on_its_own() {
    use itcost::classify::{decide_keys, key_view, ClassifiedKey, Decision};
    let tmp = temp_dir();
    let file = tmp.path().join("cc-rules.toml");
    std::fs::write(
        &file,
        "include = \"builtin:kommun-bas-13\"\n\n[[rule]]\nid = \"cc-digital\"\nwhy = \"The digitalisation unit's \
         consultants are IT.\"\naccount = \"6550\"\ncost_centre = [\"20*\", \"2150\"]\npool = \"Outside Services\"\n\
         it = true\n",
    )
    .unwrap();
    let rules = RuleSet::load(Some(&file)).unwrap();
    let scope = narrow_scope();
    let unit = |central: &str, staff: &str| MunicipalityKeys {
        central_it: vec![itcost::rules::pattern::CodePattern::parse(central).unwrap()],
        staff_it: vec![itcost::rules::pattern::CodePattern::parse(staff).unwrap()],
        ..MunicipalityKeys::default()
    };
    let units = vec![
        ("A".to_string(), unit("1510", "2025")),
        ("B".to_string(), unit("20*", "1510")),
    ];
    let accounts = [
        ("6550", "Konsulttjänster"),
        ("5011", "Månadslön"),
        ("6411", "Förbrukningsinventarier"),
        ("6812", "Mobiltelefoni"),
        ("1220", "Inventarier"),
        ("3411", "Taxor"),
    ];
    let ccs = ["", "1510", "2000", "2025", "2150", "2151", "9999"];
    let suppliers = ["", "Dustin Sverige AB", "Bageriet"];
    let mut table = Vec::new();
    for u in 0..units.len() {
        for (a, t) in accounts {
            for cc in ccs {
                for (s, supplier) in suppliers.iter().enumerate() {
                    for dept in ["D1", "D2"] {
                        table.push(ClassifiedKey {
                            unit: u,
                            account: a.into(),
                            account_text: t.into(),
                            cost_centre: cc.into(),
                            department: dept.into(),
                            supplier: supplier.to_string().into(),
                            counterpart: if s == 2 { "99" } else { "" }.into(),
                            text_sig: if s == 1 { vec![1] } else { Vec::new() }.into(),
                            amount: 100,
                            lines: 1,
                            decision: Decision::default(),
                        });
                    }
                }
            }
        }
    }
    decide_keys(&mut table, &rules, &scope, &units);
    let mut took_cc_rule = 0;
    for k in &table {
        let m = &units[k.unit].1;
        let (at, su) = (k.account_text.to_lowercase(), k.supplier.to_lowercase());
        let view = key_view(
            m,
            &k.account,
            &at,
            &k.cost_centre,
            &su,
            rules.free_text(&k.text_sig),
            &k.counterpart,
        );
        let alone = decide(&rules, &scope, m, &view);
        assert_eq!(format!("{:?}", k.decision), format!("{alone:?}"), "{k:?}");
        took_cc_rule += usize::from(&*alone.rule_id == "cc-digital");
    }
    assert!(took_cc_rule > 0, "the cost-centre rule decides some keys");
    assert!(table.iter().any(|k| k.decision.scope == Scope::CentralIt));
    assert!(table
        .iter()
        .any(|k| &*k.decision.rule_id == "config.staff_it"));
}

/// The DataFusion engine groups a line by its text when the line meets a condition it can test before any key
/// is decided (`KeepTexts::text_atoms`, `KeepTexts::value_keeps`: a suspect keyword's bit in the text's
/// signature, or a suspect word in the account text or the supplier). Every key that keeps its texts must meet
/// it, or its top texts would be lost: checked over every single-keyword signature of the default rules, with
/// account texts and suppliers that hold suspect words and some that do not.
#[test]
fn every_key_that_keeps_its_texts_meets_the_engines_condition() {
    use itcost::classify::SuspectTexts;
    use itcost::ingest::ledger::KeepTexts;
    let rules = std::sync::Arc::new(RuleSet::load(None).unwrap());
    let units = MunicipalityKeys {
        central_it: vec![itcost::rules::pattern::CodePattern::parse("1510").unwrap()],
        ..MunicipalityKeys::default()
    };
    let keep = SuspectTexts::new(rules.clone(), &narrow_scope(), units);
    let atoms = keep.text_atoms().expect("the suspect keywords' bits");
    assert!(!atoms.is_empty());
    let atoms_n = rules.text_keywords.len();
    let mut sigs: Vec<Vec<u8>> = vec![Vec::new()];
    for i in 0..atoms_n {
        let mut sig = vec![0u8; i / 8 + 1];
        sig[i / 8] |= 1 << (i % 8);
        sigs.push(sig);
    }
    let accounts = [
        ("6411", "Förbrukningsinventarier"),
        ("6412", "Datorer"),
        ("6550", "Konsulttjänster"),
        ("7411", "Licenser programvara"),
        ("4610", "Livsmedel"),
        ("6812", "Mobiltelefoni"),
    ];
    let suppliers = [
        "",
        "Bageriet AB",
        "Atea Sverige AB",
        "Telia Company AB",
        "Martin & Servera AB",
    ];
    let (mut kept, mut by_text_only, mut by_value_only) = (0, 0, 0);
    for (account, account_text) in accounts {
        for supplier in suppliers {
            for cc in ["", "1510", "2000"] {
                for sig in &sigs {
                    let coded = [account, account_text, cc, "", "", "", supplier];
                    if !keep.keeps_texts(&coded, sig) {
                        continue;
                    }
                    kept += 1;
                    let in_sig = atoms
                        .iter()
                        .any(|&a| itcost::rules::keywords::has_bit(sig, a));
                    let in_values = keep.value_keeps(account_text) || keep.value_keeps(supplier);
                    assert!(
                        in_sig || in_values,
                        "{coded:?} with signature {sig:?} keeps its texts but meets no condition"
                    );
                    by_text_only += usize::from(in_sig && !in_values);
                    by_value_only += usize::from(!in_sig && in_values);
                }
            }
        }
    }
    assert!(
        kept > 0 && by_text_only > 0 && by_value_only > 0,
        "{kept} {by_text_only} {by_value_only}"
    );
}
