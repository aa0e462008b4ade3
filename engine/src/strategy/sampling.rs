//! The loop every sampling strategy shares: N walks from the initial state to quiescence (or
//! the depth bound), properties checked on every state, the run's own seed carried by any
//! violation, and `bounded` when the runs are spent — a sampler never reports `exhausted`.
//! A strategy supplies only its choice rule ([`Chooser`]), built afresh for each run from
//! that run's seed.

use std::time::Instant;

use crate::budget::{Budget, Stats};
use crate::fingerprint::{fingerprint, VisitedSet};
use crate::model::{fireable_events, Model};
use crate::outcome::{Bound, Outcome, Report, Violation};
use crate::strategy::random::run_seed;
use crate::strategy::PropertyChecker;
use crate::time::Millis;

/// How one run picks the next event.
pub(super) trait Chooser<M: Model> {
    /// The index in `successors` (never empty) to fire as step number `step` (0-based).
    fn choose(
        &mut self,
        model: &M,
        state: &M::State,
        successors: &[(M::Event, Millis)],
        step: usize,
    ) -> usize;
}

/// Runs `runs` walks of `model` named `strategy`, with `chooser(run_seed)` choosing each.
pub(super) fn sample<M: Model, C: Chooser<M>>(
    model: &M,
    budget: &Budget,
    strategy: &str,
    seed: u64,
    runs: u64,
    mut chooser: impl FnMut(u64) -> C,
) -> Report<M::Event> {
    let start = Instant::now();
    let mut checker = PropertyChecker::new(model);
    let mut stats = Stats::default();
    let mut visited = VisitedSet::default();
    let mut scratch = Vec::new();
    let mut successors = Vec::new();
    let report = |outcome, mut stats: Stats| {
        stats.elapsed_ms = start.elapsed().as_millis() as u64;
        Report {
            outcome,
            stats,
            strategy: strategy.into(),
            seed: Some(seed),
        }
    };
    let init = model.initial_state();

    for run in 0..runs {
        let this_seed = run_seed(seed, run);
        let mut choose = chooser(this_seed);
        let mut state = init.clone();
        let mut path = Vec::new();
        loop {
            if visited.insert(fingerprint(model, &state)) {
                stats.states += 1;
            }
            fireable_events(model, &state, &mut scratch, &mut successors);
            if let Some((property, message)) = checker.check(model, &state, successors.is_empty()) {
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
            let pick = choose.choose(model, &state, &successors, path.len());
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
