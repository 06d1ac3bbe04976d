//! The IRCC rounds feed read into a [`History`], and nothing else: the model fitted on it is
//! [`crate::forecast`], a scenario calibrated from it [`crate::Scenario::calibrated`].
//!
//! IRCC publishes every round of invitations in one JSON feed, `ee_rounds_123_en.json`,
//! hand-maintained for a decade: numbers with thousands separators, timestamps typed in a dozen
//! shapes, blank distributions for the oldest rounds. [`FeedReader`] reads it as it is and
//! returns a [`History`] plus a [`LoadReport`] that lists every problem and every guess.
//!
//! # Overview
//! - [`FeedReader`]: strict or lenient; [`LoadReport`] positions every problem and warning.
//! - [`History`]: [`DrawRecord`]s sorted by date and unique by [`DrawNumber`], each with its
//!   [`crate::Family`] ([`family_of_draw_name`]), and the [`PoolSnapshot`]s (15 disjoint
//!   [`RANGES`]) unique by date, each knowing the rounds that published it.
//!
//! # Example
//! ```
//! use eesim::Family;
//! use eesim::feed::{FeedReader, WarningKind};
//!
//! let json = r#"{"rounds": [{"drawNumber": "208", "drawDate": "2021-10-27",
//!   "drawName": "Provincial Nominee Program", "drawSize": "888", "drawCRS": "744",
//!   "drawDateTime": "October 27, 2021 at 14:37:36 UTC",
//!   "drawCutOff": "October 7 at 16:38:21 UTC"}]}"#;
//! let (history, report) = FeedReader::new().read_str(json)?;
//! let draw = &history.draws()[0];
//! assert_eq!(draw.family(), &Family::PNP);
//! assert_eq!(draw.tie_break().map(|t| t.to_string()).as_deref(), Some("2021-10-07T16:38:21Z"));
//! assert_eq!(report.warnings()[0].kind, WarningKind::MissingYear { assumed: 2021 });
//! # Ok::<(), eesim::Error>(())
//! ```

mod convert;
mod family;
mod history;
mod number;
mod parse;
pub mod plausible;
mod raw;
mod report;
mod snapshot;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use family::family_of_draw_name;
pub use history::{DrawRecord, History};
pub use number::DrawNumber;
pub use plausible::Anomaly;
pub use report::{FeedWarning, LoadReport, WarningKind};
pub use snapshot::{PoolSnapshot, RANGES, ScoreRange};

use crate::error::{Error, ErrorKind, Result};
use raw::{RawFeed, RawField, RawRecord};

/// Reads the IRCC rounds feed, strictly or leniently.
///
/// Lenient (the default): every record that can be read becomes a round of the [`History`];
/// each record with a problem is skipped and its problems are listed in the [`LoadReport`].
/// Strict: the first problem is returned as the error. Either way, guesses (a missing year
/// or zone, a 24-hour time with PM) are warnings in the report, and feed content never causes
/// a panic. Only input that is not JSON, or has no `rounds` array, fails in both modes.
///
/// # Example
/// ```
/// use eesim::feed::FeedReader;
///
/// let json = r#"{"rounds": [
///   {"drawNumber": "1", "drawDate": "2024-03-05", "drawName": "General",
///    "drawSize": "-5", "drawCRS": "510"},
///   {"drawNumber": "2", "drawDate": "2024-03-06", "drawName": "General",
///    "drawSize": "2,000", "drawCRS": "512"}]}"#;
/// let (history, report) = FeedReader::new().read_str(json)?;
/// assert_eq!(history.draws().len(), 1);
/// assert_eq!(
///     report.problems()[0].to_string(),
///     "feed record 0 (draw \"1\"), field drawSize: expected a number of invitations like \"1,500\", found \"-5\""
/// );
/// assert!(FeedReader::new().strict(true).read_str(json).is_err());
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[must_use]
pub struct FeedReader {
    strict: bool,
}

impl FeedReader {
    /// A lenient reader.
    pub fn new() -> Self {
        FeedReader::default()
    }

    /// Whether the first problem fails the whole read (`true`) or is reported (`false`).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Reads the feed file at `path`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when the file cannot be read; otherwise as [`FeedReader::read_str`].
    pub fn read_path(self, path: impl AsRef<Path>) -> Result<(History, LoadReport)> {
        let path = path.as_ref();
        let text =
            crate::input::read_text(path, crate::input::FEED_LIMIT).map_err(|e| ErrorKind::Io {
                context: format!("reading feed {}", path.display()),
                source: crate::error::Cause::new(e),
            })?;
        self.read_str(&text)
    }

    /// Reads a feed from its JSON text.
    ///
    /// # Errors
    /// [`ErrorKind::FeedShape`] when the text is not JSON or has no `rounds` array; in strict
    /// mode, the first record problem as [`ErrorKind::Feed`].
    pub fn read_str(self, json: &str) -> Result<(History, LoadReport)> {
        // A UTF-8 byte-order mark is not JSON, but editors save one.
        let json = json.strip_prefix('\u{feff}').unwrap_or(json);
        let feed: RawFeed = serde_json::from_str(json).map_err(|e| ErrorKind::FeedShape {
            expected: "a JSON object with a \"rounds\" array".to_string(),
            found: format!("invalid JSON ({e})"),
        })?;
        let Some(records) = feed.rounds else {
            return Err(ErrorKind::FeedShape {
                expected: "a JSON object with a \"rounds\" array".to_string(),
                found: "no \"rounds\" array".to_string(),
            }
            .into());
        };
        let mut report = LoadReport {
            records: records.len(),
            ..LoadReport::default()
        };
        let mut draws = Vec::with_capacity(records.len());
        let mut snapshots: BTreeMap<jiff::civil::Date, PoolSnapshot> = BTreeMap::new();
        let mut seen = BTreeSet::new();
        for (i, record) in records.iter().enumerate() {
            let converted = match record {
                RawRecord::Round(raw) => convert::convert(i, raw),
                RawRecord::NotAnObject(found) => Err(vec![feed_error(
                    i,
                    None,
                    "record",
                    "a JSON object",
                    found.clone(),
                )]),
            };
            let converted = converted.and_then(|c| {
                if seen.insert(c.draw.number().clone()) {
                    Ok(c)
                } else {
                    let found = RawField::Text(c.draw.number().to_string()).describe();
                    let draw = Some(c.draw.number().to_string());
                    let expected = "a draw number not used by an earlier record";
                    Err(vec![feed_error(i, draw, "drawNumber", expected, found)])
                }
            });
            match converted {
                Ok(c) => {
                    report.warnings.extend(c.warnings);
                    if let Some(snap) = c.snapshot {
                        merge_snapshot(&mut snapshots, snap, &c.draw, &mut report);
                    }
                    draws.push(c.draw);
                }
                Err(problems) => {
                    let mut problems = problems.into_iter();
                    if self.strict
                        && let Some(first) = problems.next()
                    {
                        return Err(first);
                    }
                    report.problems.extend(problems);
                }
            }
        }
        report.rounds_read = draws.len();
        Ok((
            History::new(draws, snapshots.into_values().collect()),
            report,
        ))
    }
}

fn feed_error(
    record: usize,
    draw: Option<String>,
    field: &str,
    expected: &str,
    found: String,
) -> Error {
    ErrorKind::Feed {
        record,
        draw,
        field: field.to_string(),
        expected: expected.to_string(),
        found,
    }
    .into()
}

/// Adds a round's snapshot, or its draw number to the snapshot of the same date.
fn merge_snapshot(
    snapshots: &mut BTreeMap<jiff::civil::Date, PoolSnapshot>,
    snap: PoolSnapshot,
    draw: &DrawRecord,
    report: &mut LoadReport,
) {
    match snapshots.get_mut(&snap.date()) {
        Some(kept) => {
            if kept.counts() != snap.counts() {
                report.warnings.push(FeedWarning {
                    record: draw.record(),
                    draw: draw.number().to_string(),
                    field: "drawDistributionAsOn",
                    raw: snap.date().to_string(),
                    kind: WarningKind::SnapshotConflict,
                });
            }
            kept.add_draw(draw.number().clone());
        }
        None => {
            snapshots.insert(snap.date(), snap);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(number: &str, date: &str, as_on: &str, top: &str) -> String {
        let zeros: String = (2..=17).map(|k| format!(", \"dd{k}\": \"0\"")).collect();
        format!(
            r#"{{"drawNumber": "{number}", "drawDate": "{date}", "drawName": "General",
              "drawSize": "10", "drawCRS": "700", "drawDistributionAsOn": "{as_on}",
              "dd1": "{top}"{zeros}, "dd18": "{top}"}}"#
        )
    }

    #[test]
    fn rounds_sharing_a_snapshot_are_known_and_conflicts_reported() {
        let json = format!(
            r#"{{"rounds": [{}, {}, {}]}}"#,
            record("3", "2024-03-07", "March 5, 2024", "99"),
            record("2", "2024-03-06", "March 5, 2024", "100"),
            record("1", "2024-03-05", "March 5, 2024", "100"),
        );
        let (history, report) = FeedReader::new().read_str(&json).unwrap();
        assert_eq!(history.snapshots().len(), 1);
        let snap = &history.snapshots()[0];
        // The first record read (round 3) is kept; the others disagree with it.
        assert_eq!(snap.total(), 99);
        let draws: Vec<String> = snap.draws().iter().map(ToString::to_string).collect();
        assert_eq!(draws, ["1", "2", "3"]);
        let conflicts: Vec<(usize, &str)> = report
            .warnings()
            .iter()
            .filter(|w| w.kind == WarningKind::SnapshotConflict)
            .map(|w| (w.record, w.draw.as_str()))
            .collect();
        assert_eq!(conflicts, [(1, "2"), (2, "1")]);
        let between: Vec<String> = history
            .between_snapshot_and(&history.draws()[2])
            .iter()
            .map(|d| d.number().to_string())
            .collect();
        assert_eq!(between, ["1", "2"]);
    }
}
