//! Exhaustive depth-first search with a visited set of state fingerprints, optionally with
//! sleep-set partial-order reduction ([`crate::por`]).
//!
//! It stops at the first violation. It reports `exhausted` only when every reachable state
//! within the depth bound was expanded (with sleep sets: every transition not proven redundant
//! by the reduction was fired) and no trace was cut by that bound. It must not prune anything
//! the model did not declare independent through [`Model::access`].

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::time::Instant;

use crate::budget::{Budget, Stats};
use crate::fingerprint::{fingerprint, FingerprintHasher, IdentityHasher, VisitedSet};
use crate::model::{fireable_events, Access, Model};
use crate::outcome::{Bound, Outcome, Report, Violation};
use crate::por::{independent, EventSet};
use crate::strategy::{PropertyChecker, Strategy};
use crate::time::Millis;

/// Exhaustive depth-first search.
///
/// `Dfs::default()` uses sleep sets; a model that does not
/// override [`Model::access`] is explored exactly as by [`Dfs::plain`]. Sleep sets never
/// prune states, only transitions, so `stats.states` is the same with and without them and
/// `stats.transitions` shows the saving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dfs {
    /// Whether to skip transitions with sleep sets (partial-order reduction).
    pub sleep_sets: bool,
}

impl Default for Dfs {
    fn default() -> Self {
        Dfs::with_sleep_sets()
    }
}

impl Dfs {
    /// Plain exhaustive DFS: every fireable transition of every state is fired.
    pub const fn plain() -> Dfs {
        Dfs { sleep_sets: false }
    }
    /// Exhaustive DFS with sleep-set reduction.
    pub const fn with_sleep_sets() -> Dfs {
        Dfs { sleep_sets: true }
    }
}

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
        if self.sleep_sets {
            explore_with_sleep_sets(model, budget)
        } else {
            explore_plain(model, budget)
        }
    }
}

fn explore_plain<M: Model>(model: &M, budget: &Budget) -> Report<M::Event> {
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

    report(checker.conclude(cut_by_depth), stats)
}

/// One state on the stack of the reduced search.
struct SleepFrame<M: Model> {
    state: M::State,
    successors: Vec<(M::Event, Millis)>,
    /// `access` of each successor in `state`, in the same order.
    access: Vec<Option<Access>>,
    /// Indices of the successors still to fire from this frame.
    todo: EventSet,
    /// The sleep set: indices known to be covered elsewhere, plus those fired from here.
    sleep: EventSet,
    /// Where to resume looking in `todo`.
    next: usize,
    /// The index of the successor fired last (the path to the top of the stack).
    fired: usize,
}

/// What the visited set remembers about a state whose stored sleep set is not empty: the
/// hash of the concrete state (the fingerprint may identify symmetric states) and the indices
/// of its fireable events that were asleep, i.e. never fired from it.
struct Asleep {
    concrete: u64,
    sleep: EventSet,
}

fn concrete_hash<S: Hash>(state: &S) -> u64 {
    let mut h = FingerprintHasher::default();
    state.hash(&mut h);
    h.finish()
}

/// Sleep-set DFS with state caching (Godefroid, LNCS 1032, ch. 5, "sleep sets and
/// state caching").
///
/// A state is explored with a sleep set `Z` of fireable events that need not be fired from it,
/// because an interleaving that fires them here is equivalent to one covered elsewhere. Firing
/// `t` passes on `{u ∈ Z : u independent of t here}` (keeping only those still fireable with
/// advance 0 afterwards), and after `t` is explored `t` joins `Z` for its later siblings.
///
/// The visited set and sleep sets interact: a state first explored with sleep set `Z1` has
/// not fired the events of `Z1`; if it is reached again with a sleep set `Z2` that does not
/// contain `Z1`, skipping it would lose the interleavings that start with `Z1 \ Z2`, and the
/// states only they reach. So the sleep set is stored with the state (only when not empty, so
/// a model without `access` declarations costs nothing extra), and a revisit with `Z2`
/// - skips the state if the stored set is contained in `Z2` (nothing new to do);
/// - otherwise fires `Z1 \ Z2` from it with sleep set `Z1 ∩ Z2`, and stores `Z1 ∩ Z2`.
///
/// Stored sets only shrink, so this terminates. We chose this over intersecting lazily or
/// never caching sleeping states because it is the published, proven-sound variant and it
/// keeps the state count equal to plain DFS.
///
/// The fingerprint may identify symmetric states ([`Model::fingerprint`]), whose fireable
/// lists are permutations of each other, so stored indices mean nothing for a different
/// concrete state. When the concrete state differs and the stored set is not empty, the
/// revisit fires everything with an empty sleep set and stores the empty set; a stored empty
/// set (the state was fully expanded) covers its whole symmetry class, as in plain DFS.
///
/// Properties are checked once per fingerprint, on first visit, as in plain DFS: a
/// re-exploration revisits a state already checked.
fn explore_with_sleep_sets<M: Model>(model: &M, budget: &Budget) -> Report<M::Event> {
    let start = Instant::now();
    let mut checker = PropertyChecker::new(model);
    let mut stats = Stats::default();
    let mut visited = VisitedSet::default();
    // Looked up by key only, never iterated: exploration order stays deterministic.
    let mut asleep: HashMap<u64, Asleep, BuildHasherDefault<IdentityHasher>> = HashMap::default();
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
    let accesses = |state: &M::State, successors: &[(M::Event, Millis)]| -> Vec<Option<Access>> {
        successors
            .iter()
            .map(|(e, _)| model.access(state, e))
            .collect()
    };
    // The indices, among `successors`, of the carried sleeping events that are still
    // fireable with advance 0 (otherwise they are not the same transition any more).
    let sleep_in = |carried: &[M::Event], successors: &[(M::Event, Millis)]| -> EventSet {
        let mut z = EventSet::new();
        for u in carried {
            if let Some(i) = successors.iter().position(|(e, a)| e == u && *a == 0) {
                z.insert(i);
            }
        }
        z
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
    let mut stack: Vec<SleepFrame<M>> = vec![SleepFrame {
        access: accesses(&init, &successors),
        todo: EventSet::all(successors.len()),
        sleep: EventSet::new(),
        state: init,
        successors,
        next: 0,
        fired: 0,
    }];

    while let Some(top) = stack.last_mut() {
        let Some(i) = top.todo.next_from(top.next) else {
            stack.pop();
            continue;
        };
        top.next = i + 1;
        top.fired = i;
        let (event, advance) = top.successors[i].clone();
        let carried: Vec<M::Event> = top
            .sleep
            .iter()
            .filter(|&j| {
                independent(
                    top.access[i].as_ref(),
                    advance,
                    top.access[j].as_ref(),
                    top.successors[j].1,
                )
            })
            .map(|j| top.successors[j].0.clone())
            .collect();
        top.sleep.insert(i);
        let mut state = top.state.clone();
        model.apply(&mut state, &event, advance);
        stats.transitions += 1;
        let fp = fingerprint(model, &state);
        let depth = stack.len();

        if !visited.insert(fp) {
            // Seen before: re-explore only if it was left with sleeping events this visit
            // does not cover.
            let Some(stored) = asleep.get_mut(&fp) else {
                continue;
            };
            let mut successors = Vec::new();
            fireable_events(model, &state, &mut scratch, &mut successors);
            let (todo, sleep) = if stored.concrete == concrete_hash(&state) {
                let z = sleep_in(&carried, &successors);
                if stored.sleep.is_subset(&z) {
                    continue;
                }
                let todo = stored.sleep.minus(&z);
                stored.sleep = stored.sleep.intersection(&z);
                (todo, stored.sleep.clone())
            } else {
                (EventSet::all(successors.len()), EventSet::new())
            };
            if sleep.is_empty() {
                asleep.remove(&fp);
            }
            if depth >= budget.max_depth {
                cut_by_depth = true;
                continue;
            }
            stack.push(SleepFrame {
                access: accesses(&state, &successors),
                todo,
                sleep,
                state,
                successors,
                next: 0,
                fired: 0,
            });
            continue;
        }

        stats.states += 1;
        stats.max_depth = stats.max_depth.max(depth);
        let mut successors = Vec::new();
        fireable_events(model, &state, &mut scratch, &mut successors);
        if let Some((property, message)) = checker.check(model, &state, successors.is_empty()) {
            let path: Vec<M::Event> = stack
                .iter()
                .map(|f| f.successors[f.fired].0.clone())
                .collect();
            debug_assert_eq!(path.last(), Some(&event));
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
        let sleep = sleep_in(&carried, &successors);
        let todo = EventSet::all(successors.len()).minus(&sleep);
        if !sleep.is_empty() {
            asleep.insert(
                fp,
                Asleep {
                    concrete: concrete_hash(&state),
                    sleep: sleep.clone(),
                },
            );
        }
        if todo.is_empty() {
            continue;
        }
        if depth >= budget.max_depth {
            cut_by_depth = true;
            continue;
        }
        stack.push(SleepFrame {
            access: accesses(&state, &successors),
            todo,
            sleep,
            state,
            successors,
            next: 0,
            fired: 0,
        });
    }

    report(checker.conclude(cut_by_depth), stats)
}
