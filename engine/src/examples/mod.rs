//! Small non-web models that exercise the engine on its own: they prove the engine knows
//! nothing of web apps, and pin its behaviour in tests and doc examples.

pub mod counter;
pub mod random_model;
pub mod spinlock;
