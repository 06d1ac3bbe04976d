//! The schedule of a family's rounds: a plan (resampled from its recent rounds, or fixed), and
//! the hazard that decides when the next round comes after a pause.

use jiff::civil::Date;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::time::Timestamp;

/// How a family's future rounds are scheduled.
#[derive(Clone, Debug, PartialEq)]
pub enum DrawPlan {
    /// Resampled from a trailing window of real rounds: after the last real round, each gap
    /// is drawn from `gaps_days` and each size from `sizes` (with replacement).
    Resample {
        /// The family's last real round before the scenario's start.
        last: Date,
        /// Observed gaps between its rounds, in days (a family seen once gets one gap: the
        /// length of the window, 182 days).
        gaps_days: Vec<u32>,
        /// Observed sizes.
        sizes: Vec<u32>,
    },
    /// An explicit list of rounds, for "what if IRCC does X".
    Fixed(Vec<(Date, u32)>),
}

/// How the runs draw each family's future rounds from its plan ([`DrawPlan::Resample`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// Later gaps and sizes are drawn with weights halving every this many rounds back (a
    /// large value draws them evenly).
    pub half_life_rounds: f64,
    /// The weight of a "pause" among the family's own gaps the first gap is drawn from, as if
    /// one more of its gaps had no end: a family silent for longer than most of its gaps is
    /// then more likely paused than about to hold a round. 0: no pause.
    pub own_pause: f64,
    /// The same among every family's gaps pooled, which the first gap is drawn from too
    /// (mostly once the time elapsed is longer than the family's own gaps).
    pub pooled_pause: f64,
    /// The first gap's own gaps are weighted halving every this many gaps back (`None`:
    /// equally).
    pub first_half_life_rounds: Option<f64>,
    /// The chance that a round of a run keeps the size of the family's previous round in the
    /// run, instead of a new draw (0: every size drawn anew).
    pub size_persistence: f64,
    /// Silences still open at the start, in days since each family's last round: added to
    /// the pooled gaps as gaps at least that long (a family silent for a year says that
    /// pauses that long happen).
    pub open_gaps: Vec<u32>,
}

impl Default for Schedule {
    /// Weights halving every 4 rounds, no pause.
    fn default() -> Self {
        Schedule {
            half_life_rounds: 4.0,
            own_pause: 0.0,
            pooled_pause: 0.0,
            first_half_life_rounds: None,
            size_persistence: 0.0,
            open_gaps: Vec::new(),
        }
    }
}

/// A family silent this many days at the start holds no round in a run.
pub(crate) const INACTIVE_AFTER_DAYS: i64 = 365;
/// The first gap comes from the family's own gaps with weight `n / (n + SHRINK)`, `n` being
/// how many of them are longer than the time already elapsed, else from the gaps of every
/// family pooled.
const SHRINK: f64 = 2.0;

/// One of `v` (oldest first) with weights halving every `half_life` back.
fn pick_recent(v: &[u32], half_life: f64, rng: &mut ChaCha8Rng) -> u32 {
    let n = v.len();
    let w = |i: usize| 0.5_f64.powf((n - 1 - i) as f64 / half_life);
    let total: f64 = (0..n).map(w).sum();
    let mut u = rng.random::<f64>() * total;
    for (i, x) in v.iter().enumerate() {
        u -= w(i);
        if u <= 0.0 {
            return *x;
        }
    }
    v[n - 1]
}

/// Why a family with `plan` can hold no round after `start` up to `end` in any run (a
/// sentence), or, for a last round a month or more before the start, why its first round
/// cannot come from its own gaps; `None` when neither.
/// It follows [`rounds_of_plan`]'s rules: a family silent over a year holds none, and the
/// first gap is drawn among the gaps (its own, or every family's pooled) longer than the time
/// since its last round.
pub(crate) fn plan_warning(
    plan: &DrawPlan,
    start: Timestamp,
    end: Timestamp,
    pooled_gaps: &[u32],
    schedule: &Schedule,
) -> Option<String> {
    let DrawPlan::Resample {
        last,
        gaps_days,
        sizes,
    } = plan
    else {
        return match plan {
            DrawPlan::Fixed(list)
                if !list.is_empty()
                    && list.iter().all(|(d, _)| {
                        let at = Timestamp::start_of_day(*d);
                        at <= start || at > end
                    }) =>
            {
                Some(format!(
                    "its fixed rounds ({} to {}) all fall outside the runs ({} to {}): it holds none",
                    list[0].0,
                    list[list.len() - 1].0,
                    start.date().tomorrow().unwrap_or(start.date()),
                    end.date()
                ))
            }
            _ => None,
        };
    };
    if gaps_days.is_empty() || sizes.is_empty() {
        return Some("its plan has no gaps or no sizes: it holds no round".into());
    }
    let last_at = Timestamp::start_of_day(*last);
    let elapsed = (start.as_second() - last_at.as_second()).div_euclid(86_400);
    if elapsed > INACTIVE_AFTER_DAYS {
        return Some(format!(
            "its last round ({last}) is {elapsed} days before the start, over {INACTIVE_AFTER_DAYS}: a family silent that long is taken as inactive and holds no round; give it `fixed = [{{ date, size }}]` rounds (or --plan) to test a return"
        ));
    }
    let longest = gaps_days.iter().max().copied().unwrap_or(0);
    let own_longer = gaps_days.iter().any(|g| i64::from(*g) > elapsed);
    let pauses = schedule.own_pause > 0.0
        || schedule.pooled_pause > 0.0
        || schedule.open_gaps.iter().any(|g| i64::from(*g) > elapsed);
    let pooled_longer: Vec<u32> = pooled_gaps
        .iter()
        .copied()
        .filter(|g| i64::from(*g) > elapsed)
        .collect();
    if !own_longer && pooled_longer.is_empty() {
        return Some(format!(
            "none of its gaps (the longest {longest} days), nor any other family's, is longer than the {elapsed} days since its last round on {last}: its first round is drawn among the gaps longer than the time elapsed{}; give `last` a recent date, or `fixed = [{{ date, size }}]` rounds (or --plan)",
            if pauses {
                ", or a pause, so it is paused in every run"
            } else {
                ", and there is none, so it holds no round"
            }
        ));
    }
    let earliest = gaps_days
        .iter()
        .chain(&pooled_longer)
        .filter(|g| i64::from(**g) > elapsed)
        .min()
        .copied()
        .unwrap_or(u32::MAX);
    if last_at.plus_days(i64::from(earliest)) > end {
        return Some(format!(
            "its earliest possible round, {earliest} days after its last on {last}, falls after the runs end ({}): it holds none in the horizon",
            end.date()
        ));
    }
    // A plan edited by hand (a `last` long past, short gaps) silently takes its rhythm from
    // the other families; a calibrated one, whose last round is days before the start, not.
    (!own_longer && elapsed >= 30).then(|| format!(
        "its own gaps (the longest {longest} days) are all shorter than the {elapsed} days since its last round on {last}: its first round's gap is drawn from the other families' gaps instead; give `last` a recent date, or `fixed = [{{ date, size }}]` rounds (or --plan), to set its rhythm"
    ))
}

/// A change of one family's rounds from the command line: `FAMILY=SIZE/EVERY` (rounds of
/// `SIZE` every `EVERY` days from the scenario's start: `cec=3000/14d`, `pnp=800/2w`) or
/// `FAMILY=none` (no round).
///
/// # Example
/// ```
/// use eesim::forecast::PlanChange;
///
/// let p: PlanChange = "cec=3000/14d".parse()?;
/// assert_eq!((p.family.as_str(), p.rounds), ("cec", Some((3000, 14))));
/// let none: PlanChange = "French=none".parse()?;
/// assert_eq!((none.family.as_str(), none.rounds), ("french", None));
/// assert!("cec=3000".parse::<PlanChange>().is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanChange {
    /// The family.
    pub family: crate::family::Family,
    /// The size of each round and the days between them; `None` for no round.
    pub rounds: Option<(u32, u32)>,
}

impl std::str::FromStr for PlanChange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let expected = "FAMILY=SIZE/EVERY such as cec=3000/14d or pnp=800/2w (every N days or weeks), or FAMILY=none";
        let Some((family, rule)) = s.split_once('=') else {
            return Err(format!("expected {expected}, found {s:?}"));
        };
        let family = crate::family::Family::new(family)
            .map_err(|_| format!("expected {expected}, found the family {family:?}"))?;
        let rule = rule.trim().to_ascii_lowercase();
        if rule == "none" {
            return Ok(PlanChange {
                family,
                rounds: None,
            });
        }
        let parsed = rule.split_once('/').and_then(|(size, every)| {
            let size: u32 = size
                .trim()
                .parse()
                .ok()
                .filter(|n| (1..=100_000).contains(n))?;
            let every = every.trim();
            let (n, unit) = every.split_at(every.len().saturating_sub(1));
            let n: u32 = n.parse().ok().filter(|n| *n >= 1)?;
            let days = match unit {
                "d" => n,
                "w" => n.checked_mul(7)?,
                _ => return None,
            };
            (days <= 3650).then_some((size, days))
        });
        match parsed {
            Some(rounds) => Ok(PlanChange {
                family,
                rounds: Some(rounds),
            }),
            None => Err(format!(
                "expected {expected} (a size from 1 to 100000, every 1 to 3650 days), found {s:?}"
            )),
        }
    }
}

impl PlanChange {
    /// The plan it gives: rounds every so many days from the day after `start` (the first
    /// `every` days after it) up to `until`, or none.
    #[must_use]
    pub fn plan(&self, start: jiff::civil::Date, until: jiff::civil::Date) -> DrawPlan {
        let mut rounds = Vec::new();
        if let Some((size, every)) = self.rounds {
            let mut k = 1_i64;
            while let Ok(d) = start.checked_add(jiff::Span::new().days(k * i64::from(every))) {
                if d > until {
                    break;
                }
                rounds.push((d, size));
                k += 1;
            }
        }
        DrawPlan::Fixed(rounds)
    }
}

/// The rounds of one family in a run: after its last real round, or fixed.
///
/// The first gap is drawn among the gaps longer than the time already elapsed since the
/// family's last round (its own, shrunk toward every family's pooled), so that a family in a
/// pause is less likely to hold a round soon than its mean gap says; later gaps and sizes come
/// from its recent rounds with recency weights; a family silent for a year holds none.
pub(crate) fn rounds_of_plan(
    plan: &DrawPlan,
    start: Timestamp,
    end: Timestamp,
    pooled_gaps: &[u32],
    schedule: &Schedule,
    rng: &mut ChaCha8Rng,
) -> Vec<(Date, u32)> {
    match plan {
        DrawPlan::Fixed(list) => list.clone(),
        DrawPlan::Resample {
            last,
            gaps_days,
            sizes,
        } => {
            let mut out = Vec::new();
            if gaps_days.is_empty() || sizes.is_empty() {
                return out;
            }
            let last_at = Timestamp::start_of_day(*last);
            let elapsed = (start.as_second() - last_at.as_second()).div_euclid(86_400);
            if elapsed > INACTIVE_AFTER_DAYS {
                return out;
            }
            let longer = |v: &[u32]| -> Vec<u32> {
                v.iter()
                    .copied()
                    .filter(|g| i64::from(*g) > elapsed)
                    .collect()
            };
            let pooled = longer(pooled_gaps);
            // The family's own gaps longer than the time elapsed, with their weights: equal,
            // or halving every `first_half_life_rounds` gaps back.
            let n_own = gaps_days.len();
            let weight = |i: usize| {
                schedule
                    .first_half_life_rounds
                    .map_or(1.0, |h| 0.5_f64.powf((n_own - 1 - i) as f64 / h))
            };
            let own: Vec<(u32, f64)> = gaps_days
                .iter()
                .enumerate()
                .filter(|(_, g)| i64::from(**g) > elapsed)
                .map(|(i, g)| (*g, weight(i)))
                .collect();
            let all_weight: f64 = (0..n_own).map(weight).sum();
            let own_weight: f64 = own.iter().map(|g| g.1).sum();
            // A pause counts as one gap of the mean weight.
            let own_pause = schedule.own_pause * all_weight / n_own.max(1) as f64;
            // Silences still open at the calibration, longer than this one: pauses that long
            // happen, and how they end is not known yet.
            let open = schedule
                .open_gaps
                .iter()
                .filter(|g| i64::from(**g) > elapsed)
                .count() as f64;
            // The gap's distribution is the family's own gaps (weight n / (n + SHRINK)) mixed
            // with every family's (weight SHRINK / (n + SHRINK)); given that it is longer than
            // the time elapsed, each part keeps its share of the gaps that long. A pause (a
            // gap that never ends, with the schedule's weight in each list, and the open
            // silences in the pooled one) outlasts any time.
            let n = n_own as f64;
            let a =
                n / (n + SHRINK) * (own_weight + own_pause) / (all_weight.max(1e-300) + own_pause);
            let pooled_pause = schedule.pooled_pause + open;
            let all_pooled = (pooled_gaps.len() + schedule.open_gaps.len()).max(1) as f64;
            let b = SHRINK / (n + SHRINK) * (pooled.len() as f64 + pooled_pause)
                / (all_pooled + pooled_pause);
            if a + b <= 0.0 {
                // Longer than every gap seen anywhere: paused until a round says otherwise.
                return out;
            }
            let first = if rng.random::<f64>() * (a + b) < a {
                if schedule.first_half_life_rounds.is_none() && own_pause <= 0.0 {
                    own[rng.random_range(0..own.len())].0
                } else {
                    let mut x = rng.random::<f64>() * (own_weight + own_pause);
                    match own.iter().find(|g| {
                        x -= g.1;
                        x < 0.0
                    }) {
                        Some(g) => g.0,
                        // The pause: no round in this run.
                        None => return out,
                    }
                }
            } else if pooled_pause > 0.0 {
                let x = rng.random::<f64>() * (pooled.len() as f64 + pooled_pause);
                match pooled.get(x as usize) {
                    Some(g) => *g,
                    // The pause: no round in this run.
                    None => return out,
                }
            } else {
                pooled[rng.random_range(0..pooled.len())]
            };
            let half = schedule.half_life_rounds;
            let mut at = last_at.plus_days(i64::from(first));
            let mut size: Option<u32> = None;
            while at <= end {
                if at >= start {
                    // A round keeps the run's previous size with the schedule's persistence.
                    let keep = schedule.size_persistence > 0.0
                        && size.is_some()
                        && rng.random::<f64>() < schedule.size_persistence;
                    let n = match size {
                        Some(n) if keep => n,
                        _ => pick_recent(sizes, half, rng),
                    };
                    size = Some(n);
                    out.push((at.date(), n));
                }
                at = at.plus_days(i64::from(pick_recent(gaps_days, half, rng)));
            }
            out
        }
    }
}
