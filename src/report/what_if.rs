//! What-if: what each improvement a candidate can act on would do to the chance.

use std::fmt::Write as _;

use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use super::ChanceRequest;
use crate::error::{ErrorKind, Result};
use crate::montecarlo::{Interval, MonteCarlo};
use crate::scenario::{Scenario, ScenarioRun};
use crate::time::Timestamp;

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
        let model = ScenarioRun::new(scenario, None, request.horizon_days)?;
        let start = Timestamp::start_of_day(scenario.as_of());
        let validity = crate::montecarlo::RunModel::profile_validity(&model);
        if validity.after(submitted) <= start {
            return Err(ErrorKind::InvalidSimulation {
                what: "submission",
                expected: format!("within {validity} before the start {start}"),
                found: submitted.to_string(),
            }
            .into());
        }
        let eligibility_of = |p: &crate::crs::Profile| {
            p.membership(request.membership.clone())
                .eligibility(model.categories())
        };
        let crs = profile.breakdown()?.total;
        let current = Point {
            eligibility: eligibility_of(profile)?,
            score: crs,
        };
        // Improvements that change neither the score nor the eligibility are left out.
        let mut options = Vec::new();
        let mut variants = Vec::new();
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
