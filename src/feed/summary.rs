//! The replay's summary: error statistics by family, by year and overall, beside baselines.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::replay::{ErrorStats, Nowcast, Replay};

/// The errors of one group of nowcasts, for the model and its baselines.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SummaryRow {
    /// `all`, `family NAME`, `year YYYY`, or `NAME -2024` / `NAME 2025+`.
    pub group: String,
    /// The model's errors.
    pub model: ErrorStats,
    /// A flat density inside each range.
    pub flat: ErrorStats,
    /// The smooth parameter-free density.
    pub smooth: ErrorStats,
    /// The previous cut-off of the same family (where there is one).
    pub previous: Option<ErrorStats>,
}

impl Replay {
    /// The summary by group: everything, each family, each year, and each family before and
    /// from 2025.
    #[must_use]
    pub fn summary(&self) -> Vec<SummaryRow> {
        let mut groups: BTreeMap<String, Vec<&Nowcast>> = BTreeMap::new();
        for n in self.nowcasts() {
            let year = n.date.year();
            groups.entry("all".into()).or_default().push(n);
            groups
                .entry(format!("family {}", n.family))
                .or_default()
                .push(n);
            groups.entry(format!("year {year}")).or_default().push(n);
            let era = if year >= 2025 { "2025+" } else { "-2024" };
            groups
                .entry(format!("{} {era}", n.family))
                .or_default()
                .push(n);
        }
        let diff = |p: u16, a: u16| i32::from(p) - i32::from(a);
        groups
            .into_iter()
            .filter_map(|(group, rows)| {
                Some(SummaryRow {
                    model: ErrorStats::of(rows.iter().map(|n| n.error()))?,
                    flat: ErrorStats::of(rows.iter().map(|n| diff(n.flat.get(), n.actual.get())))?,
                    smooth: ErrorStats::of(
                        rows.iter().map(|n| diff(n.smooth.get(), n.actual.get())),
                    )?,
                    previous: ErrorStats::of(
                        rows.iter()
                            .filter_map(|n| n.previous.map(|p| diff(p.get(), n.actual.get()))),
                    ),
                    group,
                })
            })
            .collect()
    }

    /// The summary as a table for people.
    #[must_use]
    pub fn summary_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<22} {:>4} | {:>6} {:>6} {:>6} {:>5} | {:>8} {:>8} | {:>8} {:>4}",
            "group",
            "n",
            "MAE",
            "median",
            "bias",
            "<=5",
            "flat MAE",
            "smoothMAE",
            "prev MAE",
            "prev n"
        );
        for row in self.summary() {
            let m = row.model;
            let (prev_mae, prev_n) = row.previous.map_or((f64::NAN, 0), |p| (p.mae, p.count));
            let _ = writeln!(
                s,
                "{:<22} {:>4} | {:>6.2} {:>6.1} {:>+6.2} {:>4.0}% | {:>8.2} {:>8.2} | {:>8.2} {:>4}",
                row.group,
                m.count,
                m.mae,
                m.median,
                m.bias,
                m.within_5 * 100.0,
                row.flat.mae,
                row.smooth.mae,
                prev_mae,
                prev_n
            );
        }
        s
    }
}
