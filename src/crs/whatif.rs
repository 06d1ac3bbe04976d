//! What-if: the improvements a candidate can act on, each as a changed profile.

use super::language::{Ability, Clb, ClbLevels, Language, LanguageResult};
use super::profile::{Education, Profile};
use crate::error::Result;
use crate::family::{Family, Membership};

/// One improvement a candidate can make, and the profile it gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Improvement {
    /// What changes, in words (`first language reading CLB 8 -> 9`).
    pub label: String,
    /// The profile with the change.
    pub profile: Profile,
}

/// The CLB level at which a French result opens the French-language category (NCLC 7 in all
/// four abilities).
pub const FRENCH_CATEGORY_NCLC: u8 = 7;

/// Whether a profile qualifies for the French-language proficiency category: a French
/// result (first or second language) at NCLC 7 or more in every ability.
#[must_use]
pub fn qualifies_for_french(profile: &Profile) -> bool {
    std::iter::once(profile.first_language)
        .chain(profile.second_language)
        .any(|r| r.language() == Language::French && r.levels().min() >= FRENCH_CATEGORY_NCLC)
}

/// The improvements a candidate can act on, each applied alone to `profile`: each
/// first-language ability up one level; all first-language abilities to CLB 9, and to 10;
/// French at NCLC 7 in every ability (as a second language, or raising an existing French
/// result); one more year of Canadian work; a second post-secondary credential (for a
/// bachelor's holder); a provincial nomination. Improvements that change nothing are left
/// out.
///
/// # Errors
/// None in practice (levels stay within 0 to 12).
///
/// # Example
/// ```
/// use eesim::crs::{improvements, Age, Education, LanguageResult, LanguageTest, Profile};
/// use jiff::civil::date;
///
/// let english = LanguageResult::new(LanguageTest::Ielts, [8.0, 7.0, 7.0, 7.0])?;
/// let p = Profile::new(date(2026, 3, 1), Age::Years(29), Education::Masters, english);
/// let labels: Vec<String> = improvements(&p)?.into_iter().map(|i| i.label).collect();
/// assert!(labels.contains(&"one more year of Canadian work (0 -> 1)".to_string()));
/// assert!(labels.contains(&"French at NCLC 7 in all abilities".to_string()));
/// # Ok::<(), eesim::Error>(())
/// ```
pub fn improvements(profile: &Profile) -> Result<Vec<Improvement>> {
    let mut out = Vec::new();
    let mut push = |label: String, p: Profile| {
        if p != *profile {
            out.push(Improvement { label, profile: p });
        }
    };
    let first = profile.first_language;
    for ability in Ability::ALL {
        let level = first.levels().get(ability).get();
        if level < 10 {
            let mut p = *profile;
            p.first_language = first.with_level(ability, Clb::new(level + 1)?);
            push(
                format!(
                    "first language {} CLB {level} -> {}",
                    ability.name(),
                    level + 1
                ),
                p,
            );
        }
    }
    for target in [9, 10] {
        if first.levels().min() < target {
            let mut levels = first.levels();
            for ability in Ability::ALL {
                if levels.get(ability).get() < target {
                    levels.set(ability, Clb::new(target)?);
                }
            }
            let mut p = *profile;
            p.first_language = LanguageResult::from_levels(first.language(), levels);
            push(format!("first language CLB {target} in all abilities"), p);
        }
    }
    if !qualifies_for_french(profile) {
        let mut p = *profile;
        let seven = Clb::new(FRENCH_CATEGORY_NCLC)?;
        let at_least_7 = |r: LanguageResult| {
            let mut levels = r.levels();
            for ability in Ability::ALL {
                if levels.get(ability).get() < FRENCH_CATEGORY_NCLC {
                    levels.set(ability, seven);
                }
            }
            LanguageResult::from_levels(Language::French, levels)
        };
        if first.language() == Language::French {
            p.first_language = at_least_7(first);
        } else {
            let base = profile
                .second_language
                .unwrap_or(LanguageResult::from_levels(
                    Language::French,
                    ClbLevels::all(0)?,
                ));
            p.second_language = Some(at_least_7(base));
        }
        push("French at NCLC 7 in all abilities".into(), p);
    }
    let mut p = *profile;
    p.canadian_work_years = profile.canadian_work_years.saturating_add(1);
    push(
        format!(
            "one more year of Canadian work ({} -> {})",
            profile.canadian_work_years, p.canadian_work_years
        ),
        p,
    );
    if profile.education == Education::Bachelors {
        let mut p = *profile;
        p.education = Education::TwoOrMore;
        push("a second post-secondary credential".into(), p);
    }
    if !profile.provincial_nomination {
        let mut p = *profile;
        p.provincial_nomination = true;
        push("a provincial nomination".into(), p);
    }
    Ok(out)
}

impl Profile {
    /// `base` (programs, categories, nomination) with what this profile adds: the French
    /// category for French at [`FRENCH_CATEGORY_NCLC`] in every ability, and a provincial
    /// nomination when it has one.
    ///
    /// # Example
    /// ```
    /// use eesim::crs::Profile;
    /// use eesim::{Family, Membership};
    ///
    /// let profile = Profile::from_toml(r#"
    ///     assessed_on = "2026-03-01"
    ///     age = 30
    ///     education = "bachelors"
    ///     first_language = { test = "clb", listening = 9, reading = 9, writing = 9, speaking = 9 }
    ///     provincial_nomination = true
    /// "#)?;
    /// let m = profile.membership(Membership::from_names(["cec"], Vec::<&str>::new())?);
    /// assert!(m.nominee() && !m.categories().contains(&Family::FRENCH));
    /// # Ok::<(), eesim::Error>(())
    /// ```
    #[must_use]
    pub fn membership(&self, base: Membership) -> Membership {
        let m = if qualifies_for_french(self) {
            base.add_category(Family::FRENCH)
        } else {
            base
        };
        if self.provincial_nomination {
            m.with_nominee(true)
        } else {
            m
        }
    }
}
