//! Runs a model under shuttle's random, PCT and DFS schedulers.
//!
//! Each shuttle iteration is one run of the model: the execution's main thread spawns one
//! `shuttle::thread`, and the two race for the world held in a `shuttle::sync::Mutex` (see
//! `choice`); shuttle's scheduler decides who gets the lock, and so which event fires. A thin scheduler wrapper ([`Stoppable`]) ends the whole test as soon as
//! exploration has to stop (violation, budget), counts how the iteration cap was reached, and
//! tells whether the DFS scheduler really ran out of schedules.

use std::mem::ManuallyDrop;
use std::sync::Arc;

use shuttle::scheduler::{DfsScheduler, PctScheduler, RandomScheduler, Schedule, Scheduler};
use shuttle::scheduler::{Task, TaskId};
use shuttle::{Config, FailurePersistence, MaxSteps, Runner};
use syncsim_engine::Model;

use crate::choice::{Shared, Side, World};

/// Stack size of every shuttle thread: the model's own code (transitions, property checks,
/// fingerprints) runs on them, so they get more than shuttle's 32 KiB default.
const STACK_SIZE: usize = 1 << 20;

/// Which shuttle scheduler to use.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Random,
    Pct { depth: usize },
    Dfs,
}

/// Wraps a shuttle scheduler so that a violation or an exhausted budget ends the test, and so
/// that an iteration cap on DFS is told apart from DFS running out of schedules.
struct Stoppable<S: Scheduler, M: Model> {
    // `RandomScheduler` prints a "failing seed" banner when dropped in the middle of its
    // iterations; stopping early on a violation is not a failure of the harness, so an inner
    // scheduler that did not finish is leaked (it owns no resources beyond a few words).
    inner: ManuallyDrop<S>,
    finished: bool,
    shared: Arc<Shared<M>>,
    cap: u64,
}

impl<S: Scheduler, M: Model> Stoppable<S, M> {
    fn new(inner: S, shared: &Arc<Shared<M>>, cap: u64) -> Self {
        Stoppable {
            inner: ManuallyDrop::new(inner),
            finished: false,
            shared: Arc::clone(shared),
            cap,
        }
    }
}

impl<S: Scheduler, M: Model> Drop for Stoppable<S, M> {
    fn drop(&mut self) {
        if self.finished {
            // SAFETY: `inner` is dropped exactly once, here, and never used afterwards.
            unsafe { ManuallyDrop::drop(&mut self.inner) }
        }
    }
}

impl<S: Scheduler, M: Model> Scheduler for Stoppable<S, M> {
    fn new_execution(&mut self) -> Option<Schedule> {
        if self.finished || !self.shared.may_start() {
            return None;
        }
        if self.shared.runs() >= self.cap {
            // The cap is reached: if the library has another schedule, the cap cut it short.
            if self.inner.new_execution().is_some() {
                self.shared.stop_for_runs();
            } else {
                self.finished = true;
            }
            return None;
        }
        let next = self.inner.new_execution();
        if next.is_none() {
            self.finished = true;
        }
        next
    }

    fn next_task(
        &mut self,
        runnable_tasks: &[&Task],
        current_task: Option<TaskId>,
        is_yielding: bool,
    ) -> Option<TaskId> {
        self.inner
            .next_task(runnable_tasks, current_task, is_yielding)
    }

    fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }
}

/// One shuttle execution: the execution's main thread races (as `Left`) against one spawned
/// thread (`Right`) for the world until the run ends.
fn execution<M>(shared: &Arc<Shared<M>>)
where
    M: Model + Send + Sync + 'static,
    M::State: Send,
    M::Event: Send,
{
    let world = Arc::new(shuttle::sync::Mutex::new(World::<M>::new()));
    let right = {
        let world = Arc::clone(&world);
        let shared = Arc::clone(shared);
        shuttle::thread::spawn(move || race(&world, &shared, Side::Right))
    };
    race(&world, shared, Side::Left);
    right.join().expect("the racing thread never panics");
}

/// One racer: takes turns on the world until the run ends.
fn race<M: Model>(world: &shuttle::sync::Mutex<World<M>>, shared: &Shared<M>, side: Side) {
    loop {
        let mut world = world.lock().expect("the world lock is never poisoned");
        if !shared.turn(&mut world, side) {
            break;
        }
    }
}

/// Runs the exploration under shuttle, `iterations` executions at most.
pub(crate) fn explore<M>(shared: Arc<Shared<M>>, kind: Kind, seed: u64, iterations: u64)
where
    M: Model + Send + Sync + 'static,
    M::State: Send,
    M::Event: Send,
{
    let mut config = Config::new();
    config.stack_size = STACK_SIZE;
    config.failure_persistence = FailurePersistence::None;
    // Every turn makes progress and runs are bounded by `max_depth`, so no step bound is needed.
    config.max_steps = MaxSteps::None;
    config.silence_warnings = true;
    let iters = usize::try_from(iterations).unwrap_or(usize::MAX);
    let body = {
        let shared = Arc::clone(&shared);
        move || {
            if shared.begin_execution() {
                execution(&shared);
            }
        }
    };
    match kind {
        Kind::Random => {
            let inner = RandomScheduler::new_from_seed(seed, iters);
            Runner::new(Stoppable::new(inner, &shared, iterations), config).run(body);
        }
        Kind::Pct { depth } => {
            let inner = PctScheduler::new_from_seed(seed, depth, iters);
            Runner::new(Stoppable::new(inner, &shared, iterations), config).run(body);
        }
        Kind::Dfs => {
            // Unbounded: the wrapper enforces the cap, so that it can tell a cut from the end.
            let inner = DfsScheduler::new(None, false);
            Runner::new(Stoppable::new(inner, &shared, iterations), config).run(body);
        }
    }
}
