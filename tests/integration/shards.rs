//! Studies beyond one machine: `chance --shard K/N --tally-out FILE` and `eesim merge` give
//! the unsharded report byte for byte, and refuse shards that do not belong together.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_eesim");

fn eesim(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EESIM_TODAY", "2026-02-21")
        .env("EESIM_CACHE_DIR", no_cache())
        .output()
        .unwrap()
}

/// A cache directory that holds no feed: estimates use the embedded scenario.
fn no_cache() -> PathBuf {
    std::env::temp_dir().join(format!("eesim-shards-no-cache-{}", std::process::id()))
}

/// A fresh directory for one test.
fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("eesim-shards-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn ok(out: Output) -> Vec<u8> {
    assert!(
        out.status.success(),
        "status {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs every shard of `count` of `args`, writing `DIR/PREFIX-K.json`; returns the files.
fn shards(d: &Path, prefix: &str, args: &[&str], count: u32) -> Vec<PathBuf> {
    (1..=count)
        .map(|k| {
            let file = d.join(format!("{prefix}-{k}.json"));
            let shard = format!("{k}/{count}");
            let mut all = args.to_vec();
            all.extend(["--shard", &shard, "--tally-out", path(&file)]);
            let out = ok(eesim(&all));
            assert!(out.is_empty(), "a shard prints no report");
            file
        })
        .collect()
}

fn merge(files: &[PathBuf], extra: &[&str]) -> Output {
    let mut args = vec!["merge"];
    args.extend(files.iter().map(|f| path(f)));
    args.extend(extra);
    eesim(&args)
}

const CHANCE: [&str; 9] = [
    "chance",
    "--crs",
    "478",
    "--categories",
    "french",
    "--runs",
    "300",
    "--seed",
    "5",
];

#[test]
fn one_two_four_and_seven_shards_merge_to_the_unsharded_json_byte_for_byte() {
    let d = dir("chance");
    let mut json = CHANCE.to_vec();
    json.push("--json");
    let whole = ok(eesim(&json));
    assert!(whole.len() > 1_000);
    for count in [1, 2, 4, 7] {
        let files = shards(&d, &format!("n{count}"), &CHANCE, count);
        // In reverse order: the order of the files does not matter.
        let reversed: Vec<PathBuf> = files.iter().rev().cloned().collect();
        let merged = ok(merge(&reversed, &["--json"]));
        assert!(
            merged == whole,
            "{count} shards: the merge differs from the unsharded run"
        );
    }
    // The text report too, from the same shard files.
    let files: Vec<PathBuf> = (1..=4).map(|k| d.join(format!("n4-{k}.json"))).collect();
    assert_eq!(
        String::from_utf8(ok(merge(&files, &[]))).unwrap(),
        String::from_utf8(ok(eesim(&CHANCE))).unwrap()
    );
    // And the chart.
    let (a, b) = (d.join("whole.svg"), d.join("merged.svg"));
    let mut plot = CHANCE.to_vec();
    plot.extend(["--plot", path(&a), "--by-score"]);
    ok(eesim(&plot));
    ok(merge(&files, &["--plot", path(&b), "--by-score"]));
    assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
}

#[test]
fn a_profile_with_a_score_path_and_landing_merge_byte_for_byte() {
    let d = dir("profile");
    let args = [
        "chance",
        "--profile",
        "examples/data/profile.toml",
        "--to-landing",
        "--horizon-days",
        "400",
        "--runs",
        "200",
        "--seed",
        "3",
    ];
    let files = shards(&d, "p", &args, 3);
    assert_eq!(ok(merge(&files, &[])), ok(eesim(&args)));
    let mut json = args.to_vec();
    json.push("--json");
    let whole = ok(eesim(&json));
    let v: serde_json::Value = serde_json::from_slice(&whole).unwrap();
    assert!(
        v["score_path"].is_array() && v["landing"].is_object(),
        "{v}"
    );
    assert!(ok(merge(&files, &["--json"])) == whole);
}

#[test]
fn more_shards_than_runs_leave_empty_shards_that_merge_as_nothing() {
    let d = dir("empty");
    let args = ["chance", "--crs", "500", "--runs", "3", "--seed", "8"];
    let files = shards(&d, "e", &args, 7);
    let mut json = args.to_vec();
    json.push("--json");
    assert!(ok(merge(&files, &["--json"])) == ok(eesim(&json)));
}

#[test]
fn four_shards_in_parallel_with_xargs_merge_to_the_unsharded_run() {
    let d = dir("xargs");
    let args = CHANCE.join(" ");
    // Four processes at once, as a job array would run them.
    let script = format!(
        "printf '1\\n2\\n3\\n4\\n' | xargs -P 4 -I K '{BIN}' {args} --quiet --shard K/4 --tally-out '{}/par-K.json'",
        path(&d)
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("EESIM_TODAY", "2026-02-21")
        .env("EESIM_CACHE_DIR", no_cache())
        .output()
        .unwrap();
    ok(out);
    let files: Vec<PathBuf> = (1..=4).map(|k| d.join(format!("par-{k}.json"))).collect();
    let mut json = CHANCE.to_vec();
    json.push("--json");
    assert!(ok(merge(&files, &["--json"])) == ok(eesim(&json)));
}

const HEADER: &str = "id,crs,programs,categories,nominee,submitted";

#[test]
fn a_batch_merges_to_the_unsharded_csv_and_json() {
    let d = dir("batch");
    let csv = d.join("batch.csv");
    std::fs::write(
        &csv,
        format!(
            "{HEADER}\nana,505,cec,,,\ncho,470,cec,french,,2026-01-01\nnom,750,pnp,,true,\nfay,520,fsw,,,\n"
        ),
    )
    .unwrap();
    let args = [
        "chance",
        "--batch",
        path(&csv),
        "--runs",
        "300",
        "--seed",
        "4",
    ];
    let whole_csv = ok(eesim(&args));
    let mut json = args.to_vec();
    json.push("--json");
    let whole_json: serde_json::Value = serde_json::from_slice(&ok(eesim(&json))).unwrap();
    for count in [1, 3] {
        let files = shards(&d, &format!("b{count}"), &args, count);
        assert_eq!(
            String::from_utf8(ok(merge(&files, &[]))).unwrap(),
            String::from_utf8(whole_csv.clone()).unwrap(),
            "{count} shards"
        );
        let mut merged: serde_json::Value =
            serde_json::from_slice(&ok(merge(&files, &["--json"]))).unwrap();
        // `seconds` is the time the runs took (the merge: the shards' sum), the one field
        // that is not a figure.
        let mut whole = whole_json.clone();
        assert!(merged["seconds"].as_f64().unwrap() >= 0.0);
        merged.as_object_mut().unwrap().remove("seconds");
        whole.as_object_mut().unwrap().remove("seconds");
        assert_eq!(merged, whole, "{count} shards");
    }
    // The shard files hold the rows: the batch file may be gone by the merge.
    std::fs::remove_file(&csv).unwrap();
    let files: Vec<PathBuf> = (1..=3).map(|k| d.join(format!("b3-{k}.json"))).collect();
    assert_eq!(ok(merge(&files, &[])), whole_csv);
}

/// The error of a refused merge, which exits 1.
fn refused(files: &[PathBuf]) -> String {
    let out = merge(files, &["--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(out.stdout.is_empty());
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn err_a_missing_doubled_or_foreign_shard_is_refused_naming_it() {
    let d = dir("refused");
    let files = shards(&d, "s", &CHANCE, 4);
    // A missing shard: named by its number.
    let e = refused(&[files[0].clone(), files[1].clone(), files[3].clone()]);
    assert!(
        e.contains("error: shard 3/4 missing: expected the 4 shard files 1/4 to 4/4"),
        "{e}"
    );
    // A doubled shard: a copy under another name.
    let copy = d.join("copy.json");
    std::fs::copy(&files[1], &copy).unwrap();
    let e = refused(&[
        files[0].clone(),
        files[1].clone(),
        copy.clone(),
        files[3].clone(),
    ]);
    assert!(
        e.contains(&format!(
            "{}: shard 2/4 again ({} is shard 2/4 too)",
            copy.display(),
            files[1].display()
        )),
        "{e}"
    );
    // A foreign shard: another seed, another request, another split.
    let mut seed = CHANCE.to_vec();
    seed[8] = "6";
    let other_seed = shards(&d, "seed", &seed, 4);
    let e = refused(&[
        files[0].clone(),
        files[1].clone(),
        other_seed[2].clone(),
        files[3].clone(),
    ]);
    assert!(
        e.contains(&format!(
            "{}: a shard of another study than {}: request.seed: 6 here, 5 there",
            other_seed[2].display(),
            files[0].display()
        )),
        "{e}"
    );
    let mut crs = CHANCE.to_vec();
    crs[2] = "479";
    let other_crs = shards(&d, "crs", &crs, 4);
    let e = refused(&[
        files[0].clone(),
        other_crs[1].clone(),
        files[2].clone(),
        files[3].clone(),
    ]);
    assert!(
        e.contains(&format!(
            "{}: a shard of another study",
            other_crs[1].display()
        )) && e.contains("request.crs: 479 here, 478 there"),
        "{e}"
    );
    let halves = shards(&d, "half", &CHANCE, 2);
    let e = refused(&[files[0].clone(), halves[1].clone()]);
    assert!(
        e.contains(&format!(
            "{}: shard 2/2 of a study in 2 shards",
            halves[1].display()
        )),
        "{e}"
    );
    // A file that is not a shard file at all, and one edited by hand.
    let not = d.join("report.json");
    let mut json = CHANCE.to_vec();
    json.push("--json");
    std::fs::write(&not, ok(eesim(&json))).unwrap();
    let e = refused(&[files[0].clone(), not.clone()]);
    assert!(
        e.contains(&format!(
            "{}: expected a shard file (written by `eesim chance --shard K/N --tally-out FILE`), found JSON without \"format\"",
            not.display()
        )),
        "{e}"
    );
    let edited = d.join("edited.json");
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    v["scenario"] = v["scenario"]
        .as_str()
        .unwrap()
        .replacen("validity_months = 12", "validity_months = 11", 1)
        .into();
    std::fs::write(&edited, v.to_string()).unwrap();
    let mut with_edited = files.clone();
    with_edited[0] = edited.clone();
    let e = refused(&with_edited);
    assert!(
        e.contains(&format!(
            "{}: the scenario in the shard file has hash",
            edited.display()
        )),
        "{e}"
    );
    // The shards of a chance and of a batch are different studies.
    let csv = d.join("one.csv");
    std::fs::write(&csv, format!("{HEADER}\nana,478,cec,french,,\n")).unwrap();
    let batch = shards(
        &d,
        "batch",
        &[
            "chance",
            "--batch",
            path(&csv),
            "--runs",
            "300",
            "--seed",
            "5",
        ],
        4,
    );
    let e = refused(&[
        files[0].clone(),
        files[1].clone(),
        files[2].clone(),
        batch[3].clone(),
    ]);
    assert!(
        e.contains(&format!("{}: a shard of another study", batch[3].display()))
            && e.contains("kind: \"batch\" here, \"chance\" there"),
        "{e}"
    );
}

#[test]
fn err_bad_shard_arguments_exit_2() {
    for bad in ["0/4", "5/4", "4", "1/0", "a/b", ""] {
        let out = eesim(&["chance", "--shard", bad, "--tally-out", "x.json"]);
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(
            e.starts_with("error: --shard: expected K/N with 1 <= K <= N, found "),
            "{bad}: {e}"
        );
    }
    // --shard without --tally-out (and the reverse) is a usage error.
    for args in [
        &["chance", "--shard", "1/2"][..],
        &["chance", "--tally-out", "x.json"][..],
        &["merge"][..],
    ] {
        let out = eesim(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
    let help = String::from_utf8(ok(eesim(&["merge", "--help"]))).unwrap();
    assert!(help.contains("--shard K/N --tally-out") && help.contains("byte for byte"));
}

#[test]
fn the_slurm_scripts_run_a_study_whose_report_is_the_unsharded_one() {
    let d = dir("slurm");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/slurm");
    let args = "--crs 478 --categories french --runs 300 --seed 5";
    let run = |script: &str, task: Option<u32>| {
        let mut c = Command::new("sh");
        c.arg(root.join(script))
            .current_dir(&d)
            .env("EESIM", BIN)
            .env("EESIM_CACHE_DIR", no_cache())
            .env("STUDY_DIR", &d)
            .env("SHARDS", "3")
            .env("EESIM_ARGS", args)
            .env("EESIM_TODAY", "2026-02-21")
            .env("SLURM_CPUS_PER_TASK", "1");
        if let Some(k) = task {
            c.env("SLURM_ARRAY_TASK_ID", k.to_string());
        }
        ok(c.output().unwrap())
    };
    // The array's tasks, in any order, then the merge.
    for k in [2, 3, 1] {
        run("eesim-shard.sbatch", Some(k));
    }
    run("eesim-merge.sbatch", None);
    let mut json = CHANCE.to_vec();
    json.push("--json");
    assert!(std::fs::read(d.join("report.json")).unwrap() == ok(eesim(&json)));
    assert_eq!(
        std::fs::read(d.join("report.txt")).unwrap(),
        ok(eesim(&CHANCE))
    );
    // A missing shard fails the merge job, naming it.
    std::fs::remove_file(d.join("shard-2.json")).unwrap();
    let out = Command::new("sh")
        .arg(root.join("eesim-merge.sbatch"))
        .env("EESIM", BIN)
        .env("STUDY_DIR", &d)
        .env("SHARDS", "3")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("shard-2.json"), "{e}");
}

/// The library's side: a report is read only from the whole tally of its own request.
#[test]
fn err_a_report_from_a_partial_or_foreign_tally() {
    use eesim::montecarlo::Shard;
    use eesim::report::{ChanceReport, ChanceRequest};
    use eesim::scenario::Scenario;

    let scenario = Scenario::default_calibrated().unwrap();
    let request = ChanceRequest {
        runs: 60,
        seed: 2,
        ..ChanceRequest::new(eesim::CrsScore::new(490).unwrap())
    };
    let half = Shard::new(1, 2).unwrap().runs(60);
    let part = ChanceReport::tally_runs(&scenario, &request, half).unwrap();
    let e = ChanceReport::from_tally(&scenario, &request, part.clone()).unwrap_err();
    assert!(
        e.to_string()
            .contains("expected the tally of all 60 runs of the request, found a tally of 30 runs"),
        "{e}"
    );
    let other = ChanceRequest {
        seed: 3,
        ..request.clone()
    };
    let e = ChanceReport::from_tally(&scenario, &other, part).unwrap_err();
    assert!(
        e.to_string().contains("tally merge: expected seed 3"),
        "{e}"
    );
    let e = ChanceReport::tally_runs(&scenario, &request, 50..70).unwrap_err();
    assert!(
        e.to_string()
            .contains("runs: expected run indices within 0..60, the request's runs, found 50..70"),
        "{e}"
    );
}

#[test]
fn a_batch_with_failed_rows_and_months_from_a_later_today_merges_the_same() {
    let d = dir("batch-today");
    let csv = d.join("clients.csv");
    std::fs::write(
        &csv,
        "id,crs,programs,categories,submitted\nana,505,cec,,2026-01-10\nbad,470,cec,nope,\nold,480,cec,,2025-03-01\nfr,470,cec,french,2026-02-01\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("EESIM_TODAY", "2026-04-02")
            .env("EESIM_CACHE_DIR", no_cache())
            .output()
            .unwrap()
    };
    let args = [
        "chance",
        "--batch",
        path(&csv),
        "--runs",
        "200",
        "--months",
        "1,3",
    ];
    let whole = run(&args);
    assert_eq!(whole.status.code(), Some(1), "two rows fail");
    let files: Vec<PathBuf> = (1..=2)
        .map(|k| {
            let file = d.join(format!("s-{k}.json"));
            let shard = format!("{k}/2");
            let mut all = args.to_vec();
            all.extend(["--shard", &shard, "--tally-out", path(&file)]);
            let out = run(&all);
            assert!(
                out.status.success(),
                "a shard writes its counts: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            file
        })
        .collect();
    let merged = run(&[
        &["merge"][..],
        &files.iter().map(|f| path(f)).collect::<Vec<_>>(),
    ]
    .concat());
    assert_eq!(
        merged.status.code(),
        Some(1),
        "the merge names the failed rows too"
    );
    assert_eq!(
        String::from_utf8_lossy(&merged.stdout),
        String::from_utf8_lossy(&whole.stdout)
    );
    let failures = |o: &Output| -> Vec<String> {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .filter(|l| l.contains(", row "))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(failures(&merged), failures(&whole));
    assert_eq!(failures(&whole).len(), 2);
    assert!(
        String::from_utf8_lossy(&whole.stdout)
            .lines()
            .next()
            .unwrap()
            .contains(",p_1m,lo_1m,hi_1m,p_3m,")
    );
}
