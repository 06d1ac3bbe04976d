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
        if n.has_tag_name("rect")
            && n.attribute("stroke")
                .is_some_and(|s| s.eq_ignore_ascii_case("#111111"))
        {
            svg.legends
                .push((num(n, "x"), num(n, "y"), num(n, "width"), num(n, "height")));
        }
    }
    // A legend's swatches (a short line, a dot, a ring drawn as their series are) lie in the
    // column at the left of its frame: they are not plotted points.
    let swatch = |points: &[(f64, f64)]| {
        svg.legends.iter().any(|&(x, y, _, h)| {
            points
                .iter()
                .all(|&(px, py)| px >= x + 8.0 && px <= x + 30.0 && py >= y && py <= y + h)
        })
    };
    let mut plotted = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        match n.tag_name().name() {
            "text" => svg.texts.push(n.text().unwrap_or_default().to_string()),
            "polyline" | "polygon" => {
                let points: Vec<(f64, f64)> = n
                    .attribute("points")
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(|pair| {
                        let mut xy = pair.split(',').map(|v| v.parse::<f64>().unwrap());
                        (xy.next().unwrap(), xy.next().unwrap())
                    })
                    .collect();
                if !swatch(&points) {
                    plotted.extend(points);
                }
            }
            "circle" => {
                let c = [(num(n, "cx"), num(n, "cy"))];
                if !swatch(&c) {
                    plotted.extend(c);
                }
            }
            _ => {}
        }
    }
    svg.points = plotted;
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
    // Every family with two rounds or more has its panel, with its MAE.
    let summary = replay_summary(&feed);
    let families = svg
        .texts
        .iter()
        .filter(|t| t.contains(" rounds, MAE "))
        .count();
    assert_eq!(families, summary, "{:?}", svg.texts);
    let rel = d.join("reliability.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args([
            "backtest",
            &feed,
            "--from",
            "2025-01-01",
            "--to",
            "2025-03-01",
            "--runs",
            "50",
            "--json",
            "--plot",
            rel.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let svg = legend_covers_nothing(&rel);
    // Each bin says how many forecasts it holds: together, every scored forecast.
    let counts: Vec<u64> = svg
        .texts
        .iter()
        .filter_map(|t| t.trim().strip_prefix("n=")?.parse().ok())
        .collect();
    assert_eq!(counts.len(), json["reliability"].as_array().unwrap().len());
    assert_eq!(
        counts.iter().sum::<u64>(),
        json["all"]["model"]["n"].as_u64().unwrap(),
        "{counts:?}"
    );
    assert!(
        has(&svg, "scored origins 2025-01-01 to 2025-02-01"),
        "{:?}",
        svg.texts
    );
}

/// How many families of the feed's replay have two nowcasts or more.
fn replay_summary(feed: &str) -> usize {
    let out = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(["replay", feed, "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["summary"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let g = r["group"].as_str().unwrap();
            g != "all" && !g.contains(' ') && r["model"]["count"].as_u64().unwrap() >= 2
        })
        .count()
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
/// A polyline: stroke, stroke width, points.
type Polyline = (String, f64, Vec<(f64, f64)>);

fn polylines(path: &Path) -> Vec<Polyline> {
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
    type Axis = Vec<(f64, f64, jiff::civil::Date)>;
    let mut axes: Vec<(f64, Axis)> = Vec::new();
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
    // Today 53 days after the data; a submission after today.
    eesim_today(
        "2026-04-15",
        &[
            "chance",
            "--profile",
            profile.to_str().unwrap(),
            "--submitted",
            "2026-05-20",
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
    // Both panels start today: their first label is the first month start after it.
    assert_eq!(axes[0][0].1, jiff::civil::date(2026, 5, 1));
    assert_eq!(axes[1][0].1, jiff::civil::date(2026, 5, 1));
    let texts: Vec<String> = labels(&long).into_iter().map(|l| l.text).collect();
    let count = |needle: &str| texts.iter().filter(|t| t.contains(needle)).count();
    // Today, the submission and the expiry fall in both panels: a label at the line's top,
    // and an entry in each legend.
    assert_eq!(count("today 2026-04-15"), 3, "{texts:?}");
    assert_eq!(count("submitted 2026-05-20"), 3, "{texts:?}");
    assert_eq!(count("profile expires 2027-05-20"), 3, "{texts:?}");
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

/// Every circle: centre, fill and stroke (lowercase).
fn circles(path: &Path) -> Vec<(f64, f64, String, String)> {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|n| {
            (
                num(n, "cx"),
                num(n, "cy"),
                n.attribute("fill").unwrap_or_default().to_lowercase(),
                n.attribute("stroke").unwrap_or_default().to_lowercase(),
            )
        })
        .collect()
}

#[test]
fn the_replay_chart_says_what_it_draws_and_breaks_lines_across_gaps() {
    let d = dir();
    // The fixture's rounds, and two more CEC rounds two years later: CEC has four rounds in
    // two runs; the general and PNP families one round each.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/feed/replay.json");
    let mut feed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let rounds = feed["rounds"].as_array_mut().unwrap();
    let cec: Vec<serde_json::Value> = rounds
        .iter()
        .filter(|r| r["drawName"] == "Canadian Experience Class")
        .cloned()
        .collect();
    for (i, mut r) in cec.into_iter().enumerate() {
        let day = if i == 0 { "02" } else { "01" };
        r["drawNumber"] = format!("{}", 6 - i).into();
        r["drawDate"] = format!("2026-03-{day}").into();
        r["drawDateTime"] = format!("March {day}, 2026 at 14:00:00 UTC").into();
        r["drawCutOff"] = "February 3, 2026 at 10:00:00 UTC".into();
        r["drawDistributionAsOn"] = "March 1, 2026".into();
        rounds.insert(i, r);
    }
    let path = d.join("gap-feed.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&feed).unwrap()).unwrap();
    let svg = d.join("gap.svg");
    let out = Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(["replay", path.to_str().unwrap(), "--json", "--plot"])
        .arg(&svg)
        .env("EESIM_TODAY", "2026-12-01")
        .env(
            "EESIM_CACHE_DIR",
            std::env::temp_dir().join("eesim-charts-gap-no-cache"),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mae = |group: &str| {
        json["summary"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["group"] == group)
            .map(|r| r["model"]["mae"].as_f64().unwrap())
            .unwrap()
    };
    let chart = legend_covers_nothing(&svg);
    // One panel, captioned with its MAE as the table has it; the title says what is left out.
    assert!(
        has(&chart, &format!("cec (4 rounds, MAE {:.1})", mae("cec"))),
        "{:?}",
        chart.texts
    );
    assert!(
        has(&chart, "the 1 families with two rounds or more"),
        "{:?}",
        chart.texts
    );
    assert!(
        has(&chart, "Left out, with one round each: general, pnp."),
        "{:?}",
        chart.texts
    );
    // The nowcast line breaks across the two years: two lines in the panel.
    let lines = polylines(&svg)
        .into_iter()
        .filter(|(stroke, width, _)| stroke == "#1f77b4" && *width == 1.0)
        .count();
    assert_eq!(lines, 2, "one line per run of rounds");
    // The legend draws each series as it is drawn: a line, a filled dot, an open circle.
    let (x, y, w, h) = chart.legends[0];
    let inside = |px: f64, py: f64| px >= x && px <= x + w && py >= y && py <= y + h;
    let legend: Vec<(String, String)> = circles(&svg)
        .into_iter()
        .filter(|c| inside(c.0, c.1))
        .map(|c| (c.2, c.3))
        .collect();
    assert_eq!(
        legend,
        [
            ("#ff7f0e".to_string(), "none".to_string()),
            ("none".to_string(), "#1f77b4".to_string())
        ]
    );
    assert!(
        polylines(&svg)
            .iter()
            .any(|(s, _, p)| s == "#1f77b4" && p.iter().all(|(a, b)| inside(*a, *b))),
        "a line swatch for the nowcast"
    );
}
