//! Timestamps as the Python tools write and read them: ISO 8601 with `Z`, an offset, or none
//! (naive = UTC), optional fractions (nanoseconds accepted, kept to microseconds like Python),
//! and date-only values. The one ISO 8601 parser of the crate: [`IsoTime::parse`]; the one
//! writer: [`IsoTime::format`] (also the serde form, as the 3.1+ session stores its times).

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::Offset;
use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;

/// Parse an ISO 8601 timestamp to an instant; `None` when it is not one.
pub fn parse(text: &str) -> Option<Timestamp> {
    IsoTime::parse(text).map(|t| t.ts)
}

/// A timestamp as Python's `datetime`: an instant with its original UTC offset (or naive),
/// microsecond precision.
#[derive(Debug, Clone, Copy)]
pub struct IsoTime {
    /// The instant (naive times are taken as UTC).
    pub ts: Timestamp,
    /// Offset in seconds; `None` for a naive time.
    pub offset: Option<i32>,
}

impl PartialEq for IsoTime {
    fn eq(&self, other: &Self) -> bool {
        self.ts == other.ts
    }
}

impl Eq for IsoTime {}

impl PartialOrd for IsoTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.ts.cmp(&other.ts))
    }
}

impl IsoTime {
    /// `ts` as an aware UTC time (microseconds kept, as Python's `datetime`): written
    /// `2026-11-25T09:52:48+00:00`, or `...:48.250000+00:00` when there are microseconds.
    pub fn utc(ts: Timestamp) -> IsoTime {
        IsoTime {
            ts: Timestamp::from_microsecond(ts.as_microsecond()).unwrap_or(ts),
            offset: Some(0),
        }
    }

    /// Parse like `datetime.fromisoformat(s.replace("Z", "+00:00"))`: offsets kept, naive and
    /// date-only values accepted, fractions beyond microseconds truncated. Never panics.
    pub fn parse(text: &str) -> Option<IsoTime> {
        let text = text.trim();
        if text.is_empty() || text.len() > 64 {
            return None;
        }
        let t_pos = text.find(['T', 't', ' ']);
        let offset = match t_pos {
            Some(t) => parse_offset(&text[t..]),
            None => None,
        };
        let ts = if offset.is_some() {
            text.replace(' ', "T").parse::<Timestamp>().ok()?
        } else if t_pos.is_some() {
            let dt = text.replace(' ', "T").parse::<DateTime>().ok()?;
            Offset::UTC.to_timestamp(dt).ok()?
        } else {
            let d = text.parse::<Date>().ok()?;
            Offset::UTC
                .to_timestamp(d.to_datetime(Time::midnight()))
                .ok()?
        };
        let micros = ts.as_microsecond();
        let ts = Timestamp::from_microsecond(micros).ok()?;
        Some(IsoTime { ts, offset })
    }

    /// Python `isoformat()`: `2026-11-24T01:44:13.730866+00:00` (no fraction when zero).
    pub fn format(&self) -> String {
        let off = self.offset.unwrap_or(0);
        let local = self.ts.as_microsecond() + i64::from(off) * 1_000_000;
        let Ok(shifted) = Timestamp::from_microsecond(local) else {
            return String::new();
        };
        let dt = Offset::UTC.to_datetime(shifted);
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            dt.year(),
            dt.month(),
            dt.day(),
            dt.hour(),
            dt.minute(),
            dt.second()
        );
        let micros = local.rem_euclid(1_000_000);
        if micros != 0 {
            out.push_str(&format!(".{micros:06}"));
        }
        if let Some(off) = self.offset {
            let sign = if off < 0 { '-' } else { '+' };
            let a = off.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", a / 3600, (a % 3600) / 60));
            if a % 60 != 0 {
                out.push_str(&format!(":{:02}", a % 60));
            }
        }
        out
    }

    /// The UTC date of the day before this instant, for `bd list --updated-after`: bd reads a
    /// date as local midnight, so a day's margin covers every time zone (rows listed twice are
    /// merged as unchanged; a row never listed would be lost).
    pub fn day_before(&self) -> String {
        let date = Offset::UTC.to_datetime(self.ts).date();
        date.yesterday().unwrap_or(date).to_string()
    }
}

/// Written as [`IsoTime::format`] writes it.
impl Serialize for IsoTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.format())
    }
}

/// Read as [`IsoTime::parse`] reads it, as a UTC time ([`IsoTime::utc`]): `Z`, offsets and
/// naive values are written back with `+00:00`.
impl<'de> Deserialize<'de> for IsoTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IsoTime, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text)
            .map(IsoTime::utc)
            .ok_or_else(|| serde::de::Error::custom(format!("not a timestamp: '{text}'")))
    }
}

/// `±HH:MM[:SS]` or `Z` at the end of the time part, in seconds.
fn parse_offset(time_part: &str) -> Option<i32> {
    if time_part.ends_with(['Z', 'z']) {
        return Some(0);
    }
    let idx = time_part.rfind(['+', '-'])?;
    let sign = if time_part.as_bytes()[idx] == b'-' {
        -1
    } else {
        1
    };
    let digits = &time_part[idx + 1..];
    if !digits.is_ascii() {
        return None;
    }
    let parts: Vec<&str> = digits.split(':').collect();
    let num = |s: &str| s.parse::<i32>().ok().filter(|_| s.len() == 2);
    let (h, m, s) = match parts.as_slice() {
        [hm] if hm.len() == 4 => (num(&hm[..2])?, num(&hm[2..])?, 0),
        [h] => (num(h)?, 0, 0),
        [h, m] => (num(h)?, num(m)?, 0),
        [h, m, s] => (num(h)?, num(m)?, num(s.get(..2).unwrap_or(s))?),
        _ => return None,
    };
    Some(sign * (h * 3600 + m * 60 + s))
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
    fn iso_times_round_trip_like_python() {
        for (input, want) in [
            (
                "2026-11-24T01:44:13.730866+00:00",
                "2026-11-24T01:44:13.730866+00:00",
            ),
            (
                "2026-03-05T10:00:00.123456789Z",
                "2026-03-05T10:00:00.123456+00:00",
            ),
            ("2026-03-05T11:00:00Z", "2026-03-05T11:00:00+00:00"),
            ("2026-03-05T12:30:00+05:30", "2026-03-05T12:30:00+05:30"),
            ("2026-03-05T12:30:00-08:00", "2026-03-05T12:30:00-08:00"),
            ("2026-03-05T12:30:00", "2026-03-05T12:30:00"),
            ("2026-03-05", "2026-03-05T00:00:00"),
        ] {
            assert_eq!(
                IsoTime::parse(input).map(|t| t.format()).as_deref(),
                Some(want),
                "{input}"
            );
        }
        assert_eq!(
            IsoTime::parse("2026-03-05T12:30:00+05:30"),
            IsoTime::parse("2026-03-05T07:00:00Z")
        );
        for bad in [
            "",
            "yesterday",
            "2026-02-30",
            "T",
            "2026-03-05T25:00:00Z",
            "2026-01-01T00:00:00+01:02:ü",
            "2026-01-01T00:00+0é",
        ] {
            assert!(IsoTime::parse(bad).is_none(), "{bad}");
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
