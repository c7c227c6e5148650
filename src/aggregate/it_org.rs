//! Sums per IT organisation (issue 13, item 1): a central IT organisation serving several municipalities is one
//! unit of the benchmark. Its figures are its members' figures summed, with the charges between members (a
//! member paying the host for IT: the payer's cost line and the host's revenue line) eliminated on both sides,
//! exactly as internal transactions are within a municipality.
//!
//! How: every member keeps its own decisions (its own central IT cost centres were applied to its own lines
//! only, in `classify`); here the members' keys are relabelled as the organisation's, the keys of lines between
//! members (recognised by `member_codes`: the other member's counterpart code or supplier name) are moved to the
//! internal place, and the organisation is aggregated by [`super::aggregate`] like a municipality — with the same
//! conservation check.

use super::{aggregate, Kr, MunicipalityInput, MunicipalityResult};
use crate::classify::Scope;
use crate::config::{Denominator, ItOrg};
use crate::error::Result;
use polars::prelude::*;
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

/// Aggregates IT organisations from the classified key table and the suspect lines (both keyed by the members'
/// unit ids).
pub fn aggregate_orgs(
    key_table: &DataFrame,
    suspects: &DataFrame,
    orgs: &[OrgInput<'_>],
    denominator: Denominator,
) -> Result<Vec<OrgResult>> {
    // member unit id → (org index, member name)
    let mut member_of: HashMap<&str, (usize, &str)> = HashMap::new();
    for (o, org) in orgs.iter().enumerate() {
        for m in &org.members {
            member_of.insert(m.id, (o, m.name));
        }
    }
    let n = key_table.height();
    let strs = |name: &str| -> Result<Vec<Option<String>>> {
        match key_table.column(name) {
            Ok(c) => Ok(c.str()?.iter().map(|v| v.map(str::to_string)).collect()),
            Err(_) => Ok(vec![None; n]),
        }
    };
    let muni = strs("municipality")?;
    let scope = strs("scope")?;
    let kind = strs("kind")?;
    let counterpart = strs("counterpart")?;
    let supplier = strs("supplier")?;
    let amount: Vec<i64> = key_table
        .column("amount")?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();
    let lines: Vec<i64> = key_table
        .column("lines")?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();
    let mut between = vec![BetweenMembers::default(); orgs.len()];
    let mut new_muni: Vec<Option<String>> = Vec::with_capacity(n);
    let mut new_scope: Vec<Option<String>> = Vec::with_capacity(n);
    for i in 0..n {
        let Some(&(o, member)) = muni[i].as_deref().and_then(|m| member_of.get(m)) else {
            new_muni.push(muni[i].clone());
            new_scope.push(scope[i].clone());
            continue;
        };
        new_muni.push(Some(orgs[o].id.clone()));
        let s = scope[i].as_deref().and_then(Scope::from_key);
        let counted = matches!(s, Some(Scope::CentralIt | Scope::OutsideIt | Scope::NotIt));
        let cp = counterpart[i].as_deref().unwrap_or("");
        let sup = supplier[i].as_deref().unwrap_or("");
        if counted && orgs[o].org.between_members(member, cp, sup) {
            let b = &mut between[o];
            if kind[i].as_deref() == Some("revenue") {
                b.revenues += amount[i];
            } else {
                b.costs += amount[i];
                match s {
                    Some(Scope::CentralIt) => b.central_it += amount[i],
                    Some(Scope::OutsideIt) => b.outside_it += amount[i],
                    _ => {}
                }
            }
            b.lines += lines[i] as u64;
            new_scope.push(Some(Scope::Internal.key().to_string()));
        } else {
            new_scope.push(scope[i].clone());
        }
    }
    let mut keys = key_table.clone();
    keys.with_column(Column::new("municipality".into(), new_muni))?;
    keys.with_column(Column::new("scope".into(), new_scope))?;
    let mut sus = suspects.clone();
    let s_muni: Vec<Option<String>> = sus
        .column("municipality")?
        .str()?
        .iter()
        .map(|m| match m.and_then(|m| member_of.get(m)) {
            Some(&(o, _)) => Some(orgs[o].id.clone()),
            None => m.map(str::to_string),
        })
        .collect();
    sus.with_column(Column::new("municipality".into(), s_muni))?;

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
                departments: &[],
            }
        })
        .collect();
    let results = aggregate(&keys, &sus, &inputs, denominator)?;
    Ok(orgs
        .iter()
        .zip(results)
        .zip(between)
        .map(|((o, result), mut between)| {
            between.imbalance = Kr(between.costs.0 + between.revenues.0);
            OrgResult {
                name: o.org.name.clone(),
                members: o.members.iter().map(|m| m.name.to_string()).collect(),
                between,
                result,
            }
        })
        .collect())
}
