//! The forecast model: family pools, their calibration without look-ahead, the schedule
//! hazard, what a candidate sees of it, and the backtest's scores.

use eesim::backtest::{BacktestReport, Forecast};
use eesim::feed::FeedReader;
use eesim::forecast::{FamilyPool, RefillPool, RefillShape, family_rounds, fit_families};
use eesim::montecarlo::{MonteCarlo, run_rng};
use eesim::report::{ChanceReport, ChanceRequest};
use eesim::scenario::{Engine, FocalSpec, Scenario, ScenarioRun};
use eesim::{CrsScore, Timestamp};

/// A small scenario: a program pool of 15,000, two category families with pools of their own,
/// and `draws` (TOML tables under `[draws]`).
fn scenario(draws: &str) -> Scenario {
    let family = |name: &str| {
        format!(
            "[families.{name}]\nsource = \"test\"\nscores = [301, 600]\ncenter = 450\nbeta = 0.02\n\
             residence_days = 120\nlevel = 2.0\nlevel_spread = 0.0\nrounds = []\n"
        )
    };
    Scenario::from_toml(&format!(
        "version = 2\nas_of = \"2026-03-01\"\nsource = \"test\"\n\
         [pool]\nranges = [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 2000, 1000, 0]\ndensity = \"flat\"\n\
         [shares]\ncec = {{ mean = 0.7, spread = 0.0 }}\nfsw = {{ mean = 0.7, spread = 0.0 }}\n\
         [families]\n{}{}\
         [draws]\n{draws}\n\
         [arrivals]\nper_week = [0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0]\nspread = 0.0\n\
         [exits]\nwithdrawal_per_week = 0.0\nita_decline = 0.0\nita_no_response = 0.0\n",
        family("french"),
        family("healthcare"),
    ))
    .unwrap()
}

fn focal(s: &Scenario, score: u16, categories: &[&str]) -> FocalSpec {
    FocalSpec::new(
        CrsScore::new(score).unwrap(),
        eesim::Membership::from_names(["cec"], categories.iter().copied()).unwrap(),
        Timestamp::start_of_day(s.as_of()).plus_days(-30),
    )
}

#[test]
fn a_candidate_in_two_categories_is_invited_by_either_familys_round() {
    for (draws, cats, invited) in [
        // Only a French round: reaches a French candidate, and one in French and healthcare.
        (
            "[draws.french]\nfixed = [{ date = \"2026-03-10\", size = 5000 }]",
            vec!["french"],
            true,
        ),
        (
            "[draws.french]\nfixed = [{ date = \"2026-03-10\", size = 5000 }]",
            vec!["french", "healthcare"],
            true,
        ),
        // Only a healthcare round: reaches the candidate in both through healthcare.
        (
            "[draws.healthcare]\nfixed = [{ date = \"2026-03-10\", size = 5000 }]",
            vec!["french", "healthcare"],
            true,
        ),
        // A candidate in neither family is never invited by their rounds.
        (
            "[draws.french]\nfixed = [{ date = \"2026-03-10\", size = 5000 }]\n[draws.healthcare]\nfixed = [{ date = \"2026-03-12\", size = 5000 }]",
            vec!["stem"],
            false,
        ),
        (
            "[draws.healthcare]\nfixed = [{ date = \"2026-03-10\", size = 5000 }]",
            vec!["french"],
            false,
        ),
    ] {
        let s = scenario(draws);
        for engine in [Engine::Fluid, Engine::Exact] {
            let run = ScenarioRun::new(&s, Some(focal(&s, 540, &cats)), 60)
                .unwrap()
                .engine(engine);
            let report = eesim::montecarlo::RunModel::sample(&run, &mut run_rng(5, 0));
            let got = report
                .focal
                .as_ref()
                .is_some_and(|f| f.first_invitation().is_some());
            assert_eq!(got, invited, "{engine:?} {cats:?} {draws}");
            // The round's cut-off comes from the family's own pool, never from the floor.
            for d in &report.draws {
                assert!(d.cutoff.is_some_and(|c| c.get() > 360), "{engine:?}: {d:?}");
            }
        }
    }
}

#[test]
fn a_round_of_the_modelled_mass_above_s_has_cutoff_s() {
    let s = scenario("");
    let f: &FamilyPool = s
        .family_pool(&eesim::Family::new("french").unwrap())
        .unwrap();
    let pool: RefillPool = f.start_pool(1.0);
    let day = Timestamp::start_of_day(s.as_of()).plus_days(10).as_second() as f64 / 86_400.0;
    // Never emptied: saturated at 120 days of 2 a day times the shape.
    let shape: RefillShape = *pool.shape();
    let at_480 = 2.0 * (-0.02_f64 * 30.0).exp() * 120.0;
    assert!((pool.at(480, day) - at_480).abs() < 1e-9);
    assert!(
        (shape.shape(400) - 1.0).abs() < 1e-12,
        "flat below the centre"
    );
    for cutoff in [420, 480, 550] {
        let size = pool.at_or_above(cutoff, day);
        assert_eq!(pool.cutoff_for(day, size), Some(cutoff));
        let mut p = pool.clone();
        let t = p.take(day, size);
        assert_eq!(t.cutoff, Some(cutoff));
        assert!(p.at_or_above(cutoff, day) < 1e-6);
        // Below the cut-off nothing was touched.
        assert!((p.at(cutoff - 1, day) - pool.at(cutoff - 1, day)).abs() < 1e-9);
    }
}

/// A feed fixture: French rounds every 3 weeks with published tie-breaks, then a PNP round.
fn family_feed(rounds: usize) -> String {
    let mut out = Vec::new();
    let start = jiff::civil::Date::new(2025, 1, 8).unwrap();
    for k in 0..rounds {
        let d = start
            .checked_add(jiff::Span::new().days(21 * k as i64))
            .unwrap();
        let cutoff = 410 + (k % 4) * 7;
        out.push(format!(
            r#"{{"drawNumber": "{}", "drawDate": "{d}", "drawName": "French language proficiency (Version 1)",
               "drawSize": "{}", "drawCRS": "{cutoff}", "drawDateTime": "{} at 14:00:00 UTC",
               "drawCutOff": "{} at 09:30:00 UTC"}}"#,
            k + 1,
            1500 + 250 * (k % 3),
            d.strftime("%B %d, %Y"),
            d.checked_sub(jiff::Span::new().days(20)).unwrap().strftime("%B %d, %Y"),
        ));
    }
    format!(r#"{{"rounds": [{}]}}"#, out.join(","))
}

#[test]
fn family_calibration_is_unchanged_when_later_rounds_are_deleted() {
    let (all, _) = FeedReader::new().read_str(&family_feed(12)).unwrap();
    let (early, _) = FeedReader::new().read_str(&family_feed(7)).unwrap();
    let cut = early.draws().last().unwrap().date().tomorrow().unwrap();
    let fit = |h: &eesim::feed::History| {
        let rounds = family_rounds(h, cut);
        let fits = fit_families(&rounds, 0.0, &mut eesim::forecast::FitCache::new());
        (rounds, fits)
    };
    let (ra, fa) = fit(&all);
    let (re, fe) = fit(&early);
    assert_eq!(ra, re);
    assert_eq!(fa, fe);
    assert_eq!(re.values().next().unwrap().len(), 7);
    // And it sees the later rounds once the date is later.
    let later = family_rounds(&all, jiff::civil::Date::new(2026, 1, 1).unwrap());
    assert_eq!(later.values().next().unwrap().len(), 12);
}

#[test]
fn family_calibration_on_the_shared_feed_has_no_look_ahead() {
    let Some(path) = std::env::var_os("EESIM_FEED") else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let (history, _) = FeedReader::new().read_path(path).unwrap();
    let as_of = jiff::civil::Date::new(2025, 6, 1).unwrap();
    let a = Scenario::calibrated(&history, as_of).unwrap();
    let b = Scenario::calibrated(&history.before(as_of), as_of).unwrap();
    assert_eq!(a, b);
    assert!(
        a.family_pool(&eesim::Family::new("french").unwrap())
            .is_some()
            && a.family_pool(&eesim::Family::new("pnp").unwrap()).is_some()
    );
}

fn no_round(s: &Scenario, family: &str, horizon: u32) -> f64 {
    let run = ScenarioRun::new(s, None, horizon).unwrap();
    let tally = MonteCarlo::new(400, 3).estimate(&run);
    tally
        .no_round(s.target(&eesim::Family::new(family).unwrap()).unwrap())
        .p
}

#[test]
fn the_hazard_of_a_round_follows_the_familys_gaps() {
    // French rounds every 14 days, the last 7 days before the start.
    let draws = "[draws.french]\nlast = \"2026-02-22\"\ngaps_days = [14, 14, 14, 14, 14, 14]\nsizes = [1000]";
    let s = scenario(draws);
    assert!(no_round(&s, "french", 28) < 0.01, "near 1 within two gaps");
    assert!(
        no_round(&s, "french", 2) > 0.99,
        "near 0 within a small fraction of one"
    );
    // Silent for a year: inactive.
    let s = scenario("[draws.french]\nlast = \"2025-02-01\"\ngaps_days = [14, 14]\nsizes = [1000]");
    assert_eq!(no_round(&s, "french", 182), 1.0);
    // A fixed schedule overrides the hazard.
    let s = scenario("[draws.french]\nfixed = [{ date = \"2026-03-02\", size = 100 }]");
    assert_eq!(no_round(&s, "french", 2), 0.0);
    assert_eq!(no_round(&s, "healthcare", 2), 1.0);
}

#[test]
fn the_chance_report_shows_the_chance_of_no_round_per_family() {
    let s = scenario("[draws.french]\nlast = \"2026-02-22\"\ngaps_days = [14]\nsizes = [1000]");
    let request = ChanceRequest {
        crs: eesim::CrsScore::new(470).unwrap(),
        membership: eesim::Membership::from_names(["cec"], ["french", "healthcare"]).unwrap(),
        runs: 300,
        horizon_days: 60,
        ..ChanceRequest::default()
    };
    let report = ChanceReport::run(&s, &request, |_| {}).unwrap();
    let json = report.to_json();
    let families = json["families"].as_array().unwrap();
    let p = |name: &str| {
        families
            .iter()
            .find(|f| f["family"] == name)
            .and_then(|f| f["p_no_round"].as_f64())
            .unwrap()
    };
    for f in families {
        let v = f["p_no_round"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v), "{f}");
    }
    // No healthcare round and no CEC round in this scenario: certain.
    assert_eq!(p("healthcare"), 1.0);
    assert_eq!(p("cec"), 1.0);
    assert_eq!(p("french"), 0.0);
    assert!(report.to_text().contains("holds no round within 60 days"));
}

fn forecast(
    profile: &str,
    crs: u16,
    p: f64,
    outcome: bool,
    last: Option<u16>,
    origin: &str,
) -> Forecast {
    Forecast {
        origin: origin.parse().unwrap(),
        profile: profile.into(),
        crs,
        horizon_days: 90,
        p,
        lo: p,
        hi: p,
        outcome: Some(outcome),
        last_cutoff: last,
    }
}

#[test]
fn backtest_scores_match_a_hand_computation() {
    // Two origins, a grid of 3 scores 10 apart, last cut-off 500.
    let rows = vec![
        forecast("cec", 480, 0.2, false, Some(500), "2025-01-01"),
        forecast("cec", 490, 0.5, true, Some(500), "2025-01-01"),
        forecast("cec", 540, 0.9, true, Some(500), "2025-01-01"),
        forecast("cec", 480, 0.0, false, Some(500), "2025-02-01"),
        forecast("cec", 490, 0.4, false, Some(500), "2025-02-01"),
        forecast("cec", 540, 1.0, true, Some(500), "2025-02-01"),
    ];
    let report = BacktestReport {
        forecasts: rows,
        unscored_origins: Vec::new(),
    };
    let g = report.group_scores(|_| true);
    let sq = [0.04, 0.25, 0.01, 0.0, 0.16, 0.0];
    let brier = sq.iter().sum::<f64>() / 6.0;
    assert!((g.model.brier.unwrap() - brier).abs() < 1e-12);
    // Near the cut-off (within 30 of 500): 480 and 490 only.
    let near = (0.04 + 0.25 + 0.0 + 0.16) / 4.0;
    assert_eq!(g.model.near_n, 4);
    assert!((g.model.near_brier.unwrap() - near).abs() < 1e-12);
    // CRPS: 10 x the squared errors per origin and profile, averaged over the two.
    let crps = 10.0 * ((0.04 + 0.25 + 0.01) + (0.0 + 0.16 + 0.0)) / 2.0;
    assert!((g.model.crps.unwrap() - crps).abs() < 1e-9);
    let clip = |p: f64| p.clamp(0.001, 0.999);
    let ll = -[
        (1.0 - clip(0.2)).ln(),
        clip(0.5).ln(),
        clip(0.9).ln(),
        (1.0 - clip(0.0)).ln(),
        (1.0 - clip(0.4)).ln(),
        clip(1.0).ln(),
    ]
    .iter()
    .sum::<f64>()
        / 6.0;
    assert!((g.model.log_loss.unwrap() - ll).abs() < 1e-12);
    // The hard baseline: 0 below 500, 1 above: wrong only at 490 on the first origin.
    assert!((g.hard_baseline.brier.unwrap() - 1.0 / 6.0).abs() < 1e-12);
    let skill = g.skill.unwrap();
    let smooth = g.smooth_baseline.brier.unwrap();
    assert!((skill[0] - (1.0 - brier / smooth.min(1.0 / 6.0))).abs() < 1e-12);
    assert!(skill[1] <= skill[0] && skill[0] <= skill[2]);
}

#[test]
fn a_perfect_forecast_scores_zero_and_skill_one() {
    let rows = vec![
        forecast("cec", 480, 0.0, false, Some(485), "2025-01-01"),
        forecast("cec", 490, 1.0, true, Some(485), "2025-01-01"),
        forecast("cec", 484, 0.0, false, Some(484), "2025-02-01"),
        forecast("cec", 500, 1.0, true, Some(500), "2025-03-01"),
    ];
    let report = BacktestReport {
        forecasts: rows,
        unscored_origins: Vec::new(),
    };
    let g = report.group_scores(|_| true);
    assert_eq!(g.model.brier, Some(0.0));
    assert_eq!(g.model.near_brier, Some(0.0));
    assert_eq!(g.model.crps, Some(0.0));
    assert!(g.model.log_loss.unwrap() < 0.0011);
    assert_eq!(g.skill.unwrap(), [1.0, 1.0, 1.0]);
    // Nothing scored: no numbers, not zeros.
    let empty = BacktestReport::default().group_scores(|_| true);
    assert_eq!(
        (empty.model.n, empty.model.brier, empty.skill),
        (0, None, None)
    );
}

/// One round of a synthetic feed: date, family name, size, cut-off, tie-break date.
type Round = (jiff::civil::Date, &'static str, u32, u16, jiff::civil::Date);

/// A synthetic feed: CEC rounds every 14 days and French rounds every 28 from 2024-01-03 to
/// before `until`, each with a pool snapshot two days before it; cut-offs that wander.
fn synthetic_rounds(until: jiff::civil::Date) -> Vec<Round> {
    let start = jiff::civil::Date::new(2024, 1, 3).unwrap();
    let mut out = Vec::new();
    let mut k = 0_i64;
    loop {
        let d = start.checked_add(jiff::Span::new().days(14 * k)).unwrap();
        if d >= until {
            break;
        }
        let tie = d.checked_sub(jiff::Span::new().days(20)).unwrap();
        out.push((
            d,
            "Canadian Experience Class",
            1000 + 500 * (k % 3) as u32,
            515 + ((k * 5) % 7) as u16 * 3,
            tie,
        ));
        if k % 2 == 1 {
            let f = d.checked_add(jiff::Span::new().days(1)).unwrap();
            if f < until {
                out.push((
                    f,
                    "French language proficiency (Version 1)",
                    2000,
                    420 + ((k * 3) % 5) as u16 * 6,
                    tie,
                ));
            }
        }
        k += 1;
    }
    out
}

fn synthetic_feed(rounds: &[Round]) -> String {
    let items: Vec<String> = rounds
        .iter()
        .enumerate()
        .map(|(i, (d, name, size, cutoff, tie))| {
            let snap = d.checked_sub(jiff::Span::new().days(2)).unwrap();
            // The pool grows slowly: 213,500 candidates plus 40 a week in 501-600.
            let top = 15_000 + 40 * (i as u32);
            format!(
                r#"{{"drawNumber": "{}", "drawDate": "{d}", "drawName": "{name}",
                   "drawSize": "{size}", "drawCRS": "{cutoff}",
                   "drawDateTime": "{} at 14:00:00 UTC", "drawCutOff": "{} at 09:30:00 UTC",
                   "drawDistributionAsOn": "{}",
                   "dd1": "500", "dd2": "{top}", "dd3": "60000", "dd4": "12000", "dd5": "12000",
                   "dd6": "12000", "dd7": "12000", "dd8": "12000", "dd9": "60000", "dd10": "12000",
                   "dd11": "12000", "dd12": "12000", "dd13": "12000", "dd14": "12000",
                   "dd15": "50000", "dd16": "20000", "dd17": "8000", "dd18": "{}"}}"#,
                i + 1,
                d.strftime("%B %d, %Y"),
                tie.strftime("%B %d, %Y"),
                snap.strftime("%B %d, %Y"),
                198_500 + top,
            )
        })
        .collect();
    format!(r#"{{"rounds": [{}]}}"#, items.join(","))
}

#[test]
fn backtest_scores_any_horizon_by_hand_on_a_fixture_feed() {
    use eesim::backtest::{BacktestOptions, BacktestProfile};
    let until = jiff::civil::Date::new(2024, 9, 1).unwrap();
    let rounds = synthetic_rounds(until);
    let (history, _) = FeedReader::new()
        .read_str(&synthetic_feed(&rounds))
        .unwrap();
    let d = |y, m, day| jiff::civil::Date::new(y, m, day).unwrap();
    for horizon in [30_u32, 45] {
        let mut options = BacktestOptions::new(d(2024, 5, 6), d(2024, 6, 10), 40);
        options.every_days = Some(7);
        options.horizon_days = horizon;
        options.scores = (500, 540, 5);
        options.profiles = vec![BacktestProfile::standard().swap_remove(0)];
        // The model does not matter to the scores' definitions: the simulation alone, fast.
        options.model = "combine=off".parse().unwrap();
        let report = eesim::backtest::run(&history, &options, |_, _, _| {}).unwrap();
        assert_eq!(report.forecasts.len(), 5 * 9);
        let mut sq = Vec::new();
        for f in &report.forecasts {
            assert_eq!(f.horizon_days, horizon);
            let end = f
                .origin
                .checked_add(jiff::Span::new().days(i64::from(horizon)))
                .unwrap();
            assert_eq!(f.window_end(), end);
            // By hand: the latest CEC cut-off before the origin; invited by a CEC round in
            // (origin, end] cut below the score, or at it with a tie-break after the
            // submission (60 days before the origin, at midnight).
            let last = rounds
                .iter()
                .rev()
                .find(|r| r.1.starts_with("Canadian") && r.0 < f.origin)
                .map(|r| r.3);
            assert_eq!(f.last_cutoff, last, "{}", f.origin);
            let submitted = f.origin.checked_sub(jiff::Span::new().days(60)).unwrap();
            let invited = rounds.iter().any(|r| {
                r.1.starts_with("Canadian")
                    && r.0 > f.origin
                    && r.0 <= end
                    && (r.3 < f.crs || (r.3 == f.crs && r.4 >= submitted))
            });
            assert_eq!(
                f.outcome,
                Some(invited),
                "{} {} {}",
                f.origin,
                horizon,
                f.crs
            );
            let y = if invited { 1.0 } else { 0.0 };
            sq.push((f.p - y) * (f.p - y));
        }
        let g = report.group_scores(|_| true);
        let brier = sq.iter().sum::<f64>() / sq.len() as f64;
        assert!((g.model.brier.unwrap() - brier).abs() < 1e-12);
        // Split on a date: the windows closed by it and after it partition the rows.
        let split = d(2024, 7, 1);
        let before = report.group_scores(|f| f.closed_by(split));
        let after = report.group_scores(|f| !f.closed_by(split));
        assert_eq!(before.model.n + after.model.n, g.model.n);
        assert!(
            report
                .forecasts
                .iter()
                .filter(|f| f.closed_by(split))
                .all(|f| f.window_end() <= split)
        );
    }
}

#[test]
fn the_combination_is_unchanged_when_later_rounds_are_deleted() {
    let all = synthetic_rounds(jiff::civil::Date::new(2025, 9, 1).unwrap());
    let as_of = jiff::civil::Date::new(2025, 4, 1).unwrap();
    let early: Vec<Round> = all.iter().copied().filter(|r| r.0 < as_of).collect();
    let (full, _) = FeedReader::new().read_str(&synthetic_feed(&all)).unwrap();
    let (cut, _) = FeedReader::new().read_str(&synthetic_feed(&early)).unwrap();
    let a = Scenario::calibrated(&full, as_of).unwrap();
    let b = Scenario::calibrated(&cut, as_of).unwrap();
    assert_eq!(a, b);
    let comb = a.combination().expect("the shipped model combines");
    for family in ["cec", "french"] {
        let w = &comb.families[&eesim::Family::new(family).unwrap()];
        assert!((0.0..=1.0).contains(&w.simulation), "{family}: {w:?}");
        assert!(w.windows > 30, "{family}: {w:?}");
    }
    // Later rounds change a later calibration.
    let later = jiff::civil::Date::new(2025, 9, 1).unwrap();
    assert_ne!(
        Scenario::calibrated(&full, later).unwrap().combination(),
        Some(comb)
    );
    // The scenario file keeps the weights and their source.
    let again = Scenario::from_toml(&a.to_toml()).unwrap();
    assert_eq!(again, a);
    assert!(a.to_toml().contains("[combination.families]"));
}

/// The test scenario with a combination for French: `weight` of the runs keep the simulated
/// cut-offs, the others cut at 420 (give or take a logistic draw of scale 5).
fn combined(weight: f64, round_within: Option<u32>, draws: &str) -> Scenario {
    // A reliability table with a bin for every tenth: forecasts of k/10 to (k+1)/10 came true
    // (k + 0.4)/10 of the time, 100 + k of them.
    let bins: Vec<String> = (0..10)
        .map(|k| {
            let k = f64::from(k);
            format!(
                "[{}, {}, {}, {}, {}]",
                k / 10.0,
                (k + 1.0) / 10.0,
                (k + 0.5) / 10.0,
                (k + 0.4) / 10.0,
                100.0 + k
            )
        })
        .collect();
    let round = round_within.map_or_else(String::new, |d| format!("round_within_days = {d}\n"))
        + &format!("reliability = [{}]\n", bins.join(", "));
    let base = scenario(draws).to_toml();
    Scenario::from_toml(&format!(
        "{base}\n[combination]\nsource = \"test\"\nspread = 5\n{round}[combination.families]\nfrench = {{ simulation = {weight}, last_cutoff = 420 }}\n"
    ))
    .unwrap()
}

#[test]
fn runs_that_follow_the_previous_cut_off_cut_there() {
    // French rounds every 14 days from a pool whose cut-offs the simulation puts near 590.
    let draws = "[draws.french]\nlast = \"2026-02-22\"\ngaps_days = [14]\nsizes = [100]";
    let chance = |s: &Scenario, score: u16| {
        let run = ScenarioRun::new(s, Some(focal(s, score, &["french"])), 60).unwrap();
        MonteCarlo::new(2_000, 5).estimate(&run).chance().p
    };
    let sim = scenario(draws);
    let all_sim = combined(1.0, None, draws);
    let all_rule = combined(0.0, None, draws);
    let half = combined(0.5, None, draws);
    for score in [410_u16, 430, 560] {
        // Weight 1: the simulation, run for run (the choice draws its numbers after the
        // schedule, so only what follows them moves).
        let (a, b) = (chance(&sim, score), chance(&all_sim, score));
        assert!((a - b).abs() < 0.03, "{score}: {a} vs {b}");
    }
    // Weight 0: invited above the previous cut-off, not below it.
    assert!(chance(&all_rule, 440) > 0.97);
    assert!(chance(&all_rule, 400) < 0.03);
    assert!(chance(&sim, 440) < 0.03, "the simulation cuts far higher");
    // In between: the mixture.
    let (s, r, h) = (
        chance(&sim, 440),
        chance(&all_rule, 440),
        chance(&half, 440),
    );
    assert!((h - (s + r) / 2.0).abs() < 0.05, "{h} vs {s} and {r}");
    // A what-if's fixed rounds keep their simulated cut-offs: the rule knows no sizes.
    let fixed = "[draws.french]\nfixed = [{ date = \"2026-03-10\", size = 100 }]";
    assert_eq!(
        chance(&combined(0.0, None, fixed), 440),
        chance(&scenario(fixed), 440)
    );
}

#[test]
fn a_run_that_follows_the_previous_cut_off_holds_a_round_within_the_stated_days() {
    // Gaps of 200 days, the last round 10 days ago: no French round within 60 days.
    let draws = "[draws.french]\nlast = \"2026-02-19\"\ngaps_days = [200]\nsizes = [100]";
    assert_eq!(no_round(&combined(0.0, None, draws), "french", 60), 1.0);
    // Unless the rule holds one within 30 days.
    assert_eq!(no_round(&combined(0.0, Some(30), draws), "french", 60), 0.0);
    assert_eq!(no_round(&combined(0.0, Some(30), draws), "french", 30), 0.0);
    // The simulation's runs keep their own schedule.
    assert_eq!(no_round(&combined(1.0, Some(30), draws), "french", 60), 1.0);
}

#[test]
fn the_chance_report_shows_the_weights() {
    let draws = "[draws.french]\nlast = \"2026-02-22\"\ngaps_days = [14]\nsizes = [100]";
    let s = combined(0.7, Some(90), draws);
    let request = ChanceRequest {
        crs: eesim::CrsScore::new(470).unwrap(),
        membership: eesim::Membership::from_names(["cec"], ["french"]).unwrap(),
        runs: 200,
        horizon_days: 60,
        ..ChanceRequest::default()
    };
    let report = ChanceReport::run(&s, &request, |_| {}).unwrap();
    let text = report.to_text();
    assert!(
        text.contains("simulation 70%, last cut-off (420) 30%"),
        "{text}"
    );
    let json = report.to_json();
    let french = json["families"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family"] == "french")
        .unwrap()
        .clone();
    assert_eq!(french["simulation_weight"], 0.7);
    // How forecasts like this one fared: the record's bin that holds the chance.
    let p = json["p"].as_f64().unwrap();
    let bin = &json["calibration"];
    let (from, to) = (bin["from"].as_f64().unwrap(), bin["to"].as_f64().unwrap());
    assert!(from <= p && (p < to || to == 1.0), "{p} in {bin}");
    assert!(text.contains("How forecasts like this one fared"), "{text}");
    assert!(
        text.contains(&format!(
            "forecasts of {:.0}% to {:.0}%",
            100.0 * from,
            100.0 * to
        )),
        "{text}"
    );
    // And the table round-trips through the file.
    assert_eq!(Scenario::from_toml(&s.to_toml()).unwrap(), s);
}

#[test]
fn a_program_on_the_refill_dynamics_draws_from_its_own_pool() {
    // A CEC pool shaped like the snapshot, never emptied, and one CEC round of 1,000.
    let base = scenario("[draws.cec]\nfixed = [{ date = \"2026-03-10\", size = 1000 }]").to_toml();
    let text = base.replace(
        "[families]\n",
        "[families]\n[families.cec]\nsource = \"test\"\nshape = \"snapshot\"\nscores = [301, 600]\ncenter = 450\nbeta = 0.0\nresidence_days = 60\nlevel = 1.0\nlevel_spread = 0.0\nrounds = []\n",
    );
    let s = Scenario::from_toml(&text).unwrap();
    assert!(
        s.family_pool(&eesim::Family::CEC)
            .is_some_and(|f| f.snapshot_shape)
    );
    assert_eq!(Scenario::from_toml(&s.to_toml()).unwrap(), s);
    // The pool: the snapshot's density relative to its value at 450, times 60 days (less
    // withdrawals, none here). The round's cut-off is where its mass above reaches 1,000.
    let at = |t: &str| t.parse::<Timestamp>().unwrap().as_second() as f64 / 86_400.0;
    // The flat density of the test pool: 1,000 a range of 10 points from 401 to 500, 1,000
    // over 501-600, 2,000 over 351-400, 1,000 over 301-350.
    let density = |score: u16| match score {
        301..=350 => 20.0,
        351..=400 => 40.0,
        401..=500 => 100.0,
        501..=600 => 10.0,
        _ => 0.0,
    };
    let pool = s
        .family_pool(&eesim::Family::CEC)
        .unwrap()
        .start_pool_with(1.0, &(0..=1200).map(density).collect::<Vec<_>>());
    let day = at("2026-03-10T14:00:00Z");
    let expected = pool.cutoff_for(day, 1000.0).unwrap();
    // By hand: 501-600 hold 0.1 x 60 = 6 a score (600), then 60 a score from 500 down.
    assert_eq!(expected, 494);
    let run = ScenarioRun::new(&s, None, 30).unwrap();
    let report = eesim::montecarlo::RunModel::sample(&run, &mut run_rng(1, 0));
    let cec = report
        .draws
        .iter()
        .find(|d| d.target == s.target(&eesim::Family::CEC).unwrap())
        .unwrap();
    assert_eq!(cec.cutoff.unwrap().get(), expected);
    // And a name that is neither a category, nominees nor a program on snapshot shape is
    // refused.
    let bad = base.replace(
        "[families]\n",
        "[families]\n[families.cec]\nsource = \"test\"\nscores = [301, 600]\ncenter = 450\nbeta = 0.0\nresidence_days = 60\nlevel = 1.0\nlevel_spread = 0.0\nrounds = []\n",
    );
    assert!(Scenario::from_toml(&bad).is_err());
    let e = Scenario::from_toml(&text.replace("shape = \"snapshot\"", "shape = \"round\""))
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("families.cec.shape: expected \"snapshot\""),
        "{e}"
    );
}
