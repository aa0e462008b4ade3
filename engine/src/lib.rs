//! # syncsim-engine
//!
//! The generic core of syncsim: it explores the state space of any [`Model`] — a plain-value
//! world whose only nondeterminism is which enabled event fires next — and reports either a
//! violation with a replayable [`Trace`], or exactly how much it covered.
//!
//! It knows nothing of web apps. A model supplies its state, its enabled events (each with a
//! virtual-time [`Window`]), a pure transition, and named [`Property`]s. The engine supplies:
//!
//! - virtual time with windows ([`time`]): an event may fire only if its earliest time is not
//!   after the smallest latest time of every enabled event, so every ordering the delay bounds
//!   allow is explored and nothing they forbid;
//! - strategies behind one small trait ([`strategy::Strategy`]): seeded random walk, exhaustive
//!   DFS with a visited set of fingerprints, BFS for the shortest counterexample;
//! - budgets and statistics ([`budget`]), and an [`Outcome`] that is exactly one of
//!   violation, exhausted, or bounded — a bounded run is never a pass;
//! - traces ([`trace`]) named by stable event names, rendered as text for humans and JSON for
//!   tools, and [`replay`] that re-executes a trace and names the first step that no longer fits.
//!
//! ## Using it
//! ```
//! use syncsim_engine::{strategy::{Dfs, Strategy}, Budget};
//! # use syncsim_engine::examples::counter::Counter;
//! let model = Counter::lost_update(2);
//! let report = Dfs::default().explore(&model, &Budget::default());
//! assert!(report.outcome.is_violation());
//! ```
#![deny(missing_docs)]

pub mod audit;
pub mod budget;
pub mod examples;
pub mod fingerprint;
pub mod model;
pub mod outcome;
pub mod por;
pub mod replay;
pub mod shrink;
pub mod strategy;
pub mod time;
pub mod trace;

pub use budget::{Budget, Stats};
pub use model::{EventLabel, Model, Property, PropertyKind};
pub use outcome::{Outcome, Report};
pub use time::{Millis, Timed, Window};
pub use trace::Trace;
