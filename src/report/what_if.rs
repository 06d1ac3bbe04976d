//! What-if: what each improvement a candidate can act on would do to the chance.

use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use super::ChanceRequest;
use super::Window;
use crate::error::{ErrorKind, Result};
use crate::montecarlo::{Difference, Interval, MonteCarlo, PairedCounts, Windows};
use crate::scenario::{Scenario, ScenarioRun};
use crate::time::Timestamp;

/// One improvement's effect on the chance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIfRow {
    /// The improvement.
    pub improvement: String,
    /// The score it gives.
    pub crs: u16,
    /// The chance with it within the horizon.
    pub chance: Interval,
    /// The change against the current profile within the horizon, with its paired 95%
    /// interval.
    pub gain: Difference,
    /// The chance and the change within each window of [`WhatIfReport::windows`].
    pub by_window: Vec<(Interval, Difference)>,
}

/// What each improvement a candidate can act on would do to the chance, on the same runs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WhatIfReport {
    /// The scenario's start.
    pub as_of: Date,
    /// The day the candidate asks on: every window starts then.
    pub today: Date,
    /// The submission date used (after `as_of` when the candidate enters the pool later).
    pub submitted: Date,
    /// The programs simulated.
    pub programs: Vec<String>,
    /// The categories simulated (the profile's French included).
    pub categories: Vec<String>,
    /// A provincial nominee.
    pub nominee: bool,
    /// The current score.
    pub crs: u16,
    /// The current chance within the horizon.
    pub chance: Interval,
    /// The windows from today the gains are read in: 3 and 6 months (those inside the
    /// horizon), then the horizon.
    pub windows: Vec<Window>,
    /// The current chance in each window.
    pub chance_by_window: Vec<Interval>,
    /// The runs with no invitation of the current profile before today: the chances are
    /// shares of these.
    pub conditioned_runs: u64,
    /// Days ahead from today.
    pub horizon_days: u32,
    /// Runs and seed.
    pub runs: u64,
    /// The master seed.
    pub seed: u64,
    /// The improvements, largest gain within the horizon first.
    pub rows: Vec<WhatIfRow>,
    /// What the reader should know about the data, a sentence each.
    pub warnings: Vec<String>,
}

impl WhatIfReport {
    /// Scores every [`crate::crs::improvements`] of `profile` and estimates each one's chance
    /// on the same runs as the current profile (common random numbers). The programs and
    /// categories come from `request`; French at NCLC 7 in every ability adds the French
    /// category, a nomination makes the candidate a nominee.
    ///
    /// As [`super::ChanceReport`] does, the runs start at the data's date and every window
    /// starts on the request's `today`: the chances are shares of the runs with no
    /// invitation of the current profile before today, and an improvement counts from today
    /// on (it cannot reach an earlier round).
    ///
    /// The profile and its improvements are scored on the profile's `assessed_on`, as
    /// [`crate::crs::Profile::breakdown`] scores it; a birthday during the horizon is not
    /// followed here (each is judged at a fixed score), which `ChanceReport` with a score path
    /// does.
    ///
    /// # Errors
    /// As [`super::ChanceReport::run`] (including a submission outside the profile validity), and
    /// for a profile the CRS rules cannot score.
    pub fn run(
        scenario: &Scenario,
        profile: &crate::crs::Profile,
        request: &ChanceRequest,
    ) -> Result<WhatIfReport> {
        Self::run_with_progress(scenario, profile, request, |_| {})
    }

    /// [`WhatIfReport::run`], calling `progress` after each batch of runs.
    ///
    /// # Errors
    /// As [`WhatIfReport::run`].
    pub fn run_with_progress(
        scenario: &Scenario,
        profile: &crate::crs::Profile,
        request: &ChanceRequest,
        progress: impl FnMut(&crate::montecarlo::Progress),
    ) -> Result<WhatIfReport> {
        use crate::montecarlo::Point;
        let submitted = request.submitted_at(scenario)?;
        let today = request.today_on(scenario);
        let lead = request.lead_days(scenario);
        let model = ScenarioRun::new(scenario, None, lead.saturating_add(request.horizon_days))?;
        let validity = crate::montecarlo::RunModel::profile_validity(&model);
        let asked = Timestamp::start_of_day(today).max(crate::montecarlo::RunModel::start(&model));
        if validity.after(submitted) <= asked {
            return Err(ErrorKind::InvalidSimulation {
                what: "submission",
                expected: format!(
                    "a profile still in the pool on {} (it stays {validity})",
                    asked.date()
                ),
                found: format!(
                    "submitted {}, expired {}",
                    submitted.date(),
                    validity.after(submitted).date()
                ),
            }
            .into());
        }
        let membership = profile.membership(request.membership.clone());
        let eligibility_of = |p: &crate::crs::Profile| {
            p.membership(request.membership.clone())
                .eligibility(model.categories())
        };
        let crs = profile.breakdown()?.total;
        if membership.nominee() && crs.get() < 600 {
            return Err(ErrorKind::InvalidSimulation {
                what: "provincial nominee",
                expected: "a profile with a provincial nomination, or a CRS score of at least 600 (a nomination adds 600 points)".into(),
                found: crs.to_string(),
            }
            .into());
        }
        let current = Point {
            eligibility: eligibility_of(profile)?,
            score: crs,
        };
        // Improvements that change neither the score nor the eligibility are left out.
        let mut options = Vec::new();
        let mut variants = vec![current];
        for o in crate::crs::improvements(profile)? {
            let point = Point {
                eligibility: eligibility_of(&o.profile)?,
                score: o.profile.breakdown()?.total,
            };
            if point != current {
                options.push(o);
                variants.push(point);
            }
        }
        let windows = request.windows(scenario, &[3, 6])?;
        let ends = windows.iter().map(|w| lead + w.days).collect();
        let counts = MonteCarlo::new(request.runs, request.seed).compare_windows(
            &model,
            submitted,
            current,
            &variants,
            &Windows::new(lead, ends)?,
            progress,
        );
        // The first variant is the current profile itself: its counts give the base chance
        // even when no improvement is left.
        let base = &counts[0];
        let horizon = windows.len() - 1;
        let mut rows: Vec<WhatIfRow> = counts[1..]
            .iter()
            .zip(&options)
            .zip(&variants[1..])
            .map(|((c, o), v)| WhatIfRow {
                improvement: o.label.clone(),
                crs: v.score.get(),
                chance: c[horizon].variant_chance(),
                gain: c[horizon].difference(),
                by_window: c
                    .iter()
                    .map(|w| (w.variant_chance(), w.difference()))
                    .collect(),
            })
            .collect();
        rows.sort_by(|a, b| b.gain.d.total_cmp(&a.gain.d));
        let conditioned_runs = base[horizon].runs;
        let mut warnings = super::chance::age_warnings(scenario, today);
        warnings.extend(super::chance::plan_warnings(scenario, request, &membership));
        warnings.extend(super::chance::few_runs_warning(
            scenario,
            today,
            conditioned_runs,
            request.runs,
        ));
        Ok(WhatIfReport {
            as_of: scenario.as_of(),
            today,
            submitted: submitted.date(),
            programs: super::chance::program_names(membership.programs()),
            categories: membership
                .categories()
                .iter()
                .chain(&request.dormant)
                .map(ToString::to_string)
                .collect(),
            nominee: membership.nominee(),
            crs: crs.get(),
            chance: base[horizon].base_chance(),
            chance_by_window: base.iter().map(PairedCounts::base_chance).collect(),
            windows,
            conditioned_runs,
            horizon_days: request.horizon_days,
            runs: request.runs,
            seed: request.seed,
            rows,
            warnings,
        })
    }

    /// The report as JSON: `crs`, `p`, `lo`, `hi` (within the horizon), `today`, `as_of`,
    /// `submitted`, `programs`, `categories`, `nominee`, `runs`, `seed`, `conditioned_runs`,
    /// `windows` [{`months`, `days`, `until`, `p`, `lo`, `hi`}], `warnings`, and
    /// `improvements` (each with `improvement`, `crs`, `p`, `lo`, `hi`, `gain`, `gain_lo`,
    /// `gain_hi` within the horizon, and `by_window` [{`until`, `p`, `gain`, `gain_lo`,
    /// `gain_hi`}]).
    #[must_use]
    pub fn to_json(&self) -> Value {
        json!({
            "crs": self.crs, "p": self.chance.p, "lo": self.chance.lo, "hi": self.chance.hi,
            "today": self.today.to_string(), "as_of": self.as_of.to_string(),
            "submitted": self.submitted.to_string(),
            "programs": self.programs, "categories": self.categories, "nominee": self.nominee,
            "runs": self.runs, "seed": self.seed, "horizon_days": self.horizon_days,
            "conditioned_runs": self.conditioned_runs,
            "windows": self.windows.iter().zip(&self.chance_by_window).map(|(w, c)| json!({
                "months": w.months, "days": w.days, "until": w.until.to_string(),
                "p": c.p, "lo": c.lo, "hi": c.hi})).collect::<Vec<_>>(),
            "warnings": self.warnings,
            "improvements": self.rows.iter().map(|r| json!({"improvement": r.improvement, "crs": r.crs,
                "p": r.chance.p, "lo": r.chance.lo, "hi": r.chance.hi,
                "gain": r.gain.d, "gain_lo": r.gain.lo, "gain_hi": r.gain.hi,
                "by_window": self.windows.iter().zip(&r.by_window).map(|(w, (c, g))| json!({
                    "until": w.until.to_string(), "p": c.p, "gain": g.d, "gain_lo": g.lo, "gain_hi": g.hi,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// The report as a table for people: the candidate simulated, the current chance in
    /// each window from today, and each improvement's change in each window.
    #[must_use]
    pub fn to_text(&self) -> String {
        let pct = |i: &Interval| {
            format!(
                "{:.1}% [{:.1}%, {:.1}%]",
                100.0 * i.p,
                100.0 * i.lo,
                100.0 * i.hi
            )
        };
        let list = |v: &[String]| {
            if v.is_empty() {
                "none".to_string()
            } else {
                v.join(", ")
            }
        };
        let mut s = String::new();
        let _ = writeln!(
            s,
            "What would change your chance of an invitation from today, {} (scenario as of {})",
            self.today, self.as_of
        );
        let _ = writeln!(
            s,
            "Simulated: CRS {}{}, programs {}, categories {}, submitted {}, horizon {} days ({} runs, seed {})",
            self.crs,
            if self.nominee {
                " (provincial nominee)"
            } else {
                ""
            },
            list(&self.programs),
            list(&self.categories),
            self.submitted,
            self.horizon_days,
            self.runs,
            self.seed
        );
        if self.today > self.as_of {
            let _ = writeln!(
                s,
                "{} of the {} futures have no invitation before today: the chances are shares of those",
                self.conditioned_runs, self.runs
            );
        }
        if self.submitted > self.as_of {
            let _ = writeln!(
                s,
                "(submitted {}: the candidate enters the pool then, {} days after the start)",
                self.submitted,
                (self.submitted - self.as_of).get_days()
            );
        }
        let _ = writeln!(s, "\nNow:");
        for (w, c) in self.windows.iter().zip(&self.chance_by_window) {
            let _ = writeln!(
                s,
                "  within {:<10} (until {})  {}",
                w.label(),
                w.until,
                pct(c)
            );
        }
        let _ = writeln!(
            s,
            "\nChange of the chance with each improvement (paired 95% interval):"
        );
        let mut head = format!("  {:<44} {:>5}", "improvement", "CRS");
        for w in &self.windows {
            head.push_str(&format!("  {:>24}", format!("within {}", w.label())));
        }
        let _ = writeln!(s, "{head}");
        for r in &self.rows {
            let mut line = format!("  {:<44} {:>5}", r.improvement, r.crs);
            for (_, g) in &r.by_window {
                line.push_str(&format!(
                    "  {:>24}",
                    format!(
                        "{:+.1}% [{:+.1}, {:+.1}]",
                        100.0 * g.d,
                        100.0 * g.lo,
                        100.0 * g.hi
                    )
                ));
            }
            let _ = writeln!(s, "{line}");
        }
        if self.rows.is_empty() {
            let _ = writeln!(s, "  (no improvement changes the score or the eligibility)");
        }
        let _ = writeln!(
            s,
            "\n(Changes are paired: both chances come from the same simulated futures. A change that\nshows only in the short windows brings the invitation sooner without making it likelier.)"
        );
        s
    }
}
