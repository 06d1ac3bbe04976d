//! Output helpers of every command: stdout that ends quietly on a closed pipe, notes and
//! errors on stderr, progress bars, and checks on the files a command will write.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::{Outcome, style};

/// Writes to stdout; a closed pipe (`eesim ... | head`) ends the program quietly, as for any
/// well-behaved command, instead of panicking.
pub(crate) fn write_out(text: std::fmt::Arguments<'_>, newline: bool) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let written = stdout.write_fmt(text).and_then(|()| {
        if newline {
            stdout.write_all(b"\n")
        } else {
            Ok(())
        }
    });
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("{} writing the output: {e}", style::error());
        std::process::exit(1);
    }
}

macro_rules! out {
    ($($arg:tt)*) => { $crate::out::write_out(format_args!($($arg)*), false) };
}

macro_rules! outln {
    () => { $crate::out::write_out(format_args!(""), true) };
    ($($arg:tt)*) => { $crate::out::write_out(format_args!($($arg)*), true) };
}

/// A note on stderr.
macro_rules! note {
    ($($arg:tt)*) => { eprintln!("{} {}", $crate::style::note(), format_args!($($arg)*)) };
}

/// Prints an error to stderr; a profile or scenario with several problems gets one a line.
pub(crate) fn report_error(e: &(dyn std::error::Error + 'static)) {
    let error = style::error();
    if let Some(eesim_error) = e.downcast_ref::<eesim::Error>() {
        match eesim_error.kind() {
            eesim::ErrorKind::InvalidProfile {
                source_name,
                problems,
            }
            | eesim::ErrorKind::InvalidScenario {
                source_name,
                problems,
            } => {
                let what = if matches!(eesim_error.kind(), eesim::ErrorKind::InvalidProfile { .. })
                {
                    "CRS profile"
                } else {
                    "scenario"
                };
                let source = if source_name.is_empty() {
                    String::new()
                } else {
                    format!(" {source_name}")
                };
                let plural = if problems.len() == 1 { "" } else { "s" };
                eprintln!("{error} {what}{source}: {} problem{plural}", problems.len());
                for p in problems {
                    eprintln!("  {p}");
                }
                return;
            }
            _ => {}
        }
    }
    eprintln!("{error} {e}");
}

/// A progress bar on stderr, drawn at once and ticking, with the time left; hidden when
/// stderr is not a terminal or with --quiet.
pub(crate) fn progress(len: u64, unit: &str, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    let template =
        format!("{{spinner}} {{bar:40}} {{pos}}/{{len}} {unit}, {{elapsed}} so far, {{eta}} left");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Checks that `path` can be written before a long run, leaving nothing behind: an existing
/// file is opened without truncating it, a new one is created and removed.
pub(crate) fn check_writable(path: Option<&Path>) -> Outcome {
    let Some(path) = path else { return Ok(()) };
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|e| writing(path, e))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// An error writing `path`, naming it.
pub(crate) fn writing(
    path: &std::path::Path,
    e: impl std::fmt::Display,
) -> Box<dyn std::error::Error + Send + Sync> {
    format!("writing {}: {e}", path.display()).into()
}
