//! What `itcost explain` prints: one line's key, the rule that decided it and why, the result, and the other rules
//! that match it but do not decide.

use crate::classify::{Decision, MunicipalityKeys, OwnedKey};
use crate::ingest::totals::LineFields;
use crate::rules::taxonomy::Pool;
use crate::rules::RuleSet;
use std::fmt::Write as _;

/// Appends a formatted line to a String.
macro_rules! outln {
    ($o:expr, $($arg:tt)*) => {{
        let _ = writeln!($o, $($arg)*);
    }};
}

/// One line explained: where it comes from, its fields, and the classification of its key.
pub struct Explained<'a> {
    /// Where the line comes from (`FILE:LINE, amount … kr`, or `as given on the command line`).
    pub origin: String,
    /// Its fields as written.
    pub line: &'a LineFields,
    /// The rules.
    pub rules: &'a RuleSet,
    /// The municipality's central IT cost centres and internal counterparts.
    pub muni: &'a MunicipalityKeys,
    /// Pools counted as IT outside central IT, and the scope's name.
    pub scope: (&'a [Pool], &'a str),
    /// The decision for the line's key.
    pub decision: &'a Decision,
    /// The line's key.
    pub key: &'a OwnedKey,
}

/// The explanation as text.
pub fn text(e: &Explained<'_>) -> String {
    let (v, rules, d) = (e.line, e.rules, e.decision);
    let (scope_pools, scope_name) = e.scope;
    let key = e.key.view(e.rules, e.muni);
    let is_central = key.central_it;
    let mut o = String::new();
    outln!(o, "line        {}", e.origin);
    outln!(o, "            account {} '{}', cost centre '{}'{}, supplier '{}', text '{}', counterpart '{}'", v.account, v.account_text, v.cost_centre, if is_central { " (central IT)" } else { "" }, v.supplier, v.text, v.counterpart);
    outln!(o, "rules       {} ({})", rules.source, rules.name);
    if !rules.includes.is_empty() {
        outln!(
            o,
            "            includes {}: the file's own rules are tried first",
            rules.includes.join(", which includes ")
        );
    }
    outln!(
        o,
        "kind        {}",
        d.kind
            .map(|k| k.key())
            .unwrap_or("none: the account is in no [accounts] class")
    );
    let rule = rules.rules.iter().find(|r| *r.id == *d.rule_id);
    match rule {
        Some(r) => outln!(
            o,
            "decided by  rule '{}' (line {}, {}): {}",
            r.id,
            r.line,
            r.source,
            r.why
        ),
        None => outln!(o, "decided by  {}", d.rule_id),
    }
    outln!(
        o,
        "result      place {} · pool {} · sub-pool {} · tower {} · IT rule: {} · outside-IT scope {} ({})",
        d.scope.key(),
        d.pool.map(|p| p.name()).unwrap_or("-"),
        d.sub_pool.map(|s| s.name()).unwrap_or("-"),
        d.tower.map(|t| t.name()).unwrap_or("-"),
        if d.it { "yes" } else { "no" },
        scope_name,
        scope_pools.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
    );
    if d.suspect {
        outln!(
            o,
            "suspect     yes: looks like IT (a [suspect] keyword) but no IT rule took it"
        );
    }
    let others: Vec<String> = rules
        .matching(&key)
        .filter(|r| *r.id != *d.rule_id)
        .map(|r| format!("'{}' (line {}, {})", r.id, r.line, r.source))
        .collect();
    if d.rule_id.starts_with("accounts.")
        || d.rule_id.starts_with("internal.")
        || d.rule_id.starts_with("config.")
    {
        if !others.is_empty() {
            outln!(
                o,
                "not reached {} (the [accounts]/[internal] declarations come first)",
                others.join(", ")
            );
        }
    } else if others.is_empty() {
        outln!(o, "also match  none");
    } else {
        outln!(
            o,
            "also match  {} (later in the effective order, so they do not decide)",
            others.join(", ")
        );
    }
    o
}
