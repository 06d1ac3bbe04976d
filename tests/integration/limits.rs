//! The limits of input: sums of counts that cannot overflow, runs at the size limit that build,
//! dates and expiries at the end of time, and NaN or infinity named as such.

use eesim::montecarlo::{RunModel, run_rng};
use eesim::report::{ChanceReport, ChanceRequest};
use eesim::scenario::{Engine, Scenario, ScenarioRun};
use eesim::{
    CandidateId, Cohort, CrsScore, Eligibility, ErrorKind, Period, Pool, Program, Timestamp,
};
use rand_distr::{Distribution, Normal};

/// A scenario with these pool ranges, weekly arrivals and spread, no shares and no rounds.
fn scenario(ranges: &str, per_week: &str, spread: f64) -> Scenario {
    Scenario::from_toml(&format!(
        "version = 2\nas_of = \"2026-02-16\"\nsource = \"limits\"\n\
         [pool]\nranges = {ranges}\ndensity = \"flat\"\n[shares]\n[draws]\n\
         [arrivals]\nper_week = {per_week}\nspread = {spread}\n\
         [exits]\nwithdrawal_per_week = 0.0\nita_decline = 0.0\nita_no_response = 0.0\n"
    ))
    .unwrap()
}

const NO_ARRIVALS: &str = "[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]";

#[test]
fn err_pool_ranges_summing_past_u32_are_refused_not_wrapped() {
    // The issue's reproduction: u32::MAX + 1 candidates wrapped to 0 in a u32 sum (a debug
    // build panicked), passing the size guard; the exact engine then refused the pool.
    let s = scenario(
        "[4294967295, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
        NO_ARRIVALS,
        0.0,
    );
    for engine in [Engine::Exact, Engine::Fluid] {
        let Err(e) = ScenarioRun::new(&s, None, 182).map(|r| r.engine(engine)) else {
            panic!("a pool of 4294967296 must be refused");
        };
        match e.kind() {
            ErrorKind::InvalidSimulation { what, found, .. } => {
                assert_eq!(*what, "size");
                assert_eq!(found, "about 4294967296");
            }
            other => panic!("expected a size error, found {other:?}"),
        }
    }
    // Two ranges of 3 billion: the same.
    let s = scenario(
        "[3000000000, 3000000000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
        NO_ARRIVALS,
        0.0,
    );
    assert!(ScenarioRun::new(&s, None, 1).is_err());
}

#[test]
fn exact_run_at_the_size_limit_builds_even_with_an_extreme_arrival_rate() {
    // 99 million arrivals a week over 56 days with a spread of 1: about 0.79 billion
    // expected, 3.96 billion with the guard's four spreads, just under its 4 billion. A run
    // whose rate multiplier draws z > 4.5 (more than u32::MAX arrivals if uncapped) used to
    // fail to build and come back as an empty run: the cap keeps it within the guard.
    let s = scenario(
        "[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
        "[9900000, 9900000, 9900000, 9900000, 9900000, 9900000, 9900000, 9900000, 9900000, 9900000, 0, 0, 0, 0, 0]",
        1.0,
    );
    let run = ScenarioRun::new(&s, None, 56)
        .unwrap()
        .engine(Engine::Exact);
    // With no shares, no families and no rounds, the arrival rate's normal is the run's
    // first draw: one stream far in the tail, one near the mean.
    let normal = Normal::new(0.0, 1.0).unwrap();
    let z = |i: u64| -> f64 { normal.sample(&mut run_rng(1, i)) };
    let extreme = (0..20_000_000_u64)
        .find(|&i| z(i) > 4.5)
        .expect("a stream with z > 4.5 in the first 20 million");
    let ordinary = (0..1_000_000_u64).find(|&i| z(i).abs() < 0.005).unwrap();
    let report = run.sample(&mut run_rng(1, extreme));
    assert!(report.ledger.is_balanced(), "{:?}", report.ledger);
    let capped = report.ledger.arrived as f64;
    let report = run.sample(&mut run_rng(1, ordinary));
    assert!(report.ledger.is_balanced(), "{:?}", report.ledger);
    let mean = report.ledger.arrived as f64 / (1.0 + z(ordinary));
    assert!(mean > 5e8, "{mean}");
    assert!(
        (capped / mean - 5.0).abs() < 0.01,
        "expected the arrival rate capped at 5 times the mean, found {}",
        capped / mean
    );
}

#[test]
fn err_a_submission_date_past_the_end_of_time_is_refused_not_clamped() {
    let last: jiff::civil::Date = "9999-12-31".parse().unwrap();
    let e = Timestamp::from_date(last).unwrap_err();
    assert!(
        matches!(e.kind(), ErrorKind::InvalidTimestamp { found, .. } if found == "9999-12-31"),
        "{e}"
    );
    assert!(Timestamp::from_date("-009999-01-02".parse().unwrap()).is_err());
    // The last and first dates whose midnight is in range convert exactly.
    let t = Timestamp::from_date("9999-12-30".parse().unwrap()).unwrap();
    assert_eq!(t.to_string(), "9999-12-30T00:00:00Z");
    let t = Timestamp::from_date("-009999-01-03".parse().unwrap()).unwrap();
    assert_eq!(t.to_string(), "-009999-01-03T00:00:00Z");
    let day: jiff::civil::Date = "2026-03-01".parse().unwrap();
    assert_eq!(
        Timestamp::from_date(day).unwrap(),
        Timestamp::start_of_day(day)
    );

    // `--submitted 9999-12-31` reaches the library as this request.
    let scenario = Scenario::default_calibrated().unwrap();
    let request = ChanceRequest {
        crs: eesim::CrsScore::new(505).unwrap(),
        runs: 10,
        submitted: Some(last),
        ..ChanceRequest::default()
    };
    let e = ChanceReport::run(&scenario, &request, |_| {}).unwrap_err();
    assert!(
        // The submission window (or, before it, the range of time) names what is allowed.
        e.to_string().contains("9999-12-31")
            && (e.to_string().contains("9999-12-30") || e.to_string().contains("horizon's end")),
        "{e}"
    );
}

#[test]
fn expiry_at_the_end_of_time_follows_the_saturated_expiry_instant() {
    for validity in [Period::days(1).unwrap(), Period::months(12).unwrap()] {
        let mut pool = Pool::with_validity(validity);
        pool.add(Cohort {
            score: CrsScore::new(480).unwrap(),
            submitted_at: Timestamp::MAX,
            id: CandidateId(1),
            eligibility: Eligibility::none().with_program(Program::Cec),
            count: 3,
        })
        .unwrap();
        // The expiry instant saturates at the end of time: from then on the cohort is gone.
        assert_eq!(pool.expires_at(Timestamp::MAX), Timestamp::MAX);
        assert_eq!(pool.expire(Timestamp::MAX.plus_seconds(-1)), 0);
        assert_eq!(pool.expire(Timestamp::MAX), 3, "{validity}");
        assert!(pool.is_empty());
        assert_eq!(
            validity.latest_start_ended_by(Timestamp::MAX),
            Timestamp::MAX
        );
    }
}

/// The documented rule `start + period <= now` exactly when
/// `start <= period.latest_start_ended_by(now)`, checked near the end of time.
#[test]
fn latest_start_ended_by_agrees_with_after_near_the_end_of_time() {
    let periods = [
        Period::days(1).unwrap(),
        Period::days(60).unwrap(),
        Period::months(1).unwrap(),
        Period::months(12).unwrap(),
    ];
    for p in periods {
        for now_back in [0_i64, 1, 3600, 86_400, 86_401, 40 * 86_400] {
            let now = Timestamp::MAX.plus_seconds(-now_back);
            let latest = p.latest_start_ended_by(now);
            for start_back in [0_i64, 1, 86_399, 86_400, 86_401, 31 * 86_400, 400 * 86_400] {
                let start = Timestamp::MAX.plus_seconds(-start_back);
                assert_eq!(
                    p.after(start) <= now,
                    start <= latest,
                    "{p}: start {start}, now {now}, latest {latest}"
                );
            }
        }
    }
}

#[test]
fn err_nan_and_infinity_in_a_scenario_are_named() {
    let base = Scenario::default_calibrated().unwrap().to_toml();
    let as_of = base
        .lines()
        .find(|l| l.starts_with("as_of = "))
        .unwrap()
        .to_string();
    let cases = [
        (
            "\nspread = 0.15",
            "\nspread = nan",
            "arrivals.spread",
            "NaN",
        ),
        (
            "\nspread = 0.15",
            "\nspread = inf",
            "arrivals.spread",
            "infinity",
        ),
        (
            "\nspread = 0.15",
            "\nspread = -inf",
            "arrivals.spread",
            "-infinity",
        ),
        (
            "withdrawal_per_week = 0.002",
            "withdrawal_per_week = +inf",
            "exits.withdrawal_per_week",
            "infinity",
        ),
        (
            "per_week = [491.232,",
            "per_week = [nan,",
            "arrivals.per_week[0]",
            "NaN",
        ),
        (
            "approval = 0.95",
            "approval = nan",
            "after_ita.approval",
            "NaN",
        ),
        (
            "quantiles = [[0.0, 7.0], [0.5, 21.0], [1.0, 45.0]]",
            "quantiles = [[0.0, 7.0], [0.5, nan], [1.0, 45.0]]",
            "after_ita.biometrics_days",
            "NaN",
        ),
        (
            "quantiles = [[0.0, 7.0], [0.5, 21.0], [1.0, 45.0]]",
            "quantiles = [[0.0, 7.0], [0.5, 21.0], [1.0, inf]]",
            "after_ita.biometrics_days",
            "infinity",
        ),
        (&as_of, "as_of = nan", "as_of", "NaN"),
        ("version = 2", "version = inf", "version", "infinity"),
    ];
    for (from, to, path, name) in cases {
        let from: &str = from;
        assert!(base.contains(from), "{from}");
        let text = base.replacen(from, to, 1);
        let e = Scenario::from_toml(&text).unwrap_err().to_string();
        let problem = e
            .split("; ")
            .find(|p| p.contains(&format!("{path}: expected")))
            .unwrap_or_else(|| panic!("no problem at {path} in {e}"));
        assert!(
            problem.ends_with(&format!(", found {name}")),
            "{to}: expected the problem to say found {name}, found {problem:?}"
        );
    }
    // A table that merely holds a NaN is still described as a table where a table is wrong.
    let text = base.replacen(
        "density = { decay = 0.075 }",
        "density = { decay = nan, x = 1 }",
        1,
    );
    let e = Scenario::from_toml(&text).unwrap_err().to_string();
    assert!(e.contains("pool.density: expected"), "{e}");
    assert!(e.contains("found a table"), "{e}");
}

#[test]
fn err_a_run_reaching_the_end_of_time_is_refused_not_cut_short() {
    // Instants saturate at the end of time: a fluid run of 182 days from 9999-12-01 silently
    // covered 29, and the exact engine refused its own events (an arrival at the saturated
    // instant, after the run's end), which came back as an empty run.
    let base = Scenario::default_calibrated().unwrap().to_toml();
    let as_of = base.lines().find(|l| l.starts_with("as_of = ")).unwrap();
    let text = base.replacen(as_of, "as_of = \"9999-12-01\"", 1);
    let s = Scenario::from_toml(&text).unwrap();
    for engine in [Engine::Fluid, Engine::Exact] {
        let Err(e) = ScenarioRun::new(&s, None, 182).map(|r| r.engine(engine)) else {
            panic!("a run past the end of time must be refused");
        };
        assert!(
            e.to_string().contains("horizon") && e.to_string().contains("9999-12-01"),
            "{e}"
        );
    }
    // The last horizon that fits still runs (with a round: every family of the default has
    // been silent for millennia there, so inactive).
    let day = jiff::civil::Date::new(9999, 12, 20).unwrap();
    let s = s
        .with_plan(
            &eesim::Family::new("cec").unwrap(),
            eesim::scenario::DrawPlan::Fixed(vec![(day, 1000)]),
        )
        .unwrap();
    for engine in [Engine::Fluid, Engine::Exact] {
        let run = ScenarioRun::new(&s, None, 28).unwrap().engine(engine);
        let report = run.sample(&mut run_rng(3, 0));
        assert!(report.draws.iter().all(|d| d.at.date().year() == 9999));
        if engine == Engine::Exact {
            assert!(report.ledger.arrived > 0 && report.ledger.is_balanced());
        }
    }
}

#[test]
fn err_a_feed_time_past_the_end_of_time_is_a_problem_not_clamped() {
    use eesim::feed::FeedReader;
    let record = |date: &str, held: &str| {
        format!(
            r#"{{"rounds": [{{"drawNumber": "1", "drawDate": "{date}", "drawName": "General",
            "drawSize": "500", "drawCRS": "520", "drawDateTime": "{held}"}}]}}"#
        )
    };
    // 22:00:00 on 9999-12-30 is the last instant; one hour later used to read as it.
    for (date, held) in [
        ("9999-12-30", "December 30, 9999 at 23:00:00 UTC"),
        ("9999-12-31", "December 31, 9999 at 10:00:00 UTC"),
    ] {
        let (history, report) = FeedReader::new().read_str(&record(date, held)).unwrap();
        assert!(history.draws().is_empty(), "{:?}", history.draws());
        assert_eq!(report.problems().len(), 1, "{:?}", report.problems());
        let problem = report.problems()[0].to_string();
        assert!(problem.contains("drawDateTime"), "{problem}");
    }
    let (history, report) = FeedReader::new()
        .read_str(&record("9999-12-30", "December 30, 9999 at 22:00:00 UTC"))
        .unwrap();
    assert!(report.problems().is_empty(), "{:?}", report.problems());
    assert_eq!(history.draws()[0].held_at(), Some(Timestamp::MAX));
}
