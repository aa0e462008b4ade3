//! PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte:
//! "A Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010),
//! adapted from threads to the actors of a model's events.
//!
//! Each run gives every actor (the `actor` of [`Model::label`]) a random, distinct priority
//! when it is first seen, and picks `depth - 1` priority change points uniformly among the
//! steps `1..=k`, where `k` estimates the length of a run. At every step it fires the fireable
//! event whose actor has the highest priority (among one actor's events, the first in enabled
//! order). At the i-th change point the actor just scheduled drops to priority `i`, below every
//! initial priority. A bug that needs `depth - 1` well-placed preemptions among `n` actors is
//! found by one run with probability at least `1 / (n * k^(depth-1))`.
//!
//! **The estimate `k`** is the length of one probe walk that always fires the first fireable
//! event, up to the depth bound. It depends only on the model and the budget, never on earlier
//! runs, so that a run depends on its seed alone: a failing run's seed, given back as the base
//! seed with one run, reproduces it exactly (the same seed discipline as
//! [`RandomWalk`](crate::strategy::RandomWalk): run 0 uses the base seed itself). The probe
//! checks no property and is not counted in the statistics.
//!
//! As in the paper, an actor that busy-waits (stays enabled without letting anyone else make
//! progress) starves every lower-priority actor until the depth bound ends the run.
//!
//! PCT samples; it never reports `exhausted`.

use std::collections::{BTreeMap, BTreeSet};

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::budget::Budget;
use crate::model::{fireable_events, Model};
use crate::outcome::Report;
use crate::strategy::sampling::{sample, Chooser};
use crate::strategy::Strategy;
use crate::time::Millis;

/// PCT with bug depth `depth`: `depth - 1` priority change points per run.
#[derive(Clone, Debug)]
pub struct Pct {
    /// The base seed.
    pub seed: u64,
    /// How many runs to take.
    pub runs: u64,
    /// The bug depth d: the number of ordering constraints a bug needs. Each run has `d - 1`
    /// priority change points; `0` is treated as `1` (no change points).
    pub depth: usize,
}

impl Default for Pct {
    fn default() -> Self {
        Pct {
            seed: 0,
            runs: 1000,
            depth: 3,
        }
    }
}

/// The priorities of one run. Larger is higher. Change points use `1..depth`; initial
/// priorities are drawn from `depth..=u64::MAX`, so every lowered actor is below every actor
/// that kept its initial priority.
struct Priorities {
    by_actor: BTreeMap<String, u64>,
    used: BTreeSet<u64>,
    floor: u64,
}

impl Priorities {
    fn new(depth: usize) -> Self {
        Priorities {
            by_actor: BTreeMap::new(),
            used: BTreeSet::new(),
            floor: depth as u64,
        }
    }

    /// The actor's priority, drawing a fresh distinct one the first time it is seen.
    fn of(&mut self, actor: &str, rng: &mut ChaCha8Rng) -> u64 {
        if let Some(&p) = self.by_actor.get(actor) {
            return p;
        }
        let p = loop {
            let p = rng.next_u64();
            if p >= self.floor && !self.used.contains(&p) {
                break p;
            }
        };
        self.used.insert(p);
        self.by_actor.insert(actor.to_string(), p);
        p
    }

    fn lower(&mut self, actor: &str, to: u64) {
        if let Some(p) = self.by_actor.get_mut(actor) {
            self.used.remove(p);
            *p = to;
            self.used.insert(to);
        }
    }
}

/// `count` distinct steps drawn uniformly from `1..=k` (fewer if `k` is smaller), in draw
/// order: the i-th (0-based) is the change point that lowers its actor to priority `i + 1`.
fn change_points(count: usize, k: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let count = count.min(k);
    let mut points = Vec::with_capacity(count);
    while points.len() < count {
        let step = 1 + (rng.next_u64() % k as u64) as usize;
        if !points.contains(&step) {
            points.push(step);
        }
    }
    points
}

/// The length of a walk that always fires the first fireable event, up to `max_depth`: the
/// run-length estimate `k`. At least 1.
fn probe_length<M: Model>(model: &M, max_depth: usize) -> usize {
    let mut state = model.initial_state();
    let mut scratch = Vec::new();
    let mut successors = Vec::new();
    let mut len = 0;
    while len < max_depth {
        fireable_events(model, &state, &mut scratch, &mut successors);
        let Some((event, advance)) = successors.drain(..).next() else {
            break;
        };
        model.apply(&mut state, &event, advance);
        len += 1;
    }
    len.max(1)
}

impl Strategy for Pct {
    fn name(&self) -> &'static str {
        "pct"
    }

    fn seed(&self) -> Option<u64> {
        Some(self.seed)
    }

    fn explore<M: Model>(&mut self, model: &M, budget: &Budget) -> Report<M::Event> {
        let depth = self.depth.max(1);
        let k = probe_length(model, budget.max_depth);
        sample(model, budget, "pct", self.seed, self.runs, |seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let points = change_points(depth - 1, k, &mut rng);
            ByPriority {
                rng,
                points,
                priorities: Priorities::new(depth),
            }
        })
    }
}

/// One PCT run: the highest-priority actor's first fireable event; at the i-th change point
/// the actor just scheduled drops to priority i.
struct ByPriority {
    rng: ChaCha8Rng,
    points: Vec<usize>,
    priorities: Priorities,
}

impl<M: Model> Chooser<M> for ByPriority {
    fn choose(
        &mut self,
        model: &M,
        state: &M::State,
        successors: &[(M::Event, Millis)],
        step: usize,
    ) -> usize {
        // `>` keeps the first on ties, and ties only happen between events of one actor.
        let mut best: Option<(usize, u64, String)> = None;
        for (i, (event, _)) in successors.iter().enumerate() {
            let actor = model.label(state, event).actor;
            let p = self.priorities.of(&actor, &mut self.rng);
            if best.as_ref().is_none_or(|(_, best_p, _)| p > *best_p) {
                best = Some((i, p, actor));
            }
        }
        let (pick, _, actor) = best.expect("successors is not empty");
        if let Some(i) = self.points.iter().position(|&s| s == step + 1) {
            self.priorities.lower(&actor, i as u64 + 1);
        }
        pick
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_points_are_distinct_and_in_range() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let points = change_points(4, 10, &mut rng);
        assert_eq!(points.len(), 4);
        assert!(points.iter().all(|&s| (1..=10).contains(&s)));
        let distinct: BTreeSet<_> = points.iter().collect();
        assert_eq!(distinct.len(), 4);
        // Fewer steps than change points: every step is one.
        let mut all = change_points(5, 3, &mut rng);
        all.sort();
        assert_eq!(all, vec![1, 2, 3]);
    }

    #[test]
    fn a_lowered_actor_is_below_every_initial_priority() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let mut p = Priorities::new(3);
        let a = p.of("a", &mut rng);
        let b = p.of("b", &mut rng);
        assert_ne!(a, b);
        assert!(a >= 3 && b >= 3);
        assert_eq!(p.of("a", &mut rng), a, "a priority is drawn once per run");
        p.lower("a", 2);
        assert_eq!(p.of("a", &mut rng), 2);
        assert!(p.of("c", &mut rng) > 2);
    }
}
