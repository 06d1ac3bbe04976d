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
    let dates = svg
        .texts
        .iter()
        .filter(|t| {
            let t = t.trim();
            t.len() == 10 && t.parse::<jiff::civil::Date>().is_ok()
        })
        .count();
    assert!(
        dates >= 3 && has(&svg, "landed"),
        "dates on the time axis: {:?}",
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
