//! UTC calendar dates of Unix times, for folder names, the log and the reports (no time-zone
//! database: every date the product shows is UTC, and says so).

/// UTC civil date and time of a Unix time: (year, month, day, hour, minute, second).
pub fn civil(unix: i64) -> (i64, i64, i64, i64, i64, i64) {
    // Days since the epoch to a civil date (Howard Hinnant's algorithm).
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// A folder name for a session started at a Unix time: `2026-11-24_18-30-05`.
pub fn stamp(unix: i64) -> String {
    let (y, m, d, h, mi, s) = civil(unix);
    format!("{y:04}-{m:02}-{d:02}_{h:02}-{mi:02}-{s:02}")
}

/// A date to the minute, as tables show it: `2026-11-24 18:30`.
pub fn minute(unix: i64) -> String {
    let (y, m, d, h, mi, _) = civil(unix);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}")
}

/// Unix time of a UTC civil date and time (the inverse of [`civil`]).
pub fn unix(y: i64, m: i64, d: i64, h: i64, mi: i64, s: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400 + h * 3600 + mi * 60 + s
}

/// An ISO 8601 date or date-time, as containers stamp it and people type it:
/// `2024-02-29`, `2024-02-29 12:34`, `2024-02-29T12:34:56.000000Z` (UTC; an offset such as
/// `+01:00` is applied). `None` for anything else, or a date outside years 1970–9999.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    let s = s.trim();
    let num =
        |t: &str| -> Option<i64> { t.bytes().all(|b| b.is_ascii_digit()).then(|| t.parse().ok()).flatten() };
    let (date, rest) = s.split_at(s.find(['T', ' ']).unwrap_or(s.len()));
    let mut dp = date.split('-');
    let (y, m, d) = (num(dp.next()?)?, num(dp.next()?)?, num(dp.next()?)?);
    if dp.next().is_some() || !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d)
    {
        return None;
    }
    let rest = rest.get(1..).unwrap_or("");
    // A zone: Z, or ±HH:MM after the time.
    let (time, offset) = match rest.rfind(['+', '-', 'Z']) {
        Some(i) => {
            let (t, z) = rest.split_at(i);
            let off = match z {
                "Z" => 0,
                _ => {
                    let sign = if z.starts_with('-') { -1 } else { 1 };
                    let mut hm = z[1..].split(':');
                    let (oh, om) = (num(hm.next()?)?, hm.next().map_or(Some(0), num)?);
                    sign * (oh * 3600 + om * 60)
                }
            };
            (t, off)
        }
        None => (rest, 0),
    };
    let (mut h, mut mi, mut sec) = (0, 0, 0);
    if !time.is_empty() {
        let mut tp = time.split(':');
        h = num(tp.next()?)?;
        mi = num(tp.next()?)?;
        if let Some(x) = tp.next() {
            sec = num(x.split('.').next()?)?;
        }
        if tp.next().is_some() || h > 23 || mi > 59 || sec > 60 {
            return None;
        }
    }
    Some(unix(y, m, d, h, mi, sec) - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_read_back() {
        assert_eq!(parse_iso8601("1970-01-01"), Some(0));
        assert_eq!(
            parse_iso8601("2024-02-29T12:34:56.000000Z").map(stamp).as_deref(),
            Some("2024-02-29_12-34-56")
        );
        assert_eq!(parse_iso8601("2024-02-29 12:34").map(stamp).as_deref(), Some("2024-02-29_12-34-00"));
        assert_eq!(
            parse_iso8601("2024-03-01T01:00:00+02:00").map(stamp).as_deref(),
            Some("2024-02-29_23-00-00")
        );
        for t in [0i64, 951_782_400, 1_709_210_096, 4_102_444_799] {
            let (y, m, d, h, mi, s) = civil(t);
            assert_eq!(unix(y, m, d, h, mi, s), t);
        }
        for bad in ["", "yesterday", "2024-13-01", "2024-02-29T25:00", "1900-01-01", "2024-02-29T12:34:56:01"]
        {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn civil_dates() {
        assert_eq!(stamp(0), "1970-01-01_00-00-00");
        // 2024-02-29 12:34:56 UTC: a leap day.
        assert_eq!(stamp(1_709_210_096), "2024-02-29_12-34-56");
        assert_eq!(minute(0), "1970-01-01 00:00");
        assert_eq!(minute(1_795_478_400), "2026-11-24 00:00");
        assert_eq!(minute(951_782_400 + 3_600), "2000-02-29 01:00");
        // Before the epoch.
        assert_eq!(stamp(-1), "1969-12-31_23-59-59");
    }
}
