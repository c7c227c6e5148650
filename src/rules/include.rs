//! `include = "…"`: a rules file that builds on another (a built-in set or a file) and lists only its own rules.
//!
//! The effective rule set is the including file's, extended by the included one:
//! - `[[rule]]`: the file's own rules first, in their order, then the included rules in theirs (first match
//!   wins, so the own rules are tried first). An own rule with the id of an included rule replaces it (the
//!   included one is dropped, with a note). An included rule that an own rule makes unreachable stays in the
//!   order, never fires, and is reported as a note — not refused, since the file cannot edit the file it
//!   includes.
//! - `[accounts]`: the own patterns, then the included ones; an included pattern the file declares itself is
//!   replaced by the file's (a note when the class differs). The most specific pattern still wins.
//! - `[internal]` and `[suspect]`: the own codes and keywords first, then the included ones.
//! - `name`: the file's, or "INCLUDED + own rules"; `chart`: the file's, which must then be the included one's.
//!
//! An include may itself include (a chain, at most [`MAX_DEPTH`] files deep); a cycle is refused, as is a
//! missing file, with the including file and line named.

use super::parse::{parse_including, RulesSource};
use super::pattern::TextMatch;
use super::RuleSet;
use crate::error::{Error, Result};

/// The deepest chain of includes accepted.
pub const MAX_DEPTH: usize = 8;

/// Reads the rules `spec` names (`builtin:NAME`, or a path relative to the directory of `from`), `at` being the
/// line of the `include` in `from`; `reading` holds the files of the chain being read (cycles are refused).
pub fn load(
    spec: &str,
    from: &RulesSource<'_>,
    at: usize,
    reading: &mut Vec<String>,
) -> Result<RuleSet> {
    let here = from.name();
    let spec = spec.trim();
    if reading.len() >= MAX_DEPTH {
        return Err(Error::rules(format!(
            "{here}:{at}: include '{spec}': more than {MAX_DEPTH} files deep ({})",
            reading.join(" → ")
        )));
    }
    reading.push(canonical(from));
    let result = if let Some(name) = spec.strip_prefix("builtin:") {
        match super::builtin(name) {
            Some((name, text)) => parse_including(text, RulesSource::Builtin(name), reading),
            None => Err(Error::rules(format!(
                "{here}:{at}: include '{spec}': unknown builtin rules; expected builtin:kommun-bas-13 or builtin:bas"
            ))),
        }
    } else {
        match from {
            RulesSource::Builtin(_) => Err(Error::rules(format!(
                "{here}:{at}: include '{spec}': a built-in rule set includes only built-in sets"
            ))),
            RulesSource::File(p) => {
                let path = p
                    .parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map(|d| d.join(spec))
                    .unwrap_or_else(|| std::path::PathBuf::from(spec));
                if reading.contains(&canonical(&RulesSource::File(&path))) {
                    Err(Error::rules(format!(
                        "{here}:{at}: include '{spec}': the file includes itself (through {})",
                        reading.join(" → ")
                    )))
                } else {
                    match std::fs::read_to_string(&path) {
                        Ok(text) => parse_including(&text, RulesSource::File(&path), reading),
                        Err(e) => Err(Error::rules(format!(
                            "{here}:{at}: include '{spec}': cannot read {}: {e} (a path is relative to the \
                             including file's directory; or use builtin:kommun-bas-13)",
                            path.display()
                        ))),
                    }
                }
            }
        }
    };
    reading.pop();
    result
}

/// A source as the include chain records it: a file's canonical path (so `a.toml` and `./a.toml` are one file).
fn canonical(s: &RulesSource<'_>) -> String {
    match s {
        RulesSource::File(p) => std::fs::canonicalize(p)
            .map(|c| c.display().to_string())
            .unwrap_or_else(|_| p.display().to_string()),
        RulesSource::Builtin(_) => s.name(),
    }
}

/// The effective rule set of `own` (a file's own part) including `base`; `named` says the file gave a name.
pub fn merge(own: RuleSet, base: RuleSet, named: bool) -> Result<RuleSet> {
    let file = own.source.clone();
    if !own.chart.is_empty() && !base.chart.is_empty() && own.chart != base.chart {
        return Err(Error::rules(format!(
            "{file}: chart '{}' but it includes {} for chart '{}': rules of one chart of accounts never fit \
             another (leave chart out, or include the rules for '{}')",
            own.chart, base.source, base.chart, own.chart
        )));
    }
    let mut notes = base.notes.clone();
    notes.extend(own.notes.iter().cloned());

    // [accounts]: own first; an included pattern the file declares itself is the file's.
    let mut accounts = own.accounts.clone();
    for (pat, kind) in &base.accounts {
        match own.accounts.iter().find(|(q, _)| q == pat) {
            Some((_, k)) if k != kind => notes.push(format!(
                "{file}: [accounts] declares {pat:?} as {} where {} has {}; the file's class is used",
                k.key(),
                base.source,
                kind.key()
            )),
            Some(_) => {}
            None => accounts.push((pat.clone(), *kind)),
        }
    }

    // [internal] and [suspect]: own codes and keywords first.
    let mut internal = own.internal.clone();
    for c in &base.internal.accounts {
        if !internal.accounts.contains(c) {
            internal.accounts.push(c.clone());
        }
    }
    for c in &base.internal.counterparts {
        if !internal.counterparts.contains(c) {
            internal.counterparts.push(c.clone());
        }
    }
    internal.account_text = extend(
        own.internal.account_text,
        base.internal.account_text.as_ref(),
    );
    let suspect = extend(own.suspect, base.suspect.as_ref());

    // [[rule]]: own first; an own id replaces the included rule; unreachable included rules are notes.
    let mut rules = own.rules.clone();
    for inc in &base.rules {
        if let Some(o) = own.rules.iter().find(|o| o.id == inc.id) {
            notes.push(format!(
                "{}:{}: rule '{}' replaces the rule of that id in {} (line {})",
                o.source, o.line, o.id, inc.source, inc.line
            ));
            continue;
        }
        if let Some(o) = own.rules.iter().find(|o| o.when.covers(&inc.when)) {
            notes.push(format!(
                "{}:{}: included rule '{}' can never match: your rule '{}' ({}:{}) comes first and matches \
                 every line it would",
                inc.source, inc.line, inc.id, o.id, o.source, o.line
            ));
        } else if let Some(o) = own
            .rules
            .iter()
            .find(|o| o.then != inc.then && o.when.partly_overlaps(&inc.when))
        {
            notes.push(format!(
                "{}:{}: included rule '{}' overlaps your rule '{}' ({}:{}) on part of its accounts with a \
                 different outcome; on the overlap '{}' decides",
                inc.source, inc.line, inc.id, o.id, o.source, o.line, o.id
            ));
        }
        rules.push(inc.clone());
    }
    let text_keywords = std::sync::Arc::new(super::keywords::TextKeywords::new(
        rules
            .iter()
            .filter_map(|r| r.when.text.as_ref())
            .chain(suspect.as_ref()),
    ));
    let mut includes = vec![base.source.clone()];
    includes.extend(base.includes.iter().cloned());
    Ok(RuleSet {
        name: if named {
            own.name
        } else {
            format!("{} + own rules", base.name)
        },
        chart: if own.chart.is_empty() {
            base.chart
        } else {
            own.chart
        },
        source: own.source,
        includes,
        accounts,
        internal,
        suspect,
        rules,
        notes,
        text_keywords,
    })
}

/// Own keywords first, then the included ones.
fn extend(own: Option<TextMatch>, included: Option<&TextMatch>) -> Option<TextMatch> {
    match (own, included) {
        (Some(o), Some(i)) => Some(o.extend(i)),
        (Some(o), None) => Some(o),
        (None, i) => i.cloned(),
    }
}

/// The line of a starter file under which a person's own rules go (`itcost rules init`).
pub const MARKER: &str =
    "# ==== Your rules, tried first, top to bottom: add a new rule directly under this line ====";

/// A commented starter rules file that includes `base` (`builtin:kommun-bas-13`, `builtin:bas` or a path) and
/// holds no rule of its own yet: what `itcost rules init` writes. It checks as it is.
pub fn starter(base: &str, name: &str) -> String {
    format!(
        r##"# Rules for {name}, built on {base} (itcost rules file; see rules/README.md).
#
# This file lists only YOUR rules. Everything else comes from the included rules: their account classes,
# internal transactions, suspect keywords and {base}'s rules, which are tried after yours. Check the file with
#   itcost check THIS-FILE.toml
# (it prints the effective order: your rules first, each with the file it comes from) and use it with
#   itcost run LEDGER.csv --central-it 1510,1511 --rules THIS-FILE.toml
# or `rules = "THIS-FILE.toml"` in a run config.
include = {base_lit}
name = {name_lit}

# Your own account classes, internal transactions and suspect keywords EXTEND the included ones (yours are
# tried first). Remove the leading "# " of a line to use it; a section name may appear only once in the file.
#
# [accounts]
# cost = ["4999"]                      # an account of your own chart the defaults do not class
#
# [internal]
# counterparts = ["1*"]                # Motpart codes of your own organisation: eliminated as internal
#
# [suspect]
# keywords = ["e-tjänst", "visma"]     # words that make an unclassified line an IT suspect

{MARKER}
#
# A rule: the first one that matches a line decides. Give it an id and a sentence saying why; match on
# account, account_text, cost_centre, supplier, text or counterpart (a code, "64*", "6400-6499", or a list);
# decide a pool (Internal Labor, External Labor, Outside Services, Hardware, Software, Facilities & Power,
# Telecom, Other, Internal Services), and say it = true when the line is IT wherever it is booked. Example
# (remove the "# " to use it, and put your own account):
#
# [[rule]]
# id = "own-6540-it-services"
# why = "Account 6540 holds our IT services bought from the regional IT joint board"
# account = "6540"
# pool = "Outside Services"
# it = true
"##,
        base_lit = toml::Value::String(base.to_string()),
        name_lit = toml::Value::String(name.to_string()),
    )
}
