//! Rounds of invitations: whom a round targets, its spec, and its outcome.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::candidate::{Categories, CategoryId, Eligibility, NOMINEE_NAME, Program};
use crate::error::{ErrorKind, Result};
use crate::pool::Cohort;
use crate::score::CrsScore;
use crate::time::Timestamp;

/// Who a round can invite.
///
/// # Example
/// ```
/// use eesim::{Categories, Eligibility, Program, Target};
///
/// let cats = Categories::ircc_2026();
/// let cec = Target::parse("cec", &cats)?;
/// let french = Target::parse("category:french", &cats)?;
/// let e = Eligibility::none().with_program(Program::Fsw).with_category(cats.id("french")?);
/// assert!(!cec.matches(e));
/// assert!(french.matches(e));
/// assert!(Target::All.matches(e));
/// assert_eq!(french.display(&cats).to_string(), "category:french");
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// An all-program round ("No Program Specified", "General"): anyone in the pool. The pool
    /// holds only profiles eligible for some program, so this is "anyone eligible for any
    /// program"; eesim does not second-guess a candidate list that gives one no program.
    All,
    /// A program round: anyone eligible for at least one of these programs.
    Programs(ProgramSet),
    /// A category-based round: anyone in the category.
    Category(CategoryId),
    /// A provincial nominee round: nominees only.
    ProvincialNominees,
}

impl Target {
    /// A round for one program.
    #[must_use]
    pub fn program(program: Program) -> Self {
        Target::Programs(ProgramSet::EMPTY.with(program))
    }

    /// Whether a candidate with eligibility `e` can be invited by this round.
    #[must_use]
    pub fn matches(self, e: Eligibility) -> bool {
        match self.mask() {
            None => true,
            Some(mask) => e.bits() & mask != 0,
        }
    }

    /// The eligibility bits any one of which admits a candidate (`None`: everyone).
    pub(crate) fn mask(self) -> Option<u64> {
        let bits = match self {
            Target::All => return None,
            Target::Programs(set) => Program::ALL
                .iter()
                .filter(|p| set.contains(**p))
                .fold(Eligibility::none(), |e, p| e.with_program(*p)),
            Target::Category(c) => Eligibility::none().with_category(c),
            Target::ProvincialNominees => Eligibility::none().with_nomination(),
        };
        Some(bits.bits())
    }

    /// Reads a target: `all`, a program (`cec`, `fsw`, `fst`), several programs joined by `;`
    /// or `,` (`cec;fsw`), `pnp` for provincial nominees, or `category:NAME`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidTarget`] for anything else, and [`ErrorKind::UnknownCategory`] for a
    /// category the registry does not hold.
    pub fn parse(s: &str, categories: &Categories) -> Result<Target> {
        let s = s.trim();
        let invalid = || ErrorKind::InvalidTarget {
            found: s.to_string(),
        };
        if s == "all" {
            return Ok(Target::All);
        }
        if s == NOMINEE_NAME {
            return Ok(Target::ProvincialNominees);
        }
        if let Some(name) = s.strip_prefix("category:") {
            return categories.id(name.trim()).map(Target::Category);
        }
        let mut set = ProgramSet::EMPTY;
        for part in s.split([';', ',']) {
            let program = Program::ALL
                .into_iter()
                .find(|p| p.name() == part.trim())
                .ok_or_else(invalid)?;
            set = set.with(program);
        }
        Ok(Target::Programs(set))
    }

    /// A printable form, as [`Target::parse`] reads it.
    #[must_use]
    pub fn display<'a>(&'a self, categories: &'a Categories) -> impl fmt::Display + 'a {
        TargetDisplay {
            target: self,
            categories,
        }
    }
}

struct TargetDisplay<'a> {
    target: &'a Target,
    categories: &'a Categories,
}

impl fmt::Display for TargetDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.target {
            Target::All => f.write_str("all"),
            Target::Programs(set) => {
                let names: Vec<&str> = Program::ALL
                    .iter()
                    .filter(|p| set.contains(**p))
                    .map(|p| p.name())
                    .collect();
                f.write_str(&names.join(";"))
            }
            Target::Category(c) => write!(f, "category:{}", self.categories.name(*c)),
            Target::ProvincialNominees => f.write_str(NOMINEE_NAME),
        }
    }
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

/// A round to hold: when, whom it targets, how many it invites.
///
/// A size of 0 is allowed and invites nobody.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DrawSpec {
    /// When the round is held.
    pub at: Timestamp,
    /// Who it can invite.
    pub target: Target,
    /// How many invitations it issues at most.
    pub size: u32,
}

impl DrawSpec {
    /// A round at `at` inviting up to `size` of `target`.
    #[must_use]
    pub fn new(at: Timestamp, target: Target, size: u32) -> Self {
        DrawSpec { at, target, size }
    }
}

/// What a round did.
///
/// When fewer candidates were eligible than the round's size, all of them are invited and
/// [`DrawOutcome::is_short`] says so. When nobody is invited (size 0, an empty pool, nobody
/// eligible) there is no cut-off and no tie-break.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct DrawOutcome {
    /// The size the round asked for.
    pub requested: u32,
    /// How many were invited (at most `requested`).
    pub invited: u64,
    /// The lowest score invited.
    pub cutoff: Option<CrsScore>,
    /// The submission time of the last candidate invited: candidates at the cut-off who
    /// submitted at or before it were invited (up to the id order at that very second).
    pub tie_break: Option<Timestamp>,
    /// Who was invited, in rank order; a synthetic cohort may be invited in part, and then
    /// appears with the number taken.
    pub invitees: Vec<Cohort>,
}

impl DrawOutcome {
    /// Whether fewer were eligible than the round's size, so that every eligible candidate
    /// was invited.
    #[must_use]
    pub fn is_short(&self) -> bool {
        self.invited < u64::from(self.requested)
    }
}

/// A summary of a round held: when, for whom, how many, and where it stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawRecord {
    /// When.
    pub at: Timestamp,
    /// Who it targeted.
    pub target: Target,
    /// The size asked for.
    pub requested: u32,
    /// How many were invited.
    pub invited: u64,
    /// The lowest score invited.
    pub cutoff: Option<CrsScore>,
    /// The submission time of the last invited.
    pub tie_break: Option<Timestamp>,
}

impl DrawRecord {
    /// Whether fewer were eligible than the round's size, so that it invited every eligible
    /// candidate in the pool.
    #[must_use]
    pub fn is_short(&self) -> bool {
        self.invited < u64::from(self.requested)
    }
}
