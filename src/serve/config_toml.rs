//! The `config.toml` and `rules.toml` that reproduce a run from the command line, written from the workspace. A
//! served run is made exactly as the command line makes one: these files are written into the run's directory and
//! read by [`crate::config::load`], so what the browser runs and what a person downloads are the same text.

use super::state::{OwnRule, Workspace};
use std::path::Path;
use toml::{Table, Value};

/// How the ledgers are named in the written config.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Paths {
    /// Full paths in the upload directory (the served run).
    Stored,
    /// File names as uploaded (the download, to be put beside the ledgers).
    Names,
}

fn list(v: &[String]) -> Value {
    Value::Array(v.iter().map(|s| Value::String(s.clone())).collect())
}

/// The target share as a config value: `2,5 %` → `"2.5%"`.
pub fn target_value(t: &str) -> Option<String> {
    let t: String = t
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if t.is_empty() {
        None
    } else if t.ends_with('%') {
        Some(t)
    } else {
        Some(format!("{t}%"))
    }
}

/// The run config as TOML. `rules` is the rules file's path as it should be written (None: the defaults).
pub fn config_toml(ws: &Workspace, paths: Paths, rules: Option<&Path>) -> String {
    let s = &ws.settings;
    let mut t = Table::new();
    // Without a title of the user's, the report is titled by its municipalities (a config's default title
    // would be the temporary path the server stores it under).
    let title = if s.title.trim().is_empty() {
        ws.munis
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        s.title.clone()
    };
    if !title.is_empty() {
        t.insert("title".into(), Value::String(title));
    }
    t.insert("denominator".into(), Value::String(s.denominator.clone()));
    t.insert("numerator".into(), Value::String(s.numerator.clone()));
    if let Some(v) = target_value(&s.target) {
        t.insert("target_share".into(), Value::String(v));
    }
    t.insert("scope".into(), Value::String(s.scope.clone()));
    if let Some(y) = s.benchmark_year {
        t.insert("benchmark_year".into(), Value::Integer(y as i64));
    }
    if !s.highlight.is_empty() {
        t.insert("highlight".into(), Value::String(s.highlight.clone()));
    }
    if let Some(r) = rules {
        t.insert("rules".into(), Value::String(r.display().to_string()));
    }
    for (k, v) in &s.extra {
        let v = match (k.as_str(), v) {
            // A file the config names is looked up among the uploads by its name.
            ("allocation_keys", Value::String(name)) => {
                match ws.aux.iter().find(|u| &u.name == name) {
                    Some(u) if paths == Paths::Stored => {
                        Value::String(u.path.display().to_string())
                    }
                    _ => v.clone(),
                }
            }
            _ => v.clone(),
        };
        t.entry(k.clone()).or_insert(v);
    }
    let mut munis = Vec::new();
    for m in &ws.munis {
        let mut mt = Table::new();
        mt.insert("name".into(), Value::String(m.name.clone()));
        if let Some(y) = m.year {
            mt.insert("year".into(), Value::Integer(y as i64));
        }
        let ledgers: Vec<String> = m
            .files
            .iter()
            .map(|f| match paths {
                Paths::Stored => f.path.display().to_string(),
                Paths::Names => f.name.clone(),
            })
            .collect();
        mt.insert("ledgers".into(), list(&ledgers));
        mt.insert("central_it".into(), list(&m.central_it));
        if !m.internal_counterparts.is_empty() {
            mt.insert(
                "internal_counterparts".into(),
                list(&m.internal_counterparts),
            );
        }
        if !m.columns.is_empty() {
            let c: Table = m
                .columns
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            mt.insert("columns".into(), Value::Table(c));
        }
        if let Some(p) = m.population {
            mt.insert("population".into(), Value::Integer(p as i64));
        }
        for (k, v) in &m.extra {
            mt.entry(k.clone()).or_insert(v.clone());
        }
        munis.push(Value::Table(mt));
    }
    t.insert("municipality".into(), Value::Array(munis));
    let body = toml::to_string(&t).unwrap_or_default();
    format!(
        "# Written by itcost serve: `itcost run --config config.toml` reproduces the run{}.\n{body}",
        if paths == Paths::Names {
            " (put the ledgers beside this file)"
        } else {
            ""
        }
    )
}

/// One rule of the suspects form as a `[[rule]]` block.
pub fn rule_block(r: &OwnRule) -> String {
    let q = |s: &str| Value::String(s.to_string()).to_string();
    let mut o = String::from("[[rule]]\n");
    o.push_str(&format!("id = {}\n", q(&r.id)));
    o.push_str(&format!("why = {}\nwhy_sv = {}\n", q(&r.why), q(&r.why)));
    if !r.account.trim().is_empty() {
        o.push_str(&format!("account = {}\n", q(r.account.trim())));
    }
    if !r.keyword.trim().is_empty() {
        let field = match r.field.as_str() {
            "supplier" | "account_text" => r.field.as_str(),
            _ => "text",
        };
        o.push_str(&format!(
            "{field} = [{}]\n",
            q(&r.keyword.trim().to_lowercase())
        ));
    }
    o.push_str(&format!("pool = {}\nit = true\n", q(&r.pool)));
    o
}

/// The municipality's rules file: its own rules, tried first, on top of the base (the rules file uploaded with a
/// config, else the Kommun-Bas 13 defaults); None when there is neither (the run then uses the embedded
/// defaults).
///
/// Until the rules file can say `include = "builtin:kommun-bas-13"` (issue 14, item 4, on another branch), the
/// defaults are copied into the file with the own rules placed before the first default `[[rule]]` (first match
/// decides, so they are tried first). With `include`, this becomes the include line and the own rules only.
pub fn rules_toml(own: &[OwnRule], base: Option<&str>) -> Option<String> {
    if own.is_empty() {
        return base.map(str::to_string);
    }
    let mine: String = own.iter().map(|r| rule_block(r) + "\n").collect();
    let head = "# Rules made with itcost serve from the suspects form: tried first, before the base rules.\n";
    let (base, named) = match base {
        Some(b) => (b, "the rules file uploaded with the config"),
        None => (
            crate::rules::KOMMUN_BAS_13,
            "the embedded Kommun-Bas 13 defaults",
        ),
    };
    // The base's [[rule]] blocks follow the file's tables; the own rules go before the first of them.
    let at = base
        .match_indices("\n[[rule]]")
        .next()
        .map(|(i, _)| i + 1)
        .unwrap_or(base.len());
    Some(format!(
        "{head}# Base: {named} (itcost check shows the order).\n{}\n{mine}{}",
        &base[..at],
        &base[at..]
    ))
}
