//! A joint IT organisation's hybrid key (A17, M12; issue 13, item 7), as Dalsland proposed: base IT (data centre,
//! network, IT security) shared equally between the members ("delas i lika delar", 004:803-848), the rest charged
//! by use, "t.ex. baserat på antal användare eller datorer" (004:769-770). The base fraction comes from the config
//! (`base_share`, no default). The parts sum to the öre: the base is `cost × base_share` rounded to the öre, the
//! consumption part is the rest, and each is split by the largest-remainder method ([`crate::money::allocate`]).
//! Sundsvall and DiMiOS advise against usage-based charging (M12): this is one scenario beside the others.

use crate::aggregate::{share, Kr};
use crate::config::analysis::{AllocationBasis, HybridKey};
use crate::money::{allocate, round_div};

/// One member's part.
#[derive(Debug, Clone)]
pub struct HybridRow {
    /// Label.
    pub municipality: String,
    /// Its equal part of the base.
    pub base: Kr,
    /// Its consumption value (users, devices …).
    pub driver: u64,
    /// Its fraction of the consumption.
    pub driver_share: Option<f64>,
    /// Its part of the consumption.
    pub consumption: Kr,
    /// base + consumption.
    pub amount: Kr,
    /// Its own central IT cost today.
    pub today: Kr,
    /// amount − today.
    pub difference: Kr,
}

/// The hybrid split.
#[derive(Debug, Clone)]
pub struct HybridResult {
    /// The joint organisation's label.
    pub label: String,
    /// The cost split.
    pub cost: Kr,
    /// The base fraction, as configured.
    pub base_share: f64,
    /// The consumption key.
    pub consumption_key: AllocationBasis,
    /// cost × base_share, öre-rounded.
    pub base_total: Kr,
    /// cost − base_total.
    pub consumption_total: Kr,
    /// Per member.
    pub rows: Vec<HybridRow>,
}

/// Splits `cost` by the hybrid key. `drivers[i]` is member i's consumption value; `today[i]` its central IT cost.
pub fn hybrid(
    label: &str,
    key: &HybridKey,
    cost: i64,
    labels: &[String],
    drivers: &[u64],
    today: &[i64],
) -> HybridResult {
    let base_total = round_div(cost as i128 * key.base_share_ppm as i128, 1_000_000) as i64;
    let consumption_total = cost - base_total;
    let base = allocate(base_total, &vec![1; labels.len()]);
    let weights: Vec<i64> = drivers.iter().map(|&d| d as i64).collect();
    let consumption = allocate(consumption_total, &weights);
    let total: u64 = drivers.iter().sum();
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let amount = base[i] + consumption[i];
            HybridRow {
                municipality: l.clone(),
                base: Kr(base[i]),
                driver: drivers[i],
                driver_share: share(drivers[i] as i64, total as i64),
                consumption: Kr(consumption[i]),
                amount: Kr(amount),
                today: Kr(today[i]),
                difference: Kr(amount - today[i]),
            }
        })
        .collect();
    HybridResult {
        label: label.to_string(),
        cost: Kr(cost),
        base_share: key.base_share_ppm as f64 / 1e6,
        consumption_key: key.consumption,
        base_total: Kr(base_total),
        consumption_total: Kr(consumption_total),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_sum_to_the_ore_by_largest_remainder() {
        // 100 000,01 kr = 10 000 001 öre, base 40 % = 4 000 000,4 → 4 000 000 öre; three members: 1 333 334,
        // 1 333 333, 1 333 333 (the first gets the remainder öre). Consumption 6 000 001 öre by users 1 / 1 / 1:
        // 2 000 001, 2 000 000, 2 000 000.
        let key = HybridKey {
            base_share_ppm: 400_000,
            consumption: AllocationBasis::Users,
        };
        let labels: Vec<String> = ["A", "B", "C"].iter().map(|s| s.to_string()).collect();
        let h = hybrid("x", &key, 10_000_001, &labels, &[1, 1, 1], &[0, 0, 0]);
        assert_eq!(h.base_total.0, 4_000_000);
        assert_eq!(h.consumption_total.0, 6_000_001);
        let base: Vec<i64> = h.rows.iter().map(|r| r.base.0).collect();
        assert_eq!(base.iter().sum::<i64>(), 4_000_000);
        assert_eq!(h.rows.iter().map(|r| r.amount.0).sum::<i64>(), 10_000_001);
        let mut cons: Vec<i64> = h.rows.iter().map(|r| r.consumption.0).collect();
        cons.sort();
        assert_eq!(cons, vec![2_000_000, 2_000_000, 2_000_001]);
    }
}
