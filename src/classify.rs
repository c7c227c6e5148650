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
    /// Id of the rule or declaration that decided.
    pub rule_id: String,
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
            rule_id: String::new(),
            it: false,
            suspect: false,
            suspect_candidate: false,
        }
    }
}

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
            d.rule_id = format!("accounts.{}", kind.key());
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
            d.rule_id = rule.id.clone();
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
            d.rule_id = rule.id.clone();
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
    pub account: String,
    /// Account text, as in the ledger.
    pub account_text: String,
    /// Cost centre.
    pub cost_centre: String,
    /// Department (förvaltning), as in the ledger.
    pub department: String,
    /// Supplier, as in the ledger.
    pub supplier: String,
    /// Counterpart.
    pub counterpart: String,
    /// The line text's keyword signature (which of the rules' free-text keywords the text holds).
    pub text_sig: Vec<u8>,
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

/// The values of a string key column of a frame, one per row, "" for null or for a column that is not a key.
/// An iterator, not a vector: the key table is built row by row from the frame's columns, so a national run's
/// millions of keys are not held a second time in per-column vectors while the table is built.
fn key_strings<'a>(
    frame: &'a DataFrame,
    keys: &[&str],
    name: &str,
) -> Result<Box<dyn Iterator<Item = String> + 'a>> {
    if !keys.contains(&name) {
        return Ok(Box::new(std::iter::repeat_n(String::new(), frame.height())));
    }
    let c = frame.column(name)?.str()?;
    Ok(Box::new(c.iter().map(|v| v.unwrap_or("").to_string())))
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
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    // One pass over the lines: every distinct key with its sum and line count. Everything downstream of this
    // (places, pools, benchmark) is computed on these few thousand keys, not on the lines.
    let distinct = ledger
        .group_by(key_exprs)
        .agg([
            col("amount_ore").sum().alias("amount"),
            col("lines").sum().cast(DataType::Int64).alias("lines"),
        ])
        .collect()?;
    let n = distinct.height();
    let unit_of: HashMap<&str, usize> = units
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (id.as_str(), i))
        .collect();
    let unit: Vec<usize> = distinct
        .column("municipality")?
        .str()?
        .iter()
        .map(|m| {
            let m = m.unwrap_or("");
            unit_of.get(m).copied().ok_or_else(|| {
                Error::internal(format!(
                    "lines stamped with '{m}', which is no unit of the run"
                ))
            })
        })
        .collect::<Result<_>>()?;
    let mut account = key_strings(&distinct, &keys, "account")?;
    let mut account_text = key_strings(&distinct, &keys, "account_text")?;
    let mut cost_centre = key_strings(&distinct, &keys, "cost_centre")?;
    let mut department = key_strings(&distinct, &keys, "department")?;
    let mut supplier = key_strings(&distinct, &keys, "supplier")?;
    let mut counterpart = key_strings(&distinct, &keys, "counterpart")?;
    let sigs: Box<dyn Iterator<Item = Vec<u8>>> = if keys.contains(&TEXT_SIG) {
        let c = distinct.column(TEXT_SIG)?.binary()?;
        Box::new(c.iter().map(|v| v.unwrap_or(&[]).to_vec()))
    } else {
        Box::new(std::iter::repeat_n(Vec::new(), n))
    };
    let amount = distinct.column("amount")?.cast(&DataType::Int64)?;
    let amount = amount.i64()?;
    let lines = distinct.column("lines")?.cast(&DataType::Int64)?;
    let lines = lines.i64()?;
    let mut table: Vec<ClassifiedKey> = Vec::with_capacity(n);
    for (i, sig) in sigs.enumerate() {
        table.push(ClassifiedKey {
            unit: unit[i],
            account: account.next().unwrap_or_default(),
            account_text: account_text.next().unwrap_or_default(),
            cost_centre: cost_centre.next().unwrap_or_default(),
            department: department.next().unwrap_or_default(),
            supplier: supplier.next().unwrap_or_default(),
            counterpart: counterpart.next().unwrap_or_default(),
            text_sig: sig,
            amount: amount.get(i).unwrap_or(0),
            lines: lines.get(i).unwrap_or(0) as u64,
            decision: Decision::new(None),
        });
    }
    // The grouped frame is no longer needed once the table holds its rows: freed before the keys are decided.
    drop((
        account,
        account_text,
        cost_centre,
        department,
        supplier,
        counterpart,
    ));
    drop(distinct);
    decide_keys(&mut table, rules, scope_pools, units);
    Ok(Classified {
        units: units.iter().map(|(id, _)| id.clone()).collect(),
        keys: table,
        key_columns: keys,
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
    let mut accounts: Vec<&str> = table.iter().map(|k| k.account.as_str()).collect();
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
            let mut seen: HashMap<DecisionInput<'_>, usize> = HashMap::new();
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
                    keys.iter()
                        .map(|k| k.text_sig.as_slice())
                        .collect::<Vec<_>>(),
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
            d().map(|d| d.rule_id.as_str()).collect::<Vec<_>>(),
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
    pub account: String,
    /// Account text.
    pub account_text: String,
    /// Supplier.
    pub supplier: String,
    /// Line text.
    pub text: String,
    /// Sum, in öre.
    pub amount: i64,
    /// Number of lines.
    pub lines: u64,
}

/// The lines that look like IT but that no IT rule took (suspects), summed per unit, account, account text,
/// supplier and text. Suspect keywords are evaluated once per distinct account text, supplier and text; only the
/// (few) lines with a hit are joined to the candidate keys.
pub fn suspect_lines(
    ledger: &LazyFrame,
    rules: &RuleSet,
    classified: &Classified,
) -> Result<Vec<SuspectSum>> {
    let Some(matcher) = &rules.suspect else {
        return Ok(Vec::new());
    };
    let mut lines = ledger.clone();
    let mut any_hit = lit(false);
    for column in ["account_text", "supplier", TEXT_SIG] {
        let (table, flag) = suspect_hits(ledger, rules, matcher, column)?;
        lines = lines.join(
            table.lazy(),
            [col(column)],
            [col(column)],
            JoinArgs::new(JoinType::Left),
        );
        any_hit = any_hit.or(col(flag.as_str()).fill_null(lit(false)));
    }
    let candidates: Vec<&ClassifiedKey> = classified
        .keys
        .iter()
        .filter(|k| k.decision.suspect_candidate)
        .collect();
    let n = candidates.len();
    let candidates = DataFrame::new(n, classified.key_frame_columns(&candidates))?;
    let key_exprs: Vec<Expr> = classified.key_columns.iter().map(|k| col(*k)).collect();
    let out = lines
        .filter(any_hit)
        .join(
            candidates.lazy(),
            key_exprs.clone(),
            key_exprs,
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([
            col("municipality"),
            col("account"),
            col("account_text"),
            col("supplier"),
            col("text"),
        ])
        .agg([
            col("amount_ore").sum().alias("amount"),
            col("lines").sum().cast(DataType::Int64).alias("lines"),
        ])
        .collect()?;
    let all = [
        "municipality",
        "account",
        "account_text",
        "supplier",
        "text",
    ];
    let unit_of: HashMap<&str, usize> = classified
        .units
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let [muni, account, account_text, supplier, text] = all.map(|c| key_strings(&out, &all, c));
    let amount = out.column("amount")?.cast(&DataType::Int64)?;
    let amount = amount.i64()?;
    let count = out.column("lines")?.cast(&DataType::Int64)?;
    let count = count.i64()?;
    let mut sums = Vec::with_capacity(out.height());
    for (i, ((((m, a), at), s), t)) in muni?
        .zip(account?)
        .zip(account_text?)
        .zip(supplier?)
        .zip(text?)
        .enumerate()
    {
        let Some(&unit) = unit_of.get(m.as_str()) else {
            return Err(Error::internal(format!(
                "suspect lines stamped with '{m}', which is no unit of the run"
            )));
        };
        sums.push(SuspectSum {
            unit,
            account: a,
            account_text: at,
            supplier: s,
            text: t,
            amount: amount.get(i).unwrap_or(0),
            lines: count.get(i).unwrap_or(0) as u64,
        });
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
