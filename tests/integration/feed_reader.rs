//! The lenient and strict feed reader on hand-written fixtures: every shape, every breakage.

use eesim::ErrorKind;
use eesim::Family;
use eesim::feed::{FeedReader, WarningKind};

pub(crate) fn fixture(name: &str) -> String {
    format!("{}/tests/data/feed/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn stamp(t: Option<eesim::Timestamp>) -> String {
    t.map_or_else(|| "-".to_string(), |t| t.to_string())
}

#[test]
fn every_datetime_shape_reads() {
    let (history, report) = FeedReader::new()
        .strict(true)
        .read_path(fixture("shapes.json"))
        .unwrap();
    assert_eq!(report.rounds_read(), 15);
    let got: Vec<(String, String, String)> = history
        .draws()
        .iter()
        .map(|d| {
            (
                d.number().to_string(),
                stamp(d.held_at()),
                stamp(d.tie_break()),
            )
        })
        .collect();
    let want = [
        ("1", "2015-01-31T11:59:48Z", "-"),
        ("82", "2018-01-24T13:38:00Z", "2018-01-17T12:33:00Z"),
        ("91a", "2018-05-30T14:52:06Z", "2017-06-07T20:11:13Z"),
        ("91b", "2018-05-30T14:52:06Z", "2018-03-23T05:38:02Z"),
        ("208", "2021-10-27T13:32:26Z", "2021-10-07T16:38:21Z"),
        ("210", "2021-11-24T14:01:44Z", "2021-06-22T20:19:59Z"),
        ("233", "2022-10-12T14:13:11Z", "2022-10-10T17:10:53Z"),
        ("240", "2023-02-02T15:12:01Z", "2022-03-29T16:09:00Z"),
        ("244", "2023-03-23T12:27:59Z", "2022-05-19T06:48:41Z"),
        ("247", "2023-04-26T18:10:04Z", "2023-04-22T19:46:58Z"),
        ("258", "2023-07-12T13:36:01Z", "2023-06-15T23:49:05Z"),
        ("270", "2023-10-25T15:48:39Z", "2023-09-30T04:22:17Z"),
        ("277", "2023-12-20T15:55:23Z", "2023-08-30T17:30:21Z"),
        ("398", "2026-02-20T12:02:57Z", "2025-12-09T18:22:06Z"),
        ("399", "2026-07-03T21:35:13Z", "2026-06-30T08:00:00Z"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn guesses_are_warnings_with_positions() {
    let (_, report) = FeedReader::new().read_path(fixture("shapes.json")).unwrap();
    let got: Vec<String> = report.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "feed record 2 (draw \"247\"), field dd3: subtotal 55867 differs from the sum of its ranges 55687, found \"55,867\"",
            "feed record 7 (draw \"258\"), field drawCutOff: no time zone, assumed UTC, found \"June 15, 2023 at 23:49:05\"",
            "feed record 8 (draw \"270\"), field drawDateTime: 24-hour time with AM, read as 24-hour, found \"October 25, 2023 at 15:48:39 AM UTC\"",
            "feed record 9 (draw \"210\"), field drawCutOff: 24-hour time with PM, read as 24-hour, found \"June 22, 2021 at 20:19:59 PM UTC\"",
            "feed record 10 (draw \"208\"), field drawCutOff: no year, assumed 2021, found \"October 7 at 16:38:21 UTC\"",
        ]
    );
    assert_eq!(
        report.warnings()[4].kind,
        WarningKind::MissingYear { assumed: 2021 }
    );
}

#[test]
fn families_numbers_and_snapshots() {
    let (history, _) = FeedReader::new().read_path(fixture("shapes.json")).unwrap();
    let d = &history.draws()[13];
    assert_eq!(d.number().to_string(), "398");
    assert_eq!(d.family(), &Family::HEALTHCARE);
    assert_eq!((d.size(), d.cutoff().get()), (4_000, 467));
    // Rounds 398 and 399 published the same counts but on different dates: two snapshots.
    // Rounds with all-zero distributions (1, 82, 91a, 91b, 208, 210) have none.
    assert_eq!(history.snapshots().len(), 9);
    let s = history
        .snapshot_on(jiff::civil::Date::new(2026, 2, 15).unwrap())
        .unwrap();
    assert_eq!(s.total(), 235_695);
    assert_eq!(s.count(1), 16_559);
    assert_eq!(
        s.draws()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["398"]
    );
    assert_eq!(history.draws()[0].snapshot_date(), None);
}

#[test]
fn broken_records_are_reported_and_skipped() {
    let (history, report) = FeedReader::new().read_path(fixture("broken.json")).unwrap();
    assert_eq!(
        (
            report.records(),
            report.rounds_read(),
            report.records_failed()
        ),
        (11, 1, 10)
    );
    assert_eq!(history.draws()[0].number().to_string(), "10");
    let got: Vec<String> = report.problems().iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "feed record 1 (draw \"11\"), field drawSize: expected a number of invitations like \"1,500\", found a number 1500",
            "feed record 2 (draw \"12\"), field drawCRS: expected a CRS score from 0 to 1200 like \"497\", found no value",
            "feed record 3 (draw \"13\"), field drawSize: expected a number of invitations like \"1,500\", found \"-5\"",
            "feed record 4 (draw \"14\"), field drawCRS: expected a CRS score from 0 to 1200 like \"497\", found \"1,250\"",
            "feed record 5 (draw \"15\"), field drawCutOff: expected a datetime like \"August 7, 2026 at 10:08:20 UTC\", found \"sometime in May\"",
            "feed record 6, field record: expected a JSON object, found a number 42",
            "feed record 7 (draw \"10\"), field drawNumber: expected a draw number not used by an earlier record, found \"10\"",
            "feed record 8 (draw \"18\"), field dd5: expected a count of candidates like \"16,559\", found \"12x\"",
            "feed record 9, field drawNumber: expected a draw number like \"91\" or \"91a\", found no value",
            "feed record 10 (draw \"20\"), field drawDate: expected a date like \"2026-02-20\", found \"2024-13-01\"",
        ]
    );
    let ErrorKind::Feed {
        record,
        draw,
        field,
        ..
    } = report.problems()[0].kind()
    else {
        panic!("expected a feed error");
    };
    assert_eq!(
        (*record, draw.as_deref(), field.as_str()),
        (1, Some("11"), "drawSize")
    );
}

#[test]
fn err_strict_mode_fails_on_the_first_problem() {
    let err = FeedReader::new()
        .strict(true)
        .read_path(fixture("broken.json"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "feed record 1 (draw \"11\"), field drawSize: expected a number of invitations like \"1,500\", found a number 1500"
    );
}

#[test]
fn err_garbage_json() {
    let err = FeedReader::new()
        .read_path(fixture("garbage.json"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "feed: expected a JSON object with a \"rounds\" array, found invalid JSON (EOF while parsing a value at line 2 column 0)"
    );
    let err = FeedReader::new().read_str("{\"classes\": 1}").unwrap_err();
    assert_eq!(
        err.to_string(),
        "feed: expected a JSON object with a \"rounds\" array, found no \"rounds\" array"
    );
    let err = FeedReader::new().read_str("[1, 2]").unwrap_err();
    assert!(
        err.to_string().starts_with(
            "feed: expected a JSON object with a \"rounds\" array, found invalid JSON ("
        )
    );
}

#[test]
fn err_missing_file() {
    let err = FeedReader::new()
        .read_path(fixture("nope.json"))
        .unwrap_err();
    assert!(err.to_string().starts_with("reading feed "), "{err}");
}
