//! After the invitation: submission, biometrics, processing, decision and landing, as a path
//! with random durations.

use rand::{Rng, RngExt};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};
use crate::probability::Probability;
use crate::time::Timestamp;

const DAY: f64 = 86_400.0;

/// A random duration in days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Duration {
    /// Always this many days.
    Fixed(f64),
    /// Exponential with this mean, in days.
    Exponential(f64),
    /// Piecewise linear between quantiles: `(probability, days)` points, from probability 0
    /// to 1 in increasing order, with days never decreasing.
    Quantiles(Vec<(f64, f64)>),
}

impl Duration {
    /// Checks the duration, naming it `name` in the error.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] for a negative or non-finite number of days, a mean
    /// not above 0, or quantiles that do not run from 0 to 1 in order with days in order.
    pub fn validate(&self, name: &str) -> Result<()> {
        let bad = |expected: &str, found: String| -> Result<()> {
            Err(ErrorKind::InvalidSimulation {
                what: "after-ITA parameter",
                expected: format!("{name}: {expected}"),
                found,
            }
            .into())
        };
        match self {
            Duration::Fixed(d) if !(d.is_finite() && *d >= 0.0) => {
                bad("a number of days of at least 0", d.to_string())
            }
            Duration::Exponential(m) if !(m.is_finite() && *m > 0.0) => {
                bad("a mean above 0 days", m.to_string())
            }
            Duration::Quantiles(q) => {
                let ordered = q.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1);
                let ends =
                    q.first().is_some_and(|f| f.0 == 0.0) && q.last().is_some_and(|l| l.0 == 1.0);
                let finite = q
                    .iter()
                    .all(|(p, d)| p.is_finite() && d.is_finite() && *d >= 0.0);
                if ordered && ends && finite {
                    Ok(())
                } else {
                    bad(
                        "quantiles from probability 0 to 1 in increasing order, with days of at least 0 never decreasing",
                        format!("{q:?}"),
                    )
                }
            }
            _ => Ok(()),
        }
    }

    /// A draw, in days.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Duration::Fixed(d) => *d,
            Duration::Exponential(mean) => {
                let u: f64 = rng.random();
                -mean * (1.0 - u).ln()
            }
            Duration::Quantiles(q) => {
                let u: f64 = rng.random();
                let i = q
                    .iter()
                    .position(|p| p.0 >= u)
                    .unwrap_or(q.len().saturating_sub(1))
                    .max(1);
                match (q.get(i - 1), q.get(i)) {
                    (Some(a), Some(b)) if b.0 > a.0 => a.1 + (b.1 - a.1) * (u - a.0) / (b.0 - a.0),
                    (_, Some(b)) => b.1,
                    _ => 0.0,
                }
            }
        }
    }
}

/// The stages after an invitation, each with its duration and outcome, as scenario
/// parameters.
///
/// Defaults and their sources: a complete application is due within 60 days of the ITA (IRCC,
/// since 2018-06-26); IRCC's service standard for Express Entry applications is a decision
/// within 6 months for 80% of complete applications (IRCC service standards, as published on
/// canada.ca and summarised in 2023 at gcmsnotes.com), so processing has its 80th percentile
/// at 180 days. The other values are assumptions, stated as such: submission takes 14 to 59
/// days (median 45); biometrics 7 to 45 days (median 21) after submission, and the decision
/// waits for them; 95% of decisions approve; 60% of candidates are in Canada and land within
/// 7 to 90 days of approval; those abroad travel within 14 to 300 days (median 60), and their
/// documents are valid 365 days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AfterIta {
    /// Days from the ITA to a complete application (capped below the 60-day deadline).
    pub submit_days: Duration,
    /// Days from submission to biometrics.
    pub biometrics_days: Duration,
    /// Days from submission to a decision (at the earliest, the biometrics).
    pub processing_days: Duration,
    /// The chance a decision approves.
    pub approval: f64,
    /// The chance the candidate is in Canada (lands without travelling).
    pub in_canada: f64,
    /// Days from approval to landing, in Canada.
    pub landing_days: Duration,
    /// Days from approval to landing, from abroad.
    pub travel_days: Duration,
    /// Days the documents issued on approval stay valid, for those abroad.
    pub document_validity_days: f64,
}

impl Default for AfterIta {
    fn default() -> Self {
        AfterIta {
            submit_days: Duration::Quantiles(vec![(0.0, 14.0), (0.5, 45.0), (1.0, 59.0)]),
            biometrics_days: Duration::Quantiles(vec![(0.0, 7.0), (0.5, 21.0), (1.0, 45.0)]),
            processing_days: Duration::Quantiles(vec![
                (0.0, 45.0),
                (0.5, 130.0),
                (0.8, 180.0),
                (1.0, 400.0),
            ]),
            approval: 0.95,
            in_canada: 0.6,
            landing_days: Duration::Quantiles(vec![(0.0, 7.0), (0.5, 30.0), (1.0, 90.0)]),
            travel_days: Duration::Quantiles(vec![(0.0, 14.0), (0.5, 60.0), (1.0, 300.0)]),
            document_validity_days: 365.0,
        }
    }
}

/// Where an invited candidate stands at a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Never invited.
    NotInvited,
    /// Invited, preparing the application.
    Submitting,
    /// Application submitted, no decision yet (biometrics included).
    Processing,
    /// Approved, not yet landed.
    Approved,
    /// Refused: the path ends.
    Refused,
    /// Landed: a permanent resident.
    Landed,
    /// Declined the invitation and back in the pool.
    DeclinedBack,
    /// The invitation lapsed, the profile expired, or the documents expired before landing.
    Expired,
}

impl Stage {
    /// Every stage, in order.
    pub const ALL: [Stage; 8] = [
        Stage::NotInvited,
        Stage::Submitting,
        Stage::Processing,
        Stage::Approved,
        Stage::Refused,
        Stage::Landed,
        Stage::DeclinedBack,
        Stage::Expired,
    ];

    /// The stage's name in reports: `not_invited`, `submitting`, `processing`, `approved`,
    /// `refused`, `landed`, `declined_back`, `expired`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Stage::NotInvited => "not_invited",
            Stage::Submitting => "submitting",
            Stage::Processing => "processing",
            Stage::Approved => "approved",
            Stage::Refused => "refused",
            Stage::Landed => "landed",
            Stage::DeclinedBack => "declined_back",
            Stage::Expired => "expired",
        }
    }

    /// The stage's position in [`Stage::ALL`].
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One application's path from its invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationPath {
    /// The invitation.
    pub invited_at: Timestamp,
    /// The complete application.
    pub submitted_at: Timestamp,
    /// The decision.
    pub decided_at: Timestamp,
    /// Whether it approved.
    pub approved: bool,
    /// Landing, if the candidate lands (approved, and in time).
    pub landed_at: Option<Timestamp>,
}

impl ApplicationPath {
    /// The stage at `t` (at or after the invitation).
    #[must_use]
    pub fn stage_at(&self, t: Timestamp) -> Stage {
        if t < self.submitted_at {
            Stage::Submitting
        } else if t < self.decided_at {
            Stage::Processing
        } else if !self.approved {
            Stage::Refused
        } else {
            match self.landed_at {
                Some(l) if t >= l => Stage::Landed,
                Some(_) => Stage::Approved,
                None => Stage::Expired,
            }
        }
    }
}

impl AfterIta {
    /// Checks every parameter.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] naming the first bad parameter.
    pub fn validate(&self) -> Result<()> {
        self.submit_days.validate("submit_days")?;
        self.biometrics_days.validate("biometrics_days")?;
        self.processing_days.validate("processing_days")?;
        self.landing_days.validate("landing_days")?;
        self.travel_days.validate("travel_days")?;
        Probability::named("approval", self.approval)?;
        Probability::named("in_canada", self.in_canada)?;
        Duration::Fixed(self.document_validity_days).validate("document_validity_days")
    }

    /// The path of an application following an invitation at `invited_at`, drawn from `rng`.
    ///
    /// # Example
    /// ```
    /// use eesim::landing::{AfterIta, Duration, Stage};
    /// use rand::SeedableRng;
    ///
    /// let fixed = AfterIta {
    ///     submit_days: Duration::Fixed(30.0),
    ///     biometrics_days: Duration::Fixed(10.0),
    ///     processing_days: Duration::Fixed(120.0),
    ///     approval: 1.0,
    ///     in_canada: 1.0,
    ///     landing_days: Duration::Fixed(5.0),
    ///     ..AfterIta::default()
    /// };
    /// let ita = "2026-03-01T14:00:00Z".parse()?;
    /// let path = fixed.follow(ita, &mut rand_chacha::ChaCha8Rng::seed_from_u64(1));
    /// assert_eq!(path.landed_at.unwrap().to_string(), "2026-08-03T14:00:00Z"); // 30 + 120 + 5 days
    /// assert_eq!(path.stage_at(ita.plus_days(100)), Stage::Processing);
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn follow<R: Rng + ?Sized>(&self, invited_at: Timestamp, rng: &mut R) -> ApplicationPath {
        let at = |base: Timestamp, days: f64| base.plus_seconds((days * DAY).round() as i64);
        let submitted_at = at(invited_at, self.submit_days.sample(rng).min(59.999));
        let biometrics = self.biometrics_days.sample(rng);
        let processing = self.processing_days.sample(rng).max(biometrics);
        let decided_at = at(submitted_at, processing);
        let (u_approve, u_canada): (f64, f64) = (rng.random(), rng.random());
        let approved = u_approve < self.approval;
        let landed_at = if !approved {
            None
        } else if u_canada < self.in_canada {
            Some(at(decided_at, self.landing_days.sample(rng)))
        } else {
            let travel = self.travel_days.sample(rng);
            (travel <= self.document_validity_days).then(|| at(decided_at, travel))
        };
        ApplicationPath {
            invited_at,
            submitted_at,
            decided_at,
            approved,
            landed_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn err_bad_parameters_are_named() {
        let q = Duration::Quantiles(vec![(0.0, 10.0), (0.8, 5.0), (1.0, 20.0)]);
        assert_eq!(
            q.validate("processing_days").unwrap_err().to_string(),
            "simulation: after-ITA parameter: expected processing_days: quantiles from probability 0 to 1 in increasing order, with days of at least 0 never decreasing, found [(0.0, 10.0), (0.8, 5.0), (1.0, 20.0)]"
        );
        assert_eq!(
            Duration::Fixed(-1.0)
                .validate("travel_days")
                .unwrap_err()
                .to_string(),
            "simulation: after-ITA parameter: expected travel_days: a number of days of at least 0, found -1"
        );
        let p = AfterIta {
            approval: 1.5,
            ..AfterIta::default()
        };
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "approval: expected a probability from 0 to 1, found 1.5"
        );
        assert!(AfterIta::default().validate().is_ok());
    }

    #[test]
    fn quantile_draws_follow_the_quantiles() {
        let q = Duration::Quantiles(vec![(0.0, 0.0), (0.8, 180.0), (1.0, 400.0)]);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let n = 20_000;
        let within = (0..n).filter(|_| q.sample(&mut rng) <= 180.0).count() as f64 / f64::from(n);
        // 80% within 180 days; sd of the share is 0.0028.
        assert!((within - 0.8).abs() < 0.012, "{within}");
    }
}
