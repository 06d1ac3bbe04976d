//! `DrawNumber`: a round's number as IRCC writes it.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, ErrorKind, Result};

/// A round's number as IRCC writes it: digits with an optional letter suffix (`91a`, `91b`).
///
/// Orders by the number, then the suffix, so `91 < 91a < 91b < 92`.
///
/// # Example
/// ```
/// use eesim::feed::DrawNumber;
///
/// let a: DrawNumber = "91a".parse()?;
/// assert_eq!(a.number(), 91);
/// assert!(a < "92".parse()?);
/// assert_eq!(a.to_string(), "91a");
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DrawNumber {
    number: u32,
    suffix: String,
}

impl DrawNumber {
    /// The numeric part.
    #[must_use]
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The letter suffix, empty for most rounds.
    #[must_use]
    pub fn suffix(&self) -> &str {
        &self.suffix
    }
}

impl FromStr for DrawNumber {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, suffix) = t.split_at(split);
        let number = digits.parse().ok();
        match number {
            Some(number) if suffix.chars().all(|c| c.is_ascii_alphabetic()) => Ok(DrawNumber {
                number,
                suffix: suffix.to_ascii_lowercase(),
            }),
            _ => Err(ErrorKind::FeedShape {
                expected: "a draw number like \"91\" or \"91a\"".to_string(),
                found: format!("{s:?}"),
            }
            .into()),
        }
    }
}

impl fmt::Display for DrawNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.number, self.suffix)
    }
}
