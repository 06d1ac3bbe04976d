//! Writing a scenario as TOML (with comments saying what each part means) or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Scenario;
use crate::family::Family;
use crate::forecast::{DensityModel, DrawPlan};

const RANGE_NAMES: &str = "601-1200, 501-600, 491-500, 481-490, 471-480, 461-470, 451-460, 441-450, 431-440, 421-430, 411-420, 401-410, 351-400, 301-350, 0-300";

impl Scenario {
    /// The scenario as JSON, with the same keys as [`Scenario::to_toml`].
    #[must_use]
    pub fn to_json(&self) -> String {
        toml::from_str::<toml::Value>(&self.to_toml())
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_default()
    }

    /// The scenario as TOML, with comments saying what each part means.
    #[must_use]
    pub fn to_toml(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# eesim scenario: every assumption about the future, in one file."
        );
        let _ = writeln!(s, "version = 2");
        let _ = writeln!(
            s,
            "# The runs start on this date and know nothing dated on or after it."
        );
        let _ = writeln!(s, "as_of = \"{}\"", self.as_of);
        let _ = writeln!(s, "source = {}", quote(&self.source));
        let _ = writeln!(
            s,
            "# Profiles expire this many calendar months after submission."
        );
        let _ = writeln!(s, "validity_months = {}\n", self.validity_months);
        let _ = writeln!(
            s,
            "[pool]\n# Candidates by CRS range on the snapshot date: {RANGE_NAMES}."
        );
        if let Some((file, _)) = &self.pool.candidates {
            let _ = writeln!(
                s,
                "# The start pool: these candidates (a CSV file, relative to this file)."
            );
            let _ = writeln!(s, "candidates = {}", quote(file));
        }
        let _ = writeln!(s, "ranges = {:?}", self.pool.ranges);
        let density = match self.pool.density {
            DensityModel::Flat => "\"flat\"".to_string(),
            DensityModel::Smooth => "\"smooth\"".to_string(),
            DensityModel::Decay { rate } => format!("{{ decay = {rate} }}"),
        };
        let _ = writeln!(
            s,
            "# The density inside each range: flat, smooth, or smooth with a decay per point inside 501-600."
        );
        let _ = writeln!(s, "density = {density}\n");
        let _ = writeln!(
            s,
            "# The share of the snapshot's pool eligible for each program; each run samples"
        );
        let _ = writeln!(
            s,
            "# it from a normal distribution with this mean and spread (standard deviation)."
        );
        let _ = writeln!(s, "[shares]");
        for (name, sh) in &self.shares {
            let _ = writeln!(
                s,
                "{name} = {{ mean = {}, spread = {} }}",
                sh.mean, sh.spread
            );
        }
        write_families(&mut s, &self.families);
        let _ = writeln!(s, "\n{DRAWS_COMMENT}");
        let _ = writeln!(s, "[draws]");
        for (name, plan) in &self.draws {
            let _ = writeln!(s, "[draws.{name}]");
            match plan {
                DrawPlan::Resample {
                    last,
                    gaps_days,
                    sizes,
                } => {
                    let _ = writeln!(
                        s,
                        "last = \"{last}\"\ngaps_days = {gaps_days:?}\nsizes = {sizes:?}"
                    );
                }
                DrawPlan::Fixed(rounds) => {
                    let list: Vec<String> = rounds
                        .iter()
                        .map(|(d, n)| format!("{{ date = \"{d}\", size = {n} }}"))
                        .collect();
                    let _ = writeln!(s, "fixed = [{}]", list.join(", "));
                }
            }
        }
        let _ = writeln!(
            s,
            "\n# How runs draw from the plans: later gaps and sizes with weights halving every"
        );
        let _ = writeln!(
            s,
            "# half_life_rounds rounds back; the first gap among the gaps longer than the time already"
        );
        let _ = writeln!(
            s,
            "# elapsed (the family's own, and every family's pooled), each list with the weight of one gap"
        );
        let _ = writeln!(
            s,
            "# that never ends (a pause: no further round), and the pooled one with each silence still open"
        );
        let _ = writeln!(
            s,
            "# at the calibration (open_gaps, days since a family's last round) as a pause if longer."
        );
        let _ = writeln!(s, "[schedule]");
        let _ = writeln!(s, "half_life_rounds = {}", self.schedule.half_life_rounds);
        let _ = writeln!(s, "own_pause = {}", self.schedule.own_pause);
        let _ = writeln!(s, "pooled_pause = {}", self.schedule.pooled_pause);
        if let Some(h) = self.schedule.first_half_life_rounds {
            let _ = writeln!(s, "first_half_life_rounds = {h}");
        }
        let _ = writeln!(s, "size_persistence = {}", self.schedule.size_persistence);
        let _ = writeln!(s, "open_gaps = {:?}", self.schedule.open_gaps);
        if let Some(comb) = &self.combination {
            let _ = writeln!(
                s,
                "\n# Each family's rounds keep their simulated cut-offs in a share `simulation` of the runs; in"
            );
            let _ = writeln!(
                s,
                "# the others they cut at its previous cut-off moved by a logistic draw of scale `spread`"
            );
            let _ = writeln!(
                s,
                "# (one per run), with the simulated dates and sizes. Brier scores: the record the weights come from."
            );
            let _ = writeln!(s, "[combination]");
            let _ = writeln!(s, "source = {}", quote(&comb.source));
            let _ = writeln!(s, "spread = {}", comb.spread);
            if let Some(d) = comb.round_within_days {
                let _ = writeln!(
                    s,
                    "# A run that follows a family's previous cut-off holds one of its rounds within this many days."
                );
                let _ = writeln!(s, "round_within_days = {d}");
            }
            if let Some(h) = comb.record_half_life_days {
                let _ = writeln!(s, "record_half_life_days = {h}");
            }
            if !comb.reliability.is_empty() {
                let _ = writeln!(
                    s,
                    "# How the combined forecasts fared on the record, by tenth: [from, to, mean forecast, share that came true, n]."
                );
                let bins: Vec<String> = comb
                    .reliability
                    .iter()
                    .map(|b| {
                        format!(
                            "[{}, {}, {}, {}, {}]",
                            b.from, b.to, b.forecast, b.observed, b.n
                        )
                    })
                    .collect();
                let _ = writeln!(s, "reliability = [{}]", bins.join(", "));
            }
            let _ = writeln!(s, "[combination.families]");
            for (name, w) in &comb.families {
                let mut fields = vec![
                    format!("simulation = {}", w.simulation),
                    format!("last_cutoff = {}", w.last_cutoff),
                    format!("windows = {}", w.windows),
                ];
                if let Some(b) = w.brier_simulation {
                    fields.push(format!("brier_simulation = {b}"));
                }
                if let Some(b) = w.brier_last_cutoff {
                    fields.push(format!("brier_last_cutoff = {b}"));
                }
                let _ = writeln!(s, "{name} = {{ {} }}", fields.join(", "));
            }
        }
        let _ = writeln!(
            s,
            "\n[arrivals]\n# New profiles per week by CRS range (as [pool].ranges), before expiries and"
        );
        let _ = writeln!(
            s,
            "# withdrawals; those above 600 are provincial nominations."
        );
        let weekly: Vec<String> = self
            .arrivals_per_week
            .iter()
            .map(|a| a.to_string())
            .collect();
        let _ = writeln!(s, "per_week = [{}]", weekly.join(", "));
        let _ = writeln!(
            s,
            "# The relative spread of the arrival rate, sampled per run."
        );
        let _ = writeln!(s, "spread = {}\n", self.arrival_spread);
        let _ = writeln!(
            s,
            "[exits]\n# Not in the feed: assumptions. The weekly chance a waiting candidate withdraws,"
        );
        let _ = writeln!(
            s,
            "# and the shares of invited candidates who decline or let the ITA lapse."
        );
        let _ = writeln!(s, "withdrawal_per_week = {}", self.withdrawal_per_week);
        let _ = writeln!(s, "ita_decline = {}", self.responses.decline());
        let _ = writeln!(s, "ita_no_response = {}", self.responses.no_response());
        let mut table = toml::map::Map::new();
        if let Ok(v) = toml::Value::try_from(&self.after_ita) {
            table.insert("after_ita".to_string(), v);
        }
        let _ = writeln!(
            s,
            "\n# After an ITA: durations in days ({{ fixed = N }}, {{ exponential = MEAN }} or"
        );
        let _ = writeln!(
            s,
            "# {{ quantiles = [[probability, days], ...] }}) and chances; see eesim::landing."
        );
        let _ = write!(s, "{}", toml::to_string(&table).unwrap_or_default());
        s
    }
}

fn quote(s: &str) -> String {
    // JSON leaves U+007F raw, which TOML forbids inside a string.
    serde_json::to_string(s).map_or_else(|_| "\"\"".into(), |q| q.replace('\u{7f}', "\\u007f"))
}

fn write_families(s: &mut String, families: &BTreeMap<Family, crate::forecast::FamilyPool>) {
    let _ = writeln!(
        s,
        "\n# Families with a pool of their own (nominees and categories), by the refill model:"
    );
    let _ = writeln!(
        s,
        "# on day t a score s holds level * exp(-beta max(s - center, 0)) * min(t - emptied(s), residence_days)"
    );
    let _ = writeln!(
        s,
        "# candidates (less withdrawals), where emptied(s) is the last time a listed or simulated round"
    );
    let _ = writeln!(
        s,
        "# reached s (its tie-break at the cut-off). Each run multiplies the level by exp(level_spread * z)."
    );
    let _ = writeln!(s, "[families]");
    for (name, f) in families {
        let _ = writeln!(s, "[families.{name}]");
        let _ = writeln!(s, "source = {}", quote(&f.source));
        if let Some(g) = &f.guess {
            let _ = writeln!(s, "guess = {}", quote(g));
        }
        if f.snapshot_shape {
            let _ = writeln!(s, "shape = \"snapshot\"");
        }
        let _ = writeln!(s, "scores = [{}, {}]", f.shape.lo, f.shape.hi);
        let _ = writeln!(s, "center = {}", f.shape.center);
        let _ = writeln!(s, "beta = {}", f.shape.beta);
        let _ = writeln!(s, "residence_days = {}", f.shape.residence_days);
        let _ = writeln!(s, "level = {}", f.level);
        let _ = writeln!(s, "level_spread = {}", f.level_spread);
        let rounds: Vec<String> = f
            .rounds
            .iter()
            .map(|(at, cutoff, tie)| match tie {
                Some(t) => format!("{{ at = \"{at}\", cutoff = {cutoff}, tie_break = \"{t}\" }}"),
                None => format!("{{ at = \"{at}\", cutoff = {cutoff} }}"),
            })
            .collect();
        let _ = writeln!(s, "rounds = [{}]", rounds.join(", "));
    }
}

/// The comment above a scenario file's `[draws]`: the two forms of a family's plan.
const DRAWS_COMMENT: &str = "# Rounds per family, in one of two forms.
# Resampled: last = \"DATE\" (the family's last real round), gaps_days = [...] (days) and
#   sizes = [...]: after `last` each run draws its gaps and sizes, the first gap among those
#   longer than the time since `last` (so a `last` long past with short gaps holds no round
#   soon), and a family silent over a year holds none.
# Fixed: fixed = [{ date = \"2026-03-04\", size = 3000 }, ...]: exactly these rounds in every
#   run; fixed = [] holds none (`eesim chance --plan cec=3000/14d` or `--plan french=none` does
#   the same without editing the file; see scenarios/cec-every-two-weeks.toml).";
