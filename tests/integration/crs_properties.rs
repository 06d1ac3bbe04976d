//! CRS properties: caps hold, improvements never cost points, the 2025 rule change is narrow.

use eesim::crs::{
    Ability, Age, CanadianEducation, Clb, ClbLevels, Education, JobOffer, Language, LanguageResult,
    LanguageTest, Partner, Profile, Rules, TefScale,
};
use jiff::civil::{Date, date};
use proptest::prelude::*;

/// Levels per ability; half the time all four alike, so that the conditions on all four
/// (transferability bands, the French points, the second-language cap) are often met.
fn levels() -> impl Strategy<Value = ClbLevels> {
    let per_ability = prop::array::uniform4(0_u8..=12);
    let alike = (0_u8..=12).prop_map(|n| [n; 4]);
    prop_oneof![per_ability, alike].prop_map(|[l, r, w, s]| ClbLevels {
        listening: Clb::new(l).unwrap(),
        reading: Clb::new(r).unwrap(),
        writing: Clb::new(w).unwrap(),
        speaking: Clb::new(s).unwrap(),
    })
}

fn language() -> impl Strategy<Value = Language> {
    prop_oneof![Just(Language::English), Just(Language::French)]
}

fn partner() -> impl Strategy<Value = Partner> {
    (
        prop::sample::select(Education::ALL.to_vec()),
        prop::option::of((language(), levels())),
        0_u8..8,
    )
        .prop_map(|(education, lang, canadian_work_years)| Partner {
            education,
            language: lang.map(|(l, v)| LanguageResult::from_levels(l, v)),
            canadian_work_years,
        })
}

fn assessed_on() -> impl Strategy<Value = Date> {
    (0_i32..12 * 366).prop_map(|days| {
        date(2015, 1, 1)
            .checked_add(jiff::Span::new().days(days))
            .unwrap()
    })
}

prop_compose! {
    fn profile()(
        assessed_on in assessed_on(),
        age in 15_u8..50,
        partner in prop::option::of(partner()),
        education in prop::sample::select(Education::ALL.to_vec()),
        canadian_education in prop::sample::select(CanadianEducation::ALL.to_vec()),
        first_lang in language(),
        first in levels(),
        second in prop::option::of(levels()),
        canadian_work_years in 0_u8..8,
        foreign_work_years in 0_u8..8,
        flags in prop::array::uniform3(any::<bool>()),
        job_offer in prop::sample::select(JobOffer::ALL.to_vec()),
    ) -> Profile {
        let mut p = Profile::new(
            assessed_on,
            Age::Years(age),
            education,
            LanguageResult::from_levels(first_lang, first),
        );
        p.partner = partner;
        p.canadian_education = canadian_education;
        p.second_language = second.map(|l| LanguageResult::from_levels(first_lang.other(), l));
        p.canadian_work_years = canadian_work_years;
        p.foreign_work_years = foreign_work_years;
        [p.certificate_of_qualification, p.provincial_nomination, p.sibling_in_canada] = flags;
        p.job_offer = job_offer;
        p
    }
}

fn up<T: Copy + PartialEq>(all: &[T], x: T) -> T {
    let i = all.iter().position(|v| *v == x).unwrap();
    all[(i + 1).min(all.len() - 1)]
}

fn raise(r: LanguageResult, ability: Ability) -> LanguageResult {
    let next = (r.levels().get(ability).get() + 1).min(12);
    r.with_level(ability, Clb::new(next).unwrap())
}

/// The profile with one factor improved by one step (the factor picked by `which`).
fn improve(mut p: Profile, which: usize, ability: Ability) -> Profile {
    match which {
        0 => p.education = up(&Education::ALL, p.education),
        1 => p.canadian_education = up(&CanadianEducation::ALL, p.canadian_education),
        2 => p.first_language = raise(p.first_language, ability),
        3 => {
            let other = p.first_language.language().other();
            let none = LanguageResult::from_levels(other, ClbLevels::all(0).unwrap());
            p.second_language = Some(raise(p.second_language.unwrap_or(none), ability));
        }
        4 => p.canadian_work_years += 1,
        5 => p.foreign_work_years += 1,
        6 => p.certificate_of_qualification = true,
        7 => p.provincial_nomination = true,
        8 => p.sibling_in_canada = true,
        9 => p.job_offer = up(&JobOffer::ALL, p.job_offer),
        10 => {
            if let Some(partner) = p.partner.as_mut() {
                partner.education = up(&Education::ALL, partner.education);
            }
        }
        11 => {
            if let Some(partner) = p.partner.as_mut() {
                let none =
                    LanguageResult::from_levels(Language::English, ClbLevels::all(0).unwrap());
                partner.language = Some(raise(partner.language.unwrap_or(none), ability));
            }
        }
        _ => {
            if let Some(partner) = p.partner.as_mut() {
                partner.canadian_work_years += 1;
            }
        }
    }
    p
}

proptest! {
    #[test]
    fn prop_sections_never_exceed_their_caps(p in profile()) {
        let b = p.breakdown().unwrap();
        let with = p.partner.is_some();
        let (core_cap, second_cap) = if with { (460, 22) } else { (500, 24) };
        prop_assert!(b.core.total <= core_cap);
        prop_assert!(b.core.second_language <= second_cap);
        prop_assert!(b.spouse.total <= 40);
        prop_assert!(with || b.spouse.total == 0);
        prop_assert!(b.transferability.education <= 50);
        prop_assert!(b.transferability.foreign_work <= 50);
        prop_assert!(b.transferability.certificate <= 50);
        prop_assert!(b.transferability.total <= 100);
        prop_assert!(b.additional.total <= 600);
        prop_assert!(b.total.get() <= 1200);
        prop_assert_eq!(
            b.total.get(),
            b.core.total + b.spouse.total + b.transferability.total + b.additional.total
        );
    }

    #[test]
    fn prop_improving_one_factor_never_lowers_the_total(
        p in profile(),
        which in 0_usize..13,
        ability in prop::sample::select(Ability::ALL.to_vec()),
    ) {
        let better = improve(p, which, ability);
        let rules = Rules::on(p.assessed_on).unwrap();
        let (before, after) = (rules.score(&p), rules.score(&better));
        prop_assert!(
            after.total >= before.total,
            "factor {} ({:?}): {} -> {}", which, ability, before.total, after.total
        );
    }

    #[test]
    fn prop_2025_03_25_changes_only_the_job_offer_points(p in profile()) {
        let before = Rules::on(date(2025, 3, 24)).unwrap().score(&p);
        let after = Rules::on(date(2025, 3, 25)).unwrap().score(&p);
        prop_assert_eq!(before.core, after.core);
        prop_assert_eq!(before.spouse, after.spouse);
        prop_assert_eq!(before.transferability, after.transferability);
        prop_assert_eq!(after.additional.job_offer, 0);
        let mut same = before.additional;
        same.job_offer = 0;
        same.uncapped -= before.additional.job_offer;
        same.total = same.uncapped.min(600);
        prop_assert_eq!(same, after.additional);
        prop_assert_eq!(
            before.total.get() - after.total.get(),
            before.additional.total - after.additional.total
        );
        if p.job_offer == JobOffer::None {
            prop_assert_eq!(before.total, after.total);
        }
    }

    #[test]
    fn prop_a_higher_test_score_never_gives_a_lower_clb(
        test in prop::sample::select(vec![
            LanguageTest::Ielts, LanguageTest::Celpip, LanguageTest::PteCore,
            LanguageTest::Tef(TefScale::Current), LanguageTest::Tef(TefScale::Since2019),
            LanguageTest::Tef(TefScale::Old), LanguageTest::Tcf,
        ]),
        ability in prop::sample::select(Ability::ALL.to_vec()),
        a in 0_u16..=699,
        b in 0_u16..=699,
    ) {
        let step = if test == LanguageTest::Ielts { 0.5 } else { 1.0 };
        let (lo, hi) = (f64::from(a.min(b)) * step, f64::from(a.max(b)) * step);
        if let (Ok(l), Ok(h)) = (test.clb(ability, lo), test.clb(ability, hi)) {
            prop_assert!(l <= h, "{test} {ability}: {lo} -> {l}, {hi} -> {h}");
        }
    }
}
