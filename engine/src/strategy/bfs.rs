//! Exhaustive breadth-first search: the first violation it finds has a shortest trace.
//!
//! States are discovered in order of depth, so a violation found while generating depth `d`
//! has no counterexample shorter than `d` events. Memory grows with the frontier; the visited
//! set and a parent arena (one event per state) keep paths reconstructible.

use std::collections::VecDeque;
use std::time::Instant;

use crate::budget::{Budget, Stats};
use crate::fingerprint::{fingerprint, VisitedSet};
use crate::model::{fireable_events, Model};
use crate::outcome::{Bound, Outcome, Report, Violation};
use crate::strategy::{PropertyChecker, Strategy};

/// Exhaustive breadth-first search, for the shortest counterexample.
#[derive(Clone, Debug, Default)]
pub struct Bfs;

const ROOT: u32 = u32::MAX;

impl Strategy for Bfs {
    fn name(&self) -> &'static str {
        "bfs"
    }

    fn explore<M: Model>(&mut self, model: &M, budget: &Budget) -> Report<M::Event> {
        let start = Instant::now();
        let mut checker = PropertyChecker::new(model);
        let mut stats = Stats::default();
        let mut visited = VisitedSet::default();
        let mut scratch = Vec::new();
        let mut successors = Vec::new();
        // arena[i] = (parent index, event that led to node i)
        let mut arena: Vec<(u32, Option<M::Event>)> = Vec::new();
        let mut cut_by_depth = false;
        let report = |outcome, mut stats: Stats| {
            stats.elapsed_ms = start.elapsed().as_millis() as u64;
            Report {
                outcome,
                stats,
                strategy: "bfs".into(),
                seed: None,
            }
        };
        let path_to = |arena: &Vec<(u32, Option<M::Event>)>, mut node: u32| {
            let mut path = Vec::new();
            while node != ROOT {
                let (parent, event) = &arena[node as usize];
                path.extend(event.clone());
                node = *parent;
            }
            path.reverse();
            path
        };

        let init = model.initial_state();
        visited.insert(fingerprint(model, &init));
        fireable_events(model, &init, &mut scratch, &mut successors);
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
        arena.push((ROOT, None));
        let mut queue: VecDeque<(M::State, u32, usize)> = VecDeque::new();
        queue.push_back((init, 0, 0));

        while let Some((state, node, depth)) = queue.pop_front() {
            fireable_events(model, &state, &mut scratch, &mut successors);
            if successors.is_empty() {
                continue;
            }
            if depth >= budget.max_depth {
                cut_by_depth = true;
                continue;
            }
            let mut next_successors = Vec::new();
            for (event, advance) in successors.drain(..) {
                let mut next = state.clone();
                model.apply(&mut next, &event, advance);
                stats.transitions += 1;
                if !visited.insert(fingerprint(model, &next)) {
                    continue;
                }
                stats.states += 1;
                stats.max_depth = stats.max_depth.max(depth + 1);
                if arena.len() >= ROOT as usize {
                    return report(Outcome::Bounded(Bound::States), stats);
                }
                arena.push((node, Some(event)));
                let child = (arena.len() - 1) as u32;
                fireable_events(model, &next, &mut scratch, &mut next_successors);
                if let Some((property, message)) =
                    checker.check(model, &next, next_successors.is_empty())
                {
                    let v = Violation {
                        property,
                        message,
                        path: path_to(&arena, child),
                        run_seed: None,
                    };
                    return report(Outcome::Violation(v), stats);
                }
                if stats.states >= budget.max_states {
                    return report(Outcome::Bounded(Bound::States), stats);
                }
                if stats.states % 4096 == 0 && budget.max_time.is_some_and(|t| start.elapsed() >= t)
                {
                    return report(Outcome::Bounded(Bound::Time), stats);
                }
                queue.push_back((next, child, depth + 1));
            }
        }

        report(checker.conclude(cut_by_depth), stats)
    }
}
