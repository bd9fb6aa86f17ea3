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

#[cfg(test)]
mod tests {
    use super::*;

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
