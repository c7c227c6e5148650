//! Stage 2: the rules file, parsed and validated into a declarative typed form.
//!
//! The typed form ([`RuleSet`]) is independent of polars: `classify` evaluates it over distinct key tuples, and the
//! same form can be compiled to SQL for a distributed engine. The file format is documented in `rules/README.md`.

pub mod include;
pub mod keyword_regex;
pub mod keywords;
pub mod parse;
pub mod pattern;
pub mod taxonomy;

use keywords::{FreeText, TextKeywords};
use pattern::{any_code, CodePattern, TextMatch};
use taxonomy::{AccountKind, Pool, SubPool, Tower};

pub use parse::{parse_rules, RulesSource};

/// The default rules for Kommun-Bas 13 ledgers, embedded in the binary.
pub const KOMMUN_BAS_13: &str = include_str!("../../rules/kommun-bas-13.toml");
/// Rules for company-style BAS ledgers (different account classes).
pub const BAS: &str = include_str!("../../rules/bas.toml");

/// A parsed, validated rules file.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// Where it came from (a path, or `builtin:kommun-bas-13`).
    pub source: String,
    /// The files it includes (`include = "…"`), nearest first; empty when it includes none.
    pub includes: Vec<String>,
    /// Human name from the file.
    pub name: String,
    /// Chart of accounts it is written for.
    pub chart: String,
    /// Account classes: pattern → kind; the most specific pattern wins.
    pub accounts: Vec<(CodePattern, AccountKind)>,
    /// Declarations of internal transactions.
    pub internal: InternalSpec,
    /// Keywords that make an unclassified line an IT suspect.
    pub suspect: Option<TextMatch>,
    /// Classification rules, in precedence order (first match wins).
    pub rules: Vec<Rule>,
    /// Things worth knowing that do not make the file invalid (overlapping account ranges with different
    /// outcomes: the earlier rule wins on the overlap). `itcost check` prints them.
    pub notes: Vec<String>,
    /// The automaton over every keyword and regex the rules' `text` conditions and the suspect list look for in
    /// the line text: a line's text is seen only through its signature (see [`keywords`]).
    pub text_keywords: std::sync::Arc<TextKeywords>,
}

/// What marks a line as an internal transaction.
#[derive(Debug, Clone, Default)]
pub struct InternalSpec {
    /// Internal accounts.
    pub accounts: Vec<CodePattern>,
    /// Keywords in the account text (e.g. `intern`).
    pub account_text: Option<TextMatch>,
    /// Counterpart codes meaning "own organisation".
    pub counterparts: Vec<CodePattern>,
}

/// One classification rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Unique id, carried by every line the rule decides.
    pub id: String,
    /// Why the rule exists (shown by `explain` and in reports).
    pub why: String,
    /// The same in Swedish (`why_sv`; Swedish reports fall back to `why` when it is absent).
    pub why_sv: Option<String>,
    /// 1-based line in the rules file where the rule starts.
    pub line: usize,
    /// The rules file the rule is written in (a path, or `builtin:kommun-bas-13`): the including file's own
    /// rules, or one it includes.
    pub source: String,
    /// What the line must look like.
    pub when: Conditions,
    /// What the rule decides.
    pub then: Outcome,
}

/// Conditions of a rule; all given conditions must hold (AND); within a list, any item (OR).
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    /// Account patterns.
    pub account: Option<Vec<CodePattern>>,
    /// Account text matcher.
    pub account_text: Option<TextMatch>,
    /// Cost centre patterns.
    pub cost_centre: Option<Vec<CodePattern>>,
    /// Supplier matcher.
    pub supplier: Option<TextMatch>,
    /// Line text matcher.
    pub text: Option<TextMatch>,
    /// Counterpart patterns.
    pub counterpart: Option<Vec<CodePattern>>,
    /// Only on (true) or only off (false) the central IT cost centres.
    pub central_it: Option<bool>,
}

/// What a rule decides for the lines it matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Assign a cost pool (and sub-pool, tower); `it` says the line is IT wherever it is booked.
    Classify {
        /// TBM cost pool.
        pool: Pool,
        /// Sub-pool, if known.
        sub_pool: Option<SubPool>,
        /// Tower, if known.
        tower: Option<Tower>,
        /// True when the account/text is clearly IT (counts outside central IT when its pool is in scope).
        it: bool,
    },
    /// The line is an internal transaction: eliminated.
    Internal,
    /// The line is excluded from operating cost, with the reason.
    Exclude(String),
}

/// The values of one distinct key tuple that rules look at (coded texts lower-cased once; the free line text as
/// its keyword signature).
#[derive(Debug, Clone, Copy)]
pub struct KeyView<'a> {
    /// Account code.
    pub account: &'a str,
    /// Account text, lower case.
    pub account_text: &'a str,
    /// Cost centre.
    pub cost_centre: &'a str,
    /// Supplier, lower case.
    pub supplier: &'a str,
    /// Line text: which of the rule set's free-text keywords it holds.
    pub text: FreeText<'a>,
    /// Counterpart code.
    pub counterpart: &'a str,
    /// Whether the cost centre is one of the municipality's central IT cost centres.
    pub central_it: bool,
}

impl Conditions {
    /// True when the key satisfies every given condition.
    pub fn matches(&self, k: &KeyView<'_>) -> bool {
        self.account.as_ref().is_none_or(|p| any_code(p, k.account))
            && self
                .cost_centre
                .as_ref()
                .is_none_or(|p| any_code(p, k.cost_centre))
            && self
                .counterpart
                .as_ref()
                .is_none_or(|p| any_code(p, k.counterpart))
            && self.central_it.is_none_or(|c| c == k.central_it)
            && self
                .account_text
                .as_ref()
                .is_none_or(|m| m.matches_lower(k.account_text))
            && self
                .supplier
                .as_ref()
                .is_none_or(|m| m.matches_lower(k.supplier))
            && self.text.as_ref().is_none_or(|m| k.text.matches(m))
    }

    /// True when no condition is given (the rule matches every line).
    pub fn is_empty(&self) -> bool {
        self.account.is_none()
            && self.account_text.is_none()
            && self.cost_centre.is_none()
            && self.supplier.is_none()
            && self.text.is_none()
            && self.counterpart.is_none()
            && self.central_it.is_none()
    }

    /// True when every line these conditions accept is also accepted by `self` … i.e. `self` covers `later`:
    /// then a later rule with `later` conditions can never fire.
    pub fn covers(&self, later: &Conditions) -> bool {
        fn codes(a: &Option<Vec<CodePattern>>, b: &Option<Vec<CodePattern>>) -> bool {
            match (a, b) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => pattern::codes_cover(a, b),
            }
        }
        fn texts(a: &Option<TextMatch>, b: &Option<TextMatch>) -> bool {
            match (a, b) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => a.same_as(b),
            }
        }
        codes(&self.account, &later.account)
            && codes(&self.cost_centre, &later.cost_centre)
            && codes(&self.counterpart, &later.counterpart)
            && match (self.central_it, later.central_it) {
                (None, _) => true,
                (Some(a), Some(b)) => a == b,
                (Some(_), None) => false,
            }
            && texts(&self.account_text, &later.account_text)
            && texts(&self.supplier, &later.supplier)
            && texts(&self.text, &later.text)
    }

    /// True when both rules' account patterns share a code but neither covers the other, and every other
    /// condition is the same: then which one decides depends on the order alone, on part of the accounts.
    pub fn partly_overlaps(&self, other: &Conditions) -> bool {
        let (Some(a), Some(b)) = (&self.account, &other.account) else {
            return false;
        };
        let meet = a.iter().any(|x| b.iter().any(|y| x.overlaps(y)));
        let mut x = self.clone();
        let mut y = other.clone();
        x.account = None;
        y.account = None;
        meet && !pattern::codes_cover(a, b)
            && !pattern::codes_cover(b, a)
            && x.covers(&y)
            && y.covers(&x)
    }

    /// Which key columns these conditions read (so `classify` keys only on what rules use).
    pub fn uses(&self) -> KeyUse {
        KeyUse {
            account_text: self.account_text.is_some(),
            supplier: self.supplier.is_some(),
            text: self.text.is_some(),
            counterpart: self.counterpart.is_some(),
        }
    }
}

/// Which optional key columns a rule set reads (account and cost centre are always keys).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyUse {
    /// Account text.
    pub account_text: bool,
    /// Supplier.
    pub supplier: bool,
    /// Line text.
    pub text: bool,
    /// Counterpart.
    pub counterpart: bool,
}

impl KeyUse {
    /// Union of two uses.
    pub fn or(self, o: KeyUse) -> KeyUse {
        KeyUse {
            account_text: self.account_text || o.account_text,
            supplier: self.supplier || o.supplier,
            text: self.text || o.text,
            counterpart: self.counterpart || o.counterpart,
        }
    }
}

impl RuleSet {
    /// The free text of a line as classification sees it: the signature of `sig` under this rule set's
    /// [`RuleSet::text_keywords`].
    pub fn free_text<'a>(&'a self, sig: &'a [u8]) -> FreeText<'a> {
        FreeText {
            keywords: &self.text_keywords,
            sig,
        }
    }

    /// The kind of an account: the most specific matching `[accounts]` pattern, or None if no class covers it.
    pub fn account_kind(&self, account: &str) -> Option<AccountKind> {
        self.accounts
            .iter()
            .filter(|(p, _)| p.matches(account))
            .max_by_key(|(p, _)| p.specificity())
            .map(|(_, k)| *k)
    }

    /// The key columns the rules and declarations read (suspect keywords on supplier and text excepted).
    pub fn key_use(&self) -> KeyUse {
        let mut u = KeyUse {
            account_text: self.internal.account_text.is_some(),
            counterpart: !self.internal.counterparts.is_empty(),
            ..KeyUse::default()
        };
        if self.suspect.is_some() {
            // Supplier and line text are checked for suspects on their own distinct values (see classify);
            // only the account text belongs in the key.
            u.account_text = true;
        }
        for r in &self.rules {
            u = u.or(r.when.uses());
        }
        u
    }

    /// Every rule whose conditions match `k`, in precedence order (the first is the one that decides).
    pub fn matching<'a>(&'a self, k: &'a KeyView<'a>) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules.iter().filter(move |r| r.when.matches(k))
    }

    /// The rules that can match an account at all (its account condition matches, or it has none), in order:
    /// the index `classify` builds once per distinct account, so a key only tries these.
    pub fn candidates_for_account(&self, account: &str) -> Vec<usize> {
        self.rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.when
                    .account
                    .as_ref()
                    .is_none_or(|p| pattern::any_code(p, account))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The first rule among `candidates` (indexes from [`RuleSet::candidates_for_account`]) that matches.
    pub fn first_match_among<'a>(
        &'a self,
        k: &KeyView<'_>,
        candidates: &[usize],
    ) -> Option<&'a Rule> {
        candidates
            .iter()
            .map(|&i| &self.rules[i])
            .find(|r| r.when.matches(k))
    }

    /// Loads the rules: the given file, or the embedded Kommun-Bas 13 defaults. A file's `include = "…"`
    /// (`builtin:kommun-bas-13`, `builtin:bas` or a path relative to the file) is resolved here: the result is the
    /// effective rule set, the file's own rules first (see [`include`]).
    pub fn load(path: Option<&std::path::Path>) -> crate::error::Result<RuleSet> {
        match path {
            None => parse_rules(KOMMUN_BAS_13, RulesSource::Builtin("kommun-bas-13")),
            Some(p) => {
                if let Some(name) = p.to_str().and_then(|s| s.strip_prefix("builtin:")) {
                    return match builtin(name) {
                        Some((name, text)) => parse_rules(text, RulesSource::Builtin(name)),
                        None => Err(crate::error::Error::rules(format!(
                            "unknown builtin rules '{name}': expected builtin:kommun-bas-13 or builtin:bas"
                        ))),
                    };
                }
                let text = std::fs::read_to_string(p).map_err(|e| crate::error::Error::io(p, e))?;
                parse_rules(&text, RulesSource::File(p))
            }
        }
    }

    /// The rule set as `check` and `explain` show its effective order: one line per rule, first match first,
    /// with the file (and line) each rule comes from and what it decides.
    pub fn order_lines(&self) -> Vec<String> {
        let w = self.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
        self.rules
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let then = match &r.then {
                    Outcome::Classify { pool, it, .. } => {
                        format!("{}{}", pool.name(), if *it { " (IT)" } else { "" })
                    }
                    Outcome::Internal => "internal".into(),
                    Outcome::Exclude(why) => format!("excluded: {why}"),
                };
                format!(
                    "{:>4}. {:<w$}  {}:{}  → {then}",
                    i + 1,
                    r.id,
                    r.source,
                    r.line
                )
            })
            .collect()
    }
}

/// A built-in rule set by name (`kommun-bas-13`, `bas`): its canonical name and text.
pub fn builtin(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "kommun-bas-13" => Some(("kommun-bas-13", KOMMUN_BAS_13)),
        "bas" => Some(("bas", BAS)),
        _ => None,
    }
}
