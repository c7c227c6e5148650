//! IT organisations, the kind of a ledger (outcome, budget, forecast) and budget figures in the run config
//! (issue 13, items 1 and 3). Parsed from the raw TOML here and validated against the run's municipalities;
//! README ("The run config") documents every key.

use crate::rules::pattern::{any_code, CodePattern};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What a ledger or a figure is: the year's outcome (utfall), a budget, or a forecast (prognos).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum FigureKind {
    /// The year's booked outcome (utfall): the default for a ledger.
    #[default]
    Outcome,
    /// A budget (budget, MRP).
    Budget,
    /// A forecast during or before the year (prognos).
    Forecast,
}

impl FigureKind {
    /// Every kind, in report order.
    pub const ALL: [FigureKind; 3] = [
        FigureKind::Outcome,
        FigureKind::Budget,
        FigureKind::Forecast,
    ];

    /// Parses `outcome` (`utfall`, `actual`), `budget` or `forecast` (`prognos`), in any case.
    pub fn parse(s: &str) -> Option<FigureKind> {
        match s.trim().to_lowercase().as_str() {
            "outcome" | "utfall" | "actual" | "actuals" => Some(FigureKind::Outcome),
            "budget" => Some(FigureKind::Budget),
            "forecast" | "prognos" => Some(FigureKind::Forecast),
            _ => None,
        }
    }

    /// The key used in data: `outcome`, `budget` or `forecast`.
    pub fn key(self) -> &'static str {
        match self {
            FigureKind::Outcome => "outcome",
            FigureKind::Budget => "budget",
            FigureKind::Forecast => "forecast",
        }
    }

    /// The kind in the reader's language (`sv` true: Swedish).
    pub fn label(self, sv: bool) -> &'static str {
        match (self, sv) {
            (FigureKind::Outcome, true) => "utfall",
            (FigureKind::Outcome, false) => "outcome",
            (FigureKind::Budget, _) => "budget",
            (FigureKind::Forecast, true) => "prognos",
            (FigureKind::Forecast, false) => "forecast",
        }
    }

    /// What the config accepts, for error messages.
    pub const EXPECTED: &'static str = "outcome (utfall), budget or forecast (prognos)";
}

/// Budget (or forecast) figures for a municipality given in the config rather than as a ledger
/// (`it_budget`, `net_cost_budget`, `budget_source`, `budget_kind`), compared with the ledger's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetFigures {
    /// Budget or forecast.
    pub kind: FigureKind,
    /// Where the figures come from (required: a figure without a source cannot be traced).
    pub source: String,
    /// The IT budget (compared with central IT cost), öre.
    pub it_ore: Option<i64>,
    /// The budgeted net cost, öre.
    pub net_cost_ore: Option<i64>,
}

/// How another member is recognised on a member's lines: by counterpart code (`K2010`, `K20*`) or by the
/// supplier's name or number, exactly (case and surrounding spaces aside).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberCodes {
    /// The codes as written.
    pub raw: Vec<String>,
    /// Counterpart patterns (every entry without spaces that parses as a code).
    pub counterparts: Vec<CodePattern>,
    /// Supplier names or numbers, lower case, trimmed.
    pub suppliers: Vec<String>,
}

impl MemberCodes {
    /// Builds the matchers: every entry matches the supplier exactly; one without spaces also matches the
    /// counterpart as a code pattern.
    pub fn new(raw: &[String]) -> MemberCodes {
        MemberCodes {
            raw: raw.to_vec(),
            counterparts: raw
                .iter()
                .filter(|c| !c.trim().contains(char::is_whitespace))
                .filter_map(|c| CodePattern::parse(c).ok())
                .collect(),
            suppliers: raw.iter().map(|c| norm(c)).collect(),
        }
    }

    /// True when a line with this counterpart and supplier is this member's.
    pub fn matches(&self, counterpart: &str, supplier: &str) -> bool {
        (!counterpart.trim().is_empty() && any_code(&self.counterparts, counterpart.trim()))
            || (!supplier.trim().is_empty() && self.suppliers.contains(&norm(supplier)))
    }
}

/// Lower case, inner runs of whitespace as one space, trimmed.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// One central IT organisation and the municipalities it serves (`[[it_org]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItOrg {
    /// Its name, as shown in the benchmark.
    pub name: String,
    /// The member municipalities' names, as written.
    pub members: Vec<String>,
    /// Member name → how it is recognised on the other members' lines (charges between members).
    pub member_codes: BTreeMap<String, MemberCodes>,
}

impl ItOrg {
    /// True when a line of `member` is a charge with another member of this organisation.
    pub fn between_members(&self, member: &str, counterpart: &str, supplier: &str) -> bool {
        self.member_codes
            .iter()
            .any(|(other, codes)| other != member && codes.matches(counterpart, supplier))
    }
}

/// `[[it_org]]` as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawItOrg {
    name: String,
    members: Vec<String>,
    #[serde(default)]
    member_codes: BTreeMap<String, Vec<String>>,
}

/// The budget keys of a `[[municipality]]` as written.
#[derive(Default)]
pub(crate) struct RawBudget<'a> {
    pub it: Option<&'a toml::Value>,
    pub net_cost: Option<&'a toml::Value>,
    pub source: Option<&'a str>,
    pub kind: Option<&'a str>,
}

/// Reads a ledger's `kind` (default outcome).
pub(crate) fn parse_kind(name: &str, key: &str, raw: Option<&str>) -> Result<FigureKind, String> {
    match raw {
        None => Ok(FigureKind::Outcome),
        Some(k) => FigureKind::parse(k).ok_or_else(|| {
            format!(
                "municipality '{name}': {key}: expected {}, found '{k}'",
                FigureKind::EXPECTED
            )
        }),
    }
}

/// Reads `it_budget`, `net_cost_budget`, `budget_source` and `budget_kind` of a municipality (None when neither
/// figure is given; a figure without `budget_source` is refused).
pub(crate) fn parse_budget(
    name: &str,
    raw: RawBudget<'_>,
) -> Result<Option<BudgetFigures>, String> {
    let amount = |key: &str, v: Option<&toml::Value>| -> Result<Option<i64>, String> {
        v.map(|v| {
            super::kronor_from_value(v).map_err(|e| format!("municipality '{name}': {key}: {e}"))
        })
        .transpose()
    };
    let it_ore = amount("it_budget", raw.it)?;
    let net_cost_ore = amount("net_cost_budget", raw.net_cost)?;
    if it_ore.is_none() && net_cost_ore.is_none() {
        if raw.source.is_some() || raw.kind.is_some() {
            return Err(format!(
                "municipality '{name}': budget_source and budget_kind describe it_budget or net_cost_budget; give at least one of them"
            ));
        }
        return Ok(None);
    }
    let source = raw
        .source
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            format!(
                "municipality '{name}': it_budget and net_cost_budget need budget_source = \"…\" (where the figures come from, e.g. \"Budget 2024 med plan 2025–26\")"
            )
        })?;
    let kind = match raw.kind {
        None => FigureKind::Budget,
        Some(k) => match FigureKind::parse(k) {
            Some(FigureKind::Outcome) | None => {
                return Err(format!(
                    "municipality '{name}': budget_kind: expected budget or forecast (prognos), found '{k}' (the outcome is the ledger)"
                ))
            }
            Some(k) => k,
        },
    };
    Ok(Some(BudgetFigures {
        kind,
        source: source.to_string(),
        it_ore,
        net_cost_ore,
    }))
}

/// Validates the `[[it_org]]` blocks against the run's municipality names: every member is a municipality of the
/// run, no municipality is in two organisations, an organisation's name is not another municipality's, and
/// `member_codes` names only members.
pub(crate) fn parse_it_orgs(
    raw: Vec<RawItOrg>,
    municipalities: &[&str],
) -> Result<Vec<ItOrg>, String> {
    let mut owner: BTreeMap<&str, String> = BTreeMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for o in &raw {
        let name = o.name.trim();
        if name.is_empty() {
            return Err("it_org: name is empty".into());
        }
        if names.iter().any(|n| n == name) {
            return Err(format!("it_org '{name}' is listed twice"));
        }
        names.push(name.to_string());
        if o.members.is_empty() {
            return Err(format!(
                "it_org '{name}': members is empty; list the municipalities it serves, e.g. members = [\"Sotenäs\", \"Munkedal\", \"Lysekil\"]"
            ));
        }
        for m in &o.members {
            if !municipalities.contains(&m.as_str()) {
                return Err(format!(
                    "it_org '{name}': member '{m}' is not a municipality of the run; expected one of {}",
                    municipalities.join(", ")
                ));
            }
            if o.members.iter().filter(|x| *x == m).count() > 1 {
                return Err(format!("it_org '{name}': member '{m}' is listed twice"));
            }
            if let Some(first) = owner.insert(m.as_str(), name.to_string()) {
                return Err(format!(
                    "municipality '{m}' is a member of two IT organisations, '{first}' and '{name}': a municipality's central IT belongs to one"
                ));
            }
        }
        if municipalities.contains(&name) && !o.members.iter().any(|m| m == name) {
            return Err(format!(
                "it_org '{name}' has the name of a municipality that is not its member: the benchmark's rows could not be told apart"
            ));
        }
        for (m, codes) in &o.member_codes {
            if !o.members.contains(m) {
                return Err(format!(
                    "it_org '{name}': member_codes names '{m}', which is not one of its members ({})",
                    o.members.join(", ")
                ));
            }
            if codes.iter().any(|c| c.trim().is_empty()) {
                return Err(format!(
                    "it_org '{name}': member_codes of '{m}' has an empty code"
                ));
            }
        }
        out.push(ItOrg {
            name: name.to_string(),
            members: o.members.clone(),
            member_codes: o
                .member_codes
                .iter()
                .map(|(m, c)| (m.clone(), MemberCodes::new(c)))
                .collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(name: &str, members: &[&str]) -> RawItOrg {
        RawItOrg {
            name: name.into(),
            members: members.iter().map(|s| s.to_string()).collect(),
            member_codes: BTreeMap::new(),
        }
    }

    #[test]
    fn kinds_read_in_both_languages() {
        assert_eq!(FigureKind::parse("Utfall"), Some(FigureKind::Outcome));
        assert_eq!(FigureKind::parse("prognos"), Some(FigureKind::Forecast));
        assert_eq!(FigureKind::parse("BUDGET"), Some(FigureKind::Budget));
        assert_eq!(FigureKind::parse("plan"), None);
    }

    #[test]
    fn members_are_validated() {
        let munis = ["Sotenäs", "Munkedal", "Lysekil", "Orust"];
        let ok = parse_it_orgs(
            vec![raw("SML-IT", &["Sotenäs", "Munkedal", "Lysekil"])],
            &munis,
        );
        assert_eq!(ok.unwrap()[0].members.len(), 3);
        let unknown = parse_it_orgs(vec![raw("SML-IT", &["Sotenäs", "Munkedahl"])], &munis);
        assert!(unknown
            .unwrap_err()
            .contains("member 'Munkedahl' is not a municipality"));
        let twice = parse_it_orgs(
            vec![
                raw("SML-IT", &["Sotenäs"]),
                raw("Orust-IT", &["Orust", "Sotenäs"]),
            ],
            &munis,
        );
        assert!(twice
            .unwrap_err()
            .contains("member of two IT organisations"));
        let clash = parse_it_orgs(vec![raw("Orust", &["Sotenäs"])], &munis);
        assert!(clash.is_err());
    }

    #[test]
    fn member_codes_match_counterpart_codes_and_supplier_names() {
        let c = MemberCodes::new(&["K2010".into(), "Sotenäs kommun".into(), "K21*".into()]);
        assert!(c.matches("K2010", ""));
        assert!(c.matches("K2110", ""));
        assert!(c.matches("", "  SOTENÄS  kommun "));
        assert!(!c.matches("K2011", "Sotenäs Energi AB"));
        assert!(!c.matches("", ""));
    }
}
