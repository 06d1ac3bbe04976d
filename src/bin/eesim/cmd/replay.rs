//! `eesim replay`: every published round nowcast from the rounds before it.

use eesim::forecast::Replay;

use crate::out::{check_writable, writing};
use crate::{Outcome, args, data, plot};

pub(crate) fn replay(a: &args::ReplayArgs) -> Outcome {
    check_writable(a.csv.as_deref())?;
    check_writable(a.plot.as_deref())?;
    let feed = data::need_feed(a.feed.path())?;
    let history = match a.as_of {
        Some(as_of) => feed.history.before(as_of),
        None => {
            feed.warn_if_stale(data::today()?);
            feed.history.clone()
        }
    };
    let load = &feed.load;
    // What the reader noticed goes to stderr, never into the table.
    eprint!("{load}");
    let replay = Replay::run(&history);
    // Files first: a closed pipe cutting the printed table short cannot lose them.
    if let Some(path) = &a.csv {
        let file = std::fs::File::create(path).map_err(|e| writing(path, e))?;
        replay
            .write_csv(std::io::BufWriter::new(file))
            .map_err(|e| writing(path, e))?;
    }
    if let Some(path) = &a.plot {
        plot::replay(path, &replay).map_err(|e| writing(path, e))?;
    }
    if a.json {
        let out = serde_json::json!({
            "feed": feed.to_json(),
            "as_of": a.as_of.map(|d| d.to_string()),
            "rounds": history.draws().len(),
            "failed": load.records_failed(),
            "warnings": load.warnings().len(),
            "nowcasts": replay.nowcasts().len(),
            "summary": replay.summary(),
        });
        outln!("{out}");
    } else {
        outln!("Data: {}", feed.describe());
        if let Some(as_of) = a.as_of {
            outln!("Rounds before {as_of}: {}", history.draws().len());
        }
        out!("{}", replay.summary_table());
    }
    Ok(())
}
