//! Consultants and analysts: a batch that never aborts (each row with its status, windows of
//! months from today, dormant categories), rounds set by `--plan`, and the frame from today in
//! what-if, batch, a family's chance of no round and landing.

use std::path::PathBuf;
use std::process::{Command, Output};

use eesim::forecast::{DrawPlan, PlanChange};
use eesim::montecarlo::{MonteCarlo, RunModel};
use eesim::report::{ChanceReport, ChanceRequest, WhatIfReport};
use eesim::scenario::{Scenario, ScenarioRun};
use eesim::{CrsScore, Date, Family, Membership};

fn eesim(today: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EESIM_TODAY", today)
        .env(
            "EESIM_CACHE_DIR",
            std::env::temp_dir().join(format!("eesim-bp-no-cache-{}", std::process::id())),
        )
        .output()
        .unwrap()
}

fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eesim-bp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn days(d: Date, n: i64) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap()
}

/// Today, 40 days after the embedded scenario's date: windows from today, conditioned.
const TODAY: &str = "2026-04-02";

#[test]
fn a_batch_judges_every_good_row_and_names_every_bad_one() {
    let d = dir();
    let path = d.join("clients.csv");
    std::fs::write(
        &path,
        "id,crs,programs,categories,submitted\n\
         ana,505,cec,,2026-01-10\n\
         bad-cat,470,cec,nope,\n\
         expired,480,cec,,2025-03-01\n\
         twin,490,cec,,\n\
         twin,495,cec,,\n\
         farmer,500,cec;fsw,agriculture,2026-03-01\n\
         fr,470,cec,french,2026-02-01\n",
    )
    .unwrap();
    let common = ["--runs", "300", "--seed", "5", "--months", "1,3"];
    let mut args = vec!["chance", "--batch", path.to_str().unwrap(), "--json"];
    args.extend(common);
    let out = eesim(TODAY, &args);
    assert_eq!(out.status.code(), Some(1), "a failed row exits 1");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["today"], TODAY);
    assert_eq!(doc["as_of"], "2026-02-21");
    assert_eq!(doc["data"]["kind"], "embedded");
    let rows = doc["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 7, "every row, in order");
    let status = |i: usize| rows[i]["status"].as_str().unwrap().to_string();
    assert_eq!(status(0), "ok");
    assert!(
        status(1)
            .starts_with("line 3, field categories: expected one of the scenario's categories"),
        "{}",
        status(1)
    );
    assert!(status(1).contains("found \"nope\""));
    assert!(
        status(2).contains(
            "line 4, field submitted: expected a profile still in the pool on 2026-04-02"
        ),
        "{}",
        status(2)
    );
    assert!(status(2).contains("expired on 2026-03-01"), "{}", status(2));
    assert!(status(3).contains("also on line 6") && status(4).contains("also on line 5"));
    assert_eq!(status(5), "ok", "a dormant category is accepted");
    assert_eq!(
        rows[5]["dormant_categories"],
        serde_json::json!(["agriculture"])
    );
    assert!(
        rows[5]["assumptions"][0]
            .as_str()
            .unwrap()
            .contains("assumes the agriculture category holds none")
    );
    assert_eq!(rows[5]["no_round"]["agriculture"]["p"], 1.0);
    // The embedded scenario knows STEM's pool but plans no STEM round: dormant too.
    let stem_out = eesim(
        TODAY,
        &[
            "chance",
            "--crs",
            "480",
            "--categories",
            "stem",
            "--runs",
            "50",
            "--json",
        ],
    );
    assert!(
        stem_out.status.success(),
        "{}",
        String::from_utf8_lossy(&stem_out.stderr)
    );
    let stem: serde_json::Value = serde_json::from_slice(&stem_out.stdout).unwrap();
    assert_eq!(
        stem["candidate"]["dormant_categories"],
        serde_json::json!(["stem"])
    );
    assert!(
        stem["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("the scenario plans no stem round")),
        "{}",
        stem["warnings"]
    );
    assert_eq!(status(6), "ok");
    let stderr = String::from_utf8_lossy(&out.stderr);
    for id in ["bad-cat", "expired", "twin"] {
        assert!(stderr.contains(&format!("row {id}: line")), "{stderr}");
    }
    assert!(stderr.contains("4 of 7 rows"), "{stderr}");
    // Each good row equals `chance` for that candidate alone, at each month (same runs).
    for (row, extra) in [
        (0, vec!["--crs", "505", "--submitted", "2026-01-10"]),
        (
            5,
            vec![
                "--crs",
                "500",
                "--programs",
                "cec,fsw",
                "--categories",
                "agriculture",
                "--submitted",
                "2026-03-01",
            ],
        ),
        (
            6,
            vec![
                "--crs",
                "470",
                "--categories",
                "french",
                "--submitted",
                "2026-02-01",
            ],
        ),
    ] {
        let mut args = vec!["chance", "--json", "--runs", "300", "--seed", "5"];
        args.extend(extra);
        let alone = eesim(TODAY, &args);
        assert!(
            alone.status.success(),
            "{}",
            String::from_utf8_lossy(&alone.stderr)
        );
        let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
        let b = &rows[row];
        assert_eq!(
            b["conditioned_runs"], alone["conditioned_runs"],
            "row {row}"
        );
        for k in 0..2 {
            for key in ["months", "until", "p", "lo", "hi"] {
                assert_eq!(
                    b["by_month"][k][key], alone["by_month"][k][key],
                    "row {row}, {key}"
                );
            }
        }
        assert_eq!(b["p"], alone["p"], "row {row}: the horizon");
        assert_eq!(b["expires"], alone["candidate"]["expires"]);
        for f in alone["families"].as_array().unwrap() {
            let name = f["family"].as_str().unwrap();
            assert_eq!(
                b["no_round"][name]["p"], f["p_no_round"],
                "row {row}, {name}"
            );
        }
    }
    // The CSV: a status column, months as p_1m, lo_1m, hi_1m, and the failed rows too.
    let mut args = vec!["chance", "--batch", path.to_str().unwrap()];
    args.extend(common);
    let out = eesim(TODAY, &args);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("id,status,crs,nominee,programs,categories,submitted,in_pool_from,expires,conditioned_runs,p_1m,lo_1m,hi_1m,p_3m,lo_3m,hi_3m,p,lo,hi,no_round_"), "{}", lines[0]);
    assert_eq!(lines.len(), 8);
    assert!(lines[1].starts_with("ana,ok,505,"));
    assert!(lines[2].starts_with("bad-cat,\"line 3, field categories:"));
}

#[test]
fn a_batch_of_semicolon_columns_gets_a_hint() {
    let path = dir().join("semi.csv");
    std::fs::write(&path, "id;crs\nana;505\n").unwrap();
    let out = eesim(
        TODAY,
        &["chance", "--batch", path.to_str().unwrap(), "--runs", "10"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("expected columns separated by commas, found semicolons"),
        "{err}"
    );
}

#[test]
fn a_plan_of_3000_every_14_days_holds_two_cec_rounds_a_month_in_every_run() {
    let s = Scenario::default_calibrated().unwrap();
    let until = days(s.as_of(), 400);
    let cec: PlanChange = "cec=3000/14d".parse().unwrap();
    let none: PlanChange = "french=none".parse().unwrap();
    let s = s
        .clone()
        .with_plan(&cec.family, cec.plan(s.as_of(), until))
        .unwrap()
        .with_plan(&none.family, none.plan(s.as_of(), until))
        .unwrap();
    let model = ScenarioRun::new(&s, None, 120).unwrap();
    let cec_target = s.target(&Family::CEC).unwrap();
    let french_target = s.target(&Family::FRENCH).unwrap();
    let expected: Vec<Date> = (1..=8).map(|k| days(s.as_of(), 14 * k)).collect();
    for run in 0..20 {
        let report = MonteCarlo::new(20, 3).replay(&model, run);
        let cec_rounds: Vec<_> = report
            .draws
            .iter()
            .filter(|d| d.target == cec_target)
            .collect();
        assert_eq!(
            cec_rounds.iter().map(|d| d.at.date()).collect::<Vec<_>>(),
            expected,
            "run {run}"
        );
        assert!(cec_rounds.iter().all(|d| d.requested == 3000), "run {run}");
        assert!(
            report.draws.iter().all(|d| d.target != french_target),
            "run {run}"
        );
    }
    // Every calendar month of 30 days or more holds two of them.
    assert_eq!(expected.iter().filter(|d| d.month() == 4).count(), 2);
    assert!(model.start().date() == s.as_of());
}

#[test]
fn plan_arguments_are_checked_and_said() {
    for bad in [
        "cec=3000",
        "cec=0/14d",
        "cec=3000/14x",
        "=3000/14d",
        "cec=lots/2w",
    ] {
        let out = eesim(
            TODAY,
            &["chance", "--crs", "500", "--runs", "10", "--plan", bad],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--plan") && err.contains("expected FAMILY=SIZE/EVERY"),
            "{bad}: {err}"
        );
    }
    let out = eesim(
        TODAY,
        &[
            "chance",
            "--crs",
            "480",
            "--categories",
            "french",
            "--runs",
            "100",
            "--json",
            "--plan",
            "french=none",
            "--plan",
            "cec=3000/2w",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["data"]["plans"],
        serde_json::json!([
            "french: no round",
            "cec: 3000 every 14 days from 2026-02-21"
        ])
    );
    let french = doc["families"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["family"] == "french")
        .unwrap();
    assert_eq!(french["p_no_round"], 1.0);
}

#[test]
fn a_resampled_plan_that_cannot_reach_the_horizon_is_a_warning() {
    let s = Scenario::default_calibrated().unwrap();
    // The analyst's edit: the CEC's last round 120 days back, a gap of 14 days: the first
    // gap cannot come from its own gaps.
    let edited = s
        .clone()
        .with_plan(
            &Family::CEC,
            DrawPlan::Resample {
                last: days(s.as_of(), -120),
                gaps_days: vec![14],
                sizes: vec![3000],
            },
        )
        .unwrap();
    let w = edited.plan_warnings(182);
    let cec = w
        .iter()
        .find(|(f, _)| *f == Family::CEC)
        .expect("a CEC warning");
    assert!(
        cec.1
            .contains("shorter than the 120 days since its last round"),
        "{}",
        cec.1
    );
    // Silent over a year: no round at all, and the chance report says so.
    let silent = s
        .clone()
        .with_plan(
            &Family::CEC,
            DrawPlan::Resample {
                last: days(s.as_of(), -400),
                gaps_days: vec![14],
                sizes: vec![3000],
            },
        )
        .unwrap();
    let request = ChanceRequest {
        runs: 100,
        ..ChanceRequest::new(CrsScore::new(500).unwrap())
    };
    let report = ChanceReport::run(&silent, &request, |_| {}).unwrap();
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.starts_with("the cec family's rounds: its last round")
                && w.contains("400 days before the start")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn a_familys_no_round_and_landing_are_read_from_today() {
    let s = Scenario::default_calibrated().unwrap();
    let mut plain = s.clone();
    for f in s.families().cloned().collect::<Vec<_>>() {
        plain = plain.with_plan(&f, DrawPlan::Fixed(Vec::new())).unwrap();
    }
    // One sure CEC round on day 10, none after: from today (day 30) no CEC round is left.
    let plain = plain
        .with_plan(
            &Family::CEC,
            DrawPlan::Fixed(vec![(days(s.as_of(), 10), 100_000)]),
        )
        .unwrap();
    let request = |today| ChanceRequest {
        today,
        runs: 200,
        horizon_days: 120,
        to_landing: true,
        submitted: Some(days(s.as_of(), 20)),
        membership: Membership::from_names(["cec"], Vec::<&str>::new()).unwrap(),
        ..ChanceRequest::new(CrsScore::new(510).unwrap())
    };
    let at_data = ChanceReport::run(&plain, &request(None), |_| {}).unwrap();
    let cec = |r: &ChanceReport| {
        r.families
            .iter()
            .find(|f| f.family == Family::CEC)
            .unwrap()
            .no_round
            .p
    };
    assert_eq!(
        cec(&at_data),
        0.0,
        "the round on day 10 is in the window from the data's date"
    );
    let later = ChanceReport::run(&plain, &request(Some(days(s.as_of(), 30))), |_| {}).unwrap();
    assert_eq!(cec(&later), 1.0, "no CEC round from today on");
    // Submitted on day 20, after the only round: never invited, never landed.
    let landing = later.landing.as_ref().unwrap();
    assert_eq!(landing.chance.p, 0.0);
    let staged: u64 = landing.stages.iter().map(|s| s.1).sum();
    assert_eq!(staged, later.conditioned_runs);
}

#[test]
fn what_if_reads_its_gains_from_today_at_3_and_6_months() {
    let s = Scenario::default_calibrated().unwrap();
    let profile = eesim::crs::Profile::from_path(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/profile.toml"),
    )
    .unwrap();
    let today = days(s.as_of(), 40);
    let request = ChanceRequest {
        today: Some(today),
        runs: 300,
        horizon_days: 200,
        ..ChanceRequest::default()
    };
    let r = WhatIfReport::run(&s, &profile, &request).unwrap();
    assert_eq!(r.today, today);
    let until: Vec<Date> = r.windows.iter().map(|w| w.until).collect();
    assert_eq!(until, [days(today, 91), days(today, 183), days(today, 200)]);
    assert!(r.conditioned_runs <= 300 && r.conditioned_runs > 0);
    for row in &r.rows {
        assert_eq!(row.by_window.len(), 3);
        assert_eq!(row.by_window[2].1, row.gain, "{}", row.improvement);
        // A longer window holds every invitation of a shorter one.
        assert!(
            row.by_window[0].0.p <= row.by_window[1].0.p && row.by_window[1].0.p <= row.chance.p
        );
    }
    let json = r.to_json();
    assert_eq!(json["today"], today.to_string());
    assert_eq!(json["windows"][0]["months"], 3);
    assert!(r.to_text().contains("within 3 months"), "{}", r.to_text());
    // With today on the data's date, the same runs as before: the base chance is the
    // chance report's within the horizon at a fixed score.
    let at_data = WhatIfReport::run(
        &s,
        &profile,
        &ChanceRequest {
            today: None,
            ..request.clone()
        },
    )
    .unwrap();
    assert_eq!(at_data.conditioned_runs, 300);
    // A dormant category is simulated as holding no round, and said so.
    let dormant = ChanceRequest {
        dormant: vec![Family::new("agriculture").unwrap()],
        ..request
    };
    let r = WhatIfReport::run(&s, &profile, &dormant).unwrap();
    assert!(r.categories.contains(&"agriculture".to_string()));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.starts_with("the scenario plans no agriculture round")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn the_example_policy_scenario_is_the_plan_option_written_down() {
    let file = eesim(
        "2026-02-21",
        &[
            "chance",
            "--crs",
            "505",
            "--runs",
            "200",
            "--json",
            "--scenario",
            "scenarios/cec-every-two-weeks.toml",
        ],
    );
    let plan = eesim(
        "2026-02-21",
        &[
            "chance",
            "--crs",
            "505",
            "--runs",
            "200",
            "--json",
            "--plan",
            "cec=3000/14d",
            "--plan",
            "french=none",
        ],
    );
    for out in [&file, &plan] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&file.stdout).unwrap(),
        serde_json::from_slice(&plan.stdout).unwrap(),
    );
    assert_eq!(a["by_month"], b["by_month"]);
    assert_eq!(a["fans"], b["fans"]);
}

#[test]
fn the_chance_by_score_is_the_candidate_at_that_score_from_today() {
    // The embedded data is months old: a probe at 560 judged on its own past would have been
    // invited before today in almost every run, leaving only the runs in which rounds paused
    // (the "score for 50%" then read "above 600"). From today, a higher score never lowers the
    // chance, on the same runs, and the CEC's cut-offs (about 520) are reachable.
    let s = Scenario::default_calibrated().unwrap();
    let request = ChanceRequest {
        today: Some(days(s.as_of(), 285)),
        runs: 300,
        ..ChanceRequest::new(CrsScore::new(505).unwrap())
    };
    let r = ChanceReport::run(&s, &request, |_| {}).unwrap();
    assert!(r.conditioned_runs < 300);
    for w in r.by_score.windows(2) {
        assert!(w[0].1.p <= w[1].1.p, "{} then {}", w[0].0, w[1].0);
        assert_eq!(
            w[0].1.trials, r.conditioned_runs,
            "every score among the same runs"
        );
    }
    let (p50, p90) = r.score_for;
    assert!(
        matches!(p50, Some(s) if (505..=560).contains(&s)),
        "{p50:?}"
    );
    assert!(p90.is_some_and(|s| s >= p50.unwrap()));
}
