//! Runs a model under loom's exhaustive, DPOR-reduced exploration of thread interleavings.
//!
//! Each loom permutation is one run of the model: the permutation's main thread spawns a
//! driver, which spawns one more thread; the two race for the world held in a
//! `loom::sync::Mutex` (see `choice`). Loom explores every order in which they can acquire it,
//! so every sequence of choices among the fireable events is tried; its partial-order reduction
//! prunes schedules that differ only in the order of independent operations. Loom is used directly through
//! `loom::model::Builder`; no `--cfg loom` is needed.
//!
//! Loom cannot be told to stop, and a permutation that does not follow the schedule loom
//! recorded for it confuses loom's replay. So a permutation always runs to its natural end (a
//! violation ends a run only in territory loom has not recorded yet, and time is only checked
//! between permutations), and once exploration has to stop (violation, time, iteration cap) the
//! next permutation unwinds out of loom before it creates any loom object, with a private
//! payload that [`explore`] catches. The caller learns from the recorded stop whether loom
//! finished on its own.

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use syncsim_engine::Model;

use crate::choice::{Shared, Side, World};

/// Stack size of the driver and racing threads, which run the model's own code. Loom hands
/// this number to the `generator` crate, which counts it in machine words: 1 MiB on 64-bit.
const STACK_SIZE: usize = (1 << 20) / std::mem::size_of::<usize>();

/// Loom's limit on scheduling branches in one permutation. Each turn (one binary decision)
/// costs a handful of branches; an execution that exceeds this makes loom panic, so the limit
/// is generous and a run's turns are capped below it (see [`max_turns`]).
pub(crate) const MAX_BRANCHES: usize = 200_000;

/// The most turns a racing thread pair takes in one permutation before the run is cut as if by
/// the depth bound, so that loom's branch limit is never hit.
pub(crate) fn max_turns() -> usize {
    MAX_BRANCHES / 16
}

/// One loom permutation. Loom runs the permutation's main thread on a small fixed stack, so it
/// only spawns (with a large stack) and joins the driver, which races as `Left` against the one
/// thread it spawns (`Right`) for the world until the run ends.
fn execution<M>(shared: &Arc<Shared<M>>)
where
    M: Model + Send + Sync + 'static,
    M::State: Send,
    M::Event: Send,
{
    let shared = Arc::clone(shared);
    spawn(move || {
        let world = Arc::new(loom::sync::Mutex::new(World::<M>::new()));
        let right = {
            let world = Arc::clone(&world);
            let shared = Arc::clone(&shared);
            spawn(move || race(&world, &shared, Side::Right))
        };
        race(&world, &shared, Side::Left);
        right.join().expect("the racing thread never panics");
    })
    .join()
    .expect("the driver never panics");
}

fn spawn(f: impl FnOnce() + Send + 'static) -> loom::thread::JoinHandle<()> {
    loom::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn(f)
        .expect("loom spawns a thread")
}

/// One racer: takes turns on the world until the run ends.
fn race<M: Model>(world: &loom::sync::Mutex<World<M>>, shared: &Shared<M>, side: Side) {
    loop {
        let mut world = world.lock().expect("the world lock is never poisoned");
        if !shared.turn(&mut world, side) {
            break;
        }
    }
}

/// Runs the exploration under loom until loom has covered every interleaving or exploration
/// was stopped.
pub(crate) fn explore<M>(shared: Arc<Shared<M>>)
where
    M: Model + Send + Sync + 'static,
    M::State: Send,
    M::Event: Send,
{
    // `Builder::new` reads LOOM_* environment variables; every field that could make the
    // exploration incomplete or nondeterministic is set explicitly.
    let mut builder = loom::model::Builder::new();
    builder.max_threads = loom::MAX_THREADS;
    builder.max_branches = MAX_BRANCHES;
    builder.max_permutations = None;
    builder.max_duration = None;
    builder.preemption_bound = None;
    builder.checkpoint_file = None;
    builder.checkpoint_interval = usize::MAX;
    builder.location = false;
    builder.log = false;
    builder.expect_explicit_explore = false;
    let explored = panic::catch_unwind(AssertUnwindSafe(move || {
        builder.check(move || {
            if !shared.begin_execution() {
                // Leave loom before this permutation creates any loom object. Unwinding with
                // `resume_unwind` skips the panic hook, so nothing is printed.
                panic::resume_unwind(Box::new(StopExploring));
            }
            execution(&shared);
        })
    }));
    if let Err(payload) = explored {
        if !payload.is::<StopExploring>() {
            panic::resume_unwind(payload);
        }
    }
}

/// The unwinding payload that takes exploration out of loom once it has to stop.
struct StopExploring;
