//! Families of rounds, and the families a candidate belongs to.
//!
//! A [`Family`] is the kind of a round as data: `general`, a program (`cec`, `fsw`, `fst`),
//! provincial nominees (`pnp`), or a category (`french`, `healthcare`, any name IRCC uses
//! next year). This module is the one place that maps a family to the [`Target`] of its
//! rounds and back, and the one place that says which families a candidate is in
//! ([`Membership`]), from names on a command line or in a file (a CRS profile adds to it:
//! [`crate::crs::Profile::membership`]).

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::candidate::{Categories, Eligibility, Program, ProgramSet};
use crate::draw::Target;
use crate::error::{ErrorKind, Result};

/// A family of rounds, by name: the programs' families, the nominees', or a category.
///
/// Names are lower-case ASCII letters, digits and `_` (as [`Categories`] holds them); every
/// name that is not `general`, a program or `pnp` is a category.
///
/// # Example
/// ```
/// use eesim::{Categories, Family, Program, Target};
///
/// let cats = Categories::ircc_2026();
/// let french = Family::new("French")?;
/// assert_eq!(french.as_str(), "french");
/// assert!(french.is_category() && french.has_own_pool());
/// assert_eq!(Family::CEC.program(), Some(Program::Cec));
/// let target = french.target(&cats)?;
/// assert_eq!(Family::of_target(target, &cats), Some(french));
/// assert_eq!(Family::of_target(Target::All, &cats), Some(Family::GENERAL));
/// assert_eq!(format!("[{:<6}]", Family::CEC), "[cec   ]");
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Family(Cow<'static, str>);

impl Family {
    /// All-program rounds ("No Program Specified"): anyone eligible for a program.
    pub const GENERAL: Family = Family(Cow::Borrowed("general"));
    /// Canadian Experience Class rounds.
    pub const CEC: Family = Family(Cow::Borrowed("cec"));
    /// Federal Skilled Worker rounds.
    pub const FSW: Family = Family(Cow::Borrowed("fsw"));
    /// Federal Skilled Trades rounds.
    pub const FST: Family = Family(Cow::Borrowed("fst"));
    /// Provincial nominee rounds.
    pub const PNP: Family = Family(Cow::Borrowed("pnp"));
    /// French-language proficiency rounds (a category).
    pub const FRENCH: Family = Family(Cow::Borrowed("french"));
    /// Healthcare and social services occupation rounds (a category).
    pub const HEALTHCARE: Family = Family(Cow::Borrowed("healthcare"));
    /// The family of every round whose name eesim does not recognise.
    pub const OTHER: Family = Family(Cow::Borrowed("other"));

    /// IRCC's categories eesim knows by name (those its rounds feed has held rounds for),
    /// whether or not a scenario simulates them: a category a scenario holds no round for
    /// (none in its calibration window) is *dormant* there.
    pub const IRCC_CATEGORIES: [Family; 11] = [
        Family::FRENCH,
        Family::HEALTHCARE,
        Family(Cow::Borrowed("physicians")),
        Family(Cow::Borrowed("stem")),
        Family(Cow::Borrowed("trades")),
        Family(Cow::Borrowed("transport")),
        Family(Cow::Borrowed("agriculture")),
        Family(Cow::Borrowed("education")),
        Family(Cow::Borrowed("senior_managers")),
        Family(Cow::Borrowed("researchers")),
        Family(Cow::Borrowed("military")),
    ];

    /// The families that are not categories, in their display order.
    pub const NOT_CATEGORIES: [Family; 5] = [
        Family::GENERAL,
        Family::CEC,
        Family::FSW,
        Family::FST,
        Family::PNP,
    ];

    /// A family by name (trimmed; case does not matter).
    ///
    /// # Errors
    /// [`ErrorKind::UnknownCategory`] for an empty name or one with a character other than
    /// ASCII letters, digits and `_` (every such name would be a category).
    pub fn new(name: &str) -> Result<Family> {
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(ErrorKind::UnknownCategory {
                found: name,
                known: "a family name: general, cec, fsw, fst, pnp, or a category of lower-case letters, digits and _".into(),
            }
            .into());
        }
        Ok(Family::NOT_CATEGORIES
            .into_iter()
            .find(|f| f.as_str() == name)
            .unwrap_or(Family(Cow::Owned(name))))
    }

    /// A family whose name is known to be valid (a constant of eesim's own).
    pub(crate) const fn known(name: &'static str) -> Family {
        Family(Cow::Borrowed(name))
    }

    /// The family of a program's rounds.
    #[must_use]
    pub fn of_program(program: Program) -> Family {
        match program {
            Program::Cec => Family::CEC,
            Program::Fsw => Family::FSW,
            Program::Fst => Family::FST,
        }
    }

    /// Its name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The program whose rounds these are (`cec`, `fsw`, `fst`).
    #[must_use]
    pub fn program(&self) -> Option<Program> {
        Program::ALL.into_iter().find(|p| p.name() == self.as_str())
    }

    /// Whether these are provincial nominee rounds.
    #[must_use]
    pub fn is_nominees(&self) -> bool {
        *self == Family::PNP
    }

    /// Whether this is a category: neither `general`, a program, nor `pnp`.
    #[must_use]
    pub fn is_category(&self) -> bool {
        !Family::NOT_CATEGORIES.contains(self)
    }

    /// Whether its rounds draw from a pool of its own (nominees and every category), not
    /// from the programs' pool of the published snapshot.
    #[must_use]
    pub fn has_own_pool(&self) -> bool {
        self.is_nominees() || self.is_category()
    }

    /// The target of this family's rounds. An all-program round targets every program
    /// ([`ProgramSet::ALL`]): the pool holds only profiles eligible for some program.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownCategory`] for a category `categories` does not hold.
    pub fn target(&self, categories: &Categories) -> Result<Target> {
        if *self == Family::GENERAL {
            return Ok(Target::Programs(ProgramSet::ALL));
        }
        if self.is_nominees() {
            return Ok(Target::ProvincialNominees);
        }
        Ok(match self.program() {
            Some(p) => Target::program(p),
            None => Target::Category(categories.id(self.as_str())?),
        })
    }

    /// The family of a round target (`None` for a target no family has, such as two
    /// programs at once).
    #[must_use]
    pub fn of_target(target: Target, categories: &Categories) -> Option<Family> {
        match target {
            Target::All | Target::Programs(ProgramSet::ALL) => Some(Family::GENERAL),
            Target::ProvincialNominees => Some(Family::PNP),
            Target::Category(c) => Family::new(categories.name(c)).ok(),
            Target::Programs(set) => {
                let mut programs = Program::ALL.into_iter().filter(|p| set.contains(*p));
                match (programs.next(), programs.next()) {
                    (Some(one), None) => Some(Family::of_program(one)),
                    _ => None,
                }
            }
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that widths and alignment (`{:<16}`) apply, as for a `str`.
        f.pad(self.as_str())
    }
}

impl fmt::Debug for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Family({})", self.as_str())
    }
}

impl std::str::FromStr for Family {
    type Err = crate::error::Error;
    fn from_str(s: &str) -> Result<Family> {
        Family::new(s)
    }
}

impl TryFrom<String> for Family {
    type Error = crate::error::Error;
    fn try_from(s: String) -> Result<Family> {
        Family::new(&s)
    }
}

impl From<Family> for String {
    fn from(f: Family) -> String {
        f.0.into_owned()
    }
}

impl PartialEq<str> for Family {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Family {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The families a candidate is in: programs, categories, and a provincial nomination.
///
/// This is the one place that reads them from names (a command line, a CSV row, a web
/// form) and turns them into the candidate's families and [`Eligibility`]; what a CRS profile
/// adds is [`crate::crs::Profile::membership`].
///
/// # Example
/// ```
/// use eesim::{Categories, Family, Membership, Program};
///
/// // `pnp` among the programs marks a nominee, as on the command line.
/// let m = Membership::from_names(["cec", "pnp"], ["french"])?;
/// assert!(m.nominee() && m.programs().contains(Program::Cec));
/// let names: Vec<String> = m.families().map(|f| f.to_string()).collect();
/// assert_eq!(names, ["general", "cec", "pnp", "french"]);
/// let e = m.eligibility(&Categories::ircc_2026())?;
/// assert!(e.is_nominee() && e.has_program(Program::Cec));
/// assert!(m.is_in(&Family::GENERAL) && !m.is_in(&Family::FSW));
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Membership {
    programs: ProgramSet,
    categories: Vec<Family>,
    nominee: bool,
}

impl Membership {
    /// A candidate eligible for `programs`, a nominee or not, in no category.
    #[must_use]
    pub fn new(programs: ProgramSet, nominee: bool) -> Self {
        Membership {
            programs,
            categories: Vec::new(),
            nominee,
        }
    }

    /// Reads program names (`cec`, `fsw`, `fst`, and `pnp` for a provincial nominee) and
    /// category names; blank names are skipped, repeats kept once.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownProgram`] for a program name other than those four, and
    /// [`ErrorKind::UnknownCategory`] for a category that is not a valid name or that names
    /// a program's family.
    pub fn from_names<P, C>(programs: P, categories: C) -> Result<Self>
    where
        P: IntoIterator,
        P::Item: AsRef<str>,
        C: IntoIterator,
        C::Item: AsRef<str>,
    {
        let mut m = Membership::default();
        for name in programs {
            let name = name.as_ref().trim();
            if name.is_empty() {
                continue;
            }
            let lower = name.to_ascii_lowercase();
            if lower == Family::PNP.as_str() {
                m.nominee = true;
                continue;
            }
            let p = Program::ALL
                .into_iter()
                .find(|p| p.name() == lower)
                .ok_or_else(|| ErrorKind::UnknownProgram {
                    found: name.to_string(),
                })?;
            m.programs = m.programs.with(p);
        }
        for name in categories {
            let name = name.as_ref();
            if name.trim().is_empty() {
                continue;
            }
            m = m.with_category(Family::new(name)?)?;
        }
        Ok(m)
    }

    /// This membership plus a category.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownCategory`] when `family` is not a category.
    pub fn with_category(self, family: Family) -> Result<Self> {
        if !family.is_category() {
            return Err(ErrorKind::UnknownCategory {
                found: family.to_string(),
                known: "a category (general, cec, fsw, fst and pnp are not)".into(),
            }
            .into());
        }
        Ok(self.add_category(family))
    }

    /// This membership plus `family`, which the caller knows is a category.
    pub(crate) fn add_category(mut self, family: Family) -> Self {
        if !self.categories.contains(&family) {
            self.categories.push(family);
        }
        self
    }

    /// This membership, as a nominee or not.
    #[must_use]
    pub fn with_nominee(mut self, nominee: bool) -> Self {
        self.nominee = nominee;
        self
    }

    /// The programs.
    #[must_use]
    pub fn programs(&self) -> ProgramSet {
        self.programs
    }

    /// The categories, in the order given.
    #[must_use]
    pub fn categories(&self) -> &[Family] {
        &self.categories
    }

    /// Whether the candidate holds a provincial nomination.
    #[must_use]
    pub fn nominee(&self) -> bool {
        self.nominee
    }

    /// The candidate's families, in the order chance reports list them: `general`, the
    /// programs, `pnp` for a nominee, then the categories.
    pub fn families(&self) -> impl Iterator<Item = Family> + '_ {
        std::iter::once(Family::GENERAL)
            .chain(
                Program::ALL
                    .into_iter()
                    .filter(|p| self.programs.contains(*p))
                    .map(Family::of_program),
            )
            .chain(self.nominee.then_some(Family::PNP))
            .chain(self.categories.iter().cloned())
    }

    /// Whether rounds of `family` target this candidate (general rounds target everyone).
    #[must_use]
    pub fn is_in(&self, family: &Family) -> bool {
        *family == Family::GENERAL || self.families().any(|f| f == *family)
    }

    /// The eligibility bits of this membership.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownCategory`] for a category `categories` does not hold.
    pub fn eligibility(&self, categories: &Categories) -> Result<Eligibility> {
        let mut e = Program::ALL
            .into_iter()
            .filter(|p| self.programs.contains(*p))
            .fold(Eligibility::none(), Eligibility::with_program);
        if self.nominee {
            e = e.with_nomination();
        }
        for c in &self.categories {
            e = e.with_category(categories.id(c.as_str())?);
        }
        Ok(e)
    }
}
