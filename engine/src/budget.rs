//! Exploration budgets and the statistics every strategy reports.

use std::time::Duration;

use serde::Serialize;

/// Limits on one exploration. Hitting any of them makes the outcome `bounded`, never a pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// The longest trace explored, in events.
    pub max_depth: usize,
    /// The most distinct states explored (for random walks: the most steps over all runs).
    pub max_states: u64,
    /// Wall-clock time allowed. Only a budget: it never influences which states are explored
    /// before it trips, so a run that finishes within it is deterministic.
    pub max_time: Option<Duration>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            max_depth: 10_000,
            max_states: 50_000_000,
            max_time: None,
        }
    }
}

/// What an exploration covered.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Distinct states reached (by fingerprint).
    pub states: u64,
    /// Transitions fired, including those into states already seen.
    pub transitions: u64,
    /// The deepest trace explored.
    pub max_depth: usize,
    /// Random-walk runs completed (0 for exhaustive strategies).
    pub runs: u64,
    /// Wall-clock time taken, in milliseconds. Not part of any trace.
    pub elapsed_ms: u64,
}

impl Stats {
    /// Distinct states per second of wall-clock time.
    pub fn states_per_second(&self) -> f64 {
        if self.elapsed_ms == 0 {
            self.states as f64 * 1000.0
        } else {
            self.states as f64 * 1000.0 / self.elapsed_ms as f64
        }
    }
}
