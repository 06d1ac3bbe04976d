//! Language test results converted to CLB/NCLC levels, one ability at a time.

use std::fmt::{self, Write as _};

use serde::{Deserialize, Serialize};

use super::tables::{self, Thresholds};
use crate::error::{ErrorKind, Result};

/// One of Canada's official languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English (CLB).
    English,
    /// French (NCLC).
    French,
}

impl Language {
    /// The lower-case name (`english`, `french`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Language::English => "english",
            Language::French => "french",
        }
    }

    /// The other official language.
    #[must_use]
    pub fn other(self) -> Language {
        match self {
            Language::English => Language::French,
            Language::French => Language::English,
        }
    }
}

/// Which TEF Canada scale a score is on (crs.md §E4 and §H2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TefScale {
    /// Tests taken from 2023-12-11, scored out of 699.
    #[serde(rename = "current")]
    Current,
    /// Tests taken from 2019-10-01 to 2023-12-10, scored out of 699.
    #[serde(rename = "2019")]
    Since2019,
    /// The "équivalence ancien score" printed on certificates, which the IRCC profile asks for.
    #[serde(rename = "old")]
    Old,
}

/// A language test IRCC accepts for Express Entry, or CLB/NCLC levels given directly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LanguageTest {
    /// IELTS General Training (bands 0 to 9 in steps of 0.5).
    Ielts,
    /// CELPIP-General (levels 0 to 12; 10 to 12 are CLB 10).
    Celpip,
    /// PTE Core (scores 10 to 90).
    PteCore,
    /// TEF Canada on the given scale.
    Tef(TefScale),
    /// TCF Canada (reading and listening out of 699, writing and speaking out of 20).
    Tcf,
    /// CLB (English) or NCLC (French) levels given directly, 0 to 12.
    Clb(Language),
}

/// One of the four language abilities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ability {
    /// Listening.
    Listening,
    /// Reading.
    Reading,
    /// Writing.
    Writing,
    /// Speaking.
    Speaking,
}

impl Ability {
    /// The four abilities in profile-file order.
    pub const ALL: [Ability; 4] = [
        Ability::Listening,
        Ability::Reading,
        Ability::Writing,
        Ability::Speaking,
    ];

    /// The lower-case name, as in profile files.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Ability::Listening => "listening",
            Ability::Reading => "reading",
            Ability::Writing => "writing",
            Ability::Speaking => "speaking",
        }
    }
}

impl fmt::Display for Ability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl LanguageTest {
    /// The official language the test measures.
    #[must_use]
    pub fn language(self) -> Language {
        match self {
            LanguageTest::Ielts | LanguageTest::Celpip | LanguageTest::PteCore => Language::English,
            LanguageTest::Tef(_) | LanguageTest::Tcf => Language::French,
            LanguageTest::Clb(language) => language,
        }
    }

    /// The test's name, as in error messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            LanguageTest::Ielts => "IELTS General Training",
            LanguageTest::Celpip => "CELPIP-General",
            LanguageTest::PteCore => "PTE Core",
            LanguageTest::Tef(TefScale::Current) => "TEF Canada (tests from 2023-12-11)",
            LanguageTest::Tef(TefScale::Since2019) => "TEF Canada (2019-10-01 to 2023-12-10)",
            LanguageTest::Tef(TefScale::Old) => "TEF Canada (ancien score)",
            LanguageTest::Tcf => "TCF Canada",
            LanguageTest::Clb(Language::English) => "CLB",
            LanguageTest::Clb(Language::French) => "NCLC",
        }
    }

    /// The CLB/NCLC level of `score` in `ability` (crs.md §E): a score between two table
    /// values maps to the lower level; below the CLB 4 minimum gives level 0.
    ///
    /// # Errors
    /// [`ErrorKind::LanguageScore`] when the score is outside the test's range or not one of
    /// its steps, naming the test, the ability and the value.
    ///
    /// # Example
    /// ```
    /// use eesim::crs::{Ability, LanguageTest};
    ///
    /// assert_eq!(LanguageTest::Ielts.clb(Ability::Listening, 8.0)?.get(), 9);
    /// let e = LanguageTest::Ielts.clb(Ability::Reading, 9.5).unwrap_err();
    /// assert_eq!(e.to_string(), "reading: expected an IELTS band from 0 to 9 in steps of 0.5, found 9.5");
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn clb(self, ability: Ability, score: f64) -> Result<Clb> {
        let (unit, lo, hi, expected) = self.range(ability);
        let scaled = score * f64::from(unit);
        let whole = scaled.round();
        let in_range = whole == scaled && whole >= f64::from(lo) && whole <= f64::from(hi);
        // A whole number a CLB level could be, on a test whose scores it cannot be (or, for
        // TEF and TCF's scores out of 699, on which no real result is that low).
        let level_like = score.fract() == 0.0 && (0.0..=12.0).contains(&score);
        let implausible = level_like
            && score >= 1.0
            && (matches!(self, LanguageTest::Tef(_))
                || (self == LanguageTest::Tcf
                    && matches!(ability, Ability::Reading | Ability::Listening)));
        if !in_range || implausible {
            let mut found = format_score(score);
            if level_like && !matches!(self, LanguageTest::Clb(_)) {
                let (level, lang) = match self.language() {
                    Language::French => ("an NCLC level", "french"),
                    Language::English => ("a CLB level", "english"),
                };
                let _ = write!(
                    found,
                    ", which looks like {level} (for levels, give test = \"clb\", language = \"{lang}\")"
                );
            }
            return Err(ErrorKind::LanguageScore {
                test: self.name(),
                ability: ability.name(),
                expected,
                found,
            }
            .into());
        }
        // `whole` is an integer within lo..=hi, both u16.
        let value = whole as u16;
        let level = match self.thresholds() {
            Some(t) => level_from(pick(&t, ability), value),
            None => u8::try_from(value).unwrap_or(12).min(12),
        };
        let level = match self {
            LanguageTest::Celpip => level.min(10),
            _ => level,
        };
        Ok(Clb(level))
    }

    /// What a valid score for `ability` looks like, naming the test.
    pub(crate) fn expected(self, ability: Ability) -> String {
        self.range(ability).3
    }

    /// `(steps per unit, lowest, highest, expected)`: the accepted scores are
    /// `lowest / steps ..= highest / steps` in steps of `1 / steps`.
    fn range(self, ability: Ability) -> (u16, u16, u16, String) {
        let out_of =
            |lo: u16, hi: u16, what: &str| (1, lo, hi, format!("{what} from {lo} to {hi}"));
        match self {
            LanguageTest::Ielts => (2, 0, 18, "an IELTS band from 0 to 9 in steps of 0.5".into()),
            LanguageTest::Celpip => out_of(0, 12, "a CELPIP-General level"),
            LanguageTest::PteCore => out_of(10, 90, "a PTE Core score"),
            LanguageTest::Tef(TefScale::Current) | LanguageTest::Tef(TefScale::Since2019) => {
                out_of(0, 699, "a TEF Canada score")
            }
            LanguageTest::Tef(TefScale::Old) => {
                let hi = match ability {
                    Ability::Reading => 300,
                    Ability::Listening => 360,
                    Ability::Writing | Ability::Speaking => 450,
                };
                out_of(0, hi, "a TEF Canada ancien score")
            }
            LanguageTest::Tcf => match ability {
                Ability::Reading | Ability::Listening => out_of(0, 699, "a TCF Canada score"),
                Ability::Writing | Ability::Speaking => out_of(0, 20, "a TCF Canada score"),
            },
            LanguageTest::Clb(Language::English) => out_of(0, 12, "a CLB level"),
            LanguageTest::Clb(Language::French) => out_of(0, 12, "an NCLC level"),
        }
    }

    fn thresholds(self) -> Option<Thresholds> {
        match self {
            LanguageTest::Ielts => Some(tables::IELTS_HALF_BANDS),
            LanguageTest::PteCore => Some(tables::PTE_CORE),
            LanguageTest::Tef(TefScale::Current) => Some(tables::TEF_CURRENT),
            LanguageTest::Tef(TefScale::Since2019) => Some(tables::TEF_2019),
            LanguageTest::Tef(TefScale::Old) => Some(tables::TEF_OLD),
            LanguageTest::Tcf => Some(tables::TCF),
            LanguageTest::Celpip | LanguageTest::Clb(_) => None,
        }
    }
}

fn pick(t: &Thresholds, ability: Ability) -> &[u16; 7] {
    match ability {
        Ability::Listening => &t.listening,
        Ability::Reading => &t.reading,
        Ability::Writing => &t.writing,
        Ability::Speaking => &t.speaking,
    }
}

/// The highest CLB whose minimum `value` reaches (4 to 10), or 0 below CLB 4.
fn level_from(minimums: &[u16; 7], value: u16) -> u8 {
    let reached = minimums.iter().take_while(|m| value >= **m).count();
    // `reached` is at most 7, so the level is at most 10.
    match reached {
        0 => 0,
        n => 3 + n as u8,
    }
}

fn format_score(score: f64) -> String {
    format!("{score}")
}

impl fmt::Display for LanguageTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A CLB (English) or NCLC (French) level, 0 to 12; 0 stands for "below CLB 4" when a test's
/// table starts at 4. Every points table treats levels below 4 alike and 10 and above alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Clb(u8);

impl Clb {
    /// A level from 0 to 12.
    ///
    /// # Errors
    /// [`ErrorKind::LanguageScore`] above 12.
    pub fn new(level: u8) -> Result<Self> {
        if level <= 12 {
            Ok(Clb(level))
        } else {
            Err(ErrorKind::LanguageScore {
                test: "CLB",
                ability: "level",
                expected: "a CLB level from 0 to 12".into(),
                found: level.to_string(),
            }
            .into())
        }
    }

    /// The level.
    #[must_use]
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Clb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// CLB/NCLC levels for the four abilities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClbLevels {
    /// Listening.
    pub listening: Clb,
    /// Reading.
    pub reading: Clb,
    /// Writing.
    pub writing: Clb,
    /// Speaking.
    pub speaking: Clb,
}

impl ClbLevels {
    /// The same level for all four abilities.
    ///
    /// # Errors
    /// [`ErrorKind::LanguageScore`] above 12.
    pub fn all(level: u8) -> Result<Self> {
        let c = Clb::new(level)?;
        Ok(ClbLevels {
            listening: c,
            reading: c,
            writing: c,
            speaking: c,
        })
    }

    /// The level for one ability.
    #[must_use]
    pub fn get(&self, ability: Ability) -> Clb {
        match ability {
            Ability::Listening => self.listening,
            Ability::Reading => self.reading,
            Ability::Writing => self.writing,
            Ability::Speaking => self.speaking,
        }
    }

    /// Sets the level for one ability.
    pub fn set(&mut self, ability: Ability, level: Clb) {
        match ability {
            Ability::Listening => self.listening = level,
            Ability::Reading => self.reading = level,
            Ability::Writing => self.writing = level,
            Ability::Speaking => self.speaking = level,
        }
    }

    /// The four levels as numbers, in [`Ability::ALL`] order.
    #[must_use]
    pub fn levels(&self) -> [u8; 4] {
        Ability::ALL.map(|a| self.get(a).get())
    }

    /// The lowest of the four levels.
    #[must_use]
    pub fn min(&self) -> u8 {
        self.levels().into_iter().min().unwrap_or(0)
    }
}

/// A language result: the test taken (which fixes the language) and its CLB/NCLC levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LanguageResult {
    test: LanguageTest,
    levels: ClbLevels,
}

impl LanguageResult {
    /// Converts the four scores of one test, in [`Ability::ALL`] order (listening, reading,
    /// writing, speaking).
    ///
    /// # Errors
    /// [`ErrorKind::LanguageScore`] for the first score out of the test's range.
    ///
    /// # Example
    /// ```
    /// use eesim::crs::{LanguageResult, LanguageTest};
    ///
    /// let r = LanguageResult::new(LanguageTest::Ielts, [8.0, 7.0, 7.0, 7.0])?;
    /// assert_eq!(r.levels().levels(), [9, 9, 9, 9]);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn new(test: LanguageTest, scores: [f64; 4]) -> Result<Self> {
        let mut levels = ClbLevels::all(0)?;
        for (ability, score) in Ability::ALL.into_iter().zip(scores) {
            levels.set(ability, test.clb(ability, score)?);
        }
        Ok(LanguageResult { test, levels })
    }

    /// Levels given directly, as CLB (English) or NCLC (French).
    #[must_use]
    pub fn from_levels(language: Language, levels: ClbLevels) -> Self {
        LanguageResult {
            test: LanguageTest::Clb(language),
            levels,
        }
    }

    /// A result whose levels were already converted from `test`'s scores.
    pub(crate) fn with_levels(test: LanguageTest, levels: ClbLevels) -> Self {
        LanguageResult { test, levels }
    }

    /// The test taken.
    #[must_use]
    pub fn test(&self) -> LanguageTest {
        self.test
    }

    /// The language tested.
    #[must_use]
    pub fn language(&self) -> Language {
        self.test.language()
    }

    /// The CLB/NCLC levels.
    #[must_use]
    pub fn levels(&self) -> ClbLevels {
        self.levels
    }

    /// The same result with one ability at another level (the test is kept).
    #[must_use]
    pub fn with_level(mut self, ability: Ability, level: Clb) -> Self {
        self.levels.set(ability, level);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clb(test: LanguageTest, ability: Ability, score: f64) -> u8 {
        test.clb(ability, score).unwrap().get()
    }

    #[test]
    fn ielts_boundaries() {
        use Ability::*;
        // crs.md E1, row by row at the minimum and just below it.
        assert_eq!(clb(LanguageTest::Ielts, Listening, 8.5), 10);
        assert_eq!(clb(LanguageTest::Ielts, Listening, 8.0), 9);
        assert_eq!(clb(LanguageTest::Ielts, Listening, 7.5), 8);
        assert_eq!(clb(LanguageTest::Ielts, Listening, 7.0), 7);
        assert_eq!(clb(LanguageTest::Ielts, Listening, 4.5), 4);
        assert_eq!(clb(LanguageTest::Ielts, Listening, 4.0), 0);
        assert_eq!(clb(LanguageTest::Ielts, Reading, 8.0), 10);
        assert_eq!(clb(LanguageTest::Ielts, Reading, 6.5), 8);
        assert_eq!(clb(LanguageTest::Ielts, Reading, 4.5), 5);
        assert_eq!(clb(LanguageTest::Ielts, Reading, 3.5), 4);
        assert_eq!(clb(LanguageTest::Ielts, Writing, 7.5), 10);
        assert_eq!(clb(LanguageTest::Ielts, Writing, 5.5), 6);
        assert_eq!(clb(LanguageTest::Ielts, Speaking, 9.0), 10);
        assert_eq!(clb(LanguageTest::Ielts, Speaking, 0.0), 0);
    }

    #[test]
    fn other_tests_at_their_boundaries() {
        use Ability::*;
        assert_eq!(clb(LanguageTest::Celpip, Reading, 12.0), 10);
        assert_eq!(clb(LanguageTest::Celpip, Reading, 3.0), 3);
        assert_eq!(clb(LanguageTest::PteCore, Writing, 90.0), 10);
        assert_eq!(clb(LanguageTest::PteCore, Writing, 89.0), 9);
        assert_eq!(clb(LanguageTest::PteCore, Listening, 27.0), 0);
        assert_eq!(
            clb(LanguageTest::Tef(TefScale::Current), Speaking, 556.0),
            10
        );
        assert_eq!(
            clb(LanguageTest::Tef(TefScale::Current), Speaking, 555.0),
            9
        );
        assert_eq!(
            clb(LanguageTest::Tef(TefScale::Since2019), Writing, 450.0),
            7
        );
        assert_eq!(clb(LanguageTest::Tef(TefScale::Old), Listening, 316.0), 10);
        assert_eq!(clb(LanguageTest::Tef(TefScale::Old), Reading, 206.0), 6);
        assert_eq!(clb(LanguageTest::Tcf, Writing, 10.0), 7);
        assert_eq!(clb(LanguageTest::Tcf, Listening, 523.0), 9);
        assert_eq!(clb(LanguageTest::Tcf, Reading, 523.0), 8);
        assert_eq!(clb(LanguageTest::Clb(Language::French), Reading, 11.0), 11);
    }

    #[test]
    fn err_language_scores() {
        let e = LanguageTest::Celpip
            .clb(Ability::Speaking, 7.5)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "speaking: expected a CELPIP-General level from 0 to 12, found 7.5"
        );
        let e = LanguageTest::Tcf.clb(Ability::Writing, 21.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "writing: expected a TCF Canada score from 0 to 20, found 21"
        );
        let e = LanguageTest::Tef(TefScale::Old)
            .clb(Ability::Reading, 301.0)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "reading: expected a TEF Canada ancien score from 0 to 300, found 301"
        );
        let e = LanguageTest::PteCore
            .clb(Ability::Listening, 9.0)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "listening: expected a PTE Core score from 10 to 90, found 9, which looks like a CLB level (for levels, give test = \"clb\", language = \"english\")"
        );
        let e = LanguageTest::Ielts
            .clb(Ability::Listening, f64::NAN)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "listening: expected an IELTS band from 0 to 9 in steps of 0.5, found NaN"
        );
        // A level where a TEF or TCF score goes: in range, but no real result is that low.
        let e = LanguageTest::Tef(TefScale::Current)
            .clb(Ability::Listening, 7.0)
            .unwrap_err();
        assert!(e.to_string().ends_with("found 7, which looks like an NCLC level (for levels, give test = \"clb\", language = \"french\")"));
        assert!(LanguageTest::Tcf.clb(Ability::Reading, 12.0).is_err());
        // TCF's writing and speaking are out of 20: 7 is a real score there.
        assert_eq!(
            LanguageTest::Tcf.clb(Ability::Writing, 7.0).unwrap().get(),
            6
        );
        assert_eq!(
            Clb::new(13).unwrap_err().to_string(),
            "level: expected a CLB level from 0 to 12, found 13"
        );
    }
}
