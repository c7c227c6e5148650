//! Reading a rules file (TOML) into a [`RuleSet`], refusing it with file, line and reason when it is invalid.

use super::pattern::{CodePattern, TextMatch};
use super::taxonomy::{AccountKind, Pool, SubPool, Tower};
use super::{Conditions, InternalSpec, Outcome, Rule, RuleSet};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

/// Where rules text came from (for messages).
#[derive(Debug, Clone, Copy)]
pub enum RulesSource<'a> {
    /// A file on disk.
    File(&'a std::path::Path),
    /// A rules set embedded in the binary.
    Builtin(&'static str),
}

impl RulesSource<'_> {
    /// The name messages and reports use: the path as given, or `builtin:NAME`.
    pub fn name(&self) -> String {
        match self {
            RulesSource::File(p) => p.display().to_string(),
            RulesSource::Builtin(n) => format!("builtin:{n}"),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn items(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawText {
    Keywords(OneOrMany),
    Regex { regex: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    include: Option<Spanned<String>>,
    name: Option<String>,
    chart: Option<String>,
    accounts: Option<RawAccounts>,
    internal: Option<RawInternal>,
    suspect: Option<RawSuspect>,
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccounts {
    cost: Option<Spanned<OneOrMany>>,
    depreciation: Option<Spanned<OneOrMany>>,
    revenue: Option<Spanned<OneOrMany>>,
    balance_sheet: Option<Spanned<OneOrMany>>,
    financial: Option<Spanned<OneOrMany>>,
    investment: Option<Spanned<OneOrMany>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInternal {
    accounts: Option<Spanned<OneOrMany>>,
    account_text: Option<Spanned<RawText>>,
    counterparts: Option<Spanned<OneOrMany>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuspect {
    keywords: Spanned<RawText>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    why: Option<String>,
    why_sv: Option<String>,
    account: Option<Spanned<OneOrMany>>,
    account_text: Option<Spanned<RawText>>,
    cost_centre: Option<Spanned<OneOrMany>>,
    supplier: Option<Spanned<RawText>>,
    text: Option<Spanned<RawText>>,
    counterpart: Option<Spanned<OneOrMany>>,
    central_it: Option<bool>,
    pool: Option<Spanned<String>>,
    sub_pool: Option<Spanned<String>>,
    tower: Option<Spanned<String>>,
    it: Option<bool>,
    internal: Option<bool>,
    exclude: Option<String>,
}

/// Collects every problem of a file before refusing it.
struct Problems<'s> {
    src: &'s str,
    file: String,
    list: Vec<String>,
}

impl Problems<'_> {
    fn line_of(&self, offset: usize) -> usize {
        self.src.as_bytes()[..offset.min(self.src.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
    fn at(&mut self, offset: usize, msg: impl AsRef<str>) {
        let line = self.line_of(offset);
        self.list
            .push(format!("{}:{}: {}", self.file, line, msg.as_ref()));
    }
}

/// The most type problems collected from one file before giving up.
const MAX_TYPE_PROBLEMS: usize = 50;

/// Deserialises the file, collecting every type problem (`it = "ja"`) instead of stopping at the first: each
/// offending line is named with its rule and key, blanked (same length, so later offsets stay right) and the file
/// read again. Returns the file, the problems and the text read (with the blanked lines); a TOML syntax error or a
/// problem that blanking cannot get past is returned as the error.
fn read_raw(src: &str, file: &str) -> Result<(RawFile, Vec<String>, String)> {
    let mut text = src.to_string();
    let mut problems = Vec::new();
    let mut blanked = Vec::new();
    loop {
        let e = match toml::from_str::<RawFile>(&text) {
            Ok(raw) => return Ok((raw, problems, text)),
            Err(e) => e,
        };
        let msg = e.message().trim().to_string();
        let Some(span) = e.span() else {
            problems.push(format!("{file}: {msg}"));
            return Err(refused(file, problems));
        };
        let line = text.as_bytes()[..span.start.min(text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        let line_text = src.lines().nth(line - 1).unwrap_or("").trim();
        let is_type_error = msg.starts_with("invalid type")
            || msg.starts_with("invalid value")
            || msg.starts_with("data did not match")
            || msg.starts_with("unknown field");
        if !is_type_error || blanked.contains(&line) || problems.len() >= MAX_TYPE_PROBLEMS {
            let this = format!("{file}:{line}: {}", friendly(&msg));
            if problems.is_empty() {
                // A syntax error alone: one line, as every other message.
                return Err(Error::rules(this));
            }
            problems.push(this);
            return Err(refused(file, problems));
        }
        let rule = rule_id_around(src, line)
            .map(|id| format!("rule '{id}': "))
            .unwrap_or_default();
        let key = if line_text.starts_with('[') {
            String::new()
        } else {
            format!("{line_text}: ")
        };
        problems.push(format!("{file}:{line}: {rule}{key}{}", friendly(&msg)));
        blanked.push(line);
        // Blank the line in place: same length, so every later span still points into the original text.
        let start = text
            .match_indices('\n')
            .nth(line.saturating_sub(2))
            .map(|(i, _)| i + 1)
            .filter(|_| line > 1)
            .unwrap_or(0);
        let end = text[start..]
            .find('\n')
            .map(|i| start + i)
            .unwrap_or(text.len());
        text.replace_range(start..end, &" ".repeat(end - start));
    }
}

/// The whole file refused with its problems.
fn refused(file: &str, problems: Vec<String>) -> Error {
    let n = problems.len();
    Error::rules(format!(
        "{file}: invalid rules file ({n} problem{}):\n  {}",
        if n == 1 { "" } else { "s" },
        problems.join("\n  ")
    ))
}

/// serde's wording in the words of the rules file (the offending line is shown before it).
fn friendly(msg: &str) -> String {
    if msg.contains("untagged enum OneOrMany") {
        return "expected a code in quotes or a list of them (\"6412\" or [\"64*\", \"65*\"])"
            .into();
    }
    if msg.contains("untagged enum RawText") {
        return "expected keywords in quotes, a list of them, or { regex = \"…\" }".into();
    }
    match msg.split_once(", expected ").map(|(_, w)| w) {
        Some("a boolean") => "expected true or false".into(),
        Some("a string") => "expected a text in quotes".into(),
        _ => msg.to_string(),
    }
}

/// The id of the `[[rule]]` block holding `line` (1-based), if the line is inside one.
fn rule_id_around(src: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = src.lines().collect();
    let start = (0..line.min(lines.len()))
        .rev()
        .find(|&i| lines[i].trim_start().starts_with('['))?;
    if lines[start].trim() != "[[rule]]" {
        return None;
    }
    lines[start + 1..]
        .iter()
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "id").then(|| v.trim().trim_matches('"').to_string())
        })
}

/// Parses and validates rules text. All problems are reported at once, one per line of the error message. An
/// `include = "…"` is resolved (relative to the file's directory) and merged: see [`super::include`].
pub fn parse_rules(src: &str, source: RulesSource<'_>) -> Result<RuleSet> {
    parse_including(src, source, &mut Vec::new())
}

/// [`parse_rules`], with the files being read (for include cycles).
pub(super) fn parse_including(
    src: &str,
    source: RulesSource<'_>,
    reading: &mut Vec<String>,
) -> Result<RuleSet> {
    let file = source.name();
    let (raw, type_problems, src) = read_raw(src, &file)?;
    let src = src.as_str();
    let mut p = Problems {
        src,
        file: file.clone(),
        list: type_problems,
    };

    let mut accounts = Vec::new();
    if let Some(a) = &raw.accounts {
        for (kind, list) in [
            (AccountKind::Cost, &a.cost),
            (AccountKind::Depreciation, &a.depreciation),
            (AccountKind::Revenue, &a.revenue),
            (AccountKind::BalanceSheet, &a.balance_sheet),
            (AccountKind::Financial, &a.financial),
            (AccountKind::Investment, &a.investment),
        ] {
            let ctx = format!("[accounts] {}", kind.key());
            for pat in codes(&mut p, &ctx, list.as_ref()).unwrap_or_default() {
                if let Some((_, other)) = accounts
                    .iter()
                    .find(|(q, _): &&(CodePattern, AccountKind)| *q == pat)
                {
                    if *other != kind {
                        let off = list.as_ref().map(|s| s.span().start).unwrap_or(0);
                        p.at(
                            off,
                            format!(
                                "[accounts]: pattern {pat:?} is declared both {} and {}",
                                other.key(),
                                kind.key()
                            ),
                        );
                    }
                }
                accounts.push((pat, kind));
            }
        }
    } else if raw.include.is_none() {
        p.list.push(format!("{file}: expected an [accounts] section declaring cost, depreciation, revenue … account classes (or include = \"builtin:kommun-bas-13\" to build on the defaults)"));
    }

    let internal = match &raw.internal {
        None => InternalSpec::default(),
        Some(i) => InternalSpec {
            accounts: codes(&mut p, "[internal] accounts", i.accounts.as_ref()).unwrap_or_default(),
            account_text: text(&mut p, i.account_text.as_ref()),
            counterparts: codes(&mut p, "[internal] counterparts", i.counterparts.as_ref())
                .unwrap_or_default(),
        },
    };
    let suspect = raw
        .suspect
        .as_ref()
        .and_then(|s| text(&mut p, Some(&s.keywords)));

    let mut rules: Vec<Rule> = Vec::new();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let mut broken_rules: Vec<usize> = Vec::new();
    for spanned in &raw.rule {
        let start = spanned.span().start;
        let r = spanned.get_ref();
        let problems_before = p.list.len();
        let id = r.id.get_ref().trim().to_string();
        let line = p.line_of(start);
        if id.is_empty() {
            p.at(r.id.span().start, "rule id is empty");
        } else if let Some(prev) = ids.get(&id) {
            p.at(
                r.id.span().start,
                format!("duplicate rule id '{id}' (first used on line {prev})"),
            );
        } else {
            ids.insert(id.clone(), line);
        }
        let when = Conditions {
            account: codes(&mut p, &format!("rule '{id}': account"), r.account.as_ref()),
            account_text: text(&mut p, r.account_text.as_ref()),
            cost_centre: codes(
                &mut p,
                &format!("rule '{id}': cost_centre"),
                r.cost_centre.as_ref(),
            ),
            supplier: text(&mut p, r.supplier.as_ref()),
            text: text(&mut p, r.text.as_ref()),
            counterpart: codes(
                &mut p,
                &format!("rule '{id}': counterpart"),
                r.counterpart.as_ref(),
            ),
            central_it: r.central_it,
        };
        let broken = p.list.len() > problems_before;
        let then = match (&r.pool, r.internal.unwrap_or(false), &r.exclude) {
            (Some(pool), false, None) => {
                let pool_v = Pool::parse(pool.get_ref());
                if pool_v.is_none() {
                    p.at(
                        pool.span().start,
                        format!(
                            "rule '{id}': unknown pool '{}'; expected one of {}",
                            pool.get_ref(),
                            Pool::names()
                        ),
                    );
                }
                let sub_pool = r.sub_pool.as_ref().and_then(|s| {
                    let v = SubPool::parse(s.get_ref());
                    if v.is_none() {
                        p.at(
                            s.span().start,
                            format!(
                                "rule '{id}': unknown sub_pool '{}'; expected one of {}",
                                s.get_ref(),
                                SubPool::names()
                            ),
                        );
                    }
                    v
                });
                let tower = r.tower.as_ref().and_then(|t| {
                    let v = Tower::parse(t.get_ref());
                    if v.is_none() {
                        p.at(
                            t.span().start,
                            format!(
                                "rule '{id}': unknown tower '{}'; expected one of {}",
                                t.get_ref(),
                                Tower::names()
                            ),
                        );
                    }
                    v
                });
                Outcome::Classify {
                    pool: pool_v.unwrap_or(Pool::Other),
                    sub_pool,
                    tower,
                    it: r.it.unwrap_or(false),
                }
            }
            (None, true, None) => Outcome::Internal,
            (None, false, Some(reason)) => Outcome::Exclude(reason.clone()),
            _ => {
                p.at(start, format!("rule '{id}': expected exactly one of pool = \"…\", internal = true or exclude = \"reason\""));
                Outcome::Exclude(String::new())
            }
        };
        if !matches!(then, Outcome::Classify { .. })
            && (r.sub_pool.is_some() || r.tower.is_some() || r.it.is_some())
        {
            p.at(
                start,
                format!("rule '{id}': sub_pool, tower and it only make sense with a pool"),
            );
        }
        // A rule with a broken condition is not used to judge reachability (its conditions are incomplete).
        if broken {
            broken_rules.push(rules.len());
        }
        if let Some(earlier) = rules
            .iter()
            .enumerate()
            .filter(|(i, _)| !broken_rules.contains(i))
            .map(|(_, e)| e)
            .find(|e| e.when.covers(&when))
        {
            p.at(
                start,
                format!(
                    "rule '{id}' can never match: rule '{}' (line {}) comes first and matches every line it would",
                    earlier.id, earlier.line
                ),
            );
        }
        rules.push(Rule {
            id,
            why: r.why.clone().unwrap_or_default(),
            why_sv: r.why_sv.clone(),
            line,
            source: file.clone(),
            when,
            then,
        });
    }

    if !p.list.is_empty() {
        let n = p.list.len();
        return Err(Error::rules(format!(
            "{file}: invalid rules file ({n} problem{}):\n  {}",
            if n == 1 { "" } else { "s" },
            p.list.join("\n  ")
        )));
    }
    let mut notes = Vec::new();
    for (j, later) in rules.iter().enumerate() {
        for earlier in &rules[..j] {
            if earlier.then != later.then && earlier.when.partly_overlaps(&later.when) {
                notes.push(format!(
                    "{file}:{}: rule '{}' overlaps rule '{}' (line {}) on part of its accounts with a different \
                     outcome; on the overlap '{}' decides",
                    later.line, later.id, earlier.id, earlier.line, earlier.id
                ));
            }
        }
    }
    let text_keywords = std::sync::Arc::new(super::keywords::TextKeywords::new(
        rules
            .iter()
            .filter_map(|r| r.when.text.as_ref())
            .chain(suspect.as_ref()),
    ));
    let own = RuleSet {
        text_keywords,
        notes,
        source: file,
        includes: Vec::new(),
        name: raw.name.clone().unwrap_or_else(|| "rules".into()),
        chart: raw.chart.clone().unwrap_or_default(),
        accounts,
        internal,
        suspect,
        rules,
    };
    match &raw.include {
        None => Ok(own),
        Some(inc) => {
            let at = p.line_of(inc.span().start);
            let base = super::include::load(inc.get_ref(), &source, at, reading)?;
            super::include::merge(own, base, raw.name.is_some())
        }
    }
}

/// Reads a code list; `ctx` names where it stands (`rule 'x': account`) in messages.
fn codes(
    p: &mut Problems<'_>,
    ctx: &str,
    raw: Option<&Spanned<OneOrMany>>,
) -> Option<Vec<CodePattern>> {
    let raw = raw?;
    let mut out = Vec::new();
    let items = raw.get_ref().items();
    if items.is_empty() {
        p.at(
            raw.span().start,
            format!("{ctx}: expected at least one code, found an empty list"),
        );
    }
    for item in items {
        match CodePattern::parse(&item) {
            Ok(c) => out.push(c),
            Err(m) => p.at(raw.span().start, format!("{ctx}: {m}")),
        }
    }
    Some(out)
}

fn text(p: &mut Problems<'_>, raw: Option<&Spanned<RawText>>) -> Option<TextMatch> {
    let raw = raw?;
    let r = match raw.get_ref() {
        RawText::Keywords(k) => TextMatch::keywords(&k.items()),
        RawText::Regex { regex } => TextMatch::regex(regex),
    };
    match r {
        Ok(m) => Some(m),
        Err(msg) => {
            p.at(raw.span().start, msg);
            None
        }
    }
}
