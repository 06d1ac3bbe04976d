//! Plausibility of rounds: a round whose size, cut-off or date is far outside its family's
//! history or the calendar is an [`Anomaly`], reported and left out of the model.
//!
//! The feed is typed by hand. A size of "400,000" for a round of 3,000, or a date of 2062,
//! reads as a valid number and a valid date, and would change every estimate without a word.
//! These rules catch such typos and leave every round IRCC really held alone: on the 399
//! rounds of the feed of February 2026 they find nothing.
//!
//! # The rules
//! Each round is compared with the earlier rounds of its family held in the two years (730
//! days) before it, leaving out those already found anomalous. A round is an anomaly when:
//! 1. **size**: it invited more than [`MAX_SIZE`] (50,000; the largest round ever held
//!    invited 27,332), or more than [`SIZE_FACTOR`] (ten) times the family's largest round of
//!    the two years, when the family held at least [`MIN_HISTORY`] (three) rounds in them;
//! 2. **cut-off**: its cut-off lies more than [`CUTOFF_MARGIN`] (400) points below the
//!    lowest or above the highest cut-off of the family's rounds of the two years, again
//!    with at least three of them (the largest real gap, CEC's 75 of February 2021 against
//!    431 to 467, is 356 points);
//! 3. **date**: it is dated after today, or before [`FIRST_YEAR`] (2015, when Express
//!    Entry began).
//!
//! A family with fewer than three rounds in the two years has no history to judge a size or
//! a cut-off by: only the fixed bounds apply to it.
//!
//! # Example
//! ```
//! use eesim::feed::{FeedReader, plausible};
//! use jiff::civil::date;
//!
//! let round = |n: u32, day: u32, size: &str| format!(
//!     r#"{{"drawNumber": "{n}", "drawDate": "2025-03-{day:02}", "drawName": "Canadian Experience Class",
//!        "drawSize": "{size}", "drawCRS": "520"}}"#);
//! let json = format!(r#"{{"rounds": [{}, {}, {}, {}]}}"#,
//!     round(1, 3, "3,000"), round(2, 10, "2,500"), round(3, 17, "3,000"), round(4, 24, "400,000"));
//! let (history, _) = FeedReader::new().read_str(&json)?;
//! let anomalies = plausible::anomalies(&history, date(2025, 4, 1));
//! assert_eq!(anomalies.len(), 1);
//! assert_eq!(
//!     anomalies[0].to_string(),
//!     "round 4 of 2025-03-24 (cec), field drawSize: expected at most 50,000 invitations, found 400,000"
//! );
//! let (kept, _) = plausible::screen(&history, date(2025, 4, 1));
//! assert_eq!(kept.draws().len(), 3);
//! # Ok::<(), eesim::Error>(())
//! ```

use std::collections::BTreeSet;
use std::fmt;

use jiff::ToSpan as _;
use jiff::civil::Date;

use super::history::{DrawRecord, History};
use super::number::DrawNumber;
use crate::family::Family;

/// No round may invite more than this many candidates.
pub const MAX_SIZE: u32 = 50_000;

/// No round may invite more than this many times its family's largest round of the two years
/// before it.
pub const SIZE_FACTOR: u32 = 10;

/// How many points a cut-off may lie outside its family's range of the two years before it.
pub const CUTOFF_MARGIN: u16 = 400;

/// The family needs at least this many rounds in the two years before a round to judge its
/// size and cut-off by them.
pub const MIN_HISTORY: usize = 3;

/// How far back a round's family history reaches, in days.
pub const HISTORY_DAYS: i32 = 730;

/// Express Entry began in 2015: no round is dated before it.
pub const FIRST_YEAR: i16 = 2015;

/// A round that breaks one of the plausibility rules, and which field does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// The 0-based index of the record in the feed's `rounds` array.
    pub record: usize,
    /// The round's number.
    pub number: DrawNumber,
    /// The round's date.
    pub date: Date,
    /// The round's family.
    pub family: Family,
    /// The feed's name for the field: `drawSize`, `drawCRS` or `drawDate`.
    pub field: &'static str,
    /// What the rule expected.
    pub expected: String,
    /// What the round has.
    pub found: String,
}

impl Anomaly {
    /// The anomaly as a problem: where (`round N of DATE (family), field F`) and what.
    #[must_use]
    pub fn to_problem(&self) -> crate::error::Problem {
        crate::error::Problem::new(
            format!(
                "round {} of {} ({}), field {}",
                self.number, self.date, self.family, self.field
            ),
            format!("expected {}, found {}", self.expected, self.found),
        )
    }
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "round {} of {} ({}), field {}: expected {}, found {}",
            self.number, self.date, self.family, self.field, self.expected, self.found
        )
    }
}

/// Every anomaly of `history` as of `today`, in the history's order (oldest round first; a
/// round breaking several rules appears once per field).
#[must_use]
pub fn anomalies(history: &History, today: Date) -> Vec<Anomaly> {
    let draws = history.draws();
    let mut found = Vec::new();
    let mut bad = vec![false; draws.len()];
    for (i, d) in draws.iter().enumerate() {
        let mut own = round_anomalies(d, today);
        let window_start = d
            .date()
            .checked_sub(HISTORY_DAYS.days())
            .unwrap_or(Date::MIN);
        let earlier: Vec<&DrawRecord> = draws
            .iter()
            .zip(&bad)
            .take(i)
            .filter(|(e, bad)| {
                !**bad
                    && e.family() == d.family()
                    && e.date() >= window_start
                    && e.date() <= d.date()
            })
            .map(|(e, _)| e)
            .collect();
        if earlier.len() >= MIN_HISTORY {
            own.extend(family_anomalies(d, &earlier));
        }
        bad[i] = !own.is_empty();
        found.extend(own);
    }
    found
}

/// The history without its anomalous rounds (and without the snapshots only they
/// published), and the anomalies.
#[must_use]
pub fn screen(history: &History, today: Date) -> (History, Vec<Anomaly>) {
    let anomalies = anomalies(history, today);
    if anomalies.is_empty() {
        return (history.clone(), anomalies);
    }
    let out: BTreeSet<&DrawNumber> = anomalies.iter().map(|a| &a.number).collect();
    let draws = history
        .draws()
        .iter()
        .filter(|d| !out.contains(d.number()))
        .cloned()
        .collect();
    let snapshots = history
        .snapshots()
        .iter()
        .filter(|s| s.draws().is_empty() || s.draws().iter().any(|n| !out.contains(n)))
        .cloned()
        .collect();
    (History::new(draws, snapshots), anomalies)
}

/// The rules that need no history: the fixed size bound and the calendar.
fn round_anomalies(d: &DrawRecord, today: Date) -> Vec<Anomaly> {
    let mut out = Vec::new();
    if d.size() > MAX_SIZE {
        out.push(anomaly(
            d,
            "drawSize",
            format!("at most {} invitations", grouped(MAX_SIZE.into())),
            grouped(d.size().into()),
        ));
    }
    if d.date() > today {
        out.push(anomaly(
            d,
            "drawDate",
            format!("a date no later than today ({today})"),
            d.date().to_string(),
        ));
    } else if d.date().year() < FIRST_YEAR {
        out.push(anomaly(
            d,
            "drawDate",
            format!("a date in {FIRST_YEAR} or later (Express Entry began in {FIRST_YEAR})"),
            d.date().to_string(),
        ));
    }
    out
}

/// The rules that compare a round with the `earlier` rounds of its family.
fn family_anomalies(d: &DrawRecord, earlier: &[&DrawRecord]) -> Vec<Anomaly> {
    let mut out = Vec::new();
    let largest = earlier.iter().map(|e| e.size()).max().unwrap_or(0);
    let cap = u64::from(largest) * u64::from(SIZE_FACTOR);
    if d.size() <= MAX_SIZE && u64::from(d.size()) > cap {
        out.push(anomaly(
            d,
            "drawSize",
            format!(
                "at most {} invitations (ten times the largest {} round of the two years before, {})",
                grouped(cap),
                d.family(),
                grouped(largest.into())
            ),
            grouped(d.size().into()),
        ));
    }
    let lo = earlier.iter().map(|e| e.cutoff().get()).min().unwrap_or(0);
    let hi = earlier.iter().map(|e| e.cutoff().get()).max().unwrap_or(0);
    let c = d.cutoff().get();
    if c.saturating_add(CUTOFF_MARGIN) < lo || c > hi.saturating_add(CUTOFF_MARGIN) {
        out.push(anomaly(
            d,
            "drawCRS",
            format!(
                "a cut-off within {CUTOFF_MARGIN} points of the {} rounds of the two years before ({lo} to {hi})",
                d.family()
            ),
            c.to_string(),
        ));
    }
    out
}

fn anomaly(d: &DrawRecord, field: &'static str, expected: String, found: String) -> Anomaly {
    Anomaly {
        record: d.record(),
        number: d.number().clone(),
        date: d.date(),
        family: d.family().clone(),
        field,
        expected,
        found,
    }
}

/// `n` with thousands separators, as the feed writes sizes: `400,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::FeedReader;
    use jiff::civil::date;

    fn feed(rounds: &[(&str, &str, &str, &str, &str)]) -> History {
        let records: Vec<String> = rounds
            .iter()
            .map(|(n, day, name, size, crs)| {
                format!(
                    r#"{{"drawNumber": "{n}", "drawDate": "{day}", "drawName": "{name}",
                      "drawSize": "{size}", "drawCRS": "{crs}"}}"#
                )
            })
            .collect();
        let json = format!(r#"{{"rounds": [{}]}}"#, records.join(","));
        FeedReader::new().strict(true).read_str(&json).unwrap().0
    }

    const CEC: &str = "Canadian Experience Class";

    #[test]
    fn grouped_writes_thousands_separators() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(4_000_000_000), "4,000,000,000");
    }

    #[test]
    fn a_size_ten_times_the_familys_largest_is_an_anomaly() {
        let h = feed(&[
            ("1", "2025-01-01", CEC, "3,000", "520"),
            ("2", "2025-02-01", CEC, "2,000", "515"),
            ("3", "2025-03-01", CEC, "1,000", "530"),
            ("4", "2025-04-01", CEC, "30,001", "520"),
            ("5", "2025-05-01", CEC, "30,000", "520"),
        ]);
        let a = anomalies(&h, date(2026, 1, 1));
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(
            a[0].to_string(),
            "round 4 of 2025-04-01 (cec), field drawSize: expected at most 30,000 invitations \
             (ten times the largest cec round of the two years before, 3,000), found 30,001"
        );
    }

    #[test]
    fn anomalous_rounds_do_not_raise_the_bar_for_later_ones() {
        let h = feed(&[
            ("1", "2025-01-01", CEC, "3,000", "520"),
            ("2", "2025-02-01", CEC, "2,000", "515"),
            ("3", "2025-03-01", CEC, "1,000", "530"),
            ("4", "2025-04-01", CEC, "40,000", "520"),
            ("5", "2025-05-01", CEC, "35,000", "520"),
        ]);
        let a: Vec<String> = anomalies(&h, date(2026, 1, 1))
            .iter()
            .map(|a| a.number.to_string())
            .collect();
        assert_eq!(a, ["4", "5"]);
    }

    #[test]
    fn cutoffs_far_outside_the_familys_range_are_anomalies() {
        let h = feed(&[
            ("1", "2025-01-01", CEC, "3,000", "520"),
            ("2", "2025-02-01", CEC, "2,000", "500"),
            ("3", "2025-03-01", CEC, "1,000", "540"),
            ("4", "2025-04-01", CEC, "1,000", "99"),
            ("5", "2025-05-01", CEC, "1,000", "100"),
            ("6", "2025-06-01", CEC, "1,000", "941"),
        ]);
        let a = anomalies(&h, date(2026, 1, 1));
        let found: Vec<(String, &str)> =
            a.iter().map(|a| (a.number.to_string(), a.field)).collect();
        assert_eq!(
            found,
            [("4".into(), "drawCRS"), ("6".into(), "drawCRS")],
            "{a:?}"
        );
        assert_eq!(
            a[0].to_string(),
            "round 4 of 2025-04-01 (cec), field drawCRS: expected a cut-off within 400 points \
             of the cec rounds of the two years before (500 to 540), found 99"
        );
    }

    #[test]
    fn rounds_after_today_or_before_2015_are_anomalies() {
        let h = feed(&[
            ("1", "2014-12-31", CEC, "3,000", "520"),
            ("2", "2025-02-01", CEC, "2,000", "500"),
            ("3", "2062-03-01", CEC, "1,000", "540"),
        ]);
        let a = anomalies(&h, date(2026, 1, 1));
        assert_eq!(
            a.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "round 1 of 2014-12-31 (cec), field drawDate: expected a date in 2015 or later (Express Entry began in 2015), found 2014-12-31",
                "round 3 of 2062-03-01 (cec), field drawDate: expected a date no later than today (2026-01-01), found 2062-03-01",
            ]
        );
        // A round dated today is not in the future.
        assert_eq!(anomalies(&h, date(2062, 3, 1)).len(), 1);
    }

    #[test]
    fn a_family_with_little_history_is_judged_by_the_fixed_bounds_only() {
        let h = feed(&[
            ("1", "2025-01-01", "STEM occupations", "500", "520"),
            ("2", "2025-02-01", "STEM occupations", "5,900", "100"),
            ("3", "2025-03-01", "STEM occupations", "50,001", "500"),
        ]);
        let a = anomalies(&h, date(2026, 1, 1));
        let numbers: Vec<String> = a.iter().map(|a| a.number.to_string()).collect();
        assert_eq!(numbers, ["3"]);
    }

    #[test]
    fn history_older_than_two_years_does_not_count() {
        let h = feed(&[
            ("1", "2020-01-01", CEC, "100", "520"),
            ("2", "2020-02-01", CEC, "100", "500"),
            ("3", "2020-03-01", CEC, "100", "540"),
            ("4", "2025-04-01", CEC, "5,000", "520"),
        ]);
        assert!(anomalies(&h, date(2026, 1, 1)).is_empty());
    }

    #[test]
    fn screen_leaves_anomalous_rounds_out() {
        let h = feed(&[
            ("1", "2025-01-01", CEC, "3,000", "520"),
            ("2", "2062-02-01", CEC, "2,000", "500"),
        ]);
        let (kept, a) = screen(&h, date(2026, 1, 1));
        assert_eq!(a.len(), 1);
        assert_eq!(kept.draws().len(), 1);
        assert_eq!(kept.draws()[0].number().to_string(), "1");
        let (same, none) = screen(&kept, date(2026, 1, 1));
        assert!(none.is_empty());
        assert_eq!(same, kept);
    }
}
