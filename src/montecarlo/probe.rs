//! Probes: hypothetical candidates judged against a run's rounds without taking part in them.

use serde::{Deserialize, Serialize};

use crate::candidate::Eligibility;
use crate::draw::DrawRecord;
use crate::error::{ErrorKind, Result};
use crate::score::CrsScore;
use crate::time::{Period, Timestamp};

/// A kind of candidate to probe at every score of a range: what it is eligible for and when
/// its profile was submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeProfile {
    /// A short name (`cec`, `cec_french`, ...).
    pub name: String,
    /// What the profile is eligible for.
    pub eligibility: Eligibility,
    /// When the profile was submitted.
    pub submitted_at: Timestamp,
}

/// Hypothetical candidates at every score from `min` to `max`, for each profile.
///
/// A probe is judged against the rounds a run actually held: it would have been invited by a
/// round that targets it, held while its profile was valid, whose cut-off is below its score,
/// or equal with a tie-break at or after its submission, or which ran short of eligible
/// candidates. Unlike the focal candidate, a probe is not in the pool: it takes no
/// invitation from anyone. So one set of runs answers for hundreds of candidates at once.
///
/// The price is at most one rank: a real candidate in the pool would have taken one of the
/// round's invitations, raising its cut-off by at most one candidate. A probe exactly at the
/// cut-off and tie-break may therefore be counted as invited where the same candidate in the
/// pool would have pushed out the last invitee instead of itself, and vice versa.
///
/// # Example
/// ```
/// use eesim::{CrsScore, Eligibility, Program};
/// use eesim::montecarlo::{ProbeProfile, Probes};
///
/// let cec = ProbeProfile {
///     name: "cec".into(),
///     eligibility: Eligibility::none().with_program(Program::Cec),
///     submitted_at: "2026-01-01T00:00:00Z".parse()?,
/// };
/// let probes = Probes::new(vec![cec], CrsScore::new(300)?, CrsScore::new(600)?)?;
/// assert_eq!(probes.len(), 301);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probes {
    profiles: Vec<ProbeProfile>,
    min: CrsScore,
    max: CrsScore,
    validity: Period,
}

impl Probes {
    /// Probes for each profile at every score from `min` to `max`, with profiles valid 12
    /// months.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] when `min > max`, there is no profile, or two share a
    /// name.
    pub fn new(profiles: Vec<ProbeProfile>, min: CrsScore, max: CrsScore) -> Result<Self> {
        let invalid = |expected: &str, found: String| -> crate::error::Error {
            ErrorKind::InvalidSimulation {
                what: "probes",
                expected: expected.to_string(),
                found,
            }
            .into()
        };
        if min > max {
            return Err(invalid(
                "a score range with min <= max",
                format!("{min}..={max}"),
            ));
        }
        if profiles.is_empty() {
            return Err(invalid("at least one profile", "none".into()));
        }
        for (i, p) in profiles.iter().enumerate() {
            if profiles[..i].iter().any(|q| q.name == p.name) {
                return Err(invalid(
                    "distinct profile names",
                    format!("{:?} twice", p.name),
                ));
            }
        }
        Ok(Probes {
            profiles,
            min,
            max,
            validity: Period::TWELVE_MONTHS,
        })
    }

    /// The same probes with profiles valid for `validity` (a scenario's, say).
    #[must_use]
    pub fn with_validity(mut self, validity: Period) -> Self {
        self.validity = validity;
        self
    }

    /// The profiles.
    #[must_use]
    pub fn profiles(&self) -> &[ProbeProfile] {
        &self.profiles
    }

    /// The lowest and highest probed scores.
    #[must_use]
    pub fn scores(&self) -> (CrsScore, CrsScore) {
        (self.min, self.max)
    }

    /// The number of scores per profile.
    #[must_use]
    pub fn scores_len(&self) -> usize {
        usize::from(self.max.get() - self.min.get()) + 1
    }

    /// The number of probes (profiles × scores).
    #[must_use]
    pub fn len(&self) -> usize {
        self.profiles.len() * self.scores_len()
    }

    /// Whether there is no probe (never, once constructed).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// For each probe (profile-major, then score ascending), the instant of its first
    /// invitation among `draws` (in time order), written into `out`.
    pub(crate) fn first_invitations(&self, draws: &[DrawRecord], out: &mut Vec<Option<Timestamp>>) {
        let n = self.scores_len();
        out.clear();
        out.resize(self.len(), None);
        for (p, profile) in self.profiles.iter().enumerate() {
            let expires = self.validity.after(profile.submitted_at);
            let row = &mut out[p * n..(p + 1) * n];
            // Scores at or above `lowest` (as an offset from min) are already invited.
            let mut lowest = n;
            for d in draws {
                let Some(lowest_score) =
                    d.lowest_invited(profile.eligibility, profile.submitted_at, expires)
                else {
                    continue;
                };
                let threshold =
                    usize::from(lowest_score).saturating_sub(usize::from(self.min.get()));
                if threshold < lowest {
                    for slot in &mut row[threshold..lowest] {
                        *slot = Some(d.at);
                    }
                    lowest = threshold;
                }
            }
        }
    }
}
