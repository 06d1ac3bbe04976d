//! Replays every round of an IRCC rounds feed: nowcasts each cut-off without look-ahead.
//!
//! Shows: reading the feed leniently and printing its load report; the replay beside the
//! flat-density and previous-cut-off baselines, per family and per year; writing the nowcasts
//! as CSV (`draw,date,family,size,actual,predicted`).
//!
//! ```text
//! cargo run --release --example replay -- FEED.json [--csv OUT.csv]
//! ```

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use eesim::feed::{FeedReader, RANGES};
use eesim::forecast::{Calibration, DensityStudy, Replay};

/// Nowcast every round of an IRCC rounds feed and score the nowcasts.
#[derive(Debug, Parser)]
struct Args {
    /// The feed, `ee_rounds_123_en.json` as downloaded from IRCC.
    feed: PathBuf,
    /// Write one row per nowcast to this CSV file.
    #[arg(long)]
    csv: Option<PathBuf>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let start = Instant::now();
    let (history, report) = FeedReader::new().read_path(&args.feed)?;
    let read = start.elapsed();
    let replay = Replay::run(&history);
    let total = start.elapsed();
    print!("{report}");
    println!(
        "read in {:.1} ms, replayed {} rounds in {:.1} ms (total {:.1} ms)\n",
        read.as_secs_f64() * 1e3,
        replay.nowcasts().len(),
        (total - read).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );

    print!("{}", replay.summary_table());
    if let Some(study) = DensityStudy::run(&history) {
        println!("\ndensity models alone: all-program rounds, share 1");
        for (name, s) in [
            ("flat", study.flat),
            ("smooth", study.smooth),
            ("decay", study.decay),
        ] {
            println!(
                "{name:<8} n {:>3}  MAE {:>6.2}  median {:>5.1}  bias {:>+6.2}  <=5 {:>3.0}%",
                s.count,
                s.mae,
                s.median,
                s.bias,
                s.within_5 * 100.0
            );
        }
    }
    if let Some(last) = history.draws().last() {
        let day = last.date().tomorrow()?;
        let cal = Calibration::as_of(&history, day);
        println!("\ncalibration as of {day}: density {:?}", cal.model());
        // The families with a pool of their own: the refill fitted on the rounds before `day`.
        let rounds = eesim::forecast::family_rounds(&history, day);
        let fits = eesim::forecast::fit_families(
            &rounds,
            eesim::forecast::EXIT_PER_DAY,
            &mut eesim::forecast::FitCache::new(),
        );
        println!(
            "{:<16} {:>6} {:>6} {:>9} {:>7} {:>9} {:>6} {:>8}  shape",
            "family", "rounds", "beta", "residence", "level", "spread", "half", "1-step"
        );
        for (family, fit) in &fits {
            println!(
                "{:<16} {:>6} {:>6.3} {:>8.0}d {:>7.3} {:>9.3} {:>6} {:>8}  {}",
                family.to_string(),
                fit.rounds,
                fit.shape.beta,
                fit.shape.residence_days,
                fit.pool.level(),
                fit.level_spread,
                fit.half_life_rounds,
                fit.one_step_mae
                    .map_or_else(|| "-".to_string(), |m| format!("{m:.1}")),
                if fit.borrowed {
                    "borrowed (few rounds)"
                } else {
                    "own"
                },
            );
        }
        for family in [eesim::Family::CEC, eesim::Family::FSW] {
            if let Some(share) = cal.share(&family) {
                println!(
                    "{family:<16} share of the snapshot's pool {:.4} (spread {:.4}, {} rounds)",
                    share.mean, share.spread, share.rounds
                );
            }
        }
        if let Some(arrivals) = cal.arrivals_per_week() {
            println!("net arrivals per week by range:");
            for (r, a) in RANGES.iter().zip(arrivals) {
                println!("  {:>4}-{:<4} {a:>+9.1}", r.low, r.high);
            }
        }
    }
    if let Some(path) = &args.csv {
        replay.write_csv(std::fs::File::create(path)?)?;
        println!(
            "\nwrote {} rows to {}",
            replay.nowcasts().len(),
            path.display()
        );
    }
    assert_eq!(
        report.records_failed(),
        0,
        "every record of the feed should read"
    );
    Ok(())
}
