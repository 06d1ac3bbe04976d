//! The model's choices that calibration makes, as one value: the default is the model eesim
//! ships, and each field can be changed alone to measure what it is worth (the ablation table
//! of DESIGN.md; `eesim backtest --model KEY=VALUE,...`).

use std::fmt;
use std::str::FromStr;

/// How many of a family's past rounds a schedule list remembers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Memory {
    /// Its latest this many rounds (of the last two years).
    Rounds(usize),
    /// Its rounds of the last this many days.
    Days(u32),
}

impl fmt::Display for Memory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Memory::Rounds(n) => write!(f, "rounds:{n}"),
            Memory::Days(n) => write!(f, "days:{n}"),
        }
    }
}

impl FromStr for Memory {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("expected rounds:N or days:N, found {s}");
        let (kind, n) = s.split_once(':').ok_or_else(bad)?;
        match kind {
            "rounds" => n
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .map(Memory::Rounds)
                .ok_or_else(bad),
            "days" => n
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .map(Memory::Days)
                .ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

/// Where a calibrated scenario's program pool starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartPool {
    /// The newest snapshot as published.
    Snapshot,
    /// The newest snapshot less the rounds held since it was taken (the round that published
    /// it among them).
    LessRounds,
}

/// Whether and how each family's simulated cut-offs are combined with its previous cut-off.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Combine {
    /// The simulation alone.
    Off,
    /// Weighted by each one's record on the family's windows closed by the calibration date.
    Record,
    /// A fixed share of runs keeps the simulation, for every family.
    Fixed(f64),
}

/// The model's options.
///
/// # Example
/// ```
/// use eesim::forecast::{Memory, ModelOptions};
///
/// let o: ModelOptions = "sizes=rounds:8,half-life=8".parse()?;
/// assert_eq!(o.sizes, Memory::Rounds(8));
/// assert_eq!(o.half_life_rounds, 8.0);
/// // Everything else is the default, and the options print back as they parse.
/// assert_eq!(o.gaps, ModelOptions::default().gaps);
/// assert_eq!(o.to_string().parse::<ModelOptions>()?, o);
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ModelOptions {
    /// Where the program pool starts.
    pub start: StartPool,
    /// The program families (general, CEC, FSW) whose rounds draw from a refill pool of
    /// their own, shaped like the snapshot, instead of from the snapshot's pool.
    pub refill: Vec<crate::family::Family>,
    /// The sizes a family's future rounds are drawn from.
    pub sizes: Memory,
    /// The gaps a family's future rounds are drawn from (the first gap's hazard included).
    pub gaps: Memory,
    /// Later gaps and sizes are drawn with weights halving every this many rounds back.
    pub half_life_rounds: f64,
    /// The weight of a pause among the family's own gaps the first gap is drawn from.
    pub own_pause: f64,
    /// The weight of a pause among every family's gaps pooled.
    pub pooled_pause: f64,
    /// The silences still open at the calibration date of families whose last round is at
    /// most this many days old join the pooled gaps (0: none).
    pub open_gaps_days: u32,
    /// The first gap's own gaps are weighted halving every this many gaps back (`None`:
    /// equally).
    pub first_half_life_rounds: Option<f64>,
    /// The chance that a later round of a run keeps the previous round's size.
    pub size_persistence: f64,
    /// The combination with the previous cut-off.
    pub combine: Combine,
    /// In a run that follows a family's previous cut-off, the family holds a round within
    /// this many days even when the simulated schedule gives it none (`None`: the simulated
    /// schedule alone).
    pub rule_round_days: Option<u32>,
    /// The combination's record weighs a window closed this many days before the calibration
    /// half as much as one just closed (`None`: equally over the year).
    pub record_half_life_days: Option<f64>,
    /// The combination's prior weight (0.5) counts as this many windows of the record.
    pub record_prior_windows: f64,
}

impl Default for ModelOptions {
    /// The model eesim ships, each choice made on the windows that closed by 2025-06-01 (the
    /// ablation table of DESIGN.md): CEC and general rounds on the refill dynamics, gaps of
    /// the last year, later gaps and sizes drawn evenly, the silences still open as pauses,
    /// and the combination with the previous cut-off by each family's recent record.
    fn default() -> Self {
        ModelOptions {
            refill: vec![crate::family::Family::CEC, crate::family::Family::GENERAL],
            gaps: Memory::Days(365),
            half_life_rounds: 1000.0,
            open_gaps_days: 365,
            combine: Combine::Record,
            rule_round_days: Some(90),
            record_half_life_days: Some(30.0),
            ..ModelOptions::previous()
        }
    }
}

impl ModelOptions {
    /// The model of eesim 0.1 before the changes of issue 19 (the ablations start from it):
    /// the snapshot's pool for every program, the gaps of two years and the latest 12 sizes
    /// with weights halving every 4 rounds, no pause, the simulation alone.
    #[must_use]
    pub fn previous() -> Self {
        ModelOptions {
            start: StartPool::Snapshot,
            refill: Vec::new(),
            sizes: Memory::Rounds(12),
            gaps: Memory::Days(730),
            half_life_rounds: 4.0,
            own_pause: 0.0,
            pooled_pause: 0.0,
            open_gaps_days: 0,
            first_half_life_rounds: None,
            size_persistence: 0.0,
            combine: Combine::Off,
            rule_round_days: None,
            record_half_life_days: None,
            record_prior_windows: super::PRIOR_WINDOWS,
        }
    }

    /// The same options with the simulation alone: what the record of a combination scores.
    #[must_use]
    pub fn without_combination(&self) -> ModelOptions {
        ModelOptions {
            combine: Combine::Off,
            ..self.clone()
        }
    }

    /// The schedule the scenario's runs use.
    #[must_use]
    pub fn schedule(&self) -> super::Schedule {
        super::Schedule {
            half_life_rounds: self.half_life_rounds,
            own_pause: self.own_pause,
            pooled_pause: self.pooled_pause,
            first_half_life_rounds: self.first_half_life_rounds,
            size_persistence: self.size_persistence,
            open_gaps: Vec::new(),
        }
    }
}

impl fmt::Display for ModelOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let start = match self.start {
            StartPool::Snapshot => "snapshot",
            StartPool::LessRounds => "less-rounds",
        };
        let refill: Vec<&str> = self.refill.iter().map(|f| f.as_str()).collect();
        let refill = if refill.is_empty() {
            "none".to_string()
        } else {
            refill.join("+")
        };
        write!(
            f,
            "start={start},refill={refill},sizes={},gaps={},half-life={},pause-own={},pause-pooled={},open-gaps={},first-half-life={},size-persistence={},combine={},rule-round={},record-half-life={},record-prior={}",
            self.sizes,
            self.gaps,
            self.half_life_rounds,
            self.own_pause,
            self.pooled_pause,
            self.open_gaps_days,
            self.first_half_life_rounds
                .map_or_else(|| "off".to_string(), |h| h.to_string()),
            self.size_persistence,
            match self.combine {
                Combine::Off => "off".to_string(),
                Combine::Record => "record".to_string(),
                Combine::Fixed(w) => w.to_string(),
            },
            self.rule_round_days
                .map_or_else(|| "off".to_string(), |d| d.to_string()),
            self.record_half_life_days
                .map_or_else(|| "off".to_string(), |d| d.to_string()),
            self.record_prior_windows
        )
    }
}

impl FromStr for ModelOptions {
    type Err = String;

    /// `KEY=VALUE` pairs separated by commas, each changing one option from the default:
    /// `preset=current|previous` (all of them: the default, or the model before issue 19),
    /// `start=snapshot|less-rounds`, `refill=none|cec+fsw+general` (any of them), `sizes=rounds:N|days:N`, `gaps=rounds:N|days:N`,
    /// `half-life=ROUNDS`, `pause-own=WEIGHT`, `pause-pooled=WEIGHT` (`pause=WEIGHT` sets
    /// both), `open-gaps=DAYS`, `first-half-life=off|GAPS`,
    /// `size-persistence=P`,
    /// `combine=off|record|WEIGHT`, `rule-round=off|DAYS`,
    /// `record-half-life=off|DAYS`, `record-prior=WINDOWS`. An empty string is the default.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut o = ModelOptions::default();
        for pair in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("expected KEY=VALUE, found {pair}"))?;
            let number = |lo: f64, hi: f64| {
                value
                    .parse::<f64>()
                    .ok()
                    .filter(|x| (lo..=hi).contains(x))
                    .ok_or_else(|| {
                        format!("{key}: expected a number from {lo} to {hi}, found {value}")
                    })
            };
            match key {
                "preset" => {
                    o = match value {
                        "current" => ModelOptions::default(),
                        "previous" => ModelOptions::previous(),
                        _ => {
                            return Err(format!(
                                "preset: expected current or previous, found {value}"
                            ));
                        }
                    }
                }
                "start" => {
                    o.start = match value {
                        "snapshot" => StartPool::Snapshot,
                        "less-rounds" => StartPool::LessRounds,
                        _ => {
                            return Err(format!(
                                "start: expected snapshot or less-rounds, found {value}"
                            ));
                        }
                    }
                }
                "refill" => {
                    o.refill = Vec::new();
                    for name in value.split('+').filter(|n| *n != "none" && !n.is_empty()) {
                        let family = match name {
                            "cec" => crate::family::Family::CEC,
                            "fsw" => crate::family::Family::FSW,
                            "general" => crate::family::Family::GENERAL,
                            _ => {
                                return Err(format!(
                                    "refill: expected none or cec, fsw, general joined by +, found {name}"
                                ));
                            }
                        };
                        if !o.refill.contains(&family) {
                            o.refill.push(family);
                        }
                    }
                }
                "sizes" => o.sizes = value.parse().map_err(|e| format!("sizes: {e}"))?,
                "gaps" => o.gaps = value.parse().map_err(|e| format!("gaps: {e}"))?,
                "half-life" => o.half_life_rounds = number(0.1, 1e6)?,
                "pause" => {
                    o.own_pause = number(0.0, 1000.0)?;
                    o.pooled_pause = o.own_pause;
                }
                "pause-own" => o.own_pause = number(0.0, 1000.0)?,
                "pause-pooled" => o.pooled_pause = number(0.0, 1000.0)?,
                "open-gaps" => o.open_gaps_days = number(0.0, 3650.0)? as u32,
                "first-half-life" => {
                    o.first_half_life_rounds = match value {
                        "off" => None,
                        _ => Some(number(0.1, 1e6)?),
                    }
                }
                "size-persistence" => o.size_persistence = number(0.0, 1.0)?,
                "record-prior" => o.record_prior_windows = number(0.0, 1000.0)?,
                "record-half-life" => {
                    o.record_half_life_days = match value {
                        "off" => None,
                        _ => Some(number(1.0, 3650.0)?),
                    }
                }
                "rule-round" => {
                    o.rule_round_days = match value {
                        "off" => None,
                        _ => Some(number(1.0, 3650.0)? as u32),
                    }
                }
                "combine" => o.combine = match value {
                    "off" => Combine::Off,
                    "record" => Combine::Record,
                    _ => Combine::Fixed(number(0.0, 1.0).map_err(|_| {
                        format!(
                            "combine: expected off, record or a weight from 0 to 1, found {value}"
                        )
                    })?),
                },
                _ => {
                    return Err(format!(
                        "expected preset, start, refill, sizes, gaps, half-life, pause, pause-own, pause-pooled, open-gaps, first-half-life, size-persistence, combine, rule-round, record-half-life or record-prior, found {key}"
                    ));
                }
            }
        }
        Ok(o)
    }
}
