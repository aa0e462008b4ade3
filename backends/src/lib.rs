//! # syncsim-backends
//!
//! Runs any syncsim [`Model`] under [shuttle]'s schedulers (random, PCT, DFS) and under
//! [loom], as oracles independent of the engine's own strategies: the same model, unchanged,
//! explored by someone else's scheduler.
//!
//! Each scheduling choice of the model (which fireable event fires next) is mapped onto the
//! libraries' own threads and locks: the world lives in the library's `Mutex`, and two library
//! threads race for it, one lock acquisition per turn; whichever the library's scheduler lets in first decides one bit of the
//! choice, so a choice among `n` events is a tournament of `⌈log2 n⌉` binary races. The events that fire are recorded as the path,
//! so a violation comes back as the model's own events, ready for
//! [`Trace::record`](syncsim_engine::Trace::record) and [`replay`](syncsim_engine::replay).
//!
//! The outcome follows the engine's rules: a violation with its path; `exhausted` only when
//! shuttle DFS or loom finished their exploration on their own, no run was cut by the depth
//! bound, and every `sometimes` property was reached; `bounded` otherwise (random and PCT
//! always end `bounded` by [`Bound::Runs`](syncsim_engine::outcome::Bound::Runs)).
//!
//! ```
//! use std::sync::Arc;
//! use syncsim_backends::{run, Backend};
//! use syncsim_engine::{examples::counter::Counter, Budget, Outcome};
//!
//! let report = run(Backend::Loom, Arc::new(Counter::atomic(2)), &Budget::default(), 0, u64::MAX);
//! assert_eq!(report.outcome, Outcome::Exhausted);
//! ```
//!
//! [shuttle]: https://docs.rs/shuttle
//! [loom]: https://docs.rs/loom
#![deny(missing_docs)]

mod choice;
mod loom_backend;
mod shuttle_backend;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use syncsim_engine::{Budget, Model, Report};

use crate::choice::{Coverage, Shared};

/// The number of priority change points shuttle's PCT scheduler uses (its `depth`): PCT finds,
/// with a guaranteed probability per run, any bug that needs at most this many ordering
/// constraints beyond the priorities.
pub const PCT_DEPTH: usize = 3;

/// A library scheduler to run a model under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// shuttle's random scheduler: each run picks a uniformly random runnable thread at every
    /// scheduling point. Seeded; samples, never exhausts.
    ShuttleRandom,
    /// shuttle's PCT scheduler with depth [`PCT_DEPTH`]. Seeded; samples, never exhausts.
    ShuttlePct,
    /// shuttle's depth-first scheduler: enumerates every schedule (no reduction), so it reports
    /// `exhausted` when it ran out of schedules within the iteration cap.
    ShuttleDfs,
    /// loom's exhaustive exploration with dynamic partial-order reduction and no preemption
    /// bound; reports `exhausted` when loom covered every interleaving.
    Loom,
}

impl Backend {
    /// Every backend, in a fixed order.
    pub const ALL: [Backend; 4] = [
        Backend::ShuttleRandom,
        Backend::ShuttlePct,
        Backend::ShuttleDfs,
        Backend::Loom,
    ];

    /// The backend's name in reports, traces and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Backend::ShuttleRandom => "shuttle-random",
            Backend::ShuttlePct => "shuttle-pct",
            Backend::ShuttleDfs => "shuttle-dfs",
            Backend::Loom => "loom",
        }
    }

    /// Whether the backend takes a seed (and reports it).
    pub fn is_seeded(self) -> bool {
        matches!(self, Backend::ShuttleRandom | Backend::ShuttlePct)
    }

    /// Whether the backend enumerates schedules, so it can report `exhausted`.
    pub fn is_exhaustive(self) -> bool {
        matches!(self, Backend::ShuttleDfs | Backend::Loom)
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A backend name that [`Backend::from_str`] does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownBackend(pub String);

impl fmt::Display for UnknownBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown backend `{}`; expected one of:", self.0)?;
        for b in Backend::ALL {
            write!(f, " {}", b.name())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownBackend {}

impl FromStr for Backend {
    type Err = UnknownBackend;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == s)
            .ok_or_else(|| UnknownBackend(s.to_string()))
    }
}

/// Explores `model` under `backend` within `budget`.
///
/// - `seed` seeds shuttle's random and PCT schedulers (same seed, same runs, same report,
///   unless the `SHUTTLE_RANDOM_SEED` environment variable overrides it, as shuttle does); DFS
///   and loom ignore it.
/// - `iterations` is the most executions (runs of the model from its initial state) for every
///   backend. Random and PCT run exactly that many unless they find a violation first; for
///   shuttle DFS and loom it is a cap, and if it cut the exploration short the outcome is
///   `bounded` by runs (pass `u64::MAX` for no cap).
/// - `budget.max_depth` bounds each run; `max_states` bounds distinct states for DFS and loom
///   and transitions for random and PCT, as in the engine; `max_time` is checked between and
///   during runs.
///
/// `stats.runs` counts executions that ran the model, `stats.transitions` every event fired in
/// them, `stats.states` distinct state fingerprints. A violation's path consists of the model's
/// own events; its `run_seed` is `None` (a shuttle schedule is not a syncsim seed).
pub fn run<M>(
    backend: Backend,
    model: Arc<M>,
    budget: &Budget,
    seed: u64,
    iterations: u64,
) -> Report<M::Event>
where
    M: Model + Send + Sync + 'static,
    M::State: Send,
    M::Event: Send,
{
    let coverage = if backend.is_exhaustive() {
        Coverage::Exhaustive
    } else {
        Coverage::Sampling
    };
    let shared = match backend {
        // The shuttle wrapper scheduler enforces the cap itself, to tell a cut from the end.
        Backend::ShuttleRandom | Backend::ShuttlePct | Backend::ShuttleDfs => {
            Arc::new(Shared::new(model, budget, coverage, u64::MAX, usize::MAX))
        }
        Backend::Loom => Arc::new(Shared::new(
            model,
            budget,
            coverage,
            iterations,
            loom_backend::max_turns(),
        )),
    };
    match backend {
        Backend::ShuttleRandom => shuttle_backend::explore(
            Arc::clone(&shared),
            shuttle_backend::Kind::Random,
            seed,
            iterations,
        ),
        Backend::ShuttlePct => shuttle_backend::explore(
            Arc::clone(&shared),
            shuttle_backend::Kind::Pct { depth: PCT_DEPTH },
            seed,
            iterations,
        ),
        Backend::ShuttleDfs => shuttle_backend::explore(
            Arc::clone(&shared),
            shuttle_backend::Kind::Dfs,
            seed,
            iterations,
        ),
        Backend::Loom => loom_backend::explore(Arc::clone(&shared)),
    }
    shared.finish(backend.name(), backend.is_seeded().then_some(seed))
}
