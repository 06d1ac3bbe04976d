//! The whole shared feed, when `EESIM_FEED` points at it: every round read, every guess listed.

use eesim::feed::{FeedReader, History, LoadReport, WarningKind};

/// The shared feed read leniently, or `None` (with a note) when `EESIM_FEED` is unset.
pub(crate) fn shared_feed() -> Option<(History, LoadReport)> {
    let Some(path) = std::env::var_os("EESIM_FEED") else {
        eprintln!("note: EESIM_FEED is not set; skipping the whole-feed test");
        return None;
    };
    Some(
        FeedReader::new()
            .read_path(path)
            .expect("the shared feed reads"),
    )
}

#[test]
fn every_round_of_the_shared_feed_reads() {
    let Some((history, report)) = shared_feed() else {
        return;
    };
    eprintln!("{report}");
    assert_eq!(report.records(), 399);
    assert_eq!(report.rounds_read(), 399);
    assert!(report.problems().is_empty(), "{report}");
    assert_eq!(history.draws().len(), 399);
    // Round 247's dd3 (451-500) differs from the sum of dd4..dd8.
    assert!(report.warnings().iter().any(|w| w.draw == "247"
        && w.field == "dd3"
        && w.kind
            == WarningKind::SubtotalMismatch {
                published: 55_867,
                sum: 55_687
            }));
    // Round 208's tie-break has no year.
    assert!(
        report
            .warnings()
            .iter()
            .any(|w| w.draw == "208" && w.kind == WarningKind::MissingYear { assumed: 2021 })
    );
}

#[test]
fn strict_mode_reads_the_shared_feed_too() {
    let Some(path) = std::env::var_os("EESIM_FEED") else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let (history, _) = FeedReader::new().strict(true).read_path(path).unwrap();
    assert_eq!(history.draws().len(), 399);
}

#[test]
fn replay_of_the_shared_feed_meets_the_targets() {
    use eesim::Family;
    use eesim::forecast::{ErrorStats, Replay};
    let Some((history, _)) = shared_feed() else {
        return;
    };
    let replay = Replay::run(&history);
    let stats = |keep: &dyn Fn(&eesim::forecast::Nowcast) -> bool| {
        ErrorStats::of(
            replay
                .nowcasts()
                .iter()
                .filter(|n| keep(n))
                .map(|n| n.error()),
        )
        .unwrap()
    };
    let general = stats(&|n| n.family == Family::GENERAL);
    let cec_2025 = stats(&|n| n.family == Family::CEC && n.date.year() >= 2025);
    eprintln!("general {general:?}\ncec 2025+ {cec_2025:?}");
    assert_eq!(replay.nowcasts().len(), 181);
    assert_eq!(general.count, 37);
    assert!(general.mae <= 4.0, "{general:?}");
    assert!(cec_2025.mae <= 4.0, "{cec_2025:?}");
}

#[test]
fn density_study_of_the_shared_feed() {
    use eesim::forecast::DensityStudy;
    let Some((history, _)) = shared_feed() else {
        return;
    };
    let study = DensityStudy::run(&history).unwrap();
    eprintln!("{study:#?}");
    assert_eq!(study.flat.count, 37);
    // The reference: flat about 28, smooth about 10, calibrated decay about 3.4.
    assert!((25.0..=31.0).contains(&study.flat.mae), "{study:?}");
    assert!(study.smooth.mae < study.flat.mae);
    assert!(study.decay.mae <= 4.0, "{study:?}");
}

#[test]
fn shared_feed_snapshots_are_deduplicated_with_their_rounds() {
    let Some((history, report)) = shared_feed() else {
        return;
    };
    // 181 rounds publish a non-empty distribution, on 111 distinct dates.
    let with = history
        .draws()
        .iter()
        .filter(|d| d.snapshot_date().is_some())
        .count();
    assert_eq!((with, history.snapshots().len()), (181, 111));
    let feb15 = history
        .snapshot_on(jiff::civil::Date::new(2026, 2, 15).unwrap())
        .unwrap();
    let draws: Vec<String> = feb15.draws().iter().map(ToString::to_string).collect();
    assert_eq!(draws, ["395", "396", "397", "398"]);
    assert_eq!(feb15.total(), 235_695);
    // The warnings, by kind: every guess the reader made on the shared feed.
    let mut kinds: Vec<String> = report
        .warnings()
        .iter()
        .map(|w| format!("{:?}", w.kind))
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "HourWithAm",
            "HourWithPm",
            "MissingYear { assumed: 2021 }",
            "MissingZone",
            "MissingZone",
            "MissingZone",
            "SubtotalMismatch { published: 55867, sum: 55687 }",
        ]
    );
}
