//! At most one simulation per core at once, a short queue behind them, and then "busy".
//!
//! A job holds its slot until it has finished on the rayon pool, even when the request that
//! asked for it gave up (a timeout, a closed connection): the slots always count the work
//! the cores really have.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use tokio::sync::{Semaphore, oneshot};

/// The simulations' gate.
#[derive(Debug)]
pub(crate) struct Limiter {
    pool: rayon::ThreadPool,
    slots: Arc<Semaphore>,
    /// Jobs admitted and not finished: running or waiting for a slot.
    admitted: Arc<AtomicUsize>,
    workers: usize,
    capacity: usize,
    /// A moving average of a job's duration, in milliseconds.
    mean_ms: Arc<AtomicU64>,
}

/// Too many jobs: try again after this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Busy {
    pub(crate) retry_after: u64,
}

/// Gives an admitted job's place back when dropped.
struct Admitted(Arc<AtomicUsize>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Limiter {
    /// `workers` simulations at once on `pool`, and `queue` more waiting.
    pub(crate) fn new(pool: rayon::ThreadPool, workers: usize, queue: usize) -> Limiter {
        Limiter {
            pool,
            slots: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(AtomicUsize::new(0)),
            workers,
            capacity: workers + queue,
            mean_ms: Arc::new(AtomicU64::new(1_000)),
        }
    }

    /// Jobs running or waiting now.
    pub(crate) fn load(&self) -> (usize, usize) {
        (self.admitted.load(Ordering::Acquire), self.capacity)
    }

    /// Seconds a refused client should wait: about the time to clear the queue.
    fn retry_after(&self) -> u64 {
        let mean = self.mean_ms.load(Ordering::Relaxed);
        let rounds = self.capacity.div_ceil(self.workers.max(1)) as u64;
        (mean * rounds).div_ceil(1_000).clamp(1, 120)
    }

    /// Runs `job` on the simulation pool when a slot is free; [`Busy`] at once when the
    /// slots and the queue are full.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let admitted = Admitted(Arc::clone(&self.admitted));
        if before >= self.capacity {
            return Err(Busy {
                retry_after: self.retry_after(),
            });
        }
        let Ok(permit) = Arc::clone(&self.slots).acquire_owned().await else {
            // The semaphore is never closed.
            return Err(Busy {
                retry_after: self.retry_after(),
            });
        };
        let (tx, rx) = oneshot::channel();
        let mean = Arc::clone(&self.mean_ms);
        self.pool.spawn(move || {
            let start = Instant::now();
            let out = job();
            let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
            let old = mean.load(Ordering::Relaxed);
            mean.store((old * 7 + ms) / 8, Ordering::Relaxed);
            // The slot and the place are given back before the answer is sent.
            drop(permit);
            drop(admitted);
            let _ = tx.send(out);
        });
        rx.await.map_err(|_| Busy {
            retry_after: self.retry_after(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_full_queue_answers_busy_and_frees_its_place() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let limiter = Arc::new(Limiter::new(pool, 1, 1));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
            let l1 = Arc::clone(&limiter);
            let first = tokio::spawn(async move {
                l1.run(move || {
                    go_rx.recv().unwrap();
                    1
                })
                .await
            });
            // Let the first job take the slot.
            while limiter.load().0 < 1 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let l2 = Arc::clone(&limiter);
            let second = tokio::spawn(async move { l2.run(|| 2).await });
            while limiter.load().0 < 2 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            let third = limiter.run(|| 3).await;
            assert!(matches!(third, Err(Busy { retry_after }) if retry_after >= 1));
            assert_eq!(limiter.load(), (2, 2));
            go_tx.send(()).unwrap();
            assert_eq!(first.await.unwrap(), Ok(1));
            assert_eq!(second.await.unwrap(), Ok(2));
            assert_eq!(limiter.load(), (0, 2));
            assert_eq!(limiter.run(|| 4).await, Ok(4));
        });
    }
}
