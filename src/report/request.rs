//! What a candidate asks: [`ChanceRequest`], and the candidate it describes on a scenario.

use jiff::civil::Date;

use crate::crs::{Age, Profile, ScorePlan};
use crate::error::{ErrorKind, Result};
use crate::family::{Family, Membership};
use crate::scenario::{Engine, FocalSpec, Scenario};
use crate::score::CrsScore;
use crate::time::{Period, Timestamp};

/// What to estimate: the candidate and the estimate's settings.
///
/// # Example
/// ```
/// use eesim::report::ChanceRequest;
/// use eesim::{CrsScore, Membership};
///
/// let request = ChanceRequest {
///     membership: Membership::from_names(["cec"], ["french"])?,
///     runs: 2_000,
///     ..ChanceRequest::new(CrsScore::new(480)?)
/// };
/// assert!(!request.membership.nominee());
/// # Ok::<(), eesim::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChanceRequest {
    /// The score at the scenario's start.
    pub crs: CrsScore,
    /// Later changes of score (from a CRS score path).
    pub changes: Vec<(Date, CrsScore)>,
    /// The candidate's programs, categories and provincial nomination.
    pub membership: Membership,
    /// IRCC categories of the candidate that the scenario holds no round for (dormant,
    /// [`split_categories`]): assumed to hold none within the horizon, and said so.
    pub dormant: Vec<Family>,
    /// Profile submission (default: 30 days before the scenario's start).
    pub submitted: Option<Date>,
    /// The day the candidate asks on (default: the scenario's date). Every window starts
    /// then, and the chance is read among the simulated futures with no invitation before
    /// it: a candidate asking today knows they have not been invited yet. The library never
    /// reads the clock; the command line passes today.
    pub today: Option<Date>,
    /// Days ahead, from today.
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
    /// A CEC candidate at CRS 500, over 182 days, 10,000 runs, seed 42, the fluid engine.
    fn default() -> Self {
        ChanceRequest {
            crs: CrsScore::new(500).unwrap_or(CrsScore::MIN),
            changes: Vec::new(),
            membership: Membership::new(
                crate::candidate::ProgramSet::EMPTY.with(crate::candidate::Program::Cec),
                false,
            ),
            dormant: Vec::new(),
            submitted: None,
            today: None,
            horizon_days: 182,
            runs: 10_000,
            seed: 42,
            engine: Engine::Fluid,
            to_landing: false,
        }
    }
}

/// A CRS profile's score over the horizon, as [`ChanceRequest::apply_profile`] took it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileScore {
    /// The score as assessed, then each change (a birthday, a rule change) up to the horizon.
    pub path: Vec<(Date, CrsScore)>,
    /// The birth date, when the profile gives one (its changes on that day are birthdays).
    pub born: Option<Date>,
}

impl ChanceRequest {
    /// The default request ([`ChanceRequest::default`]) at `crs`.
    #[must_use]
    pub fn new(crs: CrsScore) -> Self {
        ChanceRequest {
            crs,
            ..ChanceRequest::default()
        }
    }

    /// Takes the candidate from a CRS profile: its score on its own `assessed_on` (as
    /// `eesim crs` scores it) and, with a birth date, its score path to the horizon after
    /// `as_of` (birthdays and rule changes); the French category when it qualifies, and a
    /// provincial nomination when it has one.
    ///
    /// # Errors
    /// As [`Profile::breakdown`] and [`ScorePlan::path`] for a profile the rules cannot score.
    pub fn apply_profile(&mut self, profile: &Profile, as_of: Date) -> Result<ProfileScore> {
        let born = match profile.age {
            Age::BornOn(b) => Some(b),
            Age::Years(_) => None,
        };
        let until = as_of
            .checked_add(jiff::Span::new().days(i64::from(self.horizon_days)))
            .map_err(|e| ErrorKind::InvalidSimulation {
                what: "horizon",
                expected: "a horizon ending before 9999-12-31".into(),
                found: format!("{} days from {as_of}: {e}", self.horizon_days),
            })?
            .max(profile.assessed_on);
        let total = profile.breakdown()?.total;
        self.crs = total;
        let path = if born.is_some() {
            let path = ScorePlan::new(*profile)?.path(until)?;
            self.crs = path.initial().unwrap_or(total);
            self.changes = path.points().iter().skip(1).copied().collect();
            path.points().to_vec()
        } else {
            // An age without a birth date: the score stays as assessed.
            vec![(profile.assessed_on, total)]
        };
        self.membership = profile.membership(self.membership.clone());
        Ok(ProfileScore { path, born })
    }

    /// The candidate this request describes on `scenario`: its submission (checked against
    /// the profile validity and the horizon), and its score at the start with the later
    /// changes (a change dated before the submission is already in the score).
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] for a nominee below 600 or a submission outside the
    /// window the scenario can follow, [`ErrorKind::InvalidTimestamp`] for a date eesim
    /// cannot represent.
    pub fn focal(&self, scenario: &Scenario) -> Result<FocalSpec> {
        if self.membership.nominee() && self.crs.get() < 600 {
            return Err(ErrorKind::InvalidSimulation {
                what: "provincial nominee",
                expected: "a CRS score of at least 600 (a nomination adds 600 points)".into(),
                found: self.crs.to_string(),
            }
            .into());
        }
        let submitted = self.submitted_at(scenario)?;
        let start = Timestamp::start_of_day(scenario.as_of());
        let (mut score, mut changes) = (self.crs, Vec::new());
        for &(date, s) in &self.changes {
            if Timestamp::start_of_day(date) <= submitted.max(start) {
                score = s;
            } else {
                changes.push((date, s));
            }
        }
        Ok(FocalSpec::new(score, self.membership.clone(), submitted).changes(changes))
    }

    /// When the profile was submitted: the request's date, checked, or 30 days before the
    /// scenario's start.
    ///
    /// # Errors
    /// As [`ChanceRequest::focal`].
    pub fn submitted_at(&self, scenario: &Scenario) -> Result<Timestamp> {
        let start = Timestamp::start_of_day(scenario.as_of());
        match self.submitted {
            Some(date) => {
                check_submission(scenario, self.lead_days(scenario) + self.horizon_days, date)?;
                Timestamp::from_date(date)
            }
            None => Ok(start.plus_days(-30)),
        }
    }
}

/// Category names as a candidate gives them, read on `scenario`: those it plans rounds for
/// (in its own spelling) and IRCC's categories it plans none for (dormant: no round in its
/// calibration window, or none for over a year), which a candidate may well hold and which
/// are then assumed to hold no round.
///
/// # Errors
/// A message (`expected one of ..., found "x" (did you mean ...?)`) for a name that is
/// neither.
///
/// # Example
/// ```
/// use eesim::report::split_categories;
/// use eesim::scenario::Scenario;
///
/// let scenario = Scenario::default_calibrated()?;
/// let (simulated, dormant) = split_categories(&scenario, &["French", "agriculture"]).unwrap();
/// assert_eq!(simulated, ["french"]);
/// assert_eq!(dormant[0].as_str(), "agriculture");
/// assert!(split_categories(&scenario, &["frnech"]).unwrap_err().contains("did you mean french"));
/// # Ok::<(), eesim::Error>(())
/// ```
pub fn split_categories<S: AsRef<str>>(
    scenario: &Scenario,
    names: &[S],
) -> std::result::Result<(Vec<String>, Vec<Family>), String> {
    // A category the scenario registers but plans no round for is dormant too.
    let simulated: Vec<&str> = scenario
        .categories()
        .names()
        .filter(|n| Family::new(n).is_ok_and(|f| scenario.plan(&f).is_some()))
        .collect();
    let mut all = simulated.clone();
    for f in &Family::IRCC_CATEGORIES {
        if !all.contains(&f.as_str()) {
            all.push(f.as_str());
        }
    }
    let expected = format!(
        "one of the scenario's categories ({}) or another of IRCC's ({})",
        simulated.join(", "),
        all[simulated.len()..].join(", ")
    );
    let (mut keep, mut dormant) = (Vec::new(), Vec::new());
    for name in names {
        let found = crate::suggest::one_of(name.as_ref(), &all, &expected)?;
        if simulated.contains(&found) {
            if !keep.iter().any(|k: &String| k == found) {
                keep.push(found.to_string());
            }
        } else {
            let f = Family::IRCC_CATEGORIES
                .iter()
                .find(|f| f.as_str() == found)
                .cloned()
                .unwrap_or(Family::OTHER);
            if !dormant.contains(&f) {
                dormant.push(f);
            }
        }
    }
    Ok((keep, dormant))
}

/// The sentence that states the assumption made for a dormant category.
#[must_use]
pub fn dormant_assumption(family: &Family, as_of: Date) -> String {
    format!(
        "the scenario plans no {family} round (IRCC held none in its calibration window, or none for over a year, up to {as_of}): eesim assumes the {family} category holds none within the horizon, so it adds nothing to the chance; should IRCC hold one, the chance is higher"
    )
}

/// A window that starts today: `months` calendar months on (`None` for the horizon in days),
/// its length in days and its last day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Window {
    /// Calendar months from today, or `None` for the horizon.
    pub months: Option<u32>,
    /// Days from today.
    pub days: u32,
    /// The window's last day.
    pub until: Date,
}

impl Window {
    /// The window of `months` calendar months from `today`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] for a window ending after 9999-12-31 (or of no month).
    pub fn months(today: Date, months: u32) -> Result<Window> {
        let from = Timestamp::start_of_day(today);
        let end = Period::months(months)?.after(from);
        let days = (end.as_second() - from.as_second()) / 86_400;
        let days = u32::try_from(days).map_err(|_| ErrorKind::InvalidSimulation {
            what: "window",
            expected: "a window of some months ending before 9999-12-31".into(),
            found: format!("{months} months from {today}"),
        })?;
        Ok(Window {
            months: Some(months),
            days,
            until: end.date(),
        })
    }

    /// The window of `days` days from `today`.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidSimulation`] for a window ending after 9999-12-31.
    pub fn days(today: Date, days: u32) -> Result<Window> {
        let until = today
            .checked_add(jiff::Span::new().days(i64::from(days)))
            .map_err(|e| ErrorKind::InvalidSimulation {
                what: "window",
                expected: "a window ending before 9999-12-31".into(),
                found: format!("{days} days from {today}: {e}"),
            })?;
        Ok(Window {
            months: None,
            days,
            until,
        })
    }

    /// `3 months` or `182 days`.
    #[must_use]
    pub fn label(&self) -> String {
        match self.months {
            Some(1) => "1 month".into(),
            Some(m) => format!("{m} months"),
            None => format!("{} days", self.days),
        }
    }
}

impl ChanceRequest {
    /// The day the candidate asks on: [`ChanceRequest::today`], or the scenario's date.
    #[must_use]
    pub fn today_on(&self, scenario: &Scenario) -> Date {
        self.today.unwrap_or(scenario.as_of())
    }

    /// The windows from today of `months` that fit in the horizon, then the horizon itself
    /// (unless a month window ends on its last day).
    ///
    /// # Errors
    /// As [`Window::months`].
    pub fn windows(&self, scenario: &Scenario, months: &[u32]) -> Result<Vec<Window>> {
        let today = self.today_on(scenario);
        let mut out = Vec::new();
        for m in months {
            let w = Window::months(today, *m)?;
            if w.days <= self.horizon_days {
                out.push(w);
            }
        }
        if out.last().is_none_or(|w| w.days != self.horizon_days) {
            out.push(Window::days(today, self.horizon_days)?);
        }
        Ok(out)
    }

    /// Days from the scenario's date to today (0 when today is not after it).
    #[must_use]
    pub fn lead_days(&self, scenario: &Scenario) -> u32 {
        self.today.map_or(0, |t| {
            u32::try_from((t - scenario.as_of()).get_days().max(0)).unwrap_or(0)
        })
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
                "a date from {} (a profile stays {validity} in the pool, and the scenario starts on {}) to {} (today plus the horizon, {horizon_days} days after the scenario's date)",
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
