//! Reading a scenario file: TOML or JSON text (or a file path) to a parsed value, whose
//! every problem `check.rs` then lists by key path.

use std::path::Path;

use serde_json::Value;

use super::Scenario;
use crate::check::{NON_FINITE, marked};
use crate::error::Problem;
use crate::error::{ErrorKind, Result};

impl Scenario {
    /// Reads a scenario from TOML.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidScenario`] listing every problem with its key path
    /// (`draws.cec.sizes[1]: expected a positive integer, found -5`).
    pub fn from_toml(text: &str) -> Result<Self> {
        Scenario::checked(&toml_value(text)?, "", Path::new("."))
    }

    /// Reads a scenario from JSON, with the same keys as the TOML form.
    ///
    /// # Errors
    /// As [`Scenario::from_toml`].
    pub fn from_json(text: &str) -> Result<Self> {
        let json: Value =
            serde_json::from_str(text).map_err(|e| invalid("", vec![json_problem(&e)]))?;
        Scenario::checked(&json, "", Path::new("."))
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
                source: crate::error::Cause::new(e),
            })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let parsed = if path.extension().is_some_and(|e| e == "json") {
            serde_json::from_str::<Value>(&text)
                .map_err(|e| invalid("", vec![json_problem(&e)]))
                .and_then(|v| Scenario::checked(&v, "", base))
        } else {
            toml_value(&text).and_then(|v| Scenario::checked(&v, "", base))
        };
        parsed.map_err(|e| match e.into_kind() {
            ErrorKind::InvalidScenario { problems, .. } => {
                invalid(&path.display().to_string(), problems)
            }
            other => other.into(),
        })
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
            vec![Problem {
                path: "TOML".into(),
                at: Some((line, column)),
                message: e.message().trim().to_string(),
            }],
        )
    })?;
    serde_json::to_value(non_finite_marked(value))
        .map_err(|e| invalid("", vec![Problem::new("TOML", e.to_string())]))
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

/// The first NaN or infinity inside `v`, by name.
pub(super) fn non_finite(v: &Value) -> Option<&'static str> {
    match v {
        Value::Object(m) if marked(m).is_some() => marked(m),
        Value::Object(m) => m.values().find_map(non_finite),
        Value::Array(a) => a.iter().find_map(non_finite),
        _ => None,
    }
}

pub(super) fn invalid(file: &str, problems: Vec<Problem>) -> crate::error::Error {
    ErrorKind::InvalidScenario {
        source_name: file.to_string(),
        problems,
    }
    .into()
}

/// A JSON syntax error as a problem, with its line and column.
fn json_problem(e: &serde_json::Error) -> Problem {
    let message = e.to_string();
    let place = format!(" at line {} column {}", e.line(), e.column());
    Problem {
        path: "JSON".into(),
        at: Some((e.line(), e.column())),
        message: message.strip_suffix(&place).unwrap_or(&message).to_string(),
    }
}
