//! Property tests: number parsing round-trips every way exports write amounts; conservation holds on random ledgers.

use crate::util::temp_dir;
use itcost::money::{format_plain, format_sv, parse_ore};
use proptest::prelude::*;

proptest! {
    #[test]
    fn swedish_format_round_trips(ore in -10_000_000_000_000i64..10_000_000_000_000i64) {
        prop_assert_eq!(parse_ore(&format_sv(ore)).unwrap(), Some(ore));
        prop_assert_eq!(parse_ore(&format_sv(ore).replace(' ', "\u{a0}")).unwrap(), Some(ore));
        prop_assert_eq!(parse_ore(&format_sv(ore).replace(' ', "")).unwrap(), Some(ore));
        prop_assert_eq!(parse_ore(&format_plain(ore)).unwrap(), Some(ore));
    }

    #[test]
    fn english_thousands_and_parentheses(ore in 0i64..1_000_000_000_000i64) {
        let kr = ore / 100;
        let grouped: String = {
            let s = kr.to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i) % 3 == 0 { out.push(','); }
                out.push(c);
            }
            out
        };
        let text = format!("{grouped}.{:02}", ore % 100);
        prop_assert_eq!(parse_ore(&text).unwrap(), Some(ore));
        prop_assert_eq!(parse_ore(&format!("({text})")).unwrap(), Some(-ore));
        prop_assert_eq!(parse_ore(&format!("{text}-")).unwrap(), Some(-ore));
    }

    #[test]
    fn garbage_never_panics(s in "\\PC{0,20}") {
        let _ = parse_ore(&s);
        let _ = itcost::ingest::dates::parse_date(&s);
        let _ = itcost::ingest::dates::parse_period(&s);
    }

    #[test]
    fn conservation_on_random_ledgers(rows in proptest::collection::vec((0usize..8, 0usize..3, -100_000_000_i64..100_000_000_i64, any::<bool>()), 1..60)) {
        // Random lines over accounts of every kind; Debet/Kredit layout; the run must account for every öre.
        let accounts = ["6412", "6811", "5011", "3411", "6013", "1930", "8011", "4023"];
        let ccs = ["1510", "2000", "3000"];
        let mut text = String::from("Konto;Ansvar;Datum;Debet;Kredit\n");
        let mut sum = 0i64;
        for (a, c, amount, as_credit) in &rows {
            sum += amount;
            let (d, k) = if *as_credit { (String::new(), format_sv(-amount)) } else { (format_sv(*amount), String::new()) };
            text.push_str(&format!("{};{};2024-05-01;{};{}\n", accounts[*a], ccs[*c], d, k));
        }
        let dir = temp_dir();
        let p = dir.path().join("random.csv");
        std::fs::write(&p, text).unwrap();
        let cfg = itcost::config::RunConfig {
            title: "random".into(),
            rules: None,
            denominator: itcost::config::Denominator::TotalCost,
            numerator: itcost::config::Numerator::CentralIt,
            target_ppm: None,
            outside_scope: itcost::config::narrow_scope(),
            scope_name: "narrow".into(),
            strict: false,
            // A random ledger may miss the central IT cost centre: a warning, not the refusal, here.
            lenient: true,
            references: vec![],
            municipalities: vec![itcost::config::Municipality {
                name: "R".into(), year: Some(2024), ledgers: vec![p], central_it: itcost::config::parse_codes(&["1510".into()]).unwrap(),
                central_it_raw: vec!["1510".into()], internal_counterparts: vec![], external_total_ore: None, population: None,
                columns: Default::default(),
                sheet: None,
                departments: vec![], employees: None, users: None, devices: None,
                kind: Default::default(), budget: None,
            sundsvall: Default::default(),
            }],
            analysis: Default::default(),
            keep_lines: false,
            csv_dialect: Default::default(),
            it_orgs: vec![],
            benchmark_kind: None,
            config_file: None,
            dataset: None,
        };
        let r = itcost::pipeline::run(cfg).unwrap();
        let m = &r.municipalities[0];
        prop_assert_eq!(m.conservation.input_sum.0, sum);
        prop_assert_eq!(m.conservation.accounted_sum.0, sum);
        prop_assert_eq!(m.lines as usize, rows.len());
        prop_assert_eq!(m.total_cost.0 + m.revenue.0, m.net_cost.0);
    }
}

fn read_bytes(bytes: &[u8], name: &str) {
    let dir = temp_dir();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    // Ok or a clean error; a panic fails the test.
    let _ = itcost::ingest::read_ledger(&p, &itcost::ingest::ReadOptions::default());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn ledger_reader_never_panics_on_mangled_csv(
        lines in proptest::collection::vec(
            proptest::collection::vec(prop_oneof![
                Just("6412".to_string()), Just("\"a;b\"".to_string()), Just("\"".to_string()), Just("1 234,5".to_string()),
                Just("(12)".to_string()), Just("2024-13-01".to_string()), Just("".to_string()), Just("#REF!".to_string()),
                "\\PC{0,6}",
            ], 0..6),
            0..12),
        delim in prop_oneof![Just(";"), Just(","), Just("\t")],
    ) {
        let mut text = format!("Konto{d}Ansvar{d}Datum{d}Belopp\n", d = delim);
        for l in &lines {
            text.push_str(&l.join(delim));
            text.push('\n');
        }
        read_bytes(text.as_bytes(), "mangled.csv");
    }

    #[test]
    fn sie_reader_never_panics(
        records in proptest::collection::vec(prop_oneof![
            Just("#VER A 1 20240101 \"x\"".to_string()), Just("{".to_string()), Just("}".to_string()),
            Just("#TRANS 6412 {1 \"10\"} 100.00".to_string()), Just("#TRANS 1930 {} -100.00 20240102".to_string()),
            Just("#TRANS 6412 {1".to_string()), Just("#RTRANS 6412 {} 5".to_string()), Just("#BTRANS 6412 {} 5".to_string()),
            Just("#PSALDO 0 202401 6412 {1 \"A\"} 10.00".to_string()), Just("#PSALDO 0 2024 6412 {} x".to_string()),
            Just("#RES 0 3010 -5.00".to_string()), Just("#UB 0 1930 7".to_string()), Just("#KONTO 6412 \"Datorer\"".to_string()),
            "#[A-Z]{2,7} \\PC{0,12}",
        ], 0..30),
    ) {
        let text = format!("#FLAGGA 0\n#SIETYP 4\n{}\n", records.join("\n"));
        read_bytes(text.as_bytes(), "mangled.se");
    }

    #[test]
    fn rules_parser_never_panics(src in "\\PC{0,200}") {
        let _ = itcost::rules::parse_rules(&src, itcost::rules::RulesSource::Builtin("fuzz"));
        let head = format!("[accounts]\ncost = [\"6*\"]\n[[rule]]\nid = \"x\"\n{src}\n");
        let _ = itcost::rules::parse_rules(&head, itcost::rules::RulesSource::Builtin("fuzz"));
    }
}

/// Keywords and texts over Swedish letters (both cases), digits, hyphens, underscores and spaces: short keywords
/// (whole words), long ones (anywhere), and words that overlap themselves ("a-a", "aa").
fn swedish(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just('a'),
            Just('A'),
            Just('å'),
            Just('Å'),
            Just('ä'),
            Just('Ä'),
            Just('ö'),
            Just('Ö'),
            Just('t'),
            Just('i'),
            Just('é'),
            Just('É'),
            Just('x'),
            Just('1'),
            Just('9'),
            Just('-'),
            Just('_'),
            Just(' '),
        ],
        0..max,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Deciding from a text's keyword signature gives what matching the text itself gives, for every matcher of
    /// the automaton (keyword lists and regexes) and for the first rule that decides.
    #[test]
    fn signature_decisions_equal_text_matching(
        lists in proptest::collection::vec(proptest::collection::vec(swedish(6), 1..4), 1..5),
        texts in proptest::collection::vec(swedish(24), 1..8),
    ) {
        use itcost::rules::keywords::TextKeywords;
        use itcost::rules::pattern::TextMatch;
        let mut matchers: Vec<TextMatch> = lists
            .iter()
            .filter_map(|l| TextMatch::keywords(l).ok())
            .collect();
        matchers.push(TextMatch::regex(r"\bå[a-z]*\b").unwrap());
        let kw = TextKeywords::new(&matchers);
        for text in &texts {
            let sig = kw.signature(text);
            let lower = text.to_lowercase();
            for m in &matchers {
                prop_assert_eq!(kw.matches(m, sig.as_bytes()), m.matches_lower(&lower), "text {:?} matcher {:?}", text, m);
            }
        }
        // The same through a rules file: the first rule whose text condition matches decides.
        let mut toml = String::from("[accounts]\ncost = [\"6*\"]\n[suspect]\nkeywords = [\"åa\"]\n");
        for (i, l) in lists.iter().enumerate() {
            if l.iter().all(|w| w.trim().is_empty()) {
                continue;
            }
            let words: Vec<String> = l.iter().map(|w| format!("{w:?}")).collect();
            toml.push_str(&format!(
                "[[rule]]\nid = \"r{i}\"\nwhy = \"x\"\naccount = \"6{i}*\"\ntext = [{}]\npool = \"Hardware\"\n",
                words.join(", ")
            ));
        }
        let Ok(rules) = itcost::rules::parse_rules(&toml, itcost::rules::RulesSource::Builtin("prop")) else {
            return Ok(());
        };
        for text in &texts {
            let sig = rules.text_keywords.signature(text);
            let lower = text.to_lowercase();
            for r in &rules.rules {
                let account = r.id.replace('r', "6");
                let k = itcost::rules::KeyView {
                    account: &account,
                    account_text: "",
                    cost_centre: "",
                    supplier: "",
                    text: rules.free_text(sig.as_bytes()),
                    counterpart: "",
                    central_it: false,
                };
                let by_sig = rules.matching(&k).next().map(|r| r.id.clone());
                let by_text = rules
                    .rules
                    .iter()
                    .find(|r| {
                        r.when.account.as_ref().is_none_or(|p| itcost::rules::pattern::any_code(p, &account))
                            && r.when.text.as_ref().is_none_or(|m| m.matches_lower(&lower))
                    })
                    .map(|r| r.id.clone());
                prop_assert_eq!(by_sig, by_text);
            }
            let suspect = rules.suspect.as_ref().unwrap();
            prop_assert_eq!(rules.free_text(sig.as_bytes()).matches(suspect), suspect.matches_lower(&lower));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The regex patterns generated for the cluster engines (`regexp_like(lower(text), p_i)`) set exactly the
    /// bits the Rust matcher sets, for random keywords (short: whole words; long: anywhere) and texts over Swedish
    /// and ASCII letters, digits, spaces, hyphens and underscores, with two rule regexes (one matching the empty
    /// text).
    #[test]
    fn generated_regexes_equal_the_rust_signature(
        words in proptest::collection::vec(swedish(6), 1..8),
        texts in proptest::collection::vec(swedish(24), 1..8),
    ) {
        use itcost::rules::keyword_regex::atom_patterns;
        use itcost::rules::keywords::{has_bit, TextKeywords};
        use itcost::rules::pattern::TextMatch;
        let mut matchers: Vec<TextMatch> = TextMatch::keywords(&words).into_iter().collect();
        matchers.push(TextMatch::regex(r"\bå[a-z]*\b").unwrap());
        matchers.push(TextMatch::regex(r"^[-_ ]*$").unwrap());
        let kw = TextKeywords::new(&matchers);
        let patterns: Vec<regex::Regex> = atom_patterns(&kw)
            .iter()
            .map(|p| regex::Regex::new(p).unwrap())
            .collect();
        prop_assert_eq!(patterns.len(), kw.len());
        for text in texts.iter().chain([&String::new()]) {
            let sig = kw.signature(text);
            let lower = text.to_lowercase();
            for (i, r) in patterns.iter().enumerate() {
                prop_assert_eq!(r.is_match(&lower), has_bit(sig.as_bytes(), i), "text {:?} pattern {}", text, r.as_str());
            }
        }
    }

    /// The one-pass lower-casing of the signature equals `str::to_lowercase` (DataFusion's `lower`), Greek final
    /// sigma included.
    #[test]
    fn lower_into_equals_to_lowercase(text in "[ΣσΟΔA-Za-zÅÄÖåäöÉé İẞǅ0-9 _-]{0,24}|\\PC{0,24}") {
        let mut out = String::new();
        itcost::rules::keywords::lower_into(&text, &mut out);
        prop_assert_eq!(out, text.to_lowercase());
    }
}
