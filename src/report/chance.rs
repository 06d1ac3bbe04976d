//! The chance report: one estimate for one candidate, as figures, text and JSON.

use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use super::ChanceRequest;
use crate::candidate::{Program, ProgramSet};
use crate::error::Result;
use crate::family::Family;
use crate::montecarlo::{Interval, MonteCarlo, ProbeProfile, Probes, Progress, Tally};
use crate::scenario::{Scenario, ScenarioRun};
use crate::score::CrsScore;
use crate::time::Timestamp;

/// A chance with its month count and days.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Within {
    /// Calendar months from today.
    pub months: u32,
    /// The same in days.
    pub days: u32,
    /// The window's last day.
    pub until: Date,
    /// The chance.
    pub chance: Interval,
}

/// The cut-offs of one family's rounds in one month of the runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FanRow {
    /// The family.
    pub family: Family,
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
    pub family: Family,
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
/// the ITA; like the chance of an invitation, a share of the runs with no invitation before
/// today.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LandingSummary {
    /// Landed within the horizon from today.
    pub chance: Interval,
    /// Weekly points `(days from today, chance)` and the horizon.
    pub curve: Vec<(u32, Interval)>,
    /// Runs with no invitation before today, by stage at the horizon.
    pub stages: Vec<(String, u64)>,
}

/// Everything one estimate says about one candidate.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChanceReport {
    /// The scenario's start: the date of its data.
    pub as_of: Date,
    /// The day the candidate asks on: every window starts then.
    pub today: Date,
    /// How many runs have no invitation before today: the chances are shares of these.
    pub conditioned_runs: u64,
    /// What the reader should know about the data and the scenario, a sentence each.
    pub warnings: Vec<String>,
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
    /// The chance of a first invitation within the horizon from today, given none before.
    pub chance: Interval,
    /// Within 1, 3, 6, 12 months from today (those inside the horizon).
    pub by_month: Vec<Within>,
    /// Weekly points of the time-to-ITA curve `(days from today, chance)`, and the horizon.
    pub curve: Vec<(u32, Interval)>,
    /// Cut-off fans of the families that can reach the candidate, by month from today's.
    pub fans: Vec<FanRow>,
    /// Each of the candidate's families: the chance it holds no round within the horizon.
    pub families: Vec<FamilyOutlook>,
    /// The lowest scores with a chance of 50% and 90% within the horizon from today (same
    /// profile, that score from today on, among the runs with no invitation before today).
    pub score_for: (Option<u16>, Option<u16>),
    /// The probed scores: 300 to 600, or 600 to 1200 for a nominee (whose score includes the
    /// nomination's 600 points).
    pub score_range: (u16, u16),
    /// The chance at every score of `score_range` (same profile, that score from today on),
    /// within the horizon from today.
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
    /// [`crate::ErrorKind::UnknownCategory`], [`crate::ErrorKind::InvalidTimestamp`] for a
    /// submission date whose midnight is outside eesim's time range (9999-12-31), or
    /// [`crate::ErrorKind::InvalidSimulation`] for a request the scenario cannot run.
    ///
    /// # Example
    /// ```
    /// use eesim::report::{ChanceReport, ChanceRequest};
    /// use eesim::scenario::Scenario;
    ///
    /// let scenario = Scenario::default_calibrated()?;
    /// let request = ChanceRequest { runs: 300, ..ChanceRequest::new(eesim::CrsScore::new(505)?) };
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
        let mc =
            MonteCarlo::new(request.runs, request.seed).read_from_day(request.lead_days(scenario));
        ChanceReport::build(scenario, request, |model, probes| {
            Ok(mc.probes(probes).estimate_with_progress(model, progress))
        })
    }

    /// The tally of the runs with indices in `runs` only, for `request` on `scenario`: one
    /// shard ([`crate::montecarlo::Shard`]) of the estimate [`ChanceReport::run`] makes. The
    /// tallies of shards that cover `0..request.runs` merge ([`Tally::merge`]) into the
    /// tally of the whole estimate, bit for bit, and [`ChanceReport::from_tally`] reads the
    /// report from it.
    ///
    /// # Errors
    /// As [`ChanceReport::run`], or [`crate::ErrorKind::InvalidSimulation`] when `runs` is
    /// not within `0..request.runs`.
    ///
    /// # Example
    /// ```
    /// use eesim::montecarlo::Shard;
    /// use eesim::report::{ChanceReport, ChanceRequest};
    /// use eesim::scenario::Scenario;
    ///
    /// let scenario = Scenario::default_calibrated()?;
    /// let request = ChanceRequest { runs: 200, ..ChanceRequest::new(eesim::CrsScore::new(505)?) };
    /// let mut shards = Shard::all(3)?.map(|s| ChanceReport::tally_runs(&scenario, &request, s.runs(200)));
    /// let mut tally = shards.next().unwrap()?;
    /// for t in shards {
    ///     tally.merge(&t?)?;
    /// }
    /// let merged = ChanceReport::from_tally(&scenario, &request, tally)?;
    /// let whole = ChanceReport::run(&scenario, &request, |_| {})?;
    /// assert_eq!(merged.to_json(), whole.to_json());
    /// # Ok::<(), eesim::Error>(())
    /// ```
    pub fn tally_runs(
        scenario: &Scenario,
        request: &ChanceRequest,
        runs: std::ops::Range<u64>,
    ) -> Result<Tally> {
        within_runs(&runs, request.runs)?;
        let mc =
            MonteCarlo::new(request.runs, request.seed).read_from_day(request.lead_days(scenario));
        let report = ChanceReport::build(scenario, request, |model, probes| {
            Ok(mc.probes(probes).tally_runs(model, runs))
        })?;
        Ok(report.tally)
    }

    /// The report of `request` on `scenario` read from `tally`, the merged tally of all its
    /// runs: the same report, bit for bit, as [`ChanceReport::run`] gives.
    ///
    /// # Errors
    /// As [`ChanceReport::run`], or [`crate::ErrorKind::InvalidSimulation`] when the tally is
    /// not one of this request on this scenario (another seed, start, horizon, score range,
    /// or another number of runs).
    pub fn from_tally(
        scenario: &Scenario,
        request: &ChanceRequest,
        tally: Tally,
    ) -> Result<ChanceReport> {
        ChanceReport::build(scenario, request, |model, probes| {
            // An empty tally of this request has the layout the given one must have.
            let mut whole = MonteCarlo::new(0, request.seed)
                .read_from_day(request.lead_days(scenario))
                .probes(probes)
                .tally_runs(model, 0..0);
            whole.merge(&tally)?;
            if whole.runs() != request.runs {
                return Err(crate::error::invalid_simulation(
                    "tally",
                    format!("the tally of all {} runs of the request", request.runs),
                    format!("a tally of {} runs", whole.runs()),
                ));
            }
            Ok(whole)
        })
    }

    /// The report of `request` on `scenario` read from the tally `tally_of` makes on the
    /// request's model and probes.
    fn build(
        scenario: &Scenario,
        request: &ChanceRequest,
        tally_of: impl FnOnce(&ScenarioRun<'_>, Probes) -> Result<Tally>,
    ) -> Result<ChanceReport> {
        let focal = request.focal(scenario)?;
        let (submitted, start_score) = (focal.submitted_at, focal.score);
        let nominee = request.membership.nominee();
        let start = Timestamp::start_of_day(scenario.as_of());
        let today = request.today.unwrap_or(scenario.as_of());
        // The runs start at the data's date and go on to today plus the horizon; every
        // figure is read from today on, among the runs with no invitation before today.
        let lead = u32::try_from((today - scenario.as_of()).get_days().max(0)).unwrap_or(0);
        let horizon = request.horizon_days;
        let model = ScenarioRun::new(scenario, Some(focal), lead.saturating_add(horizon))?
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
        let tally = tally_of(&model, probes)?;
        let from_today = |days: u32| tally.chance_between(lead, lead.saturating_add(days));
        // The month windows of the horizon (`windows` ends with the horizon's own).
        let by_month = request
            .windows(scenario, &[1, 3, 6, 12])?
            .into_iter()
            .filter_map(|w| {
                Some(Within {
                    months: w.months?,
                    days: w.days,
                    until: w.until,
                    chance: from_today(w.days).0,
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
        // The fans start with today's month: the months before it are past for the reader.
        let month_index = |d: Date| i64::from(d.year()) * 12 + i64::from(d.month());
        let first_month =
            u32::try_from(month_index(today) - month_index(scenario.as_of())).unwrap_or(0);
        let mut fans = Vec::new();
        for target in tally
            .targets()
            .into_iter()
            .filter(|t| t.matches(eligibility))
        {
            let family = Family::of_target(target, model.categories()).unwrap_or(Family::OTHER);
            for m in tally
                .cutoff_months(target)
                .into_iter()
                .filter(|m| *m >= first_month)
            {
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
        let mut families = Vec::new();
        for family in request.membership.families() {
            let comb = scenario.combination();
            families.push(FamilyOutlook {
                no_round: tally.no_round(family.target(model.categories())?),
                guess: scenario.family_pool(&family).and_then(|f| f.guess.clone()),
                combination: comb.and_then(|c| c.describe(&family)),
                simulation_weight: comb
                    .and_then(|c| c.families.get(&family))
                    .map(|w| w.simulation),
                family,
            });
        }
        for family in &request.dormant {
            families.push(FamilyOutlook {
                family: family.clone(),
                no_round: Interval::wilson(tally.runs(), tally.runs()),
                guess: Some(super::dormant_assumption(family, scenario.as_of())),
                combination: None,
                simulation_weight: None,
            });
        }
        let (chance, conditioned_runs) = from_today(horizon);
        let by_score: Vec<(u16, Interval)> = (score_range.0..=score_range.1)
            .filter_map(|s| {
                tally
                    .probe_chance_between("you", s, lead, lead.saturating_add(horizon))
                    .map(|i| (s, i))
            })
            .collect();
        let score_for = |p: f64| by_score.iter().find(|(_, i)| i.p >= p).map(|(s, _)| *s);
        let warnings = warnings(
            scenario,
            today,
            request,
            &families,
            conditioned_runs,
            tally.runs(),
        );
        let landing = request.to_landing.then(|| {
            let stages = tally
                .stages()
                .into_iter()
                .map(|(s, n)| (s.name().to_string(), n))
                .collect();
            LandingSummary {
                chance: tally.landing(),
                curve: weekly(&|d| tally.landing_within(lead.saturating_add(d))),
                stages,
            }
        });
        Ok(ChanceReport {
            as_of: scenario.as_of(),
            today,
            conditioned_runs,
            warnings,
            source: scenario.source().to_string(),
            request: request.clone(),
            submitted: submitted.date(),
            expires,
            nominee,
            crs: start_score.get(),
            chance,
            by_month,
            curve: weekly(&|d| from_today(d).0),
            fans,
            families,
            score_for: (score_for(0.5), score_for(0.9)),
            score_range,
            by_score,
            landing,
            calibration: scenario
                .combination()
                .and_then(|c| c.reliability_at(chance.p))
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
            "today": self.today.to_string(), "warnings": self.warnings,
            "conditioned_runs": self.conditioned_runs,
            "runs": self.tally.runs(), "seed": self.tally.seed(),
            "horizon_days": r.horizon_days,
            "as_of": self.as_of.to_string(),
            "source": self.source,
            "candidate": {"crs": self.crs, "programs": program_names(r.membership.programs()), "categories": r.membership.categories(), "dormant_categories": r.dormant, "nominee": self.nominee, "submitted": self.submitted.to_string(), "expires": self.expires.to_string(),
                "in_pool_from": self.submitted.max(self.as_of).to_string()},
            "by_month": self.by_month.iter().map(|w| json!({"months": w.months, "days": w.days, "until": w.until.to_string(), "p": w.chance.p, "lo": w.chance.lo, "hi": w.chance.hi})).collect::<Vec<_>>(),
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
        let names = |v: Vec<String>| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        let cats = names(
            r.membership
                .categories()
                .iter()
                .map(Family::to_string)
                .chain(
                    r.dormant
                        .iter()
                        .map(|f| format!("{f} (no round in the data)")),
                )
                .collect(),
        );
        let programs = names(program_names(r.membership.programs()));
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
        if self.today != self.as_of {
            let _ = writeln!(
                s,
                "From today, {}: {} of the {} futures have no invitation before today; the chances are shares of those\n",
                self.today,
                self.conditioned_runs,
                self.tally.runs()
            );
        }
        let _ = writeln!(s, "  within      until          chance    95% interval");
        for w in &self.by_month {
            let _ = writeln!(
                s,
                "  {:>2} month{} {}  {}",
                w.months,
                if w.months == 1 { " " } else { "s" },
                w.until,
                pct(&w.chance)
            );
        }
        let end = self
            .today
            .checked_add(jiff::Span::new().days(i64::from(r.horizon_days)))
            .unwrap_or(self.today);
        let _ = writeln!(
            s,
            "  {:>3} days  {end}  {}",
            r.horizon_days,
            pct(&self.chance)
        );
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
            let runs = self.tally.conditioned_runs().max(1) as f64;
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
            "\nChance that a family of yours holds no round within {} days from today:",
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
            "\nScore giving this profile, from today, a chance within {} days of 50%: {}; of 90%: {}",
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

/// Checks that the run indices `runs` are among the `total` runs of a request.
pub(crate) fn within_runs(runs: &std::ops::Range<u64>, total: u64) -> Result<()> {
    if runs.start > runs.end || runs.end > total {
        return Err(crate::error::invalid_simulation(
            "runs",
            format!("run indices within 0..{total}, the request's runs"),
            format!("{}..{}", runs.start, runs.end),
        ));
    }
    Ok(())
}

/// A family silent this many days, and over twice its longest gap, gets a warning.
const SILENT_DAYS: i64 = 60;

/// Data older than this many days before today gets a warning.
pub const STALE_DAYS: i32 = 21;

/// What the reader of an estimate should know, a sentence each: data older than
/// [`STALE_DAYS`] (or dated after today), a family of the candidate silent far longer than
/// its usual gaps or holding no round in any run, and a condition on today that kept few runs.
fn warnings(
    scenario: &Scenario,
    today: Date,
    request: &ChanceRequest,
    families: &[FamilyOutlook],
    conditioned: u64,
    runs: u64,
) -> Vec<String> {
    let mut out = age_warnings(scenario, today);
    out.extend(plan_warnings(scenario, request, &request.membership));
    for f in families
        .iter()
        .filter(|f| !request.dormant.contains(&f.family))
    {
        if f.no_round.successes == f.no_round.trials && f.no_round.trials > 0 {
            if f.family != Family::GENERAL || request.membership.programs() == ProgramSet::EMPTY {
                out.push(format!(
                    "the {} family holds no round in any simulated future: the scenario plans none for it (no round in the calibration window, or silent for over a year)",
                    f.family
                ));
            }
            continue;
        }
        if let Some(crate::forecast::DrawPlan::Resample {
            last, gaps_days, ..
        }) = scenario.plan(&f.family)
            && let Some(longest) = gaps_days.iter().max()
        {
            let silent = (today - *last).get_days();
            if i64::from(silent) > (2 * i64::from(*longest)).max(SILENT_DAYS) {
                out.push(format!(
                    "the {} family has held no round since {last}, {silent} days, over twice its longest gap of {longest} days: it may have paused",
                    f.family
                ));
            }
        }
    }
    out.extend(few_runs_warning(scenario, today, conditioned, runs));
    out
}

/// The assumption made for each dormant category of `request`, and why a family of
/// `membership` can hold no round in the runs (its plan), a sentence each.
pub(crate) fn plan_warnings(
    scenario: &Scenario,
    request: &ChanceRequest,
    membership: &crate::family::Membership,
) -> Vec<String> {
    let mut out: Vec<String> = request
        .dormant
        .iter()
        .map(|family| super::dormant_assumption(family, scenario.as_of()))
        .collect();
    let days = request
        .lead_days(scenario)
        .saturating_add(request.horizon_days);
    for (family, why) in scenario.plan_warnings(days) {
        if membership.is_in(&family) {
            out.push(format!("the {family} family's rounds: {why}"));
        }
    }
    out
}

/// The warning on the data's date against today: older than [`STALE_DAYS`], or after today.
pub(crate) fn age_warnings(scenario: &Scenario, today: Date) -> Vec<String> {
    let as_of = scenario.as_of();
    let age = (today - as_of).get_days();
    if age > STALE_DAYS {
        vec![format!(
            "the data is of {as_of}, {age} days before today ({today}): the runs carry the model over those days without data, and the chance is read among the runs with no invitation before today; `eesim fetch` gets IRCC's newest rounds"
        )]
    } else if age < 0 {
        vec![format!(
            "the data is of {as_of}, {} days after today ({today}): the windows start on {as_of}, not today",
            -age
        )]
    } else {
        Vec::new()
    }
}

/// The warning when the condition on today kept under a tenth of the runs.
pub(crate) fn few_runs_warning(
    scenario: &Scenario,
    today: Date,
    conditioned: u64,
    runs: u64,
) -> Option<String> {
    let age = (today - scenario.as_of()).get_days();
    (age > 0 && runs > 0 && conditioned * 10 < runs).then(|| format!(
        "only {conditioned} of {runs} simulated futures have no invitation before today: the data is too old to say much about your chance from today; `eesim fetch` gets IRCC's newest rounds"
    ))
}

/// What the chance report's figures are, at its end.
const NOTE: &str =
    "(Each figure is the share of simulated futures; the interval is the Monte Carlo uncertainty of
that share, not of the model's assumptions: see the scenario file for those.)
";

/// The names of the programs in `set`, in eesim's order.
pub(crate) fn program_names(set: ProgramSet) -> Vec<String> {
    Program::ALL
        .into_iter()
        .filter(|p| set.contains(*p))
        .map(|p| p.name().to_string())
        .collect()
}

/// `YYYY-MM` of month `month` after the start's month.
fn month_label(start: Timestamp, month: u32) -> String {
    let d = start.date();
    let total = i64::from(d.year()) * 12 + i64::from(d.month()) - 1 + i64::from(month);
    format!("{:04}-{:02}", total / 12, total % 12 + 1)
}
