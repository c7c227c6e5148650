//! Sums per IT organisation (issue 13, item 1): a central IT organisation serving several municipalities is one
//! unit of the benchmark. Its figures are its members' figures summed, with the charges between members (a
//! member paying the host for IT: the payer's cost line and the host's revenue line) eliminated on both sides,
//! exactly as internal transactions are within a municipality.
//!
//! How: every member keeps its own decisions (its own central IT cost centres were applied to its own lines
//! only, in `classify`); here the members' keys are given to the organisation's unit, the keys of lines between
//! members (recognised by `member_codes`: the other member's counterpart code or supplier name) are moved to the
//! internal place, and the organisation is aggregated by [`super::aggregate`] like a municipality — with the same
//! conservation check.

use super::{aggregate, Kr, MunicipalityInput, MunicipalityResult};
use crate::classify::{Classified, ClassifiedKey, Scope, SuspectSum};
use crate::config::{Denominator, ItOrg};
use crate::error::Result;
use crate::rules::taxonomy::AccountKind;
use std::collections::HashMap;

/// The charges between an organisation's members that were eliminated from its figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BetweenMembers {
    /// The payers' cost lines (positive).
    pub costs: Kr,
    /// The hosts' revenue lines (negative).
    pub revenues: Kr,
    /// costs + revenues: 0 when both sides booked the same amount.
    pub imbalance: Kr,
    /// Ledger lines eliminated.
    pub lines: u64,
    /// Of the costs, those booked on a member's central IT cost centres (taken out of the numerator).
    pub central_it: Kr,
    /// Of the costs, those counted as IT outside central IT.
    pub outside_it: Kr,
}

/// One IT organisation's result for a year.
#[derive(Debug, Clone)]
pub struct OrgResult {
    /// Its name.
    pub name: String,
    /// Its members' names, in the order of the config.
    pub members: Vec<String>,
    /// The charges eliminated between members.
    pub between: BetweenMembers,
    /// Its figures, aggregated like a municipality's (name = the organisation's name).
    pub result: MunicipalityResult,
}

/// What the organisation's aggregation needs: the organisation, its unit id (unique in the run) and its members'
/// inputs (each with the member's unit id and name).
pub struct OrgInput<'a> {
    /// The organisation.
    pub org: &'a ItOrg,
    /// The id its keys are relabelled with.
    pub id: String,
    /// The members' aggregation inputs.
    pub members: Vec<MunicipalityInput<'a>>,
}

/// Aggregates IT organisations from the classified keys and the suspect sums (both indexed by the members'
/// units, as the run's `inputs` are: `members[k].id` is the id of the unit with that index in `classified.units`).
pub fn aggregate_orgs(
    classified: &Classified,
    suspects: &[SuspectSum],
    orgs: &[OrgInput<'_>],
    denominator: Denominator,
) -> Result<Vec<OrgResult>> {
    // unit index → (org index, member name)
    let mut member_of: HashMap<usize, (usize, &str)> = HashMap::new();
    for (o, org) in orgs.iter().enumerate() {
        for m in &org.members {
            if let Some(u) = classified.units.iter().position(|id| id == m.id) {
                member_of.insert(u, (o, m.name));
            }
        }
    }
    let mut between = vec![BetweenMembers::default(); orgs.len()];
    let mut keys: Vec<ClassifiedKey> = Vec::new();
    for k in &classified.keys {
        let Some(&(o, member)) = member_of.get(&k.unit) else {
            continue;
        };
        let mut k = k.clone();
        k.unit = o;
        let counted = matches!(
            k.decision.scope,
            Scope::CentralIt | Scope::OutsideIt | Scope::NotIt
        );
        if counted
            && orgs[o]
                .org
                .between_members(member, &k.counterpart, &k.supplier)
        {
            let b = &mut between[o];
            if k.decision.kind == Some(AccountKind::Revenue) {
                b.revenues += k.amount;
            } else {
                b.costs += k.amount;
                match k.decision.scope {
                    Scope::CentralIt => b.central_it += k.amount,
                    Scope::OutsideIt => b.outside_it += k.amount,
                    _ => {}
                }
            }
            b.lines += k.lines;
            // Eliminated exactly as an internal transaction within a municipality.
            k.decision.scope = Scope::Internal;
            k.decision.rule_id = "it_org.between_members".into();
        }
        keys.push(k);
    }
    let org_classified = Classified {
        units: orgs.iter().map(|o| o.id.clone()).collect(),
        keys,
        key_columns: classified.key_columns.clone(),
        rows: Vec::new(),
    };
    let org_suspects: Vec<SuspectSum> = suspects
        .iter()
        .filter_map(|s| {
            member_of.get(&s.unit).map(|&(o, _)| {
                let mut s = s.clone();
                s.unit = o;
                s
            })
        })
        .collect();
    let inputs: Vec<MunicipalityInput<'_>> = orgs
        .iter()
        .map(|o| {
            let all = |f: &dyn Fn(&MunicipalityInput<'_>) -> Option<u64>| -> Option<u64> {
                o.members.iter().map(f).sum::<Option<u64>>()
            };
            MunicipalityInput {
                name: &o.org.name,
                id: &o.id,
                year: o.members.iter().find_map(|m| m.year),
                kind: o.members.first().map(|m| m.kind).unwrap_or_default(),
                reports: o
                    .members
                    .iter()
                    .flat_map(|m| m.reports.iter().copied())
                    .collect(),
                central_it_raw: o
                    .members
                    .iter()
                    .flat_map(|m| {
                        m.central_it_raw
                            .iter()
                            .map(move |c| format!("{}: {c}", m.name))
                    })
                    .collect(),
                external_total_ore: o
                    .members
                    .iter()
                    .map(|m| m.external_total_ore)
                    .sum::<Option<i64>>(),
                population: all(&|m| m.population),
                employees: all(&|m| m.employees),
                users: all(&|m| m.users),
                devices: all(&|m| m.devices),
                departments: &[],
                // Digitalisation cost centres are a member's own; the organisation's row does not name them.
                digitalisation: &[],
            }
        })
        .collect();
    let results = aggregate(&org_classified, &org_suspects, &inputs, denominator)?;
    Ok(orgs
        .iter()
        .zip(results)
        .zip(between)
        .map(|((o, mut result), mut between)| {
            between.imbalance = Kr(between.costs.0 + between.revenues.0);
            result.label = o.org.name.clone();
            OrgResult {
                name: o.org.name.clone(),
                members: o.members.iter().map(|m| m.name.to_string()).collect(),
                between,
                result,
            }
        })
        .collect())
}
