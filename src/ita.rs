//! Invitations to Apply: the deadline, and what each response does to the pool.

use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::pool::{Cohort, Pool};
use crate::probability::Probability;
use crate::time::{Period, Timestamp};

/// An invitation issued to a cohort by a round.
///
/// The invited are out of the pool from the instant of the round. They then have until the
/// deadline (60 days unless set otherwise) to respond:
/// - **apply**: they leave the pool for good;
/// - **decline**: they return to the pool with their original submission time, for what is
///   left of their profile's validity; if the profile has expired meanwhile, it is gone;
/// - **no response**: at the deadline the invitation lapses and the profile is gone.
///
/// # Example
/// ```
/// use eesim::ita::Resolution;
/// use eesim::{CandidateId, Cohort, CrsScore, Eligibility, Invitation, Period, Pool, Response};
///
/// let mut pool = Pool::new();
/// let c = Cohort {
///     score: CrsScore::new(530)?,
///     submitted_at: "2025-02-01T00:00:00Z".parse()?,
///     id: CandidateId(1),
///     eligibility: Eligibility::none(),
///     count: 1,
/// };
/// let ita = Invitation::issue(c, "2025-06-01T12:00:00Z".parse()?, Period::SIXTY_DAYS);
/// assert_eq!(ita.deadline.to_string(), "2025-07-31T12:00:00Z");
/// let r = ita.respond(Response::Decline, "2025-06-10T00:00:00Z".parse()?, &mut pool)?;
/// assert_eq!(r, Resolution::ReturnedToPool);
/// assert_eq!(pool.len(), 1);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[must_use]
pub struct Invitation {
    /// Who was invited (a named candidate, or some of a synthetic cohort).
    pub cohort: Cohort,
    /// When the round was held.
    pub issued_at: Timestamp,
    /// When the invitation lapses: responses are accepted before this instant.
    pub deadline: Timestamp,
}

/// A response to an invitation, given before its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// Submit an application for permanent residence.
    Apply,
    /// Decline the invitation and stay in the pool.
    Decline,
}

/// What became of an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The candidate applied and left the pool for good.
    Applied,
    /// The candidate declined and is back in the pool with the original submission time.
    ReturnedToPool,
    /// The candidate declined after the profile had expired, so it is gone.
    ProfileExpired,
    /// Nobody responded by the deadline; the profile is gone.
    Lapsed,
}

impl Invitation {
    /// The invitation `cohort` receives from a round at `issued_at`, due `deadline` later.
    pub fn issue(cohort: Cohort, issued_at: Timestamp, deadline: Period) -> Self {
        Invitation {
            cohort,
            issued_at,
            deadline: deadline.after(issued_at),
        }
    }

    /// Responds at `at`; a decline returns the cohort to `pool` if its profile is still valid
    /// at `at`.
    ///
    /// # Errors
    /// [`ErrorKind::ResponseOutOfWindow`] unless `issued_at <= at < deadline` (at the
    /// deadline the invitation has lapsed); the pool is then unchanged.
    pub fn respond(
        &self,
        response: Response,
        at: Timestamp,
        pool: &mut Pool,
    ) -> Result<Resolution> {
        if at < self.issued_at || at >= self.deadline {
            return Err(ErrorKind::ResponseOutOfWindow {
                at: at.to_string(),
                issued_at: self.issued_at.to_string(),
                deadline: self.deadline.to_string(),
            }
            .into());
        }
        Ok(match response {
            Response::Apply => Resolution::Applied,
            Response::Decline if pool.expires_at(self.cohort.submitted_at) <= at => {
                Resolution::ProfileExpired
            }
            Response::Decline => {
                pool.add(self.cohort)?;
                Resolution::ReturnedToPool
            }
        })
    }

    /// The invitation lapses at its deadline with no response: the profile is gone.
    pub fn lapse(&self) -> Resolution {
        Resolution::Lapsed
    }
}

/// How invited candidates respond, as probabilities: decline, no response, and apply for the
/// rest.
///
/// # Example
/// ```
/// use eesim::ResponseModel;
///
/// let m = ResponseModel::new(0.05, 0.03)?;
/// assert!((m.apply() - 0.92).abs() < 1e-12);
/// assert!(ResponseModel::new(0.7, 0.4).is_err());
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ResponseModelRepr", into = "ResponseModelRepr")]
pub struct ResponseModel {
    decline: Probability,
    no_response: Probability,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResponseModelRepr {
    decline: f64,
    no_response: f64,
}

/// How many of an invited cohort respond each way, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseSplit {
    /// How many apply.
    pub apply: u32,
    /// How many decline.
    pub decline: u32,
    /// How many let the invitation lapse.
    pub no_response: u32,
}

impl ResponseModel {
    /// Everyone applies.
    pub const ALL_APPLY: ResponseModel = ResponseModel {
        decline: Probability::ZERO,
        no_response: Probability::ZERO,
    };

    /// A model where a share `decline` declines, `no_response` lets the ITA lapse, and the
    /// rest apply.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidProbability`] for a value outside `0..=1` or a sum above 1.
    pub fn new(decline: f64, no_response: f64) -> Result<Self> {
        let decline = Probability::named("decline", decline)?;
        let no_response = Probability::named("no_response", no_response)?;
        Probability::named("decline + no_response", decline.get() + no_response.get())?;
        Ok(ResponseModel {
            decline,
            no_response,
        })
    }

    /// The share that declines.
    #[must_use]
    pub fn decline(&self) -> f64 {
        self.decline.get()
    }

    /// The share that lets the invitation lapse.
    #[must_use]
    pub fn no_response(&self) -> f64 {
        self.no_response.get()
    }

    /// The share that applies.
    #[must_use]
    pub fn apply(&self) -> f64 {
        (1.0 - self.decline.get() - self.no_response.get()).max(0.0)
    }

    /// Splits `count` invited candidates into appliers, decliners and non-responders
    /// (a multinomial draw).
    pub fn split<R: Rng + ?Sized>(&self, count: u32, rng: &mut R) -> ResponseSplit {
        let decline = binomial(count, self.decline(), rng);
        let rest = count - decline;
        let p_lapse = if self.apply() + self.no_response() > 0.0 {
            self.no_response() / (self.apply() + self.no_response())
        } else {
            0.0
        };
        let no_response = binomial(rest, p_lapse, rng);
        ResponseSplit {
            apply: rest - no_response,
            decline,
            no_response,
        }
    }

    /// A response instant, uniform over the seconds strictly between the invitation's issue
    /// and its deadline (so a response never coincides with the round that invited).
    pub fn response_time<R: Rng + ?Sized>(invitation: &Invitation, rng: &mut R) -> Timestamp {
        let window = invitation.deadline.as_second() - invitation.issued_at.as_second();
        if window <= 1 {
            return invitation.issued_at;
        }
        invitation
            .issued_at
            .plus_seconds(rng.random_range(1..window))
    }
}

fn binomial<R: Rng + ?Sized>(n: u32, p: f64, rng: &mut R) -> u32 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let k = Binomial::new(u64::from(n), p).map_or(0, |b| b.sample(rng));
    u32::try_from(k).map_or(n, |k| k.min(n))
}

impl TryFrom<ResponseModelRepr> for ResponseModel {
    type Error = crate::error::Error;

    fn try_from(r: ResponseModelRepr) -> Result<Self> {
        ResponseModel::new(r.decline, r.no_response)
    }
}

impl From<ResponseModel> for ResponseModelRepr {
    fn from(m: ResponseModel) -> Self {
        ResponseModelRepr {
            decline: m.decline(),
            no_response: m.no_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn split_conserves_and_matches_shares() {
        let m = ResponseModel::new(0.2, 0.1).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let (mut d, mut l, mut a) = (0_u64, 0_u64, 0_u64);
        for _ in 0..200 {
            let s = m.split(1000, &mut rng);
            assert_eq!(s.apply + s.decline + s.no_response, 1000);
            d += u64::from(s.decline);
            l += u64::from(s.no_response);
            a += u64::from(s.apply);
        }
        // 200,000 trials: each share within 5 standard errors (sd of 0.2 share ~ 0.0009).
        assert!((d as f64 / 200_000.0 - 0.2).abs() < 0.0045, "{d}");
        assert!((l as f64 / 200_000.0 - 0.1).abs() < 0.0035, "{l}");
        assert!((a as f64 / 200_000.0 - 0.7).abs() < 0.005, "{a}");
    }

    #[test]
    fn err_probabilities() {
        assert_eq!(
            ResponseModel::new(0.7, 0.4).unwrap_err().to_string(),
            "decline + no_response: expected a probability from 0 to 1, found 1.1"
        );
        assert_eq!(
            ResponseModel::new(-0.1, 0.0).unwrap_err().to_string(),
            "decline: expected a probability from 0 to 1, found -0.1"
        );
    }

    #[test]
    fn certain_responses_are_exact() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
        let s = ResponseModel::new(1.0, 0.0).unwrap().split(7, &mut rng);
        assert_eq!((s.apply, s.decline, s.no_response), (0, 7, 0));
        let s = ResponseModel::new(0.0, 1.0).unwrap().split(7, &mut rng);
        assert_eq!((s.apply, s.decline, s.no_response), (0, 0, 7));
        let s = ResponseModel::ALL_APPLY.split(7, &mut rng);
        assert_eq!((s.apply, s.decline, s.no_response), (7, 0, 0));
    }
}
