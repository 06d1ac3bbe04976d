//! Reading and writing scenario files (TOML or JSON), reporting every problem by key path.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use jiff::civil::Date;
use serde_json::{Map, Value};

use super::{DrawPlan, Scenario, Share, StartPool};
use crate::candidate::Categories;
use crate::error::{ErrorKind, Result};
use crate::family::Family;
use crate::forecast::DensityModel;
use crate::ita::ResponseModel;
use crate::probability::Probability;

const RANGE_NAMES: &str = "601-1200, 501-600, 491-500, 481-490, 471-480, 461-470, 451-460, 441-450, 431-440, 421-430, 411-420, 401-410, 351-400, 301-350, 0-300";

impl Scenario {
    /// Reads a scenario from TOML.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidScenario`] listing every problem with its key path
    /// (`draws.cec.sizes[1]: expected a positive integer, found -5`).
    pub fn from_toml(text: &str) -> Result<Self> {
        Scenario::from_value(&toml_value(text)?, "", Path::new("."))
    }

    /// Reads a scenario from JSON, with the same keys as the TOML form.
    ///
    /// # Errors
    /// As [`Scenario::from_toml`].
    pub fn from_json(text: &str) -> Result<Self> {
        let json: Value =
            serde_json::from_str(text).map_err(|e| invalid("", vec![format!("JSON: {e}")]))?;
        Scenario::from_value(&json, "", Path::new("."))
    }

    /// Reads a scenario file: JSON when its name ends in `.json`, TOML otherwise.
    ///
    /// # Errors
    /// [`ErrorKind::Io`] when it cannot be read, otherwise as [`Scenario::from_toml`], naming
    /// the file.
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text =
            crate::input::read_text(path, crate::input::FILE_LIMIT).map_err(|e| ErrorKind::Io {
                context: format!("reading {}", path.display()),
                message: e.to_string(),
            })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let parsed = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str::<Value>(&text)
                .map_err(|e| invalid("", vec![format!("JSON: {e}")]))
                .and_then(|v| Scenario::from_value(&v, "", base))
        } else {
            toml_value(&text).and_then(|v| Scenario::from_value(&v, "", base))
        };
        parsed.map_err(|e| match e.into_kind() {
            ErrorKind::InvalidScenario { problems, .. } => {
                invalid(&path.display().to_string(), problems)
            }
            other => other.into(),
        })
    }

    fn from_value(v: &Value, file: &str, base: &Path) -> Result<Self> {
        let mut c = Check::default();
        let root = c.table(Some(v), "");
        let get = |k: &str| root.and_then(|m| m.get(k));
        if let Some(m) = root {
            c.unknown(
                m,
                "",
                &[
                    "version",
                    "as_of",
                    "source",
                    "validity_months",
                    "pool",
                    "shares",
                    "families",
                    "draws",
                    "arrivals",
                    "exits",
                    "after_ita",
                ],
            );
        }
        match get("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(2) => {}
            Some(Value::Number(n)) if n.as_u64() == Some(1) => c.problems.push(
                "version: expected 2, found 1 (a scenario of eesim 0.1, whose categories were shares of the pool: calibrate a new one with `eesim calibrate FEED.json`)".into(),
            ),
            other => c.problem("version", "2", other),
        }
        let as_of = c.date(get("as_of"), "as_of");
        let source = c.string(get("source"), "source");
        let validity_months = match get("validity_months") {
            None => Some(12),
            v => c.integer(v, "validity_months", 1, 60),
        };
        let (shares, mut categories) = shares(&mut c, get("shares"));
        let mut families = families(&mut c, get("families"), &mut categories);
        let draws = draws(&mut c, get("draws"), &mut categories);
        let pool = pool(&mut c, get("pool"), base, &mut categories);
        let (arrivals, spread) = arrivals(&mut c, get("arrivals"));
        let (withdrawal, responses) = exits(&mut c, get("exits"));
        let after_ita = match get("after_ita") {
            None => Some(crate::landing::AfterIta::default()),
            v => after_ita(&mut c, v),
        };
        for family in draws.keys() {
            if family.has_own_pool() && !families.contains_key(family) {
                c.problems.push(format!("families.{family}: expected the pool of a family that holds rounds, found nothing"));
            }
        }
        if let Some(w) = withdrawal {
            let exit = super::exit_per_day(w);
            for f in families.values_mut() {
                f.shape.exit_per_day = exit;
            }
        }
        if !c.problems.is_empty() {
            return Err(invalid(file, c.problems));
        }
        match (
            as_of,
            source,
            validity_months,
            pool,
            arrivals,
            spread,
            withdrawal,
            responses,
        ) {
            (
                Some(as_of),
                Some(source),
                Some(validity_months),
                Some(pool),
                Some(arrivals_per_week),
                Some(arrival_spread),
                Some(withdrawal_per_week),
                Some(responses),
            ) => Ok(Scenario {
                as_of,
                source,
                validity_months: u32::try_from(validity_months).unwrap_or(12),
                pool,
                shares,
                families,
                draws,
                arrivals_per_week,
                arrival_spread,
                withdrawal_per_week,
                responses,
                categories,
                after_ita: after_ita.unwrap_or_default(),
            }),
            _ => Err(invalid(file, vec!["incomplete scenario".into()])),
        }
    }

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
        let _ = writeln!(
            s,
            "\n# Rounds per family: resampled gaps (days) and sizes after the last real round,"
        );
        let _ = writeln!(s, "# or a fixed list of rounds.");
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

/// TOML text as a JSON value, or the syntax error with its line and column.
fn toml_value(text: &str) -> Result<Value> {
    let value: toml::Value = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map_or((1, 1), |s| crate::error::line_column(text, s.start));
        invalid(
            "",
            vec![format!(
                "TOML, line {line}, column {column}: {}",
                e.message().trim()
            )],
        )
    })?;
    serde_json::to_value(non_finite_marked(value)).map_err(|e| invalid("", vec![e.to_string()]))
}

/// JSON has no NaN or infinity: each becomes a one-key table naming it, which no check accepts
/// and `describe` prints as `NaN`, `infinity` or `-infinity`.
fn non_finite_marked(v: toml::Value) -> toml::Value {
    match v {
        toml::Value::Float(x) if !x.is_finite() => {
            let name = if x.is_nan() {
                "NaN"
            } else if x > 0.0 {
                "infinity"
            } else {
                "-infinity"
            };
            let mut t = toml::map::Map::new();
            t.insert(NON_FINITE.to_string(), toml::Value::String(name.into()));
            toml::Value::Table(t)
        }
        toml::Value::Array(a) => toml::Value::Array(a.into_iter().map(non_finite_marked).collect()),
        toml::Value::Table(t) => toml::Value::Table(
            t.into_iter()
                .map(|(k, v)| (k, non_finite_marked(v)))
                .collect(),
        ),
        other => other,
    }
}

const NON_FINITE: &str = "$__eesim_non_finite";

/// The NaN or infinity `m` marks, by name.
fn marked(m: &Map<String, Value>) -> Option<&'static str> {
    let name = m.get(NON_FINITE).filter(|_| m.len() == 1)?.as_str()?;
    ["NaN", "infinity", "-infinity"]
        .into_iter()
        .find(|n| *n == name)
}

/// The first NaN or infinity inside `v`, by name.
fn non_finite(v: &Value) -> Option<&'static str> {
    match v {
        Value::Object(m) if marked(m).is_some() => marked(m),
        Value::Object(m) => m.values().find_map(non_finite),
        Value::Array(a) => a.iter().find_map(non_finite),
        _ => None,
    }
}

fn quote(s: &str) -> String {
    // JSON leaves U+007F raw, which TOML forbids inside a string.
    serde_json::to_string(s).map_or_else(|_| "\"\"".into(), |q| q.replace('\u{7f}', "\\u007f"))
}

fn invalid(file: &str, problems: Vec<String>) -> crate::Error {
    ErrorKind::InvalidScenario {
        source_name: file.to_string(),
        problems,
    }
    .into()
}

fn pool(
    c: &mut Check,
    v: Option<&Value>,
    base: &Path,
    categories: &mut Categories,
) -> Option<StartPool> {
    let m = c.table(v, "pool")?;
    c.unknown(m, "pool", &["ranges", "density", "candidates"]);
    let candidates = match m.get("candidates") {
        None => None,
        Some(Value::String(file)) => {
            match crate::CandidateList::from_path(base.join(file), categories.clone()) {
                Ok(list) => {
                    *categories = list.categories().clone();
                    Some((file.clone(), list.candidates().to_vec()))
                }
                Err(e) => {
                    c.problems.push(format!("pool.candidates: {e}"));
                    return None;
                }
            }
        }
        other => {
            c.problem("pool.candidates", "the path of a candidate CSV file", other);
            return None;
        }
    };
    if let (Some((_, list)), None) = (&candidates, m.get("ranges")) {
        let mut counts = [0_u32; 15];
        for cand in list {
            let s = cand.score.get();
            if let Some(i) = crate::feed::RANGES
                .iter()
                .position(|r| r.low <= s && s <= r.high)
            {
                counts[i] = counts[i].saturating_add(1);
            }
        }
        let density = match m.get("density") {
            None => Some(DensityModel::Flat),
            v => density(c, v),
        };
        return Some(StartPool {
            ranges: counts,
            density: density?,
            candidates,
        });
    }
    let ranges = c
        .array(m.get("ranges"), "pool.ranges", Some(15))
        .map(|items| {
            let mut out = [0_u32; 15];
            for (i, item) in items.iter().enumerate() {
                if let Some(n) = c.integer(
                    Some(item),
                    &format!("pool.ranges[{i}]"),
                    0,
                    i64::from(u32::MAX),
                ) {
                    out[i] = u32::try_from(n).unwrap_or(0);
                }
            }
            out
        });
    let density = density(c, m.get("density"));
    Some(StartPool {
        ranges: ranges?,
        density: density?,
        candidates,
    })
}

fn density(c: &mut Check, v: Option<&Value>) -> Option<DensityModel> {
    match v {
        Some(Value::String(s)) if s == "flat" => Some(DensityModel::Flat),
        Some(Value::String(s)) if s == "smooth" => Some(DensityModel::Smooth),
        Some(Value::Object(d)) if d.len() == 1 && d.contains_key("decay") => c
            .number(d.get("decay"), "pool.density.decay", 1e-6, 1.0)
            .map(|rate| DensityModel::Decay { rate }),
        other => {
            c.problem(
                "pool.density",
                "\"flat\", \"smooth\" or { decay = RATE }",
                other,
            );
            None
        }
    }
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

fn families(
    c: &mut Check,
    v: Option<&Value>,
    categories: &mut Categories,
) -> BTreeMap<Family, crate::forecast::FamilyPool> {
    let mut out = BTreeMap::new();
    if v.is_none() {
        return out;
    }
    let Some(m) = c.table(v, "families") else {
        return out;
    };
    for (name, item) in m {
        let path = format!("families.{name}");
        let Some(family) = family_key(name).filter(Family::has_own_pool) else {
            c.problem(
                &path,
                "pnp or a category (programs draw from the snapshot's pool)",
                Some(&Value::String(name.clone())),
            );
            continue;
        };
        if family.is_category() && categories.register(name).is_err() {
            c.problem(
                &path,
                "a lower-case name of letters, digits and '_'",
                Some(&Value::String(name.clone())),
            );
            continue;
        }
        let Some(t) = c.table(Some(item), &path) else {
            continue;
        };
        c.unknown(
            t,
            &path,
            &[
                "source",
                "guess",
                "scores",
                "center",
                "beta",
                "residence_days",
                "level",
                "level_spread",
                "rounds",
            ],
        );
        let source = c.string(t.get("source"), &format!("{path}.source"));
        let guess = match t.get("guess") {
            None => Some(None),
            v => c.string(v, &format!("{path}.guess")).map(Some),
        };
        let scores = c.integers(t.get("scores"), &format!("{path}.scores"), 0, 1200, false);
        let scores = match scores.as_deref() {
            Some(&[lo, hi]) if lo <= hi => Some((lo as u16, hi as u16)),
            Some(_) => {
                c.problem(
                    &format!("{path}.scores"),
                    "[lowest, highest] with lowest <= highest",
                    t.get("scores"),
                );
                None
            }
            None => None,
        };
        let center = c.number(t.get("center"), &format!("{path}.center"), 0.0, 1200.0);
        let beta = c.number(t.get("beta"), &format!("{path}.beta"), -1.0, 1.0);
        let residence = c.number(
            t.get("residence_days"),
            &format!("{path}.residence_days"),
            1.0,
            3650.0,
        );
        let level = c.number(t.get("level"), &format!("{path}.level"), 0.0, 1e6);
        let spread = c.number(
            t.get("level_spread"),
            &format!("{path}.level_spread"),
            0.0,
            5.0,
        );
        let mut rounds = Vec::new();
        if let Some(list) = c.array(t.get("rounds"), &format!("{path}.rounds"), None) {
            for (i, r) in list.iter().enumerate() {
                let p = format!("{path}.rounds[{i}]");
                let Some(rt) = c.table(Some(r), &p) else {
                    continue;
                };
                c.unknown(rt, &p, &["at", "cutoff", "tie_break"]);
                let at = c.timestamp(rt.get("at"), &format!("{p}.at"));
                let cutoff = c.integer(rt.get("cutoff"), &format!("{p}.cutoff"), 0, 1200);
                let tie = match rt.get("tie_break") {
                    None => Some(None),
                    v => c.timestamp(v, &format!("{p}.tie_break")).map(Some),
                };
                if let (Some(at), Some(cutoff), Some(tie)) = (at, cutoff, tie) {
                    rounds.push((at, cutoff as u16, tie));
                }
            }
        }
        rounds.sort_by_key(|r| r.0);
        if let (
            Some(source),
            Some(guess),
            Some((lo, hi)),
            Some(center),
            Some(beta),
            Some(residence_days),
            Some(level),
            Some(level_spread),
        ) = (
            source, guess, scores, center, beta, residence, level, spread,
        ) {
            out.insert(
                family,
                crate::forecast::FamilyPool {
                    shape: crate::forecast::RefillShape {
                        lo,
                        hi,
                        center,
                        beta,
                        residence_days,
                        exit_per_day: 0.0,
                    },
                    level,
                    level_spread,
                    rounds,
                    source,
                    guess,
                },
            );
        }
    }
    out
}

fn shares(c: &mut Check, v: Option<&Value>) -> (BTreeMap<Family, Share>, Categories) {
    let mut out = BTreeMap::new();
    let categories = Categories::new();
    let Some(m) = c.table(v, "shares") else {
        return (out, categories);
    };
    for (name, item) in m {
        let path = format!("shares.{name}");
        let Some(family) = family_key(name).filter(|f| f.program().is_some()) else {
            c.problem(
                &path,
                "a program: cec, fsw or fst (categories have a pool of their own under [families])",
                Some(&Value::String(name.clone())),
            );
            continue;
        };
        let Some(t) = c.table(Some(item), &path) else {
            continue;
        };
        c.unknown(t, &path, &["mean", "spread"]);
        let mean = c.number(t.get("mean"), &format!("{path}.mean"), 0.0, 1.0);
        let spread = c.number(t.get("spread"), &format!("{path}.spread"), 0.0, 1.0);
        if let (Some(mean), Some(spread)) = (mean, spread) {
            out.insert(family, Share { mean, spread });
        }
    }
    (out, categories)
}

fn draws(
    c: &mut Check,
    v: Option<&Value>,
    categories: &mut Categories,
) -> BTreeMap<Family, DrawPlan> {
    let mut out = BTreeMap::new();
    let Some(m) = c.table(v, "draws") else {
        return out;
    };
    for (name, item) in m {
        let path = format!("draws.{name}");
        let Some(family) =
            family_key(name).filter(|f| !f.is_category() || categories.register(name).is_ok())
        else {
            c.problem(
                &path,
                "a family: general, cec, fsw, fst, pnp or a lower-case category name",
                Some(&Value::String(name.clone())),
            );
            continue;
        };
        let Some(t) = c.table(Some(item), &path) else {
            continue;
        };
        let plan = if t.contains_key("fixed") {
            c.unknown(t, &path, &["fixed"]);
            c.array(t.get("fixed"), &format!("{path}.fixed"), None)
                .map(|rounds| {
                    let mut list = Vec::new();
                    for (i, r) in rounds.iter().enumerate() {
                        let p = format!("{path}.fixed[{i}]");
                        let Some(rt) = c.table(Some(r), &p) else {
                            continue;
                        };
                        c.unknown(rt, &p, &["date", "size"]);
                        let date = c.date(rt.get("date"), &format!("{p}.date"));
                        let size = c.integer(rt.get("size"), &format!("{p}.size"), 1, 100_000);
                        if let (Some(d), Some(n)) = (date, size) {
                            list.push((d, u32::try_from(n).unwrap_or(1)));
                        }
                    }
                    list.sort();
                    DrawPlan::Fixed(list)
                })
        } else {
            c.unknown(t, &path, &["last", "gaps_days", "sizes"]);
            let last = c.date(t.get("last"), &format!("{path}.last"));
            let gaps = c.integers(
                t.get("gaps_days"),
                &format!("{path}.gaps_days"),
                1,
                3650,
                true,
            );
            let sizes = c.integers(t.get("sizes"), &format!("{path}.sizes"), 1, 100_000, false);
            match (last, gaps, sizes) {
                (Some(last), Some(gaps_days), Some(sizes)) => Some(DrawPlan::Resample {
                    last,
                    gaps_days,
                    sizes,
                }),
                _ => None,
            }
        };
        if let Some(plan) = plan {
            out.insert(family, plan);
        }
    }
    out
}

/// The stages after an ITA, each field checked on its own so that every problem is named.
fn after_ita(c: &mut Check, v: Option<&Value>) -> Option<crate::landing::AfterIta> {
    use crate::landing::{AfterIta, Duration};
    let m = c.table(v, "after_ita")?;
    const DURATIONS: [&str; 5] = [
        "submit_days",
        "biometrics_days",
        "processing_days",
        "landing_days",
        "travel_days",
    ];
    let mut keys: Vec<&str> = DURATIONS.to_vec();
    keys.extend(["approval", "in_canada", "document_validity_days"]);
    c.unknown(m, "after_ita", &keys);
    let default = AfterIta::default();
    let mut durations = Vec::new();
    for name in DURATIONS {
        let path = format!("after_ita.{name}");
        let d = match m.get(name) {
            None => None,
            Some(v) => match serde_json::from_value::<Duration>(v.clone()) {
                Ok(d) => match d.validate(&path) {
                    Ok(()) => Some(d),
                    Err(e) => {
                        c.problems.push(e.to_string());
                        None
                    }
                },
                Err(_) => {
                    let expected = "{ fixed = DAYS }, { exponential = MEAN } or { quantiles = [[probability, days], ...] }";
                    match non_finite(v) {
                        Some(name) => c
                            .problems
                            .push(format!("{path}: expected {expected}, found {name}")),
                        None => c.problem(&path, expected, Some(v)),
                    }
                    None
                }
            },
        };
        durations.push(d);
    }
    let number = |c: &mut Check, key: &str, hi: f64, fallback: f64| match m.get(key) {
        None => Some(fallback),
        v => c.number(v, &format!("after_ita.{key}"), 0.0, hi),
    };
    let approval = number(c, "approval", 1.0, default.approval);
    let in_canada = number(c, "in_canada", 1.0, default.in_canada);
    let validity = number(
        c,
        "document_validity_days",
        36_525.0,
        default.document_validity_days,
    );
    let pick = |i: usize, d: Duration| durations.get(i).cloned().flatten().unwrap_or(d);
    Some(AfterIta {
        submit_days: pick(0, default.submit_days.clone()),
        biometrics_days: pick(1, default.biometrics_days.clone()),
        processing_days: pick(2, default.processing_days.clone()),
        landing_days: pick(3, default.landing_days.clone()),
        travel_days: pick(4, default.travel_days.clone()),
        approval: approval?,
        in_canada: in_canada?,
        document_validity_days: validity?,
    })
}

fn arrivals(c: &mut Check, v: Option<&Value>) -> (Option<[f64; 15]>, Option<f64>) {
    let Some(m) = c.table(v, "arrivals") else {
        return (None, None);
    };
    c.unknown(m, "arrivals", &["per_week", "spread"]);
    let weekly = c
        .array(m.get("per_week"), "arrivals.per_week", Some(15))
        .map(|items| {
            let mut out = [0.0; 15];
            for (i, item) in items.iter().enumerate() {
                out[i] = c
                    .number(Some(item), &format!("arrivals.per_week[{i}]"), 0.0, 1e7)
                    .unwrap_or(0.0);
            }
            out
        });
    let spread = match m.get("spread") {
        None => Some(0.0),
        v => c.number(v, "arrivals.spread", 0.0, 1.0),
    };
    (weekly, spread)
}

fn exits(c: &mut Check, v: Option<&Value>) -> (Option<Probability>, Option<ResponseModel>) {
    let Some(m) = c.table(v, "exits") else {
        return (None, None);
    };
    c.unknown(
        m,
        "exits",
        &["withdrawal_per_week", "ita_decline", "ita_no_response"],
    );
    let w = c.number(
        m.get("withdrawal_per_week"),
        "exits.withdrawal_per_week",
        0.0,
        1.0,
    );
    let d = c.number(m.get("ita_decline"), "exits.ita_decline", 0.0, 1.0);
    let n = c.number(m.get("ita_no_response"), "exits.ita_no_response", 0.0, 1.0);
    let responses = match (d, n) {
        (Some(d), Some(n)) => match ResponseModel::new(d, n) {
            Ok(r) => Some(r),
            Err(_) => {
                c.problems.push(format!(
                    "exits: expected ita_decline + ita_no_response at most 1, found {}",
                    d + n
                ));
                None
            }
        },
        _ => None,
    };
    (w.and_then(|w| Probability::new(w).ok()), responses)
}

/// Collects problems while walking a parsed file.
#[derive(Default)]
struct Check {
    problems: Vec<String>,
}

impl Check {
    fn problem(&mut self, path: &str, expected: &str, found: Option<&Value>) {
        let path = if path.is_empty() { "scenario" } else { path };
        self.problems.push(format!(
            "{path}: expected {expected}, found {}",
            describe(found)
        ));
    }

    fn table<'a>(&mut self, v: Option<&'a Value>, path: &str) -> Option<&'a Map<String, Value>> {
        match v {
            Some(Value::Object(m)) if !is_toml_date(m) => Some(m),
            other => {
                self.problem(path, "a table", other);
                None
            }
        }
    }

    fn unknown(&mut self, m: &Map<String, Value>, path: &str, allowed: &[&str]) {
        for key in m.keys().filter(|k| !allowed.contains(&k.as_str())) {
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            self.problems.push(format!(
                "{at}: expected one of the keys {}, found an unknown key",
                allowed.join(", ")
            ));
        }
    }

    fn array<'a>(
        &mut self,
        v: Option<&'a Value>,
        path: &str,
        len: Option<usize>,
    ) -> Option<&'a Vec<Value>> {
        match (v, len) {
            (Some(Value::Array(a)), Some(n)) if a.len() != n => {
                self.problems.push(format!(
                    "{path}: expected a list of {n} numbers, found a list of {}",
                    a.len()
                ));
                None
            }
            (Some(Value::Array(a)), _) => Some(a),
            (other, _) => {
                self.problem(path, "a list", other);
                None
            }
        }
    }

    fn integer(&mut self, v: Option<&Value>, path: &str, lo: i64, hi: i64) -> Option<i64> {
        let expected = if lo == 1 && hi >= 100_000 {
            "a positive integer".to_string()
        } else {
            format!("an integer from {lo} to {hi}")
        };
        match v.and_then(Value::as_i64) {
            Some(n) if (lo..=hi).contains(&n) => Some(n),
            _ => {
                self.problem(path, &expected, v);
                None
            }
        }
    }

    fn integers(
        &mut self,
        v: Option<&Value>,
        path: &str,
        lo: i64,
        hi: i64,
        may_be_empty: bool,
    ) -> Option<Vec<u32>> {
        let items = self.array(v, path, None)?;
        if items.is_empty() && !may_be_empty {
            self.problems.push(format!(
                "{path}: expected at least one value, found an empty list"
            ));
            return None;
        }
        let before = self.problems.len();
        let out: Vec<u32> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.integer(Some(item), &format!("{path}[{i}]"), lo, hi))
            .filter_map(|n| u32::try_from(n).ok())
            .collect();
        (self.problems.len() == before).then_some(out)
    }

    fn number(&mut self, v: Option<&Value>, path: &str, lo: f64, hi: f64) -> Option<f64> {
        match v.and_then(Value::as_f64) {
            Some(x) if (lo..=hi).contains(&x) => Some(x),
            _ => {
                self.problem(path, &format!("a number from {lo} to {hi}"), v);
                None
            }
        }
    }

    fn string(&mut self, v: Option<&Value>, path: &str) -> Option<String> {
        match v {
            Some(Value::String(s)) => Some(s.clone()),
            other => {
                self.problem(path, "a string", other);
                None
            }
        }
    }

    fn date(&mut self, v: Option<&Value>, path: &str) -> Option<Date> {
        let text = match v {
            Some(Value::String(s)) => Some(s.as_str()),
            Some(Value::Object(m)) if is_toml_date(m) => m.values().next().and_then(Value::as_str),
            _ => None,
        };
        match text.and_then(|t| t.parse::<Date>().ok()) {
            Some(d) => Some(d),
            None => {
                self.problem(path, "a date like \"2026-02-16\"", v);
                None
            }
        }
    }
}

impl Check {
    fn timestamp(&mut self, v: Option<&Value>, path: &str) -> Option<crate::Timestamp> {
        match v
            .and_then(Value::as_str)
            .map(str::parse::<crate::Timestamp>)
        {
            Some(Ok(t)) => Some(t),
            _ => {
                self.problem(path, "a UTC time like \"2026-02-06T14:00:00Z\"", v);
                None
            }
        }
    }
}

/// Whether a table is TOML's encoding of a bare date (or a NaN or infinity, as marked).
fn is_toml_date(m: &Map<String, Value>) -> bool {
    m.len() == 1
        && m.keys()
            .all(|k| k.starts_with("$__toml_private") || k == NON_FINITE)
}

fn describe(v: Option<&Value>) -> String {
    match v {
        Some(Value::Object(m)) if marked(m).is_some() => marked(m).unwrap_or("NaN").to_string(),
        _ => crate::error::describe_json(v),
    }
}

/// A family named by a table key: lower-case, as eesim writes it (`CEC` is not a key).
fn family_key(name: &str) -> Option<Family> {
    Family::new(name).ok().filter(|f| f.as_str() == name)
}
