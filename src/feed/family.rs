//! `DrawFamily`: the feed's many `drawName` spellings normalised to one family per kind of round.

use std::fmt;

/// The kind of a round, normalised from the feed's `drawName`.
///
/// IRCC renames categories from year to year ("French language proficiency (Version 1)",
/// "French-Language proficiency 2026-Version 2"); a family groups every spelling of the same
/// kind of round. A name eesim does not recognise is kept as [`DrawFamily::Other`], never
/// dropped.
///
/// # Example
/// ```
/// use eesim::feed::DrawFamily;
///
/// assert_eq!(DrawFamily::from_name("No Program Specified"), DrawFamily::General);
/// assert_eq!(DrawFamily::from_name("French-Language proficiency 2026-Version 2"), DrawFamily::French);
/// assert_eq!(DrawFamily::from_name("Canadian Experience Class").as_str(), "cec");
/// assert_eq!(DrawFamily::from_name("Space occupations").as_str(), "other");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DrawFamily {
    /// All-program rounds ("No Program Specified", "General"): anyone in the pool.
    General,
    /// Canadian Experience Class.
    Cec,
    /// Federal Skilled Worker program.
    Fsw,
    /// Federal Skilled Trades program.
    Fst,
    /// Provincial Nominee Program (nominees only).
    Pnp,
    /// French-language proficiency.
    French,
    /// Healthcare (and social services) occupations.
    Healthcare,
    /// Science, technology, engineering and mathematics occupations.
    Stem,
    /// Trade occupations (the category, not the FST program).
    Trades,
    /// Transport occupations.
    Transport,
    /// Agriculture and agri-food occupations.
    Agriculture,
    /// Education occupations.
    Education,
    /// Physicians with Canadian work experience.
    Physicians,
    /// Senior managers.
    SeniorManagers,
    /// Researchers.
    Researchers,
    /// Skilled military recruits.
    Military,
    /// A name eesim does not recognise, kept as written (HTML removed, spaces collapsed).
    Other(String),
}

/// Keyword rules, tried in order: the first match wins. Physicians come before healthcare
/// and the FST program before the trades category, since their names contain the later
/// keywords.
const RULES: &[(&[&str], DrawFamily)] = &[
    (&["no program specified"], DrawFamily::General),
    (&["canadian experience class"], DrawFamily::Cec),
    (&["federal skilled worker"], DrawFamily::Fsw),
    (&["federal skilled trades"], DrawFamily::Fst),
    (&["provincial nominee"], DrawFamily::Pnp),
    (&["physician"], DrawFamily::Physicians),
    (&["french"], DrawFamily::French),
    (&["healthcare", "health care"], DrawFamily::Healthcare),
    (&["stem occupations"], DrawFamily::Stem),
    (&["trade occupations", "trades"], DrawFamily::Trades),
    (&["transport"], DrawFamily::Transport),
    (&["agricultur", "agri-food"], DrawFamily::Agriculture),
    (&["education"], DrawFamily::Education),
    (&["senior manag"], DrawFamily::SeniorManagers),
    (&["research"], DrawFamily::Researchers),
    (&["military", "armed forces"], DrawFamily::Military),
];

impl DrawFamily {
    /// The family of a feed `drawName`.
    #[must_use]
    pub fn from_name(name: &str) -> DrawFamily {
        let plain = super::parse::plain_text(name);
        let lower = plain.to_lowercase();
        if lower == "general" || lower == "all programs" {
            return DrawFamily::General;
        }
        if lower == "stem" || lower.starts_with("stem ") {
            return DrawFamily::Stem;
        }
        RULES
            .iter()
            .find(|(keys, _)| keys.iter().any(|k| lower.contains(k)))
            .map_or(DrawFamily::Other(plain), |(_, family)| family.clone())
    }

    /// The family's lower-case name, as used in CSV output: `general`, `cec`, ...,
    /// `senior_managers`, and `other` for every unrecognised name.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            DrawFamily::General => "general",
            DrawFamily::Cec => "cec",
            DrawFamily::Fsw => "fsw",
            DrawFamily::Fst => "fst",
            DrawFamily::Pnp => "pnp",
            DrawFamily::French => "french",
            DrawFamily::Healthcare => "healthcare",
            DrawFamily::Stem => "stem",
            DrawFamily::Trades => "trades",
            DrawFamily::Transport => "transport",
            DrawFamily::Agriculture => "agriculture",
            DrawFamily::Education => "education",
            DrawFamily::Physicians => "physicians",
            DrawFamily::SeniorManagers => "senior_managers",
            DrawFamily::Researchers => "researchers",
            DrawFamily::Military => "military",
            DrawFamily::Other(_) => "other",
        }
    }
}

impl fmt::Display for DrawFamily {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::DrawFamily::{self, *};

    #[test]
    fn every_name_of_the_shared_feed_has_its_family() {
        let names = [
            ("No Program Specified", General),
            ("General", General),
            ("Provincial Nominee Program", Pnp),
            ("Canadian Experience Class", Cec),
            ("Federal Skilled Worker", Fsw),
            ("Federal Skilled Trades", Fst),
            ("French language proficiency (Version 1)", French),
            ("French-Language proficiency 2026-Version 2", French),
            ("Healthcare occupations (Version 1)", Healthcare),
            (
                "Healthcare and social services occupations (Version 2)",
                Healthcare,
            ),
            (
                "Healthcare and Social Services Occupations, 2026-Version 3",
                Healthcare,
            ),
            (
                "Physicians with Canadian Work Experience, 2026-Version 1",
                Physicians,
            ),
            ("Trade occupations (Version 1)", Trades),
            ("Trade occupations (Version 2)", Trades),
            ("STEM occupations (Version 1)", Stem),
            ("Transport occupations (Version 1)", Transport),
            (
                "Agriculture and agri-food occupations (Version 1)",
                Agriculture,
            ),
            ("Education occupations (Version 1)", Education),
            ("Senior managers, 2026-Version 1", SeniorManagers),
            ("Researchers, 2026-Version 1", Researchers),
            ("Skilled military recruits, 2026-Version 1", Military),
        ];
        for (name, family) in names {
            assert_eq!(DrawFamily::from_name(name), family, "{name}");
        }
    }

    #[test]
    fn unknown_names_are_kept() {
        let f = DrawFamily::from_name("  Space <b>occupations</b> ");
        assert_eq!(f, Other("Space occupations".into()));
        assert_eq!(f.to_string(), "other");
        assert_eq!(DrawFamily::from_name(""), Other(String::new()));
    }

    #[test]
    fn names_print_lower_case() {
        assert_eq!(SeniorManagers.to_string(), "senior_managers");
        assert_eq!(Healthcare.as_str(), "healthcare");
    }
}
