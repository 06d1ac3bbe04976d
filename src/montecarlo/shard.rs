//! `Shard`: one of N contiguous parts of an estimate's run indices, to run apart and merge.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{ErrorKind, Result};

/// Shard `index` of `count` (1-based): the runs `runs * (index - 1) / count` to
/// `runs * index / count` of an estimate of `runs` runs.
///
/// The shards of one count split the run indices `0..runs` into contiguous ranges that do not
/// overlap and whose union is exactly `0..runs`, their sizes differing by at most one. Run
/// `i` takes its randomness from [`super::run_rng`]`(seed, i)` alone and tallies are integer
/// counts, so the merged shards give the same bits as one unsharded estimate
/// ([`super::MonteCarlo::tally_runs`], [`super::Tally::merge`]).
///
/// More shards than runs is allowed: the extra shards hold no run and merge as nothing, so a
/// cluster job array of a fixed size fits any number of runs.
///
/// # Example
/// ```
/// use eesim::montecarlo::Shard;
///
/// let shard: Shard = "2/4".parse()?;
/// assert_eq!(shard.runs(10), 2..5);
/// let all: Vec<_> = Shard::all(4)?.map(|s| s.runs(10)).collect();
/// assert_eq!(all, [0..2, 2..5, 5..7, 7..10]);
/// assert!("5/4".parse::<Shard>().is_err());
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawShard")]
pub struct Shard {
    index: u32,
    count: u32,
}

#[derive(Deserialize)]
struct RawShard {
    index: u32,
    count: u32,
}

impl TryFrom<RawShard> for Shard {
    type Error = crate::error::Error;

    fn try_from(r: RawShard) -> Result<Self> {
        Shard::new(r.index, r.count)
    }
}

impl Shard {
    /// Shard `index` of `count`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] unless `1 <= index <= count`.
    pub fn new(index: u32, count: u32) -> Result<Self> {
        if index == 0 || index > count {
            return Err(ErrorKind::InvalidSimulation {
                what: "shard",
                expected: "K/N with 1 <= K <= N".into(),
                found: format!("{index}/{count}"),
            }
            .into());
        }
        Ok(Shard { index, count })
    }

    /// Every shard of `count`, in order.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] when `count` is 0.
    pub fn all(count: u32) -> Result<impl Iterator<Item = Shard>> {
        Shard::new(1, count)?;
        Ok((1..=count).map(move |index| Shard { index, count }))
    }

    /// The shard's number, from 1 to [`Shard::count`].
    #[must_use]
    pub fn index(self) -> u32 {
        self.index
    }

    /// How many shards the runs are split into.
    #[must_use]
    pub fn count(self) -> u32 {
        self.count
    }

    /// This shard's run indices in an estimate of `runs` runs (empty when there are more
    /// shards than runs and this one gets none).
    #[must_use]
    pub fn runs(self, runs: u64) -> Range<u64> {
        let at = |k: u32| {
            // `runs * k / count` without overflow: the product fits in 128 bits and the
            // quotient is at most `runs`.
            u64::try_from(u128::from(runs) * u128::from(k) / u128::from(self.count)).unwrap_or(runs)
        };
        at(self.index - 1)..at(self.index)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = crate::error::Error;

    /// `K/N`, as `3/8`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = || -> crate::error::Error {
            ErrorKind::InvalidSimulation {
                what: "shard",
                expected: "K/N with 1 <= K <= N".into(),
                found: if s.trim().is_empty() {
                    "nothing".into()
                } else {
                    s.trim().to_string()
                },
            }
            .into()
        };
        let (k, n) = s.trim().split_once('/').ok_or_else(bad)?;
        let k: u32 = k.trim().parse().map_err(|_| bad())?;
        let n: u32 = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n).map_err(|_| bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranges of every shard of `count` over `runs` runs.
    fn split(runs: u64, count: u32) -> Vec<Range<u64>> {
        Shard::all(count).unwrap().map(|s| s.runs(runs)).collect()
    }

    #[test]
    fn shards_cover_every_run_once_in_order() {
        for runs in [0, 1, 2, 3, 7, 10, 199, 200, 401, 10_000] {
            for count in [1, 2, 3, 4, 7, 8, 13, 64] {
                let parts = split(runs, count);
                assert_eq!(parts.len(), count as usize);
                // Contiguous from 0 to `runs`: no gap, no overlap, the union exact.
                let mut next = 0;
                for p in &parts {
                    assert_eq!(p.start, next, "{runs} runs, {count} shards: {parts:?}");
                    assert!(p.start <= p.end);
                    next = p.end;
                }
                assert_eq!(next, runs);
                let sizes: Vec<u64> = parts.iter().map(|p| p.end - p.start).collect();
                let (lo, hi) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
                assert!(hi - lo <= 1, "{runs} runs, {count} shards: {sizes:?}");
            }
        }
    }

    #[test]
    fn more_shards_than_runs_leaves_some_empty() {
        let parts = split(3, 7);
        assert_eq!(parts.iter().filter(|p| p.is_empty()).count(), 4);
        assert_eq!(parts.iter().map(|p| p.end - p.start).sum::<u64>(), 3);
    }

    #[test]
    fn huge_run_counts_do_not_overflow() {
        let s = Shard::new(u32::MAX, u32::MAX).unwrap();
        assert_eq!(s.runs(u64::MAX).end, u64::MAX);
        let half = Shard::new(1, 2).unwrap().runs(u64::MAX);
        assert_eq!(half, 0..u64::MAX / 2);
    }

    #[test]
    fn err_shard_forms() {
        for bad in [
            "", "0/4", "5/4", "1/0", "4", "a/b", "1/2/3", "-1/4", "1 of 4",
        ] {
            let e = bad.parse::<Shard>().unwrap_err().to_string();
            assert!(e.contains("expected K/N with 1 <= K <= N"), "{bad}: {e}");
        }
        assert_eq!(" 3/8 ".parse::<Shard>().unwrap().to_string(), "3/8");
    }

    #[test]
    fn serde_checks_the_range() {
        let s: Shard = serde_json::from_str(r#"{"index":2,"count":3}"#).unwrap();
        assert_eq!((s.index(), s.count()), (2, 3));
        assert!(serde_json::from_str::<Shard>(r#"{"index":4,"count":3}"#).is_err());
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"index":2,"count":3}"#
        );
    }
}
