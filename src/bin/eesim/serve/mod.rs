//! `eesim serve`: the web page and JSON API over the same code as the command line.
//!
//! axum on a tokio runtime answers; every Monte Carlo estimate runs on a rayon pool of its
//! own, outside the async threads, behind [`limit::Limiter`] (one simulation per core at once,
//! a short queue, then 503 with `Retry-After`). Answers are kept in [`answers::Answers`] by
//! (data hash, request), so a repeated question costs a lookup. The data is the cached feed
//! (refreshed in the background through the same fetch and cache as `eesim fetch`), a feed or
//! scenario file named on the command line, or the embedded scenario; every response says
//! which in its `x-eesim-data` header.

mod answers;
mod api;
mod limit;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use crate::Outcome;

/// `eesim serve`.
#[derive(Args, Debug, Clone)]
pub(crate) struct ServeArgs {
    /// The address to listen on; a port of 0 takes a free one (the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(crate) bind: SocketAddr,
    /// How often to download IRCC's feed into the cache, as 6h, 30m, 1d or 90s; `off` never
    /// does (only when serving from the cache).
    #[arg(long, default_value = "6h", value_parser = refresh_every)]
    pub(crate) refresh: Refresh,
    /// Serve from this rounds feed file instead of the cached feed (never refreshed).
    #[arg(long, conflicts_with = "scenario")]
    pub(crate) feed: Option<std::path::PathBuf>,
    /// Serve from this scenario file (TOML or JSON) instead of the cached feed.
    #[arg(long)]
    pub(crate) scenario: Option<std::path::PathBuf>,
    /// The most simulated futures one request may ask for (`runs`; the default is 10000).
    #[arg(long, default_value = "50000", value_parser = crate::parse::runs)]
    pub(crate) max_runs: u64,
    /// Simulations at once [default: one per core].
    #[arg(long, value_parser = crate::parse::threads)]
    pub(crate) workers: Option<usize>,
    /// Requests waiting for a simulation slot before the server answers 503 [default: one per
    /// worker].
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub(crate) queue: Option<u32>,
    /// Seconds one request may take, waiting included, before it is answered 503.
    #[arg(long, default_value = "60", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub(crate) timeout: u64,
    /// Answers kept in memory (0 keeps none).
    #[arg(long, default_value = "2048", value_parser = clap::value_parser!(u32).range(0..=1_000_000))]
    pub(crate) cache_entries: u32,
}

/// How often the cached feed is refreshed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refresh {
    /// Never.
    Off,
    /// Every so long.
    Every(Duration),
}

/// `6h`, `30m`, `1d`, `90s` or `off`.
fn refresh_every(s: &str) -> Result<Refresh, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("off") || t == "0" {
        return Ok(Refresh::Off);
    }
    let err = || format!("expected a duration like 6h, 30m, 1d or 90s, or off, found {t:?}");
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
    let (n, unit) = t.split_at(split);
    let n: u64 = n.parse().map_err(|_| err())?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60).ok_or_else(err)?,
        "h" => n.checked_mul(3_600).ok_or_else(err)?,
        "d" => n.checked_mul(86_400).ok_or_else(err)?,
        _ => return Err(err()),
    };
    if !(60..=30 * 86_400).contains(&secs) {
        return Err(format!(
            "expected a refresh from 1m to 30d, or off, found {t:?}"
        ));
    }
    Ok(Refresh::Every(Duration::from_secs(secs)))
}

/// Runs the server until SIGINT or SIGTERM, then lets the requests under way finish.
pub(crate) fn serve(a: &ServeArgs) -> Outcome {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("EESIM_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second call (in tests that run twice in one process) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
    let workers = a
        .workers
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    // The simulations' own pool: the command's pool runs this function, and the async
    // threads never simulate.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .thread_name(|i| format!("eesim-sim-{i}"))
        .build()?;
    let source = state::Source::of(a);
    let data = state::load(&source)?;
    let app = Arc::new(api::App {
        data: std::sync::RwLock::new(Arc::new(data)),
        source,
        answers: answers::Answers::new(a.cache_entries as usize),
        limiter: limit::Limiter::new(pool, workers, a.queue.map_or(workers, |q| q as usize)),
        max_runs: a.max_runs,
        timeout: Duration::from_secs(a.timeout),
        refresh: a.refresh,
        refreshed: std::sync::Mutex::new(state::RefreshStatus::default()),
        flights: std::sync::Mutex::default(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("eesim-http")
        .enable_all()
        .build()?;
    runtime.block_on(run(app, a.bind))
}

async fn run(app: Arc<api::App>, bind: SocketAddr) -> Outcome {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("--bind {bind}: expected an address to listen on, found {e}"))?;
    let local = listener.local_addr()?;
    if !local.ip().is_loopback() {
        tracing::warn!(
            "listening on {local}, reachable from other machines: put it behind a reverse proxy with TLS"
        );
    }
    let line = app.data().line.clone();
    // One line on stdout that scripts (and the tests) read for the port.
    outln!("eesim serve: listening on http://{local}/ ({line})");
    tracing::info!("listening on http://{local}/; {line}");
    let refresher = tokio::spawn(state::refresh_loop(Arc::clone(&app)));
    let router = api::router(Arc::clone(&app));
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    refresher.abort();
    tracing::info!("stopped: every request under way was answered");
    Ok(())
}

/// Waits for SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT: shutting down, finishing the requests under way"),
        () = term => tracing::info!("SIGTERM: shutting down, finishing the requests under way"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_reads_units_and_off() {
        assert_eq!(
            refresh_every("6h"),
            Ok(Refresh::Every(Duration::from_secs(21_600)))
        );
        assert_eq!(
            refresh_every("90s"),
            Ok(Refresh::Every(Duration::from_secs(90)))
        );
        assert_eq!(refresh_every("off"), Ok(Refresh::Off));
        assert_eq!(
            refresh_every("6x"),
            Err("expected a duration like 6h, 30m, 1d or 90s, or off, found \"6x\"".into())
        );
        assert!(refresh_every("10s").unwrap_err().contains("from 1m to 30d"));
    }
}
