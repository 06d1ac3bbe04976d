//! `eesim serve` against a real server on an ephemeral port of 127.0.0.1: every endpoint,
//! the same document as `eesim chance --json`, bad parameters and limits, the kept answers,
//! 503 with Retry-After when saturated, the background refresh, and a graceful shutdown.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use eesim::cache::FEED_FILE;
use serde_json::Value;

use crate::feed_reader::fixture;
use crate::fetch::{Reply, Server, eesim_env, temp_cache};

const TODAY: &str = "2024-04-01";

/// The sample profile of `examples/data/profile.toml`, as JSON (a CRS score of 513).
const PROFILE: &str = r#"{"assessed_on": "2026-03-01", "age": 29, "spouse": "none", "education": "masters",
  "canadian_education": "none",
  "first_language": {"test": "ielts", "listening": 8.0, "reading": 7.0, "writing": 7.0, "speaking": 7.0},
  "second_language": {"test": "clb", "listening": 5, "reading": 5, "writing": 5, "speaking": 5},
  "canadian_work_years": 1, "foreign_work_years": 3, "certificate_of_qualification": false,
  "provincial_nomination": false, "job_offer": "none", "sibling_in_canada": false}"#;

/// A cache holding the 5-round fixture feed (the last round of 2024-03-12).
fn cached(name: &str) -> PathBuf {
    let dir = temp_cache(&format!("serve-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(fixture("replay.json"), dir.join(FEED_FILE)).unwrap();
    dir
}

/// A running `eesim serve`, killed when dropped.
struct Served {
    child: Child,
    addr: String,
    log: Arc<Mutex<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// `eesim serve ARGS` on a free port of 127.0.0.1 with this cache (`--refresh off`
    /// unless ARGS say otherwise).
    fn start(cache: &Path, env: &[(&str, &str)], args: &[&str]) -> Served {
        let mut command = Command::new(env!("CARGO_BIN_EXE_eesim"));
        command.args(["serve", "--bind", "127.0.0.1:0"]);
        if !args.contains(&"--refresh") {
            command.args(["--refresh", "off"]);
        }
        command
            .args(args)
            .env("EESIM_CACHE_DIR", cache)
            .env("EESIM_TODAY", TODAY)
            .env_remove("EESIM_FEED_URL")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for proxy in [
            "ALL_PROXY",
            "all_proxy",
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
        ] {
            command.env_remove(proxy);
        }
        let mut child = command.spawn().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|rest| rest.split('/').next())
            .unwrap_or_else(|| {
                panic!(
                    "expected the address on stdout, found {line:?}; log: {}",
                    log.lock().unwrap()
                )
            })
            .to_string();
        assert!(addr.starts_with("127.0.0.1:"), "{line}");
        Served { child, addr, log }
    }

    fn get(&self, target: &str) -> Answer {
        http(&self.addr, "GET", target, None)
    }

    fn post(&self, target: &str, body: &str) -> Answer {
        http(&self.addr, "POST", target, Some(body.as_bytes()))
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "expected JSON, found {e}: {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    fn error(&self) -> String {
        self.json()["error"].as_str().unwrap().to_string()
    }
}

/// One HTTP/1.1 request on its own connection.
fn http(addr: &str, method: &str, target: &str, body: Option<&[u8]>) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // A server may answer (413) before reading a large body, and close: that is fine.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "expected an HTTP answer, found {:?}",
                String::from_utf8_lossy(&raw)
            )
        });
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    assert!(
        !headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked")),
        "expected a Content-Length answer"
    );
    Answer {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

#[test]
fn chance_answers_the_document_of_chance_json_and_keeps_it() {
    let cache = cached("chance");
    let served = Served::start(&cache, &[], &[]);
    let api = served.get("/api/chance?crs=505&runs=300&programs=cec,fsw&seed=7");
    assert_eq!(api.status, 200, "{}", String::from_utf8_lossy(&api.body));
    assert_eq!(api.header("x-eesim-cache"), Some("miss"));
    assert!(
        api.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let data = api.header("x-eesim-data").unwrap();
    assert_eq!(data, "cached feed, calibrated as of 2024-03-13");
    let cli = eesim_env(
        &cache,
        &[("EESIM_TODAY", TODAY)],
        &[
            "chance",
            "--crs",
            "505",
            "--runs",
            "300",
            "--programs",
            "cec,fsw",
            "--seed",
            "7",
            "--json",
        ],
    );
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(api.json(), cli, "the API and `chance --json` differ");
    assert_eq!(api.json()["data"]["kind"], "cached feed");
    // The same question, its parameters in another order: the kept answer, the same bytes.
    let again = served.get("/api/chance?seed=7&programs=cec,fsw&runs=300&crs=505");
    assert_eq!(again.status, 200);
    assert_eq!(again.header("x-eesim-cache"), Some("hit"));
    assert_eq!(again.body, api.body);
    // Another seed is another question.
    let other = served.get("/api/chance?crs=505&runs=300&programs=cec,fsw&seed=8");
    assert_eq!(other.header("x-eesim-cache"), Some("miss"));
    assert_ne!(other.json()["p"], Value::Null);
    // A profile in the body: the document of `chance --profile FILE --json`.
    let api = served.post("/api/chance?runs=200&horizon_days=91", PROFILE);
    assert_eq!(api.status, 200, "{}", String::from_utf8_lossy(&api.body));
    let cli = eesim_env(
        &cache,
        &[("EESIM_TODAY", TODAY)],
        &[
            "chance",
            "--profile",
            "examples/data/profile.toml",
            "--runs",
            "200",
            "--horizon-days",
            "91",
            "--json",
        ],
    );
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(api.json(), cli);
    assert_eq!(api.json()["candidate"]["crs"], 513);
    // Each request is logged with its status and time.
    let log = served.log();
    assert!(log.contains("GET /api/chance?crs=505"), "{log}");
    assert!(log.contains("status=200"), "{log}");
    assert!(
        log.contains("cache=\"hit\"") || log.contains("cache=hit"),
        "{log}"
    );
}

#[test]
fn crs_what_if_data_health_openapi_and_the_page() {
    let cache = cached("endpoints");
    let served = Served::start(&cache, &[], &[]);
    let crs = served.post("/api/crs", PROFILE);
    assert_eq!(crs.status, 200, "{}", String::from_utf8_lossy(&crs.body));
    let cli = eesim_env(
        &cache,
        &[],
        &["crs", "examples/data/profile.toml", "--json"],
    );
    assert!(cli.status.success());
    assert_eq!(
        crs.json(),
        serde_json::from_slice::<Value>(&cli.stdout).unwrap()
    );
    assert_eq!(crs.json()["total"], 513);
    // With a birth date, the score path to `until`, as `crs --until`.
    let born = PROFILE.replace(r#""age": 29"#, r#""birth_date": "1996-05-10""#);
    let file = cache.join("born.json");
    std::fs::write(&file, &born).unwrap();
    let crs = served.post("/api/crs?until=2027-06-01", &born);
    assert_eq!(crs.status, 200, "{}", String::from_utf8_lossy(&crs.body));
    let cli = eesim_env(
        &cache,
        &[],
        &[
            "crs",
            file.to_str().unwrap(),
            "--until",
            "2027-06-01",
            "--json",
        ],
    );
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    assert_eq!(
        crs.json(),
        serde_json::from_slice::<Value>(&cli.stdout).unwrap()
    );
    assert!(
        crs.json()["path"].as_array().is_some_and(|p| p.len() >= 2),
        "{}",
        crs.json()
    );

    let what_if = served.post("/api/what-if?runs=200&programs=cec,fsw", PROFILE);
    assert_eq!(
        what_if.status,
        200,
        "{}",
        String::from_utf8_lossy(&what_if.body)
    );
    let w = what_if.json();
    assert_eq!(
        (w["crs"].clone(), w["runs"].clone()),
        (513.into(), 200.into())
    );
    assert!(w["improvements"].as_array().is_some_and(|i| !i.is_empty()));
    assert_eq!(w["data"]["kind"], "cached feed");

    let data = served.get("/api/data").json();
    assert_eq!(data["rounds_total"], 5);
    assert_eq!(data["last_round"], "2024-03-12");
    assert_eq!(data["as_of"], "2024-03-13");
    assert_eq!(data["today"], TODAY);
    assert_eq!(data["limits"]["max_runs"], 50_000);
    // Twenty days after the last round: no warning yet.
    assert_eq!(data["warnings"], Value::Array(Vec::new()));
    let served_late = Served::start(&cache, &[("EESIM_TODAY", "2024-06-01")], &[]);
    let warnings = served_late.get("/api/data").json()["warnings"].clone();
    assert!(
        warnings[0].as_str().unwrap().contains(
            "the newest round in the data is of 2024-03-12, 81 days before today (2024-06-01)"
        ),
        "{warnings}"
    );

    let health = served.get("/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    let openapi = served.get("/api/openapi.json").json();
    assert_eq!(openapi["openapi"], "3.1.0");
    for path in [
        "/api/chance",
        "/api/crs",
        "/api/what-if",
        "/api/data",
        "/healthz",
    ] {
        assert!(openapi["paths"].get(path).is_some(), "{path} undocumented");
    }

    let page = served.get("/?crs=505&programs=cec&categories=french");
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body.clone()).unwrap();
    assert!(html.contains(r#"<script src="/app.js" defer></script>"#));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the page loads nothing from another site"
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        page.header("x-eesim-data"),
        Some("cached feed, calibrated as of 2024-03-13")
    );
    let js = served.get("/app.js");
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(String::from_utf8_lossy(&js.body).contains("/api/chance"));
    assert_eq!(served.get("/style.css").status, 200);
}

#[test]
fn bad_parameters_and_limits_are_refused_in_the_project_style() {
    // The embedded scenario (an empty cache), whose categories include french.
    let cache = temp_cache("serve-bad");
    let served = Served::start(&cache, &[], &["--max-runs", "20000"]);
    let cases = [
        (
            "/api/chance?runs=0",
            "runs: expected a whole number of runs from 1 to 10000000, found 0",
        ),
        (
            "/api/chance?runs=20001",
            "runs: expected at most 20000 simulated futures on this server, found 20001",
        ),
        (
            "/api/chance?crs=1300",
            "crs: expected a CRS score from 0 to 1200, found 1300",
        ),
        (
            "/api/chance?submitted=2024-13-01",
            "submitted: expected a date like 2026-12-01, found 2024-13-01",
        ),
        (
            "/api/chance?nominee=maybe",
            "nominee: expected true or false, found \"maybe\"",
        ),
        (
            "/api/chance?programs=cex",
            "programs: expected one of cec, fsw, fst, pnp, found \"cex\" (did you mean cec?)",
        ),
    ];
    for (target, message) in cases {
        let a = served.get(target);
        assert_eq!(
            (a.status, a.error()),
            (400, message.to_string()),
            "{target}"
        );
    }
    // No file path, scenario or feed is taken from a request.
    for key in ["scenario", "feed", "profile", "plot", "batch", "threads"] {
        let a = served.get(&format!("/api/chance?{key}=/etc/passwd"));
        assert_eq!(a.status, 400, "{key}");
        assert!(
            a.error()
                .starts_with(&format!("{key}: expected one of the parameters programs")),
            "{}",
            a.error()
        );
    }
    let a = served.get("/api/chance?crs=505&runs=100&categories=frnch");
    assert_eq!(a.status, 400);
    assert!(
        a.error().starts_with("categories: expected one of "),
        "{}",
        a.error()
    );
    assert!(
        a.error()
            .ends_with("found \"frnch\" (did you mean french?)"),
        "{}",
        a.error()
    );
    let data = served.get("/api/data").json();
    assert_eq!(data["data"]["kind"], "embedded");
    assert!(
        data["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "french")
    );
    assert!(
        data["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("no cached feed: these answers use the scenario embedded in eesim")
    );
    assert!(
        served
            .get("/healthz")
            .header("x-eesim-data")
            .unwrap()
            .starts_with("embedded scenario as of ")
    );
    let a = served.post("/api/chance?crs=505", PROFILE);
    assert_eq!(
        a.error(),
        "crs: expected either crs or a profile in the body, found both"
    );
    let a = served.post(
        "/api/crs",
        r#"{"assessed_on": "2026-03-01", "age": 29, "education": "phd"}"#,
    );
    assert_eq!(a.status, 400);
    let problems = a.json()["problems"].clone();
    assert!(
        problems[0]
            .as_str()
            .unwrap()
            .starts_with("education: expected one of below_secondary"),
        "{problems}"
    );
    assert_eq!(served.post("/api/crs", "").status, 400);
    assert_eq!(
        served.post("/api/crs?until=soon", PROFILE).error(),
        "until: expected a date like 2026-12-01, found soon"
    );
    // Size limits: the body and the address.
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(70 * 1024));
    let too_big = served.post("/api/crs", &big);
    assert_eq!(too_big.status, 413);
    assert_eq!(
        too_big.error(),
        "the request's body: expected at most 65536 bytes, found more"
    );
    let long = served.get(&format!("/api/chance?crs={}", "5".repeat(9 * 1024)));
    assert_eq!(long.status, 414);
    assert!(
        long.error()
            .starts_with("the request's address: expected at most 8192 bytes")
    );
    let missing = served.get("/nope");
    assert_eq!(missing.status, 404);
    assert!(
        missing
            .error()
            .starts_with("/nope: expected one of /, /api/chance")
    );
    assert_eq!(served.get("/api/crs").status, 405);
}

#[test]
fn a_saturated_server_answers_503_with_retry_after_and_nothing_else() {
    let cache = cached("busy");
    let served = Served::start(&cache, &[], &["--workers", "1", "--queue", "1"]);
    let clients = 8;
    let barrier = Arc::new(Barrier::new(clients));
    let answers: Vec<Answer> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|i| {
                let barrier = Arc::clone(&barrier);
                let addr = served.addr.clone();
                s.spawn(move || {
                    barrier.wait();
                    http(
                        &addr,
                        "GET",
                        &format!("/api/chance?crs={}&runs=1000", 450 + i),
                        None,
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = answers.iter().filter(|a| a.status == 200).count();
    let busy: Vec<&Answer> = answers.iter().filter(|a| a.status == 503).collect();
    assert_eq!(ok + busy.len(), clients, "{answers:?}");
    assert!(ok >= 1, "at least the first request is answered");
    assert!(
        !busy.is_empty(),
        "one slot and one queue place cannot take {clients} at once"
    );
    for b in busy {
        let secs: u64 = b.header("retry-after").unwrap().parse().unwrap();
        assert!(secs >= 1);
        assert!(b.error().starts_with("the server is busy"), "{}", b.error());
    }
    // Once the work is done, the server answers again.
    let health = served.get("/healthz").json();
    assert_eq!(health["simulations"]["capacity"], 2);
    assert_eq!(served.get("/api/chance?crs=450&runs=1000").status, 200);
}

#[test]
fn sigterm_lets_the_request_under_way_finish_then_stops() {
    let cache = cached("term");
    let mut served = Served::start(&cache, &[], &["--workers", "1"]);
    let addr = served.addr.clone();
    let request =
        std::thread::spawn(move || http(&addr, "GET", "/api/chance?crs=480&runs=5000", None));
    // Wait until the request is admitted.
    let start = Instant::now();
    while served.get("/healthz").json()["simulations"]["admitted"] == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the request never started"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = served.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let answer = request.join().unwrap();
    assert_eq!(answer.status, 200, "the request under way is answered");
    let status = served.child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    let log = served.log();
    assert!(log.contains("SIGTERM: shutting down"), "{log}");
    assert!(
        TcpStream::connect(&served.addr).is_err(),
        "the port is closed"
    );
}

#[test]
fn refresh_downloads_the_feed_into_the_cache_and_answers_from_it() {
    let cache = temp_cache("serve-refresh");
    let body = std::fs::read(fixture("replay.json")).unwrap();
    let server = Server::start(move |_| Reply::ok(body.clone()));
    let served = Served::start(
        &cache,
        &[("EESIM_FEED_URL", &server.url)],
        &["--refresh", "6h"],
    );
    // The cache is empty: the embedded scenario at first, and a download at once.
    let start = Instant::now();
    loop {
        let data = served.get("/api/data").json();
        if data["data"]["kind"] == "cached feed" {
            assert_eq!(data["rounds_total"], 5);
            assert!(data["refresh"]["last_error"].is_null());
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no refresh: {}",
            served.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(cache.join(FEED_FILE).is_file());
    assert_eq!(
        served
            .get("/api/chance?crs=500&runs=100")
            .header("x-eesim-data"),
        Some("cached feed, calibrated as of 2024-03-13")
    );
    assert_eq!(server.heads().len(), 1);
}

#[test]
fn the_same_question_asked_at_once_is_simulated_once() {
    let cache = cached("shared");
    // One slot and no queue: without sharing, all but one would be refused.
    let served = Served::start(&cache, &[], &["--workers", "1", "--queue", "0"]);
    let clients = 6;
    let barrier = Arc::new(Barrier::new(clients));
    let answers: Vec<Answer> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..clients)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                let addr = served.addr.clone();
                s.spawn(move || {
                    barrier.wait();
                    http(&addr, "GET", "/api/chance?crs=470&runs=3000", None)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(answers.iter().all(|a| a.status == 200), "{answers:?}");
    assert!(answers.iter().all(|a| a.body == answers[0].body));
    let sources: Vec<&str> = answers
        .iter()
        .map(|a| a.header("x-eesim-cache").unwrap())
        .collect();
    assert_eq!(
        sources.iter().filter(|s| **s == "miss").count(),
        1,
        "{sources:?}"
    );
    assert!(
        sources
            .iter()
            .all(|s| ["miss", "shared", "hit"].contains(s)),
        "{sources:?}"
    );
    // A refused question is not kept: asked again, it is refused again.
    let bad = served.get("/api/chance?crs=470&runs=100&submitted=1999-01-01");
    assert_eq!(bad.status, 400, "{}", String::from_utf8_lossy(&bad.body));
    assert_eq!(
        served
            .get("/api/chance?crs=470&runs=100&submitted=1999-01-01")
            .status,
        400
    );
}
