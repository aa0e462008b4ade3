//! What an exploration concludes: exactly one of violation, exhausted, or bounded.

use serde::Serialize;

use crate::budget::Stats;

/// Which budget cut an exploration short.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// Some trace reached `max_depth` with events still enabled.
    Depth,
    /// `max_states` distinct states were reached.
    States,
    /// `max_time` ran out.
    Time,
    /// A random search ran all its runs without finding a violation: it sampled, it did not
    /// cover.
    Runs,
}

/// A property that failed, with the events that lead to it from the initial state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation<E> {
    /// The property's name.
    pub property: String,
    /// What the property's check said.
    pub message: String,
    /// The events from the initial state to the violating state. Empty for a `sometimes`
    /// property that no explored state reached.
    pub path: Vec<E>,
    /// The seed of the random run that found it, if any; rerunning with this seed and one run
    /// reproduces it.
    pub run_seed: Option<u64>,
}

/// The conclusion of one exploration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<E> {
    /// A property failed.
    Violation(Violation<E>),
    /// The whole state space within the depth bound was explored and no property failed.
    Exhausted,
    /// A budget cut the exploration short before a violation was found.
    Bounded(Bound),
}

impl<E> Outcome<E> {
    /// Whether a property failed.
    pub fn is_violation(&self) -> bool {
        matches!(self, Outcome::Violation(_))
    }
    /// The outcome's name in reports: `violation`, `exhausted` or `bounded`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Violation(_) => "violation",
            Outcome::Exhausted => "exhausted",
            Outcome::Bounded(_) => "bounded",
        }
    }
}

/// An outcome with the statistics of how it was reached.
#[derive(Clone, Debug)]
pub struct Report<E> {
    /// The conclusion.
    pub outcome: Outcome<E>,
    /// What was covered.
    pub stats: Stats,
    /// The strategy that ran (`dfs`, `bfs`, `random`).
    pub strategy: String,
    /// The base seed, for seeded strategies.
    pub seed: Option<u64>,
}
