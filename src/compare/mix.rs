//! Pool mix and inside/outside central IT: IT cost per pool per municipality and for the group (the studies'
//! 100 % stacked bars and the Hardware 82/18 · Software 38/62 · Telecom 59/41 table), and per department.

use crate::aggregate::{MunicipalityResult, PoolSplit};
use crate::money::{share, Kr};
use crate::rules::taxonomy::Pool;
use std::collections::BTreeMap;

/// One municipality's IT cost per pool.
#[derive(Debug, Clone)]
pub struct PoolMixRow {
    /// Label (name, or "name year").
    pub municipality: String,
    /// IT cost (central + outside) per pool, in `Pool::ALL` order, pools with cost only.
    pub pools: BTreeMap<&'static str, PoolSplit>,
    /// Total IT cost.
    pub it_cost: Kr,
}

/// Inside vs outside central IT for one pool, over the group.
#[derive(Debug, Clone)]
pub struct InsideOutside {
    /// Pool.
    pub pool: &'static str,
    /// Booked on central IT.
    pub central: Kr,
    /// Booked outside central IT (in scope).
    pub outside: Kr,
    /// central / (central + outside).
    pub central_share: Option<f64>,
}

/// Pool mix and inside/outside, per municipality and for the group.
#[derive(Debug, Clone)]
pub struct Mix {
    /// Per municipality.
    pub municipalities: Vec<PoolMixRow>,
    /// The group, per pool of the outside-IT scope.
    pub group: Vec<InsideOutside>,
}

/// Computes the mix over the benchmarked municipalities (labels as in the benchmark). The group's
/// inside/outside table lists the pools of the outside-IT scope (other pools are central IT only by definition).
pub fn mix(results: &[&MunicipalityResult], labels: &[String], scope: &[Pool]) -> Mix {
    let mut group: BTreeMap<&'static str, PoolSplit> = BTreeMap::new();
    let municipalities = results
        .iter()
        .zip(labels)
        .map(|(r, label)| {
            let pools: BTreeMap<&'static str, PoolSplit> = r
                .pools
                .iter()
                .filter(|(_, s)| s.central.0 != 0 || s.outside.0 != 0)
                .map(|(k, v)| (*k, *v))
                .collect();
            for (k, v) in &pools {
                let g = group.entry(k).or_default();
                g.central += v.central.0;
                g.outside += v.outside.0;
            }
            PoolMixRow {
                municipality: label.clone(),
                pools,
                it_cost: r.it_cost,
            }
        })
        .collect();
    let group = Pool::ALL
        .iter()
        .filter(|p| scope.contains(p))
        .filter_map(|p| group.get(p.name()).map(|s| (p.name(), *s)))
        .map(|(pool, s)| InsideOutside {
            pool,
            central: s.central,
            outside: s.outside,
            central_share: share(s.central.0, s.central.0 + s.outside.0),
        })
        .collect();
    Mix {
        municipalities,
        group,
    }
}
