//! Why an organisation stands out (issue 13, item 2; studies A2, A6): per pool the group's mean, median and IQR of
//! the pool's share of IT cost and every unit's deviation from the median in percentage points and kronor; for a
//! unit above a comparable reference line or above the group's third quartile, the pools that drive it; and the
//! correlation of the shares with population (Spearman's ρ).
//!
//! Written over [`Unit`]s — a benchmark row with its numerator per pool — so it works the same whether the
//! benchmark's rows are municipalities or IT organisations. The IT cost and the pools are the benchmark's numerator
//! (central IT, or central and outside IT): a pool's share is of the same IT cost the benchmark compares.

use super::view::Distribution;
use crate::aggregate::{share, Kr};
use crate::rules::taxonomy::Pool;
use std::collections::BTreeMap;

/// A pool drives an excess only with a deviation of at least 1 kr (less is rounding of shares).
pub const MIN_DRIVER_ORE: i64 = 100;

/// Below this many pairs Spearman's ρ is not computed ("too few to say").
pub const MIN_CORRELATION_N: usize = 5;

/// One benchmark row as the diagnostics see it.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Label (as in the benchmark).
    pub label: String,
    /// The benchmark's numerator (IT cost compared).
    pub it_cost: Kr,
    /// The benchmark's denominator.
    pub denominator_value: Kr,
    /// it_cost / denominator.
    pub share: Option<f64>,
    /// The numerator per pool (sums to `it_cost`).
    pub pools: BTreeMap<&'static str, Kr>,
    /// Inhabitants (summed over members for an IT organisation), if known.
    pub population: Option<u64>,
}

/// One unit's deviation in one pool.
#[derive(Debug, Clone)]
pub struct Deviation {
    /// Unit label.
    pub municipality: String,
    /// The pool's share of the unit's IT cost.
    pub share: Option<f64>,
    /// share − the group's median share, in percentage points.
    pub deviation_pp: Option<f64>,
    /// (share − median) × the unit's IT cost, rounded to the öre.
    pub deviation: Option<Kr>,
}

/// One pool over the group.
#[derive(Debug, Clone)]
pub struct PoolDiagnostic {
    /// Pool.
    pub pool: &'static str,
    /// Distribution of the pool's share of IT cost over the units with IT cost (mean, median, quartiles).
    pub distribution: Distribution,
    /// Q3 − Q1.
    pub iqr: Option<f64>,
    /// Per unit, in benchmark order.
    pub units: Vec<Deviation>,
}

/// A pool that drives a unit's excess.
#[derive(Debug, Clone)]
pub struct Driver {
    /// Pool.
    pub pool: &'static str,
    /// The pool's share of the unit's IT cost.
    pub share: f64,
    /// The group's median share of the pool.
    pub group_median: f64,
    /// The deviation in kronor (positive).
    pub deviation: Kr,
    /// "Hårdvara 40 % av IT mot 23 % i gruppen (median): +1 234 567 kr".
    pub text_sv: String,
    /// "Hardware 40 % of IT against 23 % in the group (median): +1 234 567 kr".
    pub text_en: String,
}

/// Why one unit stands out.
#[derive(Debug, Clone)]
pub struct DriverResult {
    /// Unit label.
    pub municipality: String,
    /// Its share.
    pub share: f64,
    /// Why it is examined: `above_q3` and/or the labels of the comparable references it is above.
    pub reasons: Vec<String>,
    /// The excess over the group's median share: it_cost − median share × denominator (öre-rounded).
    pub excess: Kr,
    /// Pools with the largest positive deviation, biggest first, until they account for half of the excess.
    pub drivers: Vec<Driver>,
    /// Sum of the drivers' deviations.
    pub drivers_total: Kr,
    /// True when the drivers reach half of the excess (false: every positive deviation together does not).
    pub covers_half: bool,
}

/// Spearman's rank correlation of one measure with population.
#[derive(Debug, Clone)]
pub struct Correlation {
    /// `share` (the benchmark's share) or a pool name (the pool's share of IT cost).
    pub measure: String,
    /// Pairs with both values.
    pub n: usize,
    /// ρ (None when n < [`MIN_CORRELATION_N`] or a side has no spread).
    pub rho: Option<f64>,
    /// What the reader should take from it, in Swedish.
    pub verdict_sv: String,
    /// The same in English.
    pub verdict_en: String,
}

/// Pool diagnostics, drivers and size correlation of a benchmark.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// Per pool.
    pub pools: Vec<PoolDiagnostic>,
    /// Units above a comparable reference or above Q3.
    pub drivers: Vec<DriverResult>,
    /// Shares against population.
    pub size_correlation: Vec<Correlation>,
}

/// A comparable reference line: its label and share.
pub type RefLine<'a> = (&'a str, f64);

/// Computes every diagnostic. `references` are the comparable reference lines (label, share).
pub fn diagnostics(units: &[Unit], references: &[RefLine<'_>]) -> Diagnostics {
    let pools_used: Vec<&'static str> = Pool::ALL
        .iter()
        .map(|p| p.name())
        .filter(|p| {
            units
                .iter()
                .any(|u| u.pools.get(p).is_some_and(|k| k.0 != 0))
        })
        .collect();
    let pool_share = |u: &Unit, p: &str| -> Option<f64> {
        share(u.pools.get(p).map(|k| k.0).unwrap_or(0), u.it_cost.0)
    };
    let pools: Vec<PoolDiagnostic> = pools_used
        .iter()
        .map(|&p| {
            let shares: Vec<f64> = units.iter().filter_map(|u| pool_share(u, p)).collect();
            let distribution = Distribution::of(&shares);
            let median = distribution.median;
            PoolDiagnostic {
                pool: p,
                iqr: distribution.q3.zip(distribution.q1).map(|(a, b)| a - b),
                units: units
                    .iter()
                    .map(|u| {
                        let s = pool_share(u, p);
                        let dev = s.zip(median).map(|(s, m)| s - m);
                        Deviation {
                            municipality: u.label.clone(),
                            share: s,
                            deviation_pp: dev.map(|d| d * 100.0),
                            deviation: s.zip(median).map(|_| Kr(deviation_ore(u, p, median))),
                        }
                    })
                    .collect(),
                distribution,
            }
        })
        .collect();

    let shares: Vec<f64> = units.iter().filter_map(|u| u.share).collect();
    let dist = Distribution::of(&shares);
    let mut drivers = Vec::new();
    if let (Some(median), Some(q3)) = (dist.median, dist.q3) {
        for u in units {
            let Some(s) = u.share else { continue };
            let mut reasons: Vec<String> = Vec::new();
            if s > q3 && dist.n >= 4 {
                reasons.push("above_q3".into());
            }
            reasons.extend(
                references
                    .iter()
                    .filter(|(_, r)| s > *r)
                    .map(|(l, _)| l.to_string()),
            );
            if reasons.is_empty() || s <= median {
                continue;
            }
            drivers.push(drivers_of(u, s, median, &pools, reasons));
        }
    }
    const SIZE: (&str, &str) = ("större kommuner", "larger units");
    let mut size_correlation = vec![correlation(
        "share",
        units
            .iter()
            .filter_map(|u| Some((u.share?, u.population? as f64)))
            .collect(),
        SIZE,
    )];
    for &p in &pools_used {
        size_correlation.push(correlation(
            p,
            units
                .iter()
                .filter_map(|u| Some((pool_share(u, p)?, u.population? as f64)))
                .collect(),
            SIZE,
        ));
    }
    Diagnostics {
        pools,
        drivers,
        size_correlation,
    }
}

/// (share − median) × IT cost in öre, computed exactly as pool − median × IT cost.
fn deviation_ore(u: &Unit, pool: &str, median: Option<f64>) -> i64 {
    let amount = u.pools.get(pool).map(|k| k.0).unwrap_or(0);
    let expected = median
        .map(|m| (m * u.it_cost.0 as f64).round() as i64)
        .unwrap_or(0);
    amount - expected
}

/// The drivers of one unit's excess.
fn drivers_of(
    u: &Unit,
    s: f64,
    median: f64,
    pools: &[PoolDiagnostic],
    reasons: Vec<String>,
) -> DriverResult {
    // Excess in kronor: IT cost − what the median share would give on the same denominator.
    let at_median = (median * u.denominator_value.0 as f64).round() as i64;
    let excess = u.it_cost.0 - at_median;
    let mut candidates: Vec<Driver> = pools
        .iter()
        .filter_map(|p| {
            let d = p.units.iter().find(|d| d.municipality == u.label)?;
            let dev = d.deviation?;
            // A deviation under 1 kr is rounding, not a driver.
            (dev.0 >= MIN_DRIVER_ORE).then(|| {
                let share = d.share.unwrap_or(0.0);
                let gm = p.distribution.median.unwrap_or(0.0);
                let amount = crate::money::format_kr(dev.0);
                Driver {
                    pool: p.pool,
                    share,
                    group_median: gm,
                    deviation: dev,
                    text_sv: format!(
                        "{} {} av IT mot {} i gruppen (median): +{amount} kr",
                        Pool::parse(p.pool).map(|x| x.label_sv()).unwrap_or(p.pool),
                        whole_pct(share),
                        whole_pct(gm)
                    ),
                    text_en: format!(
                        "{} {} of IT against {} in the group (median): +{amount} kr",
                        p.pool,
                        whole_pct(share),
                        whole_pct(gm)
                    ),
                }
            })
        })
        .collect();
    candidates.sort_by(|a, b| b.deviation.cmp(&a.deviation).then(a.pool.cmp(b.pool)));
    let half = (excess + 1) / 2;
    let mut drivers = Vec::new();
    let mut total = 0i64;
    for c in candidates {
        if total >= half && !drivers.is_empty() {
            break;
        }
        total += c.deviation.0;
        drivers.push(c);
    }
    DriverResult {
        municipality: u.label.clone(),
        share: s,
        reasons,
        excess: Kr(excess),
        drivers,
        drivers_total: Kr(total),
        covers_half: total >= half,
    }
}

/// A share as whole percent, Swedish style: "40 %".
fn whole_pct(v: f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// Spearman's ρ of the pairs (average ranks for ties), with the verdict; ρ only from [`MIN_CORRELATION_N`] pairs.
/// `against` names the other side in Swedish and English ("större kommuner", "larger units") for the direction.
pub fn correlation(measure: &str, pairs: Vec<(f64, f64)>, against: (&str, &str)) -> Correlation {
    let n = pairs.len();
    let rho = (n >= MIN_CORRELATION_N).then(|| spearman(&pairs)).flatten();
    let (verdict_sv, verdict_en) = match rho {
        _ if n < MIN_CORRELATION_N => (
            format!("för få för att säga något (n = {n}, minst {MIN_CORRELATION_N})"),
            format!("too few to say (n = {n}, at least {MIN_CORRELATION_N})"),
        ),
        None => (
            format!("inget samband kan beräknas: värdena varierar inte (n = {n})"),
            format!("cannot be computed: the values do not vary (n = {n})"),
        ),
        Some(r) => {
            let (sv, en) = match r.abs() {
                a if a < 0.3 => ("inget tydligt samband", "no clear relation"),
                a if a < 0.6 => ("ett måttligt samband", "a moderate relation"),
                _ => ("ett starkt samband", "a strong relation"),
            };
            let dir = |pos: &'static str, neg: &'static str| if r > 0.0 { pos } else { neg };
            let (asv, aen) = against;
            (
                format!(
                    "ρ = {r:.2}, n = {n}: {sv}{} (samband, inte orsak)",
                    if r.abs() < 0.3 {
                        String::new()
                    } else {
                        format!(", {asv}: {}", dir("högre andel", "lägre andel"))
                    }
                ),
                format!(
                    "ρ = {r:.2}, n = {n}: {en}{} (correlation, not cause)",
                    if r.abs() < 0.3 {
                        String::new()
                    } else {
                        format!(", {aen}: {}", dir("higher share", "lower share"))
                    }
                ),
            )
        }
    };
    Correlation {
        measure: measure.to_string(),
        n,
        rho,
        verdict_sv,
        verdict_en,
    }
}

/// Ranks with ties given their average rank (1-based).
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            out[k] = avg;
        }
        i = j + 1;
    }
    out
}

/// Spearman's ρ: Pearson's correlation of the ranks; None when a side has no spread.
pub fn spearman(pairs: &[(f64, f64)]) -> Option<f64> {
    let x = ranks(&pairs.iter().map(|p| p.0).collect::<Vec<_>>());
    let y = ranks(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(&y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(label: &str, it_kr: i64, den_kr: i64, hw: i64, sw: i64, lab: i64) -> Unit {
        Unit {
            label: label.into(),
            it_cost: Kr(it_kr * 100),
            denominator_value: Kr(den_kr * 100),
            share: Some(it_kr as f64 / den_kr as f64),
            pools: [
                ("Hardware", Kr(hw * 100)),
                ("Software", Kr(sw * 100)),
                ("Internal Labor", Kr(lab * 100)),
            ]
            .into_iter()
            .collect(),
            population: None,
        }
    }

    #[test]
    fn drivers_of_an_outlier_by_hand() {
        // Four units at IT 1 000 000 kr / 100 000 000 kr = 1 %, Hardware 23 %, Software 30 %, Internal Labor 47 %;
        // A at 1 300 000 kr / 100 000 000 kr = 1,3 % with Hardware 40 % (520 000), Software 30 % (390 000),
        // Internal Labor 30 % (390 000). Group median share 1 %, Q3 1 %: A is above Q3 and above a 1,2 % line.
        // Excess = 1 300 000 − 1 % × 100 000 000 = 300 000 kr; half = 150 000.
        // Hardware: 520 000 − 23 % × 1 300 000 = 520 000 − 299 000 = +221 000 kr (≥ half: the only driver);
        // Software: 390 000 − 30 % × 1 300 000 = 0; Internal Labor: 390 000 − 611 000 = −221 000.
        let mut units = vec![unit("A", 1_300_000, 100_000_000, 520_000, 390_000, 390_000)];
        for l in ["B", "C", "D", "E"] {
            units.push(unit(l, 1_000_000, 100_000_000, 230_000, 300_000, 470_000));
        }
        let d = diagnostics(&units, &[("line 1.2 %", 0.012)]);
        assert_eq!(d.drivers.len(), 1);
        let a = &d.drivers[0];
        assert_eq!(a.municipality, "A");
        assert_eq!(
            a.reasons,
            vec!["above_q3".to_string(), "line 1.2 %".to_string()]
        );
        assert_eq!(a.excess.0, 30_000_000);
        assert_eq!(a.drivers.len(), 1);
        assert_eq!(
            (a.drivers[0].pool, a.drivers[0].deviation.0),
            ("Hardware", 22_100_000)
        );
        assert!(a.covers_half);
        assert!(a.drivers[0]
            .text_sv
            .starts_with("Hårdvara 40 % av IT mot 23 % i gruppen (median): +221"));
        assert!(a.drivers[0]
            .text_en
            .starts_with("Hardware 40 % of IT against 23 % in the group (median): +221"));
        let hw = d.pools.iter().find(|p| p.pool == "Hardware").unwrap();
        assert_eq!(hw.distribution.median, Some(0.23));
        assert!((hw.distribution.mean.unwrap() - (0.40 + 4.0 * 0.23) / 5.0).abs() < 1e-12);
        assert!((hw.units[0].deviation_pp.unwrap() - 17.0).abs() < 1e-9);
        assert_eq!(hw.units[0].deviation.map(|k| k.0), Some(22_100_000));
        let lab = d.pools.iter().find(|p| p.pool == "Internal Labor").unwrap();
        assert_eq!(lab.units[0].deviation.map(|k| k.0), Some(-22_100_000));
    }

    #[test]
    fn spearman_of_monotone_and_reversed_and_tied() {
        let up = [
            (1.0, 10.0),
            (2.0, 20.0),
            (3.0, 30.0),
            (4.0, 35.0),
            (5.0, 80.0),
        ];
        assert!((spearman(&up).unwrap() - 1.0).abs() < 1e-12);
        let down: Vec<(f64, f64)> = up.iter().map(|(a, b)| (-a, *b)).collect();
        assert!((spearman(&down).unwrap() + 1.0).abs() < 1e-12);
        // Ties get average ranks: x ranks 1, 2.5, 2.5, 4, 5; y ranks 1..5; ρ = 0.9747…
        let tied = [(1.0, 1.0), (2.0, 2.0), (2.0, 3.0), (3.0, 4.0), (4.0, 5.0)];
        assert!((spearman(&tied).unwrap() - 0.974_679_434_480_896_4).abs() < 1e-12);
        assert_eq!(spearman(&[(1.0, 1.0), (1.0, 2.0)]), None);
    }
}
