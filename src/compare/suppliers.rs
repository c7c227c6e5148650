//! Suppliers of IT (central and outside, in scope): how many invoice at least a threshold per pool and
//! municipality, the largest, and which are shared between municipalities (the joint-procurement argument).
//! Supplier names are matched across municipalities by their letters and digits, ignoring case and punctuation
//! ("ATEA Sverige AB" = "Atea Sverige AB"); the most frequent spelling is shown.

use crate::aggregate::MunicipalityResult;
use crate::ingest::columns::normalize;
use crate::money::Kr;
use std::collections::{BTreeMap, BTreeSet};

/// Count of suppliers at or above the threshold, for one municipality and pool.
#[derive(Debug, Clone)]
pub struct SupplierCount {
    /// Label (name, or "name year").
    pub municipality: String,
    /// Pool.
    pub pool: &'static str,
    /// Suppliers invoicing at least the threshold in this pool.
    pub suppliers: usize,
    /// Their amount.
    pub amount: Kr,
    /// All suppliers in this pool (any amount).
    pub all_suppliers: usize,
}

/// One supplier over the group.
#[derive(Debug, Clone)]
pub struct SupplierRow {
    /// Name as most often written.
    pub supplier: String,
    /// IT amount over the group.
    pub amount: Kr,
    /// Municipalities it invoices (any amount), in run order.
    pub municipalities: Vec<String>,
    /// Pools.
    pub pools: Vec<&'static str>,
}

/// The supplier analysis.
#[derive(Debug, Clone)]
pub struct SupplierAnalysis {
    /// Threshold per supplier, pool and municipality.
    pub threshold: Kr,
    /// Per municipality and pool.
    pub counts: Vec<SupplierCount>,
    /// Distinct suppliers at or above the threshold somewhere, per pool, over the group.
    pub group_counts: Vec<(&'static str, usize)>,
    /// The largest suppliers over the group (at most 15).
    pub largest: Vec<SupplierRow>,
    /// Suppliers invoicing two or more municipalities, largest first.
    pub shared: Vec<SupplierRow>,
}

/// How many rows the largest-supplier list keeps.
pub const LARGEST_N: usize = 15;

/// Computes the supplier analysis over the benchmarked municipalities.
pub fn suppliers(
    results: &[&MunicipalityResult],
    labels: &[String],
    threshold_ore: i64,
) -> SupplierAnalysis {
    let mut counts = Vec::new();
    let mut group_sets: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    // key → (spellings, amount, municipality indexes, pools)
    type Acc = (
        BTreeMap<String, u64>,
        i64,
        BTreeSet<usize>,
        BTreeSet<&'static str>,
    );
    let mut all: BTreeMap<String, Acc> = BTreeMap::new();
    for (mi, (r, label)) in results.iter().zip(labels).enumerate() {
        let mut per_pool: BTreeMap<&'static str, BTreeMap<String, i64>> = BTreeMap::new();
        for s in &r.suppliers {
            let key = normalize(&s.supplier);
            if key.is_empty() {
                continue;
            }
            *per_pool
                .entry(s.pool)
                .or_default()
                .entry(key.clone())
                .or_default() += s.amount.0;
            let e = all.entry(key).or_default();
            *e.0.entry(s.supplier.clone()).or_default() += s.lines;
            e.1 += s.amount.0;
            e.2.insert(mi);
            e.3.insert(s.pool);
        }
        for pool in crate::rules::taxonomy::Pool::ALL.iter().map(|p| p.name()) {
            let Some(m) = per_pool.get(pool) else {
                continue;
            };
            let above: Vec<(&String, &i64)> =
                m.iter().filter(|(_, a)| **a >= threshold_ore).collect();
            group_sets
                .entry(pool)
                .or_default()
                .extend(above.iter().map(|(k, _)| (*k).clone()));
            counts.push(SupplierCount {
                municipality: label.clone(),
                pool,
                suppliers: above.len(),
                amount: Kr(above.iter().map(|(_, a)| **a).sum()),
                all_suppliers: m.len(),
            });
        }
    }
    let mut rows: Vec<SupplierRow> = all
        .into_values()
        .map(|(spellings, amount, munis, pools)| SupplierRow {
            supplier: spellings
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(s, _)| s.clone())
                .unwrap_or_default(),
            amount: Kr(amount),
            municipalities: munis.iter().map(|&i| labels[i].clone()).collect(),
            pools: pools.into_iter().collect(),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.amount
            .cmp(&a.amount)
            .then_with(|| a.supplier.cmp(&b.supplier))
    });
    let shared = rows
        .iter()
        .filter(|r| r.municipalities.len() >= 2)
        .cloned()
        .collect();
    rows.truncate(LARGEST_N);
    SupplierAnalysis {
        threshold: Kr(threshold_ore),
        counts,
        group_counts: crate::rules::taxonomy::Pool::ALL
            .iter()
            .filter_map(|p| group_sets.get(p.name()).map(|s| (p.name(), s.len())))
            .collect(),
        largest: rows,
        shared,
    }
}
