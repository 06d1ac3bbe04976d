//! Turns one raw feed record into a validated `DrawRecord` and snapshot, or positioned errors.

use jiff::civil::Date;

use super::history::DrawRecord;
use super::number::DrawNumber;
use super::parse::{self, Guess, Parts};
use super::raw::{RawField, RawRound};
use super::report::{FeedWarning, WarningKind};
use super::snapshot::{self, PoolSnapshot, RANGE_FIELDS};
use crate::error::{Error, ErrorKind};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// A record read: the round, its snapshot if it published a non-empty one, and the guesses.
#[derive(Debug)]
pub(crate) struct Converted {
    pub(crate) draw: DrawRecord,
    pub(crate) snapshot: Option<PoolSnapshot>,
    pub(crate) warnings: Vec<FeedWarning>,
}

/// The state of one record's conversion: its position, and what went wrong so far.
struct Ctx<'a> {
    record: usize,
    draw: Option<String>,
    raw: &'a RawRound,
    errors: Vec<Error>,
    warnings: Vec<FeedWarning>,
}

impl Ctx<'_> {
    fn fail<T>(&mut self, field: &str, expected: &str, found: &RawField) -> Option<T> {
        self.errors.push(
            ErrorKind::Feed {
                record: self.record,
                draw: self.draw.clone(),
                field: field.to_string(),
                expected: expected.to_string(),
                found: found.describe(),
            }
            .into(),
        );
        None
    }

    fn warn(&mut self, field: &'static str, raw: &str, kind: WarningKind) {
        self.warnings.push(FeedWarning {
            record: self.record,
            draw: self.draw.clone().unwrap_or_default(),
            field,
            raw: raw.to_string(),
            kind,
        });
    }

    fn text<'f>(&mut self, field: &str, value: &'f RawField, expected: &str) -> Option<&'f str> {
        match value {
            RawField::Text(s) => Some(s),
            other => self.fail(field, expected, other),
        }
    }

    /// A required count, checked against `ok`.
    fn count(
        &mut self,
        field: &str,
        value: &RawField,
        expected: &str,
        ok: impl Fn(u32) -> bool,
    ) -> Option<u32> {
        let text = self.text(field, value, expected)?;
        match parse::count(text) {
            Ok(Some(n)) if ok(n) => Some(n),
            _ => self.fail(field, expected, value),
        }
    }

    /// An optional datetime: `None` when blank, a problem when unreadable.
    fn datetime(
        &mut self,
        field: &'static str,
        value: &RawField,
        draw_date: Date,
    ) -> Option<Option<Timestamp>> {
        let text = match value {
            RawField::Missing => return Some(None),
            RawField::Text(t) if t.trim().is_empty() => return Some(None),
            RawField::Text(t) => t,
            other => return self.fail(field, parse::EXPECTED_DATETIME, other),
        };
        let Some(parts) = parse::when(text).filter(|p| p.timestamp_in(2000).is_some()) else {
            return self.fail(field, parse::EXPECTED_DATETIME, value);
        };
        let (year, at) = settle_year(&parts, draw_date, field == "drawCutOff");
        let Some(at) = at else {
            return self.fail(field, parse::EXPECTED_DATETIME, value);
        };
        if parts.year.is_none() {
            self.warn(field, text, WarningKind::MissingYear { assumed: year });
        }
        for g in &parts.guesses {
            let kind = match g {
                Guess::MissingZone => WarningKind::MissingZone,
                Guess::HourWithPm => WarningKind::HourWithPm,
                Guess::HourWithAm => WarningKind::HourWithAm,
            };
            self.warn(field, text, kind);
        }
        Some(Some(at))
    }
}

/// The year for a datetime written without one: the round's, or for a tie-break that would
/// then fall after the round, the year before.
fn settle_year(parts: &Parts, draw_date: Date, before_draw: bool) -> (i16, Option<Timestamp>) {
    let year = draw_date.year();
    let at = parts.timestamp_in(year);
    if parts.year.is_none()
        && before_draw
        && at.is_some_and(|t| t.date() > draw_date)
        && let Some(earlier) = parts.timestamp_in(year - 1)
    {
        return (year - 1, Some(earlier));
    }
    (year, at)
}

const EXPECTED_SIZE: &str = "a number of invitations like \"1,500\"";
const EXPECTED_CRS: &str = "a CRS score from 0 to 1200 like \"497\"";
const EXPECTED_COUNT: &str = "a count of candidates like \"16,559\"";

/// Converts record `record` of the feed.
///
/// # Errors
/// Every problem found in the record, as [`ErrorKind::Feed`] errors.
pub(crate) fn convert(record: usize, raw: &RawRound) -> Result<Converted, Vec<Error>> {
    let draw = match &raw.draw_number {
        RawField::Text(t) => Some(t.trim().to_string()),
        _ => None,
    };
    let mut cx = Ctx {
        record,
        draw,
        raw,
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let expected_number = "a draw number like \"91\" or \"91a\"";
    let number = match &raw.draw_number {
        RawField::Text(t) => t.parse::<DrawNumber>().ok(),
        _ => None,
    }
    .or_else(|| cx.fail("drawNumber", expected_number, &raw.draw_number));
    let expected_date = "a date like \"2026-02-20\"";
    let date = cx
        .text("drawDate", &raw.draw_date, expected_date)
        .map(parse::iso_date)
        .and_then(|d| d.or_else(|| cx.fail("drawDate", expected_date, &raw.draw_date)));
    let name = cx
        .text(
            "drawName",
            &raw.draw_name,
            "a round name like \"Canadian Experience Class\"",
        )
        .map(parse::plain_text);
    let size = cx.count("drawSize", &raw.draw_size, EXPECTED_SIZE, |n| n >= 1);
    let cutoff = cx
        .count("drawCRS", &raw.draw_crs, EXPECTED_CRS, |n| n <= 1200)
        .and_then(|n| u16::try_from(n).ok())
        .and_then(|n| CrsScore::new(n).ok());
    let values = distribution(&mut cx);
    let Some(date) = date else {
        return Err(cx.errors);
    };
    let held_at = cx.datetime("drawDateTime", &raw.draw_date_time, date);
    let tie_break = cx.datetime("drawCutOff", &raw.draw_cut_off, date);
    let snapshot = values.and_then(|v| snapshot_of(&mut cx, &v, date));
    let (Some(number), Some(name), Some(size), Some(cutoff), Some(held_at), Some(tie_break)) =
        (number, name, size, cutoff, held_at, tie_break)
    else {
        return Err(cx.errors);
    };
    if !cx.errors.is_empty() {
        return Err(cx.errors);
    }
    if let (Some(t), Some(h)) = (tie_break, held_at)
        && t > h
        && let RawField::Text(raw_text) = &raw.draw_cut_off
    {
        cx.warn("drawCutOff", raw_text, WarningKind::TieBreakAfterDraw);
    }
    let snapshot = snapshot.map(|mut s: PoolSnapshot| {
        s.add_draw(number.clone());
        s
    });
    let usable = snapshot
        .as_ref()
        .map(PoolSnapshot::date)
        .filter(|d| *d <= date);
    Ok(Converted {
        draw: DrawRecord {
            record,
            number,
            date,
            family: crate::feed::family_of_draw_name(&name),
            name,
            size,
            cutoff,
            held_at,
            tie_break,
            snapshot: usable,
        },
        snapshot,
        warnings: cx.warnings,
    })
}

/// The 18 distribution values, blanks as zero, or `None` after a problem.
fn distribution(cx: &mut Ctx<'_>) -> Option<[u32; 18]> {
    let mut values = [0u32; 18];
    let mut ok = true;
    for (i, (field, value)) in cx.raw.distribution().into_iter().enumerate() {
        let n = match value {
            RawField::Missing => Some(0),
            RawField::Text(t) => parse::count(t).ok().map(Option::unwrap_or_default),
            RawField::Other(_) => None,
        };
        match (n, values.get_mut(i)) {
            (Some(n), Some(slot)) => *slot = n,
            _ => {
                ok = false;
                cx.fail::<()>(field, EXPECTED_COUNT, value);
            }
        }
    }
    ok.then_some(values)
}

/// The snapshot of a non-empty distribution, with its date; subtotals checked.
fn snapshot_of(cx: &mut Ctx<'_>, values: &[u32; 18], draw_date: Date) -> Option<PoolSnapshot> {
    if values.iter().all(|&v| v == 0) {
        return None;
    }
    let raw = cx.raw;
    let as_on = cx.text(
        "drawDistributionAsOn",
        &raw.distribution_as_on,
        parse::EXPECTED_LONG_DATE,
    )?;
    let date = match parse::when(as_on) {
        Some(p) => {
            if p.year.is_none() {
                let assumed = draw_date.year();
                cx.warn(
                    "drawDistributionAsOn",
                    as_on,
                    WarningKind::MissingYear { assumed },
                );
            }
            p.date_in(draw_date.year())
        }
        None => parse::iso_date(as_on),
    };
    let Some(date) = date else {
        return cx.fail(
            "drawDistributionAsOn",
            parse::EXPECTED_LONG_DATE,
            &raw.distribution_as_on,
        );
    };
    for (at, published, sum) in snapshot::subtotal_mismatches(values) {
        let (field, value) = raw
            .distribution()
            .get(at)
            .copied()
            .unwrap_or(("dd18", &raw.dd18));
        let raw_text = match value {
            RawField::Text(t) => t.clone(),
            other => other.describe(),
        };
        cx.warn(
            field,
            &raw_text,
            WarningKind::SubtotalMismatch { published, sum },
        );
    }
    if date > draw_date {
        cx.warn(
            "drawDistributionAsOn",
            as_on,
            WarningKind::SnapshotAfterDraw,
        );
    }
    let mut counts = [0u32; 15];
    for (slot, &field) in counts.iter_mut().zip(RANGE_FIELDS.iter()) {
        *slot = values.get(field).copied().unwrap_or(0);
    }
    Some(PoolSnapshot::new(date, counts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> RawField {
        RawField::Text(s.to_string())
    }

    fn round(date: &str, cut_off: &str) -> RawRound {
        RawRound {
            draw_number: text("7"),
            draw_date: text(date),
            draw_name: text("General"),
            draw_size: text("1,000"),
            draw_crs: text("500"),
            draw_cut_off: text(cut_off),
            ..RawRound::default()
        }
    }

    #[test]
    fn a_yearless_tie_break_after_the_round_is_from_the_year_before() {
        let c = convert(3, &round("2022-01-05", "December 30 at 10:00:00 UTC")).unwrap();
        assert_eq!(
            c.draw.tie_break().map(|t| t.to_string()).as_deref(),
            Some("2021-12-30T10:00:00Z")
        );
        assert_eq!(c.warnings.len(), 1);
        assert_eq!(
            c.warnings[0].kind,
            WarningKind::MissingYear { assumed: 2021 }
        );
        assert_eq!(
            (c.warnings[0].record, c.warnings[0].field),
            (3, "drawCutOff")
        );
    }

    #[test]
    fn a_snapshot_after_its_round_is_kept_but_not_used() {
        let mut raw = round("2024-01-05", "");
        raw.distribution_as_on = text("January 9, 2024");
        raw.dd1 = text("5");
        raw.dd18 = text("5");
        let c = convert(0, &raw).unwrap();
        assert_eq!(c.draw.snapshot_date(), None);
        assert_eq!(c.snapshot.map(|s| s.total()), Some(5));
        let kinds: Vec<_> = c.warnings.iter().map(|w| w.kind.clone()).collect();
        assert_eq!(kinds, [WarningKind::SnapshotAfterDraw]);
    }

    #[test]
    fn a_tie_break_after_the_round_is_a_warning() {
        let mut raw = round("2024-01-05", "January 6, 2024 at 10:00:00 UTC");
        raw.draw_date_time = text("January 5, 2024 at 10:00:00 UTC");
        let c = convert(0, &raw).unwrap();
        assert_eq!(c.warnings[0].kind, WarningKind::TieBreakAfterDraw);
    }

    #[test]
    fn err_every_problem_of_a_record_is_listed() {
        let mut raw = round("2024-01-05", "garbage");
        raw.draw_size = text("0");
        raw.dd2 = RawField::Other("a boolean true".into());
        let errors = convert(9, &raw).unwrap_err();
        let got: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            got,
            [
                "feed record 9 (draw \"7\"), field drawSize: expected a number of invitations like \"1,500\", found \"0\"",
                "feed record 9 (draw \"7\"), field dd2: expected a count of candidates like \"16,559\", found a boolean true",
                "feed record 9 (draw \"7\"), field drawCutOff: expected a datetime like \"August 7, 2026 at 10:08:20 UTC\", found \"garbage\"",
            ]
        );
    }
}
