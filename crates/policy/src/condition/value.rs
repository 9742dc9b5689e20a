//! Typed condition values: numbers, dates, IP ranges, booleans and base64 binaries
//! (UG:reference_policies_elements_condition_operators, POLICY-SPEC A5).
//!
//! These parsers are shared by the policy side (values are checked at parse time, so a bad
//! `DateGreaterThan` value is rejected when the policy is written, as IAM does) and by the request
//! side (context values are parsed once, when inserted into a [`crate::Context`]).

use std::net::IpAddr;

/// Parses a numeric condition value: an optionally signed integer or decimal.
/// Rejects what `f64::from_str` would also accept but IAM would not (`NaN`, `inf`, `1e5`, …).
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let digits = s
        .strip_prefix('-')
        .or_else(|| s.strip_prefix('+'))
        .unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.ends_with('.'));
    if !ok {
        return None;
    }
    s.parse().ok()
}

/// Parses a boolean condition value (`true`/`false`, any case).
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An IP range as written in `IpAddress`/`NotIpAddress`; a bare address means /32 (or /128).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && p.len() <= 3 => {
                p.parse::<u8>().ok()?
            }
            Some(_) => return None,
            None => max,
        };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        fn bits_eq(a: u128, b: u128, prefix: u8, width: u8) -> bool {
            if prefix == 0 {
                return true;
            }
            let shift = width - prefix;
            (a >> shift) == (b >> shift)
        }
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                bits_eq(u32::from(n).into(), u32::from(i).into(), self.prefix, 32)
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => {
                bits_eq(u128::from(n), u128::from(i), self.prefix, 128)
            }
            // An IPv4 request address also matches an IPv4-mapped IPv6 range and vice versa.
            (IpAddr::V6(n), IpAddr::V4(i)) => bits_eq(
                u128::from(n),
                u128::from(i.to_ipv6_mapped()),
                self.prefix,
                128,
            ),
            (IpAddr::V4(_), IpAddr::V6(i)) => match i.to_ipv4_mapped() {
                Some(v4) => self.contains(IpAddr::V4(v4)),
                None => false,
            },
        }
    }
}

/// Nanoseconds since the Unix epoch: the common scale for `Date…` comparisons.
pub(crate) type Nanos = i128;

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// Parses a date condition value: epoch seconds (integer or decimal) or the W3C profile of
/// ISO 8601 — `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mm[:ss[.s+]][Z|±hh:mm]`.
/// A missing zone designator means UTC.
pub(crate) fn parse_date(s: &str) -> Option<Nanos> {
    // Epoch seconds are all digits (a 4-digit value is read as a year, as ISO 8601 says).
    let epochish = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if (epochish(s) && s.len() != 4) || s.strip_prefix('-').is_some_and(epochish) {
        return parse_epoch(s);
    }
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from + len)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let year = num(0, 4)?;
    let mut i = 4;
    let (mut month, mut day) = (1, 1);
    if b.get(i) == Some(&b'-') {
        month = num(i + 1, 2)?;
        i += 3;
        if b.get(i) == Some(&b'-') {
            day = num(i + 1, 2)?;
            i += 3;
        }
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut secs = days_from_civil(year, month, day) * 86_400;
    let mut frac: i128 = 0;
    if matches!(b.get(i), Some(b'T' | b't')) {
        let hour = num(i + 1, 2)?;
        if b.get(i + 3) != Some(&b':') {
            return None;
        }
        let minute = num(i + 4, 2)?;
        i += 6;
        let mut second = 0;
        if b.get(i) == Some(&b':') {
            second = num(i + 1, 2)?;
            i += 3;
            if b.get(i) == Some(&b'.') {
                let start = i + 1;
                let mut end = start;
                while b.get(end).is_some_and(u8::is_ascii_digit) {
                    end += 1;
                }
                if end == start {
                    return None;
                }
                let digits = &s[start..end.min(start + 9)];
                frac = digits.parse::<i128>().ok()? * 10i128.pow(9 - digits.len() as u32);
                i = end;
            }
        }
        if hour > 24 || minute > 59 || second > 60 || (hour == 24 && (minute > 0 || second > 0)) {
            return None;
        }
        secs += hour * 3600 + minute * 60 + second;
        match b.get(i) {
            None => {}
            Some(b'Z' | b'z') => i += 1,
            Some(&sign @ (b'+' | b'-')) => {
                let oh = num(i + 1, 2)?;
                let om = if b.get(i + 3) == Some(&b':') {
                    i += 6;
                    num(i - 2, 2)?
                } else {
                    i += 5;
                    num(i - 2, 2)?
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                let off = oh * 3600 + om * 60;
                secs -= if sign == b'+' { off } else { -off };
            }
            _ => return None,
        }
    }
    (i == b.len()).then_some(i128::from(secs) * NANOS_PER_SEC + frac)
}

fn parse_epoch(s: &str) -> Option<Nanos> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty()
        || int.len() > 15
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let mut n = int.parse::<i128>().ok()? * NANOS_PER_SEC;
    if !frac.is_empty() {
        let f = &frac[..frac.len().min(9)];
        n += f.parse::<i128>().ok()? * 10i128.pow(9 - f.len() as u32);
    }
    Some(if neg { -n } else { n })
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Formats nanoseconds since the epoch as `YYYY-MM-DDThh:mm:ssZ` (fraction if non-zero).
pub(crate) fn format_date(n: Nanos) -> String {
    let secs = n.div_euclid(NANOS_PER_SEC);
    let frac = n.rem_euclid(NANOS_PER_SEC);
    let days = i64::try_from(secs.div_euclid(86_400)).unwrap_or(0);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
    if frac == 0 {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    } else {
        let f = format!("{frac:09}");
        format!(
            "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{}Z",
            f.trim_end_matches('0')
        )
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Decodes standard base64 with padding (`BinaryEquals` values).
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    for (ci, chunk) in b.chunks(4).enumerate() {
        let last = ci + 1 == b.len() / 4;
        let mut v = 0u32;
        let mut pad = 0;
        for (k, &c) in chunk.iter().enumerate() {
            let d = match c {
                b'=' if last && k >= 2 => {
                    pad += 1;
                    0
                }
                _ if pad > 0 => return None,
                _ => B64.iter().position(|&x| x == c)? as u32,
            };
            v = (v << 6) | d;
        }
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Encodes bytes as standard base64 with padding.
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[((v >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        for (s, want) in [
            ("1", Some(1.0)),
            ("-2.5", Some(-2.5)),
            ("+3", Some(3.0)),
            ("007", Some(7.0)),
            ("1e3", None),
            ("NaN", None),
            ("inf", None),
            ("", None),
            ("1.", None),
            (".5", None),
            ("1.2.3", None),
        ] {
            assert_eq!(parse_number(s), want, "{s}");
        }
    }

    #[test]
    fn dates_w3c_profile_and_epoch() {
        let t = |s: &str| parse_date(s).map(|n| n / NANOS_PER_SEC);
        assert_eq!(t("2019-07-16T12:00:00Z"), Some(1_563_278_400));
        assert_eq!(t("2019-07-16T12:00:00"), Some(1_563_278_400));
        assert_eq!(t("2019-07-16T14:00:00+02:00"), Some(1_563_278_400));
        assert_eq!(t("2019-07-16T14:00+0200"), Some(1_563_278_400));
        assert_eq!(t("2019-07-16"), Some(1_563_235_200));
        assert_eq!(t("2019-07"), Some(1_561_939_200));
        assert_eq!(t("2019"), Some(1_546_300_800));
        assert_eq!(t("1563278400"), Some(1_563_278_400));
        assert_eq!(t("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_date("2019-07-16T12:00:00.5Z").map(|n| n % NANOS_PER_SEC),
            Some(500_000_000)
        );
        for bad in [
            "2019-13-01",
            "2019-02-30",
            "yesterday",
            "2019-07-16T25:00Z",
            "2019-07-16T12:00:00Q",
            "2019-07-16 12:00",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(
            format_date(parse_date("2020-02-29T23:59:59Z").unwrap()),
            "2020-02-29T23:59:59Z"
        );
        assert_eq!(
            format_date(parse_date("1969-12-31T23:59:59.25Z").unwrap()),
            "1969-12-31T23:59:59.25Z"
        );
    }

    #[test]
    fn cidrs() {
        let c = Cidr::parse("203.0.113.0/24").unwrap();
        assert!(c.contains("203.0.113.7".parse().unwrap()));
        assert!(!c.contains("203.0.114.7".parse().unwrap()));
        assert!(Cidr::parse("203.0.113.7")
            .unwrap()
            .contains("203.0.113.7".parse().unwrap()));
        assert!(!Cidr::parse("203.0.113.7")
            .unwrap()
            .contains("203.0.113.8".parse().unwrap()));
        // POLICY-SPEC A10.7: a bare IPv6 address is /128 (decision).
        assert!(!Cidr::parse("2001:db8::1")
            .unwrap()
            .contains("2001:db8::2".parse().unwrap()));
        assert!(Cidr::parse("2001:db8::/32")
            .unwrap()
            .contains("2001:db8:1::5".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains("8.8.8.8".parse().unwrap()));
        assert!(!Cidr::parse("0.0.0.0/0")
            .unwrap()
            .contains("2001:db8::1".parse().unwrap()));
        for bad in ["1.2.3.4/33", "1.2.3/24", "x", "1.2.3.4/", "1.2.3.4/-1"] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn base64_round_trip() {
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"foob", b"\xff\x00\x10"] {
            let e = base64_encode(bytes);
            assert_eq!(base64_decode(&e).as_deref(), Some(bytes));
        }
        assert_eq!(base64_encode(b"foob"), "Zm9vYg==");
        for bad in ["Zm9", "Zm=v", "Z===", "@@@@"] {
            assert!(base64_decode(bad).is_none(), "{bad}");
        }
    }
}
