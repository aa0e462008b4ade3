//! Seeded random walk: N runs, each a walk from the initial state to quiescence (or the depth
//! bound), choosing uniformly among the fireable events with a ChaCha8 generator.
//!
//! Run 0 uses the base seed itself and run i > 0 a seed derived from it, so a failing run's
//! seed, given back as the base seed with one run, reproduces that run exactly. A random
//! search samples; it never reports `exhausted`.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::budget::Budget;
use crate::model::Model;
use crate::outcome::Report;
use crate::strategy::sampling::{sample, Chooser};
use crate::strategy::Strategy;
use crate::time::Millis;

/// Seeded random walk.
#[derive(Clone, Debug)]
pub struct RandomWalk {
    /// The base seed.
    pub seed: u64,
    /// How many walks to take.
    pub runs: u64,
}

impl Default for RandomWalk {
    fn default() -> Self {
        RandomWalk {
            seed: 0,
            runs: 1000,
        }
    }
}

/// The seed of run `index` derived from `base` (SplitMix64 of the pair); run 0 is `base`.
pub fn run_seed(base: u64, index: u64) -> u64 {
    if index == 0 {
        return base;
    }
    let mut z = base.wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Strategy for RandomWalk {
    fn name(&self) -> &'static str {
        "random"
    }

    fn seed(&self) -> Option<u64> {
        Some(self.seed)
    }

    fn explore<M: Model>(&mut self, model: &M, budget: &Budget) -> Report<M::Event> {
        sample(model, budget, "random", self.seed, self.runs, |seed| {
            Uniform(ChaCha8Rng::seed_from_u64(seed))
        })
    }
}

/// Uniform choice among the fireable events.
struct Uniform(ChaCha8Rng);

impl<M: Model> Chooser<M> for Uniform {
    fn choose(
        &mut self,
        _: &M,
        _: &M::State,
        successors: &[(M::Event, Millis)],
        _: usize,
    ) -> usize {
        (self.0.next_u64() % successors.len() as u64) as usize
    }
}
