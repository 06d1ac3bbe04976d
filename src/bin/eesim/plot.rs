//! Charts as SVG files: the chance over time and across scores, the replay, the backtest's
//! reliability.
//!
//! Every chart keeps its legend in a panel beside the plotted area (framed in [`LEGEND`]),
//! so it never covers the data; time axes are labelled with dates; colours come from a
//! palette whose neighbours stay apart; an empty chart says why in words.

use std::error::Error;
use std::path::Path;

use eesim::backtest::{BacktestOptions, BacktestReport};
use eesim::forecast::Replay;
use eesim::montecarlo::Interval;
use eesim::report::ChanceReport;
use jiff::civil::Date;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

type Drawn = Result<(), Box<dyn Error + Send + Sync>>;

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

const SIZE: (u32, u32) = (1080, 720);

/// The width of the legend panel at the right of each chart.
const LEGEND_WIDTH: u32 = 250;

/// The legend panel's frame colour (the charts' tests find the panel by it).
pub(crate) const LEGEND: RGBColor = RGBColor(0x11, 0x11, 0x11);

/// Ten colours that stay apart (Tableau 10), in order of use.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

fn color(k: usize) -> RGBColor {
    PALETTE[k % PALETTE.len()]
}

/// A chart with the house style (caption, margins, label areas) over `x` by `y`.
fn new_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    caption: String,
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
) -> Result<Chart<'a, DB>, Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    Ok(ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 15))
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(x, y)?)
}

/// Splits `area` into the plotting area and the legend panel at its right.
fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let width = area.dim_in_pixel().0;
    area.split_horizontally(width.saturating_sub(LEGEND_WIDTH))
}

/// How a legend entry shows its series: as it is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Swatch {
    /// A solid box: a line or a bar of that colour.
    Solid,
    /// A pale box: a band.
    Pale,
    /// A short line.
    Line,
    /// A filled circle.
    Dot,
    /// An open circle.
    Ring,
}

/// One legend entry: a swatch of its colour, drawn as its series is, and its label.
struct Entry {
    label: String,
    color: RGBColor,
    swatch: Swatch,
}

fn entry(label: impl Into<String>, color: RGBColor) -> Entry {
    Entry {
        label: label.into(),
        color,
        swatch: Swatch::Solid,
    }
}

fn swatch(label: impl Into<String>, color: RGBColor, swatch: Swatch) -> Entry {
    Entry {
        label: label.into(),
        color,
        swatch,
    }
}

/// The legend, framed, in its own panel: nothing plotted can lie under it.
fn legend<DB: DrawingBackend>(panel: &DrawingArea<DB, Shift>, entries: &[Entry]) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (w, _) = panel.dim_in_pixel();
    let rows = i32::try_from(entries.len()).unwrap_or(0);
    let line = 22;
    let (x0, y0) = (8, 48);
    let x1 = i32::try_from(w).unwrap_or(200) - 8;
    panel.draw(&Rectangle::new(
        [(x0, y0), (x1, y0 + 10 + rows * line)],
        LEGEND.stroke_width(1),
    ))?;
    for (i, e) in entries.iter().enumerate() {
        let y = y0 + 8 + i32::try_from(i).unwrap_or(0) * line;
        match e.swatch {
            Swatch::Solid => {
                panel.draw(&Rectangle::new(
                    [(x0 + 8, y + 4), (x0 + 30, y + 12)],
                    e.color.filled(),
                ))?;
            }
            Swatch::Pale => {
                panel.draw(&Rectangle::new(
                    [(x0 + 8, y + 4), (x0 + 30, y + 12)],
                    e.color.mix(0.35).filled(),
                ))?;
            }
            Swatch::Line => {
                panel.draw(&PathElement::new(
                    vec![(x0 + 8, y + 8), (x0 + 30, y + 8)],
                    e.color.stroke_width(2),
                ))?;
            }
            Swatch::Dot => {
                panel.draw(&Circle::new((x0 + 19, y + 8), 4, e.color.filled()))?;
            }
            Swatch::Ring => {
                panel.draw(&Circle::new((x0 + 19, y + 8), 4, e.color.stroke_width(1)))?;
            }
        }
        panel.draw(&Text::new(
            e.label.clone(),
            (x0 + 38, y),
            ("sans-serif", 13).into_font(),
        ))?;
    }
    Ok(())
}

/// A message across the middle of `area`, for a chart with nothing to draw.
fn message<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, text: &str) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (w, h) = area.dim_in_pixel();
    let style = TextStyle::from(("sans-serif", 16).into_font()).pos(
        plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Center,
        ),
    );
    area.draw(&Text::new(
        text.to_string(),
        (
            i32::try_from(w / 2).unwrap_or(0),
            i32::try_from(h / 2).unwrap_or(0),
        ),
        style,
    ))?;
    Ok(())
}

/// Axis labels without decimals.
fn whole(v: &f64) -> String {
    format!("{v:.0}")
}

/// The date `days` after `start`.
fn date_after(start: Date, days: f64) -> String {
    start
        .checked_add(jiff::Span::new().days(days.round() as i64))
        .map_or(String::new(), |d| d.to_string())
}

/// A band from the intervals, edged by thin lines so that a narrow one still shows, and a
/// line through the estimates, on a chart of percentages.
fn band_and_line<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    points: &[(f64, Interval)],
    color: RGBColor,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let mut band: Vec<(f64, f64)> = points.iter().map(|(x, i)| (*x, 100.0 * i.lo)).collect();
    band.extend(points.iter().rev().map(|(x, i)| (*x, 100.0 * i.hi)));
    chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.3))))?;
    for edge in [|i: &Interval| i.lo, |i: &Interval| i.hi] {
        chart.draw_series(LineSeries::new(
            points.iter().map(|(x, i)| (*x, 100.0 * edge(i))),
            color.mix(0.6).stroke_width(1),
        ))?;
    }
    chart.draw_series(LineSeries::new(
        points.iter().map(|(x, i)| (*x, 100.0 * i.p)),
        color.stroke_width(2),
    ))?;
    Ok(())
}

/// Who the candidate is, for titles: the score, every program and category, a nomination.
fn candidate(r: &ChanceReport) -> String {
    let programs: Vec<&str> = eesim::Program::ALL
        .into_iter()
        .filter(|p| r.request.membership.programs().contains(*p))
        .map(eesim::Program::name)
        .collect();
    let mut s = format!("CRS {}", r.crs);
    if !programs.is_empty() {
        s.push_str(&format!(", {}", programs.join("+")));
    }
    let categories: Vec<String> = r
        .request
        .membership
        .categories()
        .iter()
        .map(ToString::to_string)
        .collect();
    if !categories.is_empty() {
        s.push_str(&format!(", categories {}", categories.join("+")));
    }
    if r.nominee {
        s.push_str(", provincial nominee");
    }
    s
}

/// The message of a chart for a candidate no round reaches.
fn unreached(r: &ChanceReport) -> String {
    format!(
        "No round in this scenario reaches {} within {} days",
        candidate(r),
        r.request.horizon_days
    )
}

/// The chance of an ITA (and of landing) by date from today, with its band; below, the
/// cut-off fans of the candidate's families with the candidate's score across them (the step
/// path it follows, with a profile: birthdays change the age points). Both panels share a
/// time axis in days from today, with a tick at the start of every month, and mark today, the
/// submission and the profile's expiry where they fall inside it.
pub(crate) fn chance_over_time(
    path: &Path,
    r: &ChanceReport,
    score_path: &[(Date, eesim::CrsScore)],
) -> Drawn {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(SIZE.1 / 2);
    let (plot, panel) = with_legend(&top);
    let horizon = f64::from(r.request.horizon_days);
    let mut chart = new_chart(
        &plot,
        format!(
            "Chance of an invitation by date from today, {}: {} (data as of {}, {} runs)",
            r.today,
            candidate(r),
            r.as_of,
            r.tally.runs()
        ),
        0f64..horizon,
        0f64..100f64,
    )?;
    chart
        .configure_mesh()
        .x_labels(0)
        .x_desc("date (ticks at the start of each month)")
        .y_desc("chance (%), with 95% interval")
        .y_label_formatter(&whole)
        .draw()?;
    month_axis(&plot, &mut chart, r.today, 0.0..horizon, 0.0)?;
    let curve: Vec<(f64, Interval)> = r.curve.iter().map(|(d, i)| (f64::from(*d), *i)).collect();
    band_and_line(&mut chart, &curve, color(0))?;
    let mut entries = vec![
        entry("invitation (ITA)", color(0)),
        swatch("95% interval", color(0), Swatch::Pale),
    ];
    if let Some(l) = &r.landing {
        let landing: Vec<(f64, Interval)> =
            l.curve.iter().map(|(d, i)| (f64::from(*d), *i)).collect();
        band_and_line(&mut chart, &landing, color(3))?;
        entries.push(entry("landed (permanent resident)", color(3)));
    }
    let marks = markers(r);
    entries.extend(draw_markers(
        &plot,
        &mut chart,
        &marks,
        0.0..horizon,
        0.0..100.0,
        true,
    )?);
    if r.fans.is_empty() {
        message(&plot, &unreached(r))?;
    }
    legend(&panel, &entries)?;
    fans(&bottom, r, score_path, &marks)?;
    root.present()?;
    Ok(())
}

/// Days from `origin` to `d`.
fn days_from(origin: Date, d: Date) -> f64 {
    (d - origin).get_days() as f64
}

/// The width a label of `text` takes at `size` pixels, estimated generously (0.6 em a
/// character) so that labels spaced by it never overlap.
pub(crate) fn text_width(text: &str, size: u32) -> f64 {
    text.chars().count() as f64 * f64::from(size) * 0.6
}

/// The size of the month labels.
const MONTH_LABEL_SIZE: u32 = 12;

/// How many months apart the labelled ticks are: every month when a label fits in the
/// shortest month (28 days at `px_per_day`), else every 2nd, 3rd, 4th, 6th or 12th (steps
/// that divide the year, so labels fall on the same months every year).
pub(crate) fn month_step(px_per_day: f64) -> u32 {
    let need = text_width("Sep 2026", MONTH_LABEL_SIZE) + 10.0;
    [1, 2, 3, 4, 6, 12]
        .into_iter()
        .find(|s| f64::from(*s) * 28.0 * px_per_day >= need)
        .unwrap_or(12)
}

/// The month axis of a chart whose x is days from `origin` over `x`: a light line and a tick
/// at the start of every month, and a label (`Mar 2026`) under those [`month_step`] keeps;
/// with no month start inside, the first day is labelled as a date.
fn month_axis<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut Chart<'_, DB>,
    origin: Date,
    x: std::ops::Range<f64>,
    y0: f64,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let base = area.get_base_pixel();
    let at = |chart: &Chart<'_, DB>, v: f64| {
        let (px, py) = chart.backend_coord(&(v, y0));
        (px - base.0, py - base.1)
    };
    let px_per_day =
        f64::from(at(chart, x.end).0 - at(chart, x.start).0) / (x.end - x.start).max(1.0);
    let step = month_step(px_per_day);
    let (y_lo, y_hi) = {
        let r = chart.y_range();
        (r.start, r.end)
    };
    let first = origin
        .checked_add(jiff::Span::new().days(x.start.floor() as i64))
        .unwrap_or(origin)
        .first_of_month();
    let style = TextStyle::from(("sans-serif", MONTH_LABEL_SIZE).into_font()).pos(
        plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ),
    );
    let mut month = first;
    let mut labelled = 0;
    while let Ok(next) = month.checked_add(jiff::Span::new().months(1)) {
        let v = days_from(origin, month);
        if v > x.end {
            break;
        }
        if v >= x.start {
            chart.draw_series(LineSeries::new(
                vec![(v, y_lo), (v, y_hi)],
                BLACK.mix(0.12).stroke_width(1),
            ))?;
            let (px, py) = at(chart, v);
            area.draw(&PathElement::new(vec![(px, py), (px, py + 5)], BLACK))?;
            if (u32::from(month.month().unsigned_abs()) - 1) % step == 0 {
                area.draw(&Text::new(
                    month.strftime("%b %Y").to_string(),
                    (px, py + 7),
                    style.clone(),
                ))?;
                labelled += 1;
            }
        }
        month = next;
    }
    if labelled == 0 {
        let (px, py) = at(chart, x.start);
        area.draw(&Text::new(date_after(origin, x.start), (px, py + 7), style))?;
    }
    Ok(())
}

/// A date marked on the time charts by a vertical line.
struct Marker {
    date: Date,
    label: String,
    color: RGBColor,
}

/// Today, the submission and the profile's expiry.
fn markers(r: &ChanceReport) -> Vec<Marker> {
    vec![
        Marker {
            date: r.today,
            label: format!("today {}", r.today),
            color: color(7),
        },
        Marker {
            date: r.submitted,
            label: format!("submitted {}", r.submitted),
            color: color(2),
        },
        Marker {
            date: r.expires,
            label: format!("profile expires {}", r.expires),
            color: color(4),
        },
    ]
}

/// Draws the markers that fall inside `x` (days from today) as vertical lines, labelled at
/// the top when `labels`; the legend entries of those drawn.
fn draw_markers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut Chart<'_, DB>,
    marks: &[Marker],
    x: std::ops::Range<f64>,
    y: std::ops::Range<f64>,
    labels: bool,
) -> Result<Vec<Entry>, Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
{
    let Some(today) = marks.first().map(|m| m.date) else {
        return Ok(Vec::new());
    };
    let base = area.get_base_pixel();
    let right = chart.backend_coord(&(x.end, y.end)).0 - base.0;
    let mut entries = Vec::new();
    let mut row = 0;
    for m in marks {
        let v = days_from(today, m.date);
        if !(x.start..=x.end).contains(&v) {
            continue;
        }
        chart.draw_series(LineSeries::new(
            vec![(v, y.start), (v, y.end)],
            m.color.stroke_width(2),
        ))?;
        entries.push(swatch(m.label.clone(), m.color, Swatch::Line));
        if labels {
            let (px, py) = chart.backend_coord(&(v, y.end));
            let (px, py) = (px - base.0, py - base.1 + 4 + row * 16);
            let w = text_width(&m.label, 12) as i32;
            let left = if px + 4 + w > right {
                px - 4 - w
            } else {
                px + 4
            };
            area.draw(&Rectangle::new(
                [(left - 2, py - 1), (left + w + 2, py + 14)],
                WHITE.mix(0.85).filled(),
            ))?;
            area.draw(&Text::new(
                m.label.clone(),
                (left, py),
                ("sans-serif", 12).into_font().color(&m.color),
            ))?;
            row += 1;
        }
    }
    Ok(entries)
}

/// The first day of a fan's month (`YYYY-MM`).
fn month_start(label: &str) -> Option<Date> {
    format!("{label}-01").parse().ok()
}

/// The cut-off fans by month on the time axis (each month's fan at the middle of its days
/// inside the chart), one colour and offset per family, with a median marker for every
/// month; the candidate's score as the step path it follows; the same date markers.
fn fans<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    r: &ChanceReport,
    score_path: &[(Date, eesim::CrsScore)],
    marks: &[Marker],
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (plot, panel) = with_legend(area);
    let today = r.today;
    let horizon = f64::from(r.request.horizon_days);
    // The fans start with today's month: the panel starts today, as the chance above.
    let x0 = 0.0;
    let x = x0..horizon;
    let steps = score_steps(r, score_path, x0, horizon);
    let lo = r
        .fans
        .iter()
        .map(|f| f64::from(f.quantiles[0]))
        .chain(steps.iter().map(|s| s.1))
        .fold(f64::from(r.crs), f64::min)
        - 10.0;
    let hi = r
        .fans
        .iter()
        .map(|f| f64::from(f.quantiles[4]))
        .chain(steps.iter().map(|s| s.1))
        .fold(f64::from(r.crs), f64::max)
        + 10.0;
    let mut chart = new_chart(
        &plot,
        "Simulated cut-offs by month (10%-90% of rounds, median marked) and your score".into(),
        x.clone(),
        lo..hi,
    )?;
    chart
        .configure_mesh()
        .x_labels(0)
        .y_label_formatter(&whole)
        .x_desc("date (each month's fan at the middle of its days)")
        .y_desc("CRS cut-off")
        .draw()?;
    month_axis(&plot, &mut chart, today, x.clone(), lo)?;
    let families: Vec<&str> = {
        let mut f: Vec<&str> = r.fans.iter().map(|f| f.family.as_str()).collect();
        f.sort_unstable();
        f.dedup();
        f
    };
    let mut entries = Vec::new();
    for (k, family) in families.iter().enumerate() {
        let c = color(k);
        let offset = (k as f64 - (families.len() as f64 - 1.0) / 2.0) * 4.0;
        let rows: Vec<(f64, [u16; 5])> = r
            .fans
            .iter()
            .filter(|f| f.family == *family)
            .filter_map(|f| {
                let start = month_start(&f.month)?;
                let end = start.checked_add(jiff::Span::new().months(1)).ok()?;
                let a = days_from(today, start).max(x.start);
                let b = days_from(today, end).min(x.end);
                (a < b).then(|| ((a + b) / 2.0 + offset, f.quantiles))
            })
            .collect();
        chart.draw_series(rows.iter().map(|(x, q)| {
            Rectangle::new(
                [(x - 1.5, f64::from(q[0])), (x + 1.5, f64::from(q[4]))],
                c.mix(0.35).filled(),
            )
        }))?;
        chart.draw_series(LineSeries::new(
            rows.iter().map(|(x, q)| (*x, f64::from(q[2]))),
            c.stroke_width(2),
        ))?;
        chart.draw_series(
            rows.iter()
                .map(|(x, q)| Circle::new((*x, f64::from(q[2])), 3, c.filled())),
        )?;
        entries.push(entry(format!("{family} (10%-90%, median)"), c));
    }
    // The score last, over a white edge, so that it shows over the fans (a nominee's score
    // lies among the PNP cut-offs).
    chart.draw_series(LineSeries::new(
        steps.iter().copied(),
        WHITE.stroke_width(5),
    ))?;
    chart.draw_series(LineSeries::new(
        steps.iter().copied(),
        BLACK.stroke_width(2),
    ))?;
    let scores: Vec<f64> = {
        let mut s: Vec<f64> = steps.iter().map(|p| p.1).collect();
        s.dedup();
        s
    };
    let label = match (scores.first(), scores.last()) {
        (Some(a), Some(b)) if scores.len() > 1 => format!("your score, {a:.0} to {b:.0}"),
        _ => format!("your score ({})", r.crs),
    };
    entries.push(swatch(label, BLACK, Swatch::Line));
    if let Some(&(end_x, end_y)) = steps.last() {
        let base = plot.get_base_pixel();
        let (px, py) = chart.backend_coord(&(end_x, end_y));
        let text = format!("you: {end_y:.0}");
        let w = text_width(&text, 12) as i32;
        plot.draw(&Text::new(
            text,
            (px - base.0 - w - 4, py - base.1 - 16),
            ("sans-serif", 12).into_font(),
        ))?;
    }
    entries.extend(draw_markers(&plot, &mut chart, marks, x, lo..hi, false)?);
    if r.fans.is_empty() {
        message(&plot, "No simulated round can reach this candidate")?;
    }
    legend(&panel, &entries)?;
    Ok(())
}

/// The candidate's score over `x0..x1` (days from today) as the points of a step path: the
/// score in effect at `x0` (the profile's last change by then, else the report's starting
/// score), then a step at every later change inside the chart.
fn score_steps(
    r: &ChanceReport,
    score_path: &[(Date, eesim::CrsScore)],
    x0: f64,
    x1: f64,
) -> Vec<(f64, f64)> {
    let at = |d: Date| days_from(r.today, d);
    let mut score = score_path
        .iter()
        .rfind(|(d, _)| at(*d) <= x0)
        .map_or(f64::from(r.crs), |(_, s)| f64::from(s.get()));
    let mut points = vec![(x0, score)];
    for (d, s) in score_path
        .iter()
        .filter(|(d, _)| at(*d) > x0 && at(*d) <= x1)
    {
        let next = f64::from(s.get());
        if next != score {
            points.push((at(*d), score));
            points.push((at(*d), next));
            score = next;
        }
    }
    points.push((x1, score));
    points
}

/// The scores worth showing: where the chance climbs from near 0 to near 1, with a margin,
/// and the candidate's own score.
fn score_window(r: &ChanceReport) -> (f64, f64) {
    let (lo, hi) = (f64::from(r.score_range.0), f64::from(r.score_range.1));
    let first = r
        .by_score
        .iter()
        .find(|(_, i)| i.p > 0.005)
        .map(|(s, _)| f64::from(*s));
    let full = r
        .by_score
        .iter()
        .find(|(_, i)| i.p > 0.995)
        .map(|(s, _)| f64::from(*s));
    let crs = f64::from(r.crs);
    match (first, full) {
        (Some(a), b) => {
            let b = b.unwrap_or(hi);
            let a = (a.min(crs) - 15.0).max(lo);
            let b = (b.max(crs) + 15.0).min(hi);
            if b - a < 40.0 {
                ((a - 20.0).max(lo), (b + 20.0).min(hi))
            } else {
                (a, b)
            }
        }
        (None, _) => (lo, hi),
    }
}

/// The chance at the horizon across CRS scores, with its band, over the scores where it
/// changes.
pub(crate) fn chance_by_score(path: &Path, r: &ChanceReport) -> Drawn {
    let root = SVGBackend::new(path, (SIZE.0, SIZE.1 / 2 + 80)).into_drawing_area();
    root.fill(&WHITE)?;
    let (plot, panel) = with_legend(&root);
    let (lo, hi) = score_window(r);
    let mut chart = new_chart(
        &plot,
        format!(
            "Chance within {} days by CRS score: {} (scenario as of {}, {} runs)",
            r.request.horizon_days,
            candidate(r),
            r.as_of,
            r.tally.runs()
        ),
        lo..hi,
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
        .filter(|(s, _)| (lo..=hi).contains(s))
        .collect();
    band_and_line(&mut chart, &points, color(0))?;
    // The candidate's score: a line across the chart, and a point on the curve labelled
    // with its chance (the window always holds the score, a nominee's too).
    let crs = f64::from(r.crs);
    if (lo..=hi).contains(&crs) {
        chart.draw_series(LineSeries::new(
            vec![(crs, 0.0), (crs, 100.0)],
            color(3).stroke_width(2),
        ))?;
        if let Some((_, i)) = r.by_score.iter().find(|(s, _)| *s == r.crs) {
            let y = 100.0 * i.p;
            chart.draw_series(std::iter::once(Circle::new((crs, y), 5, color(3).filled())))?;
            let text = format!("your score {}: {:.0}%", r.crs, y);
            let base = plot.get_base_pixel();
            let (px, py) = chart.backend_coord(&(crs, y));
            let w = text_width(&text, 13) as i32;
            let right = chart.backend_coord(&(hi, y)).0 - base.0;
            let (px, py) = (px - base.0, py - base.1);
            let left = if px + 8 + w > right {
                px - 8 - w
            } else {
                px + 8
            };
            // Below the point when it is near the top, so that the text stays inside.
            let top = if y > 80.0 { py + 8 } else { py - 22 };
            plot.draw(&Rectangle::new(
                [(left - 2, top - 1), (left + w + 2, top + 15)],
                WHITE.mix(0.85).filled(),
            ))?;
            plot.draw(&Text::new(
                text,
                (left, top),
                ("sans-serif", 13).into_font(),
            ))?;
        }
    }
    legend(
        &panel,
        &[
            entry("chance within the horizon", color(0)),
            swatch("95% interval", color(0), Swatch::Pale),
            entry(format!("your score ({})", r.crs), color(3)),
        ],
    )?;
    if r.fans.is_empty() {
        message(&plot, &unreached(r))?;
    }
    root.present()?;
    Ok(())
}

/// Nowcasts further apart than this many days are not joined by a line.
pub(crate) const GAP_DAYS: i32 = 365;

/// Predicted against actual cut-offs over time, one panel per family with at least two
/// rounds (every one of them; the title names those left out), each on its own scale and
/// captioned with its MAE; the nowcast line breaks across gaps of more than a year, and
/// nowcasts far outside a family's cut-offs are drawn at its edge as open circles.
pub(crate) fn replay(path: &Path, replay: &Replay) -> Drawn {
    let nowcasts = replay.nowcasts();
    let (Some(first), Some(last)) = (
        nowcasts.iter().map(|n| n.date).min(),
        nowcasts.iter().map(|n| n.date).max(),
    ) else {
        return Err("no round to draw".into());
    };
    type Counted = Vec<(usize, String)>;
    let (mut families, left_out): (Counted, Counted) = {
        let mut names: Vec<String> = nowcasts.iter().map(|n| n.family.to_string()).collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .map(|f| {
                let n = nowcasts
                    .iter()
                    .filter(|x| x.family.to_string() == f)
                    .count();
                (n, f)
            })
            .partition(|(n, _)| *n >= 2)
    };
    families.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let cols = 3usize;
    let rows = families.len().div_ceil(cols).max(1);
    let height = 80 + 300 * u32::try_from(rows).unwrap_or(1);
    let root = SVGBackend::new(path, (SIZE.0 + 120, height)).into_drawing_area();
    root.fill(&WHITE)?;
    let (head, body) = root.split_vertically(80);
    let (plot_all, panel) = with_legend(&body);
    head.draw(&Text::new(
        format!(
            "Nowcast (line) against actual (dots) cut-offs by family, {first} to {last}: the {} families with two rounds or more",
            families.len()
        ),
        (12, 14),
        ("sans-serif", 17).into_font(),
    ))?;
    // Every family with two rounds or more is drawn: those left out have one.
    let left: Vec<&str> = left_out.iter().map(|(_, f)| f.as_str()).collect();
    let second = if left.is_empty() {
        format!("Every family is drawn. No line joins rounds more than {GAP_DAYS} days apart.")
    } else {
        format!(
            "Left out, with one round each: {}. No line joins rounds more than {GAP_DAYS} days apart.",
            left.join(", ")
        )
    };
    head.draw(&Text::new(second, (12, 44), ("sans-serif", 14).into_font()))?;
    let cells = plot_all.split_evenly((rows, cols));
    let days = |d: Date| (d - first).get_days() as f64;
    let span = days(last).max(1.0);
    for ((_, family), cell) in families.iter().zip(cells.iter()) {
        let mine: Vec<_> = nowcasts
            .iter()
            .filter(|n| n.family.to_string() == *family)
            .collect();
        let mae = eesim::forecast::ErrorStats::of(mine.iter().map(|n| n.error()))
            .map_or(f64::NAN, |s| s.mae);
        let actual_lo = mine
            .iter()
            .map(|n| f64::from(n.actual.get()))
            .fold(f64::INFINITY, f64::min);
        let actual_hi = mine
            .iter()
            .map(|n| f64::from(n.actual.get()))
            .fold(0.0, f64::max);
        let margin = ((actual_hi - actual_lo) * 0.25).max(20.0);
        let (lo, hi) = (actual_lo - margin, actual_hi + margin);
        let clamp = |v: f64| v.clamp(lo, hi);
        let from = mine.iter().map(|n| days(n.date)).fold(span, f64::min);
        let to = mine.iter().map(|n| days(n.date)).fold(0.0, f64::max);
        let pad = ((to - from) * 0.05).max(10.0);
        let mut chart = ChartBuilder::on(cell)
            .caption(
                format!("{family} ({} rounds, MAE {mae:.1})", mine.len()),
                ("sans-serif", 14),
            )
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d((from - pad)..(to + pad), lo..hi)?;
        let label = move |x: &f64| date_after(first, *x);
        chart
            .configure_mesh()
            .x_labels(3)
            .y_labels(5)
            .x_label_formatter(&label)
            .y_label_formatter(&whole)
            .label_style(("sans-serif", 11))
            .draw()?;
        // One line per run of rounds no more than a year apart; a lone round, a short dash.
        let dash = (to - from + 2.0 * pad) / 60.0;
        for run in runs(&mine, |n| n.date) {
            let points: Vec<(f64, f64)> = run
                .iter()
                .map(|n| (days(n.date), clamp(f64::from(n.predicted.get()))))
                .collect();
            let points = match points.as_slice() {
                [(x, y)] => vec![(x - dash, *y), (x + dash, *y)],
                _ => points,
            };
            chart.draw_series(LineSeries::new(points, color(0).stroke_width(1)))?;
        }
        chart.draw_series(mine.iter().filter_map(|n| {
            let p = f64::from(n.predicted.get());
            (p < lo || p > hi)
                .then(|| Circle::new((days(n.date), clamp(p)), 4, color(0).stroke_width(1)))
        }))?;
        chart.draw_series(mine.iter().map(|n| {
            Circle::new(
                (days(n.date), f64::from(n.actual.get())),
                3,
                color(1).filled(),
            )
        }))?;
    }
    legend(
        &panel,
        &[
            swatch("nowcast cut-off", color(0), Swatch::Line),
            swatch("actual cut-off", color(1), Swatch::Dot),
            swatch(
                "nowcast off the scale (at its edge)",
                color(0),
                Swatch::Ring,
            ),
        ],
    )?;
    root.present()?;
    Ok(())
}

/// `items` (in date order) cut into runs whose neighbours are at most [`GAP_DAYS`] apart.
pub(crate) fn runs<T>(items: &[T], date: impl Fn(&T) -> Date) -> Vec<&[T]> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..items.len() {
        if (date(&items[i]) - date(&items[i - 1])).get_days() > GAP_DAYS {
            out.push(&items[start..i]);
            start = i;
        }
    }
    if start < items.len() {
        out.push(&items[start..]);
    }
    out
}

/// The backtest's reliability diagram: mean forecast against observed frequency, by tenth.
pub(crate) fn reliability(
    path: &Path,
    report: &BacktestReport,
    options: &BacktestOptions,
) -> Drawn {
    let root = SVGBackend::new(path, (SIZE.1 + LEGEND_WIDTH, SIZE.1)).into_drawing_area();
    root.fill(&WHITE)?;
    let (plot, panel) = with_legend(&root);
    let scored = report.forecasts.iter().filter(|f| f.outcome.is_some());
    let (first, last) = scored.fold((None, None), |(a, b): (Option<Date>, Option<Date>), f| {
        (
            Some(a.map_or(f.origin, |a| a.min(f.origin))),
            Some(b.map_or(f.origin, |b| b.max(f.origin))),
        )
    });
    let title = match (first, last) {
        (Some(a), Some(b)) => format!(
            "Reliability of {}-day forecasts, scored origins {a} to {b}",
            options.horizon_days
        ),
        _ => format!(
            "Reliability of {}-day forecasts: no scored origins",
            options.horizon_days
        ),
    };
    let mut chart = new_chart(&plot, title, 0f64..1f64, 0f64..1f64)?;
    chart
        .configure_mesh()
        .x_desc("forecast chance of an invitation")
        .y_desc("share invited in fact")
        .draw()?;
    chart.draw_series(LineSeries::new(
        vec![(0.0, 0.0), (1.0, 1.0)],
        BLACK.mix(0.5),
    ))?;
    let bins = report.reliability();
    let max_n = bins.iter().map(|b| b.2).max().unwrap_or(1) as f64;
    chart.draw_series(bins.iter().map(|(p, o, n)| {
        Circle::new(
            (*p, *o),
            (4.0 + 10.0 * (*n as f64 / max_n).sqrt()) as i32,
            color(0).mix(0.6).filled(),
        )
    }))?;
    chart.draw_series(LineSeries::new(
        bins.iter().map(|(p, o, _)| (*p, *o)),
        color(0),
    ))?;
    // How many forecasts each point holds, beside it (below it near the top).
    let base = plot.get_base_pixel();
    for (p, o, n) in &bins {
        let radius = (4.0 + 10.0 * (*n as f64 / max_n).sqrt()) as i32;
        let (px, py) = chart.backend_coord(&(*p, *o));
        let (px, py) = (px - base.0, py - base.1);
        let y = if *o > 0.9 {
            py + radius + 2
        } else {
            py - radius - 16
        };
        let text = format!("n={n}");
        // Left of the point where the text would run past the plot's right edge.
        let right = chart.backend_coord(&(1.0, *o)).0 - base.0;
        let w = text_width(&text, 12) as i32;
        let x = if px + 4 + w > right {
            px - 4 - w
        } else {
            px + 4
        };
        plot.draw(&Text::new(text, (x, y), ("sans-serif", 12).into_font()))?;
    }
    if bins.is_empty() {
        message(&plot, "No scored origins: nothing to draw")?;
    }
    legend(
        &panel,
        &[
            swatch("perfect", RGBColor(0x80, 0x80, 0x80), Swatch::Line),
            swatch("forecasts by tenth (n: how many)", color(0), Swatch::Dot),
        ],
    )?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_break_where_rounds_are_more_than_a_year_apart() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let dates = [
            d("2022-01-01"),
            d("2022-12-31"),
            d("2024-01-01"),
            d("2024-02-01"),
            d("2026-01-01"),
        ];
        let runs = runs(&dates, |x| *x);
        assert_eq!(runs, [&dates[..2], &dates[2..4], &dates[4..]]);
        assert!(super::runs(&[] as &[Date], |x| *x).is_empty());
    }

    #[test]
    fn month_labels_thin_out_until_they_fit() {
        // 750 pixels: 182 days label every month, 540 days every 2nd, ten years once a year.
        assert_eq!(month_step(750.0 / 182.0), 1);
        assert_eq!(month_step(750.0 / 540.0), 2);
        assert_eq!(month_step(750.0 / 3650.0), 12);
        for px in [0.5, 1.0, 2.0, 3.0] {
            let s = f64::from(month_step(px));
            assert!(s * 28.0 * px >= text_width("Sep 2026", MONTH_LABEL_SIZE) || s == 12.0);
        }
    }
}
