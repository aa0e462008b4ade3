//! Exhaustive depth-first search with a visited set of state fingerprints.
//!
//! It stops at the first violation. It reports `exhausted` only when every reachable state
//! within the depth bound was expanded and no trace was cut by that bound.

use std::time::Instant;

use crate::budget::{Budget, Stats};
use crate::fingerprint::{fingerprint, VisitedSet};
use crate::model::{fireable_events, Model};
use crate::outcome::{Bound, Outcome, Report, Violation};
use crate::strategy::{PropertyChecker, Strategy};
use crate::time::Millis;

/// Exhaustive depth-first search.
#[derive(Clone, Debug, Default)]
pub struct Dfs;

struct Frame<M: Model> {
    state: M::State,
    successors: Vec<(M::Event, Millis)>,
    next: usize,
}

impl Strategy for Dfs {
    fn name(&self) -> &'static str {
        "dfs"
    }

    fn explore<M: Model>(&mut self, model: &M, budget: &Budget) -> Report<M::Event> {
        let start = Instant::now();
        let mut checker = PropertyChecker::new(model);
        let mut stats = Stats::default();
        let mut visited = VisitedSet::default();
        let mut scratch = Vec::new();
        let mut cut_by_depth = false;
        let report = |outcome, mut stats: Stats| {
            stats.elapsed_ms = start.elapsed().as_millis() as u64;
            Report {
                outcome,
                stats,
                strategy: "dfs".into(),
                seed: None,
            }
        };

        let init = model.initial_state();
        let mut successors = Vec::new();
        fireable_events(model, &init, &mut scratch, &mut successors);
        visited.insert(fingerprint(model, &init));
        stats.states = 1;
        if let Some((property, message)) = checker.check(model, &init, successors.is_empty()) {
            let v = Violation {
                property,
                message,
                path: Vec::new(),
                run_seed: None,
            };
            return report(Outcome::Violation(v), stats);
        }
        let mut stack: Vec<Frame<M>> = vec![Frame {
            state: init,
            successors,
            next: 0,
        }];

        while let Some(top) = stack.last_mut() {
            if top.next == top.successors.len() {
                stack.pop();
                continue;
            }
            let (event, advance) = top.successors[top.next].clone();
            top.next += 1;
            let mut state = top.state.clone();
            model.apply(&mut state, &event, advance);
            stats.transitions += 1;
            if !visited.insert(fingerprint(model, &state)) {
                continue;
            }
            stats.states += 1;
            let depth = stack.len();
            stats.max_depth = stats.max_depth.max(depth);

            let mut successors = Vec::new();
            fireable_events(model, &state, &mut scratch, &mut successors);
            if let Some((property, message)) = checker.check(model, &state, successors.is_empty()) {
                let mut path: Vec<M::Event> = stack
                    .iter()
                    .map(|f| f.successors[f.next - 1].0.clone())
                    .collect();
                debug_assert_eq!(path.last(), Some(&event));
                path.truncate(depth);
                let v = Violation {
                    property,
                    message,
                    path,
                    run_seed: None,
                };
                return report(Outcome::Violation(v), stats);
            }
            if stats.states >= budget.max_states {
                return report(Outcome::Bounded(Bound::States), stats);
            }
            if stats.states % 4096 == 0 && budget.max_time.is_some_and(|t| start.elapsed() >= t) {
                return report(Outcome::Bounded(Bound::Time), stats);
            }
            if successors.is_empty() {
                continue;
            }
            if depth >= budget.max_depth {
                cut_by_depth = true;
                continue;
            }
            stack.push(Frame {
                state,
                successors,
                next: 0,
            });
        }

        if cut_by_depth {
            return report(Outcome::Bounded(Bound::Depth), stats);
        }
        if let Some((property, message)) = checker.unreached() {
            let v = Violation {
                property,
                message,
                path: Vec::new(),
                run_seed: None,
            };
            return report(Outcome::Violation(v), stats);
        }
        report(Outcome::Exhausted, stats)
    }
}
