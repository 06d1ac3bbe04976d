//! The crate's one error type: what was expected, what was found, and where.

use std::fmt;

/// A specialised `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from eesim.
///
/// Every error says what was expected, what was found and, where the input has positions
/// (a CSV line, a field), where. Messages are lowercase with no final period, and context is
/// chained as `outer: inner`.
///
/// No error leaves a [`Pool`](crate::Pool) half-changed: an operation that fails has not
/// modified it, so the pool stays usable after every error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(Box<ErrorKind>);

/// What went wrong, with the details a caller may want to inspect.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A CRS score outside `0..=1200`.
    #[error("CRS score: expected an integer from 0 to 1200, found {found}")]
    ScoreOutOfRange {
        /// The value given, as written.
        found: String,
    },
    /// A timestamp that could not be read or is out of range.
    #[error("timestamp: expected {expected}, found {found:?}")]
    InvalidTimestamp {
        /// What a valid timestamp looks like.
        expected: &'static str,
        /// The input as given.
        found: String,
    },
    /// A period (validity, ITA deadline) that is not usable.
    #[error("period: expected {expected}, found {found}")]
    InvalidPeriod {
        /// What a valid period looks like.
        expected: &'static str,
        /// The period given.
        found: String,
    },
    /// A program name that eesim does not know.
    #[error("program: expected one of cec, fsw, fst, pnp, found {found:?}")]
    UnknownProgram {
        /// The name given.
        found: String,
    },
    /// A category name that is not registered.
    #[error("category: expected one of {known}, found {found:?}")]
    UnknownCategory {
        /// The registered names, comma-separated.
        known: String,
        /// The name given.
        found: String,
    },
    /// A category name that cannot be registered.
    #[error("category name: expected {expected}, found {found:?}")]
    InvalidCategoryName {
        /// What a valid name looks like.
        expected: &'static str,
        /// The name given.
        found: String,
    },
    /// A draw target that could not be read.
    #[error(
        "draw target: expected all, a program (cec, fsw, fst, pnp; several joined by ';') or category:NAME, found {found:?}"
    )]
    InvalidTarget {
        /// The target as given.
        found: String,
    },
    /// A probability outside `0..=1`, or probabilities whose sum exceeds 1.
    #[error("{name}: expected a probability from 0 to 1, found {found}")]
    InvalidProbability {
        /// Which parameter.
        name: &'static str,
        /// The value given.
        found: String,
    },
    /// A cohort of zero candidates, or one too large.
    #[error("cohort size: expected 1 to {max}, found {found}")]
    InvalidCohortSize {
        /// The largest size allowed.
        max: u32,
        /// The size given.
        found: u64,
    },
    /// A candidate or cohort that is not where the caller said it was.
    #[error(
        "candidate {id} (CRS {score}, submitted {submitted_at}): expected {expected} in the pool, found {found}"
    )]
    NotInPool {
        /// The candidate's id.
        id: u64,
        /// The score it was looked for at.
        score: u16,
        /// Its submission time.
        submitted_at: String,
        /// How many were expected.
        expected: u64,
        /// How many were found.
        found: u64,
    },
    /// An invitation answered at a time it cannot be answered.
    #[error("ITA response at {at}: expected a time from {issued_at} to {deadline}")]
    ResponseOutOfWindow {
        /// When the response was given.
        at: String,
        /// When the invitation was issued.
        issued_at: String,
        /// The invitation's deadline.
        deadline: String,
    },
    /// An invalid simulation set-up.
    #[error("simulation: {what}: expected {expected}, found {found}")]
    InvalidSimulation {
        /// Which part of the set-up.
        what: &'static str,
        /// What a valid set-up has.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A problem in a candidate list file.
    #[error("line {line}, field {field}: {message}")]
    CandidateFile {
        /// The 1-based line of the file (the header is line 1).
        line: u64,
        /// The field's name.
        field: String,
        /// What was expected and found.
        message: String,
    },
    /// A problem in a batch file of candidates.
    #[error("batch {file}, line {line}, field {field}: {message}")]
    Batch {
        /// The batch file.
        file: String,
        /// The 1-based line of the file (the header is line 1).
        line: u64,
        /// The field's name.
        field: String,
        /// What was expected and found.
        message: String,
    },
    /// An error reading or writing a file (or a value on its way to one).
    #[error("{context}: {source}")]
    Io {
        /// What was being read or written.
        context: String,
        /// The underlying error, kept as the error's [`source`](std::error::Error::source).
        source: Cause,
    },
    /// A download of the rounds feed that failed or gave something other than a usable
    /// feed; the cached copy is left as it was.
    #[error("downloading {url}: expected {expected}, found {found}")]
    FeedDownload {
        /// The address downloaded.
        url: String,
        /// What a good answer is.
        expected: String,
        /// What came instead.
        found: String,
    },
    /// A downloaded feed with rounds that break the plausibility rules
    /// (`crate::feed::plausible`), new or changed since the cached copy;
    /// nothing was installed.
    #[error("downloading {url}: expected plausible rounds, found {} anomalous: {}", .anomalies.len(), anomaly_list(.anomalies))]
    FeedAnomalies {
        /// The address downloaded.
        url: String,
        /// Each anomaly, oldest round first: where (`round 431 of 2026-02-20 (cec), field
        /// drawSize`) and what (`expected ..., found ...`); the full values are
        /// `crate::feed::plausible::anomalies`.
        anomalies: Vec<Problem>,
    },
    /// A downloaded feed older than the cached one: its newest plausible round comes before
    /// the cached feed's; nothing was installed.
    #[error(
        "downloading {url}: expected the rounds of the cached feed {cache} up to {cached}, found an older feed whose newest round is {found}"
    )]
    FeedOlder {
        /// The address downloaded.
        url: String,
        /// The cached feed's path.
        cache: String,
        /// The cached feed's newest plausible round, as `No. 437 of 2026-02-20`.
        cached: String,
        /// The downloaded feed's newest plausible round, or `none`.
        found: String,
    },
    /// A rounds-feed record with a field that could not be read.
    ///
    /// In lenient mode the record is skipped and the error is listed in the load report; the
    /// other records are still read.
    #[error("feed record {record}{}, field {field}: expected {expected}, found {found}", feed_draw(.draw))]
    Feed {
        /// The 0-based index of the record in the feed's `rounds` array.
        record: usize,
        /// The record's `drawNumber` as written, when it has one.
        draw: Option<String>,
        /// The feed's name for the field, such as `drawCutOff`.
        field: String,
        /// What a valid value looks like.
        expected: String,
        /// The raw value, quoted, or a description such as `no field` or `a number 5`.
        found: String,
    },
    /// A rounds feed that is not JSON of the expected overall shape; nothing can be read.
    #[error("feed: expected {expected}, found {found}")]
    FeedShape {
        /// What the feed should look like at that point.
        expected: String,
        /// What was found, with its line and column when known.
        found: String,
    },
    /// A language test score outside the test's range, or not one of its steps.
    ///
    /// The message names the ability and, in `expected`, the test; a profile file prefixes
    /// it with the field path (`first_language.reading: ...`).
    #[error("{ability}: expected {expected}, found {found}")]
    LanguageScore {
        /// The test's name (`IELTS`, `CELPIP-General`, `PTE Core`, `TEF Canada`, ...).
        test: &'static str,
        /// The ability (`listening`, `reading`, `writing`, `speaking`).
        ability: &'static str,
        /// What a valid score looks like, naming the test.
        expected: String,
        /// The value given.
        found: String,
    },
    /// A date with no CRS grid: the CRS began on 2015-01-01.
    #[error("CRS rules: expected a date on or after 2015-01-01, when the CRS began, found {found}")]
    NoCrsRules {
        /// The date given.
        found: String,
    },
    /// A CRS profile file with one or more problems, every one listed as `path: message`.
    #[error("CRS profile{}: {} problem{}: {}", source_suffix(.source_name), .problems.len(), if .problems.len() == 1 { "" } else { "s" }, join_problems(.problems))]
    InvalidProfile {
        /// The file the profile came from, or empty.
        source_name: String,
        /// Each problem with its field path, in the order of the fields.
        problems: Vec<Problem>,
    },
    /// A score path that cannot be computed.
    #[error("score path: {what}: expected {expected}, found {found}")]
    InvalidScorePath {
        /// Which part of the request.
        what: &'static str,
        /// What is needed.
        expected: String,
        /// What was given.
        found: String,
    },
    /// A scenario with one or more problems, every one listed as `key.path: message`.
    #[error("scenario{}: {} problem{}: {}", source_suffix(.source_name), .problems.len(), if .problems.len() == 1 { "" } else { "s" }, join_problems(.problems))]
    InvalidScenario {
        /// The file the scenario came from, or empty.
        source_name: String,
        /// Each problem with its key path (`draws.cec.sizes[1]: expected X, found Y`).
        problems: Vec<Problem>,
    },
}

/// Anomalies joined with `; `.
fn anomaly_list(anomalies: &[Problem]) -> String {
    let all: Vec<String> = anomalies.iter().map(ToString::to_string).collect();
    all.join("; ")
}

/// An `ErrorKind::InvalidSimulation` error.
pub(crate) fn invalid_simulation(
    what: &'static str,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> Error {
    ErrorKind::InvalidSimulation {
        what,
        expected: expected.into(),
        found: found.into(),
    }
    .into()
}

/// The 1-based line and column of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// How a value read from a TOML or JSON file is named in an error: `nothing`, `null`,
/// `true`, `-5`, `"abc"`, `a list`, `a table`.
pub(crate) fn describe_json(v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        None => "nothing".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => format!("{s:?}"),
        Some(Value::Array(_)) => "a list".into(),
        Some(Value::Object(_)) => "a table".into(),
    }
}

fn join_problems(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn feed_draw(draw: &Option<String>) -> String {
    draw.as_ref()
        .map_or_else(String::new, |d| format!(" (draw {d:?})"))
}

fn source_suffix(source_name: &str) -> String {
    if source_name.is_empty() {
        String::new()
    } else {
        format!(" {source_name}")
    }
}

impl Error {
    /// What went wrong.
    #[must_use]
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error, returning what went wrong.
    #[must_use]
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error(Box::new(kind))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

/// The error underneath an eesim error (an I/O or encoding error), kept whole so that
/// [`std::error::Error::source`] reaches it; shared, so that errors stay cheap to clone.
/// Two causes are equal when they say the same thing.
#[derive(Clone, Debug)]
pub struct Cause(std::sync::Arc<dyn std::error::Error + Send + Sync>);

impl Cause {
    /// Wraps `e`.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Cause(std::sync::Arc::new(e))
    }

    /// The underlying error.
    #[must_use]
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Cause) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for Cause {}

/// One problem in a file: where it is (the key path, such as `draws.cec.sizes[1]`) and what
/// was expected and found there.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// The key path (`draws.cec.sizes[1]`, `first_language.reading`), or the syntax
    /// (`TOML`, `JSON`) for a file that does not parse.
    pub path: String,
    /// The 1-based line and column, for a syntax error.
    pub at: Option<(usize, usize)>,
    /// What was expected and found (`expected a positive integer, found -5`).
    pub message: String,
}

impl Problem {
    /// A problem at a key path.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            at: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.at {
            Some((line, column)) if self.path.is_empty() => {
                write!(f, "line {line}, column {column}: {}", self.message)
            }
            Some((line, column)) => write!(
                f,
                "{}, line {line}, column {column}: {}",
                self.path, self.message
            ),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}
