//! Candidates and what they are eligible for: programs, provincial nomination, categories.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// A candidate's identifier.
///
/// Ids take part in the rank order: when two profiles have the same score and the same
/// submission second, the lower id ranks first. Synthetic cohorts carry ids too, so the order
/// is total for every pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CandidateId(pub u64);

impl fmt::Display for CandidateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// One of the three federal economic programs managed through Express Entry.
///
/// Programs are set in law and change rarely, so they are a closed enum; categories, which
/// IRCC redefines every year, are data (see [`Categories`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Program {
    /// Canadian Experience Class.
    Cec,
    /// Federal Skilled Worker program.
    Fsw,
    /// Federal Skilled Trades program.
    Fst,
}

impl Program {
    /// All programs, in a fixed order.
    pub const ALL: [Program; 3] = [Program::Cec, Program::Fsw, Program::Fst];

    /// The lower-case short name (`cec`, `fsw`, `fst`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Program::Cec => "cec",
            Program::Fsw => "fsw",
            Program::Fst => "fst",
        }
    }

    fn bit(self) -> u64 {
        1 << (self as u64)
    }
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The short name that marks a provincial nomination among programs (`pnp`).
pub(crate) const NOMINEE_NAME: &str = "pnp";

/// The bit that marks a provincial nominee.
const NOMINEE_BIT: u64 = 1 << 3;
/// Category ids map to bits from here up.
const FIRST_CATEGORY_BIT: u32 = 4;

/// A category registered in a [`Categories`] registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CategoryId(u8);

impl CategoryId {
    /// The position of this category in its registry.
    #[must_use]
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    fn bit(self) -> u64 {
        1 << (FIRST_CATEGORY_BIT + u32::from(self.0))
    }
}

/// A registry of category names: categories are data, not a closed enum.
///
/// IRCC redefines the categories of category-based rounds every year (the 2026 list differs
/// from 2025's), so eesim names them at run time. A name is lower-case ASCII letters, digits
/// and `_`; up to [`Categories::MAX`] can be registered.
///
/// # Example
/// ```
/// use eesim::Categories;
///
/// let mut cats = Categories::ircc_2026();
/// let french = cats.id("french")?;
/// let farming = cats.register("agriculture")?; // a 2025 category, added as data
/// assert_eq!(cats.name(french), "french");
/// assert_ne!(french, farming);
/// assert!(cats.id("frnch").is_err());
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Categories {
    names: Vec<String>,
}

impl Categories {
    /// The most categories one registry holds.
    pub const MAX: usize = 60;

    /// The categories of IRCC's 2026 category-based rounds: French-language proficiency,
    /// healthcare and social services, trades, education, STEM, transport, physicians, senior
    /// managers, researchers and skilled military recruits.
    pub const IRCC_2026: [&'static str; 10] = [
        "french",
        "healthcare",
        "trades",
        "education",
        "stem",
        "transport",
        "physicians",
        "senior_managers",
        "researchers",
        "military",
    ];

    /// An empty registry.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A registry holding [`Categories::IRCC_2026`], in that order.
    #[must_use]
    pub fn ircc_2026() -> Self {
        Categories {
            names: Self::IRCC_2026.iter().map(|s| (*s).to_string()).collect(),
        }
    }

    /// The id of `name`, registering it if it is new.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidCategoryName`] for a name that is empty or not lower-case
    /// `[a-z0-9_]`, or when the registry already holds [`Categories::MAX`] names.
    pub fn register(&mut self, name: &str) -> Result<CategoryId> {
        if let Some(id) = self.find(name) {
            return Ok(id);
        }
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(ErrorKind::InvalidCategoryName {
                expected: "lower-case letters, digits and '_'",
                found: name.to_string(),
            }
            .into());
        }
        let id = u8::try_from(self.names.len())
            .ok()
            .filter(|n| usize::from(*n) < Self::MAX)
            .ok_or_else(|| ErrorKind::InvalidCategoryName {
                expected: "at most 60 categories in one registry",
                found: name.to_string(),
            })?;
        self.names.push(name.to_string());
        Ok(CategoryId(id))
    }

    /// The id of a registered name.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownCategory`], listing the registered names.
    pub fn id(&self, name: &str) -> Result<CategoryId> {
        self.find(name).ok_or_else(|| {
            ErrorKind::UnknownCategory {
                known: self.names.join(", "),
                found: name.to_string(),
            }
            .into()
        })
    }

    /// The name of a category id from this registry (`"?"` for an id it never issued).
    #[must_use]
    pub fn name(&self, id: CategoryId) -> &str {
        self.names.get(id.index()).map_or("?", String::as_str)
    }

    /// The registered names, in id order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The number of registered categories.
    #[must_use]
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether no category is registered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn find(&self, name: &str) -> Option<CategoryId> {
        let i = self.names.iter().position(|n| n == name)?;
        u8::try_from(i).ok().map(CategoryId)
    }
}

/// What a candidate is eligible for: a bitset over programs, provincial nomination and
/// categories.
///
/// Matching a candidate against a round is then one bitwise test.
///
/// # Example
/// ```
/// use eesim::{Categories, Eligibility, Program};
///
/// let cats = Categories::ircc_2026();
/// let e = Eligibility::none()
///     .with_program(Program::Cec)
///     .with_category(cats.id("french")?);
/// assert!(e.has_program(Program::Cec));
/// assert!(!e.is_nominee());
/// assert_eq!(e.describe(&cats), "cec;french");
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Eligibility(u64);

impl Eligibility {
    /// Eligible for nothing.
    #[must_use]
    pub const fn none() -> Self {
        Eligibility(0)
    }

    /// This eligibility plus `program`.
    #[must_use]
    pub fn with_program(self, program: Program) -> Self {
        Eligibility(self.0 | program.bit())
    }

    /// This eligibility plus a provincial nomination.
    #[must_use]
    pub fn with_nomination(self) -> Self {
        Eligibility(self.0 | NOMINEE_BIT)
    }

    /// This eligibility plus `category`.
    #[must_use]
    pub fn with_category(self, category: CategoryId) -> Self {
        Eligibility(self.0 | category.bit())
    }

    /// Whether eligible for `program`.
    #[must_use]
    pub fn has_program(self, program: Program) -> bool {
        self.0 & program.bit() != 0
    }

    /// Whether a provincial nominee.
    #[must_use]
    pub fn is_nominee(self) -> bool {
        self.0 & NOMINEE_BIT != 0
    }

    /// Whether in `category`.
    #[must_use]
    pub fn has_category(self, category: CategoryId) -> bool {
        self.0 & category.bit() != 0
    }

    /// An eligibility from raw bits (see [`Eligibility::bits`]).
    pub(crate) const fn from_bits(bits: u64) -> Self {
        Eligibility(bits)
    }

    /// The raw bits: programs in bits 0-2, nomination in bit 3, category `i` in bit `4 + i`.
    #[must_use]
    pub const fn bits(self) -> u64 {
        self.0
    }

    /// A `;`-separated list of names: programs, then `pnp`, then categories in id order.
    #[must_use]
    pub fn describe(self, categories: &Categories) -> String {
        let mut parts: Vec<&str> = Program::ALL
            .iter()
            .filter(|p| self.has_program(**p))
            .map(|p| p.name())
            .collect();
        if self.is_nominee() {
            parts.push(NOMINEE_NAME);
        }
        for (i, name) in categories.names().enumerate() {
            if u8::try_from(i).is_ok_and(|i| self.has_category(CategoryId(i))) {
                parts.push(name);
            }
        }
        parts.join(";")
    }
}

/// One candidate in the pool: an id, a CRS score, the second its profile was submitted, and
/// what it is eligible for.
///
/// # Example
/// ```
/// use eesim::{Candidate, CandidateId, CrsScore, Eligibility, Program};
///
/// let c = Candidate {
///     id: CandidateId(7),
///     score: CrsScore::new(505)?,
///     submitted_at: "2026-01-15T09:30:00Z".parse()?,
///     eligibility: Eligibility::none().with_program(Program::Cec),
/// };
/// assert_eq!(c.score.get(), 505);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Candidate {
    /// The candidate's id.
    pub id: CandidateId,
    /// The candidate's CRS score.
    pub score: CrsScore,
    /// When the profile was submitted (kept when the profile is edited).
    pub submitted_at: Timestamp,
    /// What the candidate is eligible for.
    pub eligibility: Eligibility,
}

/// A set of [`Program`]s.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct ProgramSet(u8);

impl ProgramSet {
    /// No program.
    pub const EMPTY: ProgramSet = ProgramSet(0);
    /// Every program (CEC, FSW, FST): the target of an all-program round in a scenario run,
    /// which draws from the programs' pool only.
    pub const ALL: ProgramSet = ProgramSet(0b111);

    /// This set plus `program`.
    #[must_use]
    pub fn with(self, program: Program) -> Self {
        ProgramSet(self.0 | (1 << program as u8))
    }

    /// Whether `program` is in the set.
    #[must_use]
    pub fn contains(self, program: Program) -> bool {
        self.0 & (1 << program as u8) != 0
    }
}

impl FromIterator<Program> for ProgramSet {
    fn from_iter<I: IntoIterator<Item = Program>>(iter: I) -> Self {
        iter.into_iter().fold(ProgramSet::EMPTY, ProgramSet::with)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_do_not_overlap() {
        let mut cats = Categories::new();
        let mut seen = 0_u64;
        for p in Program::ALL {
            let b = Eligibility::none().with_program(p).bits();
            assert_eq!(seen & b, 0);
            seen |= b;
        }
        let b = Eligibility::none().with_nomination().bits();
        assert_eq!(seen & b, 0);
        seen |= b;
        for i in 0..Categories::MAX {
            let id = cats.register(&format!("c{i}")).unwrap();
            let b = Eligibility::none().with_category(id).bits();
            assert_eq!(seen & b, 0, "category {i}");
            seen |= b;
        }
        assert!(cats.register("one_too_many").is_err());
    }

    #[test]
    fn err_category_names() {
        let mut cats = Categories::new();
        assert_eq!(
            cats.register("French").unwrap_err().to_string(),
            "category name: expected lower-case letters, digits and '_', found \"French\""
        );
        let cats = Categories::ircc_2026();
        assert_eq!(
            cats.id("frnch").unwrap_err().to_string(),
            "category: expected one of french, healthcare, trades, education, stem, transport, \
             physicians, senior_managers, researchers, military, found \"frnch\""
        );
    }

    #[test]
    fn register_is_idempotent() {
        let mut cats = Categories::ircc_2026();
        let a = cats.register("stem").unwrap();
        assert_eq!(a, cats.id("stem").unwrap());
        assert_eq!(cats.len(), 10);
    }
}
