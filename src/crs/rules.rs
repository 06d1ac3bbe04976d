//! `Rules`: the CRS grid in force on a date, from the dated changes of crs.md §D.

use jiff::civil::{Date, date};

use super::tables::{self, Pair};
use crate::error::{ErrorKind, Result};

/// The CRS grid in force on one date.
///
/// The core, spouse and transferability tables have not changed since the CRS began on
/// 2015-01-01; the additional points have (crs.md §D):
///
/// | From | Change |
/// |---|---|
/// | 2015-01-01 | CRS begins: provincial nomination 600; arranged employment 600 |
/// | 2016-11-19 | arranged employment 200 (TEER 0 major group 00) or 50 (other TEER 0–3); Canadian education 15 or 30 |
/// | 2017-06-06 | French ability 15 or 30; sibling in Canada 15 |
/// | 2020-10-20 | French ability 25 or 50 |
/// | 2025-03-25 | arranged employment points removed |
///
/// # Uncertain dates (crs.md §H)
/// - The French increase: law firms say it applied from **2020-10-20**, which we use; the IRCC
///   news release is dated **2020-10-27**. Profiles assessed between the two dates may differ
///   by 10 or 20 points from IRCC's own figures. No source supports December 2020.
/// - PTE Core was accepted from 2024-01-30 (some sources: mid-February 2024); eesim accepts
///   PTE Core results whatever the date.
/// - No 2026 change to point values was found; the removal of arranged-employment points
///   (2025-03-25, announced as "temporary") is the latest.
///
/// # Example
/// ```
/// use eesim::crs::Rules;
/// use jiff::civil::date;
///
/// let before = Rules::on(date(2025, 3, 24))?;
/// let after = Rules::on(date(2025, 3, 25))?;
/// assert_eq!(before.job_offer_points(), Some((200, 50)));
/// assert_eq!(after.job_offer_points(), None);
/// assert!(Rules::on(date(2014, 12, 31)).is_err());
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rules {
    on: Date,
    job_offer: Option<Pair>,
    canadian_education: Option<Pair>,
    french: Option<Pair>,
    sibling: Option<u16>,
}

fn ymd((y, m, d): (i16, i8, i8)) -> Date {
    date(y, m, d)
}

impl Rules {
    /// The rules in force on `on`.
    ///
    /// # Errors
    /// [`ErrorKind::NoCrsRules`] before 2015-01-01, when there was no CRS.
    pub fn on(on: Date) -> Result<Rules> {
        if on < ymd(tables::CRS_FROM) {
            return Err(ErrorKind::NoCrsRules {
                found: on.to_string(),
            }
            .into());
        }
        let nov_2016 = on >= ymd(tables::NOV_2016_FROM);
        let june_2017 = on >= ymd(tables::JUNE_2017_FROM);
        let job_offer = if on >= ymd(tables::NO_JOB_OFFER_FROM) {
            None
        } else if nov_2016 {
            Some(tables::JOB_OFFER_2016)
        } else {
            Some(tables::JOB_OFFER_2015)
        };
        let french = if on >= ymd(tables::FRENCH_2020_FROM) {
            Some(tables::FRENCH_2020)
        } else if june_2017 {
            Some(tables::FRENCH_2017)
        } else {
            None
        };
        Ok(Rules {
            on,
            job_offer,
            canadian_education: nov_2016.then_some(tables::CANADIAN_EDUCATION),
            french,
            sibling: june_2017.then_some(tables::SIBLING),
        })
    }

    /// The dates on which the grid changed, in order (the first is the start of the CRS).
    #[must_use]
    pub fn change_dates() -> [Date; 5] {
        [
            ymd(tables::CRS_FROM),
            ymd(tables::NOV_2016_FROM),
            ymd(tables::JUNE_2017_FROM),
            ymd(tables::FRENCH_2020_FROM),
            ymd(tables::NO_JOB_OFFER_FROM),
        ]
    }

    /// The date these rules were asked for.
    #[must_use]
    pub fn date(&self) -> Date {
        self.on
    }

    /// Arranged-employment points as `(TEER 0 major group 00, other TEER 0–3)`, or `None`
    /// when they do not exist (from 2025-03-25).
    #[must_use]
    pub fn job_offer_points(&self) -> Option<(u16, u16)> {
        self.job_offer
    }

    /// Canadian-education points as `(1 or 2 years, 3+ years)`, from 2016-11-19.
    #[must_use]
    pub fn canadian_education_points(&self) -> Option<(u16, u16)> {
        self.canadian_education
    }

    /// French-ability points as `(English CLB 4 or lower or none, English CLB 5+)`, from
    /// 2017-06-06.
    #[must_use]
    pub fn french_points(&self) -> Option<(u16, u16)> {
        self.french
    }

    /// Sibling points, from 2017-06-06.
    #[must_use]
    pub fn sibling_points(&self) -> Option<u16> {
        self.sibling
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_by_date() {
        let r = Rules::on(date(2015, 1, 1)).unwrap();
        assert_eq!(r.job_offer_points(), Some((600, 600)));
        assert_eq!(r.canadian_education_points(), None);
        assert_eq!(r.french_points(), None);
        let r = Rules::on(date(2016, 11, 19)).unwrap();
        assert_eq!(r.job_offer_points(), Some((200, 50)));
        assert_eq!(r.canadian_education_points(), Some((15, 30)));
        assert_eq!(r.sibling_points(), None);
        let r = Rules::on(date(2017, 6, 6)).unwrap();
        assert_eq!(r.french_points(), Some((15, 30)));
        assert_eq!(r.sibling_points(), Some(15));
        assert_eq!(
            Rules::on(date(2020, 10, 19)).unwrap().french_points(),
            Some((15, 30))
        );
        assert_eq!(
            Rules::on(date(2020, 10, 20)).unwrap().french_points(),
            Some((25, 50))
        );
        assert_eq!(
            Rules::on(date(2026, 3, 1)).unwrap().job_offer_points(),
            None
        );
    }

    #[test]
    fn err_before_the_crs() {
        assert_eq!(
            Rules::on(date(2014, 12, 31)).unwrap_err().to_string(),
            "CRS rules: expected a date on or after 2015-01-01, when the CRS began, found 2014-12-31"
        );
    }
}
