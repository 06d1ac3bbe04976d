//! Instants to the second (`Timestamp`) and calendar periods (`Period`): the simulator's clock.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

const EXPECTED_RFC3339: &str = "an RFC 3339 UTC time to the second, like \"2025-06-01T12:00:00Z\"";
const SECONDS_PER_DAY: i64 = 86_400;

/// A UTC instant, to the second.
///
/// IRCC publishes submission and tie-break times to the second, and ties at the second do
/// happen, so eesim keeps time as whole seconds since the Unix epoch: compact (8 bytes),
/// exactly comparable, and convertible to and from [`jiff::Timestamp`].
///
/// # Example
/// ```
/// use eesim::Timestamp;
///
/// let t: Timestamp = "2025-06-01T12:00:00Z".parse()?;
/// assert_eq!(t.to_string(), "2025-06-01T12:00:00Z");
/// assert_eq!(t.as_second(), 1_748_779_200);
/// assert!("2025-06-01T12:00:00.5Z".parse::<Timestamp>().is_err()); // not to the second
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(i64);

impl Timestamp {
    /// The earliest instant eesim accepts (jiff's earliest, -009999-01-02T01:59:59Z).
    pub const MIN: Timestamp = Timestamp(-377_705_023_201);
    /// The latest instant eesim accepts (jiff's latest whole second, 9999-12-30T22:00:00Z).
    pub const MAX: Timestamp = Timestamp(253_402_207_200);

    /// The instant `second` seconds after 1970-01-01T00:00:00Z.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidTimestamp`] outside the years -9999 to 9999.
    pub fn from_second(second: i64) -> Result<Self> {
        if (Self::MIN.0..=Self::MAX.0).contains(&second) {
            Ok(Timestamp(second))
        } else {
            Err(invalid(second.to_string()))
        }
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    #[must_use]
    pub const fn as_second(self) -> i64 {
        self.0
    }

    /// Midnight UTC at the start of `date`.
    #[must_use]
    pub fn start_of_day(date: jiff::civil::Date) -> Self {
        // Every civil date jiff accepts has a UTC midnight inside jiff's timestamp range.
        Timestamp(date.to_zoned_datetime(jiff::tz::TimeZone::UTC).map_or_else(
            |_| {
                if date.year() < 0 {
                    Self::MIN.0
                } else {
                    Self::MAX.0
                }
            },
            |z| z.timestamp().as_second(),
        ))
    }

    /// Midnight UTC at the start of `date`, refusing a date whose midnight lies outside
    /// eesim's range (-9999-01-01, -9999-01-02 and 9999-12-31) where [`Timestamp::start_of_day`]
    /// would clamp to [`Timestamp::MIN`] or [`Timestamp::MAX`].
    ///
    /// # Errors
    /// [`ErrorKind::InvalidTimestamp`] for those dates.
    ///
    /// # Example
    /// ```
    /// use eesim::Timestamp;
    ///
    /// let day: jiff::civil::Date = "2026-03-01".parse()?;
    /// assert_eq!(Timestamp::from_date(day)?.to_string(), "2026-03-01T00:00:00Z");
    /// assert!(Timestamp::from_date("9999-12-31".parse()?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_date(date: jiff::civil::Date) -> Result<Self> {
        date.to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .map(|z| Timestamp(z.timestamp().as_second()))
            .map_err(|_| {
                ErrorKind::InvalidTimestamp {
                    expected: "a date from -9999-01-03 to 9999-12-30 (midnight UTC in range)",
                    found: date.to_string(),
                }
                .into()
            })
    }

    /// The UTC calendar date of this instant.
    #[must_use]
    pub fn date(self) -> jiff::civil::Date {
        self.to_jiff()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()
    }

    /// This instant as a [`jiff::Timestamp`].
    #[must_use]
    pub fn to_jiff(self) -> jiff::Timestamp {
        // The range is checked on construction.
        jiff::Timestamp::from_second(self.0).unwrap_or(jiff::Timestamp::MAX)
    }

    /// `self + days` whole days, saturating at the ends of the range.
    #[must_use]
    pub fn plus_days(self, days: i64) -> Self {
        self.plus_seconds(days.saturating_mul(SECONDS_PER_DAY))
    }

    /// `self + seconds`, saturating at the ends of the range.
    #[must_use]
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Timestamp(
            self.0
                .saturating_add(seconds)
                .clamp(Self::MIN.0, Self::MAX.0),
        )
    }
}

fn invalid(found: String) -> Error {
    ErrorKind::InvalidTimestamp {
        expected: EXPECTED_RFC3339,
        found,
    }
    .into()
}

impl TryFrom<jiff::Timestamp> for Timestamp {
    type Error = Error;

    /// Fails on a timestamp with a fraction of a second: eesim keeps time to the second and
    /// will not round silently.
    fn try_from(t: jiff::Timestamp) -> Result<Self> {
        if t.subsec_nanosecond() != 0 {
            return Err(invalid(t.to_string()));
        }
        Ok(Timestamp(t.as_second()))
    }
}

impl From<Timestamp> for jiff::Timestamp {
    fn from(t: Timestamp) -> Self {
        t.to_jiff()
    }
}

impl FromStr for Timestamp {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let t: jiff::Timestamp = s.trim().parse().map_err(|_| invalid(s.to_string()))?;
        Timestamp::try_from(t).map_err(|_| invalid(s.to_string()))
    }
}

impl TryFrom<String> for Timestamp {
    type Error = Error;

    fn try_from(s: String) -> Result<Self> {
        s.parse()
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_jiff(), f)
    }
}

/// A length of time in whole days or calendar months, such as a profile's 12-month validity
/// or an ITA's 60-day deadline.
///
/// Months are calendar months in UTC: a profile submitted on 2024-02-29 and valid 12 months
/// expires on 2025-02-28 at the same time of day (the day is clamped to the month's end).
///
/// # Example
/// ```
/// use eesim::{Period, Timestamp};
///
/// let submitted: Timestamp = "2024-02-29T10:00:00Z".parse()?;
/// assert_eq!(Period::months(12)?.after(submitted).to_string(), "2025-02-28T10:00:00Z");
/// assert_eq!(Period::days(60)?.after(submitted).to_string(), "2024-04-29T10:00:00Z");
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PeriodRepr", into = "PeriodRepr")]
pub struct Period(PeriodRepr);

/// The serialised form of a [`Period`]: `{ days = 60 }` or `{ months = 12 }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum PeriodRepr {
    Days(u32),
    Months(u32),
}

impl Period {
    /// Twelve calendar months: how long an Express Entry profile stays in the pool.
    pub const TWELVE_MONTHS: Period = Period(PeriodRepr::Months(12));
    /// Sixty days: how long an invited candidate has to apply.
    pub const SIXTY_DAYS: Period = Period(PeriodRepr::Days(60));

    /// The longest period in days (100 years).
    pub const MAX_DAYS: u32 = 36_525;
    /// The longest period in months (100 years).
    pub const MAX_MONTHS: u32 = 1_200;

    /// A period of `n` whole days (24 hours each: UTC has no daylight saving).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPeriod`] unless `1 <= n <= 36525`.
    pub fn days(n: u32) -> Result<Self> {
        Period::try_from(PeriodRepr::Days(n))
    }

    /// A period of `n` calendar months.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidPeriod`] unless `1 <= n <= 1200`.
    pub fn months(n: u32) -> Result<Self> {
        Period::try_from(PeriodRepr::Months(n))
    }

    /// The instant this period after `start` (saturating at the end of the time range).
    #[must_use]
    pub fn after(self, start: Timestamp) -> Timestamp {
        match self.0 {
            PeriodRepr::Days(n) => start.plus_days(i64::from(n)),
            PeriodRepr::Months(n) => {
                let span = jiff::Span::new().months(i64::from(n));
                start
                    .to_jiff()
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .checked_add(span)
                    .ok()
                    .and_then(|z| Timestamp::try_from(z.timestamp()).ok())
                    .unwrap_or(Timestamp::MAX)
            }
        }
    }

    /// The latest start whose period has ended by `now`: `start + self <= now` exactly when
    /// `start <= self.latest_start_ended_by(now)`.
    ///
    /// Adding calendar months never decreases an instant's order, so the starts that have
    /// ended form a prefix of time; this gives its end, so that a pool can expire profiles
    /// with one integer comparison each.
    #[must_use]
    pub fn latest_start_ended_by(self, now: Timestamp) -> Timestamp {
        if now == Timestamp::MAX {
            // `after` saturates there: every start's period has ended by the end of time.
            return Timestamp::MAX;
        }
        match self.0 {
            PeriodRepr::Days(n) => now.plus_days(-i64::from(n)),
            PeriodRepr::Months(_) => {
                // Subtracting n months clamps the day, so the answer lies within a few days
                // after `now - n months`; search that window for the last second that works.
                let span = jiff::Span::new().months(-i64::from(self.count()));
                let rough = now
                    .to_jiff()
                    .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                    .checked_add(span)
                    .ok()
                    .and_then(|z| Timestamp::try_from(z.timestamp()).ok())
                    .unwrap_or(Timestamp::MIN);
                let (mut lo, mut hi) = (rough.plus_days(-1), rough.plus_days(5));
                if self.after(lo) > now {
                    return Timestamp::MIN;
                }
                // Invariant: after(lo) <= now < after(hi).
                while hi.0 - lo.0 > 1 {
                    let mid = Timestamp(lo.0 + (hi.0 - lo.0) / 2);
                    if self.after(mid) <= now {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                lo
            }
        }
    }

    fn count(self) -> u32 {
        match self.0 {
            PeriodRepr::Days(n) | PeriodRepr::Months(n) => n,
        }
    }
}

impl TryFrom<PeriodRepr> for Period {
    type Error = Error;

    fn try_from(repr: PeriodRepr) -> Result<Self> {
        let (n, max, expected) = match repr {
            PeriodRepr::Days(n) => (n, Self::MAX_DAYS, "1 to 36525 days"),
            PeriodRepr::Months(n) => (n, Self::MAX_MONTHS, "1 to 1200 months"),
        };
        if (1..=max).contains(&n) {
            Ok(Period(repr))
        } else {
            Err(ErrorKind::InvalidPeriod {
                expected,
                found: Period(repr).to_string(),
            }
            .into())
        }
    }
}

impl From<Period> for PeriodRepr {
    fn from(p: Period) -> Self {
        p.0
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            PeriodRepr::Days(n) => write!(f, "{n} days"),
            PeriodRepr::Months(n) => write!(f, "{n} months"),
        }
    }
}

/// A day as `YYYY-MM-DD`, as a command line or a CSV cell gives it.
///
/// # Errors
/// A message with what was expected and what was found (a time of day is named as such).
///
/// # Example
/// ```
/// assert_eq!(eesim::time::parse_date(" 2026-11-15 ").map(|d| d.to_string()), Ok("2026-11-15".into()));
/// assert_eq!(
///     eesim::time::parse_date("01/12/2026").unwrap_err(),
///     "expected a date like 2026-12-01, found 01/12/2026"
/// );
/// ```
pub fn parse_date(s: &str) -> std::result::Result<Date, String> {
    let s = s.trim();
    if s.len() == 10
        && let Ok(d) = s.parse::<Date>()
    {
        return Ok(d);
    }
    let why = if s.parse::<jiff::Timestamp>().is_ok() || s.contains('T') {
        " (a day, without a time of day)"
    } else {
        ""
    };
    Err(format!("expected a date like 2026-12-01{why}, found {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn parses_rfc3339_with_offsets_and_prints_utc() {
        assert_eq!(
            ts("2025-06-01T14:00:00+02:00").to_string(),
            "2025-06-01T12:00:00Z"
        );
        assert!("2025-06-01".parse::<Timestamp>().is_err());
        assert!("".parse::<Timestamp>().is_err());
    }

    #[test]
    fn err_timestamp_message() {
        let e = "June 1".parse::<Timestamp>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "timestamp: expected an RFC 3339 UTC time to the second, like \"2025-06-01T12:00:00Z\", found \"June 1\""
        );
    }

    #[test]
    fn months_clamp_to_month_end() {
        let p = Period::months(1).unwrap();
        assert_eq!(
            p.after(ts("2025-01-31T08:00:00Z")),
            ts("2025-02-28T08:00:00Z")
        );
        assert_eq!(
            p.after(ts("2024-01-31T08:00:00Z")),
            ts("2024-02-29T08:00:00Z")
        );
    }

    #[test]
    fn latest_start_is_exact_for_every_second_near_a_clamp() {
        // Brute-force oracle around month ends, where clamping makes the inverse non-trivial.
        for period in [Period::months(1).unwrap(), Period::months(12).unwrap()] {
            for now in [
                ts("2025-02-28T10:00:00Z"),
                ts("2025-03-31T00:00:00Z"),
                ts("2025-03-01T00:00:00Z"),
                ts("2024-02-29T23:59:59Z"),
            ] {
                let t = period.latest_start_ended_by(now);
                assert!(period.after(t) <= now, "{period} {now}");
                assert!(period.after(t.plus_seconds(1)) > now, "{period} {now}");
            }
        }
        let d = Period::days(60).unwrap();
        let now = ts("2025-03-01T00:00:00Z");
        assert_eq!(d.after(d.latest_start_ended_by(now)), now);
    }

    #[test]
    fn periods_are_validated() {
        assert!(Period::days(0).is_err());
        assert!(Period::months(1201).is_err());
        assert_eq!(
            Period::days(0).unwrap_err().to_string(),
            "period: expected 1 to 36525 days, found 0 days"
        );
    }

    #[test]
    fn serde_round_trips() {
        let t = ts("2025-06-01T12:00:00Z");
        let s = serde_json::to_string(&t).unwrap();
        assert_eq!(s, "\"2025-06-01T12:00:00Z\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&s).unwrap(), t);
        let p = Period::months(12).unwrap();
        let s = serde_json::to_string(&p).unwrap();
        assert_eq!(s, "{\"months\":12}");
        assert_eq!(serde_json::from_str::<Period>(&s).unwrap(), p);
        assert!(serde_json::from_str::<Period>("{\"days\":0}").is_err());
    }
}
