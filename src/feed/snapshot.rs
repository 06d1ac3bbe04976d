//! `PoolSnapshot`: the pool's published score distribution on one date, over 15 disjoint ranges.

use jiff::civil::Date;

use super::number::DrawNumber;

/// A published CRS range, inclusive at both ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScoreRange {
    /// The lowest score in the range.
    pub low: u16,
    /// The highest score in the range.
    pub high: u16,
}

impl ScoreRange {
    /// How many distinct scores the range holds.
    #[must_use]
    pub const fn width(self) -> u16 {
        self.high - self.low + 1
    }

    /// Whether `score` lies in the range.
    #[must_use]
    pub const fn contains(self, score: u16) -> bool {
        self.low <= score && score <= self.high
    }
}

const fn r(low: u16, high: u16) -> ScoreRange {
    ScoreRange { low, high }
}

/// The 15 disjoint ranges of a snapshot, highest first, as the feed's `dd1`, `dd2`, `dd4` to
/// `dd8`, `dd10` to `dd14`, `dd15`, `dd16` and `dd17`. Together they cover 0 to 1200.
pub const RANGES: [ScoreRange; 15] = [
    r(601, 1200),
    r(501, 600),
    r(491, 500),
    r(481, 490),
    r(471, 480),
    r(461, 470),
    r(451, 460),
    r(441, 450),
    r(431, 440),
    r(421, 430),
    r(411, 420),
    r(401, 410),
    r(351, 400),
    r(301, 350),
    r(0, 300),
];

/// The feed field (`dd1`..`dd18`) index, 0-based, of each of the 15 ranges.
pub(crate) const RANGE_FIELDS: [usize; 15] = [0, 1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16];

/// A subtotal or total of the feed and the 0-based field indexes it sums.
pub(crate) const SUBTOTALS: [(usize, &[usize]); 3] = [
    (2, &[3, 4, 5, 6, 7]),
    (8, &[9, 10, 11, 12, 13]),
    (17, &[0, 1, 2, 8, 14, 15, 16]),
];

/// The pool's score distribution on one date, as published with one or more rounds.
///
/// Several rounds held within a few days often publish the same snapshot; the history keeps
/// it once, with the draw numbers that published it.
///
/// # Example
/// ```
/// use eesim::feed::{FeedReader, RANGES};
///
/// let json = r#"{"rounds": [{"drawNumber": "7", "drawDate": "2024-03-05",
///   "drawName": "General", "drawSize": "1,000", "drawCRS": "520",
///   "drawDateTime": "", "drawCutOff": "", "drawDistributionAsOn": "March 4, 2024",
///   "dd1": "10", "dd2": "20", "dd3": "50", "dd4": "10", "dd5": "10", "dd6": "10",
///   "dd7": "10", "dd8": "10", "dd9": "50", "dd10": "10", "dd11": "10", "dd12": "10",
///   "dd13": "10", "dd14": "10", "dd15": "5", "dd16": "5", "dd17": "5", "dd18": "145"}]}"#;
/// let (history, _report) = FeedReader::new().read_str(json)?;
/// let snapshot = &history.snapshots()[0];
/// assert_eq!(snapshot.total(), 145);
/// assert_eq!(snapshot.count(0), 10); // 601-1200
/// assert_eq!(RANGES[1].low, 501);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSnapshot {
    date: Date,
    counts: [u32; 15],
    draws: Vec<DrawNumber>,
}

impl PoolSnapshot {
    /// A snapshot from its date and the counts of the 15 [`RANGES`], highest first.
    #[must_use]
    pub fn new(date: Date, counts: [u32; 15]) -> Self {
        PoolSnapshot {
            date,
            counts,
            draws: Vec::new(),
        }
    }

    /// The date the distribution was taken ("as on").
    #[must_use]
    pub fn date(&self) -> Date {
        self.date
    }

    /// The counts of the 15 [`RANGES`], highest range first.
    #[must_use]
    pub fn counts(&self) -> &[u32; 15] {
        &self.counts
    }

    /// The count of range `i` of [`RANGES`] (0 for an index past the end).
    #[must_use]
    pub fn count(&self, i: usize) -> u32 {
        self.counts.get(i).copied().unwrap_or(0)
    }

    /// The number of candidates in the pool: the sum of the 15 ranges.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&c| u64::from(c)).sum()
    }

    /// The rounds that published this snapshot, in draw-number order.
    #[must_use]
    pub fn draws(&self) -> &[DrawNumber] {
        &self.draws
    }

    pub(crate) fn add_draw(&mut self, number: DrawNumber) {
        if let Err(at) = self.draws.binary_search(&number) {
            self.draws.insert(at, number);
        }
    }
}

/// The subtotal and total fields that disagree with the fields they sum:
/// `(field index, published, sum of its parts)`.
pub(crate) fn subtotal_mismatches(values: &[u32; 18]) -> Vec<(usize, u32, u64)> {
    SUBTOTALS
        .iter()
        .filter_map(|&(at, parts)| {
            let sum: u64 = parts
                .iter()
                .map(|&i| u64::from(values.get(i).copied().unwrap_or(0)))
                .sum();
            let published = values.get(at).copied().unwrap_or(0);
            (u64::from(published) != sum).then_some((at, published, sum))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_disjoint_and_cover_every_score() {
        let mut covered = [0u8; 1201];
        for range in RANGES {
            for s in range.low..=range.high {
                covered[usize::from(s)] += 1;
            }
        }
        assert!(covered.iter().all(|&c| c == 1));
        assert_eq!(
            RANGES.iter().map(|r| u32::from(r.width())).sum::<u32>(),
            1201
        );
    }

    #[test]
    fn round_247_subtotal_mismatch_is_found() {
        // Round 247 (2023-04-26) as published: dd3 says 55,867 but dd4..dd8 sum to 55,687.
        let v = [
            604, 884, 55867, 680, 3001, 21544, 17111, 13351, 61108, 12691, 13187, 10674, 11846,
            12710, 69709, 36432, 5585, 230189,
        ];
        assert_eq!(subtotal_mismatches(&v), vec![(2, 55867, 55687)]);
    }

    #[test]
    fn draws_are_kept_sorted_once() {
        let d = Date::new(2024, 1, 1).unwrap();
        let mut s = PoolSnapshot::new(d, [1; 15]);
        for n in ["12", "10", "12", "11"] {
            s.add_draw(n.parse().unwrap());
        }
        let got: Vec<String> = s.draws().iter().map(ToString::to_string).collect();
        assert_eq!(got, ["10", "11", "12"]);
        assert_eq!(s.total(), 15);
    }
}
