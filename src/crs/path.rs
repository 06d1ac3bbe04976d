//! Score paths: the CRS on every date of a horizon as birthdays pass and planned changes happen.

use std::collections::BTreeSet;

use jiff::ToSpan;
use jiff::civil::Date;

use super::language::LanguageResult;
use super::profile::{Age, CanadianEducation, Education, Profile};
use super::rules::Rules;
use crate::error::{Error, ErrorKind, Result};
use crate::score::CrsScore;

/// A change to a profile planned for a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlannedChange {
    /// A new first official language result replaces the old one.
    FirstLanguage(LanguageResult),
    /// A new second official language result replaces the old one (or is the first).
    SecondLanguage(LanguageResult),
    /// One more whole year of Canadian skilled work.
    CanadianWorkYear,
    /// Canadian skilled work that goes on: one more whole year on the date, and another on
    /// each anniversary of it up to the end of the horizon.
    CanadianWorkAccruing,
    /// One more whole year of foreign skilled work.
    ForeignWorkYear,
    /// A provincial or territorial nomination.
    ProvincialNomination,
    /// A new highest education.
    Education(Education),
    /// A new highest Canadian credential.
    CanadianEducation(CanadianEducation),
}

/// A profile with a birth date and the changes planned for it, from which a [`ScorePath`]
/// follows.
///
/// # Example
/// ```
/// use eesim::crs::{PlannedChange, Profile, ScorePlan};
/// use jiff::civil::date;
///
/// let profile = Profile::from_toml(r#"
///     assessed_on = "2026-03-01"
///     birth_date = "1996-05-10"
///     education = "bachelors"
///     first_language = { test = "celpip", listening = 9, reading = 9, writing = 9, speaking = 9 }
///     canadian_work_years = 1
/// "#)?;
/// let path = ScorePlan::new(profile)?
///     .with(date(2026, 9, 1), PlannedChange::CanadianWorkAccruing)
///     .path(date(2027, 12, 31))?;
/// let changes: Vec<(String, u16)> =
///     path.points().iter().map(|(d, s)| (d.to_string(), s.get())).collect();
/// // Start: age 110 + bachelor's 120 + 4 × 31 (CLB 9) + 1 year 40 + (a) 25 + (b) 13 = 432.
/// // Age 30 on 2026-05-10 (110 → 105); the second year of Canadian work on 2026-09-01
/// // (+13 core, +12 in (b)); age 31 on 2027-05-10 (-6); a third year on 2027-09-01 (+11).
/// assert_eq!(changes, [
///     ("2026-03-01".to_string(), 432),
///     ("2026-05-10".to_string(), 427),
///     ("2026-09-01".to_string(), 452),
///     ("2027-05-10".to_string(), 446),
///     ("2027-09-01".to_string(), 457),
/// ]);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct ScorePlan {
    profile: Profile,
    changes: Vec<(Date, PlannedChange)>,
}

impl ScorePlan {
    /// A plan for `profile`, which starts on its `assessed_on` date.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidScorePath`] when the profile gives an age instead of a birth date
    /// (the age could not change), and [`ErrorKind::NoCrsRules`] when `assessed_on` is before
    /// 2015-01-01.
    pub fn new(profile: Profile) -> Result<Self> {
        if let Age::Years(y) = profile.age {
            return Err(invalid("profile", "a birth date", format!("an age ({y})")));
        }
        Rules::on(profile.assessed_on)?;
        Ok(ScorePlan {
            profile,
            changes: Vec::new(),
        })
    }

    /// The plan with `change` on `on`. Changes on or before the profile's `assessed_on` apply
    /// from the start; changes on one date apply in the order they were added.
    pub fn with(mut self, on: Date, change: PlannedChange) -> Self {
        self.changes.push((on, change));
        self
    }

    /// The score on every date from the profile's `assessed_on` to `until` (inclusive).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidScorePath`] when `until` is before the start.
    pub fn path(&self, until: Date) -> Result<ScorePath> {
        let start = self.profile.assessed_on;
        if until < start {
            return Err(invalid(
                "until",
                format!("a date on or after the profile's assessed_on ({start})"),
                until.to_string(),
            ));
        }
        let changes = self.expanded(until);
        let mut dates: BTreeSet<Date> = changes.iter().map(|(d, _)| (*d).max(start)).collect();
        dates.insert(start);
        dates.extend(
            Rules::change_dates()
                .into_iter()
                .filter(|d| *d > start && *d <= until),
        );
        if let Age::BornOn(born) = self.profile.age {
            dates.extend(birthdays(born, start, until));
        }
        let mut profile = self.profile;
        let mut applied = 0;
        let mut points: Vec<(Date, CrsScore)> = Vec::new();
        for date in dates.into_iter().filter(|d| *d <= until) {
            while let Some((_, change)) = changes.get(applied).filter(|(d, _)| *d <= date) {
                apply(&mut profile, *change);
                applied += 1;
            }
            profile.assessed_on = date;
            let score = Rules::on(date)?.score(&profile).total;
            if points.last().is_none_or(|(_, last)| *last != score) {
                points.push((date, score));
            }
        }
        Ok(ScorePath { points, until })
    }

    /// The changes sorted by date (stable), with accruing work expanded into yearly steps.
    fn expanded(&self, until: Date) -> Vec<(Date, PlannedChange)> {
        let mut out = Vec::new();
        for (on, change) in &self.changes {
            if *change == PlannedChange::CanadianWorkAccruing {
                for years in 0_i16.. {
                    match on.checked_add(years.years()) {
                        Ok(d) if d <= until && years < 100 => {
                            out.push((d, PlannedChange::CanadianWorkYear));
                        }
                        _ => break,
                    }
                }
            } else {
                out.push((*on, *change));
            }
        }
        out.sort_by_key(|(d, _)| *d);
        out
    }
}

fn apply(p: &mut Profile, change: PlannedChange) {
    match change {
        PlannedChange::FirstLanguage(r) => p.first_language = r,
        PlannedChange::SecondLanguage(r) => p.second_language = Some(r),
        PlannedChange::CanadianWorkYear | PlannedChange::CanadianWorkAccruing => {
            p.canadian_work_years = p.canadian_work_years.saturating_add(1);
        }
        PlannedChange::ForeignWorkYear => {
            p.foreign_work_years = p.foreign_work_years.saturating_add(1);
        }
        PlannedChange::ProvincialNomination => p.provincial_nomination = true,
        PlannedChange::Education(e) => p.education = p.education.max(e),
        PlannedChange::CanadianEducation(e) => p.canadian_education = p.canadian_education.max(e),
    }
}

/// The dates in `(start, until]` on which someone born on `born` turns a year older.
fn birthdays(born: Date, start: Date, until: Date) -> impl Iterator<Item = Date> {
    (start.year()..=until.year())
        .filter_map(move |y| {
            Date::new(y, born.month(), born.day())
                .or_else(|_| Date::new(y, 3, 1))
                .ok()
        })
        .filter(move |d| *d > start && *d <= until)
}

fn invalid(what: &'static str, expected: impl Into<String>, found: impl Into<String>) -> Error {
    ErrorKind::InvalidScorePath {
        what,
        expected: expected.into(),
        found: found.into(),
    }
    .into()
}

/// The CRS on every date of a horizon, as the dates on which it changes.
///
/// The first point is the start of the horizon; each later point is a date on which the
/// score differs from the day before. The score holds until the next point, or to
/// [`ScorePath::until`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct ScorePath {
    points: Vec<(Date, CrsScore)>,
    until: Date,
}

impl ScorePath {
    /// The change points: `(date, score from that date)`, in date order.
    #[must_use]
    pub fn points(&self) -> &[(Date, CrsScore)] {
        &self.points
    }

    /// The last date of the horizon.
    #[must_use]
    pub fn until(&self) -> Date {
        self.until
    }

    /// The score on `date`, or `None` outside the horizon.
    #[must_use]
    pub fn score_on(&self, date: Date) -> Option<CrsScore> {
        if date > self.until {
            return None;
        }
        self.points
            .iter()
            .take_while(|(d, _)| *d <= date)
            .last()
            .map(|(_, s)| *s)
    }

    /// The score at the start of the horizon.
    #[must_use]
    pub fn initial(&self) -> Option<CrsScore> {
        self.points.first().map(|(_, s)| *s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn birthdays_in_the_horizon_only_and_leap_days_on_march_1() {
        let got: Vec<Date> =
            birthdays(date(2000, 2, 29), date(2023, 3, 1), date(2025, 3, 1)).collect();
        assert_eq!(got, [date(2024, 2, 29), date(2025, 3, 1)]);
        let got: Vec<Date> =
            birthdays(date(1990, 6, 1), date(2025, 6, 1), date(2025, 12, 31)).collect();
        assert!(got.is_empty(), "the start itself is no change");
    }
}
