//! `itcost rules suggest`: rules proposed for the largest IT suspects of a run (lines that look like IT by a
//! `[suspect]` keyword but that no IT rule took), printed as TOML for a person to read, correct and paste into
//! their rules file. Nothing is applied: a suggestion is a guess from a keyword, and the person decides.
//!
//! One suggestion per suspect account or supplier whose name itself holds a suspect keyword, then per line-text
//! keyword, the largest first: what it matches (account, supplier or text keyword), the keyword that made it
//! a suspect, the likely pool (from the words of the account text, supplier or text: see [`likely_pool`]) and
//! the amount and lines of suspects it covers in the run.

use crate::aggregate::TopItem;
use crate::pipeline::RunResult;
use crate::rules::taxonomy::Pool;
use std::fmt::Write as _;

/// One proposed rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The rule id it would get (`own-account-6540`, `own-supplier-atea`, `own-text-licens`).
    pub id: String,
    /// What it matches on: `account`, `supplier` or `text`.
    pub by: &'static str,
    /// The account code, supplier name or text keyword it matches.
    pub value: String,
    /// A label: the account text, or the supplier or text as written.
    pub label: String,
    /// The `[suspect]` keyword that made the lines suspects.
    pub keyword: String,
    /// The likely pool.
    pub pool: Pool,
    /// The suspect amount it covers, in öre (all municipalities of the run).
    pub amount_ore: i64,
    /// The suspect lines it covers.
    pub lines: u64,
}

/// The likely pool of a suspect from its words: licences and software → Software; computers, servers, printers
/// → Hardware; telephony, mobile, network → Telecom; consultants → External Labor; otherwise Outside Services
/// (IT services bought). A guess for a person to check, never applied by itself.
pub fn likely_pool(text: &str) -> Pool {
    let t = text.to_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
    if has(&[
        "licens",
        "program",
        "mjukvar",
        "software",
        "saas",
        "system",
        "applikation",
    ]) {
        Pool::Software
    } else if has(&[
        "dator",
        "server",
        "skrivare",
        "hårdvar",
        "surfplatt",
        "ipad",
        "skärm",
        "lagring",
        "atea",
        "dustin",
    ]) {
        Pool::Hardware
    } else if has(&[
        "tele", "mobil", "bredband", "nätverk", "fiber", "växel", "datakom",
    ]) {
        Pool::Telecom
    } else if has(&["konsult"]) {
        Pool::ExternalLabor
    } else {
        Pool::OutsideServices
    }
}

/// A rule id part from free text: lower-case letters and digits, `-` between words, at most 30 characters.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(30).collect()
}

/// Adds `item` (of kind `by`) to the suggestions, merging the same rule across municipalities and texts.
fn add(out: &mut Vec<Suggestion>, r: &RunResult, by: &'static str, item: &TopItem) {
    let value = match by {
        "supplier" | "text" => item.key.trim().to_string(),
        _ => item.key.clone(),
    };
    let seen = format!("{} {}", item.key, item.label).to_lowercase();
    let keyword = r
        .rules
        .suspect
        .as_ref()
        .and_then(|m| m.first_hit(&seen))
        .unwrap_or_default();
    // An account or supplier is suggested only when its own name looks like IT: an account such as
    // "Förbrukningsinventarier" or a supplier such as an office-supplies firm holds suspects because of their
    // line texts, and a rule for the whole account or supplier would take every chair and pencil with them (the
    // text suggestions cover those lines).
    if keyword.is_empty() {
        return;
    }
    let (value, id) = match by {
        // A text rule matches a keyword, not a whole invoice text: the suspect keyword itself.
        "text" if !keyword.is_empty() => (keyword.clone(), format!("own-text-{}", slug(&keyword))),
        _ => (value.clone(), format!("own-{by}-{}", slug(&value))),
    };
    // The same account, supplier or keyword in several municipalities or texts: one rule, the amounts summed.
    if let Some(s) = out.iter_mut().find(|s| s.id == id) {
        s.amount_ore += item.amount.0;
        s.lines += item.lines;
        return;
    }
    out.push(Suggestion {
        id,
        by,
        value,
        label: if item.label.is_empty() {
            item.key.clone()
        } else {
            item.label.clone()
        },
        pool: likely_pool(&seen),
        keyword,
        amount_ore: item.amount.0,
        lines: item.lines,
    });
}

/// Rules for the largest suspects of the run, largest first: at most `top` of them.
pub fn suggestions(r: &RunResult, top: usize) -> Vec<Suggestion> {
    let mut out = Vec::new();
    for by in ["account", "supplier", "text"] {
        for m in &r.municipalities {
            let d = &m.unclassified_it_suspect_detail;
            let items = match by {
                "account" => &d.top_accounts,
                "supplier" => &d.top_suppliers,
                _ => &d.top_texts,
            };
            for item in items
                .iter()
                .filter(|i| i.amount.0 != 0 && !i.key.is_empty())
            {
                add(&mut out, r, by, item);
            }
        }
    }
    // Accounts first (the most precise rule a finance officer can check), then suppliers and texts; within a
    // kind, the largest amount first.
    out.sort_by(|a, b| {
        kind_rank(a.by)
            .cmp(&kind_rank(b.by))
            .then(b.amount_ore.abs().cmp(&a.amount_ore.abs()))
    });
    out.truncate(top);
    out
}

fn kind_rank(by: &str) -> u8 {
    match by {
        "account" => 0,
        "supplier" => 1,
        _ => 2,
    }
}

/// A TOML string literal.
fn lit(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The suggestions as TOML blocks to paste under the marker line of a rules file, each with a comment saying
/// what it covers.
pub fn to_toml(sugg: &[Suggestion], source: &str) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "# Rules suggested by `itcost rules suggest` for the largest IT suspects of {source}.\n\
         # Nothing is applied: read each one, correct the pool, delete what is not IT, and paste the ones you\n\
         # accept under the marker line of your rules file (`itcost rules init` writes one), then\n\
         # `itcost check YOUR-RULES.toml` and run again: the amounts move from \"not IT\" into IT."
    );
    if sugg.is_empty() {
        let _ = writeln!(
            o,
            "# No suspects: every line that looks like IT is taken by an IT rule."
        );
    }
    for s in sugg {
        let _ = writeln!(
            o,
            "\n# {} {}{}: {} kr in {} suspect line(s); suspect keyword '{}'; likely pool {}",
            s.by,
            s.value,
            if s.label == s.value {
                String::new()
            } else {
                format!(" ({})", s.label)
            },
            crate::money::format_kr(s.amount_ore),
            s.lines,
            s.keyword,
            s.pool.name()
        );
        let why = format!(
            "{} {}: looks like IT (keyword '{}'); suggested by itcost rules suggest, pool checked by a person",
            s.by, s.label, s.keyword
        );
        let _ = writeln!(o, "[[rule]]\nid = {}\nwhy = {}", lit(&s.id), lit(&why));
        let _ = writeln!(o, "{} = {}", s.by, lit(&s.value));
        let _ = writeln!(o, "pool = {}\nit = true", lit(s.pool.name()));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_guessed_from_the_words() {
        assert_eq!(likely_pool("Licenser Microsoft"), Pool::Software);
        assert_eq!(likely_pool("Datorer Dustin"), Pool::Hardware);
        assert_eq!(likely_pool("Mobiltelefoni"), Pool::Telecom);
        assert_eq!(likely_pool("IT-konsulter"), Pool::ExternalLabor);
        assert_eq!(likely_pool("IT-tjänster"), Pool::OutsideServices);
        assert_eq!(slug("IT-tjänster Åmål AB"), "it-tjänster-åmål-ab");
    }
}
