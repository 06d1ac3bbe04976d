//! The routes: the page and its assets, the JSON API, and the frame around every request
//! (size limits, security headers, the data's name, the request log).
//!
//! Parameters are read by the command line's own argument types (`ChanceArgs`,
//! `EstimateArgs`), so a parameter means and checks exactly what its option does: `runs=0`
//! is refused with the message `--runs=0` gets. Only the parameters named in [`CHANCE`] and
//! [`ESTIMATE`] are taken: no file path, scenario or feed ever comes from a request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use clap::Parser;
use eesim::crs::{Profile, ScorePlan};
use eesim::report::WhatIfReport;
use serde_json::{Value, json};
use tower_http::set_header::SetResponseHeaderLayer;

use super::Refresh;
use super::answers::{Answers, Key};
use super::limit::{Busy, Limiter};
use super::state::{DataState, RefreshStatus, Source};
use crate::args::{ChanceArgs, EstimateArgs};
use crate::cmd::chance;

/// The longest request target (path and query) taken, in bytes.
pub(crate) const MAX_URI: usize = 8 * 1024;

/// The largest request body taken (a profile), in bytes.
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// The parameters every estimate takes (`chance` and `what-if`).
const ESTIMATE: [&str; 7] = [
    "programs",
    "categories",
    "nominee",
    "submitted",
    "horizon_days",
    "runs",
    "seed",
];

/// The parameters `chance` takes besides [`ESTIMATE`].
const CHANCE: [&str; 3] = ["crs", "exact", "to_landing"];

/// The parameters that are switches: `true`, `1`, `on`, `yes` (or no value) turn them on.
const SWITCHES: [&str; 3] = ["nominee", "exact", "to_landing"];

/// The content security policy: only this server's own scripts, styles and requests.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");
const OPENAPI_JSON: &str = include_str!("assets/openapi.json");

/// The server's state.
#[derive(Debug)]
pub(crate) struct App {
    pub(crate) data: RwLock<Arc<DataState>>,
    pub(crate) source: Source,
    pub(crate) answers: Answers,
    pub(crate) limiter: Limiter,
    pub(crate) max_runs: u64,
    pub(crate) timeout: Duration,
    pub(crate) refresh: Refresh,
    pub(crate) refreshed: Mutex<RefreshStatus>,
    /// The estimates under way, by question.
    pub(crate) flights: Mutex<HashMap<Key, Arc<Flight>>>,
}

/// One estimate under way, that every request asking the same question awaits.
pub(crate) type Flight = tokio::sync::OnceCell<Result<Bytes, ApiError>>;

impl App {
    /// The data answers come from now.
    pub(crate) fn data(&self) -> Arc<DataState> {
        match self.data.read() {
            Ok(d) => Arc::clone(&d),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Answers from `data` from now on; the kept answers of the old data are dropped.
    pub(crate) fn replace_data(&self, data: DataState) {
        let data = Arc::new(data);
        match self.data.write() {
            Ok(mut d) => *d = data,
            Err(poisoned) => *poisoned.into_inner() = data,
        }
        self.answers.clear();
    }
}

/// The router with every route and layer.
pub(crate) fn router(app: Arc<App>) -> Router {
    let headers = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    let mut router = Router::new()
        .route("/", get(index))
        .route("/app.js", get(app_js))
        .route("/style.css", get(style_css))
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi))
        .route("/api/data", get(data))
        .route("/api/chance", get(chance_get).post(chance_post))
        .route("/api/crs", axum::routing::post(crs))
        .route("/api/what-if", axum::routing::post(what_if))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        // Slow clients and stuck bodies: a little longer than a simulation may take.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            app.timeout + Duration::from_secs(5),
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            frame,
        ));
    // Outermost, so that every answer has them, the frame's own included.
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    router
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            frame,
        ))
        .with_state(app)
}

/// An error answer: `{"error": "...", "problems": [...]}` with its status.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    message: String,
    problems: Vec<String>,
    retry_after: Option<u64>,
}

impl ApiError {
    /// A refused request: 400. The command line's `--option-name: ...` is said as the
    /// parameter's `option_name: ...`.
    fn bad(message: impl Into<String>) -> ApiError {
        let message = message.into();
        let message = match message.strip_prefix("--").and_then(|m| m.split_once(':')) {
            Some((name, rest)) if !name.contains(' ') => {
                format!("{}:{rest}", name.replace('-', "_"))
            }
            _ => message,
        };
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message,
            problems: Vec::new(),
            retry_after: None,
        }
    }

    fn busy(retry_after: u64, message: String) -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message,
            problems: Vec::new(),
            retry_after: Some(retry_after),
        }
    }

    /// A library or argument error of the request: 400, with a profile's problems listed.
    fn from_error(e: &(dyn std::error::Error + 'static)) -> ApiError {
        let mut out = ApiError::bad(e.to_string());
        if let Some(ee) = e.downcast_ref::<eesim::Error>()
            && let eesim::ErrorKind::InvalidProfile { problems, .. } = ee.kind()
        {
            out.problems = problems.iter().map(ToString::to_string).collect();
        }
        out
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({"error": self.message, "status": self.status.as_u16()});
        if !self.problems.is_empty() {
            body["problems"] = json!(self.problems);
        }
        let mut response = (self.status, json_body(body.to_string())).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

fn json_body(body: impl Into<Bytes>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.into(),
    )
}

/// Every request: the address's length checked, the data named in `x-eesim-data`, and one
/// log line with the status and the time taken.
async fn frame(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let target = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_string(), ToString::to_string);
    let mut response = if target.len() > MAX_URI {
        let mut e = ApiError::bad(format!(
            "the request's address: expected at most {MAX_URI} bytes, found {}",
            target.len()
        ));
        e.status = StatusCode::URI_TOO_LONG;
        e.into_response()
    } else {
        next.run(request).await
    };
    // The limits' own plain answers, said as every other error.
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    let limit = match response.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Some(format!(
            "the request's body: expected at most {MAX_BODY} bytes, found more"
        )),
        StatusCode::REQUEST_TIMEOUT => Some(format!(
            "the request: expected it whole within {} s, found it unfinished",
            app.timeout.as_secs() + 5
        )),
        _ => None,
    };
    if let (false, Some(message)) = (json, limit) {
        let mut e = ApiError::bad(message);
        e.status = response.status();
        response = e.into_response();
    }
    if let Ok(v) = HeaderValue::from_str(&app.data().header) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-eesim-data"), v);
    }
    let cache = response
        .headers()
        .get("x-eesim-cache")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let shown: String = target.chars().take(200).collect();
    tracing::info!(
        status = response.status().as_u16(),
        ms = (start.elapsed().as_secs_f64() * 1e4).round() / 10.0,
        cache,
        "{method} {shown}"
    );
    response
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn style_css() -> Response {
    asset("text/css; charset=utf-8", STYLE_CSS)
}

async fn openapi() -> Response {
    asset("application/json; charset=utf-8", OPENAPI_JSON)
}

async fn not_found(request: Request) -> ApiError {
    let mut e = ApiError::bad(format!(
        "{}: expected one of /, /api/chance, /api/crs, /api/what-if, /api/data, /api/openapi.json, /healthz, found no such page",
        request.uri().path()
    ));
    e.status = StatusCode::NOT_FOUND;
    e
}

async fn method_not_allowed(request: Request) -> ApiError {
    let mut e = ApiError::bad(format!(
        "{}: this method ({}) is not served here (see /api/openapi.json)",
        request.uri().path(),
        request.method()
    ));
    e.status = StatusCode::METHOD_NOT_ALLOWED;
    e
}

async fn healthz(State(app): State<Arc<App>>) -> impl IntoResponse {
    let (busy, capacity) = app.limiter.load();
    json_body(
        json!({
            "status": "ok",
            "data": app.data().header,
            "simulations": {"admitted": busy, "capacity": capacity},
            "answers_kept": app.answers.len(),
        })
        .to_string(),
    )
}

async fn data(State(app): State<Arc<App>>) -> Result<impl IntoResponse, ApiError> {
    let d = app.data();
    let today = crate::data::today().map_err(|e| ApiError::from_error(&e))?;
    let refreshed = app.refreshed.lock().map(|s| s.clone()).unwrap_or_default();
    let every = match app.refresh {
        Refresh::Every(t) if app.source == Source::Cache => Some(t.as_secs()),
        _ => None,
    };
    let (_, capacity) = app.limiter.load();
    Ok(json_body(
        json!({
            "data": d.json,
            "line": d.line,
            "as_of": d.scenario.as_of().to_string(),
            "source": d.scenario.source(),
            "today": today.to_string(),
            "warnings": d.warnings(today),
            "programs": crate::parse::PROGRAMS,
            "categories": d.scenario.categories().names().collect::<Vec<_>>(),
            "rounds_total": d.rounds.len(),
            "last_round": d.last_round.map(|x| x.to_string()),
            "rounds": d.rounds.iter().take(50).collect::<Vec<_>>(),
            "refresh": {"every_seconds": every, "last_try": refreshed.at, "last_error": refreshed.error},
            "limits": {"default_runs": 10_000, "max_runs": app.max_runs, "capacity": capacity,
                "timeout_seconds": app.timeout.as_secs(), "max_body_bytes": MAX_BODY, "max_uri_bytes": MAX_URI},
        })
        .to_string(),
    ))
}

/// `--name=value` arguments of the parameters in `allowed`; an unknown parameter, or a switch
/// with a value other than yes or no, is refused. An empty value leaves a parameter unset.
fn arguments(pairs: &[(String, String)], allowed: &[&str]) -> Result<Vec<String>, ApiError> {
    let mut argv = Vec::new();
    for (key, value) in pairs {
        if !allowed.contains(&key.as_str()) {
            return Err(ApiError::bad(format!(
                "{key}: expected one of the parameters {}, found an unknown one",
                allowed.join(", ")
            )));
        }
        let flag = format!("--{}", key.replace('_', "-"));
        if SWITCHES.contains(&key.as_str()) {
            match value.trim().to_ascii_lowercase().as_str() {
                "" | "1" | "true" | "on" | "yes" => argv.push(flag),
                "0" | "false" | "off" | "no" => {}
                _ => {
                    return Err(ApiError::bad(format!(
                        "{key}: expected true or false, found {value:?}"
                    )));
                }
            }
        } else if !value.trim().is_empty() {
            argv.push(format!("{flag}={value}"));
        }
    }
    // The same question asked with its parameters in another order is the same question.
    argv.sort_by(|a, b| flag_name(a).cmp(flag_name(b)));
    Ok(argv)
}

fn flag_name(arg: &str) -> &str {
    arg.split('=').next().unwrap_or(arg)
}

/// A refused parameter in the project's words: `runs: expected ..., found ...`.
fn clap_error(e: &clap::Error) -> ApiError {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let name = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(arg)) => arg
            .split_whitespace()
            .next()
            .unwrap_or(arg)
            .trim_start_matches('-')
            .replace('-', "_"),
        _ => String::new(),
    };
    if e.kind() == ErrorKind::ValueValidation
        && let Some(why) = std::error::Error::source(e)
    {
        return ApiError::bad(format!("{name}: {why}"));
    }
    let rendered = e.render().to_string();
    let first = rendered.lines().next().unwrap_or("a bad parameter");
    let text = first.trim_start_matches("error: ").replace("'--", "'");
    if name.is_empty() {
        ApiError::bad(text)
    } else {
        ApiError::bad(format!("{name}: {text}"))
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "chance",
    no_binary_name = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct ChanceQuery {
    #[command(flatten)]
    a: ChanceArgs,
}

#[derive(Parser, Debug)]
#[command(
    name = "what-if",
    no_binary_name = true,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct EstimateQuery {
    #[command(flatten)]
    e: EstimateArgs,
}

type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

fn pairs(query: Pairs) -> Result<Vec<(String, String)>, ApiError> {
    query
        .map(|Query(p)| p)
        .map_err(|e| ApiError::bad(format!("the query string: {}", e.body_text())))
}

/// A profile in a request body (JSON, the profile file's fields), and its canonical text.
fn profile_of(body: &Bytes) -> Result<(Profile, String), ApiError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| ApiError::bad(format!("the profile: expected UTF-8 JSON, found {e}")))?;
    if text.trim().is_empty() {
        return Err(ApiError::bad(
            "the profile: expected a JSON object with the profile file's fields in the request body, found an empty body",
        ));
    }
    let profile = Profile::from_json(text).map_err(|e| ApiError::from_error(&e))?;
    let canonical = serde_json::from_str::<Value>(text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| text.to_string());
    Ok((profile, canonical))
}

/// A JSON answer, saying where it came from: `hit` (the kept answers), `shared` (an estimate
/// another request had started), or `miss` (an estimate of its own).
fn answer(body: Bytes, cache: &'static str) -> Response {
    let mut response = json_body(body).into_response();
    response.headers_mut().insert(
        HeaderName::from_static("x-eesim-cache"),
        HeaderValue::from_static(cache),
    );
    response
}

/// Runs `job` (an estimate) on the simulation pool, within the request's time; a kept
/// answer to `key` is given at once, and a new one is kept. The same question asked while
/// its estimate runs waits for that estimate (`x-eesim-cache: shared`) instead of taking a
/// slot of its own: a link shared with many answers them all with one simulation.
async fn estimate(
    app: &App,
    key: String,
    job: impl FnOnce(&DataState) -> Result<Value, ApiError> + Send + 'static,
) -> Result<Response, ApiError> {
    let data = app.data();
    // Every window starts today: an answer is kept for the day it was asked on.
    let today = crate::data::today().map_err(|e| ApiError::from_error(&e))?;
    let key = (data.hash, format!("{today} {key}"));
    if let Some(body) = app.answers.get(&key) {
        return Ok(answer(body, "hit"));
    }
    let flight = {
        let mut flights = app.flights.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(flights.entry(key.clone()).or_default())
    };
    let mut ran = false;
    let waited = tokio::time::timeout(
        app.timeout,
        flight.get_or_init(|| {
            ran = true;
            simulate(&app.limiter, data, job)
        }),
    )
    .await;
    let secs = app.timeout.as_secs();
    let Ok(outcome) = waited else {
        return Err(ApiError::busy(
            secs.div_ceil(4).max(1),
            format!(
                "the estimate: expected an answer within {secs} s, found none: the server is busy, try again"
            ),
        ));
    };
    let outcome = outcome.clone();
    if let Ok(body) = &outcome {
        app.answers.put(key.clone(), body.clone());
    }
    // Kept (or refused) by now: the next asker reads the kept answer, or tries afresh.
    {
        let mut flights = app.flights.lock().unwrap_or_else(PoisonError::into_inner);
        if flights.get(&key).is_some_and(|f| Arc::ptr_eq(f, &flight)) {
            flights.remove(&key);
        }
    }
    outcome.map(|body| answer(body, if ran { "miss" } else { "shared" }))
}

/// One estimate on the simulation pool, or 503 when every slot and queue place is taken.
async fn simulate(
    limiter: &Limiter,
    data: Arc<DataState>,
    job: impl FnOnce(&DataState) -> Result<Value, ApiError> + Send + 'static,
) -> Result<Bytes, ApiError> {
    match limiter
        .run(move || job(&data).map(|v| Bytes::from(v.to_string())))
        .await
    {
        Ok(result) => result,
        Err(Busy { retry_after }) => Err(ApiError::busy(
            retry_after,
            format!(
                "the server is busy: every simulation slot and queue place is taken, try again in {retry_after} s"
            ),
        )),
    }
}

/// The `chance` arguments of a query, checked against the server's limits.
fn chance_args(app: &App, query: Pairs) -> Result<ChanceArgs, ApiError> {
    let allowed: Vec<&str> = ESTIMATE.iter().chain(&CHANCE).copied().collect();
    let argv = arguments(&pairs(query)?, &allowed)?;
    let a = ChanceQuery::try_parse_from(&argv)
        .map_err(|e| clap_error(&e))?
        .a;
    check_runs(app, a.estimate.runs)?;
    Ok(a)
}

fn check_runs(app: &App, runs: u64) -> Result<(), ApiError> {
    if runs > app.max_runs {
        return Err(ApiError::bad(format!(
            "runs: expected at most {} simulated futures on this server, found {runs}",
            app.max_runs
        )));
    }
    Ok(())
}

async fn chance_get(State(app): State<Arc<App>>, query: Pairs) -> Result<Response, ApiError> {
    let a = chance_args(&app, query)?;
    chance(&app, a, None).await
}

async fn chance_post(
    State(app): State<Arc<App>>,
    query: Pairs,
    body: Bytes,
) -> Result<Response, ApiError> {
    let a = chance_args(&app, query)?;
    if a.crs.is_some() {
        return Err(ApiError::bad(
            "crs: expected either crs or a profile in the body, found both",
        ));
    }
    let profile = profile_of(&body)?;
    chance(&app, a, Some(profile)).await
}

/// `/api/chance`: the document of `eesim chance --json`, by the same code.
async fn chance(
    app: &App,
    a: ChanceArgs,
    profile: Option<(Profile, String)>,
) -> Result<Response, ApiError> {
    let key = format!(
        "chance {a:?} {}",
        profile.as_ref().map_or("", |(_, text)| text.as_str())
    );
    estimate(app, key, move |data| {
        let profile = profile.as_ref().map(|(p, _)| p);
        let estimate = chance::chance_estimate(&a, &data.scenario, profile, |_| {})
            .map_err(|e| ApiError::from_error(e.as_ref()))?;
        Ok(chance::chance_json(
            &estimate,
            data.json.clone(),
            // The page shows the data's own warnings (`DataState::warnings`); the
            // document carries the estimate's.
            &[],
        ))
    })
    .await
}

/// `/api/what-if`: the document of `eesim what-if PROFILE --json`.
async fn what_if(
    State(app): State<Arc<App>>,
    query: Pairs,
    body: Bytes,
) -> Result<Response, ApiError> {
    let argv = arguments(&pairs(query)?, &ESTIMATE)?;
    let e = EstimateQuery::try_parse_from(&argv)
        .map_err(|e| clap_error(&e))?
        .e;
    check_runs(&app, e.runs)?;
    let (profile, text) = profile_of(&body)?;
    let key = format!("what-if {e:?} {text}");
    estimate(&app, key, move |data| {
        let request = chance::request(&e, &data.scenario).map_err(ApiError::bad)?;
        let report = WhatIfReport::run(&data.scenario, &profile, &request)
            .map_err(|e| ApiError::from_error(&e))?;
        let mut json = report.to_json();
        json["source"] = data.scenario.source().into();
        json["data"] = data.json.clone();
        Ok(json)
    })
    .await
}

/// `/api/crs`: the document of `eesim crs PROFILE --json [--until DATE]`.
async fn crs(query: Pairs, body: Bytes) -> Result<Response, ApiError> {
    let mut until = None;
    for (key, value) in pairs(query)? {
        if key != "until" {
            return Err(ApiError::bad(format!(
                "{key}: expected the parameter until, found an unknown one"
            )));
        }
        until = Some(crate::parse::date(&value).map_err(|e| ApiError::bad(format!("until: {e}")))?);
    }
    let (profile, _) = profile_of(&body)?;
    let b = profile.breakdown().map_err(|e| ApiError::from_error(&e))?;
    let mut out = b.to_json();
    if let Some(until) = until {
        let path = ScorePlan::new(profile)
            .and_then(|p| p.path(until))
            .map_err(|e| ApiError::from_error(&e))?;
        out["path"] = path
            .points()
            .iter()
            .map(|(d, s)| json!({"date": d, "score": s}))
            .collect();
    }
    Ok(json_body(out.to_string()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn arguments_take_only_known_parameters() {
        let allowed: Vec<&str> = ESTIMATE.iter().chain(&CHANCE).copied().collect();
        let argv = arguments(
            &p(&[
                ("runs", "200"),
                ("crs", "505"),
                ("nominee", "no"),
                ("to_landing", "on"),
                ("submitted", ""),
            ]),
            &allowed,
        )
        .unwrap();
        assert_eq!(argv, ["--crs=505", "--runs=200", "--to-landing"]);
        let e = arguments(&p(&[("scenario", "/etc/passwd")]), &allowed).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(
            e.message
                .starts_with("scenario: expected one of the parameters programs")
        );
        let e = arguments(&p(&[("exact", "maybe")]), &allowed).unwrap_err();
        assert_eq!(e.message, "exact: expected true or false, found \"maybe\"");
    }

    #[test]
    fn a_refused_value_is_said_as_on_the_command_line() {
        let e = ChanceQuery::try_parse_from(["--runs=0"]).unwrap_err();
        assert_eq!(
            clap_error(&e).message,
            "runs: expected a whole number of runs from 1 to 10000000, found 0"
        );
        let e = ChanceQuery::try_parse_from(["--crs=1300"]).unwrap_err();
        assert_eq!(
            clap_error(&e).message,
            "crs: expected a CRS score from 0 to 1200, found 1300"
        );
    }
}
