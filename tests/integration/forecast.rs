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
