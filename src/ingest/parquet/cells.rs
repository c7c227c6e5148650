//! One Arrow column of a row group turned into what a ledger line needs: coded values as ids into a table of
//! distinct values (a dictionary column's own indices; other columns interned), amounts in öre, periods and dates.
//!
//! Amounts: text is read as CSV text is ([`parse_ore`]: `-1 234,56`, `1234.56` …); a decimal column to the öre
//! (more than two decimals must be zeros); whole numbers are kronor; a float is rounded to the nearest öre and
//! refused unless it lies within 1e-6 öre (or 16 units in the last place, for amounts beyond a million kronor) of
//! that whole öre, and beyond ±2^53 öre, where a float no longer holds every öre.

use super::super::dates::{civil_from_days, parse_date, parse_period};
use super::layout::timestamp_days;
use crate::money::parse_ore;
use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use polars::prelude::PlHashMap;
use std::borrow::Cow;

/// A posting date: (days since 1970-01-01, period `YYYYMM`).
pub type DayPeriod = (i32, i32);

/// A problem in one row: (row within the batch, message without the location).
pub type CellError = (usize, String);

/// Whether a column is a code (kept as written) or free text (today also kept as written; the place where a
/// free-text field is reduced to what the rules can see).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Account, cost centre, supplier …: the value, trimmed.
    Code,
    /// Line or voucher text.
    Text,
}

/// What one distinct value contributes to the key (computed once per dictionary value).
fn contribution(kind: Kind, s: &str) -> Cow<'_, str> {
    match kind {
        Kind::Code | Kind::Text => Cow::Borrowed(s.trim()),
    }
}

/// A column as ids: `ids[row]` indexes `values` (`""` for a null).
pub struct Coded<'a> {
    /// Each row's id.
    pub ids: Vec<u32>,
    /// Each id's contribution to the key.
    pub values: Vec<Cow<'a, str>>,
}

impl<'a> Coded<'a> {
    /// An absent column: every row `""`.
    pub fn empty(rows: usize) -> Self {
        Coded {
            ids: vec![0; rows],
            values: vec![Cow::Borrowed("")],
        }
    }

    /// Reads a text or whole-number column. Dictionary columns use their own indices (each dictionary value's
    /// contribution computed once); other columns are interned row by row.
    pub fn of(col: &'a ArrayRef, kind: Kind) -> Coded<'a> {
        match col.data_type() {
            DataType::Dictionary(k, _) if **k == DataType::Int32 => {
                let d = col.as_dictionary::<Int32Type>();
                let values = d.values();
                let mut table: Vec<Cow<'a, str>> = Vec::with_capacity(values.len() + 1);
                match values.data_type() {
                    DataType::Utf8 => {
                        let s = values.as_string::<i32>();
                        for i in 0..s.len() {
                            table.push(contribution(
                                kind,
                                if s.is_null(i) { "" } else { s.value(i) },
                            ));
                        }
                    }
                    _ => {
                        // Not produced by our read schema; read through the general path.
                        return Self::interned(col, kind);
                    }
                }
                let null_id = table.len() as u32;
                table.push(Cow::Borrowed(""));
                let keys = d.keys();
                let ids = match keys.nulls() {
                    None => keys.values().iter().map(|&k| k as u32).collect(),
                    Some(n) => keys
                        .values()
                        .iter()
                        .zip(n.iter())
                        .map(|(&k, valid)| if valid { k as u32 } else { null_id })
                        .collect(),
                };
                Coded { ids, values: table }
            }
            _ => Self::interned(col, kind),
        }
    }

    /// Reads a free-text column with one id per row (a row equal to the row before shares its id), without a
    /// hash per row: for a plain column of mostly distinct texts, whose every value is looked at anyway. A
    /// dictionary or non-text column is read as [`Coded::of`] reads it.
    pub fn rows(col: &'a ArrayRef) -> Coded<'a> {
        macro_rules! strings {
            ($arr:expr) => {{
                let a = $arr;
                let n = a.len();
                let mut ids = Vec::with_capacity(n);
                let mut values: Vec<Cow<'a, str>> = Vec::with_capacity(n);
                let mut prev: Option<&'a str> = None;
                for i in 0..n {
                    let s: &'a str = if a.is_null(i) { "" } else { a.value(i) };
                    if prev != Some(s) {
                        values.push(contribution(Kind::Text, s));
                        prev = Some(s);
                    }
                    ids.push((values.len() - 1) as u32);
                }
                Coded { ids, values }
            }};
        }
        match col.data_type() {
            DataType::Utf8View => strings!(col.as_string_view()),
            DataType::Utf8 => strings!(col.as_string::<i32>()),
            DataType::LargeUtf8 => strings!(col.as_string::<i64>()),
            _ => Self::of(col, Kind::Text),
        }
    }

    fn interned(col: &'a ArrayRef, kind: Kind) -> Coded<'a> {
        let n = col.len();
        let mut ids = Vec::with_capacity(n);
        let mut values: Vec<Cow<'a, str>> = Vec::new();
        let mut seen: PlHashMap<&'a str, u32> = PlHashMap::default();
        let mut intern = |s: &'a str, ids: &mut Vec<u32>| {
            let id = *seen.entry(s).or_insert_with(|| {
                values.push(contribution(kind, s));
                (values.len() - 1) as u32
            });
            ids.push(id);
        };
        macro_rules! strings {
            ($arr:expr) => {{
                let a = $arr;
                for i in 0..n {
                    intern(if a.is_null(i) { "" } else { a.value(i) }, &mut ids);
                }
            }};
        }
        match col.data_type() {
            DataType::Utf8View => strings!(col.as_string_view()),
            DataType::Utf8 => strings!(col.as_string::<i32>()),
            DataType::LargeUtf8 => strings!(col.as_string::<i64>()),
            DataType::Dictionary(..) => {
                // Any other dictionary: cast to text first.
                match arrow_cast_to_strings(col) {
                    Some(v) => {
                        let mut owned: PlHashMap<String, u32> = PlHashMap::default();
                        let mut vals: Vec<Cow<'a, str>> = Vec::new();
                        for s in v {
                            let next = vals.len() as u32;
                            let id = *owned.entry(s.clone()).or_insert(next);
                            if id == next {
                                vals.push(Cow::Owned(contribution(kind, &s).into_owned()));
                            }
                            ids.push(id);
                        }
                        return Coded { ids, values: vals };
                    }
                    None => return Coded::empty(n),
                }
            }
            t if t.is_integer() => {
                let v = integers(col);
                let mut seen: PlHashMap<Option<i128>, u32> = PlHashMap::default();
                for x in v {
                    let id = *seen.entry(x).or_insert_with(|| {
                        values.push(Cow::Owned(x.map(|x| x.to_string()).unwrap_or_default()));
                        (values.len() - 1) as u32
                    });
                    ids.push(id);
                }
            }
            _ => return Coded::empty(n),
        }
        Coded { ids, values }
    }
}

/// A dictionary column of another key or value type as strings (rare: only when a file's own Arrow types ask).
fn arrow_cast_to_strings(col: &ArrayRef) -> Option<Vec<String>> {
    let DataType::Dictionary(k, _) = col.data_type() else {
        return None;
    };
    macro_rules! with_key {
        ($t:ty) => {{
            let d = col.as_dictionary::<$t>();
            let vals = strings_of(d.values())?;
            let keys = d.keys();
            Some(
                (0..keys.len())
                    .map(|i| {
                        if keys.is_null(i) {
                            String::new()
                        } else {
                            vals.get(keys.value(i) as usize)
                                .cloned()
                                .unwrap_or_default()
                        }
                    })
                    .collect(),
            )
        }};
    }
    match **k {
        DataType::Int8 => with_key!(Int8Type),
        DataType::Int16 => with_key!(Int16Type),
        DataType::Int32 => with_key!(Int32Type),
        DataType::Int64 => with_key!(Int64Type),
        DataType::UInt8 => with_key!(UInt8Type),
        DataType::UInt16 => with_key!(UInt16Type),
        DataType::UInt32 => with_key!(UInt32Type),
        DataType::UInt64 => with_key!(UInt64Type),
        _ => None,
    }
}

fn strings_of(a: &ArrayRef) -> Option<Vec<String>> {
    let n = a.len();
    let get = |f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>();
    Some(match a.data_type() {
        DataType::Utf8 => {
            let s = a.as_string::<i32>();
            get(&|i| s.value(i).to_string())
        }
        DataType::LargeUtf8 => {
            let s = a.as_string::<i64>();
            get(&|i| s.value(i).to_string())
        }
        DataType::Utf8View => {
            let s = a.as_string_view();
            get(&|i| s.value(i).to_string())
        }
        t if t.is_integer() => integers(a)
            .into_iter()
            .map(|x| x.map(|x| x.to_string()).unwrap_or_default())
            .collect(),
        _ => return None,
    })
}

/// A whole-number column's values (None for nulls).
pub fn integers(col: &ArrayRef) -> Vec<Option<i128>> {
    macro_rules! ints {
        ($t:ty) => {{
            let a = col.as_primitive::<$t>();
            (0..a.len())
                .map(|i| (!a.is_null(i)).then(|| a.value(i) as i128))
                .collect()
        }};
    }
    match col.data_type() {
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => ints!(UInt64Type),
        _ => vec![None; col.len()],
    }
}

/// Text cells of a column read as text (`Utf8View`, `Utf8`, a dictionary): calls `f(row, text)` for each
/// non-null row, once per dictionary value through `cache` when the column is a dictionary.
fn each_text<T: Clone>(
    col: &ArrayRef,
    mut parse: impl FnMut(&str) -> T,
    mut put: impl FnMut(usize, T) -> Result<(), CellError>,
) -> Result<(), CellError> {
    match col.data_type() {
        DataType::Dictionary(k, v) if **k == DataType::Int32 && **v == DataType::Utf8 => {
            let d = col.as_dictionary::<Int32Type>();
            let vals = d.values().as_string::<i32>();
            let parsed: Vec<T> = (0..vals.len()).map(|i| parse(vals.value(i))).collect();
            let keys = d.keys();
            for r in 0..keys.len() {
                if keys.is_valid(r) {
                    if let Some(p) = parsed.get(keys.value(r) as usize) {
                        put(r, p.clone())?;
                    }
                }
            }
        }
        _ => {
            let c = Coded::of(col, Kind::Code);
            let parsed: Vec<T> = c.values.iter().map(|s| parse(s)).collect();
            for (r, &id) in c.ids.iter().enumerate() {
                if col.is_valid(r) {
                    put(r, parsed[id as usize].clone())?;
                }
            }
        }
    }
    Ok(())
}

fn floats_to_ore(v: f64) -> Result<i64, String> {
    if !v.is_finite() {
        return Err(format!("expected an amount, found {v}"));
    }
    let x = v * 100.0;
    let n = x.round();
    if n.abs() >= 9_007_199_254_740_992.0 {
        return Err(format!(
            "expected an amount, found {v}: too large to be exact as a float (store amounts as decimals)"
        ));
    }
    let tol = 1e-6f64.max(x.abs() * 16.0 * f64::EPSILON);
    if (x - n).abs() > tol {
        return Err(format!(
            "expected an amount in whole öre, found the float {v} (exact money is kept to the öre; \
             store amounts as DECIMAL(18,2))"
        ));
    }
    Ok(n as i64)
}

fn decimal_to_ore(v: i128, scale: i8) -> Result<i64, String> {
    let too_large = || format!("amount {v}e-{scale} is too large");
    let ore = if scale <= 2 {
        10i128
            .checked_pow((2 - scale as i32) as u32)
            .and_then(|m| v.checked_mul(m))
            .ok_or_else(too_large)?
    } else {
        let d = 10i128
            .checked_pow((scale as i32 - 2) as u32)
            .ok_or_else(too_large)?;
        if v % d != 0 {
            return Err(format!(
                "amount {} has more than two decimals (exact money is kept to the öre)",
                decimal_text(v, scale)
            ));
        }
        v / d
    };
    i64::try_from(ore).map_err(|_| too_large())
}

fn decimal_text(v: i128, scale: i8) -> String {
    if scale <= 0 {
        return v.to_string();
    }
    let s = v.unsigned_abs().to_string();
    let scale = scale as usize;
    let s = format!("{s:0>width$}", width = scale + 1);
    let (a, b) = s.split_at(s.len() - scale);
    format!("{}{a}.{b}", if v < 0 { "-" } else { "" })
}

/// The amounts of a column in öre (None for nulls): text, decimal, float or whole kronor. `ore` for itcost's
/// `amount_ore` (whole numbers are öre, not kronor).
pub fn amounts(col: &ArrayRef, ore: bool) -> Result<Vec<Option<i64>>, CellError> {
    let n = col.len();
    let mut out: Vec<Option<i64>> = vec![None; n];
    macro_rules! decimals {
        ($t:ty, $scale:expr) => {{
            let a = col.as_primitive::<$t>();
            for r in 0..n {
                if a.is_valid(r) {
                    out[r] =
                        Some(decimal_to_ore(i128::from(a.value(r)), $scale).map_err(|e| (r, e))?);
                }
            }
        }};
    }
    match col.data_type() {
        DataType::Int64 if ore => {
            let a = col.as_primitive::<Int64Type>();
            for (r, o) in out.iter_mut().enumerate() {
                if a.is_valid(r) {
                    *o = Some(a.value(r));
                }
            }
        }
        t if t.is_integer() => {
            let m = if ore { 1 } else { 100 };
            for (r, v) in integers(col).into_iter().enumerate() {
                if let Some(v) = v {
                    out[r] = Some(
                        v.checked_mul(m)
                            .and_then(|x| i64::try_from(x).ok())
                            .ok_or_else(|| (r, format!("amount {v} is too large")))?,
                    );
                }
            }
        }
        DataType::Float64 => {
            let a = col.as_primitive::<Float64Type>();
            for (r, o) in out.iter_mut().enumerate() {
                if a.is_valid(r) {
                    *o = Some(floats_to_ore(a.value(r)).map_err(|e| (r, e))?);
                }
            }
        }
        DataType::Float32 => {
            let a = col.as_primitive::<Float32Type>();
            for (r, o) in out.iter_mut().enumerate() {
                if a.is_valid(r) {
                    // The float32 nearest to a decimal, printed shortest, is that decimal.
                    let v: f64 = a.value(r).to_string().parse().unwrap_or(f64::NAN);
                    *o = Some(floats_to_ore(v).map_err(|e| (r, e))?);
                }
            }
        }
        DataType::Float16 => {
            let a = col.as_primitive::<Float16Type>();
            for (r, o) in out.iter_mut().enumerate() {
                if a.is_valid(r) {
                    let v: f64 = a.value(r).to_string().parse().unwrap_or(f64::NAN);
                    *o = Some(floats_to_ore(v).map_err(|e| (r, e))?);
                }
            }
        }
        DataType::Decimal32(_, s) => decimals!(Decimal32Type, *s),
        DataType::Decimal64(_, s) => decimals!(Decimal64Type, *s),
        DataType::Decimal128(_, s) => decimals!(Decimal128Type, *s),
        DataType::Decimal256(_, s) => {
            let s = *s;
            let a = col.as_primitive::<Decimal256Type>();
            for (r, o) in out.iter_mut().enumerate() {
                if a.is_valid(r) {
                    let v = a
                        .value(r)
                        .to_i128()
                        .ok_or_else(|| (r, "amount is too large".to_string()))?;
                    *o = Some(decimal_to_ore(v, s).map_err(|e| (r, e))?);
                }
            }
        }
        _ => {
            let out_ref = &mut out;
            each_text(
                col,
                |s| parse_ore(s).map_err(|e| e.to_string()),
                |r, v| {
                    out_ref[r] = v.map_err(|e| (r, e))?;
                    Ok(())
                },
            )?;
        }
    }
    Ok(out)
}

/// Dates as (days since 1970-01-01, period `YYYYMM`), None for nulls and empty text.
pub fn dates(col: &ArrayRef) -> Result<Vec<Option<DayPeriod>>, CellError> {
    let n = col.len();
    let mut out = vec![None; n];
    let of_days = |d: i32| {
        let (y, m, _) = civil_from_days(d);
        (d, y * 100 + m as i32)
    };
    match col.data_type() {
        DataType::Date32 => {
            let a = col.as_primitive::<Date32Type>();
            let mut last: Option<(i32, i32)> = None;
            for (r, o) in out.iter_mut().enumerate() {
                if a.is_valid(r) {
                    let d = a.value(r);
                    let v = match last {
                        Some(l) if l.0 == d => l,
                        _ => of_days(d),
                    };
                    last = Some(v);
                    *o = Some(v);
                }
            }
        }
        DataType::Date64 => {
            let a = col.as_primitive::<Date64Type>();
            for (r, o) in out.iter_mut().enumerate() {
                if a.is_valid(r) {
                    *o = Some(of_days(a.value(r).div_euclid(86_400_000) as i32));
                }
            }
        }
        DataType::Timestamp(unit, _) => {
            let unit = *unit;
            let vals: Vec<Option<i64>> = match unit {
                arrow_schema::TimeUnit::Second => prim::<TimestampSecondType>(col),
                arrow_schema::TimeUnit::Millisecond => prim::<TimestampMillisecondType>(col),
                arrow_schema::TimeUnit::Microsecond => prim::<TimestampMicrosecondType>(col),
                arrow_schema::TimeUnit::Nanosecond => prim::<TimestampNanosecondType>(col),
            };
            for (o, v) in out.iter_mut().zip(vals) {
                *o = v.map(|v| of_days(timestamp_days(v, &unit)));
            }
        }
        t if t.is_integer() => {
            for (r, v) in integers(col).into_iter().enumerate() {
                if let Some(v) = v {
                    out[r] = parse_date(&v.to_string()).map_err(|e| (r, e))?;
                }
            }
        }
        _ => {
            let out_ref = &mut out;
            each_text(col, parse_date, |r, v| {
                out_ref[r] = v.map_err(|e| (r, e))?;
                Ok(())
            })?;
        }
    }
    Ok(out)
}

fn prim<T: ArrowPrimitiveType<Native = i64>>(col: &ArrayRef) -> Vec<Option<i64>> {
    let a = col.as_primitive::<T>();
    (0..a.len())
        .map(|i| (!a.is_null(i)).then(|| a.value(i)))
        .collect()
}

/// Periods `YYYYMM` (from `YYYYMM` numbers or text like 2024-03; a date column gives its month).
pub fn periods(col: &ArrayRef) -> Result<Vec<Option<i32>>, CellError> {
    match col.data_type() {
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(..) => {
            Ok(dates(col)?.into_iter().map(|d| d.map(|d| d.1)).collect())
        }
        t if t.is_integer() => {
            let mut out = Vec::with_capacity(col.len());
            let mut last: Option<(i128, i32)> = None;
            for (r, v) in integers(col).into_iter().enumerate() {
                out.push(match v {
                    None => None,
                    Some(v) if last.is_some_and(|l| l.0 == v) => last.map(|l| l.1),
                    Some(v) => {
                        let p = parse_period(&v.to_string()).map_err(|e| (r, e))?;
                        if let Some(p) = p {
                            last = Some((v, p));
                        }
                        p
                    }
                });
            }
            Ok(out)
        }
        _ => {
            let mut out = vec![None; col.len()];
            let out_ref = &mut out;
            each_text(col, parse_period, |r, v| {
                out_ref[r] = v.map_err(|e| (r, e))?;
                Ok(())
            })?;
            Ok(out)
        }
    }
}

/// The first non-empty text of a column (the canonical `municipality`).
pub fn first_text(col: &ArrayRef) -> Option<String> {
    let c = Coded::of(col, Kind::Code);
    c.ids
        .iter()
        .map(|&i| &c.values[i as usize])
        .find(|s| !s.is_empty())
        .map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_round_to_the_ore_or_are_refused() {
        assert_eq!(floats_to_ore(1234.56), Ok(123_456));
        assert_eq!(floats_to_ore(-0.1 - 0.2), Ok(-30));
        assert_eq!(floats_to_ore(12_345_678_901.23), Ok(1_234_567_890_123));
        assert!(floats_to_ore(1.005).is_err());
        assert!(floats_to_ore(f64::NAN).is_err());
        assert!(floats_to_ore(1e17).is_err());
    }

    #[test]
    fn decimals_keep_the_ore() {
        assert_eq!(decimal_to_ore(123_456, 2), Ok(123_456));
        assert_eq!(decimal_to_ore(-5, 0), Ok(-500));
        assert_eq!(decimal_to_ore(1_234_500, 4), Ok(12_345));
        let e = decimal_to_ore(1_234_567, 4).unwrap_err();
        assert!(e.contains("123.4567 has more than two decimals"), "{e}");
        assert_eq!(decimal_text(-5, 3), "-0.005");
    }
}
