//! Checking a parsed scenario file: every key and value, each problem with its key path.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::read::{invalid, non_finite};
use super::{Scenario, Share, StartPool};
use crate::candidate::Categories;
use crate::check::Check;
use crate::error::Problem;
use crate::error::Result;
use crate::family::Family;
use crate::forecast::{DensityModel, DrawPlan};
use crate::ita::ResponseModel;
use crate::probability::Probability;

impl Scenario {
    /// The scenario a parsed file describes, or every problem it has.
    pub(super) fn checked(v: &Value, file: &str, base: &Path) -> Result<Self> {
        let mut c = Check::new("scenario");
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
                    "schedule",
                    "combination",
                    "arrivals",
                    "exits",
                    "after_ita",
                ],
                "key",
                false,
            );
        }
        match get("version") {
            Some(Value::Number(n)) if n.as_u64() == Some(2) => {}
            Some(Value::Number(n)) if n.as_u64() == Some(1) => c.push(
                "version",
                "expected 2, found 1 (a scenario of eesim 0.1, whose categories were shares of the pool: calibrate a new one with `eesim calibrate FEED.json`)",
            ),
            other => c.problem("version", "2", other),
        }
        let as_of = c.date(get("as_of"), "as_of", "2026-02-16");
        let source = c.string(get("source"), "source");
        let validity_months = match get("validity_months") {
            None => Some(12),
            v => c.integer(v, "validity_months", 1, 60),
        };
        let (shares, mut categories) = shares(&mut c, get("shares"));
        let mut families = families(&mut c, get("families"), &mut categories);
        let draws = draws(&mut c, get("draws"), &mut categories);
        let pool = pool(&mut c, get("pool"), base, &mut categories);
        let schedule = schedule(&mut c, get("schedule"));
        // A weight for a family without rounds is harmless: nothing follows it.
        let combination = combination(&mut c, get("combination"));
        let (arrivals, spread) = arrivals(&mut c, get("arrivals"));
        let (withdrawal, responses) = exits(&mut c, get("exits"));
        let after_ita = match get("after_ita") {
            None => Some(crate::landing::AfterIta::default()),
            v => after_ita(&mut c, v),
        };
        for family in draws.keys() {
            if family.has_own_pool() && !families.contains_key(family) {
                c.push(
                    &format!("families.{family}"),
                    "expected the pool of a family that holds rounds, found nothing",
                );
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
            schedule,
            combination,
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
                Some(schedule),
                Some(combination),
            ) => Ok(Scenario {
                as_of,
                source,
                validity_months: u32::try_from(validity_months).unwrap_or(12),
                pool,
                shares,
                families,
                draws,
                schedule,
                combination,
                arrivals_per_week,
                arrival_spread,
                withdrawal_per_week,
                responses,
                categories,
                after_ita: after_ita.unwrap_or_default(),
            }),
            _ => Err(invalid(file, vec![Problem::new("scenario", "incomplete")])),
        }
    }
}

fn pool(
    c: &mut Check,
    v: Option<&Value>,
    base: &Path,
    categories: &mut Categories,
) -> Option<StartPool> {
    let m = c.table(v, "pool")?;
    c.unknown(
        m,
        "pool",
        &["ranges", "density", "candidates"],
        "key",
        false,
    );
    let candidates = match m.get("candidates") {
        None => None,
        Some(Value::String(file)) => {
            match crate::candidate_file::CandidateList::from_path(
                base.join(file),
                categories.clone(),
            ) {
                Ok(list) => {
                    *categories = list.categories().clone();
                    Some((file.clone(), list.candidates().to_vec()))
                }
                Err(e) => {
                    c.push("pool.candidates", e.to_string());
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
        let shape = item.as_object().and_then(|t| t.get("shape"));
        let snapshot_shape = shape.is_some_and(|v| v == "snapshot");
        if shape.is_some() && !snapshot_shape {
            c.problem(
                &format!("{path}.shape"),
                "\"snapshot\" (or no shape: exp(-beta max(s - center, 0)))",
                shape,
            );
            continue;
        }
        let Some(family) = family_key(name).filter(|f| f.has_own_pool() || snapshot_shape) else {
            c.problem(
                &path,
                "pnp or a category (programs draw from the snapshot's pool, or from one shaped like it with shape = \"snapshot\")",
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
                "shape",
                "scores",
                "center",
                "beta",
                "residence_days",
                "level",
                "level_spread",
                "rounds",
            ],
            "key",
            false,
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
                c.unknown(rt, &p, &["at", "cutoff", "tie_break"], "key", false);
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
                    snapshot_shape,
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
        c.unknown(t, &path, &["mean", "spread"], "key", false);
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
            c.unknown(t, &path, &["fixed"], "key", false);
            c.array(t.get("fixed"), &format!("{path}.fixed"), None)
                .map(|rounds| {
                    let mut list = Vec::new();
                    for (i, r) in rounds.iter().enumerate() {
                        let p = format!("{path}.fixed[{i}]");
                        let Some(rt) = c.table(Some(r), &p) else {
                            continue;
                        };
                        c.unknown(rt, &p, &["date", "size"], "key", false);
                        let date = c.date(rt.get("date"), &format!("{p}.date"), "2026-02-16");
                        let size = c.integer(rt.get("size"), &format!("{p}.size"), 1, 100_000);
                        if let (Some(d), Some(n)) = (date, size) {
                            list.push((d, u32::try_from(n).unwrap_or(1)));
                        }
                    }
                    list.sort();
                    DrawPlan::Fixed(list)
                })
        } else {
            c.unknown(t, &path, &["last", "gaps_days", "sizes"], "key", false);
            let last = c.date(t.get("last"), &format!("{path}.last"), "2026-02-16");
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
    c.unknown(m, "after_ita", &keys, "key", false);
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
                        c.push(&path, e.to_string());
                        None
                    }
                },
                Err(_) => {
                    let expected = "{ fixed = DAYS }, { exponential = MEAN } or { quantiles = [[probability, days], ...] }";
                    match non_finite(v) {
                        Some(name) => c.push(&path, format!("expected {expected}, found {name}")),
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
    c.unknown(m, "arrivals", &["per_week", "spread"], "key", false);
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

/// The `[combination]` table: `Some(None)` when it is missing.
fn combination(c: &mut Check, v: Option<&Value>) -> Option<Option<crate::forecast::Combination>> {
    if v.is_none() {
        return Some(None);
    }
    let m = c.table(v, "combination")?;
    c.unknown(
        m,
        "combination",
        &[
            "source",
            "spread",
            "round_within_days",
            "record_half_life_days",
            "reliability",
            "families",
        ],
        "key",
        false,
    );
    let source = c.string(m.get("source"), "combination.source");
    let spread = c.number(m.get("spread"), "combination.spread", 0.0, 100.0);
    let round = match m.get("round_within_days") {
        None => Some(None),
        v => c
            .integer(v, "combination.round_within_days", 1, 3650)
            .map(|d| Some(d as u32)),
    };
    let half = match m.get("record_half_life_days") {
        None => Some(None),
        v => c
            .number(v, "combination.record_half_life_days", 1.0, 3650.0)
            .map(Some),
    };
    let mut reliability = Vec::new();
    let list = match m.get("reliability") {
        None => None,
        v => c.array(v, "combination.reliability", None),
    };
    for (i, item) in list.into_iter().flatten().enumerate() {
        let numbers: Option<Vec<f64>> = item
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .filter(|v: &Vec<f64>| {
                v.len() == 5 && v[..4].iter().all(|x| (0.0..=1.0).contains(x)) && v[4] >= 0.0
            });
        match numbers {
            Some(v) => reliability.push(crate::forecast::ReliabilityBin {
                from: v[0],
                to: v[1],
                forecast: v[2],
                observed: v[3],
                n: v[4] as u32,
            }),
            None => c.problem(
                &format!("combination.reliability[{i}]"),
                "[from, to, mean forecast, share that came true, n], the first four from 0 to 1",
                Some(item),
            ),
        }
    }
    let mut families = BTreeMap::new();
    if let Some(f) = c.table(m.get("families"), "combination.families") {
        for (name, item) in f {
            let path = format!("combination.families.{name}");
            let Some(family) = family_key(name) else {
                c.problem(&path, "a family's name", Some(&Value::String(name.clone())));
                continue;
            };
            let Some(t) = c.table(Some(item), &path) else {
                continue;
            };
            c.unknown(
                t,
                &path,
                &[
                    "simulation",
                    "last_cutoff",
                    "windows",
                    "brier_simulation",
                    "brier_last_cutoff",
                ],
                "key",
                false,
            );
            let w = c.number(t.get("simulation"), &format!("{path}.simulation"), 0.0, 1.0);
            let last = c.integer(
                t.get("last_cutoff"),
                &format!("{path}.last_cutoff"),
                0,
                1200,
            );
            let windows = match t.get("windows") {
                None => Some(0),
                v => c.integer(v, &format!("{path}.windows"), 0, 100_000),
            };
            let mut brier = |key: &str| match t.get(key) {
                None => Some(None),
                v => c.number(v, &format!("{path}.{key}"), 0.0, 1.0).map(Some),
            };
            let bs = brier("brier_simulation");
            let bl = brier("brier_last_cutoff");
            if let (Some(w), Some(last), Some(windows), Some(bs), Some(bl)) =
                (w, last, windows, bs, bl)
            {
                families.insert(
                    family,
                    crate::forecast::FamilyWeight {
                        simulation: w,
                        last_cutoff: last as u16,
                        windows: windows as u32,
                        brier_simulation: bs,
                        brier_last_cutoff: bl,
                    },
                );
            }
        }
    }
    Some(Some(crate::forecast::Combination {
        source: source?,
        spread: spread?,
        round_within_days: round?,
        record_half_life_days: half?,
        families,
        reliability,
    }))
}

/// The `[schedule]` table; the defaults when it is missing (files written before it).
fn schedule(c: &mut Check, v: Option<&Value>) -> Option<super::Schedule> {
    let default = super::Schedule::default();
    if v.is_none() {
        return Some(default);
    }
    let m = c.table(v, "schedule")?;
    c.unknown(
        m,
        "schedule",
        &[
            "half_life_rounds",
            "own_pause",
            "pooled_pause",
            "first_half_life_rounds",
            "size_persistence",
            "open_gaps",
        ],
        "key",
        false,
    );
    let half = match m.get("half_life_rounds") {
        None => Some(default.half_life_rounds),
        v => c.number(v, "schedule.half_life_rounds", 0.1, 1e6),
    };
    let mut pause = |key: &str| match m.get(key) {
        None => Some(0.0),
        v => c.number(v, &format!("schedule.{key}"), 0.0, 1000.0),
    };
    let own = pause("own_pause");
    let pooled = pause("pooled_pause");
    let persistence = match m.get("size_persistence") {
        None => Some(0.0),
        v => c.number(v, "schedule.size_persistence", 0.0, 1.0),
    };
    let first = match m.get("first_half_life_rounds") {
        None => Some(None),
        v => c
            .number(v, "schedule.first_half_life_rounds", 0.1, 1e6)
            .map(Some),
    };
    let open = match m.get("open_gaps") {
        None => Some(Vec::new()),
        v => c.integers(v, "schedule.open_gaps", 1, 3650, true),
    };
    Some(super::Schedule {
        half_life_rounds: half?,
        own_pause: own?,
        pooled_pause: pooled?,
        first_half_life_rounds: first?,
        size_persistence: persistence?,
        open_gaps: open?,
    })
}

fn exits(c: &mut Check, v: Option<&Value>) -> (Option<Probability>, Option<ResponseModel>) {
    let Some(m) = c.table(v, "exits") else {
        return (None, None);
    };
    c.unknown(
        m,
        "exits",
        &["withdrawal_per_week", "ita_decline", "ita_no_response"],
        "key",
        false,
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
                c.push(
                    "exits",
                    format!(
                        "expected ita_decline + ita_no_response at most 1, found {}",
                        d + n
                    ),
                );
                None
            }
        },
        _ => None,
    };
    (w.and_then(|w| Probability::new(w).ok()), responses)
}

/// A family named by a table key: lower-case, as eesim writes it (`CEC` is not a key).
fn family_key(name: &str) -> Option<Family> {
    Family::new(name).ok().filter(|f| f.as_str() == name)
}
