//! SIE (the Swedish accounting exchange format, types 1–4) into the canonical ledger.
//!
//! - Type 4 (`#VER` with `#TRANS`): one ledger line per effective transaction row. `#RTRANS` (an added row) is
//!   taken and the identical `#TRANS` after it skipped; `#BTRANS` (a removed row) is ignored; each voucher must sum
//!   to zero, otherwise it is reported with file, line and difference (an error with `--strict`).
//! - Types 1–3 (balances): read as an aggregated ledger. Per account and period, `#PSALDO` of the current year
//!   gives the amount: rows with exactly one dimension-1 object become lines on that cost centre, and whatever the
//!   object-less total (`{}`) holds beyond them becomes a line without cost centre, so the totals are kept exactly.
//!   Accounts without `#PSALDO` take `#RES` (result accounts) or `#UB − #IB` (balance accounts) for the year.
//! - Dimension 1 is the cost centre, 6 the project, 9 the supplier (its `#OBJEKT` name when given); other
//!   dimensions go to the `object` column as `dim=object` pairs, named in the report by `#DIM`/`#UNDERDIM`.
//! - Encoding: CP437 as `#FORMAT PC8` declares; a file that is valid UTF-8 is read as UTF-8, with a warning.

use super::ledger::{LedgerBuilder, LineValues};
use crate::error::{Error, Result};
use crate::money::parse_ore;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// CP437 code points for bytes 0x80–0xFF.
const CP437_HIGH: [char; 128] = [
    'Ç', 'ü', 'é', 'â', 'ä', 'à', 'å', 'ç', 'ê', 'ë', 'è', 'ï', 'î', 'ì', 'Ä', 'Å', 'É', 'æ', 'Æ',
    'ô', 'ö', 'ò', 'û', 'ù', 'ÿ', 'Ö', 'Ü', '¢', '£', '¥', '₧', 'ƒ', 'á', 'í', 'ó', 'ú', 'ñ', 'Ñ',
    'ª', 'º', '¿', '⌐', '¬', '½', '¼', '¡', '«', '»', '░', '▒', '▓', '│', '┤', '╡', '╢', '╖', '╕',
    '╣', '║', '╗', '╝', '╜', '╛', '┐', '└', '┴', '┬', '├', '─', '┼', '╞', '╟', '╚', '╔', '╩', '╦',
    '╠', '═', '╬', '╧', '╨', '╤', '╥', '╙', '╘', '╒', '╓', '╫', '╪', '┘', '┌', '█', '▄', '▌', '▐',
    '▀', 'α', 'ß', 'Γ', 'π', 'Σ', 'σ', 'µ', 'τ', 'Φ', 'Θ', 'Ω', 'δ', '∞', 'φ', 'ε', '∩', '≡', '±',
    '≥', '≤', '⌠', '⌡', '÷', '≈', '°', '∙', '·', '√', 'ⁿ', '²', '■', '\u{a0}',
];

/// Decodes CP437 bytes.
pub fn decode_cp437(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                b as char
            } else {
                CP437_HIGH[(b - 0x80) as usize]
            }
        })
        .collect()
}

/// True when the bytes look like a SIE file (a `#` label in the first non-blank line, `#FLAGGA`/`#SIETYP` early).
pub fn looks_like_sie(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    first.starts_with("#FLAGGA")
        || first.starts_with("#PROGRAM")
        || first.starts_with("#FORMAT")
        || first.starts_with("#SIETYP")
}

/// What the SIE reader found, beyond the lines.
#[derive(Debug, Clone, Default)]
pub struct SieInfo {
    /// `#SIETYP` (1–4).
    pub sie_type: u8,
    /// What that type is.
    pub kind: &'static str,
    /// `#FNAMN`.
    pub organisation: String,
    /// `#ORGNR`.
    pub orgnr: String,
    /// `#PROGRAM`.
    pub program: String,
    /// Fiscal year from `#RAR 0` (the year of its end date).
    pub fiscal_year: Option<i32>,
    /// Dimension names from `#DIM` / `#UNDERDIM`.
    pub dimensions: BTreeMap<String, String>,
    /// Vouchers read.
    pub vouchers: usize,
    /// Problems that did not stop reading (encoding, unbalanced vouchers in lenient mode).
    pub warnings: Vec<String>,
}

/// Splits a SIE record line into tokens: quoted strings (with `\"`), `{`/`}` and bare words.
fn tokens(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '{' || c == '}' {
            out.push(c.to_string());
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            while let Some(ch) = chars.next() {
                match ch {
                    '\\' if chars.peek() == Some(&'"') => {
                        s.push('"');
                        chars.next();
                    }
                    '"' => break,
                    _ => s.push(ch),
                }
            }
            out.push(s);
        } else {
            let mut s = String::new();
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() || ch == '{' || ch == '}' || ch == '"' {
                    break;
                }
                s.push(ch);
                chars.next();
            }
            out.push(s);
        }
    }
    out
}

/// Splits tokens after the label into (fields before the object list, object pairs, fields after it).
fn with_objects(t: &[String], at: usize) -> (Vec<(String, String)>, &[String]) {
    if t.get(at).map(String::as_str) != Some("{") {
        return (Vec::new(), t.get(at..).unwrap_or(&[]));
    }
    let end = t[at..]
        .iter()
        .position(|x| x == "}")
        .map(|p| at + p)
        .unwrap_or(t.len());
    let inner = &t[at + 1..end];
    let pairs = inner
        .chunks(2)
        .filter(|c| c.len() == 2)
        .map(|c| (c[0].clone(), c[1].clone()))
        .collect();
    (pairs, t.get(end + 1..).unwrap_or(&[]))
}

fn sie_date(s: &str) -> Option<(i32, i32)> {
    super::dates::parse_date(s).ok().flatten()
}

/// An open `#VER` block: where it starts, its `series-number`, date and text.
struct OpenVoucher {
    line: usize,
    id: String,
    date: Option<(i32, i32)>,
    text: String,
}

/// A `#PSALDO` row of the current year.
struct PeriodBalance {
    line: usize,
    account: String,
    period: i32,
    objects: Vec<(String, String)>,
    amount: i64,
}

/// The `#PSALDO` rows of one account and period: the object-less total, the rows of single dimension-1 objects
/// (line, cost centre, amount) and other breakdowns (line, dimensions, amount).
#[derive(Default)]
struct PeriodRows {
    total: Option<(usize, i64)>,
    cost_centres: Vec<(usize, String, i64)>,
    other: Vec<(usize, String, i64)>,
}

/// One effective transaction row.
struct Trans {
    line: usize,
    account: String,
    objects: Vec<(String, String)>,
    amount: i64,
    date: Option<(i32, i32)>,
    text: String,
}

/// Reads a SIE file into `builder`; returns what it found and the sum of the lines, in öre.
pub fn read(
    path: &Path,
    strict: bool,
    lenient: bool,
    builder: &mut LedgerBuilder,
) -> Result<(SieInfo, i64, Vec<super::Reject>)> {
    let mut rejects: Vec<super::Reject> = Vec::new();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let shown = path.display().to_string();
    let mut info = SieInfo::default();
    let text = match std::str::from_utf8(&bytes) {
        Ok(s) if !s.is_ascii() => {
            info.warnings.push(format!(
                "{shown}: declared PC8 (CP437) but the file is valid UTF-8: read as UTF-8"
            ));
            s.to_string()
        }
        Ok(s) => s.to_string(),
        Err(_) => decode_cp437(&bytes),
    };
    if text.contains('\u{fffd}') || text.contains("∩┐╜") {
        info.warnings.push(format!("{shown}: the file contains replacement characters (names were damaged before export); amounts are unaffected"));
    }
    let mut accounts: HashMap<String, String> = HashMap::new();
    let mut object_names: HashMap<(String, String), String> = HashMap::new();
    let mut sum = 0i64;
    // Voucher state.
    let mut in_ver: Option<OpenVoucher> = None;
    let mut ver_rows: Vec<Trans> = Vec::new();
    let mut skip_next_trans = false;
    let mut pending: Vec<(Trans, String, String)> = Vec::new(); // (row, voucher id, voucher text)
                                                                // Balance records: (account, period or 0, objects) → amount
    let mut psaldo: Vec<PeriodBalance> = Vec::new();
    let mut res: Vec<(usize, String, i64)> = Vec::new();
    let mut ib: HashMap<String, i64> = HashMap::new();
    let mut ub: Vec<(usize, String, i64)> = Vec::new();

    let bad = |line: usize, what: &str, found: &str| {
        Error::input(format!("{shown}:{line}: {what}, found '{found}'"))
    };
    let amount_of = |line: usize, s: Option<&String>| -> Result<i64> {
        let s = s.map(String::as_str).unwrap_or("");
        match parse_ore(s) {
            Ok(Some(v)) => Ok(v),
            _ => Err(bad(line, "expected an amount like -1234.50", s)),
        }
    };

    // In lenient mode a money line (#TRANS, #PSALDO) that cannot be read is set aside as a reject and reading goes
    // on; otherwise it stops the run.
    macro_rules! or_reject {
        ($e:expr, $raw:expr, $line:expr, $amount:expr) => {
            match $e {
                Ok(v) => v,
                Err(e) if lenient => {
                    let prefix = format!("{shown}:{}: ", $line);
                    rejects.push(super::Reject {
                        file: shown.clone(),
                        line: $line,
                        raw: $raw.to_string(),
                        reason: e
                            .message
                            .strip_prefix(&prefix)
                            .unwrap_or(&e.message)
                            .to_string(),
                        amount_ore: $amount,
                    });
                    continue;
                }
                Err(e) => return Err(e),
            }
        };
    }

    for (idx, raw) in text.lines().enumerate() {
        let line = idx + 1;
        let t = tokens(raw.trim());
        let Some(label) = t.first() else { continue };
        match label.to_ascii_uppercase().as_str() {
            "#SIETYP" => info.sie_type = t.get(1).and_then(|s| s.parse().ok()).unwrap_or(0),
            "#FNAMN" => info.organisation = t.get(1).cloned().unwrap_or_default(),
            "#ORGNR" => info.orgnr = t.get(1).cloned().unwrap_or_default(),
            "#PROGRAM" => info.program = t[1..].join(" "),
            "#RAR" if t.get(1).map(String::as_str) == Some("0") => {
                info.fiscal_year = t
                    .get(3)
                    .and_then(|d| d.get(..4))
                    .and_then(|y| y.parse().ok());
            }
            "#KONTO" => {
                if let (Some(a), Some(n)) = (t.get(1), t.get(2)) {
                    accounts.insert(a.clone(), n.trim().to_string());
                }
            }
            "#DIM" => {
                if let (Some(d), Some(n)) = (t.get(1), t.get(2)) {
                    info.dimensions.insert(d.clone(), n.clone());
                }
            }
            "#UNDERDIM" => {
                if let (Some(d), Some(n)) = (t.get(1), t.get(2)) {
                    info.dimensions.insert(
                        d.clone(),
                        format!("{n} (under {})", t.get(3).cloned().unwrap_or_default()),
                    );
                }
            }
            "#OBJEKT" => {
                if let (Some(d), Some(o), Some(n)) = (t.get(1), t.get(2), t.get(3)) {
                    object_names.insert((d.clone(), o.clone()), n.clone());
                }
            }
            "#VER" => {
                let id = format!(
                    "{}-{}",
                    t.get(1).cloned().unwrap_or_default(),
                    t.get(2).cloned().unwrap_or_default()
                );
                let date = t.get(3).and_then(|d| sie_date(d));
                in_ver = Some(OpenVoucher {
                    line,
                    id,
                    date,
                    text: t.get(4).cloned().unwrap_or_default(),
                });
                ver_rows.clear();
                skip_next_trans = false;
            }
            "#TRANS" | "#RTRANS" | "#BTRANS" => {
                let vdate = or_reject!(
                    match &in_ver {
                        Some(OpenVoucher { date, .. }) => Ok(*date),
                        None => Err(bad(
                            line,
                            "expected #TRANS only inside a #VER { … } block",
                            label,
                        )),
                    },
                    raw,
                    line,
                    {
                        let (_, rest) = with_objects(&t, 2);
                        rest.first().and_then(|a| parse_ore(a).ok().flatten())
                    }
                );
                let upper = label.to_ascii_uppercase();
                if upper == "#BTRANS" {
                    continue; // a removed row: not part of the voucher
                }
                if upper == "#TRANS" && skip_next_trans {
                    skip_next_trans = false;
                    continue; // the copy that follows an #RTRANS
                }
                skip_next_trans = upper == "#RTRANS";
                let (objects, rest) = with_objects(&t, 2);
                let account = or_reject!(
                    t.get(1)
                        .filter(|a| !a.is_empty())
                        .cloned()
                        .ok_or_else(|| bad(line, "expected an account after #TRANS", "")),
                    raw,
                    line,
                    rest.first().and_then(|a| parse_ore(a).ok().flatten())
                );
                let amount = or_reject!(amount_of(line, rest.first()), raw, line, None);
                let date = rest
                    .get(1)
                    .filter(|d| !d.is_empty())
                    .and_then(|d| sie_date(d))
                    .or(vdate);
                let text = rest.get(2).cloned().unwrap_or_default();
                ver_rows.push(Trans {
                    line,
                    account,
                    objects,
                    amount,
                    date,
                    text,
                });
            }
            "}" => {
                if let Some(OpenVoucher {
                    line: vline,
                    id,
                    text: vtext,
                    ..
                }) = in_ver.take()
                {
                    info.vouchers += 1;
                    let diff: i64 = ver_rows.iter().map(|r| r.amount).sum();
                    if diff != 0 {
                        let msg = format!(
                            "{shown}:{vline}: voucher {id} does not balance: its rows sum to {} (expected 0)",
                            crate::money::format_plain(diff)
                        );
                        if strict {
                            return Err(Error::input(msg));
                        }
                        info.warnings.push(msg);
                    }
                    for r in ver_rows.drain(..) {
                        pending.push((r, id.clone(), vtext.clone()));
                    }
                }
            }
            "#PSALDO" if t.get(1).map(String::as_str) == Some("0") => {
                let account = t.get(3).cloned().unwrap_or_default();
                let (objects, rest) = with_objects(&t, 4);
                let period: i32 = or_reject!(
                    t.get(2).and_then(|p| p.parse().ok()).ok_or_else(|| {
                        bad(
                            line,
                            "expected a period YYYYMM",
                            t.get(2).map(String::as_str).unwrap_or(""),
                        )
                    }),
                    raw,
                    line,
                    rest.first().and_then(|a| parse_ore(a).ok().flatten())
                );
                let amount = or_reject!(amount_of(line, rest.first()), raw, line, None);
                psaldo.push(PeriodBalance {
                    line,
                    account,
                    period,
                    objects,
                    amount,
                });
            }
            "#RES" if t.get(1).map(String::as_str) == Some("0") => {
                res.push((
                    line,
                    t.get(2).cloned().unwrap_or_default(),
                    amount_of(line, t.get(3))?,
                ));
            }
            "#IB" if t.get(1).map(String::as_str) == Some("0") => {
                ib.insert(
                    t.get(2).cloned().unwrap_or_default(),
                    amount_of(line, t.get(3))?,
                );
            }
            "#UB" if t.get(1).map(String::as_str) == Some("0") => {
                ub.push((
                    line,
                    t.get(2).cloned().unwrap_or_default(),
                    amount_of(line, t.get(3))?,
                ));
            }
            _ => {}
        }
    }
    if in_ver.is_some() {
        return Err(Error::input(format!(
            "{shown}: the file ends inside a #VER block (expected a closing }})"
        )));
    }
    let name_of =
        |accounts: &HashMap<String, String>, a: &str| accounts.get(a).cloned().unwrap_or_default();
    let obj = |objects: &[(String, String)], dim: &str| {
        objects
            .iter()
            .find(|(d, _)| d == dim)
            .map(|(_, o)| o.clone())
            .unwrap_or_default()
    };
    let others = |objects: &[(String, String)]| {
        objects
            .iter()
            .filter(|(d, _)| !["1", "6", "9"].contains(&d.as_str()))
            .map(|(d, o)| format!("{d}={o}"))
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut push = |b: &mut LedgerBuilder,
                    line: usize,
                    account: &str,
                    objects: &[(String, String)],
                    amount: i64,
                    date: Option<(i32, i32)>,
                    period: Option<i32>,
                    text: &str,
                    voucher: &str| {
        let supplier_code = obj(objects, "9");
        let supplier = object_names
            .get(&("9".to_string(), supplier_code.clone()))
            .cloned()
            .unwrap_or(supplier_code);
        let account_text = name_of(&accounts, account);
        let cost_centre = obj(objects, "1");
        let project = obj(objects, "6");
        let other = others(objects);
        b.push(&LineValues {
            text: [
                account,
                &account_text,
                &cost_centre,
                "",
                "",
                "",
                &project,
                &other,
                "",
                &supplier,
                text,
                voucher,
            ],
            line: line as u32,
            date: date.map(|d| d.0),
            period: date.map(|d| d.1).or(period),
            amount_ore: amount,
        });
        sum += amount;
    };
    if !pending.is_empty() || info.sie_type == 4 {
        info.kind = "SIE 4 (transactions)";
        for (r, id, vtext) in &pending {
            let text = if r.text.is_empty() {
                vtext.as_str()
            } else {
                r.text.as_str()
            };
            push(
                builder, r.line, &r.account, &r.objects, r.amount, r.date, None, text, id,
            );
        }
    } else {
        info.kind = match info.sie_type {
            1 => "SIE 1 (year balances)",
            2 => "SIE 2 (period balances)",
            3 => "SIE 3 (balances per object)",
            _ => "SIE (balances)",
        };
        // Per account and period: dimension-1 rows plus the remainder of the object-less total.
        let mut by_key: BTreeMap<(String, i32), PeriodRows> = BTreeMap::new();
        let mut warnings: Vec<String> = Vec::new();
        for PeriodBalance {
            line,
            account,
            period,
            objects,
            amount,
        } in &psaldo
        {
            let e = by_key.entry((account.clone(), *period)).or_default();
            if objects.is_empty() {
                e.total = Some((*line, *amount));
            } else if objects.len() == 1 && objects[0].0 == "1" {
                e.cost_centres.push((*line, objects[0].1.clone(), *amount));
            } else {
                // Other breakdowns, keyed by their dimensions ("7", or "1;7" for combinations).
                let dims = objects
                    .iter()
                    .map(|(d, _)| d.as_str())
                    .collect::<Vec<_>>()
                    .join(";");
                e.other.push((*line, dims, *amount));
            }
        }
        let with_psaldo: std::collections::HashSet<String> =
            by_key.keys().map(|(a, _)| a.clone()).collect();
        for (
            (account, period),
            PeriodRows {
                total,
                cost_centres: cc_rows,
                other,
            },
        ) in &by_key
        {
            let p = Some(*period);
            let mut covered = 0i64;
            for (line, cc, amount) in cc_rows {
                push(
                    builder,
                    *line,
                    account,
                    &[("1".to_string(), cc.clone())],
                    *amount,
                    None,
                    p,
                    "",
                    "",
                );
                covered += amount;
            }
            match total {
                Some((line, t)) if *t != covered => {
                    push(builder, *line, account, &[], t - covered, None, p, "", "")
                }
                None if cc_rows.is_empty() => {
                    // No total and no cost-centre rows: take the single-object rows of the lowest dimension
                    // (finer combinations are subsets of them) and say so.
                    let singles: Vec<&(usize, String, i64)> =
                        other.iter().filter(|x| !x.1.contains(';')).collect();
                    let dim = singles.iter().map(|x| x.1.clone()).min();
                    let chosen: Vec<&&(usize, String, i64)> = singles
                        .iter()
                        .filter(|x| Some(&x.1) == dim.as_ref())
                        .collect();
                    let s: i64 = chosen.iter().map(|x| x.2).sum();
                    let line = chosen.first().map(|x| x.0).unwrap_or(0);
                    warnings.push(format!(
                        "{shown}:{line}: account {account} period {period}: no object-less #PSALDO total; used the rows of dimension {}",
                        dim.unwrap_or_default()
                    ));
                    push(builder, line, account, &[], s, None, p, "", "");
                }
                _ => {}
            }
        }
        info.warnings.extend(warnings);
        let year_period = info.fiscal_year.map(|y| y * 100 + 12);
        for (line, account, amount) in &res {
            if !with_psaldo.contains(account) {
                push(
                    builder,
                    *line,
                    account,
                    &[],
                    *amount,
                    None,
                    year_period,
                    "",
                    "",
                );
            }
        }
        for (line, account, amount) in &ub {
            if !with_psaldo.contains(account) {
                let movement = amount - ib.get(account).copied().unwrap_or(0);
                push(
                    builder,
                    *line,
                    account,
                    &[],
                    movement,
                    None,
                    year_period,
                    "",
                    "",
                );
            }
        }
    }
    Ok((info, sum, rejects))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_quotes_and_object_lists() {
        let t =
            tokens(r#"#TRANS 3051 {1 "2" 10 "12"} -301050.00 20100107 "Svenska \"Mässan\"" """#);
        assert_eq!(
            t,
            vec![
                "#TRANS",
                "3051",
                "{",
                "1",
                "2",
                "10",
                "12",
                "}",
                "-301050.00",
                "20100107",
                "Svenska \"Mässan\"",
                ""
            ]
        );
        let (objs, rest) = with_objects(&t, 2);
        assert_eq!(
            objs,
            vec![("1".into(), "2".into()), ("10".into(), "12".into())]
        );
        assert_eq!(rest[0], "-301050.00");
        let t = tokens("#TRANS 1910 {} -195.00");
        let (objs, rest) = with_objects(&t, 2);
        assert!(objs.is_empty());
        assert_eq!(rest, &["-195.00".to_string()]);
    }

    #[test]
    fn cp437() {
        assert_eq!(decode_cp437(b"\x99vningsf\x94retaget"), "Övningsföretaget");
    }
}
