//! `LoadReport`: every problem and every guess of a feed read, each with its position.

use std::fmt;

use crate::error::Error;

/// What the reader assumed or noticed in a record it still read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WarningKind {
    /// A datetime without a year: the year shown was assumed (the round's, or the year before
    /// for a tie-break that would otherwise fall after the round).
    MissingYear {
        /// The year assumed.
        assumed: i16,
    },
    /// A datetime without a zone: UTC was assumed.
    MissingZone,
    /// A 24-hour time followed by "PM": read as a 24-hour time.
    HourWithPm,
    /// A 24-hour time followed by "AM": read as a 24-hour time.
    HourWithAm,
    /// A subtotal or total (`dd3`, `dd9`, `dd18`) that differs from the sum of its parts;
    /// the parts are kept.
    SubtotalMismatch {
        /// The published subtotal.
        published: u32,
        /// The sum of the fields it should total.
        sum: u64,
    },
    /// A snapshot dated after its round: the round keeps no snapshot.
    SnapshotAfterDraw,
    /// A snapshot whose date was already published with different counts: the first is kept.
    SnapshotConflict,
    /// A tie-break time after the round was held.
    TieBreakAfterDraw,
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WarningKind::MissingYear { assumed } => write!(f, "no year, assumed {assumed}"),
            WarningKind::MissingZone => f.write_str("no time zone, assumed UTC"),
            WarningKind::HourWithPm => f.write_str("24-hour time with PM, read as 24-hour"),
            WarningKind::HourWithAm => f.write_str("24-hour time with AM, read as 24-hour"),
            WarningKind::SubtotalMismatch { published, sum } => {
                write!(
                    f,
                    "subtotal {published} differs from the sum of its ranges {sum}"
                )
            }
            WarningKind::SnapshotAfterDraw => {
                f.write_str("snapshot dated after the round, not used")
            }
            WarningKind::SnapshotConflict => {
                f.write_str("snapshot date published before with other counts, first kept")
            }
            WarningKind::TieBreakAfterDraw => f.write_str("tie-break time after the round"),
        }
    }
}

/// A guess or an oddity in a record that was read, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedWarning {
    /// The 0-based index of the record in the feed's `rounds` array.
    pub record: usize,
    /// The record's `drawNumber` as written.
    pub draw: String,
    /// The feed's name for the field.
    pub field: &'static str,
    /// The field's raw value.
    pub raw: String,
    /// What was assumed or noticed.
    pub kind: WarningKind,
}

impl fmt::Display for FeedWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "feed record {} (draw {:?}), field {}: {}, found {:?}",
            self.record, self.draw, self.field, self.kind, self.raw
        )
    }
}

/// What a lenient read found: how many rounds were read, the problems that made records
/// unreadable (each an [`ErrorKind::Feed`](crate::ErrorKind::Feed) error with its
/// position), and the warnings about records that were read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct LoadReport {
    pub(crate) records: usize,
    pub(crate) rounds_read: usize,
    pub(crate) problems: Vec<Error>,
    pub(crate) warnings: Vec<FeedWarning>,
}

impl LoadReport {
    /// The number of records in the feed's `rounds` array.
    #[must_use]
    pub fn records(&self) -> usize {
        self.records
    }

    /// The number of rounds read into the history.
    #[must_use]
    pub fn rounds_read(&self) -> usize {
        self.rounds_read
    }

    /// Every problem, in record order; each record with one or more problems was skipped.
    #[must_use]
    pub fn problems(&self) -> &[Error] {
        &self.problems
    }

    /// Every warning, in record order.
    #[must_use]
    pub fn warnings(&self) -> &[FeedWarning] {
        &self.warnings
    }

    /// The number of records skipped because of a problem.
    #[must_use]
    pub fn records_failed(&self) -> usize {
        self.records.saturating_sub(self.rounds_read)
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} records, {} rounds read, {} failed, {} problems, {} warnings",
            self.records,
            self.rounds_read,
            self.records_failed(),
            self.problems.len(),
            self.warnings.len()
        )?;
        for p in &self.problems {
            writeln!(f, "problem: {p}")?;
        }
        for w in &self.warnings {
            writeln!(f, "warning: {w}")?;
        }
        Ok(())
    }
}
