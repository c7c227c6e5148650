//! Stage 4: sums per municipality and year — totals, denominators, central IT and outside IT per pool, internal
//! eliminations, exclusions, IT suspects — and the conservation check.

use crate::classify::{Classified, ClassifiedKey, Scope, Shared, SuspectSum};
use crate::config::Denominator;
use crate::error::{Error, Result};
use crate::ingest::IngestReport;
use crate::rules::taxonomy::{AccountKind, Pool};
use rayon::prelude::*;
use std::collections::BTreeMap;

// `Kr` and `share` live in `money`; named here too for code written before they moved there.
pub use crate::money::{share, Kr};

pub mod it_org;

/// Inside and outside central IT, for one pool.
#[derive(Debug, Clone, Copy, Default)]
pub struct PoolSplit {
    /// Booked on central IT cost centres.
    pub central: Kr,
    /// IT booked elsewhere (in scope).
    pub outside: Kr,
}

/// Internal transactions that were eliminated.
#[derive(Debug, Clone, Default)]
pub struct Internal {
    /// Internal costs (debits on cost accounts): the amount removed from total cost.
    pub costs: Kr,
    /// Internal revenues (credits, negative).
    pub revenues: Kr,
    /// costs + revenues: zero when both sides of every internal transaction are in the ledger.
    pub imbalance: Kr,
    /// Number of internal lines.
    pub lines: u64,
}

/// One row of a top list.
#[derive(Debug, Clone)]
pub struct TopItem {
    /// The account, supplier or text.
    pub key: String,
    /// A label (the account text for accounts).
    pub label: String,
    /// Sum.
    pub amount: Kr,
    /// Number of lines.
    pub lines: u64,
}

/// Lines that look like IT but that no IT rule took.
#[derive(Debug, Clone, Default)]
pub struct Suspects {
    /// Their sum (part of not-IT cost).
    pub amount: Kr,
    /// Their number.
    pub lines: u64,
    /// Largest accounts behind them.
    pub top_accounts: Vec<TopItem>,
    /// Largest suppliers behind them.
    pub top_suppliers: Vec<TopItem>,
    /// Largest line texts behind them.
    pub top_texts: Vec<TopItem>,
}

/// Conservation: every öre read is accounted for in exactly one place.
#[derive(Debug, Clone, Default)]
pub struct Conservation {
    /// Sum of all amounts as read from the files.
    pub input_sum: Kr,
    /// Sum over central IT, outside IT, not IT, internal and excluded.
    pub accounted_sum: Kr,
    /// Amount per place.
    pub by_scope: BTreeMap<Scope, Kr>,
    /// Lines read from the files.
    pub lines_read: u64,
    /// Lines that were classified.
    pub lines_classified: u64,
    /// True when sums and line counts agree.
    pub ok: bool,
    /// Lines set aside in lenient mode (not in the sums above).
    pub rejected_lines: u64,
    /// Their amount, where it could be read.
    pub rejected_amount: Kr,
    /// Rejected lines whose amount could not be read.
    pub rejected_without_amount: u64,
}

/// IT inside and outside central IT, and total cost, for one department (förvaltning) or company.
#[derive(Debug, Clone, Default)]
pub struct DepartmentResult {
    /// The department: the ledger's department column, else the config's cost-centre mapping, else empty.
    pub department: String,
    /// Total cost booked in it (cost + depreciation, after eliminations).
    pub total_cost: Kr,
    /// Central IT cost booked in it.
    pub central_it: Kr,
    /// In-scope IT cost outside central IT booked in it.
    pub outside_it: Kr,
    /// Per pool, IT cost (central and outside).
    pub pools: BTreeMap<&'static str, PoolSplit>,
}

/// IT cost (central and outside, in scope) of one supplier in one pool.
#[derive(Debug, Clone)]
pub struct SupplierAmount {
    /// Supplier name as in the ledger.
    pub supplier: String,
    /// Pool.
    pub pool: &'static str,
    /// Amount.
    pub amount: Kr,
    /// Lines.
    pub lines: u64,
}

/// Everything computed for one municipality and year (the `municipalities[]` objects of the JSON contract).
#[derive(Debug, Clone)]
pub struct MunicipalityResult {
    /// The unit's id in the run: the name, or "name year" when the name occurs for several years (after
    /// anonymisation, with letters for names).
    pub id: String,
    /// The unit's label in the benchmark and the group analyses: the name, or "name year" when the name occurs
    /// for several years among the benchmarked units (set with `benchmarked`; the id until then).
    pub label: String,
    /// True when the unit is in the benchmark (its year is the run's `benchmark_year`, or none is set).
    pub benchmarked: bool,
    /// Name.
    pub name: String,
    /// What its ledgers hold: outcome, budget or forecast.
    pub kind: crate::config::FigureKind,
    /// Fiscal year.
    pub year: Option<i32>,
    /// Ledger files read.
    pub files: Vec<String>,
    /// Lines read.
    pub lines: u64,
    /// Months present (`YYYY-MM`).
    pub months: Vec<String>,
    /// Months of the year missing from the ledger (`YYYY-MM`); non-empty means the ledger is incomplete.
    /// Empty when the ledger has no dates at all (see `months_note`).
    pub months_missing: Vec<String>,
    /// Set when no line has a date or period: [`crate::guards::NO_DATES`] (the ledger is treated as one year;
    /// nothing is said to be missing).
    pub months_note: Option<&'static str>,
    /// The denominator every share below is a fraction of.
    pub denominator: Denominator,
    /// Its value.
    pub denominator_value: Kr,
    /// Operating cost incl. depreciation, after internal eliminations.
    pub total_cost: Kr,
    /// External operating revenue (negative).
    pub revenue: Kr,
    /// total_cost + revenue.
    pub net_cost: Kr,
    /// Depreciation included in total_cost.
    pub depreciation: Kr,
    /// External total from the config, if given.
    pub external_total: Option<Kr>,
    /// Central IT cost centres, as configured.
    pub central_it_cost_centres: Vec<String>,
    /// Cost on central IT cost centres.
    pub central_it_cost: Kr,
    /// central_it_cost / denominator.
    pub central_it_share: Option<f64>,
    /// IT cost outside central IT (in scope).
    pub outside_it_cost: Kr,
    /// central_it_cost + outside_it_cost.
    pub it_cost: Kr,
    /// it_cost / denominator.
    pub it_share: Option<f64>,
    /// central_it_cost / it_cost: how much of the IT sits in central IT.
    pub central_part_of_it: Option<f64>,
    /// IT lines outside central IT whose pool is not in the run's scope (e.g. IT consultants with the narrow scope).
    pub outside_it_out_of_scope: Kr,
    /// Internal costs eliminated from total cost.
    pub internal_eliminated: Kr,
    /// Internal transactions in detail.
    pub internal: Internal,
    /// Excluded lines' sum (balance sheet, class 8, investment, unknown accounts, rule exclusions).
    pub excluded: Kr,
    /// Excluded by reason (rule id).
    pub excluded_by: BTreeMap<String, Kr>,
    /// Not-IT operating cost.
    pub not_it_cost: Kr,
    /// Sum of IT-suspect lines (part of not_it_cost).
    pub unclassified_it_suspect: Kr,
    /// The suspects in detail.
    pub unclassified_it_suspect_detail: Suspects,
    /// Per TBM pool: central and outside.
    pub pools: BTreeMap<&'static str, PoolSplit>,
    /// Per rule id: amount and lines decided by it.
    pub rules_fired: BTreeMap<String, (Kr, u64)>,
    /// Population, if configured.
    pub population: Option<u64>,
    /// Employees, if configured (a key of the joint organisation's split).
    pub employees: Option<u64>,
    /// IT users, if configured.
    pub users: Option<u64>,
    /// Devices, if configured.
    pub devices: Option<u64>,
    /// True when a ledger holds external purchases only (open supplier ledger): total and net cost are then
    /// not the municipality's, and shares are given only against an external total.
    pub external_purchases_only: bool,
    /// Things the reader of the figures must know (a central IT cost centre that occurs nowhere, …).
    pub warnings: Vec<String>,
    /// The conservation check.
    pub conservation: Conservation,
    /// IT cost per TBM tower (from the rules), inside and outside central IT; "Unassigned" where no rule gave one.
    pub towers: BTreeMap<&'static str, PoolSplit>,
    /// Per department or company, largest total cost first.
    pub departments: Vec<DepartmentResult>,
    /// IT cost per supplier and pool (lines without a supplier are left out); the supplier analyses use it.
    pub suppliers: Vec<SupplierAmount>,
    /// Central IT's Internal Labor per tower (part of `towers`): the work areas spread all of it by the allocation
    /// keys, whatever tower a rule gave it.
    pub central_labour_towers: BTreeMap<&'static str, Kr>,
    /// Operating cost (cost and depreciation, after eliminations) on the configured digitalisation cost centres.
    pub digitalisation_cost: Kr,
    /// Investment lines on the digitalisation cost centres.
    pub digitalisation_investment: Kr,
    /// Every line on an investment account (Kommun-Bas 40; part of `excluded`).
    pub investment: Kr,
    /// IT investment per pool: investment lines an IT rule took (e.g. 4023 Datorer → Hardware), part of
    /// `investment`; never part of operating cost.
    pub it_investment: BTreeMap<&'static str, Kr>,
}

/// The name of the tower bucket for IT cost that no rule gave a tower.
pub const UNASSIGNED_TOWER: &str = "Unassigned";

/// Inputs of one municipality that are not in the key table.
pub struct MunicipalityInput<'a> {
    /// Name.
    pub name: &'a str,
    /// The unit id its lines are stamped with (the name, or "name year" when the name occurs for several years).
    pub id: &'a str,
    /// Year from the config.
    pub year: Option<i32>,
    /// What its ledgers hold (the config's `kind`).
    pub kind: crate::config::FigureKind,
    /// What ingest read.
    pub reports: Vec<&'a IngestReport>,
    /// Central IT cost centres as written.
    pub central_it_raw: Vec<String>,
    /// External total.
    pub external_total_ore: Option<i64>,
    /// Population.
    pub population: Option<u64>,
    /// Employees, users and devices (the joint organisation's other keys).
    pub employees: Option<u64>,
    /// IT users.
    pub users: Option<u64>,
    /// Devices.
    pub devices: Option<u64>,
    /// Cost-centre patterns per department, used where the ledger has no department column.
    pub departments: &'a [(String, Vec<crate::rules::pattern::CodePattern>)],
    /// Cost-centre patterns of digitalisation (Sundsvall's measures).
    pub digitalisation: &'a [crate::rules::pattern::CodePattern],
}

/// The department of a key: the ledger's own department column when filled, else the first configured department
/// whose cost-centre patterns match, else "" (not given).
pub fn department_of(
    column: Option<&str>,
    cost_centre: Option<&str>,
    mapping: &[(String, Vec<crate::rules::pattern::CodePattern>)],
) -> String {
    if let Some(d) = column.map(str::trim).filter(|d| !d.is_empty()) {
        return d.to_string();
    }
    let cc = cost_centre.unwrap_or("");
    mapping
        .iter()
        .find(|(_, pats)| !cc.is_empty() && pats.iter().any(|p| p.matches(cc)))
        .map(|(name, _)| name.clone())
        .unwrap_or_default()
}

/// Aggregates the key table into one result per unit, in the order of `inputs` (which is the order of
/// [`Classified::units`]); checks conservation. Units are aggregated in parallel, each over its own keys.
pub fn aggregate(
    classified: &Classified,
    suspects: &[SuspectSum],
    inputs: &[MunicipalityInput<'_>],
    denominator: Denominator,
) -> Result<Vec<MunicipalityResult>> {
    let mut keys: Vec<Vec<&ClassifiedKey>> = vec![Vec::new(); inputs.len()];
    for k in &classified.keys {
        match keys.get_mut(k.unit) {
            Some(v) => v.push(k),
            None => {
                return Err(Error::internal(format!(
                    "a key of unit {} of a run of {} units",
                    k.unit,
                    inputs.len()
                )))
            }
        }
    }
    let mut out: Vec<MunicipalityResult> = inputs
        .par_iter()
        .zip(keys.par_iter())
        .map(|(input, keys)| unit_result(input, keys, denominator))
        .collect::<Result<_>>()?;
    suspects_top(suspects, &mut out);
    Ok(out)
}

/// One unit's result from its keys.
fn unit_result(
    input: &MunicipalityInput<'_>,
    keys: &[&ClassifiedKey],
    denominator: Denominator,
) -> Result<MunicipalityResult> {
    let mut r = MunicipalityResult {
        id: input.id.to_string(),
        label: input.id.to_string(),
        benchmarked: true,
        name: input.name.to_string(),
        kind: input.kind,
        year: input
            .year
            .or_else(|| input.reports.iter().find_map(|r| r.year)),
        files: input.reports.iter().map(|r| r.file.clone()).collect(),
        lines: input.reports.iter().map(|r| r.lines as u64).sum(),
        months: Vec::new(),
        months_missing: Vec::new(),
        months_note: None,
        denominator,
        denominator_value: Kr(0),
        total_cost: Kr(0),
        revenue: Kr(0),
        net_cost: Kr(0),
        depreciation: Kr(0),
        external_total: input.external_total_ore.map(Kr),
        central_it_cost_centres: input.central_it_raw.clone(),
        central_it_cost: Kr(0),
        central_it_share: None,
        outside_it_cost: Kr(0),
        it_cost: Kr(0),
        it_share: None,
        central_part_of_it: None,
        outside_it_out_of_scope: Kr(0),
        internal_eliminated: Kr(0),
        internal: Internal::default(),
        excluded: Kr(0),
        excluded_by: BTreeMap::new(),
        not_it_cost: Kr(0),
        unclassified_it_suspect: Kr(0),
        unclassified_it_suspect_detail: Suspects::default(),
        pools: Pool::ALL
            .iter()
            .map(|p| (p.name(), PoolSplit::default()))
            .collect(),
        rules_fired: BTreeMap::new(),
        population: input.population,
        employees: input.employees,
        users: input.users,
        devices: input.devices,
        external_purchases_only: input.reports.iter().any(|r| r.external_purchases_only),
        warnings: Vec::new(),
        conservation: Conservation::default(),
        towers: BTreeMap::new(),
        departments: Vec::new(),
        suppliers: Vec::new(),
        central_labour_towers: BTreeMap::new(),
        digitalisation_cost: Kr(0),
        digitalisation_investment: Kr(0),
        investment: Kr(0),
        it_investment: BTreeMap::new(),
    };
    let mut departments: BTreeMap<String, DepartmentResult> = BTreeMap::new();
    let mut suppliers: BTreeMap<(String, &'static str), (i64, u64)> = BTreeMap::new();
    let mut months: std::collections::BTreeSet<i32> = Default::default();
    for rep in &input.reports {
        months.extend(rep.months.iter().copied());
    }
    r.months = months
        .iter()
        .map(|p| format!("{}-{:02}", p / 100, p % 100))
        .collect();
    if months.is_empty() {
        r.months_note = Some(crate::guards::NO_DATES);
    } else if let Some(y) = r.year {
        r.months_missing = (1..=12)
            .filter(|m| !months.contains(&(y * 100 + m)))
            .map(|m| format!("{y}-{m:02}"))
            .collect();
    }
    let mut by_scope: BTreeMap<Scope, Kr> = Scope::ALL.iter().map(|s| (*s, Kr(0))).collect();
    let mut lines_classified = 0u64;
    for key in keys {
        let d = &key.decision;
        let amount = key.amount;
        let lines = key.lines;
        lines_classified += lines;
        let scope = d.scope;
        *by_scope.entry(scope).or_default() += amount;
        let is_cost = matches!(d.kind, Some(AccountKind::Cost | AccountKind::Depreciation));
        let is_revenue = d.kind == Some(AccountKind::Revenue);
        // Looked up before inserting: an owned id is made once per rule, not once per key.
        let fired = match r.rules_fired.get_mut(&*d.rule_id) {
            Some(f) => f,
            None => r.rules_fired.entry(d.rule_id.to_string()).or_default(),
        };
        fired.0 += amount;
        fired.1 += lines;
        let digitalisation = !input.digitalisation.is_empty()
            && !key.cost_centre.is_empty()
            && crate::rules::pattern::any_code(input.digitalisation, &key.cost_centre);
        match scope {
            Scope::Excluded if d.kind == Some(AccountKind::Investment) => {
                // The exclusion's reason stays the account class; an IT rule only says which pool.
                r.excluded += amount;
                r.investment += amount;
                *r.excluded_by
                    .entry("accounts.investment".into())
                    .or_default() += amount;
                if digitalisation {
                    r.digitalisation_investment += amount;
                }
                if d.it {
                    let pool = d.pool.unwrap_or(Pool::Other);
                    *r.it_investment.entry(pool.name()).or_default() += amount;
                }
            }
            Scope::Excluded => {
                r.excluded += amount;
                match r.excluded_by.get_mut(&*d.rule_id) {
                    Some(e) => *e += amount,
                    None => {
                        r.excluded_by.insert(d.rule_id.to_string(), Kr(amount));
                    }
                }
            }
            Scope::Internal => {
                r.internal.lines += lines;
                if is_revenue {
                    r.internal.revenues += amount;
                } else {
                    r.internal.costs += amount;
                }
            }
            Scope::CentralIt | Scope::OutsideIt | Scope::NotIt => {
                let dept_name = department_of(
                    Some(&key.department),
                    Some(&key.cost_centre),
                    input.departments,
                );
                let dept =
                    departments
                        .entry(dept_name.clone())
                        .or_insert_with(|| DepartmentResult {
                            department: dept_name,
                            ..Default::default()
                        });
                if is_cost {
                    dept.total_cost += amount;
                }
                if matches!(scope, Scope::CentralIt | Scope::OutsideIt) {
                    let central = scope == Scope::CentralIt;
                    let pool_name = d.pool.unwrap_or(Pool::Other).name();
                    let tower = d.tower.map(|t| t.name()).unwrap_or(UNASSIGNED_TOWER);
                    let t = r.towers.entry(tower).or_default();
                    let p = dept.pools.entry(pool_name).or_default();
                    if central && pool_name == Pool::InternalLabor.name() {
                        *r.central_labour_towers.entry(tower).or_default() += amount;
                    }
                    if central {
                        t.central += amount;
                        p.central += amount;
                        dept.central_it += amount;
                    } else {
                        t.outside += amount;
                        p.outside += amount;
                        dept.outside_it += amount;
                    }
                    let sup = key.supplier.trim();
                    if !sup.is_empty() {
                        let e = suppliers.entry((sup.to_string(), pool_name)).or_default();
                        e.0 += amount;
                        e.1 += lines;
                    }
                }
                if is_cost && digitalisation {
                    r.digitalisation_cost += amount;
                }
                if is_cost {
                    r.total_cost += amount;
                    if d.kind == Some(AccountKind::Depreciation) {
                        r.depreciation += amount;
                    }
                } else if is_revenue {
                    r.revenue += amount;
                }
                match scope {
                    Scope::CentralIt => {
                        r.central_it_cost += amount;
                        if let Some(p) = d.pool {
                            r.pools.entry(p.name()).or_default().central += amount;
                        }
                    }
                    Scope::OutsideIt => {
                        r.outside_it_cost += amount;
                        if let Some(p) = d.pool {
                            r.pools.entry(p.name()).or_default().outside += amount;
                        }
                    }
                    _ => {
                        if is_cost {
                            r.not_it_cost += amount;
                            if d.it {
                                r.outside_it_out_of_scope += amount;
                            }
                        }
                    }
                }
            }
        }
    }
    let mut depts: Vec<DepartmentResult> = departments.into_values().collect();
    depts.sort_by(|a, b| {
        b.total_cost
            .cmp(&a.total_cost)
            .then_with(|| a.department.cmp(&b.department))
    });
    r.departments = depts;
    r.suppliers = suppliers
        .into_iter()
        .map(|((supplier, pool), (a, n))| SupplierAmount {
            supplier,
            pool,
            amount: Kr(a),
            lines: n,
        })
        .collect();
    r.internal.imbalance = Kr(r.internal.costs.0 + r.internal.revenues.0);
    r.internal_eliminated = r.internal.costs;
    r.net_cost = Kr(r.total_cost.0 + r.revenue.0);
    r.it_cost = Kr(r.central_it_cost.0 + r.outside_it_cost.0);
    r.denominator_value = Kr(match denominator {
        Denominator::TotalCost => r.total_cost.0,
        Denominator::NetCost => r.net_cost.0,
        Denominator::External => input.external_total_ore.unwrap_or(0),
    });
    if r.external_purchases_only && denominator != Denominator::External {
        r.denominator_value = Kr(0); // no share of a total the ledger cannot show
    }
    r.central_it_share = share(r.central_it_cost.0, r.denominator_value.0);
    r.it_share = share(r.it_cost.0, r.denominator_value.0);
    r.central_part_of_it = share(r.central_it_cost.0, r.it_cost.0);
    let input_sum: i64 = input.reports.iter().map(|r| r.sum_ore).sum();
    let accounted: i64 = by_scope.values().map(|k| k.0).sum();
    r.conservation = Conservation {
        input_sum: Kr(input_sum),
        accounted_sum: Kr(accounted),
        by_scope,
        lines_read: r.lines,
        lines_classified,
        ok: input_sum == accounted && r.lines == lines_classified,
        rejected_lines: input.reports.iter().map(|r| r.rejects.len() as u64).sum(),
        rejected_amount: Kr(input
            .reports
            .iter()
            .flat_map(|r| r.rejects.iter())
            .filter_map(|x| x.amount_ore)
            .sum()),
        rejected_without_amount: input
            .reports
            .iter()
            .flat_map(|r| r.rejects.iter())
            .filter(|x| x.amount_ore.is_none())
            .count() as u64,
    };
    if !r.conservation.ok {
        return Err(Error::conservation(format!(
            "{}: conservation failed: input {} kr in {} lines, accounted {} kr in {} lines",
            r.name,
            crate::money::format_sv(input_sum),
            r.lines,
            crate::money::format_sv(accounted),
            lines_classified
        )));
    }
    Ok(r)
}

/// Sets each result's `label` and `benchmarked` for a benchmark over the units of `year` (None: every unit) and
/// of `kind` (None: every kind; the pipeline then narrows it to one, `compare::it_org::select_kind`):
/// a benchmarked unit is labelled by its name, or "name year" when the name occurs for several benchmarked
/// units; the others keep their id.
pub fn label_benchmarked(
    results: &mut [MunicipalityResult],
    year: Option<i32>,
    kind: Option<crate::config::FigureKind>,
) {
    for r in results.iter_mut() {
        r.benchmarked = (year.is_none() || r.year == year) && kind.is_none_or(|k| r.kind == k);
    }
    let names: Vec<(String, bool)> = results
        .iter()
        .map(|r| (r.name.clone(), r.benchmarked))
        .collect();
    for r in results.iter_mut() {
        r.label = if !r.benchmarked {
            r.id.clone()
        } else {
            let same = names.iter().filter(|(n, b)| *b && *n == r.name).count();
            match (same > 1, r.year) {
                (true, Some(y)) => format!("{} {y}", r.name),
                _ => r.name.clone(),
            }
        };
    }
}

/// How many rows each top list keeps.
pub const TOP_N: usize = 5;

/// Sum and lines per (key, label) of a top list (hashed: a unit's suspect texts can be tens of thousands; the
/// top list sorts them, ties by key and label).
type TopSums = std::collections::HashMap<(Shared, Shared), (i64, u64)>;

/// Sums the suspect lines per unit and fills the top accounts, suppliers and texts.
fn suspects_top(suspects: &[SuspectSum], results: &mut [MunicipalityResult]) {
    let mut by: Vec<[TopSums; 3]> = vec![Default::default(); results.len()];
    let none = Shared::from("");
    for s in suspects {
        let (Some(r), Some(by)) = (results.get_mut(s.unit), by.get_mut(s.unit)) else {
            continue;
        };
        let d = &mut r.unclassified_it_suspect_detail;
        d.amount += s.amount;
        d.lines += s.lines;
        let keys = [
            (s.account.clone(), s.account_text.clone()),
            (s.supplier.clone(), none.clone()),
            (s.text.clone(), none.clone()),
        ];
        for (map, k) in by.iter_mut().zip(keys) {
            if k.0.is_empty() {
                continue;
            }
            let e = map.entry(k).or_default();
            e.0 += s.amount;
            e.1 += s.lines;
        }
    }
    let top = |map: &TopSums| -> Vec<TopItem> {
        let mut v: Vec<_> = map.iter().collect();
        v.sort_unstable_by(|(ka, a): &(&(Shared, Shared), &(i64, u64)), (kb, b)| {
            b.0.cmp(&a.0).then_with(|| ka.cmp(kb))
        });
        v.into_iter()
            .take(TOP_N)
            .map(|((key, label), (a, n))| TopItem {
                key: key.to_string(),
                label: label.to_string(),
                amount: Kr(*a),
                lines: *n,
            })
            .collect()
    };
    for (r, by) in results.iter_mut().zip(&by) {
        let d = &mut r.unclassified_it_suspect_detail;
        d.top_accounts = top(&by[0]);
        d.top_suppliers = top(&by[1]);
        d.top_texts = top(&by[2]);
        r.unclassified_it_suspect = d.amount;
    }
}
