//! Bad arguments the program refuses after clap has parsed them: an unknown category, a
//! submission outside the window the scenario can follow, `--from` after `--to`, ... `main`
//! exits 2 on a [`BadArgument`], as clap does on its own refusals, so every bad argument has
//! the same exit status whoever finds it; a run or its data failing exits 1.

use std::fmt;

/// A value the program refused: `OPTION: expected ..., found ...`. `OPTION` is the option as
/// typed (`--categories`), a positional argument's name (`COMMAND`), or an environment
/// variable (`EESIM_TODAY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BadArgument {
    option: String,
    message: String,
}

impl BadArgument {
    /// `option` refused, `message` saying what was expected and what was found.
    pub(crate) fn new(option: impl Into<String>, message: impl Into<String>) -> Self {
        BadArgument {
            option: option.into(),
            message: message.into(),
        }
    }

    /// `option` refused with the library's `expected`/`found` words when `e` has them
    /// (a refused simulation set-up, a refused download address), else its message.
    pub(crate) fn from_error(option: impl Into<String>, e: &eesim::Error) -> Self {
        let message = match e.kind() {
            eesim::ErrorKind::InvalidSimulation {
                expected, found, ..
            }
            | eesim::ErrorKind::FeedDownload {
                expected, found, ..
            } => format!("expected {expected}, found {found}"),
            _ => e.to_string(),
        };
        BadArgument::new(option, message)
    }

    /// The option refused.
    #[cfg(test)]
    pub(crate) fn option(&self) -> &str {
        &self.option
    }
}

impl fmt::Display for BadArgument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.option, self.message)
    }
}

impl std::error::Error for BadArgument {}

/// The web API says a refused parameter as a message (`--crs: ...` becomes `crs: ...` there).
impl From<BadArgument> for String {
    fn from(b: BadArgument) -> String {
        b.to_string()
    }
}

/// Whether the message of `e` should end with the hint to read `--help`: not for an
/// environment variable, which `--help` does not describe (`eesim man` does).
pub(crate) fn help_hint(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<BadArgument>()
        .is_some_and(|b| !b.option.starts_with("EESIM_"))
}

/// Whether `e` is a bad argument (exit 2) rather than a failure of the run (exit 1).
pub(crate) fn is_bad_argument(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<BadArgument>().is_some()
}

/// A provincial nominee's score includes the nomination's 600 points: a lower one is refused,
/// naming where it came from (`--crs`, or the profile with `--nominee`).
pub(crate) fn nominee_score(
    request: &eesim::report::ChanceRequest,
    crs_given: bool,
    profile: Option<&std::path::Path>,
) -> Result<(), BadArgument> {
    let score = request.crs.get();
    if !request.membership.nominee() || score >= 600 {
        return Ok(());
    }
    let expected =
        "a CRS score of at least 600 for a provincial nominee (a nomination adds 600 points)";
    Err(match profile {
        Some(path) => BadArgument::new(
            "--nominee",
            format!(
                "expected a profile with a provincial nomination, or {expected}, found {score} from {}",
                path.display()
            ),
        ),
        None if crs_given => {
            BadArgument::new("--crs", format!("expected {expected}, found {score}"))
        }
        None => BadArgument::new(
            "--crs",
            format!("expected {expected}, found none given (the default is {score})"),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_the_option_then_what_was_expected_and_found() {
        let b = BadArgument::new(
            "--to",
            "expected a date after --from (2025-02-01), found 2025-01-01",
        );
        assert_eq!(
            b.to_string(),
            "--to: expected a date after --from (2025-02-01), found 2025-01-01"
        );
        assert_eq!(b.option(), "--to");
        let boxed: Box<dyn std::error::Error + Send + Sync> = b.clone().into();
        assert!(is_bad_argument(boxed.as_ref()));
        let other: Box<dyn std::error::Error + Send + Sync> = "reading x: gone".into();
        assert!(!is_bad_argument(other.as_ref()));
        assert_eq!(
            String::from(b),
            "--to: expected a date after --from (2025-02-01), found 2025-01-01"
        );
    }

    #[test]
    fn a_nominee_below_600_names_the_option_it_came_from() {
        let mut r = eesim::report::ChanceRequest::new(eesim::CrsScore::new(450).unwrap());
        assert!(nominee_score(&r, true, None).is_ok(), "not a nominee");
        r.membership = r.membership.clone().with_nominee(true);
        assert_eq!(nominee_score(&r, true, None).unwrap_err().option(), "--crs");
        let p = std::path::Path::new("p.toml");
        let e = nominee_score(&r, false, Some(p)).unwrap_err();
        assert_eq!(e.option(), "--nominee");
        assert!(e.to_string().ends_with("found 450 from p.toml"), "{e}");
        r.crs = eesim::CrsScore::new(600).unwrap();
        assert!(nominee_score(&r, true, None).is_ok());
    }
}
