//! Issue 13's analyses on the samples, with figures computed by hand (each test's comment shows the arithmetic):
//! pool diagnostics and drivers (item 2), IT investment (item 4), Sundsvall's measures and `staff_it` (item 5),
//! the hybrid key (item 7) and maturity beside cost (item 8).

use crate::util::{dalsland, root};

fn fixture() -> itcost::config::RunConfig {
    itcost::config::load(&root().join("tests/fixtures/issue13/sundsvall-maturity.toml"))
        .expect("fixture loads")
}

#[test]
fn hybrid_key_shares_the_base_equally_and_the_rest_by_use_to_the_ore() {
    // Dalsland sample, base_share = 40 %, consumption = population (9 800 / 9 300 / 12 600 / 6 600 = 38 300).
    // Cost = summed central IT = 45 939 995,00 kr = 4 593 999 500 öre.
    // Base = 40 % = 1 837 599 800 öre, / 4 = 459 399 950 öre each (exact).
    // Consumption = 2 756 399 700 öre × pop / 38 300 = 705 292 873,63 · 669 308 543,34 · 906 805 123,24 ·
    //   474 993 159,79: floors sum to 2 756 399 698, the 2 öre left go to the largest remainders (Färgelanda ,79
    //   and Bengtsfors ,63): 705 292 874 · 669 308 543 · 906 805 123 · 474 993 160.
    let r = dalsland();
    let h = r
        .analyses
        .hybrid_key
        .as_ref()
        .expect("configured in the sample");
    assert_eq!(h.cost.0, 4_593_999_500);
    assert_eq!(
        (h.base_total.0, h.consumption_total.0),
        (1_837_599_800, 2_756_399_700)
    );
    let got: Vec<(&str, i64, i64, i64)> = h
        .rows
        .iter()
        .map(|x| {
            (
                x.municipality.as_str(),
                x.base.0,
                x.consumption.0,
                x.amount.0,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("Bengtsfors", 459_399_950, 705_292_874, 1_164_692_824),
            ("Mellerud", 459_399_950, 669_308_543, 1_128_708_493),
            ("Åmål", 459_399_950, 906_805_123, 1_366_205_073),
            ("Färgelanda", 459_399_950, 474_993_160, 934_393_110),
        ]
    );
    assert_eq!(
        h.rows.iter().map(|x| x.amount.0).sum::<i64>(),
        4_593_999_500
    );
}

#[test]
fn hybrid_key_has_no_default_base_share() {
    let dir = crate::util::temp_dir();
    let cfg = dir.path().join("c.toml");
    let ledger = root().join("sample-ledgers/mellerud-2024.csv");
    std::fs::write(
        &cfg,
        format!(
            "[joint_org]\nkeys = [\"equal\"]\nconsumption = \"users\"\n[[municipality]]\nname = \"M\"\nledgers = [{:?}]\ncentral_it = [\"1510\"]\nusers = 10\n",
            ledger.display().to_string()
        ),
    )
    .unwrap();
    let e = itcost::config::load(&cfg).expect_err("refused");
    assert!(e.message.contains("base_share is not"), "{}", e.message);
}

#[test]
fn it_investment_is_reported_beside_operating_it() {
    // Every 2024 sample ledger has four lines on 4023 Datorer on a central IT cost centre (kb40-hardware); they are
    // all its investment lines, so IT investment = all investment:
    //   Bengtsfors 878 845,80 + 734 393,06 + 806 891,53 + 571 509,55 = 2 991 639,94 kr
    //   Mellerud   843 187,82 + 539 968,44 + 445 033,14 + 562 634,58 = 2 390 823,98 kr
    //   Åmål       255 665,19 + 318 742,76 + 997 362,22 + 236 907,76 = 1 808 677,93 kr
    //   Färgelanda 475 417,21 + 311 402,88 + 775 497,56 + 386 589,09 = 1 948 906,74 kr
    //   group Hardware 9 140 048,59 kr. The lines stay excluded as accounts.investment.
    let r = dalsland();
    let inv = &r.analyses.investment;
    let by: Vec<(&str, i64, i64)> = inv
        .municipalities
        .iter()
        .map(|x| (x.municipality.as_str(), x.it_investment.0, x.investment.0))
        .collect();
    assert_eq!(
        by,
        vec![
            ("Bengtsfors", 299_163_994, 299_163_994),
            ("Mellerud", 239_082_398, 239_082_398),
            ("Åmål", 180_867_793, 180_867_793),
            ("Färgelanda", 194_890_674, 194_890_674),
        ]
    );
    assert_eq!(
        inv.group,
        vec![("Hardware", itcost::money::Kr(914_004_859))]
    );
    // Shares for Mellerud: excl. = IT / 720 000 000; incl. = (IT + 2 390 823,98) / (720 000 000 + 2 390 823,98).
    let m = &inv.municipalities[1];
    let res = r
        .municipalities
        .iter()
        .find(|x| x.name == "Mellerud" && x.year == Some(2024))
        .unwrap();
    assert_eq!(res.excluded_by["accounts.investment"].0, 239_082_398);
    let it = res.it_cost.0 as f64;
    assert!(
        (m.it_share_incl.unwrap() - (it + 239_082_398.0) / (72_000_000_000.0 + 239_082_398.0))
            .abs()
            < 1e-15
    );
    assert!((m.it_share_excl.unwrap() - it / 72_000_000_000.0).abs() < 1e-15);
    // The Dalsland table does not move: investment is never operating cost.
    assert_eq!(r.benchmark.total.cost_to_target.unwrap().0, 2_719_375_500);
}

#[test]
fn bengtsfors_stands_out_by_level_not_by_mix() {
    // Shares (central IT / net cost): Åmål 1,256 %, Färgelanda 1,6128 %, Mellerud 1,7412 %, Bengtsfors 1,8164 %.
    // Q3 (QUARTILE.INC) = 1,7412 + 0,25 × (1,8164 − 1,7412) ≈ 1,760 %: only Bengtsfors is above it.
    // Median = (8 376 000 / 519 350 000 + 12 536 252 / 720 000 000) / 2 = 0,0167696566…;
    // excess = 12 496 743 − 688 000 000 × 0,0167696566… = 12 496 743 − 11 537 523,75 = 959 219,25 kr.
    // The synthetic samples give every municipality the same pool mix (Internal Labor 38 %, Software 26,5 %,
    // Outside Services 14 %, Hardware 10 % …), so no pool deviates by a krona: no driver, and the report says the
    // difference is in the level, not in the mix.
    let r = dalsland();
    let d = &r.analyses.diagnostics;
    assert_eq!(d.drivers.len(), 1);
    let b = &d.drivers[0];
    assert_eq!(b.municipality, "Bengtsfors");
    assert_eq!(b.reasons, vec!["above_q3".to_string()]);
    assert_eq!(b.excess.0, 95_921_925);
    assert!(b.drivers.is_empty() && !b.covers_half);
    let hw = d.pools.iter().find(|p| p.pool == "Hardware").unwrap();
    assert_eq!((hw.distribution.n, hw.distribution.median), (4, Some(0.1)));
}

#[test]
fn size_correlation_says_too_few_under_five() {
    // Four municipalities: ρ is not computed, the verdict says so, with n.
    let r = dalsland();
    let c = &r.analyses.diagnostics.size_correlation[0];
    assert_eq!((c.measure.as_str(), c.n, c.rho), ("share", 4, None));
    assert!(
        c.verdict_en.starts_with("too few to say (n = 4"),
        "{}",
        c.verdict_en
    );
    assert!(
        c.verdict_sv.starts_with("för få för att säga något"),
        "{}",
        c.verdict_sv
    );
}

#[test]
fn sundsvall_measures_and_staff_it_on_the_fixture() {
    // Fixture (synthetic inputs) on Mellerud 2024: omslutning 1 000 000 000 kr, FTE IT 20, digitalisation 5 of
    // which 1 temporary, all staff 1 000, digitalisation = cost centre 2000, staff_it = cost centre 2025, uplift 2 %.
    // By hand from sample-ledgers/mellerud-2024.csv: cost lines (classes 4–7 but 40, internal ones left out) on
    // cost centre 2000 sum to 23 563 129,68 kr; class 5 on cost centre 2025 sums to 14 630 735,76 kr.
    //   IT FTE ‰ = 20 / 1 000 × 1 000 = 20; digitalisation FTE = 5 / 20 = 25 %; excl. temporary = 4 / 19;
    //   renewal cycle = 1 / 2 % = 50 years (Sundsvall's own A15 figure); digitalisation ‰ = 23,56312968.
    let cfg = fixture();
    let r = itcost::pipeline::run(cfg.clone()).expect("runs");
    let s = &r.analyses.sundsvall;
    assert_eq!(s.scope, "wide");
    assert_eq!(s.rows.len(), 1, "only Mellerud gives inputs");
    let m = &s.rows[0];
    assert_eq!(m.municipality, "Mellerud");
    assert_eq!(m.digitalisation_cost.map(|k| k.0), Some(2_356_312_968));
    assert!((m.digitalisation_permille.unwrap() - 23.563_129_68).abs() < 1e-9);
    assert!((m.it_fte_permille.unwrap() - 20.0).abs() < 1e-12);
    assert!((m.digitalisation_fte_part.unwrap() - 0.25).abs() < 1e-12);
    assert!((m.digitalisation_fte_part_excl_temporary.unwrap() - 4.0 / 19.0).abs() < 1e-12);
    assert!((m.renewal_cycle_years.unwrap() - 50.0).abs() < 1e-9);
    let it = m.it_cost.0 as f64;
    assert!((m.it_share_of_turnover.unwrap() - it / 100_000_000_000.0).abs() < 1e-15);
    assert!((m.multiplier.unwrap() - it / m.central_it_cost.0 as f64).abs() < 1e-12);
    assert!((m.digitalisation_part_of_it_excl.unwrap() - 2_356_312_968.0 / it).abs() < 1e-12);
    // staff_it: the wide scope counts the class-5 cost of cost centre 2025 as IT outside central IT.
    let mut without = cfg;
    for mu in &mut without.municipalities {
        mu.sundsvall.staff_it.clear();
    }
    let r0 = itcost::pipeline::run(without).expect("runs");
    let mel = |r: &itcost::pipeline::RunResult| {
        r.municipalities
            .iter()
            .find(|x| x.name == "Mellerud")
            .unwrap()
            .clone()
    };
    assert_eq!(
        mel(&r).outside_it_cost.0 - mel(&r0).outside_it_cost.0,
        1_463_073_576
    );
    assert_eq!(mel(&r).rules_fired["config.staff_it"].0 .0, 1_463_073_576);
    assert_eq!(mel(&r).central_it_cost, mel(&r0).central_it_cost);
}

#[test]
fn maturity_beside_the_share_with_the_caveat() {
    // tests/fixtures/issue13/dimios.csv (synthetic): Bengtsfors (2 + 3) / 2 = 2,5; Mellerud (3 + 4) / 2 = 3,5;
    // Åmål (2 + 2,5) / 2 = 2,25; Färgelanda 1 (one dimension). Shares: the Dalsland central IT / net cost
    // (12 496 743 / 688 000 000 …). Four points: too few for ρ.
    let r = itcost::pipeline::run(fixture()).expect("runs");
    let m = r.analyses.maturity.as_ref().expect("a maturity file");
    let got: Vec<(&str, f64, usize)> = m
        .points
        .iter()
        .map(|p| (p.municipality.as_str(), p.maturity, p.dimensions))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Bengtsfors", 2.5, 2),
            ("Mellerud", 3.5, 2),
            ("Åmål", 2.25, 2),
            ("Färgelanda", 1.0, 1)
        ]
    );
    assert!((m.points[0].share - 12_496_743.0 / 688_000_000.0).abs() < 1e-12);
    assert_eq!((m.correlation.n, m.correlation.rho), (4, None));
    assert!(m.caveat_en.contains("not a cause"));
    // One named dimension: only its levels.
    let mut cfg = fixture();
    if let Some(x) = cfg.analysis.maturity.as_mut() {
        x.dimension = Some("Kostnadskontroll".into());
    }
    let r = itcost::pipeline::run(cfg).expect("runs");
    let m = r.analyses.maturity.as_ref().unwrap();
    let got: Vec<(&str, f64)> = m
        .points
        .iter()
        .map(|p| (p.municipality.as_str(), p.maturity))
        .collect();
    assert_eq!(
        got,
        vec![("Bengtsfors", 3.0), ("Mellerud", 4.0), ("Åmål", 2.5)]
    );
    assert_eq!(m.without_scores, vec!["Färgelanda".to_string()]);
}
