//! Timestamps as the Python tools write and read them: ISO 8601 with `Z`, an offset, or none
//! (naive = UTC), optional fractions (nanoseconds accepted), and date-only values.

use jiff::civil::{Date, DateTime};
use jiff::tz::Offset;
use jiff::Timestamp;

/// Parse an ISO 8601 timestamp; `None` when it is not one.
pub fn parse(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Some(ts);
    }
    if let Ok(dt) = text.replace(' ', "T").parse::<DateTime>() {
        return Offset::UTC.to_timestamp(dt).ok();
    }
    let date = text.parse::<Date>().ok()?;
    Offset::UTC
        .to_timestamp(date.to_datetime(jiff::civil::Time::midnight()))
        .ok()
}

/// `2026-11-24T10:00:00+00:00`: Python's `datetime.isoformat()` for a whole-second UTC time.
pub fn format_utc(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S+00:00").to_string()
}

/// "14m", "6d 23h", "45s": a short human duration for `seconds` (never negative).
pub fn human_duration(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3_600, (s % 3_600) / 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_forms_python_writes() {
        let want = parse("2026-11-24T10:00:00Z").expect("Z");
        for form in [
            "2026-11-24T10:00:00+00:00",
            "2026-11-24T11:00:00+01:00",
            "2026-11-24T10:00:00",
            "2026-11-24 10:00:00",
            " 2026-11-24T10:00:00.000000+00:00 ",
            "2026-11-24T10:00:00.000000000Z",
        ] {
            assert_eq!(parse(form), Some(want), "{form}");
        }
        assert_eq!(parse("2026-11-24"), parse("2026-11-24T00:00:00Z"));
        for bad in ["", "soon", "2026-13-01T00:00:00Z", "12345"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_like_python_isoformat() {
        let ts = parse("2026-11-24T10:00:00.5Z").expect("ts");
        assert_eq!(format_utc(ts), "2026-11-24T10:00:00+00:00");
    }

    #[test]
    fn human_durations() {
        assert_eq!(human_duration(-5), "0s");
        assert_eq!(human_duration(59), "59s");
        assert_eq!(human_duration(14 * 60 + 3), "14m");
        assert_eq!(human_duration(3 * 3600 + 60), "3h 1m");
        assert_eq!(human_duration(6 * 86_400 + 23 * 3600), "6d 23h");
    }
}
