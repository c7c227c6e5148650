//! The Dalsland 2024 worked example (brief.md) reproduced to the krona from the bundled sample ledgers, and the
//! generator's independent truth matched line class by line class.

use crate::util::{dalsland, root, temp_dir};
use itcost::generate::sample_truths;

#[test]
fn dalsland_table_to_the_krona() {
    let r = dalsland();
    // (name, IT unit cost kr, net cost kr, share as printed, at 2.5 %, increase, increase %)
    let expected = [
        (
            "Bengtsfors",
            12_496_743i64,
            688_000_000i64,
            "1.82",
            17_200_000i64,
            4_703_257i64,
            38,
        ),
        (
            "Mellerud",
            12_536_252,
            720_000_000,
            "1.74",
            18_000_000,
            5_463_748,
            44,
        ),
        (
            "Åmål",
            12_531_000,
            998_000_000,
            "1.26",
            24_950_000,
            12_419_000,
            99,
        ),
        (
            "Färgelanda",
            8_376_000,
            519_350_000,
            "1.61",
            12_983_750,
            4_607_750,
            55,
        ),
    ];
    assert_eq!(r.benchmark.rows.len(), 4);
    for (row, (name, it, net, share, at, inc, pct)) in r.benchmark.rows.iter().zip(expected) {
        assert_eq!(row.name, name);
        assert_eq!(row.it_cost.0, it * 100, "{name} IT unit cost");
        assert_eq!(row.denominator_value.0, net * 100, "{name} net cost");
        assert_eq!(
            format!("{:.2}", row.share.unwrap() * 100.0),
            share,
            "{name} share"
        );
        assert_eq!(row.at_target.unwrap().0, at * 100, "{name} at 2.5 %");
        assert_eq!(row.cost_to_target.unwrap().0, inc * 100, "{name} increase");
        assert_eq!(
            (row.increase.unwrap() * 100.0).round() as i64,
            pct,
            "{name} increase %"
        );
    }
    assert_eq!(r.benchmark.total.it_cost.0, 45_939_995 * 100);
    assert_eq!(r.benchmark.total.denominator_value.0, 2_925_350_000 * 100);
    assert_eq!(r.benchmark.total.at_target.unwrap().0, 73_133_750 * 100);
    assert_eq!(
        r.benchmark.total.cost_to_target.unwrap().0,
        27_193_755 * 100
    );
    assert_eq!(
        (r.benchmark.total.increase.unwrap() * 100.0).round() as i64,
        59
    );
    // Ranks: highest share first.
    let ranks: Vec<usize> = r.benchmark.rows.iter().map(|x| x.rank).collect();
    assert_eq!(ranks, vec![1, 2, 4, 3]);
    // Median of four = mean of the middle two (Mellerud and Färgelanda).
    let median = (12_536_252.0 / 720_000_000.0 + 8_376_000.0 / 519_350_000.0) / 2.0;
    assert!((r.benchmark.median_share.unwrap() - median).abs() < 1e-12);
    assert_eq!(
        format!("{:.2}", r.benchmark.mean_share.unwrap() * 100.0),
        "1.61"
    );
}

#[test]
fn results_equal_the_generators_truth() {
    let r = dalsland();
    let truths = sample_truths();
    for (m, (name, t)) in r.municipalities.iter().zip(truths) {
        assert_eq!(m.name, name);
        assert_eq!(m.lines, t.lines, "{name} lines");
        assert_eq!(
            m.conservation.input_sum.0, t.input_sum_ore,
            "{name} input sum"
        );
        assert!(m.conservation.ok, "{name} conservation");
        assert_eq!(m.central_it_cost.0, t.central_it_ore, "{name} central IT");
        assert_eq!(m.outside_it_cost.0, t.outside_it_ore, "{name} outside IT");
        assert_eq!(m.total_cost.0, t.total_cost_ore, "{name} total cost");
        assert_eq!(m.revenue.0, t.revenue_ore, "{name} revenue");
        assert_eq!(m.net_cost.0, t.net_cost_ore, "{name} net cost");
        assert_eq!(
            m.internal.costs.0, t.internal_costs_ore,
            "{name} internal costs"
        );
        assert_eq!(
            m.internal.revenues.0, t.internal_revenues_ore,
            "{name} internal revenues"
        );
        assert_eq!(m.excluded.0, t.excluded_ore, "{name} excluded");
        assert_eq!(m.months.len(), 12);
        assert!(m.months_missing.is_empty());
    }
}

#[test]
fn mellerud_reports_its_internal_imbalance_and_suspects() {
    let r = dalsland();
    let m = r
        .municipalities
        .iter()
        .find(|m| m.name == "Mellerud")
        .unwrap();
    assert_eq!(m.internal.imbalance.0, 1_250 * 100);
    let s = &m.unclassified_it_suspect_detail;
    assert!(s.lines > 0);
    assert_eq!(s.top_accounts[0].key, "6411");
    let suppliers: Vec<&str> = s.top_suppliers.iter().map(|t| t.key.as_str()).collect();
    assert!(
        suppliers.contains(&"Dustin Sverige AB") && suppliers.contains(&"Atea Sverige AB"),
        "{suppliers:?}"
    );
    assert!(
        !suppliers.contains(&"Martin & Servera AB"),
        "'server' must not hit 'Servera'"
    );
}

#[test]
fn inside_outside_split_follows_the_fyrbodal_pattern() {
    // The samples were sized so that the group split per pool comes out near Fyrbodal 2019 (82/18, 38/62, 59/41).
    let r = dalsland();
    let mut sums = std::collections::BTreeMap::<&str, (i64, i64)>::new();
    for m in &r.municipalities {
        for (pool, s) in &m.pools {
            let e = sums.entry(pool).or_default();
            e.0 += s.central.0;
            e.1 += s.outside.0;
        }
    }
    let central_pct = |p: &str| {
        let (c, o) = sums[p];
        (c as f64 * 100.0 / (c + o) as f64).round() as i64
    };
    assert!(
        (80..=86).contains(&central_pct("Hardware")),
        "{}",
        central_pct("Hardware")
    );
    assert!(
        (36..=40).contains(&central_pct("Software")),
        "{}",
        central_pct("Software")
    );
    assert!(
        (57..=61).contains(&central_pct("Telecom")),
        "{}",
        central_pct("Telecom")
    );
}

#[test]
fn committed_samples_are_what_the_generator_writes() {
    let dir = temp_dir();
    itcost::generate::write_samples(dir.path()).unwrap();
    for f in [
        "bengtsfors-2024.csv",
        "mellerud-2024.csv",
        "amal-2024.csv",
        "fargelanda-2024.tsv",
        "dalsland-2024.toml",
    ] {
        let fresh = std::fs::read(dir.path().join(f)).unwrap();
        let committed = std::fs::read(root().join("sample-ledgers").join(f)).unwrap();
        assert!(
            fresh == committed,
            "sample-ledgers/{f} differs from `itcost generate --samples` output"
        );
    }
}
