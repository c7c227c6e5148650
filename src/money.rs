//! Exact money: amounts are integer öre (1 kr = 100 öre), parsed from the many ways Swedish exports write them.

use std::fmt::Write as _;

/// An amount in öre: every figure from the reader to the renderer (the JSON contract writes it as kronor, see
/// `report::json`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kr(pub i64);

impl std::ops::AddAssign<i64> for Kr {
    fn add_assign(&mut self, rhs: i64) {
        self.0 += rhs;
    }
}

impl std::ops::AddAssign<Kr> for Kr {
    fn add_assign(&mut self, rhs: Kr) {
        self.0 += rhs.0;
    }
}

/// Fraction a / b (öre over öre), None when b is zero: every share of the report is made here.
pub fn share(a: i64, b: i64) -> Option<f64> {
    (b != 0).then(|| a as f64 / b as f64)
}

/// Why a text could not be read as an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmountError(pub String);

impl std::fmt::Display for AmountError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses an amount into öre.
///
/// Accepts `-1 234 567,89` (space, NBSP or narrow NBSP thousands, decimal comma), `1234.56`, `1,234.56`,
/// `1.234,56`, a trailing minus (`500-`), parentheses for negatives (`(500)`), a leading `+`, and integers.
/// A separator that occurs several times (`1.234.567`) groups thousands; with both kinds, the last is the decimal
/// one; a lone separator is decimal. At most two decimals;
/// further decimals must be zeros (exact money never rounds). An empty field is `Ok(None)`.
pub fn parse_ore(raw: &str) -> Result<Option<i64>, AmountError> {
    if let Some(v) = parse_ore_plain(raw.as_bytes()) {
        return Ok(Some(v));
    }
    parse_ore_general(raw)
}

/// The common shapes, without allocating: `-?d[d ]*([,.]d{1,2})?` (spaces or NBSP between digits, at most 15
/// digits). Anything else returns None and goes through [`parse_ore_general`], which gives the same value for
/// these shapes (a property test checks it).
fn parse_ore_plain(b: &[u8]) -> Option<i64> {
    let (neg, mut i) = match b.first() {
        Some(b'-') => (true, 1),
        _ => (false, 0),
    };
    let mut int: i64 = 0;
    let mut n_digits = 0;
    while i < b.len() {
        match b[i] {
            c @ b'0'..=b'9' => {
                int = int * 10 + (c - b'0') as i64;
                n_digits += 1;
                i += 1;
            }
            b' ' if n_digits > 0 && i + 1 < b.len() && b[i + 1].is_ascii_digit() => i += 1,
            0xC2 if n_digits > 0
                && b.get(i + 1) == Some(&0xA0)
                && b.get(i + 2).is_some_and(u8::is_ascii_digit) =>
            {
                i += 2
            }
            b',' | b'.' => break,
            _ => return None,
        }
        if n_digits > 15 {
            return None;
        }
    }
    if n_digits == 0 {
        return None;
    }
    let frac = if i < b.len() {
        let rest = &b[i + 1..];
        match rest {
            [d] if d.is_ascii_digit() => ((d - b'0') as i64) * 10,
            [d1, d2] if d1.is_ascii_digit() && d2.is_ascii_digit() => {
                ((d1 - b'0') as i64) * 10 + (d2 - b'0') as i64
            }
            _ => return None,
        }
    } else {
        0
    };
    let v = int * 100 + frac;
    Some(if neg { -v } else { v })
}

fn parse_ore_general(raw: &str) -> Result<Option<i64>, AmountError> {
    let s = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}');
    if s.is_empty() {
        return Ok(None);
    }
    let mut neg = false;
    let mut body: &str = s;
    if body.starts_with('(') && body.ends_with(')') && body.len() >= 2 {
        neg = true;
        body = &body[1..body.len() - 1];
    }
    body = body.trim();
    if let Some(rest) = body
        .strip_prefix('-')
        .or_else(|| body.strip_prefix('\u{2212}'))
    {
        neg = !neg;
        body = rest.trim_start();
    } else if let Some(rest) = body.strip_prefix('+') {
        body = rest.trim_start();
    } else if let Some(rest) = body.strip_suffix('-') {
        neg = !neg;
        body = rest.trim_end();
    }
    // Drop currency suffixes commonly seen in exports.
    for suffix in ["kr", "SEK", ":-"] {
        if let Some(rest) = body.strip_suffix(suffix) {
            body = rest.trim_end();
        }
    }
    let mut digits = String::with_capacity(body.len());
    let mut seps: Vec<(usize, char)> = Vec::new(); // (position in `digits`, separator)
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ',' | '.' => seps.push((digits.len(), c)),
            ' ' | '\u{a0}' | '\u{202f}' | '\'' => {
                if digits.is_empty() {
                    return Err(AmountError(format!("expected an amount, found '{raw}'")));
                }
            }
            _ => {
                return Err(AmountError(format!(
                    "expected an amount like -1 234,56, found '{raw}'"
                )))
            }
        }
    }
    if digits.is_empty() {
        return Err(AmountError(format!(
            "expected an amount like -1 234,56, found '{raw}'"
        )));
    }
    // Decide which separator (if any) is the decimal one.
    let decimal_at: Option<usize> = match seps.as_slice() {
        [] => None,
        _ => {
            let last = seps[seps.len() - 1];
            let same_kind = seps.iter().all(|&(_, c)| c == last.1);
            if same_kind && seps.len() > 1 {
                // 1.234.567 or 1,234,567: thousands only, in groups of exactly three digits.
                let mut at = 0;
                for &(p, _) in &seps {
                    if (at == 0 && !(1..=3).contains(&p)) || (at > 0 && p - at != 3) {
                        return Err(AmountError(format!(
                            "expected an amount like -1 234,56, found '{raw}' (thousands come in groups of three)"
                        )));
                    }
                    at = p;
                }
                if digits.len() - at != 3 {
                    return Err(AmountError(format!(
                        "expected an amount like -1 234,56, found '{raw}' (thousands come in groups of three)"
                    )));
                }
                None
            } else if same_kind {
                // One separator: decimal unless it groups exactly three digits after a 1-3 digit lead.
                // A lone separator is decimal: "1,234" is then three decimals and refused as ambiguous
                // unless the third is zero, rather than silently read as 1 234 kr.
                Some(last.0)
            } else {
                // Mixed: the last separator is the decimal one; the others must be the other kind.
                if seps[..seps.len() - 1].iter().any(|&(_, c)| c == last.1) {
                    return Err(AmountError(format!(
                        "ambiguous separators in amount '{raw}'"
                    )));
                }
                Some(last.0)
            }
        }
    };
    let (int_part, frac_part) = match decimal_at {
        Some(p) => (&digits[..p], &digits[p..]),
        None => (&digits[..], ""),
    };
    let frac_trimmed = if frac_part.len() > 2 {
        if frac_part[2..].bytes().any(|b| b != b'0') {
            return Err(AmountError(format!(
                "amount '{raw}' has more than two decimals (exact money is kept to the öre)"
            )));
        }
        &frac_part[..2]
    } else {
        frac_part
    };
    let int_val: i64 = if int_part.is_empty() {
        0
    } else {
        int_part
            .parse::<i64>()
            .map_err(|_| AmountError(format!("amount '{raw}' is too large")))?
    };
    let frac_val: i64 = match frac_trimmed.len() {
        0 => 0,
        1 => frac_trimmed.parse::<i64>().unwrap_or(0) * 10,
        _ => frac_trimmed.parse::<i64>().unwrap_or(0),
    };
    let ore = int_val
        .checked_mul(100)
        .and_then(|v| v.checked_add(frac_val))
        .ok_or_else(|| AmountError(format!("amount '{raw}' is too large")))?;
    Ok(Some(if neg { -ore } else { ore }))
}

/// Formats öre as Swedish kronor with a space as thousands separator and two decimals: `-1 234 567,89`.
pub fn format_sv(ore: i64) -> String {
    let neg = ore < 0;
    let abs = ore.unsigned_abs();
    let kr = abs / 100;
    let rest = abs % 100;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&group_thousands(kr));
    let _ = write!(out, ",{rest:02}");
    out
}

/// Formats öre as whole kronor with thousands separators, rounding half away from zero: `12 496 743`.
pub fn format_kr(ore: i64) -> String {
    let kr = round_div(ore as i128, 100) as i64;
    let mut out = String::new();
    if kr < 0 {
        out.push('-');
    }
    out.push_str(&group_thousands(kr.unsigned_abs()));
    out
}

/// Formats öre as a plain decimal with a point and two decimals: `-1234567.89` (for CSV outputs).
pub fn format_plain(ore: i64) -> String {
    let neg = ore < 0;
    let abs = ore.unsigned_abs();
    format!(
        "{}{}.{:02}",
        if neg { "-" } else { "" },
        abs / 100,
        abs % 100
    )
}

/// Kronor as an `f64` for JSON output (exact to the öre for any amount below 90 000 billion kr).
pub fn ore_to_kr_f64(ore: i64) -> f64 {
    ore as f64 / 100.0
}

fn group_thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Integer division rounding half away from zero.
pub fn round_div(num: i128, den: i128) -> i128 {
    if den == 0 {
        return 0;
    }
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den.abs() {
        if (num < 0) != (den < 0) {
            q - 1
        } else {
            q + 1
        }
    } else {
        q
    }
}

/// A share as parts per million, read from `0.025`, `"2.5%"` or `"2,5 %"`; exact (no float in the arithmetic).
pub fn parse_share_ppm(raw: &str) -> Result<i64, AmountError> {
    let t = raw.trim();
    let (num, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let micro = parse_fixed(num, 6).ok_or_else(|| {
        AmountError(format!(
            "expected a share like 2.5% or 0.025, found '{raw}'"
        ))
    })?;
    Ok(if percent { micro / 100 } else { micro })
}

/// Parses a plain decimal (point or comma) into an integer scaled by 10^scale, exact; None if more decimals.
pub fn parse_fixed(raw: &str, scale: u32) -> Option<i64> {
    let t = raw.trim().replace(',', ".");
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t),
    };
    let (i, f) = match t.split_once('.') {
        Some((i, f)) => (i.to_string(), f.to_string()),
        None => (t.clone(), String::new()),
    };
    if i.is_empty() && f.is_empty() {
        return None;
    }
    if !i.bytes().all(|b| b.is_ascii_digit()) || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let f_trim = f.trim_end_matches('0');
    if f_trim.len() > scale as usize {
        return None;
    }
    let mut v: i64 = if i.is_empty() { 0 } else { i.parse().ok()? };
    v = v.checked_mul(10i64.pow(scale))?;
    if !f_trim.is_empty() {
        let fv: i64 = f_trim.parse().ok()?;
        v = v.checked_add(fv * 10i64.pow(scale - f_trim.len() as u32))?;
    }
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_formats() {
        assert_eq!(parse_ore("-1 234 567,89").unwrap(), Some(-123456789));
        assert_eq!(parse_ore("1\u{a0}234,5").unwrap(), Some(123450));
        assert_eq!(parse_ore("1234.56").unwrap(), Some(123456));
        assert_eq!(parse_ore("1,234.56").unwrap(), Some(123456));
        assert_eq!(parse_ore("1.234,56").unwrap(), Some(123456));
        assert_eq!(parse_ore("1.234.567").unwrap(), Some(123456700));
        assert_eq!(parse_ore("(500)").unwrap(), Some(-50000));
        assert_eq!(parse_ore("500-").unwrap(), Some(-50000));
        assert_eq!(parse_ore("0,10").unwrap(), Some(10));
        assert_eq!(parse_ore("12").unwrap(), Some(1200));
        assert_eq!(parse_ore("").unwrap(), None);
        assert_eq!(parse_ore("1,230").unwrap(), Some(123));
        assert!(parse_ore("1,234").is_err());
        assert!(parse_ore("abc").is_err());
        assert!(parse_ore("#REF!").is_err());
        assert!(parse_ore("1.005").is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(format_sv(-123456789), "-1 234 567,89");
        assert_eq!(format_kr(1249674300), "12 496 743");
        assert_eq!(format_kr(50), "1");
        assert_eq!(format_plain(-5), "-0.05");
    }

    #[test]
    fn shares() {
        assert_eq!(parse_share_ppm("2.5%").unwrap(), 25_000);
        assert_eq!(parse_share_ppm("0.025").unwrap(), 25_000);
        assert_eq!(parse_share_ppm("2,5 %").unwrap(), 25_000);
    }
}

/// Splits `total` öre over `weights` in proportion, exactly: floors each part, then gives the remaining öre to the
/// largest remainders (ties: the earlier weight). The parts always sum to `total` (all zero when the weights do).
pub fn allocate(total: i64, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|&w| w.max(0) as i128).sum();
    if sum == 0 {
        return vec![0; weights.len()];
    }
    let mut parts: Vec<i64> = Vec::with_capacity(weights.len());
    let mut rems: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let num = total as i128 * w.max(0) as i128;
        let q = num.div_euclid(sum);
        parts.push(q as i64);
        rems.push((num.rem_euclid(sum), i));
    }
    let mut left = total - parts.iter().sum::<i64>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems.iter().cycle() {
        if left <= 0 {
            break;
        }
        parts[*i] += 1;
        left -= 1;
    }
    parts
}

#[cfg(test)]
mod allocate_tests {
    use super::allocate;

    #[test]
    fn parts_sum_to_the_total() {
        assert_eq!(allocate(100, &[1, 1, 1]), vec![34, 33, 33]);
        assert_eq!(allocate(-100, &[1, 1, 1]).iter().sum::<i64>(), -100);
        assert_eq!(allocate(1_000_001, &[3, 0, 7]), vec![300_000, 0, 700_001]);
        assert_eq!(allocate(5, &[0, 0]), vec![0, 0]);
    }
}

#[cfg(test)]
mod plain_tests {
    use super::{parse_ore_general, parse_ore_plain};

    #[test]
    fn the_fast_path_agrees_with_the_general_parser() {
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "5",
            "12,5",
            "12.50",
            "-1 234 567,89",
            "1\u{a0}234,00",
            "999999999999999",
            "1 2",
            "7,05",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut x: u64 = 88172645463325252;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let ore = (x % 10_000_000_000) as i64 * if x & 1 == 0 { 1 } else { -1 };
            cases.push(crate::money::format_sv(ore));
            cases.push(crate::money::format_plain(ore));
        }
        for c in &cases {
            let fast = parse_ore_plain(c.as_bytes());
            let general = parse_ore_general(c).ok().flatten();
            assert!(fast.is_some(), "{c} takes the fast path");
            assert_eq!(fast, general, "{c}");
        }
        for odd in [
            "(500)", "500-", "+5", " 5", "1,234", "1.234,56", "12 kr", "", "-", "1,2,3",
        ] {
            assert_eq!(
                parse_ore_plain(odd.as_bytes()),
                None,
                "{odd} goes the general way"
            );
        }
    }
}
