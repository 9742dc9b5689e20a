//! `X-Amz-Date` parsing and formatting, and the clock-skew and expiry windows.
//!
//! Parsing is by hand and exact (`YYYYMMDDTHHMMSSZ`, 16 ASCII characters) so that no
//! lenient date parser can accept two spellings of one signed value.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::error::AuthError;

fn bad_date(value: &str) -> AuthError {
    AuthError::incomplete(format!(
        "Date must be in ISO-8601 'basic format'. Got '{value}'. See http://en.wikipedia.org/wiki/ISO_8601"
    ))
}

fn digits(s: &[u8]) -> Option<u32> {
    let mut n: u32 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    Some(n)
}

/// Parses `YYYYMMDDTHHMMSSZ` as UTC.
pub(crate) fn parse_amz_date(value: &str) -> Result<OffsetDateTime, AuthError> {
    let b = value.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return Err(bad_date(value));
    }
    let field = |r: std::ops::Range<usize>| digits(&b[r]).ok_or_else(|| bad_date(value));
    let year = i32::try_from(field(0..4)?).map_err(|_| bad_date(value))?;
    let month = u8::try_from(field(4..6)?).map_err(|_| bad_date(value))?;
    let day = u8::try_from(field(6..8)?).map_err(|_| bad_date(value))?;
    let hour = u8::try_from(field(9..11)?).map_err(|_| bad_date(value))?;
    let minute = u8::try_from(field(11..13)?).map_err(|_| bad_date(value))?;
    let second = u8::try_from(field(13..15)?).map_err(|_| bad_date(value))?;
    let month = Month::try_from(month).map_err(|_| bad_date(value))?;
    let date = Date::from_calendar_date(year, month, day).map_err(|_| bad_date(value))?;
    let time = Time::from_hms(hour, minute, second).map_err(|_| bad_date(value))?;
    Ok(PrimitiveDateTime::new(date, time).assume_utc())
}

/// Formats a time as `YYYYMMDDTHHMMSSZ` (UTC).
pub fn format_amz_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// "5 min" or "90 sec", as in AWS's "(now - 5 min.)".
pub(crate) fn describe_window(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    if secs.checked_rem(60) == Some(0) {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} sec")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exact_format_only() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(format_amz_date(t), "20150830T123600Z");
        for bad in [
            "",
            "20150830T123600",
            "20150830T123600z",
            "2015-08-30T12:36:00Z",
            "20151330T123600Z",
            "20150230T123600Z",
            "20150830T243600Z",
            "20150830T126000Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
            "20150830T12360 Z",
            "20150830T123600Z ",
        ] {
            let e = parse_amz_date(bad).unwrap_err();
            assert_eq!(e.code(), "IncompleteSignature", "{bad}");
        }
    }

    #[test]
    fn windows() {
        assert_eq!(
            describe_window(std::time::Duration::from_secs(300)),
            "5 min"
        );
        assert_eq!(
            describe_window(std::time::Duration::from_secs(90)),
            "90 sec"
        );
    }
}
