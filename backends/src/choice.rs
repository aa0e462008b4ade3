//! The library-independent half of every backend: how a choice among the model's fireable
//! events becomes a sequence of binary races between two library threads, and the bookkeeping
//! (properties, fingerprints, statistics, budgets, the first violation) that lives outside the
//! library's executions.
//!
//! # The mapping
//!
//! One execution of the library (one shuttle iteration, one loom permutation) is one run of the
//! model from its initial state. The run's [`World`] (model state, fireable events, the path so
//! far, and the range of events still in contention) lives in the library's own `Mutex`. Two
//! library threads, [`Side::Left`] and [`Side::Right`], loop on that mutex; each acquisition is a
//! *turn* ([`Shared::turn`]). (Two racers rather than one thread per event: fewer threads means
//! far fewer redundant schedules for DFS and loom to enumerate, and loom allows few threads.)
//!
//! - the events still in contention are the range `lo..hi` of the fireable list (in the model's
//!   own order); the thread that acquired the lock keeps its half (`Left` the lower half, `Right`
//!   the upper half), so a choice among `n` events is a knockout tournament of `⌈log2 n⌉` binary
//!   races, and every event is reachable;
//! - as soon as one event is left it fires (within the same critical section), the properties
//!   are checked, and the range resets to all events fireable in the new state; states with a
//!   single fireable event fire without a race.
//!
//! So every scheduling decision that matters — which thread gets the lock next — is made by the
//! library's scheduler (random, PCT, DFS, or loom's exhaustive DPOR search), and every lock
//! acquisition is exactly one binary decision or the end of the run. Only two threads besides
//! the main one are ever spawned per execution, well within loom's thread limit, and each turn
//! makes progress, so there are no spin loops for the libraries to choke on.
//!
//! Everything that must survive an execution (property checker, visited fingerprints, stats,
//! the first violation, why exploration stopped) is in [`Shared`], behind a `std` mutex that is
//! never held across a library operation. A violation ends its execution cleanly (both threads
//! see `done` and return; nothing panics) and asks the backend to stop exploring.

use std::sync::{Mutex as StdMutex, MutexGuard as StdGuard};
use std::time::Instant;

use syncsim_engine::fingerprint::{fingerprint, VisitedSet};
use syncsim_engine::model::fireable_events;
use syncsim_engine::outcome::{Bound, Violation};
use syncsim_engine::strategy::PropertyChecker;
use syncsim_engine::{Budget, Millis, Model, Outcome, Report, Stats, Timed};

/// Which of the two racing library threads took a turn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// Keeps the lower half of the events in contention.
    Left,
    /// Keeps the upper half of the events in contention.
    Right,
}

/// How the backend covers the space, which decides what "finished without a violation" means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coverage {
    /// Samples schedules (shuttle random, PCT): never exhausted; `max_states` bounds transitions,
    /// as for the engine's random walk.
    Sampling,
    /// Enumerates schedules (shuttle DFS, loom): exhausted when the library finished on its own;
    /// `max_states` bounds distinct states, as for the engine's DFS.
    Exhaustive,
}

/// Why exploration stopped before the library finished on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Stop {
    Violation,
    Bound(Bound),
}

/// One run of the model, living inside the library's mutex.
pub(crate) struct World<M: Model> {
    /// `None` until the first turn, so that even the initial state is computed by a racer (on
    /// the large stack the backend gave it).
    state: Option<M::State>,
    fireable: Vec<(M::Event, Millis)>,
    scratch: Vec<Timed<M::Event>>,
    lo: usize,
    hi: usize,
    path: Vec<M::Event>,
    turns: usize,
    done: bool,
}

impl<M: Model> World<M> {
    /// A run that has not started.
    pub(crate) fn new() -> Self {
        World {
            state: None,
            fireable: Vec::new(),
            scratch: Vec::new(),
            lo: 0,
            hi: 0,
            path: Vec::new(),
            turns: 0,
            done: false,
        }
    }
}

struct Inner<M: Model> {
    checker: PropertyChecker<M>,
    visited: VisitedSet,
    stats: Stats,
    violation: Option<Violation<M::Event>>,
    cut_by_depth: bool,
    stop: Option<Stop>,
}

/// What outlives one execution: the model, the budget, and the exploration's bookkeeping.
pub(crate) struct Shared<M: Model> {
    model: std::sync::Arc<M>,
    budget: Budget,
    coverage: Coverage,
    max_runs: u64,
    max_turns: usize,
    start: Instant,
    inner: StdMutex<Inner<M>>,
}

impl<M: Model> Shared<M> {
    /// Bookkeeping for one exploration of `model` within `budget`, at most `max_runs`
    /// executions, and at most `max_turns` lock acquisitions per execution (a run that needs
    /// more is cut as if by the depth bound).
    pub(crate) fn new(
        model: std::sync::Arc<M>,
        budget: &Budget,
        coverage: Coverage,
        max_runs: u64,
        max_turns: usize,
    ) -> Self {
        let checker = PropertyChecker::new(&*model);
        Shared {
            model,
            budget: budget.clone(),
            coverage,
            max_runs,
            max_turns,
            start: Instant::now(),
            inner: StdMutex::new(Inner {
                checker,
                visited: VisitedSet::default(),
                stats: Stats::default(),
                violation: None,
                cut_by_depth: false,
                stop: None,
            }),
        }
    }

    fn lock(&self) -> StdGuard<'_, Inner<M>> {
        // A panic in the model poisons the lock; the panic itself is what gets reported.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn out_of_time(&self) -> bool {
        self.budget
            .max_time
            .is_some_and(|t| self.start.elapsed() >= t)
    }

    /// Executions started so far.
    pub(crate) fn runs(&self) -> u64 {
        self.lock().stats.runs
    }

    /// Marks the exploration as cut short by the iteration cap.
    pub(crate) fn stop_for_runs(&self) {
        let mut inner = self.lock();
        if inner.stop.is_none() {
            inner.stop = Some(Stop::Bound(Bound::Runs));
        }
    }

    /// Whether another execution may start: exploration has not stopped and the time budget is
    /// not used up (which stops it). Counts nothing.
    pub(crate) fn may_start(&self) -> bool {
        let out_of_time = self.out_of_time();
        let mut inner = self.lock();
        if inner.stop.is_none() && out_of_time {
            inner.stop = Some(Stop::Bound(Bound::Time));
        }
        inner.stop.is_none()
    }

    /// Called at the start of every execution: whether it should run the model. Once
    /// exploration has stopped, or the iteration cap or time budget is used up, the answer is
    /// no, and the execution does nothing (for loom, that drains the remaining schedules at no
    /// cost, since loom cannot be told to stop).
    pub(crate) fn begin_execution(&self) -> bool {
        let out_of_time = self.out_of_time();
        let mut inner = self.lock();
        if inner.stop.is_some() {
            return false;
        }
        if inner.stats.runs >= self.max_runs {
            inner.stop = Some(Stop::Bound(Bound::Runs));
            return false;
        }
        if out_of_time {
            inner.stop = Some(Stop::Bound(Bound::Time));
            return false;
        }
        inner.stats.runs += 1;
        true
    }

    /// One lock acquisition by `side`: narrows the contention to its half, fires every event
    /// that is then decided, and says whether the thread should come back for another turn.
    pub(crate) fn turn(&self, world: &mut World<M>, side: Side) -> bool {
        if world.done {
            return false;
        }
        world.turns += 1;
        if world.turns > self.max_turns {
            self.lock().cut_by_depth = true;
            world.done = true;
            return false;
        }
        if world.state.is_none() {
            // The first turn starts the run and fires the forced steps, then decides the
            // first real choice like any other turn.
            self.start_run(world);
            self.settle(world);
            if world.done {
                return false;
            }
        }
        // Not done after `settle`: at least two events are in contention.
        let mid = world.lo + (world.hi - world.lo) / 2;
        match side {
            Side::Left => world.hi = mid,
            Side::Right => world.lo = mid,
        }
        self.settle(world);
        !world.done
    }

    fn start_run(&self, world: &mut World<M>) {
        let model = &*self.model;
        let state = model.initial_state();
        fireable_events(model, &state, &mut world.scratch, &mut world.fireable);
        world.lo = 0;
        world.hi = world.fireable.len();
        world.state = Some(state);
        self.observe(world, false);
    }

    /// Fires events while only one is in contention; ends the run at quiescence, at the depth
    /// bound, or when [`Self::observe`] ended it.
    fn settle(&self, world: &mut World<M>) {
        let model = &*self.model;
        while !world.done {
            if world.fireable.is_empty() {
                world.done = true;
                return;
            }
            if world.path.len() >= self.budget.max_depth {
                self.lock().cut_by_depth = true;
                world.done = true;
                return;
            }
            if world.hi - world.lo > 1 {
                return;
            }
            let (event, advance) = world.fireable[world.lo].clone();
            let state = world.state.as_mut().expect("the run has started");
            model.apply(state, &event, advance);
            world.path.push(event);
            fireable_events(model, state, &mut world.scratch, &mut world.fireable);
            world.lo = 0;
            world.hi = world.fireable.len();
            self.observe(world, true);
        }
    }

    /// Records the state just reached and checks the properties on it.
    fn observe(&self, world: &mut World<M>, after_step: bool) {
        let model = &*self.model;
        let state = world.state.as_ref().expect("the run has started");
        let fp = fingerprint(model, state);
        let mut inner = self.lock();
        let inner = &mut *inner;
        if inner.visited.insert(fp) {
            inner.stats.states += 1;
        }
        if after_step {
            inner.stats.transitions += 1;
            inner.stats.max_depth = inner.stats.max_depth.max(world.path.len());
        }
        if let Some((property, message)) =
            inner.checker.check(model, state, world.fireable.is_empty())
        {
            inner.violation = Some(Violation {
                property,
                message,
                path: world.path.clone(),
                run_seed: None,
            });
            inner.stop = Some(Stop::Violation);
            world.done = true;
            return;
        }
        // The state bound may end a run early: for an enumerating library a new state only
        // appears past the point where this execution left the schedule of the previous one, so
        // ending here never contradicts a recorded schedule. Time is checked only between runs
        // (in `begin_execution`), because it could trip anywhere.
        let counted = match self.coverage {
            Coverage::Sampling => inner.stats.transitions,
            Coverage::Exhaustive => inner.stats.states,
        };
        if counted >= self.budget.max_states {
            inner.stop = Some(Stop::Bound(Bound::States));
            world.done = true;
        }
    }

    /// The report, once the library returned. Without a stop, the library finished on its own:
    /// a sampler ran all its iterations, an enumerating library covered every schedule.
    pub(crate) fn finish(&self, strategy: &str, seed: Option<u64>) -> Report<M::Event> {
        let mut inner = self.lock();
        let mut stats = inner.stats.clone();
        stats.elapsed_ms = self.start.elapsed().as_millis() as u64;
        let outcome = match inner.stop.clone() {
            Some(Stop::Violation) => Outcome::Violation(
                inner
                    .violation
                    .take()
                    .expect("a violation stop records the violation"),
            ),
            Some(Stop::Bound(bound)) => Outcome::Bounded(bound),
            None => match self.coverage {
                Coverage::Sampling => Outcome::Bounded(Bound::Runs),
                Coverage::Exhaustive if inner.cut_by_depth => Outcome::Bounded(Bound::Depth),
                Coverage::Exhaustive => match inner.checker.unreached() {
                    Some((property, message)) => Outcome::Violation(Violation {
                        property,
                        message,
                        path: Vec::new(),
                        run_seed: None,
                    }),
                    None => Outcome::Exhausted,
                },
            },
        };
        Report {
            outcome,
            stats,
            strategy: strategy.to_string(),
            seed,
        }
    }
}
