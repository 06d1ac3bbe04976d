//! `Breakdown`: a CRS total by section and factor, with each cap shown, and its table form.

use std::fmt;

use jiff::civil::Date;
use serde::Serialize;

use crate::score::CrsScore;

/// A CRS score by section and by factor, every cap applied (crs.md §A–§D).
///
/// Where a cap can bind, both the capped figure and the uncapped sum are kept, so a reader
/// can see what the cap took away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[must_use]
pub struct Breakdown {
    /// The date whose rules were applied.
    pub assessed_on: Date,
    /// Whether the "with spouse" columns were used.
    pub with_partner: bool,
    /// The age in whole years on `assessed_on`.
    pub age_years: u8,
    /// A. Core / human capital factors (at most 460 with a spouse, 500 single).
    pub core: CorePoints,
    /// B. Spouse or partner factors (at most 40; 0 without a partner).
    pub spouse: SpousePoints,
    /// C. Skill transferability (at most 100).
    pub transferability: TransferPoints,
    /// D. Additional points (at most 600).
    pub additional: AdditionalPoints,
    /// The total, at most 1,200.
    pub total: CrsScore,
}

/// A. Core / human capital points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct CorePoints {
    /// Age.
    pub age: u16,
    /// Highest education.
    pub education: u16,
    /// First official language, the four abilities together.
    pub first_language: u16,
    /// First official language per ability: listening, reading, writing, speaking.
    pub first_language_by_ability: [u16; 4],
    /// Second official language, capped at 22 with a spouse and 24 single.
    pub second_language: u16,
    /// Second official language before its cap.
    pub second_language_uncapped: u16,
    /// Canadian work experience.
    pub canadian_work: u16,
    /// The section total.
    pub total: u16,
}

/// B. Spouse or partner points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct SpousePoints {
    /// The partner's education.
    pub education: u16,
    /// The partner's first official language, four abilities together.
    pub language: u16,
    /// The partner's Canadian work experience.
    pub canadian_work: u16,
    /// The section total, at most 40.
    pub total: u16,
}

/// C. Skill transferability points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct TransferPoints {
    /// (a) Education with language.
    pub education_language: u16,
    /// (b) Education with Canadian work.
    pub education_canadian_work: u16,
    /// Education pair, (a) + (b) capped at 50.
    pub education: u16,
    /// (c) Foreign work with language.
    pub foreign_language: u16,
    /// (d) Foreign work with Canadian work.
    pub foreign_canadian_work: u16,
    /// Foreign-work pair, (c) + (d) capped at 50.
    pub foreign_work: u16,
    /// (e) Certificate of qualification with language, at most 50.
    pub certificate: u16,
    /// The three parts before the section cap.
    pub uncapped: u16,
    /// The section total, at most 100.
    pub total: u16,
}

/// D. Additional points.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct AdditionalPoints {
    /// Provincial or territorial nomination.
    pub provincial_nomination: u16,
    /// Arranged employment (none from 2025-03-25).
    pub job_offer: u16,
    /// Canadian post-secondary credential.
    pub canadian_education: u16,
    /// French ability.
    pub french: u16,
    /// Sibling in Canada.
    pub sibling: u16,
    /// The sum before the section cap.
    pub uncapped: u16,
    /// The section total, at most 600.
    pub total: u16,
}

impl Breakdown {
    /// The breakdown as JSON: `total`, `core`, `spouse`, `transferability`, `additional`,
    /// `assessed_on`, and every factor under `detail`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "total": self.total,
            "core": self.core.total,
            "spouse": self.spouse.total,
            "transferability": self.transferability.total,
            "additional": self.additional.total,
            "assessed_on": self.assessed_on,
            "detail": self,
        })
    }

    /// Core plus spouse (capped at 500, which cannot bind).
    #[must_use]
    pub fn core_and_spouse(&self) -> u16 {
        (self.core.total + self.spouse.total).min(500)
    }
}

fn capped(f: &mut fmt::Formatter<'_>, name: &str, value: u16, uncapped: u16) -> fmt::Result {
    if uncapped > value {
        writeln!(f, "  {name:<40}{value:>6}  (capped from {uncapped})")
    } else {
        writeln!(f, "  {name:<40}{value:>6}")
    }
}

impl fmt::Display for Breakdown {
    /// A readable table, one factor a line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = if self.with_partner {
            "with spouse"
        } else {
            "single"
        };
        writeln!(
            f,
            "CRS on {} ({who}, age {})",
            self.assessed_on, self.age_years
        )?;
        let c = &self.core;
        writeln!(f, "A. Core / human capital{:>24}", c.total)?;
        writeln!(f, "  {:<40}{:>6}", "age", c.age)?;
        writeln!(f, "  {:<40}{:>6}", "education", c.education)?;
        let [l, r, w, s] = c.first_language_by_ability;
        let fol = format!("first language (L {l}, R {r}, W {w}, S {s})");
        writeln!(f, "  {fol:<40}{:>6}", c.first_language)?;
        capped(
            f,
            "second language",
            c.second_language,
            c.second_language_uncapped,
        )?;
        writeln!(f, "  {:<40}{:>6}", "Canadian work", c.canadian_work)?;
        let sp = &self.spouse;
        writeln!(f, "B. Spouse or partner{:>27}", sp.total)?;
        if self.with_partner {
            writeln!(f, "  {:<40}{:>6}", "education", sp.education)?;
            writeln!(f, "  {:<40}{:>6}", "language", sp.language)?;
            writeln!(f, "  {:<40}{:>6}", "Canadian work", sp.canadian_work)?;
        }
        let t = &self.transferability;
        writeln!(f, "C. Skill transferability{:>23}", t.total)?;
        let edu = format!(
            "education (a {} + b {})",
            t.education_language, t.education_canadian_work
        );
        capped(
            f,
            &edu,
            t.education,
            t.education_language + t.education_canadian_work,
        )?;
        let fw = format!(
            "foreign work (c {} + d {})",
            t.foreign_language, t.foreign_canadian_work
        );
        capped(
            f,
            &fw,
            t.foreign_work,
            t.foreign_language + t.foreign_canadian_work,
        )?;
        writeln!(
            f,
            "  {:<40}{:>6}",
            "certificate of qualification", t.certificate
        )?;
        if t.uncapped > t.total {
            writeln!(f, "  {:<40}{:>6}", "(section capped from)", t.uncapped)?;
        }
        let a = &self.additional;
        writeln!(f, "D. Additional{:>34}", a.total)?;
        writeln!(
            f,
            "  {:<40}{:>6}",
            "provincial nomination", a.provincial_nomination
        )?;
        writeln!(f, "  {:<40}{:>6}", "arranged employment", a.job_offer)?;
        writeln!(
            f,
            "  {:<40}{:>6}",
            "Canadian education", a.canadian_education
        )?;
        writeln!(f, "  {:<40}{:>6}", "French ability", a.french)?;
        writeln!(f, "  {:<40}{:>6}", "sibling in Canada", a.sibling)?;
        if a.uncapped > a.total {
            writeln!(f, "  {:<40}{:>6}", "(section capped from)", a.uncapped)?;
        }
        write!(f, "Total{:>42}", self.total)
    }
}
