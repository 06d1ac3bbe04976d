//! Rounds of invitations: whom a round targets, its spec, and its outcome.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::candidate::{Categories, CategoryId, Eligibility, NOMINEE_NAME, Program, ProgramSet};
use crate::error::{ErrorKind, Result};
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

/// A candidate as a round sees them: what they are eligible for, their score, and the
/// time their profile is in the pool (from its submission until it expires).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Standing {
    /// What the candidate is eligible for.
    pub eligibility: Eligibility,
    /// Their score when the round is held.
    pub score: CrsScore,
    /// When their profile was submitted (IRCC's tie-break).
    pub submitted_at: Timestamp,
    /// When their profile expires: rounds held then or later do not see it.
    pub expires: Timestamp,
}

impl DrawRecord {
    /// The one invitation rule: the lowest score this round invites among the candidates it
    /// sees with `eligibility`, in the pool from `submitted_at` until `expires`, or `None`
    /// when it invites none of them.
    ///
    /// A round sees a candidate it targets whose profile is in the pool when it is held. It
    /// then invites every score above its cut-off, and the cut-off score itself when the
    /// profile was submitted at or before the tie-break (a round whose tie-break is not known
    /// invites the cut-off score of nobody). A round that found fewer eligible candidates
    /// than its size invited every one of them, at any score; a round that invited nobody
    /// and was not short (size 0) invites no one.
    ///
    /// Both engines, the probes, the paired estimates, the batch and the backtest all judge
    /// candidates by this function.
    ///
    /// # Example
    /// ```
    /// use eesim::{CrsScore, DrawRecord, Eligibility, Program, Target};
    ///
    /// let cec = Eligibility::none().with_program(Program::Cec);
    /// let round = DrawRecord {
    ///     at: "2026-01-07T14:00:00Z".parse()?,
    ///     target: Target::program(Program::Cec),
    ///     requested: 3000,
    ///     invited: 3000,
    ///     cutoff: Some(CrsScore::new(510)?),
    ///     tie_break: Some("2025-10-01T00:00:00Z".parse()?),
    /// };
    /// let (early, late) = ("2025-09-01T00:00:00Z".parse()?, "2025-11-01T00:00:00Z".parse()?);
    /// let expires = "2026-09-01T00:00:00Z".parse()?;
    /// assert_eq!(round.lowest_invited(cec, early, expires), Some(510));
    /// assert_eq!(round.lowest_invited(cec, late, expires), Some(511));
    /// // A round short of its size invites every eligible candidate.
    /// let short = DrawRecord { invited: 2000, ..round };
    /// assert_eq!(short.lowest_invited(cec, late, expires), Some(0));
    /// // A round does not see a profile submitted after it, or another program's candidate.
    /// assert_eq!(round.lowest_invited(cec, "2026-02-01T00:00:00Z".parse()?, expires), None);
    /// let fsw = Eligibility::none().with_program(Program::Fsw);
    /// assert_eq!(round.lowest_invited(fsw, early, expires), None);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    #[must_use]
    pub fn lowest_invited(
        &self,
        eligibility: Eligibility,
        submitted_at: Timestamp,
        expires: Timestamp,
    ) -> Option<u16> {
        if self.at < submitted_at || self.at >= expires || !self.target.matches(eligibility) {
            return None;
        }
        if self.is_short() {
            return Some(0);
        }
        let cutoff = self.cutoff?.get();
        let after_tie = self.tie_break.is_none_or(|t| submitted_at > t);
        Some(cutoff + u16::from(after_tie))
    }

    /// Whether this round invites `who`: [`DrawRecord::lowest_invited`] at their score.
    #[must_use]
    pub fn invites(&self, who: &Standing) -> bool {
        self.lowest_invited(who.eligibility, who.submitted_at, who.expires)
            .is_some_and(|lowest| who.score.get() >= lowest)
    }
}
