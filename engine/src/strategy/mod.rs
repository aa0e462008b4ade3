//! Exploration strategies, one per file, behind the one small [`Strategy`] trait.
//!
//! Every strategy reports exactly one [`Outcome`](crate::Outcome): a violation with its path,
//! `exhausted` only when it really covered the whole bounded space, or `bounded` with the
//! budget that stopped it. A random search is never `exhausted`.

mod bfs;
mod checker;
mod dfs;
mod pct;
mod random;
mod sampling;

pub use bfs::Bfs;
pub use checker::PropertyChecker;
pub use dfs::Dfs;
pub use pct::Pct;
pub use random::RandomWalk;

use crate::budget::Budget;
use crate::model::Model;
use crate::outcome::Report;

/// A way of exploring a model's state space.
pub trait Strategy {
    /// The strategy's name in reports and traces (`dfs`, `bfs`, `random`).
    fn name(&self) -> &'static str;
    /// The base seed, for seeded strategies.
    fn seed(&self) -> Option<u64> {
        None
    }
    /// Explores `model` within `budget`.
    fn explore<M: Model>(&mut self, model: &M, budget: &Budget) -> Report<M::Event>;
}
