//! # syncsim
//!
//! The command-line harness: it loads scenario files (`scenarios/**/*.toml`), builds the world
//! each one describes, explores it with the chosen strategy, and judges each scenario's
//! expectation. `main.rs` is the CLI; this library is what the CLI, the tests and the
//! benchmarks share.
//!
//! - [`scenario`] — the scenario file format and its errors (file, line, column, expected).
//! - [`worlds`] — which world a scenario builds, and dispatch to it.
//! - [`runner`] — explore a scenario and judge its verdict.
//! - [`output`] — summary lines and the JSON document.
//! - [`fuzz`] — random workloads shrunk by proptest into regression scenarios.
//! - [`report`] — the catalogue's verdicts as `reports/README.md`.
#![deny(missing_docs)]

pub mod fuzz;
pub mod output;
pub mod report;
pub mod runner;
pub mod scenario;
pub mod worlds;
