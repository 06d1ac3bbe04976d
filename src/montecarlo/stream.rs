//! `run_rng`: the one place where a run's random stream is derived from the master seed.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The RNG of run `run` under `master_seed`.
///
/// The master seed is expanded (SplitMix64) into a ChaCha8 key and the run index selects one
/// of ChaCha's 2^64 independent streams. So run `i` is the same whatever else is computed,
/// on any number of threads, and can be replayed alone; and neighbouring seeds do not share
/// streams (unlike `seed_from_u64(master + i)`). ChaCha8 is a named, portable generator: its
/// output for a given key and stream does not change between rand releases.
///
/// # Example
/// ```
/// use eesim::montecarlo::run_rng;
/// use rand::RngExt;
///
/// let a: u64 = run_rng(42, 7).random();
/// let b: u64 = run_rng(42, 7).random();
/// let c: u64 = run_rng(43, 6).random();
/// assert_eq!(a, b);
/// assert_ne!(a, c);
/// ```
#[must_use]
pub fn run_rng(master_seed: u64, run: u64) -> ChaCha8Rng {
    let mut state = master_seed;
    let mut key = [0_u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(run);
    rng
}

/// One step of SplitMix64 (Steele, Lea and Flood 2014): a bijective mixer for seeding.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn stream_stability() {
        // Pinned: if these change, every seeded estimate changes (Reproducibility-breaking).
        let a: u64 = run_rng(42, 0).random();
        let b: u64 = run_rng(42, 1).random();
        assert_eq!((a, b), (STREAM_42_0, STREAM_42_1));
    }

    const STREAM_42_0: u64 = 3_536_907_876_931_541_756;
    const STREAM_42_1: u64 = 14_589_515_635_352_196_654;

    #[test]
    fn neighbouring_seeds_do_not_share_streams() {
        let x: Vec<u64> = (0..4).map(|i| run_rng(1, i + 1).random()).collect();
        let y: Vec<u64> = (0..4).map(|i| run_rng(2, i).random()).collect();
        assert!(x.iter().all(|v| !y.contains(v)));
    }
}
