//! The chance report: one estimate for one candidate, as figures, text and JSON.

use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use crate::candidate::Program;
use crate::draw::{ProgramSet, Target};
use crate::error::{ErrorKind, Result};
use crate::montecarlo::{Interval, MonteCarlo, ProbeProfile, Probes, Progress, Tally};
use crate::scenario::{Engine, FocalSpec, Scenario, ScenarioRun};
use crate::score::CrsScore;
use crate::sim::FocalResponse;
use crate::time::{Period, Timestamp};

/// What to estimate: the candidate and the estimate's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChanceRequest {
    /// The score at the scenario's start.
    pub crs: u16,
    /// Later changes of score (from a CRS score path).
    pub changes: Vec<(Date, CrsScore)>,
    /// Program names (`cec`, `fsw`, `fst`).
    pub programs: Vec<String>,
    /// Category names.
    pub categories: Vec<String>,
    /// A provincial nominee.
    pub nominee: bool,
    /// Profile submission (default: 30 days before the scenario's start).
    pub submitted: Option<Date>,
    /// Days ahead.
    pub horizon_days: u32,
    /// Runs.
    pub runs: u64,
    /// Master seed.
    pub seed: u64,
    /// The engine.
    pub engine: Engine,
    /// Follow each run to landing.
    pub to_landing: bool,
}

impl Default for ChanceRequest {
    fn default() -> Self {
        ChanceRequest {
            crs: 500,
            changes: Vec::new(),
            programs: vec!["cec".into()],
            categories: Vec::new(),
            nominee: false,
            submitted: None,
            horizon_days: 182,
            runs: 10_000,
            seed: 42,
            engine: Engine::Fluid,
            to_landing: false,
        }
    }
}

impl ChanceRequest {
    /// The programs named in the request (`pnp` among them marks a provincial nominee, like
    /// `nominee`).
    ///
    /// # Errors
    /// [`ErrorKind::UnknownProgram`] for a name other than `cec`, `fsw`, `fst`, `pnp`.
    pub fn program_set(&self) -> Result<ProgramSet> {
        let mut set = ProgramSet::EMPTY;
        for name in self.programs.iter().filter(|n| n.trim() != "pnp") {
            let p = Program::ALL
                .into_iter()
                .find(|p| p.name() == name.trim())
                .ok_or_else(|| ErrorKind::UnknownProgram {
                    found: name.clone(),
                })?;
            set = set.with(p);
        }
        Ok(set)
    }
}

/// A chance with its month count and days.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Within {
    /// Calendar months from the start.
    pub months: u32,
    /// The same in days.
    pub days: u32,
    /// The chance.
    pub chance: Interval,
}

/// The cut-offs of one family's rounds in one month of the runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FanRow {
    /// The family.
    pub family: String,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// Rounds over all runs.
    pub rounds: u64,
    /// The 10th, 25th, 50th, 75th and 90th percentile cut-offs.
    pub quantiles: [u16; 5],
}

/// Whether one of the candidate's families holds a round at all within the horizon.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FamilyOutlook {
    /// The family (`general`, `cec`, `french`, `pnp`, ...).
    pub family: String,
    /// The share of simulated futures in which it holds no round within the horizon.
    pub no_round: Interval,
    /// Why the family's pool is a guess, when it is (one round or none).
    pub guess: Option<String>,
    /// The share of runs whose rounds of the family keep their simulated cut-offs, the
    /// others following its previous cut-off, and where it comes from (the scenario's
    /// combination), as one sentence.
    pub combination: Option<String>,
    /// That share alone.
    pub simulation_weight: Option<f64>,
}

/// The chance of landing as a permanent resident, from runs that follow the stages after
/// the ITA.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LandingSummary {
    /// Landed within the horizon.
    pub chance: Interval,
    /// Weekly points `(day, chance)` and the horizon.
    pub curve: Vec<(u32, Interval)>,
    /// Runs by stage at the horizon.
    pub stages: Vec<(String, u64)>,
}

/// Everything one estimate says about one candidate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChanceReport {
    /// The scenario's start.
    pub as_of: Date,
    /// Where the scenario's figures come from.
    pub source: String,
    /// The request.
    #[serde(skip)]
    pub request: ChanceRequest,
    /// The submission date used.
    pub submitted: Date,
    /// When the profile expires (its submission plus the scenario's validity).
    pub expires: Date,
    /// A provincial nominee (by `nominee`, or `pnp` among the programs).
    pub nominee: bool,
    /// The score the candidate starts with (a score change dated before the submission is
    /// already in it).
    pub crs: u16,
    /// The chance of a first invitation within the horizon.
    pub chance: Interval,
    /// Within 1, 3, 6, 12 months (those inside the horizon).
    pub by_month: Vec<Within>,
    /// Weekly points of the time-to-ITA curve `(day, chance)`, and the horizon.
    pub curve: Vec<(u32, Interval)>,
    /// Cut-off fans of the families that can reach the candidate.
    pub fans: Vec<FanRow>,
    /// Each of the candidate's families: the chance it holds no round within the horizon.
    pub families: Vec<FamilyOutlook>,
    /// The lowest scores with a chance of 50% and 90% within the horizon (same profile).
    pub score_for: (Option<u16>, Option<u16>),
    /// The probed scores: 300 to 600, or 600 to 1200 for a nominee (whose score includes the
    /// nomination's 600 points).
    pub score_range: (u16, u16),
    /// The chance at every score of `score_range` (same profile), within the horizon.
    pub by_score: Vec<(u16, Interval)>,
    /// With `to_landing`: the chance of landing, its weekly curve, and runs by stage.
    pub landing: Option<LandingSummary>,
    /// How forecasts like this one fared: the bin of the scenario's record
    /// ([`crate::forecast::Combination::reliability`]) that holds the chance within the
    /// horizon.
    pub calibration: Option<crate::forecast::ReliabilityBin>,
    /// The tally it was read from.
    #[serde(skip)]
    pub tally: Tally,
}

impl ChanceReport {
    /// Runs the estimate for `request` on `scenario`, telling `progress` after each batch.
    ///
    /// # Errors
    /// [`ErrorKind::ScoreOutOfRange`], [`ErrorKind::UnknownProgram`],
    /// [`ErrorKind::UnknownCategory`], [`ErrorKind::InvalidTimestamp`] for a submission date
    /// whose midnight is outside eesim's time range (9999-12-31), or
    /// [`ErrorKind::InvalidSimulation`] for a request the scenario cannot run.
    ///
    /// # Example
    /// ```
    /// use eesim::report::{ChanceReport, ChanceRequest};
    /// use eesim::scenario::Scenario;
    ///
    /// let scenario = Scenario::default_calibrated()?;
    /// let request = ChanceRequest { crs: 505, runs: 300, ..ChanceRequest::default() };
    /// let report = ChanceReport::run(&scenario, &request, |_| {})?;
    /// assert_eq!(report.to_json()["runs"], 300);
    /// assert!(report.to_text().contains("95% interval"));
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn run(
        scenario: &Scenario,
        request: &ChanceRequest,
        progress: impl FnMut(&Progress),
    ) -> Result<ChanceReport> {
        let score = CrsScore::new(request.crs)?;
        let programs = request.program_set()?;
        let nominee = request.nominee || request.programs.iter().any(|p| p.trim() == "pnp");
        if nominee && request.crs < 600 {
            return Err(ErrorKind::InvalidSimulation {
                what: "provincial nominee",
                expected: "a CRS score of at least 600 (a nomination adds 600 points)".into(),
                found: request.crs.to_string(),
            }
            .into());
        }
        if let Some(date) = request.submitted {
            check_submission(scenario, request.horizon_days, date)?;
        }
        let start = Timestamp::start_of_day(scenario.as_of());
        let submitted = request
            .submitted
            .map_or(Ok(start.plus_days(-30)), Timestamp::from_date)?;
        // Changes of score before the profile is submitted are already in its score then.
        let (mut score, mut changes) = (score, Vec::new());
        for &(date, s) in &request.changes {
            if Timestamp::start_of_day(date) <= submitted.max(start) {
                score = s;
            } else {
                changes.push((date, s));
            }
        }
        let start_score = score;
        let focal = FocalSpec {
            score,
            changes,
            programs,
            nominee,
            categories: request
                .categories
                .iter()
                .map(|c| c.trim().to_string())
                .collect(),
            submitted_at: submitted,
            response: FocalResponse::Apply,
        };
        let model = ScenarioRun::new(scenario, Some(focal), request.horizon_days)?
            .engine(request.engine)
            .to_landing(request.to_landing);
        let eligibility = model.focal_eligibility()?.unwrap_or_default();
        let score_range = if nominee { (600, 1200) } else { (300, 600) };
        let expires = crate::montecarlo::RunModel::profile_validity(&model)
            .after(submitted)
            .date();
        let probes = Probes::new(
            vec![ProbeProfile {
                name: "you".into(),
                eligibility,
                submitted_at: submitted,
            }],
            CrsScore::new(score_range.0)?,
            CrsScore::new(score_range.1)?,
        )?
        .with_validity(crate::montecarlo::RunModel::profile_validity(&model));
        let tally = MonteCarlo::new(request.runs, request.seed)
            .probes(probes)
            .estimate_with_progress(&model, progress);
        let horizon = request.horizon_days;
        let by_month = [1, 3, 6, 12]
            .into_iter()
            .filter_map(|m| {
                let days =
                    (Period::months(m).ok()?.after(start).as_second() - start.as_second()) / 86_400;
                let days = u32::try_from(days).ok()?;
                (days <= horizon).then(|| Within {
                    months: m,
                    days,
                    chance: tally.chance_within(days),
                })
            })
            .collect();
        let weekly = |f: &dyn Fn(u32) -> Interval| -> Vec<(u32, Interval)> {
            (0..=horizon)
                .step_by(7)
                .chain((!horizon.is_multiple_of(7)).then_some(horizon))
                .map(|d| (d, f(d)))
                .collect()
        };
        let mut fans = Vec::new();
        for target in tally
            .targets()
            .into_iter()
            .filter(|t| t.matches(eligibility))
        {
            let family = match target {
                Target::Category(c) => model.categories().name(c).to_string(),
                other => scenario.family_of(other).unwrap_or_else(|| "other".into()),
            };
            for m in tally.cutoff_months(target) {
                if let Some((rounds, q)) =
                    tally.cutoff_quantiles(target, m, &[0.1, 0.25, 0.5, 0.75, 0.9])
                {
                    fans.push(FanRow {
                        family: family.clone(),
                        month: month_label(start, m),
                        rounds,
                        quantiles: [q[0], q[1], q[2], q[3], q[4]],
                    });
                }
            }
        }
        let mut names: Vec<String> = vec!["general".to_string()];
        names.extend(request.programs.iter().cloned());
        if request.nominee {
            names.push("pnp".into());
        }
        names.extend(request.categories.iter().cloned());
        let mut families = Vec::new();
        for name in names {
            let target = match name.as_str() {
                "general" => Target::Programs(crate::draw::ProgramSet::ALL),
                "cec" | "fsw" | "fst" | "pnp" => scenario.target(&name)?,
                category => Target::Category(model.categories().id(category)?),
            };
            if families.iter().any(|f: &FamilyOutlook| f.family == name) {
                continue;
            }
            let comb = scenario.combination();
            families.push(FamilyOutlook {
                no_round: tally.no_round(target),
                guess: scenario.family_pool(&name).and_then(|f| f.guess.clone()),
                combination: comb.and_then(|c| c.describe(&name)),
                simulation_weight: comb
                    .and_then(|c| c.families.get(&name))
                    .map(|w| w.simulation),
                family: name,
            });
        }
        let landing = request.to_landing.then(|| {
            let stages = tally
                .stages()
                .into_iter()
                .map(|(s, n)| (s.name().to_string(), n))
                .collect();
            LandingSummary {
                chance: tally.landing(),
                curve: weekly(&|d| tally.landing_within(d)),
                stages,
            }
        });
        Ok(ChanceReport {
            as_of: scenario.as_of(),
            source: scenario.source().to_string(),
            request: request.clone(),
            submitted: submitted.date(),
            expires,
            nominee,
            crs: start_score.get(),
            chance: tally.chance(),
            by_month,
            curve: weekly(&|d| tally.chance_within(d)),
            fans,
            families,
            score_for: (tally.score_for("you", 0.5), tally.score_for("you", 0.9)),
            score_range,
            by_score: (score_range.0..=score_range.1)
                .filter_map(|s| tally.probe_chance("you", s).map(|i| (s, i)))
                .collect(),
            landing,
            calibration: scenario
                .combination()
                .and_then(|c| c.reliability_at(tally.chance().p))
                .copied(),
            tally,
        })
    }

    /// The report as one JSON object: `p`, `lo`, `hi`, `runs` and `seed` at the top level are
    /// for the horizon; then `by_month`, `curve`, `fans`, `score_for`, `by_score`, and
    /// `landing` (null unless requested).
    #[must_use]
    pub fn to_json(&self) -> Value {
        let r = &self.request;
        json!({
            "p": self.chance.p, "lo": self.chance.lo, "hi": self.chance.hi,
            "runs": self.tally.runs(), "seed": self.tally.seed(),
            "horizon_days": r.horizon_days,
            "as_of": self.as_of.to_string(),
            "source": self.source,
            "candidate": {"crs": self.crs, "programs": r.programs, "categories": r.categories, "nominee": self.nominee, "submitted": self.submitted.to_string(), "expires": self.expires.to_string(),
                "in_pool_from": self.submitted.max(self.as_of).to_string()},
            "by_month": self.by_month.iter().map(|w| json!({"months": w.months, "days": w.days, "p": w.chance.p, "lo": w.chance.lo, "hi": w.chance.hi})).collect::<Vec<_>>(),
            "curve": self.curve.iter().map(|(d, i)| json!({"day": d, "p": i.p, "lo": i.lo, "hi": i.hi})).collect::<Vec<_>>(),
            "fans": self.fans.iter().map(|f| json!({"family": f.family, "month": f.month, "rounds": f.rounds,
                "p10": f.quantiles[0], "p25": f.quantiles[1], "p50": f.quantiles[2], "p75": f.quantiles[3], "p90": f.quantiles[4]})).collect::<Vec<_>>(),
            "families": self.families.iter().map(|f| json!({"family": f.family,
                "p_no_round": f.no_round.p, "no_round_lo": f.no_round.lo, "no_round_hi": f.no_round.hi,
                "guess": f.guess, "simulation_weight": f.simulation_weight,
                "combination": f.combination})).collect::<Vec<_>>(),
            "score_for": {"p50": self.score_for.0, "p90": self.score_for.1},
            "by_score": self.by_score.iter().map(|(s, i)| json!({"crs": s, "p": i.p, "lo": i.lo, "hi": i.hi})).collect::<Vec<_>>(),
            "landing": self.landing.as_ref().map(|l| json!({
                "p": l.chance.p, "lo": l.chance.lo, "hi": l.chance.hi,
                "curve": l.curve.iter().map(|(d, i)| json!({"day": d, "p": i.p, "lo": i.lo, "hi": i.hi})).collect::<Vec<_>>(),
                "stages": l.stages.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
            })),
            "calibration": self.calibration,
        })
    }

    /// The report as text for people.
    #[must_use]
    pub fn to_text(&self) -> String {
        let r = &self.request;
        let pct = |i: &Interval| {
            format!(
                "{:>6.1}%    [{:.1}%, {:.1}%]",
                100.0 * i.p,
                100.0 * i.lo,
                100.0 * i.hi
            )
        };
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Chance of an Express Entry invitation, scenario as of {}",
            self.as_of
        );
        let _ = writeln!(s, "  {}", self.source);
        let cats = if r.categories.is_empty() {
            "none".to_string()
        } else {
            r.categories.join(", ")
        };
        let programs: Vec<&str> = r
            .programs
            .iter()
            .map(|p| p.trim())
            .filter(|p| *p != "pnp")
            .collect();
        let programs = if programs.is_empty() {
            "none".to_string()
        } else {
            programs.join(", ")
        };
        let _ = writeln!(
            s,
            "Candidate: CRS {}{}, programs {programs}, categories {cats}, submitted {} (expires {})",
            self.crs,
            if self.nominee {
                " (provincial nominee)"
            } else {
                ""
            },
            self.submitted,
            self.expires
        );
        if self.submitted > self.as_of {
            let _ = writeln!(
                s,
                "  (enters the pool on {}, {} days after the start: no chance before then)",
                self.submitted,
                (self.submitted - self.as_of).get_days()
            );
        }
        let _ = writeln!(
            s,
            "{} simulated futures (seed {}), horizon {} days\n",
            self.tally.runs(),
            self.tally.seed(),
            r.horizon_days
        );
        let _ = writeln!(s, "  within      chance    95% interval");
        for w in &self.by_month {
            let _ = writeln!(
                s,
                "  {:>2} month{} {}",
                w.months,
                if w.months == 1 { " " } else { "s" },
                pct(&w.chance)
            );
        }
        let _ = writeln!(s, "  {:>3} days  {}", r.horizon_days, pct(&self.chance));
        if let Some(LandingSummary {
            chance: l, stages, ..
        }) = &self.landing
        {
            let _ = writeln!(
                s,
                "\n  your profile, submitted {}, expires {}: an invitation must come by then",
                self.submitted, self.expires
            );
            let _ = writeln!(
                s,
                "  landed as a permanent resident within {} days: {}",
                r.horizon_days,
                pct(l).trim_start()
            );
            let runs = self.tally.runs().max(1) as f64;
            let list: Vec<String> = stages
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(n, k)| format!("{} {:.1}%", n.replace('_', " "), 100.0 * *k as f64 / runs))
                .collect();
            let _ = writeln!(s, "  where you stand at the horizon: {}", list.join(", "));
        }
        if self.fans.is_empty() {
            let _ = writeln!(
                s,
                "\nNo round in this scenario reaches a candidate with programs {programs}, categories {cats}{} within {} days: the chance is nil at any score.",
                if self.nominee { ", nominee" } else { "" },
                r.horizon_days
            );
            s.push_str(NOTE);
            return s;
        }
        let _ = writeln!(
            s,
            "\nChance that a family of yours holds no round within {} days:",
            r.horizon_days
        );
        for f in &self.families {
            let _ = writeln!(s, "  {:<16} {}", f.family, pct(&f.no_round).trim_start());
            if let Some(g) = &f.guess {
                let _ = writeln!(s, "  {:<16} ({g})", "");
            }
            if let Some(c) = &f.combination {
                let _ = writeln!(s, "  {:<16} cut-offs: {c}", "");
            }
        }
        let _ = writeln!(
            s,
            "\nSimulated cut-offs of the rounds that can reach you (10% / 50% / 90% of rounds):"
        );
        let _ = writeln!(s, "  family        month     rounds   p10   p50   p90");
        for f in &self.fans {
            let _ = writeln!(
                s,
                "  {:<12}  {}  {:>7}  {:>4}  {:>4}  {:>4}",
                f.family, f.month, f.rounds, f.quantiles[0], f.quantiles[2], f.quantiles[4]
            );
        }
        let top = self.score_range.1;
        let show = |x: Option<u16>| x.map_or_else(|| format!("above {top}"), |v| v.to_string());
        let _ = writeln!(
            s,
            "\nScore giving this profile a chance within {} days of 50%: {}; of 90%: {}",
            r.horizon_days,
            show(self.score_for.0),
            show(self.score_for.1)
        );
        if let Some(b) = &self.calibration {
            let _ = writeln!(
                s,
                "How forecasts like this one fared: in the past year's record (a family's round at or below a\nscore within 90 days, every family and score), {}.",
                b.describe()
            );
        }
        s.push_str(NOTE);
        s
    }
}

/// Checks that a profile submitted on `date` can be followed over the horizon: still valid
/// at the scenario's start, and submitted no later than the horizon's end (a date after the
/// start means the candidate enters the pool then).
fn check_submission(scenario: &Scenario, horizon_days: u32, date: Date) -> Result<()> {
    let start = Timestamp::start_of_day(scenario.as_of());
    let validity = Period::months(scenario.validity_months)?;
    let earliest = validity.latest_start_ended_by(start).date().tomorrow().ok();
    let end = scenario
        .as_of()
        .checked_add(jiff::Span::new().days(i64::from(horizon_days)))
        .ok();
    let too_early = earliest.is_none_or(|e| date < e);
    let too_late = end.is_none_or(|e| date > e);
    if too_early || too_late {
        let show = |d: Option<Date>| d.map_or_else(|| "-".to_string(), |d| d.to_string());
        return Err(ErrorKind::InvalidSimulation {
            what: "submission",
            expected: format!(
                "a date from {} (a profile stays {validity} in the pool, and the scenario starts on {}) to {} (the horizon's end, {horizon_days} days on)",
                show(earliest),
                scenario.as_of(),
                show(end)
            ),
            found: match Timestamp::from_date(date) {
                Ok(_) => date.to_string(),
                Err(_) => format!("{date}, after 9999-12-30, the last day eesim can represent"),
            },
        }
        .into());
    }
    Ok(())
}

/// What the chance report's figures are, at its end.
const NOTE: &str =
    "(Each figure is the share of simulated futures; the interval is the Monte Carlo uncertainty of
that share, not of the model's assumptions: see the scenario file for those.)
";

/// `YYYY-MM` of month `month` after the start's month.
fn month_label(start: Timestamp, month: u32) -> String {
    let d = start.date();
    let total = i64::from(d.year()) * 12 + i64::from(d.month()) - 1 + i64::from(month);
    format!("{:04}-{:02}", total / 12, total % 12 + 1)
}

/// One improvement's effect on the chance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIfRow {
    /// The improvement.
    pub improvement: String,
    /// The score it gives.
    pub crs: u16,
    /// The chance with it.
    pub chance: Interval,
    /// The change against the current profile, with its paired 95% interval.
    pub gain: crate::montecarlo::Difference,
}

/// What each improvement a candidate can act on would do to the chance, on the same runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIfReport {
    /// The scenario's start.
    pub as_of: Date,
    /// The submission date used (after `as_of` when the candidate enters the pool later).
    pub submitted: Date,
    /// The current score.
    pub crs: u16,
    /// The current chance.
    pub chance: Interval,
    /// Days ahead.
    pub horizon_days: u32,
    /// Runs and seed.
    pub runs: u64,
    /// The master seed.
    pub seed: u64,
    /// The improvements, largest gain first.
    pub rows: Vec<WhatIfRow>,
}

impl WhatIfReport {
    /// Scores every [`crate::crs::improvements`] of `profile` and estimates each one's chance
    /// on the same runs as the current profile (common random numbers). The programs and
    /// categories come from `request`; French at NCLC 7 in every ability adds the French
    /// category, a nomination makes the candidate a nominee.
    ///
    /// The profile and its improvements are scored on the profile's `assessed_on`, as
    /// [`crate::crs::Profile::breakdown`] scores it; a birthday during the horizon is not
    /// followed here (each is judged at a fixed score), which `ChanceReport` with a score path
    /// does.
    ///
    /// # Errors
    /// As [`ChanceReport::run`] (including a submission outside the profile validity), and
    /// for a profile the CRS rules cannot score.
    pub fn run(
        scenario: &Scenario,
        profile: &crate::crs::Profile,
        request: &ChanceRequest,
    ) -> Result<WhatIfReport> {
        Self::run_with_progress(scenario, profile, request, |_| {})
    }

    /// [`WhatIfReport::run`], calling `progress` with the runs done after each batch.
    ///
    /// # Errors
    /// As [`WhatIfReport::run`].
    pub fn run_with_progress(
        scenario: &Scenario,
        profile: &crate::crs::Profile,
        request: &ChanceRequest,
        progress: impl FnMut(u64),
    ) -> Result<WhatIfReport> {
        use crate::montecarlo::Point;
        if let Some(date) = request.submitted {
            check_submission(scenario, request.horizon_days, date)?;
        }
        let model = ScenarioRun::new(scenario, None, request.horizon_days)?;
        let start = Timestamp::start_of_day(scenario.as_of());
        let submitted = request
            .submitted
            .map_or(Ok(start.plus_days(-30)), Timestamp::from_date)?;
        let validity = crate::montecarlo::RunModel::profile_validity(&model);
        if validity.after(submitted) <= start {
            return Err(ErrorKind::InvalidSimulation {
                what: "submission",
                expected: format!("within {validity} before the start {start}"),
                found: submitted.to_string(),
            }
            .into());
        }
        let programs = request.program_set()?;
        let mut base = Program::ALL
            .into_iter()
            .filter(|p| programs.contains(*p))
            .fold(crate::Eligibility::none(), crate::Eligibility::with_program);
        if request.nominee || request.programs.iter().any(|p| p.trim() == "pnp") {
            base = base.with_nomination();
        }
        for c in &request.categories {
            base = base.with_category(model.categories().id(c.trim())?);
        }
        let french = model.categories().id("french")?;
        let eligibility_of = |p: &crate::crs::Profile| {
            let mut e = base;
            if crate::crs::qualifies_for_french(p) {
                e = e.with_category(french);
            }
            if p.provincial_nomination {
                e = e.with_nomination();
            }
            e
        };
        let crs = profile.breakdown()?.total;
        let current = Point {
            eligibility: eligibility_of(profile),
            score: crs,
        };
        // Improvements that change neither the score nor the eligibility are left out.
        let mut options = Vec::new();
        let mut variants = Vec::new();
        for o in crate::crs::improvements(profile)? {
            let point = Point {
                eligibility: eligibility_of(&o.profile),
                score: o.profile.breakdown()?.total,
            };
            if point != current {
                options.push(o);
                variants.push(point);
            }
        }
        let counts = MonteCarlo::new(request.runs, request.seed).compare_with_progress(
            &model,
            submitted,
            current,
            &variants,
            request.horizon_days,
            progress,
        );
        let mut rows: Vec<WhatIfRow> = counts
            .iter()
            .zip(&options)
            .zip(&variants)
            .map(|((c, o), v)| WhatIfRow {
                improvement: o.label.clone(),
                crs: v.score.get(),
                chance: c.variant_chance(),
                gain: c.difference(),
            })
            .collect();
        rows.sort_by(|a, b| b.gain.d.total_cmp(&a.gain.d));
        let chance = counts
            .first()
            .map_or(Interval::wilson(0, 0), |c| c.base_chance());
        Ok(WhatIfReport {
            as_of: scenario.as_of(),
            submitted: submitted.date(),
            crs: crs.get(),
            chance,
            horizon_days: request.horizon_days,
            runs: request.runs,
            seed: request.seed,
            rows,
        })
    }

    /// The report as JSON: `crs`, `p`, `lo`, `hi`, `runs`, `seed`, and `improvements` (each
    /// with `improvement`, `crs`, `p`, `lo`, `hi`, `gain`, `gain_lo`, `gain_hi`).
    #[must_use]
    pub fn to_json(&self) -> Value {
        json!({
            "crs": self.crs, "p": self.chance.p, "lo": self.chance.lo, "hi": self.chance.hi,
            "runs": self.runs, "seed": self.seed, "horizon_days": self.horizon_days, "as_of": self.as_of.to_string(),
            "submitted": self.submitted.to_string(),
            "improvements": self.rows.iter().map(|r| json!({"improvement": r.improvement, "crs": r.crs,
                "p": r.chance.p, "lo": r.chance.lo, "hi": r.chance.hi,
                "gain": r.gain.d, "gain_lo": r.gain.lo, "gain_hi": r.gain.hi})).collect::<Vec<_>>(),
        })
    }

    /// The report as a table for people.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "What would change your chance of an invitation within {} days (scenario as of {})",
            self.horizon_days, self.as_of
        );
        let c = self.chance;
        let _ = writeln!(
            s,
            "Now: CRS {}, chance {:.1}% [{:.1}%, {:.1}%] ({} runs, seed {})\n",
            self.crs,
            100.0 * c.p,
            100.0 * c.lo,
            100.0 * c.hi,
            self.runs,
            self.seed
        );
        if self.submitted > self.as_of {
            let _ = writeln!(
                s,
                "(submitted {}: the candidate enters the pool then, {} days after the start)\n",
                self.submitted,
                (self.submitted - self.as_of).get_days()
            );
        }
        let _ = writeln!(
            s,
            "  {:<44} {:>5} {:>8}  {:>8}   95% interval",
            "improvement", "CRS", "chance", "change"
        );
        for r in &self.rows {
            let _ = writeln!(
                s,
                "  {:<44} {:>5} {:>7.1}%  {:>+7.1}%   [{:+.1}%, {:+.1}%]",
                r.improvement,
                r.crs,
                100.0 * r.chance.p,
                100.0 * r.gain.d,
                100.0 * r.gain.lo,
                100.0 * r.gain.hi
            );
        }
        let _ = writeln!(
            s,
            "\n(Changes are paired: both chances come from the same simulated futures.)"
        );
        s
    }
}
