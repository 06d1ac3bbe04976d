//! The pure calculator: a profile under dated rules → points by section and factor, capped.

use super::breakdown::{AdditionalPoints, Breakdown, CorePoints, SpousePoints, TransferPoints};
use super::language::{Ability, Language, LanguageResult};
use super::profile::{CanadianEducation, Education, JobOffer, Profile};
use super::rules::Rules;
use super::tables::{self, Pair};
use crate::score::CrsScore;

/// Scores `p` under `rules`. No I/O, no randomness, no failure.
pub(crate) fn breakdown(rules: &Rules, p: &Profile) -> Breakdown {
    let with_partner = p.partner.is_some();
    let pick = |pair: Pair| if with_partner { pair.0 } else { pair.1 };
    let age_years = p.age_years();

    let core = core(p, age_years, pick);
    let spouse = spouse(p);
    let transferability = transferability(p);
    let additional = additional(rules, p);

    let core_and_spouse = (core.total + spouse.total).min(tables::CORE_AND_SPOUSE_CAP);
    let total = (core_and_spouse + transferability.total + additional.total).min(tables::TOTAL_CAP);
    Breakdown {
        assessed_on: p.assessed_on,
        with_partner,
        age_years,
        core,
        spouse,
        transferability,
        additional,
        // Every section is capped, so the total is at most 1,200.
        total: CrsScore::new(total).unwrap_or(CrsScore::MAX),
    }
}

fn core(p: &Profile, age_years: u8, pick: impl Fn(Pair) -> u16) -> CorePoints {
    let age = match age_years {
        18..=44 => pick(tables::AGE_FROM_18[usize::from(age_years - 18)]),
        _ => 0,
    };
    let education = pick(tables::EDUCATION[p.education.index()]);
    let first_language_by_ability = Ability::ALL.map(|a| {
        let clb = p.first_language.levels().get(a).get();
        pick(tables::FIRST_LANGUAGE[tables::first_language_step(clb)])
    });
    let first_language: u16 = first_language_by_ability.iter().sum();
    let second_language_uncapped: u16 = p.second_language.map_or(0, |r| {
        r.levels()
            .levels()
            .iter()
            .map(|c| tables::second_language_per_ability(*c))
            .sum()
    });
    let second_language = second_language_uncapped.min(pick(tables::SECOND_LANGUAGE_CAP));
    let canadian_work = pick(tables::CANADIAN_WORK[usize::from(p.canadian_work_years.min(5))]);
    let total = (age + education + first_language + second_language + canadian_work)
        .min(pick(tables::CORE_CAP));
    CorePoints {
        age,
        education,
        first_language,
        first_language_by_ability,
        second_language,
        second_language_uncapped,
        canadian_work,
        total,
    }
}

fn spouse(p: &Profile) -> SpousePoints {
    let Some(partner) = p.partner else {
        return SpousePoints::default();
    };
    let education = tables::SPOUSE_EDUCATION[partner.education.index()];
    let language = partner.language.map_or(0, |r| {
        r.levels()
            .levels()
            .iter()
            .map(|c| tables::SPOUSE_LANGUAGE[tables::four_step(*c)])
            .sum()
    });
    let canadian_work =
        tables::SPOUSE_CANADIAN_WORK[usize::from(partner.canadian_work_years.min(5))];
    SpousePoints {
        education,
        language,
        canadian_work,
        total: (education + language + canadian_work).min(tables::SPOUSE_CAP),
    }
}

/// A transferability group: `Some(0)` for the lower group (E1, F1, L1, C1), `Some(1)` for the
/// higher (E2, F2, L2, C2), `None` for the zero group.
type Group = Option<usize>;

fn combination(group: Group, strength: Group) -> u16 {
    match (group, strength) {
        (Some(g), Some(s)) => tables::TRANSFER_COMBINATION[g][s],
        _ => 0,
    }
}

fn transferability(p: &Profile) -> TransferPoints {
    // crs.md §C: always the first official language, all four abilities.
    let lowest = p.first_language.levels().min();
    let language: Group = match lowest {
        9.. => Some(1),
        7 | 8 => Some(0),
        _ => None,
    };
    // crs.md §C and §H4: a single bachelor's is E1, not E2.
    let education: Group = match p.education {
        Education::BelowSecondary | Education::Secondary => None,
        Education::OneYear | Education::TwoYear | Education::Bachelors => Some(0),
        Education::TwoOrMore | Education::Masters | Education::Doctorate => Some(1),
    };
    let canadian: Group = match p.canadian_work_years {
        0 => None,
        1 => Some(0),
        _ => Some(1),
    };
    let foreign: Group = match p.foreign_work_years {
        0 => None,
        1 | 2 => Some(0),
        _ => Some(1),
    };
    let education_language = combination(education, language);
    let education_canadian_work = combination(education, canadian);
    let foreign_language = combination(foreign, language);
    let foreign_canadian_work = combination(foreign, canadian);
    let certificate = match (p.certificate_of_qualification, lowest) {
        (true, 7..) => tables::TRANSFER_CERTIFICATE[1],
        (true, 5 | 6) => tables::TRANSFER_CERTIFICATE[0],
        _ => 0,
    };
    let education_total =
        (education_language + education_canadian_work).min(tables::TRANSFER_SUBCAP);
    let foreign_total = (foreign_language + foreign_canadian_work).min(tables::TRANSFER_SUBCAP);
    let certificate = certificate.min(tables::TRANSFER_SUBCAP);
    let uncapped = education_total + foreign_total + certificate;
    TransferPoints {
        education_language,
        education_canadian_work,
        education: education_total,
        foreign_language,
        foreign_canadian_work,
        foreign_work: foreign_total,
        certificate,
        uncapped,
        total: uncapped.min(tables::TRANSFER_CAP),
    }
}

fn result_in(p: &Profile, language: Language) -> Option<LanguageResult> {
    [Some(p.first_language), p.second_language]
        .into_iter()
        .flatten()
        .find(|r| r.language() == language)
}

fn additional(rules: &Rules, p: &Profile) -> AdditionalPoints {
    let provincial_nomination = if p.provincial_nomination {
        tables::PROVINCIAL_NOMINATION
    } else {
        0
    };
    let job_offer = match (rules.job_offer_points(), p.job_offer) {
        (Some((senior, _)), JobOffer::Teer0MajorGroup00) => senior,
        (Some((_, other)), JobOffer::OtherTeer0To3) => other,
        _ => 0,
    };
    let canadian_education = match (rules.canadian_education_points(), p.canadian_education) {
        (Some((short, _)), CanadianEducation::OneOrTwoYear) => short,
        (Some((_, long)), CanadianEducation::ThreeYearOrMore) => long,
        _ => 0,
    };
    // crs.md §D: NCLC 7+ on all four French abilities, French as first or second language;
    // the higher amount when English is CLB 5+ on all four.
    let french = match rules.french_points() {
        Some((lower, higher))
            if result_in(p, Language::French).is_some_and(|r| r.levels().min() >= 7) =>
        {
            if result_in(p, Language::English).is_some_and(|r| r.levels().min() >= 5) {
                higher
            } else {
                lower
            }
        }
        _ => 0,
    };
    let sibling = match rules.sibling_points() {
        Some(points) if p.sibling_in_canada => points,
        _ => 0,
    };
    let uncapped = provincial_nomination + job_offer + canadian_education + french + sibling;
    AdditionalPoints {
        provincial_nomination,
        job_offer,
        canadian_education,
        french,
        sibling,
        uncapped,
        total: uncapped.min(tables::ADDITIONAL_CAP),
    }
}

impl Rules {
    /// Scores `profile` under these rules (its age is taken on its `assessed_on` date).
    ///
    /// # Example
    /// ```
    /// use eesim::crs::{Age, Education, LanguageResult, LanguageTest, Profile, Rules};
    /// use jiff::civil::date;
    ///
    /// let english = LanguageResult::new(LanguageTest::Ielts, [8.0, 7.0, 7.0, 7.0])?;
    /// let p = Profile::new(date(2026, 3, 1), Age::Years(29), Education::Masters, english);
    /// let b = Rules::on(p.assessed_on)?.score(&p);
    /// // age 110 + master's 135 + 4 × 31 (CLB 9) + E2 × L2 50 = 419
    /// assert_eq!(b.total.get(), 419);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn score(&self, profile: &Profile) -> Breakdown {
        breakdown(self, profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crs::{Age, ClbLevels, Partner};
    use jiff::civil::date;

    fn clb(language: Language, level: u8) -> LanguageResult {
        LanguageResult::from_levels(language, ClbLevels::all(level).unwrap())
    }

    #[test]
    fn second_language_cap_bites_only_with_a_partner() {
        let mut p = Profile::new(
            date(2026, 1, 1),
            Age::Years(30),
            Education::Secondary,
            clb(Language::English, 4),
        );
        p.second_language = Some(clb(Language::French, 9));
        let rules = Rules::on(p.assessed_on).unwrap();
        assert_eq!(rules.score(&p).core.second_language, 24);
        p.partner = Some(Partner {
            education: Education::BelowSecondary,
            language: None,
            canadian_work_years: 0,
        });
        let b = rules.score(&p);
        assert_eq!(
            (b.core.second_language, b.core.second_language_uncapped),
            (22, 24)
        );
    }

    #[test]
    fn certificate_needs_clb_5() {
        let mut p = Profile::new(
            date(2026, 1, 1),
            Age::Years(30),
            Education::Secondary,
            clb(Language::English, 4),
        );
        p.certificate_of_qualification = true;
        let rules = Rules::on(p.assessed_on).unwrap();
        assert_eq!(rules.score(&p).transferability.certificate, 0);
        p.first_language = clb(Language::English, 5);
        assert_eq!(rules.score(&p).transferability.certificate, 25);
        p.first_language = clb(Language::English, 7);
        assert_eq!(rules.score(&p).transferability.certificate, 50);
    }
}
