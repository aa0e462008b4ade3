//! Seeded random walk: N runs, each a walk from the initial state to quiescence (or the depth
//! bound), choosing uniformly among the fireable events with a ChaCha8 generator.
//!
//! Run 0 uses the base seed itself and run i > 0 a seed derived from it, so a failing run's
//! seed, given back as the base seed with one run, reproduces that run exactly. A random
//! search samples; it never reports `exhausted`.

use std::time::Instant;

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::budget::{Budget, Stats};
use crate::fingerprint::{fingerprint, VisitedSet};
use crate::model::{fireable_events, Model};
use crate::outcome::{Bound, Outcome, Report, Violation};
use crate::strategy::{PropertyChecker, Strategy};

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
        let start = Instant::now();
        let mut checker = PropertyChecker::new(model);
        let mut stats = Stats::default();
        let mut visited = VisitedSet::default();
        let mut scratch = Vec::new();
        let mut successors = Vec::new();
        let seed = self.seed;
        let report = |outcome, mut stats: Stats| {
            stats.elapsed_ms = start.elapsed().as_millis() as u64;
            Report {
                outcome,
                stats,
                strategy: "random".into(),
                seed: Some(seed),
            }
        };
        let init = model.initial_state();

        for run in 0..self.runs {
            let this_seed = run_seed(self.seed, run);
            let mut rng = ChaCha8Rng::seed_from_u64(this_seed);
            let mut state = init.clone();
            let mut path = Vec::new();
            loop {
                if visited.insert(fingerprint(model, &state)) {
                    stats.states += 1;
                }
                fireable_events(model, &state, &mut scratch, &mut successors);
                if let Some((property, message)) =
                    checker.check(model, &state, successors.is_empty())
                {
                    let v = Violation {
                        property,
                        message,
                        path,
                        run_seed: Some(this_seed),
                    };
                    return report(Outcome::Violation(v), stats);
                }
                if successors.is_empty() || path.len() >= budget.max_depth {
                    break;
                }
                let pick = (rng.next_u64() % successors.len() as u64) as usize;
                let (event, advance) = successors.swap_remove(pick);
                model.apply(&mut state, &event, advance);
                path.push(event);
                stats.transitions += 1;
                stats.max_depth = stats.max_depth.max(path.len());
            }
            stats.runs += 1;
            if stats.transitions >= budget.max_states {
                return report(Outcome::Bounded(Bound::States), stats);
            }
            if budget.max_time.is_some_and(|t| start.elapsed() >= t) {
                return report(Outcome::Bounded(Bound::Time), stats);
            }
        }
        report(Outcome::Bounded(Bound::Runs), stats)
    }
}
