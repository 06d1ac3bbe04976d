//! `CrsScore`: a Comprehensive Ranking System score, validated to `0..=1200`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// A CRS score: an integer from 0 to 1,200.
///
/// Constructing one validates the range; a value outside it is an error, never clamped. All
/// engine arithmetic on scores is integer, so comparisons are exact.
///
/// # Example
/// ```
/// use eesim::CrsScore;
///
/// let s = CrsScore::new(497)?;
/// assert_eq!(s.get(), 497);
/// assert!(CrsScore::new(1201).is_err());
/// assert_eq!("512".parse::<CrsScore>()?, CrsScore::new(512)?);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u16")]
pub struct CrsScore(u16);

impl CrsScore {
    /// The lowest score, 0.
    pub const MIN: CrsScore = CrsScore(0);
    /// The highest score, 1,200.
    pub const MAX: CrsScore = CrsScore(1200);
    /// The number of distinct scores (1,201).
    pub const COUNT: usize = 1201;

    /// A score, if `value` is at most 1,200.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfRange`] when `value > 1200`.
    pub fn new(value: u16) -> Result<Self> {
        if value <= Self::MAX.0 {
            Ok(CrsScore(value))
        } else {
            Err(out_of_range(value))
        }
    }

    /// The score as an integer.
    #[must_use]
    pub const fn get(self) -> u16 {
        self.0
    }

    /// The score as an index into a table of [`CrsScore::COUNT`] entries.
    #[must_use]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

    /// The score whose [`CrsScore::index`] is `index`, if below [`CrsScore::COUNT`].
    pub(crate) fn from_index(index: usize) -> Option<Self> {
        u16::try_from(index)
            .ok()
            .filter(|v| *v <= Self::MAX.0)
            .map(CrsScore)
    }

    /// Every score from 1,200 down to 0, highest first: the order in which rounds rank.
    pub fn descending() -> impl DoubleEndedIterator<Item = CrsScore> + ExactSizeIterator {
        (0..=Self::MAX.0).rev().map(CrsScore)
    }
}

fn out_of_range(found: impl fmt::Display) -> Error {
    ErrorKind::ScoreOutOfRange {
        found: found.to_string(),
    }
    .into()
}

impl TryFrom<i64> for CrsScore {
    type Error = Error;

    fn try_from(value: i64) -> Result<Self> {
        u16::try_from(value)
            .ok()
            .filter(|v| *v <= Self::MAX.0)
            .map(CrsScore)
            .ok_or_else(|| out_of_range(value))
    }
}

impl TryFrom<u16> for CrsScore {
    type Error = Error;

    fn try_from(value: u16) -> Result<Self> {
        Self::new(value)
    }
}

impl From<CrsScore> for u16 {
    fn from(score: CrsScore) -> u16 {
        score.0
    }
}

impl FromStr for CrsScore {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let trimmed = s.trim();
        trimmed
            .parse::<i64>()
            .map_err(|_| out_of_range(format!("{s:?}")))
            .and_then(CrsScore::try_from)
    }
}

impl fmt::Display for CrsScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive() {
        assert!(CrsScore::new(0).is_ok());
        assert!(CrsScore::new(1200).is_ok());
        assert!(CrsScore::new(1201).is_err());
        assert!(CrsScore::try_from(-1_i64).is_err());
        assert!(CrsScore::try_from(70_000_i64).is_err());
    }

    #[test]
    fn err_messages_say_expected_and_found() {
        let e = CrsScore::try_from(-5_i64).unwrap_err();
        assert_eq!(
            e.to_string(),
            "CRS score: expected an integer from 0 to 1200, found -5"
        );
        let e = "abc".parse::<CrsScore>().unwrap_err();
        assert_eq!(
            e.to_string(),
            "CRS score: expected an integer from 0 to 1200, found \"abc\""
        );
    }

    #[test]
    fn descending_covers_every_score_once() {
        let all: Vec<u16> = CrsScore::descending().map(CrsScore::get).collect();
        assert_eq!(all.len(), CrsScore::COUNT);
        assert_eq!(all[0], 1200);
        assert_eq!(all[1200], 0);
    }

    #[test]
    fn serde_rejects_out_of_range() {
        let ok: CrsScore = serde_json::from_str("497").unwrap();
        assert_eq!(ok.get(), 497);
        assert!(serde_json::from_str::<CrsScore>("1201").is_err());
        assert!(serde_json::from_str::<CrsScore>("-3").is_err());
        assert_eq!(serde_json::to_string(&ok).unwrap(), "497");
    }
}
