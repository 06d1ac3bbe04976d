//! The properties every parser keeps, checked on any input: shared by the cargo-fuzz targets
//! in `fuzz/` and the stable proptest tests in `tests/integration/parser_props.rs` (which
//! includes this file), so both check the same thing.
//!
//! Each function takes input text, runs the parser and panics (through `assert!`) on a
//! broken property: that is the signal a fuzzer looks for.

use eesim::crs::Profile;
use eesim::feed::FeedReader;
use eesim::montecarlo::{RunModel, run_rng};
use eesim::scenario::{Engine, Scenario, ScenarioRun};
use eesim::{CandidateList, Categories, DrawSpec, ErrorKind, Period, Target, Timestamp};

/// A well-formed round that the feed properties put around fuzzed ones.
pub(crate) const GOOD_BEFORE: &str = r#"{"drawNumber": "900001", "drawDate": "2024-03-02", "drawName": "Canadian Experience Class", "drawSize": "600", "drawCRS": "545", "drawDateTime": "March 2, 2024 at 14:00:00 UTC", "drawCutOff": "February 3, 2024 at 10:00:00 UTC", "drawDistributionAsOn": "March 1, 2024", "dd1": "6,000", "dd2": "0", "dd3": "0", "dd4": "0", "dd5": "0", "dd6": "0", "dd7": "0", "dd8": "0", "dd9": "0", "dd10": "0", "dd11": "0", "dd12": "0", "dd13": "0", "dd14": "0", "dd15": "0", "dd16": "0", "dd17": "0", "dd18": "6,000"}"#;
/// Another well-formed round, after the fuzzed one.
pub(crate) const GOOD_AFTER: &str = r#"{"drawNumber": "900002", "drawDate": "2024-03-12", "drawName": "Provincial Nominee Program", "drawSize": "100", "drawCRS": "700", "drawDateTime": "March 12, 2024 at 14:00:00 UTC", "drawCutOff": "February 5, 2024 at 10:00:00 UTC"}"#;

/// The feed reader on any text: no panic; lenient and strict agree on well-formed input;
/// what is read is valid and every record is accounted for.
pub(crate) fn feed(text: &str) {
    let lenient = FeedReader::new().read_str(text);
    let strict = FeedReader::new().strict(true).read_str(text);
    let (history, report) = match lenient {
        Ok(read) => read,
        Err(e) => {
            assert!(
                matches!(e.kind(), ErrorKind::FeedShape { .. }),
                "lenient read failed with {e}"
            );
            assert!(
                strict.is_err(),
                "strict read a feed the lenient reader refused"
            );
            return;
        }
    };
    match &strict {
        Ok((h, r)) => {
            assert!(
                report.problems().is_empty(),
                "strict read a feed with problems"
            );
            assert_eq!(h, &history, "lenient and strict read different rounds");
            assert_eq!(r, &report, "lenient and strict report differently");
        }
        Err(e) => {
            assert!(
                !report.problems().is_empty(),
                "strict refused a feed the lenient reader found no problem in: {e}"
            );
            assert_eq!(
                e.to_string(),
                report.problems()[0].to_string(),
                "strict fails with the first problem"
            );
        }
    }
    assert_eq!(report.rounds_read(), history.draws().len());
    assert_eq!(
        report.rounds_read() + report.records_failed(),
        report.records()
    );
    assert!(report.problems().len() >= report.records_failed());
    let mut numbers = std::collections::BTreeSet::new();
    for (i, d) in history.draws().iter().enumerate() {
        assert!(d.size() >= 1, "a round of size 0");
        assert!(d.cutoff().get() <= 1200);
        assert!(numbers.insert(d.number().clone()), "a repeated draw number");
        if i > 0 {
            assert!(
                history.draws()[i - 1].date() <= d.date(),
                "rounds out of date order"
            );
        }
    }
    plausibility(&history);
}

/// The plausibility rules on any history read: each anomaly names a round of it and one of
/// the three fields; screening leaves out exactly the anomalous rounds, and a screened
/// history has no anomaly left (anomalous rounds never count as history for the others).
fn plausibility(history: &eesim::feed::History) {
    use eesim::feed::plausible;
    for today in [
        jiff::civil::date(2026, 12, 1),
        jiff::civil::date(2015, 6, 1),
    ] {
        let anomalies = plausible::anomalies(history, today);
        for a in &anomalies {
            assert!(
                history.draw(&a.number).is_some(),
                "an anomaly of no round: {a}"
            );
            assert!(
                ["drawSize", "drawCRS", "drawDate"].contains(&a.field),
                "{a}"
            );
        }
        let (kept, left_out) = plausible::screen(history, today);
        assert_eq!(left_out, anomalies);
        let out: std::collections::BTreeSet<_> = anomalies.iter().map(|a| &a.number).collect();
        assert_eq!(kept.draws().len() + out.len(), history.draws().len());
        assert!(kept.draws().iter().all(|d| !out.contains(d.number())));
        assert!(
            plausible::anomalies(&kept, today).is_empty(),
            "screening is not idempotent"
        );
    }
}

/// A fuzzed record between two good rounds: the good ones are never lost, and the middle
/// one is read or reported.
pub(crate) fn feed_between_good_rounds(middle: &str) {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(middle) else {
        return;
    };
    let text = format!("{{\"rounds\": [{GOOD_BEFORE}, {value}, {GOOD_AFTER}]}}");
    feed(&text);
    let (history, report) = FeedReader::new()
        .read_str(&text)
        .unwrap_or_else(|e| panic!("a feed with a rounds array failed: {e}"));
    assert_eq!(report.records(), 3);
    let alone = |round: &str| {
        FeedReader::new()
            .read_str(&format!("{{\"rounds\": [{round}]}}"))
            .ok()
            .and_then(|(h, _)| h.draws().first().cloned())
            .unwrap_or_else(|| panic!("a good round does not read alone"))
    };
    let by_record = |r: usize| history.draws().iter().find(|d| d.record() == r);
    let same = |a: &eesim::feed::DrawRecord, b: &eesim::feed::DrawRecord| {
        a.number() == b.number()
            && a.date() == b.date()
            && a.name() == b.name()
            && a.family() == b.family()
            && a.size() == b.size()
            && a.cutoff() == b.cutoff()
            && a.held_at() == b.held_at()
            && a.tie_break() == b.tie_break()
            && a.snapshot_date() == b.snapshot_date()
    };
    let before = alone(GOOD_BEFORE);
    assert!(
        by_record(0).is_some_and(|d| same(d, &before)),
        "the good round before was lost or changed"
    );
    // The later good round loses only to a middle round read with its draw number.
    let after = alone(GOOD_AFTER);
    match by_record(2) {
        Some(d) => assert!(same(d, &after), "the good round after changed"),
        None => assert!(
            by_record(1).is_some_and(|m| m.number() == after.number()),
            "the good round after was lost"
        ),
    }
    if by_record(1).is_none() {
        assert_eq!(
            report.records_failed(),
            1,
            "the middle round was neither read nor reported"
        );
    }
}

/// Scenario text, as TOML and as JSON: a file that loads writes back to an equal one in both
/// forms, and builds a run (that runs) or a clear error for horizons 1, 182 and 3650.
/// Returns how many of the two forms loaded.
pub(crate) fn scenario(text: &str) -> usize {
    let mut loaded_forms = 0;
    for loaded in [Scenario::from_toml(text), Scenario::from_json(text)] {
        match loaded {
            Ok(s) => {
                loaded_forms += 1;
                scenario_loaded(&s);
            }
            Err(e) => assert!(
                matches!(e.kind(), ErrorKind::InvalidScenario { .. }),
                "a scenario failed with {e}"
            ),
        }
    }
    loaded_forms
}

fn scenario_loaded(s: &Scenario) {
    let toml = s.to_toml();
    match Scenario::from_toml(&toml) {
        Ok(back) => assert_eq!(&back, s, "TOML round trip changed the scenario:\n{toml}"),
        Err(e) => panic!("the scenario's own TOML does not load: {e}\n{toml}"),
    }
    let json = s.to_json();
    match Scenario::from_json(&json) {
        Ok(back) => assert_eq!(&back, s, "JSON round trip changed the scenario:\n{json}"),
        Err(e) => panic!("the scenario's own JSON does not load: {e}\n{json}"),
    }
    for horizon in [1, 182, 3650] {
        match ScenarioRun::new(s, None, horizon) {
            Ok(run) => {
                // A run of each engine where it is cheap (a fluid run of 182 days, an exact
                // one of a day): rounds within their size, the exact ledger balanced.
                let engines: &[Engine] = match horizon {
                    1 => &[Engine::Fluid, Engine::Exact],
                    182 => &[Engine::Fluid],
                    _ => &[],
                };
                for &engine in engines {
                    let report = run.clone().engine(engine).sample(&mut run_rng(7, 0));
                    for d in &report.draws {
                        assert!(d.invited <= u64::from(d.requested));
                    }
                    if engine == Engine::Exact {
                        assert!(report.ledger.is_balanced(), "{:?}", report.ledger);
                    }
                }
            }
            Err(e) => {
                let message = e.to_string();
                assert!(
                    matches!(
                        e.kind(),
                        ErrorKind::InvalidSimulation { .. } | ErrorKind::UnknownCategory { .. }
                    ),
                    "horizon {horizon}: an unclear error {message}"
                );
                assert!(message.contains("expected"), "{message}");
            }
        }
    }
}

/// A CRS profile, as TOML and as JSON: one that loads scores without error, at most 1,200.
pub(crate) fn profile(text: &str) {
    for loaded in [Profile::from_toml(text), Profile::from_json(text)] {
        let Ok(p) = loaded else { continue };
        let b = p
            .breakdown()
            .unwrap_or_else(|e| panic!("a profile that loads fails to score: {e}"));
        assert!(b.total.get() <= 1200);
        assert!(b.core.total <= 500 && b.spouse.total <= 40);
        assert!(b.transferability.total <= 100 && b.additional.total <= 600);
        let parts = u32::from(b.core.total)
            + u32::from(b.spouse.total)
            + u32::from(b.transferability.total)
            + u32::from(b.additional.total);
        assert!(u32::from(b.total.get()) <= parts);
    }
}

/// A candidate CSV: a list that loads makes a pool whose audit passes, and rounds on it never
/// invite more than their size.
pub(crate) fn candidates(text: &str) {
    let Ok(list) = CandidateList::from_reader(text.as_bytes(), Categories::ircc_2026()) else {
        return;
    };
    let mut pool = list
        .to_pool(Period::TWELVE_MONTHS)
        .unwrap_or_else(|e| panic!("a loaded list makes no pool: {e}"));
    pool.audit()
        .unwrap_or_else(|e| panic!("the pool of a loaded list fails its audit: {e}"));
    assert_eq!(pool.len(), list.len() as u64);
    let mut targets = vec![
        "all".to_string(),
        "cec".to_string(),
        "fsw;fst".to_string(),
        "pnp".to_string(),
    ];
    targets.extend(list.categories().names().map(|n| format!("category:{n}")));
    let at = list
        .candidates()
        .iter()
        .map(|c| c.submitted_at)
        .max()
        .unwrap_or(Timestamp::MIN);
    for (i, target) in targets.iter().enumerate() {
        let Ok(t) = Target::parse(target, list.categories()) else {
            panic!("target {target} does not parse");
        };
        for size in [1, 2, 7] {
            let held = list
                .hold_round(target, size, Some(at))
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(held.outcome.invited <= u64::from(size));
            assert_eq!(held.invited.len() as u64, held.outcome.invited);
        }
        // Rounds on one pool, one after another: each within its size, the pool audited.
        let size = u32::try_from(i % 3 + 1).unwrap_or(1);
        let before = pool.len();
        let outcome = pool.draw(&DrawSpec::new(at, t, size));
        assert!(outcome.invited <= u64::from(size));
        let taken: u64 = outcome.invitees.iter().map(|c| u64::from(c.count)).sum();
        assert_eq!(taken, outcome.invited);
        assert_eq!(pool.len(), before - outcome.invited);
        pool.audit()
            .unwrap_or_else(|e| panic!("the pool fails its audit after a round: {e}"));
    }
}

/// The date and timestamp parsers: what parses prints back the same.
pub(crate) fn dates(text: &str) {
    if let Ok(t) = text.parse::<Timestamp>() {
        let printed = t.to_string();
        assert_eq!(printed.parse::<Timestamp>().ok(), Some(t), "{printed}");
        assert_eq!(Timestamp::from_second(t.as_second()).ok(), Some(t));
        match Timestamp::from_date(t.date()) {
            Ok(midnight) => assert!(midnight.date() == t.date() && midnight <= t, "{t}"),
            // The first day of the range starts after its midnight.
            Err(_) => assert_eq!(t.date(), Timestamp::MIN.date(), "{t}"),
        }
    }
    if let Ok(d) = text.parse::<jiff::civil::Date>() {
        match Timestamp::from_date(d) {
            Ok(t) => {
                assert_eq!(t.date(), d);
                assert_eq!(t, Timestamp::start_of_day(d));
            }
            Err(_) => assert!(d.year().abs() == 9999, "{d} refused"),
        }
    }
    feed_dates(text);
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// An instant the way IRCC types it: `March 2, 2024 at 14:00:00 UTC`.
fn ircc_time(t: Timestamp) -> String {
    let z = t.to_jiff().to_zoned_datetime(jiff::tz::TimeZone::UTC);
    format!(
        "{} {}, {:04} at {:02}:{:02}:{:02} UTC",
        MONTHS[usize::try_from(z.month() - 1).unwrap_or(0)],
        z.day(),
        z.year(),
        z.hour(),
        z.minute(),
        z.second()
    )
}

/// The feed's hand-typed times: one that reads prints (IRCC's way) and reads back the same.
fn feed_dates(text: &str) {
    let round = |date: &str, held: &str, cutoff: &str| {
        let record = serde_json::json!({
            "drawNumber": "1", "drawDate": date, "drawName": "General", "drawSize": "500",
            "drawCRS": "500", "drawDateTime": held, "drawCutOff": cutoff,
        });
        let feed = serde_json::json!({ "rounds": [record] }).to_string();
        FeedReader::new()
            .read_str(&feed)
            .ok()
            .and_then(|(h, _)| h.draws().first().cloned())
    };
    if let Some(d) = round("2024-06-15", text, text) {
        let printable =
            |t: Option<Timestamp>| t.is_none_or(|t| (0..=9999).contains(&t.date().year()));
        if printable(d.held_at()) && printable(d.tie_break()) {
            let again = round(
                &d.date().to_string(),
                &d.held_at().map_or(String::new(), ircc_time),
                &d.tie_break().map_or(String::new(), ircc_time),
            )
            .unwrap_or_else(|| panic!("a round printed back does not read: {d:?}"));
            assert_eq!(again.held_at(), d.held_at(), "{text:?}");
            assert_eq!(again.tie_break(), d.tie_break(), "{text:?}");
        }
    }
    if let Some(d) = round(text, "", "") {
        let again = round(&d.date().to_string(), "", "")
            .unwrap_or_else(|| panic!("a round dated {} does not read", d.date()));
        assert_eq!(again.date(), d.date(), "{text:?}");
    }
}
