//! Charts as SVG files: the chance over time and across scores, the replay, the backtest's
//! reliability.

use std::error::Error;
use std::path::Path;

use eesim::backtest::{BacktestOptions, BacktestReport};
use eesim::feed::Replay;
use eesim::montecarlo::Interval;
use eesim::report::ChanceReport;
use plotters::prelude::*;

type Drawn = Result<(), Box<dyn Error + Send + Sync>>;

const SIZE: (u32, u32) = (960, 720);

/// A chart with the house style (caption, margins, label areas) over `x` by `y`.
fn new_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, plotters::coord::Shift>,
    caption: String,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<
    ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    Box<dyn Error + Send + Sync>,
>
where
    DB::ErrorType: 'static,
{
    Ok(ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(56)
        .build_cartesian_2d(x, y)?)
}

/// The legend, framed, at `position`.
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<
        'a,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    position: SeriesLabelPosition,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
    Ok(())
}

/// Axis labels without decimals.
fn whole(v: &f64) -> String {
    format!("{v:.0}")
}

/// A band from the intervals and a line through the estimates, on a chart of percentages.
fn band_and_line<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    points: &[(f64, Interval)],
    color: RGBColor,
    label: &str,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let mut band: Vec<(f64, f64)> = points.iter().map(|(x, i)| (*x, 100.0 * i.lo)).collect();
    band.extend(points.iter().rev().map(|(x, i)| (*x, 100.0 * i.hi)));
    chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.2))))?;
    chart
        .draw_series(LineSeries::new(
            points.iter().map(|(x, i)| (*x, 100.0 * i.p)),
            color.stroke_width(2),
        ))?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    Ok(())
}

/// The chance of an ITA (and of landing) over time with its band; below, the cut-off fans of
/// the candidate's families with the candidate's score across them.
pub(crate) fn chance_over_time(path: &Path, r: &ChanceReport) -> Drawn {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(SIZE.1 / 2);
    let horizon = f64::from(r.request.horizon_days);
    let mut chart = new_chart(
        &top,
        format!(
            "Chance of an invitation by day: CRS {}, {} (scenario as of {}, {} runs)",
            r.crs,
            r.request.programs.join("+"),
            r.as_of,
            r.tally.runs()
        ),
        0f64..horizon,
        0f64..100f64,
    )?;
    chart
        .configure_mesh()
        .x_desc(format!("days after {}", r.as_of))
        .y_desc("chance (%), with 95% interval")
        .x_label_formatter(&whole)
        .y_label_formatter(&whole)
        .draw()?;
    let curve: Vec<(f64, Interval)> = r.curve.iter().map(|(d, i)| (f64::from(*d), *i)).collect();
    band_and_line(&mut chart, &curve, BLUE, "invitation (ITA)")?;
    if let Some(l) = &r.landing {
        let landing: Vec<(f64, Interval)> =
            l.curve.iter().map(|(d, i)| (f64::from(*d), *i)).collect();
        band_and_line(&mut chart, &landing, GREEN, "landed (permanent resident)")?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;

    let months: Vec<&str> = {
        let mut m: Vec<&str> = r.fans.iter().map(|f| f.month.as_str()).collect();
        m.sort_unstable();
        m.dedup();
        m
    };
    let crs = f64::from(r.crs);
    let lo = r
        .fans
        .iter()
        .map(|f| f64::from(f.quantiles[0]))
        .fold(crs, f64::min)
        - 10.0;
    let hi = r
        .fans
        .iter()
        .map(|f| f64::from(f.quantiles[4]))
        .fold(crs, f64::max)
        + 10.0;
    let mut fans = new_chart(
        &bottom,
        "Simulated cut-offs by month (10%-90% of rounds, median line) and your score".to_string(),
        -0.5f64..(months.len().max(1) as f64 - 0.5),
        lo..hi,
    )?;
    let label = |x: &f64| {
        months
            .get(x.round().max(0.0) as usize)
            .map_or(String::new(), |m| (*m).to_string())
    };
    fans.configure_mesh()
        .x_labels(months.len().max(1))
        .x_label_formatter(&label)
        .y_label_formatter(&whole)
        .x_desc("month")
        .y_desc("CRS cut-off")
        .draw()?;
    let families: Vec<&str> = {
        let mut f: Vec<&str> = r.fans.iter().map(|f| f.family.as_str()).collect();
        f.sort_unstable();
        f.dedup();
        f
    };
    for (k, family) in families.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let rows: Vec<(f64, [u16; 5])> = r
            .fans
            .iter()
            .filter(|f| f.family == *family)
            .filter_map(|f| {
                months
                    .iter()
                    .position(|m| *m == f.month)
                    .map(|i| (i as f64, f.quantiles))
            })
            .collect();
        let offset = (k as f64 - (families.len() as f64 - 1.0) / 2.0) * 0.12;
        fans.draw_series(rows.iter().map(|(x, q)| {
            Rectangle::new(
                [
                    (x + offset - 0.05, f64::from(q[0])),
                    (x + offset + 0.05, f64::from(q[4])),
                ],
                color.mix(0.35).filled(),
            )
        }))?;
        fans.draw_series(LineSeries::new(
            rows.iter().map(|(x, q)| (x + offset, f64::from(q[2]))),
            color.stroke_width(2),
        ))?
        .label(format!("{family} (median)"))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    let n = months.len().max(1) as f64;
    fans.draw_series(LineSeries::new(
        vec![(-0.5, crs), (n - 0.5, crs)],
        BLACK.stroke_width(2),
    ))?
    .label(format!("your score ({})", r.crs))
    .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK.stroke_width(2)));
    legend(&mut fans, SeriesLabelPosition::UpperRight)?;
    root.present()?;
    Ok(())
}

/// The chance at the horizon across CRS scores, with its band.
pub(crate) fn chance_by_score(path: &Path, r: &ChanceReport) -> Drawn {
    let root = SVGBackend::new(path, (SIZE.0, SIZE.1 / 2 + 80)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = new_chart(
        &root,
        format!(
            "Chance of an invitation within {} days by CRS score: {} (scenario as of {}, {} runs)",
            r.request.horizon_days,
            r.request.programs.join("+"),
            r.as_of,
            r.tally.runs()
        ),
        300f64..600f64,
        0f64..100f64,
    )?;
    chart
        .configure_mesh()
        .x_desc("CRS score")
        .y_desc("chance (%), with 95% interval")
        .x_label_formatter(&whole)
        .y_label_formatter(&whole)
        .draw()?;
    let points: Vec<(f64, Interval)> = r
        .by_score
        .iter()
        .map(|(s, i)| (f64::from(*s), *i))
        .collect();
    band_and_line(&mut chart, &points, BLUE, "chance within the horizon")?;
    let crs = f64::from(r.crs);
    chart
        .draw_series(LineSeries::new(
            vec![(crs, 0.0), (crs, 100.0)],
            RED.stroke_width(2),
        ))?
        .label(format!("your score ({})", r.crs))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    root.present()?;
    Ok(())
}

/// Predicted against actual cut-offs over time, by family.
pub(crate) fn replay(path: &Path, replay: &Replay) -> Drawn {
    let nowcasts = replay.nowcasts();
    let (Some(first), Some(last)) = (
        nowcasts.iter().map(|n| n.date).min(),
        nowcasts.iter().map(|n| n.date).max(),
    ) else {
        return Err("no round to draw".into());
    };
    let days = |d: jiff::civil::Date| (d - first).get_days() as f64;
    let lo = nowcasts
        .iter()
        .map(|n| f64::from(n.actual.get().min(n.predicted.get())))
        .fold(1200.0, f64::min)
        - 10.0;
    let hi = nowcasts
        .iter()
        .map(|n| f64::from(n.actual.get().max(n.predicted.get())))
        .fold(0.0, f64::max)
        + 10.0;
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = new_chart(
        &root,
        format!("Nowcast (line) against actual (dots) cut-offs, {first} to {last}"),
        0f64..days(last).max(1.0),
        lo..hi,
    )?;
    let label = |x: &f64| {
        first
            .checked_add(jiff::Span::new().days(*x as i64))
            .map_or(String::new(), |d| d.to_string())
    };
    chart
        .configure_mesh()
        .x_label_formatter(&label)
        .y_label_formatter(&whole)
        .x_labels(6)
        .x_desc("round date")
        .y_desc("CRS cut-off")
        .draw()?;
    let mut families: Vec<String> = nowcasts.iter().map(|n| n.family.to_string()).collect();
    families.sort_unstable();
    families.dedup();
    for (k, family) in families.iter().enumerate() {
        let color = Palette99::pick(k).to_rgba();
        let rows: Vec<_> = nowcasts
            .iter()
            .filter(|n| n.family.to_string() == *family)
            .collect();
        chart
            .draw_series(rows.iter().map(|n| {
                Circle::new((days(n.date), f64::from(n.actual.get())), 3, color.filled())
            }))?;
        chart
            .draw_series(LineSeries::new(
                rows.iter()
                    .map(|n| (days(n.date), f64::from(n.predicted.get()))),
                color.stroke_width(1),
            ))?
            .label(family.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    root.present()?;
    Ok(())
}

/// The backtest's reliability diagram: mean forecast against observed frequency, by tenth.
pub(crate) fn reliability(
    path: &Path,
    report: &BacktestReport,
    options: &BacktestOptions,
) -> Drawn {
    let root = SVGBackend::new(path, (SIZE.1, SIZE.1)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = new_chart(
        &root,
        format!(
            "Reliability of {}-day forecasts, origins {} to {}",
            options.horizon_days, options.from, options.to
        ),
        0f64..1f64,
        0f64..1f64,
    )?;
    chart
        .configure_mesh()
        .x_desc("forecast chance of an invitation")
        .y_desc("share invited in fact")
        .draw()?;
    chart
        .draw_series(LineSeries::new(
            vec![(0.0, 0.0), (1.0, 1.0)],
            BLACK.mix(0.5),
        ))?
        .label("perfect")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK));
    let bins = report.reliability();
    let max_n = bins.iter().map(|b| b.2).max().unwrap_or(1) as f64;
    chart
        .draw_series(bins.iter().map(|(p, o, n)| {
            Circle::new(
                (*p, *o),
                (4.0 + 10.0 * (*n as f64 / max_n).sqrt()) as i32,
                BLUE.mix(0.6).filled(),
            )
        }))?
        .label("forecasts, by tenth (area: how many)")
        .legend(|(x, y)| Circle::new((x + 10, y), 5, BLUE.filled()));
    chart.draw_series(LineSeries::new(bins.iter().map(|(p, o, _)| (*p, *o)), BLUE))?;
    legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
    root.present()?;
    Ok(())
}
