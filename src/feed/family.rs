//! The feed's many `drawName` spellings normalised to one [`Family`] per kind of round.

use crate::family::Family;

/// Keyword rules, tried in order: the first match wins. Physicians come before healthcare
/// and the FST program before the trades category, since their names contain the later
/// keywords.
const RULES: &[(&[&str], Family)] = &[
    (&["no program specified"], Family::GENERAL),
    (&["canadian experience class"], Family::CEC),
    (&["federal skilled worker"], Family::FSW),
    (&["federal skilled trades"], Family::FST),
    (&["provincial nominee"], Family::PNP),
    (&["physician"], Family::known("physicians")),
    (&["french"], Family::FRENCH),
    (&["healthcare", "health care"], Family::HEALTHCARE),
    (&["stem occupations"], Family::known("stem")),
    (&["trade occupations", "trades"], Family::known("trades")),
    (&["transport"], Family::known("transport")),
    (&["agricultur", "agri-food"], Family::known("agriculture")),
    (&["education"], Family::known("education")),
    (&["senior manag"], Family::known("senior_managers")),
    (&["research"], Family::known("researchers")),
    (&["military", "armed forces"], Family::known("military")),
];

/// The family of a feed `drawName`.
///
/// IRCC renames categories from year to year ("French language proficiency (Version 1)",
/// "French-Language proficiency 2026-Version 2"); a family groups every spelling of the same
/// kind of round. A name eesim does not recognise is [`Family::OTHER`]; the round keeps its
/// name as written ([`crate::feed::DrawRecord::name`]), never dropped.
///
/// # Example
/// ```
/// use eesim::Family;
/// use eesim::feed::family_of_draw_name;
///
/// assert_eq!(family_of_draw_name("No Program Specified"), Family::GENERAL);
/// assert_eq!(family_of_draw_name("French-Language proficiency 2026-Version 2"), Family::FRENCH);
/// assert_eq!(family_of_draw_name("Canadian Experience Class").as_str(), "cec");
/// assert_eq!(family_of_draw_name("Space occupations"), Family::OTHER);
/// ```
#[must_use]
pub fn family_of_draw_name(name: &str) -> Family {
    let plain = super::parse::plain_text(name);
    let lower = plain.to_lowercase();
    if lower == "general" || lower == "all programs" {
        return Family::GENERAL;
    }
    if lower == "stem" || lower.starts_with("stem ") {
        return Family::known("stem");
    }
    RULES
        .iter()
        .find(|(keys, _)| keys.iter().any(|k| lower.contains(k)))
        .map_or(Family::OTHER, |(_, family)| family.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_of_the_shared_feed_has_its_family() {
        let names = [
            ("No Program Specified", "general"),
            ("General", "general"),
            ("Provincial Nominee Program", "pnp"),
            ("Canadian Experience Class", "cec"),
            ("Federal Skilled Worker", "fsw"),
            ("Federal Skilled Trades", "fst"),
            ("French language proficiency (Version 1)", "french"),
            ("French-Language proficiency 2026-Version 2", "french"),
            ("Healthcare occupations (Version 1)", "healthcare"),
            (
                "Healthcare and social services occupations (Version 2)",
                "healthcare",
            ),
            (
                "Healthcare and Social Services Occupations, 2026-Version 3",
                "healthcare",
            ),
            (
                "Physicians with Canadian Work Experience, 2026-Version 1",
                "physicians",
            ),
            ("Trade occupations (Version 1)", "trades"),
            ("Trade occupations (Version 2)", "trades"),
            ("STEM occupations (Version 1)", "stem"),
            ("Transport occupations (Version 1)", "transport"),
            (
                "Agriculture and agri-food occupations (Version 1)",
                "agriculture",
            ),
            ("Education occupations (Version 1)", "education"),
            ("Senior managers, 2026-Version 1", "senior_managers"),
            ("Researchers, 2026-Version 1", "researchers"),
            ("Skilled military recruits, 2026-Version 1", "military"),
        ];
        for (name, family) in names {
            assert_eq!(family_of_draw_name(name).as_str(), family, "{name}");
        }
    }

    #[test]
    fn unknown_names_are_other() {
        assert_eq!(
            family_of_draw_name("  Space <b>occupations</b> "),
            Family::OTHER
        );
        assert_eq!(family_of_draw_name(""), Family::OTHER);
    }

    #[test]
    fn every_rule_names_a_valid_family() {
        for (_, f) in RULES {
            assert_eq!(Family::new(f.as_str()).ok().as_ref(), Some(f));
        }
    }
}
