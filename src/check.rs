//! One checker for the files people write (scenarios, CRS profiles): it walks a parsed
//! value and collects every problem with its key path, instead of stopping at the first.

use jiff::civil::Date;
use serde_json::{Map, Value};

use crate::error::Problem;

/// Collects every problem of a parsed file (a scenario, a CRS profile) while walking it,
/// each with its key path.
#[derive(Debug, Default)]
pub(crate) struct Check {
    /// The problems so far, in the order found.
    pub(crate) problems: Vec<Problem>,
    /// What the file's root is called in a problem at the root (`scenario`, `profile`).
    pub(crate) root: &'static str,
}

impl Check {
    /// A checker whose root-level problems name `root`.
    pub(crate) fn new(root: &'static str) -> Self {
        Check {
            problems: Vec::new(),
            root,
        }
    }

    /// A problem at `path`: `message` says what was expected and found.
    pub(crate) fn push(&mut self, path: &str, message: impl Into<String>) {
        let path = if path.is_empty() { self.root } else { path };
        self.problems.push(Problem::new(path, message));
    }

    /// A problem at `path`: `expected`, and what was found there.
    pub(crate) fn problem(&mut self, path: &str, expected: &str, found: Option<&Value>) {
        self.push(
            path,
            format!("expected {expected}, found {}", describe(found)),
        );
    }

    pub(crate) fn table<'a>(
        &mut self,
        v: Option<&'a Value>,
        path: &str,
    ) -> Option<&'a Map<String, Value>> {
        match v {
            Some(Value::Object(m)) if !is_toml_date(m) => Some(m),
            other => {
                self.problem(path, "a table", other);
                None
            }
        }
    }

    /// A problem for every key of `m` not in `allowed`, each a `noun` (`key`, `field`) of
    /// the table at `path`; with `hint`, the nearest allowed key as "did you mean".
    pub(crate) fn unknown(
        &mut self,
        m: &Map<String, Value>,
        path: &str,
        allowed: &[&str],
        noun: &str,
        hint: bool,
    ) {
        for key in m.keys().filter(|k| !allowed.contains(&k.as_str())) {
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let near = crate::suggest::did_you_mean(key, allowed.iter().copied())
                .filter(|_| hint)
                .map_or_else(String::new, |k| format!(" (did you mean {k}?)"));
            self.push(
                &at,
                format!(
                    "expected one of the {noun}s {}, found an unknown {noun}{near}",
                    allowed.join(", ")
                ),
            );
        }
    }

    pub(crate) fn array<'a>(
        &mut self,
        v: Option<&'a Value>,
        path: &str,
        len: Option<usize>,
    ) -> Option<&'a Vec<Value>> {
        match (v, len) {
            (Some(Value::Array(a)), Some(n)) if a.len() != n => {
                self.push(
                    path,
                    format!(
                        "expected a list of {n} numbers, found a list of {}",
                        a.len()
                    ),
                );
                None
            }
            (Some(Value::Array(a)), _) => Some(a),
            (other, _) => {
                self.problem(path, "a list", other);
                None
            }
        }
    }

    pub(crate) fn integer(
        &mut self,
        v: Option<&Value>,
        path: &str,
        lo: i64,
        hi: i64,
    ) -> Option<i64> {
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

    pub(crate) fn integers(
        &mut self,
        v: Option<&Value>,
        path: &str,
        lo: i64,
        hi: i64,
        may_be_empty: bool,
    ) -> Option<Vec<u32>> {
        let items = self.array(v, path, None)?;
        if items.is_empty() && !may_be_empty {
            self.push(path, "expected at least one value, found an empty list");
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

    pub(crate) fn number(
        &mut self,
        v: Option<&Value>,
        path: &str,
        lo: f64,
        hi: f64,
    ) -> Option<f64> {
        match v.and_then(Value::as_f64) {
            Some(x) if (lo..=hi).contains(&x) => Some(x),
            _ => {
                self.problem(path, &format!("a number from {lo} to {hi}"), v);
                None
            }
        }
    }

    pub(crate) fn string(&mut self, v: Option<&Value>, path: &str) -> Option<String> {
        match v {
            Some(Value::String(s)) => Some(s.clone()),
            other => {
                self.problem(path, "a string", other);
                None
            }
        }
    }

    /// A date (a string, or a TOML date), named with an `example` in a problem.
    pub(crate) fn date(&mut self, v: Option<&Value>, path: &str, example: &str) -> Option<Date> {
        let text = match v {
            Some(Value::String(s)) => Some(s.trim()),
            Some(Value::Object(m)) if is_toml_date(m) => m.values().next().and_then(Value::as_str),
            _ => None,
        };
        match text.and_then(|t| t.parse::<Date>().ok()) {
            Some(d) => Some(d),
            None => {
                self.problem(path, &format!("a date like {example:?}"), v);
                None
            }
        }
    }

    /// An instant in UTC, such as `"2026-02-06T14:00:00Z"`.
    pub(crate) fn timestamp(
        &mut self,
        v: Option<&Value>,
        path: &str,
    ) -> Option<crate::time::Timestamp> {
        match v
            .and_then(Value::as_str)
            .map(str::parse::<crate::time::Timestamp>)
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
pub(crate) fn is_toml_date(m: &Map<String, Value>) -> bool {
    m.len() == 1
        && m.keys()
            .all(|k| k.starts_with("$__toml_private") || k == NON_FINITE)
}

/// How a found value is named in a problem (`nothing`, `"abc"`, `a table`, `NaN`, ...).
pub(crate) fn describe(v: Option<&Value>) -> String {
    match v {
        Some(Value::Object(m)) if marked(m).is_some() => marked(m).unwrap_or("NaN").to_string(),
        _ => crate::error::describe_json(v),
    }
}

/// The key of the one-key table that marks a NaN or infinity read from TOML.
pub(crate) const NON_FINITE: &str = "$__eesim_non_finite";

/// The NaN or infinity `m` marks, by name.
pub(crate) fn marked(m: &Map<String, Value>) -> Option<&'static str> {
    let name = m.get(NON_FINITE).filter(|_| m.len() == 1)?.as_str()?;
    ["NaN", "infinity", "-infinity"]
        .into_iter()
        .find(|n| *n == name)
}
