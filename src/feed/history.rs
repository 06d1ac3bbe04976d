//! `DrawRecord` and `History`: the rounds read from the feed, sorted, with their pool snapshots.

use jiff::civil::Date;

use super::number::DrawNumber;
use super::snapshot::PoolSnapshot;
use crate::family::Family;
use crate::score::CrsScore;
use crate::time::Timestamp;

/// One round of invitations, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawRecord {
    pub(crate) record: usize,
    pub(crate) number: DrawNumber,
    pub(crate) date: Date,
    pub(crate) name: String,
    pub(crate) family: Family,
    pub(crate) size: u32,
    pub(crate) cutoff: CrsScore,
    pub(crate) held_at: Option<Timestamp>,
    pub(crate) tie_break: Option<Timestamp>,
    pub(crate) snapshot: Option<Date>,
}

impl DrawRecord {
    /// The 0-based index of the record in the feed's `rounds` array.
    #[must_use]
    pub fn record(&self) -> usize {
        self.record
    }
    /// The round's number.
    #[must_use]
    pub fn number(&self) -> &DrawNumber {
        &self.number
    }
    /// The day the round was held.
    #[must_use]
    pub fn date(&self) -> Date {
        self.date
    }
    /// The round's name as published (HTML removed, spaces collapsed).
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The round's family.
    #[must_use]
    pub fn family(&self) -> &Family {
        &self.family
    }
    /// The number of invitations issued.
    #[must_use]
    pub fn size(&self) -> u32 {
        self.size
    }
    /// The cut-off: the lowest CRS score invited.
    #[must_use]
    pub fn cutoff(&self) -> CrsScore {
        self.cutoff
    }
    /// When the round was held, if published.
    #[must_use]
    pub fn held_at(&self) -> Option<Timestamp> {
        self.held_at
    }
    /// The tie-break time: candidates at the cut-off who submitted at or before it were
    /// invited. Not published for the oldest rounds.
    #[must_use]
    pub fn tie_break(&self) -> Option<Timestamp> {
        self.tie_break
    }
    /// The date of the pool snapshot published with the round, when it has a usable one
    /// (not all zeros, not dated after the round).
    #[must_use]
    pub fn snapshot_date(&self) -> Option<Date> {
        self.snapshot
    }

    /// The sort key: date, then time when known, then number.
    fn key(&self) -> (Date, Option<Timestamp>, &DrawNumber) {
        (self.date, self.held_at, &self.number)
    }
}

/// The rounds read from a feed, oldest first and unique by draw number, with the pool
/// snapshots they published, oldest first and unique by date.
///
/// # Example
/// ```
/// use eesim::Family;
/// use eesim::feed::FeedReader;
///
/// let json = r#"{"rounds": [
///   {"drawNumber": "2", "drawDate": "2024-03-06", "drawName": "Canadian Experience Class",
///    "drawSize": "1,500", "drawCRS": "522"},
///   {"drawNumber": "1", "drawDate": "2024-03-05", "drawName": "No Program Specified",
///    "drawSize": "2,000", "drawCRS": "510"}]}"#;
/// let (history, report) = FeedReader::new().read_str(json)?;
/// assert!(report.problems().is_empty());
/// let families: Vec<&Family> = history.draws().iter().map(|d| d.family()).collect();
/// assert_eq!(families, [&Family::GENERAL, &Family::CEC]);
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    draws: Vec<DrawRecord>,
    snapshots: Vec<PoolSnapshot>,
}

impl History {
    /// A history from rounds and snapshots in any order. Rounds are sorted by date, time and
    /// number; snapshots by date, keeping the first of any date given twice.
    #[must_use]
    pub fn new(mut draws: Vec<DrawRecord>, mut snapshots: Vec<PoolSnapshot>) -> Self {
        draws.sort_by(|a, b| a.key().cmp(&b.key()));
        snapshots.sort_by_key(PoolSnapshot::date);
        snapshots.dedup_by_key(|s| s.date());
        History { draws, snapshots }
    }

    /// Every round, oldest first.
    #[must_use]
    pub fn draws(&self) -> &[DrawRecord] {
        &self.draws
    }

    /// Every distinct snapshot, oldest first.
    #[must_use]
    pub fn snapshots(&self) -> &[PoolSnapshot] {
        &self.snapshots
    }

    /// The day after the newest round: the date a scenario starts from to use every
    /// published round (`None` for a history without rounds).
    ///
    /// # Example
    /// ```
    /// use eesim::feed::FeedReader;
    ///
    /// let json = r#"{"rounds": [{"drawNumber": "1", "drawDate": "2024-03-05",
    ///   "drawName": "General", "drawSize": "2,000", "drawCRS": "510"}]}"#;
    /// let (history, _) = FeedReader::new().read_str(json)?;
    /// assert_eq!(history.day_after_last_round().map(|d| d.to_string()).as_deref(), Some("2024-03-06"));
    /// # Ok::<(), eesim::Error>(())
    /// ```
    #[must_use]
    pub fn day_after_last_round(&self) -> Option<Date> {
        self.draws.last().and_then(|d| d.date.tomorrow().ok())
    }

    /// The snapshot taken on `date`, if any.
    #[must_use]
    pub fn snapshot_on(&self, date: Date) -> Option<&PoolSnapshot> {
        self.snapshots
            .binary_search_by_key(&date, PoolSnapshot::date)
            .ok()
            .and_then(|i| self.snapshots.get(i))
    }

    /// The round with `number`, if any.
    #[must_use]
    pub fn draw(&self, number: &DrawNumber) -> Option<&DrawRecord> {
        self.draws.iter().find(|d| &d.number == number)
    }

    /// The history as it was known before `date`: rounds held and snapshots taken strictly
    /// before it. Calibration as of `date` sees only this.
    #[must_use]
    pub fn before(&self, date: Date) -> History {
        History {
            draws: self
                .draws
                .iter()
                .filter(|d| d.date < date)
                .cloned()
                .collect(),
            snapshots: self
                .snapshots
                .iter()
                .filter(|s| s.date() < date)
                .cloned()
                .collect(),
        }
    }

    /// The rounds held after the snapshot of `draw` was taken and before `draw` itself: their
    /// invitations had already left the pool when `draw` was held.
    #[must_use]
    pub fn between_snapshot_and(&self, draw: &DrawRecord) -> Vec<&DrawRecord> {
        let Some(snap) = draw.snapshot else {
            return Vec::new();
        };
        self.draws
            .iter()
            .filter(|d| d.date >= snap && d.key() < draw.key())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draw_numbers_order_with_suffixes() {
        let mut v: Vec<DrawNumber> = ["92", "91b", "91", "91a", "100"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        v.sort();
        let s: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(s, ["91", "91a", "91b", "92", "100"]);
    }

    #[test]
    fn err_draw_number() {
        for bad in ["", "a91", "9 1", "-3"] {
            let e = bad.parse::<DrawNumber>().unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("feed: expected a draw number like \"91\" or \"91a\", found {bad:?}")
            );
        }
    }
}
