//! The domain `Profile`: the facts about a candidate that the CRS scores, already validated.

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::language::LanguageResult;

/// The highest level of education, with an ECA for foreign credentials (crs.md §A2).
///
/// The variants are in increasing order of points, so `Ord` says which is higher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Education {
    /// Below secondary school.
    BelowSecondary,
    /// Secondary diploma.
    Secondary,
    /// One-year post-secondary credential.
    OneYear,
    /// Two-year post-secondary credential.
    TwoYear,
    /// Bachelor's degree, or a post-secondary program of three years or more.
    Bachelors,
    /// Two or more post-secondary credentials, one of them from a program of 3+ years.
    TwoOrMore,
    /// Master's degree, or an entry-to-practice professional degree.
    Masters,
    /// Doctoral degree.
    Doctorate,
}

impl Education {
    /// Every level, lowest first.
    pub const ALL: [Education; 8] = [
        Education::BelowSecondary,
        Education::Secondary,
        Education::OneYear,
        Education::TwoYear,
        Education::Bachelors,
        Education::TwoOrMore,
        Education::Masters,
        Education::Doctorate,
    ];

    /// The profile-file name (`below_secondary`, ..., `doctorate`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Education::BelowSecondary => "below_secondary",
            Education::Secondary => "secondary",
            Education::OneYear => "one_year",
            Education::TwoYear => "two_year",
            Education::Bachelors => "bachelors",
            Education::TwoOrMore => "two_or_more",
            Education::Masters => "masters",
            Education::Doctorate => "doctorate",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// The highest Canadian post-secondary credential (crs.md §D).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CanadianEducation {
    /// None.
    #[default]
    None,
    /// A one- or two-year credential.
    OneOrTwoYear,
    /// A credential of three years or more, a master's, professional degree or doctorate.
    ThreeYearOrMore,
}

impl CanadianEducation {
    /// Every value, lowest first.
    pub const ALL: [CanadianEducation; 3] = [
        CanadianEducation::None,
        CanadianEducation::OneOrTwoYear,
        CanadianEducation::ThreeYearOrMore,
    ];

    /// The profile-file name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            CanadianEducation::None => "none",
            CanadianEducation::OneOrTwoYear => "one_or_two_year",
            CanadianEducation::ThreeYearOrMore => "three_year_or_more",
        }
    }
}

/// A qualifying offer of arranged employment (crs.md §D); points only before 2025-03-25.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum JobOffer {
    /// None.
    #[default]
    None,
    /// An offer in another TEER 0 to 3 occupation.
    OtherTeer0To3,
    /// An offer in NOC TEER 0 major group 00 (senior management).
    #[serde(rename = "teer_0_major_group_00")]
    Teer0MajorGroup00,
}

impl JobOffer {
    /// Every value, lowest first.
    pub const ALL: [JobOffer; 3] = [
        JobOffer::None,
        JobOffer::OtherTeer0To3,
        JobOffer::Teer0MajorGroup00,
    ];

    /// The profile-file name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            JobOffer::None => "none",
            JobOffer::OtherTeer0To3 => "other_teer_0_to_3",
            JobOffer::Teer0MajorGroup00 => "teer_0_major_group_00",
        }
    }
}

/// How old the candidate is: whole years, or a birth date (which lets the age change along a
/// [score path](super::ScorePath)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Age {
    /// Whole years, whatever the date.
    Years(u8),
    /// Born on this date; the age on a date is the whole years since.
    BornOn(Date),
}

impl Age {
    /// Whole years of age on `date` (0 before the birth date). A 29 February birthday falls
    /// on 1 March in other years.
    #[must_use]
    pub fn on(self, date: Date) -> u8 {
        match self {
            Age::Years(y) => y,
            Age::BornOn(born) => {
                let mut years = i32::from(date.year()) - i32::from(born.year());
                if (date.month(), date.day()) < (born.month(), born.day()) {
                    years -= 1;
                }
                u8::try_from(years.max(0)).unwrap_or(u8::MAX)
            }
        }
    }
}

/// The accompanying spouse or common-law partner, who is not a Canadian citizen or PR
/// (crs.md §A, §B). A spouse who is Canadian or not coming is no partner here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Partner {
    /// The partner's highest education.
    pub education: Education,
    /// The partner's first official language result, if any.
    pub language: Option<LanguageResult>,
    /// Whole years of Canadian skilled work.
    pub canadian_work_years: u8,
}

/// A candidate's profile: what the CRS scores, on the date whose rules apply.
///
/// Build one in code, or read one from TOML or JSON with [`Profile::from_toml`] or
/// [`Profile::from_json`] (see [`profile file`](super#the-profile-file)). Every field is
/// already valid; scoring one never fails once [`Rules`](super::Rules) exist for its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Profile {
    /// The date whose rules apply, and on which a birth date gives the age.
    pub assessed_on: Date,
    /// The candidate's age.
    pub age: Age,
    /// The accompanying partner, or `None` ("single" points).
    pub partner: Option<Partner>,
    /// The highest education.
    pub education: Education,
    /// The highest Canadian credential.
    pub canadian_education: CanadianEducation,
    /// The first official language result.
    pub first_language: LanguageResult,
    /// The second official language result, in the other language, if any.
    pub second_language: Option<LanguageResult>,
    /// Whole years of Canadian skilled work (TEER 0 to 3) in the last 10 years.
    pub canadian_work_years: u8,
    /// Whole years of foreign skilled work in the last 10 years.
    pub foreign_work_years: u8,
    /// A certificate of qualification in a trade, issued by a province or territory.
    pub certificate_of_qualification: bool,
    /// A provincial or territorial nomination.
    pub provincial_nomination: bool,
    /// Arranged employment.
    pub job_offer: JobOffer,
    /// A brother or sister in Canada (of the candidate or the partner).
    pub sibling_in_canada: bool,
}

impl Profile {
    /// A profile with only the required facts; everything else takes its empty value (no
    /// partner, no Canadian education, no second language, no work, no extras).
    #[must_use]
    pub fn new(
        assessed_on: Date,
        age: Age,
        education: Education,
        first_language: LanguageResult,
    ) -> Self {
        Profile {
            assessed_on,
            age,
            partner: None,
            education,
            canadian_education: CanadianEducation::None,
            first_language,
            second_language: None,
            canadian_work_years: 0,
            foreign_work_years: 0,
            certificate_of_qualification: false,
            provincial_nomination: false,
            job_offer: JobOffer::None,
            sibling_in_canada: false,
        }
    }

    /// The age in whole years on the assessment date.
    #[must_use]
    pub fn age_years(&self) -> u8 {
        self.age.on(self.assessed_on)
    }
}

impl fmt::Display for Education {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn age_counts_whole_years_and_leap_birthdays() {
        let born = Age::BornOn(date(2000, 2, 29));
        assert_eq!(born.on(date(2001, 2, 28)), 0);
        assert_eq!(born.on(date(2001, 3, 1)), 1);
        assert_eq!(born.on(date(2004, 2, 29)), 4);
        assert_eq!(born.on(date(1999, 1, 1)), 0);
        assert_eq!(Age::BornOn(date(1996, 5, 10)).on(date(2026, 5, 9)), 29);
        assert_eq!(Age::BornOn(date(1996, 5, 10)).on(date(2026, 5, 10)), 30);
    }

    #[test]
    fn education_order_follows_points() {
        let mut sorted = Education::ALL;
        sorted.sort();
        assert_eq!(sorted, Education::ALL);
        assert_eq!(Education::Doctorate.index(), 7);
    }
}
