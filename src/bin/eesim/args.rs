//! The command line's arguments: clap types only, no behaviour (the value parsers are in
//! `parse.rs`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use jiff::civil::Date;

use crate::parse;

/// Simulates Canada's Express Entry rounds: your chance of an invitation, and what changes it.
#[derive(Parser, Debug)]
#[command(name = "eesim", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Your chance of an invitation (and of landing) by date, with 95% intervals.
    Chance(ChanceArgs),
    /// The CRS points of a profile, factor by factor.
    Crs(CrsArgs),
    /// Which improvements would raise your chance most, on the same simulated futures.
    WhatIf(WhatIfArgs),
    /// Nowcasts every round's cut-off in IRCC's feed from its pool snapshot.
    Replay(ReplayArgs),
    /// Writes a scenario calibrated from IRCC's feed as of a date.
    Calibrate(CalibrateArgs),
    /// Scores month-by-month forecasts against the rounds IRCC held.
    Backtest(BacktestArgs),
    /// Holds one round on your own list of candidates.
    Draw(DrawArgs),
    /// Downloads IRCC's rounds feed into the cache; estimates then start from it.
    Fetch(FetchArgs),
    /// Serves the web page and JSON API (localhost unless told otherwise).
    #[cfg(feature = "serve")]
    Serve(crate::serve::ServeArgs),
    /// Merges the tallies of `chance --shard K/N --tally-out FILE` into the report of one
    /// unsharded run.
    #[command(long_about = MERGE_ABOUT)]
    Merge(MergeArgs),
    /// Prints a shell completion script (bash, zsh, fish, elvish, powershell) to stdout.
    Completions(CompletionsArgs),
    /// Prints a manual page (roff) to stdout, `eesim man chance | man -l -`, or writes them all
    /// with `--out-dir`.
    Man(ManArgs),
}

/// Which rounds feed to read: a file, or else the cached feed (`eesim fetch`).
#[derive(Args, Debug, Clone)]
pub(crate) struct FeedArg {
    /// IRCC's rounds feed (ee_rounds_123_en.json) [default: the cached feed].
    #[arg(value_name = "FEED")]
    pub(crate) feed: Option<PathBuf>,
    /// The same as FEED.
    #[arg(long = "feed", value_name = "FILE", conflicts_with = "feed")]
    pub(crate) feed_flag: Option<PathBuf>,
}

impl FeedArg {
    /// The file given, if any.
    pub(crate) fn path(&self) -> Option<&std::path::Path> {
        self.feed.as_deref().or(self.feed_flag.as_deref())
    }
}

/// `eesim fetch`.
#[derive(Args, Debug)]
pub(crate) struct FetchArgs {
    /// Download from this address [default: $EESIM_FEED_URL, else IRCC's official address].
    #[arg(long)]
    pub(crate) url: Option<String>,
    /// Seconds to wait for the whole download (connecting takes at most 10 of them), and at
    /// most as long for another fetch writing the cache to finish.
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(crate) timeout: u64,
    /// Print one JSON document.
    #[arg(long)]
    pub(crate) json: bool,
    /// Install rounds that break the plausibility rules (a size, cut-off or date far outside
    /// the family's history); estimates still leave them out.
    #[arg(long)]
    pub(crate) accept_anomalies: bool,
    /// Install a readable feed even when it is older than the cached one (which is kept as
    /// the previous copy).
    #[arg(long)]
    pub(crate) force: bool,
}

/// How a simulation runs: threads and progress.
#[derive(Args, Debug, Clone, Copy)]
pub(crate) struct RunArgs {
    /// Worker threads (default: one per core); the same seed gives the same figures on any
    /// number.
    #[arg(long, value_parser = parse::threads, allow_hyphen_values = true)]
    pub(crate) threads: Option<usize>,
    /// No progress bar (none is drawn off a terminal either).
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

/// Who the candidate is and how to estimate.
#[derive(Args, Debug, Clone)]
pub(crate) struct EstimateArgs {
    /// Programs the candidate is eligible for, separated by `,` or `;`: cec, fsw, fst, and
    /// pnp for a provincial nominee (as --nominee) [default: cec].
    #[arg(long, value_parser = parse::programs, value_name = "LIST")]
    pub(crate) programs: Vec<parse::List>,
    /// Categories the candidate qualifies for, separated by `,` or `;`: the scenario's
    /// (french, healthcare, trades, education, stem, ...; a wrong name lists them).
    #[arg(long, value_parser = parse::list, value_name = "LIST")]
    pub(crate) categories: Vec<parse::List>,
    /// A provincial nominee: the score includes the nomination's 600 points, and PNP rounds
    /// can reach the candidate.
    #[arg(long)]
    pub(crate) nominee: bool,
    /// When the profile was submitted, as 2026-12-01 (default: 30 days before the scenario
    /// starts).
    #[arg(long, value_parser = parse::date, allow_hyphen_values = true)]
    pub(crate) submitted: Option<Date>,
    /// Days to look ahead from the scenario's start.
    #[arg(long, default_value = "182", value_parser = parse::horizon, allow_hyphen_values = true)]
    pub(crate) horizon_days: u32,
    /// Simulated futures (at most 10,000,000).
    #[arg(long, default_value = "10000", value_parser = parse::runs, allow_hyphen_values = true)]
    pub(crate) runs: u64,
    /// The master seed: the same seed gives the same answer on any number of threads.
    #[arg(long, default_value = "42", value_parser = parse::seed, allow_hyphen_values = true)]
    pub(crate) seed: u64,
    /// A scenario file (TOML or JSON) instead of one calibrated from the feed.
    #[arg(long, conflicts_with_all = ["feed", "as_of"])]
    pub(crate) scenario: Option<PathBuf>,
    /// IRCC's rounds feed to calibrate from [default: the cached feed, else the embedded
    /// scenario].
    #[arg(long)]
    pub(crate) feed: Option<PathBuf>,
    /// Calibrate as of this date, as 2026-12-01, using only rounds before it [default: the
    /// day after the feed's last round].
    #[arg(long, value_parser = parse::date, allow_hyphen_values = true)]
    pub(crate) as_of: Option<Date>,
    /// A family's rounds set by hand, replacing its plan from the scenario's start:
    /// FAMILY=SIZE/EVERY (`cec=3000/14d`: 3,000 invitations every 14 days; `pnp=800/2w`) or
    /// FAMILY=none (`french=none`: no French round). Repeat it for several families.
    #[arg(long, value_name = "FAMILY=SIZE/EVERY", value_parser = parse::plan)]
    pub(crate) plan: Vec<eesim::forecast::PlanChange>,
    /// Print one JSON document instead of tables.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// `eesim chance`.
#[derive(Args, Debug)]
pub(crate) struct ChanceArgs {
    /// The candidate's CRS score (or give --profile; without either, 500, with a note).
    #[arg(long, conflicts_with = "profile", value_parser = parse::crs, allow_hyphen_values = true)]
    pub(crate) crs: Option<u16>,
    /// A CRS profile file: the score, and its changes over the horizon (birthdays), come from it.
    #[arg(long)]
    pub(crate) profile: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) estimate: EstimateArgs,
    /// Simulate with the exact cohort pool (slower; the fluid engine is the default).
    #[arg(long)]
    pub(crate) exact: bool,
    /// Follow each run past the ITA to landing (use a long horizon, such as 540 days).
    #[arg(long)]
    pub(crate) to_landing: bool,
    /// Draw a chart to this SVG file.
    #[arg(long)]
    pub(crate) plot: Option<PathBuf>,
    /// With --plot: the chance across CRS scores at the horizon, instead of over time.
    #[arg(long, requires = "plot")]
    pub(crate) by_score: bool,
    /// Many candidates on the same simulated futures: a CSV with columns id, crs or profile
    /// (a path, from the file's folder), and optionally programs, categories, nominee,
    /// submitted (empty cells take the command line's values); prints one CSV row each
    /// (JSON with --json).
    ///
    /// Every row gets a status: `ok`, or its own error (an unknown category, an expired
    /// profile, an id on two rows); the other rows are judged all the same, and the command
    /// exits 1 after printing them all when a row failed.
    #[arg(long, value_name = "FILE.csv", conflicts_with_all = ["crs", "profile", "plot", "to_landing", "exact"])]
    pub(crate) batch: Option<PathBuf>,
    /// With --batch: the chance within these months from today, each with its interval
    /// (columns p_3m, lo_3m, hi_3m, ...), besides the horizon; the runs go on to the longest
    /// [default: 1,3,6,12 as fit the horizon].
    #[arg(long, value_name = "LIST", value_parser = parse::months, requires = "batch")]
    pub(crate) months: Option<parse::Months>,
    /// Run only shard K of N of the runs (1 <= K <= N; the shards split the run indices
    /// into contiguous ranges whose union is exactly the unsharded runs) and write its tally
    /// to --tally-out instead of printing a report; `eesim merge` then prints the report of
    /// the whole, bit for bit that of one unsharded run. Works with --batch too.
    #[arg(long, value_name = "K/N", value_parser = parse::shard, requires = "tally_out", conflicts_with = "plot")]
    pub(crate) shard: Option<eesim::montecarlo::Shard>,
    /// With --shard: the shard file to write (JSON: the tally, the request, the scenario
    /// and its hash).
    #[arg(long, value_name = "FILE", requires = "shard")]
    pub(crate) tally_out: Option<PathBuf>,
}

/// The long help of `eesim merge`.
const MERGE_ABOUT: &str = "Merges the tallies of `chance --shard K/N --tally-out FILE` into the report of one unsharded run.

A study too large for one machine runs as N shards, on as many machines or cores as there are: each runs `eesim chance` with the same arguments plus `--shard K/N --tally-out shard-K.json` (K from 1 to N), and writes its share of the runs' tally with the request, the scenario and the scenario's hash. `eesim merge shard-*.json` checks that the files belong together (one study: the same request, scenario, seed and eesim version; every shard 1/N to N/N once), merges the tallies, and prints the report (text, or JSON with --json) that one unsharded `eesim chance` with the same arguments prints, byte for byte. Shards of `chance --batch` merge the same way into the batch's CSV (or JSON).

Example:
  for k in 1 2 3 4; do eesim chance --crs 480 --runs 100000 --shard $k/4 --tally-out s$k.json & done; wait
  eesim merge s1.json s2.json s3.json s4.json";

/// `eesim merge`.
#[derive(Args, Debug)]
pub(crate) struct MergeArgs {
    /// The shard files, every shard 1/N to N/N once, in any order.
    #[arg(value_name = "FILE", required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Print one JSON document instead of tables (a batch's: instead of CSV).
    #[arg(long)]
    pub(crate) json: bool,
    /// Draw a chart of the merged chance to this SVG file (not for a batch).
    #[arg(long)]
    pub(crate) plot: Option<PathBuf>,
    /// With --plot: the chance across CRS scores at the horizon, instead of over time.
    #[arg(long, requires = "plot")]
    pub(crate) by_score: bool,
}

/// `eesim crs`.
#[derive(Args, Debug)]
pub(crate) struct CrsArgs {
    /// The profile file (TOML, or JSON when it ends in .json).
    pub(crate) profile: PathBuf,
    /// Also the score path from the assessment date to this date, as 2026-12-01.
    #[arg(long, value_parser = parse::date, allow_hyphen_values = true)]
    pub(crate) until: Option<Date>,
    /// Print one JSON document.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `eesim what-if`.
#[derive(Args, Debug)]
pub(crate) struct WhatIfArgs {
    /// The profile file.
    pub(crate) profile: PathBuf,
    #[command(flatten)]
    pub(crate) estimate: EstimateArgs,
}

/// `eesim replay`.
#[derive(Args, Debug)]
pub(crate) struct ReplayArgs {
    #[command(flatten)]
    pub(crate) feed: FeedArg,
    /// Replay only the rounds held before this date, as 2026-12-01.
    #[arg(long, value_parser = parse::date, allow_hyphen_values = true)]
    pub(crate) as_of: Option<Date>,
    /// Write one row per nowcast: draw,date,family,size,actual,predicted.
    #[arg(long)]
    pub(crate) csv: Option<PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub(crate) json: bool,
    /// Draw predicted against actual cut-offs to this SVG file.
    #[arg(long)]
    pub(crate) plot: Option<PathBuf>,
}

/// `eesim calibrate`.
#[derive(Args, Debug)]
pub(crate) struct CalibrateArgs {
    #[command(flatten)]
    pub(crate) feed: FeedArg,
    /// The scenario's start, as 2026-12-01 [default: the day after the feed's last round].
    #[arg(long, value_parser = parse::date, allow_hyphen_values = true)]
    pub(crate) as_of: Option<Date>,
    /// Write the scenario here instead of to stdout (JSON when the name ends in .json).
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// Write JSON instead of TOML.
    #[arg(long)]
    pub(crate) json: bool,
    /// The model's options, changed from the default (as `backtest --model`).
    #[arg(long, value_parser = parse::model, default_value = "")]
    pub(crate) model: eesim::forecast::ModelOptions,
}

/// `eesim backtest`.
#[derive(Args, Debug)]
pub(crate) struct BacktestArgs {
    #[command(flatten)]
    pub(crate) feed: FeedArg,
    /// The first origin, as 2025-01-01.
    #[arg(long, value_parser = parse::date, allow_hyphen_values = true)]
    pub(crate) from: Date,
    /// Origins are month starts before this date.
    #[arg(long, value_parser = parse::date, allow_hyphen_values = true)]
    pub(crate) to: Date,
    /// Origins every N days from --from instead of month starts.
    #[arg(long, value_parser = parse::horizon, allow_hyphen_values = true)]
    pub(crate) every: Option<u32>,
    /// How far each forecast looks, in days: a forecast is scored on the rounds in
    /// (origin, origin + N days].
    #[arg(long, default_value = "90", value_parser = parse::horizon, allow_hyphen_values = true)]
    pub(crate) horizon_days: u32,
    /// Report the windows that closed by this date (origin + horizon on or before it: choose
    /// on these) apart from those that closed after it (judge on these).
    #[arg(long, value_parser = parse::date, allow_hyphen_values = true)]
    pub(crate) split: Option<Date>,
    /// The model's options, changed from the default one at a time to measure what each is
    /// worth: KEY=VALUE pairs separated by commas (see `eesim::forecast::ModelOptions`).
    #[arg(long, value_parser = parse::model, default_value = "")]
    pub(crate) model: eesim::forecast::ModelOptions,
    /// Simulated futures per origin (at most 10,000,000).
    #[arg(long, default_value = "2000", value_parser = parse::runs, allow_hyphen_values = true)]
    pub(crate) runs: u64,
    /// The master seed.
    #[arg(long, default_value = "2026", value_parser = parse::seed, allow_hyphen_values = true)]
    pub(crate) seed: u64,
    /// Write every forecast: origin,profile,crs,horizon_days,p,lo,hi.
    #[arg(long)]
    pub(crate) csv: Option<PathBuf>,
    /// Print one JSON document.
    #[arg(long)]
    pub(crate) json: bool,
    /// Draw a reliability diagram to this SVG file.
    #[arg(long)]
    pub(crate) plot: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// `eesim draw`.
#[derive(Args, Debug)]
pub(crate) struct DrawArgs {
    /// The candidate file (CSV: id,crs,submitted_at,programs,categories).
    #[arg(long)]
    pub(crate) candidates: PathBuf,
    /// Who the round targets: all, cec, fsw, fst, pnp, cec;fsw, category:NAME (any case).
    #[arg(long, value_parser = parse::target)]
    pub(crate) target: String,
    /// How many invitations.
    #[arg(long, value_parser = parse::size, allow_hyphen_values = true)]
    pub(crate) size: u32,
    /// When the round is held (RFC 3339, as 2025-05-01T00:00:00Z); profiles expired by then
    /// are removed first.
    #[arg(long, value_parser = parse::timestamp, allow_hyphen_values = true)]
    pub(crate) at: Option<eesim::Timestamp>,
    /// Print the JSON object only (the default prints a table).
    #[arg(long)]
    pub(crate) json: bool,
}

/// `eesim man`.
#[derive(Args, Debug)]
pub(crate) struct ManArgs {
    /// The command whose page to print, as `chance` for eesim-chance(1) [default: the page
    /// of eesim itself, eesim(1)].
    #[arg(value_name = "COMMAND")]
    pub(crate) command: Option<String>,
    /// Write eesim.1 and every eesim-COMMAND.1 into this directory (created if missing)
    /// instead of printing one page.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub(crate) out_dir: Option<PathBuf>,
}

/// `eesim completions`.
#[derive(Args, Debug)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    pub(crate) shell: clap_complete::Shell,
}
