//! Towers and work areas of central IT, as the studies did them (A5, M7; issue 13, item 6). The allocation keys
//! (the IT manager's answers on which area each employee works in) spread central IT's *labour*: all of its Internal
//! Labor, whatever tower a rule gave it. Every other pool keeps the tower its rules gave (telephony is an end-user
//! service: the default rules give it the End User tower), or stays unallocated ("Ej fördelat") — never spread
//! silently. Without keys, the labour stays unallocated too. The group mean is over the units that have keys
//! (a unit without them has no labour split to compare). Run = Infrastruktur + Slutanvändartjänster; development =
//! Applikationsverksamhet + Styra och stödja.

use crate::aggregate::{MunicipalityResult, UNASSIGNED_TOWER};
use crate::config::analysis::{AllocationKey, WorkArea};
use crate::money::{share, Kr};
use crate::rules::taxonomy::Tower;

/// One work area of one municipality.
#[derive(Debug, Clone)]
pub struct AreaAmount {
    /// Work area.
    pub area: WorkArea,
    /// Central IT cost other than Internal Labor with a tower from the rules in this area.
    pub from_rules: Kr,
    /// Central IT's Internal Labor given to this area by the allocation keys.
    pub from_keys: Kr,
    /// from_rules + from_keys.
    pub total: Kr,
    /// total / central IT cost.
    pub share: Option<f64>,
}

/// Work areas of one municipality's central IT.
#[derive(Debug, Clone)]
pub struct WorkAreaResult {
    /// Label (name, or "name year").
    pub municipality: String,
    /// Central IT cost (= sum of the areas + unallocated).
    pub central_it_cost: Kr,
    /// The four areas.
    pub areas: Vec<AreaAmount>,
    /// Central IT cost in no area: other pools without a tower, labour without keys, or the keys' shares summing
    /// below 100 %.
    pub unallocated: Kr,
    /// Infrastruktur + Slutanvändartjänster.
    pub run: Kr,
    /// Applikationsverksamhet + Styra och stödja.
    pub development: Kr,
    /// run / (run + development).
    pub run_share: Option<f64>,
    /// Where the keys came from (`file:line` of the first key), or empty when none.
    pub keys_source: String,
}

/// One tower of one municipality (central and outside IT).
#[derive(Debug, Clone)]
pub struct TowerAmount {
    /// Label (name, or "name year").
    pub municipality: String,
    /// Tower name, or "Unassigned".
    pub tower: &'static str,
    /// Central IT.
    pub central: Kr,
    /// Outside central IT.
    pub outside: Kr,
}

/// Work areas for the group.
#[derive(Debug, Clone)]
pub struct WorkAreas {
    /// Per municipality.
    pub municipalities: Vec<WorkAreaResult>,
    /// Mean over the municipalities with allocation keys of each area's share of central IT cost.
    pub group_mean: Vec<(WorkArea, f64)>,
    /// Mean run share over the municipalities with allocation keys.
    pub group_run_share: Option<f64>,
    /// IT cost per tower and municipality (rules only).
    pub towers: Vec<TowerAmount>,
}

/// Computes towers and work areas for the benchmarked municipalities.
pub fn work_areas(
    results: &[&MunicipalityResult],
    labels: &[String],
    keys: &[AllocationKey],
) -> WorkAreas {
    let mut municipalities = Vec::new();
    let mut has_keys = Vec::new();
    let mut towers = Vec::new();
    for (r, label) in results.iter().zip(labels) {
        for t in Tower::ALL
            .iter()
            .map(|t| t.name())
            .chain([UNASSIGNED_TOWER])
        {
            if let Some(s) = r.towers.get(t) {
                towers.push(TowerAmount {
                    municipality: label.clone(),
                    tower: t,
                    central: s.central,
                    outside: s.outside,
                });
            }
        }
        // Other pools keep their rules' towers; Internal Labor is spread by the keys whatever its tower.
        let labour_in = |tower: &str| r.central_labour_towers.get(tower).map(|k| k.0).unwrap_or(0);
        let mut from_rules = [0i64; 4];
        for t in Tower::ALL {
            if let Some(s) = r.towers.get(t.name()) {
                let a = WorkArea::of_tower(*t);
                from_rules[WorkArea::ALL.iter().position(|x| *x == a).unwrap_or(0)] +=
                    s.central.0 - labour_in(t.name());
            }
        }
        let labour: i64 = r.central_labour_towers.values().map(|k| k.0).sum();
        // Keys for this name and year, else for this name without a year.
        let own: Vec<&AllocationKey> = {
            let exact: Vec<&AllocationKey> = keys
                .iter()
                .filter(|k| k.municipality == r.name && k.year.is_some() && k.year == r.year)
                .collect();
            if exact.is_empty() {
                keys.iter()
                    .filter(|k| k.municipality == r.name && k.year.is_none())
                    .collect()
            } else {
                exact
            }
        };
        let mut weights = [0i64; 5];
        for k in &own {
            weights[WorkArea::ALL.iter().position(|x| *x == k.area).unwrap_or(0)] += k.weight;
        }
        if own.iter().any(|k| k.percent) {
            weights[4] = (1_000_000 - weights[..4].iter().sum::<i64>()).max(0);
        } else if own.is_empty() {
            weights[4] = 1;
        }
        let from_keys = crate::money::allocate(labour, &weights);
        let central = r.central_it_cost.0;
        let areas: Vec<AreaAmount> = WorkArea::ALL
            .iter()
            .enumerate()
            .map(|(i, a)| AreaAmount {
                area: *a,
                from_rules: Kr(from_rules[i]),
                from_keys: Kr(from_keys[i]),
                total: Kr(from_rules[i] + from_keys[i]),
                share: share(from_rules[i] + from_keys[i], central),
            })
            .collect();
        let run: i64 = areas
            .iter()
            .filter(|a| a.area.is_run())
            .map(|a| a.total.0)
            .sum();
        let dev: i64 = areas
            .iter()
            .filter(|a| !a.area.is_run())
            .map(|a| a.total.0)
            .sum();
        has_keys.push(!own.is_empty());
        municipalities.push(WorkAreaResult {
            municipality: label.clone(),
            central_it_cost: r.central_it_cost,
            unallocated: Kr(central - run - dev),
            areas,
            run: Kr(run),
            development: Kr(dev),
            run_share: share(run, run + dev),
            keys_source: own.first().map(|k| k.source.clone()).unwrap_or_default(),
        });
    }
    let mean = |f: &dyn Fn(&WorkAreaResult) -> Option<f64>| {
        let v: Vec<f64> = municipalities
            .iter()
            .zip(&has_keys)
            .filter(|(_, k)| **k)
            .filter_map(|(m, _)| f(m))
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    };
    let group_mean = WorkArea::ALL
        .iter()
        .enumerate()
        .filter_map(|(i, a)| mean(&|m: &WorkAreaResult| m.areas[i].share).map(|v| (*a, v)))
        .collect();
    let group_run_share = mean(&|m: &WorkAreaResult| m.run_share);
    WorkAreas {
        municipalities,
        group_mean,
        group_run_share,
        towers,
    }
}
