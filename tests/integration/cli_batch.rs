//! `eesim chance --batch`: many candidates on the same simulated futures.

use std::path::PathBuf;
use std::process::{Command, Output};

fn eesim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eesim"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EESIM_TODAY", "2026-02-21")
        .env(
            "EESIM_CACHE_DIR",
            std::env::temp_dir().join(format!("eesim-batch-no-cache-{}", std::process::id())),
        )
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("eesim-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const HEADER: &str = "id,crs,profile,programs,categories,nominee,submitted";

fn rows() -> Vec<String> {
    let profile = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/profile.toml");
    vec![
        "ana,505,,cec,,false,".into(),
        format!("ben,,{},cec;fsw,,,", profile.display()),
        "cho,470,,CEC,French,,2026-01-01".into(),
        "nom,750,,pnp,,,".into(),
    ]
}

#[test]
fn each_row_is_the_same_alone_or_among_others_and_agrees_with_chance() {
    let d = dir();
    let all = d.join("all.csv");
    std::fs::write(&all, format!("{HEADER}\n{}\n", rows().join("\n"))).unwrap();
    let runs = ["--runs", "400", "--seed", "9", "--json"];
    let mut args = vec!["chance", "--batch", all.to_str().unwrap()];
    args.extend(runs);
    let together = json(&eesim(&args));
    let candidates = together["rows"].as_array().unwrap();
    assert_eq!(candidates.len(), 4);
    assert_eq!(together["runs"], 400);
    for (i, row) in rows().iter().enumerate() {
        let one = d.join(format!("one{i}.csv"));
        std::fs::write(&one, format!("{HEADER}\n{row}\n")).unwrap();
        let mut args = vec!["chance", "--batch", one.to_str().unwrap()];
        args.extend(runs);
        let alone = json(&eesim(&args));
        // The same runs, so the same counts whoever else is judged with it.
        let mut alone = alone["rows"][0].clone();
        let mut among = candidates[i].clone();
        assert_eq!(alone["line"], 2);
        alone.as_object_mut().unwrap().remove("line");
        among.as_object_mut().unwrap().remove("line");
        assert_eq!(alone, among, "{row}");
    }
    // Against `chance` for the same candidate alone, with the same seed and runs: the fluid
    // engine judges its candidate by the same rule against the same rounds as a batch
    // judges each row, so the chances are the same.
    for (i, extra) in [
        vec!["--crs", "505"],
        vec![
            "--profile",
            "examples/data/profile.toml",
            "--programs",
            "cec;fsw",
        ],
        vec![
            "--crs",
            "470",
            "--categories",
            "french",
            "--submitted",
            "2026-01-01",
        ],
        vec!["--crs", "750", "--programs", "pnp"],
    ]
    .into_iter()
    .enumerate()
    {
        let mut args = vec!["chance"];
        args.extend(extra);
        args.extend(runs);
        let single = json(&eesim(&args));
        let b = &candidates[i];
        assert_eq!(b["crs"], single["candidate"]["crs"], "{i}");
        assert_eq!(b["nominee"], single["candidate"]["nominee"], "{i}");
        for key in ["p", "lo", "hi", "conditioned_runs"] {
            assert_eq!(b[key], single[key], "row {i}: {key}");
        }
        assert_eq!(
            b["by_month"],
            single["by_month"].as_array().unwrap()[..3]
                .iter()
                .map(|w| {
                    let mut w = w.clone();
                    w.as_object_mut().unwrap().retain(|k, _| {
                        ["months", "days", "until", "p", "lo", "hi"].contains(&k.as_str())
                    });
                    w
                })
                .collect::<serde_json::Value>(),
            "row {i}"
        );
    }
    assert!(
        candidates[2]["no_round"].get("french").is_some()
            && candidates[0]["no_round"].get("french").is_none()
    );
}

#[test]
fn the_csv_has_one_row_per_candidate_and_the_timing_is_on_stderr() {
    let d = dir();
    let all = d.join("csv.csv");
    std::fs::write(&all, format!("{HEADER}\n{}\n", rows().join("\n"))).unwrap();
    let out = eesim(&["chance", "--batch", all.to_str().unwrap(), "--runs", "200"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("id,status,crs,nominee,programs,categories,submitted,in_pool_from,expires,conditioned_runs,p_1m,lo_1m,hi_1m,p_3m,lo_3m,hi_3m,p_6m,lo_6m,hi_6m,p,lo,hi,no_round_general,no_round_cec,"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 5);
    assert!(lines[4].starts_with("nom,ok,750,true,"), "{}", lines[4]);
    let err: String = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("warning: no cached feed"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        err.starts_with("note: 4 rows judged on the same 200 simulated futures in "),
        "{err}"
    );
}

#[test]
fn err_batch_rows_name_their_line_and_field() {
    let d = dir();
    for (body, expected) in [
        (
            "x,300,,cex,,,",
            "line 2, field programs: expected one of cec, fsw, fst, pnp, found \"cex\" (did you mean cec?)",
        ),
        (
            "x,,,cec,,,",
            "line 2, field crs: expected crs or profile, found neither",
        ),
        (
            "x,1300,,cec,,,",
            "line 2, field crs: expected a CRS score from 0 to 1200, found 1300",
        ),
        (
            "x,500,,cec,,maybe,",
            "line 2, field nominee: expected true or false, found \"maybe\"",
        ),
        (
            "x,500,,cec,,,01/12/2026",
            "line 2, field submitted: expected a date like 2026-12-01, found 01/12/2026",
        ),
        (
            "x,500,,cec,,true,",
            "line 2, field crs: expected a score of at least 600 for a provincial nominee",
        ),
    ] {
        let path = d.join("bad.csv");
        std::fs::write(&path, format!("{HEADER}\n{body}\n")).unwrap();
        let out = eesim(&["chance", "--batch", path.to_str().unwrap(), "--runs", "10"]);
        assert_eq!(out.status.code(), Some(1), "{body}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{body}: {err}");
    }
    let out = eesim(&["chance", "--batch", "x.csv", "--crs", "500"]);
    assert_eq!(out.status.code(), Some(2), "--batch and --crs conflict");
}
