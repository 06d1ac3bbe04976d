//! `Probability`: a number from 0 to 1, validated once.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// A probability: a finite number from 0 to 1.
///
/// # Example
/// ```
/// use eesim::Probability;
///
/// let p = Probability::new(0.25)?;
/// assert_eq!(p.get(), 0.25);
/// assert!(Probability::new(1.5).is_err());
/// assert!(Probability::new(f64::NAN).is_err());
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Probability(f64);

impl Probability {
    /// Never.
    pub const ZERO: Probability = Probability(0.0);
    /// Always.
    pub const ONE: Probability = Probability(1.0);

    /// A probability, if `p` is a number from 0 to 1.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidProbability`] otherwise (including NaN).
    pub fn new(p: f64) -> Result<Self> {
        Self::named("probability", p)
    }

    /// As [`Probability::new`], naming the parameter in the error.
    pub(crate) fn named(name: &'static str, p: f64) -> Result<Self> {
        if (0.0..=1.0).contains(&p) {
            Ok(Probability(p))
        } else {
            Err(ErrorKind::InvalidProbability {
                name,
                found: p.to_string(),
            }
            .into())
        }
    }

    /// The probability as a number.
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Probability {
    type Error = Error;

    fn try_from(p: f64) -> Result<Self> {
        Probability::new(p)
    }
}

impl From<Probability> for f64 {
    fn from(p: Probability) -> f64 {
        p.0
    }
}

impl fmt::Display for Probability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}
