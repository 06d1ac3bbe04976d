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
    /// The model on the same rows as the previous cut-off (those with a previous round), for
    /// a like-for-like comparison.
    pub model_where_previous: Option<ErrorStats>,
}

impl Replay {
    /// The summary by group, in this order: everything, each family, each family before and
    /// since 2024, each year.
    #[must_use]
    pub fn summary(&self) -> Vec<SummaryRow> {
        // Sorted by (section, name): `all` first, then families, eras, years.
        let mut groups: BTreeMap<(u8, String), Vec<&Nowcast>> = BTreeMap::new();
        for n in self.nowcasts() {
            let year = n.date.year();
            groups.entry((0, "all".into())).or_default().push(n);
            groups
                .entry((1, format!("{}", n.family)))
                .or_default()
                .push(n);
            let era = if year >= 2024 { "2024+" } else { "-2023" };
            groups
                .entry((2, format!("{} {era}", n.family)))
                .or_default()
                .push(n);
            groups
                .entry((3, format!("year {year}")))
                .or_default()
                .push(n);
        }
        let diff = |p: u16, a: u16| i32::from(p) - i32::from(a);
        groups
            .into_iter()
            .filter_map(|((_, group), rows)| {
                Some(SummaryRow {
                    model_where_previous: ErrorStats::of(
                        rows.iter()
                            .filter(|n| n.previous.is_some())
                            .map(|n| n.error()),
                    ),
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

    /// The summary as a table for people: the model's MAE on every row, then on the rows
    /// that have a previous cut-off beside that rule's MAE (the fair comparison, with the
    /// better marked), then the density baselines. `-` where a group has no such rows.
    #[must_use]
    pub fn summary_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:<22} {:>4} | {:>6} {:>6} {:>6} {:>5} | {:>4} {:>7} {:>7} {:>6} | {:>8} {:>8}",
            "group",
            "n",
            "MAE",
            "median",
            "bias",
            "<=5",
            "n",
            "model",
            "prev",
            "better",
            "flat MAE",
            "smoothMAE",
        );
        for row in self.summary() {
            let m = row.model;
            let (same, prev, n, better) = match (row.model_where_previous, row.previous) {
                (Some(a), Some(p)) => (
                    format!("{:.2}", a.mae),
                    format!("{:.2}", p.mae),
                    p.count.to_string(),
                    if a.mae <= p.mae { "model" } else { "prev" },
                ),
                _ => ("-".into(), "-".into(), "0".into(), "-"),
            };
            let _ = writeln!(
                s,
                "{:<22} {:>4} | {:>6.2} {:>6.1} {:>+6.2} {:>4.0}% | {:>4} {:>7} {:>7} {:>6} | {:>8.2} {:>8.2}",
                row.group,
                m.count,
                m.mae,
                m.median,
                m.bias,
                m.within_5 * 100.0,
                n,
                same,
                prev,
                better,
                row.flat.mae,
                row.smooth.mae,
            );
        }
        s.push_str(SUMMARY_LEGEND);
        s
    }
}

/// What the columns of [`Replay::summary_table`] mean, printed under it.
const SUMMARY_LEGEND: &str = "
Groups: all rounds; each family; each family before 2024 (-2023) and since (2024+); each year.
n: the rounds nowcast (those with a usable pool snapshot). MAE, median: the mean and median
  absolute error of the model's nowcast (program rounds from the snapshot's density and shares,
  nominee and category rounds from the family's refill pool) against the published cut-off, in
  CRS points; bias: the mean error (+: nowcasts too high); <=5: the share within 5 points.
Middle block, on the rounds that have an earlier round of the same family: their n, the model's
  MAE on them, the MAE of the previous-cut-off baseline (the family's last cut-off taken as the
  nowcast), and which is lower (better; the model on a tie).
flat MAE, smoothMAE: the MAE of two baselines that nowcast every round from its snapshot by the
  same shares, with a flat density inside each of the snapshot's score ranges, or a smooth
  density without the fitted decay.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_the_table_is_defined_under_it() {
        let table = Replay::default().summary_table();
        let (head, legend) = table.split_once("\n\n").unwrap();
        for column in head
            .split(['|', ' '])
            .filter(|c| !c.is_empty() && *c != "group")
        {
            assert!(legend.contains(column), "{column} undefined in\n{legend}");
        }
        for defined in [
            "n:",
            "MAE, median:",
            "bias:",
            "<=5:",
            "flat MAE, smoothMAE:",
            "Groups:",
        ] {
            assert!(legend.contains(defined), "{defined}");
        }
    }
}
