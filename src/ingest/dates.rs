//! Dates and periods as exports write them: `YYYY-MM-DD`, `YYYYMMDD`, `YYYY/MM/DD`, periods `YYYYMM`, `YYYY-MM`.

/// Days since 1970-01-01 for a civil date (proleptic Gregorian), or None for an impossible date.
pub fn days_from_civil(y: i32, m: u32, d: u32) -> Option<i32> {
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe as i32 - 719_468)
}

/// The civil date (year, month, day) for days since 1970-01-01.
pub fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

/// A parsed date cell: the day (days since epoch) and its period `YYYYMM`.
pub fn parse_date(raw: &str) -> Result<Option<(i32, i32)>, String> {
    // Fast path: exactly YYYY-MM-DD or YYYYMMDD.
    let b = raw.as_bytes();
    let digit = |i: usize| b[i].wrapping_sub(b'0') as u32;
    let ymd = match b.len() {
        10 if b[4] == b'-'
            && b[7] == b'-'
            && [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&i| b[i].is_ascii_digit()) =>
        {
            Some((
                digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3),
                digit(5) * 10 + digit(6),
                digit(8) * 10 + digit(9),
            ))
        }
        8 if b.iter().all(u8::is_ascii_digit) => Some((
            digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3),
            digit(4) * 10 + digit(5),
            digit(6) * 10 + digit(7),
        )),
        _ => None,
    };
    if let Some((y, m, d)) = ymd {
        let y = y as i32;
        if let Some(days) = days_from_civil(y, m, d) {
            return Ok(Some((days, y * 100 + m as i32)));
        }
    }
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // Tolerate a time part ("2024-03-15 00:00:00", "2024-03-15T00:00").
    let s = s.split([' ', 'T']).next().unwrap_or(s);
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    let seps_ok = s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == '/' || c == '.');
    let bad = || format!("expected a date like 2024-03-15 or 20240315, found '{raw}'");
    if !seps_ok || digits.len() != 8 {
        return Err(bad());
    }
    // Year first only (ISO order); day-first dates are ambiguous with month-first and are refused.
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() == 3 && parts[0].len() != 4 {
        return Err(bad());
    }
    let y: i32 = digits[0..4].parse().map_err(|_| bad())?;
    let m: u32 = digits[4..6].parse().map_err(|_| bad())?;
    let d: u32 = digits[6..8].parse().map_err(|_| bad())?;
    let days = days_from_civil(y, m, d).ok_or_else(bad)?;
    Ok(Some((days, y * 100 + m as i32)))
}

/// A parsed period cell `YYYYMM`, `YYYY-MM` or `YYYY-MM-DD` (day ignored); returns `YYYYMM`.
pub fn parse_period(raw: &str) -> Result<Option<i32>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || format!("expected a period like 202403 or 2024-03, found '{raw}'");
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == '/')
    {
        return Err(bad());
    }
    let (y, m) = match (
        digits.len(),
        s.split(['-', '/']).collect::<Vec<_>>().as_slice(),
    ) {
        (6, _) | (8, _) => (
            digits[0..4].parse::<i32>().map_err(|_| bad())?,
            digits[4..6].parse::<u32>().map_err(|_| bad())?,
        ),
        (5, [y, m]) if y.len() == 4 => (
            y.parse::<i32>().map_err(|_| bad())?,
            m.parse::<u32>().map_err(|_| bad())?,
        ),
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok(Some(y * 100 + m as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-01").unwrap(), Some((0, 197001)));
        let (d, p) = parse_date("20240315").unwrap().unwrap();
        assert_eq!(p, 202403);
        assert_eq!(civil_from_days(d), (2024, 3, 15));
        assert_eq!(
            parse_date("2024/03/15 00:00:00").unwrap().unwrap().1,
            202403
        );
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("15.03.2024").is_err());
        assert!(parse_date("hello").is_err());
    }

    #[test]
    fn periods() {
        assert_eq!(parse_period("202403").unwrap(), Some(202403));
        assert_eq!(parse_period("2024-3").unwrap(), Some(202403));
        assert_eq!(parse_period("2024-03").unwrap(), Some(202403));
        assert!(parse_period("202413").is_err());
    }
}
