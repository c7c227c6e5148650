//! Stage 3: every ledger line gets a place (scope), an account kind, a cost pool, sub-pool, tower and the id of
//! the rule that decided it.
//!
//! Rules are evaluated once per *distinct key tuple* (municipality, account, cost centre and only those text
//! columns the rules read), in parallel, and the decisions are joined back onto the lines. A 10M-line ledger has a
//! few thousand distinct accounts × cost centres, so 500 rules cost little more than 5.

use crate::config::Municipality;
use crate::error::{Error, Result};
use crate::ingest::ledger::{KeepTexts, CODED, TEXT_SIG};
use crate::rules::pattern::{any_code, CodePattern, TextMatch};
use crate::rules::taxonomy::{AccountKind, Pool, SubPool, Tower};
use crate::rules::{KeyView, Outcome, RuleSet};
use polars::prelude::*;
use rayon::prelude::*;
use std::collections::HashMap;

pub mod key;
pub use key::{key_view, OwnedKey};

/// Where a line lands. Every line lands in exactly one place; the sum over places equals the input sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// On a central IT cost centre (every pool counts).
    CentralIt,
    /// IT outside central IT: an IT rule matched and its pool is in the run's outside scope.
    OutsideIt,
    /// Other operating cost and external revenue (the denominators).
    NotIt,
    /// Internal transaction: eliminated from numerator and denominator.
    Internal,
    /// Outside the income statement (balance sheet, class 8, investment) or excluded by a rule.
    Excluded,
}

impl Scope {
    /// Every scope, in report order.
    pub const ALL: [Scope; 5] = [
        Scope::CentralIt,
        Scope::OutsideIt,
        Scope::NotIt,
        Scope::Internal,
        Scope::Excluded,
    ];

    /// The key used in data.
    pub fn key(self) -> &'static str {
        match self {
            Scope::CentralIt => "central_it",
            Scope::OutsideIt => "outside_it",
            Scope::NotIt => "not_it",
            Scope::Internal => "internal",
            Scope::Excluded => "excluded",
        }
    }
}

/// The decision for one key tuple.
#[derive(Debug, Clone)]
pub struct Decision {
    /// Account kind (None: the account is in no `[accounts]` class).
    pub kind: Option<AccountKind>,
    /// Where the line lands.
    pub scope: Scope,
    /// Cost pool (cost and depreciation lines that are not internal or excluded).
    pub pool: Option<Pool>,
    /// Sub-pool.
    pub sub_pool: Option<SubPool>,
    /// Tower.
    pub tower: Option<Tower>,
    /// Id of the rule or declaration that decided (shared: a decision is copied to every key it decides).
    pub rule_id: Shared,
    /// The deciding rule says the line is IT.
    pub it: bool,
    /// Looks like IT (suspect keyword) but no IT rule took it; only for not-IT cost lines.
    pub suspect: bool,
    /// A not-IT cost line that no IT rule took: a suspect if its supplier or text has a suspect keyword.
    pub suspect_candidate: bool,
}

impl Decision {
    /// The start of a decision for an account of this kind: not IT, no pool, no rule yet.
    fn new(kind: Option<AccountKind>) -> Decision {
        Decision {
            kind,
            scope: Scope::NotIt,
            pool: None,
            sub_pool: None,
            tower: None,
            rule_id: NO_RULE.clone(),
            it: false,
            suspect: false,
            suspect_candidate: false,
        }
    }
}

/// The rule id of a key not yet decided (one shared empty string).
static NO_RULE: std::sync::LazyLock<Shared> = std::sync::LazyLock::new(|| Shared::from(""));

impl Default for Decision {
    /// No decision yet: no account kind, not IT, no pool, no rule.
    fn default() -> Decision {
        Decision::new(None)
    }
}

/// Per-municipality facts classification needs.
#[derive(Debug, Clone, Default)]
pub struct MunicipalityKeys {
    /// Central IT cost-centre patterns.
    pub central_it: Vec<CodePattern>,
    /// Extra internal counterpart patterns.
    pub internal_counterparts: Vec<CodePattern>,
    /// Its IT organisation recognises charges between members by counterpart: keep the counterpart in the key.
    pub member_counterparts: bool,
    /// Cost centres of IT staff outside central IT (`staff_it`): their Internal Labor is IT.
    pub staff_it: Vec<CodePattern>,
}

impl From<&Municipality> for MunicipalityKeys {
    fn from(m: &Municipality) -> Self {
        MunicipalityKeys {
            central_it: m.central_it.clone(),
            internal_counterparts: m.internal_counterparts.clone(),
            member_counterparts: false,
            staff_it: m.sundsvall.staff_it.clone(),
        }
    }
}

/// Decides one key tuple. This is the whole classification logic; `classify` only maps it over distinct keys.
pub fn decide(
    rules: &RuleSet,
    scope_pools: &[Pool],
    muni: &MunicipalityKeys,
    k: &KeyView<'_>,
) -> Decision {
    decide_among(rules, scope_pools, muni, k, None)
}

/// [`decide`] trying only `candidates` (the rules that can match the key's account), when given.
pub fn decide_among(
    rules: &RuleSet,
    scope_pools: &[Pool],
    muni: &MunicipalityKeys,
    k: &KeyView<'_>,
    candidates: Option<&[usize]>,
) -> Decision {
    let mut d = Decision::new(rules.account_kind(k.account));
    let kind = match d.kind {
        None => {
            d.scope = Scope::Excluded;
            d.rule_id = "accounts.unknown".into();
            return d;
        }
        Some(kind) if kind.is_excluded() => {
            d.scope = Scope::Excluded;
            d.rule_id = format!("accounts.{}", kind.key()).into();
            if kind == AccountKind::Investment {
                investment(rules, k, candidates, &mut d);
            }
            return d;
        }
        Some(kind) => kind,
    };
    let internal = &rules.internal;
    let internal_by = if any_code(&internal.accounts, k.account) {
        Some("internal.account")
    } else if internal
        .account_text
        .as_ref()
        .is_some_and(|m| m.matches_lower(k.account_text))
    {
        Some("internal.account_text")
    } else if any_code(&internal.counterparts, k.counterpart) && !k.counterpart.is_empty() {
        Some("internal.counterpart")
    } else if any_code(&muni.internal_counterparts, k.counterpart) && !k.counterpart.is_empty() {
        Some("config.internal_counterparts")
    } else {
        None
    };
    if let Some(by) = internal_by {
        d.scope = Scope::Internal;
        d.rule_id = by.into();
        return d;
    }
    if kind == AccountKind::Revenue {
        d.rule_id = "accounts.revenue".into();
        return d;
    }
    let first = match candidates {
        Some(c) => rules.first_match_among(k, c),
        None => rules.matching(k).next(),
    };
    match first {
        Some(rule) => {
            d.rule_id = rule.id.as_str().into();
            match &rule.then {
                Outcome::Internal => {
                    d.scope = Scope::Internal;
                    return d;
                }
                Outcome::Exclude(_) => {
                    d.scope = Scope::Excluded;
                    return d;
                }
                Outcome::Classify {
                    pool,
                    sub_pool,
                    tower,
                    it,
                } => {
                    d.pool = Some(*pool);
                    d.sub_pool = *sub_pool;
                    d.tower = *tower;
                    d.it = *it;
                }
            }
        }
        None => {
            d.rule_id = "default".into();
            d.pool = Some(Pool::Other);
        }
    }
    // Sundsvall's third category: IT staff outside central IT, named by cost centre in the run config.
    if !k.central_it
        && !d.it
        && d.pool == Some(Pool::InternalLabor)
        && !k.cost_centre.is_empty()
        && any_code(&muni.staff_it, k.cost_centre)
    {
        d.it = true;
        d.rule_id = "config.staff_it".into();
    }
    if kind == AccountKind::Depreciation && d.sub_pool.is_none() {
        d.sub_pool = Some(SubPool::Depreciation);
    }
    d.scope = if k.central_it {
        Scope::CentralIt
    } else if d.it && d.pool.is_some_and(|p| scope_pools.contains(&p)) {
        Scope::OutsideIt
    } else {
        Scope::NotIt
    };
    if d.scope == Scope::NotIt && !d.it {
        d.suspect_candidate = rules.suspect.is_some();
        if let Some(s) = &rules.suspect {
            d.suspect =
                s.matches_lower(k.account_text) || s.matches_lower(k.supplier) || k.text.matches(s);
        }
    }
    d
}

/// An investment line (excluded from operating cost either way) that an IT rule takes is IT investment in that
/// rule's pool: the decision keeps scope `excluded` but carries the rule's id, pool, tower and `it`. Other
/// investment lines keep `accounts.investment` and no pool.
fn investment(rules: &RuleSet, k: &KeyView<'_>, candidates: Option<&[usize]>, d: &mut Decision) {
    let first = match candidates {
        Some(c) => rules.first_match_among(k, c),
        None => rules.matching(k).next(),
    };
    if let Some(rule) = first {
        if let Outcome::Classify {
            pool,
            tower,
            it: true,
            ..
        } = &rule.then
        {
            d.rule_id = rule.id.as_str().into();
            d.pool = Some(*pool);
            d.tower = *tower;
            d.it = true;
        }
    }
}

/// The key columns classification reads, for a rule set and a run's units.
pub fn key_columns(rules: &RuleSet, units: &[(String, MunicipalityKeys)]) -> Vec<&'static str> {
    let u = rules.key_use();
    // Department and supplier are always keys: the inside/outside split per department and the supplier
    // analyses are computed from the key table, not from the lines.
    let mut keys = vec![
        "municipality",
        "account",
        "cost_centre",
        "department",
        "supplier",
    ];
    if u.account_text {
        keys.push("account_text");
    }
    if u.text {
        keys.push(TEXT_SIG);
    }
    if u.counterpart
        || units
            .iter()
            .any(|(_, m)| !m.internal_counterparts.is_empty() || m.member_counterparts)
    {
        keys.push("counterpart");
    }
    keys
}

/// A left join that keeps the left frame's row order.
fn left_join_keep_order() -> JoinArgs {
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    args
}

/// One distinct key of a run: the values the rules saw, the sum and count of its lines, and the decision.
/// Text fields the run does not key on (see [`Classified::key_columns`]) are empty.
#[derive(Debug, Clone)]
pub struct ClassifiedKey {
    /// The unit (municipality and year) its lines belong to: an index into [`Classified::units`].
    pub unit: usize,
    /// Account.
    pub account: Shared,
    /// Account text, as in the ledger.
    pub account_text: Shared,
    /// Cost centre.
    pub cost_centre: Shared,
    /// Department (förvaltning), as in the ledger.
    pub department: Shared,
    /// Supplier, as in the ledger.
    pub supplier: Shared,
    /// Counterpart.
    pub counterpart: Shared,
    /// The line text's keyword signature (which of the rules' free-text keywords the text holds).
    pub text_sig: std::sync::Arc<[u8]>,
    /// Sum of its lines, in öre.
    pub amount: i64,
    /// Number of its lines.
    pub lines: u64,
    /// What classification decided.
    pub decision: Decision,
}

impl ClassifiedKey {
    /// The value of a key column (as named in [`key_columns`]; the unit's id comes from [`Classified::units`]).
    fn text(&self, column: &str) -> &str {
        match column {
            "account" => &self.account,
            "account_text" => &self.account_text,
            "cost_centre" => &self.cost_centre,
            "department" => &self.department,
            "supplier" => &self.supplier,
            "counterpart" => &self.counterpart,
            _ => "",
        }
    }
}

/// A value of a key column, shared by every key that holds it: a run's million keys have a few thousand distinct
/// accounts, cost centres and suppliers, each held once (the key table was 0.5 kB per key with a string each).
pub type Shared = std::sync::Arc<str>;

/// The key columns in the order a row's ids are kept (the unit first, the signature last).
const KEY_SLOTS: [&str; 8] = [
    "municipality",
    "account",
    "account_text",
    "cost_centre",
    "department",
    "supplier",
    "counterpart",
    TEXT_SIG,
];

/// One key column interned: the id of each row's value, and the distinct values (the first is the empty value).
struct Interned<T: ?Sized> {
    ids: Vec<u32>,
    values: Vec<std::sync::Arc<T>>,
}

/// Interns a column's values (null as empty), in the order first met.
fn intern<'a, T>(values: impl Iterator<Item = Option<&'a T>>, empty: &'a T, n: usize) -> Interned<T>
where
    T: ?Sized + std::hash::Hash + Eq + 'a,
    std::sync::Arc<T>: From<&'a T>,
{
    let mut at: PlHashMap<&'a T, u32> = PlHashMap::new();
    at.insert(empty, 0);
    let mut out = Interned {
        ids: Vec::with_capacity(n),
        values: vec![std::sync::Arc::from(empty)],
    };
    for v in values {
        let v = v.unwrap_or(empty);
        let id = *at.entry(v).or_insert_with(|| {
            out.values.push(std::sync::Arc::from(v));
            (out.values.len() - 1) as u32
        });
        out.ids.push(id);
    }
    out
}

/// A key column of the ledger frame interned. A column the run does not key on is empty on every row: it has
/// no ids ([`Interned::id`] is then 0), so a line-by-line ledger's columns cost no memory here.
fn intern_column(frame: &DataFrame, keys: &[&str], name: &str) -> Result<Interned<str>> {
    let n = frame.height();
    if !keys.contains(&name) {
        return Ok(intern(std::iter::empty(), "", 0));
    }
    Ok(intern(frame.column(name)?.str()?.iter(), "", n))
}

impl<T: ?Sized> Interned<T> {
    /// The id of row `r`'s value (0, the empty value, for a column interned without rows).
    fn id(&self, r: usize) -> u32 {
        self.ids.get(r).copied().unwrap_or(0)
    }
}

/// The ledger's distinct keys with the sum and line count of their rows, in the order of their first rows.
///
/// Each key column is interned on its own (in parallel), so a row's key is eight numbers and each distinct
/// value is one [`Shared`] string however many keys hold it. Written here rather than as a polars `group_by`:
/// that grouped the rows by their strings and then copied every key's strings out of its result, 1.3 s of a
/// 10M-line run's 1.9 s of classification and half of its memory.
fn key_table(
    frame: &DataFrame,
    keys: &[&str],
    units: &[(String, MunicipalityKeys)],
) -> Result<(Vec<ClassifiedKey>, Vec<u32>)> {
    let n = frame.height();
    let sigs = || -> Result<Interned<[u8]>> {
        if !keys.contains(&TEXT_SIG) {
            return Ok(intern(std::iter::empty(), &[][..], 0));
        }
        Ok(intern(frame.column(TEXT_SIG)?.binary()?.iter(), &[][..], n))
    };
    let (texts, sig) = rayon::join(
        || {
            KEY_SLOTS[..7]
                .par_iter()
                .map(|name| intern_column(frame, keys, name))
                .collect::<Result<Vec<_>>>()
        },
        sigs,
    );
    let (texts, sig) = (texts?, sig?);
    let unit_of: HashMap<&str, usize> = units
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    // Each distinct municipality value's unit (checked when a key first meets it).
    let unit: Vec<Option<usize>> = texts[0]
        .values
        .iter()
        .map(|m| unit_of.get(&**m).copied())
        .collect();
    let amount = frame.column("amount_ore")?.cast(&DataType::Int64)?;
    let lines = frame.column("lines")?.cast(&DataType::Int64)?;
    // Grouped as ids first (44 bytes a key), then each key made once: the grouping's table stays small while
    // it grows (the run's peak was 40 MB lower than with whole keys in it; the time was the same).
    let mut at: PlHashMap<[u32; 8], u32> = PlHashMap::new();
    let mut sums: Vec<([u32; 8], i64, u64)> = Vec::new();
    let mut rows: Vec<u32> = Vec::with_capacity(n);
    for (r, (a, l)) in amount.i64()?.iter().zip(lines.i64()?.iter()).enumerate() {
        let id: [u32; 8] = std::array::from_fn(|s| match s {
            7 => sig.id(r),
            _ => texts[s].id(r),
        });
        let (a, l) = (a.unwrap_or(0), l.unwrap_or(0) as u64);
        let i = *at.entry(id).or_insert_with(|| {
            sums.push((id, 0, 0));
            (sums.len() - 1) as u32
        });
        rows.push(i);
        let k = &mut sums[i as usize];
        k.1 = k.1.checked_add(a).ok_or_else(|| {
            Error::input(format!(
                "the sum of the lines of account {} overflows 64 bits of öre",
                texts[1].values[id[1] as usize]
            ))
        })?;
        k.2 += l;
    }
    drop(at);
    let mut table: Vec<ClassifiedKey> = Vec::with_capacity(sums.len());
    for (id, amount, lines) in sums {
        let Some(unit) = unit[id[0] as usize] else {
            let m = &texts[0].values[id[0] as usize];
            return Err(Error::internal(format!(
                "lines stamped with '{m}', which is no unit of the run"
            )));
        };
        let v = |s: usize| texts[s].values[id[s] as usize].clone();
        table.push(ClassifiedKey {
            unit,
            account: v(1),
            account_text: v(2),
            cost_centre: v(3),
            department: v(4),
            supplier: v(5),
            counterpart: v(6),
            text_sig: sig.values[id[7] as usize].clone(),
            amount,
            lines,
            decision: Decision::new(None),
        });
    }
    Ok((table, rows))
}

/// Classifies a canonical ledger: sums the lines per distinct key, and decides every key once.
/// `units` are the run's units (their id, as in the ledger's `municipality` column, and their facts), in the
/// order [`ClassifiedKey::unit`] indexes.
pub fn classify(
    ledger: LazyFrame,
    rules: &RuleSet,
    scope_pools: &[Pool],
    units: &[(String, MunicipalityKeys)],
) -> Result<Classified> {
    let keys = key_columns(rules, units);
    let mut columns: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    columns.extend([col("amount_ore"), col("lines")]);
    let frame = ledger.select(columns).collect()?;
    let (mut table, rows) = key_table(&frame, &keys, units)?;
    // The frame is no longer needed once the table holds its keys: freed before they are decided.
    drop(frame);
    decide_keys(&mut table, rules, scope_pools, units);
    Ok(Classified {
        units: units.iter().map(|(id, _)| id.clone()).collect(),
        keys: table,
        key_columns: keys,
        rows,
    })
}

/// Decides every key of a table in place, in parallel: rules are tried per key only where their account
/// condition can match the key's account (the index is built once per distinct account).
///
/// Keys that differ only in what no decision reads (department, project) or in a cost centre of the same
/// [`cost_centre_class`] get the same decision, so each chunk of the table decides each distinct
/// [`DecisionInput`] once and copies the decision to the other keys: a national run's million keys over a few
/// hundred accounts and suppliers cost a few thousand decisions (the rules' text matching was 40 % of a run).
pub fn decide_keys(
    table: &mut [ClassifiedKey],
    rules: &RuleSet,
    scope_pools: &[Pool],
    units: &[(String, MunicipalityKeys)],
) {
    let mut accounts: Vec<&str> = table.iter().map(|k| &*k.account).collect();
    accounts.sort_unstable();
    accounts.dedup();
    let index: HashMap<String, Vec<usize>> = accounts
        .par_iter()
        .map(|a| (a.to_string(), rules.candidates_for_account(a)))
        .collect();
    let empty = MunicipalityKeys::default();
    let chunk = (table.len() / (4 * rayon::current_num_threads().max(1))).max(4096);
    table.par_chunks_mut(chunk).for_each(|keys| {
        // The first key of each distinct input in this chunk; the others copy its decision.
        let firsts: Vec<usize> = {
            let mut classes = CostCentreClasses::new(rules);
            let mut seen: PlHashMap<DecisionInput<'_>, usize> = PlHashMap::new();
            keys.iter()
                .enumerate()
                .map(|(i, key)| {
                    let m = units.get(key.unit).map(|(_, m)| m).unwrap_or(&empty);
                    let input = DecisionInput {
                        unit: key.unit,
                        account: &key.account,
                        account_text: &key.account_text,
                        supplier: &key.supplier,
                        counterpart: &key.counterpart,
                        text_sig: &key.text_sig,
                        cost_centre: classes.of(key.unit, m, &key.cost_centre),
                    };
                    *seen.entry(input).or_insert(i)
                })
                .collect()
        };
        for (i, first) in firsts.into_iter().enumerate() {
            if first < i {
                keys[i].decision = keys[first].decision.clone();
                continue;
            }
            let key = &keys[i];
            let m = units.get(key.unit).map(|(_, m)| m).unwrap_or(&empty);
            let account_text = key.account_text.to_lowercase();
            let supplier = key.supplier.to_lowercase();
            let k = key_view(
                m,
                &key.account,
                &account_text,
                &key.cost_centre,
                &supplier,
                rules.free_text(&key.text_sig),
                &key.counterpart,
            );
            let cands = index.get(k.account).map(Vec::as_slice);
            keys[i].decision = decide_among(rules, scope_pools, m, &k, cands);
        }
    });
}

/// Everything a [`Decision`] depends on besides the rules and the unit's facts: the key's values, with the cost
/// centre replaced by its [`cost_centre_class`] (department and project are read by no rule).
#[derive(Debug, PartialEq, Eq, Hash)]
struct DecisionInput<'a> {
    unit: usize,
    account: &'a str,
    account_text: &'a str,
    supplier: &'a str,
    counterpart: &'a str,
    text_sig: &'a [u8],
    cost_centre: u32,
}

/// What [`decide`] can see of a cost centre: whether it is central IT, whether it is one of the unit's
/// `staff_it` cost centres, and which rules' cost-centre conditions it meets. Two cost centres of the same class
/// get the same decision for the same other values: `decide` reads the cost centre through nothing else.
pub fn cost_centre_class(rules: &RuleSet, muni: &MunicipalityKeys, cost_centre: &str) -> Vec<bool> {
    let mut class = vec![
        key::is_central_it(muni, cost_centre),
        !cost_centre.is_empty() && any_code(&muni.staff_it, cost_centre),
    ];
    class.extend(
        rules
            .rules
            .iter()
            .filter_map(|r| r.when.cost_centre.as_ref())
            .map(|p| any_code(p, cost_centre)),
    );
    class
}

/// The classes of the cost centres met so far, numbered in order of first appearance.
struct CostCentreClasses<'a> {
    rules: &'a RuleSet,
    by_cost_centre: HashMap<(usize, &'a str), u32>,
    numbers: HashMap<Vec<bool>, u32>,
}

impl<'a> CostCentreClasses<'a> {
    fn new(rules: &'a RuleSet) -> Self {
        CostCentreClasses {
            rules,
            by_cost_centre: HashMap::new(),
            numbers: HashMap::new(),
        }
    }

    /// The number of a unit's cost centre's class.
    fn of(&mut self, unit: usize, muni: &MunicipalityKeys, cost_centre: &'a str) -> u32 {
        if let Some(&n) = self.by_cost_centre.get(&(unit, cost_centre)) {
            return n;
        }
        let class = cost_centre_class(self.rules, muni, cost_centre);
        let next = self.numbers.len() as u32;
        let n = *self.numbers.entry(class).or_insert(next);
        self.by_cost_centre.insert((unit, cost_centre), n);
        n
    }
}

/// The result of classification: one row per distinct key with its sums and its decision.
pub struct Classified {
    /// The run's units (municipality and year) by id, as [`ClassifiedKey::unit`] indexes them.
    pub units: Vec<String>,
    /// One entry per distinct key.
    pub keys: Vec<ClassifiedKey>,
    /// The key columns (of the canonical ledger) that make a key.
    pub key_columns: Vec<&'static str>,
    /// The key of each row of the ledger that was classified (an index into `keys`, in the ledger's row order):
    /// how [`suspect_lines`] finds a row's decision without joining the ledger to the keys. Empty for a table
    /// made of other tables' keys (an IT organisation's).
    pub rows: Vec<u32>,
}

impl Classified {
    /// The key columns of `keys` as frame columns (the unit as `municipality`, the signature as Binary).
    fn key_frame_columns(&self, keys: &[&ClassifiedKey]) -> Vec<Column> {
        self.key_columns
            .iter()
            .map(|&name| match name {
                "municipality" => Column::new(
                    name.into(),
                    keys.iter()
                        .map(|k| self.units[k.unit].as_str())
                        .collect::<Vec<_>>(),
                ),
                TEXT_SIG => Column::new(
                    name.into(),
                    keys.iter().map(|k| &*k.text_sig).collect::<Vec<_>>(),
                ),
                _ => Column::new(
                    name.into(),
                    keys.iter().map(|k| k.text(name)).collect::<Vec<_>>(),
                ),
            })
            .collect()
    }

    /// One row per key: the key columns and the decision (`kind`, `scope`, `pool`, `sub_pool`, `tower`,
    /// `rule_id`, `is_it`, `it_suspect_candidate`, `it_suspect`), to be joined onto lines.
    pub fn decision_frame(&self) -> Result<DataFrame> {
        let keys: Vec<&ClassifiedKey> = self.keys.iter().collect();
        let d = || keys.iter().map(|k| &k.decision);
        let mut cols = self.key_frame_columns(&keys);
        cols.push(Column::new(
            "kind".into(),
            d().map(|d| d.kind.map(|k| k.key())).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            "scope".into(),
            d().map(|d| d.scope.key()).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            "pool".into(),
            d().map(|d| d.pool.map(|p| p.name())).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            "sub_pool".into(),
            d().map(|d| d.sub_pool.map(|s| s.name()))
                .collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            "tower".into(),
            d().map(|d| d.tower.map(|t| t.name())).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            "rule_id".into(),
            d().map(|d| &*d.rule_id).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            "is_it".into(),
            d().map(|d| d.it).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            "it_suspect_candidate".into(),
            d().map(|d| d.suspect_candidate).collect::<Vec<_>>(),
        ));
        cols.push(Column::new(
            "it_suspect".into(),
            d().map(|d| d.suspect).collect::<Vec<_>>(),
        ));
        DataFrame::new(keys.len(), cols)
            .map_err(|e| Error::internal(format!("building the decision table: {e}")))
    }
}

/// Every line with its decision: the classified ledger written by `--out` (built only then; the figures come
/// from the key table).
pub fn classified_lines(ledger: LazyFrame, rules: &RuleSet, c: &Classified) -> Result<LazyFrame> {
    lines_with_decisions(ledger, rules, &c.key_columns, c.decision_frame()?)
}

/// [`classified_lines`] with the decision table ([`Classified::decision_frame`]) built once by the caller: `--out`
/// joins it onto each block of lines as they stream by.
pub fn lines_with_decisions(
    ledger: LazyFrame,
    rules: &RuleSet,
    keys: &[&'static str],
    decisions: DataFrame,
) -> Result<LazyFrame> {
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let mut joined = ledger.clone().join(
        decisions.lazy(),
        key_exprs.clone(),
        key_exprs,
        left_join_keep_order(),
    );

    // Suspect keywords on supplier and line text: evaluated once per distinct supplier and per distinct text
    // (when the rules themselves do not key on them), then combined with the per-key candidate flag.
    if let Some(matcher) = &rules.suspect {
        let mut extra = lit(false);
        let mut helpers: Vec<String> = Vec::new();
        for column in ["supplier", TEXT_SIG] {
            if keys.contains(&column) {
                continue;
            }
            let (table, flag) = suspect_hits(&ledger, rules, matcher, column)?;
            joined = joined.join(
                table.lazy(),
                [col(column)],
                [col(column)],
                left_join_keep_order(),
            );
            extra = extra.or(col(flag.as_str()).fill_null(lit(false)));
            helpers.push(flag);
        }
        joined = joined
            .with_column(
                (col("it_suspect").or(col("it_suspect_candidate").and(extra))).alias("it_suspect"),
            )
            .drop(polars::prelude::cols(helpers));
    }
    let joined = joined.drop(polars::prelude::cols([
        "it_suspect_candidate",
        "lines",
        TEXT_SIG,
    ]));
    Ok(joined)
}

/// The distinct values of `column` that contain a suspect keyword, as a table (`column`, `_{column}_hit` = true)
/// to left-join onto lines; returns the table and the flag column's name. The line text is judged by its
/// signature (`text_sig`), coded texts (account text, supplier) by their lower-cased value.
fn suspect_hits(
    ledger: &LazyFrame,
    rules: &RuleSet,
    matcher: &TextMatch,
    column: &str,
) -> Result<(DataFrame, String)> {
    let values = ledger
        .clone()
        .select([col(column)])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?;
    let flag = format!("_{column}_hit");
    let hits: Column = if column == TEXT_SIG {
        let all: Vec<&[u8]> = values.column(column)?.binary()?.iter().flatten().collect();
        let hits: Vec<&[u8]> = all
            .into_iter()
            .filter(|v| rules.free_text(v).matches(matcher))
            .collect();
        Column::new(column.into(), hits)
    } else {
        let all: Vec<&str> = values.column(column)?.str()?.iter().flatten().collect();
        let hits: Vec<&str> = all
            .par_iter()
            .filter(|v| !v.is_empty() && matcher.matches_lower(&v.to_lowercase()))
            .copied()
            .collect();
        Column::new(column.into(), hits)
    };
    let n = hits.len();
    let table = DataFrame::new(
        n,
        vec![hits, Column::new(flag.as_str().into(), vec![true; n])],
    )?;
    Ok((table, flag))
}

/// Adds the line text's signature (`text_sig`) to a ledger frame that has none (line-by-line frames, and summed
/// frames of readers that kept the text itself): one signature per distinct text.
pub fn with_text_signatures(mut frame: DataFrame, rules: &RuleSet) -> Result<DataFrame> {
    if frame
        .get_column_names()
        .iter()
        .any(|c| c.as_str() == TEXT_SIG)
    {
        return Ok(frame);
    }
    let text = frame.column("text")?.str()?.clone();
    let kw = &rules.text_keywords;
    let mut scratch = crate::rules::keywords::SigScratch::default();
    let mut cache: PlHashMap<&str, Vec<u8>> = PlHashMap::new();
    let mut sig = Vec::new();
    let mut sigs: Vec<Vec<u8>> = Vec::with_capacity(text.len());
    for t in text.iter() {
        let t = t.unwrap_or("");
        if let Some(s) = cache.get(t) {
            sigs.push(s.clone());
            continue;
        }
        kw.signature_into(t, &mut scratch, &mut sig);
        if cache.len() < 1 << 16 {
            cache.insert(t, sig.clone());
        }
        sigs.push(sig.clone());
    }
    let col = Column::new(TEXT_SIG.into(), sigs);
    frame.with_column(col)?;
    Ok(frame)
}

/// Lines of one unit that are IT suspects (look like IT, but no IT rule took them), summed per account, account
/// text, supplier and line text: what the report's top lists are made of.
#[derive(Debug, Clone)]
pub struct SuspectSum {
    /// The unit: an index into [`Classified::units`].
    pub unit: usize,
    /// Account.
    pub account: Shared,
    /// Account text.
    pub account_text: Shared,
    /// Supplier.
    pub supplier: Shared,
    /// Line text.
    pub text: Shared,
    /// Sum, in öre.
    pub amount: i64,
    /// Number of lines.
    pub lines: u64,
}

/// A column of the ledger interned, with whether each distinct value holds a suspect keyword (judged once per
/// value, in parallel).
fn value_hits<T: ?Sized + Sync + Send>(
    values: Interned<T>,
    hit: impl Fn(&T) -> bool + Sync,
) -> (Interned<T>, Vec<bool>) {
    let hits = values.values.par_iter().map(|v| hit(v)).collect();
    (values, hits)
}

/// The lines that look like IT but that no IT rule took (suspects), summed per unit, account, account text,
/// supplier and text.
///
/// A row is a suspect when its key ([`Classified::rows`]) is a suspect candidate and its account text, supplier
/// or line text (its signature) holds a suspect keyword. Each column is interned and its distinct values
/// matched once; the rows are then summed in one pass. (A polars join of the lines to the candidate keys on
/// every key column did this in 0.8 s for 10M lines; this takes a fraction of it.)
pub fn suspect_lines(
    ledger: &LazyFrame,
    rules: &RuleSet,
    classified: &Classified,
) -> Result<Vec<SuspectSum>> {
    let Some(matcher) = &rules.suspect else {
        return Ok(Vec::new());
    };
    if !classified.keys.iter().any(|k| k.decision.suspect_candidate) {
        return Ok(Vec::new());
    }
    let frame = ledger
        .clone()
        .select([
            col("account"),
            col("account_text"),
            col("supplier"),
            col("text"),
            col(TEXT_SIG),
            col("amount_ore"),
            col("lines"),
        ])
        .collect()?;
    let n = frame.height();
    if n != classified.rows.len() {
        return Err(Error::internal(format!(
            "the ledger has {n} rows, its classification {}",
            classified.rows.len()
        )));
    }
    let coded = |name: &str| -> Result<Interned<str>> {
        Ok(intern(frame.column(name)?.str()?.iter(), "", n))
    };
    let coded_hit = |v: &str| !v.is_empty() && matcher.matches_lower(&v.to_lowercase());
    let ((account, account_text), (supplier, sig)) = rayon::join(
        || rayon::join(|| coded("account"), || coded("account_text")),
        || {
            rayon::join(
                || coded("supplier"),
                || -> Result<Interned<[u8]>> {
                    Ok(intern(frame.column(TEXT_SIG)?.binary()?.iter(), &[][..], n))
                },
            )
        },
    );
    let account = account?;
    let (account_text, account_text_hit) = value_hits(account_text?, coded_hit);
    let (supplier, supplier_hit) = value_hits(supplier?, coded_hit);
    let (sig, sig_hit) = value_hits(sig?, |v: &[u8]| rules.free_text(v).matches(matcher));
    let texts = frame.column("text")?.str()?;
    let amounts = frame.column("amount_ore")?.cast(&DataType::Int64)?;
    let lines = frame.column("lines")?.cast(&DataType::Int64)?;
    let rows = texts
        .iter()
        .zip(amounts.i64()?.iter().zip(lines.i64()?.iter()));
    let mut text_id: PlHashMap<&str, u32> = PlHashMap::new();
    let mut text_of: Vec<Shared> = Vec::new();
    let mut at: PlHashMap<[u32; 5], usize> = PlHashMap::new();
    let mut sums: Vec<SuspectSum> = Vec::new();
    for (r, (text, (amount, lines))) in rows.enumerate() {
        let key = &classified.keys[classified.rows[r] as usize];
        let (a, t, s, g) = (
            account.ids[r],
            account_text.ids[r],
            supplier.ids[r],
            sig.ids[r],
        );
        if !key.decision.suspect_candidate
            || !(account_text_hit[t as usize] || supplier_hit[s as usize] || sig_hit[g as usize])
        {
            continue;
        }
        let text = text.unwrap_or("");
        let x = *text_id.entry(text).or_insert_with(|| {
            text_of.push(Shared::from(text));
            (text_of.len() - 1) as u32
        });
        let id = [key.unit as u32, a, t, s, x];
        let i = *at.entry(id).or_insert_with(|| {
            sums.push(SuspectSum {
                unit: key.unit,
                account: account.values[a as usize].clone(),
                account_text: account_text.values[t as usize].clone(),
                supplier: supplier.values[s as usize].clone(),
                text: text_of[x as usize].clone(),
                amount: 0,
                lines: 0,
            });
            sums.len() - 1
        });
        let (amount, lines) = (amount.unwrap_or(0), lines.unwrap_or(0) as u64);
        let sum = &mut sums[i];
        sum.amount = sum.amount.checked_add(amount).ok_or_else(|| {
            Error::input(format!(
                "the sum of the suspect lines of account {} overflows 64 bits of öre",
                sum.account
            ))
        })?;
        sum.lines += lines;
    }
    Ok(sums)
}

/// The keys whose lines keep a sum per distinct text while a ledger is summed: the unclassified IT suspects
/// (decided by [`decide`] on the key's coded values and its line-text signature, exactly as classification
/// will), so the report's top suspect texts are exact while no other text is kept.
pub struct SuspectTexts {
    rules: std::sync::Arc<RuleSet>,
    scope_pools: Vec<Pool>,
    muni: MunicipalityKeys,
    /// Whether a coded value (account text or supplier, as written) holds a suspect keyword: the few hundred
    /// distinct values are lower-cased and matched once, not once per key.
    suspect_words: std::sync::Mutex<HashMap<Box<str>, bool>>,
}

impl SuspectTexts {
    /// For one municipality of a run.
    pub fn new(
        rules: std::sync::Arc<RuleSet>,
        scope_pools: &[Pool],
        muni: MunicipalityKeys,
    ) -> SuspectTexts {
        SuspectTexts {
            rules,
            scope_pools: scope_pools.to_vec(),
            muni,
            suspect_words: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Whether the suspect keywords are in a coded value (as [`decide`] matches them: lower-cased).
    fn suspect_word_in(&self, value: &str) -> bool {
        let Some(s) = &self.rules.suspect else {
            return false;
        };
        let known = self
            .suspect_words
            .lock()
            .ok()
            .and_then(|m| m.get(value).copied());
        if let Some(hit) = known {
            return hit;
        }
        let hit = s.matches_lower(&value.to_lowercase());
        if let Ok(mut m) = self.suspect_words.lock() {
            m.insert(Box::from(value), hit);
        }
        hit
    }
}

impl KeepTexts for SuspectTexts {
    fn keeps_texts(&self, coded: &[&str; CODED], sig: &[u8]) -> bool {
        let Some(s) = &self.rules.suspect else {
            return false;
        };
        // A key is a suspect only when the suspect keywords are in its account text, supplier or line text: when
        // they are in none, no decision is needed (the common case, asked once per key of every ledger).
        if !(self.rules.free_text(sig).matches(s)
            || self.suspect_word_in(coded[1])
            || self.suspect_word_in(coded[6]))
        {
            return false;
        }
        // Coded values in KEY_FIELDS order: account, account text, cost centre, department, project,
        // counterpart, supplier.
        let account_text = coded[1].to_lowercase();
        let supplier = coded[6].to_lowercase();
        let cc = coded[2];
        let k = KeyView {
            account: coded[0],
            account_text: &account_text,
            cost_centre: cc,
            supplier: &supplier,
            text: self.rules.free_text(sig),
            counterpart: coded[5],
            central_it: !cc.is_empty() && any_code(&self.muni.central_it, cc),
        };
        decide(&self.rules, &self.scope_pools, &self.muni, &k).suspect
    }

    fn text_atoms(&self) -> Option<Vec<usize>> {
        Some(match &self.rules.suspect {
            Some(s) => self.rules.text_keywords.atoms_of(s),
            None => Vec::new(),
        })
    }

    fn value_keeps(&self, value: &str) -> bool {
        self.suspect_word_in(value)
    }
}
