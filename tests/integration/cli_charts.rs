//! The charts: each SVG parses as XML (a real parser), its legend panel covers no plotted
//! point, titles name the whole candidate, time axes carry dates, an empty chart says so.

use std::path::{Path, PathBuf};
use std::process::Command;

fn eesim(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eesim-charts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A parsed chart: its text, its legend frames, and every plotted point.
struct Svg {
    texts: Vec<String>,
    legends: Vec<(f64, f64, f64, f64)>,
    points: Vec<(f64, f64)>,
}

fn num(n: roxmltree::Node<'_, '_>, a: &str) -> f64 {
    n.attribute(a)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn parse(path: &Path) -> Svg {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{}: not XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let mut svg = Svg {
        texts: Vec::new(),
        legends: Vec::new(),
        points: Vec::new(),
    };
    for n in doc.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "text" => svg.texts.push(n.text().unwrap_or_default().to_string()),
            "rect"
                if n.attribute("stroke")
                    .is_some_and(|s| s.eq_ignore_ascii_case("#111111")) =>
            {
                svg.legends
                    .push((num(n, "x"), num(n, "y"), num(n, "width"), num(n, "height")));
            }
            "polyline" | "polygon" => {
                for pair in n.attribute("points").unwrap_or_default().split_whitespace() {
                    let mut xy = pair.split(',').map(|v| v.parse::<f64>().unwrap());
                    svg.points.push((xy.next().unwrap(), xy.next().unwrap()));
                }
            }
            "circle" => svg.points.push((num(n, "cx"), num(n, "cy"))),
            _ => {}
        }
    }
    svg
}

/// The chart has a legend, and no plotted point lies inside any legend frame.
fn legend_covers_nothing(path: &Path) -> Svg {
    let svg = parse(path);
    assert!(!svg.legends.is_empty(), "{}: no legend", path.display());
    assert!(
        !svg.points.is_empty(),
        "{}: nothing plotted",
        path.display()
    );
    for &(x, y, w, h) in &svg.legends {
        for &(px, py) in &svg.points {
            let inside = px >= x && px <= x + w && py >= y && py <= y + h;
            assert!(
                !inside,
                "{}: point ({px}, {py}) under the legend {x},{y} {w}x{h}",
                path.display()
            );
        }
    }
    svg
}

/// The first day of the month a label such as `Mar 2026` names.
fn month_label(text: &str) -> Option<jiff::civil::Date> {
    let t = text.trim();
    let (name, year) = t.split_once(' ')?;
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = months.iter().position(|n| *n == name)? + 1;
    let y: i16 = year.parse().ok()?;
    jiff::civil::Date::new(y, i8::try_from(m).ok()?, 1).ok()
}

fn has(svg: &Svg, needle: &str) -> bool {
    svg.texts.iter().any(|t| t.contains(needle))
}

#[test]
fn chance_charts_keep_their_legends_off_the_data() {
    let d = dir();
    let time = d.join("time.svg");
    eesim(&[
        "chance",
        "--crs",
        "480",
        "--categories",
        "french",
        "--runs",
        "300",
        "--horizon-days",
        "400",
        "--to-landing",
        "--plot",
        time.to_str().unwrap(),
    ]);
    let svg = legend_covers_nothing(&time);
    assert_eq!(svg.legends.len(), 2, "one legend per panel");
    assert!(
        has(&svg, "CRS 480, cec, categories french"),
        "{:?}",
        svg.texts
    );
    let months = svg
        .texts
        .iter()
        .filter(|t| month_label(t).is_some())
        .count();
    assert!(
        months >= 6 && has(&svg, "landed"),
        "months on the time axes: {:?}",
        svg.texts
    );
    for (name, extra) in [
        ("score.svg", vec!["--crs", "505"]),
        ("nominee.svg", vec!["--crs", "750", "--nominee"]),
    ] {
        let path = d.join(name);
        let mut args = vec![
            "chance",
            "--runs",
            "300",
            "--by-score",
            "--plot",
            path.to_str().unwrap(),
        ];
        args.extend(extra);
        eesim(&args);
        let svg = legend_covers_nothing(&path);
        if name == "nominee.svg" {
            assert!(has(&svg, "provincial nominee"));
            // The axis is over the nominee range, not 300..600.
            let labels: Vec<f64> = svg
                .texts
                .iter()
                .filter_map(|t| t.trim().parse().ok())
                .collect();
            assert!(
                labels.iter().any(|v| *v >= 600.0 && *v <= 1200.0),
                "{labels:?}"
            );
            assert!(!labels.contains(&300.0), "{labels:?}");
        }
    }
}

#[test]
fn an_empty_chart_says_why() {
    let d = dir();
    let path = d.join("fsw.svg");
    eesim(&[
        "chance",
        "--crs",
        "430",
        "--programs",
        "fsw",
        "--runs",
        "100",
        "--plot",
        path.to_str().unwrap(),
    ]);
    let svg = parse(&path);
    assert!(
        has(
            &svg,
            "No round in this scenario reaches CRS 430, fsw within 182 days"
        ),
        "{:?}",
        svg.texts
    );
}

#[test]
fn replay_and_backtest_charts_on_the_feed() {
    let Some(feed) = std::env::var("EESIM_FEED").ok() else {
        eprintln!("note: EESIM_FEED is not set; skipping");
        return;
    };
    let d = dir();
    let replay = d.join("replay.svg");
    eesim(&["replay", &feed, "--plot", replay.to_str().unwrap()]);
    let svg = legend_covers_nothing(&replay);
    assert!(
        has(&svg, "cec (") && has(&svg, "pnp ("),
        "one panel per family"
    );
    let rel = d.join("reliability.svg");
    eesim(&[
        "backtest",
        &feed,
        "--from",
        "2025-01-01",
        "--to",
        "2025-03-01",
        "--runs",
        "50",
        "--plot",
        rel.to_str().unwrap(),
    ]);
    let svg = legend_covers_nothing(&rel);
    assert!(
        has(&svg, "scored origins 2025-01-01 to 2025-02-01"),
        "{:?}",
        svg.texts
    );
}

/// `eesim ARGS` with today and a cache that holds no feed (the embedded scenario, as of
/// 2026-02-21), succeeding.
fn eesim_today(today: &str, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env(
            "EESIM_CACHE_DIR",
            std::env::temp_dir().join(format!("eesim-charts-no-cache-{}", std::process::id())),
        )
        .env("EESIM_TODAY", today)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A text of a chart: where it is anchored, its size and its words.
struct Label {
    x: f64,
    y: f64,
    size: f64,
    anchor: String,
    text: String,
}

fn labels(path: &Path) -> Vec<Label> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| Label {
            x: num(n, "x"),
            y: num(n, "y"),
            size: num(n, "font-size"),
            anchor: n.attribute("text-anchor").unwrap_or("start").to_string(),
            text: n.text().unwrap_or_default().trim().to_string(),
        })
        .collect()
}

/// Every polyline: its stroke, its width, and its points.
fn polylines(path: &Path) -> Vec<(String, f64, Vec<(f64, f64)>)> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .map(|n| {
            let points = n
                .attribute("points")
                .unwrap_or_default()
                .split_whitespace()
                .map(|p| {
                    let (x, y) = p.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect();
            (
                n.attribute("stroke").unwrap_or_default().to_lowercase(),
                num(n, "stroke-width"),
                points,
            )
        })
        .collect()
}

/// The month labels of each time axis (grouped by their line), left to right: centred on
/// their ticks, never closer than their width (estimated generously at 0.6 em a character).
fn month_axes(path: &Path) -> Vec<Vec<(f64, jiff::civil::Date)>> {
    // (line, [(x, width, month)]).
    let mut axes: Vec<(f64, Vec<(f64, f64, jiff::civil::Date)>)> = Vec::new();
    for l in labels(path) {
        let Some(month) = month_label(&l.text) else {
            continue;
        };
        assert_eq!(l.anchor, "middle", "{}: centred on its tick", l.text);
        let width = l.text.chars().count() as f64 * l.size * 0.6;
        match axes.iter_mut().find(|(y, _)| (*y - l.y).abs() < 1.0) {
            Some((_, axis)) => axis.push((l.x, width, month)),
            None => axes.push((l.y, vec![(l.x, width, month)])),
        }
    }
    axes.sort_by(|a, b| a.0.total_cmp(&b.0));
    axes.into_iter()
        .map(|(_, mut axis)| {
            axis.sort_by(|a, b| a.0.total_cmp(&b.0));
            for w in axis.windows(2) {
                let ((x0, w0, m0), (x1, w1, m1)) = (w[0], w[1]);
                assert!(
                    x1 - x0 >= (w0 + w1) / 2.0,
                    "{}: {m0} at {x0} and {m1} at {x1} overlap",
                    path.display()
                );
            }
            axis.into_iter().map(|(x, _, m)| (x, m)).collect()
        })
        .collect()
}

#[test]
fn the_time_chart_marks_today_the_submission_and_the_expiry_with_month_ticks() {
    let d = dir();
    // A birth date: the score steps down on the birthdays of 2026-05-10 and 2027-05-10.
    let profile = d.join("born.toml");
    std::fs::write(
        &profile,
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/profile.toml"),
        )
        .unwrap()
        .replace(
            "assessed_on = \"2026-03-01\"",
            "assessed_on = \"2026-02-01\"",
        )
        .replace("age = 29 ", "birth_date = \"1996-05-10\" "),
    )
    .unwrap();
    let long = d.join("long.svg");
    // Today 53 days after the data: the cut-off panel starts at the data's date.
    eesim_today(
        "2026-04-15",
        &[
            "chance",
            "--profile",
            profile.to_str().unwrap(),
            "--submitted",
            "2026-03-20",
            "--horizon-days",
            "540",
            "--runs",
            "200",
            "--plot",
            long.to_str().unwrap(),
        ],
    );
    legend_covers_nothing(&long);
    let axes = month_axes(&long);
    assert_eq!(axes.len(), 2, "one month axis per panel: {axes:?}");
    for axis in &axes {
        // At 540 days not every month has room: every 2nd is labelled, on the same months
        // every year, left to right.
        assert!(axis.len() >= 7, "{axis:?}");
        let months: Vec<i8> = axis.iter().map(|(_, m)| m.month()).collect();
        assert!(
            months.windows(2).all(|w| (w[1] - w[0]).rem_euclid(12) == 2),
            "{months:?}"
        );
    }
    // The top panel starts today: its first label is the first month start after it.
    assert_eq!(axes[0][0].1, jiff::civil::date(2026, 5, 1));
    assert_eq!(
        axes[1][0].1,
        jiff::civil::date(2026, 3, 1),
        "from the data's date"
    );
    let texts: Vec<String> = labels(&long).into_iter().map(|l| l.text).collect();
    let count = |needle: &str| texts.iter().filter(|t| t.contains(needle)).count();
    // Today and the expiry fall in both panels: a label at the line's top, and an entry in
    // each legend. The submission falls before today: only in the cut-off panel.
    assert_eq!(count("today 2026-04-15"), 3, "{texts:?}");
    assert_eq!(count("profile expires 2027-03-20"), 3, "{texts:?}");
    assert_eq!(count("submitted 2026-03-20"), 1, "{texts:?}");
    assert!(count("Chance of an invitation by date from today, 2026-04-15") == 1);
    // The score as the step path it follows: 513, 508 from 2026-05-10, 502 from 2027-05-10.
    assert!(
        count("your score, 513 to 502") == 1 && count("you: 502") == 1,
        "{texts:?}"
    );
    let steps = polylines(&long)
        .into_iter()
        .filter(|(stroke, width, points)| stroke == "#000000" && *width == 2.0 && points.len() > 2)
        .collect::<Vec<_>>();
    assert_eq!(steps.len(), 1, "one score path: {steps:?}");
    let mut levels: Vec<i64> = steps[0].2.iter().map(|p| p.1.round() as i64).collect();
    levels.dedup();
    assert_eq!(levels.len(), 3, "three scores, in steps: {:?}", steps[0].2);
    assert!(
        levels.windows(2).all(|w| w[1] > w[0]),
        "lower scores lie lower: {levels:?}"
    );
    // A short horizon labels every month; the default submission (before the data's date)
    // and an expiry past the horizon are not drawn.
    let short = d.join("short.svg");
    eesim_today(
        "2026-02-21",
        &[
            "chance",
            "--crs",
            "500",
            "--runs",
            "100",
            "--plot",
            short.to_str().unwrap(),
        ],
    );
    let axes = month_axes(&short);
    assert_eq!(axes[0].len(), 6, "{axes:?}");
    let texts: Vec<String> = labels(&short).into_iter().map(|l| l.text).collect();
    assert!(texts.iter().any(|t| t == "today 2026-02-21"), "{texts:?}");
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("submitted") || t.contains("expires")),
        "{texts:?}"
    );
}

#[test]
fn a_nominee_sees_their_score_in_both_charts() {
    let d = dir();
    let time = d.join("nominee-time.svg");
    let score = d.join("nominee-score.svg");
    for (path, extra) in [(&time, None), (&score, Some("--by-score"))] {
        let mut args = vec![
            "chance",
            "--crs",
            "750",
            "--nominee",
            "--runs",
            "200",
            "--plot",
        ];
        args.push(path.to_str().unwrap());
        args.extend(extra);
        eesim_today("2026-02-21", &args);
    }
    // The score line lies among the PNP cut-offs, over a white edge, and is named at its end.
    let lines = polylines(&time);
    let black = lines
        .iter()
        .position(|(s, w, p)| {
            s == "#000000" && *w == 2.0 && p.len() == 2 && p[0].1 == p[1].1 && p[0].0 < p[1].0
        })
        .expect("the score line");
    assert_eq!(lines[black - 1].0, "#ffffff", "a white edge under it");
    assert_eq!(lines[black - 1].2, lines[black].2);
    assert!(labels(&time).iter().any(|l| l.text == "you: 750"));
    // By score, over the nominee's range, a point on the curve at 750 with its chance.
    let texts: Vec<String> = labels(&score).into_iter().map(|l| l.text).collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("your score 750: ") && t.ends_with('%')),
        "{texts:?}"
    );
}
