//! `eesim`: the command line over the library: parse the arguments, dispatch to the command
//! (one file each under `cmd/`) in a thread pool, and report errors. No domain rule lives here.

#[macro_use]
mod out;
mod args;
mod bad;
mod cmd;
mod data;
mod parse;
mod plot;
#[cfg(feature = "serve")]
mod serve;
mod style;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use args::{Cli, Command};

type Outcome = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// The date the embedded scenario starts on, read from its `as_of` line.
fn embedded_as_of() -> &'static str {
    eesim::scenario::DEFAULT_TOML
        .lines()
        .find_map(|l| l.strip_prefix("as_of = \""))
        .and_then(|l| l.split('"').next())
        .unwrap_or("unknown")
}

/// The command line, with a version that names the embedded scenario's date.
fn command() -> clap::Command {
    let version = format!(
        "{} (embedded scenario as of {})",
        env!("CARGO_PKG_VERSION"),
        embedded_as_of()
    );
    Cli::command().version(version.leak() as &'static str)
}

fn main() -> ExitCode {
    let cli = match command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let threads = match &cli.command {
        Command::Chance(a) => a.estimate.run.threads,
        Command::WhatIf(a) => a.estimate.run.threads,
        Command::Backtest(a) => a.run.threads,
        _ => None,
    };
    let pool = match threads {
        Some(n) => rayon::ThreadPoolBuilder::new().num_threads(n).build(),
        None => rayon::ThreadPoolBuilder::new().build(),
    };
    let result = match pool {
        Ok(pool) => pool.install(|| run(&cli)),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if bad::is_bad_argument(e.as_ref()) => {
            out::report_error(e.as_ref());
            if bad::help_hint(e.as_ref()) {
                eprintln!("For more information, try '--help'.");
            }
            ExitCode::from(2)
        }
        Err(e) => {
            out::report_error(e.as_ref());
            ExitCode::FAILURE
        }
    }
}

/// A bad argument (exit 2, as every bad argument; see `bad.rs`): a value our parsers refused is said in the project's style (`error: --runs:
/// expected ..., found ...`); clap's own errors (an unknown option, --help) as clap says them.
fn usage_error(e: &clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() == ErrorKind::ValueValidation
        && let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg)
        && let Some(why) = std::error::Error::source(e)
    {
        let name = arg.split_whitespace().next().unwrap_or(arg);
        eprintln!("{} {name}: {why}", style::error());
        eprintln!("For more information, try '--help'.");
        return ExitCode::from(2);
    }
    let _ = e.print();
    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2))
}

fn run(cli: &Cli) -> Outcome {
    match &cli.command {
        Command::Chance(a) => cmd::chance::chance(a),
        Command::Crs(a) => cmd::crs::crs(a),
        Command::WhatIf(a) => cmd::what_if::what_if(a),
        Command::Replay(a) => cmd::replay::replay(a),
        Command::Calibrate(a) => cmd::calibrate::calibrate(a),
        Command::Backtest(a) => cmd::backtest::backtest(a),
        Command::Draw(a) => cmd::draw::draw(a),
        Command::Fetch(a) => cmd::fetch::fetch(a),
        Command::Merge(a) => cmd::merge::merge(a),
        #[cfg(feature = "serve")]
        Command::Serve(a) => serve::serve(a),
        Command::Completions(a) => {
            let mut out = Vec::new();
            clap_complete::generate(a.shell, &mut command(), "eesim", &mut out);
            out!("{}", String::from_utf8_lossy(&out));
            Ok(())
        }
        Command::Man(a) => cmd::man::man(a, command()),
    }
}
